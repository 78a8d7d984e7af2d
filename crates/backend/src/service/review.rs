//! The verification review queue: pending cases with everything to compare, and an admin's
//! decision — recorded, audited, pushed to the room's proctors; a rejection flags the
//! candidate for them and, when the exam says so, ends the attempt.
use super::{console, live, timeline};
use crate::Core;
use domain::flag::FlagKind;
use domain::review::{ReviewCase, ReviewDecision, ReviewOutcome, check_note, may_decide};
use domain::{AppError, CandidateId, Field, StaffUser};

/// Every pending case, the longest-waiting first.
pub async fn queue(state: &Core) -> Result<Vec<ReviewCase>, AppError> {
    let cases = state.store.pending_cases().await?;
    let mut out = Vec::with_capacity(cases.len());
    for p in cases {
        let verification = timeline::verification(state, &p.candidate).await?;
        let c = p.candidate;
        out.push(ReviewCase {
            candidate: c.id,
            exam_id: c.exam_id,
            exam_code: p.exam_code,
            room_id: c.room_id,
            room: p.room,
            ticket: c.ticket.to_string(),
            name: c.name,
            id_card: c.id_card,
            phase: c.phase,
            record_disputed: c.record_disputed,
            verification,
        });
    }
    Ok(out)
}

/// How many cases wait.
pub async fn queue_length(state: &Core) -> Result<i64, AppError> {
    Ok(state.store.pending_count().await?)
}

/// Approves or rejects a pending case (admins only: checked by the caller). A case already
/// decided answers `Conflict` and changes nothing.
pub async fn decide(
    state: &Core,
    user: &StaffUser,
    candidate: CandidateId,
    decision: ReviewDecision,
    note: &str,
) -> Result<ReviewOutcome, AppError> {
    let note =
        check_note(note).map_err(|code| AppError::Validation { field: Field::Note, code })?;
    let c = state.store.candidate(candidate).await?.ok_or(AppError::NotFound)?;
    if !may_decide(c.verification) {
        return Err(AppError::Conflict);
    }
    let who = super::staff_actor(user);
    let now = state.clock.now();
    if !state.store.decide_review(candidate, decision, &note, &who, now).await? {
        return Err(AppError::Conflict);
    }
    let action = format!("verification.{}", decision.as_str());
    let reason = (!note.is_empty()).then_some(note.as_str());
    let detail = decision.status().as_str();
    super::audit_staff(state, user, &action, (Some(c.exam_id), Some(c.id)), detail, reason).await?;
    let mut ended_attempt = false;
    if decision == ReviewDecision::Reject {
        state.store.add_flag(c.id, FlagKind::VerificationRejected, reason, &who, now).await?;
        if state.store.reject_ends_attempt(c.exam_id).await? && !c.phase.is_submitted() {
            let why = if note.is_empty() { "verification rejected" } else { note.as_str() };
            ended_attempt = !console::force_submit(state, user, c.id, why).await?.already;
        }
    }
    live::announce(state, c.id).await?;
    let remaining = state.store.pending_count().await?;
    Ok(ReviewOutcome { status: decision.status(), ended_attempt, remaining })
}
