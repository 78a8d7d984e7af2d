//! What crosses NATS between instances: a versioned JSON envelope. An instance that reads a
//! version it does not know, or bytes it cannot decode, resynchronises instead of guessing.
use super::{BusEvent, Topic};
use crate::presence::PresenceFact;
use serde::{Deserialize, Serialize};

/// The envelope's version; bumped when its meaning changes.
pub const WIRE_VERSION: u32 = 1;

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
    /// A view connected, beat or closed on the origin (state, not history: the next beat
    /// repairs a lost one).
    Presence { fact: PresenceFact },
}

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
        ] {
            let msg = WireMsg { v: WIRE_VERSION, origin: 42, body };
            assert_eq!(decode(&encode(&msg)), Ok(msg));
        }
    }

    #[test]
    fn another_version_or_garbage_is_refused_by_name() {
        assert_eq!(decode(br#"{"v":2,"origin":1,"body":{}}"#), Err(WireError::Version(2)));
        assert!(matches!(decode(b"not json"), Err(WireError::Malformed(_))));
        assert!(matches!(decode(br#"{"v":1,"origin":1}"#), Err(WireError::Malformed(_))));
    }
}
