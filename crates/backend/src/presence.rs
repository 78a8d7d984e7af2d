//! `PresenceBook`: in-memory presence of every connected candidate view. Presence is
//! ephemeral by nature (it is re-established by the next heartbeat after a restart), so it
//! is not persisted; the rules are the domain's.
use chrono::{DateTime, Utc};
use domain::protocol::Beat;
use domain::{CandidateId, Presence, RoomId, View};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
struct Entry {
    room: Option<RoomId>,
    presence: Presence,
    pc_conns: u32,
    phone_conns: u32,
}

impl Entry {
    fn conns(&mut self, view: View) -> &mut u32 {
        match view {
            View::Pc => &mut self.pc_conns,
            View::Phone => &mut self.phone_conns,
        }
    }
}

/// Presence of all candidates, keyed by candidate.
#[derive(Default)]
pub struct PresenceBook {
    entries: Mutex<HashMap<CandidateId, Entry>>,
}

impl PresenceBook {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<CandidateId, Entry>) -> R) -> R {
        // A poisoned lock only means another thread panicked mid-update of plain data.
        let mut guard = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// A view connected. Returns true when it came online.
    pub fn connect(&self, id: CandidateId, room: RoomId, view: View, now: DateTime<Utc>) -> bool {
        self.with(|m| {
            let e = m.entry(id).or_default();
            e.room = Some(room);
            *e.conns(view) += 1;
            e.presence.view_mut(view).beat(now)
        })
    }

    /// A heartbeat arrived. Returns true when the view came back online.
    pub fn beat(&self, id: CandidateId, view: View, now: DateTime<Utc>) -> bool {
        self.with(|m| m.entry(id).or_default().presence.view_mut(view).beat(now))
    }

    /// A view's connection closed. Returns true when the view went offline.
    pub fn disconnect(&self, id: CandidateId, view: View) -> bool {
        self.with(|m| {
            let Some(e) = m.get_mut(&id) else {
                return false;
            };
            let c = e.conns(view);
            *c = c.saturating_sub(1);
            if *c == 0 { e.presence.view_mut(view).drop_connection() } else { false }
        })
    }

    /// Marks silent views offline; returns the candidates whose presence changed.
    pub fn sweep(&self, now: DateTime<Utc>) -> Vec<CandidateId> {
        self.with(|m| {
            m.iter_mut().filter_map(|(id, e)| e.presence.expire(now).then_some(*id)).collect()
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
