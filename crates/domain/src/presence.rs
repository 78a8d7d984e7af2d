//! Presence: is each of a candidate's two views (PC camera page, phone) connected, and
//! when was its last heartbeat. Kept apart from the phase; the rules are pure functions
//! of the last heartbeat and the clock.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How often a candidate page sends a heartbeat.
pub const HEARTBEAT_INTERVAL_SECS: i64 = 2;
/// A view with no heartbeat for this long is offline (well inside the 10 s promise).
pub const OFFLINE_AFTER_SECS: i64 = 6;

/// Which of the candidate's two views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// The PC page and its camera (the seed's first view).
    Pc,
    /// The phone behind the candidate (the seed's second view).
    Phone,
}

impl View {
    /// The view's text in URLs, the protocol and the database (`pc`, `phone`).
    pub fn as_str(self) -> &'static str {
        match self {
            View::Pc => "pc",
            View::Phone => "phone",
        }
    }
}

/// Presence of one view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ViewPresence {
    pub online: bool,
    pub last_seen: Option<DateTime<Utc>>,
}

impl ViewPresence {
    /// A heartbeat (or a new connection) at `now`. Returns true when it came back online.
    pub fn beat(&mut self, now: DateTime<Utc>) -> bool {
        let was = self.online;
        self.online = true;
        self.last_seen = Some(now);
        !was
    }

    /// The connection closed. Returns true when it was online.
    pub fn drop_connection(&mut self) -> bool {
        std::mem::replace(&mut self.online, false)
    }

    /// Whether the view has gone silent long enough to count as offline at `now`.
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        match self.last_seen {
            Some(seen) => self.online && now - seen >= Duration::seconds(OFFLINE_AFTER_SECS),
            None => false,
        }
    }

    /// Seconds since the last heartbeat, for display.
    pub fn seconds_since(&self, now: DateTime<Utc>) -> Option<i64> {
        self.last_seen.map(|s| (now - s).num_seconds().max(0))
    }
}

/// Presence of both views of one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Presence {
    pub pc: ViewPresence,
    pub phone: ViewPresence,
}

impl Presence {
    pub fn view_mut(&mut self, view: View) -> &mut ViewPresence {
        match view {
            View::Pc => &mut self.pc,
            View::Phone => &mut self.phone,
        }
    }

    /// Marks stale views offline; returns true when anything changed.
    pub fn expire(&mut self, now: DateTime<Utc>) -> bool {
        let mut changed = false;
        for v in [&mut self.pc, &mut self.phone] {
            if v.is_stale(now) {
                v.online = false;
                changed = true;
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).expect("ts")
    }

    #[test]
    fn a_first_beat_brings_a_view_online_and_later_beats_do_not_count_as_changes() {
        let mut v = ViewPresence::default();
        assert!(v.beat(t0()));
        assert!(!v.beat(t0() + Duration::seconds(2)));
        assert_eq!(v.last_seen, Some(t0() + Duration::seconds(2)));
    }

    #[test]
    fn silence_expires_a_view_within_ten_seconds() {
        let mut p = Presence::default();
        p.view_mut(View::Pc).beat(t0());
        assert!(!p.expire(t0() + Duration::seconds(OFFLINE_AFTER_SECS - 1)));
        assert!(p.pc.online);
        assert!(p.expire(t0() + Duration::seconds(OFFLINE_AFTER_SECS)));
        assert!(!p.pc.online);
        const { assert!(OFFLINE_AFTER_SECS < 10) };
        // Expiring twice is not a second change.
        assert!(!p.expire(t0() + Duration::seconds(30)));
    }

    #[test]
    fn closing_a_connection_reports_whether_it_was_online() {
        let mut v = ViewPresence::default();
        assert!(!v.drop_connection());
        v.beat(t0());
        assert!(v.drop_connection());
        assert_eq!(v.seconds_since(t0() + Duration::seconds(5)), Some(5));
    }
}
