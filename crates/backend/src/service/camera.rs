//! Camera health → flags: a view's black or frozen picture raises a flag (and tells the
//! candidate), a recovered picture clears it; a phone that drops during the exam raises
//! "second view lost" until it is back. Each flag keeps the frames around it as evidence.
use super::super::bus::{BusEvent, Topic};
use super::live;
use crate::Core;
use domain::camera::{CameraProblem, view_is_on};
use domain::flag::FlagKind;
use domain::{AppError, Candidate, CandidateId, Presence, View};

/// A view's problem changed (from the relay): flag or clear, tell the candidate's pages,
/// update the proctors' tiles.
pub async fn problem_changed(
    state: &Core,
    c: CandidateId,
    view: View,
    problem: Option<CameraProblem>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut raised = false;
    for kind in FlagKind::problems_of(view) {
        if problem.is_some_and(|p| FlagKind::for_problem(view, p) == kind) {
            raised |= state.store.raise_auto_flag(c, kind, now).await?;
        } else {
            state.store.clear_auto_flag(c, kind, now).await?;
        }
    }
    if raised {
        keep_evidence(state, c).await;
        tracing::info!(candidate = %c, view = view.as_str(), ?problem, "camera flag raised");
    }
    state.bus.publish(Topic::Candidate(c), BusEvent::CameraProblem { view, problem }).await;
    live::announce(state, c).await
}

/// A flag was raised on `c`: the frames of its views are kept as evidence, here and on the
/// instances that receive its other view.
pub async fn keep_evidence(state: &Core, c: CandidateId) {
    state.frames.flag_raised(c);
    state.bus.publish(Topic::Candidate(c), BusEvent::FlagRaised).await;
}

/// Raises or clears "second view lost" from the candidate's phase and presence, given its
/// `open` flags (so the common case, nothing to change, writes nothing). A phone never seen
/// since the server started is not "lost" (after a restart it reconnects). Returns whether a
/// flag changed.
pub async fn reconcile_phone(
    state: &Core,
    c: &Candidate,
    presence: &Presence,
    open: &[FlagKind],
) -> Result<bool, AppError> {
    let expected = view_is_on(View::Phone, c.phase);
    let lost = expected && !presence.phone.online && presence.phone.last_seen.is_some();
    let is_open = open.contains(&FlagKind::PhoneLost);
    let now = state.clock.now();
    if lost && !is_open {
        if state.store.raise_auto_flag(c.id, FlagKind::PhoneLost, now).await? {
            keep_evidence(state, c.id).await;
            tracing::info!(candidate = %c.id, "second view lost");
        }
        Ok(true)
    } else if !lost && is_open {
        state.store.clear_auto_flag(c.id, FlagKind::PhoneLost, now).await?;
        Ok(true)
    } else {
        Ok(false)
    }
}
