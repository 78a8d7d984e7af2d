//! Recording chunks: checked, stored as blobs in order, one file (a chunk sequence) per
//! recorder instance; read back as one WebM stream.
use crate::Core;
use domain::camera::view_is_on;
use domain::quota::{MAX_RECORDINGS_PER_VIEW, recording_quota_bytes};
use domain::recording::{
    ChunkAck, ChunkDecision, MAX_CHUNK_BYTES, decide_chunk, is_webm_start, valid_recorder,
};
use domain::{AppError, Candidate, CandidateId, Field, Missing, ValidationCode, View};

/// How long after the submission a recording's last chunks are still taken.
pub const AFTER_SUBMIT_SECS: i64 = 120;

/// The blob key of chunk `seq` of a recording.
pub fn chunk_key(prefix: &str, seq: u32) -> String {
    format!("{prefix}/{seq:06}.webm")
}

/// Whether the sitting was submitted less than [`AFTER_SUBMIT_SECS`] ago.
async fn just_submitted(state: &Core, c: CandidateId) -> Result<bool, AppError> {
    Ok(match state.store.submission(c).await? {
        Some((_, _, at)) => state.clock.now() - at <= chrono::Duration::seconds(AFTER_SUBMIT_SECS),
        None => false,
    })
}

/// Refuses a chunk that would take the candidate past the recording quota of the sitting
/// (`domain::quota`), or open one recorder too many.
async fn within_quota(
    state: &Core,
    c: &Candidate,
    view: View,
    recorder: &str,
    kbps: u32,
    len: usize,
) -> Result<(), AppError> {
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    let sitting_min = exam.duration_min + c.extra_minutes + AFTER_SUBMIT_SECS / 60 + 1;
    let u = state.store.recording_usage(c.id, view, recorder).await?;
    if (!u.known && u.recordings >= MAX_RECORDINGS_PER_VIEW)
        || u.bytes + len as u64 > recording_quota_bytes(kbps, sitting_min)
    {
        tracing::warn!(candidate = %c.id, recordings = u.recordings, bytes = u.bytes, "recording quota reached");
        return Err(AppError::UploadQuota);
    }
    Ok(())
}

/// Stores chunk `seq` of recorder `recorder` of `c`'s `view`.
pub async fn add_chunk(
    state: &Core,
    c: CandidateId,
    view: View,
    recorder: &str,
    seq: u32,
    bytes: Vec<u8>,
) -> Result<ChunkAck, AppError> {
    let cand = state.store.candidate(c).await?.ok_or(AppError::NotFound)?;
    let camera = state.store.exam_camera(cand.exam_id).await?;
    if !camera.recording {
        return Err(AppError::RecordingOff);
    }
    // Only while the view is on, or just after the submission: stopping the recorder at the
    // submission sends its last chunk (for a recorder started seconds before, its first).
    if !view_is_on(view, cand.phase) && !just_submitted(state, c).await? {
        let missing = if view == View::Pc { Missing::IdentityPhoto } else { Missing::PhoneCheck };
        return Err(AppError::NotReady { missing });
    }
    if !valid_recorder(recorder) {
        return Err(AppError::Validation {
            field: Field::Recorder,
            code: ValidationCode::BadFormat,
        });
    }
    if bytes.len() > MAX_CHUNK_BYTES {
        return Err(AppError::PhotoTooLarge);
    }
    if bytes.is_empty() || (seq == 0 && !is_webm_start(&bytes)) {
        return Err(AppError::NotAWebm);
    }
    within_quota(state, &cand, view, recorder, camera.recording_kbps, bytes.len()).await?;
    super::admit_upload(state, &cand, bytes.len()).await?;
    let now = state.clock.now();
    let prefix = format!("recordings/{}/{}/{}-{recorder}", cand.exam_id.0, c.0, view.as_str());
    let (id, next) = state.store.open_recording(c, view, recorder, &prefix, now).await?;
    match decide_chunk(next, seq) {
        ChunkDecision::Duplicate => Ok(ChunkAck { next }),
        ChunkDecision::Gap { expected } => Err(AppError::ChunkOutOfOrder { expected }),
        ChunkDecision::Append => {
            // The blob first: the index never points at a chunk that is not on disk.
            let len = bytes.len();
            state
                .blobs
                .put(&chunk_key(&prefix, seq), bytes)
                .await
                .map_err(|e| AppError::from(super::super::error::ServerError::from(e)))?;
            // `false`: a concurrent retry of the same chunk advanced it first; same outcome.
            let _ = state.store.advance_recording(id, seq, len, now).await?;
            Ok(ChunkAck { next: seq + 1 })
        }
    }
}
