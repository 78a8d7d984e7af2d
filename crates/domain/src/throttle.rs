//! The sign-in failure rule: after too many failed attempts against one key (a client
//! address, a ticket number) within a window, further attempts are refused until the window
//! ends. Pure; the server keeps one window per key.
use chrono::{DateTime, Duration, Utc};

/// How many failures a key may have in how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window_secs: i64,
}

/// Per client address: 10 failures in 5 minutes (a lab behind one address is never limited
/// by its successful sign-ins).
pub const ADDRESS: Limit = Limit { max: 10, window_secs: 300 };
/// Per ticket number of an exam: 5 wrong second credentials in 15 minutes, from anywhere.
pub const TICKET: Limit = Limit { max: 5, window_secs: 900 };

/// Failures counted for one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureWindow {
    pub started: DateTime<Utc>,
    pub failures: u32,
}

impl FailureWindow {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { started: now, failures: 0 }
    }

    fn expired(&self, limit: Limit, now: DateTime<Utc>) -> bool {
        now - self.started >= Duration::seconds(limit.window_secs)
    }

    /// `Err(seconds to wait)` when attempts are blocked at `now`.
    pub fn check(&self, limit: Limit, now: DateTime<Utc>) -> Result<(), u64> {
        if self.expired(limit, now) || self.failures < limit.max {
            return Ok(());
        }
        let wait = (self.started + Duration::seconds(limit.window_secs) - now).num_seconds();
        Err(wait.max(1) as u64)
    }

    /// Counts a failure at `now` (starting a new window when the old one ended).
    pub fn record_failure(&mut self, limit: Limit, now: DateTime<Utc>) {
        if self.expired(limit, now) {
            *self = Self::new(now);
        }
        self.failures += 1;
    }

    /// Takes back one counted failure (an attempt reserved in advance that succeeded).
    pub fn forgive(&mut self) {
        self.failures = self.failures.saturating_sub(1);
    }

    /// Whether this entry can be forgotten.
    pub fn is_idle(&self, limit: Limit, now: DateTime<Utc>) -> bool {
        self.expired(limit, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_are_blocked_after_max_failures_until_the_window_ends() {
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).expect("ts");
        let l = ADDRESS;
        let mut w = FailureWindow::new(t0);
        for _ in 0..l.max {
            assert_eq!(w.check(l, t0), Ok(()));
            w.record_failure(l, t0);
        }
        assert_eq!(w.check(l, t0 + Duration::seconds(10)), Err((l.window_secs - 10) as u64));
        assert_eq!(w.check(l, t0 + Duration::seconds(l.window_secs)), Ok(()));
        w.record_failure(l, t0 + Duration::seconds(l.window_secs));
        assert_eq!(w.failures, 1);
    }

    #[test]
    fn a_forgiven_reservation_frees_its_place() {
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).expect("ts");
        let l = TICKET;
        let mut w = FailureWindow::new(t0);
        for _ in 0..l.max {
            w.record_failure(l, t0);
        }
        assert!(w.check(l, t0).is_err());
        w.forgive();
        assert_eq!(w.check(l, t0), Ok(()));
        w.forgive();
        w.forgive();
        assert_eq!(w.failures, l.max - 3);
    }
}
