//! The proctor console's actions and what they leave behind: messages and warnings the
//! candidate must acknowledge, raised hands, extra time, forced submission, and the PC
//! page's browser events. Input rules are pure functions here; the server enforces them.
use super::error::{AppError, Field, ValidationCode};
use super::ids::{ExamId, RoomId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest message or warning, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1000;
/// Longest note or reason, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;
/// Most extra minutes one "add time" may grant.
pub const MAX_ADD_MINUTES: i64 = 240;

/// A message the candidate must acknowledge, or a warning (counted per candidate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Message,
    Warning,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Message => "message",
            MessageKind::Warning => "warning",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [MessageKind::Message, MessageKind::Warning].into_iter().find(|k| k.as_str() == s)
    }
}

/// Who a message went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", content = "id", rename_all = "snake_case")]
pub enum Audience {
    Candidate,
    Room(RoomId),
    Exam(ExamId),
}

/// A message as the candidate's page receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateMessage {
    pub id: i64,
    pub kind: MessageKind,
    pub body: String,
    pub sent_at: DateTime<Utc>,
}

/// A message as the proctor sees it: with its delivery and reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    pub id: i64,
    pub kind: MessageKind,
    pub body: String,
    pub audience: Audience,
    pub sent_by: String,
    pub sent_at: DateTime<Utc>,
    /// When a page of the candidate first received it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the candidate acknowledged it.
    pub read_at: Option<DateTime<Utc>>,
}

/// Where a message stands, as shown beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Sent,
    Delivered,
    Read,
}

impl MessageRecord {
    pub fn delivery(&self) -> Delivery {
        match (self.delivered_at, self.read_at) {
            (_, Some(_)) => Delivery::Read,
            (Some(_), None) => Delivery::Delivered,
            (None, None) => Delivery::Sent,
        }
    }
}

/// Why a proctor granted extra time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtraTimeReason {
    /// An approved accommodation.
    Accommodation,
    /// Time lost to technical trouble.
    Technical,
}

impl ExtraTimeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtraTimeReason::Accommodation => "accommodation",
            ExtraTimeReason::Technical => "technical",
        }
    }
}

/// A candidate's request for help, and when a proctor answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandRaise {
    pub id: i64,
    pub raised_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
}

/// What the PC page reports of its window during the exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrowserEvent {
    /// The exam page lost focus (another window or tab).
    WindowBlur,
    WindowFocus,
    FullscreenExit,
    FullscreenEnter,
}

impl BrowserEvent {
    /// Whether the candidate left the exam page (raises the automatic "left the page" flag);
    /// `false` when they came back (clears it).
    pub fn leaves_page(self) -> bool {
        matches!(self, BrowserEvent::WindowBlur | BrowserEvent::FullscreenExit)
    }
}

/// Something that happened to a candidate outside the phase history, for the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CandidateEvent {
    Login,
    Online {
        view: super::presence::View,
    },
    Offline {
        view: super::presence::View,
    },
    Browser {
        what: BrowserEvent,
    },
    TimeAdded {
        minutes: i64,
        reason: ExtraTimeReason,
    },
    /// A new sign-in (PC) or pairing (phone) ended the view's older session.
    SessionReplaced {
        view: super::presence::View,
    },
    /// The candidate's page was told something by the automatic watch.
    Prompted {
        what: Prompt,
    },
}

/// What the automatic watch tells a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prompt {
    /// "We cannot see your face."
    FaceNotSeen,
}

/// A trimmed, non-empty text of at most `max` characters, or a typed error for `field`.
pub fn required_text(field: Field, raw: &str, max: usize) -> Result<String, AppError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(AppError::Validation { field, code: ValidationCode::Required });
    }
    optional_text(field, t, max).map(|o| o.unwrap_or_default())
}

/// A trimmed text of at most `max` characters (`None` when blank).
pub fn optional_text(field: Field, raw: &str, max: usize) -> Result<Option<String>, AppError> {
    let t = raw.trim();
    if t.chars().count() > max {
        return Err(AppError::Validation { field, code: ValidationCode::TooLong });
    }
    Ok((!t.is_empty()).then(|| t.to_string()))
}

/// Extra minutes to grant: 1 to [`MAX_ADD_MINUTES`].
pub fn check_minutes(minutes: i64) -> Result<i64, AppError> {
    if minutes < 1 {
        return Err(AppError::Validation { field: Field::Minutes, code: ValidationCode::TooShort });
    }
    if minutes > MAX_ADD_MINUTES {
        return Err(AppError::Validation { field: Field::Minutes, code: ValidationCode::TooLong });
    }
    Ok(minutes)
}

/// The messages a page should show: those not acknowledged yet and not already on screen
/// or acknowledged on this device (`seen`), in the order sent. A reconnect re-sends every
/// unread message; this keeps each shown once.
pub fn to_show(
    incoming: &[CandidateMessage],
    seen: &std::collections::HashSet<i64>,
) -> Vec<CandidateMessage> {
    let mut out: Vec<CandidateMessage> =
        incoming.iter().filter(|m| !seen.contains(&m.id)).cloned().collect();
    out.sort_by_key(|m| (m.sent_at, m.id));
    out.dedup_by_key(|m| m.id);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn msg(id: i64, secs: i64) -> CandidateMessage {
        CandidateMessage {
            id,
            kind: MessageKind::Message,
            body: format!("m{id}"),
            sent_at: DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("ts"),
        }
    }

    #[test]
    fn texts_are_trimmed_required_and_bounded() {
        assert_eq!(required_text(Field::Message, "  hi ", 10), Ok("hi".into()));
        assert_eq!(
            required_text(Field::Message, "   ", 10),
            Err(AppError::Validation { field: Field::Message, code: ValidationCode::Required })
        );
        assert_eq!(
            required_text(Field::Reason, &"字".repeat(11), 10),
            Err(AppError::Validation { field: Field::Reason, code: ValidationCode::TooLong })
        );
        assert_eq!(required_text(Field::Reason, &"字".repeat(10), 10).map(|s| s.len()), Ok(30));
        assert_eq!(optional_text(Field::Note, " ", 10), Ok(None));
    }

    #[test]
    fn minutes_are_between_one_and_the_maximum() {
        assert!(check_minutes(0).is_err());
        assert!(check_minutes(-5).is_err());
        assert_eq!(check_minutes(15), Ok(15));
        assert!(check_minutes(MAX_ADD_MINUTES + 1).is_err());
    }

    #[test]
    fn a_redelivered_message_is_shown_once_in_the_order_sent() {
        let seen: HashSet<i64> = [1].into_iter().collect();
        let shown = to_show(&[msg(3, 30), msg(1, 10), msg(2, 20), msg(3, 30)], &seen);
        assert_eq!(shown.iter().map(|m| m.id).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn delivery_follows_the_timestamps() {
        let mut r = MessageRecord {
            id: 1,
            kind: MessageKind::Warning,
            body: "b".into(),
            audience: Audience::Candidate,
            sent_by: "p".into(),
            sent_at: Utc::now(),
            delivered_at: None,
            read_at: None,
        };
        assert_eq!(r.delivery(), Delivery::Sent);
        r.delivered_at = Some(Utc::now());
        assert_eq!(r.delivery(), Delivery::Delivered);
        r.read_at = Some(Utc::now());
        assert_eq!(r.delivery(), Delivery::Read);
        assert!(BrowserEvent::WindowBlur.leaves_page());
        assert!(!BrowserEvent::FullscreenEnter.leaves_page());
    }
}
