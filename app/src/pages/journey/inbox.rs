//! The candidate's side of the proctor console on the PC page: messages and warnings in a
//! dialog that must be acknowledged (one at a time, oldest first), the "raise hand" button,
//! a notice when time was added, and reports of the window leaving the exam page.
use crate::components::labels::{clock_time, hour_minute};
use crate::i18n::*;
use crate::live::candidate_socket::CandidateSocket;
use domain::Phase;
use domain::console::{BrowserEvent, MessageKind};
use leptos::prelude::*;

/// The oldest unacknowledged message, as a modal dialog.
#[component]
pub fn Inbox(socket: CandidateSocket) -> impl IntoView {
    let i18n = use_i18n();
    let first = move || socket.inbox.with(|l| l.first().cloned());
    let more = move || socket.inbox.with(|l| l.len().saturating_sub(1));
    move || {
        first().map(|m| {
            let id = m.id;
            let warning = m.kind == MessageKind::Warning;
            view! {
                <div class="modal-backdrop">
                    <div class="modal" class:warning=warning role="alertdialog" aria-modal="true"
                        aria-labelledby="inbox-title" aria-describedby="inbox-body" data-message=id>
                        <h2 id="inbox-title">
                            {if warning { tr!(i18n, inbox_warning).into_any() } else { tr!(i18n, inbox_message).into_any() }}
                        </h2>
                        <p id="inbox-body">{m.body.clone()}</p>
                        <p class="muted small">{clock_time(m.sent_at)}</p>
                        <div class="row">
                            <button class="primary" id="inbox-ack" autofocus on:click=move |_| socket.acknowledge(id)>
                                {tr!(i18n, inbox_ack)}
                            </button>
                            {move || (more() > 0).then(|| view! { <span class="muted">{t!(i18n, inbox_more, n = more())}</span> })}
                        </div>
                    </div>
                </div>
            }
        })
    }
}

/// "Raise hand", or that it is raised.
#[component]
pub fn RaiseHand(socket: CandidateSocket) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || socket.hand.get()
            fallback=move || view! {
                <button class="secondary" id="raise-hand" disabled=move || !socket.connected.get()
                    on:click=move |_| socket.raise_hand()>{tr!(i18n, hand_raise)}</button>
            }>
            <p class="hand-raised" id="hand-raised" role="status">{tr!(i18n, hand_raised)}</p>
        </Show>
    }
}

/// A notice while the exam runs that the proctor added time.
#[component]
pub fn TimeNotice(socket: CandidateSocket) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        socket.times.get().map(|t| {
            let time = hour_minute(t.deadline);
            view! { <p class="notice ok" id="time-extended" role="status">{t!(i18n, time_extended, time = time.clone())}</p> }
        })
    }
}

/// Reports the window losing focus or leaving full screen (and coming back) during the exam.
pub fn report_browser_events(socket: CandidateSocket) {
    let in_exam = move || socket.phase.get_untracked() == Some(Phase::InExam);
    let report = move |e: BrowserEvent| {
        if in_exam() {
            socket.report(e);
        }
    };
    let blur = window_event_listener(leptos::ev::blur, move |_| report(BrowserEvent::WindowBlur));
    let focus =
        window_event_listener(leptos::ev::focus, move |_| report(BrowserEvent::WindowFocus));
    let fullscreen = window_event_listener_untyped("fullscreenchange", move |_| {
        #[cfg(feature = "hydrate")]
        {
            let full = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.fullscreen_element())
                .is_some();
            report(if full { BrowserEvent::FullscreenEnter } else { BrowserEvent::FullscreenExit });
        }
    });
    on_cleanup(move || {
        blur.remove();
        focus.remove();
        fullscreen.remove();
    });
}
