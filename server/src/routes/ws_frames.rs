//! `/ws/frames?room=N[&candidate=C]`: a proctor's camera frames. A text `hello` with the
//! exam's camera settings and the server time, then binary frames (`RelayHeader` + JPEG):
//! each new frame (the room's pages are asked for one at once when the socket opens: the relay
//! keeps no picture in memory). Per connection a newer frame of a view replaces its unsent
//! older one, so a slow reader skips frames instead of queueing them. With `candidate`, only
//! that candidate's frames, and the candidate's pages switch to the focus profile while the
//! socket is open.
use super::{Sink, send_json};
use app::server::state::AppState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::Response;
use backend::access::{self, CurrentStaff, LiveGuard};
use backend::relay::Subscription;
use domain::protocol::RevokeReason;
use domain::protocol::{FramesServerMsg, MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION};
use domain::{AppError, CandidateId, RoomId};
use futures::stream;
use futures::{SinkExt, StreamExt};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct FramesQuery {
    room: i64,
    candidate: Option<i64>,
}

pub async fn handler(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    who: CurrentStaff,
    Query(q): Query<FramesQuery>,
) -> Result<Response, AppError> {
    let room = RoomId(q.room);
    let summary = access::watched_room(&state, &who.user, room).await?;
    let only = match q.candidate.map(CandidateId) {
        Some(c) => {
            let cand = state.store.candidate(c).await?;
            if cand.is_none_or(|cand| cand.room_id != room) {
                return Err(AppError::NotFound);
            }
            Some(c)
        }
        None => None,
    };
    let settings = state.store.exam_camera(summary.exam_id).await?;
    let guard = LiveGuard::staff(&state, &who, Some(room)).await;
    Ok(super::lean(ws).max_message_size(MAX_CLIENT_MESSAGE_BYTES).on_upgrade(
        move |socket| async move {
            let _hold = state.drain.hold();
            let hello = FramesServerMsg::Hello {
                protocol: PROTOCOL_VERSION,
                settings,
                server_time: state.clock.now(),
            };
            let subscription = state.frames.subscribe(room, only);
            if let Err(e) = run(socket, &state, hello, subscription, guard).await {
                tracing::debug!(error = %e, %room, "frames socket closed");
            }
        },
    ))
}

async fn send_frame(tx: &mut Sink, frame: axum::body::Bytes) -> anyhow::Result<()> {
    tokio::time::timeout(super::SEND_TIMEOUT, tx.send(Message::Binary(frame))).await??;
    Ok(())
}

async fn run(
    socket: WebSocket,
    state: &AppState,
    hello: FramesServerMsg,
    s: Subscription,
    mut guard: LiveGuard,
) -> anyhow::Result<()> {
    let (mut tx, mut rx) = socket.split();
    send_json(&mut tx, &hello).await?;
    // Made once: the loop turns once per batch of frames.
    // Woken for every frame pushed: the rare ends (drain, revocation) wait in a `Wakes`,
    // looked at only when one of them woke (see `ws_candidate::run`).
    let mut ends: super::wakes::Wakes<'_, Option<RevokeReason>> = Default::default();
    ends.push(stream::once(state.drain.started()).map(|()| None).boxed());
    ends.push(stream::once(guard.revoked(state)).map(Some).boxed());
    loop {
        while let Some(frame) = s.sub.pop() {
            send_frame(&mut tx, frame).await?;
        }
        tokio::select! {
            end = ends.next() => {
                match end.flatten() {
                    Some(reason) => {
                        send_json(&mut tx, &FramesServerMsg::Revoked { reason }).await?;
                        super::close_revoked(&mut tx).await;
                    }
                    None => super::close_restart(&mut tx).await,
                }
                break;
            }
            _ = s.sub.ready() => {}
            msg = rx.next() => match msg {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                Some(Ok(_)) => {} // nothing to say; pings are answered by axum
            },
        }
    }
    Ok(())
}
