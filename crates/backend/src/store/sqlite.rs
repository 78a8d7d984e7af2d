//! `SqliteStore`: every SQL string for the embedded SQLite backend (WAL, foreign keys on,
//! busy timeout), plus row structs and their conversion into domain types.
use super::{
    NewCandidate, NewExam, NewStaff, SessionOwner, SessionRecord, StaffCredentials, Store,
    StoreError, StoreResult,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::face::FaceThresholds;
use domain::{
    Candidate, CandidateId, Exam, ExamCode, ExamId, Phase, Role, RoomId, RoomSummary, StaffId,
    StaffUser, TicketNumber, VerificationStatus, View,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{FromRow, SqlitePool};
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
        sqlx::migrate!("../../migrations/sqlite").run(&pool).await?;
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

pub(super) fn map_unique(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate,
        _ => StoreError::Db(e),
    }
}

#[derive(FromRow)]
struct StaffRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    password_hash: String,
}

impl StaffRow {
    fn into_credentials(self) -> StoreResult<StaffCredentials> {
        let role = Role::parse(&self.role).ok_or_else(|| StoreError::Corrupt(self.role.clone()))?;
        Ok(StaffCredentials {
            user: StaffUser {
                id: StaffId(self.id),
                username: self.username,
                display_name: self.display_name,
                role,
            },
            password_hash: self.password_hash,
        })
    }
}

#[derive(FromRow)]
struct ExamRow {
    id: i64,
    code: String,
    title: String,
    starts_at: DateTime<Utc>,
    duration_min: i64,
    earliest_submit_min: i64,
    late_entry_min: i64,
    instructions: String,
    instructions_zh: String,
    face_match_below: f64,
    face_review_below: f64,
    face_max_attempts: i64,
    sign_in: String,
}

impl TryFrom<ExamRow> for Exam {
    type Error = StoreError;
    fn try_from(r: ExamRow) -> StoreResult<Exam> {
        Ok(Exam {
            id: ExamId(r.id),
            code: ExamCode::parse(&r.code).map_err(|_| StoreError::Corrupt(r.code.clone()))?,
            title: r.title,
            starts_at: r.starts_at,
            duration_min: r.duration_min,
            earliest_submit_min: r.earliest_submit_min,
            late_entry_min: r.late_entry_min,
            instructions: r.instructions,
            instructions_zh: r.instructions_zh,
            face: FaceThresholds {
                match_below: r.face_match_below as f32,
                review_below: r.face_review_below as f32,
            },
            face_max_attempts: u32::try_from(r.face_max_attempts).unwrap_or(1),
            sign_in: domain::signin::SignInMode::parse(&r.sign_in)
                .ok_or_else(|| StoreError::Corrupt(r.sign_in.clone()))?,
        })
    }
}

#[derive(FromRow)]
pub(super) struct CandidateRow {
    id: i64,
    exam_id: i64,
    room_id: i64,
    ticket: String,
    name: String,
    id_card: String,
    has_photo: bool,
    phase: String,
    verification: String,
    extra_minutes: i64,
    device_check: Option<String>,
    record_disputed: bool,
}

impl TryFrom<CandidateRow> for Candidate {
    type Error = StoreError;
    fn try_from(r: CandidateRow) -> StoreResult<Candidate> {
        Ok(Candidate {
            id: CandidateId(r.id),
            exam_id: ExamId(r.exam_id),
            room_id: RoomId(r.room_id),
            ticket: TicketNumber::parse(&r.ticket)
                .map_err(|_| StoreError::Corrupt(r.ticket.clone()))?,
            name: r.name,
            id_card: r.id_card,
            has_photo: r.has_photo,
            phase: Phase::parse(&r.phase).ok_or_else(|| StoreError::Corrupt(r.phase.clone()))?,
            verification: VerificationStatus::parse(&r.verification)
                .ok_or_else(|| StoreError::Corrupt(r.verification.clone()))?,
            extra_minutes: r.extra_minutes,
            device_check: r.device_check.map(|d| d == "passed"),
            record_disputed: r.record_disputed,
        })
    }
}

#[derive(FromRow)]
struct RoomRow {
    id: i64,
    exam_id: i64,
    exam_code: String,
    exam_title: String,
    name: String,
    candidates: i64,
}

impl From<RoomRow> for RoomSummary {
    fn from(r: RoomRow) -> Self {
        RoomSummary {
            id: RoomId(r.id),
            exam_id: ExamId(r.exam_id),
            exam_code: r.exam_code,
            exam_title: r.exam_title,
            name: r.name,
            candidates: r.candidates,
        }
    }
}

const STAFF_COLS: &str = "id, username, display_name, role, password_hash";
const EXAM_COLS: &str = "id, code, title, starts_at, duration_min, earliest_submit_min, late_entry_min, \
     instructions, instructions_zh, face_match_below, face_review_below, face_max_attempts, sign_in";
pub(super) const CANDIDATE_COLS: &str = "id, exam_id, room_id, ticket, name, id_card, \
     photo_key IS NOT NULL AS has_photo, phase, verification, extra_minutes, device_check, \
     record_disputed";
const ROOM_SELECT: &str = "SELECT r.id, r.exam_id, e.code AS exam_code, e.title AS exam_title, \
     r.name, (SELECT COUNT(*) FROM candidates c WHERE c.room_id = r.id) AS candidates \
     FROM rooms r JOIN exams e ON e.id = r.exam_id";

pub(super) fn candidates<I: IntoIterator<Item = CandidateRow>>(
    rows: I,
) -> StoreResult<Vec<Candidate>> {
    rows.into_iter().map(Candidate::try_from).collect()
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn create_staff(&self, new: NewStaff) -> StoreResult<StaffId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO staff (username, display_name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(new.role.as_str())
        .bind(&new.password_hash)
        .bind(Utc::now())
        .fetch_one(&self.pool)
        .await
        .map_err(map_unique)?;
        Ok(StaffId(id))
    }

    async fn staff_credentials(&self, username: &str) -> StoreResult<Option<StaffCredentials>> {
        let sql =
            format!("SELECT {STAFF_COLS} FROM staff WHERE username = $1 AND disabled = FALSE");
        let row: Option<StaffRow> =
            sqlx::query_as(&sql).bind(username).fetch_optional(&self.pool).await?;
        row.map(StaffRow::into_credentials).transpose()
    }

    async fn staff(&self, id: StaffId) -> StoreResult<Option<StaffUser>> {
        let sql = format!("SELECT {STAFF_COLS} FROM staff WHERE id = $1 AND disabled = FALSE");
        let row: Option<StaffRow> =
            sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.map(StaffRow::into_credentials).transpose()?.map(|c| c.user))
    }

    async fn create_session(
        &self,
        token_hash: &str,
        owner: SessionOwner,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let (staff, candidate, device) = match owner {
            SessionOwner::Staff(s) => (Some(s), None, None),
            SessionOwner::Candidate(c, v) => (None, Some(c), Some(v.as_str())),
        };
        let mut tx = self.write().await?;
        let replaced = match (candidate, device) {
            (Some(c), Some(d)) => {
                sqlx::query("DELETE FROM sessions WHERE candidate_id = $1 AND device = $2")
                    .bind(c)
                    .bind(d)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            }
            _ => 0,
        };
        sqlx::query(
            "INSERT INTO sessions (token_hash, staff_id, candidate_id, device, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(staff)
        .bind(candidate)
        .bind(device)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(replaced)
    }

    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        let row: Option<(Option<i64>, Option<i64>, Option<String>, DateTime<Utc>)> =
            sqlx::query_as(
                "SELECT s.staff_id, s.candidate_id, s.device, s.expires_at FROM sessions s \
                 LEFT JOIN staff st ON st.id = s.staff_id \
                 WHERE s.token_hash = $1 AND s.expires_at > $2 \
                 AND (s.staff_id IS NULL OR st.disabled = FALSE)",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some((Some(s), _, _, expires_at)) => {
                Some(SessionRecord { owner: SessionOwner::Staff(StaffId(s)), expires_at })
            }
            Some((None, Some(c), device, expires_at)) => {
                let view = match device.as_deref() {
                    Some("phone") => View::Phone,
                    _ => View::Pc,
                };
                Some(SessionRecord {
                    owner: SessionOwner::Candidate(CandidateId(c), view),
                    expires_at,
                })
            }
            _ => None,
        })
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_staff_sessions(&self, staff: StaffId, keep: Option<&str>) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE staff_id = $1 AND token_hash <> $2")
            .bind(staff)
            .bind(keep.unwrap_or(""))
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    async fn create_exam(&self, new: NewExam) -> StoreResult<ExamId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO exams (code, title, starts_at, duration_min, earliest_submit_min, \
             late_entry_min, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.code.as_str())
        .bind(&new.title)
        .bind(new.starts_at)
        .bind(new.duration_min)
        .bind(new.earliest_submit_min)
        .bind(new.late_entry_min)
        .bind(Utc::now())
        .fetch_one(&self.pool)
        .await
        .map_err(map_unique)?;
        Ok(ExamId(id))
    }

    async fn exam(&self, id: ExamId) -> StoreResult<Option<Exam>> {
        let sql = format!("SELECT {EXAM_COLS} FROM exams WHERE id = $1");
        let row: Option<ExamRow> = sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(Exam::try_from).transpose()
    }

    async fn exam_by_code(&self, code: &ExamCode) -> StoreResult<Option<Exam>> {
        let sql = format!("SELECT {EXAM_COLS} FROM exams WHERE code = $1");
        let row: Option<ExamRow> =
            sqlx::query_as(&sql).bind(code.as_str()).fetch_optional(&self.pool).await?;
        row.map(Exam::try_from).transpose()
    }

    async fn reschedule_exam(&self, id: ExamId, starts_at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE exams SET starts_at = $1 WHERE id = $2")
            .bind(starts_at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_room(&self, exam: ExamId, name: &str) -> StoreResult<RoomId> {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO rooms (exam_id, name) VALUES ($1, $2) RETURNING id")
                .bind(exam)
                .bind(name)
                .fetch_one(&self.pool)
                .await
                .map_err(map_unique)?;
        Ok(RoomId(id))
    }

    async fn assign_proctor(&self, room: RoomId, staff: StaffId) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO room_proctors (room_id, staff_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(room)
        .bind(staff)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn room(&self, id: RoomId) -> StoreResult<Option<RoomSummary>> {
        let sql = format!("{ROOM_SELECT} WHERE r.id = $1");
        let row: Option<RoomRow> = sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.map(RoomSummary::from))
    }

    async fn rooms_visible_to(&self, user: &StaffUser) -> StoreResult<Vec<RoomSummary>> {
        let rows: Vec<RoomRow> = match user.role {
            Role::Admin => {
                let sql =
                    format!("{ROOM_SELECT} WHERE e.archived = FALSE ORDER BY e.starts_at, r.name");
                sqlx::query_as(&sql).fetch_all(&self.pool).await?
            }
            Role::Proctor => {
                let sql = format!(
                    "{ROOM_SELECT} JOIN room_proctors rp ON rp.room_id = r.id \
                     WHERE rp.staff_id = $1 AND e.archived = FALSE ORDER BY e.starts_at, r.name"
                );
                sqlx::query_as(&sql).bind(user.id).fetch_all(&self.pool).await?
            }
        };
        Ok(rows.into_iter().map(RoomSummary::from).collect())
    }

    async fn is_assigned(&self, room: RoomId, staff: StaffId) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM room_proctors WHERE room_id = $1 AND staff_id = $2",
        )
        .bind(room)
        .bind(staff)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    async fn add_candidate(&self, new: NewCandidate) -> StoreResult<CandidateId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO candidates (exam_id, room_id, ticket, name, id_card, photo_key, \
             access_code) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.exam_id)
        .bind(new.room_id)
        .bind(new.ticket.as_str())
        .bind(&new.name)
        .bind(&new.id_card)
        .bind(&new.photo_key)
        .bind(crate::auth::new_access_code())
        .fetch_one(&self.pool)
        .await
        .map_err(map_unique)?;
        Ok(CandidateId(id))
    }

    async fn candidate(&self, id: CandidateId) -> StoreResult<Option<Candidate>> {
        let sql = format!("SELECT {CANDIDATE_COLS} FROM candidates WHERE id = $1");
        let row: Option<CandidateRow> =
            sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(Candidate::try_from).transpose()
    }

    async fn candidate_by_ticket(
        &self,
        exam: ExamId,
        ticket: &TicketNumber,
    ) -> StoreResult<Option<Candidate>> {
        let sql =
            format!("SELECT {CANDIDATE_COLS} FROM candidates WHERE exam_id = $1 AND ticket = $2");
        let row: Option<CandidateRow> = sqlx::query_as(&sql)
            .bind(exam)
            .bind(ticket.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(Candidate::try_from).transpose()
    }

    async fn candidates_in_room(&self, room: RoomId) -> StoreResult<Vec<Candidate>> {
        let sql =
            format!("SELECT {CANDIDATE_COLS} FROM candidates WHERE room_id = $1 ORDER BY ticket");
        let rows: Vec<CandidateRow> = sqlx::query_as(&sql).bind(room).fetch_all(&self.pool).await?;
        candidates(rows)
    }

    async fn candidate_photo_key(&self, id: CandidateId) -> StoreResult<Option<String>> {
        let key: Option<Option<String>> =
            sqlx::query_scalar("SELECT photo_key FROM candidates WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(key.flatten())
    }

    async fn access_code(&self, id: CandidateId) -> StoreResult<String> {
        let code: Option<String> =
            sqlx::query_scalar("SELECT access_code FROM candidates WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(code.unwrap_or_default())
    }

    async fn set_phase(
        &self,
        id: CandidateId,
        from: Phase,
        to: Phase,
        actor: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let moved = sqlx::query(
            "UPDATE candidates SET phase = $1, phase_changed_at = $2 WHERE id = $3 AND phase = $4",
        )
        .bind(to.as_str())
        .bind(at)
        .bind(id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if moved {
            sqlx::query(
                "INSERT INTO phase_events (candidate_id, from_phase, to_phase, actor, at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(actor)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            if to.is_submitted() {
                // Freeze the answers as they are, in the same transaction as the phase.
                let answers: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT question_id, answer_json, version FROM answers WHERE candidate_id = $1",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO submissions (candidate_id, kind, actor, answers_json, at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(to.as_str())
                .bind(actor)
                .bind(frozen_answers(answers)?)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(moved)
    }

    async fn audit(
        &self,
        actor: &str,
        action: &str,
        detail: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO audit_log (actor, action, detail, at) VALUES ($1, $2, $3, $4)")
            .bind(actor)
            .bind(action)
            .bind(detail)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn candidate_count(&self, exam: ExamId) -> StoreResult<i64> {
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM candidates WHERE exam_id = $1")
            .bind(exam)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}

/// The submission's copy of the answers: `{"question": {"answer": …, "version": n}}`, built
/// here rather than with the database's JSON functions (SQLite and PostgreSQL differ).
fn frozen_answers(answers: Vec<(String, String, i64)>) -> StoreResult<String> {
    let mut frozen = serde_json::Map::new();
    for (question, answer, version) in answers {
        let answer: serde_json::Value = serde_json::from_str(&answer)
            .map_err(|e| StoreError::Corrupt(format!("answer to {question}: {e}")))?;
        frozen.insert(question, serde_json::json!({ "answer": answer, "version": version }));
    }
    Ok(serde_json::Value::Object(frozen).to_string())
}

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
