//! What every handler can reach.

use crate::ratelimit::RateLimiter;
use std::sync::Arc;
use zt_db::Db;
use zt_domain::auth::SecurityPolicy;
use zt_domain::clock::Clock;
use zt_domain::crypto::Cipher;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub policy: Arc<SecurityPolicy>,
    pub cookie_secure: bool,
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_proxy: bool,
    pub login_limiter: Arc<RateLimiter>,
    pub version: &'static str,
    /// Encrypts personal data at rest.
    pub cipher: Arc<Cipher>,
}

impl AppState {
    pub fn now(&self) -> zt_db::Ts {
        zt_db::Ts(self.clock.now())
    }

    /// Today in Beijing.
    pub fn today(&self) -> zt_db::Day {
        zt_db::Day(self.clock.now().to_zoned(crate::shanghai()).date())
    }
}
