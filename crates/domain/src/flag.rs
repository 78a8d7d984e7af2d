//! Flags on a candidate. Automatic ones are raised by the camera checks (a view black,
//! frozen or lost), the face checks (no face, several faces, a different person), the PC
//! page (the candidate left the exam page, sound in the room), and cleared when
//! the cause goes; manual ones are raised by a proctor with a category and a note. Any open
//! flag can be resolved or dismissed by a proctor with a note.
use super::camera::CameraProblem;
use super::presence::View;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    PcBlack,
    PhoneBlack,
    PcFrozen,
    PhoneFrozen,
    /// The phone (second view) disconnected during the exam.
    PhoneLost,
    /// The PC page lost focus or left full screen during the exam (reported by the page).
    PageLeft,
    /// An admin rejected the candidate's verification.
    VerificationRejected,
    /// The face on the PC camera is not the verified candidate's (the face checks).
    FaceMismatch,
    // Proctors' categories.
    FaceAbsent,
    AnotherPerson,
    Material,
    Noise,
    LeftSeat,
    SecondViewWrong,
    Other,
}

/// How much a flag needs a proctor's attention (higher first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

impl FlagKind {
    pub const ALL: [FlagKind; 15] = [
        FlagKind::PcBlack,
        FlagKind::PhoneBlack,
        FlagKind::PcFrozen,
        FlagKind::PhoneFrozen,
        FlagKind::PhoneLost,
        FlagKind::PageLeft,
        FlagKind::VerificationRejected,
        FlagKind::FaceMismatch,
        FlagKind::FaceAbsent,
        FlagKind::AnotherPerson,
        FlagKind::Material,
        FlagKind::Noise,
        FlagKind::LeftSeat,
        FlagKind::SecondViewWrong,
        FlagKind::Other,
    ];

    /// The categories a proctor picks from: the last seven of [`FlagKind::ALL`].
    pub const MANUAL: &'static [FlagKind] = Self::ALL.split_at(8).1;

    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::PcBlack => "pc_black",
            FlagKind::PhoneBlack => "phone_black",
            FlagKind::PcFrozen => "pc_frozen",
            FlagKind::PhoneFrozen => "phone_frozen",
            FlagKind::PhoneLost => "phone_lost",
            FlagKind::PageLeft => "page_left",
            FlagKind::VerificationRejected => "verification_rejected",
            FlagKind::FaceMismatch => "face_mismatch",
            FlagKind::FaceAbsent => "face_absent",
            FlagKind::AnotherPerson => "another_person",
            FlagKind::Material => "material",
            FlagKind::Noise => "noise",
            FlagKind::LeftSeat => "left_seat",
            FlagKind::SecondViewWrong => "second_view_wrong",
            FlagKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<FlagKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether a proctor may raise this kind by hand.
    pub fn is_manual(self) -> bool {
        Self::MANUAL.contains(&self)
    }

    pub fn severity(self) -> Severity {
        match self {
            FlagKind::AnotherPerson
            | FlagKind::Material
            | FlagKind::FaceAbsent
            | FlagKind::FaceMismatch
            | FlagKind::VerificationRejected => Severity::High,
            FlagKind::LeftSeat
            | FlagKind::SecondViewWrong
            | FlagKind::PhoneLost
            | FlagKind::PcBlack
            | FlagKind::PcFrozen
            | FlagKind::PageLeft => Severity::Medium,
            FlagKind::PhoneBlack | FlagKind::PhoneFrozen | FlagKind::Noise | FlagKind::Other => {
                Severity::Low
            }
        }
    }

    /// The flag for a view's camera problem.
    pub fn for_problem(view: View, problem: CameraProblem) -> FlagKind {
        match (view, problem) {
            (View::Pc, CameraProblem::Black) => FlagKind::PcBlack,
            (View::Phone, CameraProblem::Black) => FlagKind::PhoneBlack,
            (View::Pc, CameraProblem::Frozen) => FlagKind::PcFrozen,
            (View::Phone, CameraProblem::Frozen) => FlagKind::PhoneFrozen,
        }
    }

    /// Both problem flags of a view (to clear whichever is open).
    pub fn problems_of(view: View) -> [FlagKind; 2] {
        [
            Self::for_problem(view, CameraProblem::Black),
            Self::for_problem(view, CameraProblem::Frozen),
        ]
    }
}

/// How a proctor closed a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagResolution {
    /// It happened and was dealt with.
    Resolved,
    /// A false alarm.
    Dismissed,
}

impl FlagResolution {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagResolution::Resolved => "resolved",
            FlagResolution::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<FlagResolution> {
        [FlagResolution::Resolved, FlagResolution::Dismissed].into_iter().find(|r| r.as_str() == s)
    }
}

/// An open flag as a tile shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenFlag {
    pub id: i64,
    pub kind: FlagKind,
    pub automatic: bool,
    pub raised_at: DateTime<Utc>,
}

/// A flag with its whole story, for the candidate's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagRecord {
    pub id: i64,
    pub kind: FlagKind,
    pub automatic: bool,
    pub note: Option<String>,
    /// The proctor who raised it (`None` for automatic flags).
    pub raised_by: Option<String>,
    pub raised_at: DateTime<Utc>,
    pub cleared_at: Option<DateTime<Utc>>,
    pub resolution: Option<FlagResolution>,
    pub resolution_note: Option<String>,
    pub resolved_by: Option<String>,
}

/// What a tile shows of its open flags: how many, the most severe, the latest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagSummary {
    pub count: usize,
    pub worst: FlagKind,
    pub latest: FlagKind,
}

/// Summarises open flags (`None` when there are none). Ties in severity go to the latest.
pub fn summarise(flags: &[OpenFlag]) -> Option<FlagSummary> {
    let latest = flags.iter().max_by_key(|f| f.raised_at)?;
    let worst = flags.iter().max_by_key(|f| (f.kind.severity(), f.raised_at))?;
    Some(FlagSummary { count: flags.len(), worst: worst.kind, latest: latest.kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(id: i64, kind: FlagKind, secs: i64) -> OpenFlag {
        let at = DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("ts");
        OpenFlag { id, kind, automatic: !kind.is_manual(), raised_at: at }
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in FlagKind::ALL {
            assert_eq!(FlagKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(FlagKind::parse("nope"), None);
        assert_eq!(FlagKind::for_problem(View::Phone, CameraProblem::Black), FlagKind::PhoneBlack);
        assert_eq!(FlagKind::problems_of(View::Pc), [FlagKind::PcBlack, FlagKind::PcFrozen]);
        assert!(FlagKind::Material.is_manual());
        assert!(!FlagKind::PhoneLost.is_manual());
        assert_eq!(FlagResolution::parse("dismissed"), Some(FlagResolution::Dismissed));
    }

    #[test]
    fn a_summary_counts_and_names_the_worst_and_the_latest() {
        assert_eq!(summarise(&[]), None);
        let flags = [
            open(1, FlagKind::Noise, 0),
            open(2, FlagKind::AnotherPerson, 10),
            open(3, FlagKind::PhoneLost, 20),
        ];
        let s = summarise(&flags).expect("some");
        assert_eq!(s.count, 3);
        assert_eq!(s.worst, FlagKind::AnotherPerson);
        assert_eq!(s.latest, FlagKind::PhoneLost);
    }
}
