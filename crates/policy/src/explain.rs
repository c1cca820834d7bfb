//! One enterprise against every policy, with each condition's outcome explained in plain
//! Chinese or English ("发明专利 1 件，要求 ≥ 2 件"), the data that is missing, and for a near
//! miss the gaps ("还差 1 件").

use crate::date::whole_years;
use crate::eval::{Outcome, Verdict, flips, outcome, verdict};
use crate::rule::CNode;
use crate::rule::{CCond, Cmp, Compiled, Op, Test};
use crate::schema::{Field, FieldType};
use crate::table::Val;
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

#[derive(Debug, Clone, Serialize)]
pub struct CondResult {
    pub id: Arc<str>,
    /// `pass`, `fail` or `missing`.
    pub outcome: &'static str,
    pub text: String,
    /// How far a failed numeric condition is from passing.
    pub gap: Option<String>,
    /// It stands between the enterprise and eligibility: a failed or undetermined condition
    /// outside any group that is satisfied anyway (an alternative not taken is not a reason).
    pub relevant: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyResult {
    pub id: Arc<str>,
    pub title: Arc<str>,
    /// `eligible`, `not_eligible` or `undetermined`.
    pub verdict: &'static str,
    pub near_miss: bool,
    pub conditions: Vec<CondResult>,
    /// What is missing, for an undetermined verdict ("研发费用 未登记").
    pub missing: Vec<String>,
}

fn trim_num(x: f64) -> String {
    let mut s = String::new();
    write_num(&mut s, x);
    s
}

/// A number rounded to two decimals, trailing zeros dropped ("80", "4.5", "0.25"), written with
/// integer arithmetic: exact decimal formatting of floats is slow.
fn write_num(out: &mut String, x: f64) {
    use std::fmt::Write;
    let cents = (x * 100.0).round();
    if !cents.is_finite() || cents.abs() >= 9.0e15 {
        let _ = write!(out, "{x}");
        return;
    }
    let cents = cents as i64;
    if cents < 0 {
        out.push('-');
    }
    let (whole, frac) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    let _ = write!(out, "{whole}");
    match frac {
        0 => {}
        f if f % 10 == 0 => {
            let _ = write!(out, ".{}", f / 10);
        }
        f => {
            let _ = write!(out, ".{f:02}");
        }
    }
}

fn label(c: &CCond, f: &Field, lang: Lang) -> String {
    match (&c.label, lang) {
        (Some(l), _) => l.clone(),
        (None, Lang::Zh) => f.label_zh.clone(),
        (None, Lang::En) => f.label_en.clone(),
    }
}

fn unit(f: &Field, lang: Lang) -> &str {
    match lang {
        Lang::Zh => &f.unit_zh,
        Lang::En => &f.unit_en,
    }
}

fn with_unit(n: String, u: &str, lang: Lang) -> String {
    match (u.is_empty(), lang) {
        (true, _) => n,
        (false, Lang::Zh) => format!("{n} {u}"),
        (false, Lang::En) => format!("{n} {u}"),
    }
}

fn codes(f: &Field, mask: u64, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let v: Vec<&str> = (0..64).filter(|i| mask >> i & 1 == 1).filter_map(|i| f.value_name(i, zh)).collect();
    v.join(if zh { "、" } else { ", " })
}

fn value_text(f: &Field, v: Val, lang: Lang) -> String {
    let mut s = String::new();
    write_value(&mut s, f, v, lang);
    s
}

/// Writes a value as the explanation shows it, into `out` (no allocation for numbers).
fn write_value(out: &mut String, f: &Field, v: Val, lang: Lang) {
    use std::fmt::Write;
    let u = unit(f, lang);
    let zh = lang == Lang::Zh;
    match (v, &f.ty) {
        (Val::Int(x), _) => {
            let _ = write!(out, "{x}");
        }
        (Val::Float(x), _) => write_num(out, x),
        (Val::Bool(b), _) => out.push_str(match (b, zh) {
            (true, true) => "是",
            (false, true) => "否",
            (true, false) => "yes",
            (false, false) => "no",
        }),
        (Val::Code(c), FieldType::Enum(_)) => out.push_str(f.value_name(c as usize, zh).unwrap_or_default()),
        (Val::Date(d), _) => {
            let _ = write!(out, "{d}");
        }
        (Val::Set(0), _) => out.push_str(if zh { "无" } else { "none" }),
        (Val::Set(m), FieldType::Set(_)) => out.push_str(&codes(f, m, lang)),
        _ => {}
    }
    if matches!(v, Val::Int(_) | Val::Float(_)) && !u.is_empty() {
        out.push(' ');
        out.push_str(u);
    }
}

fn num_text(f: &Field, x: f64, lang: Lang) -> String {
    with_unit(trim_num(x), unit(f, lang), lang)
}

/// What the condition asks for ("≥ 2 件", "属于 制造业、软件业", "满 3 年").
fn requirement(c: &CCond, f: &Field, at: crate::date::Day, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match &c.test {
        Test::Exists => if zh { "已登记" } else { "recorded" }.into(),
        Test::Int(cmp, k) => format!("{} {}", cmp.symbol(), num_text(f, *k as f64, lang)),
        Test::Float(cmp, k) => format!("{} {}", cmp.symbol(), num_text(f, *k, lang)),
        Test::IntRange(a, b) => format!("{}–{}", a, num_text(f, *b as f64, lang)),
        Test::FloatRange(a, b) => format!("{}–{}", trim_num(*a), num_text(f, *b, lang)),
        Test::IntIn(l, neg) => {
            let list = l.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(if zh { "、" } else { ", " });
            match (neg, zh) {
                (false, true) => format!("为 {list} 之一"),
                (true, true) => format!("不为 {list}"),
                (false, false) => format!("one of {list}"),
                (true, false) => format!("none of {list}"),
            }
        }
        Test::Bool(b) => value_text(f, Val::Bool(*b), lang),
        Test::Codes(m, neg) => match (neg, zh) {
            (false, true) => format!("属于 {}", codes(f, *m, lang)),
            (true, true) => format!("不属于 {}", codes(f, *m, lang)),
            (false, false) => format!("one of {}", codes(f, *m, lang)),
            (true, false) => format!("none of {}", codes(f, *m, lang)),
        },
        Test::Date(_, d) if matches!(c.op, Op::YearsAgoGe | Op::YearsAgoLt) => {
            let n = whole_years(*d, at);
            match (c.op == Op::YearsAgoGe, zh) {
                (true, true) => format!("满 {n} 年（{d} 或之前）"),
                (false, true) => format!("不满 {n} 年（{d} 之后）"),
                (true, false) => format!("at least {n} years ({d} or before)"),
                (false, false) => format!("under {n} years (after {d})"),
            }
        }
        Test::Date(cmp, d) => format!("{} {d}", cmp.symbol()),
        Test::DateRange(a, b) => format!("{a} – {b}"),
        Test::SetAny(m) if m.count_ones() == 1 => format!("{}{}", if zh { "含 " } else { "holds " }, codes(f, *m, lang)),
        Test::SetAny(m) => format!("{}{}", if zh { "含其一：" } else { "holds one of " }, codes(f, *m, lang)),
        Test::SetAll(m) => format!("{}{}", if zh { "均含：" } else { "holds all of " }, codes(f, *m, lang)),
        Test::SetNone(m) => format!("{}{}", if zh { "不含 " } else { "holds none of " }, codes(f, *m, lang)),
    }
}

/// How far a failed numeric value is from the threshold.
fn gap(c: &CCond, f: &Field, v: Val, lang: Lang) -> Option<String> {
    let x = match v {
        Val::Int(x) => x as f64,
        Val::Float(x) => x,
        _ => return None,
    };
    let int = matches!(f.ty, FieldType::Int);
    let step = if int { 1.0 } else { 0.0 };
    let (short, over) = match &c.test {
        Test::Int(Cmp::Ge, k) => (Some(*k as f64 - x), None),
        Test::Int(Cmp::Gt, k) => (Some(*k as f64 + step - x), None),
        Test::Int(Cmp::Le, k) => (None, Some(x - *k as f64)),
        Test::Int(Cmp::Lt, k) => (None, Some(x - *k as f64 + step)),
        Test::Float(Cmp::Ge | Cmp::Gt, k) => (Some(k - x), None),
        Test::Float(Cmp::Le | Cmp::Lt, k) => (None, Some(x - k)),
        Test::IntRange(a, _) if x < *a as f64 => (Some(*a as f64 - x), None),
        Test::IntRange(_, b) => (None, Some(x - *b as f64)),
        Test::FloatRange(a, _) if x < *a => (Some(a - x), None),
        Test::FloatRange(_, b) => (None, Some(x - b)),
        _ => return None,
    };
    let l = label(c, f, lang);
    Some(match (short, over, lang) {
        (Some(d), _, Lang::Zh) => format!("{l}还差 {}", num_text(f, d, lang)),
        (Some(d), _, Lang::En) => format!("{l}: short by {}", num_text(f, d, lang)),
        (_, Some(d), Lang::Zh) => format!("{l}超出 {}", num_text(f, d, lang)),
        (_, Some(d), Lang::En) => format!("{l}: over by {}", num_text(f, d, lang)),
        _ => return None,
    })
}

/// The fixed words of every condition (its label and what it asks for) in one language, made
/// once per compiled rule set so that explaining an enterprise only writes its values.
#[derive(Debug, Clone)]
pub struct Wording {
    pub lang: Lang,
    /// Per policy, per condition: the label and the requirement.
    conds: Vec<Vec<(String, String)>>,
}

pub fn wording(c: &Compiled, lang: Lang) -> Wording {
    let conds = c
        .policies
        .iter()
        .map(|p| {
            p.conds
                .iter()
                .map(|cc| {
                    let f = &c.schema.fields[cc.field];
                    (label(cc, f, lang), requirement(cc, f, c.at, lang))
                })
                .collect()
        })
        .collect();
    Wording { lang, conds }
}

/// Marks the conditions that keep `n` from coming out `want`.
fn mark(n: &CNode, outs: &[Outcome], want: bool, rel: &mut [bool]) {
    if let CNode::Leaf(i) = n {
        let satisfied = if want { outs[*i] == Outcome::Pass } else { outs[*i] == Outcome::Fail };
        rel[*i] = !satisfied;
        return;
    }
    let v = verdict(n, outs);
    if (want && v == Verdict::Eligible) || (!want && v == Verdict::NotEligible) {
        return;
    }
    match n {
        CNode::Leaf(_) => {}
        CNode::All(cs) | CNode::Any(cs) => cs.iter().for_each(|c| mark(c, outs, want, rel)),
        CNode::Not(c) => mark(c, outs, !want, rel),
    }
}

/// One enterprise (a row in schema order) against every compiled policy.
pub fn explain(c: &Compiled, row: &[Option<Val>], lang: Lang) -> Vec<PolicyResult> {
    explain_with(c, &wording(c, lang), row)
}

/// As `explain`, with the wording made beforehand.
pub fn explain_with(c: &Compiled, w: &Wording, row: &[Option<Val>]) -> Vec<PolicyResult> {
    let lang = w.lang;
    let zh = lang == Lang::Zh;
    // each distinct test once
    let pred_out: Vec<Outcome> = c.preds.iter().map(|p| outcome(&p.test, row[p.field])).collect();
    let mut out = Vec::with_capacity(c.policies.len());
    let mut outs = Vec::new();
    let mut rel: Vec<bool> = Vec::new();
    for (p, words) in c.policies.iter().zip(&w.conds) {
        outs.clear();
        outs.extend(p.conds.iter().map(|cc| pred_out[cc.pred]));
        let v = verdict(&p.root, &outs);
        let near = v == Verdict::NotEligible && matches!(flips(p, &p.root, &outs, true), 1 | 2);
        rel.clear();
        rel.resize(outs.len(), false);
        if v != Verdict::Eligible {
            mark(&p.root, &outs, true, &mut rel);
        }
        let mut missing = Vec::new();
        let conditions = p
            .conds
            .iter()
            .zip(&outs)
            .zip(words)
            .zip(&rel)
            .map(|(((cc, o), (l, req)), relevant)| {
                let f = &c.schema.fields[cc.field];
                let mut t = String::with_capacity(l.len() + req.len() + 32);
                t.push_str(l);
                let (outcome, g) = match (o, row[cc.field]) {
                    (Outcome::Missing, _) | (_, None) if cc.test != Test::Exists => {
                        t.push_str(if zh { " 未登记" } else { " not recorded" });
                        missing.push(t.clone());
                        t.push_str(if zh { "，要求 " } else { "; required " });
                        ("missing", None)
                    }
                    (o, v) => {
                        t.push_str(if zh { " " } else { ": " });
                        match v {
                            Some(v) => write_value(&mut t, f, v, lang),
                            None => t.push_str(if zh { "未登记" } else { "not recorded" }),
                        }
                        t.push_str(if zh { "，要求 " } else { ", required " });
                        let pass = *o == Outcome::Pass;
                        let g = if !pass && cc.test.is_numeric() { v.and_then(|v| gap(cc, f, v, lang)) } else { None };
                        (if pass { "pass" } else { "fail" }, g)
                    }
                };
                t.push_str(req);
                CondResult { id: cc.id.clone(), outcome, text: t, gap: g, relevant: *relevant }
            })
            .collect();
        out.push(PolicyResult { id: p.id.clone(), title: p.title.clone(), verdict: v.code(), near_miss: near, conditions, missing });
    }
    out
}
