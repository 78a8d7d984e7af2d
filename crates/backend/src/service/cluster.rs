//! What this instance does with the other instances' announcements ([`Remote`]): presence
//! reports go into this instance's presence book, and a changed tile (a report that changed
//! presence, or a change committed elsewhere) is re-read from the store and published to this
//! instance's sockets only.
use crate::Core;
use crate::bus::Remote;
use tokio::sync::mpsc;

/// Runs until the bus stops sending hints.
pub async fn follow(core: Core, mut hints: mpsc::Receiver<Remote>) {
    while let Some(hint) = hints.recv().await {
        let candidate = match hint {
            Remote::Tile { candidate, .. } => candidate,
            Remote::Evidence(candidate) => {
                core.frames.flag_raised(candidate);
                continue;
            }
            Remote::Presence { origin, fact } => {
                if !core.presence.apply_remote(origin, fact, core.clock.now()) {
                    continue;
                }
                fact.candidate
            }
        };
        if let Err(e) = super::live::announce_here(&core, candidate).await {
            tracing::warn!(error = %e, %candidate, "re-announcing another instance's change failed");
        }
    }
}
