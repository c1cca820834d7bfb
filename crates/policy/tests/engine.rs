//! The compiled, columnar engine agrees with the plain row-by-row evaluator of the rules as
//! written, on random rules and random data with missing values; near misses agree with a
//! brute-force search; dated parameters take the value in force; explanations read right.

use serde_json::json;
use zt_policy::eval::{Outcome, Verdict, reference};
use zt_policy::synth::{self, Rng};
use zt_policy::{Lang, RuleSet, Table, explain, match_all, parse_day};

/// Is the verdict eligible once at most two failed numeric conditions pass?
fn brute_near(rs: &RuleSet, policy: usize, outs: &[Outcome], numeric: &[bool]) -> bool {
    use zt_policy::rule::Node;
    fn walk(n: &Node, outs: &[Outcome], i: &mut usize) -> Verdict {
        match n {
            Node::All(v) => {
                let vs: Vec<Verdict> = v.iter().map(|c| walk(c, outs, i)).collect();
                if vs.contains(&Verdict::NotEligible) {
                    Verdict::NotEligible
                } else if vs.contains(&Verdict::Undetermined) {
                    Verdict::Undetermined
                } else {
                    Verdict::Eligible
                }
            }
            Node::Any(v) => {
                let vs: Vec<Verdict> = v.iter().map(|c| walk(c, outs, i)).collect();
                if vs.contains(&Verdict::Eligible) {
                    Verdict::Eligible
                } else if vs.contains(&Verdict::Undetermined) {
                    Verdict::Undetermined
                } else {
                    Verdict::NotEligible
                }
            }
            Node::Not(c) => match walk(c, outs, i) {
                Verdict::Eligible => Verdict::NotEligible,
                Verdict::NotEligible => Verdict::Eligible,
                u => u,
            },
            Node::Cond(_) => {
                *i += 1;
                match outs[*i - 1] {
                    Outcome::Pass => Verdict::Eligible,
                    Outcome::Fail => Verdict::NotEligible,
                    Outcome::Missing => Verdict::Undetermined,
                }
            }
        }
    }
    let rule = &rs.policies[policy].rule;
    let eval = |o: &[Outcome]| walk(rule, o, &mut 0);
    let failing: Vec<usize> = (0..outs.len()).filter(|&k| outs[k] == Outcome::Fail && numeric[k]).collect();
    let mut tries: Vec<Vec<usize>> = failing.iter().map(|&a| vec![a]).collect();
    for (x, &a) in failing.iter().enumerate() {
        for &b in &failing[x + 1..] {
            tries.push(vec![a, b]);
        }
    }
    tries.into_iter().any(|s| {
        let mut o = outs.to_vec();
        s.iter().for_each(|&k| o[k] = Outcome::Pass);
        eval(&o) == Verdict::Eligible
    })
}

#[test]
fn columnar_engine_agrees_with_the_plain_evaluator_on_random_rules_and_data() {
    let schema = synth::schema();
    let mut checked = 0;
    let mut seen = [0usize; 4];
    // every kernel path in turn: AVX-512, AVX2, plain loops (where the processor has them)
    for seed in 0..60u64 {
        zt_policy::limit_kernels((seed % 3) as u8);
        let mut r = Rng::new(seed);
        let rules = synth::random_rules(&mut r, 8);
        let rs = RuleSet::from_json(&rules, &schema).unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
        // evaluation days on both sides of the parameters' change
        let at = *r.pick(&["2021-06-30", "2024-01-01", "2026-11-25"]);
        let at = parse_day(at).unwrap();
        let compiled = rs.compile(&schema, at).unwrap();
        let n = 1 + r.below(300) as usize;
        let missing = *r.pick(&[0.0, 0.05, 0.3]);
        let rows: Vec<_> = (0..n).map(|_| synth::row(&mut r, missing)).collect();
        let table = Table::from_rows(&schema, &rows);
        let all = match_all(&compiled, &table, true);
        let mut counts = vec![(0usize, 0usize, 0usize, 0usize); rs.policies.len()];
        let mut cond_counts: Vec<Vec<[usize; 3]>> = compiled.policies.iter().map(|p| vec![[0; 3]; p.conds.len()]).collect();
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(&table.row(i), row, "the table keeps the row");
            let expected = reference(&rs, &schema, at, row);
            let explained = explain(&compiled, row, Lang::Zh);
            for (p, (v, outs)) in expected.iter().enumerate() {
                let numeric: Vec<bool> = compiled.policies[p].conds.iter().map(|c| c.test.is_numeric()).collect();
                let near = *v == Verdict::NotEligible && brute_near(&rs, p, outs, &numeric);
                let sets = &all.sets[p];
                assert_eq!(sets.eligible.get(i), *v == Verdict::Eligible, "seed {seed} row {i} policy {p}");
                assert_eq!(sets.not_eligible.get(i), *v == Verdict::NotEligible, "seed {seed} row {i} policy {p}");
                assert_eq!(sets.near_miss.get(i), near, "seed {seed} row {i} policy {p}: {outs:?}");
                assert_eq!(explained[p].verdict, v.code());
                assert_eq!(explained[p].near_miss, near);
                for (k, o) in outs.iter().enumerate() {
                    let code = match o {
                        Outcome::Pass => "pass",
                        Outcome::Fail => "fail",
                        Outcome::Missing => "missing",
                    };
                    assert_eq!(explained[p].conditions[k].outcome, code, "seed {seed} row {i} policy {p} cond {k}");
                    cond_counts[p][k][*o as usize] += 1;
                }
                let c = &mut counts[p];
                match v {
                    Verdict::Eligible => c.0 += 1,
                    Verdict::NotEligible => c.1 += 1,
                    Verdict::Undetermined => c.2 += 1,
                }
                c.3 += near as usize;
                seen[*v as usize] += 1;
                seen[3] += near as usize;
                checked += 1;
            }
        }
        for (p, pc) in all.policies.iter().enumerate() {
            assert_eq!((pc.eligible, pc.not_eligible, pc.undetermined, pc.near_miss), counts[p], "seed {seed} policy {p}");
            for (k, (_, cc)) in pc.conditions.iter().enumerate() {
                assert_eq!([cc.pass, cc.fail, cc.missing], cond_counts[p][k], "seed {seed} policy {p} cond {k}");
            }
        }
    }
    zt_policy::limit_kernels(2);
    assert!(checked > 5_000, "{checked}");
    // every verdict and near misses occurred, so each was compared
    assert!(seen.iter().all(|&k| k > 50), "{seen:?}");
}

#[test]
fn dated_parameters_take_the_value_in_force() {
    let schema = synth::schema();
    let rules = json!({
        "parameters": {"min_patents": {"2020-01-01": 2, "2024-01-01": 1}},
        "policies": [{"id": "P1", "title": "高企培育", "rule": {"all": [
            {"id": "patents", "field": "invention_patents", "op": ">=", "param": "min_patents"}
        ]}}]
    });
    let rs = RuleSet::from_json(&rules, &schema).unwrap();
    let mut row = vec![None; 12];
    row[2] = Some(zt_policy::Val::Int(1));
    let at = |d: &str| rs.compile(&schema, parse_day(d).unwrap()).unwrap();
    assert_eq!(explain(&at("2023-12-31"), &row, Lang::Zh)[0].verdict, "not_eligible");
    assert_eq!(explain(&at("2024-01-01"), &row, Lang::Zh)[0].verdict, "eligible");
    // before the first value: no threshold in force, said so when compiling
    let e = rs.compile(&schema, parse_day("2019-06-01").unwrap()).unwrap_err();
    assert_eq!(e[0].code, "rule.param_undated");
    assert_eq!(e[0].path, "policies[0].rule.all[0]");
}

#[test]
fn bad_rules_are_rejected_with_the_path_of_the_bad_node() {
    let schema = synth::schema();
    let rules = json!({"policies": [{"id": "P1", "title": "t", "rule": {"all": [
        {"id": "a", "field": "invention_patents", "op": ">=", "value": 2},
        {"any": [
            {"id": "b", "field": "no_such_field", "op": ">=", "value": 1},
            {"id": "c", "field": "industry", "op": ">=", "value": "制造业"},
            {"id": "d", "field": "employees", "op": ">=", "value": "many"},
            {"id": "a", "field": "labels", "op": "has", "value": "不存在的标签"}
        ]},
        {"not": {"oops": 1}},
        {"id": "e", "field": "revenue_last_year", "op": ">=", "param": "nope"}
    ]}}]});
    let errs = RuleSet::from_json(&rules, &schema).unwrap_err();
    let got: Vec<(String, &str)> = errs.iter().map(|e| (e.path.clone(), e.code)).collect();
    assert_eq!(
        got,
        vec![
            ("policies[0].rule.all[1].any[0]".to_string(), "rule.field_unknown"),
            ("policies[0].rule.all[1].any[1]".to_string(), "rule.op_invalid"),
            ("policies[0].rule.all[1].any[2]".to_string(), "rule.value_type"),
            ("policies[0].rule.all[1].any[3]".to_string(), "rule.id"),
            ("policies[0].rule.all[1].any[3]".to_string(), "rule.value_type"),
            ("policies[0].rule.all[2].not".to_string(), "rule.shape"),
            ("policies[0].rule.all[3]".to_string(), "rule.param_unknown"),
        ]
    );
    assert!(errs[0].message_zh().contains("没有这个字段"));
    assert!(errs[1].message_en().contains("operator"));
}

#[test]
fn explanations_say_what_was_found_what_is_asked_and_how_far_off() {
    let schema = synth::schema();
    let rules = json!({"policies": [{"id": "P1", "title": "研发费用补贴", "rule": {"all": [
        {"id": "patents", "field": "invention_patents", "op": ">=", "value": 2},
        {"id": "revenue", "field": "revenue_last_year", "op": ">=", "value": 100},
        {"id": "rd", "field": "rd_ratio_last_year", "op": ">=", "value": 3},
        {"id": "age", "field": "founded_on", "op": "years_ago>=", "value": 3},
        {"id": "hitech", "field": "labels", "op": "has", "value": "高新技术企业"}
    ]}}]});
    let rs = RuleSet::from_json(&rules, &schema).unwrap();
    let c = rs.compile(&schema, parse_day("2026-11-25").unwrap()).unwrap();
    use zt_policy::Val::*;
    let mut row = vec![None; 12];
    row[2] = Some(Int(1));
    row[4] = Some(Float(80.0));
    row[6] = Some(Date(parse_day("2020-05-01").unwrap()));
    row[11] = Some(Set(0b1));
    let zh = &explain(&c, &row, Lang::Zh)[0];
    assert_eq!(zh.verdict, "not_eligible");
    let t: Vec<&str> = zh.conditions.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(t[0], "发明专利 1 件，要求 ≥ 2 件");
    assert_eq!(zh.conditions[0].gap.as_deref(), Some("发明专利还差 1 件"));
    assert_eq!(t[1], "上年营业收入 80 万元，要求 ≥ 100 万元");
    assert_eq!(zh.conditions[1].gap.as_deref(), Some("上年营业收入还差 20 万元"));
    assert_eq!(zh.conditions[2].outcome, "missing");
    assert_eq!(zh.missing, vec!["上年研发投入占比 未登记"]);
    assert_eq!(t[3], "成立日期 2020-05-01，要求 满 3 年（2023-11-25 或之前）");
    assert_eq!(t[4], "资质标签 高新技术企业，要求 含 高新技术企业");
    // R&D recorded: not eligible only because of two numbers, a near miss
    row[5] = Some(Float(4.5));
    let zh = &explain(&c, &row, Lang::Zh)[0];
    assert!(zh.near_miss);
    let en = &explain(&c, &row, Lang::En)[0];
    assert_eq!(en.conditions[0].text, "invention patents: 1, required ≥ 2");
    assert_eq!(en.conditions[0].gap.as_deref(), Some("invention patents: short by 1"));
    assert_eq!(en.conditions[1].gap.as_deref(), Some("revenue last year: short by 20 10k yuan"));
    // three numbers short is not a near miss
    row[2] = Some(Int(0));
    row[5] = Some(Float(1.0));
    assert!(!explain(&c, &row, Lang::Zh)[0].near_miss);
}

#[test]
fn csv_with_a_fields_file_loads_and_reports_bad_cells() {
    let schema = zt_policy::Schema::from_json(&synth::fields_json()).unwrap();
    assert_eq!(schema.fields.len(), 12);
    let head = "id,registered_capital,employees,invention_patents,utility_patents,revenue_last_year,rd_ratio_last_year,founded_on,industry,station,size,above_scale,labels";
    let good =
        format!("{head}\n1,500,30,2,0,120.5,4,2019-03-01,制造业,张江,小型,true,高新技术企业;专精特新\n2,,,,,,,,,,,,\n3,,,,,,,,,,,,-\n");
    let t = Table::from_csv(&schema, &good, 10).unwrap();
    assert_eq!(t.n, 3);
    assert_eq!(t.row(1), vec![None; 12]);
    let labels = schema.get("labels").unwrap().0;
    assert_eq!(t.row(0)[labels], Some(zt_policy::Val::Set(0b11)));
    // "-" is an empty set, which is not a missing one
    assert_eq!(t.row(2)[labels], Some(zt_policy::Val::Set(0)));
    let bad = format!("{head}\n1,abc,30,2,0,1,4,2019-02-30,钢铁,张江,小型,maybe,\n");
    let e = Table::from_csv(&schema, &bad, 10).unwrap_err();
    assert_eq!(e.len(), 4, "{e:?}");
    assert!(e[0].starts_with("line 2, column registered_capital"));
}

#[test]
fn only_the_conditions_that_stand_in_the_way_are_reasons() {
    let schema = synth::schema();
    let rules = json!({"policies": [{"id": "P1", "title": "t", "rule": {"all": [
        {"id": "patents", "field": "invention_patents", "op": ">=", "value": 2},
        {"any": [
            {"id": "revenue", "field": "revenue_last_year", "op": ">=", "value": 100},
            {"id": "rd", "field": "rd_ratio_last_year", "op": ">=", "value": 3}
        ]},
        {"not": {"id": "hitech", "field": "labels", "op": "has", "value": "高新技术企业"}}
    ]}}]});
    let rs = RuleSet::from_json(&rules, &schema).unwrap();
    let c = rs.compile(&schema, parse_day("2026-11-25").unwrap()).unwrap();
    use zt_policy::Val::*;
    let mut row = vec![None; 12];
    row[2] = Some(Int(1));
    row[4] = Some(Float(500.0));
    row[5] = Some(Float(1.0));
    row[11] = Some(Set(0b1));
    let r = &explain(&c, &row, Lang::Zh)[0];
    let relevant: Vec<&str> = r.conditions.iter().filter(|c| c.relevant).map(|c| &*c.id).collect();
    // rd failed, but the any-group holds through revenue; holding 高新 is what the not forbids
    assert_eq!(relevant, vec!["patents", "hitech"]);
    row[2] = Some(Int(3));
    row[11] = Some(Set(0));
    assert!(explain(&c, &row, Lang::Zh)[0].conditions.iter().all(|c| !c.relevant), "eligible: no reasons");
}
