//! The admin console's runtime views: online sessions (在线用户) that the security admin can end,
//! and the server monitor (服务监控) for the system admin.

use crate::audit_log::record;
use crate::context::Authed;
use crate::error::ApiResult;
use crate::extract::{Body, Q};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use zt_db::{Ts, sessions};
use zt_domain::Error;

#[derive(Debug, Serialize, ToSchema)]
pub struct OnlineSession {
    /// The session's key (a hash of its cookie token, which is never stored).
    pub id: String,
    pub account_id: Uuid,
    pub username: String,
    pub display_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub last_seen_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Ts,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The caller's own session.
    pub current: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    /// Part of the login or display name.
    pub q: Option<String>,
}

/// Who is signed in, from where, since when (security admin).
#[utoipa::path(get, path = "/api/sessions", tag = "system", params(SessionQuery), responses((status = 200, body = Vec<OnlineSession>)))]
pub async fn online(State(st): State<AppState>, Authed(s): Authed, Q(q): Q<SessionQuery>) -> ApiResult<Json<Vec<OnlineSession>>> {
    s.actor.require("session.manage")?;
    let now = st.now();
    let idle_cutoff = Ts(now.0 - st.security().session_idle);
    let mut tx = st.db.read().await?;
    let rows = sessions::online(&mut tx, now, idle_cutoff, q.q.as_deref()).await?;
    tx.commit().await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| OnlineSession {
                current: r.id == s.session_id,
                id: r.id,
                account_id: r.account_id,
                username: r.username,
                display_name: r.display_name,
                created_at: r.created_at,
                last_seen_at: r.last_seen_at,
                expires_at: r.expires_at,
                ip: r.ip,
                user_agent: r.user_agent,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Ended {
    pub sessions: u64,
}

/// Ends one session; its user is signed out on their next request.
#[utoipa::path(delete, path = "/api/sessions/{id}", tag = "system", params(("id" = String, Path)), responses((status = 200, body = Ended)))]
pub async fn end(State(st): State<AppState>, Authed(s): Authed, Path(id): Path<String>) -> ApiResult<Json<Ended>> {
    s.actor.require("session.manage")?;
    let mut tx = st.db.write().await?;
    let target = sessions::get(&mut tx, &id).await?.ok_or_else(Error::not_found)?;
    sessions::delete(&mut tx, &id).await?;
    record(
        &mut tx,
        &st,
        &s.actor,
        "session.end",
        "account",
        Some(target.account_id.to_string()),
        "强制下线一个会话".into(),
        json!({"ip": target.ip}),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(Ended { sessions: 1 }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndInput {
    /// Every session of this account; without it, every session but the caller's.
    pub account_id: Option<Uuid>,
}

/// Ends every session of one account, or of everyone but the caller.
#[utoipa::path(post, path = "/api/sessions/end", tag = "system", request_body = EndInput, responses((status = 200, body = Ended)))]
pub async fn end_many(State(st): State<AppState>, Authed(s): Authed, Body(i): Body<EndInput>) -> ApiResult<Json<Ended>> {
    s.actor.require("session.manage")?;
    let mut tx = st.db.write().await?;
    let (n, summary, target) = match i.account_id {
        Some(a) => {
            let acc = zt_db::accounts::by_id_unscoped(&mut tx, a).await?.ok_or_else(Error::not_found)?;
            let n = sessions::delete_for_account(&mut tx, a).await?;
            (n, format!("强制下线 {} 的全部会话（{n} 个）", acc.username), Some(a.to_string()))
        }
        None => {
            let n = sessions::delete_all_but(&mut tx, &s.session_id).await?;
            (n, format!("强制下线全部其他会话（{n} 个）"), None)
        }
    };
    record(&mut tx, &st, &s.actor, "session.end_many", "account", target, summary, json!({"ended": n})).await?;
    tx.commit().await?;
    Ok(Json(Ended { sessions: n }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MigrationView {
    pub version: i64,
    pub description: String,
}

/// Request counts and latencies of this instance over the last minutes (the monitor's figures;
/// Prometheus scrapes `/metrics` for the long view).
pub mod traffic {
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    /// Upper bounds of the latency bins, in milliseconds (the last bin is open).
    pub const BINS_MS: [f64; 12] = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0];
    const MINUTES: usize = 15;

    #[derive(Clone, Copy, Default)]
    struct Minute {
        stamp: u64,
        count: u64,
        errors: u64,
        bins: [u64; 13],
    }

    struct Window {
        start: Instant,
        minutes: [Minute; MINUTES],
    }

    static WINDOW: Mutex<Option<Window>> = Mutex::new(None);

    fn minute_now(w: &Window) -> u64 {
        w.start.elapsed().as_secs() / 60
    }

    /// Counts one answered request: its status code and how long it took.
    pub fn observe(status: u16, took: Duration) {
        let mut g = WINDOW.lock().unwrap();
        let w = g.get_or_insert_with(|| Window { start: Instant::now(), minutes: [Minute::default(); MINUTES] });
        let m = minute_now(w);
        let slot = &mut w.minutes[(m as usize) % MINUTES];
        if slot.stamp != m || slot.count == 0 {
            *slot = Minute { stamp: m, ..Default::default() };
        }
        slot.count += 1;
        if status >= 500 {
            slot.errors += 1;
        }
        let ms = took.as_secs_f64() * 1000.0;
        let bin = BINS_MS.iter().position(|b| ms <= *b).unwrap_or(BINS_MS.len());
        slot.bins[bin] += 1;
    }

    #[derive(Debug, Default, serde::Serialize, utoipa::ToSchema)]
    pub struct Traffic {
        /// Requests answered in the last full minute.
        pub last_minute: u64,
        /// Requests per minute over the last 15 minutes.
        pub per_minute_15: f64,
        /// Share of 5xx answers over the last 15 minutes (0–1).
        pub error_rate_15: f64,
        /// Latency percentiles over the last 15 minutes, in milliseconds (upper bound of the bin).
        pub p50_ms: Option<f64>,
        pub p95_ms: Option<f64>,
        pub p99_ms: Option<f64>,
    }

    pub fn summary() -> Traffic {
        let g = WINDOW.lock().unwrap();
        let Some(w) = g.as_ref() else { return Traffic::default() };
        let now = minute_now(w);
        let recent: Vec<&Minute> = w.minutes.iter().filter(|m| m.count > 0 && m.stamp + (MINUTES as u64) > now && m.stamp <= now).collect();
        let total: u64 = recent.iter().map(|m| m.count).sum();
        let errors: u64 = recent.iter().map(|m| m.errors).sum();
        let mut bins = [0u64; 13];
        for m in &recent {
            for (b, n) in bins.iter_mut().zip(m.bins) {
                *b += n;
            }
        }
        let pct = |p: f64| -> Option<f64> {
            if total == 0 {
                return None;
            }
            let want = (total as f64 * p).ceil() as u64;
            let mut seen = 0;
            for (i, n) in bins.iter().enumerate() {
                seen += n;
                if seen >= want {
                    return Some(BINS_MS.get(i).copied().unwrap_or(f64::INFINITY).min(60_000.0));
                }
            }
            None
        };
        let minutes = (now.min(MINUTES as u64 - 1) + 1) as f64;
        Traffic {
            last_minute: recent.iter().filter(|m| m.stamp + 1 == now).map(|m| m.count).sum(),
            per_minute_15: total as f64 / minutes,
            error_rate_15: if total == 0 { 0.0 } else { errors as f64 / total as f64 },
            p50_ms: pct(0.50),
            p95_ms: pct(0.95),
            p99_ms: pct(0.99),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServerStatus {
    /// Requests and latencies of this instance over the last 15 minutes.
    pub traffic: traffic::Traffic,
    pub version: String,
    pub uptime_seconds: u64,
    /// sqlite · postgres
    pub backend: String,
    pub database_bytes: i64,
    pub migrations: Vec<MigrationView>,
    /// Jobs by status (queued, running, done, failed).
    pub jobs: Vec<(String, i64)>,
    /// The oldest job that is due and still waiting.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub oldest_due_job: Option<Ts>,
    pub sessions_online: usize,
    /// Free space where the SQLite database lives (none on PostgreSQL: the server's own).
    pub disk_free_bytes: Option<u64>,
    pub disk_total_bytes: Option<u64>,
    /// What needs attention: `disk.low`, `jobs.stuck`, `jobs.failed`, `http.errors` (over 5% server
    /// errors in the last 15 minutes).
    pub warnings: Vec<String>,
}

/// Free and total bytes of the file system holding `path`.
fn disk_space(path: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `s` a writable statvfs.
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    Some((s.f_bavail as u64 * s.f_frsize as u64, s.f_blocks as u64 * s.f_frsize as u64))
}

/// The server monitor: version, uptime, database, migrations, job queue, sessions, disk.
#[utoipa::path(get, path = "/api/system/status", tag = "system", responses((status = 200, body = ServerStatus)))]
pub async fn status(State(st): State<AppState>, Authed(s): Authed) -> ApiResult<Json<ServerStatus>> {
    s.actor.require("system.monitor")?;
    let now = st.now();
    let mut tx = st.db.read().await?;
    let migrations = zt_db::system::migrations(&mut tx).await?;
    let database_bytes = zt_db::system::size(&st.db, &mut tx).await?;
    let jobs = zt_db::system::job_counts(&mut tx).await?;
    let oldest_due_job = zt_db::system::oldest_due(&mut tx, now).await?;
    let idle_cutoff = Ts(now.0 - st.security().session_idle);
    let sessions_online = sessions::online(&mut tx, now, idle_cutoff, None).await?.len();
    let file: Option<String> = match &st.db {
        zt_db::Db::Sqlite(_) => {
            let rows: Vec<(i64, String, String)> = tx.all(&zt_db::Sql::new("SELECT seq, name, file FROM pragma_database_list")).await?;
            rows.into_iter().find(|r| r.1 == "main").map(|r| r.2)
        }
        zt_db::Db::Postgres(_) => None,
    };
    tx.commit().await?;
    let disk = file.as_deref().and_then(|f| std::path::Path::new(f).parent().map(|p| p.to_path_buf())).and_then(|p| disk_space(&p));
    let mut warnings = Vec::new();
    if let Some((free, total)) = disk {
        if total > 0 && (free < 1 << 30 || free * 10 < total) {
            warnings.push("disk.low".to_string());
        }
    }
    if oldest_due_job.is_some_and(|t| now.0.duration_since(t.0).as_secs() > 600) {
        warnings.push("jobs.stuck".to_string());
    }
    if jobs.iter().any(|(s, n)| s == "failed" && *n > 0) {
        warnings.push("jobs.failed".to_string());
    }
    let traffic = traffic::summary();
    if traffic.per_minute_15 >= 10.0 && traffic.error_rate_15 > 0.05 {
        warnings.push("http.errors".to_string());
    }
    Ok(Json(ServerStatus {
        traffic,
        version: st.version.to_string(),
        uptime_seconds: st.started_at.elapsed().as_secs(),
        backend: match st.db.backend() {
            zt_db::Backend::Sqlite => "sqlite".into(),
            zt_db::Backend::Postgres => "postgres".into(),
        },
        database_bytes,
        migrations: migrations.into_iter().map(|m| MigrationView { version: m.version, description: m.description }).collect(),
        jobs,
        oldest_due_job,
        sessions_online,
        disk_free_bytes: disk.map(|d| d.0),
        disk_total_bytes: disk.map(|d| d.1),
        warnings,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    /// queued · running · done · failed · paused
    pub status: Option<String>,
    pub kind: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

/// The background jobs (定时任务): imports, policy runs; failures with their error; dead letters
/// are the `failed` ones.
#[utoipa::path(get, path = "/api/jobs", tag = "system", params(JobQuery), responses((status = 200, body = crate::extract::Page<zt_db::jobs::Job>)))]
pub async fn jobs(
    State(st): State<AppState>,
    Authed(s): Authed,
    Q(q): Q<JobQuery>,
) -> ApiResult<Json<crate::extract::Page<zt_db::jobs::Job>>> {
    s.actor.require("system.monitor")?;
    let (limit, offset, page, page_size) = crate::extract::Paging { page: q.page, page_size: q.page_size }.limit_offset();
    let mut tx = st.db.read().await?;
    let (items, total) = zt_db::jobs::list(&mut tx, q.status.as_deref(), q.kind.as_deref(), limit, offset).await?;
    tx.commit().await?;
    Ok(Json(crate::extract::Page { items, total, total_capped: false, page, page_size }))
}

async fn job_step(
    st: &AppState,
    actor: &zt_domain::scope::Actor,
    id: Uuid,
    from: &str,
    to: &str,
    reset: bool,
    verb: &str,
) -> Result<zt_db::jobs::Job, Error> {
    actor.require("job.manage")?;
    let mut tx = st.db.write().await?;
    let job = zt_db::jobs::get(&mut tx, id).await?;
    if !zt_db::jobs::transition(&mut tx, id, from, to, st.now(), reset).await? {
        return Err(Error::conflict("job.state").with("state", job.status.as_str()));
    }
    record(
        &mut tx,
        st,
        actor,
        &format!("job.{verb}"),
        "job",
        Some(id.to_string()),
        format!("后台任务 {}：{verb}", job.kind),
        json!({"from": from, "to": to}),
    )
    .await?;
    let job = zt_db::jobs::get(&mut tx, id).await?;
    tx.commit().await?;
    st.jobs_notify.notify_one();
    Ok(job)
}

/// A failed job (dead letter) queued again with fresh attempts.
#[utoipa::path(post, path = "/api/jobs/{id}/retry", tag = "system", params(("id" = Uuid, Path)), responses((status = 200, body = zt_db::jobs::Job)))]
pub async fn retry(
    State(st): State<AppState>,
    Authed(s): Authed,
    crate::extract::Id(id): crate::extract::Id,
) -> ApiResult<Json<zt_db::jobs::Job>> {
    Ok(Json(job_step(&st, &s.actor, id, "failed", "queued", true, "retry").await?))
}

/// A queued job held back until resumed.
#[utoipa::path(post, path = "/api/jobs/{id}/pause", tag = "system", params(("id" = Uuid, Path)), responses((status = 200, body = zt_db::jobs::Job)))]
pub async fn pause(
    State(st): State<AppState>,
    Authed(s): Authed,
    crate::extract::Id(id): crate::extract::Id,
) -> ApiResult<Json<zt_db::jobs::Job>> {
    Ok(Json(job_step(&st, &s.actor, id, "queued", "paused", false, "pause").await?))
}

#[utoipa::path(post, path = "/api/jobs/{id}/resume", tag = "system", params(("id" = Uuid, Path)), responses((status = 200, body = zt_db::jobs::Job)))]
pub async fn resume(
    State(st): State<AppState>,
    Authed(s): Authed,
    crate::extract::Id(id): crate::extract::Id,
) -> ApiResult<Json<zt_db::jobs::Job>> {
    Ok(Json(job_step(&st, &s.actor, id, "paused", "queued", false, "resume").await?))
}
