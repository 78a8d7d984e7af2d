//! The `Store` trait: the only API to persistence. Methods are named for use cases. Every SQL
//! string lives in `queries/`, written once in the SQL both databases run and compiled into
//! each store (`sqlite.rs`, the embedded default, and `postgres.rs`); `rows/` holds the rows
//! they read and their conversion into domain types.
/// The shared queries in `queries/` compiled for one store: each file is included in a module
/// of its own where `DbStore` names that store (see `docs/architecture.md`, "The store").
macro_rules! queries_for {
    ($store:ident) => {
        mod people {
            use super::$store as DbStore;
            include!("queries/people.rs");
        }
        mod journey {
            use super::$store as DbStore;
            include!("queries/journey.rs");
        }
        mod camera {
            use super::$store as DbStore;
            include!("queries/camera.rs");
        }
        mod console {
            use super::$store as DbStore;
            include!("queries/console.rs");
        }
        mod admin {
            use super::$store as DbStore;
            include!("queries/admin.rs");
        }
        mod reports {
            use super::$store as DbStore;
            include!("queries/reports.rs");
        }
        mod throttle {
            use super::$store as DbStore;
            include!("queries/throttle.rs");
        }
    };
}

pub mod admin;
pub mod camera;
pub mod console;
pub mod journey;
mod open;
mod postgres;
pub mod reports;
mod rows;
mod sqlite;
pub mod throttle;

pub use admin::AdminStore;
pub use camera::CameraStore;
pub use console::ConsoleStore;
pub use journey::JourneyStore;
pub use open::{DatabaseUrl, DatabaseUrlError, open_store, postgres_schema};
pub use postgres::PgStore;
pub use reports::ReportStore;
pub use sqlite::{Durability, SqliteStore};
pub use throttle::ThrottleStore;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    Candidate, CandidateId, Exam, ExamCode, ExamId, Phase, Role, RoomId, RoomSummary, StaffId,
    StaffUser, TicketNumber, View,
};

/// A persistence failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(sqlx::Error),
    /// The database cannot be reached (refused, dropped or timed-out connections, a pool
    /// waiting too long): the request may succeed later, the server recovers by itself.
    #[error("the database is unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    /// The database has a migration this binary does not know: it was upgraded by a newer
    /// Vigil. Refusing to start is the only safe answer.
    #[error(
        "the database's schema is newer than this Vigil knows (it has migration {0}, this \
         binary knows up to {1}): run the newer Vigil, or point this one at another database"
    )]
    NewerSchema(i64, i64),
    #[error("a unique value already exists")]
    Duplicate,
    /// Text the database cannot store (PostgreSQL refuses the NUL character): the request's
    /// fault, never the server's.
    #[error("the text cannot be stored: {0}")]
    BadText(sqlx::Error),
    #[error("stored value is not valid: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        let code = match &e {
            sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
            _ => None,
        };
        match code.as_deref() {
            // character_not_in_repertoire, untranslatable_character
            Some("22021" | "22P05") => StoreError::BadText(e),
            _ if is_unavailable(&e) => StoreError::Unavailable(e),
            _ => StoreError::Db(e),
        }
    }
}

/// Whether `e` says the database cannot be reached now, rather than that a query failed.
fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Protocol(_) => true,
        // PostgreSQL's connection exceptions (class 08), an administrator's shutdown or
        // terminated backend (57P01-57P03), too many connections (53300).
        sqlx::Error::Database(db) => db.code().is_some_and(|c| {
            c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

/// Who a session token belongs to: a staff member, or a candidate on one device (`Pc` from
/// the sign-in, `Phone` from the QR pairing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOwner {
    Staff(StaffId),
    Candidate(CandidateId, View),
}

/// A live session: its owner and when it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRecord {
    pub owner: SessionOwner,
    pub expires_at: DateTime<Utc>,
}

/// A staff member with the password hash (never serialised, never leaves the server).
#[derive(Debug, Clone)]
pub struct StaffCredentials {
    pub user: StaffUser,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct NewExam {
    pub code: ExamCode,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_min: i64,
    pub earliest_submit_min: i64,
    pub late_entry_min: i64,
}

#[derive(Debug, Clone)]
pub struct NewCandidate {
    pub exam_id: ExamId,
    pub room_id: RoomId,
    pub ticket: TicketNumber,
    pub name: String,
    pub id_card: String,
    pub photo_key: Option<String>,
}

/// Persistence for everything Vigil keeps.
#[async_trait]
pub trait Store:
    JourneyStore
    + CameraStore
    + ConsoleStore
    + AdminStore
    + ReportStore
    + ThrottleStore
    + Send
    + Sync
    + 'static
{
    /// Succeeds when the database answers.
    async fn ping(&self) -> StoreResult<()>;
    /// The database engine: `sqlite` or `postgres`.
    fn engine(&self) -> &'static str;
    /// Closes the connections (waiting for those in use); nothing works on the store after.
    async fn close(&self);

    /// Creates a staff account; `Duplicate` when the username is taken.
    async fn create_staff(&self, new: NewStaff) -> StoreResult<StaffId>;
    /// Looks up a staff account with its password hash, by username.
    async fn staff_credentials(&self, username: &str) -> StoreResult<Option<StaffCredentials>>;
    async fn staff(&self, id: StaffId) -> StoreResult<Option<StaffUser>>;

    /// Stores a session token hash for a staff member or a candidate. A candidate has one
    /// session per device: the new one replaces the device's older ones in the same
    /// transaction; returns how many it replaced (always 0 for staff).
    async fn create_session(
        &self,
        token_hash: &str,
        owner: SessionOwner,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// An unexpired session of an enabled account.
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>>;
    /// Which of `token_hashes` are sessions [`Store::session`] would still find: the live
    /// sockets' periodic check, many sessions per query.
    async fn live_sessions(
        &self,
        token_hashes: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<std::collections::HashSet<String>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of a staff member but `keep` (a token hash); returns how many.
    async fn delete_staff_sessions(&self, staff: StaffId, keep: Option<&str>) -> StoreResult<u64>;

    async fn create_exam(&self, new: NewExam) -> StoreResult<ExamId>;
    async fn exam(&self, id: ExamId) -> StoreResult<Option<Exam>>;
    async fn exam_by_code(&self, code: &ExamCode) -> StoreResult<Option<Exam>>;

    /// Moves an exam's start time (the demo restarts its exam a few minutes ahead).
    async fn reschedule_exam(&self, id: ExamId, starts_at: DateTime<Utc>) -> StoreResult<()>;

    async fn create_room(&self, exam: ExamId, name: &str) -> StoreResult<RoomId>;
    async fn assign_proctor(&self, room: RoomId, staff: StaffId) -> StoreResult<()>;
    async fn room(&self, id: RoomId) -> StoreResult<Option<RoomSummary>>;
    /// Every room for an admin; the assigned rooms for a proctor.
    async fn rooms_visible_to(&self, user: &StaffUser) -> StoreResult<Vec<RoomSummary>>;
    async fn is_assigned(&self, room: RoomId, staff: StaffId) -> StoreResult<bool>;

    async fn add_candidate(&self, new: NewCandidate) -> StoreResult<CandidateId>;
    async fn candidate(&self, id: CandidateId) -> StoreResult<Option<Candidate>>;
    async fn candidate_by_ticket(
        &self,
        exam: ExamId,
        ticket: &TicketNumber,
    ) -> StoreResult<Option<Candidate>>;
    async fn candidates_in_room(&self, room: RoomId) -> StoreResult<Vec<Candidate>>;
    /// The roster photo's blob key, if any.
    async fn candidate_photo_key(&self, id: CandidateId) -> StoreResult<Option<String>>;
    /// The candidate's access code (upper-case, no dash; made at import).
    async fn access_code(&self, id: CandidateId) -> StoreResult<String>;
    /// Moves a candidate from `from` to `to` and records it in the phase history, only if the
    /// stored phase is still `from` (compare-and-set). Returns whether it moved. A move to a
    /// submitted phase freezes the answers and keeps `reason` (a forced submission's) with the
    /// submission, in the same transaction.
    async fn set_phase(
        &self,
        id: CandidateId,
        from: Phase,
        to: Phase,
        actor: &str,
        at: DateTime<Utc>,
        reason: Option<&str>,
    ) -> StoreResult<bool>;

    /// Appends an entry to the audit log.
    async fn audit(
        &self,
        actor: &str,
        action: &str,
        detail: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Number of candidates rostered for an exam.
    async fn candidate_count(&self, exam: ExamId) -> StoreResult<i64>;
}
