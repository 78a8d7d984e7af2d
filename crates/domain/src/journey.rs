//! The candidate's journey rules beyond the phase order: which page step a phase shows,
//! when face verification lets the candidate go on, how verification outcomes combine,
//! and the phone pairing token's lifetime.
use super::candidate::CandidateSelf;
use super::candidate::VerificationStatus;
use super::device::DeviceReport;
use super::exam::ExamTimes;
use super::face::{FaceDecision, FaceError};
use super::phase::Phase;
use super::presence::View;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long a QR pairing token is valid.
pub fn pairing_ttl() -> Duration {
    Duration::minutes(10)
}

/// Longest note a candidate may attach to "my record is wrong".
pub const MAX_REPORT_NOTE: usize = 500;
/// Largest photo the browser may upload (JPEG), in bytes.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;

/// The step the candidate's PC page shows for a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Check the identity record (seed step 2).
    Identity,
    /// Face verification (2b).
    Face,
    /// Device check (3).
    Devices,
    /// Identity photo and first view (4).
    FirstView,
    /// Pair the phone as the second view (5).
    SecondView,
    /// Read the instructions (6).
    Instructions,
    /// Wait for the start, then the exam (6-8).
    Exam,
    /// Submitted.
    Done,
}

impl Step {
    pub fn of(phase: Phase) -> Step {
        match phase {
            Phase::Rostered | Phase::LoggedIn => Step::Identity,
            Phase::IdentityConfirmed => Step::Face,
            Phase::FaceVerified => Step::Devices,
            Phase::DevicesChecked => Step::FirstView,
            Phase::FirstViewOn => Step::SecondView,
            Phase::SecondViewOn => Step::Instructions,
            Phase::InstructionsRead | Phase::InExam => Step::Exam,
            Phase::Submitted(_) => Step::Done,
        }
    }

    /// Position in the progress bar (0-based) and the number of steps before the exam.
    pub fn index(self) -> usize {
        self as usize
    }
    pub const COUNT: usize = 7;
}

/// What the face step offers after the attempts so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FaceProgress {
    /// No attempt yet, or failed attempts with retries left.
    Open { attempts: u32, left: u32 },
    /// The last attempt matched.
    Passed,
    /// The retry limit is reached: the candidate may go on, and an admin reviews the case.
    MayContinueForReview { attempts: u32 },
}

/// Progress from the decisions of the attempts so far (oldest first; `None` for an attempt
/// refused before a decision, e.g. no face in the photo: it counts as a failed attempt).
pub fn face_progress(decisions: &[Option<FaceDecision>], max_attempts: u32) -> FaceProgress {
    if decisions.last().copied().flatten() == Some(FaceDecision::Match) {
        return FaceProgress::Passed;
    }
    let attempts = decisions.len() as u32;
    if attempts >= max_attempts.max(1) {
        FaceProgress::MayContinueForReview { attempts }
    } else {
        FaceProgress::Open { attempts, left: max_attempts.max(1) - attempts }
    }
}

impl FaceProgress {
    /// Whether the candidate may leave the face step (passed, or going on for review).
    pub fn may_continue(self) -> bool {
        !matches!(self, FaceProgress::Open { .. })
    }
    /// Whether another attempt may be made.
    pub fn may_retry(self) -> bool {
        matches!(self, FaceProgress::Open { .. })
    }
}

/// The verification status after a view's check ends: `passed` when it matched, otherwise
/// the candidate went on for review. A decision already taken by an admin (approved or
/// rejected) stands unless a new failure needs a new review; a pass never clears a pending
/// review of the other view.
pub fn verification_after(current: VerificationStatus, passed: bool) -> VerificationStatus {
    use VerificationStatus as V;
    match (current, passed) {
        (V::NotStarted | V::Passed, true) => V::Passed,
        (other, true) => other,
        (V::Rejected, false) => V::Rejected,
        (_, false) => V::PendingReview,
    }
}

/// The result of one face verification attempt, as the candidate's page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceCheck {
    pub progress: FaceProgress,
    /// The decision of this attempt, if one was made.
    pub decision: Option<FaceDecision>,
    /// Why no decision was made.
    pub error: Option<FaceError>,
}

/// Everything the candidate's pages need to show the right step, loaded in one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JourneyState {
    pub me: CandidateSelf,
    pub times: ExamTimes,
    pub server_time: DateTime<Utc>,
    pub instructions: String,
    /// The instructions rendered from Markdown on the server (raw HTML and script links
    /// removed), shown as they are.
    #[serde(default)]
    pub instructions_html: String,
    /// The Simplified Chinese instructions, rendered the same way (empty when none).
    #[serde(default)]
    pub instructions_zh_html: String,
    pub face_pc: FaceProgress,
    pub face_phone: FaceProgress,
    pub verification: VerificationStatus,
    pub device_report: Option<DeviceReport>,
    pub has_identity_photo: bool,
    pub instructions_acked: bool,
    /// Why a proctor submitted the exam (forced submissions).
    #[serde(default)]
    pub submission_reason: Option<String>,
}

/// What the phone's page needs: the candidate (phase included) and the phone's own face
/// check. Not the instructions, the exam times or the device report the PC's journey loads:
/// the phone downloads and decodes less on mobile data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhoneState {
    pub me: CandidateSelf,
    pub face_phone: FaceProgress,
}

/// One stored face verification attempt (PC or phone), as a reviewer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceAttempt {
    pub id: i64,
    pub view: View,
    /// The decision, or `None` when the photo was refused before one (see `error_code`).
    pub decision: Option<FaceDecision>,
    /// Why no decision was made (`no_face`, `several_faces`, `bad_image`, `unavailable`).
    pub error_code: Option<String>,
    pub distance: Option<f32>,
    pub provider: String,
    pub model_version: String,
    pub match_below: f32,
    pub review_below: f32,
    pub at: DateTime<Utc>,
}

/// What a reviewer sees of a candidate's verification: the status, whether a roster photo
/// exists (at `/media/candidates/{id}/photo`) and every face attempt, oldest first (photos
/// at `/media/face-attempts/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub status: VerificationStatus,
    pub has_roster_photo: bool,
    pub attempts: Vec<FaceAttempt>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phase::{ALL_PHASES, SubmitKind};
    use FaceDecision::*;

    #[test]
    fn every_phase_has_a_step_in_procedure_order() {
        let steps: Vec<Step> = ALL_PHASES.iter().map(|p| Step::of(*p)).collect();
        assert!(steps.windows(2).all(|w| w[0].index() <= w[1].index()));
        assert_eq!(Step::of(Phase::LoggedIn), Step::Identity);
        assert_eq!(Step::of(Phase::InExam), Step::Exam);
        assert_eq!(Step::of(Phase::Submitted(SubmitKind::Auto)), Step::Done);
    }

    #[test]
    fn a_match_passes_at_once() {
        assert_eq!(face_progress(&[Some(Match)], 3), FaceProgress::Passed);
        assert_eq!(face_progress(&[Some(NoMatch), None, Some(Match)], 3), FaceProgress::Passed);
    }

    #[test]
    fn failures_count_down_then_allow_review() {
        assert_eq!(face_progress(&[], 3), FaceProgress::Open { attempts: 0, left: 3 });
        assert_eq!(face_progress(&[Some(NoMatch)], 3), FaceProgress::Open { attempts: 1, left: 2 });
        assert_eq!(
            face_progress(&[Some(NoMatch), None], 3),
            FaceProgress::Open { attempts: 2, left: 1 }
        );
        let done = face_progress(&[Some(NoMatch), None, Some(NeedsReview)], 3);
        assert_eq!(done, FaceProgress::MayContinueForReview { attempts: 3 });
        assert!(done.may_continue() && !done.may_retry());
        assert!(!face_progress(&[Some(NoMatch)], 3).may_continue());
    }

    #[test]
    fn a_zero_limit_still_allows_one_attempt() {
        assert_eq!(face_progress(&[], 0), FaceProgress::Open { attempts: 0, left: 1 });
    }

    #[test]
    fn verification_combines_views_without_losing_a_review() {
        use VerificationStatus as V;
        assert_eq!(verification_after(V::NotStarted, true), V::Passed);
        assert_eq!(verification_after(V::NotStarted, false), V::PendingReview);
        assert_eq!(verification_after(V::PendingReview, true), V::PendingReview);
        assert_eq!(verification_after(V::Passed, false), V::PendingReview);
        assert_eq!(verification_after(V::Approved, true), V::Approved);
        assert_eq!(verification_after(V::Approved, false), V::PendingReview);
        assert_eq!(verification_after(V::Rejected, false), V::Rejected);
        assert_eq!(verification_after(V::Rejected, true), V::Rejected);
    }
}
