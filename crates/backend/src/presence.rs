//! `PresenceBook`: in-memory presence of every connected candidate view. Presence is
//! ephemeral by nature (it is re-established by the next heartbeat after a restart), so it
//! is not persisted; the rules are the domain's.
//!
//! With several instances, each tells the others about its own sockets ([`PresenceFact`]s
//! through the bus) and keeps, per view, which other instances hold it and when they last
//! said so: a view is online while a socket here or a live report from elsewhere holds it,
//! and an instance that dies stops reporting, so its views go offline after the same
//! silence as a socket's (`OFFLINE_AFTER_SECS`).
use chrono::{DateTime, Duration, Utc};
use domain::presence::OFFLINE_AFTER_SECS;
use domain::protocol::Beat;
use domain::{CandidateId, Presence, RoomId, View};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// What an instance says about one of its views: it is there (connected or beating), or its
/// last socket here closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceFact {
    pub candidate: CandidateId,
    pub room: RoomId,
    pub view: View,
    pub online: bool,
}

#[derive(Default)]
struct Entry {
    room: Option<RoomId>,
    presence: Presence,
    pc_conns: u32,
    phone_conns: u32,
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
    fn share(&self, candidate: CandidateId, e: &mut Entry, view: View) {
        if let (Some(sink), Some(room)) = (self.sink.get(), e.room) {
            sink(PresenceFact { candidate, room, view, online: *e.conns(view) > 0 });
        }
    }

    /// A view connected. Returns true when it came online.
    pub fn connect(&self, id: CandidateId, room: RoomId, view: View, now: DateTime<Utc>) -> bool {
        self.with(|m| {
            let e = m.entry(id).or_default();
            e.room = Some(room);
            *e.conns(view) += 1;
            self.share(id, e, view);
            e.presence.view_mut(view).beat(now)
        })
    }

    /// A heartbeat arrived. Returns true when the view came back online.
    pub fn beat(&self, id: CandidateId, view: View, now: DateTime<Utc>) -> bool {
        self.with(|m| {
            let e = m.entry(id).or_default();
            if *e.conns(view) > 0 {
                self.share(id, e, view);
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
                self.share(id, e, view);
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

    /// Marks silent views offline (and forgets instances that stopped reporting); returns
    /// the candidates whose presence changed.
    pub fn sweep(&self, now: DateTime<Utc>) -> Vec<CandidateId> {
        let silent = now - Duration::seconds(OFFLINE_AFTER_SECS);
        self.with(|m| {
            m.iter_mut()
                .filter_map(|(id, e)| {
                    e.pc_remote.retain(|(_, at)| *at > silent);
                    e.phone_remote.retain(|(_, at)| *at > silent);
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
        book.beat(id, View::Pc, now);
        book.disconnect(id, View::Pc);
        book.disconnect(id, View::Pc);
        // Two connects and a beat say "here"; only the last socket closing says "gone".
        assert_eq!(*heard.lock().expect("lock"), vec![true, true, true, false]);
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
