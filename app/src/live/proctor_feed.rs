//! The proctor's room feed: a snapshot, then ordered deltas; a gap triggers a resync and a
//! reconnect brings a fresh snapshot, so the grid never misses a change.
use chrono::{DateTime, Duration, Utc};
use codee::string::JsonSerdeCodec;
use domain::grid::{AlertKind, alerts};
use domain::protocol::{ProctorClientMsg, ProctorServerMsg, RevokeReason, SeqCheck, check_seq};
use domain::{CandidateId, CandidateTile, RoomId};
use leptos::prelude::*;
use leptos_use::core::ConnectionReadyState;
use leptos_use::{
    ReconnectLimit, UseWebSocketOptions, use_interval_fn, use_websocket_with_options,
};
use std::collections::HashMap;
use std::sync::Arc;

/// State of the feed's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedStatus {
    Connecting,
    Live,
    Reconnecting,
    /// The server ended access to the room (or the session): closed for good.
    Revoked(RevokeReason),
}

impl FeedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedStatus::Connecting => "connecting",
            FeedStatus::Live => "live",
            FeedStatus::Reconnecting => "reconnecting",
            FeedStatus::Revoked(_) => "revoked",
        }
    }
}

type Tiles = HashMap<CandidateId, ArcRwSignal<CandidateTile>>;

/// Most alerts kept on the page (older ones drop off).
const MAX_ALERTS: usize = 50;

/// A live alert: something a tile change says needs the proctor now.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Counter, unique on the page.
    pub n: u64,
    pub candidate: CandidateId,
    pub name: String,
    pub kind: AlertKind,
    pub at: DateTime<Utc>,
}
type Sender = Arc<dyn Fn(&ProctorClientMsg) + Send + Sync>;
type Closer = Arc<dyn Fn() + Send + Sync>;

/// A live room: the tile order, one signal per tile, and a server-aligned clock.
#[derive(Clone, Copy)]
pub struct RoomFeed {
    pub status: RwSignal<FeedStatus>,
    pub order: RwSignal<Vec<CandidateId>>,
    pub online_count: RwSignal<usize>,
    pub now: Signal<DateTime<Utc>>,
    /// Newest first.
    pub alerts: RwSignal<Vec<Alert>>,
    tiles: StoredValue<Tiles>,
}

impl RoomFeed {
    /// The signal of one tile.
    pub fn tile(&self, id: CandidateId) -> Option<Signal<CandidateTile>> {
        let sig = self.tiles.with_value(|m| m.get(&id).cloned())?;
        Some(Signal::derive(move || sig.get()))
    }

    /// Every tile's current state (tracked: re-runs when any tile changes).
    pub fn all(&self) -> Vec<CandidateTile> {
        let sigs: Vec<ArcRwSignal<CandidateTile>> =
            self.tiles.with_value(|m| m.values().cloned().collect());
        self.order.track();
        sigs.iter().map(|s| s.get()).collect()
    }

    fn alert(&self, old: &CandidateTile, new: &CandidateTile) {
        let kinds = alerts(old, new);
        if kinds.is_empty() {
            return;
        }
        let now = self.now.get_untracked();
        self.alerts.update(|list| {
            for kind in kinds {
                let n = list.first().map_or(1, |a| a.n + 1);
                let name = new.name.clone();
                list.insert(0, Alert { n, candidate: new.id, name, kind, at: now });
            }
            list.truncate(MAX_ALERTS);
        });
    }

    fn recount(&self) {
        let n = self.tiles.with_value(|m| {
            m.values().filter(|t| t.with_untracked(|t| t.pc.online || t.phone.online)).count()
        });
        self.online_count.set(n);
    }

    fn replace_all(&self, tiles: &[CandidateTile]) {
        let map: Tiles = tiles.iter().map(|t| (t.id, ArcRwSignal::new(t.clone()))).collect();
        self.tiles.set_value(map);
        self.order.set(tiles.iter().map(|t| t.id).collect());
    }

    fn upsert(&self, tile: &CandidateTile) {
        let existing = self.tiles.with_value(|m| m.get(&tile.id).cloned());
        match existing {
            Some(sig) => {
                let old = sig.get_untracked();
                self.alert(&old, tile);
                sig.set(tile.clone());
            }
            None => {
                self.tiles.update_value(|m| {
                    m.insert(tile.id, ArcRwSignal::new(tile.clone()));
                });
                self.order.update(|o| o.push(tile.id));
            }
        }
    }
}

/// Opens the feed of `room` (in the browser) and keeps it up to date.
pub fn use_room_feed(room: RoomId) -> RoomFeed {
    let offset = RwSignal::new(Duration::zero());
    let local_now = RwSignal::new(Utc::now());
    let feed = RoomFeed {
        status: RwSignal::new(FeedStatus::Connecting),
        order: RwSignal::new(Vec::new()),
        online_count: RwSignal::new(0),
        now: Signal::derive(move || local_now.get() + offset.get()),
        alerts: RwSignal::new(Vec::new()),
        tiles: StoredValue::new(HashMap::new()),
    };
    let last_seq = StoredValue::new(0u64);
    let sender: StoredValue<Option<Sender>> = StoredValue::new(None);
    let closer: StoredValue<Option<Closer>> = StoredValue::new(None);

    let on_message = move |msg: &ProctorServerMsg| match msg {
        ProctorServerMsg::Snapshot { seq, tiles, server_time, .. } => {
            offset.set(*server_time - Utc::now());
            last_seq.set_value(*seq);
            feed.replace_all(tiles);
            feed.recount();
            feed.status.set(FeedStatus::Live);
        }
        ProctorServerMsg::Delta { seq, tile } => match check_seq(last_seq.get_value(), *seq) {
            SeqCheck::Apply => {
                last_seq.set_value(*seq);
                feed.upsert(tile);
                feed.recount();
            }
            SeqCheck::Stale => {}
            SeqCheck::Gap => {
                if let Some(send) = sender.get_value() {
                    send(&ProctorClientMsg::Resync);
                }
            }
        },
        ProctorServerMsg::Beats { server_time, beats } => {
            offset.set(*server_time - Utc::now());
            for b in beats {
                if let Some(sig) = feed.tiles.with_value(|m| m.get(&b.id).cloned()) {
                    let old = sig.get_untracked();
                    if old.pc != b.pc || old.phone != b.phone {
                        let mut new = old.clone();
                        new.pc = b.pc;
                        new.phone = b.phone;
                        feed.alert(&old, &new);
                        sig.set(new);
                    }
                }
            }
            feed.recount();
        }
        ProctorServerMsg::Revoked { reason } => {
            feed.status.set(FeedStatus::Revoked(*reason));
            feed.replace_all(&[]);
            feed.recount();
            if let Some(close) = closer.get_value() {
                close();
            }
        }
        ProctorServerMsg::Pong | ProctorServerMsg::Error { .. } => {}
    };

    let ws = use_websocket_with_options::<ProctorClientMsg, ProctorServerMsg, JsonSerdeCodec, _, _>(
        &format!("/ws/proctor?room={room}"),
        UseWebSocketOptions::default()
            .reconnect_limit(ReconnectLimit::Infinite)
            .reconnect_interval(1000)
            .on_message(on_message),
    );
    let send = ws.send.clone();
    sender.set_value(Some(Arc::new(move |m: &ProctorClientMsg| send(m))));
    let close = ws.close.clone();
    closer.set_value(Some(Arc::new(close)));

    let ready = ws.ready_state;
    Effect::new(move |_| {
        if ready.get() != ConnectionReadyState::Open
            && feed.status.get_untracked() == FeedStatus::Live
        {
            feed.status.set(FeedStatus::Reconnecting);
        }
    });
    let _tick = use_interval_fn(move || local_now.set(Utc::now()), 1000);
    feed
}
