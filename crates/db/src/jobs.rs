//! The job queue: rows in the same database, claimed with a lease so that any instance may run
//! them, a crashed run is retried after its lease ends, and a job whose work commits together
//! with its `done` mark is never done twice.

use crate::{Sql, Ts, Tx};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use zt_domain::Error;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Job {
    pub id: Uuid,
    pub kind: String,
    /// queued · running · done · failed (dead letter: every attempt failed) · paused
    pub status: String,
    #[serde(skip)]
    pub payload: String,
    #[serde(skip)]
    pub result: Option<String>,
    pub error: Option<String>,
    pub progress: i64,
    pub total: i64,
    pub attempts: i64,
    #[schema(value_type = String, format = DateTime)]
    pub run_at: Ts,
    #[serde(skip)]
    pub lease_until: Option<Ts>,
    #[serde(skip)]
    pub leased_by: Option<String>,
    pub created_by: Option<Uuid>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Ts,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Ts,
}

pub const MAX_ATTEMPTS: i64 = 3;

pub async fn enqueue(tx: &mut Tx, kind: &str, payload: &serde_json::Value, created_by: Option<Uuid>, now: Ts) -> Result<Uuid, Error> {
    enqueue_at(tx, kind, payload, created_by, now, now).await
}

/// A job due at `run_at` (scheduled work: the nightly policy run).
pub async fn enqueue_at(
    tx: &mut Tx,
    kind: &str,
    payload: &serde_json::Value,
    created_by: Option<Uuid>,
    now: Ts,
    run_at: Ts,
) -> Result<Uuid, Error> {
    let id = Uuid::now_v7();
    tx.exec(
        &Sql::new(
            "INSERT INTO job (id, kind, status, payload, result, error, progress, total, attempts, run_at, lease_until, leased_by, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'queued', $3, NULL, NULL, 0, 0, 0, $6, NULL, NULL, $5, $4, $4)",
        )
        .bind(id)
        .bind(kind)
        .bind(payload.to_string())
        .bind(now)
        .bind(created_by)
        .bind(run_at),
    )
    .await?;
    Ok(id)
}

pub async fn attach_file(tx: &mut Tx, job: Uuid, name: &str, data: Vec<u8>) -> Result<(), Error> {
    tx.exec(&Sql::new("INSERT INTO job_file (job_id, name, data) VALUES ($1, $2, $3)").bind(job).bind(name).bind(data)).await.map(|_| ())
}

pub async fn file(tx: &mut Tx, job: Uuid) -> Result<(String, Vec<u8>), Error> {
    tx.one(&Sql::new("SELECT name, data FROM job_file WHERE job_id = $1").bind(job)).await
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Job, Error> {
    tx.one(&Sql::new("SELECT * FROM job WHERE id = $1").bind(id)).await
}

/// Claims the oldest due job: queued, or running with an ended lease (its runner died).
pub async fn claim(tx: &mut Tx, worker: &str, now: Ts, lease: Ts) -> Result<Option<Job>, Error> {
    let pick = "SELECT id FROM job WHERE ((status = 'queued' AND run_at <= $1) OR (status = 'running' AND lease_until < $1)) AND attempts < $2 ORDER BY run_at LIMIT 1";
    let sql = if matches!(tx, Tx::Postgres(_)) { format!("{pick} FOR UPDATE SKIP LOCKED") } else { pick.to_string() };
    let Some((id,)): Option<(Uuid,)> = tx.opt(&Sql::new(&sql).bind(now).bind(MAX_ATTEMPTS)).await? else { return Ok(None) };
    tx.exec(
        &Sql::new(
            "UPDATE job SET status = 'running', lease_until = $1, leased_by = $2, attempts = attempts + 1, updated_at = $3 WHERE id = $4",
        )
        .bind(lease)
        .bind(worker)
        .bind(now)
        .bind(id),
    )
    .await?;
    Ok(Some(get(tx, id).await?))
}

/// Extends the lease of a job this worker is running; false when it is no longer its own
/// (taken over after the lease ended, or paused).
pub async fn renew(tx: &mut Tx, id: Uuid, worker: &str, lease: Ts) -> Result<bool, Error> {
    let n = tx
        .exec(
            &Sql::new("UPDATE job SET lease_until = $1 WHERE id = $2 AND leased_by = $3 AND status = 'running'")
                .bind(lease)
                .bind(id)
                .bind(worker),
        )
        .await?;
    Ok(n == 1)
}

pub async fn progress(tx: &mut Tx, id: Uuid, progress: i64, total: i64, now: Ts) -> Result<(), Error> {
    tx.exec(
        &Sql::new("UPDATE job SET progress = $1, total = $2, updated_at = $3 WHERE id = $4").bind(progress).bind(total).bind(now).bind(id),
    )
    .await
    .map(|_| ())
}

/// Marks the job done with its result, in the transaction that did its work.
pub async fn finish(tx: &mut Tx, id: Uuid, result: &serde_json::Value, now: Ts) -> Result<(), Error> {
    tx.exec(
        &Sql::new("UPDATE job SET status = 'done', result = $1, progress = total, lease_until = NULL, updated_at = $2 WHERE id = $3")
            .bind(result.to_string())
            .bind(now)
            .bind(id),
    )
    .await
    .map(|_| ())
}

/// Records a failure: queued again until the attempts run out, then failed for good.
pub async fn fail(tx: &mut Tx, id: Uuid, error: &str, now: Ts, retry_at: Ts) -> Result<(), Error> {
    tx.exec(
        &Sql::new(
            "UPDATE job SET status = CASE WHEN attempts >= $1 THEN 'failed' ELSE 'queued' END, error = $2, run_at = $3, lease_until = NULL, updated_at = $4 WHERE id = $5",
        )
        .bind(MAX_ATTEMPTS)
        .bind(error)
        .bind(retry_at)
        .bind(now)
        .bind(id),
    )
    .await
    .map(|_| ())
}

/// Whether a job of this kind with exactly this payload is waiting or running.
pub async fn pending(tx: &mut Tx, kind: &str, payload: &serde_json::Value) -> Result<bool, Error> {
    tx.exists(
        &Sql::new("SELECT count(*) FROM job WHERE kind = $1 AND payload = $2 AND status IN ('queued', 'running', 'paused')")
            .bind(kind)
            .bind(payload.to_string()),
    )
    .await
}

/// Jobs, newest first, by status and kind.
pub async fn list(tx: &mut Tx, status: Option<&str>, kind: Option<&str>, limit: i64, offset: i64) -> Result<(Vec<Job>, i64), Error> {
    let mut w = Sql::new(" FROM job WHERE 1 = 1");
    if let Some(st) = status {
        w.push(" AND status = ").param(st);
    }
    if let Some(k) = kind {
        w.push(" AND kind = ").param(k);
    }
    tx.page("*", w, "created_at DESC, id", limit, offset).await
}

/// Moves a job from one status to another; false when it was not in `from`.
pub async fn transition(tx: &mut Tx, id: Uuid, from: &str, to: &str, now: Ts, reset_attempts: bool) -> Result<bool, Error> {
    let reset = if reset_attempts { ", attempts = 0, run_at = $4" } else { "" };
    let n = tx
        .exec(
            &Sql::new(&format!("UPDATE job SET status = $1, updated_at = $4{reset} WHERE id = $2 AND status = $3"))
                .bind(to)
                .bind(id)
                .bind(from)
                .bind(now),
        )
        .await?;
    Ok(n == 1)
}
