//! `PgStore`: the PostgreSQL backend, for universities that run the exam database on their
//! managed PostgreSQL or serve one exam from many instances. Its queries are the ones in
//! `queries/`, shared with the SQLite store; its schema is `migrations/postgres`, kept in step
//! with `migrations/sqlite`.
use super::StoreResult;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};
use std::time::Duration;

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    pub(super) pool: PgPool,
}

/// How long a request waits for a connection before it is answered `unavailable`.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

impl PgStore {
    /// The engine's name, as `/readyz` and the log say it.
    pub const ENGINE: &'static str = "postgres";
    /// Row locks for the transactions that read before they write (see [`Self::write`]).
    pub(super) const FOR_UPDATE: &'static str = " FOR UPDATE";
    pub(super) const FOR_SHARE: &'static str = " FOR SHARE";

    /// Connects with at most `pool_size` connections and migrates the schema (refusing a
    /// database whose schema is newer than this binary knows).
    pub async fn connect(options: PgConnectOptions, pool_size: u32) -> StoreResult<Self> {
        // One connection first, so a database that cannot be reached says why (refused, no
        // such host, a wrong password) rather than that the pool waited in vain.
        options.connect().await?.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(pool_size.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // A connection the database dropped (a restart, `pg_terminate_backend`) is found
            // dead before a request gets it, and replaced: the server recovers by itself.
            .test_before_acquire(true)
            .connect_with(options)
            .await?;
        super::open::migrate(&sqlx::migrate!("../../migrations/postgres"), &pool).await?;
        Ok(Self { pool })
    }

    /// A write transaction. PostgreSQL locks the rows a statement changes, so the
    /// compare-and-set updates (`… WHERE phase = $n`) decide between concurrent callers; the
    /// transactions that read before they write lock what they read (`FOR UPDATE`).
    pub(super) async fn write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

queries_for!(PgStore);
