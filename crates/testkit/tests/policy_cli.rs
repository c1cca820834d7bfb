//! `zhitong policy synth` and `zhitong policy match`: the report's counts are those of the plain
//! row-by-row evaluator over the same CSV, and bad input is reported, not half-used.

use serde_json::json;
use zt_app::policy_cli::{MatchArgs, run_match, run_synth};
use zt_policy::eval::{Verdict, reference};
use zt_policy::{RuleSet, Schema, Table, parse_day};

#[test]
fn match_reports_what_the_plain_evaluator_finds() {
    let dir = std::env::temp_dir().join(format!("zt-policy-cli-{}", std::process::id()));
    run_synth(&dir, 12, 2_000, 11).unwrap();
    let (rules_path, csv_path, fields_path) = (dir.join("RULES.json"), dir.join("ENTERPRISES.csv"), dir.join("FIELDS.json"));
    let args = MatchArgs { rules: &rules_path, enterprises: &csv_path, fields: &fields_path, at: "2026-11-25", explain: true };
    let (report, load_ms, eval_ms) = run_match(&args).unwrap();
    assert!(load_ms > 0.0 && eval_ms > 0.0);
    assert_eq!(report["enterprises"], 2_000);
    assert_eq!(report["at"], "2026-11-25");

    // the same files, evaluated row by row
    let schema = Schema::from_json(&serde_json::from_str(&std::fs::read_to_string(dir.join("FIELDS.json")).unwrap()).unwrap()).unwrap();
    let rules: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("RULES.json")).unwrap()).unwrap();
    let rs = RuleSet::from_json(&rules, &schema).unwrap();
    let table = Table::from_csv(&schema, &std::fs::read_to_string(dir.join("ENTERPRISES.csv")).unwrap(), 5).unwrap();
    let at = parse_day("2026-11-25").unwrap();
    let mut counts = vec![[0u64; 3]; rs.policies.len()];
    let mut first_cond = vec![[0u64; 3]; rs.policies.len()];
    for i in 0..table.n {
        for (p, (v, outs)) in reference(&rs, &schema, at, &table.row(i)).into_iter().enumerate() {
            counts[p][v as usize] += 1;
            first_cond[p][outs[0] as usize] += 1;
        }
    }
    let policies = report["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 12);
    let mut eligible_somewhere = false;
    for (p, r) in policies.iter().enumerate() {
        assert_eq!([r["eligible"].as_u64().unwrap(), r["not_eligible"].as_u64().unwrap(), r["undetermined"].as_u64().unwrap()], counts[p]);
        let c = &r["conditions"][0];
        assert_eq!([c["pass"].as_u64().unwrap(), c["fail"].as_u64().unwrap(), c["missing"].as_u64().unwrap()], first_cond[p]);
        assert!(r["near_miss"].as_u64().unwrap() <= counts[p][Verdict::NotEligible as usize]);
        eligible_somewhere |= counts[p][0] > 0;
    }
    assert!(eligible_somewhere);

    // a bad rule names its node; a bad cell its line and column
    std::fs::write(
        dir.join("BAD.json"),
        json!({"policies": [{"id": "P1", "title": "t", "rule": {"all": [{"id": "a", "field": "employes", "op": ">=", "value": 1}]}}]})
            .to_string(),
    )
    .unwrap();
    let bad_rules = dir.join("BAD.json");
    let e = run_match(&MatchArgs { rules: &bad_rules, ..args }).unwrap_err();
    assert!(e.0.contains("policies[0].rule.all[0]") && e.0.contains("没有这个字段"), "{}", e.0);
    let csv = std::fs::read_to_string(dir.join("ENTERPRISES.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().take(4).map(str::to_string).collect();
    let mut cells: Vec<&str> = lines[2].split(',').collect();
    cells[1] = "abc";
    lines[2] = cells.join(",");
    std::fs::write(dir.join("BROKEN.csv"), lines.join("\n")).unwrap();
    let broken = dir.join("BROKEN.csv");
    let e = run_match(&MatchArgs { enterprises: &broken, ..args }).unwrap_err();
    assert!(e.0.contains("line 3, column registered_capital"), "{}", e.0);
    std::fs::remove_dir_all(&dir).ok();
}
