//! The time services and timers act on: the system's in a server, one a test moves forward in
//! tests (so a test of the two-hour limit does not wait for it).
use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

pub trait Clock: std::fmt::Debug + Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
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
        Utc::now() + *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
