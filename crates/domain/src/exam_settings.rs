//! An exam's settings as an administrator edits them, and the rules they must satisfy.
use super::camera::{CameraProfile, CameraSettings};
use super::retention::DEFAULT_RETENTION_DAYS;
use super::{ExamCode, ExamId, Field, ValidationCode};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_INSTRUCTIONS_CHARS: usize = 20_000;
pub const MAX_DURATION_MIN: i64 = 24 * 60;
pub const MAX_RETENTION_DAYS: i64 = 3650;

/// Everything an administrator sets on an exam.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamSettings {
    pub code: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_min: i64,
    pub earliest_submit_min: i64,
    /// Candidates may sign in until this many minutes after the start.
    pub late_entry_min: i64,
    /// Shown before the exam (Markdown: paragraphs, lists, emphasis; no HTML).
    pub instructions: String,
    /// The same in Simplified Chinese; candidates read the text in their page's language.
    #[serde(default)]
    pub instructions_zh: String,
    pub face_match_below: f32,
    pub face_review_below: f32,
    pub face_max_attempts: u32,
    pub camera: CameraSettings,
    pub retention_days: i64,
    /// Rejecting a verification also ends the candidate's attempt.
    pub reject_ends_attempt: bool,
    /// What candidates give to sign in besides the ticket number.
    #[serde(default)]
    pub sign_in: super::signin::SignInMode,
}

impl ExamSettings {
    /// A new exam's settings: 120 minutes, submit after 30, 15 minutes' late entry.
    pub fn new_exam(starts_at: DateTime<Utc>) -> Self {
        Self {
            code: String::new(),
            title: String::new(),
            starts_at,
            duration_min: 120,
            earliest_submit_min: 30,
            late_entry_min: 15,
            instructions: String::new(),
            instructions_zh: String::new(),
            face_match_below: 0.5,
            face_review_below: 0.65,
            face_max_attempts: 3,
            camera: CameraSettings::default(),
            retention_days: DEFAULT_RETENTION_DAYS,
            reject_ends_attempt: false,
            sign_in: super::signin::SignInMode::Ticket,
        }
    }

    /// The end of the sitting without extra time.
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at + Duration::minutes(self.duration_min)
    }
}

/// An exam in the administrators' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamSummary {
    pub id: ExamId,
    pub code: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub duration_min: i64,
    pub candidates: i64,
    pub rooms: Vec<(super::RoomId, String, i64)>,
    pub archived: bool,
}

fn bad(field: Field, code: ValidationCode) -> (Field, ValidationCode) {
    (field, code)
}

fn profile_ok(p: &CameraProfile) -> bool {
    (160..=1280).contains(&p.width)
        && (120..=960).contains(&p.height)
        && (100..=60_000).contains(&p.interval_ms)
        && (0.3..=0.95).contains(&p.quality)
}

/// Checks and normalises the settings (code upper-case, title trimmed); the first problem
/// found is returned.
pub fn check(s: &ExamSettings) -> Result<ExamSettings, (Field, ValidationCode)> {
    let code = ExamCode::parse(&s.code).map_err(|c| bad(Field::ExamCode, c))?;
    let title = s.title.trim().to_string();
    if title.is_empty() {
        return Err(bad(Field::Title, ValidationCode::Required));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(bad(Field::Title, ValidationCode::TooLong));
    }
    if !(1..=MAX_DURATION_MIN).contains(&s.duration_min) {
        return Err(bad(Field::Duration, ValidationCode::BadFormat));
    }
    if !(0..=s.duration_min).contains(&s.earliest_submit_min) {
        return Err(bad(Field::EarliestSubmit, ValidationCode::BadFormat));
    }
    if !(0..=s.duration_min).contains(&s.late_entry_min) {
        return Err(bad(Field::LateEntry, ValidationCode::BadFormat));
    }
    if s.instructions.chars().count() > MAX_INSTRUCTIONS_CHARS {
        return Err(bad(Field::Instructions, ValidationCode::TooLong));
    }
    if s.instructions_zh.chars().count() > MAX_INSTRUCTIONS_CHARS {
        return Err(bad(Field::InstructionsZh, ValidationCode::TooLong));
    }
    let (m, r) = (s.face_match_below, s.face_review_below);
    if !(m > 0.0 && m <= r && r <= 1.0) {
        return Err(bad(Field::Threshold, ValidationCode::BadFormat));
    }
    if !(1..=10).contains(&s.face_max_attempts) {
        return Err(bad(Field::Attempts, ValidationCode::BadFormat));
    }
    let c = &s.camera;
    if !profile_ok(&c.grid) || !profile_ok(&c.focus) || c.focus.interval_ms > c.grid.interval_ms {
        return Err(bad(Field::Camera, ValidationCode::BadFormat));
    }
    if !(5..=3600).contains(&c.sample_secs) {
        return Err(bad(Field::Sampling, ValidationCode::BadFormat));
    }
    if !c.watch.validate() {
        return Err(bad(Field::Watch, ValidationCode::BadFormat));
    }
    if !(1..=MAX_RETENTION_DAYS).contains(&s.retention_days) {
        return Err(bad(Field::Retention, ValidationCode::BadFormat));
    }
    Ok(ExamSettings { code: code.as_str().to_string(), title, ..s.clone() })
}

/// Whether the exam is under way at `now` (started, and its last deadline with `max_extra`
/// minutes of extra time not passed).
pub fn is_running(
    starts_at: DateTime<Utc>,
    duration_min: i64,
    max_extra: i64,
    now: DateTime<Utc>,
) -> bool {
    now >= starts_at && now < super::retention::exam_over_at(starts_at, duration_min, max_extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ExamSettings {
        let at = DateTime::parse_from_rfc3339("2026-12-01T01:00:00Z").expect("t").to_utc();
        ExamSettings {
            code: " math01 ".into(),
            title: " Calculus ".into(),
            ..ExamSettings::new_exam(at)
        }
    }

    #[test]
    fn good_settings_are_normalised() {
        let s = check(&good()).expect("valid");
        assert_eq!((s.code.as_str(), s.title.as_str()), ("MATH01", "Calculus"));
        assert_eq!(s.ends_at() - s.starts_at, Duration::minutes(120));
    }

    #[test]
    fn each_rule_names_its_field() {
        use ValidationCode::*;
        let cases: Vec<(ExamSettings, (Field, ValidationCode))> = vec![
            (ExamSettings { code: "".into(), ..good() }, (Field::ExamCode, Required)),
            (ExamSettings { title: " ".into(), ..good() }, (Field::Title, Required)),
            (ExamSettings { duration_min: 0, ..good() }, (Field::Duration, BadFormat)),
            (
                ExamSettings { earliest_submit_min: 121, ..good() },
                (Field::EarliestSubmit, BadFormat),
            ),
            (ExamSettings { late_entry_min: -1, ..good() }, (Field::LateEntry, BadFormat)),
            (ExamSettings { face_match_below: 0.7, ..good() }, (Field::Threshold, BadFormat)),
            (ExamSettings { face_max_attempts: 0, ..good() }, (Field::Attempts, BadFormat)),
            (ExamSettings { retention_days: 0, ..good() }, (Field::Retention, BadFormat)),
            (
                ExamSettings { instructions: "x".repeat(MAX_INSTRUCTIONS_CHARS + 1), ..good() },
                (Field::Instructions, TooLong),
            ),
            (
                ExamSettings {
                    instructions_zh: "字".repeat(MAX_INSTRUCTIONS_CHARS + 1), ..good()
                },
                (Field::InstructionsZh, TooLong),
            ),
        ];
        for (s, want) in cases {
            assert_eq!(check(&s).err(), Some(want));
        }
        let mut s = good();
        s.camera.focus.interval_ms = s.camera.grid.interval_ms + 1;
        assert_eq!(check(&s).err(), Some((Field::Camera, BadFormat)));
        let mut s = good();
        s.camera.sample_secs = 1;
        assert_eq!(check(&s).err(), Some((Field::Sampling, BadFormat)));
        let mut s = good();
        s.camera.watch.check_secs = 0;
        assert_eq!(check(&s).err(), Some((Field::Watch, BadFormat)));
    }

    #[test]
    fn running_means_started_and_not_over() {
        let s = good();
        assert!(!is_running(s.starts_at, 120, 0, s.starts_at - Duration::seconds(1)));
        assert!(is_running(s.starts_at, 120, 0, s.starts_at));
        assert!(!is_running(s.starts_at, 120, 0, s.ends_at()));
        assert!(is_running(s.starts_at, 120, 10, s.ends_at()));
    }
}
