//! Exams as administrators keep them: create, edit, archive. Editing the start or duration
//! of a running exam is audited as a reschedule and pushed to every candidate's clock.
use super::super::bus::{BusEvent, Topic};
use super::live;
use crate::Core;
use domain::exam_settings::{ExamSettings, check, is_running};
use domain::{AppError, ExamId, StaffUser};

async fn audit(
    state: &Core,
    user: &StaffUser,
    action: &str,
    exam: ExamId,
    detail: &str,
) -> Result<(), AppError> {
    super::audit_staff(state, user, action, (Some(exam), None), detail, None).await
}

/// Creates (`exam` = `None`) or updates an exam; returns its id.
pub async fn save(
    state: &Core,
    user: &StaffUser,
    exam: Option<ExamId>,
    settings: &ExamSettings,
) -> Result<ExamId, AppError> {
    let s = check(settings).map_err(|(field, code)| AppError::Validation { field, code })?;
    let Some(id) = exam else {
        let id = state.store.save_exam(None, &s).await?;
        audit(state, user, "exam.create", id, &format!("{} {}", s.code, s.title)).await?;
        return Ok(id);
    };
    let old = state.store.exam_settings(id).await?.ok_or(AppError::NotFound)?;
    let max_extra = state.store.max_extra_minutes(id).await?;
    let running = is_running(old.starts_at, old.duration_min, max_extra, state.clock.now());
    state.store.save_exam(Some(id), &s).await?;
    audit(state, user, "exam.update", id, &format!("{} {}", s.code, s.title)).await?;
    let moved = old.starts_at != s.starts_at || old.duration_min != s.duration_min;
    if moved {
        if running {
            let detail = format!(
                "start {} -> {}, duration {} -> {} min",
                old.starts_at.to_rfc3339(),
                s.starts_at.to_rfc3339(),
                old.duration_min,
                s.duration_min
            );
            audit(state, user, "exam.reschedule", id, &detail).await?;
        }
        push_times(state, id).await?;
    }
    Ok(id)
}

/// Sends every candidate of the exam their new times and refreshes their tiles.
async fn push_times(state: &Core, exam: ExamId) -> Result<(), AppError> {
    let e = state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
    for (id, _) in state.store.candidates_of_exam(exam).await? {
        let Some(c) = state.store.candidate(id).await? else { continue };
        let times = e.times(c.extra_minutes);
        state.bus.publish(Topic::Candidate(id), BusEvent::TimesChanged(times)).await;
        live::announce(state, id).await?;
    }
    Ok(())
}

/// Archives or restores an exam (archived exams leave the room lists).
pub async fn archive(
    state: &Core,
    user: &StaffUser,
    exam: ExamId,
    archived: bool,
) -> Result<(), AppError> {
    state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
    state.store.set_archived(exam, archived).await?;
    let action = if archived { "exam.archive" } else { "exam.restore" };
    audit(state, user, action, exam, "").await
}
