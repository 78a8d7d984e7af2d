//! Flags on a candidate: raised automatically by the camera checks (a view black, frozen or
//! lost) and cleared when the view recovers. Stored with the time raised and cleared.
use super::camera::CameraProblem;
use super::presence::View;
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
}

impl FlagKind {
    pub const ALL: [FlagKind; 5] = [
        FlagKind::PcBlack,
        FlagKind::PhoneBlack,
        FlagKind::PcFrozen,
        FlagKind::PhoneFrozen,
        FlagKind::PhoneLost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::PcBlack => "pc_black",
            FlagKind::PhoneBlack => "phone_black",
            FlagKind::PcFrozen => "pc_frozen",
            FlagKind::PhoneFrozen => "phone_frozen",
            FlagKind::PhoneLost => "phone_lost",
        }
    }

    pub fn parse(s: &str) -> Option<FlagKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in FlagKind::ALL {
            assert_eq!(FlagKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(FlagKind::parse("nope"), None);
        assert_eq!(FlagKind::for_problem(View::Phone, CameraProblem::Black), FlagKind::PhoneBlack);
        assert_eq!(FlagKind::problems_of(View::Pc), [FlagKind::PcBlack, FlagKind::PcFrozen]);
    }
}
