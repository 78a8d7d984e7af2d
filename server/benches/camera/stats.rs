//! What the load generator counts: sent and received frames, latencies per view socket
//! (send times remembered by sequence number), refusals and server messages by kind, and
//! the report a load process hands to the bench.
use crate::load::{ProctorConn, SLOTS, now_us};
use domain::View;
use domain::camera::{DOWN_HEADER_LEN, RelayHeader, is_jpeg, jpeg_dimensions};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// Counters shared by every socket task. Counters run all the time; the measurement takes
/// differences. Latencies are recorded only while `measuring`.
pub struct Stats {
    pub measuring: AtomicBool,
    pub sent: AtomicU64,
    pub sent_focus: AtomicU64,
    pub sent_bytes: AtomicU64,
    /// Frame ticks skipped because the previous send was still not written.
    pub skipped: AtomicU64,
    pub recv_room: AtomicU64,
    pub recv_focus: AtomicU64,
    pub recv_bytes: AtomicU64,
    pub misrouted: AtomicU64,
    pub corrupt: AtomicU64,
    pub candidate_closed: AtomicU64,
    pub proctor_closed: AtomicU64,
    pub profile_switches: AtomicU64,
    pub heartbeat_acks: AtomicU64,
    /// Latencies taken from the header's ms `captured_ms` (send time no longer remembered).
    pub coarse_latencies: AtomicU64,
    /// Text messages by `type` (`error:<code>` for errors), to candidates and to proctors.
    pub to_candidates: Mutex<BTreeMap<String, u64>>,
    pub to_proctors: Mutex<BTreeMap<String, u64>>,
    /// The first few unexpected events (closes, errors), verbatim.
    pub events: Mutex<Vec<String>>,
    pub lat_room: Mutex<Vec<u32>>,
    pub lat_focus: Mutex<Vec<u32>>,
    base_us: u64,
    sent_at: Vec<AtomicU64>,
    /// Candidate id → position in the plan.
    index: HashMap<i64, usize>,
    /// Room position of each candidate.
    room_of: Vec<usize>,
}

/// A snapshot of the running counters.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Counts {
    pub sent: u64,
    pub sent_focus: u64,
    pub sent_bytes: u64,
    pub skipped: u64,
    pub recv_room: u64,
    pub recv_focus: u64,
    pub recv_bytes: u64,
}

impl Counts {
    pub fn since(self, earlier: Counts) -> Counts {
        Counts {
            sent: self.sent - earlier.sent,
            sent_focus: self.sent_focus - earlier.sent_focus,
            sent_bytes: self.sent_bytes - earlier.sent_bytes,
            skipped: self.skipped - earlier.skipped,
            recv_room: self.recv_room - earlier.recv_room,
            recv_focus: self.recv_focus - earlier.recv_focus,
            recv_bytes: self.recv_bytes - earlier.recv_bytes,
        }
    }
}

/// What a load process measured (`--instances N`), for the bench process to add up: the
/// window's counts, the latencies taken in it, and the running totals of everything else.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Report {
    pub window: Counts,
    pub totals: [u64; 7],
    pub to_candidates: BTreeMap<String, u64>,
    pub to_proctors: BTreeMap<String, u64>,
    pub events: Vec<String>,
    pub lat_room: Vec<u32>,
    pub lat_focus: Vec<u32>,
}

pub fn bump(map: &Mutex<BTreeMap<String, u64>>, key: String) {
    *map.lock().expect("lock").entry(key).or_default() += 1;
}

impl Stats {
    /// `ids[i]` and `rooms[i]`: candidate `i`'s id and room position.
    pub fn new(ids: &[i64], rooms: &[usize]) -> Self {
        Self {
            measuring: AtomicBool::new(false),
            sent: AtomicU64::new(0),
            sent_focus: AtomicU64::new(0),
            sent_bytes: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
            recv_room: AtomicU64::new(0),
            recv_focus: AtomicU64::new(0),
            recv_bytes: AtomicU64::new(0),
            misrouted: AtomicU64::new(0),
            corrupt: AtomicU64::new(0),
            candidate_closed: AtomicU64::new(0),
            proctor_closed: AtomicU64::new(0),
            profile_switches: AtomicU64::new(0),
            heartbeat_acks: AtomicU64::new(0),
            coarse_latencies: AtomicU64::new(0),
            to_candidates: Mutex::default(),
            to_proctors: Mutex::default(),
            events: Mutex::default(),
            lat_room: Mutex::default(),
            lat_focus: Mutex::default(),
            base_us: now_us(),
            sent_at: (0..ids.len() * 2 * SLOTS).map(|_| AtomicU64::new(0)).collect(),
            index: ids.iter().enumerate().map(|(i, &id)| (id, i)).collect(),
            room_of: rooms.to_vec(),
        }
    }

    pub fn counts(&self) -> Counts {
        Counts {
            sent: self.sent.load(Relaxed),
            sent_focus: self.sent_focus.load(Relaxed),
            sent_bytes: self.sent_bytes.load(Relaxed),
            skipped: self.skipped.load(Relaxed),
            recv_room: self.recv_room.load(Relaxed),
            recv_focus: self.recv_focus.load(Relaxed),
            recv_bytes: self.recv_bytes.load(Relaxed),
        }
    }

    /// The counters that are totals since the start, in [`Report::totals`]' order.
    fn totals(&self) -> [&AtomicU64; 7] {
        [
            &self.misrouted,
            &self.corrupt,
            &self.candidate_closed,
            &self.proctor_closed,
            &self.profile_switches,
            &self.heartbeat_acks,
            &self.coarse_latencies,
        ]
    }

    /// This process's report, `window` being the counts measured in the window.
    pub fn report(&self, window: Counts) -> Report {
        let take = |m: &Mutex<Vec<u32>>| std::mem::take(&mut *m.lock().expect("lock"));
        Report {
            window,
            totals: self.totals().map(|a| a.load(Relaxed)),
            to_candidates: self.to_candidates.lock().expect("lock").clone(),
            to_proctors: self.to_proctors.lock().expect("lock").clone(),
            events: self.events.lock().expect("lock").clone(),
            lat_room: take(&self.lat_room),
            lat_focus: take(&self.lat_focus),
        }
    }

    /// Adds a load process's report (its window's counts go onto the running counters).
    pub fn absorb(&self, r: Report) {
        let w = r.window;
        let window = [
            (&self.sent, w.sent),
            (&self.sent_focus, w.sent_focus),
            (&self.sent_bytes, w.sent_bytes),
            (&self.skipped, w.skipped),
            (&self.recv_room, w.recv_room),
            (&self.recv_focus, w.recv_focus),
            (&self.recv_bytes, w.recv_bytes),
        ];
        for (counter, n) in window.into_iter().chain(self.totals().into_iter().zip(r.totals)) {
            counter.fetch_add(n, Relaxed);
        }
        for (mine, theirs) in
            [(&self.to_candidates, r.to_candidates), (&self.to_proctors, r.to_proctors)]
        {
            let mut m = mine.lock().expect("lock");
            for (k, n) in theirs {
                *m.entry(k).or_default() += n;
            }
        }
        for e in r.events {
            self.event(e);
        }
        self.lat_room.lock().expect("lock").extend(r.lat_room);
        self.lat_focus.lock().expect("lock").extend(r.lat_focus);
    }

    pub fn event(&self, what: String) {
        let mut events = self.events.lock().expect("lock");
        if events.len() < 12 {
            events.push(what);
        }
    }

    fn slot(index: usize, view: View, seq: u32) -> usize {
        let v = usize::from(view == View::Phone);
        (index * 2 + v) * SLOTS + seq as usize % SLOTS
    }

    /// Packs (seq, send time) so a reader can tell a stale slot from the frame it holds.
    pub fn mark_sent(&self, index: usize, view: View, seq: u32, t_us: u64) {
        let packed = ((u64::from(seq) & 0xFF_FFFF) << 40)
            | (t_us.saturating_sub(self.base_us) & ((1 << 40) - 1));
        self.sent_at[Self::slot(index, view, seq)].store(packed, Relaxed);
    }

    /// Capture-to-receipt latency of a received frame, in µs.
    fn latency_us(&self, index: usize, h: &RelayHeader, now: u64) -> u64 {
        let packed = self.sent_at[Self::slot(index, h.view, h.seq)].load(Relaxed);
        if packed >> 40 == u64::from(h.seq) & 0xFF_FFFF {
            now.saturating_sub(self.base_us + (packed & ((1 << 40) - 1)))
        } else {
            self.coarse_latencies.fetch_add(1, Relaxed);
            now.saturating_sub(h.captured_ms * 1000)
        }
    }

    pub fn frame_in(&self, p: &ProctorConn, msg: &[u8]) {
        let now = now_us();
        let Some(h) = RelayHeader::parse(msg) else {
            self.corrupt.fetch_add(1, Relaxed);
            return;
        };
        let jpeg = &msg[DOWN_HEADER_LEN..];
        if !is_jpeg(jpeg) || jpeg_dimensions(jpeg) != Some((h.width, h.height)) {
            self.corrupt.fetch_add(1, Relaxed);
        }
        let Some(&index) = self.index.get(&h.candidate.0) else {
            self.misrouted.fetch_add(1, Relaxed);
            return;
        };
        let right = match p.focus {
            Some(id) => id == h.candidate.0,
            None => self.room_of[index] == p.room,
        };
        if !right {
            self.misrouted.fetch_add(1, Relaxed);
        }
        let counter = if p.focus.is_some() { &self.recv_focus } else { &self.recv_room };
        counter.fetch_add(1, Relaxed);
        self.recv_bytes.fetch_add(msg.len() as u64, Relaxed);
        if self.measuring.load(Relaxed) {
            let lat = self.latency_us(index, &h, now).min(u64::from(u32::MAX)) as u32;
            let vec = if p.focus.is_some() { &self.lat_focus } else { &self.lat_room };
            vec.lock().expect("lock").push(lat);
        }
    }
}
