//! The bare relay: the least a camera relay can do, as the yardstick for the real one. No auth,
//! no validation, no storage, no health checks, no presence; heartbeats get their ack (clients
//! send as many heartbeats as frames, and any server answers them). Each candidate frame is
//! re-framed into the proctor format (a new 36-byte header and a copy of the JPEG, as any relay
//! must) and queued, latest wins per view, for the subscribers of its room (or of its
//! candidate, for focus). Candidates are told to switch to the focus profile while someone
//! focuses on them, so the traffic matches the real server's. Sockets get the real server's
//! buffer settings (`server::routes::lean`), and TCP_NODELAY as a latency-minded relay should.
//!
//! Runs in its own process (the bench re-executes itself with `VIGIL_BENCH_ROLE=bare-relay`).
use axum::Router;
use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::serve::ListenerExt;
use chrono::Utc;
use domain::camera::{CameraSettings, DOWN_HEADER_LEN, RelayHeader, UP_HEADER_LEN};
use domain::protocol::{CandidateClientMsg, CandidateServerMsg};
use domain::{CandidateId, View};
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// A view: (candidate id, view byte).
type ViewKey = (i64, u8);

/// One proctor socket's queue: at most one pending frame per view, oldest first.
struct Sub {
    focus: Option<i64>,
    pending: Mutex<(VecDeque<ViewKey>, HashMap<ViewKey, Bytes>)>,
    ready: Notify,
}

impl Sub {
    fn push(&self, key: ViewKey, frame: Bytes) {
        {
            let mut p = self.pending.lock().expect("lock");
            if p.1.insert(key, frame).is_none() {
                p.0.push_back(key);
            }
        }
        self.ready.notify_one();
    }

    fn pop(&self) -> Option<Bytes> {
        let mut p = self.pending.lock().expect("lock");
        let key = p.0.pop_front()?;
        p.1.remove(&key)
    }
}

#[derive(Default)]
struct Relay {
    rooms: RwLock<HashMap<i64, Vec<Arc<Sub>>>>,
    /// Control channels of each candidate's sockets (profile messages).
    candidates: Mutex<HashMap<i64, Vec<mpsc::UnboundedSender<String>>>>,
    focused: Mutex<HashMap<i64, usize>>,
}

fn profile_msg(focus: bool) -> String {
    let s = CameraSettings::default();
    let profile = if focus { s.focus } else { s.grid };
    serde_json::json!({ "type": "profile", "profile": profile }).to_string()
}

impl Relay {
    fn publish(&self, room: i64, candidate: i64, msg: &[u8]) {
        if msg.len() < UP_HEADER_LEN {
            return;
        }
        let u16_at = |i: usize| u16::from_be_bytes([msg[i], msg[i + 1]]);
        let h = RelayHeader {
            candidate: CandidateId(candidate),
            view: if msg[2] == 1 { View::Phone } else { View::Pc },
            seq: u32::from_be_bytes([msg[4], msg[5], msg[6], msg[7]]),
            captured_ms: u64::from_be_bytes(msg[8..16].try_into().expect("8 bytes")),
            received_ms: Utc::now().timestamp_millis() as u64,
            width: u16_at(16),
            height: u16_at(18),
        };
        let jpeg = &msg[UP_HEADER_LEN..];
        let mut out = Vec::with_capacity(DOWN_HEADER_LEN + jpeg.len());
        out.extend_from_slice(&h.encode());
        out.extend_from_slice(jpeg);
        let out = Bytes::from(out);
        let rooms = self.rooms.read().expect("lock");
        for sub in rooms.get(&room).into_iter().flatten() {
            if sub.focus.is_none_or(|f| f == candidate) {
                sub.push((candidate, msg[2]), out.clone());
            }
        }
    }

    fn tell(&self, candidate: i64, focus: bool) {
        let msg = profile_msg(focus);
        for tx in self.candidates.lock().expect("lock").get(&candidate).into_iter().flatten() {
            let _ = tx.send(msg.clone());
        }
    }

    fn add_candidate(&self, candidate: i64, tx: mpsc::UnboundedSender<String>) {
        if self.focused.lock().expect("lock").get(&candidate).copied().unwrap_or(0) > 0 {
            let _ = tx.send(profile_msg(true));
        }
        self.candidates.lock().expect("lock").entry(candidate).or_default().push(tx);
    }

    fn remove_candidate(&self, candidate: i64, tx: &mpsc::UnboundedSender<String>) {
        if let Some(list) = self.candidates.lock().expect("lock").get_mut(&candidate) {
            list.retain(|t| !t.same_channel(tx));
        }
    }

    fn subscribe(&self, room: i64, sub: &Arc<Sub>) {
        self.rooms.write().expect("lock").entry(room).or_default().push(sub.clone());
        if let Some(id) = sub.focus {
            let first = {
                let mut f = self.focused.lock().expect("lock");
                let n = f.entry(id).or_default();
                *n += 1;
                *n == 1
            };
            if first {
                self.tell(id, true);
            }
        }
    }

    fn unsubscribe(&self, room: i64, sub: &Arc<Sub>) {
        if let Some(list) = self.rooms.write().expect("lock").get_mut(&room) {
            list.retain(|s| !Arc::ptr_eq(s, sub));
        }
        if let Some(id) = sub.focus {
            let last = {
                let mut f = self.focused.lock().expect("lock");
                let n = f.entry(id).or_default();
                *n = n.saturating_sub(1);
                *n == 0
            };
            if last {
                self.tell(id, false);
            }
        }
    }
}

#[derive(Deserialize)]
struct CandidateQuery {
    candidate: i64,
    room: i64,
}

#[derive(Deserialize)]
struct FramesQuery {
    room: i64,
    candidate: Option<i64>,
}

async fn candidate_ws(
    ws: WebSocketUpgrade,
    Query(q): Query<CandidateQuery>,
    State(relay): State<Arc<Relay>>,
) -> Response {
    server::routes::lean(ws).on_upgrade(move |socket| candidate_conn(socket, q, relay))
}

async fn candidate_conn(socket: WebSocket, q: CandidateQuery, relay: Arc<Relay>) {
    let (mut tx, mut rx) = socket.split();
    let (ctl_tx, mut ctl_rx) = mpsc::unbounded_channel::<String>();
    relay.add_candidate(q.candidate, ctl_tx.clone());
    loop {
        tokio::select! {
            msg = rx.next() => match msg {
                Some(Ok(Message::Binary(b))) => relay.publish(q.room, q.candidate, &b),
                Some(Ok(Message::Text(t))) => {
                    // Heartbeats are acknowledged, as the protocol asks; hello needs no answer.
                    let msg = serde_json::from_str::<CandidateClientMsg>(t.as_str());
                    if let Ok(CandidateClientMsg::Heartbeat) = msg {
                        let ack = CandidateServerMsg::HeartbeatAck { server_time: Utc::now() };
                        let json = serde_json::to_string(&ack).expect("json");
                        if tx.send(Message::Text(json.into())).await.is_err() {
                            break;
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
            Some(text) = ctl_rx.recv() => {
                if tx.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
        }
    }
    relay.remove_candidate(q.candidate, &ctl_tx);
}

async fn frames_ws(
    ws: WebSocketUpgrade,
    Query(q): Query<FramesQuery>,
    State(relay): State<Arc<Relay>>,
) -> Response {
    server::routes::lean(ws).on_upgrade(move |socket| frames_conn(socket, q, relay))
}

async fn frames_conn(socket: WebSocket, q: FramesQuery, relay: Arc<Relay>) {
    let (mut tx, mut rx) = socket.split();
    let hello = serde_json::json!({ "type": "hello", "room": q.room }).to_string();
    if tx.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    let sub = Arc::new(Sub { focus: q.candidate, pending: Mutex::default(), ready: Notify::new() });
    relay.subscribe(q.room, &sub);
    'conn: loop {
        tokio::select! {
            _ = sub.ready.notified() => {
                while let Some(frame) = sub.pop() {
                    let sent = tokio::time::timeout(SEND_TIMEOUT, tx.send(Message::Binary(frame)));
                    if !matches!(sent.await, Ok(Ok(()))) {
                        break 'conn;
                    }
                }
            }
            msg = rx.next() => match msg {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {}
            },
        }
    }
    relay.unsubscribe(q.room, &sub);
}

/// Serves the bare relay on `addr` until killed.
pub fn serve(addr: SocketAddr) -> ! {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let result = rt.block_on(async move {
        let app = Router::new()
            .route("/readyz", get(|| async { "ready" }))
            .route("/ws/candidate", get(candidate_ws))
            .route("/ws/frames", get(frames_ws))
            .with_state(Arc::new(Relay::default()));
        // TCP_NODELAY: without it a frame written while the previous one is unacknowledged
        // waits for the proctor's delayed ACK (~40 ms at p99 for focus frames).
        let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app).await
    });
    if let Err(e) = result {
        eprintln!("bare relay: {e}");
        std::process::exit(1);
    }
    std::process::exit(0)
}
