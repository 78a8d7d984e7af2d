//! Retention: when an exam's photos, frames and recordings may be deleted. Never while
//! anyone could still be sitting it: the clock starts when the last possible deadline (the
//! largest extra time included) has passed.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Days kept after the exam when nothing else is set.
pub const DEFAULT_RETENTION_DAYS: i64 = 30;

/// The last instant anyone of the exam may be sitting it.
pub fn exam_over_at(
    starts_at: DateTime<Utc>,
    duration_min: i64,
    max_extra_min: i64,
) -> DateTime<Utc> {
    starts_at + Duration::minutes(duration_min.max(0) + max_extra_min.max(0))
}

/// Whether the exam's media are due for deletion at `now` (retention counts at least a day).
pub fn purge_due(over_at: DateTime<Utc>, retention_days: i64, now: DateTime<Utc>) -> bool {
    now >= over_at + Duration::days(retention_days.max(1))
}

/// What one purge deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    pub exam_code: String,
    pub roster_photos: usize,
    pub face_photos: usize,
    pub identity_photos: usize,
    pub evidence_frames: usize,
    pub recordings: usize,
    /// Files removed from blob storage (recording chunks counted one by one).
    pub files: usize,
    /// Files that could not be removed (left for the next run to report again).
    pub failed: usize,
}

impl PurgeReport {
    /// The audit log's line.
    pub fn detail(&self) -> String {
        format!(
            "exam {}: roster photos {}, face photos {}, identity photos {}, evidence frames {}, \
             recordings {}; files deleted {}, not deleted {}",
            self.exam_code,
            self.roster_photos,
            self.face_photos,
            self.identity_photos,
            self.evidence_frames,
            self.recordings,
            self.files,
            self.failed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_due_while_the_exam_can_run() {
        let start = DateTime::parse_from_rfc3339("2026-01-10T09:00:00Z").expect("t").to_utc();
        let over = exam_over_at(start, 120, 30);
        assert_eq!(over, start + Duration::minutes(150));
        assert!(!purge_due(over, 30, start + Duration::minutes(100)), "running");
        assert!(!purge_due(over, 30, over + Duration::days(29)));
        assert!(purge_due(over, 30, over + Duration::days(30)));
        assert!(!purge_due(over, 0, over + Duration::hours(23)), "at least a day");
        assert!(purge_due(over, 0, over + Duration::days(1)));
    }
}
