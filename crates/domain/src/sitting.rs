//! What the exam screen exchanges with the server: the paper with the saved answers, answer
//! saves (batched, versioned, idempotent) and their acknowledgements.
use super::answer::Answer;
use super::exam::ExamTimes;
use super::paper::Paper;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Most answers one save request may carry.
pub const MAX_SAVES_PER_REQUEST: usize = 200;

/// How far ahead of the server's clock an answer's version may be, in ms. Versions are the
/// page's server-aligned clock in ms, so an honest page is never near it; a version far in the
/// future (which would make every later save look stale) is refused instead.
pub const MAX_VERSION_AHEAD_MS: i64 = 60_000;

/// Whether a save's `version` may be stored at `server_now`: not beyond the server's clock
/// plus [`MAX_VERSION_AHEAD_MS`], and not zero.
pub fn version_allowed(version: u64, server_now: DateTime<Utc>) -> bool {
    let limit = server_now.timestamp_millis().saturating_add(MAX_VERSION_AHEAD_MS);
    version > 0 && i64::try_from(version).is_ok_and(|v| v <= limit)
}

/// The version for an edit: the page's server-aligned clock, above the question's last one.
pub fn next_version(server_now_ms: i64, last: u64) -> u64 {
    u64::try_from(server_now_ms.max(0)).unwrap_or(0).max(last + 1)
}

/// One answer as the browser saves it: `version` is the page's server-aligned clock in ms
/// when the answer was given (see [`next_version`]); it only grows per question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerSave {
    pub question_id: String,
    pub answer: Answer,
    pub version: u64,
}

/// The server's acknowledgement: the version now stored for the question. Equal to the sent
/// version when applied or already stored; larger when a newer save had arrived first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerAck {
    pub question_id: String,
    pub stored_version: u64,
}

/// The exam screen's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamSheet {
    pub paper: Paper,
    pub answers: Vec<AnswerSave>,
    pub times: ExamTimes,
    pub server_time: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_bounded_by_the_servers_clock() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("ts");
        let ms = now.timestamp_millis();
        assert!(version_allowed(ms as u64, now));
        assert!(version_allowed((ms + MAX_VERSION_AHEAD_MS) as u64, now));
        assert!(!version_allowed((ms + MAX_VERSION_AHEAD_MS + 1) as u64, now));
        assert!(!version_allowed(i64::MAX as u64, now));
        assert!(!version_allowed(u64::MAX, now));
        assert!(!version_allowed(0, now));
        assert!(version_allowed(1, now), "old small versions stay valid");
    }

    #[test]
    fn the_next_version_follows_the_clock_and_always_grows() {
        assert_eq!(next_version(5_000, 10), 5_000);
        assert_eq!(next_version(5_000, 5_000), 5_001);
        assert_eq!(next_version(-1, 0), 1);
    }
}
