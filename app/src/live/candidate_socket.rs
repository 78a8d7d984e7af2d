//! The candidate page's socket: says hello with the view it serves, sends a heartbeat every
//! two seconds, follows phase changes and the capture profile, and carries the camera's
//! frames as binary messages. Reconnects by itself (every second) without a new login.
//! The connection itself is a [`super::ws_link::WsLink`].
use crate::pages::journey::browser::{load_local, store_local};
use domain::ExamTimes;
use domain::camera::{CameraProblem, CameraProfile};
use domain::console::{BrowserEvent, CandidateMessage, to_show};
use domain::presence::HEARTBEAT_INTERVAL_SECS;
use domain::protocol::{CandidateClientMsg, CandidateServerMsg, RevokeReason};
use domain::{Phase, View};
use leptos::prelude::*;
use std::collections::HashSet;
use std::rc::Rc;

/// What became of a frame handed to the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameSend {
    Sent,
    /// The previous frame has not left yet: skip this one (a poor uplink lowers the rate).
    Busy,
    Closed,
}

type FrameSink = Rc<dyn Fn(&[u8]) -> FrameSend>;
type TextSink = Rc<dyn Fn(&CandidateClientMsg)>;

/// An open socket's senders (browser only).
#[derive(Clone)]
struct Sinks {
    frame: FrameSink,
    text: TextSink,
}

/// Where this browser keeps the ids of acknowledged messages (so a message re-sent after a
/// reconnect, before the server saw the acknowledgement, is never shown twice).
const ACKED_KEY: &str = "vigil.acked";

// The open sockets' frame senders, by socket id. Kept outside the reactive graph: browser
// objects are not `Send`, and local reactive storage must never be made during SSR (its
// `SendWrapper` would be dropped on another thread).
thread_local! {
    static SINKS: std::cell::RefCell<std::collections::HashMap<u64, Sinks>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    static NEXT_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(1) };
}

/// What the candidate page shows of its live connection.
#[derive(Clone, Copy)]
pub struct CandidateSocket {
    pub view: View,
    pub connected: Signal<bool>,
    /// The server ended this page's session (signed out, signed in elsewhere): the socket is
    /// closed for good and the page says why.
    pub revoked: RwSignal<Option<RevokeReason>>,
    pub phase: RwSignal<Option<Phase>>,
    /// The capture profile the server asks for (none until welcomed).
    pub profile: RwSignal<Option<CameraProfile>>,
    /// Counts the server's asks for a frame at once (`snap`).
    pub snap: RwSignal<u32>,
    /// The view's camera problem, as the server sees the pictures.
    pub problem: RwSignal<Option<CameraProblem>>,
    /// `(kbit/s, chunk ms)` when the exam records video.
    pub recording: RwSignal<Option<(u32, u32)>>,
    /// Messages and warnings to show, oldest first, each until acknowledged.
    pub inbox: RwSignal<Vec<CandidateMessage>>,
    /// New times after a proctor added time.
    pub times: RwSignal<Option<ExamTimes>>,
    /// Whether the candidate's hand is raised.
    pub hand: RwSignal<bool>,
    /// "We cannot see your face" is shown.
    pub face_prompt: RwSignal<bool>,
    /// How long speech must last to be reported, when the exam listens for sound.
    pub listen: RwSignal<Option<u32>>,
    /// Key of this socket's frame sender in `SINKS` (browser only).
    sink: u64,
}

impl CandidateSocket {
    /// Hands a frame (header + JPEG) to the socket if the previous one has left.
    pub fn send_frame(&self, bytes: &[u8]) -> FrameSend {
        let sink = SINKS.with(|m| m.borrow().get(&self.sink).cloned());
        sink.map_or(FrameSend::Closed, |s| (s.frame)(bytes))
    }

    fn send(&self, msg: &CandidateClientMsg) {
        if let Some(s) = SINKS.with(|m| m.borrow().get(&self.sink).cloned()) {
            (s.text)(msg);
        }
    }

    /// The candidate read the message on screen: remembered on this device, told the server
    /// (again on each reconnect while the server still sends it).
    pub fn acknowledge(&self, id: i64) {
        let mut acked = acked_ids();
        acked.insert(id);
        remember_acked(&acked);
        self.inbox.update(|list| list.retain(|m| m.id != id));
        self.send(&CandidateClientMsg::Ack { message: id });
    }

    pub fn raise_hand(&self) {
        self.send(&CandidateClientMsg::RaiseHand);
    }

    /// Reports the PC page's window leaving or coming back.
    pub fn report(&self, event: BrowserEvent) {
        self.send(&CandidateClientMsg::Browser { event });
    }

    /// Reports sustained sound in the room (`true`) or its end.
    pub fn report_sound(&self, speaking: bool) {
        self.send(&CandidateClientMsg::Sound { speaking });
    }

    /// A message from the server: shown unless already on screen or acknowledged here.
    fn receive(&self, m: CandidateMessage) {
        if acked_ids().contains(&m.id) {
            self.send(&CandidateClientMsg::Ack { message: m.id });
            return;
        }
        self.inbox.update(|list| {
            list.push(m);
            *list = to_show(list, &HashSet::new());
        });
    }
}

fn acked_ids() -> HashSet<i64> {
    load_local(ACKED_KEY)
        .and_then(|s| serde_json::from_str::<Vec<i64>>(&s).ok())
        .unwrap_or_default()
        .into_iter()
        .collect()
}

fn remember_acked(ids: &HashSet<i64>) {
    // Keep the latest few hundred: ids only grow.
    let mut v: Vec<i64> = ids.iter().copied().collect();
    v.sort_unstable();
    let keep = v.split_off(v.len().saturating_sub(500));
    store_local(ACKED_KEY, serde_json::to_string(&keep).ok().as_deref());
}

/// Opens the candidate socket for `view` (in the browser; inert during SSR).
pub fn use_candidate_socket(view: View) -> CandidateSocket {
    let (connected, set_connected) = signal(false);
    let socket = CandidateSocket {
        view,
        connected: connected.into(),
        revoked: RwSignal::new(None),
        phase: RwSignal::new(None),
        profile: RwSignal::new(None),
        snap: RwSignal::new(0),
        problem: RwSignal::new(None),
        recording: RwSignal::new(None),
        inbox: RwSignal::new(Vec::new()),
        times: RwSignal::new(None),
        hand: RwSignal::new(false),
        face_prompt: RwSignal::new(false),
        listen: RwSignal::new(None),
        sink: NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id + 1);
            id
        }),
    };
    let on_message = move |msg: CandidateServerMsg| match msg {
        CandidateServerMsg::Welcome { candidate, .. } => socket.phase.set(Some(candidate.phase)),
        CandidateServerMsg::Phase { phase: p } => socket.phase.set(Some(p)),
        CandidateServerMsg::Profile { profile } => socket.profile.set(Some(profile)),
        CandidateServerMsg::Snap => socket.snap.update(|n| *n = n.wrapping_add(1)),
        CandidateServerMsg::CameraProblem { view: v, problem } if v == view => {
            socket.problem.set(problem)
        }
        CandidateServerMsg::Recording { on, kbps, chunk_ms } => {
            socket.recording.set(on.then_some((kbps, chunk_ms)))
        }
        CandidateServerMsg::Message { message } => socket.receive(message),
        CandidateServerMsg::Times { times } => socket.times.set(Some(times)),
        CandidateServerMsg::Hand { raised } => socket.hand.set(raised),
        CandidateServerMsg::FacePrompt { on } => socket.face_prompt.set(on),
        CandidateServerMsg::Listen { on, secs } => socket.listen.set(on.then_some(secs)),
        // The server closes the socket next (code `CLOSE_REVOKED`): the link stops there.
        CandidateServerMsg::Revoked { reason } => socket.revoked.set(Some(reason)),
        // Refused frames are counted on the server; the page just goes on sending.
        CandidateServerMsg::CameraProblem { .. }
        | CandidateServerMsg::FrameRefused { .. }
        | CandidateServerMsg::HeartbeatAck { .. }
        | CandidateServerMsg::Error { .. } => {}
    };
    #[cfg(feature = "hydrate")]
    {
        use super::ws_link::{Handlers, WsLink};
        use domain::protocol::PROTOCOL_VERSION;
        let text = |m: &CandidateClientMsg| serde_json::to_string(m).unwrap_or_default();
        let hello = text(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view });
        let link = WsLink::open(
            &format!("/ws/candidate?view={}", view.as_str()),
            Handlers {
                on_open: Box::new(move |l| l.send_text(&hello)),
                on_text: Box::new(move |t| {
                    if let Ok(m) = serde_json::from_str(t) {
                        on_message(m);
                    }
                }),
                on_binary: Box::new(|_| {}),
                on_state: Box::new(move |c| set_connected.set(c)),
            },
        );
        let sender = link.clone();
        let frame: FrameSink = Rc::new(move |b: &[u8]| sender.send_binary(b));
        let sender = link.clone();
        let text_sink: TextSink = Rc::new(move |m: &CandidateClientMsg| sender.send_text(&text(m)));
        let key = socket.sink;
        SINKS.with(|m| m.borrow_mut().insert(key, Sinks { frame, text: text_sink }));
        let beat = link.clone();
        let heartbeat = text(&CandidateClientMsg::Heartbeat);
        let _beats = leptos_use::use_interval_fn(
            move || beat.send_text(&heartbeat),
            (HEARTBEAT_INTERVAL_SECS * 1000) as u64,
        );
        let stored = StoredValue::new_local(link);
        on_cleanup(move || {
            stored.with_value(|l| l.close());
            SINKS.with(|m| m.borrow_mut().remove(&key));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (on_message, set_connected, HEARTBEAT_INTERVAL_SECS);
    }
    socket
}
