//! What every handler can reach.

use crate::ratelimit::RateLimiter;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;
use zt_db::Db;
use zt_domain::auth::SecurityPolicy;
use zt_domain::clock::Clock;
use zt_domain::crypto::Cipher;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// The security figures in force (parameters may change them at run time).
    pub policy: Arc<std::sync::RwLock<SecurityPolicy>>,
    pub cookie_secure: bool,
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_proxy: bool,
    pub login_limiter: Arc<RateLimiter>,
    pub version: &'static str,
    /// Encrypts personal data at rest.
    pub cipher: Arc<Cipher>,
    /// Wakes the job worker when a job is queued.
    pub jobs_notify: Arc<tokio::sync::Notify>,
    /// Progress of the jobs running in this instance: (done, total).
    pub progress: Arc<Mutex<HashMap<Uuid, (i64, i64)>>>,
    /// When this instance started (uptime on the server monitor).
    pub started_at: std::time::Instant,
    /// Every dictionary, as of a dictionary version (see `dicts`).
    pub dicts: Arc<std::sync::RwLock<Option<crate::dicts::Snapshot>>>,
    /// Roster files this instance parsed when they were uploaded, by import job: the job takes
    /// the rows instead of parsing the file again (another instance parses it from the stored
    /// file).
    pub parsed_uploads: Arc<Mutex<HashMap<Uuid, Arc<crate::archive_io::Table>>>>,
}

impl AppState {
    /// The security figures in force now.
    pub fn security(&self) -> SecurityPolicy {
        self.policy.read().map(|p| p.clone()).unwrap_or_default()
    }

    pub fn now(&self) -> zt_db::Ts {
        zt_db::Ts(self.clock.now())
    }

    /// Today in Beijing.
    pub fn today(&self) -> zt_db::Day {
        zt_db::Day(self.clock.now().to_zoned(crate::shanghai()).date())
    }
}

impl AppState {
    pub fn set_progress(&self, job: Uuid, done: i64, total: i64) {
        self.progress.lock().unwrap().insert(job, (done, total));
    }
    pub fn clear_progress(&self, job: Uuid) {
        self.progress.lock().unwrap().remove(&job);
    }
    pub fn progress_of(&self, job: Uuid) -> Option<(i64, i64)> {
        self.progress.lock().unwrap().get(&job).copied()
    }
    /// Keeps an upload's parsed rows for its job; only the newest few are kept.
    pub fn keep_parsed(&self, job: Uuid, table: Arc<crate::archive_io::Table>) {
        let mut kept = self.parsed_uploads.lock().unwrap();
        if kept.len() >= 2 {
            kept.clear();
        }
        kept.insert(job, table);
    }
    pub fn take_parsed(&self, job: Uuid) -> Option<Arc<crate::archive_io::Table>> {
        self.parsed_uploads.lock().unwrap().remove(&job)
    }
}
