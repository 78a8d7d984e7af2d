//! The login-failure rule: after too many failed logins from one address within a window,
//! further attempts are refused until the window ends. Pure; the server keeps one per address.
use chrono::{DateTime, Duration, Utc};

/// Failed attempts allowed per window.
pub const MAX_FAILURES: u32 = 10;
/// The window length in seconds.
pub const WINDOW_SECS: i64 = 300;

/// Failures counted for one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureWindow {
    pub started: DateTime<Utc>,
    pub failures: u32,
}

impl FailureWindow {
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { started: now, failures: 0 }
    }

    fn expired(&self, now: DateTime<Utc>) -> bool {
        now - self.started >= Duration::seconds(WINDOW_SECS)
    }

    /// `Err(seconds to wait)` when attempts are blocked at `now`.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), u64> {
        if self.expired(now) || self.failures < MAX_FAILURES {
            return Ok(());
        }
        let wait = (self.started + Duration::seconds(WINDOW_SECS) - now).num_seconds();
        Err(wait.max(1) as u64)
    }

    /// Counts a failure at `now` (starting a new window when the old one ended).
    pub fn record_failure(&mut self, now: DateTime<Utc>) {
        if self.expired(now) {
            *self = Self::new(now);
        }
        self.failures += 1;
    }

    /// Whether this entry can be forgotten.
    pub fn is_idle(&self, now: DateTime<Utc>) -> bool {
        self.expired(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_are_blocked_after_max_failures_until_the_window_ends() {
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).expect("ts");
        let mut w = FailureWindow::new(t0);
        for _ in 0..MAX_FAILURES {
            assert_eq!(w.check(t0), Ok(()));
            w.record_failure(t0);
        }
        assert_eq!(w.check(t0 + Duration::seconds(10)), Err((WINDOW_SECS - 10) as u64));
        assert_eq!(w.check(t0 + Duration::seconds(WINDOW_SECS)), Ok(()));
        w.record_failure(t0 + Duration::seconds(WINDOW_SECS));
        assert_eq!(w.failures, 1);
    }
}
