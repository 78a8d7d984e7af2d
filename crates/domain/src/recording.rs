//! Optional per-exam video recordings: each camera page's MediaRecorder (WebM, a chunk every
//! few seconds) uploads its chunks in order; each recorder instance (a page load, a camera
//! restart) makes its own file. The rules for accepting a chunk are here.
use super::presence::View;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Largest chunk accepted.
pub const MAX_CHUNK_BYTES: usize = 4 * 1024 * 1024;

/// What to do with chunk `seq` when `next` is the one expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkDecision {
    /// The expected one: store it.
    Append,
    /// Already stored (a retried upload): acknowledge, store nothing.
    Duplicate,
    /// One or more missing before it: refuse, asking for `expected`.
    Gap { expected: u32 },
}

pub fn decide_chunk(next: u32, seq: u32) -> ChunkDecision {
    if seq < next {
        ChunkDecision::Duplicate
    } else if seq == next {
        ChunkDecision::Append
    } else {
        ChunkDecision::Gap { expected: next }
    }
}

/// A recorder id: 8 to 40 characters of `[a-z0-9]`, made by the page.
pub fn valid_recorder(id: &str) -> bool {
    (8..=40).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The first chunk of a recorder starts with the EBML header of a WebM file.
pub fn is_webm_start(b: &[u8]) -> bool {
    b.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])
}

/// One recording (one recorder instance) as the review page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    pub id: i64,
    pub view: View,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub chunks: u32,
    pub bytes: u64,
}

/// The answer to an accepted (or duplicate) chunk: the next sequence number expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkAck {
    pub next: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_taken_in_order_retries_are_harmless_and_gaps_refused() {
        assert_eq!(decide_chunk(0, 0), ChunkDecision::Append);
        assert_eq!(decide_chunk(3, 1), ChunkDecision::Duplicate);
        assert_eq!(decide_chunk(3, 5), ChunkDecision::Gap { expected: 3 });
    }

    #[test]
    fn recorder_ids_and_webm_headers_are_checked() {
        assert!(valid_recorder("a1b2c3d4"));
        assert!(!valid_recorder("short"));
        assert!(!valid_recorder("../../etc/passwd"));
        assert!(!valid_recorder("ABCDEFGH"));
        assert!(is_webm_start(&[0x1A, 0x45, 0xDF, 0xA3, 0x01]));
        assert!(!is_webm_start(b"RIFF...."));
    }
}
