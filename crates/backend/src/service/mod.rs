//! Write paths and orchestration: load → domain rule → store → announce.
use super::store::console::NewAudit;
use crate::Core;
use domain::{AppError, Candidate, CandidateId, ExamId, StaffUser};
pub mod auth;
pub mod camera;
pub mod cluster;
pub mod console;
pub mod exams;
pub mod journey;
pub mod live;
pub mod papers;
pub mod phase;
pub mod recording;
pub mod reports;
pub mod retention;
pub mod review;
pub mod roster;
pub mod roster_staging;
pub mod sitting;
pub mod staffing;
pub mod timeline;
pub mod watch;

/// The audit log's actor for a staff member: `staff:<username>`.
pub fn staff_actor(user: &StaffUser) -> String {
    format!("staff:{}", user.username)
}

/// Writes what a staff member did to the audit log, now.
pub async fn audit_staff(
    state: &Core,
    user: &StaffUser,
    action: &str,
    (exam, candidate): (Option<ExamId>, Option<CandidateId>),
    detail: &str,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let actor = staff_actor(user);
    let at = state.clock.now();
    let entry = NewAudit { actor: &actor, action, exam, candidate, detail, reason, at };
    Ok(state.store.audit_action(entry).await?)
}

/// Lets `bytes` of a candidate's upload in, or refuses them: the disk keeps its reserve and
/// the candidate stays within the byte rate of the exam's recording settings.
pub async fn admit_upload(state: &Core, c: &Candidate, bytes: usize) -> Result<(), AppError> {
    let kbps = state.store.exam_camera(c.exam_id).await?.recording_kbps;
    state.uploads.admit(c.id, bytes, kbps, state.clock.now())
}
