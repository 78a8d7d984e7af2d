//! The administration part of the store: the verification review queue and its decisions,
//! the roster (import all-or-nothing, export), the exam list. `Store` requires it.
use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{AuditEntry, AuditFilter};
use domain::exam_settings::{ExamSettings, ExamSummary};
use domain::review::ReviewDecision;
use domain::roster::ImportOutcome;
use domain::staffing::StaffEntry;
use domain::{Candidate, CandidateId, ExamId, RoomId, StaffId};
use std::collections::HashMap;

/// A pending case with where it is.
#[derive(Debug, Clone)]
pub struct PendingCase {
    pub candidate: Candidate,
    pub exam_code: String,
    pub room: String,
}

/// A row to import: the room resolved, the photo already stored as a blob.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub ticket: String,
    pub name: String,
    pub id_card: String,
    pub room: RoomId,
    pub photo_key: Option<String>,
}

/// A roster line for the export.
#[derive(Debug, Clone)]
pub struct RosterEntry {
    pub ticket: String,
    pub name: String,
    pub id_card: String,
    pub room: String,
    pub phase: String,
    pub verification: String,
    /// For the admission slip (exam's with `ticket_access_code` sign-in).
    pub access_code: String,
}

/// The raw counts behind an exam's report (statuses as stored).
#[derive(Debug, Clone, Default)]
pub struct ReportCounts {
    pub phases: Vec<(String, i64)>,
    pub verification: Vec<(String, i64)>,
    pub flags: Vec<(String, i64)>,
    pub open_flags: i64,
    pub messages: i64,
    pub warnings: i64,
}

/// One candidate's answers for the export.
#[derive(Debug, Clone)]
pub struct AnswerSheet {
    pub ticket: String,
    pub name: String,
    pub room: String,
    pub phase: String,
    /// (kind, actor, at, reason) when submitted.
    pub submission: Option<(String, String, DateTime<Utc>, Option<String>)>,
    /// (question id, answer JSON, saved at), by question id.
    pub answers: Vec<(String, String, DateTime<Utc>)>,
}

/// One flag for the incidents export.
#[derive(Debug, Clone)]
pub struct Incident {
    pub ticket: String,
    pub name: String,
    pub room: String,
    pub kind: String,
    pub automatic: bool,
    pub raised_at: DateTime<Utc>,
    pub raised_by: Option<String>,
    pub note: Option<String>,
    pub cleared_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
    pub resolution_note: Option<String>,
    pub resolved_by: Option<String>,
}

/// An exam not purged yet, with what decides when it may be.
#[derive(Debug, Clone)]
pub struct RetentionExam {
    pub id: ExamId,
    pub code: String,
    pub starts_at: DateTime<Utc>,
    pub duration_min: i64,
    pub max_extra_min: i64,
    pub retention_days: i64,
}

/// Every stored media file of an exam, by kind.
#[derive(Debug, Clone, Default)]
pub struct MediaKeys {
    pub roster: Vec<String>,
    pub face: Vec<String>,
    pub identity: Vec<String>,
    pub evidence: Vec<String>,
    /// (blob prefix, chunks written) per recording.
    pub recordings: Vec<(String, u32)>,
}

#[async_trait]
pub trait AdminStore {
    /// Pending verification reviews, the longest-waiting first (by the latest face attempt).
    async fn pending_cases(&self) -> StoreResult<Vec<PendingCase>>;
    async fn pending_count(&self) -> StoreResult<i64>;
    /// Sets the candidate's verification from `pending_review` to the decision's status and
    /// records the decision, in one transaction; `false` when the case was not pending.
    async fn decide_review(
        &self,
        c: CandidateId,
        decision: ReviewDecision,
        note: &str,
        reviewer: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Whether rejecting a verification ends the attempt in this exam.
    async fn reject_ends_attempt(&self, exam: ExamId) -> StoreResult<bool>;
    async fn set_reject_ends_attempt(&self, exam: ExamId, on: bool) -> StoreResult<()>;

    /// The exam's rooms by name.
    async fn exam_rooms(&self, exam: ExamId) -> StoreResult<Vec<(RoomId, String)>>;
    /// Tickets on the roster with whether each has a roster photo.
    async fn roster_tickets(&self, exam: ExamId) -> StoreResult<HashMap<String, bool>>;
    /// Adds new tickets and updates existing ones (a photo replaces the stored one; no photo
    /// keeps it), in one transaction: all rows or none.
    async fn import_roster(&self, exam: ExamId, rows: &[ImportRow]) -> StoreResult<ImportOutcome>;
    /// The roster in ticket order.
    async fn roster(&self, exam: ExamId) -> StoreResult<Vec<RosterEntry>>;

    /// Audit entries matching the filter, newest first, at most `limit`.
    async fn audit_entries(&self, filter: &AuditFilter, limit: i64)
    -> StoreResult<Vec<AuditEntry>>;

    /// Every exam with its rooms and candidate counts, archived ones too, by start.
    async fn exam_summaries(&self) -> StoreResult<Vec<ExamSummary>>;
    async fn exam_settings(&self, exam: ExamId) -> StoreResult<Option<ExamSettings>>;
    /// Creates (`None`) or updates an exam; `Duplicate` when the code is taken.
    async fn save_exam(&self, exam: Option<ExamId>, s: &ExamSettings) -> StoreResult<ExamId>;
    async fn set_archived(&self, exam: ExamId, archived: bool) -> StoreResult<()>;
    /// The largest extra time granted in the exam, in minutes.
    async fn max_extra_minutes(&self, exam: ExamId) -> StoreResult<i64>;

    /// Every staff account with its rooms, disabled ones too.
    async fn staff_list(&self) -> StoreResult<Vec<StaffEntry>>;
    async fn set_password_hash(&self, staff: StaffId, hash: &str) -> StoreResult<bool>;
    /// Disables (ending every session) or enables an account.
    async fn set_disabled(&self, staff: StaffId, disabled: bool) -> StoreResult<bool>;
    async fn unassign_proctor(&self, room: RoomId, staff: StaffId) -> StoreResult<()>;
    /// The exam's candidates in ticket order.
    async fn exam_candidates_by_ticket(&self, exam: ExamId) -> StoreResult<Vec<CandidateId>>;
    /// Moves candidates to rooms, in one transaction.
    async fn move_candidates(&self, moves: &[(CandidateId, RoomId)]) -> StoreResult<()>;

    async fn report_counts(&self, exam: ExamId) -> StoreResult<ReportCounts>;
    /// The exam's PC connection events `(candidate, at, online)`, in time order.
    async fn pc_connections(
        &self,
        exam: ExamId,
    ) -> StoreResult<Vec<(CandidateId, DateTime<Utc>, bool)>>;
    /// Every candidate's latest answers and submission, by ticket.
    async fn answer_sheets(&self, exam: ExamId) -> StoreResult<Vec<AnswerSheet>>;
    /// Every flag of the exam, oldest first.
    async fn incidents(&self, exam: ExamId) -> StoreResult<Vec<Incident>>;

    /// Exams whose media have not been purged.
    async fn unpurged_exams(&self) -> StoreResult<Vec<RetentionExam>>;
    /// The exam's media files.
    async fn media_keys(&self, exam: ExamId) -> StoreResult<MediaKeys>;
    /// In one transaction: forgets the exam's roster photos, face-attempt photos (the
    /// attempts and their scores stay), identity photos, evidence frames and recordings, and
    /// marks the exam purged.
    async fn forget_media(&self, exam: ExamId, at: DateTime<Utc>) -> StoreResult<()>;
}
