//! Archive benchmarks (issue 4 targets), printing their figures:
//! - search p50/p99 over N enterprises on SQLite (name word, two-character word, full name,
//!   USCC prefix, filters, as-of grade);
//! - `GET /api/enterprises/{id}` p50/p99 at 300 requests/s over HTTP;
//! - import of 100,000 .xlsx rows against the time calamine needs to read the file, and the
//!   peak memory of the process.
//!
//! `cargo bench -p zt-testkit --bench archive` (ZT_BENCH_N enterprises, default 100,000;
//! ZT_BENCH_IMPORT rows, default 100,000; the database is kept in target/bench for re-runs;
//! ZT_BENCH_ONLY=import runs the import alone; ZT_BENCH_PLAN=1 prints the search plans).

use std::sync::Arc;
use std::time::{Duration, Instant};
use zt_app::{Application, Config};
use zt_db::archive::{self as repo, Filter, Sort};
use zt_db::{Day, Db};
use zt_domain::clock::{Clock, SystemClock};
use zt_domain::scope::Scope;

fn env_usize(k: &str, d: usize) -> usize {
    std::env::var(k).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(d)
}

fn pct(mut v: Vec<Duration>, p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
    v[i].as_secs_f64() * 1000.0
}

/// A `/proc/self/status` figure in MiB (VmHWM, RssAnon, RssFile…).
fn status_mib(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn peak_rss_mib() -> f64 {
    status_mib("VmHWM:")
}

async fn prepare(n: usize, key: &[u8; 32]) -> (String, Db) {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join(format!("archive-{n}.db")).display());
    let db = zt_app::open_database(&url).await.unwrap();
    let cipher = zt_domain::crypto::Cipher::new(key);
    if zt_app::demo::load_if_empty(&db, &SystemClock, &cipher, 0).await.unwrap() {
        let started = Instant::now();
        let mut tx = db.read().await.unwrap();
        let stations: Vec<zt_db::org::Station> = zt_db::org::all_in_scope(&mut tx, "station", &Scope::All).await.unwrap();
        tx.commit().await.unwrap();
        let shares: Vec<(uuid::Uuid, u64)> = stations.iter().map(|s| (s.id, 25)).collect();
        let today = SystemClock.now().to_zoned(zt_api::shanghai()).date();
        let mut done = 0;
        let mut batch = 0u32;
        while done < n {
            let k = (n - done).min(10_000);
            let mut tx = db.write().await.unwrap();
            done += zt_app::demo_archive::generate(
                &mut tx,
                &cipher,
                zt_db::Ts(SystemClock.now()),
                today,
                &shares,
                k,
                17 + batch as u64,
                1 + batch,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
            batch += 1;
            eprintln!("  generated {done} / {n}");
        }
        println!(
            "generate {n} enterprises: {:.1} s ({:.0} per second)",
            started.elapsed().as_secs_f64(),
            n as f64 / started.elapsed().as_secs_f64()
        );
    }
    // fresh connections, which load the planner statistics
    db.optimize().await.unwrap();
    db.close().await;
    // every run writes into a copy, so that the import always meets the same generated district
    let run = dir.join(format!("archive-{n}-run.db"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", run.display()));
    }
    std::fs::copy(dir.join(format!("archive-{n}.db")), &run).unwrap();
    let url = format!("sqlite://{}", run.display());
    let db = zt_app::open_database(&url).await.unwrap();
    (url, db)
}

async fn search_bench(db: &Db, n: usize) {
    let mut tx = db.read().await.unwrap();
    let stations: Vec<zt_db::org::Station> = zt_db::org::all_in_scope(&mut tx, "station", &Scope::All).await.unwrap();
    let bureau = stations[0].bureau_id;
    let scope = Scope::Bureau { bureau };
    let (sample, _, _) =
        repo::list(&mut tx, &scope, &Filter::default(), Sort::UpdatedAt, true, 1, 0, Day(jiff::civil::date(2026, 11, 25))).await.unwrap();
    tx.commit().await.unwrap();
    let full_name = sample[0].e.name.clone();
    let today = Day(SystemClock.now().to_zoned(zt_api::shanghai()).date());
    let cases: Vec<(&str, Filter)> = vec![
        ("name word 生物", Filter { q: Some("生物".into()), ..Default::default() }),
        ("two-character word 华芯", Filter { q: Some("华芯".into()), ..Default::default() }),
        ("full name", Filter { q: Some(full_name.clone()), ..Default::default() }),
        ("USCC prefix 91310115M01", Filter { q: Some("91310115M01".into()), ..Default::default() }),
        ("station + label high_tech", Filter { station_id: Some(stations[0].id), label: Some("high_tech".into()), ..Default::default() }),
        ("grade A (today)", Filter { grade: Some("A".into()), ..Default::default() }),
        (
            "grade A as of 2026-06-30",
            Filter { grade: Some("A".into()), as_of: Some(Day(jiff::civil::date(2026, 6, 30))), ..Default::default() },
        ),
        (
            "word + industry C27 + size",
            Filter { q: Some("医药".into()), industry: Some("C27".into()), size: Some("above".into()), ..Default::default() },
        ),
        ("no filter, first page", Filter::default()),
    ];
    println!("\nsearch over {n} enterprises (SQLite, bureau scope, default order, page of 20, count capped at {}):", repo::COUNT_CAP);
    println!("{:<32} {:>10} {:>10} {:>10}", "query", "p50 ms", "p99 ms", "hits");
    let explain = std::env::var("ZT_BENCH_PLAN").is_ok();
    for (label, f) in cases {
        if explain {
            let mut tx = db.read().await.unwrap();
            for s in repo::list_statements(&scope, &f, repo::default_sort(&f), false, 20, 0, today, true) {
                let plan = zt_db::Sql { text: format!("EXPLAIN QUERY PLAN {}", s.text), args: s.args };
                let rows: Vec<(i64, i64, i64, String)> = tx.all(&plan).await.unwrap();
                eprintln!("{label}: {}", rows.iter().map(|r| r.3.as_str()).collect::<Vec<_>>().join(" / "));
            }
            tx.commit().await.unwrap();
        }
        let mut times = Vec::new();
        let mut hits = 0;
        for i in 0..120 {
            let t = Instant::now();
            let mut tx = db.read().await.unwrap();
            let (_, total, _) = repo::list(&mut tx, &scope, &f, repo::default_sort(&f), false, 20, 0, today).await.unwrap();
            tx.commit().await.unwrap();
            if i >= 20 {
                times.push(t.elapsed());
            }
            hits = total;
        }
        println!("{:<32} {:>10.2} {:>10.2} {:>10}", label, pct(times.clone(), 0.5), pct(times, 0.99), hits);
    }
}

async fn profile_bench(url: &str, key: [u8; 32], load: bool) -> (String, reqwest::Client) {
    let cfg = Config {
        database_url: url.to_string(),
        bind: "127.0.0.1:0".parse().unwrap(),
        data_dir: std::env::temp_dir(),
        demo: false,
        trust_proxy: false,
        cookie_secure: None,
        policy: Default::default(),
        data_key: key,
        demo_enterprises: 0,
    };
    let app = Application::build(cfg, Arc::new(SystemClock)).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until(std::future::pending()));
    // the bench's bureau leader may import (a security admin would grant this in practice)
    let mut tx = zt_db::Db::connect(url).await.unwrap().write().await.unwrap();
    tx.exec(&zt_db::Sql::new(
        "INSERT INTO role_permission (role, permission) VALUES ('bureau_leader', 'enterprise.write') ON CONFLICT DO NOTHING",
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
    zt_api::notify::install_tls();
    let c = reqwest::Client::builder().cookie_store(true).pool_max_idle_per_host(64).build().unwrap();
    let r = c
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({"username": "leader", "password": zt_app::demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    if !load {
        return (base, c);
    }
    let v: serde_json::Value =
        c.get(format!("{base}/api/enterprises?page_size=200&sort=updated_at")).send().await.unwrap().json().await.unwrap();
    let ids: Vec<String> = v["items"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_string()).collect();
    let rate = 300.0;
    let secs = 10.0;
    let total = (rate * secs) as usize;
    let started = Instant::now();
    let mut handles = Vec::with_capacity(total);
    for i in 0..total {
        let due = Duration::from_secs_f64(i as f64 / rate);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            tokio::time::sleep(wait).await;
        }
        let c = c.clone();
        let u = format!("{base}/api/enterprises/{}", ids[i % ids.len()]);
        handles.push(tokio::spawn(async move {
            let t = Instant::now();
            let r = c.get(u).send().await.unwrap();
            let ok = r.status().is_success();
            let _ = r.bytes().await;
            (t.elapsed(), ok)
        }));
    }
    let mut times = Vec::new();
    let mut failed = 0;
    for h in handles {
        let (t, ok) = h.await.unwrap();
        if !ok {
            failed += 1;
        }
        times.push(t);
    }
    let achieved = total as f64 / started.elapsed().as_secs_f64();
    println!(
        "\nGET /api/enterprises/{{id}} over HTTP at {rate:.0} requests/s for {secs:.0} s: achieved {achieved:.0}/s, p50 {:.2} ms, p99 {:.2} ms, failures {failed}",
        pct(times.clone(), 0.5),
        pct(times, 0.99)
    );
    (base, c)
}

async fn import_bench(base: &str, c: &reqwest::Client, rows: usize, stations: &[String]) {
    let bytes = roster(rows, stations, "成长");
    let changed = roster(rows, stations, "成熟");
    import_figures(base, c, rows, bytes, changed).await;
}

/// A roster of `rows` enterprises (the same codes and names for the same `rows`), all at `stage`.
fn roster(rows: usize, stations: &[String], stage: &str) -> Vec<u8> {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let headers =
        ["统一社会信用代码", "企业名称", "所属站点", "注册日期", "行业代码", "规模", "发展阶段", "法定代表人", "联络员", "联络员电话"];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    let alphabet = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut r = zt_app::demo_archive::Rng::new(99);
    let mut written = 0u32;
    let mut seen = std::collections::HashSet::new();
    while (written as usize) < rows {
        let body: String =
            std::iter::once('Z').chain(std::iter::once('9')).chain((0..6).map(|_| alphabet[r.below(31) as usize] as char)).collect();
        let body = body.replace('Z', "N");
        let Some(code) = zt_domain::ident::uscc_for("91", "310115", &body) else { continue };
        if !seen.insert(code.clone()) {
            continue;
        }
        let row = written + 1;
        let cells = [
            code,
            format!("导入基准{}科技有限公司", row),
            stations[(row as usize) % stations.len()].clone(),
            "2019-06-01".into(),
            "I6510".into(),
            "规下".into(),
            stage.into(),
            zt_app::demo_archive::person(&mut r),
            zt_app::demo_archive::person(&mut r),
            format!("139{:08}", row),
        ];
        for (i, v) in cells.iter().enumerate() {
            ws.write_string(row, i as u16, v).unwrap();
        }
        written += 1;
    }
    wb.save_to_buffer().unwrap()
}

async fn import_figures(base: &str, c: &reqwest::Client, rows: usize, bytes: Vec<u8>, changed: Vec<u8>) {
    // the peak from here on is the import's (the generator and the workbook writer came before)
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let t = Instant::now();
    {
        use calamine::{Reader, Xlsx, open_workbook_from_rs};
        let mut x: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
        let range = x.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(range.height(), rows + 1);
    }
    let read = t.elapsed().as_secs_f64();
    let (import, result) = upload(base, c, &bytes).await;
    println!(
        "\nimport of {rows} .xlsx rows ({:.1} MB): calamine read {read:.2} s; upload + job {import:.2} s ({:.1}× the read; target ≤ 2×); written {}, invalid {}; peak RSS of the process during the import (server and client) {:.0} MiB (target ≤ 500)",
        bytes.len() as f64 / 1e6,
        import / read,
        result["result"]["written"],
        result["result"]["invalid"],
        peak_rss_mib()
    );
    println!(
        "  after the import: resident {:.0} MiB, of which anonymous (heap) {:.0} MiB and file-backed (the memory-mapped database) {:.0} MiB",
        status_mib("VmRSS:"),
        status_mib("RssAnon:"),
        status_mib("RssFile:")
    );
    // every row changed: an update of an enterprise on file
    let (again, result) = upload(base, c, &changed).await;
    println!(
        "every row changed (a new stage): {again:.2} s ({:.1}× the read); updated {}, created {}",
        again / read,
        result["result"]["updated"],
        result["result"]["created"]
    );
    // the same file once more: nothing to write
    let (same, result) = upload(base, c, &changed).await;
    println!(
        "the same file once more: {same:.2} s ({:.1}× the read); unchanged {}, written {}",
        same / read,
        result["result"]["unchanged"],
        result["result"]["written"]
    );
}

/// Uploads a roster and waits for its job: (seconds, the job).
async fn upload(base: &str, c: &reqwest::Client, bytes: &[u8]) -> (f64, serde_json::Value) {
    let t = Instant::now();
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("bench.xlsx"));
    let v: serde_json::Value =
        c.post(format!("{base}/api/enterprises/import?mode=valid_only")).multipart(form).send().await.unwrap().json().await.unwrap();
    let job = v["job_id"].as_str().unwrap_or_else(|| panic!("{v}")).to_string();
    loop {
        let v: serde_json::Value = c.get(format!("{base}/api/jobs/{job}")).send().await.unwrap().json().await.unwrap();
        if v["status"] == "done" || v["status"] == "failed" {
            return (t.elapsed().as_secs_f64(), v);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n = env_usize("ZT_BENCH_N", 100_000);
    let import_rows = env_usize("ZT_BENCH_IMPORT", 100_000);
    let key = [42u8; 32];
    let (url, db) = prepare(n, &key).await;
    // ZT_BENCH_ONLY=import: the import alone, in a process that did not generate (a clean peak RSS)
    let only_import = std::env::var("ZT_BENCH_ONLY").is_ok_and(|v| v == "import");
    if !only_import {
        search_bench(&db, n).await;
    }
    let mut tx = db.read().await.unwrap();
    let stations: Vec<String> = zt_db::org::all_in_scope::<zt_db::org::Station>(&mut tx, "station", &Scope::All)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    tx.commit().await.unwrap();
    let (base, c) = profile_bench(&url, key, !only_import).await;
    if import_rows > 0 {
        import_bench(&base, &c, import_rows, &stations).await;
    }
}
