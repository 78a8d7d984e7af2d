//! `LocalBus`: one bounded `tokio::sync::broadcast` channel per active topic. A subscriber
//! that lags gets `BusItem::Gap` and keeps going; memory never grows with a slow reader.
//! `gap_all` tells every subscriber it missed something (the NATS bus, after a lost message
//! or a reconnection).
use super::{BusEvent, BusItem, Envelope, EventBus, Subscription, Topic};
use async_trait::async_trait;
use std::collections::HashMap;
use tokio::sync::{Mutex, broadcast};

/// What goes down a topic's channel.
#[derive(Clone)]
enum Slot {
    Event(Envelope),
    Gap,
}

struct TopicState {
    seq: u64,
    sender: Option<broadcast::Sender<Slot>>,
}

/// In-process event bus.
pub struct LocalBus {
    capacity: usize,
    topics: Mutex<HashMap<Topic, TopicState>>,
}

impl LocalBus {
    /// `capacity` events are buffered per topic before slow subscribers see a gap.
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), topics: Mutex::new(HashMap::new()) }
    }
}

/// A candidate's own topic carries a few events an hour (phase changes, camera problems,
/// messages), read at once by sockets that wake on every frame: a small buffer, since one
/// channel per connected candidate is allocated up front (at the room topics' 1,024 slots,
/// 2,000 candidates would hold ~0.5 GB; at 16 slots, ~1 KB per candidate more than at 8). A
/// lag still gives a gap, and the socket resynchronises from the store.
const CANDIDATE_TOPIC_CAPACITY: usize = 8;
/// Access changes are rare and a lag only means "check again": the smallest buffer.
const ACCESS_TOPIC_CAPACITY: usize = 2;

impl LocalBus {
    fn capacity_for(&self, topic: Topic) -> usize {
        match topic {
            Topic::Candidate(_) => self.capacity.min(CANDIDATE_TOPIC_CAPACITY),
            Topic::Access(_) => self.capacity.min(ACCESS_TOPIC_CAPACITY),
            Topic::Room(_) | Topic::Exam(_) => self.capacity,
        }
    }
}

impl LocalBus {
    /// Every subscriber of every topic gets a gap: it resynchronises from the store.
    pub async fn gap_all(&self) {
        let mut topics = self.topics.lock().await;
        for state in topics.values_mut() {
            if let Some(sender) = &state.sender
                && sender.send(Slot::Gap).is_err()
            {
                state.sender = None;
            }
        }
    }

    /// Whether anyone here listens on `topic`.
    pub async fn has_subscribers(&self, topic: Topic) -> bool {
        let topics = self.topics.lock().await;
        topics.get(&topic).and_then(|s| s.sender.as_ref()).is_some_and(|s| s.receiver_count() > 0)
    }
}

impl Default for LocalBus {
    fn default() -> Self {
        Self::new(1024)
    }
}

struct LocalSubscription {
    rx: broadcast::Receiver<Slot>,
}

#[async_trait]
impl Subscription for LocalSubscription {
    async fn next(&mut self) -> Option<BusItem> {
        match self.rx.recv().await {
            Ok(Slot::Event(env)) => Some(BusItem::Event(env)),
            Ok(Slot::Gap) | Err(broadcast::error::RecvError::Lagged(_)) => Some(BusItem::Gap),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }
}

#[async_trait]
impl EventBus for LocalBus {
    async fn publish(&self, topic: Topic, event: BusEvent) -> u64 {
        // The lock is held while sending so that sequence order is delivery order.
        let mut topics = self.topics.lock().await;
        let state = topics.entry(topic).or_insert(TopicState { seq: 0, sender: None });
        state.seq += 1;
        let seq = state.seq;
        if let Some(sender) = &state.sender
            && sender.send(Slot::Event(Envelope { seq, event })).is_err()
        {
            // No receivers left: drop the channel, keep the sequence.
            state.sender = None;
        }
        seq
    }

    async fn subscribe(&self, topic: Topic) -> Box<dyn Subscription> {
        let mut topics = self.topics.lock().await;
        let state = topics.entry(topic).or_insert(TopicState { seq: 0, sender: None });
        let rx = match &state.sender {
            Some(sender) => sender.subscribe(),
            None => {
                let (sender, rx) = broadcast::channel(self.capacity_for(topic));
                state.sender = Some(sender);
                rx
            }
        };
        Box::new(LocalSubscription { rx })
    }

    async fn current_seq(&self, topic: Topic) -> u64 {
        self.topics.lock().await.get(&topic).map_or(0, |s| s.seq)
    }

    async fn watched(&self, topic: Topic) -> bool {
        self.has_subscribers(topic).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Phase, RoomId};

    fn ev() -> BusEvent {
        BusEvent::PhaseChanged(Phase::LoggedIn)
    }

    #[tokio::test]
    async fn subscribers_get_events_in_sequence_order() {
        let bus = LocalBus::new(16);
        let topic = Topic::Room(RoomId(1));
        let mut sub = bus.subscribe(topic).await;
        assert_eq!(bus.publish(topic, ev()).await, 1);
        assert_eq!(bus.publish(topic, ev()).await, 2);
        assert_eq!(sub.next().await, Some(BusItem::Event(Envelope { seq: 1, event: ev() })));
        assert_eq!(sub.next().await, Some(BusItem::Event(Envelope { seq: 2, event: ev() })));
        assert_eq!(bus.current_seq(topic).await, 2);
    }

    #[tokio::test]
    async fn topics_are_isolated_and_sequences_survive_idle_periods() {
        let bus = LocalBus::new(16);
        let a = Topic::Room(RoomId(1));
        let b = Topic::Room(RoomId(2));
        bus.publish(a, ev()).await; // nobody listening
        let mut sub_b = bus.subscribe(b).await;
        assert_eq!(bus.publish(a, ev()).await, 2);
        assert_eq!(bus.publish(b, ev()).await, 1);
        assert_eq!(sub_b.next().await, Some(BusItem::Event(Envelope { seq: 1, event: ev() })));
    }

    #[tokio::test]
    async fn a_lagging_subscriber_sees_a_gap_and_then_continues() {
        let bus = LocalBus::new(2);
        let topic = Topic::Room(RoomId(1));
        let mut sub = bus.subscribe(topic).await;
        for _ in 0..5 {
            bus.publish(topic, ev()).await;
        }
        assert_eq!(sub.next().await, Some(BusItem::Gap));
        assert!(matches!(sub.next().await, Some(BusItem::Event(Envelope { seq: 4, .. }))));
    }

    #[tokio::test]
    async fn gap_all_reaches_every_subscriber_and_keeps_the_sequences() {
        let bus = LocalBus::new(16);
        let (a, b) = (Topic::Room(RoomId(1)), Topic::Room(RoomId(2)));
        let (mut sub_a, mut sub_b) = (bus.subscribe(a).await, bus.subscribe(b).await);
        bus.publish(a, ev()).await;
        bus.gap_all().await;
        assert!(matches!(sub_a.next().await, Some(BusItem::Event(Envelope { seq: 1, .. }))));
        assert_eq!(sub_a.next().await, Some(BusItem::Gap));
        assert_eq!(sub_b.next().await, Some(BusItem::Gap));
        assert_eq!(bus.publish(a, ev()).await, 2);
        assert!(bus.has_subscribers(a).await);
        drop(sub_b);
        assert!(!bus.has_subscribers(b).await);
    }
}
