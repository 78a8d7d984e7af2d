//! Sign-in failure windows in the database, so every instance counts the same attempts (the
//! rule is `domain::throttle`; `crate::throttle` uses these).
use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::throttle::Limit;

#[async_trait]
pub trait ThrottleStore {
    /// One sign-in attempt against `keys` (each with its limit): `Ok(Err(seconds to wait))`
    /// when a key is blocked at `now`; otherwise, when `record`, counts a failure on every
    /// key, in the same transaction as the check, so parallel attempts on any instance
    /// cannot slip past the limit.
    async fn throttle_attempt(
        &self,
        keys: &[(String, Limit)],
        record: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<(), u64>>;
    /// Takes one counted failure back from each key (a reserved attempt that succeeded).
    async fn throttle_forgive(&self, keys: &[String]) -> StoreResult<()>;
    /// Forgets the windows that started before `before`; returns how many.
    async fn throttle_prune(&self, before: DateTime<Utc>) -> StoreResult<u64>;
}
