//! The camera relay: checks each frame a candidate page sends, pushes it to the proctors
//! watching the candidate's room (latest wins per proctor connection), sets each candidate's
//! capture profile (focus while a proctor has the candidate open), tracks each view's health
//! and picks the frames kept as evidence. In memory, single instance; the evidence goes to
//! the blob store and the database through [`evidence`].
//!
//! No picture stays in memory once relayed, except a view someone reads over HTTP (the
//! self-view, for [`WANTED_MS`] after each read): at 10,000 views the latest frames were
//! about half of the memory the relay used beyond the bare relay's. Where a picture is wanted at once
//! (a proctor opens a room, a flag is raised, the first read of a view) the relay asks the
//! pages for one ([`CaptureAsk::snap`]), which comes within a round trip.
mod ask;
pub mod evidence;
pub mod face;
mod picture;
pub mod queue;
mod remote;
mod sinks;
mod stats;
pub mod synthetic;

use crate::clock::{Clock, SystemClock};
pub use ask::{CaptureAsk, WANTED_MS};
use ask::{set_profile, snap_room};
use bytes::{Bytes, BytesMut};
use domain::camera::{
    CameraProblem, CameraSettings, DOWN_HEADER_LEN, EvidenceReason, FrameBucket, FrameError,
    FrameHeader, HealthTracker, ProfileKind, RelayHeader, maybe_black, sample_due, view_is_on,
};
use domain::watch::FOLLOW_UP_SECS;
use domain::{CandidateId, ExamId, Phase, RoomId, View};
use evidence::EvidenceJob;
use picture::hash_of;
pub use picture::is_black;
pub use queue::Subscriber;
pub use remote::FrameLink;
use rustc_hash::FxHashMap as HashMap;
pub use stats::FrameStats;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;
use tokio::sync::{mpsc, watch};

/// How long a candidate stays on the focus profile after the last proctor closed it.
pub const FOCUS_GRACE_MS: u64 = 3_000;
/// After a flag, every frame of the candidate for this long is kept as evidence.
pub const FLAG_WINDOW_MS: u64 = 10_000;

/// Milliseconds since the Unix epoch (the clock in frame headers).
pub fn epoch_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
}

struct CandidateEntry {
    room: RoomId,
    exam: ExamId,
    settings: CameraSettings,
    profile: watch::Sender<CaptureAsk>,
    evidence_until: u64,
    /// The face checks suspect something: checked every `FOLLOW_UP_SECS`.
    face_soon: bool,
}

/// Proctors who have a candidate open. Kept apart from the attached candidates: a proctor
/// may open a candidate whose pages are not connected (yet, or again after a restart).
#[derive(Default)]
struct Focus {
    watchers: u32,
    /// When the last watcher left (monotonic ms), until the grace period ends.
    unfocused_at: Option<u64>,
}

#[derive(Default)]
struct ViewEntry {
    /// The latest frame, kept only while someone reads it (until `wanted_until`).
    latest: Option<Bytes>,
    wanted_until: u64,
    bucket: Option<FrameBucket>,
    health: HealthTracker,
    last_sample: Option<u64>,
    /// When the next frame goes to the face checks (set at the view's first frame).
    next_face_check: Option<u64>,
}

#[derive(Default)]
struct Inner {
    candidates: HashMap<CandidateId, CandidateEntry>,
    views: HashMap<(CandidateId, View), ViewEntry>,
    focus: HashMap<CandidateId, Focus>,
    rooms: HashMap<RoomId, Arc<[Arc<Subscriber>]>>,
    /// What the other instances' proctors watch, and the rooms of candidates whose frames
    /// come from them (see [`remote`]).
    remote: remote::RemoteWatch,
}

/// What became of an accepted frame beyond relaying it.
#[derive(Debug, Default)]
pub struct Accepted {
    /// The view's problem changed (`Some(None)`: it cleared).
    pub problem: Option<Option<CameraProblem>>,
}

/// A connection's own sequence check (reset on each new connection).
#[derive(Debug, Default, Clone, Copy)]
pub struct ConnSeq(Option<u32>);

pub struct FrameHub {
    inner: Mutex<Inner>,
    epoch: Instant,
    /// The server's clock: a frame's receive time is on it, like every other time the
    /// proctor's page compares with the server's.
    clock: Arc<dyn Clock>,
    pub stats: FrameStats,
    evidence: OnceLock<mpsc::Sender<EvidenceJob>>,
    /// Where PC frames due for a face check go (when face checks run here).
    face: OnceLock<mpsc::Sender<face::FaceJob>>,
    /// The other instances, when there are any.
    link: OnceLock<Arc<dyn FrameLink>>,
}

impl Default for FrameHub {
    fn default() -> Self {
        Self::new(Arc::new(SystemClock))
    }
}

impl FrameHub {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            inner: Mutex::default(),
            epoch: Instant::now(),
            clock,
            stats: FrameStats::default(),
            evidence: OnceLock::new(),
            face: OnceLock::new(),
            link: OnceLock::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Monotonic ms since the hub was made.
    fn mono_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A candidate page connected: registers the candidate (room, exam settings) and
    /// returns what the relay asks of its pages: the capture profile, which changes while
    /// proctors focus on it, and a frame at once when one is wanted.
    pub fn attach(
        &self,
        c: CandidateId,
        room: RoomId,
        exam: ExamId,
        settings: CameraSettings,
    ) -> watch::Receiver<CaptureAsk> {
        let mut g = self.lock();
        let focused = g.focus.contains_key(&c);
        let kind = if focused { ProfileKind::Focus } else { ProfileKind::Grid };
        let e = g.candidates.entry(c).or_insert_with(|| CandidateEntry {
            room,
            exam,
            settings,
            profile: watch::channel(CaptureAsk { kind, snap: 0 }).0,
            evidence_until: 0,
            face_soon: false,
        });
        e.room = room;
        e.settings = settings;
        e.profile.subscribe()
    }

    /// The candidate's exam camera settings, if the candidate is known here.
    pub fn settings(&self, c: CandidateId) -> Option<CameraSettings> {
        self.lock().candidates.get(&c).map(|e| e.settings)
    }

    /// Checks and relays one binary message from candidate `c`'s connection for `conn_view`
    /// while the candidate is in `phase`.
    pub fn accept(
        &self,
        c: CandidateId,
        conn_view: View,
        phase: Phase,
        seq: &mut ConnSeq,
        msg: &[u8],
    ) -> Result<Accepted, FrameError> {
        let r = self.check_and_relay(c, conn_view, phase, seq, msg);
        match &r {
            Ok(_) => self.stats.accepted(msg.len()),
            Err(e) => self.stats.refused(*e),
        }
        r
    }

    fn check_and_relay(
        &self,
        c: CandidateId,
        conn_view: View,
        phase: Phase,
        seq: &mut ConnSeq,
        msg: &[u8],
    ) -> Result<Accepted, FrameError> {
        let (h, jpeg) = FrameHeader::parse(msg)?;
        if h.view != conn_view {
            return Err(FrameError::WrongView);
        }
        if !view_is_on(h.view, phase) {
            return Err(FrameError::ViewNotOn);
        }
        if seq.0.is_some_and(|last| h.seq <= last) {
            return Err(FrameError::OutOfOrder);
        }
        // Decoding happens outside the lock and only for small (possibly black) frames.
        let black = maybe_black(jpeg.len(), h.width, h.height) && is_black(jpeg);
        let hash = hash_of(jpeg);
        let now = self.mono_ms();
        let received_ms = u64::try_from(self.clock.now().timestamp_millis()).unwrap_or(0);
        let relay = RelayHeader {
            candidate: c,
            view: h.view,
            seq: h.seq,
            captured_ms: h.captured_ms,
            received_ms,
            width: h.width,
            height: h.height,
        };
        let mut buf = BytesMut::with_capacity(DOWN_HEADER_LEN + jpeg.len());
        buf.extend_from_slice(&relay.encode());
        buf.extend_from_slice(jpeg);
        let frame = buf.freeze();

        let mut g = self.lock();
        let Some(cand) = g.candidates.get(&c) else {
            return Err(FrameError::ViewNotOn);
        };
        let (room, exam, settings) = (cand.room, cand.exam, cand.settings);
        let face_soon = cand.face_soon;
        let profile = settings.profile(cand.profile.borrow().kind);
        let flag_window = cand.evidence_until > now;
        let view = g.views.entry((c, h.view)).or_default();
        let bucket = view.bucket.get_or_insert_with(|| FrameBucket::new(now));
        if !bucket.admit(&profile, now) {
            return Err(FrameError::TooFast);
        }
        seq.0 = Some(h.seq);
        view.latest = (view.wanted_until > now).then(|| frame.clone());
        let problem = view.health.observe(hash, black, now, settings.frozen_secs);
        let reason = if flag_window {
            Some(EvidenceReason::Flag)
        } else if sample_due(view.last_sample, now, settings.sample_secs) {
            view.last_sample = Some(now);
            Some(EvidenceReason::Sample)
        } else {
            None
        };
        let watch = settings.watch;
        let every = if face_soon { watch.check_secs.min(FOLLOW_UP_SECS) } else { watch.check_secs };
        // A view's first check comes at its own point of the interval, so candidates who
        // connect together (a restart, an exam's start) are not checked all at once.
        let spread = (u64::from(watch.check_secs) * 1000).max(1);
        let next = *view
            .next_face_check
            .get_or_insert(now + c.0.unsigned_abs().wrapping_mul(7919) % spread);
        let face_due = h.view == View::Pc
            && phase == Phase::InExam
            && watch.face
            // A black or frozen view has its own flag: no face check on top of it.
            && view.health.problem().is_none()
            && self.face.get().is_some()
            && now >= next;
        if face_due {
            view.next_face_check = Some(now + u64::from(every) * 1000);
        }
        let subs = g.rooms.get(&room).cloned();
        let elsewhere = g.remote.watched(room, c);
        drop(g);
        if let Some(subs) = subs {
            for s in subs.iter().filter(|s| s.wants(c)) {
                s.push(c, h.view, frame.clone());
            }
        }
        if elsewhere && let Some(link) = self.link.get() {
            link.forward(room, frame.clone());
        }
        if face_due {
            self.check_face(face::FaceJob {
                candidate: c,
                exam,
                watch,
                at_ms: now,
                frame: frame.clone(),
            });
        }
        if let Some(reason) = reason {
            self.keep(EvidenceJob { candidate: c, exam, reason, frame });
        }
        Ok(Accepted { problem })
    }

    /// The view's current problem, if any.
    pub fn problem(&self, c: CandidateId, view: View) -> Option<CameraProblem> {
        self.lock().views.get(&(c, view)).and_then(|v| v.health.problem())
    }

    /// A proctor connection subscribes to `room` (or only to `only` in it). The room's pages
    /// are asked for a frame at once (a candidate subscription switches the candidate to
    /// focus, which does the same); the other instances ask theirs when they hear of it.
    pub fn subscribe(self: &Arc<Self>, room: RoomId, only: Option<CandidateId>) -> Subscription {
        let sub = Arc::new(Subscriber::new(only));
        let mut g = self.lock();
        let mut list: Vec<Arc<Subscriber>> =
            g.rooms.get(&room).map(|l| l.to_vec()).unwrap_or_default();
        list.push(sub.clone());
        g.rooms.insert(room, list.into());
        if only.is_none() {
            snap_room(&mut g, room);
        }
        if let Some(c) = only {
            let f = g.focus.entry(c).or_default();
            f.watchers += 1;
            f.unfocused_at = None;
            if let Some(ce) = g.candidates.get(&c) {
                set_profile(ce, ProfileKind::Focus);
            }
        }
        drop(g);
        if let Some(c) = only {
            self.reset_buckets(c);
        }
        self.tell_watching();
        Subscription { hub: self.clone(), room, sub }
    }

    fn unsubscribe(&self, room: RoomId, sub: &Arc<Subscriber>) {
        let now = self.mono_ms();
        let mut g = self.lock();
        if let Some(list) = g.rooms.get(&room) {
            let rest: Vec<_> = list.iter().filter(|s| !Arc::ptr_eq(s, sub)).cloned().collect();
            if rest.is_empty() {
                g.rooms.remove(&room);
            } else {
                g.rooms.insert(room, rest.into());
            }
        }
        if let Some(c) = sub.only {
            unwatch(&mut g, c, now);
        }
        drop(g);
        self.tell_watching();
    }

    /// Moves candidates whose focus grace has passed back to the grid profile, forgets other
    /// instances that stopped saying what they watch, and tells them what this one watches
    /// (call every second).
    pub fn sweep(&self) {
        let now = self.mono_ms();
        let mut back = Vec::new();
        let mut g = self.lock();
        for c in g.remote.expire(now) {
            unwatch(&mut g, c, now);
        }
        g.focus.retain(|c, f| {
            let over = f.unfocused_at.is_some_and(|t| now.saturating_sub(t) >= FOCUS_GRACE_MS);
            if over {
                back.push(*c);
            }
            !over
        });
        for c in &back {
            if let Some(ce) = g.candidates.get(c) {
                set_profile(ce, ProfileKind::Grid);
            }
        }
        drop(g);
        for c in back {
            self.reset_buckets(c);
        }
        self.tell_watching();
    }

    fn reset_buckets(&self, c: CandidateId) {
        let now = self.mono_ms();
        let mut g = self.lock();
        for v in [View::Pc, View::Phone] {
            if let Some(b) = g.views.get_mut(&(c, v)).and_then(|e| e.bucket.as_mut()) {
                b.reset(now);
            }
        }
    }
}

/// One watcher of `c` less (its grace period starts when it was the last).
fn unwatch(g: &mut Inner, c: CandidateId, now: u64) {
    if let Some(f) = g.focus.get_mut(&c) {
        f.watchers = f.watchers.saturating_sub(1);
        if f.watchers == 0 {
            f.unfocused_at = Some(now);
        }
    }
}

/// A proctor connection's subscription; unsubscribes when dropped.
pub struct Subscription {
    hub: Arc<FrameHub>,
    room: RoomId,
    pub sub: Arc<Subscriber>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.unsubscribe(self.room, &self.sub);
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
