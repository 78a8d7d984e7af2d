//! `/ws/candidate`: a candidate page's live channel (PC page or phone). The first message
//! must be `hello` with the protocol version and the view; then heartbeats keep the view
//! online, `advance` moves the phase, and phase changes are pushed back.
use super::{ApiError, send_json as send};
use app::domain::protocol::{
    CandidateClientMsg, CandidateServerMsg, MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION,
    ProtocolError,
};
use app::domain::{AppError, Candidate, View};
use app::server::auth::{CANDIDATE_COOKIE, cookie_value};
use app::server::bus::{BusEvent, BusItem, Topic};
use app::server::service::{auth as svc, journey, live};
use app::server::state::AppState;
use app::server::store::SessionOwner;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use futures::StreamExt;

pub async fn handler(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = cookie_value(&headers, CANDIDATE_COOKIE).ok_or(AppError::Unauthenticated)?;
    let Some(SessionOwner::Candidate(id)) = svc::session_owner(&state, &token).await? else {
        return Err(AppError::Unauthenticated.into());
    };
    let candidate = state.store.candidate(id).await.map_err(AppError::from)?;
    let candidate = candidate.ok_or(AppError::Unauthenticated)?;
    Ok(ws.max_message_size(MAX_CLIENT_MESSAGE_BYTES).on_upgrade(move |socket| async move {
        let mut view = None;
        if let Err(e) = run(socket, &state, &candidate, &mut view).await {
            tracing::debug!(error = %e, candidate = %candidate.id, "candidate socket closed");
        }
        if let Some(view) = view
            && state.presence.disconnect(candidate.id, view)
        {
            let _ = live::announce(&state, candidate.id).await;
        }
    }))
}

fn error(error: ProtocolError) -> CandidateServerMsg {
    CandidateServerMsg::Error { error }
}

/// Handles one parsed message; returns the reply, if any.
async fn handle(
    state: &AppState,
    c: &Candidate,
    view: &mut Option<View>,
    msg: CandidateClientMsg,
) -> anyhow::Result<Option<CandidateServerMsg>> {
    let now = Utc::now();
    Ok(match (msg, *view) {
        (CandidateClientMsg::Hello { protocol, .. }, _) if protocol != PROTOCOL_VERSION => {
            Some(error(ProtocolError::UnsupportedVersion { supported: PROTOCOL_VERSION }))
        }
        (CandidateClientMsg::Hello { view: v, .. }, None) => {
            *view = Some(v);
            if state.presence.connect(c.id, c.room_id, v, now) {
                live::announce(state, c.id).await?;
            }
            let me = svc::candidate_self(state, c.id).await?;
            Some(CandidateServerMsg::Welcome {
                protocol: PROTOCOL_VERSION,
                candidate: me,
                server_time: now,
            })
        }
        (CandidateClientMsg::Hello { .. }, Some(_)) => None,
        (_, None) => Some(error(ProtocolError::HelloRequired)),
        (CandidateClientMsg::Heartbeat, Some(v)) => {
            if state.presence.beat(c.id, v, now) {
                live::announce(state, c.id).await?;
            }
            Some(CandidateServerMsg::HeartbeatAck { server_time: now })
        }
        (CandidateClientMsg::Advance { command }, Some(_)) if !command.allowed_for_candidate() => {
            Some(error(ProtocolError::NotAllowed))
        }
        (CandidateClientMsg::Advance { command }, Some(_)) => {
            match journey::advance_by_candidate(state, c.id, command).await {
                Ok(_) => None, // the change comes back as a `phase` message from the bus
                Err(AppError::Transition(error)) => {
                    Some(CandidateServerMsg::Error { error: ProtocolError::Transition { error } })
                }
                Err(AppError::Internal { .. }) => Some(error(ProtocolError::Internal)),
                Err(_) => Some(error(ProtocolError::NotAllowed)),
            }
        }
    })
}

async fn run(
    socket: WebSocket,
    state: &AppState,
    c: &Candidate,
    view: &mut Option<View>,
) -> anyhow::Result<()> {
    let (mut tx, mut rx) = socket.split();
    let mut sub = state.bus.subscribe(Topic::Candidate(c.id)).await;
    loop {
        tokio::select! {
            item = sub.next() => match item {
                Some(BusItem::Event(env)) => {
                    if let BusEvent::PhaseChanged(phase) = env.event {
                        send(&mut tx, &CandidateServerMsg::Phase { phase }).await?;
                    }
                }
                Some(BusItem::Gap) => {
                    let me = state.store.candidate(c.id).await?;
                    if let Some(me) = me {
                        send(&mut tx, &CandidateServerMsg::Phase { phase: me.phase }).await?;
                    }
                }
                None => break,
            },
            msg = rx.next() => {
                let reply = match msg {
                    Some(Ok(Message::Text(text))) => match serde_json::from_str(text.as_str()) {
                        Ok(m) => handle(state, c, view, m).await?,
                        Err(e) => Some(error(ProtocolError::Malformed { detail: e.to_string() })),
                    },
                    Some(Ok(Message::Binary(_))) => Some(error(ProtocolError::Unsupported)),
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => None,
                };
                if let Some(reply) = reply {
                    send(&mut tx, &reply).await?;
                }
            }
        }
    }
    Ok(())
}
