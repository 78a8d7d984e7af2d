//! The audit log as administrators read it: entries and the filter over them.
use super::{CandidateId, ExamId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// At most this many entries per page, newest first.
pub const AUDIT_PAGE: i64 = 200;

/// What to show; every part optional (empty text counts as not set).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub exam: Option<ExamId>,
    /// `staff:<username>` or `system:…`; matched as a substring.
    pub actor: Option<String>,
    /// The candidate's ticket number (exact, any case).
    pub ticket: Option<String>,
    /// The action, e.g. `verification.reject`, or a prefix such as `flag.`.
    pub action: Option<String>,
    /// Entries older than this id (the next page).
    pub before: Option<i64>,
}

impl AuditFilter {
    /// Trims text parts and drops empty ones.
    pub fn normalised(self) -> Self {
        let clean = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        Self {
            actor: clean(self.actor),
            ticket: clean(self.ticket).map(|t| t.to_ascii_uppercase()),
            action: clean(self.action),
            ..self
        }
    }
}

/// One audit log entry with the exam and candidate named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub exam_code: Option<String>,
    pub candidate: Option<CandidateId>,
    pub ticket: Option<String>,
    pub name: Option<String>,
    pub detail: String,
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_parts_are_not_filters() {
        let f = AuditFilter {
            exam: Some(ExamId(1)),
            actor: Some("  ".into()),
            ticket: Some(" t-0001 ".into()),
            action: Some("".into()),
            before: None,
        }
        .normalised();
        assert_eq!(f.actor, None);
        assert_eq!(f.action, None);
        assert_eq!(f.ticket.as_deref(), Some("T-0001"));
        assert_eq!(f.exam, Some(ExamId(1)));
    }
}
