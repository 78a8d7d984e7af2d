//! Camera frames: the binary wire format of a frame (candidate → server and server →
//! proctor), the checks every frame passes, the per-exam capture profiles and the rules that
//! tell a healthy view from a black or frozen one. Pure and WASM-safe.
use super::ids::CandidateId;
use super::phase::Phase;
use super::presence::View;
use serde::{Deserialize, Serialize};

/// Bytes before the JPEG in a candidate's frame.
pub const UP_HEADER_LEN: usize = 20;
/// Bytes before the JPEG in a frame sent to a proctor.
pub const DOWN_HEADER_LEN: usize = 36;
/// Wire-format version of both headers.
pub const FRAME_VERSION: u8 = 1;
const UP_MAGIC: u8 = b'V';
const DOWN_MAGIC: u8 = b'F';
/// Largest JPEG accepted in one frame.
pub const MAX_FRAME_BYTES: usize = 256 * 1024;
/// Largest picture accepted (either way round).
pub const MAX_FRAME_WIDTH: u16 = 1280;
pub const MAX_FRAME_HEIGHT: u16 = 960;

/// Why a frame was refused. Sent back to the sender, counted, never stored or relayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FrameError {
    #[error("the frame header is missing or malformed")]
    BadHeader,
    #[error("the frame is larger than {max} bytes")]
    TooLarge { max: usize },
    #[error("the payload is not a JPEG picture")]
    NotJpeg,
    #[error("the declared size does not match the picture")]
    BadDimensions,
    #[error("this view is not switched on")]
    ViewNotOn,
    #[error("the frame is for the other view than this connection")]
    WrongView,
    #[error("the sequence number did not increase")]
    OutOfOrder,
    #[error("frames are coming faster than the profile allows")]
    TooFast,
}

impl FrameError {
    /// A stable name for counters and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            FrameError::BadHeader => "bad_header",
            FrameError::TooLarge { .. } => "too_large",
            FrameError::NotJpeg => "not_jpeg",
            FrameError::BadDimensions => "bad_dimensions",
            FrameError::ViewNotOn => "view_not_on",
            FrameError::WrongView => "wrong_view",
            FrameError::OutOfOrder => "out_of_order",
            FrameError::TooFast => "too_fast",
        }
    }

    pub const ALL: [FrameError; 8] = [
        FrameError::BadHeader,
        FrameError::TooLarge { max: MAX_FRAME_BYTES },
        FrameError::NotJpeg,
        FrameError::BadDimensions,
        FrameError::ViewNotOn,
        FrameError::WrongView,
        FrameError::OutOfOrder,
        FrameError::TooFast,
    ];
}

fn view_byte(v: View) -> u8 {
    match v {
        View::Pc => 0,
        View::Phone => 1,
    }
}

fn view_of(b: u8) -> Option<View> {
    match b {
        0 => Some(View::Pc),
        1 => Some(View::Phone),
        _ => None,
    }
}

/// The header a candidate page puts before each JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    pub view: View,
    /// Per connection, strictly increasing.
    pub seq: u32,
    /// Capture time on the sender's clock, ms since the Unix epoch.
    pub captured_ms: u64,
    pub width: u16,
    pub height: u16,
}

impl FrameHeader {
    /// The header's bytes (big-endian numbers).
    pub fn encode(&self) -> [u8; UP_HEADER_LEN] {
        let mut b = [0u8; UP_HEADER_LEN];
        b[0] = UP_MAGIC;
        b[1] = FRAME_VERSION;
        b[2] = view_byte(self.view);
        b[4..8].copy_from_slice(&self.seq.to_be_bytes());
        b[8..16].copy_from_slice(&self.captured_ms.to_be_bytes());
        b[16..18].copy_from_slice(&self.width.to_be_bytes());
        b[18..20].copy_from_slice(&self.height.to_be_bytes());
        b
    }

    /// Splits a candidate's binary message into its header and JPEG, checking the header,
    /// the size cap, the JPEG markers and that the picture is as large as declared.
    pub fn parse(msg: &[u8]) -> Result<(FrameHeader, &[u8]), FrameError> {
        if msg.len() < UP_HEADER_LEN || msg[0] != UP_MAGIC || msg[1] != FRAME_VERSION {
            return Err(FrameError::BadHeader);
        }
        let view = view_of(msg[2]).ok_or(FrameError::BadHeader)?;
        let h = FrameHeader {
            view,
            seq: u32::from_be_bytes([msg[4], msg[5], msg[6], msg[7]]),
            captured_ms: u64::from_be_bytes(
                msg[8..16].try_into().map_err(|_| FrameError::BadHeader)?,
            ),
            width: u16::from_be_bytes([msg[16], msg[17]]),
            height: u16::from_be_bytes([msg[18], msg[19]]),
        };
        let jpeg = &msg[UP_HEADER_LEN..];
        if jpeg.len() > MAX_FRAME_BYTES {
            return Err(FrameError::TooLarge { max: MAX_FRAME_BYTES });
        }
        if !is_jpeg(jpeg) {
            return Err(FrameError::NotJpeg);
        }
        let sane =
            (1..=MAX_FRAME_WIDTH).contains(&h.width) && (1..=MAX_FRAME_HEIGHT).contains(&h.height);
        if !sane || jpeg_dimensions(jpeg) != Some((h.width, h.height)) {
            return Err(FrameError::BadDimensions);
        }
        Ok((h, jpeg))
    }
}

/// The header of a frame on its way to a proctor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayHeader {
    pub candidate: CandidateId,
    pub view: View,
    pub seq: u32,
    pub captured_ms: u64,
    /// When the server accepted it (server clock, ms since the Unix epoch).
    pub received_ms: u64,
    pub width: u16,
    pub height: u16,
}

impl RelayHeader {
    pub fn encode(&self) -> [u8; DOWN_HEADER_LEN] {
        let mut b = [0u8; DOWN_HEADER_LEN];
        b[0] = DOWN_MAGIC;
        b[1] = FRAME_VERSION;
        b[2] = view_byte(self.view);
        b[4..12].copy_from_slice(&self.candidate.0.to_be_bytes());
        b[12..16].copy_from_slice(&self.seq.to_be_bytes());
        b[16..24].copy_from_slice(&self.captured_ms.to_be_bytes());
        b[24..32].copy_from_slice(&self.received_ms.to_be_bytes());
        b[32..34].copy_from_slice(&self.width.to_be_bytes());
        b[34..36].copy_from_slice(&self.height.to_be_bytes());
        b
    }

    /// Reads the header of a relayed frame; the JPEG follows at [`DOWN_HEADER_LEN`].
    pub fn parse(msg: &[u8]) -> Option<RelayHeader> {
        if msg.len() < DOWN_HEADER_LEN || msg[0] != DOWN_MAGIC || msg[1] != FRAME_VERSION {
            return None;
        }
        let u64_at = |i: usize| msg[i..i + 8].try_into().ok().map(u64::from_be_bytes);
        Some(RelayHeader {
            view: view_of(msg[2])?,
            candidate: CandidateId(i64::from_be_bytes(msg[4..12].try_into().ok()?)),
            seq: u32::from_be_bytes(msg[12..16].try_into().ok()?),
            captured_ms: u64_at(16)?,
            received_ms: u64_at(24)?,
            width: u16::from_be_bytes([msg[32], msg[33]]),
            height: u16::from_be_bytes([msg[34], msg[35]]),
        })
    }
}

/// Starts with the SOI marker and ends with EOI.
pub fn is_jpeg(b: &[u8]) -> bool {
    b.len() > 4 && b[..3] == [0xFF, 0xD8, 0xFF] && b[b.len() - 2..] == [0xFF, 0xD9]
}

/// Width and height from the JPEG's start-of-frame marker, found by walking the segments
/// (no decoding).
pub fn jpeg_dimensions(b: &[u8]) -> Option<(u16, u16)> {
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        let sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if sof {
            if i + 9 > b.len() {
                return None;
            }
            let h = u16::from_be_bytes([b[i + 5], b[i + 6]]);
            let w = u16::from_be_bytes([b[i + 7], b[i + 8]]);
            return Some((w, h));
        }
        if marker == 0xDA || len < 2 {
            return None; // scan data before any frame header
        }
        i += 2 + len;
    }
    None
}

/// Whether a view may send frames in `phase`: the PC view from "first view on", the phone
/// from "second view on", both until the sitting is submitted.
pub fn view_is_on(view: View, phase: Phase) -> bool {
    let from = match view {
        View::Pc => Phase::FirstViewOn,
        View::Phone => Phase::SecondViewOn,
    };
    phase.rank() >= from.rank() && !matches!(phase, Phase::Submitted(_))
}

/// Which capture profile a candidate's pages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// Everyone, all the time: small and slow.
    Grid,
    /// While at least one proctor has the candidate open.
    Focus,
}

/// Size, rate and quality of one capture profile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CameraProfile {
    pub kind: ProfileKind,
    pub width: u16,
    pub height: u16,
    /// One frame every `interval_ms`.
    pub interval_ms: u32,
    /// JPEG quality 0..1, passed to the encoder explicitly.
    pub quality: f32,
}

/// An exam's camera settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CameraSettings {
    pub grid: CameraProfile,
    pub focus: CameraProfile,
    /// One evidence frame per view every this many seconds.
    pub sample_secs: u32,
    /// A view showing identical frames this long is frozen.
    pub frozen_secs: u32,
    /// Video recordings (MediaRecorder, WebM) of both views; off unless the exam sets it.
    #[serde(default)]
    pub recording: bool,
    /// Recording bitrate per camera, kbit/s.
    #[serde(default = "default_recording_kbps")]
    pub recording_kbps: u32,
    /// One recording chunk every this many ms.
    #[serde(default = "default_chunk_ms")]
    pub recording_chunk_ms: u32,
    /// The automatic watch: face checks, sound, the integrity score's weights.
    #[serde(default)]
    pub watch: super::watch::WatchSettings,
}

fn default_recording_kbps() -> u32 {
    200
}

fn default_chunk_ms() -> u32 {
    5000
}

impl Default for CameraSettings {
    fn default() -> Self {
        Self {
            grid: CameraProfile {
                kind: ProfileKind::Grid,
                width: 320,
                height: 240,
                interval_ms: 2000,
                quality: 0.6,
            },
            focus: CameraProfile {
                kind: ProfileKind::Focus,
                width: 640,
                height: 480,
                interval_ms: 200,
                quality: 0.65,
            },
            sample_secs: 30,
            frozen_secs: 20,
            recording: false,
            recording_kbps: default_recording_kbps(),
            recording_chunk_ms: default_chunk_ms(),
            watch: super::watch::WatchSettings::default(),
        }
    }
}

impl CameraSettings {
    pub fn profile(&self, kind: ProfileKind) -> CameraProfile {
        match kind {
            ProfileKind::Grid => self.grid,
            ProfileKind::Focus => self.focus,
        }
    }

    /// A view is stale when no frame came for three grid periods.
    pub fn stale_after_ms(&self) -> u64 {
        u64::from(self.grid.interval_ms) * 3
    }
}

/// The admission rule for a view's frames: a token bucket refilled at the profile's rate
/// (with slack for jitter), holding a few frames. Times in ms on any monotonic clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameBucket {
    tokens: f64,
    last_ms: u64,
}

/// Frames a view may send in a burst.
pub const BUCKET_DEPTH: f64 = 3.0;
/// Allowed rate over the profile's, for timer jitter.
pub const RATE_SLACK: f64 = 1.25;

impl FrameBucket {
    pub fn new(now_ms: u64) -> Self {
        Self { tokens: BUCKET_DEPTH, last_ms: now_ms }
    }

    /// Takes one frame's token at `now_ms` if there is one.
    pub fn admit(&mut self, profile: &CameraProfile, now_ms: u64) -> bool {
        let elapsed = now_ms.saturating_sub(self.last_ms) as f64;
        self.last_ms = now_ms.max(self.last_ms);
        let per_ms = RATE_SLACK / f64::from(profile.interval_ms.max(1));
        self.tokens = (self.tokens + elapsed * per_ms).min(BUCKET_DEPTH);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// A new profile starts with a full bucket (the client switches rate at once).
    pub fn reset(&mut self, now_ms: u64) {
        *self = Self::new(now_ms);
    }

    /// One more frame's token (up to the depth): the server asked for a frame at once.
    pub fn grant(&mut self) {
        self.tokens = (self.tokens + 1.0).min(BUCKET_DEPTH);
    }
}

/// What is wrong with a view's picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CameraProblem {
    /// The picture is (nearly) black: covered or off.
    Black,
    /// The same picture for too long: the camera stopped.
    Frozen,
}

/// Mean luma (0..255) at or below which a frame counts as black.
pub const BLACK_LUMA: f64 = 16.0;
/// A view is black after this long of black frames.
pub const BLACK_AFTER_MS: u64 = 4_000;
/// Frames at most this many bytes per pixel are decoded to test for black; a real scene's
/// JPEG is larger (noise and detail), so most frames are never decoded.
pub const BLACK_CANDIDATE_BYTES_PER_PIXEL: f64 = 0.05;

/// Whether a frame of `bytes` for `w`×`h` is small enough to be worth decoding for black.
pub fn maybe_black(bytes: usize, w: u16, h: u16) -> bool {
    (bytes as f64) <= BLACK_CANDIDATE_BYTES_PER_PIXEL * f64::from(w) * f64::from(h)
}

/// Tracks one view's health from frame observations. Times in ms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthTracker {
    last_hash: Option<u64>,
    same_since_ms: Option<u64>,
    black_since_ms: Option<u64>,
    problem: Option<CameraProblem>,
}

impl HealthTracker {
    /// Records a frame (hash of its bytes, whether it is black) at `now_ms`. Returns the
    /// view's problem when it changed (`Some(None)`: the problem cleared).
    pub fn observe(
        &mut self,
        hash: u64,
        black: bool,
        now_ms: u64,
        frozen_secs: u32,
    ) -> Option<Option<CameraProblem>> {
        if self.last_hash == Some(hash) {
            self.same_since_ms.get_or_insert(now_ms);
        } else {
            self.last_hash = Some(hash);
            self.same_since_ms = Some(now_ms);
        }
        self.black_since_ms =
            if black { Some(self.black_since_ms.unwrap_or(now_ms)) } else { None };
        // A black picture is black, not frozen (a covered camera also repeats itself).
        let frozen = !black
            && self
                .same_since_ms
                .is_some_and(|s| now_ms.saturating_sub(s) >= u64::from(frozen_secs) * 1000);
        let is_black =
            self.black_since_ms.is_some_and(|s| now_ms.saturating_sub(s) >= BLACK_AFTER_MS);
        // Black wins: a covered camera also sends identical frames.
        let now = if is_black {
            Some(CameraProblem::Black)
        } else if frozen {
            Some(CameraProblem::Frozen)
        } else {
            None
        };
        if now == self.problem {
            None
        } else {
            self.problem = now;
            Some(now)
        }
    }

    pub fn problem(&self) -> Option<CameraProblem> {
        self.problem
    }
}

/// Whether an evidence sample is due: the first frame of a view, then one every `every_secs`.
pub fn sample_due(last_sample_ms: Option<u64>, now_ms: u64, every_secs: u32) -> bool {
    match last_sample_ms {
        None => true,
        Some(last) => now_ms.saturating_sub(last) >= u64::from(every_secs) * 1000,
    }
}

/// Why an evidence frame was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceReason {
    /// The periodic sample.
    Sample,
    /// Around a flag.
    Flag,
}

impl EvidenceReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceReason::Sample => "sample",
            EvidenceReason::Flag => "flag",
        }
    }
}

/// One kept evidence frame, as the candidate's review page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceFrame {
    pub id: i64,
    pub view: View,
    pub seq: u32,
    pub captured_at: chrono::DateTime<chrono::Utc>,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub reason: EvidenceReason,
    pub width: u16,
    pub height: u16,
}

#[cfg(test)]
#[path = "camera_tests.rs"]
mod tests;
