// The queries of [`ThrottleStore`](crate::store::ThrottleStore), written once for both
// stores: `sqlite.rs` and `postgres.rs` include this file in a module where `DbStore` names
// their store.
use crate::store::StoreResult;
use crate::store::throttle::ThrottleStore;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::throttle::{FailureWindow, Limit};

/// The longest wait of the blocked windows, if any is blocked.
fn blocked(windows: &[(FailureWindow, Limit)], now: DateTime<Utc>) -> Option<u64> {
    windows.iter().filter_map(|(w, l)| w.check(*l, now).err()).max()
}

#[async_trait]
impl ThrottleStore for DbStore {
    async fn throttle_attempt(
        &self,
        keys: &[(String, Limit)],
        record: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<(), u64>> {
        let read = format!(
            "SELECT started, failures FROM login_windows WHERE key = $1{}",
            DbStore::FOR_UPDATE
        );
        if !record {
            let mut windows = Vec::with_capacity(keys.len());
            for (key, limit) in keys {
                let row: Option<(DateTime<Utc>, i64)> =
                    sqlx::query_as(&read).bind(key).fetch_optional(&self.pool).await?;
                if let Some((started, failures)) = row {
                    let failures = u32::try_from(failures).unwrap_or(u32::MAX);
                    windows.push((FailureWindow { started, failures }, *limit));
                }
            }
            return Ok(blocked(&windows, now).map_or(Ok(()), Err));
        }
        // Keys locked in one order, so two attempts on the same keys cannot deadlock.
        let mut keys = keys.to_vec();
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        let mut tx = self.write().await?;
        let mut windows = Vec::with_capacity(keys.len());
        for (key, limit) in &keys {
            sqlx::query(
                "INSERT INTO login_windows (key, started, failures) VALUES ($1, $2, 0) \
                 ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let (started, failures): (DateTime<Utc>, i64) =
                sqlx::query_as(&read).bind(key).fetch_one(&mut *tx).await?;
            let failures = u32::try_from(failures).unwrap_or(u32::MAX);
            windows.push((FailureWindow { started, failures }, *limit));
        }
        if let Some(wait) = blocked(&windows, now) {
            return Ok(Err(wait));
        }
        for ((key, _), (mut w, limit)) in keys.iter().zip(windows) {
            w.record_failure(limit, now);
            sqlx::query("UPDATE login_windows SET started = $2, failures = $3 WHERE key = $1")
                .bind(key)
                .bind(w.started)
                .bind(i64::from(w.failures))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Ok(()))
    }

    async fn throttle_forgive(&self, keys: &[String]) -> StoreResult<()> {
        for key in keys {
            sqlx::query(
                "UPDATE login_windows SET failures = failures - 1 WHERE key = $1 AND failures > 0",
            )
            .bind(key)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    async fn throttle_prune(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM login_windows WHERE started < $1")
            .bind(before)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }
}
