//! The live protocol: typed messages on the candidate and proctor WebSockets, shared by the
//! server and the browser. Every message is a JSON object with a `type` tag.
use super::camera::{CameraProblem, CameraProfile, CameraSettings, FrameError};
use super::candidate::{CandidateSelf, CandidateTile};
use super::console::{BrowserEvent, CandidateMessage};
use super::exam::ExamTimes;
use super::ids::CandidateId;
use super::phase::{Phase, PhaseCommand, TransitionError};
use super::presence::{View, ViewPresence};
use super::user::RoomSummary;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Bumped on any incompatible change; peers with another version are refused.
pub const PROTOCOL_VERSION: u32 = 1;
/// WebSocket close code after `revoked` (4000–4999 are the application's).
pub const CLOSE_REVOKED: u16 = 4403;
/// The close code of a socket whose server is stopping (WebSocket's "service restart"): the
/// page reconnects, and lands on another instance.
pub const CLOSE_RESTART: u16 = 1012;
/// Largest text message the server accepts on a socket.
pub const MAX_CLIENT_MESSAGE_BYTES: usize = 16 * 1024;

/// Why the server refused a socket message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ProtocolError {
    /// Not JSON, or not a known message.
    Malformed { detail: String },
    /// The client speaks another protocol version.
    UnsupportedVersion { supported: u32 },
    /// Binary or oversized message where text was expected.
    Unsupported,
    /// The first message must be `hello`.
    HelloRequired,
    /// Candidates may not send this command.
    NotAllowed,
    /// The requested step is not allowed now.
    Transition { error: TransitionError },
    /// The server could not process the message; retry later.
    Internal,
    /// `hello` named the other view than this device's session (the PC's session cannot be
    /// the phone view, nor the phone's the PC view).
    WrongDevice,
}

/// Why the server ended a live socket: the session or the access behind it is gone. The
/// page says so and does not reconnect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokeReason {
    /// This session was signed out.
    SignedOut,
    /// A newer sign-in (PC) or pairing (phone) of the same candidate replaced this session.
    SignedInElsewhere,
    /// The session's time ran out.
    SessionExpired,
    /// The staff account was disabled.
    AccountDisabled,
    /// The staff account's password was changed.
    PasswordChanged,
    /// The room was taken away from this proctor.
    AccessRemoved,
}

/// Candidate page → server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CandidateClientMsg {
    Hello {
        protocol: u32,
        view: View,
    },
    Heartbeat,
    Advance {
        command: PhaseCommand,
    },
    /// The candidate acknowledged a message or warning.
    Ack {
        message: i64,
    },
    /// The candidate asks a proctor for help.
    RaiseHand,
    /// The PC page's window lost or regained focus, or left or entered full screen.
    Browser {
        event: BrowserEvent,
    },
    /// The PC page heard sustained speech-like sound (`true`), or it ended (`false`).
    Sound {
        speaking: bool,
    },
}

/// Server → candidate page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CandidateServerMsg {
    Welcome {
        protocol: u32,
        candidate: CandidateSelf,
        server_time: DateTime<Utc>,
    },
    Phase {
        phase: Phase,
    },
    HeartbeatAck {
        server_time: DateTime<Utc>,
    },
    Error {
        error: ProtocolError,
    },
    /// The capture profile to use now (after `welcome`, and whenever it changes).
    Profile {
        profile: CameraProfile,
    },
    /// Send a camera frame now: a proctor opened the candidate's room, a flag wants the
    /// picture of its moment, or the self-view asks for the phone's picture. The relay keeps
    /// no picture in memory for such moments; the page's capture interval restarts from it.
    Snap,
    /// Whether this exam records video, and how (sent after `welcome`).
    Recording {
        on: bool,
        kbps: u32,
        chunk_ms: u32,
    },
    /// A binary frame was refused (throttling errors at most once a second).
    FrameRefused {
        error: FrameError,
    },
    /// This page's view shows a problem (black, frozen), or it cleared (`None`).
    CameraProblem {
        view: View,
        problem: Option<CameraProblem>,
    },
    /// A message or warning to show until acknowledged (PC pages; re-sent after a
    /// reconnect until acknowledged).
    Message {
        message: CandidateMessage,
    },
    /// The candidate's times changed (extra time): the clock and auto-submit move.
    Times {
        times: ExamTimes,
    },
    /// Whether the candidate's hand is raised (after `welcome` and on change).
    Hand {
        raised: bool,
    },
    /// The session behind this socket ended; the socket closes after this message.
    Revoked {
        reason: RevokeReason,
    },
    /// Whether the PC page listens for sound, and how long speech must last to be reported
    /// (sent to the PC page after `welcome`).
    Listen {
        on: bool,
        secs: u32,
    },
    /// Show (or stop showing) "we cannot see your face" (PC page).
    FacePrompt {
        on: bool,
    },
}

/// Server → proctor frames socket (`/ws/frames`): this text message first, then binary
/// frames (`RelayHeader` + JPEG).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FramesServerMsg {
    Hello {
        protocol: u32,
        settings: CameraSettings,
        server_time: DateTime<Utc>,
    },
    /// Access to the room ended; the socket closes after this message.
    Revoked {
        reason: RevokeReason,
    },
}

/// Proctor page → server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProctorClientMsg {
    /// Ask for a fresh snapshot (after a detected gap).
    Resync,
    Ping,
}

/// Last heartbeat of one candidate's views, sent periodically without a sequence number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Beat {
    pub id: CandidateId,
    pub pc: ViewPresence,
    pub phone: ViewPresence,
}

/// Server → proctor page. `snapshot` then `delta`s with consecutive `seq`; a client that
/// sees a gap sends `resync`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProctorServerMsg {
    Snapshot {
        protocol: u32,
        seq: u64,
        room: RoomSummary,
        tiles: Vec<CandidateTile>,
        server_time: DateTime<Utc>,
    },
    Delta {
        seq: u64,
        tile: CandidateTile,
    },
    Beats {
        server_time: DateTime<Utc>,
        beats: Vec<Beat>,
    },
    Pong,
    Error {
        error: ProtocolError,
    },
    /// Access to the room ended; the socket closes after this message.
    Revoked {
        reason: RevokeReason,
    },
}

/// What a proctor client should do with an incoming sequenced message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeqCheck {
    /// The next one in order: apply it.
    Apply,
    /// Already covered by the snapshot or seen: ignore it.
    Stale,
    /// One or more were missed: ask for a snapshot.
    Gap,
}

/// The client-side ordering rule for deltas.
pub fn check_seq(last_applied: u64, incoming: u64) -> SeqCheck {
    if incoming <= last_applied {
        SeqCheck::Stale
    } else if incoming == last_applied + 1 {
        SeqCheck::Apply
    } else {
        SeqCheck::Gap
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_messages_use_a_type_tag() {
        let m: CandidateClientMsg =
            serde_json::from_str(r#"{"type":"hello","protocol":1,"view":"pc"}"#).expect("parse");
        assert_eq!(m, CandidateClientMsg::Hello { protocol: 1, view: View::Pc });
        let a: CandidateClientMsg =
            serde_json::from_str(r#"{"type":"advance","command":"confirm_identity"}"#)
                .expect("parse");
        assert_eq!(a, CandidateClientMsg::Advance { command: PhaseCommand::ConfirmIdentity });
        assert!(serde_json::from_str::<ProctorClientMsg>(r#"{"type":"nope"}"#).is_err());
    }

    #[test]
    fn sequence_rule_applies_next_ignores_old_and_detects_gaps() {
        assert_eq!(check_seq(5, 6), SeqCheck::Apply);
        assert_eq!(check_seq(5, 5), SeqCheck::Stale);
        assert_eq!(check_seq(5, 3), SeqCheck::Stale);
        assert_eq!(check_seq(5, 8), SeqCheck::Gap);
    }

    #[test]
    fn revocations_name_their_reason() {
        let m = ProctorServerMsg::Revoked { reason: RevokeReason::AccessRemoved };
        let json = serde_json::to_string(&m).expect("json");
        assert_eq!(json, r#"{"type":"revoked","reason":"access_removed"}"#);
    }

    #[test]
    fn errors_carry_a_code() {
        let e = CandidateServerMsg::Error { error: ProtocolError::HelloRequired };
        let json = serde_json::to_string(&e).expect("json");
        assert_eq!(json, r#"{"type":"error","error":{"code":"hello_required"}}"#);
    }
}
