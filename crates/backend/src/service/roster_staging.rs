//! Checked roster uploads waiting for "Import", kept in the blob store so that the check can
//! run on one instance and the import on another: `staging/<id>/meta.json` (the checked rows
//! and where each photo is in the ZIP) and `staging/<id>/photos.zip` (the upload, streamed in
//! and out, never whole in memory). A staging lasts [`STAGING_TTL_MIN`] minutes and is used
//! once; an instance keeps at most [`MAX_STAGED`] of its own and deletes the oldest beyond.
use super::super::error::ServerError;
use super::super::uploads::SpoolFile;
use crate::Core;
use chrono::{DateTime, Duration, Utc};
use domain::roster::RowPreview;
use domain::{AppError, ExamId, StaffId};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::Mutex;

/// How long a checked upload waits for "Import".
pub const STAGING_TTL_MIN: i64 = 30;
/// At most this many checked uploads are kept per instance (the oldest goes first).
const MAX_STAGED: usize = 4;

/// A photo of the ZIP that is an image: where it is and its extension. Its bytes stay in the
/// archive until the import.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct StagedPhoto {
    pub entry: usize,
    pub len: u64,
    pub ext: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Staged {
    pub exam: ExamId,
    pub staff: StaffId,
    pub at: DateTime<Utc>,
    pub rows: Vec<RowPreview>,
    /// The image photos by ticket.
    pub photos: HashMap<String, StagedPhoto>,
    pub zip: bool,
}

/// This instance's stagings, oldest first (the blobs are the stagings; this only bounds them).
#[derive(Default)]
pub struct RosterStaging {
    mine: Mutex<VecDeque<String>>,
}

fn meta_key(id: &str) -> String {
    format!("staging/{id}/meta.json")
}

fn zip_key(id: &str) -> String {
    format!("staging/{id}/photos.zip")
}

/// A staging id is 32 hex digits (anything else names no staging, and no blob).
fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

async fn forget(state: &Core, id: &str) {
    for key in [meta_key(id), zip_key(id)] {
        if let Err(e) = state.blobs.delete(&key).await {
            tracing::warn!(error = %e, %key, "an old roster staging was not deleted");
        }
    }
}

impl RosterStaging {
    /// Stages a checked upload under `id` (the ZIP first, then the rows: a staging is there
    /// once its rows are).
    pub(super) async fn put(
        &self,
        state: &Core,
        id: &str,
        staged: &Staged,
        zip: Option<&Path>,
    ) -> Result<(), AppError> {
        if let Some(path) = zip {
            state.blobs.put_file(&zip_key(id), path).await.map_err(ServerError::from)?;
        }
        let meta =
            serde_json::to_vec(staged).map_err(std::io::Error::other).map_err(ServerError::from)?;
        state.blobs.put(&meta_key(id), meta).await.map_err(ServerError::from)?;
        let old: Vec<String> = {
            let mut mine = self.mine.lock().unwrap_or_else(|p| p.into_inner());
            mine.push_back(id.to_string());
            let over = mine.len().saturating_sub(MAX_STAGED);
            mine.drain(..over).collect()
        };
        for id in old {
            forget(state, &id).await;
        }
        Ok(())
    }

    /// Takes the staging `id` of `exam` made by `staff`, once, with its ZIP copied into the
    /// spool directory; `None` when there is no such staging (unknown, someone else's, used,
    /// or older than [`STAGING_TTL_MIN`]).
    pub(super) async fn take(
        &self,
        state: &Core,
        id: &str,
        exam: ExamId,
        staff: StaffId,
    ) -> Result<Option<(Staged, Option<SpoolFile>)>, AppError> {
        if !valid_id(id) {
            return Ok(None);
        }
        let Some(meta) = state.blobs.get(&meta_key(id)).await.map_err(ServerError::from)? else {
            return Ok(None);
        };
        let Ok(staged) = serde_json::from_slice::<Staged>(&meta) else {
            return Ok(None);
        };
        let fresh = state.clock.now() - staged.at < Duration::minutes(STAGING_TTL_MIN);
        if staged.exam != exam || staged.staff != staff || !fresh {
            return Ok(None);
        }
        // Used once: whoever deletes the rows has it.
        if !state.blobs.delete(&meta_key(id)).await.map_err(ServerError::from)? {
            return Ok(None);
        }
        self.mine.lock().unwrap_or_else(|p| p.into_inner()).retain(|m| m != id);
        let zip = if staged.zip {
            let (spool, file) =
                SpoolFile::create(&state.uploads.disk.spool_dir()).map_err(ServerError::from)?;
            drop(file);
            if !state.blobs.get_file(&zip_key(id), spool.path()).await.map_err(ServerError::from)? {
                return Ok(None);
            }
            forget(state, id).await;
            Some(spool)
        } else {
            None
        };
        Ok(Some((staged, zip)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_staging_id_names_a_staging() {
        assert!(super::valid_id("0123456789abcdef0123456789abcdef"));
        for bad in ["", "../../etc/passwd", "0123456789ABCDEF0123456789ABCDEF", "abc"] {
            assert!(!super::valid_id(bad), "{bad}");
        }
    }
}
