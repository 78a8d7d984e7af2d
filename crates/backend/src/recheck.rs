//! The periodic check of the candidate sessions that live sockets hold on this instance. Every
//! change that ends a session is announced on the bus (`access::changed`) and the sockets
//! check at once; this is the backstop for an announcement that never arrived (another
//! instance's message lost, a session deleted by hand). One query per [`BATCH`] sessions
//! every period instead of one per socket: at 5,000 candidates (10,000 camera sockets) that is
//! 20 queries every 30 s instead of 333 a second. A session found gone is announced as ended
//! (`SignedOut`) to its candidate's sockets here, which check for themselves and close.
use crate::Core;
use crate::bus::{BusEvent, Subject, Topic};
use domain::CandidateId;
use domain::protocol::RevokeReason;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Sessions asked about in one query (well under either database's bind limit).
pub const BATCH: usize = 500;

/// The sessions held by live candidate sockets here, by token hash.
#[derive(Default)]
pub struct LiveSessions {
    held: Mutex<HashMap<String, Held>>,
}

struct Held {
    candidate: CandidateId,
    sockets: usize,
}

impl LiveSessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Held>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A socket of `candidate` holds the session `token_hash` until the hold is dropped.
    pub fn hold(self: &Arc<Self>, token_hash: &str, candidate: CandidateId) -> SessionHold {
        let mut held = self.lock();
        held.entry(token_hash.to_owned()).or_insert(Held { candidate, sockets: 0 }).sockets += 1;
        SessionHold { book: self.clone(), token_hash: token_hash.to_owned() }
    }

    /// How many sessions are held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The held sessions' token hashes, and their candidates in the same order.
    fn snapshot(&self) -> (Vec<String>, Vec<CandidateId>) {
        self.lock().iter().map(|(h, e)| (h.clone(), e.candidate)).unzip()
    }
}

/// A live socket's hold on its session (see [`LiveSessions::hold`]).
pub struct SessionHold {
    book: Arc<LiveSessions>,
    token_hash: String,
}

impl Drop for SessionHold {
    fn drop(&mut self) {
        let mut held = self.book.lock();
        if let Some(e) = held.get_mut(&self.token_hash) {
            e.sockets = e.sockets.saturating_sub(1);
            if e.sockets == 0 {
                held.remove(&self.token_hash);
            }
        }
    }
}

/// Checks every held session against the store once (the store asks [`BATCH`] at a time);
/// returns the candidates whose session was found gone (each told on the bus). A store that
/// does not answer skips this check: the next period tries again, and the sockets keep
/// serving meanwhile.
pub async fn check_once(core: &Core) -> Vec<CandidateId> {
    let (hashes, candidates) = core.sessions.snapshot();
    let live = match core.store.live_sessions(&hashes, core.clock.now()).await {
        Ok(live) => live,
        Err(e) => {
            tracing::warn!(error = %e, "session re-check failed");
            return Vec::new();
        }
    };
    let mut gone: Vec<CandidateId> = hashes
        .iter()
        .zip(candidates)
        .filter(|(hash, _)| !live.contains(*hash))
        .map(|(_, c)| c)
        .collect();
    gone.sort_unstable();
    gone.dedup();
    // Only this instance's sockets hold these sessions (each instance checks its own).
    for c in &gone {
        let (topic, event) = (
            Topic::Access(Subject::Candidate(*c)),
            BusEvent::AccessChanged(RevokeReason::SignedOut),
        );
        core.bus.publish_local(topic, event).await;
    }
    gone
}

/// Runs [`check_once`] every `every` (the first after one period).
pub async fn run(core: Core, every: std::time::Duration) {
    let every = every.max(std::time::Duration::from_millis(10));
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let gone = check_once(&core).await;
        if !gone.is_empty() {
            tracing::info!(candidates = gone.len(), "sessions found ended: their sockets close");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_held_while_any_of_its_sockets_holds_it() {
        let book = Arc::new(LiveSessions::default());
        let pc = book.hold("a", CandidateId(1));
        let again = book.hold("a", CandidateId(1));
        let phone = book.hold("b", CandidateId(1));
        assert_eq!(book.len(), 2);
        drop(pc);
        assert_eq!(book.len(), 2, "the second socket of the session still holds it");
        drop(again);
        assert_eq!(book.snapshot(), (vec!["b".to_owned()], vec![CandidateId(1)]));
        drop(phone);
        assert!(book.is_empty());
    }
}
