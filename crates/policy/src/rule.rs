//! Eligibility rules as written (JSON trees), their checks, and their compilation against a
//! schema at an evaluation date.
//!
//! A node is `{"all": [...]}`, `{"any": [...]}`, `{"not": node}` or a condition
//! `{"id", "field", "op", "value" | "param", "label"?}`. A parameter has dated values
//! (`{"2020-01-01": 2, "2024-01-01": 1}`): the one in force on the evaluation date is used.

use crate::date::{Day, parse_day, years_before};
use crate::schema::{FieldType, Schema};
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

/// A rule that cannot be saved or compiled: where (the path of the bad node) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleError {
    pub path: String,
    pub code: &'static str,
    pub detail: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.path, self.code, self.detail)
    }
}

impl RuleError {
    fn new(path: &str, code: &'static str, detail: impl Into<String>) -> RuleError {
        RuleError { path: path.into(), code, detail: detail.into() }
    }
    /// The reason in Chinese.
    pub fn message_zh(&self) -> String {
        let what = match self.code {
            "rule.shape" => "节点必须是 all、any、not 或条件之一",
            "rule.id" => "条件缺少编号或编号重复",
            "rule.field_unknown" => "没有这个字段",
            "rule.op_invalid" => "该字段类型不支持这个运算符",
            "rule.value_type" => "取值类型与字段不符",
            "rule.param_unknown" => "没有这个参数",
            "rule.param_undated" => "参数在评估日期没有生效的取值",
            _ => "规则有误",
        };
        format!("{}：{what}（{}）", self.path, self.detail)
    }
    pub fn message_en(&self) -> String {
        let what = match self.code {
            "rule.shape" => "a node must be all, any, not or a condition",
            "rule.id" => "a condition's id is missing or repeated",
            "rule.field_unknown" => "no such field",
            "rule.op_invalid" => "this operator does not apply to the field's type",
            "rule.value_type" => "the value does not fit the field's type",
            "rule.param_unknown" => "no such parameter",
            "rule.param_undated" => "the parameter has no value in force on the evaluation date",
            _ => "invalid rule",
        };
        format!("{}: {what} ({})", self.path, self.detail)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Ne,
    In,
    NotIn,
    Between,
    Exists,
    /// Date at least N years before the evaluation date ("founded at least N years ago").
    YearsAgoGe,
    /// Date less than N years before the evaluation date.
    YearsAgoLt,
    Has,
    HasAny,
    HasAll,
    NotHas,
}

pub const OPS: &[(&str, Op)] = &[
    (">=", Op::Ge),
    (">", Op::Gt),
    ("<=", Op::Le),
    ("<", Op::Lt),
    ("==", Op::Eq),
    ("!=", Op::Ne),
    ("in", Op::In),
    ("not_in", Op::NotIn),
    ("between", Op::Between),
    ("exists", Op::Exists),
    ("years_ago>=", Op::YearsAgoGe),
    ("years_ago<", Op::YearsAgoLt),
    ("has", Op::Has),
    ("has_any", Op::HasAny),
    ("has_all", Op::HasAll),
    ("not_has", Op::NotHas),
];

impl Op {
    pub fn parse(s: &str) -> Option<Op> {
        OPS.iter().find(|(k, _)| *k == s).map(|(_, o)| *o)
    }
    pub fn code(self) -> &'static str {
        OPS.iter().find(|(_, o)| *o == self).map(|(k, _)| *k).unwrap_or("?")
    }
    /// The operators a field type takes.
    pub fn applies_to(self, ty: &FieldType) -> bool {
        use Op::*;
        match ty {
            FieldType::Int => matches!(self, Ge | Gt | Le | Lt | Eq | Ne | In | NotIn | Between | Exists),
            FieldType::Float => matches!(self, Ge | Gt | Le | Lt | Eq | Ne | Between | Exists),
            FieldType::Bool => matches!(self, Eq | Ne | Exists),
            FieldType::Enum(_) => matches!(self, Eq | Ne | In | NotIn | Exists),
            FieldType::Date => matches!(self, Ge | Gt | Le | Lt | Eq | Ne | Between | Exists | YearsAgoGe | YearsAgoLt),
            FieldType::Set(_) => matches!(self, Has | HasAny | HasAll | NotHas | Exists),
        }
    }
}

/// A comparison of an ordered value with a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmp {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Ne,
}

impl Cmp {
    #[inline(always)]
    pub fn test<T: PartialOrd>(self, v: T, k: T) -> bool {
        match self {
            Cmp::Ge => v >= k,
            Cmp::Gt => v > k,
            Cmp::Le => v <= k,
            Cmp::Lt => v < k,
            Cmp::Eq => v == k,
            Cmp::Ne => v != k,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Ge => "≥",
            Cmp::Gt => ">",
            Cmp::Le => "≤",
            Cmp::Lt => "<",
            Cmp::Eq => "=",
            Cmp::Ne => "≠",
        }
    }
}

/// A resolved test on one field. A missing value makes every test undetermined except
/// `Exists`, which is always known.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Exists,
    Int(Cmp, i64),
    IntRange(i64, i64),
    IntIn(Vec<i64>, bool),
    Float(Cmp, f64),
    FloatRange(f64, f64),
    Bool(bool),
    /// Enum codes: true when the value's bit is in the mask, inverted when `negate`.
    Codes(u64, bool),
    Date(Cmp, Day),
    DateRange(Day, Day),
    SetAny(u64),
    SetAll(u64),
    SetNone(u64),
}

impl Test {
    /// A numeric threshold the value can fall short of (near misses).
    pub fn is_numeric(&self) -> bool {
        matches!(self, Test::Int(Cmp::Ge | Cmp::Gt | Cmp::Le | Cmp::Lt, _) | Test::Float(Cmp::Ge | Cmp::Gt | Cmp::Le | Cmp::Lt, _))
            || matches!(self, Test::IntRange(..) | Test::FloatRange(..))
    }
    fn key(&self) -> String {
        match self {
            Test::Float(c, k) => format!("F{c:?}{}", k.to_bits()),
            Test::FloatRange(a, b) => format!("FR{}:{}", a.to_bits(), b.to_bits()),
            other => format!("{other:?}"),
        }
    }
}

/// A parsed condition.
#[derive(Debug, Clone)]
pub struct Cond {
    pub id: String,
    pub field: String,
    pub op: Op,
    pub value: Option<Json>,
    pub param: Option<String>,
    pub label: Option<String>,
    pub path: String,
}

#[derive(Debug, Clone)]
pub enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    Cond(Cond),
}

impl Node {
    pub fn conds(&self) -> Vec<&Cond> {
        let mut out = Vec::new();
        fn walk<'a>(n: &'a Node, out: &mut Vec<&'a Cond>) {
            match n {
                Node::All(v) | Node::Any(v) => v.iter().for_each(|c| walk(c, out)),
                Node::Not(c) => walk(c, out),
                Node::Cond(c) => out.push(c),
            }
        }
        walk(self, &mut out);
        out
    }
}

/// Dated parameter values, in date order.
#[derive(Debug, Clone, Default)]
pub struct Params(pub HashMap<String, Vec<(Day, Json)>>);

impl Params {
    pub fn from_json(v: Option<&Json>, path: &str) -> Result<Params, Vec<RuleError>> {
        let mut out = HashMap::new();
        let mut errs = Vec::new();
        let Some(v) = v else { return Ok(Params(out)) };
        let Some(obj) = v.as_object() else {
            return Err(vec![RuleError::new(path, "rule.shape", "parameters must be an object")]);
        };
        for (name, dated) in obj {
            let p = format!("{path}.{name}");
            let mut vals = Vec::new();
            match dated.as_object() {
                Some(d) => {
                    for (day, val) in d {
                        match parse_day(day) {
                            Some(day) => vals.push((day, val.clone())),
                            None => errs.push(RuleError::new(&p, "rule.value_type", format!("{day} is not a date YYYY-MM-DD"))),
                        }
                    }
                }
                // an undated value is in force always
                None => vals.push((Day::MIN, dated.clone())),
            }
            vals.sort_by_key(|(d, _)| *d);
            out.insert(name.clone(), vals);
        }
        if errs.is_empty() { Ok(Params(out)) } else { Err(errs) }
    }
    /// The value in force on `at`.
    pub fn at(&self, name: &str, at: Day) -> Result<Option<&Json>, ()> {
        let vals = self.0.get(name).ok_or(())?;
        Ok(vals.iter().rev().find(|(d, _)| *d <= at).map(|(_, v)| v))
    }
}

/// Parses a rule tree, checking its shape, operators, fields and value types against the schema.
pub fn parse(v: &Json, path: &str, schema: &Schema, params: &Params) -> Result<Node, Vec<RuleError>> {
    let mut errs = Vec::new();
    let mut ids = HashSet::new();
    let node = parse_node(v, path, schema, params, &mut errs, &mut ids);
    if errs.is_empty() { Ok(node) } else { Err(errs) }
}

fn parse_node(v: &Json, path: &str, schema: &Schema, params: &Params, errs: &mut Vec<RuleError>, ids: &mut HashSet<String>) -> Node {
    let Some(obj) = v.as_object() else {
        errs.push(RuleError::new(path, "rule.shape", "not an object"));
        return Node::All(vec![]);
    };
    let list = |key: &str, errs: &mut Vec<RuleError>, ids: &mut HashSet<String>| -> Vec<Node> {
        match obj.get(key).and_then(Json::as_array) {
            Some(items) if !items.is_empty() => {
                items.iter().enumerate().map(|(i, c)| parse_node(c, &format!("{path}.{key}[{i}]"), schema, params, errs, ids)).collect()
            }
            _ => {
                errs.push(RuleError::new(path, "rule.shape", format!("{key} needs a non-empty list")));
                vec![]
            }
        }
    };
    if obj.contains_key("all") && obj.len() == 1 {
        return Node::All(list("all", errs, ids));
    }
    if obj.contains_key("any") && obj.len() == 1 {
        return Node::Any(list("any", errs, ids));
    }
    if let (Some(n), 1) = (obj.get("not"), obj.len()) {
        return Node::Not(Box::new(parse_node(n, &format!("{path}.not"), schema, params, errs, ids)));
    }
    if !obj.contains_key("field") {
        errs.push(RuleError::new(path, "rule.shape", "expected all, any, not or a condition with a field"));
        return Node::All(vec![]);
    }
    let s = |k: &str| obj.get(k).and_then(Json::as_str).map(str::to_string);
    let id = s("id").unwrap_or_default();
    if id.is_empty() || !ids.insert(id.clone()) {
        errs.push(RuleError::new(path, "rule.id", if id.is_empty() { "missing".to_string() } else { format!("{id} repeated") }));
    }
    let field = s("field").unwrap_or_default();
    let op_text = s("op").unwrap_or_default();
    let op = Op::parse(&op_text);
    let c = Cond {
        id,
        field: field.clone(),
        op: op.unwrap_or(Op::Exists),
        value: obj.get("value").cloned(),
        param: s("param"),
        label: s("label"),
        path: path.to_string(),
    };
    let Some((_, f)) = schema.get(&field) else {
        errs.push(RuleError::new(path, "rule.field_unknown", field));
        return Node::Cond(c);
    };
    let Some(op) = op.filter(|o| o.applies_to(&f.ty)) else {
        errs.push(RuleError::new(path, "rule.op_invalid", format!("{op_text} · {}（{}）", f.label_zh, f.ty.name())));
        return Node::Cond(c);
    };
    if op == Op::Exists {
        return Node::Cond(c);
    }
    // the value: given, or a parameter's values (each checked)
    let values: Vec<&Json> = match (&c.value, &c.param) {
        (Some(v), None) => vec![v],
        (None, Some(p)) => match params.0.get(p) {
            Some(vals) => vals.iter().map(|(_, v)| v).collect(),
            None => {
                errs.push(RuleError::new(path, "rule.param_unknown", p.clone()));
                return Node::Cond(c);
            }
        },
        _ => {
            errs.push(RuleError::new(path, "rule.value_type", "give exactly one of value and param"));
            return Node::Cond(c);
        }
    };
    for v in values {
        if let Err(detail) = resolve(&f.ty, op, v, Day(0)) {
            errs.push(RuleError::new(path, "rule.value_type", detail));
        }
    }
    Node::Cond(c)
}

fn num(v: &Json, int: bool) -> Result<f64, String> {
    match v.as_f64() {
        Some(x) if !int || (x.fract() == 0.0 && x.abs() < 9.0e15) => Ok(x),
        _ => Err(format!("{v} is not {}", if int { "an integer" } else { "a number" })),
    }
}

fn pair(v: &Json) -> Result<(&Json, &Json), String> {
    match v.as_array().map(Vec::as_slice) {
        Some([a, b]) => Ok((a, b)),
        _ => Err(format!("{v} is not a pair [low, high]")),
    }
}

fn codes(values: &[String], v: &Json, many: bool) -> Result<u64, String> {
    let one = |x: &Json| -> Result<u64, String> {
        let s = x.as_str().ok_or_else(|| format!("{x} is not text"))?;
        values.iter().position(|c| c == s).map(|i| 1u64 << i).ok_or_else(|| format!("{s} is not one of {}", values.join(", ")))
    };
    if many {
        let arr = v.as_array().filter(|a| !a.is_empty()).ok_or_else(|| format!("{v} is not a non-empty list"))?;
        arr.iter().try_fold(0u64, |m, x| Ok(m | one(x)?))
    } else {
        one(v)
    }
}

fn day_of(v: &Json) -> Result<Day, String> {
    v.as_str().and_then(parse_day).ok_or_else(|| format!("{v} is not a date YYYY-MM-DD"))
}

fn cmp_of(op: Op) -> Option<Cmp> {
    Some(match op {
        Op::Ge => Cmp::Ge,
        Op::Gt => Cmp::Gt,
        Op::Le => Cmp::Le,
        Op::Lt => Cmp::Lt,
        Op::Eq => Cmp::Eq,
        Op::Ne => Cmp::Ne,
        _ => return None,
    })
}

/// Turns an operator and a value into a test on a field of type `ty`, on the evaluation day `at`.
pub fn resolve(ty: &FieldType, op: Op, v: &Json, at: Day) -> Result<Test, String> {
    Ok(match (ty, op) {
        (_, Op::Exists) => Test::Exists,
        (FieldType::Int, Op::Between) => {
            let (a, b) = pair(v)?;
            Test::IntRange(num(a, true)? as i64, num(b, true)? as i64)
        }
        (FieldType::Int, Op::In | Op::NotIn) => {
            let arr = v.as_array().filter(|a| !a.is_empty()).ok_or_else(|| format!("{v} is not a non-empty list"))?;
            Test::IntIn(arr.iter().map(|x| num(x, true).map(|n| n as i64)).collect::<Result<_, _>>()?, op == Op::NotIn)
        }
        (FieldType::Int, _) => Test::Int(cmp_of(op).ok_or("bad operator")?, num(v, true)? as i64),
        (FieldType::Float, Op::Between) => {
            let (a, b) = pair(v)?;
            Test::FloatRange(num(a, false)?, num(b, false)?)
        }
        (FieldType::Float, Op::In | Op::NotIn) => return Err("in / not_in need an integer field".into()),
        (FieldType::Float, _) => Test::Float(cmp_of(op).ok_or("bad operator")?, num(v, false)?),
        (FieldType::Bool, _) => {
            let b = v.as_bool().ok_or_else(|| format!("{v} is not true or false"))?;
            Test::Bool(if op == Op::Ne { !b } else { b })
        }
        (FieldType::Enum(values), Op::Eq | Op::Ne) => Test::Codes(codes(values, v, false)?, op == Op::Ne),
        (FieldType::Enum(values), _) => Test::Codes(codes(values, v, true)?, op == Op::NotIn),
        (FieldType::Date, Op::Between) => {
            let (a, b) = pair(v)?;
            Test::DateRange(day_of(a)?, day_of(b)?)
        }
        (FieldType::Date, Op::YearsAgoGe | Op::YearsAgoLt) => {
            let n = num(v, true)?;
            if !(0.0..=200.0).contains(&n) {
                return Err(format!("{v} years is out of range"));
            }
            let cut = years_before(at, n as i32);
            if op == Op::YearsAgoGe { Test::Date(Cmp::Le, cut) } else { Test::Date(Cmp::Gt, cut) }
        }
        (FieldType::Date, _) => Test::Date(cmp_of(op).ok_or("bad operator")?, day_of(v)?),
        (FieldType::Set(values), Op::Has) => Test::SetAny(codes(values, v, false)?),
        (FieldType::Set(values), Op::NotHas) => Test::SetNone(codes(values, v, false)?),
        (FieldType::Set(values), Op::HasAny) => Test::SetAny(codes(values, v, true)?),
        (FieldType::Set(values), _) => Test::SetAll(codes(values, v, true)?),
    })
}

// ------------------------------------------------------------------ compiled form

/// One distinct test of one field, evaluated once however many policies use it.
#[derive(Debug, Clone)]
pub struct Pred {
    pub field: usize,
    pub test: Test,
}

#[derive(Debug, Clone)]
pub enum CNode {
    All(Vec<CNode>),
    Any(Vec<CNode>),
    Not(Box<CNode>),
    /// Index into the policy's conditions.
    Leaf(usize),
}

#[derive(Debug, Clone)]
pub struct CCond {
    pub id: Arc<str>,
    pub label: Option<String>,
    pub op: Op,
    /// Index into `Compiled::preds`.
    pub pred: usize,
    pub field: usize,
    pub test: Test,
    pub param: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CPolicy {
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub root: CNode,
    pub conds: Vec<CCond>,
}

/// Policies compiled for one schema and one evaluation date.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub at: Day,
    pub schema: Schema,
    pub preds: Vec<Pred>,
    pub policies: Vec<CPolicy>,
}

/// A policy as written: id, title and rule.
#[derive(Debug, Clone)]
pub struct PolicyRule {
    pub id: String,
    pub title: String,
    pub rule: Node,
}

/// RULES.json: `{"parameters": {...}, "policies": [{"id", "title", "rule"}]}`.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub params: Params,
    pub policies: Vec<PolicyRule>,
}

impl RuleSet {
    pub fn from_json(v: &Json, schema: &Schema) -> Result<RuleSet, Vec<RuleError>> {
        let params = Params::from_json(v.get("parameters"), "parameters")?;
        let mut errs = Vec::new();
        let mut policies = Vec::new();
        let Some(list) = v.get("policies").and_then(Json::as_array) else {
            return Err(vec![RuleError::new("policies", "rule.shape", "policies must be a list")]);
        };
        let mut seen = HashSet::new();
        for (i, p) in list.iter().enumerate() {
            let path = format!("policies[{i}]");
            let id = p.get("id").map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).unwrap_or_default();
            if id.is_empty() || !seen.insert(id.clone()) {
                errs.push(RuleError::new(&path, "rule.id", "a policy needs a unique id"));
            }
            let title = p.get("title").and_then(Json::as_str).unwrap_or("").to_string();
            match p.get("rule") {
                Some(r) => match parse(r, &format!("{path}.rule"), schema, &params) {
                    Ok(rule) => policies.push(PolicyRule { id, title, rule }),
                    Err(e) => errs.extend(e),
                },
                None => errs.push(RuleError::new(&path, "rule.shape", "rule missing")),
            }
        }
        if errs.is_empty() { Ok(RuleSet { params, policies }) } else { Err(errs) }
    }

    /// Compiles every policy for the evaluation day: parameters take the value in force, and
    /// tests shared by several policies are evaluated once.
    pub fn compile(&self, schema: &Schema, at: Day) -> Result<Compiled, Vec<RuleError>> {
        let mut preds: Vec<Pred> = Vec::new();
        let mut index: BTreeMap<(usize, String), usize> = BTreeMap::new();
        let mut errs = Vec::new();
        let mut policies = Vec::new();
        for p in &self.policies {
            let mut conds = Vec::new();
            let root = self.lower(&p.rule, schema, at, &mut conds, &mut preds, &mut index, &mut errs);
            policies.push(CPolicy { id: p.id.as_str().into(), title: p.title.as_str().into(), root, conds });
        }
        if errs.is_empty() { Ok(Compiled { at, schema: schema.clone(), preds, policies }) } else { Err(errs) }
    }

    #[allow(clippy::too_many_arguments)]
    fn lower(
        &self,
        n: &Node,
        schema: &Schema,
        at: Day,
        conds: &mut Vec<CCond>,
        preds: &mut Vec<Pred>,
        index: &mut BTreeMap<(usize, String), usize>,
        errs: &mut Vec<RuleError>,
    ) -> CNode {
        match n {
            Node::All(v) => CNode::All(v.iter().map(|c| self.lower(c, schema, at, conds, preds, index, errs)).collect()),
            Node::Any(v) => CNode::Any(v.iter().map(|c| self.lower(c, schema, at, conds, preds, index, errs)).collect()),
            Node::Not(c) => CNode::Not(Box::new(self.lower(c, schema, at, conds, preds, index, errs))),
            Node::Cond(c) => {
                let (fi, f) = schema.get(&c.field).expect("checked at parse");
                let value = match (&c.value, &c.param) {
                    (Some(v), _) => Some(v.clone()),
                    (None, Some(p)) => match self.params.at(p, at) {
                        Ok(Some(v)) => Some(v.clone()),
                        Ok(None) => {
                            errs.push(RuleError::new(&c.path, "rule.param_undated", format!("{p} on {at}")));
                            None
                        }
                        Err(()) => {
                            errs.push(RuleError::new(&c.path, "rule.param_unknown", p.clone()));
                            None
                        }
                    },
                    (None, None) => None,
                };
                let test = match resolve(&f.ty, c.op, value.as_ref().unwrap_or(&Json::Null), at) {
                    Ok(t) => t,
                    Err(d) => {
                        if c.op != Op::Exists && value.is_some() {
                            errs.push(RuleError::new(&c.path, "rule.value_type", d));
                        }
                        Test::Exists
                    }
                };
                let key = (fi, test.key());
                let pred = *index.entry(key).or_insert_with(|| {
                    preds.push(Pred { field: fi, test: test.clone() });
                    preds.len() - 1
                });
                conds.push(CCond {
                    id: c.id.as_str().into(),
                    label: c.label.clone(),
                    op: c.op,
                    pred,
                    field: fi,
                    test,
                    param: c.param.clone(),
                });
                CNode::Leaf(conds.len() - 1)
            }
        }
    }
}
