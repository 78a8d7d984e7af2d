//! Rows read by the administration queries.
use crate::store::rows::people::{CandidateRow, ExamRow};
use chrono::{DateTime, Utc};
use sqlx::FromRow;
#[derive(FromRow)]
pub(crate) struct PendingRow {
    #[sqlx(flatten)]
    pub(crate) candidate: CandidateRow,
    pub(crate) exam_code: String,
    pub(crate) room: String,
}

#[derive(FromRow)]
pub(crate) struct EntryRow {
    pub(crate) ticket: String,
    pub(crate) name: String,
    pub(crate) id_card: String,
    pub(crate) room: String,
    pub(crate) phase: String,
    pub(crate) verification: String,
    pub(crate) access_code: String,
}

/// An exam's settings: the exam's own columns and the administration's.
#[derive(FromRow)]
pub(crate) struct SettingsRow {
    #[sqlx(flatten)]
    pub(crate) exam: ExamRow,
    pub(crate) retention_days: i64,
    pub(crate) reject_ends_attempt: bool,
}

#[derive(FromRow)]
pub(crate) struct SummaryRow {
    pub(crate) id: i64,
    pub(crate) code: String,
    pub(crate) title: String,
    pub(crate) starts_at: DateTime<Utc>,
    pub(crate) duration_min: i64,
    pub(crate) archived: bool,
}
