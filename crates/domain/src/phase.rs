//! The candidate phase: the seed procedure's steps as one enum with one pure transition
//! function. Presence and verification are kept elsewhere; this is only "where in the
//! procedure is the candidate".
use super::exam::ExamTimes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a sitting ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmitKind {
    /// The candidate pressed Submit (allowed from the earliest-submit time).
    SelfSubmitted,
    /// The server submitted at the deadline.
    Auto,
    /// A proctor force-submitted.
    Forced,
}

/// Where a candidate stands in the seed procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "phase", content = "kind", rename_all = "snake_case")]
pub enum Phase {
    Rostered,
    LoggedIn,
    IdentityConfirmed,
    FaceVerified,
    DevicesChecked,
    FirstViewOn,
    SecondViewOn,
    InstructionsRead,
    InExam,
    Submitted(SubmitKind),
}

/// What a candidate (or the server, or a proctor) asks of the phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseCommand {
    LogIn,
    ConfirmIdentity,
    FinishFaceCheck,
    FinishDeviceCheck,
    StartFirstView,
    StartSecondView,
    AcknowledgeInstructions,
    StartExam,
    Submit(SubmitKind),
}

/// Why a command was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum TransitionError {
    #[error("{command:?} is not allowed in phase {from:?}")]
    OutOfOrder { from: Phase, command: PhaseCommand },
    #[error("the sitting is already submitted")]
    AlreadySubmitted,
    #[error("late entry is closed")]
    EntryClosed,
    #[error("the exam has not started yet")]
    NotStarted,
    #[error("submitting is not allowed yet")]
    SubmitTooEarly,
    #[error("the deadline has not passed")]
    DeadlineNotReached,
    #[error("the time is up: nothing more is taken")]
    DeadlinePassed,
}

/// All phases, in procedure order (for tests, filters and displays).
pub const ALL_PHASES: [Phase; 12] = [
    Phase::Rostered,
    Phase::LoggedIn,
    Phase::IdentityConfirmed,
    Phase::FaceVerified,
    Phase::DevicesChecked,
    Phase::FirstViewOn,
    Phase::SecondViewOn,
    Phase::InstructionsRead,
    Phase::InExam,
    Phase::Submitted(SubmitKind::SelfSubmitted),
    Phase::Submitted(SubmitKind::Auto),
    Phase::Submitted(SubmitKind::Forced),
];

impl PhaseCommand {
    /// Whether a candidate may send this command themselves (the deadline and proctors
    /// submit the other ways).
    pub fn allowed_for_candidate(self) -> bool {
        !matches!(self, PhaseCommand::Submit(SubmitKind::Auto | SubmitKind::Forced))
    }
}

impl Phase {
    /// The stable text stored in the database (and checked there by a CHECK constraint).
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Rostered => "rostered",
            Phase::LoggedIn => "logged_in",
            Phase::IdentityConfirmed => "identity_confirmed",
            Phase::FaceVerified => "face_verified",
            Phase::DevicesChecked => "devices_checked",
            Phase::FirstViewOn => "first_view_on",
            Phase::SecondViewOn => "second_view_on",
            Phase::InstructionsRead => "instructions_read",
            Phase::InExam => "in_exam",
            Phase::Submitted(SubmitKind::SelfSubmitted) => "submitted_self",
            Phase::Submitted(SubmitKind::Auto) => "submitted_auto",
            Phase::Submitted(SubmitKind::Forced) => "submitted_forced",
        }
    }

    /// Inverse of [`Phase::as_str`].
    pub fn parse(s: &str) -> Option<Phase> {
        ALL_PHASES.into_iter().find(|p| p.as_str() == s)
    }

    /// Position in the procedure (all submitted phases share the last place).
    pub fn rank(self) -> usize {
        match self {
            Phase::Submitted(_) => 9,
            p => ALL_PHASES.iter().position(|q| *q == p).unwrap_or(0),
        }
    }

    pub fn is_submitted(self) -> bool {
        matches!(self, Phase::Submitted(_))
    }

    /// Applies `cmd` at `now` under the candidate's exam `times`.
    /// Logging in again from a later phase is allowed and keeps the phase (a reload or a
    /// second device must not reset progress); every other step needs the step before it.
    pub fn apply(
        self,
        cmd: PhaseCommand,
        times: &ExamTimes,
        now: DateTime<Utc>,
    ) -> Result<Phase, TransitionError> {
        use Phase as P;
        use PhaseCommand as C;
        if self.is_submitted() {
            return Err(TransitionError::AlreadySubmitted);
        }
        let out_of_order = TransitionError::OutOfOrder { from: self, command: cmd };
        match (self, cmd) {
            (P::Rostered, C::LogIn) if times.entry_closed(now) => Err(TransitionError::EntryClosed),
            (P::Rostered, C::LogIn) => Ok(P::LoggedIn),
            (_, C::LogIn) => Ok(self),
            (P::LoggedIn, C::ConfirmIdentity) => Ok(P::IdentityConfirmed),
            (P::IdentityConfirmed, C::FinishFaceCheck) => Ok(P::FaceVerified),
            (P::FaceVerified, C::FinishDeviceCheck) => Ok(P::DevicesChecked),
            (P::DevicesChecked, C::StartFirstView) => Ok(P::FirstViewOn),
            (P::FirstViewOn, C::StartSecondView) => Ok(P::SecondViewOn),
            (P::SecondViewOn, C::AcknowledgeInstructions) => Ok(P::InstructionsRead),
            (P::InstructionsRead, C::StartExam) if !times.has_started(now) => {
                Err(TransitionError::NotStarted)
            }
            (P::InstructionsRead, C::StartExam) => Ok(P::InExam),
            (P::InExam, C::Submit(SubmitKind::SelfSubmitted)) if !times.may_self_submit(now) => {
                Err(TransitionError::SubmitTooEarly)
            }
            (P::InExam, C::Submit(SubmitKind::SelfSubmitted)) => {
                Ok(P::Submitted(SubmitKind::SelfSubmitted))
            }
            // The deadline submits everyone who entered, wherever they are in the procedure.
            (P::Rostered, C::Submit(SubmitKind::Auto)) => Err(out_of_order),
            (_, C::Submit(SubmitKind::Auto)) if !times.is_over(now) => {
                Err(TransitionError::DeadlineNotReached)
            }
            (_, C::Submit(SubmitKind::Auto)) => Ok(P::Submitted(SubmitKind::Auto)),
            // A proctor may end any sitting that has begun.
            (P::Rostered, C::Submit(SubmitKind::Forced)) => Err(out_of_order),
            (_, C::Submit(SubmitKind::Forced)) => Ok(P::Submitted(SubmitKind::Forced)),
            _ => Err(out_of_order),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn times() -> ExamTimes {
        let start = DateTime::from_timestamp(1_800_000_000, 0).expect("ts");
        ExamTimes {
            starts_at: start,
            earliest_submit_at: start + Duration::minutes(30),
            deadline: start + Duration::minutes(120),
            late_entry_until: start + Duration::minutes(15),
        }
    }

    /// The happy path: each step of the seed in order.
    const STEPS: [(Phase, PhaseCommand, Phase); 8] = [
        (Phase::Rostered, PhaseCommand::LogIn, Phase::LoggedIn),
        (Phase::LoggedIn, PhaseCommand::ConfirmIdentity, Phase::IdentityConfirmed),
        (Phase::IdentityConfirmed, PhaseCommand::FinishFaceCheck, Phase::FaceVerified),
        (Phase::FaceVerified, PhaseCommand::FinishDeviceCheck, Phase::DevicesChecked),
        (Phase::DevicesChecked, PhaseCommand::StartFirstView, Phase::FirstViewOn),
        (Phase::FirstViewOn, PhaseCommand::StartSecondView, Phase::SecondViewOn),
        (Phase::SecondViewOn, PhaseCommand::AcknowledgeInstructions, Phase::InstructionsRead),
        (Phase::InstructionsRead, PhaseCommand::StartExam, Phase::InExam),
    ];

    #[test]
    fn every_step_of_the_seed_is_allowed_in_order() {
        let t = times();
        let now = t.starts_at;
        for (from, cmd, to) in STEPS {
            assert_eq!(from.apply(cmd, &t, now), Ok(to), "{from:?} + {cmd:?}");
        }
    }

    #[test]
    fn every_step_is_refused_from_every_other_phase() {
        let t = times();
        let now = t.starts_at;
        for (from, cmd, _) in STEPS.iter().skip(1) {
            for phase in ALL_PHASES {
                if phase == *from {
                    continue;
                }
                let got = phase.apply(*cmd, &t, now);
                if phase.is_submitted() {
                    assert_eq!(got, Err(TransitionError::AlreadySubmitted));
                } else {
                    assert_eq!(
                        got,
                        Err(TransitionError::OutOfOrder { from: phase, command: *cmd }),
                        "{phase:?} + {cmd:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn logging_in_again_keeps_progress() {
        let t = times();
        for phase in ALL_PHASES.into_iter().filter(|p| !p.is_submitted() && *p != Phase::Rostered) {
            assert_eq!(phase.apply(PhaseCommand::LogIn, &t, t.starts_at), Ok(phase));
        }
    }

    #[test]
    fn first_login_after_the_late_entry_cut_off_is_refused() {
        let t = times();
        let late = t.late_entry_until + Duration::seconds(1);
        assert_eq!(
            Phase::Rostered.apply(PhaseCommand::LogIn, &t, late),
            Err(TransitionError::EntryClosed)
        );
        // ...but a candidate already in may come back.
        assert_eq!(Phase::InExam.apply(PhaseCommand::LogIn, &t, late), Ok(Phase::InExam));
    }

    #[test]
    fn exam_screen_opens_only_at_the_start_time() {
        let t = times();
        let early = t.starts_at - Duration::seconds(1);
        assert_eq!(
            Phase::InstructionsRead.apply(PhaseCommand::StartExam, &t, early),
            Err(TransitionError::NotStarted)
        );
    }

    #[test]
    fn self_submit_is_refused_before_thirty_minutes_and_allowed_after() {
        let t = times();
        let cmd = PhaseCommand::Submit(SubmitKind::SelfSubmitted);
        assert_eq!(
            Phase::InExam.apply(cmd, &t, t.earliest_submit_at - Duration::seconds(1)),
            Err(TransitionError::SubmitTooEarly)
        );
        assert_eq!(
            Phase::InExam.apply(cmd, &t, t.earliest_submit_at),
            Ok(Phase::Submitted(SubmitKind::SelfSubmitted))
        );
        assert!(matches!(
            Phase::InstructionsRead.apply(cmd, &t, t.earliest_submit_at),
            Err(TransitionError::OutOfOrder { .. })
        ));
    }

    #[test]
    fn auto_submit_happens_only_at_the_deadline_for_anyone_who_entered() {
        let t = times();
        let cmd = PhaseCommand::Submit(SubmitKind::Auto);
        assert_eq!(
            Phase::InExam.apply(cmd, &t, t.deadline - Duration::seconds(1)),
            Err(TransitionError::DeadlineNotReached)
        );
        assert_eq!(
            Phase::InExam.apply(cmd, &t, t.deadline),
            Ok(Phase::Submitted(SubmitKind::Auto))
        );
        assert_eq!(
            Phase::DevicesChecked.apply(cmd, &t, t.deadline),
            Ok(Phase::Submitted(SubmitKind::Auto))
        );
        assert!(Phase::Rostered.apply(cmd, &t, t.deadline).is_err());
    }

    #[test]
    fn force_submit_works_from_any_started_phase_at_any_time() {
        let t = times();
        let cmd = PhaseCommand::Submit(SubmitKind::Forced);
        for phase in ALL_PHASES.into_iter().filter(|p| !p.is_submitted() && *p != Phase::Rostered) {
            assert_eq!(
                phase.apply(cmd, &t, t.starts_at - Duration::hours(1)),
                Ok(Phase::Submitted(SubmitKind::Forced))
            );
        }
        assert!(Phase::Rostered.apply(cmd, &t, t.starts_at).is_err());
    }

    #[test]
    fn nothing_moves_a_submitted_sitting() {
        let t = times();
        for kind in [SubmitKind::SelfSubmitted, SubmitKind::Auto, SubmitKind::Forced] {
            for (_, cmd, _) in STEPS {
                assert_eq!(
                    Phase::Submitted(kind).apply(cmd, &t, t.deadline),
                    Err(TransitionError::AlreadySubmitted)
                );
            }
        }
    }

    #[test]
    fn candidates_may_not_force_or_auto_submit_themselves() {
        assert!(PhaseCommand::Submit(SubmitKind::SelfSubmitted).allowed_for_candidate());
        assert!(PhaseCommand::ConfirmIdentity.allowed_for_candidate());
        assert!(!PhaseCommand::Submit(SubmitKind::Forced).allowed_for_candidate());
        assert!(!PhaseCommand::Submit(SubmitKind::Auto).allowed_for_candidate());
    }

    #[test]
    fn phase_text_round_trips_for_every_phase() {
        for p in ALL_PHASES {
            assert_eq!(Phase::parse(p.as_str()), Some(p));
        }
        assert_eq!(Phase::parse("bogus"), None);
    }
}
