//! The retention purge: for every exam whose retention has run out (counted from the last
//! possible deadline, so never a running exam), forget its photos, frames and recordings in
//! the store, delete the files, and write what was deleted to the audit log.
use super::super::store::console::NewAudit;
use super::recording::chunk_key;
use crate::Core;
use chrono::{DateTime, Utc};
use domain::AppError;
use domain::retention::{PurgeReport, exam_over_at, purge_due};

/// The audit log's actor for the job.
pub const ACTOR: &str = "system:retention";

/// Purges every exam due at `now`; one report per exam purged.
pub async fn purge_expired(state: &Core, now: DateTime<Utc>) -> Result<Vec<PurgeReport>, AppError> {
    let mut reports = Vec::new();
    for e in state.store.unpurged_exams().await? {
        let over = exam_over_at(e.starts_at, e.duration_min, e.max_extra_min);
        if !purge_due(over, e.retention_days, now) {
            continue;
        }
        let keys = state.store.media_keys(e.id).await?;
        // The rows first: nothing points at a file that is about to go. Another instance
        // that purged it first has the files to delete and the audit line to write.
        if !state.store.forget_media(e.id, now).await? {
            continue;
        }
        let mut report = PurgeReport {
            exam_code: e.code.clone(),
            roster_photos: keys.roster.len(),
            face_photos: keys.face.len(),
            identity_photos: keys.identity.len(),
            evidence_frames: keys.evidence.len(),
            recordings: keys.recordings.len(),
            ..PurgeReport::default()
        };
        let chunks = keys
            .recordings
            .iter()
            .flat_map(|(prefix, n)| (0..*n).map(move |s| chunk_key(prefix, s)));
        let files: Vec<String> = keys
            .roster
            .into_iter()
            .chain(keys.face)
            .chain(keys.identity)
            .chain(keys.evidence)
            .chain(chunks)
            .collect();
        for key in files {
            match state.blobs.delete(&key).await {
                Ok(true) => report.files += 1,
                Ok(false) => {}
                Err(err) => {
                    report.failed += 1;
                    tracing::warn!(%key, error = %err, "retention: file not deleted");
                }
            }
        }
        let detail = report.detail();
        let entry = NewAudit {
            actor: ACTOR,
            action: "retention.purge",
            exam: Some(e.id),
            candidate: None,
            detail: &detail,
            reason: None,
            at: now,
        };
        state.store.audit_action(entry).await?;
        tracing::info!(exam = %e.code, %detail, "retention purge");
        reports.push(report);
    }
    Ok(reports)
}
