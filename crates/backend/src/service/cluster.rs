//! What this instance does with the other instances' announcements ([`Remote`]): presence
//! reports and digests go into this instance's presence book, and a changed tile (a report
//! that changed presence, or a change committed elsewhere) is re-read from the store and
//! published to this instance's sockets only — when one of them watches the candidate's room
//! ([`super::live::announce_here`]).
use crate::Core;
use crate::bus::{NatsBus, Remote};
use domain::CandidateId;
use domain::presence::HEARTBEAT_INTERVAL_SECS;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Tells the other instances, every heartbeat period, every view this one holds: what keeps
/// its views online on them (a view missing from the digests goes offline after the silence).
pub async fn share_digests(core: Core, nats: Arc<NatsBus>) {
    let period = Duration::from_secs(HEARTBEAT_INTERVAL_SECS.unsigned_abs());
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let held = core.presence.held_here(core.clock.now());
        if !held.is_empty() {
            nats.share_digest(held);
        }
    }
}

/// Runs until the bus stops sending hints.
pub async fn follow(core: Core, mut hints: mpsc::Receiver<Remote>) {
    while let Some(hint) = hints.recv().await {
        let changed: Vec<CandidateId> = match hint {
            Remote::Tile { candidate, .. } => vec![candidate],
            Remote::Evidence(candidate) => {
                core.frames.flag_raised(candidate);
                continue;
            }
            Remote::Presence { origin, fact } => {
                if !core.presence.apply_remote(origin, fact, core.clock.now()) {
                    continue;
                }
                vec![fact.candidate]
            }
            Remote::Digest { origin, views } => {
                core.presence.apply_digest(origin, &views, core.clock.now())
            }
        };
        for candidate in changed {
            if let Err(e) = super::live::announce_here(&core, candidate).await {
                tracing::warn!(error = %e, %candidate, "re-announcing another instance's change failed");
            }
        }
    }
}
