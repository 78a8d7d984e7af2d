//! The candidate page's socket: says hello with the view it serves, sends a heartbeat every
//! two seconds, follows phase changes and the capture profile, and carries the camera's
//! frames as binary messages. Reconnects by itself (every second) without a new login.
//!
//! Hand-written over `web_sys::WebSocket` rather than leptos-use's hook: frames need binary
//! sends beside JSON text on the same connection and a look at `bufferedAmount`.
use crate::domain::camera::{CameraProblem, CameraProfile, FrameError};
use crate::domain::presence::HEARTBEAT_INTERVAL_SECS;
use crate::domain::protocol::CandidateServerMsg;
use crate::domain::{Phase, View};
use leptos::prelude::*;
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

// The open sockets' frame senders, by socket id. Kept outside the reactive graph: browser
// objects are not `Send`, and local reactive storage must never be made during SSR (its
// `SendWrapper` would be dropped on another thread).
thread_local! {
    static SINKS: std::cell::RefCell<std::collections::HashMap<u64, FrameSink>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    static NEXT_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(1) };
}

/// What the candidate page shows of its live connection.
#[derive(Clone, Copy)]
pub struct CandidateSocket {
    pub view: View,
    pub connected: Signal<bool>,
    pub phase: RwSignal<Option<Phase>>,
    /// The capture profile the server asks for (none until welcomed).
    pub profile: RwSignal<Option<CameraProfile>>,
    /// The view's camera problem, as the server sees the pictures.
    pub problem: RwSignal<Option<CameraProblem>>,
    /// The last refused frame's reason.
    pub refused: RwSignal<Option<FrameError>>,
    /// `(kbit/s, chunk ms)` when the exam records video.
    pub recording: RwSignal<Option<(u32, u32)>>,
    /// Key of this socket's frame sender in `SINKS` (browser only).
    sink: u64,
}

impl CandidateSocket {
    /// Hands a frame (header + JPEG) to the socket if the previous one has left.
    pub fn send_frame(&self, bytes: &[u8]) -> FrameSend {
        let sink = SINKS.with(|m| m.borrow().get(&self.sink).cloned());
        sink.map_or(FrameSend::Closed, |f| f(bytes))
    }
}

/// Opens the candidate socket for `view` (in the browser; inert during SSR).
pub fn use_candidate_socket(view: View) -> CandidateSocket {
    let (connected, set_connected) = signal(false);
    let socket = CandidateSocket {
        view,
        connected: connected.into(),
        phase: RwSignal::new(None),
        profile: RwSignal::new(None),
        problem: RwSignal::new(None),
        refused: RwSignal::new(None),
        recording: RwSignal::new(None),
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
        CandidateServerMsg::CameraProblem { view: v, problem } if v == view => {
            socket.problem.set(problem)
        }
        CandidateServerMsg::FrameRefused { error } => socket.refused.set(Some(error)),
        CandidateServerMsg::Recording { on, kbps, chunk_ms } => {
            socket.recording.set(on.then_some((kbps, chunk_ms)))
        }
        CandidateServerMsg::CameraProblem { .. }
        | CandidateServerMsg::HeartbeatAck { .. }
        | CandidateServerMsg::Error { .. } => {}
    };
    #[cfg(feature = "hydrate")]
    {
        let link = browser::Link::open(
            view,
            Box::new(on_message),
            Box::new(move |c| set_connected.set(c)),
        );
        let sender = link.clone();
        let sink: FrameSink = Rc::new(move |b: &[u8]| sender.send_binary(b));
        let key = socket.sink;
        SINKS.with(|m| m.borrow_mut().insert(key, sink));
        let beat = link.clone();
        let _beats = leptos_use::use_interval_fn(
            move || beat.heartbeat(),
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

#[cfg(feature = "hydrate")]
mod browser {
    use super::FrameSend;
    use crate::domain::View;
    use crate::domain::protocol::{CandidateClientMsg, CandidateServerMsg, PROTOCOL_VERSION};
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{BinaryType, MessageEvent, WebSocket};

    const RECONNECT_MS: i32 = 1000;

    type Handler = Closure<dyn FnMut(JsValue)>;

    pub struct Inner {
        url: String,
        view: View,
        alive: Cell<bool>,
        ws: RefCell<Option<WebSocket>>,
        handlers: RefCell<Vec<Handler>>,
        on_msg: Box<dyn Fn(CandidateServerMsg)>,
        on_state: Box<dyn Fn(bool)>,
    }

    /// One reconnecting socket.
    #[derive(Clone)]
    pub struct Link(Rc<Inner>);

    fn url(view: View) -> String {
        let loc = web_sys::window().map(|w| w.location());
        let proto = loc.as_ref().and_then(|l| l.protocol().ok()).unwrap_or_default();
        let host = loc.as_ref().and_then(|l| l.host().ok()).unwrap_or_default();
        let scheme = if proto == "https:" { "wss" } else { "ws" };
        format!("{scheme}://{host}/ws/candidate?view={}", view.as_str())
    }

    impl Link {
        pub fn open(
            view: View,
            on_msg: Box<dyn Fn(CandidateServerMsg)>,
            on_state: Box<dyn Fn(bool)>,
        ) -> Link {
            let link = Link(Rc::new(Inner {
                url: url(view),
                view,
                alive: Cell::new(true),
                ws: RefCell::new(None),
                handlers: RefCell::new(Vec::new()),
                on_msg,
                on_state,
            }));
            link.connect();
            link
        }

        fn open_ws(&self) -> Option<WebSocket> {
            self.0.ws.borrow().as_ref().filter(|w| w.ready_state() == WebSocket::OPEN).cloned()
        }

        fn send_text(&self, msg: &CandidateClientMsg) {
            if let (Some(ws), Ok(text)) = (self.open_ws(), serde_json::to_string(msg)) {
                let _ = ws.send_with_str(&text);
            }
        }

        pub fn heartbeat(&self) {
            self.send_text(&CandidateClientMsg::Heartbeat);
        }

        pub fn send_binary(&self, bytes: &[u8]) -> FrameSend {
            let Some(ws) = self.open_ws() else {
                return FrameSend::Closed;
            };
            if ws.buffered_amount() > 0 {
                return FrameSend::Busy;
            }
            match ws.send_with_u8_array(bytes) {
                Ok(()) => FrameSend::Sent,
                Err(_) => FrameSend::Closed,
            }
        }

        pub fn close(&self) {
            self.0.alive.set(false);
            if let Some(ws) = self.0.ws.borrow_mut().take() {
                ws.set_onclose(None);
                ws.set_onmessage(None);
                ws.set_onopen(None);
                let _ = ws.close();
            }
            // Breaks the cycle handlers → link.
            self.0.handlers.borrow_mut().clear();
        }

        fn connect(&self) {
            if !self.0.alive.get() {
                return;
            }
            let Ok(ws) = WebSocket::new(&self.0.url) else {
                self.reconnect_later();
                return;
            };
            ws.set_binary_type(BinaryType::Arraybuffer);
            let me = self.clone();
            let on_open: Handler = Closure::new(move |_| {
                (me.0.on_state)(true);
                me.send_text(&CandidateClientMsg::Hello {
                    protocol: PROTOCOL_VERSION,
                    view: me.0.view,
                });
            });
            let me = self.clone();
            let on_message: Handler = Closure::new(move |e: JsValue| {
                let text = e.dyn_into::<MessageEvent>().ok().and_then(|e| e.data().as_string());
                if let Some(msg) = text.and_then(|t| serde_json::from_str(&t).ok()) {
                    (me.0.on_msg)(msg);
                }
            });
            let me = self.clone();
            let on_close: Handler = Closure::new(move |_| {
                (me.0.on_state)(false);
                me.reconnect_later();
            });
            ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
            if let Some(old) = self.0.ws.borrow_mut().replace(ws) {
                old.set_onclose(None);
                old.set_onmessage(None);
                old.set_onopen(None);
                let _ = old.close();
            }
            *self.0.handlers.borrow_mut() = vec![on_open, on_message, on_close];
        }

        fn reconnect_later(&self) {
            if !self.0.alive.get() {
                return;
            }
            let me = self.clone();
            let again = Closure::once_into_js(move || me.connect());
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    again.unchecked_ref(),
                    RECONNECT_MS,
                );
            }
        }
    }
}
