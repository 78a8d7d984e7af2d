//! Sign-in limits, per client address and per ticket number (`domain::throttle` has the
//! rule; the windows are in the store, so every instance counts the same attempts). Two ways
//! to use them, both atomic so parallel attempts cannot slip past:
//! - [`LoginThrottle::reserve`] counts an attempt as failed *before* it is evaluated and
//!   takes it back on success: for staff passwords, where evaluating is the costly part.
//! - [`LoginThrottle::settle`] decides after the (cheap) evaluation, under one lock: an
//!   attempt over the limit gets `rate_limited` whatever its result, so no more results
//!   than the limit are ever revealed, and successful sign-ins of a lab never count.
use crate::store::Store;
use chrono::{DateTime, Utc};
use domain::throttle::{ADDRESS, Limit, TICKET};
use domain::{AppError, ExamId};
use std::net::IpAddr;
use std::sync::Arc;

/// What failures are counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    Address(IpAddr),
    Ticket(ExamId, String),
}

impl ThrottleKey {
    /// The window's key in the store.
    fn id(&self) -> String {
        match self {
            ThrottleKey::Address(ip) => format!("address:{ip}"),
            ThrottleKey::Ticket(exam, ticket) => format!("ticket:{}:{ticket}", exam.0),
        }
    }

    fn limit(&self) -> Limit {
        match self {
            ThrottleKey::Address(_) => ADDRESS,
            ThrottleKey::Ticket(..) => TICKET,
        }
    }
}

/// Password checks running at once; more wait their turn (argon2 takes ~40 ms of a core).
const PARALLEL_PASSWORD_CHECKS: usize = 2;

/// The failure windows (in the store, shared by every instance) and this instance's cost
/// controls of password checks.
pub struct LoginThrottle {
    store: Arc<dyn Store>,
    /// Bounds the CPU a burst of password attempts can take.
    pub password_checks: tokio::sync::Semaphore,
    /// A hash checked for unknown usernames (see `service::auth`).
    pub decoy: tokio::sync::OnceCell<String>,
}

/// An attempt counted in advance; [`LoginThrottle::succeeded`] takes it back.
#[must_use]
pub struct Reservation(Vec<ThrottleKey>);

fn with_limits(keys: &[ThrottleKey]) -> Vec<(String, Limit)> {
    keys.iter().map(|k| (k.id(), k.limit())).collect()
}

fn outcome(r: Result<(), u64>) -> Result<(), AppError> {
    r.map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })
}

impl LoginThrottle {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            password_checks: tokio::sync::Semaphore::new(PARALLEL_PASSWORD_CHECKS),
            decoy: tokio::sync::OnceCell::new(),
        }
    }

    /// Refuses when a key is blocked; otherwise counts the attempt as a failure until
    /// [`Self::succeeded`].
    pub async fn reserve(
        &self,
        keys: Vec<ThrottleKey>,
        now: DateTime<Utc>,
    ) -> Result<Reservation, AppError> {
        outcome(self.store.throttle_attempt(&with_limits(&keys), true, now).await?)?;
        Ok(Reservation(keys))
    }

    /// The reserved attempt succeeded: it no longer counts.
    pub async fn succeeded(&self, r: Reservation) {
        let ids: Vec<String> = r.0.iter().map(ThrottleKey::id).collect();
        if let Err(e) = self.store.throttle_forgive(&ids).await {
            // The attempt stays counted until its window ends: a stricter limit, not a looser.
            tracing::warn!(error = %e, "a successful sign-in could not be taken off the count");
        }
    }

    /// After evaluating an attempt: `RateLimited` when a key is blocked (the result stays
    /// hidden), else counts it when it `failed` and lets the result through.
    pub async fn settle(
        &self,
        keys: &[ThrottleKey],
        failed: bool,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        outcome(self.store.throttle_attempt(&with_limits(keys), failed, now).await?)
    }

    /// Refuses when a key is blocked (before doing anything else for the attempt).
    pub async fn check(&self, keys: &[ThrottleKey], now: DateTime<Utc>) -> Result<(), AppError> {
        self.settle(keys, false, now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip() -> ThrottleKey {
        ThrottleKey::Address(IpAddr::from([10, 0, 0, 1]))
    }

    async fn throttle() -> (LoginThrottle, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tmp");
        let url = crate::store::DatabaseUrl::Sqlite(dir.path().join("t.db"));
        (LoginThrottle::new(crate::store::open_store(&url, 1).await.expect("store")), dir)
    }

    #[tokio::test]
    async fn reservations_count_before_the_result_and_successes_are_forgiven() {
        let (t, _dir) = throttle().await;
        let now = Utc::now();
        let mut held = Vec::new();
        for _ in 0..ADDRESS.max {
            held.push(t.reserve(vec![ip()], now).await.expect("room"));
        }
        assert!(matches!(t.reserve(vec![ip()], now).await, Err(AppError::RateLimited { .. })));
        for r in held {
            t.succeeded(r).await;
        }
        assert!(t.reserve(vec![ip()], now).await.is_ok());
    }

    #[tokio::test]
    async fn settling_reveals_no_more_failures_than_the_limit() {
        let (t, _dir) = throttle().await;
        let now = Utc::now();
        let ticket = ThrottleKey::Ticket(ExamId(1), "T-1".into());
        let keys = [ip(), ticket.clone()];
        let mut revealed = 0;
        for _ in 0..20 {
            revealed += usize::from(t.settle(&keys, true, now).await.is_ok());
        }
        assert_eq!(revealed, TICKET.max as usize);
        // The ticket is blocked from any address; another ticket from this address is not.
        let other = [ThrottleKey::Address(IpAddr::from([10, 0, 0, 2])), ticket];
        assert!(t.settle(&other, false, now).await.is_err());
        let t2 = [ip(), ThrottleKey::Ticket(ExamId(1), "T-2".into())];
        assert!(t.settle(&t2, false, now).await.is_ok());
    }
}
