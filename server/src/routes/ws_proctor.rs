//! `/ws/proctor?room=N`: a proctor's live room feed. Sends a snapshot with the room topic's
//! sequence number, then ordered deltas; on a bus gap or a client `resync`, a fresh
//! snapshot. Every 2 s a `beats` message carries last heartbeats. A client that cannot keep
//! up is resynchronised (the bus buffer is bounded) or, if it stops reading, disconnected.
use super::{Sink, send_json as send};
use app::server::state::AppState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use backend::access::{self, CurrentStaff, LiveGuard};
use backend::bus::{BusEvent, BusItem, Topic};
use backend::service::live;
use domain::protocol::{
    MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION, ProctorClientMsg, ProctorServerMsg, ProtocolError,
};
use domain::{AppError, RoomId};
use futures::StreamExt;
use serde::Deserialize;
use std::time::Duration;

const BEATS_EVERY: Duration = Duration::from_secs(2);

#[derive(Deserialize)]
pub struct RoomQuery {
    room: i64,
}

pub async fn handler(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    who: CurrentStaff,
    Query(q): Query<RoomQuery>,
) -> Result<Response, AppError> {
    let room = RoomId(q.room);
    access::watched_room(&state, &who.user, room).await?;
    let guard = LiveGuard::staff(&state, &who, Some(room)).await;
    Ok(super::lean(ws).max_message_size(MAX_CLIENT_MESSAGE_BYTES).on_upgrade(
        move |socket| async move {
            let _hold = state.drain.hold();
            if let Err(e) = run(socket, state, room, guard).await {
                tracing::debug!(error = %e, %room, "proctor socket closed");
            }
        },
    ))
}

/// Sends a snapshot and returns its sequence number.
async fn send_snapshot(tx: &mut Sink, state: &AppState, room: RoomId) -> anyhow::Result<u64> {
    let (seq, summary, tiles) = live::snapshot(state, room).await?;
    let msg = ProctorServerMsg::Snapshot {
        protocol: PROTOCOL_VERSION,
        seq,
        room: summary,
        tiles,
        server_time: state.clock.now(),
    };
    send(tx, &msg).await?;
    Ok(seq)
}

fn reply_to(text: &str) -> Option<Result<ProctorClientMsg, ProtocolError>> {
    Some(
        serde_json::from_str::<ProctorClientMsg>(text)
            .map_err(|e| ProtocolError::Malformed { detail: e.to_string() }),
    )
}

async fn run(
    socket: WebSocket,
    state: AppState,
    room: RoomId,
    mut guard: LiveGuard,
) -> anyhow::Result<()> {
    let (mut tx, mut rx) = socket.split();
    // Subscribe before the snapshot so nothing published in between is lost.
    let sub = backend::bus::into_stream(state.bus.subscribe(Topic::Room(room)).await);
    let mut last = send_snapshot(&mut tx, &state, room).await?;
    let mut beats = tokio::time::interval(BEATS_EVERY);
    // Made once, as every socket loop does (see `backend::bus::into_stream`).
    let drain = state.drain.started();
    let revoked = guard.revoked(&state);
    tokio::pin!(sub, drain, revoked);
    loop {
        tokio::select! {
            () = &mut drain => {
                super::close_restart(&mut tx).await;
                break;
            }
            reason = &mut revoked => {
                send(&mut tx, &ProctorServerMsg::Revoked { reason }).await?;
                super::close_revoked(&mut tx).await;
                break;
            }
            item = sub.next() => match item {
                Some(BusItem::Event(env)) if env.seq > last => {
                    last = env.seq;
                    if let BusEvent::TileChanged(tile) = env.event {
                        send(&mut tx, &ProctorServerMsg::Delta { seq: env.seq, tile: *tile }).await?;
                    }
                }
                Some(BusItem::Event(_)) => {}
                Some(BusItem::Gap) => last = send_snapshot(&mut tx, &state, room).await?,
                None => break,
            },
            msg = rx.next() => {
                let parsed = match msg {
                    Some(Ok(Message::Text(text))) => reply_to(text.as_str()),
                    Some(Ok(Message::Binary(_))) => Some(Err(ProtocolError::Unsupported)),
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => None, // ping/pong are answered by axum
                };
                match parsed {
                    Some(Ok(ProctorClientMsg::Resync)) => last = send_snapshot(&mut tx, &state, room).await?,
                    Some(Ok(ProctorClientMsg::Ping)) => send(&mut tx, &ProctorServerMsg::Pong).await?,
                    Some(Err(error)) => send(&mut tx, &ProctorServerMsg::Error { error }).await?,
                    None => {}
                }
            }
            _ = beats.tick() => {
                let msg = ProctorServerMsg::Beats {
                    server_time: state.clock.now(),
                    beats: state.presence.beats_in_room(room),
                };
                send(&mut tx, &msg).await?;
            }
        }
    }
    Ok(())
}
