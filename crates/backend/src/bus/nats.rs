//! `NatsBus`: the event bus between instances. Each instance keeps a [`LocalBus`] for its own
//! sockets; what it publishes goes there at once and, in order, to NATS; what the other
//! instances publish comes back from NATS into its `LocalBus`.
//!
//! Ordering with N publishers: a socket's sequence numbers are its own instance's (the
//! `LocalBus`'s), gap-free by construction. Tiles are not copied between instances: a tile
//! announced on A becomes a hint on B ([`Remote::Tile`]), and B re-reads the tile from the
//! store and publishes it to its own sockets, so the last tile a proctor gets is never older
//! than the last committed change, whichever instance made it. Every origin numbers its
//! messages; a receiver that sees a jump (a lost message), an undecodable one, or a
//! reconnection to NATS tells all its subscribers they missed something (`BusItem::Gap`), and
//! they resynchronise from the store, as they do today when they fall behind.
//!
//! Publishing never blocks a request: messages go through a bounded queue to one sending
//! task; a full queue or a failed send is logged and counted (`vigil_bus_publish_failures`)
//! and the receivers' next snapshot repairs it (the sequence jump tells them).
use super::wire::{self, WIRE_VERSION, WireBody, WireMsg};
use super::{BusEvent, EventBus, LocalBus, Subscription, Topic};
use crate::presence::{HeldView, PresenceFact};
use async_trait::async_trait;
use domain::CandidateId;
use domain::presence::OFFLINE_AFTER_SECS;
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

/// Messages waiting for the sending task before publishing counts as failed.
const OUTBOX: usize = 8_192;
/// Hints from other instances waiting for this one to act on them.
const INBOX: usize = 8_192;

/// What another instance announced that this one acts on with the store and its presence.
#[derive(Debug, Clone, PartialEq)]
pub enum Remote {
    /// A candidate's tile changed elsewhere: re-read it and publish it to its room's sockets.
    Tile { candidate: CandidateId },
    /// A view came or went on instance `origin`.
    Presence { origin: u64, fact: PresenceFact },
    /// Views instance `origin` holds (part of its digest).
    Digest { origin: u64, views: Vec<HeldView> },
    /// A flag was raised on the candidate elsewhere: keep its frames received here.
    Evidence(CandidateId),
}

/// Counters for `/metrics`.
#[derive(Default)]
pub struct BusStats {
    pub published: AtomicU64,
    pub publish_failures: AtomicU64,
    pub received: AtomicU64,
    pub gaps: AtomicU64,
    /// Presence facts and digests not acted on (too many at once): the next digest repairs a
    /// lost "came", the silence limit a lost "went".
    pub presence_dropped: AtomicU64,
    pub undecodable: AtomicU64,
    pub reconnects: AtomicU64,
    /// Camera frames sent to and received from the other instances, and dropped on the way
    /// out (a newer frame follows).
    pub frames_out: AtomicU64,
    pub frames_in: AtomicU64,
    pub frames_dropped: AtomicU64,
    pub connected: AtomicBool,
    /// Set while the connection is lost (messages may be missed meanwhile).
    down: AtomicBool,
    /// When the connection was last (re)made, in seconds since the epoch.
    since: AtomicU64,
}

fn epoch_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl BusStats {
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, help, v) in [
            ("published", "Messages sent to the other instances.", &self.published),
            (
                "publish_failures",
                "Messages that could not be sent (repaired by the receivers' next snapshot).",
                &self.publish_failures,
            ),
            ("received", "Messages received from the other instances.", &self.received),
            (
                "gaps",
                "Times this instance found it had missed messages and resynchronised.",
                &self.gaps,
            ),
            (
                "presence_dropped",
                "Presence reports from the other instances dropped (too many at once; repaired by the next digest, or after 6 s of silence for a page that left).",
                &self.presence_dropped,
            ),
            ("undecodable", "Messages of an unknown version or shape.", &self.undecodable),
            ("reconnects", "Reconnections to NATS.", &self.reconnects),
            ("frames_out", "Camera frames forwarded to the other instances.", &self.frames_out),
            ("frames_in", "Camera frames received from the other instances.", &self.frames_in),
            (
                "frames_dropped",
                "Camera frames not forwarded (the queue was full).",
                &self.frames_dropped,
            ),
        ] {
            out.push_str(&format!(
                "# HELP vigil_bus_{name} {help}\n# TYPE vigil_bus_{name} counter\nvigil_bus_{name} {}\n",
                v.load(Ordering::Relaxed)
            ));
        }
        out.push_str(&format!(
            "# HELP vigil_bus_connected 1 while connected to NATS.\n# TYPE vigil_bus_connected gauge\nvigil_bus_connected {}\n",
            u8::from(self.connected.load(Ordering::Relaxed))
        ));
        out
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("cannot connect to NATS at {url}: {detail}")]
    Connect { url: String, detail: String },
    #[error("cannot subscribe on NATS: {0}")]
    Subscribe(String),
}

enum Outgoing {
    Event { seq: u64, topic: Topic, event: BusEvent },
    Presence(PresenceFact),
    Digest(Vec<HeldView>),
}

/// `url` with its password (if any) replaced by `***`, for logs and errors.
pub fn redact(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, rest)), Some(at)) if at > scheme.len() + 3 => {
            let creds = &rest[..at - scheme.len() - 3];
            match creds.split_once(':') {
                Some((user, _)) => format!("{scheme}://{user}:***@{}", &url[at + 1..]),
                // A token alone is the secret.
                None => format!("{scheme}://***@{}", &url[at + 1..]),
            }
        }
        _ => url.to_string(),
    }
}

pub struct NatsBus {
    local: Arc<LocalBus>,
    outbox: mpsc::Sender<Outgoing>,
    /// Held across a publish: this instance's sockets and the others get its events in the
    /// same order, and each event takes its number as it is queued (a message dropped from a
    /// full queue leaves a hole the receivers see).
    publishing: tokio::sync::Mutex<u64>,
    origin: u64,
    pub stats: Arc<BusStats>,
    /// For what else crosses NATS (the camera relay's frames: `bus::frames`).
    pub(super) client: async_nats::Client,
    pub(super) prefix: String,
}

impl NatsBus {
    /// Connects to `url` and shares events with every instance that uses the same `prefix`
    /// (the NATS subjects `<prefix>.events` and `<prefix>.presence`). Returns the bus and
    /// the hints the caller must act on ([`crate::service::cluster::follow`]).
    pub async fn connect(
        url: &str,
        prefix: &str,
    ) -> Result<(Arc<Self>, mpsc::Receiver<Remote>), BusError> {
        let local = Arc::new(LocalBus::default());
        let stats = Arc::new(BusStats::default());
        let origin: u64 = rand::random();
        let events = {
            let (local, stats) = (local.clone(), stats.clone());
            move |event: async_nats::Event| {
                let (local, stats) = (local.clone(), stats.clone());
                async move { on_connection_event(event, &local, &stats).await }
            }
        };
        let client = async_nats::ConnectOptions::new()
            .name("vigil")
            .no_echo()
            .connection_timeout(Duration::from_secs(5))
            .event_callback(events)
            .connect(url)
            .await
            .map_err(|e| BusError::Connect { url: redact(url), detail: e.to_string() })?;
        stats.connected.store(true, Ordering::Relaxed);
        stats.since.store(epoch_secs(), Ordering::Relaxed);
        // The two subjects of the bus, not a wildcard: the relay's subjects share the prefix.
        let mut subs = Vec::new();
        for subject in [format!("{prefix}.events"), format!("{prefix}.presence")] {
            subs.push(
                client.subscribe(subject).await.map_err(|e| BusError::Subscribe(e.to_string()))?,
            );
        }
        let (in_tx, in_rx) = mpsc::channel(INBOX);
        let incoming = futures::stream::select_all(subs);
        tokio::spawn(receive(incoming, local.clone(), stats.clone(), origin, in_tx));
        let (out_tx, out_rx) = mpsc::channel(OUTBOX);
        tokio::spawn(send(client.clone(), prefix.to_string(), out_rx, stats.clone(), origin));
        let shown = redact(url);
        tracing::info!(url = %shown, prefix, origin = format!("{origin:016x}"), "event bus on NATS");
        let prefix = prefix.to_string();
        let publishing = tokio::sync::Mutex::new(0);
        Ok((
            Arc::new(Self { local, outbox: out_tx, publishing, origin, stats, client, prefix }),
            in_rx,
        ))
    }

    /// This instance's name on the bus.
    pub fn origin(&self) -> u64 {
        self.origin
    }

    /// Tells the other instances about a view here (never blocks; a lost fact is repaired
    /// by the next heartbeat).
    pub fn share_presence(&self, fact: PresenceFact) {
        self.enqueue(Outgoing::Presence(fact));
    }

    /// Tells the other instances every view this one holds (every heartbeat period), in
    /// parts of at most [`wire::DIGEST_PART`] views.
    pub fn share_digest(&self, views: Vec<HeldView>) {
        for part in views.chunks(wire::DIGEST_PART) {
            self.enqueue(Outgoing::Digest(part.to_vec()));
        }
    }

    fn enqueue(&self, msg: Outgoing) {
        if self.outbox.try_send(msg).is_err() {
            self.stats.publish_failures.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("bus outbox full: a message to the other instances was dropped");
        }
    }
}

async fn on_connection_event(event: async_nats::Event, local: &LocalBus, stats: &BusStats) {
    match event {
        async_nats::Event::Connected => {
            stats.connected.store(true, Ordering::Relaxed);
            stats.since.store(epoch_secs(), Ordering::Relaxed);
            if stats.down.swap(false, Ordering::Relaxed) {
                stats.reconnects.fetch_add(1, Ordering::Relaxed);
                stats.gaps.fetch_add(1, Ordering::Relaxed);
                tracing::info!("NATS connection back: every live view resynchronises");
                local.gap_all().await;
            }
        }
        async_nats::Event::Disconnected => {
            stats.connected.store(false, Ordering::Relaxed);
            stats.down.store(true, Ordering::Relaxed);
            tracing::warn!("NATS connection lost: reconnecting");
        }
        async_nats::Event::SlowConsumer(_) => {
            stats.gaps.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("NATS dropped messages for this slow instance: resynchronising");
            local.gap_all().await;
        }
        other => tracing::info!(event = %other, "NATS"),
    }
}

/// The one sending task: numbers this instance's events in the order they were published.
async fn send(
    client: async_nats::Client,
    prefix: String,
    mut rx: mpsc::Receiver<Outgoing>,
    stats: Arc<BusStats>,
    origin: u64,
) {
    let (events, presence) = (format!("{prefix}.events"), format!("{prefix}.presence"));
    while let Some(out) = rx.recv().await {
        let (subject, body) = match out {
            Outgoing::Event { seq, topic, event } => {
                (&events, WireBody::Event { seq, topic, event })
            }
            Outgoing::Presence(fact) => (&presence, WireBody::Presence { fact }),
            Outgoing::Digest(views) => (&presence, WireBody::Digest { views }),
        };
        let bytes = wire::encode(&WireMsg { v: WIRE_VERSION, origin, body });
        match client.publish(subject.clone(), bytes.into()).await {
            Ok(()) => stats.published.fetch_add(1, Ordering::Relaxed),
            Err(e) => {
                tracing::warn!(error = %e, "publishing to NATS failed");
                stats.publish_failures.fetch_add(1, Ordering::Relaxed)
            }
        };
    }
}

/// Feeds what the other instances publish into this one.
async fn receive(
    mut sub: impl futures::Stream<Item = async_nats::Message> + Unpin,
    local: Arc<LocalBus>,
    stats: Arc<BusStats>,
    origin: u64,
    hints: mpsc::Sender<Remote>,
) {
    let mut last: HashMap<u64, u64> = HashMap::new();
    while let Some(msg) = sub.next().await {
        stats.received.fetch_add(1, Ordering::Relaxed);
        let wire = match wire::decode(&msg.payload) {
            Ok(w) => w,
            Err(e) => {
                stats.undecodable.fetch_add(1, Ordering::Relaxed);
                stats.gaps.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(error = %e, subject = %msg.subject, "bus message ignored: resynchronising");
                local.gap_all().await;
                continue;
            }
        };
        if wire.origin == origin {
            continue;
        }
        let hint = match wire.body {
            WireBody::Event { seq, topic, event } => {
                if let Some(prev) = last.insert(wire.origin, seq)
                    && seq != prev + 1
                {
                    stats.gaps.fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(
                        from = format!("{:016x}", wire.origin),
                        expected = prev + 1,
                        got = seq,
                        "bus messages lost: resynchronising"
                    );
                    local.gap_all().await;
                }
                match (topic, event) {
                    (Topic::Candidate(c), BusEvent::FlagRaised) => Remote::Evidence(c),
                    (Topic::Room(_), BusEvent::TileChanged(tile)) => {
                        if !local.has_subscribers(topic).await {
                            continue;
                        }
                        Remote::Tile { candidate: tile.id }
                    }
                    (topic, event) => {
                        local.publish(topic, event).await;
                        continue;
                    }
                }
            }
            WireBody::Presence { fact } => Remote::Presence { origin: wire.origin, fact },
            WireBody::Digest { views } => Remote::Digest { origin: wire.origin, views },
        };
        match hints.try_send(hint) {
            Ok(()) => {}
            // Presence is state the next digest repeats: dropping a report costs at most a
            // heartbeat period, where resynchronising would re-read every socket's state.
            Err(mpsc::error::TrySendError::Full(
                Remote::Presence { .. } | Remote::Digest { .. },
            )) => {
                if stats.presence_dropped.fetch_add(1, Ordering::Relaxed).is_multiple_of(1_000) {
                    tracing::warn!(
                        "too many presence reports from the other instances at once: dropped until the next digest"
                    );
                }
            }
            Err(_) => {
                stats.gaps.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    "too many changes from the other instances at once: resynchronising"
                );
                local.gap_all().await;
            }
        }
    }
    tracing::warn!("NATS subscription ended: this instance no longer hears the others");
}

#[async_trait]
impl EventBus for NatsBus {
    async fn publish(&self, topic: Topic, event: BusEvent) -> u64 {
        let mut numbered = self.publishing.lock().await;
        let seq = self.local.publish(topic, event.clone()).await;
        *numbered += 1;
        self.enqueue(Outgoing::Event { seq: *numbered, topic, event });
        seq
    }

    async fn publish_local(&self, topic: Topic, event: BusEvent) -> u64 {
        self.local.publish(topic, event).await
    }

    async fn subscribe(&self, topic: Topic) -> Box<dyn Subscription> {
        self.local.subscribe(topic).await
    }

    async fn current_seq(&self, topic: Topic) -> u64 {
        self.local.current_seq(topic).await
    }

    async fn watched(&self, topic: Topic) -> bool {
        self.local.has_subscribers(topic).await
    }

    fn kind(&self) -> &'static str {
        "nats"
    }

    fn connected(&self) -> bool {
        self.stats.connected.load(Ordering::Relaxed)
    }

    async fn flush(&self) {
        let waited = tokio::time::timeout(Duration::from_secs(5), async {
            while self.outbox.capacity() < self.outbox.max_capacity() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let _ = self.client.flush().await;
        });
        if waited.await.is_err() {
            tracing::warn!("stopping with messages for the other instances still queued");
        }
    }

    fn presence_settled(&self) -> bool {
        let since = self.stats.since.load(Ordering::Relaxed);
        self.connected() && epoch_secs().saturating_sub(since) > OFFLINE_AFTER_SECS as u64
    }

    fn metrics(&self) -> String {
        self.stats.render()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_bus_url_is_shown_without_its_password() {
        assert_eq!(
            super::redact("nats://vigil:s3cret@nats.example.edu:4222"),
            "nats://vigil:***@nats.example.edu:4222"
        );
        assert_eq!(super::redact("nats://t0ken@nats:4222"), "nats://***@nats:4222");
        assert_eq!(super::redact("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
    }
}
