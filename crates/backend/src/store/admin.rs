//! The administration part of the store: the verification review queue and its decisions,
//! the roster (import all-or-nothing, export), the exam list. `Store` requires it.
use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
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
}
