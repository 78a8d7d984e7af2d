//! The camera relay between instances. A candidate's frames arrive on the instance that holds
//! the page's socket; that instance checks them, keeps the evidence and watches the view's
//! health (once per view, wherever its proctors are), and forwards each frame to the other
//! instances only while one of them says it has proctors on the candidate's room. Each
//! instance says every second which rooms its proctors watch and which candidates they have
//! open; a candidate open elsewhere is on the focus profile here too, and an instance that
//! stops saying so is forgotten after [`WATCH_TTL_MS`].
use super::{FrameHub, Inner, set_profile, unwatch};
use bytes::Bytes;
use domain::camera::{ProfileKind, RelayHeader};
use domain::{CandidateId, RoomId};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// How long another instance's word on what it watches holds without being repeated.
pub const WATCH_TTL_MS: u64 = 5_000;

/// The other instances, as the relay sees them (NATS in `bus::frames`).
pub trait FrameLink: Send + Sync + 'static {
    /// A frame (relay header + JPEG) of a room another instance watches.
    fn forward(&self, room: RoomId, frame: Bytes);
    /// What this instance's proctors watch now: rooms, and candidates opened in detail.
    fn watching(&self, rooms: Vec<RoomId>, focus: Vec<CandidateId>);
}

struct Watch {
    rooms: HashSet<RoomId>,
    focus: HashSet<CandidateId>,
    at: u64,
}

#[derive(Default)]
pub(super) struct RemoteWatch {
    origins: HashMap<u64, Watch>,
}

impl RemoteWatch {
    /// Whether another instance has proctors on `room` (or on `c`).
    pub(super) fn watched(&self, room: RoomId, c: CandidateId) -> bool {
        self.origins.values().any(|w| w.rooms.contains(&room) || w.focus.contains(&c))
    }

    /// Replaces `origin`'s word; returns what changed since.
    fn update(
        &mut self,
        origin: u64,
        rooms: Vec<RoomId>,
        focus: Vec<CandidateId>,
        now: u64,
    ) -> WatchChange {
        let focus: HashSet<CandidateId> = focus.into_iter().collect();
        let rooms: HashSet<RoomId> = rooms.into_iter().collect();
        let before = self.origins.remove(&origin);
        let (rooms_before, focus_before) = before.map(|w| (w.rooms, w.focus)).unwrap_or_default();
        let change = WatchChange {
            rooms: rooms.difference(&rooms_before).copied().collect(),
            opened: focus.difference(&focus_before).copied().collect(),
            closed: focus_before.difference(&focus).copied().collect(),
        };
        self.origins.insert(origin, Watch { rooms, focus, at: now });
        change
    }

    /// Forgets instances silent for [`WATCH_TTL_MS`]; returns the candidates they had open.
    pub(super) fn expire(&mut self, now: u64) -> Vec<CandidateId> {
        let mut closed = Vec::new();
        self.origins.retain(|_, w| {
            let live = now.saturating_sub(w.at) < WATCH_TTL_MS;
            if !live {
                closed.extend(w.focus.iter().copied());
            }
            live
        });
        closed
    }
}

/// What another instance's proctors started or stopped watching.
#[derive(Debug, Default, PartialEq)]
struct WatchChange {
    /// Rooms it started watching.
    rooms: Vec<RoomId>,
    /// Candidates it opened.
    opened: Vec<CandidateId>,
    /// Candidates it closed.
    closed: Vec<CandidateId>,
}

/// What this instance's own proctors watch.
fn local_watch(g: &Inner) -> (Vec<RoomId>, Vec<CandidateId>) {
    let rooms = g.rooms.keys().copied().collect();
    let mut focus: Vec<CandidateId> =
        g.rooms.values().flat_map(|l| l.iter().filter_map(|s| s.only)).collect();
    focus.sort_unstable_by_key(|c| c.0);
    focus.dedup();
    (rooms, focus)
}

impl FrameHub {
    /// Connects the relay to the other instances (set once, at start-up).
    pub fn set_link(&self, link: Arc<dyn FrameLink>) {
        let _ = self.link.set(link);
    }

    /// Tells the other instances what this one's proctors watch.
    pub(super) fn tell_watching(&self) {
        let Some(link) = self.link.get() else { return };
        let (rooms, focus) = local_watch(&self.lock());
        link.watching(rooms, focus);
    }

    /// What another instance's proctors watch (repeated every second while it lives).
    pub fn remote_watching(&self, origin: u64, rooms: Vec<RoomId>, focus: Vec<CandidateId>) {
        let now = self.mono_ms();
        let mut g = self.lock();
        let WatchChange { rooms, opened, closed } = g.remote.update(origin, rooms, focus, now);
        // Its proctors see the room's pictures once the pages here answer.
        for room in rooms {
            super::snap_room(&mut g, room);
        }
        for c in &opened {
            let f = g.focus.entry(*c).or_default();
            f.watchers += 1;
            f.unfocused_at = None;
            if let Some(ce) = g.candidates.get(c) {
                set_profile(ce, ProfileKind::Focus);
            }
        }
        for c in closed {
            unwatch(&mut g, c, now);
        }
        drop(g);
        for c in opened {
            self.reset_buckets(c);
        }
    }

    /// A frame another instance received and checked, for this instance's proctors of `room`:
    /// latest wins per view, as for the frames received here (and kept while it is read).
    pub fn relay_remote(&self, room: RoomId, frame: Bytes) {
        let Some(h) = RelayHeader::parse(&frame) else {
            tracing::debug!(%room, "a forwarded frame without a relay header was ignored");
            return;
        };
        let now = self.mono_ms();
        let mut g = self.lock();
        let view = g.views.entry((h.candidate, h.view)).or_default();
        view.latest = (view.wanted_until > now).then(|| frame.clone());
        let subs = g.rooms.get(&room).cloned();
        drop(g);
        for s in subs.iter().flat_map(|l| l.iter()).filter(|s| s.wants(h.candidate)) {
            s.push(h.candidate, h.view, frame.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_that_stops_saying_what_it_watches_is_forgotten() {
        let mut w = RemoteWatch::default();
        let (c1, c2) = (CandidateId(1), CandidateId(2));
        let change = |rooms: &[i64], opened, closed| WatchChange {
            rooms: rooms.iter().map(|r| RoomId(*r)).collect(),
            opened,
            closed,
        };
        assert_eq!(w.update(7, vec![RoomId(1)], vec![c1], 0), change(&[1], vec![c1], vec![]));
        assert!(w.watched(RoomId(1), c2) && !w.watched(RoomId(2), c2));
        // Repeated: nothing new; then c1 closed and c2 opened; then room 2 watched as well.
        assert_eq!(w.update(7, vec![RoomId(1)], vec![c1], 1_000), change(&[], vec![], vec![]));
        assert_eq!(w.update(7, vec![RoomId(1)], vec![c2], 2_000), change(&[], vec![c2], vec![c1]));
        assert_eq!(
            w.update(7, vec![RoomId(1), RoomId(2)], vec![c2], 2_000),
            change(&[2], vec![], vec![])
        );
        assert!(w.expire(2_000 + WATCH_TTL_MS - 1).is_empty());
        assert_eq!(w.expire(2_000 + WATCH_TTL_MS), vec![c2]);
        assert!(!w.watched(RoomId(1), c2));
    }
}
