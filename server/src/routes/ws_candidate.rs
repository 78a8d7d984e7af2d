//! `/ws/candidate`: a candidate page's live channel (PC page or phone). The first message
//! must be `hello` with the protocol version and the view; then heartbeats keep the view
//! online, `advance` moves the phase, and phase changes are pushed back. Camera frames come
//! as binary messages (see `domain::camera`) and go through the relay; the capture profile
//! and camera problems are pushed back as text.
use super::send_json as send;
use app::server::state::AppState;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use backend::access::{CurrentCandidate, LiveGuard};
use backend::bus::{BusEvent, BusItem, Topic};
use backend::relay::CaptureAsk;
use backend::relay::ConnSeq;
use backend::service::{auth as svc, camera, console, journey, live, watch};
use domain::camera::ProfileKind;
use domain::camera::{FrameError, MAX_FRAME_BYTES, UP_HEADER_LEN};
use domain::flag::FlagKind;
use domain::protocol::RevokeReason;
use domain::protocol::{
    CandidateClientMsg, CandidateServerMsg, MAX_CLIENT_MESSAGE_BYTES, PROTOCOL_VERSION,
    ProtocolError,
};
use domain::watch::VoiceGuard;
use domain::{AppError, Candidate, CandidateId, Phase, View};
use futures::StreamExt;
use futures::stream::{self, BoxStream};
use tokio::sync::watch::Receiver as AskRx;

/// Largest message on the socket: a frame at the cap plus its header (text messages are
/// held to `MAX_CLIENT_MESSAGE_BYTES` separately, with a typed error).
const MAX_SOCKET_MESSAGE_BYTES: usize = MAX_FRAME_BYTES + UP_HEADER_LEN + 64 * 1024;

pub async fn handler(
    ws: WebSocketUpgrade,
    State(state): State<AppState>,
    who: CurrentCandidate,
) -> Result<Response, AppError> {
    let candidate = state.store.candidate(who.id).await?.ok_or(AppError::Unauthenticated)?;
    let guard = LiveGuard::candidate(&state, &who).await;
    Ok(super::lean(ws).max_message_size(MAX_SOCKET_MESSAGE_BYTES).on_upgrade(
        move |socket| async move {
            let _hold = state.drain.hold();
            let mut conn = Conn::new(&candidate, who.device);
            if let Err(e) = run(socket, &state, &candidate, &mut conn, guard).await {
                tracing::debug!(error = %e, candidate = %candidate.id, "candidate socket closed");
            }
            if let Some(view) = conn.view
                && state.presence.disconnect(candidate.id, view)
            {
                Box::pin(gone(&state, candidate.id, view)).await;
            }
        },
    ))
}

/// The view went offline: the console, an open "noise" flag (no PC page listens any more)
/// and the room's proctors are told. Boxed where awaited, as every rare path of a socket task:
/// an inlined path makes each of the thousands of idle socket tasks as large as its largest
/// state (see `run`).
async fn gone(state: &AppState, id: CandidateId, view: View) {
    let _ = console::connection(state, id, view, false).await;
    if view == View::Pc {
        let _ = watch::quiet(state, id).await;
    }
    let _ = live::announce(state, id).await;
}

fn error(error: ProtocolError) -> CandidateServerMsg {
    CandidateServerMsg::Error { error }
}

/// A heartbeat of the page's view: presence, and the tile when the view came back.
async fn heartbeat(
    state: &AppState,
    c: &Candidate,
    view: View,
) -> anyhow::Result<CandidateServerMsg> {
    let now = state.clock.now();
    if state.presence.beat(c.id, view, now) {
        Box::pin(live::announce(state, c.id)).await?;
    }
    Ok(CandidateServerMsg::HeartbeatAck { server_time: now })
}

/// Handles one parsed message; returns the reply, if any. `device` is the session's: the
/// only view this socket may be.
async fn handle(
    state: &AppState,
    c: &Candidate,
    conn: &mut Conn,
    msg: CandidateClientMsg,
) -> anyhow::Result<Option<CandidateServerMsg>> {
    let now = state.clock.now();
    let device = conn.device;
    let view = &mut conn.view;
    Ok(match (msg, *view) {
        (CandidateClientMsg::Hello { protocol, .. }, _) if protocol != PROTOCOL_VERSION => {
            Some(error(ProtocolError::UnsupportedVersion { supported: PROTOCOL_VERSION }))
        }
        (CandidateClientMsg::Hello { view: v, .. }, None) if v != device => {
            Some(error(ProtocolError::WrongDevice))
        }
        (CandidateClientMsg::Hello { view: v, .. }, None) => {
            *view = Some(v);
            if state.presence.connect(c.id, c.room_id, v, now) {
                console::connection(state, c.id, v, true).await?;
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
        // `run` answers heartbeats without coming here; kept so every message has its answer.
        (CandidateClientMsg::Heartbeat, Some(v)) => Some(heartbeat(state, c, v).await?),
        (CandidateClientMsg::Ack { message }, Some(_)) => {
            console::acknowledge(state, c.id, message).await?;
            None
        }
        (CandidateClientMsg::RaiseHand, Some(_)) => {
            console::raise_hand(state, c.id).await?;
            None
        }
        (CandidateClientMsg::Browser { event }, Some(View::Pc)) => {
            console::browser_event(state, c.id, event).await?;
            None
        }
        (CandidateClientMsg::Browser { .. }, Some(_)) => Some(error(ProtocolError::NotAllowed)),
        (CandidateClientMsg::Sound { speaking }, Some(View::Pc)) => {
            watch::sound(state, c.id, c.exam_id, conn.phase, speaking, &mut conn.voice).await?;
            None
        }
        (CandidateClientMsg::Sound { .. }, Some(_)) => Some(error(ProtocolError::NotAllowed)),
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

/// What the socket task tracks of its connection.
struct Conn {
    /// The session's device: the view `hello` must name.
    device: View,
    view: Option<View>,
    phase: Phase,
    seq: ConnSeq,
    /// When a "too fast" refusal was last reported (one per second at most).
    last_too_fast: Option<std::time::Instant>,
    /// Bounds the PC page's sound reports.
    voice: VoiceGuard,
}

impl Conn {
    fn new(c: &Candidate, device: View) -> Self {
        Conn {
            device,
            view: None,
            phase: c.phase,
            seq: ConnSeq::default(),
            last_too_fast: None,
            voice: VoiceGuard::default(),
        }
    }
}

/// After `hello`: attach to the relay and tell the page its capture profile, the exam's
/// recording setting and any open camera problem of its view. Returns the profile's changes
/// to follow.
async fn welcomed(
    tx: &mut super::Sink,
    state: &AppState,
    c: &Candidate,
    conn: &mut Conn,
) -> anyhow::Result<AskRx<CaptureAsk>> {
    let settings = state.store.exam_camera(c.exam_id).await?;
    let mut profile = state.frames.attach(c.id, c.room_id, c.exam_id, settings);
    let kind = profile.borrow_and_update().kind;
    send_profile(tx, state, c, kind).await?;
    let rec = CandidateServerMsg::Recording {
        on: settings.recording,
        kbps: settings.recording_kbps,
        chunk_ms: settings.recording_chunk_ms,
    };
    send(tx, &rec).await?;
    if let Some(v) = conn.view
        && let Some(problem) = state.frames.problem(c.id, v)
    {
        send(tx, &CandidateServerMsg::CameraProblem { view: v, problem: Some(problem) }).await?;
    }
    if conn.view == Some(View::Pc) {
        pc_state(tx, state, c).await?;
        let w = settings.watch;
        send(tx, &CandidateServerMsg::Listen { on: w.voice, secs: w.voice_secs }).await?;
        if w.prompt && state.store.open_auto_flags(c.id).await?.contains(&FlagKind::FaceAbsent) {
            send(tx, &CandidateServerMsg::FacePrompt { on: true }).await?;
        }
    }
    Ok(profile)
}

/// What the PC page shows beyond its phase: every message not acknowledged yet (again after
/// each reconnect) and whether the hand is up.
async fn pc_state(tx: &mut super::Sink, state: &AppState, c: &Candidate) -> anyhow::Result<()> {
    let unread = state.store.unread_messages(c.id).await?;
    let ids: Vec<i64> = unread.iter().map(|m| m.id).collect();
    state.store.mark_delivered(&ids, state.clock.now()).await?;
    for message in unread {
        send(tx, &CandidateServerMsg::Message { message }).await?;
    }
    let raised = state.store.hands(c.id).await?.iter().any(|h| h.answered_at.is_none());
    send(tx, &CandidateServerMsg::Hand { raised }).await?;
    Ok(())
}

/// After missed events (a lagging socket, or another instance's messages lost on the way):
/// the phase, the times, and on the PC the messages and the hand, from the store.
async fn resync(
    tx: &mut super::Sink,
    state: &AppState,
    conn: &mut Conn,
    id: CandidateId,
) -> anyhow::Result<()> {
    let Some(me) = state.store.candidate(id).await? else { return Ok(()) };
    conn.phase = me.phase;
    send(tx, &CandidateServerMsg::Phase { phase: me.phase }).await?;
    if let Some(exam) = state.store.exam(me.exam_id).await? {
        send(tx, &CandidateServerMsg::Times { times: exam.times(me.extra_minutes) }).await?;
    }
    if conn.view == Some(View::Pc) {
        pc_state(tx, state, &me).await?;
    }
    Ok(())
}

async fn send_profile(
    tx: &mut super::Sink,
    state: &AppState,
    c: &Candidate,
    kind: ProfileKind,
) -> anyhow::Result<()> {
    if let Some(settings) = state.frames.settings(c.id) {
        send(tx, &CandidateServerMsg::Profile { profile: settings.profile(kind) }).await?;
    }
    Ok(())
}

/// What wakes a candidate socket besides its page's messages.
enum Wake {
    Drain,
    Revoked(RevokeReason),
    Profile(ProfileKind),
    Snap,
    Bus(BusItem),
    BusEnded,
}

/// What the relay asks of the page, as wakes: a new capture profile (which also makes the
/// page capture at once), or a frame now (ends when the relay forgets the candidate).
fn profile_changes<'a>(rx: AskRx<CaptureAsk>) -> BoxStream<'a, Wake> {
    let last = *rx.borrow();
    stream::unfold((rx, last), |(mut rx, last)| async move {
        rx.changed().await.ok()?;
        let ask = *rx.borrow_and_update();
        let wake = if ask.kind == last.kind { Wake::Snap } else { Wake::Profile(ask.kind) };
        Some((wake, (rx, ask)))
    })
    .boxed()
}

/// A binary message: a camera frame.
async fn on_frame(
    tx: &mut super::Sink,
    state: &AppState,
    c: &Candidate,
    conn: &mut Conn,
    bytes: &[u8],
) -> anyhow::Result<()> {
    let Some(view) = conn.view else {
        return send(tx, &error(ProtocolError::HelloRequired)).await;
    };
    match state.frames.accept(c.id, view, conn.phase, &mut conn.seq, bytes) {
        Ok(acc) => {
            if let Some(problem) = acc.problem
                && let Err(e) = Box::pin(camera::problem_changed(state, c.id, view, problem)).await
            {
                tracing::warn!(error = %e, candidate = %c.id, "camera flag not updated");
            }
            Ok(())
        }
        Err(FrameError::TooFast) => {
            let now = std::time::Instant::now();
            if conn.last_too_fast.is_some_and(|t| now.duration_since(t).as_secs() < 1) {
                return Ok(());
            }
            // Once per connection in the log (a page past its rate keeps being refused; the
            // count is `vigil_frames_refused_total{reason="too_fast"}`).
            if conn.last_too_fast.replace(now).is_none() {
                tracing::warn!(candidate = %c.id, view = view.as_str(), "frames throttled");
            }
            send(tx, &CandidateServerMsg::FrameRefused { error: FrameError::TooFast }).await
        }
        Err(error) => {
            tracing::debug!(candidate = %c.id, code = error.as_str(), "frame refused");
            send(tx, &CandidateServerMsg::FrameRefused { error }).await
        }
    }
}

async fn run(
    socket: WebSocket,
    state: &AppState,
    c: &Candidate,
    conn: &mut Conn,
    mut guard: LiveGuard,
) -> anyhow::Result<()> {
    let (mut tx, mut rx) = socket.split();
    let sub = backend::bus::into_stream(state.bus.subscribe(Topic::Candidate(c.id)).await);
    // The page's messages are the hot path (a camera socket gets one per frame). Everything
    // else waits in one `Wakes`, looked at only after one of its sources woke: a `select!`
    // over them all polled each of them on every frame (the bus receivers, the revocation
    // timers, the drain: about 3 % of a core at 2,000 candidates), and a `SelectAll` polled
    // on every frame was still a tenth of the CPU the bare relay does not spend.
    let mut wakes = super::wakes::Wakes::default();
    wakes.push(stream::once(state.drain.started()).map(|()| Wake::Drain).boxed());
    wakes.push(stream::once(guard.revoked(state)).map(Wake::Revoked).boxed());
    wakes.push(sub.map(Wake::Bus).chain(stream::once(async { Wake::BusEnded })).boxed());
    loop {
        tokio::select! {
            wake = wakes.next() => match wake {
                Some(Wake::Drain) => {
                    super::close_restart(&mut tx).await;
                    break;
                }
                Some(Wake::Revoked(reason)) => {
                    send(&mut tx, &CandidateServerMsg::Revoked { reason }).await?;
                    super::close_revoked(&mut tx).await;
                    break;
                }
                Some(Wake::Profile(kind)) => send_profile(&mut tx, state, c, kind).await?,
                Some(Wake::Snap) => send(&mut tx, &CandidateServerMsg::Snap).await?,
                Some(Wake::Bus(BusItem::Event(env))) => match env.event {
                    BusEvent::PhaseChanged(phase) => {
                        conn.phase = phase;
                        send(&mut tx, &CandidateServerMsg::Phase { phase }).await?;
                    }
                    BusEvent::CameraProblem { view: v, problem } if Some(v) == conn.view => {
                        send(&mut tx, &CandidateServerMsg::CameraProblem { view: v, problem }).await?;
                    }
                    BusEvent::Message(message) if conn.view == Some(View::Pc) => {
                        // Marked first: the proctor who sees the page react never reads an
                        // older "sent" (a message not acknowledged comes again anyway).
                        state.store.mark_delivered(&[message.id], state.clock.now()).await?;
                        send(&mut tx, &CandidateServerMsg::Message { message }).await?;
                    }
                    BusEvent::TimesChanged(times) => {
                        send(&mut tx, &CandidateServerMsg::Times { times }).await?;
                    }
                    BusEvent::HandChanged(raised) if conn.view == Some(View::Pc) => {
                        send(&mut tx, &CandidateServerMsg::Hand { raised }).await?;
                    }
                    BusEvent::FacePrompt(on) if conn.view == Some(View::Pc) => {
                        send(&mut tx, &CandidateServerMsg::FacePrompt { on }).await?;
                    }
                    _ => {}
                },
                Some(Wake::Bus(BusItem::Gap)) => Box::pin(resync(&mut tx, state, conn, c.id)).await?,
                Some(Wake::BusEnded) | None => break,
            },
            msg = rx.next() => {
                let reply = match msg {
                    Some(Ok(Message::Text(text))) if text.len() > MAX_CLIENT_MESSAGE_BYTES => {
                        Some(error(ProtocolError::Unsupported))
                    }
                    Some(Ok(Message::Text(text))) => match serde_json::from_str(text.as_str()) {
                        Ok(m) => {
                            let was = conn.view;
                            // A heartbeat (one per view every two seconds) is not boxed: only
                            // its rare announcement is.
                            let reply = match (m, was) {
                                (CandidateClientMsg::Heartbeat, Some(v)) => {
                                    Some(heartbeat(state, c, v).await?)
                                }
                                (m, _) => Box::pin(handle(state, c, conn, m)).await?,
                            };
                            if was.is_none() && conn.view.is_some() {
                                if let Some(r) = reply {
                                    send(&mut tx, &r).await?;
                                }
                                let profile = Box::pin(welcomed(&mut tx, state, c, conn)).await?;
                                wakes.push(profile_changes(profile));
                                None
                            } else {
                                reply
                            }
                        }
                        Err(e) => Some(error(ProtocolError::Malformed { detail: e.to_string() })),
                    },
                    Some(Ok(Message::Binary(bytes))) => {
                        on_frame(&mut tx, state, c, conn, &bytes).await?;
                        None
                    }
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
