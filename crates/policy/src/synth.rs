//! A synthetic workload shaped like a district's: twelve archive fields, policies with mixed
//! all/any/not trees over them and dated thresholds, and enterprises with some data missing.
//! Used by the benchmark, the property tests and `zhitong policy synth`.

use crate::date::Day;
use crate::schema::{Field, FieldType, Schema};
use crate::table::Val;
use serde_json::{Value as Json, json};

/// A small, fast, seeded generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

pub const INDUSTRIES: [&str; 10] =
    ["制造业", "软件和信息技术服务业", "生物医药", "集成电路", "人工智能", "新材料", "新能源", "批发零售", "科技服务", "文化创意"];
pub const STATIONS: [&str; 4] = ["张江", "金桥", "生物医药集群", "川沙"];
pub const SIZES: [&str; 4] = ["微型", "小型", "中型", "大型"];
pub const LABELS: [&str; 8] = ["高新技术企业", "专精特新", "科技型中小企业", "小巨人", "瞪羚企业", "独角兽", "专利示范企业", "质量标杆"];

fn list(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The twelve fields, as the archive derives them.
pub fn schema() -> Schema {
    Schema::new(vec![
        Field::new("registered_capital", FieldType::Float).labelled("注册资本", "registered capital", "万元", "10k yuan"),
        Field::new("employees", FieldType::Int).labelled("从业人数", "employees", "人", "people"),
        Field::new("invention_patents", FieldType::Int).labelled("发明专利", "invention patents", "件", ""),
        Field::new("utility_patents", FieldType::Int).labelled("实用新型专利", "utility-model patents", "件", ""),
        Field::new("revenue_last_year", FieldType::Float).labelled("上年营业收入", "revenue last year", "万元", "10k yuan"),
        Field::new("rd_ratio_last_year", FieldType::Float).labelled("上年研发投入占比", "R&D share last year", "%", "%"),
        Field::new("founded_on", FieldType::Date).labelled("成立日期", "founded on", "", ""),
        Field::new("industry", FieldType::Enum(list(&INDUSTRIES))).labelled("所属行业", "industry", "", ""),
        Field::new("station", FieldType::Enum(list(&STATIONS))).labelled("所属站点", "station", "", ""),
        Field::new("size", FieldType::Enum(list(&SIZES))).labelled("企业规模", "size", "", ""),
        Field::new("above_scale", FieldType::Bool).labelled("规模以上企业", "above designated size", "", ""),
        Field::new("labels", FieldType::Set(list(&LABELS))).labelled("资质标签", "labels", "", ""),
    ])
    .expect("valid schema")
}

/// The FIELDS.json of `schema()`.
pub fn fields_json() -> Json {
    json!({
        "registered_capital": {"type": "float", "label": "注册资本", "label_en": "registered capital", "unit": "万元", "unit_en": "10k yuan"},
        "employees": {"type": "int", "label": "从业人数", "label_en": "employees", "unit": "人", "unit_en": "people"},
        "invention_patents": {"type": "int", "label": "发明专利", "label_en": "invention patents", "unit": "件"},
        "utility_patents": {"type": "int", "label": "实用新型专利", "label_en": "utility-model patents", "unit": "件"},
        "revenue_last_year": {"type": "float", "label": "上年营业收入", "label_en": "revenue last year", "unit": "万元", "unit_en": "10k yuan"},
        "rd_ratio_last_year": {"type": "float", "label": "上年研发投入占比", "label_en": "R&D share last year", "unit": "%", "unit_en": "%"},
        "founded_on": {"type": "date", "label": "成立日期", "label_en": "founded on"},
        "industry": {"type": "enum", "values": INDUSTRIES, "label": "所属行业", "label_en": "industry"},
        "station": {"type": "enum", "values": STATIONS, "label": "所属站点", "label_en": "station"},
        "size": {"type": "enum", "values": SIZES, "label": "企业规模", "label_en": "size"},
        "above_scale": {"type": "bool", "label": "规模以上企业", "label_en": "above designated size"},
        "labels": {"type": "set", "values": LABELS, "label": "资质标签", "label_en": "labels"},
    })
}

/// One enterprise; each value missing with probability `missing`.
pub fn row(r: &mut Rng, missing: f64) -> Vec<Option<Val>> {
    let employees = (r.below(300) as i64).pow(2) / 200 + r.below(8) as i64;
    let revenue = (r.below(2_000_000) as f64 / 100.0).powf(1.3) / 10.0;
    let vals = [
        Val::Float((r.below(100_000) as f64) / 10.0),
        Val::Int(employees),
        Val::Int((r.below(12) as i64 - 4).max(0)),
        Val::Int((r.below(20) as i64 - 6).max(0)),
        Val::Float((revenue * 100.0).round() / 100.0),
        Val::Float(r.below(2500) as f64 / 100.0),
        Val::Date(Day(Day::from_ymd(1995, 1, 1).0 + r.below(11_600) as i32)),
        Val::Code(r.below(INDUSTRIES.len() as u64) as u8),
        Val::Code(r.below(STATIONS.len() as u64) as u8),
        Val::Code(r.below(SIZES.len() as u64) as u8),
        Val::Bool(r.chance(0.3)),
        Val::Set(r.next() & r.next() & 0xFF),
    ];
    vals.into_iter().map(|x| if r.chance(missing) { None } else { Some(x) }).collect()
}

/// One condition; thresholds come from short menus, as real policies share them.
fn condition(r: &mut Rng, id: &str, params: &mut Vec<(String, Json)>) -> Json {
    let field = r.below(12);
    let mut param = |r: &mut Rng, name: &str, old: Json, new: Json| -> Option<String> {
        if r.chance(0.25) {
            if !params.iter().any(|(n, _)| n == name) {
                params.push((name.to_string(), json!({"2020-01-01": old, "2024-01-01": new})));
            }
            Some(name.to_string())
        } else {
            None
        }
    };
    let (f, op, value, p): (&str, &str, Json, Option<String>) = match field {
        0 => ("registered_capital", *r.pick(&[">=", ">="]), json!(*r.pick(&[100, 500, 1000, 3000])), None),
        1 => {
            let p = param(r, "min_employees", json!(20), json!(10));
            ("employees", *r.pick(&[">=", "<=", "between"]), json!(*r.pick(&[10, 50, 100, 300])), p)
        }
        2 => {
            let p = param(r, "min_invention_patents", json!(2), json!(1));
            ("invention_patents", ">=", json!(*r.pick(&[1, 2, 3, 5])), p)
        }
        3 => ("utility_patents", *r.pick(&[">=", ">"]), json!(*r.pick(&[2, 4, 6])), None),
        4 => {
            let p = param(r, "min_revenue", json!(200), json!(100));
            ("revenue_last_year", *r.pick(&[">=", "<", "between"]), json!(*r.pick(&[100, 500, 2000, 20000])), p)
        }
        5 => {
            let p = param(r, "min_rd_ratio", json!(5), json!(3));
            ("rd_ratio_last_year", ">=", json!(*r.pick(&[3, 4, 5, 6])), p)
        }
        6 => ("founded_on", *r.pick(&["years_ago>=", "years_ago<"]), json!(*r.pick(&[1, 2, 3, 5, 10])), None),
        7 => {
            let n = 1 + r.below(3) as usize;
            let vals: Vec<&str> = (0..n).map(|_| *r.pick(&INDUSTRIES)).collect();
            ("industry", *r.pick(&["in", "not_in"]), json!(vals), None)
        }
        8 => ("station", *r.pick(&["==", "!="]), json!(*r.pick(&STATIONS)), None),
        9 => ("size", "in", json!([*r.pick(&SIZES), *r.pick(&SIZES)]), None),
        10 => ("above_scale", "==", json!(r.chance(0.5)), None),
        _ => ("labels", *r.pick(&["has", "has_any", "not_has"]), json!(*r.pick(&LABELS)), None),
    };
    let value = match (op, f) {
        ("between", "employees") => json!([10, *r.pick(&[100, 300, 1000])]),
        ("between", _) => json!([100, *r.pick(&[2000, 20000])]),
        ("has_any", _) => json!([*r.pick(&LABELS), *r.pick(&LABELS)]),
        _ => value,
    };
    let op = if p.is_some() && f != "employees" && f != "revenue_last_year" { ">=" } else { op };
    match p {
        Some(p) if op != "between" => json!({"id": id, "field": f, "op": op, "param": p}),
        _ => json!({"id": id, "field": f, "op": op, "value": value}),
    }
}

/// RULES.json with `policies` policies of about 4.6 conditions each: an `all` of conditions,
/// some of them `any` groups, a few negated.
pub fn rules(policies: usize, seed: u64) -> Json {
    let mut r = Rng::new(seed);
    let mut params = Vec::new();
    let mut out = Vec::new();
    for p in 0..policies {
        let mut k = 0;
        let mut id = || {
            k += 1;
            format!("c{k}")
        };
        let parts = 3 + r.below(2);
        let mut children = Vec::new();
        for _ in 0..parts {
            let node = if r.chance(0.2) {
                let n = 2 + r.below(2);
                json!({"any": (0..n).map(|_| condition(&mut r, &id(), &mut params)).collect::<Vec<_>>()})
            } else if r.chance(0.05) {
                json!({"not": condition(&mut r, &id(), &mut params)})
            } else {
                condition(&mut r, &id(), &mut params)
            };
            children.push(node);
        }
        out.push(json!({"id": format!("P{:03}", p + 1), "title": format!("示例政策 {}", p + 1), "rule": {"all": children}}));
    }
    let params: serde_json::Map<String, Json> = params.into_iter().collect();
    json!({"parameters": params, "policies": out})
}

/// A random tree of any shape and depth, for the property tests.
pub fn random_rule(r: &mut Rng, depth: u32, params: &mut Vec<(String, Json)>, next_id: &mut u32) -> Json {
    if depth == 0 || r.chance(0.35) {
        *next_id += 1;
        let id = format!("c{next_id}");
        return if r.chance(0.08) {
            let f = *r.pick(&["employees", "founded_on", "labels", "industry", "above_scale"]);
            json!({"id": id, "field": f, "op": "exists"})
        } else {
            condition(r, &id, params)
        };
    }
    match r.below(3) {
        0 => json!({"not": random_rule(r, depth - 1, params, next_id)}),
        k => {
            let n = 1 + r.below(4);
            let kids: Vec<Json> = (0..n).map(|_| random_rule(r, depth - 1, params, next_id)).collect();
            if k == 1 { json!({"all": kids}) } else { json!({"any": kids}) }
        }
    }
}

/// A rule set of random trees.
pub fn random_rules(r: &mut Rng, policies: usize) -> Json {
    let mut params = Vec::new();
    let ps: Vec<Json> = (0..policies)
        .map(|i| {
            let mut next = 0;
            json!({"id": format!("R{i}"), "title": format!("随机 {i}"), "rule": random_rule(r, 4, &mut params, &mut next)})
        })
        .collect();
    let params: serde_json::Map<String, Json> = params.into_iter().collect();
    json!({"parameters": params, "policies": ps})
}
