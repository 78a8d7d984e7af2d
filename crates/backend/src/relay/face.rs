//! A PC frame handed to the face checks (`service::watch`): the relay picks one per candidate
//! every `check_secs` during the exam and never waits for the checks (a full queue drops the
//! frame and counts it).
use bytes::Bytes;
use domain::watch::WatchSettings;
use domain::{CandidateId, ExamId};

/// Frames waiting for a check before new ones are dropped: a few seconds of checks (a
/// queued frame holds its bytes after the relay moved on to a newer one).
pub const QUEUE: usize = 512;

#[derive(Debug, Clone)]
pub struct FaceJob {
    pub candidate: CandidateId,
    pub exam: ExamId,
    /// The exam's watch settings when the frame came.
    pub watch: WatchSettings,
    /// When the frame came (the relay's monotonic ms).
    pub at_ms: u64,
    /// The relayed bytes (header + JPEG).
    pub frame: Bytes,
}
