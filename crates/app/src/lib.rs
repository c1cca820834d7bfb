//! The `zhitong` application: configuration, startup (an `Application` that binds port 0 in
//! tests), telemetry, the embedded web UI, demo data and background housekeeping.

pub mod backup;
pub mod demo;
pub mod demo_archive;
pub mod demo_catalog;
pub mod demo_policy;
pub mod demo_reminders;
pub mod policy_cli;
pub mod telemetry;
pub mod web;
pub mod worker;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use zt_api::AppState;
use zt_api::ratelimit::RateLimiter;
use zt_db::{ConnectError, Db};
use zt_domain::auth::SecurityPolicy;
use zt_domain::clock::Clock;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// Load the demo district into an empty database and show the demo banner.
    pub demo: bool,
    pub trust_proxy: bool,
    /// `None`: Secure cookies unless listening on loopback.
    pub cookie_secure: Option<bool>,
    pub policy: SecurityPolicy,
    /// The key that encrypts personal data at rest (see `load_data_key`).
    pub data_key: [u8; 32],
    /// How many enterprises the demo district gets (tests use fewer).
    pub demo_enterprises: usize,
}

impl Config {
    pub fn default_database_url(data_dir: &std::path::Path) -> String {
        format!("sqlite://{}", data_dir.join("zhitong.db").display())
    }
}

/// The data key: `ZT_DATA_KEY` (base64 of 32 bytes; required for several instances sharing a
/// PostgreSQL database), else `<data-dir>/data.key`, created with mode 0600 on first start.
/// Losing it makes the encrypted personal data unreadable: back it up with the database.
pub fn load_data_key(data_dir: &std::path::Path) -> Result<[u8; 32], String> {
    use base64::Engine;
    let decode = |s: &str| -> Result<[u8; 32], String> {
        let v = base64::engine::general_purpose::STANDARD.decode(s.trim()).map_err(|e| format!("data key is not base64: {e}"))?;
        v.try_into().map_err(|_| "data key must be 32 bytes".to_string())
    };
    if let Ok(k) = std::env::var("ZT_DATA_KEY") {
        return decode(&k);
    }
    let path = data_dir.join("data.key");
    if let Ok(s) = std::fs::read_to_string(&path) {
        return decode(&s);
    }
    std::fs::create_dir_all(data_dir).map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let key = zt_domain::crypto::Cipher::generate_key();
    let text = base64::engine::general_purpose::STANDARD.encode(key);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    use std::io::Write;
    let mut f = opts.open(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.write_all(text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] ConnectError),
    #[error("{0}")]
    Domain(#[from] zt_domain::Error),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
}

/// Connects, migrates and prepares the database (role permissions).
pub async fn open_database(url: &str) -> Result<Db, StartError> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let mut tx = db.write().await?;
    zt_db::accounts::ensure_role_permissions(&mut tx).await?;
    // the shipped holiday notices, for years not stored yet (corrections stand)
    zt_db::calendar::seed_builtin(&mut tx, zt_db::Ts(zt_domain::clock::micros(jiff::Timestamp::now()))).await?;
    tx.commit().await?;
    db.optimize().await?;
    Ok(db)
}

pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    pub state: AppState,
    port: u16,
}

impl Application {
    pub async fn build(cfg: Config, clock: Arc<dyn Clock>) -> Result<Application, StartError> {
        let db = open_database(&cfg.database_url).await?;
        if cfg.demo {
            if demo::load_if_empty(&db, clock.as_ref(), &zt_domain::crypto::Cipher::new(&cfg.data_key), cfg.demo_enterprises).await? {
                db.optimize().await?;
                // fresh connections plan with the new statistics
                db.close().await;
                let app = Self::with_db(cfg.clone(), Db::connect(&cfg.database_url).await?, clock).await?;
                // the demo district's history: today's reminders already told
                if let Err(e) = zt_api::reminders::cycle(&app.state, true).await {
                    tracing::error!(error = %e, "demo reminders");
                }
                return Ok(app);
            }
        }
        Self::with_db(cfg, db, clock).await
    }

    pub async fn with_db(cfg: Config, db: Db, clock: Arc<dyn Clock>) -> Result<Application, StartError> {
        let listener = tokio::net::TcpListener::bind(cfg.bind).await.map_err(|e| StartError::Bind(cfg.bind, e))?;
        let port = listener.local_addr().map_err(|e| StartError::Bind(cfg.bind, e))?.port();
        let cookie_secure = cfg.cookie_secure.unwrap_or(!cfg.bind.ip().is_loopback());
        let state = AppState {
            db,
            clock,
            policy: Arc::new(std::sync::RwLock::new(cfg.policy.clone())),
            cookie_secure,
            trust_proxy: cfg.trust_proxy,
            login_limiter: Arc::new(RateLimiter::new(cfg.policy.login_attempts_per_minute_per_ip, Duration::from_secs(60))),
            version: VERSION,
            cipher: Arc::new(zt_domain::crypto::Cipher::new(&cfg.data_key)),
            jobs_notify: Arc::new(tokio::sync::Notify::new()),
            progress: Default::default(),
            parsed_uploads: Default::default(),
            started_at: std::time::Instant::now(),
            dicts: Default::default(),
        };
        if let Err(e) = zt_api::params::load_security(&state).await {
            tracing::warn!(error = %e, "reading the security parameters; the configured ones apply");
        }
        if let Err(e) = zt_api::policy::ensure_nightly(&state).await {
            tracing::error!(error = %e, "scheduling the nightly policy run");
        }
        if let Err(e) = zt_api::reminders::ensure_tick(&state).await {
            tracing::error!(error = %e, "scheduling the reminder cycle");
        }
        let router = build_router(state.clone());
        Ok(Application { listener, router, state, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` resolves; requests in flight finish first.
    pub async fn run_until(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let housekeeping = tokio::spawn(housekeeping(self.state.clone()));
        let worker = tokio::spawn(worker::run(self.state.clone()));
        let params = tokio::spawn(refresh_parameters(self.state.clone()));
        let r = axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await;
        housekeeping.abort();
        worker.abort();
        params.abort();
        self.state.db.close().await;
        r
    }
}

/// Picks up parameter changes made through another instance, every minute.
async fn refresh_parameters(st: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        if let Err(e) = zt_api::params::load_security(&st).await {
            tracing::warn!(error = %e, "refreshing the security parameters");
        }
    }
}

/// Removes ended sessions every ten minutes; refreshes planner statistics every six hours.
async fn housekeeping(st: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    let mut rounds = 0u64;
    loop {
        tick.tick().await;
        rounds += 1;
        if rounds % 36 == 1 {
            let today = st.today();
            let since = zt_db::Day(today.0.checked_sub(jiff::Span::new().days(3)).unwrap_or(today.0));
            let r = async {
                let mut tx = st.db.write().await?;
                let n = zt_db::archive::refresh_current_grades(&mut tx, since, today).await?;
                tx.commit().await?;
                Ok::<u64, zt_domain::Error>(n)
            }
            .await;
            if let Err(e) = r {
                tracing::warn!(error = %e, "current grade refresh failed");
            }
        }
        if rounds % 36 == 0 {
            if let Err(e) = st.db.optimize().await {
                tracing::warn!(error = %e, "planner statistics refresh failed");
            }
        }
        let now = st.now();
        let cutoff = zt_db::Ts(now.0.checked_sub(st.security().session_idle).unwrap_or(now.0));
        let result = async {
            let mut tx = st.db.write().await?;
            let n = zt_db::sessions::purge(&mut tx, now, cutoff).await?;
            tx.commit().await?;
            Ok::<u64, zt_domain::Error>(n)
        }
        .await;
        match result {
            Ok(n) if n > 0 => tracing::info!(removed = n, "purged ended sessions"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "session purge failed"),
        }
    }
}

async fn healthz(State(st): State<AppState>) -> Response {
    match st.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn metrics_text() -> Response {
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], telemetry::metrics_handle().render()).into_response()
}

async fn track_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let path = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let resp = next.run(req).await;
    zt_api::system::traffic::observe(resp.status().as_u16(), start.elapsed());
    let status = resp.status().as_u16().to_string();
    let labels = [("method", method), ("path", path), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(start.elapsed().as_secs_f64());
    resp
}

pub fn build_router(state: AppState) -> Router {
    telemetry::metrics_handle();
    let (api, doc) = zt_api::router(state.clone());
    let x_request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
        .merge(api)
        .route("/healthz", get(healthz).with_state(state))
        .route("/metrics", get(metrics_text))
        .fallback(web::static_handler)
        .layer(axum::middleware::from_fn(track_metrics))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(HeaderName::from_static("x-content-type-options"), HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(HeaderName::from_static("x-frame-options"), HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(HeaderName::from_static("referrer-policy"), HeaderValue::from_static("same-origin")))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let rid = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("http", method = %req.method(), uri = %req.uri().path(), request_id = %rid)
        }))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
}
