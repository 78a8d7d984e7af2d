//! What the relay asks of a candidate's pages (the capture profile, a frame at once), and the
//! one picture it keeps: a view's latest frame while someone reads it.
use super::{CandidateEntry, FrameHub, Inner};
use bytes::Bytes;
use domain::camera::ProfileKind;
use domain::{CandidateId, RoomId, View};
use std::time::Instant;

/// A view's latest frame is kept for this long after each read of it (the self-view reads
/// every 2 s).
pub const WANTED_MS: u64 = 10_000;
/// How often [`FrameHub::latest`] looks again while it waits for a frame.
const LATEST_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// What the relay asks of a candidate's pages: the capture profile, and one frame at once
/// each time `snap` changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureAsk {
    pub kind: ProfileKind,
    pub snap: u32,
}

impl FrameHub {
    /// The latest frame of a view (relay header + JPEG), waiting up to `within` for one. The
    /// view's frames are kept for [`WANTED_MS`] after each read; a read that finds none asks
    /// the candidate's pages for a frame (one connected here answers within a round trip).
    pub async fn latest(
        &self,
        c: CandidateId,
        view: View,
        within: std::time::Duration,
    ) -> Option<Bytes> {
        let until = Instant::now() + within;
        let mut ask = true;
        loop {
            let now = self.mono_ms();
            let kept = {
                let mut g = self.lock();
                let e = g.views.entry((c, view)).or_default();
                e.wanted_until = now + WANTED_MS;
                let kept = e.latest.clone();
                if kept.is_none() && std::mem::take(&mut ask) {
                    snap(&mut g, c);
                }
                kept
            };
            let left = until.saturating_duration_since(Instant::now());
            if kept.is_some() || left.is_zero() {
                return kept;
            }
            tokio::time::sleep(LATEST_POLL.min(left)).await;
        }
    }
}

pub(super) fn set_profile(ce: &CandidateEntry, kind: ProfileKind) {
    ce.profile.send_if_modified(|a| {
        let changed = a.kind != kind;
        a.kind = kind;
        changed
    });
}

/// Asks candidate `c`'s pages for a frame at once (if they are attached here), and lets each
/// view's bucket admit it even right after a burst.
pub(super) fn snap(g: &mut Inner, c: CandidateId) {
    let Some(ce) = g.candidates.get(&c) else { return };
    ce.profile.send_modify(|a| a.snap = a.snap.wrapping_add(1));
    for v in [View::Pc, View::Phone] {
        if let Some(b) = g.views.get_mut(&(c, v)).and_then(|e| e.bucket.as_mut()) {
            b.grant();
        }
    }
}

/// Asks the pages of every candidate in `room` attached here for a frame at once.
pub(super) fn snap_room(g: &mut Inner, room: RoomId) {
    let here: Vec<CandidateId> =
        g.candidates.iter().filter(|(_, ce)| ce.room == room).map(|(c, _)| *c).collect();
    for c in here {
        snap(g, c);
    }
}
