//! Moving a candidate through the procedure: the domain decides, the store commits
//! (compare-and-set), then the change is announced to the room and to the candidate's pages.
use super::super::bus::{BusEvent, Topic};
use super::live;
use crate::Core;
use domain::{AppError, CandidateId, Phase, PhaseCommand};

/// Applies `cmd` to the candidate's stored phase. `actor` names who asked (for the history).
pub async fn advance(
    state: &Core,
    id: CandidateId,
    cmd: PhaseCommand,
    actor: &str,
) -> Result<Phase, AppError> {
    advance_with(state, id, cmd, actor, None).await
}

/// Like [`advance`], keeping `reason` with the submission it makes (a forced submission's):
/// stored with the phase, so the candidate's page, told of the change, reads it.
pub async fn advance_with(
    state: &Core,
    id: CandidateId,
    cmd: PhaseCommand,
    actor: &str,
    reason: Option<&str>,
) -> Result<Phase, AppError> {
    // A concurrent change makes the compare-and-set fail; re-read and decide again.
    for _ in 0..3 {
        let c = state.store.candidate(id).await?.ok_or(AppError::NotFound)?;
        let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
        let now = state.clock.now();
        let next = c.phase.apply(cmd, &exam.times(c.extra_minutes), now)?;
        if next == c.phase {
            return Ok(next);
        }
        if state.store.set_phase(id, c.phase, next, actor, now, reason).await? {
            if next.is_submitted() {
                // The watch ends with the exam: its open flags close (and are kept).
                super::watch::end(state, id).await?;
            }
            live::announce(state, id).await?;
            state.bus.publish(Topic::Candidate(id), BusEvent::PhaseChanged(next)).await;
            return Ok(next);
        }
    }
    Err(AppError::Conflict)
}
