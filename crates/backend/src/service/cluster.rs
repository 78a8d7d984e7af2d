//! What this instance does with the other instances' announcements ([`Remote`]): presence
//! reports and digests go into this instance's presence book, and a changed tile (a report
//! that changed presence, or a change committed elsewhere) is re-read from the store and
//! published to this instance's sockets only — when one of them watches the room.
use crate::Core;
use crate::bus::{NatsBus, Remote, Topic};
use domain::presence::HEARTBEAT_INTERVAL_SECS;
use domain::{CandidateId, RoomId};
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
        let changed: Vec<(RoomId, CandidateId)> = match hint {
            Remote::Tile { room, candidate } => vec![(room, candidate)],
            Remote::Evidence(candidate) => {
                core.frames.flag_raised(candidate);
                continue;
            }
            Remote::Presence { origin, fact } => {
                if !core.presence.apply_remote(origin, fact, core.clock.now()) {
                    continue;
                }
                vec![(fact.room, fact.candidate)]
            }
            Remote::Digest { origin, views } => {
                core.presence.apply_digest(origin, &views, core.clock.now())
            }
        };
        for (room, candidate) in changed {
            // A proctor who opens the room later reads presence in its snapshot.
            if !core.bus.watched(Topic::Room(room)).await {
                continue;
            }
            if let Err(e) = super::live::announce_here(&core, candidate).await {
                tracing::warn!(error = %e, %candidate, "re-announcing another instance's change failed");
            }
        }
    }
}
