//! What crosses NATS between instances: a versioned JSON envelope. An instance that reads a
//! version it does not know, or bytes it cannot decode, resynchronises instead of guessing.
use super::{BusEvent, Topic};
use crate::presence::{HeldView, PresenceFact};
use serde::{Deserialize, Serialize};

/// The envelope's version; bumped when its meaning changes (2: presence facts only on a
/// change, and digests; an instance of version 1 would take every view offline).
pub const WIRE_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireMsg {
    pub v: u32,
    /// The publishing instance (random per process).
    pub origin: u64,
    pub body: WireBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WireBody {
    /// A committed change; `seq` counts the origin's events without gaps, so a receiver
    /// that sees a jump knows it missed one.
    Event { seq: u64, topic: Topic, event: BusEvent },
    /// A view came or went on the origin (state, not history: the next digest repairs a lost
    /// "came", the silence limit a lost "went").
    Presence { fact: PresenceFact },
    /// Views the origin holds, sent every heartbeat period in parts of at most
    /// [`DIGEST_PART`] views: each keeps its views online on the receivers.
    Digest { views: Vec<HeldView> },
}

/// Views per digest message (~20 bytes each in JSON: a part stays far under NATS's 1 MB).
pub const DIGEST_PART: usize = 2_000;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WireError {
    #[error("wire version {0} is not known here (this instance speaks {WIRE_VERSION})")]
    Version(u32),
    #[error("undecodable bus message: {0}")]
    Malformed(String),
}

pub fn encode(msg: &WireMsg) -> Vec<u8> {
    // Plain data with string keys: serialising it cannot fail.
    serde_json::to_vec(msg).unwrap_or_default()
}

pub fn decode(bytes: &[u8]) -> Result<WireMsg, WireError> {
    #[derive(Deserialize)]
    struct Version {
        v: u32,
    }
    let version: Version =
        serde_json::from_slice(bytes).map_err(|e| WireError::Malformed(e.to_string()))?;
    if version.v != WIRE_VERSION {
        return Err(WireError::Version(version.v));
    }
    serde_json::from_slice(bytes).map_err(|e| WireError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::protocol::RevokeReason;
    use domain::{CandidateId, Phase, RoomId, View};

    #[test]
    fn events_and_presence_round_trip() {
        for body in [
            WireBody::Event {
                seq: 7,
                topic: Topic::Candidate(CandidateId(3)),
                event: BusEvent::PhaseChanged(Phase::InExam),
            },
            WireBody::Event {
                seq: 8,
                topic: Topic::Access(super::super::Subject::Candidate(CandidateId(3))),
                event: BusEvent::AccessChanged(RevokeReason::SignedOut),
            },
            WireBody::Presence {
                fact: PresenceFact {
                    candidate: CandidateId(3),
                    room: RoomId(1),
                    view: View::Phone,
                    online: true,
                },
            },
            WireBody::Digest {
                views: vec![
                    HeldView(CandidateId(3), RoomId(1), View::Pc),
                    HeldView(CandidateId(4), RoomId(2), View::Phone),
                ],
            },
        ] {
            let msg = WireMsg { v: WIRE_VERSION, origin: 42, body };
            assert_eq!(decode(&encode(&msg)), Ok(msg));
        }
    }

    #[test]
    fn a_digest_is_compact() {
        let views = vec![HeldView(CandidateId(123_456), RoomId(12), View::Phone); DIGEST_PART];
        let msg = WireMsg { v: WIRE_VERSION, origin: u64::MAX, body: WireBody::Digest { views } };
        let bytes = encode(&msg).len();
        assert!(bytes < 64 * 1024, "{bytes} bytes");
    }

    #[test]
    fn another_version_or_garbage_is_refused_by_name() {
        assert_eq!(decode(br#"{"v":1,"origin":1,"body":{}}"#), Err(WireError::Version(1)));
        assert_eq!(decode(br#"{"v":3,"origin":1,"body":{}}"#), Err(WireError::Version(3)));
        assert!(matches!(decode(b"not json"), Err(WireError::Malformed(_))));
        assert!(matches!(decode(br#"{"v":2,"origin":1}"#), Err(WireError::Malformed(_))));
    }
}
