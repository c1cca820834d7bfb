//! `zhitong policy match` and `zhitong policy synth`: bulk policy matching outside the server,
//! for benchmarks and outside checks.

use serde_json::{Value as Json, json};
use std::path::Path;
use std::time::Instant;
use zt_policy::synth::{self, Rng};
use zt_policy::table::Val;
use zt_policy::{FieldType, RuleSet, Schema, Table, match_all, parse_day};

/// What went wrong, already worded for the terminal.
#[derive(Debug)]
pub struct CliError(pub String);

fn read(p: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(p).map_err(|e| CliError(format!("{}: {e}", p.display())))
}

fn read_json(p: &Path) -> Result<Json, CliError> {
    serde_json::from_str(&read(p)?).map_err(|e| CliError(format!("{}: not JSON: {e}", p.display())))
}

#[derive(Clone, Copy)]
pub struct MatchArgs<'a> {
    pub rules: &'a Path,
    pub enterprises: &'a Path,
    pub fields: &'a Path,
    pub at: &'a str,
    pub explain: bool,
}

/// The report and the two timings (loading, evaluating) in milliseconds.
pub fn run_match(a: &MatchArgs) -> Result<(Json, f64, f64), CliError> {
    let at = parse_day(a.at).ok_or_else(|| CliError(format!("--at {}: not a date YYYY-MM-DD", a.at)))?;
    let t = Instant::now();
    let schema = Schema::from_json(&read_json(a.fields)?).map_err(|e| CliError(format!("{}: {e}", a.fields.display())))?;
    let rules = read_json(a.rules)?;
    let rs = RuleSet::from_json(&rules, &schema).map_err(|errs| {
        CliError(errs.iter().map(|e| format!("{}\n  {}", e.message_zh(), e.message_en())).collect::<Vec<_>>().join("\n"))
    })?;
    let compiled = rs.compile(&schema, at).map_err(|errs| CliError(errs.iter().map(|e| e.message_en()).collect::<Vec<_>>().join("\n")))?;
    let text = read(a.enterprises)?;
    let table =
        Table::from_csv(&schema, &text, 50).map_err(|errs| CliError(format!("{}:\n{}", a.enterprises.display(), errs.join("\n"))))?;
    drop(text);
    let load_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let result = match_all(&compiled, &table, false);
    let eval_ms = t.elapsed().as_secs_f64() * 1e3;
    let policies: Vec<Json> = result
        .policies
        .iter()
        .map(|p| {
            let mut v = json!({
                "id": p.id, "title": p.title, "eligible": p.eligible, "not_eligible": p.not_eligible,
                "undetermined": p.undetermined, "near_miss": p.near_miss,
            });
            if a.explain {
                v["conditions"] =
                    p.conditions.iter().map(|(id, c)| json!({"id": id, "pass": c.pass, "fail": c.fail, "missing": c.missing})).collect();
            }
            v
        })
        .collect();
    let report = json!({"at": at.to_string(), "enterprises": table.n, "load_ms": load_ms, "eval_ms": eval_ms, "policies": policies});
    Ok((report, load_ms, eval_ms))
}

fn cell(ty: &FieldType, v: Option<Val>) -> String {
    match (ty, v) {
        (_, None) => String::new(),
        (_, Some(Val::Int(x))) => x.to_string(),
        (_, Some(Val::Float(x))) => x.to_string(),
        (_, Some(Val::Bool(b))) => b.to_string(),
        (FieldType::Enum(vals), Some(Val::Code(c))) => vals[c as usize].clone(),
        (_, Some(Val::Date(d))) => d.to_string(),
        (FieldType::Set(_), Some(Val::Set(0))) => "-".into(),
        (FieldType::Set(vals), Some(Val::Set(m))) => {
            vals.iter().enumerate().filter(|(i, _)| m >> i & 1 == 1).map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(";")
        }
        _ => String::new(),
    }
}

/// Writes RULES.json, FIELDS.json and ENTERPRISES.csv of the synthetic workload into `dir`.
pub fn run_synth(dir: &Path, policies: usize, enterprises: usize, seed: u64) -> Result<(), CliError> {
    use std::io::Write;
    let io = |e: std::io::Error| CliError(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let pretty = |v: &Json| serde_json::to_string_pretty(v).expect("json");
    std::fs::write(dir.join("RULES.json"), pretty(&synth::rules(policies, seed))).map_err(io)?;
    std::fs::write(dir.join("FIELDS.json"), pretty(&synth::fields_json())).map_err(io)?;
    let schema = synth::schema();
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("ENTERPRISES.csv")).map_err(io)?);
    let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
    writeln!(w, "id,{}", names.join(",")).map_err(io)?;
    let mut r = Rng::new(seed ^ 7);
    for i in 0..enterprises {
        let row = synth::row(&mut r, 0.04);
        let cells: Vec<String> = schema.fields.iter().zip(&row).map(|(f, v)| cell(&f.ty, *v)).collect();
        writeln!(w, "{},{}", i + 1, cells.join(",")).map_err(io)?;
    }
    w.flush().map_err(io)
}
