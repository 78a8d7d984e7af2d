//! Rows read by the report, export, audit and retention queries.
use chrono::{DateTime, Utc};
use sqlx::FromRow;

#[derive(FromRow)]
pub(crate) struct AuditEntryRow {
    pub(crate) id: i64,
    pub(crate) at: DateTime<Utc>,
    pub(crate) actor: String,
    pub(crate) action: String,
    pub(crate) exam_code: Option<String>,
    pub(crate) candidate_id: Option<i64>,
    pub(crate) ticket: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) detail: String,
    pub(crate) reason: Option<String>,
}

#[derive(FromRow)]
pub(crate) struct IncidentRow {
    pub(crate) ticket: String,
    pub(crate) name: String,
    pub(crate) room: String,
    pub(crate) kind: String,
    pub(crate) automatic: bool,
    pub(crate) raised_at: DateTime<Utc>,
    pub(crate) raised_by: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) cleared_at: Option<DateTime<Utc>>,
    pub(crate) resolution: Option<String>,
    pub(crate) resolution_note: Option<String>,
    pub(crate) resolved_by: Option<String>,
}

#[derive(FromRow)]
pub(crate) struct SheetRow {
    pub(crate) id: i64,
    pub(crate) ticket: String,
    pub(crate) name: String,
    pub(crate) room: String,
    pub(crate) phase: String,
    pub(crate) kind: Option<String>,
    pub(crate) actor: Option<String>,
    pub(crate) at: Option<DateTime<Utc>>,
    pub(crate) reason: Option<String>,
}

#[derive(FromRow)]
pub(crate) struct RetentionRow {
    pub(crate) id: i64,
    pub(crate) code: String,
    pub(crate) starts_at: DateTime<Utc>,
    pub(crate) duration_min: i64,
    pub(crate) max_extra_min: i64,
    pub(crate) retention_days: i64,
}

/// The exam's candidates, for media queries.
pub(crate) const OF_EXAM: &str = "candidate_id IN (SELECT id FROM candidates WHERE exam_id = $1)";

/// `text` matched literally inside a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
