//! Exams: the typeable exam code and the timing rules (start, earliest submit, deadline,
//! late-entry cut-off), all computed from the stored exam and the server's clock.
use super::error::{Field, ValidationCode};
use super::face::FaceThresholds;
use super::ids::ExamId;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Default exam length in minutes (the seed's two hours).
pub const DEFAULT_DURATION_MIN: i64 = 120;
/// Default earliest self-submit, minutes after the start (the seed's 30 minutes).
pub const DEFAULT_EARLIEST_SUBMIT_MIN: i64 = 30;
/// Default late-entry cut-off, minutes after the start.
pub const DEFAULT_LATE_ENTRY_MIN: i64 = 15;
/// Default face verification attempts per view.
pub const DEFAULT_FACE_ATTEMPTS: u32 = 3;

/// A short code candidates type to find their exam: 4 to 12 letters or digits,
/// trimmed and compared case-insensitively (stored upper-case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExamCode(String);

impl ExamCode {
    /// Parses what a person typed.
    pub fn parse(raw: &str) -> Result<Self, ValidationCode> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(ValidationCode::Required);
        }
        if code.len() < 4 || code.len() > 12 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ValidationCode::BadFormat);
        }
        Ok(Self(code))
    }

    /// The field this value belongs to, for error reporting.
    pub const FIELD: Field = Field::ExamCode;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ExamCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which of an exam's two instruction texts a candidate reads: the one in the page's
/// language (`chinese`), else the other, so an exam that gives one text shows it to everyone.
pub fn instructions_in<'a>(chinese: bool, en: &'a str, zh: &'a str) -> &'a str {
    let (mine, other) = if chinese { (zh, en) } else { (en, zh) };
    if mine.trim().is_empty() { other } else { mine }
}

/// A stored exam.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exam {
    pub id: ExamId,
    pub code: ExamCode,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_min: i64,
    pub earliest_submit_min: i64,
    pub late_entry_min: i64,
    /// Candidate instructions, shown before the exam (Markdown): in English, or the only text.
    pub instructions: String,
    /// The same in Simplified Chinese (empty when the exam gives one text only).
    #[serde(default)]
    pub instructions_zh: String,
    /// Face verification thresholds for this exam.
    pub face: FaceThresholds,
    /// Face verification attempts per view before the candidate may go on for review.
    pub face_max_attempts: u32,
    /// What candidates give to sign in besides the ticket number.
    #[serde(default)]
    pub sign_in: super::signin::SignInMode,
}

/// The instants that govern one candidate's sitting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamTimes {
    pub starts_at: DateTime<Utc>,
    pub earliest_submit_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub late_entry_until: DateTime<Utc>,
}

impl Exam {
    /// Timing for a candidate with `extra_minutes` of granted extra time (never negative).
    pub fn times(&self, extra_minutes: i64) -> ExamTimes {
        let extra = extra_minutes.max(0);
        ExamTimes {
            starts_at: self.starts_at,
            earliest_submit_at: self.starts_at + Duration::minutes(self.earliest_submit_min),
            deadline: self.starts_at + Duration::minutes(self.duration_min + extra),
            late_entry_until: self.starts_at + Duration::minutes(self.late_entry_min),
        }
    }
}

impl ExamTimes {
    pub fn has_started(&self, now: DateTime<Utc>) -> bool {
        now >= self.starts_at
    }
    pub fn may_self_submit(&self, now: DateTime<Utc>) -> bool {
        now >= self.earliest_submit_at
    }
    pub fn is_over(&self, now: DateTime<Utc>) -> bool {
        now >= self.deadline
    }
    pub fn entry_closed(&self, now: DateTime<Utc>) -> bool {
        now > self.late_entry_until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_read_the_instructions_in_their_language_or_the_only_ones_given() {
        assert_eq!(instructions_in(false, "Sit alone.", "独自考试。"), "Sit alone.");
        assert_eq!(instructions_in(true, "Sit alone.", "独自考试。"), "独自考试。");
        assert_eq!(instructions_in(true, "Sit alone.", " \n"), "Sit alone.");
        assert_eq!(instructions_in(false, "", "独自考试。"), "独自考试。");
        assert_eq!(instructions_in(false, "", ""), "");
    }

    fn exam() -> Exam {
        Exam {
            id: ExamId(1),
            code: ExamCode::parse("demo01").expect("valid"),
            title: "English".into(),
            starts_at: DateTime::from_timestamp(1_800_000_000, 0).expect("ts"),
            duration_min: DEFAULT_DURATION_MIN,
            earliest_submit_min: DEFAULT_EARLIEST_SUBMIT_MIN,
            late_entry_min: DEFAULT_LATE_ENTRY_MIN,
            instructions: String::new(),
            instructions_zh: String::new(),
            face: FaceThresholds::default(),
            face_max_attempts: DEFAULT_FACE_ATTEMPTS,
            sign_in: Default::default(),
        }
    }

    #[test]
    fn exam_code_is_trimmed_and_upper_cased() {
        assert_eq!(ExamCode::parse("  demo01 ").expect("ok").as_str(), "DEMO01");
    }

    #[test]
    fn exam_code_rejects_empty_short_long_and_symbols() {
        assert_eq!(ExamCode::parse("   "), Err(ValidationCode::Required));
        assert_eq!(ExamCode::parse("ab1"), Err(ValidationCode::BadFormat));
        assert_eq!(ExamCode::parse("ABCDEFGHIJKLM"), Err(ValidationCode::BadFormat));
        assert_eq!(ExamCode::parse("DEMO-1"), Err(ValidationCode::BadFormat));
    }

    #[test]
    fn times_follow_the_seed_rules() {
        let e = exam();
        let t = e.times(0);
        assert_eq!(t.earliest_submit_at - t.starts_at, Duration::minutes(30));
        assert_eq!(t.deadline - t.starts_at, Duration::minutes(120));
        assert!(!t.may_self_submit(t.starts_at + Duration::minutes(29)));
        assert!(t.may_self_submit(t.starts_at + Duration::minutes(30)));
        assert!(!t.is_over(t.deadline - Duration::seconds(1)));
        assert!(t.is_over(t.deadline));
    }

    #[test]
    fn extra_time_moves_only_the_deadline_and_never_shortens() {
        let e = exam();
        assert_eq!(e.times(10).deadline, e.times(0).deadline + Duration::minutes(10));
        assert_eq!(e.times(10).earliest_submit_at, e.times(0).earliest_submit_at);
        assert_eq!(e.times(-5).deadline, e.times(0).deadline);
    }

    #[test]
    fn late_entry_closes_after_the_cut_off() {
        let t = exam().times(0);
        assert!(!t.entry_closed(t.late_entry_until));
        assert!(t.entry_closed(t.late_entry_until + Duration::seconds(1)));
    }
}
