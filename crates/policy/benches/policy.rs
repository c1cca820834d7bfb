//! `cargo bench -p zt-policy --bench policy`: 50 synthetic policies (about 230 conditions over 12
//! fields, all/any/not trees, dated thresholds) against 1,000,000 synthetic enterprises, one
//! core. Prints the time to compile, to evaluate every policy with every condition's counts,
//! with and without near misses, one enterprise against all policies with explanations, and
//! the peak memory. `ZT_POLICY_N` sets the number of enterprises.

use std::time::Instant;
use zt_policy::synth::{self, Rng};
use zt_policy::{Lang, RuleSet, explain, match_all, parse_day};

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string()))
        .and_then(|k| k.parse::<f64>().ok())
        .map(|k| k / 1024.0)
        .unwrap_or(0.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::var("ZT_POLICY_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let schema = synth::schema();
    let rules = synth::rules(50, 2026);
    let rs = RuleSet::from_json(&rules, &schema).expect("synthetic rules are valid");
    let conds: usize = rs.policies.iter().map(|p| p.rule.conds().len()).sum();
    let at = parse_day("2026-11-25").unwrap();

    let t = Instant::now();
    let compiled = rs.compile(&schema, at).expect("compiles");
    let compile_us = t.elapsed().as_secs_f64() * 1e6;

    let t = Instant::now();
    let mut r = Rng::new(7);
    let table = {
        let mut b = zt_policy::table::TableBuilder::new(&schema, n);
        for _ in 0..n {
            b.push(&synth::row(&mut r, 0.04));
        }
        b.finish()
    };
    let load_s = t.elapsed().as_secs_f64();

    // warm up, then the median of several runs
    let full = match_all(&compiled, &table, false);
    let runs = 9;
    let mut with_near = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(match_all(&compiled, &table, false));
        with_near.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let mut verdicts_only = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(zt_policy::eval::match_all_verdicts(&compiled, &table));
        verdicts_only.push(t.elapsed().as_secs_f64() * 1e3);
    }

    if std::env::var("ZT_POLICY_PROFILE").is_ok() {
        // the tests alone, without the trees
        let mut tests_only = compiled.clone();
        tests_only.policies.clear();
        let mut v = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            std::hint::black_box(match_all(&tests_only, &table, false));
            v.push(t.elapsed().as_secs_f64() * 1e3);
        }
        println!("  (profile) the {} distinct tests alone: median {:.1} ms", compiled.preds.len(), median(v));
        if std::env::var("ZT_POLICY_PROFILE").as_deref() == Ok("loop") {
            for _ in 0..300 {
                std::hint::black_box(match_all(&tests_only, &table, false));
            }
            return;
        }
        for (i, p) in compiled.preds.iter().enumerate() {
            let t = Instant::now();
            for _ in 0..20 {
                std::hint::black_box(zt_policy::eval::pred_bits(&table.cols[p.field], &p.test, table.n));
            }
            println!("  (profile) test {i} {:?}: {:.3} ms", p.test, t.elapsed().as_secs_f64() * 1e3 / 20.0);
        }
    }

    // one enterprise against every policy, explained
    let rows: Vec<_> = (0..1000).map(|i| table.row(i * (n / 1000).max(1) % n)).collect();
    let words = zt_policy::explain::wording(&compiled, Lang::Zh);
    if std::env::var("ZT_POLICY_PROFILE").as_deref() == Ok("explain") {
        for _ in 0..200 {
            for row in &rows {
                std::hint::black_box(zt_policy::explain::explain_with(&compiled, &words, row));
            }
        }
        return;
    }
    for row in &rows {
        std::hint::black_box(explain(&compiled, row, Lang::Zh));
    }
    let t = Instant::now();
    let reps = 5;
    for _ in 0..reps {
        for row in &rows {
            std::hint::black_box(zt_policy::explain::explain_with(&compiled, &words, row));
        }
    }
    let one_us = t.elapsed().as_secs_f64() * 1e6 / (reps * rows.len()) as f64;

    let (el, ne, un, nm) =
        full.policies.iter().fold((0, 0, 0, 0), |a, p| (a.0 + p.eligible, a.1 + p.not_eligible, a.2 + p.undetermined, a.3 + p.near_miss));
    println!(
        "policy bench: {} policies, {conds} conditions ({} distinct tests), {n} enterprises, {:.0} MiB of columns",
        rs.policies.len(),
        compiled.preds.len(),
        table.bytes() as f64 / 1048576.0
    );
    println!("  verdict totals: eligible {el}, not eligible {ne}, undetermined {un}, near miss {nm}");
    println!("  compile: {compile_us:.0} µs; build columns: {load_s:.2} s");
    println!("  all policies × all enterprises, verdicts + every condition's counts: median {:.1} ms", median(verdicts_only));
    println!("  … plus near misses: median {:.1} ms", median(with_near));
    println!("  one enterprise × all policies with explanations: {one_us:.1} µs");
    println!("  peak RSS: {:.0} MiB", peak_rss_mib());
}
