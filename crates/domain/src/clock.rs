//! Time comes from a `Clock` so that tests can move it (session expiry, lockout windows).

use jiff::{Timestamp, ToSpan, Unit};
use std::sync::Mutex;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// Round to whole microseconds: what PostgreSQL keeps, so values round-trip exactly.
pub fn micros(t: Timestamp) -> Timestamp {
    t.round(Unit::Microsecond).unwrap_or(t)
}

#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        micros(Timestamp::now())
    }
}

/// A clock that stands still until a test moves it.
#[derive(Debug)]
pub struct TestClock(Mutex<Timestamp>);

impl TestClock {
    pub fn new(start: Timestamp) -> Self {
        Self(Mutex::new(micros(start)))
    }
    pub fn advance_secs(&self, secs: i64) {
        let mut t = self.0.lock().unwrap();
        *t = t.checked_add(secs.seconds()).expect("clock overflow");
    }
    pub fn set(&self, t: Timestamp) {
        *self.0.lock().unwrap() = micros(t);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}
