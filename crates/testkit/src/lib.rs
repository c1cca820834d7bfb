//! Test support: start the real application on port 0 against a fresh SQLite file or a fresh
//! PostgreSQL database, with the demo district as fixture data and a clock the test controls.
//!
//! PostgreSQL comes from `TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`);
//! each test creates its own database and drops it at the end. When the server cannot be
//! reached the PostgreSQL variant is skipped with a message, except with `CI=true`, where it fails.

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use zt_app::{Application, Config};
use zt_db::Db;
use zt_domain::clock::TestClock;

pub use serde_json;

pub mod sinks;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const PASSWORD: &str = zt_app::demo::DEMO_PASSWORD;
/// The tests' demo district has this many generated enterprises (seeded, so always the same).
pub const DEMO_ENTERPRISES: usize = 80;

pub struct TestApp {
    pub base: String,
    /// The database's URL (for commands run beside the server: backup).
    pub url: String,
    pub db: Db,
    pub clock: Arc<TestClock>,
    pub backend: Backend,
    /// The configuration it started with (another instance on the same database uses it).
    pub config: Config,
    cleanup: Option<(String, String)>,
    _dir: Option<std::path::PathBuf>,
}

pub fn pg_admin_url() -> String {
    std::env::var("TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// A fresh, empty database URL for `backend`, or `None` when PostgreSQL is unreachable outside CI.
pub async fn fresh_database(backend: Backend) -> Option<(String, Option<(String, String)>, Option<std::path::PathBuf>)> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("zt-test-{}", uuid::Uuid::now_v7().simple()));
            std::fs::create_dir_all(&dir).unwrap();
            Some((format!("sqlite://{}", dir.join("test.db").display()), None, Some(dir)))
        }
        Backend::Postgres => {
            let admin = pg_admin_url();
            let pool = match sqlx::PgPool::connect(&admin).await {
                Ok(p) => p,
                Err(e) => {
                    if in_ci() {
                        panic!("CI=true and PostgreSQL at {admin} is unreachable: {e}");
                    }
                    eprintln!("SKIPPED: PostgreSQL at {admin} is unreachable ({e}); set TEST_PG_URL or start it");
                    return None;
                }
            };
            let name = format!("zt_t_{}", uuid::Uuid::now_v7().simple());
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.expect("create test database");
            pool.close().await;
            let (prefix, _) = admin.rsplit_once('/').expect("TEST_PG_URL names a database");
            Some((format!("{prefix}/{name}"), Some((admin, name)), None))
        }
    }
}

pub async fn drop_database(admin: &str, name: &str) {
    if let Ok(pool) = sqlx::PgPool::connect(admin).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).execute(&pool).await;
        pool.close().await;
    }
}

impl TestApp {
    /// Starts the application with the demo district loaded. `None`: PostgreSQL skipped.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_on(backend, None, false).await
    }

    /// As [`TestApp::spawn`], allowing many sign-ins a minute (tests that move the clock by
    /// days sign in again after every move).
    pub async fn spawn_many_logins(backend: Backend) -> Option<TestApp> {
        Self::spawn_on(backend, None, true).await
    }

    /// Starts the application on its own runtime (`rt`), so that a test can kill it mid-work
    /// with `rt.shutdown_background()`, as a crash would.
    pub async fn spawn_in(backend: Backend, rt: &tokio::runtime::Runtime) -> Option<TestApp> {
        Self::spawn_on(backend, Some(rt.handle().clone()), false).await
    }

    async fn spawn_on(backend: Backend, rt: Option<tokio::runtime::Handle>, many_logins: bool) -> Option<TestApp> {
        let (url, cleanup, dir) = fresh_database(backend).await?;
        let clock = Arc::new(TestClock::new(jiff::Timestamp::now()));
        let cfg = Config {
            database_url: url.clone(),
            bind: "127.0.0.1:0".parse().unwrap(),
            data_dir: std::env::temp_dir(),
            demo: true,
            trust_proxy: false,
            cookie_secure: None,
            policy: zt_domain::auth::SecurityPolicy {
                login_attempts_per_minute_per_ip: if many_logins {
                    1000
                } else {
                    zt_domain::auth::SecurityPolicy::default().login_attempts_per_minute_per_ip
                },
                ..Default::default()
            },
            data_key: zt_domain::crypto::Cipher::generate_key(),
            demo_enterprises: DEMO_ENTERPRISES,
        };
        let (base, db) = start(cfg.clone(), clock.clone(), rt).await;
        Some(TestApp { base, url, db, clock, backend, config: cfg, cleanup, _dir: dir })
    }

    /// Starts another instance on the same database, with the same key and clock (several
    /// servers behind one load balancer, or a server restarted after a crash).
    pub async fn another_instance(&self) -> TestApp {
        let (base, db) = start(self.config.clone(), self.clock.clone(), None).await;
        TestApp {
            base,
            url: self.url.clone(),
            db,
            clock: self.clock.clone(),
            backend: self.backend,
            config: self.config.clone(),
            cleanup: None,
            _dir: None,
        }
    }

    /// Removes the database of an instance whose runtime is gone (its pool cannot be closed).
    pub async fn forget(self) {
        if let Some((admin, name)) = &self.cleanup {
            drop_database(admin, name).await;
        }
        if let Some(dir) = &self._dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        std::mem::forget(self.db);
    }

    /// Points e-mail at a local SMTP server and the webhook at `webhook_url` (as the system admin).
    pub async fn configure_channels(&self, smtp_port: u16, webhook_url: &str, secret: &str) {
        let admin = self.login("sysadmin").await;
        for (k, v) in [
            ("smtp.host", "127.0.0.1".to_string()),
            ("smtp.port", smtp_port.to_string()),
            ("smtp.from", "noreply@zhitong.test".to_string()),
            ("webhook.url", webhook_url.to_string()),
            ("webhook.secret", secret.to_string()),
            ("server.public_url", self.base.clone()),
        ] {
            let (s, v) = self.put(&admin, &format!("/api/parameters/{k}"), json!({ "value": v })).await;
            assert_eq!(s, StatusCode::OK, "{k}: {v}");
        }
    }

    pub async fn cleanup(self) {
        self.db.close().await;
        if let Some((admin, name)) = &self.cleanup {
            drop_database(admin, name).await;
        }
        if let Some(dir) = &self._dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client with its own cookie jar, not signed in.
    pub fn client(&self) -> Client {
        zt_api::notify::install_tls();
        Client::builder().cookie_store(true).build().unwrap()
    }

    /// The current TOTP code of the demo admin accounts, by the test clock.
    pub fn totp(&self) -> String {
        use zt_domain::clock::Clock;
        zt_domain::totp::code_at(zt_app::demo::DEMO_TOTP_SECRET, self.clock.now().as_second()).unwrap()
    }

    /// Signs in a demo user (with TOTP for the admin accounts) and returns its client.
    pub async fn login(&self, username: &str) -> Client {
        let c = self.client();
        let admin = matches!(username, "sysadmin" | "secadmin" | "auditor");
        let mut body = json!({"username": username, "password": PASSWORD});
        if admin {
            body["totp"] = json!(self.totp());
        }
        let r = c.post(self.url("/api/auth/login")).json(&body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login {username}: {}", r.text().await.unwrap());
        if admin {
            // the next admin login needs the next code: move past this step
            self.clock.advance_secs(30);
        }
        c
    }

    pub async fn get(&self, c: &Client, path: &str) -> (StatusCode, Value) {
        body(c.get(self.url(path)).send().await.unwrap()).await
    }

    pub async fn post(&self, c: &Client, path: &str, v: Value) -> (StatusCode, Value) {
        body(c.post(self.url(path)).json(&v).send().await.unwrap()).await
    }

    pub async fn patch(&self, c: &Client, path: &str, v: Value) -> (StatusCode, Value) {
        body(c.patch(self.url(path)).json(&v).send().await.unwrap()).await
    }

    pub async fn put(&self, c: &Client, path: &str, v: Value) -> (StatusCode, Value) {
        body(c.put(self.url(path)).json(&v).send().await.unwrap()).await
    }

    pub async fn delete(&self, c: &Client, path: &str) -> (StatusCode, Value) {
        body(c.delete(self.url(path)).send().await.unwrap()).await
    }

    /// Finds the id of a station (or other org record) by name, as the bureau leader sees it.
    pub async fn id_by_name(&self, c: &Client, collection: &str, name: &str) -> String {
        let (s, v) = self.get(c, &format!("/api/{collection}?page_size=200")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["items"].as_array().unwrap().iter().find(|x| x["name"] == name).unwrap_or_else(|| panic!("{name} not in {collection}"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// `SELECT count(*) …` against the app's database.
    pub async fn count_sql(&self, sql: &str) -> i64 {
        let mut tx = self.db.read().await.unwrap();
        let n = tx.count(&zt_db::Sql::new(sql)).await.unwrap();
        tx.commit().await.unwrap();
        n
    }

    /// Runs raw SQL against the app's database (tests that tamper with stored rows).
    pub async fn exec_sql(&self, sql: &str) {
        let mut tx = self.db.write().await.unwrap();
        tx.exec(&zt_db::Sql::new(sql)).await.unwrap();
        tx.commit().await.unwrap();
    }
}

/// Builds and serves the application (on `rt` when given); its base URL and database handle.
async fn start(cfg: Config, clock: Arc<TestClock>, rt: Option<tokio::runtime::Handle>) -> (String, Db) {
    let run = async move {
        let app = Application::build(cfg, clock).await.expect("application starts");
        let out = (format!("http://127.0.0.1:{}", app.port()), app.state.db.clone());
        tokio::spawn(app.run_until(std::future::pending()));
        out
    };
    match rt {
        None => run.await,
        Some(h) => h.spawn(run).await.expect("application starts on its runtime"),
    }
}

pub async fn body(r: Response) -> (StatusCode, Value) {
    let s = r.status();
    let text = r.text().await.unwrap();
    (s, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// The `field → code` pairs of a 422 body.
pub fn field_codes(v: &Value) -> Vec<(String, String)> {
    v["fields"]
        .as_array()
        .map(|a| a.iter().map(|f| (f["field"].as_str().unwrap_or("").to_string(), f["code"].as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default()
}

/// How long one test body may take before it counts as stalled. A stall then fails its own
/// test, by name, instead of holding up the whole run until CI's limit.
pub const STALL_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// Runs a test body, failing it if it stalls past [`STALL_LIMIT`].
pub async fn within_limit<F: std::future::Future>(body: F) -> F::Output {
    match tokio::time::timeout(STALL_LIMIT, body).await {
        Ok(out) => out,
        Err(_) => panic!("the test stalled: no result after {} s", STALL_LIMIT.as_secs()),
    }
}

/// Runs one test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($app: &$crate::TestApp) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::TestApp::spawn($crate::Backend::Sqlite).await.unwrap();
                $crate::within_limit(run(&app)).await;
                app.cleanup().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(app) = $crate::TestApp::spawn($crate::Backend::Postgres).await else { return };
                $crate::within_limit(run(&app)).await;
                app.cleanup().await;
            }
        }
    };
}
