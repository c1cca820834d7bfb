//! Reminder sweep benchmark (issue 7 target: a sweep over 1,000,000 certificates finds and
//! enqueues the reminders due in ≤ 1 s on SQLite), printing its figures.
//!
//! `cargo bench -p zt-testkit --bench reminders` (ZT_BENCH_CERTS certificates, default
//! 1,000,000, five per enterprise, expiring uniformly over the next three years; one rule with
//! offsets 90/30/7 days). Figures:
//! - the first sweep (a new rule or a server that was down: every certificate inside 90 days),
//! - the next working day's sweep (the daily steady state),
//! - the same sweep run again (nothing new: the unique key holds).

use std::sync::Arc;
use std::time::Instant;
use zt_app::{Application, Config};
use zt_domain::clock::{Clock, TestClock};

fn env_usize(k: &str, d: usize) -> usize {
    std::env::var(k).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(d)
}

fn at(s: &str) -> jiff::Timestamp {
    s.parse::<jiff::civil::DateTime>().unwrap().to_zoned(zt_api::shanghai()).unwrap().timestamp()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let certs = env_usize("ZT_BENCH_CERTS", 1_000_000);
    let enterprises = certs.div_ceil(5);
    let dir = std::env::temp_dir().join(format!("zt-bench-rem-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    // Monday 2026-12-07 10:00 in Beijing
    let clock = Arc::new(TestClock::new(at("2026-12-07T10:00")));
    let cfg = Config {
        database_url: url.clone(),
        bind: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.clone(),
        demo: true,
        trust_proxy: false,
        cookie_secure: None,
        policy: Default::default(),
        data_key: zt_domain::crypto::Cipher::generate_key(),
        demo_enterprises: 0,
    };
    let app = Application::build(cfg, clock.clone()).await.unwrap();
    let st = app.state.clone();

    let started = Instant::now();
    let mut tx = st.db.write().await.unwrap();
    for sql in [
        "UPDATE reminder_rule SET enabled = FALSE".to_string(),
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last}) \
             INSERT INTO enterprise (id, uscc, name, registered_on, registered_address, operating_address, station_id, cluster, industry_code, industry_name, \
             size, upgrade_potential, stage, legal_rep_name, grade, version, created_at, updated_at) \
             SELECT randomblob(16), printf('B%017d', i), printf('基准企业%d', i), '2020-01-01', '', '', (SELECT id FROM station ORDER BY name LIMIT 1), '', 'I65', '软件和信息技术服务业', \
             'small', FALSE, 'growth', '张三', NULL, 1, '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z' FROM n",
            last = enterprises - 1
        ),
        format!(
            "WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 4) \
             INSERT INTO certificate (id, enterprise_id, kind, name, number, issuer, issued_on, expires_on, version, created_at, updated_at) \
             SELECT randomblob(16), e.id, '食品经营许可证', '食品经营许可证', 'JY' || e.uscc || j, '浦东新区市场监管局', '2024-01-01', \
             date('2026-12-07', '+' || (abs(random()) % 1095) || ' days'), 1, '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z' \
             FROM enterprise e, k WHERE e.uscc LIKE 'B%' LIMIT {certs}"
        ),
    ] {
        tx.exec(&zt_db::Sql::new(&sql)).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut tx = st.db.write().await.unwrap();
    let b: (uuid::Uuid,) = tx.one(&zt_db::Sql::new("SELECT id FROM bureau LIMIT 1")).await.unwrap();
    let now = st.now();
    zt_db::reminders::insert_rule(
        &mut tx,
        &zt_db::reminders::Rule {
            id: uuid::Uuid::now_v7(),
            bureau_id: b.0,
            station_id: None,
            name: "证照到期".into(),
            watch: "certificate_expiry".into(),
            subject_filter: None,
            offsets: "[90,30,7]".into(),
            offset_unit: "days".into(),
            recipients: "contacts".into(),
            channels: "inbox".into(),
            escalate_after: None,
            title_zh: "{subject}将于{due_date}到期".into(),
            body_zh: "{enterprise}".into(),
            title_en: "{subject} expires".into(),
            body_en: "{enterprise}".into(),
            enabled: true,
            version: 1,
            created_at: now,
            updated_at: now,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    st.db.optimize().await.unwrap();
    let n: i64 = {
        let mut tx = st.db.read().await.unwrap();
        tx.count(&zt_db::Sql::new("SELECT count(*) FROM certificate")).await.unwrap()
    };
    println!("reminders: {n} certificates of {enterprises} enterprises generated in {:.1} s", started.elapsed().as_secs_f64());

    let cal = {
        let mut tx = st.db.read().await.unwrap();
        zt_db::calendar::load(&mut tx, None).await.unwrap()
    };
    let sweep = |label: &'static str| {
        let st = st.clone();
        let cal = cal.clone();
        async move {
            let t = Instant::now();
            let found = zt_api::reminders::sweep(&st, &cal).await.unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            println!("reminders: {label}: {found} reminders found and queued in {ms:.0} ms (target ≤ 1000 ms)");
        }
    };
    sweep("first sweep (everything inside 90 days)").await;
    clock.set(at("2026-12-08T10:00"));
    sweep("next working day's sweep").await;
    sweep("the same sweep again").await;
    let _ = clock.now();
    drop(app);
    st.db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
