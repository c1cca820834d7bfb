//! A sliding-window limit on login attempts per client address (DJ-05). Each instance counts its
//! own; behind a load balancer with N instances the effective limit is at most N times as high.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct RateLimiter {
    limit: usize,
    window: Duration,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self { limit: limit as usize, window, hits: Mutex::new(HashMap::new()) }
    }

    /// Counts an attempt from `key`; `Err(seconds to wait)` when over the limit.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    pub fn check_at(&self, key: &str, now: Instant) -> Result<(), u64> {
        let mut map = self.hits.lock().unwrap();
        if map.len() > 100_000 {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        let q = map.entry(key.to_string()).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            q.pop_front();
        }
        if q.len() >= self.limit {
            let wait = self.window.saturating_sub(now.duration_since(*q.front().unwrap()));
            return Err(wait.as_secs().max(1));
        }
        q.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleventh_attempt_in_a_minute_waits() {
        let rl = RateLimiter::new(10, Duration::from_secs(60));
        let t0 = Instant::now();
        for i in 0..10 {
            assert!(rl.check_at("1.2.3.4", t0 + Duration::from_secs(i)).is_ok());
        }
        let wait = rl.check_at("1.2.3.4", t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, 50);
        assert!(rl.check_at("5.6.7.8", t0 + Duration::from_secs(10)).is_ok());
        assert!(rl.check_at("1.2.3.4", t0 + Duration::from_secs(61)).is_ok());
    }
}
