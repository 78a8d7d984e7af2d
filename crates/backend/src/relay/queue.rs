//! A proctor connection's outgoing frames: one slot per candidate view, in arrival order.
//! A newer frame of a view replaces its older unsent one in place, so the queue never holds
//! more than one frame per view and a slow reader costs no memory growth, only skipped
//! frames (counted).
use bytes::Bytes;
use domain::{CandidateId, View};
use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Notify;

type Key = (CandidateId, View);

#[derive(Default)]
struct Slots {
    order: VecDeque<Key>,
    frames: HashMap<Key, Bytes>,
}

/// One subscriber (a proctor's frames socket).
pub struct Subscriber {
    /// Only this candidate's frames (a candidate opened in detail), or the whole room.
    pub only: Option<CandidateId>,
    slots: Mutex<Slots>,
    notify: Notify,
    replaced: AtomicU64,
}

impl Subscriber {
    pub fn new(only: Option<CandidateId>) -> Self {
        Self { only, slots: Mutex::default(), notify: Notify::new(), replaced: AtomicU64::new(0) }
    }

    pub fn wants(&self, c: CandidateId) -> bool {
        self.only.is_none_or(|o| o == c)
    }

    /// Queues `frame` for `(candidate, view)`, replacing an unsent older one.
    pub fn push(&self, candidate: CandidateId, view: View, frame: Bytes) {
        let key = (candidate, view);
        let mut s = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if s.frames.insert(key, frame).is_some() {
            self.replaced.fetch_add(1, Ordering::Relaxed);
        } else {
            s.order.push_back(key);
        }
        drop(s);
        self.notify.notify_one();
    }

    /// The oldest queued frame, if any.
    pub fn pop(&self) -> Option<Bytes> {
        let mut s = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let key = s.order.pop_front()?;
        s.frames.remove(&key)
    }

    /// Waits until something was pushed since the last call.
    pub async fn ready(&self) {
        self.notify.notified().await;
    }

    /// Frames currently waiting.
    pub fn len(&self) -> usize {
        self.slots.lock().unwrap_or_else(|p| p.into_inner()).order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Frames replaced before they were sent (the reader was slower than the senders).
    pub fn replaced(&self) -> u64 {
        self.replaced.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_frame_replaces_the_unsent_older_one_of_its_view() {
        let s = Subscriber::new(None);
        let (a, b) = (CandidateId(1), CandidateId(2));
        s.push(a, View::Pc, Bytes::from_static(b"a1"));
        s.push(b, View::Pc, Bytes::from_static(b"b1"));
        s.push(a, View::Pc, Bytes::from_static(b"a2"));
        s.push(a, View::Phone, Bytes::from_static(b"ap1"));
        assert_eq!(s.len(), 3);
        assert_eq!(s.replaced(), 1);
        // a's slot keeps its place; its frame is the newest.
        assert_eq!(s.pop().as_deref(), Some(&b"a2"[..]));
        assert_eq!(s.pop().as_deref(), Some(&b"b1"[..]));
        assert_eq!(s.pop().as_deref(), Some(&b"ap1"[..]));
        assert_eq!(s.pop(), None);
    }

    #[test]
    fn memory_is_bounded_by_views_not_by_frames() {
        let s = Subscriber::new(None);
        for i in 0..10_000u32 {
            let c = CandidateId(i64::from(i % 50));
            s.push(c, View::Pc, Bytes::from(i.to_be_bytes().to_vec()));
        }
        assert_eq!(s.len(), 50);
    }
}
