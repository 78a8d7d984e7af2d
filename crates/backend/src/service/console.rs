//! The proctor console's actions: message, broadcast, warn, flag, close a flag, add time,
//! force-submit. Each checks first that the staff member may act on the candidate's room
//! (so a stranger learns nothing from validation errors), then the input, and records
//! who, when, what and why in the audit log, and is pushed live to the candidate's pages and
//! the room's proctors. Also the candidate's side: acknowledging, raising a hand, browser
//! events.
use super::super::access;
use super::super::bus::{BusEvent, Topic};
use super::super::store::console::{NewAudit, NewMessage};
use super::{live, phase};
use crate::Core;
use domain::console::{
    Audience, BrowserEvent, CandidateEvent, CandidateMessage, ExtraTimeReason, MAX_MESSAGE_CHARS,
    MAX_NOTE_CHARS, MessageKind, check_minutes, optional_text, required_text,
};
use domain::flag::{FlagKind, FlagResolution};
use domain::{
    AppError, Candidate, CandidateId, ExamTimes, Field, Phase, PhaseCommand, Role, StaffUser,
    SubmitKind, TransitionError, ValidationCode, View,
};

/// The candidate, if `user` may act on their room (`NotFound` otherwise, as for an id that
/// does not exist).
pub async fn acting_on(
    state: &Core,
    user: &StaffUser,
    c: CandidateId,
) -> Result<Candidate, AppError> {
    access::watched_candidate(state, user, c).await
}

fn actor(user: &StaffUser) -> String {
    super::staff_actor(user)
}

async fn audit(
    state: &Core,
    user: &StaffUser,
    action: &str,
    c: &Candidate,
    detail: &str,
    reason: Option<&str>,
) -> Result<(), AppError> {
    super::audit_staff(state, user, action, (Some(c.exam_id), Some(c.id)), detail, reason).await
}

/// Pushes stored messages to their candidates' pages.
async fn deliver(state: &Core, sent: Vec<(CandidateId, CandidateMessage)>) {
    for (c, m) in sent {
        state.bus.publish(Topic::Candidate(c), BusEvent::Message(m)).await;
    }
}

/// Stores one message per candidate and pushes each; returns the ids.
async fn store_and_deliver(
    state: &Core,
    user: &StaffUser,
    to: &[CandidateId],
    kind: MessageKind,
    body: &str,
    audience: &'static str,
) -> Result<Vec<i64>, AppError> {
    let at = state.clock.now();
    let rows: Vec<NewMessage> = to
        .iter()
        .map(|c| NewMessage {
            candidate: *c,
            kind,
            body: body.to_string(),
            audience,
            sent_by: user.display_name.clone(),
            at,
        })
        .collect();
    let ids = state.store.add_messages(&rows).await?;
    let sent = to
        .iter()
        .zip(&ids)
        .map(|(c, id)| {
            (*c, CandidateMessage { id: *id, kind, body: body.to_string(), sent_at: at })
        })
        .collect();
    deliver(state, sent).await;
    Ok(ids)
}

/// A message or warning to one candidate. A message also answers a raised hand.
pub async fn send_message(
    state: &Core,
    user: &StaffUser,
    c: CandidateId,
    kind: MessageKind,
    body: &str,
) -> Result<i64, AppError> {
    let cand = acting_on(state, user, c).await?;
    let body = required_text(Field::Message, body, MAX_MESSAGE_CHARS)?;
    let ids = store_and_deliver(state, user, &[c], kind, &body, "candidate").await?;
    let id = ids.first().copied().ok_or(AppError::Conflict)?;
    if state.store.answer_hand(c, &actor(user), state.clock.now()).await? {
        state.bus.publish(Topic::Candidate(c), BusEvent::HandChanged(false)).await;
    }
    let action = match kind {
        MessageKind::Message => "message.send",
        MessageKind::Warning => "warning.give",
    };
    audit(state, user, action, &cand, &format!("message {id}: {body}"), None).await?;
    live::announce(state, c).await?;
    Ok(id)
}

/// A message to every candidate of a room (its proctors and admins) or of an exam (admins).
/// Returns how many candidates it went to.
pub async fn broadcast(
    state: &Core,
    user: &StaffUser,
    audience: Audience,
    body: &str,
) -> Result<usize, AppError> {
    let (to, exam, what): (Vec<CandidateId>, _, &'static str) = match audience {
        Audience::Room(room) => {
            let summary = access::watched_room(state, user, room).await?;
            let ids = state.store.candidates_in_room(room).await?.iter().map(|c| c.id).collect();
            (ids, summary.exam_id, "room")
        }
        Audience::Exam(exam) => {
            if user.role != Role::Admin {
                return Err(AppError::Forbidden);
            }
            state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
            let ids = state.store.candidates_of_exam(exam).await?.into_iter().map(|(c, _)| c);
            (ids.collect(), exam, "exam")
        }
        Audience::Candidate => {
            return Err(AppError::Validation {
                field: Field::Message,
                code: ValidationCode::BadFormat,
            });
        }
    };
    let body = required_text(Field::Message, body, MAX_MESSAGE_CHARS)?;
    store_and_deliver(state, user, &to, MessageKind::Message, &body, what).await?;
    let who = actor(user);
    let detail = match audience {
        Audience::Room(r) => format!("room {r}, {} candidates: {body}", to.len()),
        _ => format!("exam, {} candidates: {body}", to.len()),
    };
    let entry = NewAudit {
        actor: &who,
        action: "message.broadcast",
        exam: Some(exam),
        candidate: None,
        detail: &detail,
        reason: None,
        at: state.clock.now(),
    };
    state.store.audit_action(entry).await?;
    for c in &to {
        live::announce(state, *c).await?;
    }
    Ok(to.len())
}

/// A proctor's flag with a category and an optional note; the current frames of both views
/// (and the next few seconds of frames) are kept as its evidence.
pub async fn raise_flag(
    state: &Core,
    user: &StaffUser,
    c: CandidateId,
    kind: FlagKind,
    note: &str,
) -> Result<i64, AppError> {
    let cand = acting_on(state, user, c).await?;
    if !kind.is_manual() {
        return Err(AppError::Validation {
            field: Field::Category,
            code: ValidationCode::BadFormat,
        });
    }
    let note = optional_text(Field::Note, note, MAX_NOTE_CHARS)?;
    let id =
        state.store.add_flag(c, kind, note.as_deref(), &actor(user), state.clock.now()).await?;
    super::camera::keep_evidence(state, c).await;
    let detail = format!("flag {id}: {}", kind.as_str());
    audit(state, user, "flag.raise", &cand, &detail, note.as_deref()).await?;
    live::announce(state, c).await?;
    Ok(id)
}

/// Resolves or dismisses an open flag (automatic or manual) with an optional note.
pub async fn close_flag(
    state: &Core,
    user: &StaffUser,
    flag: i64,
    resolution: FlagResolution,
    note: &str,
) -> Result<(), AppError> {
    let c = state.store.flag_candidate(flag).await?.ok_or(AppError::NotFound)?;
    let cand = acting_on(state, user, c).await?;
    let note = optional_text(Field::Note, note, MAX_NOTE_CHARS)?;
    let by = actor(user);
    if !state.store.close_flag(flag, resolution, note.as_deref(), &by, state.clock.now()).await? {
        return Err(AppError::Conflict);
    }
    let action = match resolution {
        FlagResolution::Resolved => "flag.resolve",
        FlagResolution::Dismissed => "flag.dismiss",
    };
    audit(state, user, action, &cand, &format!("flag {flag}"), note.as_deref()).await?;
    live::announce(state, c).await
}

/// Extra minutes for one candidate with a reason: the deadline and the auto-submit move, the
/// candidate's clock with them.
pub async fn add_time(
    state: &Core,
    user: &StaffUser,
    c: CandidateId,
    minutes: i64,
    reason: ExtraTimeReason,
) -> Result<ExamTimes, AppError> {
    let cand = acting_on(state, user, c).await?;
    let minutes = check_minutes(minutes)?;
    if cand.phase.is_submitted() {
        return Err(AppError::Transition(TransitionError::AlreadySubmitted));
    }
    let total = state.store.add_extra_minutes(c, minutes).await?;
    let exam = state.store.exam(cand.exam_id).await?.ok_or(AppError::NotFound)?;
    let times = exam.times(total);
    let now = state.clock.now();
    state.store.add_event(c, &CandidateEvent::TimeAdded { minutes, reason }, now).await?;
    let detail = format!("+{minutes} min (total {total})");
    audit(state, user, "time.add", &cand, &detail, Some(reason.as_str())).await?;
    state.bus.publish(Topic::Candidate(c), BusEvent::TimesChanged(times)).await;
    live::announce(state, c).await?;
    Ok(times)
}

/// What a force-submit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ForceOutcome {
    pub phase: Phase,
    /// It was already submitted: nothing changed.
    pub already: bool,
}

/// Ends the candidate's sitting now, answers as they are, with a reason. Final: the candidate
/// cannot undo it; a second call changes nothing.
pub async fn force_submit(
    state: &Core,
    user: &StaffUser,
    c: CandidateId,
    reason: &str,
) -> Result<ForceOutcome, AppError> {
    let cand = acting_on(state, user, c).await?;
    let reason = required_text(Field::Reason, reason, MAX_NOTE_CHARS)?;
    let cmd = PhaseCommand::Submit(SubmitKind::Forced);
    match phase::advance_with(state, c, cmd, &actor(user), Some(&reason)).await {
        Ok(phase) => {
            audit(state, user, "submit.force", &cand, "forced submission", Some(&reason)).await?;
            Ok(ForceOutcome { phase, already: false })
        }
        Err(AppError::Transition(TransitionError::AlreadySubmitted)) => {
            let now = state.store.candidate(c).await?.ok_or(AppError::NotFound)?;
            Ok(ForceOutcome { phase: now.phase, already: true })
        }
        Err(e) => Err(e),
    }
}

/// The candidate acknowledged a message or warning.
pub async fn acknowledge(state: &Core, c: CandidateId, message: i64) -> Result<bool, AppError> {
    let read = state.store.mark_read(c, message, state.clock.now()).await?;
    if read {
        live::announce(state, c).await?;
    }
    Ok(read)
}

/// The candidate asks for help (once until a proctor answers).
pub async fn raise_hand(state: &Core, c: CandidateId) -> Result<bool, AppError> {
    let raised = state.store.raise_hand(c, state.clock.now()).await?;
    if raised {
        state.bus.publish(Topic::Candidate(c), BusEvent::HandChanged(true)).await;
        live::announce(state, c).await?;
    }
    Ok(raised)
}

/// The PC page's window event: kept for the timeline; during the exam, leaving the page
/// raises the automatic "left the exam page" flag and coming back clears it.
pub async fn browser_event(
    state: &Core,
    id: CandidateId,
    event: BrowserEvent,
) -> Result<(), AppError> {
    let c = state.store.candidate(id).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    state.store.add_event(c.id, &CandidateEvent::Browser { what: event }, now).await?;
    let changed = if event.leaves_page() && c.phase == Phase::InExam {
        state.store.raise_auto_flag(c.id, FlagKind::PageLeft, now).await?
    } else if !event.leaves_page() {
        state.store.clear_auto_flag(c.id, FlagKind::PageLeft, now).await?
    } else {
        false
    };
    if changed {
        live::announce(state, c.id).await?;
    }
    Ok(())
}

/// A view connected or disconnected (for the timeline).
pub async fn connection(
    state: &Core,
    c: CandidateId,
    view: View,
    online: bool,
) -> Result<(), AppError> {
    let event =
        if online { CandidateEvent::Online { view } } else { CandidateEvent::Offline { view } };
    Ok(state.store.add_event(c, &event, state.clock.now()).await?)
}
