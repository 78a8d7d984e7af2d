//! The exam paper: checked against the documented format (line, column and path of the first
//! problem) and stored; replaced only until the exam starts. Audited.
use crate::Core;
use domain::paper::Paper;
use domain::{AppError, ExamId, StaffUser};

/// The paper, or where and why it is refused.
pub fn check(json: &str) -> Result<Paper, AppError> {
    Paper::parse(json).map_err(|error| AppError::BadPaper { error })
}

/// Stores the exam's paper; returns how many questions it has.
pub async fn save(
    state: &Core,
    user: &StaffUser,
    exam: ExamId,
    json: &str,
) -> Result<usize, AppError> {
    let paper = check(json)?;
    let e = state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
    if state.clock.now() >= e.starts_at {
        return Err(AppError::ExamStarted);
    }
    state.store.set_exam_paper(exam, json).await?;
    let detail = format!("{} questions, {} points", paper.question_count(), paper.total_points());
    super::audit_staff(state, user, "paper.upload", (Some(exam), None), &detail, None).await?;
    Ok(paper.question_count())
}
