//! Evaluation: every policy over a table of enterprises (columnar, bit sets, three-valued), one
//! enterprise against every policy (with explanations), and a plain row-by-row evaluator of the
//! rules as written that the tests hold the other two to.

use crate::bits::{Bits, fill};
use crate::date::Day;
use crate::rule::{CNode, CPolicy, Cmp, Compiled, Node, Op, Params, RuleSet, Test, resolve};
use crate::schema::Schema;
use crate::simd;
use crate::table::{Column, Data, Table, Val};
use serde_json::Value as Json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    Missing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Eligible,
    NotEligible,
    Undetermined,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Eligible => "eligible",
            Verdict::NotEligible => "not_eligible",
            Verdict::Undetermined => "undetermined",
        }
    }
}

// ------------------------------------------------------------------ one value

/// The test on a present value.
pub fn test_val(t: &Test, v: Val) -> bool {
    match (t, v) {
        (Test::Exists, _) => true,
        (Test::Int(c, k), Val::Int(x)) => c.test(x, *k),
        (Test::IntRange(a, b), Val::Int(x)) => *a <= x && x <= *b,
        (Test::IntIn(list, neg), Val::Int(x)) => list.contains(&x) != *neg,
        (Test::Float(c, k), Val::Float(x)) => c.test(x, *k),
        (Test::Float(c, k), Val::Int(x)) => c.test(x as f64, *k),
        (Test::FloatRange(a, b), Val::Float(x)) => *a <= x && x <= *b,
        (Test::Bool(b), Val::Bool(x)) => x == *b,
        (Test::Codes(m, neg), Val::Code(c)) => ((m >> c) & 1 == 1) != *neg,
        (Test::Date(c, k), Val::Date(d)) => c.test(d, *k),
        (Test::DateRange(a, b), Val::Date(d)) => *a <= d && d <= *b,
        (Test::SetAny(m), Val::Set(s)) => s & m != 0,
        (Test::SetAll(m), Val::Set(s)) => s & m == *m,
        (Test::SetNone(m), Val::Set(s)) => s & m == 0,
        _ => false,
    }
}

pub fn outcome(t: &Test, v: Option<Val>) -> Outcome {
    match (t, v) {
        (Test::Exists, v) => {
            if v.is_some() {
                Outcome::Pass
            } else {
                Outcome::Fail
            }
        }
        (_, None) => Outcome::Missing,
        (t, Some(v)) => {
            if test_val(t, v) {
                Outcome::Pass
            } else {
                Outcome::Fail
            }
        }
    }
}

fn kleene_all(it: impl Iterator<Item = Verdict>) -> Verdict {
    let mut out = Verdict::Eligible;
    for v in it {
        match v {
            Verdict::NotEligible => return Verdict::NotEligible,
            Verdict::Undetermined => out = Verdict::Undetermined,
            Verdict::Eligible => {}
        }
    }
    out
}

fn kleene_any(it: impl Iterator<Item = Verdict>) -> Verdict {
    let mut out = Verdict::NotEligible;
    for v in it {
        match v {
            Verdict::Eligible => return Verdict::Eligible,
            Verdict::Undetermined => out = Verdict::Undetermined,
            Verdict::NotEligible => {}
        }
    }
    out
}

fn negate(v: Verdict) -> Verdict {
    match v {
        Verdict::Eligible => Verdict::NotEligible,
        Verdict::NotEligible => Verdict::Eligible,
        Verdict::Undetermined => Verdict::Undetermined,
    }
}

fn leaf_verdict(o: Outcome) -> Verdict {
    match o {
        Outcome::Pass => Verdict::Eligible,
        Outcome::Fail => Verdict::NotEligible,
        Outcome::Missing => Verdict::Undetermined,
    }
}

/// The tree's verdict from its conditions' outcomes.
pub fn verdict(n: &CNode, outs: &[Outcome]) -> Verdict {
    match n {
        CNode::All(v) => kleene_all(v.iter().map(|c| verdict(c, outs))),
        CNode::Any(v) => kleene_any(v.iter().map(|c| verdict(c, outs))),
        CNode::Not(c) => negate(verdict(c, outs)),
        CNode::Leaf(i) => leaf_verdict(outs[*i]),
    }
}

/// The fewest numeric conditions that would have to pass for the tree to come out `want`
/// (3: not by relaxing numeric thresholds alone). A failed numeric condition costs one.
pub fn flips(p: &CPolicy, n: &CNode, outs: &[Outcome], want: bool) -> u8 {
    let sum = |v: &[CNode], w: bool| v.iter().map(|c| flips(p, c, outs, w)).fold(0u8, |a, b| (a + b).min(3));
    let min = |v: &[CNode], w: bool| v.iter().map(|c| flips(p, c, outs, w)).min().unwrap_or(3);
    match (n, want) {
        (CNode::All(v), true) => sum(v, true),
        (CNode::Any(v), true) => min(v, true),
        (CNode::All(v), false) => min(v, false),
        (CNode::Any(v), false) => sum(v, false),
        (CNode::Not(c), w) => flips(p, c, outs, !w),
        (CNode::Leaf(i), true) => match outs[*i] {
            Outcome::Pass => 0,
            Outcome::Fail if p.conds[*i].test.is_numeric() => 1,
            _ => 3,
        },
        (CNode::Leaf(i), false) => {
            if outs[*i] == Outcome::Fail {
                0
            } else {
                3
            }
        }
    }
}

// ------------------------------------------------------------------ columns

macro_rules! cmp_fill {
    ($vals:expr, $out:expr, $c:expr, $k:expr) => {{
        let k = $k;
        match $c {
            Cmp::Ge => fill($vals, $out, |x| x >= k),
            Cmp::Gt => fill($vals, $out, |x| x > k),
            Cmp::Le => fill($vals, $out, |x| x <= k),
            Cmp::Lt => fill($vals, $out, |x| x < k),
            Cmp::Eq => fill($vals, $out, |x| x == k),
            Cmp::Ne => fill($vals, $out, |x| x != k),
        }
    }};
}

/// The rows of `rows` (a range of whole words, or the tail) a test holds for, missing values
/// cleared, into `t`; the rows where it is false into `f`.
fn pred_block(col: &Column, test: &Test, rows: std::ops::Range<usize>, t: &mut [u64], f: &mut [u64]) {
    let (w0, len) = (rows.start / 64, rows.len().div_ceil(64));
    let (t, f) = (&mut t[..len], &mut f[..len]);
    let valid = &col.valid.words[w0..w0 + len];
    if *test == Test::Exists {
        t.copy_from_slice(valid);
        f.iter_mut().zip(valid).for_each(|(f, v)| *f = !v);
        if rows.len() % 64 != 0 {
            f[len - 1] &= (1u64 << (rows.len() % 64)) - 1;
        }
        return;
    }
    let out = &mut *t;
    let r = rows.clone();
    let fast = match (&col.data, test) {
        (Data::I32(v), Test::Int(c, k)) => i32::try_from(*k).is_ok_and(|k| simd::cmp_i32(&v[r.clone()], out, *c, k)),
        (Data::Date(v), Test::Date(c, k)) => simd::cmp_i32(&v[r.clone()], out, *c, k.0),
        (Data::F64(v), Test::Float(c, k)) => simd::cmp_f64(&v[r.clone()], out, *c, *k),
        (Data::Code(v), Test::Codes(m, neg)) => simd::codes(&v[r.clone()], out, *m, *neg),
        (Data::Set(v), Test::SetAny(m)) => simd::sets(&v[r.clone()], out, *m, true, false),
        (Data::Set(v), Test::SetAll(m)) => simd::sets(&v[r.clone()], out, *m, false, true),
        (Data::Set(v), Test::SetNone(m)) => simd::sets(&v[r.clone()], out, *m, false, false),
        _ => false,
    };
    if !fast {
        plain_block(col, test, r, w0, len, out);
    }
    for k in 0..len {
        let v = valid[k];
        f[k] = v & !t[k];
        t[k] &= v;
    }
}

/// The plain loops (any processor, every test).
fn plain_block(col: &Column, test: &Test, r: std::ops::Range<usize>, w0: usize, len: usize, out: &mut [u64]) {
    match (&col.data, test) {
        (Data::I32(v), Test::Int(c, k)) => match i32::try_from(*k) {
            Ok(k) => cmp_fill!(&v[r], out, *c, k),
            Err(_) => fill(&v[r], out, |x| c.test(x as i64, *k)),
        },
        (Data::I64(v), Test::Int(c, k)) => cmp_fill!(&v[r], out, *c, *k),
        (Data::I32(v), Test::IntRange(a, b)) => fill(&v[r], out, |x| *a <= x as i64 && (x as i64) <= *b),
        (Data::I64(v), Test::IntRange(a, b)) => fill(&v[r], out, |x| *a <= x && x <= *b),
        (Data::I32(v), Test::IntIn(l, neg)) => fill(&v[r], out, |x| l.contains(&(x as i64)) != *neg),
        (Data::I64(v), Test::IntIn(l, neg)) => fill(&v[r], out, |x| l.contains(&x) != *neg),
        (Data::F64(v), Test::Float(c, k)) => cmp_fill!(&v[r], out, *c, *k),
        (Data::F64(v), Test::FloatRange(a, b)) => fill(&v[r], out, |x| *a <= x && x <= *b),
        (Data::Bool(v), Test::Bool(want)) => {
            let src = &v.words[w0..w0 + len];
            out.iter_mut().zip(src).for_each(|(o, s)| *o = if *want { *s } else { !s });
        }
        (Data::Code(v), Test::Codes(m, neg)) => {
            let (m, neg) = (*m, *neg);
            fill(&v[r], out, |c| ((m >> (c & 63)) & 1 == 1) != neg)
        }
        (Data::Date(v), Test::Date(c, k)) => cmp_fill!(&v[r], out, *c, k.0),
        (Data::Date(v), Test::DateRange(a, b)) => fill(&v[r], out, |x| a.0 <= x && x <= b.0),
        (Data::Set(v), Test::SetAny(m)) => fill(&v[r], out, |s| s & m != 0),
        (Data::Set(v), Test::SetAll(m)) => fill(&v[r], out, |s| s & m == *m),
        (Data::Set(v), Test::SetNone(m)) => fill(&v[r], out, |s| s & m == 0),
        // a test the field's type does not take (the compiler prevents it): never true
        _ => out.fill(0),
    }
}

/// The rows a test holds for (missing values cleared), and the rows where it is false.
pub fn pred_bits(col: &Column, t: &Test, n: usize) -> (Bits, Bits) {
    let (mut tb, mut fb) = (Bits::zeros(n), Bits::zeros(n));
    pred_block(col, t, 0..n, &mut tb.words, &mut fb.words);
    (tb, fb)
}

/// How many enterprises pass, fail and lack the data for one condition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CondCounts {
    pub pass: usize,
    pub fail: usize,
    pub missing: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PolicyCounts {
    pub id: String,
    pub title: String,
    pub eligible: usize,
    pub not_eligible: usize,
    pub undetermined: usize,
    pub near_miss: usize,
    /// Per condition, in the rule's order.
    pub conditions: Vec<(String, CondCounts)>,
}

/// Who is eligible, not eligible and a near miss for one policy.
#[derive(Debug, Clone)]
pub struct PolicySets {
    pub eligible: Bits,
    pub not_eligible: Bits,
    pub near_miss: Bits,
}

#[derive(Debug, Clone)]
pub struct MatchAll {
    pub policies: Vec<PolicyCounts>,
    /// Kept when asked for (lists of enterprises per policy).
    pub sets: Vec<PolicySets>,
}

/// Words per block (1,024 rows): a block's column slices and every test's bit sets stay in the
/// processor's caches while the trees are walked, so each column is read from memory once.
const BLOCK: usize = 64;

/// The true and false rows of each distinct test.
struct PredSets {
    t: Vec<Bits>,
    f: Vec<Bits>,
}

/// A scratch row of words for one node of one block.
type Buf = [u64; BLOCK];

/// Scratch rows for the nodes below, one pair per level of depth, made once per run (zeroing
/// a pair on every visit cost more than the combining).
type Scratch = [(Buf, Buf)];

fn eval_block(p: &CPolicy, n: &CNode, ps: &PredSets, w0: usize, len: usize, t: &mut Buf, f: &mut Buf, scratch: &mut Scratch) {
    match n {
        CNode::Leaf(i) => {
            let pr = p.conds[*i].pred;
            t[..len].copy_from_slice(&ps.t[pr].words[w0..w0 + len]);
            f[..len].copy_from_slice(&ps.f[pr].words[w0..w0 + len]);
        }
        CNode::Not(c) => eval_block(p, c, ps, w0, len, f, t, scratch),
        CNode::All(cs) | CNode::Any(cs) => {
            let all = matches!(n, CNode::All(_));
            let ((ct, cf), deeper) = scratch.split_first_mut().expect("scratch as deep as the tree");
            eval_block(p, &cs[0], ps, w0, len, t, f, deeper);
            for c in &cs[1..] {
                let (st, sf): (&[u64], &[u64]) = match c {
                    CNode::Leaf(i) => {
                        let pr = p.conds[*i].pred;
                        (&ps.t[pr].words[w0..w0 + len], &ps.f[pr].words[w0..w0 + len])
                    }
                    _ => {
                        eval_block(p, c, ps, w0, len, ct, cf, deeper);
                        (&ct[..len], &cf[..len])
                    }
                };
                if all {
                    t[..len].iter_mut().zip(st).for_each(|(a, b)| *a &= b);
                    f[..len].iter_mut().zip(sf).for_each(|(a, b)| *a |= b);
                } else {
                    t[..len].iter_mut().zip(st).for_each(|(a, b)| *a |= b);
                    f[..len].iter_mut().zip(sf).for_each(|(a, b)| *a &= b);
                }
            }
        }
    }
}

/// The cost planes of `flips` for a block: cost = hi·2 + lo, saturating at 3.
#[allow(clippy::too_many_arguments)]
fn cost_block(p: &CPolicy, n: &CNode, ps: &PredSets, w0: usize, len: usize, want: bool, lo: &mut Buf, hi: &mut Buf, scratch: &mut Scratch) {
    match n {
        CNode::Leaf(i) => {
            let c = &p.conds[*i];
            let (t, f) = (&ps.t[c.pred].words[w0..w0 + len], &ps.f[c.pred].words[w0..w0 + len]);
            let numeric = c.test.is_numeric();
            for k in 0..len {
                if want {
                    lo[k] = !t[k];
                    hi[k] = if numeric { !(t[k] | f[k]) } else { !t[k] };
                } else {
                    lo[k] = !f[k];
                    hi[k] = !f[k];
                }
            }
        }
        CNode::Not(c) => cost_block(p, c, ps, w0, len, !want, lo, hi, scratch),
        CNode::All(cs) | CNode::Any(cs) => {
            // All wanted true, or Any wanted false: every child must; else the cheapest child
            let sum = matches!(n, CNode::All(_)) == want;
            let ((cl, ch), deeper) = scratch.split_first_mut().expect("scratch as deep as the tree");
            cost_block(p, &cs[0], ps, w0, len, want, lo, hi, deeper);
            for c in &cs[1..] {
                cost_block(p, c, ps, w0, len, want, cl, ch, deeper);
                for k in 0..len {
                    let (a0, a1, b0, b1) = (lo[k], hi[k], cl[k], ch[k]);
                    if sum {
                        let s0 = a0 ^ b0;
                        let c0 = a0 & b0;
                        let s1 = a1 ^ b1 ^ c0;
                        let over = (a1 & b1) | (c0 & (a1 ^ b1));
                        lo[k] = s0 | over;
                        hi[k] = s1 | over;
                    } else {
                        let a_lt_b = (!a1 & b1) | (!(a1 ^ b1) & !a0 & b0);
                        lo[k] = (a0 & a_lt_b) | (b0 & !a_lt_b);
                        hi[k] = (a1 & a_lt_b) | (b1 & !a_lt_b);
                    }
                }
            }
        }
    }
}

/// Every policy over every enterprise: verdict counts, near misses, and each condition's pass,
/// fail and missing counts; with `keep`, the sets of enterprises per policy.
pub fn match_all(c: &Compiled, table: &Table, keep: bool) -> MatchAll {
    run(c, table, keep, true)
}

/// Verdicts and every condition's counts, without the near-miss search.
pub fn match_all_verdicts(c: &Compiled, table: &Table) -> MatchAll {
    run(c, table, false, false)
}

fn run(c: &Compiled, table: &Table, keep: bool, near: bool) -> MatchAll {
    let n = table.n;
    let np = c.preds.len();
    let mut ps = PredSets { t: (0..np).map(|_| Bits::zeros(BLOCK * 64)).collect(), f: (0..np).map(|_| Bits::zeros(BLOCK * 64)).collect() };
    let mut pred_counts = vec![CondCounts::default(); np];
    let mut counts = vec![(0usize, 0usize, 0usize); c.policies.len()];
    let mut sets: Vec<PolicySets> = if keep {
        c.policies
            .iter()
            .map(|_| PolicySets { eligible: Bits::zeros(n), not_eligible: Bits::zeros(n), near_miss: Bits::zeros(n) })
            .collect()
    } else {
        vec![]
    };
    let (mut t, mut f, mut lo, mut hi): (Buf, Buf, Buf, Buf) = ([0; BLOCK], [0; BLOCK], [0; BLOCK], [0; BLOCK]);
    fn depth(n: &CNode) -> usize {
        match n {
            CNode::Leaf(_) => 0,
            CNode::Not(c) => depth(c),
            CNode::All(v) | CNode::Any(v) => 1 + v.iter().map(depth).max().unwrap_or(0),
        }
    }
    let levels = c.policies.iter().map(|p| depth(&p.root)).max().unwrap_or(0);
    let mut scratch: Vec<(Buf, Buf)> = vec![([0; BLOCK], [0; BLOCK]); levels];
    // the tests of one field one after another, while its slice of the column is in cache
    let mut by_field: Vec<usize> = (0..np).collect();
    by_field.sort_by_key(|&i| c.preds[i].field);
    let mut r0 = 0;
    while r0 < n {
        let r1 = (r0 + BLOCK * 64).min(n);
        let (w0, len) = (r0 / 64, (r1 - r0).div_ceil(64));
        // the block's known values per field, counted once: a test's failures are the known
        // values it does not hold for
        let mut known_in_block = usize::MAX;
        let mut last_field = usize::MAX;
        for &i in &by_field {
            let p = &c.preds[i];
            let col = &table.cols[p.field];
            if p.field != last_field {
                last_field = p.field;
                known_in_block = simd::popcount(&col.valid.words[w0..w0 + len]);
            }
            pred_block(col, &p.test, r0..r1, &mut ps.t[i].words, &mut ps.f[i].words);
            let pass = simd::popcount(&ps.t[i].words[..len]);
            let cc = &mut pred_counts[i];
            cc.pass += pass;
            cc.fail += if p.test == Test::Exists { (r1 - r0) - known_in_block } else { known_in_block - pass };
        }
        for (pi, p) in c.policies.iter().enumerate() {
            eval_block(p, &p.root, &ps, 0, len, &mut t, &mut f, &mut scratch);
            if near {
                cost_block(p, &p.root, &ps, 0, len, true, &mut lo, &mut hi, &mut scratch);
            } else {
                lo[..len].fill(0);
                hi[..len].fill(0);
            }
            let (el, ne, nm) = &mut counts[pi];
            for k in 0..len {
                // near miss: not eligible, and one or two numeric thresholds away
                lo[k] = f[k] & (lo[k] ^ hi[k]);
            }
            *el += simd::popcount(&t[..len]);
            *ne += simd::popcount(&f[..len]);
            *nm += simd::popcount(&lo[..len]);
            if let Some(s) = sets.get_mut(pi) {
                s.eligible.words[w0..w0 + len].copy_from_slice(&t[..len]);
                s.not_eligible.words[w0..w0 + len].copy_from_slice(&f[..len]);
                s.near_miss.words[w0..w0 + len].copy_from_slice(&lo[..len]);
            }
        }
        r0 = r1;
    }
    for cc in &mut pred_counts {
        cc.missing = n - cc.pass - cc.fail;
    }
    let policies = c
        .policies
        .iter()
        .zip(&counts)
        .map(|(p, &(el, ne, nm))| PolicyCounts {
            id: p.id.to_string(),
            title: p.title.to_string(),
            eligible: el,
            not_eligible: ne,
            undetermined: n - el - ne,
            near_miss: nm,
            conditions: p.conds.iter().map(|cc| (cc.id.to_string(), pred_counts[cc.pred])).collect(),
        })
        .collect();
    MatchAll { policies, sets }
}

// ------------------------------------------------------------------ the plain evaluator

/// The rules as written, one row at a time: each condition resolved on its own (parameters at
/// `at`) and the tree walked in three-valued logic. Slow and simple: the reference the compiled
/// engine must agree with. Returns per policy the verdict and each condition's outcome.
pub fn reference(rs: &RuleSet, schema: &Schema, at: Day, row: &[Option<Val>]) -> Vec<(Verdict, Vec<Outcome>)> {
    fn walk(n: &Node, schema: &Schema, params: &Params, at: Day, row: &[Option<Val>], outs: &mut Vec<Outcome>) -> Verdict {
        match n {
            Node::All(v) => {
                let vs: Vec<Verdict> = v.iter().map(|c| walk(c, schema, params, at, row, outs)).collect();
                kleene_all(vs.into_iter())
            }
            Node::Any(v) => {
                let vs: Vec<Verdict> = v.iter().map(|c| walk(c, schema, params, at, row, outs)).collect();
                kleene_any(vs.into_iter())
            }
            Node::Not(c) => negate(walk(c, schema, params, at, row, outs)),
            Node::Cond(c) => {
                let (fi, f) = schema.get(&c.field).expect("parsed");
                let value: Json = match (&c.value, &c.param) {
                    (Some(v), _) => v.clone(),
                    (None, Some(p)) => params.at(p, at).ok().flatten().cloned().unwrap_or(Json::Null),
                    _ => Json::Null,
                };
                let o = if c.op == Op::Exists {
                    if row[fi].is_some() { Outcome::Pass } else { Outcome::Fail }
                } else {
                    let t = resolve(&f.ty, c.op, &value, at).expect("compiled");
                    match row[fi] {
                        None => Outcome::Missing,
                        Some(v) if test_val(&t, v) => Outcome::Pass,
                        Some(_) => Outcome::Fail,
                    }
                };
                outs.push(o);
                leaf_verdict(o)
            }
        }
    }
    rs.policies
        .iter()
        .map(|p| {
            let mut outs = Vec::new();
            let v = walk(&p.rule, schema, &rs.params, at, row, &mut outs);
            (v, outs)
        })
        .collect()
}
