//! The event bus: announces committed changes to live subscribers. Topics are typed; each
//! topic has its own gap-free sequence so a subscriber can tell when it missed something.
//! `LocalBus` in one process; `NatsBus` between instances (each instance keeps a `LocalBus`
//! for its own sockets and feeds it what the others publish).
pub mod frames;
mod local;
pub mod nats;
pub mod wire;

pub use local::LocalBus;
pub use nats::{NatsBus, Remote};

use async_trait::async_trait;
use domain::ExamTimes;
use domain::camera::CameraProblem;
use domain::console::CandidateMessage;
use domain::protocol::RevokeReason;
use domain::{CandidateId, CandidateTile, ExamId, Phase, RoomId, StaffId, View};
use serde::{Deserialize, Serialize};

/// Where an event is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Topic {
    Exam(ExamId),
    Room(RoomId),
    Candidate(CandidateId),
    /// Changes to what one person's sessions may do: every live socket of that person listens
    /// and checks its access again.
    Access(Subject),
}

/// Whose access changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Subject {
    Staff(StaffId),
    Candidate(CandidateId),
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BusEvent {
    /// A candidate's tile changed (phase, verification or presence).
    /// Boxed: every topic's channel slot is as large as the largest event, and a candidate's
    /// own channel (8 slots, one per connected candidate) carries no tiles.
    TileChanged(Box<CandidateTile>),
    /// A candidate's phase changed (for the candidate's own open pages).
    PhaseChanged(Phase),
    /// A view's picture went black or frozen, or recovered (for the candidate's pages).
    CameraProblem { view: View, problem: Option<CameraProblem> },
    /// A message or warning for the candidate's PC pages.
    Message(CandidateMessage),
    /// The candidate's times changed (extra time).
    TimesChanged(ExamTimes),
    /// The candidate's hand went up or was answered.
    HandChanged(bool),
    /// "We cannot see your face" is shown (`true`) or taken away on the PC page.
    FacePrompt(bool),
    /// A flag was raised on the candidate: every instance that receives one of its views
    /// keeps the current frames, and the next ones for a while, as evidence.
    FlagRaised,
    /// A session or an assignment of the topic's subject ended: sockets check their access
    /// again, and close with this reason when it is gone.
    AccessChanged(RevokeReason),
}

/// An event with its topic sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    pub seq: u64,
    pub event: BusEvent,
}

/// What a subscription yields.
#[derive(Debug, Clone, PartialEq)]
pub enum BusItem {
    Event(Envelope),
    /// The subscriber fell behind and events were dropped: it must resynchronise.
    Gap,
}

/// A live subscription to one topic.
#[async_trait]
pub trait Subscription: Send + Sync {
    /// The next item; `None` when the bus is gone.
    async fn next(&mut self) -> Option<BusItem>;
}

/// The subscription as a stream. A socket's loop that waits on it among other things keeps
/// one wait across its turns (pinned once) instead of a new one per turn: a camera socket
/// turns once per frame.
pub fn into_stream(sub: Box<dyn Subscription>) -> impl futures::Stream<Item = BusItem> + Send {
    futures::stream::unfold(sub, |mut sub| async move { sub.next().await.map(|item| (item, sub)) })
}

/// Publish/subscribe by topic.
#[async_trait]
pub trait EventBus: Send + Sync + 'static {
    /// Publishes `event` on `topic` and returns its sequence number (this instance's).
    async fn publish(&self, topic: Topic, event: BusEvent) -> u64;
    /// Publishes to this instance's subscribers only: what another instance announced and
    /// this one re-read from the store.
    async fn publish_local(&self, topic: Topic, event: BusEvent) -> u64 {
        self.publish(topic, event).await
    }
    /// Subscribes to `topic`: events published after this call are delivered in order.
    async fn subscribe(&self, topic: Topic) -> Box<dyn Subscription>;
    /// The sequence number of the last event published on `topic` (0 if none).
    async fn current_seq(&self, topic: Topic) -> u64;
    /// Whether a socket of this instance listens on `topic` (an instance re-reads another's
    /// change only for its own listeners).
    async fn watched(&self, topic: Topic) -> bool;
    /// `local` (one process) or `nats` (between instances), for `/readyz`.
    fn kind(&self) -> &'static str {
        "local"
    }
    /// Whether the instances hear each other (always, in one process).
    fn connected(&self) -> bool {
        true
    }
    /// Whether this instance knows every instance's pages (presence) well enough to decide
    /// from it: not while the instances do not hear each other, nor for one offline period
    /// after they hear each other again (the others' heartbeats are on their way).
    fn presence_settled(&self) -> bool {
        true
    }
    /// Sends what is queued for the other instances (before the process ends).
    async fn flush(&self) {}
    /// Prometheus text of the bus's counters (none in one process).
    fn metrics(&self) -> String {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    /// A channel slot holds the largest event: one connected candidate's own topic has 8,
    /// so a large variant inline (a tile was ~250 bytes) costs kilobytes per candidate.
    #[test]
    fn events_stay_small_enough_for_per_candidate_channels() {
        let size = std::mem::size_of::<super::Envelope>();
        assert!(size <= 96, "an event is {size} bytes: box its large variant");
    }
}
