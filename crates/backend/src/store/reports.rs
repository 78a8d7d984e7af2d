//! The exam's records after the fact: the report's counts, the exports (answers, incidents,
//! connections), the audit log, and the retention purge's media. `Store` requires it.
use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{AuditEntry, AuditFilter};
use domain::{CandidateId, ExamId};

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
pub trait ReportStore {
    /// Audit entries matching the filter, newest first, at most `limit`.
    async fn audit_entries(&self, filter: &AuditFilter, limit: i64)
    -> StoreResult<Vec<AuditEntry>>;
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
    /// marks the exam purged. `false` (and nothing changed) when it was purged already: with
    /// several instances, one purges and the others find it done.
    async fn forget_media(&self, exam: ExamId, at: DateTime<Utc>) -> StoreResult<bool>;
}
