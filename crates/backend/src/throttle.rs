//! Sign-in limits, per client address and per ticket number (`domain::throttle` has the
//! rule). Two ways to use them, both atomic so parallel attempts cannot slip past:
//! - [`LoginThrottle::reserve`] counts an attempt as failed *before* it is evaluated and
//!   takes it back on success: for staff passwords, where evaluating is the costly part.
//! - [`LoginThrottle::settle`] decides after the (cheap) evaluation, under one lock: an
//!   attempt over the limit gets `rate_limited` whatever its result, so no more results
//!   than the limit are ever revealed, and successful sign-ins of a lab never count.
use chrono::{DateTime, Utc};
use domain::throttle::{ADDRESS, FailureWindow, Limit, TICKET};
use domain::{AppError, ExamId};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// What failures are counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    Address(IpAddr),
    Ticket(ExamId, String),
}

impl ThrottleKey {
    fn limit(&self) -> Limit {
        match self {
            ThrottleKey::Address(_) => ADDRESS,
            ThrottleKey::Ticket(..) => TICKET,
        }
    }
}

/// Password checks running at once; more wait their turn (argon2 takes ~40 ms of a core).
const PARALLEL_PASSWORD_CHECKS: usize = 2;

/// Failure windows by key, and the cost controls of password checks.
pub struct LoginThrottle {
    windows: Mutex<HashMap<ThrottleKey, FailureWindow>>,
    /// Bounds the CPU a burst of password attempts can take.
    pub password_checks: tokio::sync::Semaphore,
    /// A hash checked for unknown usernames (see `service::auth`).
    pub decoy: tokio::sync::OnceCell<String>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            windows: Mutex::default(),
            password_checks: tokio::sync::Semaphore::new(PARALLEL_PASSWORD_CHECKS),
            decoy: tokio::sync::OnceCell::new(),
        }
    }
}

/// An attempt counted in advance; [`LoginThrottle::succeeded`] takes it back.
#[must_use]
pub struct Reservation(Vec<ThrottleKey>);

impl LoginThrottle {
    /// Runs `f` on the windows; with the caller's `now` (the time the windows were recorded
    /// with), drops idle ones first when there are very many.
    fn with<R>(
        &self,
        now: Option<DateTime<Utc>>,
        f: impl FnOnce(&mut HashMap<ThrottleKey, FailureWindow>) -> R,
    ) -> R {
        let mut guard = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(now) = now.filter(|_| guard.len() > 100_000) {
            guard.retain(|k, w| !w.is_idle(k.limit(), now));
        }
        f(&mut guard)
    }

    /// The longest wait of the blocked keys, if any is blocked.
    fn blocked(
        m: &HashMap<ThrottleKey, FailureWindow>,
        keys: &[ThrottleKey],
        now: DateTime<Utc>,
    ) -> Option<u64> {
        keys.iter().filter_map(|k| m.get(k).and_then(|w| w.check(k.limit(), now).err())).max()
    }

    fn record(
        m: &mut HashMap<ThrottleKey, FailureWindow>,
        keys: &[ThrottleKey],
        now: DateTime<Utc>,
    ) {
        for k in keys {
            m.entry(k.clone())
                .or_insert_with(|| FailureWindow::new(now))
                .record_failure(k.limit(), now);
        }
    }

    /// Refuses when a key is blocked; otherwise counts the attempt as a failure until
    /// [`Self::succeeded`].
    pub fn reserve(
        &self,
        keys: Vec<ThrottleKey>,
        now: DateTime<Utc>,
    ) -> Result<Reservation, AppError> {
        self.with(Some(now), |m| {
            if let Some(retry_after_secs) = Self::blocked(m, &keys, now) {
                return Err(AppError::RateLimited { retry_after_secs });
            }
            Self::record(m, &keys, now);
            Ok(Reservation(keys))
        })
    }

    /// The reserved attempt succeeded: it no longer counts.
    pub fn succeeded(&self, r: Reservation) {
        self.with(None, |m| {
            for k in &r.0 {
                if let Some(w) = m.get_mut(k) {
                    w.forgive();
                }
            }
        })
    }

    /// After evaluating an attempt: `RateLimited` when a key is blocked (the result stays
    /// hidden), else counts it when it `failed` and lets the result through.
    pub fn settle(
        &self,
        keys: &[ThrottleKey],
        failed: bool,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        self.with(Some(now), |m| {
            if let Some(retry_after_secs) = Self::blocked(m, keys, now) {
                return Err(AppError::RateLimited { retry_after_secs });
            }
            if failed {
                Self::record(m, keys, now);
            }
            Ok(())
        })
    }

    /// Refuses when a key is blocked (before doing anything else for the attempt).
    pub fn check(&self, keys: &[ThrottleKey], now: DateTime<Utc>) -> Result<(), AppError> {
        self.with(Some(now), |m| match Self::blocked(m, keys, now) {
            Some(retry_after_secs) => Err(AppError::RateLimited { retry_after_secs }),
            None => Ok(()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip() -> ThrottleKey {
        ThrottleKey::Address(IpAddr::from([10, 0, 0, 1]))
    }

    #[test]
    fn reservations_count_before_the_result_and_successes_are_forgiven() {
        let t = LoginThrottle::default();
        let now = Utc::now();
        let held: Vec<_> =
            (0..ADDRESS.max).map(|_| t.reserve(vec![ip()], now).expect("room")).collect();
        assert!(matches!(t.reserve(vec![ip()], now), Err(AppError::RateLimited { .. })));
        for r in held {
            t.succeeded(r);
        }
        assert!(t.reserve(vec![ip()], now).is_ok());
    }

    #[test]
    fn settling_reveals_no_more_failures_than_the_limit() {
        let t = LoginThrottle::default();
        let now = Utc::now();
        let ticket = ThrottleKey::Ticket(ExamId(1), "T-1".into());
        let keys = [ip(), ticket.clone()];
        let revealed = (0..20).filter(|_| t.settle(&keys, true, now).is_ok()).count();
        assert_eq!(revealed, TICKET.max as usize);
        // The ticket is blocked from any address; another ticket from this address is not.
        let other = [ThrottleKey::Address(IpAddr::from([10, 0, 0, 2])), ticket];
        assert!(t.settle(&other, false, now).is_err());
        assert!(
            t.settle(&[ip(), ThrottleKey::Ticket(ExamId(1), "T-2".into())], false, now).is_ok()
        );
    }
}
