//! The candidate page's socket: says hello with the view it serves, sends a heartbeat every
//! two seconds and follows phase changes. Reconnects by itself without a new login.
use crate::domain::presence::HEARTBEAT_INTERVAL_SECS;
use crate::domain::protocol::{CandidateClientMsg, CandidateServerMsg, PROTOCOL_VERSION};
use crate::domain::{Phase, View};
use codee::string::JsonSerdeCodec;
use leptos::prelude::*;
use leptos_use::core::ConnectionReadyState;
use leptos_use::{
    ReconnectLimit, UseWebSocketOptions, use_interval_fn, use_websocket_with_options,
};

/// What the candidate page shows of its live connection.
#[derive(Clone, Copy)]
pub struct CandidateSocket {
    pub connected: Signal<bool>,
    pub phase: RwSignal<Option<Phase>>,
}

/// Opens the candidate socket for `view` (in the browser).
pub fn use_candidate_socket(view: View) -> CandidateSocket {
    let phase = RwSignal::new(None);
    let on_message = move |msg: &CandidateServerMsg| match msg {
        CandidateServerMsg::Welcome { candidate, .. } => phase.set(Some(candidate.phase)),
        CandidateServerMsg::Phase { phase: p } => phase.set(Some(*p)),
        CandidateServerMsg::HeartbeatAck { .. } | CandidateServerMsg::Error { .. } => {}
    };
    let view_name = view.as_str();
    let ws =
        use_websocket_with_options::<CandidateClientMsg, CandidateServerMsg, JsonSerdeCodec, _, _>(
            &format!("/ws/candidate?view={view_name}"),
            UseWebSocketOptions::default()
                .reconnect_limit(ReconnectLimit::Infinite)
                .reconnect_interval(1000)
                .on_message(on_message),
        );
    let ready = ws.ready_state;
    let connected = Signal::derive(move || ready.get() == ConnectionReadyState::Open);
    let hello = ws.send.clone();
    Effect::new(move |_| {
        if connected.get() {
            hello(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view });
        }
    });
    let beat = ws.send.clone();
    let _beats = use_interval_fn(
        move || {
            if ready.get_untracked() == ConnectionReadyState::Open {
                beat(&CandidateClientMsg::Heartbeat);
            }
        },
        (HEARTBEAT_INTERVAL_SECS * 1000) as u64,
    );
    CandidateSocket { connected, phase }
}
