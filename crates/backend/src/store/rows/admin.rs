//! Rows read by the administration queries.
use crate::store::rows::people::CandidateRow;
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

#[derive(FromRow)]
pub(crate) struct SettingsRow {
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
    pub(crate) retention_days: i64,
    pub(crate) reject_ends_attempt: bool,
    pub(crate) sign_in: String,
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
