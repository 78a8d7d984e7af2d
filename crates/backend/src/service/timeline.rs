//! What a proctor reads about one candidate: the timeline and the verification evidence.
use crate::Core;
use domain::integrity::{ScoredFlag, score};
use domain::journey::Verification;
use domain::timeline::{Parts, Timeline, build};
use domain::{AppError, Candidate, View};

/// The candidate's timeline (the caller has checked the staff member may watch the room).
pub async fn timeline(state: &Core, c: &Candidate) -> Result<Timeline, AppError> {
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    let times = exam.times(c.extra_minutes);
    let flags = state.store.flags(c.id).await?;
    let weights = state.store.exam_camera(c.exam_id).await?.watch.weights;
    let scored: Vec<ScoredFlag> = flags.iter().map(ScoredFlag::from).collect();
    let integrity = score(&scored, &weights, state.clock.now());
    let mut timeline = build(Parts {
        starts_at: times.starts_at,
        deadline: times.deadline,
        phases: state.store.phase_history(c.id).await?,
        events: state.store.events(c.id).await?,
        flags,
        evidence: state.store.evidence(c.id).await?,
        messages: state.store.messages(c.id).await?,
        hands: state.store.hands(c.id).await?,
    });
    timeline.integrity = Some(integrity);
    Ok(timeline)
}

/// The verification evidence: status, roster photo, every face attempt.
pub async fn verification(state: &Core, c: &Candidate) -> Result<Verification, AppError> {
    let mut attempts = state.store.face_attempts(c.id, View::Pc).await?;
    attempts.extend(state.store.face_attempts(c.id, View::Phone).await?);
    attempts.sort_by_key(|a| a.at);
    Ok(Verification { status: c.verification, has_roster_photo: c.has_photo, attempts })
}
