//! The verification review queue: an admin approves or rejects a candidate whose automatic
//! face verification failed. Pure rules: what a decision does to the status, the note.
use super::journey::Verification;
use super::{CandidateId, ExamId, Phase, RoomId, ValidationCode, VerificationStatus};
use serde::{Deserialize, Serialize};

/// Longest review note, in characters.
pub const MAX_REVIEW_NOTE_CHARS: usize = 1000;

/// An admin's decision on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Approve,
    Reject,
}

impl ReviewDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
        }
    }

    /// The verification status the decision leaves.
    pub fn status(self) -> VerificationStatus {
        match self {
            Self::Approve => VerificationStatus::Approved,
            Self::Reject => VerificationStatus::Rejected,
        }
    }
}

/// Only a pending case can be decided (a second admin's decision on the same case is refused).
pub fn may_decide(current: VerificationStatus) -> bool {
    current == VerificationStatus::PendingReview
}

/// The note, trimmed: optional (a decision is one keypress), at most `MAX_REVIEW_NOTE_CHARS`.
pub fn check_note(note: &str) -> Result<String, ValidationCode> {
    let note = note.trim();
    if note.chars().count() > MAX_REVIEW_NOTE_CHARS {
        return Err(ValidationCode::TooLong);
    }
    Ok(note.to_string())
}

/// One case in the queue: who, where, and everything the reviewer compares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewCase {
    pub candidate: CandidateId,
    pub exam_id: ExamId,
    pub exam_code: String,
    pub room_id: RoomId,
    pub room: String,
    pub ticket: String,
    pub name: String,
    pub id_card: String,
    pub phase: Phase,
    /// The candidate reported "my record is wrong".
    pub record_disputed: bool,
    pub verification: Verification,
}

/// What a decision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewOutcome {
    pub status: VerificationStatus,
    /// The rejection ended the candidate's attempt (the exam's setting).
    pub ended_attempt: bool,
    /// Cases still waiting.
    pub remaining: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pending_cases_are_decided() {
        assert!(may_decide(VerificationStatus::PendingReview));
        for s in [
            VerificationStatus::NotStarted,
            VerificationStatus::Passed,
            VerificationStatus::Approved,
            VerificationStatus::Rejected,
        ] {
            assert!(!may_decide(s));
        }
        assert_eq!(ReviewDecision::Approve.status(), VerificationStatus::Approved);
        assert_eq!(ReviewDecision::Reject.status(), VerificationStatus::Rejected);
    }

    #[test]
    fn the_note_is_optional_and_bounded() {
        assert_eq!(check_note("  "), Ok(String::new()));
        assert_eq!(check_note(" not the same person "), Ok("not the same person".into()));
        let long = "x".repeat(MAX_REVIEW_NOTE_CHARS + 1);
        assert_eq!(check_note(&long), Err(ValidationCode::TooLong));
    }
}
