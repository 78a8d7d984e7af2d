//! The time services and timers act on: the system's in a server, one a test moves forward in
//! tests (so a test of the two-hour limit does not wait for it).
use chrono::{DateTime, Duration, SubsecRound, Utc};
use std::sync::Mutex;

/// Times are kept to the microsecond: what PostgreSQL stores, so a time read back from either
/// database equals the one that was written (a deadline, a message's time).
pub trait Clock: std::fmt::Debug + Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system's time to the microsecond.
fn system_now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        system_now()
    }
}

/// The system's clock plus an offset a test moves forward: time still flows (timeouts and
/// heartbeats behave), and a deadline two hours away is reached at once.
#[derive(Debug, Default)]
pub struct AdjustableClock {
    offset: Mutex<Duration>,
}

impl AdjustableClock {
    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *offset += by;
    }
}

impl Clock for AdjustableClock {
    fn now(&self) -> DateTime<Utc> {
        system_now() + *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_kept_to_the_microsecond() {
        for now in [SystemClock.now(), AdjustableClock::default().now()] {
            assert_eq!(now.timestamp_subsec_nanos() % 1_000, 0, "{now:?}");
        }
    }

    #[test]
    fn an_adjustable_clock_moves_forward_when_told_and_with_the_system_clock() {
        let clock = AdjustableClock::default();
        let before = Utc::now();
        assert!(clock.now() >= before);
        clock.advance(Duration::hours(2));
        let shifted = clock.now();
        assert!(shifted >= before + Duration::hours(2));
        assert!(shifted < Utc::now() + Duration::hours(2) + Duration::seconds(5));
    }
}
