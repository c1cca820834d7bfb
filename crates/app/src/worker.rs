//! The job worker: claims due jobs with a five-minute lease, renewed while they run, and runs them. Any number of
//! instances may run one; a job whose runner dies is claimed again when its lease ends.

use std::time::Duration;
use zt_api::AppState;
use zt_db::{Ts, jobs};
use zt_domain::Error;

/// A claimed job is the worker's for this long, renewed every `RENEW_SECS` while it runs.
const LEASE_MINUTES: i64 = 5;
const RENEW_SECS: u64 = 60;

fn worker_id() -> String {
    format!("{}-{}", std::process::id(), uuid::Uuid::now_v7().simple())
}

pub async fn run(st: AppState) {
    let me = worker_id();

    loop {
        match run_one(&st, &me).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "job worker"),
        }
        tokio::select! {
            _ = st.jobs_notify.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}

/// Claims and runs one job; `false` when none was due.
pub async fn run_one(st: &AppState, me: &str) -> Result<bool, Error> {
    let now = st.now();
    let lease = Ts(now.0 + jiff::SignedDuration::from_mins(LEASE_MINUTES));
    let mut tx = st.db.write().await?;
    let job = jobs::claim(&mut tx, me, now, lease).await?;
    tx.commit().await?;
    let Some(job) = job else { return Ok(false) };
    tracing::info!(job = %job.id, kind = %job.kind, attempt = job.attempts, "job started");
    // renew the lease every minute while the job runs, so a long import is not taken over
    let renewer = {
        let (st, id, me) = (st.clone(), job.id, me.to_string());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(RENEW_SECS)).await;
                let lease = Ts(st.now().0 + jiff::SignedDuration::from_mins(LEASE_MINUTES));
                let renewed = async {
                    let mut tx = st.db.write().await?;
                    let ok = jobs::renew(&mut tx, id, &me, lease).await?;
                    tx.commit().await?;
                    Ok::<bool, Error>(ok)
                }
                .await;
                if !matches!(renewed, Ok(true)) {
                    tracing::warn!(job = %id, "job lease not renewed");
                }
            }
        })
    };
    let outcome = match job.kind.as_str() {
        "enterprise.import" => zt_api::archive_io::run_import(st, &job).await,
        "policy.match_all" => zt_api::policy::run_job(st, &job).await,
        "policy.push" => zt_api::policy::run_push(st, &job).await,
        "newsletter.send" => zt_api::newsletter::run_send(st, &job).await,
        zt_api::reminders::TICK => zt_api::reminders::run_tick(st, &job).await,
        other => Err(Error::internal(format!("unknown job kind {other}"))),
    };
    renewer.abort();
    if let Err(e) = outcome {
        st.clear_progress(job.id);
        tracing::error!(job = %job.id, error = %e, "job failed");
        let mut tx = st.db.write().await?;
        let retry = Ts(st.now().0 + jiff::SignedDuration::from_secs(30 * job.attempts));
        jobs::fail(&mut tx, job.id, &e.to_string(), st.now(), retry).await?;
        tx.commit().await?;
    }
    Ok(true)
}
