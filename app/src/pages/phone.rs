//! `/phone?t=…`: the phone as the second view. It pairs with the QR token (ID card number
//! and exam ID typed by the candidate), shows the record, takes and verifies a photo, then
//! enters monitoring: the placement guide, the screen kept on, and the live connection that
//! puts the phone view on the proctor's grid. A dropped phone reconnects by itself (its
//! session cookie stays), without entering anything again.
use crate::api::auth::current_phone;
use crate::api::journey::{EnterMonitoring, PairPhone, load_phone};
use crate::components::camera::{CameraHandle, CameraView};
use crate::components::error_text::ErrorText;
use crate::components::form::IdCardField;
use crate::components::revoked::RevokedNotice;
use crate::i18n::*;
use crate::live::candidate_socket::use_candidate_socket;
use crate::live::frame_sender::use_frame_sender;
use crate::pages::journey::FaceStep;
use domain::journey::{FaceProgress, PhoneState};
use domain::protocol::RevokeReason;
use domain::{CandidateSelf, Phase, SubmitKind, View};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PhonePage() -> impl IntoView {
    let i18n = use_i18n();
    let token = use_query_map().with_untracked(|q| q.get("t").unwrap_or_default());
    let paired = RwSignal::new(0u32);
    let me = Resource::new(move || paired.get(), |_| current_phone());
    // Paired: the link's token is used up, so the address becomes `/phone` (a reload then
    // shows this phone's step, not the pairing form again).
    let navigate = leptos_router::hooks::use_navigate();
    let on_paired = Callback::new(move |_: ()| {
        paired.update(|n| *n += 1);
        let replace = leptos_router::NavigateOptions { replace: true, ..Default::default() };
        navigate("/phone", replace);
    });
    view! {
        <section class="card phone">
            <p class="room-exam">{tr!(i18n, phone_title)}</p>
            <Suspense fallback=|| ()>
                {move || me.get().map(|r| match r {
                    // A token in the link means a (new) pairing, even on a phone that has a session.
                    Ok(Some(_)) if token.is_empty() || paired.get() > 0 => view! { <PhoneJourney /> }.into_any(),
                    Ok(_) => view! { <PairForm token=token.clone() on_paired /> }.into_any(),
                    Err(err) => view! { <ErrorText err /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PairForm(token: String, #[prop(into)] on_paired: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let pair = ServerAction::<PairPhone>::new();
    // Sent back by a form posted before the page was ready.
    let exam_code = use_query_map().with_untracked(|q| q.get("exam_code").unwrap_or_default());
    Effect::new(move |_| {
        if let Some(Ok(_)) = pair.value().get() {
            on_paired.run(());
        }
    });
    view! {
        <h1>{tr!(i18n, phone_pair_title)}</h1>
        <p class="muted">{tr!(i18n, phone_pair_intro)}</p>
        <ActionForm action=pair attr:class="form" attr:id="phone-pair">
            <input type="hidden" name="token" value=token />
            <IdCardField id="id_card" />
            <label>
                <span>{tr!(i18n, exam_code_label)}</span>
                <input id="exam_code" name="exam_code" autocomplete="off" autocapitalize="characters"
                    spellcheck="false" required value=exam_code />
            </label>
            {move || pair.value().get().and_then(|r| r.err()).map(|err| view! { <ErrorText err /> })}
            <button class="primary" type="submit" disabled=move || pair.pending().get()>
                {tr!(i18n, phone_pair_button)}
            </button>
        </ActionForm>
    }
}

#[component]
fn PhoneJourney() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let state = Resource::new(move || reload.get(), |_| load_phone());
    view! {
        <Transition fallback=|| ()>
            {move || state.get().map(|r| match r {
                Ok(s) if s.me.phase == Phase::FirstViewOn => view! {
                    <PhoneCheck s on_enter=Callback::new(move |_| reload.update(|n| *n += 1)) />
                }.into_any(),
                Ok(s) if s.me.phase.rank() > Phase::FirstViewOn.rank() && !s.me.phase.is_submitted() => {
                    view! { <Monitoring /> }.into_any()
                }
                Ok(PhoneState { me: CandidateSelf { phase: Phase::Submitted(kind), .. }, .. }) => {
                    view! { <Finished kind /> }.into_any()
                }
                Ok(_) => view! { <NotYet /> }.into_any(),
                Err(err) => view! { <ErrorText err /> }.into_any(),
            })}
        </Transition>
    }
}

/// The record to check, the verification photo, then "Enter exam monitoring".
#[component]
fn PhoneCheck(s: PhoneState, #[prop(into)] on_enter: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let done: RwSignal<Option<FaceProgress>> = RwSignal::new(None);
    let enter = ServerAction::<EnterMonitoring>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = enter.value().get() {
            on_enter.run(());
        }
    });
    let me = s.me.clone();
    view! {
        <dl class="facts compact">
            <dt>{tr!(i18n, name_label)}</dt>
            <dd id="phone-name">{me.name.clone()}</dd>
            <dt>{tr!(i18n, ticket_label)}</dt>
            <dd>{me.ticket.clone()}</dd>
            <dt>{tr!(i18n, id_card_label)}</dt>
            <dd>{me.id_card_masked.clone()}</dd>
        </dl>
        <FaceStep view=View::Phone progress=s.face_phone done />
        <Show when=move || done.get().is_some()>
            <button class="primary wide" id="enter-monitoring" disabled=move || enter.pending().get()
                on:click=move |_| { enter.dispatch(EnterMonitoring {}); }>
                {move || if done.get() == Some(FaceProgress::Passed) {
                    t_string!(i18n, phone_enter)
                } else {
                    t_string!(i18n, phone_enter_review)
                }}
            </button>
        </Show>
        {move || enter.value().get().and_then(|r| r.err()).map(|err| view! { <ErrorText err /> })}
    }
}

/// Monitoring: the placement guide, the wake lock and the live connection, until the exam
/// ends (submitted, forced or at the deadline): then the camera stops and the page says so.
#[component]
fn Monitoring() -> impl IntoView {
    let socket = use_candidate_socket(View::Phone);
    let revoked = move || socket.revoked.get();
    let ended = move || match socket.phase.get() {
        Some(Phase::Submitted(kind)) => Some(kind),
        _ => None,
    };
    view! {
        <Show when=move || revoked().is_none() fallback=move || view! {
            <RevokedNotice reason=revoked().unwrap_or(RevokeReason::SignedOut) />
        }>
            {move || match ended() {
                Some(kind) => view! { <Finished kind /> }.into_any(),
                None => view! { <Streaming socket /> }.into_any(),
            }}
        </Show>
    }
}

/// The phone's camera going to the proctors (and the PC's self-view) through the relay; the
/// camera and the frames stop when this leaves the page.
#[component]
fn Streaming(socket: crate::live::candidate_socket::CandidateSocket) -> impl IntoView {
    let i18n = use_i18n();
    let wake = RwSignal::new(false);
    Effect::new(move |_| wake.set(crate::pages::journey::browser::request_wake_lock()));
    let camera = CameraHandle::new();
    let sender = use_frame_sender(socket, camera);
    view! {
        <h1>{tr!(i18n, phone_monitoring_title)}</h1>
        <p id="monitoring-status" class="notice ok" role="status" data-connected=move || socket.connected.get().to_string()>
            {move || if socket.connected.get() { tr!(i18n, phone_monitoring_on).into_any() } else { tr!(i18n, disconnected).into_any() }}
        </p>
        <crate::pages::journey::CameraProblemNotice socket />
        <div class="capture phone-camera" data-sent=move || sender.get().to_string()><CameraView camera /></div>
        <h2>{tr!(i18n, phone_place_title)}</h2>
        <ol class="guide">
            <li>{tr!(i18n, phone_place_behind)}</li>
            <li>{tr!(i18n, phone_place_visible)}</li>
            <li>{tr!(i18n, phone_place_airplane)}</li>
            <li>{tr!(i18n, phone_place_power)}</li>
        </ol>
        <p class="muted">{move || if wake.get() { tr!(i18n, phone_wake_on).into_any() } else { tr!(i18n, phone_wake_manual).into_any() }}</p>
    }
}

#[component]
fn NotYet() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="notice">{tr!(i18n, phone_not_yet)}</p> }
}

/// The end of the exam, however it came (also after a reload).
#[component]
fn Finished(kind: SubmitKind) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div id="phone-finished" data-kind=format!("{kind:?}").to_lowercase()>
            <h1>{tr!(i18n, phone_finished)}</h1>
            <p class="notice ok" role="status">{match kind {
                SubmitKind::SelfSubmitted => tr!(i18n, phone_finished_self).into_any(),
                SubmitKind::Auto => tr!(i18n, phone_finished_auto).into_any(),
                SubmitKind::Forced => tr!(i18n, phone_finished_forced).into_any(),
            }}</p>
            <p class="muted">{tr!(i18n, phone_camera_off)}</p>
        </div>
    }
}
