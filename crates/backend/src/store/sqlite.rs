//! `SqliteStore`: the embedded SQLite backend (WAL, foreign keys on, busy timeout). Its
//! queries are the ones in `queries/`, shared with the PostgreSQL store.
use super::StoreResult;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::time::Duration;

/// The SQLite store.
#[derive(Clone)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
}

/// When a commit counts as done. `Full` (what Vigil runs with): the write-ahead log is synced
/// to the disk at every commit, so an answer acknowledged to a candidate survives a power
/// loss, not only a killed process. `Normal` syncs only at checkpoints (a power loss may take
/// the last commits); kept for the benchmark that measures the difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Full,
    Normal,
}

impl SqliteStore {
    /// The engine's name, as `/readyz` and the log say it.
    pub const ENGINE: &'static str = "sqlite";
    /// Row locks for the transactions that read before they write: none, SQLite has none and
    /// needs none (a write transaction holds the database's write lock from its start).
    pub(super) const FOR_UPDATE: &'static str = "";
    pub(super) const FOR_SHARE: &'static str = "";

    /// Opens (creating if missing) and migrates the database file at `path`, durable.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        Self::open_with(path, Durability::Full).await
    }

    /// [`Self::open`] with a chosen durability.
    pub async fn open_with(path: &Path, durability: Durability) -> StoreResult<Self> {
        let synchronous = match durability {
            Durability::Full => SqliteSynchronous::Full,
            Durability::Normal => SqliteSynchronous::Normal,
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        super::open::migrate(&sqlx::migrate!("../../migrations/sqlite"), &pool).await?;
        Ok(Self { pool })
    }

    /// A write transaction that takes the database's write lock at its start (`BEGIN
    /// IMMEDIATE`), waiting its turn behind other writers (the busy timeout). A deferred one
    /// that reads first fails at once with "database is locked" when another writer committed
    /// between its read and its first write (two roster imports at once did).
    pub(super) async fn write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

queries_for!(SqliteStore);

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn acknowledged_writes_are_synced_to_the_disk() {
        let dir = std::env::temp_dir().join(format!("vigil-sync-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let store = SqliteStore::open(&dir.join("v.db")).await.expect("open");
        // PRAGMA synchronous: 2 is FULL (every commit syncs the WAL), 1 NORMAL.
        let mode: i64 =
            sqlx::query_scalar("PRAGMA synchronous").fetch_one(&store.pool).await.expect("pragma");
        assert_eq!(mode, 2);
        let normal =
            SqliteStore::open_with(&dir.join("n.db"), Durability::Normal).await.expect("open");
        let mode: i64 =
            sqlx::query_scalar("PRAGMA synchronous").fetch_one(&normal.pool).await.expect("pragma");
        assert_eq!(mode, 1);
        let _ = std::fs::remove_dir_all(dir);
    }
}
