//! `PresenceBook`: in-memory presence of every connected candidate view. Presence is
//! ephemeral by nature (it is re-established by the next heartbeat after a restart), so it
//! is not persisted; the rules are the domain's.
//!
//! With several instances, each tells the others about its own sockets through the bus: a
//! [`PresenceFact`] when a view comes or goes here, and every heartbeat period a digest of
//! every view it holds ([`PresenceBook::held_here`]), not a message per heartbeat (at 10,000
//! candidates that would be 10,000 messages a second in all). Each keeps,
//! per view, which other instances hold it and when they last said so: a view is online
//! while a socket here or a live report from elsewhere holds it, and an instance that dies
//! stops reporting, so its views go offline after the same silence as a socket's
//! (`OFFLINE_AFTER_SECS`). A lost "came" is repaired by the next digest, a lost "went" by
//! that silence.
use chrono::{DateTime, Duration, Utc};
use domain::presence::OFFLINE_AFTER_SECS;
use domain::protocol::Beat;
use domain::{CandidateId, Presence, RoomId, View};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::sync::{Mutex, OnceLock};

/// What an instance says about one of its views: it came (connected, or beat again after a
/// silence), or its last socket here closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceFact {
    pub candidate: CandidateId,
    pub room: RoomId,
    pub view: View,
    pub online: bool,
}

/// A view an instance holds, as its digest lists it (a JSON array: three values, no keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldView(pub CandidateId, pub RoomId, pub View);

#[derive(Default)]
struct Entry {
    room: Option<RoomId>,
    presence: Presence,
    pc_conns: u32,
    phone_conns: u32,
    /// The last heartbeat (or connection) of a socket here: a view whose sockets here went
    /// silent is left out of the digest, as it would be offline here.
    pc_here: Option<DateTime<Utc>>,
    phone_here: Option<DateTime<Utc>>,
    /// Other instances holding the view, with when they last said so (our clock).
    pc_remote: Vec<(u64, DateTime<Utc>)>,
    phone_remote: Vec<(u64, DateTime<Utc>)>,
}

impl Entry {
    fn conns(&mut self, view: View) -> &mut u32 {
        match view {
            View::Pc => &mut self.pc_conns,
            View::Phone => &mut self.phone_conns,
        }
    }

    fn here(&mut self, view: View) -> &mut Option<DateTime<Utc>> {
        match view {
            View::Pc => &mut self.pc_here,
            View::Phone => &mut self.phone_here,
        }
    }

    fn remote(&mut self, view: View) -> &mut Vec<(u64, DateTime<Utc>)> {
        match view {
            View::Pc => &mut self.pc_remote,
            View::Phone => &mut self.phone_remote,
        }
    }

    /// Whether anything still holds the view.
    fn held(&mut self, view: View) -> bool {
        *self.conns(view) > 0 || !self.remote(view).is_empty()
    }
}

type Sink = Box<dyn Fn(PresenceFact) + Send + Sync>;

/// Presence of all candidates, keyed by candidate.
#[derive(Default)]
pub struct PresenceBook {
    entries: Mutex<HashMap<CandidateId, Entry>>,
    /// Where this instance's facts go (the bus between instances), when there are others.
    sink: OnceLock<Sink>,
}

impl PresenceBook {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<CandidateId, Entry>) -> R) -> R {
        // A poisoned lock only means another thread panicked mid-update of plain data.
        let mut guard = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Sends this instance's facts to the other instances from now on (set once).
    pub fn share_with(&self, sink: impl Fn(PresenceFact) + Send + Sync + 'static) {
        let _ = self.sink.set(Box::new(sink));
    }

    /// Tells the other instances whether this one holds the view now. Called under the
    /// book's lock (the sink only queues), so two facts about one view leave in the order
    /// they became true: a reload's new socket is never followed by the old one's "gone".
    fn share(&self, candidate: CandidateId, e: &Entry, view: View, online: bool) {
        if let (Some(sink), Some(room)) = (self.sink.get(), e.room) {
            sink(PresenceFact { candidate, room, view, online });
        }
    }

    /// A view connected. Returns true when it came online.
    pub fn connect(&self, id: CandidateId, room: RoomId, view: View, now: DateTime<Utc>) -> bool {
        self.with(|m| {
            let e = m.entry(id).or_default();
            e.room = Some(room);
            *e.conns(view) += 1;
            *e.here(view) = Some(now);
            self.share(id, e, view, true);
            e.presence.view_mut(view).beat(now)
        })
    }

    /// A heartbeat arrived. Returns true when the view came back online. The others hear of
    /// it only when the view was silent here (the digest says the rest).
    pub fn beat(&self, id: CandidateId, view: View, now: DateTime<Utc>) -> bool {
        self.with(|m| {
            let e = m.entry(id).or_default();
            if *e.conns(view) > 0 {
                let silent = e.here(view).is_none_or(|at| !fresh(at, now));
                *e.here(view) = Some(now);
                if silent {
                    self.share(id, e, view, true);
                }
            }
            e.presence.view_mut(view).beat(now)
        })
    }

    /// A view's connection closed. Returns true when the view went offline.
    pub fn disconnect(&self, id: CandidateId, view: View) -> bool {
        self.with(|m| {
            let Some(e) = m.get_mut(&id) else {
                return false;
            };
            let c = e.conns(view);
            *c = c.saturating_sub(1);
            if *c == 0 {
                *e.here(view) = None;
                self.share(id, e, view, false);
            }
            !e.held(view) && e.presence.view_mut(view).drop_connection()
        })
    }

    /// What another instance said about a view. Returns true when the view's presence
    /// changed here.
    pub fn apply_remote(&self, origin: u64, fact: PresenceFact, now: DateTime<Utc>) -> bool {
        self.with(|m| {
            let e = m.entry(fact.candidate).or_default();
            e.room = Some(fact.room);
            let remote = e.remote(fact.view);
            remote.retain(|(o, _)| *o != origin);
            if fact.online {
                remote.push((origin, now));
                e.presence.view_mut(fact.view).beat(now)
            } else {
                !e.held(fact.view) && e.presence.view_mut(fact.view).drop_connection()
            }
        })
    }

    /// Another instance's digest: every view it holds now. Returns the candidates whose
    /// presence changed here (a view this instance had not heard of, or thought offline),
    /// each once.
    pub fn apply_digest(
        &self,
        origin: u64,
        views: &[HeldView],
        now: DateTime<Utc>,
    ) -> Vec<CandidateId> {
        self.with(|m| {
            views
                .iter()
                .filter_map(|&HeldView(candidate, room, view)| {
                    let e = m.entry(candidate).or_default();
                    e.room = Some(room);
                    let remote = e.remote(view);
                    match remote.iter_mut().find(|(o, _)| *o == origin) {
                        Some(held) => held.1 = now,
                        None => remote.push((origin, now)),
                    }
                    e.presence.view_mut(view).beat(now).then_some(candidate)
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect()
        })
    }

    /// The views this instance's sockets hold and keep beating: its digest for the others.
    pub fn held_here(&self, now: DateTime<Utc>) -> Vec<HeldView> {
        self.with(|m| {
            let mut held = Vec::new();
            for (id, e) in m.iter() {
                let Some(room) = e.room else { continue };
                for (view, conns, here) in
                    [(View::Pc, e.pc_conns, e.pc_here), (View::Phone, e.phone_conns, e.phone_here)]
                {
                    if conns > 0 && here.is_some_and(|at| fresh(at, now)) {
                        held.push(HeldView(*id, room, view));
                    }
                }
            }
            held
        })
    }

    /// Marks silent views offline (and forgets instances that stopped reporting); returns
    /// the candidates whose presence changed.
    pub fn sweep(&self, now: DateTime<Utc>) -> Vec<CandidateId> {
        let silent = now - Duration::seconds(OFFLINE_AFTER_SECS);
        self.with(|m| {
            m.iter_mut()
                .filter_map(|(id, e)| {
                    e.pc_remote.retain(|(_, at)| *at > silent);
                    e.phone_remote.retain(|(_, at)| *at > silent);
                    // A socket here that stopped beating (still open): the others hear it
                    // went, now, rather than after the silence of its digests.
                    for view in [View::Pc, View::Phone] {
                        if e.here(view).is_some_and(|at| !fresh(at, now)) {
                            *e.here(view) = None;
                            self.share(*id, e, view, false);
                        }
                    }
                    e.presence.expire(now).then_some(*id)
                })
                .collect()
        })
    }

    pub fn get(&self, id: CandidateId) -> Presence {
        self.with(|m| m.get(&id).map(|e| e.presence).unwrap_or_default())
    }

    /// Last heartbeats of every known candidate in `room`.
    pub fn beats_in_room(&self, room: RoomId) -> Vec<Beat> {
        self.with(|m| {
            m.iter()
                .filter(|(_, e)| e.room == Some(room))
                .map(|(id, e)| Beat { id: *id, pc: e.presence.pc, phone: e.presence.phone })
                .collect()
        })
    }
}

/// Whether a heartbeat at `at` still holds a view at `now`.
fn fresh(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - at < Duration::seconds(OFFLINE_AFTER_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn a_view_stays_online_while_any_of_its_connections_is_open() {
        let book = PresenceBook::default();
        let (id, room, now) = (CandidateId(1), RoomId(1), Utc::now());
        assert!(book.connect(id, room, View::Pc, now));
        assert!(!book.connect(id, room, View::Pc, now)); // a reload overlapping the old tab
        assert!(!book.disconnect(id, View::Pc));
        assert!(book.get(id).pc.online);
        assert!(book.disconnect(id, View::Pc));
        assert!(!book.get(id).pc.online);
    }

    #[test]
    fn a_view_held_by_another_instance_stays_online_until_that_instance_falls_silent() {
        let book = PresenceBook::default();
        let (id, room, now) = (CandidateId(1), RoomId(1), Utc::now());
        let fact = |online| PresenceFact { candidate: id, room, view: View::Phone, online };
        // The phone on instance 7: online here, in the room's beats.
        assert!(book.apply_remote(7, fact(true), now));
        assert!(book.get(id).phone.online);
        assert_eq!(book.beats_in_room(room).len(), 1);
        // A tab here closing does not take it offline while 7 still holds it.
        book.connect(id, room, View::Phone, now);
        assert!(!book.disconnect(id, View::Phone));
        assert!(book.get(id).phone.online);
        // 7 dies without a word: offline after the silence, like a socket.
        assert!(book.sweep(now + Duration::seconds(OFFLINE_AFTER_SECS - 1)).is_empty());
        assert_eq!(book.sweep(now + Duration::seconds(OFFLINE_AFTER_SECS)), vec![id]);
        assert!(!book.get(id).phone.online);
        // 7 says its socket closed: offline at once.
        assert!(book.apply_remote(7, fact(true), now));
        assert!(book.apply_remote(7, fact(false), now));
        assert!(!book.get(id).phone.online);
    }

    #[test]
    fn this_instances_sockets_are_shared_with_the_others() {
        let book = PresenceBook::default();
        let heard = std::sync::Arc::new(Mutex::new(Vec::new()));
        let h = heard.clone();
        book.share_with(move |f| h.lock().expect("lock").push(f.online));
        let (id, room, now) = (CandidateId(1), RoomId(1), Utc::now());
        book.connect(id, room, View::Pc, now);
        book.connect(id, room, View::Pc, now);
        for s in 1..=10 {
            book.beat(id, View::Pc, now + Duration::seconds(s));
        }
        // A beat after a silence says "here" again.
        book.beat(id, View::Pc, now + Duration::seconds(10 + OFFLINE_AFTER_SECS));
        book.disconnect(id, View::Pc);
        book.disconnect(id, View::Pc);
        // Two connects say "here", ten heartbeats nothing; only the last socket closing
        // says "gone".
        assert_eq!(*heard.lock().expect("lock"), vec![true, true, true, false]);
    }

    #[test]
    fn a_socket_here_that_stops_beating_is_shared_as_gone_when_it_falls_silent() {
        let book = PresenceBook::default();
        let heard = std::sync::Arc::new(Mutex::new(Vec::new()));
        let h = heard.clone();
        book.share_with(move |f| h.lock().expect("lock").push(f.online));
        let (id, room, now) = (CandidateId(1), RoomId(1), Utc::now());
        book.connect(id, room, View::Phone, now);
        book.sweep(now + Duration::seconds(OFFLINE_AFTER_SECS - 1));
        // The socket stays open, silent: "gone" with the silence, once.
        book.sweep(now + Duration::seconds(OFFLINE_AFTER_SECS));
        book.sweep(now + Duration::seconds(OFFLINE_AFTER_SECS + 1));
        assert_eq!(*heard.lock().expect("lock"), vec![true, false]);
        assert!(book.held_here(now + Duration::seconds(OFFLINE_AFTER_SECS)).is_empty());
        // It beats again: "here" again.
        book.beat(id, View::Phone, now + Duration::seconds(OFFLINE_AFTER_SECS + 2));
        assert_eq!(*heard.lock().expect("lock"), vec![true, false, true]);
    }

    #[test]
    fn the_digest_lists_the_views_held_and_beating_here() {
        let book = PresenceBook::default();
        let (room, now) = (RoomId(1), Utc::now());
        book.connect(CandidateId(1), room, View::Pc, now);
        book.connect(CandidateId(1), room, View::Phone, now);
        book.connect(CandidateId(2), room, View::Pc, now);
        book.disconnect(CandidateId(2), View::Pc);
        // Held elsewhere only: not this instance's to list.
        let fact = PresenceFact { candidate: CandidateId(3), room, view: View::Pc, online: true };
        book.apply_remote(7, fact, now);
        let mut held = book.held_here(now + Duration::seconds(1));
        held.sort_by_key(|h| (h.0, h.2 == View::Phone));
        assert_eq!(
            held,
            vec![
                HeldView(CandidateId(1), room, View::Pc),
                HeldView(CandidateId(1), room, View::Phone)
            ]
        );
        // The phone keeps beating, the PC's socket falls silent (still open).
        let later = now + Duration::seconds(OFFLINE_AFTER_SECS);
        book.beat(CandidateId(1), View::Phone, later);
        assert_eq!(book.held_here(later), vec![HeldView(CandidateId(1), room, View::Phone)]);
    }

    #[test]
    fn another_instances_digests_keep_its_views_online_and_their_silence_ends_them() {
        let book = PresenceBook::default();
        let (id, room, now) = (CandidateId(1), RoomId(1), Utc::now());
        let digest = [HeldView(id, room, View::Pc)];
        assert_eq!(book.apply_digest(7, &digest, now), vec![id]);
        // Every heartbeat period, the same digest: online, and no change to announce.
        for s in (2..=20).step_by(2) {
            let at = now + Duration::seconds(s);
            assert!(book.apply_digest(7, &digest, at).is_empty());
            assert!(book.sweep(at).is_empty());
            assert!(book.get(id).pc.online);
        }
        assert_eq!(book.beats_in_room(room).len(), 1);
        // The view leaves 7's digest (its "gone" lost on the way): offline after the silence.
        let last = now + Duration::seconds(20);
        assert!(book.apply_digest(7, &[], last + Duration::seconds(2)).is_empty());
        assert_eq!(book.sweep(last + Duration::seconds(OFFLINE_AFTER_SECS)), vec![id]);
        assert!(!book.get(id).pc.online);
    }

    #[test]
    fn sweep_reports_candidates_that_fell_silent() {
        let book = PresenceBook::default();
        let now = Utc::now();
        book.connect(CandidateId(1), RoomId(1), View::Pc, now);
        book.connect(CandidateId(2), RoomId(1), View::Phone, now + Duration::seconds(5));
        let changed = book.sweep(now + Duration::seconds(7));
        assert_eq!(changed, vec![CandidateId(1)]);
        assert_eq!(book.beats_in_room(RoomId(1)).len(), 2);
        assert!(book.beats_in_room(RoomId(2)).is_empty());
    }
}
