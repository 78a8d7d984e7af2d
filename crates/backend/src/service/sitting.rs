//! The sitting itself: the paper, answers saved as the candidate works, submitting, and the
//! deadline's automatic submission (which also runs after a restart).
use super::phase;
use crate::Core;
use chrono::{DateTime, Utc};
use domain::answer::Answer;
use domain::paper::Paper;
use domain::sitting::{AnswerAck, AnswerSave, ExamSheet, MAX_SAVES_PER_REQUEST, version_allowed};
use domain::{
    AppError, CandidateId, Field, Missing, Phase, PhaseCommand, SubmitKind, TransitionError,
    ValidationCode,
};

async fn paper_of(state: &Core, exam: domain::ExamId) -> Result<Paper, AppError> {
    let json = state.store.exam_paper(exam).await?.ok_or(AppError::NoPaper)?;
    Paper::parse(&json).map_err(|_| AppError::NoPaper)
}

/// Opens the exam screen: starts the sitting if the start time has come (the page asks at
/// the start), then returns the paper and the saved answers.
pub async fn exam_sheet(state: &Core, id: CandidateId) -> Result<ExamSheet, AppError> {
    let c = state.store.candidate(id).await?.ok_or(AppError::NotFound)?;
    if c.phase == Phase::InstructionsRead {
        if let Err(e) = phase::advance(state, id, PhaseCommand::StartExam, "candidate").await {
            // Opened twice at once (two tabs, a page that asks again): the other one started
            // the sitting, which is what this one asked for.
            let now = state.store.candidate(id).await?.ok_or(AppError::NotFound)?;
            if now.phase != Phase::InExam {
                return Err(e);
            }
        }
    } else if c.phase != Phase::InExam {
        return Err(AppError::Transition(TransitionError::OutOfOrder {
            from: c.phase,
            command: PhaseCommand::StartExam,
        }));
    }
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    let paper = paper_of(state, c.exam_id).await?;
    let mut answers = Vec::new();
    for a in state.store.answers(id).await? {
        if let Ok(answer) = serde_json::from_str::<Answer>(&a.answer_json) {
            let version = u64::try_from(a.version).unwrap_or(0);
            answers.push(AnswerSave { question_id: a.question_id, answer, version });
        }
    }
    Ok(ExamSheet {
        paper,
        answers,
        times: exam.times(c.extra_minutes),
        server_time: state.clock.now(),
    })
}

/// Saves a batch of answers. Each is checked against the paper; a save with a version not
/// newer than the stored one changes nothing and is acknowledged with the stored version.
pub async fn save_answers(
    state: &Core,
    id: CandidateId,
    saves: Vec<AnswerSave>,
) -> Result<Vec<AnswerAck>, AppError> {
    if saves.len() > MAX_SAVES_PER_REQUEST {
        return Err(AppError::Validation { field: Field::Answers, code: ValidationCode::TooLong });
    }
    let c = state.store.candidate(id).await?.ok_or(AppError::NotFound)?;
    if c.phase.is_submitted() {
        return Err(AppError::Transition(TransitionError::AlreadySubmitted));
    }
    if c.phase != Phase::InExam {
        return Err(AppError::NotReady { missing: Missing::ExamStart });
    }
    // The server's clock decides, not the phase: the auto-submit may be a second away.
    let now = state.clock.now();
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    if exam.times(c.extra_minutes).is_over(now) {
        return Err(AppError::Transition(TransitionError::DeadlinePassed));
    }
    if saves.iter().any(|s| !version_allowed(s.version, now)) {
        return Err(AppError::ClockAhead { server_time: now });
    }
    let paper = paper_of(state, c.exam_id).await?;
    // Check the whole batch first: a refused answer stores nothing of the batch.
    let mut checked = Vec::with_capacity(saves.len());
    for s in saves {
        let bad = || AppError::BadAnswer { question_id: s.question_id.clone() };
        let question = paper.question(&s.question_id).ok_or_else(bad)?;
        s.answer.validate_for(question).map_err(|_| bad())?;
        let version = i64::try_from(s.version).map_err(|_| bad())?;
        let json = serde_json::to_string(&s.answer).map_err(|_| bad())?;
        checked.push((s, version, json));
    }
    let mut acks = Vec::with_capacity(checked.len());
    for (s, version, json) in checked {
        let stored = state.store.save_answer(id, &s.question_id, &json, version, now).await?;
        if stored == 0 {
            // Nothing stored: the sitting closed between the check and the write.
            return Err(AppError::Transition(TransitionError::AlreadySubmitted));
        }
        let stored_version = u64::try_from(stored).unwrap_or(0);
        acks.push(AnswerAck { question_id: s.question_id, stored_version });
    }
    Ok(acks)
}

/// The candidate's own Submit (from the earliest-submit time on).
pub async fn submit(state: &Core, id: CandidateId) -> Result<Phase, AppError> {
    phase::advance(state, id, PhaseCommand::Submit(SubmitKind::SelfSubmitted), "candidate").await
}

/// Submits every begun, unsubmitted sitting whose deadline has passed. Runs every second,
/// and at start-up, so a deadline that passed while the server was down is applied at once.
pub async fn auto_submit_due(state: &Core, now: DateTime<Utc>) -> Result<usize, AppError> {
    let mut done = 0;
    for exam_id in state.store.exam_ids().await? {
        let Some(exam) = state.store.exam(exam_id).await? else { continue };
        // No one's deadline is before the exam's own (extra time only adds).
        if !exam.times(0).is_over(now) {
            continue;
        }
        for id in state.store.unsubmitted_started(exam_id).await? {
            let cmd = PhaseCommand::Submit(SubmitKind::Auto);
            match phase::advance(state, id, cmd, "system").await {
                Ok(_) => done += 1,
                Err(AppError::Transition(_)) => {} // extra time not over, or just submitted
                Err(e) => return Err(e),
            }
        }
    }
    Ok(done)
}
