//! The proctor-console part of the store: flags raised and closed by proctors, messages and
//! warnings with their delivery, raised hands, candidate events for the timeline, extra
//! time, quick messages and the audit log with its exam, candidate and reason. `Store`
//! requires it.
use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::console::{CandidateEvent, CandidateMessage, HandRaise, MessageKind, MessageRecord};
use domain::flag::{FlagKind, FlagRecord, FlagResolution, OpenFlag};
use domain::timeline::PhaseStep;
use domain::{CandidateId, ExamId, RoomId};
use std::collections::HashMap;

/// A message to store for one candidate (a broadcast stores one per candidate).
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub candidate: CandidateId,
    pub kind: MessageKind,
    pub body: String,
    /// `candidate`, `room` or `exam`.
    pub audience: &'static str,
    pub sent_by: String,
    pub at: DateTime<Utc>,
}

/// An audit log entry: who did what, to which exam and candidate, and why.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub exam: Option<ExamId>,
    pub candidate: Option<CandidateId>,
    pub detail: &'a str,
    pub reason: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// A stored audit log entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub id: i64,
    pub actor: String,
    pub action: String,
    pub exam: Option<ExamId>,
    pub candidate: Option<CandidateId>,
    pub detail: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// What a tile shows beyond the candidate row and presence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TileExtras {
    pub flags: Vec<OpenFlag>,
    /// Every flag, open and closed (for the integrity score).
    pub scored: Vec<domain::integrity::ScoredFlag>,
    pub answered: u32,
    pub warnings: u32,
    pub unread: u32,
    pub hand_raised: bool,
    pub sessions_replaced: u32,
}

#[async_trait]
pub trait ConsoleStore: Send + Sync {
    /// Raises a proctor's flag; returns its id.
    async fn add_flag(
        &self,
        c: CandidateId,
        kind: FlagKind,
        note: Option<&str>,
        by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Closes an open flag with a resolution; `false` when it was not open.
    async fn close_flag(
        &self,
        id: i64,
        resolution: FlagResolution,
        note: Option<&str>,
        by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn flag_candidate(&self, id: i64) -> StoreResult<Option<CandidateId>>;
    /// Every flag of a candidate, oldest first.
    async fn flags(&self, c: CandidateId) -> StoreResult<Vec<FlagRecord>>;

    /// Stores messages (one transaction); returns their ids in order.
    async fn add_messages(&self, rows: &[NewMessage]) -> StoreResult<Vec<i64>>;
    /// The candidate's messages not acknowledged yet, oldest first.
    async fn unread_messages(&self, c: CandidateId) -> StoreResult<Vec<CandidateMessage>>;
    /// Marks messages delivered (the first delivery's time is kept).
    async fn mark_delivered(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()>;
    /// Marks the candidate's message read; `false` when it is not theirs or already read.
    async fn mark_read(&self, c: CandidateId, id: i64, at: DateTime<Utc>) -> StoreResult<bool>;
    async fn messages(&self, c: CandidateId) -> StoreResult<Vec<MessageRecord>>;

    /// Raises the candidate's hand; `false` when it is already up.
    async fn raise_hand(&self, c: CandidateId, at: DateTime<Utc>) -> StoreResult<bool>;
    /// Answers the candidate's raised hand; `false` when none was up.
    async fn answer_hand(&self, c: CandidateId, by: &str, at: DateTime<Utc>) -> StoreResult<bool>;
    async fn hands(&self, c: CandidateId) -> StoreResult<Vec<HandRaise>>;

    async fn add_event(
        &self,
        c: CandidateId,
        event: &CandidateEvent,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn events(&self, c: CandidateId) -> StoreResult<Vec<(DateTime<Utc>, CandidateEvent)>>;
    async fn phase_history(&self, c: CandidateId) -> StoreResult<Vec<PhaseStep>>;

    /// Adds extra minutes; returns the candidate's total extra minutes.
    async fn add_extra_minutes(&self, c: CandidateId, minutes: i64) -> StoreResult<i64>;
    /// The submission's reason, if one was given.
    async fn submission_reason(&self, c: CandidateId) -> StoreResult<Option<String>>;

    async fn tile_extras(&self, c: CandidateId) -> StoreResult<TileExtras>;
    async fn tile_extras_in_room(
        &self,
        room: RoomId,
    ) -> StoreResult<HashMap<CandidateId, TileExtras>>;

    async fn audit_action(&self, a: NewAudit<'_>) -> StoreResult<()>;
    /// The audit entries about a candidate, oldest first.
    async fn audit_of_candidate(&self, c: CandidateId) -> StoreResult<Vec<AuditRow>>;

    /// The exam's quick messages (`None`: not set, use the defaults).
    async fn quick_messages(&self, exam: ExamId) -> StoreResult<Option<Vec<String>>>;
    async fn set_quick_messages(&self, exam: ExamId, texts: &[String]) -> StoreResult<()>;
    /// A face attempt's candidate and photo blob key.
    async fn face_attempt_photo(&self, id: i64) -> StoreResult<Option<(CandidateId, String)>>;
    /// Every candidate of an exam with their room.
    async fn candidates_of_exam(&self, exam: ExamId) -> StoreResult<Vec<(CandidateId, RoomId)>>;
}
