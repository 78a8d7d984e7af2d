//! The camera relay's link between instances on NATS: frames of a room go to the subject
//! `<prefix>.frames.<room>`, which an instance subscribes to while its proctors watch that
//! room; what each instance watches goes to `<prefix>.watch` every second. Frames are sent
//! through a bounded queue: when it is full the frame is dropped (counted) and the next one,
//! newer, takes its place, as everywhere in the relay.
use super::NatsBus;
use super::nats::BusStats;
use crate::relay::{FrameHub, FrameLink};
use bytes::Bytes;
use domain::{CandidateId, RoomId};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, Weak};
use tokio::sync::mpsc;

/// A message for NATS: its subject, its bytes, and whether it is a frame (counted).
type Out = (String, Bytes, bool);

/// Frames waiting to be sent to the other instances.
const FRAME_QUEUE: usize = 1_024;
const WATCH_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct WatchMsg {
    v: u32,
    origin: u64,
    rooms: Vec<RoomId>,
    focus: Vec<CandidateId>,
}

pub struct NatsFrames {
    client: async_nats::Client,
    prefix: String,
    origin: u64,
    out: mpsc::Sender<Out>,
    stats: Arc<BusStats>,
    hub: Weak<FrameHub>,
    /// This instance's subscription per watched room (dropped: unsubscribed).
    rooms: Mutex<HashMap<RoomId, tokio::task::JoinHandle<()>>>,
}

impl NatsFrames {
    /// Links `hub` to the other instances on `bus`'s NATS connection.
    pub async fn link(
        bus: &NatsBus,
        hub: &Arc<FrameHub>,
    ) -> Result<Arc<Self>, super::nats::BusError> {
        let (out, rx) = mpsc::channel(FRAME_QUEUE);
        tokio::spawn(send(bus.client.clone(), rx, bus.stats.clone()));
        let watch = bus
            .client
            .subscribe(format!("{}.watch", bus.prefix))
            .await
            .map_err(|e| super::nats::BusError::Subscribe(e.to_string()))?;
        let link = Arc::new(Self {
            client: bus.client.clone(),
            prefix: bus.prefix.clone(),
            origin: bus.origin(),
            out,
            stats: bus.stats.clone(),
            hub: Arc::downgrade(hub),
            rooms: Mutex::default(),
        });
        tokio::spawn(hear_watching(watch, Arc::downgrade(hub), bus.origin()));
        hub.set_link(link.clone());
        Ok(link)
    }

    fn subject(&self, room: RoomId) -> String {
        format!("{}.frames.{}", self.prefix, room.0)
    }

    /// Subscribes to the frames of the rooms watched here, and only those.
    fn follow_rooms(&self, rooms: &[RoomId]) {
        let mut subs = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        subs.retain(|room, task| {
            let keep = rooms.contains(room);
            if !keep {
                task.abort();
            }
            keep
        });
        for room in rooms {
            if subs.contains_key(room) {
                continue;
            }
            let (client, subject, hub) =
                (self.client.clone(), self.subject(*room), self.hub.clone());
            let (room, stats) = (*room, self.stats.clone());
            subs.insert(
                room,
                tokio::spawn(async move {
                    let mut sub = match client.subscribe(subject).await {
                        Ok(s) => s,
                        Err(e) => {
                            tracing::warn!(error = %e, %room, "cannot hear the room's frames from the other instances");
                            return;
                        }
                    };
                    while let Some(msg) = sub.next().await {
                        let Some(hub) = hub.upgrade() else { return };
                        stats.frames_in.fetch_add(1, Ordering::Relaxed);
                        hub.relay_remote(room, msg.payload);
                    }
                }),
            );
        }
    }
}

impl FrameLink for NatsFrames {
    fn forward(&self, room: RoomId, frame: Bytes) {
        if self.out.try_send((self.subject(room), frame, true)).is_err() {
            self.stats.frames_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn watching(&self, rooms: Vec<RoomId>, focus: Vec<CandidateId>) {
        self.follow_rooms(&rooms);
        let msg = WatchMsg { v: WATCH_VERSION, origin: self.origin, rooms, focus };
        let bytes = serde_json::to_vec(&msg).unwrap_or_default();
        let _ = self.out.try_send((format!("{}.watch", self.prefix), bytes.into(), false));
    }
}

async fn send(client: async_nats::Client, mut rx: mpsc::Receiver<Out>, stats: Arc<BusStats>) {
    while let Some((subject, payload, frame)) = rx.recv().await {
        match client.publish(subject, payload).await {
            Ok(()) if frame => stats.frames_out.fetch_add(1, Ordering::Relaxed),
            Ok(()) => 0,
            Err(e) => {
                tracing::debug!(error = %e, "a frame or watch message was not sent");
                stats.frames_dropped.fetch_add(1, Ordering::Relaxed)
            }
        };
    }
}

async fn hear_watching(mut sub: async_nats::Subscriber, hub: Weak<FrameHub>, origin: u64) {
    while let Some(msg) = sub.next().await {
        let Some(hub) = hub.upgrade() else { return };
        match serde_json::from_slice::<WatchMsg>(&msg.payload) {
            Ok(w) if w.v == WATCH_VERSION && w.origin != origin => {
                hub.remote_watching(w.origin, w.rooms, w.focus);
            }
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "an undecodable watch message was ignored"),
        }
    }
}
