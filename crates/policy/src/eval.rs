//! Evaluation: every policy over a table of enterprises (columnar, bit sets, three-valued), one
//! enterprise against every policy (with explanations), and a plain row-by-row evaluator of the
//! rules as written that the tests hold the other two to.

use crate::bits::{Bits, fill};
use crate::date::Day;
use crate::rule::{CNode, CPolicy, Cmp, Compiled, Node, Op, Params, RuleSet, Test, resolve};
use crate::schema::Schema;
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

/// The rows a test holds for (missing values cleared), and the rows where it is known.
pub fn pred_bits(col: &Column, t: &Test, n: usize) -> (Bits, Bits) {
    if *t == Test::Exists {
        return (col.valid.clone(), Bits::ones(n));
    }
    let mut b = Bits::zeros(n);
    let out = &mut b.words[..];
    match (&col.data, t) {
        (Data::I32(v), Test::Int(c, k)) => match i32::try_from(*k) {
            Ok(k) => cmp_fill!(v, out, *c, k),
            Err(_) => fill(v, out, |x| c.test(x as i64, *k)),
        },
        (Data::I64(v), Test::Int(c, k)) => cmp_fill!(v, out, *c, *k),
        (Data::I32(v), Test::IntRange(a, b)) => fill(v, out, |x| *a <= x as i64 && (x as i64) <= *b),
        (Data::I64(v), Test::IntRange(a, b)) => fill(v, out, |x| *a <= x && x <= *b),
        (Data::I32(v), Test::IntIn(l, neg)) => fill(v, out, |x| l.contains(&(x as i64)) != *neg),
        (Data::I64(v), Test::IntIn(l, neg)) => fill(v, out, |x| l.contains(&x) != *neg),
        (Data::F64(v), Test::Float(c, k)) => cmp_fill!(v, out, *c, *k),
        (Data::F64(v), Test::FloatRange(a, b)) => fill(v, out, |x| *a <= x && x <= *b),
        (Data::Bool(v), Test::Bool(want)) => {
            let src = if *want { v.clone() } else { v.not() };
            out.copy_from_slice(&src.words);
        }
        (Data::Code(v), Test::Codes(m, neg)) => {
            let (m, neg) = (*m, *neg);
            fill(v, out, |c| ((m >> (c & 63)) & 1 == 1) != neg)
        }
        (Data::Date(v), Test::Date(c, k)) => cmp_fill!(v, out, *c, k.0),
        (Data::Date(v), Test::DateRange(a, b)) => fill(v, out, |x| a.0 <= x && x <= b.0),
        (Data::Set(v), Test::SetAny(m)) => fill(v, out, |s| s & m != 0),
        (Data::Set(v), Test::SetAll(m)) => fill(v, out, |s| s & m == *m),
        (Data::Set(v), Test::SetNone(m)) => fill(v, out, |s| s & m == 0),
        // a test the field's type does not take (the compiler prevents it): never true
        _ => {}
    }
    b.and_with(&col.valid);
    (b, col.valid.clone())
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

/// Words per block: a block's bit sets stay in the first-level cache while a tree is walked.
const BLOCK: usize = 128;

/// The true and false rows of each distinct test.
struct PredSets {
    t: Vec<Bits>,
    f: Vec<Bits>,
}

/// A scratch row of words for one node of one block.
type Buf = [u64; BLOCK];

fn eval_block(p: &CPolicy, n: &CNode, ps: &PredSets, w0: usize, len: usize, t: &mut Buf, f: &mut Buf) {
    match n {
        CNode::Leaf(i) => {
            let pr = p.conds[*i].pred;
            t[..len].copy_from_slice(&ps.t[pr].words[w0..w0 + len]);
            f[..len].copy_from_slice(&ps.f[pr].words[w0..w0 + len]);
        }
        CNode::Not(c) => eval_block(p, c, ps, w0, len, f, t),
        CNode::All(cs) | CNode::Any(cs) => {
            let all = matches!(n, CNode::All(_));
            eval_block(p, &cs[0], ps, w0, len, t, f);
            let (mut ct, mut cf): (Buf, Buf) = ([0; BLOCK], [0; BLOCK]);
            for c in &cs[1..] {
                let (st, sf): (&[u64], &[u64]) = match c {
                    CNode::Leaf(i) => {
                        let pr = p.conds[*i].pred;
                        (&ps.t[pr].words[w0..w0 + len], &ps.f[pr].words[w0..w0 + len])
                    }
                    _ => {
                        eval_block(p, c, ps, w0, len, &mut ct, &mut cf);
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
fn cost_block(p: &CPolicy, n: &CNode, ps: &PredSets, w0: usize, len: usize, want: bool, lo: &mut Buf, hi: &mut Buf) {
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
        CNode::Not(c) => cost_block(p, c, ps, w0, len, !want, lo, hi),
        CNode::All(cs) | CNode::Any(cs) => {
            // All wanted true, or Any wanted false: every child must; else the cheapest child
            let sum = matches!(n, CNode::All(_)) == want;
            cost_block(p, &cs[0], ps, w0, len, want, lo, hi);
            let (mut cl, mut ch): (Buf, Buf) = ([0; BLOCK], [0; BLOCK]);
            for c in &cs[1..] {
                cost_block(p, c, ps, w0, len, want, &mut cl, &mut ch);
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
    let n = table.n;
    let mut ps = PredSets { t: Vec::with_capacity(c.preds.len()), f: Vec::with_capacity(c.preds.len()) };
    let mut pred_counts = Vec::with_capacity(c.preds.len());
    for p in &c.preds {
        let (t, known) = pred_bits(&table.cols[p.field], &p.test, n);
        let f = known.and_not(&t);
        let (pass, fail) = (t.count(), f.count());
        pred_counts.push(CondCounts { pass, fail, missing: n - pass - fail });
        ps.t.push(t);
        ps.f.push(f);
    }
    let words = n.div_ceil(64);
    let mut policies = Vec::with_capacity(c.policies.len());
    let mut sets = Vec::new();
    let (mut t, mut f, mut lo, mut hi): (Buf, Buf, Buf, Buf) = ([0; BLOCK], [0; BLOCK], [0; BLOCK], [0; BLOCK]);
    for p in &c.policies {
        let (mut el, mut ne, mut nm) = (0usize, 0usize, 0usize);
        let mut kept = keep.then(|| PolicySets { eligible: Bits::zeros(n), not_eligible: Bits::zeros(n), near_miss: Bits::zeros(n) });
        let mut w0 = 0;
        while w0 < words {
            let len = BLOCK.min(words - w0);
            eval_block(p, &p.root, &ps, w0, len, &mut t, &mut f);
            cost_block(p, &p.root, &ps, w0, len, true, &mut lo, &mut hi);
            for k in 0..len {
                // near miss: not eligible, and one or two numeric thresholds away
                lo[k] = f[k] & (lo[k] ^ hi[k]);
                el += t[k].count_ones() as usize;
                ne += f[k].count_ones() as usize;
                nm += lo[k].count_ones() as usize;
            }
            if let Some(s) = kept.as_mut() {
                s.eligible.words[w0..w0 + len].copy_from_slice(&t[..len]);
                s.not_eligible.words[w0..w0 + len].copy_from_slice(&f[..len]);
                s.near_miss.words[w0..w0 + len].copy_from_slice(&lo[..len]);
            }
            w0 += len;
        }
        policies.push(PolicyCounts {
            id: p.id.clone(),
            title: p.title.clone(),
            eligible: el,
            not_eligible: ne,
            undetermined: n - el - ne,
            near_miss: nm,
            conditions: p.conds.iter().map(|cc| (cc.id.clone(), pred_counts[cc.pred])).collect(),
        });
        if let Some(s) = kept {
            sets.push(s);
        }
    }
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
