//! The camera part of the store: per-exam camera settings, automatic flags and the index
//! of evidence frames (the JPEGs are in the blob store). `Store` requires it.
use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::camera::{CameraSettings, EvidenceFrame, EvidenceReason};
use domain::flag::FlagKind;
use domain::recording::Recording;
use domain::{CandidateId, ExamId, RoomId, View};
use std::collections::HashMap;

/// An evidence frame to index.
#[derive(Debug, Clone)]
pub struct NewEvidence {
    pub candidate: CandidateId,
    pub view: View,
    pub seq: u32,
    pub captured_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub reason: EvidenceReason,
    pub width: u16,
    pub height: u16,
    pub bytes: usize,
    pub blob_key: String,
}

/// See [`CameraStore::recording_usage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordingUsage {
    pub recordings: u32,
    pub bytes: u64,
    pub known: bool,
}

#[async_trait]
pub trait CameraStore: Send + Sync {
    /// The exam's camera settings (the defaults when none were set).
    async fn exam_camera(&self, exam: ExamId) -> StoreResult<CameraSettings>;
    async fn set_exam_camera(&self, exam: ExamId, settings: &CameraSettings) -> StoreResult<()>;
    /// Raises an automatic flag; `false` when one of that kind is already open.
    async fn raise_auto_flag(
        &self,
        c: CandidateId,
        kind: FlagKind,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Clears an open automatic flag; `false` when none was open.
    async fn clear_auto_flag(
        &self,
        c: CandidateId,
        kind: FlagKind,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn open_auto_flags(&self, c: CandidateId) -> StoreResult<Vec<FlagKind>>;
    async fn open_auto_flags_in_room(
        &self,
        room: RoomId,
    ) -> StoreResult<HashMap<CandidateId, Vec<FlagKind>>>;
    /// Indexes evidence frames (one transaction).
    async fn add_evidence(&self, rows: &[NewEvidence]) -> StoreResult<()>;
    /// A candidate's evidence frames, oldest first.
    async fn evidence(&self, c: CandidateId) -> StoreResult<Vec<EvidenceFrame>>;
    /// One evidence frame's candidate and blob key.
    async fn evidence_blob(&self, id: i64) -> StoreResult<Option<(CandidateId, String)>>;
    /// What the candidate's recordings take: `view`'s recorders, all bytes, and whether
    /// `recorder` is one of them already.
    async fn recording_usage(
        &self,
        c: CandidateId,
        view: View,
        recorder: &str,
    ) -> StoreResult<RecordingUsage>;
    /// The recording of a recorder instance, created if new: its id and next chunk expected.
    async fn open_recording(
        &self,
        c: CandidateId,
        view: View,
        recorder: &str,
        blob_prefix: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<(i64, u32)>;
    /// Records chunk `seq` of `len` bytes as stored, if `seq` is still the next expected.
    async fn advance_recording(
        &self,
        id: i64,
        seq: u32,
        len: usize,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn recordings(&self, c: CandidateId) -> StoreResult<Vec<Recording>>;
    /// A recording's candidate, blob prefix and chunk count.
    async fn recording_blobs(&self, id: i64) -> StoreResult<Option<(CandidateId, String, u32)>>;
}
