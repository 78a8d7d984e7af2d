//! Rows of the people, exam and candidate tables and their conversion into domain types; helpers the two stores share.
use crate::store::{SessionOwner, SessionRecord, StaffCredentials, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use domain::face::FaceThresholds;
use domain::{
    Candidate, CandidateId, Exam, ExamCode, ExamId, Phase, Role, RoomId, RoomSummary, StaffId,
    StaffUser, TicketNumber, VerificationStatus, View,
};
use sqlx::FromRow;
pub(crate) fn map_unique(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate,
        _ => StoreError::from(e),
    }
}

#[derive(FromRow)]
pub(crate) struct StaffRow {
    pub(crate) id: i64,
    pub(crate) username: String,
    pub(crate) display_name: String,
    pub(crate) role: String,
    pub(crate) password_hash: String,
}

impl StaffRow {
    pub(crate) fn into_credentials(self) -> StoreResult<StaffCredentials> {
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
pub(crate) struct ExamRow {
    pub(crate) id: i64,
    pub(crate) code: String,
    pub(crate) title: String,
    pub(crate) starts_at: DateTime<Utc>,
    pub(crate) duration_min: i64,
    pub(crate) earliest_submit_min: i64,
    pub(crate) late_entry_min: i64,
    pub(crate) instructions: String,
    pub(crate) instructions_zh: String,
    pub(crate) face_match_below: f64,
    pub(crate) face_review_below: f64,
    pub(crate) face_max_attempts: i64,
    pub(crate) sign_in: String,
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
pub(crate) struct CandidateRow {
    pub(crate) id: i64,
    pub(crate) exam_id: i64,
    pub(crate) room_id: i64,
    pub(crate) ticket: String,
    pub(crate) name: String,
    pub(crate) id_card: String,
    pub(crate) has_photo: bool,
    pub(crate) phase: String,
    pub(crate) verification: String,
    pub(crate) extra_minutes: i64,
    pub(crate) device_check: Option<String>,
    pub(crate) record_disputed: bool,
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
pub(crate) struct RoomRow {
    pub(crate) id: i64,
    pub(crate) exam_id: i64,
    pub(crate) exam_code: String,
    pub(crate) exam_title: String,
    pub(crate) name: String,
    pub(crate) candidates: i64,
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

pub(crate) const STAFF_COLS: &str = "id, username, display_name, role, password_hash";
pub(crate) const EXAM_COLS: &str = "id, code, title, starts_at, duration_min, earliest_submit_min, late_entry_min, \
     instructions, instructions_zh, face_match_below, face_review_below, face_max_attempts, sign_in";
pub(crate) const CANDIDATE_COLS: &str = "id, exam_id, room_id, ticket, name, id_card, \
     photo_key IS NOT NULL AS has_photo, phase, verification, extra_minutes, device_check, \
     record_disputed";
pub(crate) const ROOM_SELECT: &str = "SELECT r.id, r.exam_id, e.code AS exam_code, e.title AS exam_title, \
     r.name, (SELECT COUNT(*) FROM candidates c WHERE c.room_id = r.id) AS candidates \
     FROM rooms r JOIN exams e ON e.id = r.exam_id";

pub(crate) fn candidates<I: IntoIterator<Item = CandidateRow>>(
    rows: I,
) -> StoreResult<Vec<Candidate>> {
    rows.into_iter().map(Candidate::try_from).collect()
}

/// The submission's copy of the answers: `{"question": {"answer": …, "version": n}}`, built
/// here rather than with the database's JSON functions (SQLite and PostgreSQL differ).
pub(crate) fn frozen_answers(answers: Vec<(String, String, i64)>) -> StoreResult<String> {
    let mut frozen = serde_json::Map::new();
    for (question, answer, version) in answers {
        let answer: serde_json::Value = serde_json::from_str(&answer)
            .map_err(|e| StoreError::Corrupt(format!("answer to {question}: {e}")))?;
        frozen.insert(question, serde_json::json!({ "answer": answer, "version": version }));
    }
    Ok(serde_json::Value::Object(frozen).to_string())
}

/// A session row: staff id, candidate id, device, expiry.
pub type SessionRow = (Option<i64>, Option<i64>, Option<String>, DateTime<Utc>);

/// The session a row records (`None` for a row with no owner).
pub fn session_record(row: SessionRow) -> Option<SessionRecord> {
    let owner = match row {
        (Some(s), ..) => SessionOwner::Staff(StaffId(s)),
        (None, Some(c), device, _) => {
            let view = if device.as_deref() == Some("phone") { View::Phone } else { View::Pc };
            SessionOwner::Candidate(CandidateId(c), view)
        }
        (None, None, ..) => return None,
    };
    Some(SessionRecord { owner, expires_at: row.3 })
}

/// `$first, $first+1, …`: `n` numbered placeholders, which both databases read.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}
