//! What a proctor reads about one candidate: the timeline and the verification evidence.
use crate::Core;
use domain::journey::Verification;
use domain::timeline::{Parts, Timeline, build};
use domain::{AppError, Candidate, View};

/// The candidate's timeline (the caller has checked the staff member may watch the room).
pub async fn timeline(state: &Core, c: &Candidate) -> Result<Timeline, AppError> {
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    let times = exam.times(c.extra_minutes);
    Ok(build(Parts {
        starts_at: times.starts_at,
        deadline: times.deadline,
        phases: state.store.phase_history(c.id).await?,
        events: state.store.events(c.id).await?,
        flags: state.store.flags(c.id).await?,
        evidence: state.store.evidence(c.id).await?,
        messages: state.store.messages(c.id).await?,
        hands: state.store.hands(c.id).await?,
    }))
}

/// The verification evidence: status, roster photo, every face attempt.
pub async fn verification(state: &Core, c: &Candidate) -> Result<Verification, AppError> {
    let mut attempts = state.store.face_attempts(c.id, View::Pc).await?;
    attempts.extend(state.store.face_attempts(c.id, View::Phone).await?);
    attempts.sort_by_key(|a| a.at);
    Ok(Verification { status: c.verification, has_roster_photo: c.has_photo, attempts })
}
