//! Candidates: the roster record, the admission ticket number, verification status and the
//! tile a proctor sees.
use super::error::ValidationCode;
use super::ids::{CandidateId, ExamId, RoomId};
use super::phase::Phase;
use super::presence::ViewPresence;
use serde::{Deserialize, Serialize};

/// An admission ticket number: trimmed, case-insensitive (stored upper-case), 4 to 32
/// letters, digits or dashes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TicketNumber(String);

impl TicketNumber {
    pub fn parse(raw: &str) -> Result<Self, ValidationCode> {
        let t = raw.trim().to_ascii_uppercase();
        if t.is_empty() {
            return Err(ValidationCode::Required);
        }
        let ok_chars = t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if t.len() < 4 || t.len() > 32 || !ok_chars {
            return Err(ValidationCode::BadFormat);
        }
        Ok(Self(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Result of identity verification, kept apart from the phase: a failed automatic check
/// lets the candidate go on and queues an admin review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    NotStarted,
    Passed,
    PendingReview,
    Approved,
    Rejected,
}

impl VerificationStatus {
    pub const ALL: [VerificationStatus; 5] =
        [Self::NotStarted, Self::Passed, Self::PendingReview, Self::Approved, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Passed => "passed",
            Self::PendingReview => "pending_review",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether a proctor should see a warning flag on the tile.
    pub fn needs_attention(self) -> bool {
        matches!(self, Self::PendingReview | Self::Rejected)
    }
}

/// A rostered candidate as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: CandidateId,
    pub exam_id: ExamId,
    pub room_id: RoomId,
    pub ticket: TicketNumber,
    pub name: String,
    pub id_card: String,
    pub has_photo: bool,
    pub phase: Phase,
    pub verification: VerificationStatus,
    pub extra_minutes: i64,
    /// The device check's summary: `None` before a report, then whether every item passed.
    pub device_check: Option<bool>,
    /// The candidate reported "my record is wrong".
    pub record_disputed: bool,
}

/// What a logged-in candidate sees of their own record (the seed's "check your info").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateSelf {
    pub id: CandidateId,
    pub exam_code: String,
    pub exam_title: String,
    pub ticket: String,
    pub name: String,
    /// The ID card number with all but the last four characters masked.
    pub id_card_masked: String,
    pub has_photo: bool,
    pub phase: Phase,
}

impl CandidateSelf {
    /// What the candidate `c` of `exam` sees of their own record.
    pub fn of(c: &Candidate, exam: &super::exam::Exam) -> Self {
        CandidateSelf {
            id: c.id,
            exam_code: exam.code.to_string(),
            exam_title: exam.title.clone(),
            ticket: c.ticket.to_string(),
            name: c.name.clone(),
            id_card_masked: mask_id_card(&c.id_card),
            has_photo: c.has_photo,
            phase: c.phase,
        }
    }
}

/// Masks an ID card number for display: all but the last four characters become `*`.
pub fn mask_id_card(id_card: &str) -> String {
    let n = id_card.chars().count();
    id_card.chars().enumerate().map(|(i, c)| if i + 4 < n { '*' } else { c }).collect()
}

/// One candidate as a proctor's grid shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateTile {
    pub id: CandidateId,
    pub name: String,
    pub ticket: String,
    pub phase: Phase,
    pub verification: VerificationStatus,
    /// `None` before the device check, then whether every item passed.
    pub device_check: Option<bool>,
    pub pc: ViewPresence,
    pub phone: ViewPresence,
    /// Open flags, automatic and manual.
    #[serde(default)]
    pub flags: Vec<super::flag::OpenFlag>,
    /// Questions with a saved answer.
    #[serde(default)]
    pub answered: u32,
    /// The candidate's own deadline (extra time included).
    #[serde(default)]
    pub deadline: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    pub extra_minutes: i64,
    /// Warnings given so far.
    #[serde(default)]
    pub warnings: u32,
    /// Messages and warnings not acknowledged yet.
    #[serde(default)]
    pub unread: u32,
    /// The candidate asked for help and no proctor has answered yet.
    #[serde(default)]
    pub hand_raised: bool,
    /// How often a new sign-in or pairing ended an older session of the candidate.
    #[serde(default)]
    pub sessions_replaced: u32,
    /// The integrity score, 0–100 (`domain::integrity`), as of the last change.
    #[serde(default = "full_score")]
    pub integrity: u8,
}

fn full_score() -> u8 {
    100
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_is_trimmed_and_case_insensitive() {
        let a = TicketNumber::parse("  t2026-0001 ").expect("ok");
        let b = TicketNumber::parse("T2026-0001").expect("ok");
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "T2026-0001");
    }

    #[test]
    fn ticket_rejects_blank_short_and_odd_characters() {
        assert_eq!(TicketNumber::parse(""), Err(ValidationCode::Required));
        assert_eq!(TicketNumber::parse("abc"), Err(ValidationCode::BadFormat));
        assert_eq!(TicketNumber::parse("12 34 56"), Err(ValidationCode::BadFormat));
        assert_eq!(TicketNumber::parse(&"9".repeat(33)), Err(ValidationCode::BadFormat));
    }

    #[test]
    fn id_card_is_masked_but_the_last_four() {
        assert_eq!(mask_id_card("110101199003071234"), "**************1234");
        assert_eq!(mask_id_card("123"), "123");
    }

    #[test]
    fn verification_text_round_trips_and_flags_attention() {
        for v in VerificationStatus::ALL {
            assert_eq!(VerificationStatus::parse(v.as_str()), Some(v));
        }
        assert!(VerificationStatus::PendingReview.needs_attention());
        assert!(!VerificationStatus::Passed.needs_attention());
    }
}
