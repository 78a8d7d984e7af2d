//! `/exam`: the candidate's PC page, one step of the seed procedure at a time. The server
//! decides the step (from the phase); the live socket reports phase changes, and the page
//! reloads its state on each, so a reload, a reconnect or another device resumes it.
pub mod browser;
mod camera_dock;
mod exam_screen;
mod face;
mod first_view;
mod identity;
mod inbox;
mod instructions;
mod listen;
pub(crate) mod questions;
mod second_view;
mod waiting;

use crate::api::auth::{CandidateLogout, current_candidate};
use crate::api::journey::load_journey;
use crate::components::device_check::DeviceCheck;
use crate::components::error_text::ErrorText;
use crate::components::revoked::RevokedNotice;
use crate::i18n::*;
use crate::live::candidate_socket::use_candidate_socket;
use domain::journey::{JourneyState, Step};
use domain::protocol::RevokeReason;
use domain::{Phase, View};
use leptos::prelude::*;

pub use camera_dock::CameraProblemNotice;
pub use face::FaceStep;

#[component]
pub fn CandidateJourneyPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_candidate());
    view! {
        <Suspense fallback=|| ()>
            {move || me.get().map(|r| match r {
                Ok(Some(_)) => view! { <Journey /> }.into_any(),
                Ok(None) => {
                    super::go_to("/");
                    ().into_any()
                }
                Err(err) => view! { <ErrorText err /> }.into_any(),
            })}
        </Suspense>
    }
}

/// Reloads the journey state: after each step and on every phase change from the socket.
#[derive(Clone, Copy)]
pub struct Reload(pub RwSignal<u32>);

impl Reload {
    pub fn now(self) {
        self.0.update(|n| *n += 1);
    }
}

#[component]
fn Journey() -> impl IntoView {
    let i18n = use_i18n();
    let socket = use_candidate_socket(View::Pc);
    provide_context(socket);
    let reload = Reload(RwSignal::new(0));
    provide_context(reload);
    inbox::report_browser_events(socket);
    listen::listen_for_sound(socket);
    provide_context(exam_screen::SheetCache(RwSignal::new(None)));
    // Reload on a real phase change only (a reconnect repeats the phase).
    let phase = Memo::new(move |_| socket.phase.get());
    let state = Resource::new(move || (reload.0.get(), phase.get()), |_| load_journey());
    // A failed reload (say, offline) keeps the step on screen: the exam must not vanish
    // because the network dropped. The error shows only when nothing was loaded yet.
    let last_ok: RwSignal<Option<JourneyState>> = RwSignal::new(None);
    let logout = ServerAction::<CandidateLogout>::new();
    Effect::new(move |_| {
        if logout.value().get().is_some() {
            super::go_to("/");
        }
    });
    // Erased to `AnyView`: the page's view type is otherwise too deep for the compiler.
    let page = move || {
        let inbox = view! { <inbox::Inbox socket /> }.into_any();
        let foot = view! {
            <div class="journey-foot">
                <inbox::RaiseHand socket />
                <button class="ghost" id="candidate-logout" on:click=move |_| { logout.dispatch(CandidateLogout {}); }>
                    {tr!(i18n, nav_logout)}
                </button>
            </div>
        }
        .into_any();
        view! {
            <section class="card journey">
                <Transition fallback=|| view! { <p class="muted">"…"</p> }>
                    {move || state.get().map(|r| match r {
                        Ok(s) => {
                            last_ok.set(Some(s.clone()));
                            view! { <Head s=s.clone() connected=socket.connected /> <StepView s /> }.into_any()
                        }
                        Err(err) => match last_ok.get_untracked() {
                            Some(s) => view! { <Head s=s.clone() connected=socket.connected /> <StepView s /> }.into_any(),
                            None => view! { <ErrorText err /> }.into_any(),
                        },
                    })}
                </Transition>
                {inbox}
                {foot}
            </section>
        }
        .into_any()
    };
    // A session ended by the server (signed out, signed in elsewhere) closes the page's
    // steps and camera and says why.
    let revoked = move || socket.revoked.get();
    view! {
        <Show when=move || revoked().is_none() fallback=move || view! {
            <section class="card journey">
                <RevokedNotice reason=revoked().unwrap_or(RevokeReason::SignedOut) sign_in="/" />
            </section>
        }>
            {page()}
        </Show>
    }
}

/// The exam name, the candidate, the connection and the progress through the steps.
#[component]
fn Head(s: JourneyState, connected: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let step = Step::of(s.me.phase);
    let labels = move || {
        [
            t_string!(i18n, step_identity),
            t_string!(i18n, step_face),
            t_string!(i18n, step_devices),
            t_string!(i18n, step_first_view),
            t_string!(i18n, step_second_view),
            t_string!(i18n, step_instructions),
            t_string!(i18n, step_exam),
        ]
    };
    view! {
        <div class="page-head">
            <div>
                <p class="room-exam">{s.me.exam_code.clone()} " · " {s.me.exam_title.clone()}</p>
                <p class="muted">{s.me.name.clone()} " · " {s.me.ticket.clone()}</p>
            </div>
            <span id="connection" class="badge" data-connected=move || connected.get().to_string()>
                {move || if connected.get() { tr!(i18n, connected).into_any() } else { tr!(i18n, disconnected).into_any() }}
            </span>
        </div>
        <camera_dock::CameraProblemNotice socket=expect_context() />
        <camera_dock::FacePromptNotice socket=expect_context() />
        <inbox::TimeNotice socket=expect_context() />
        <ol class="steps" aria-label=move || t_string!(i18n, steps_label).to_string()>
            {move || labels().into_iter().enumerate().map(|(i, label)| {
                let class = if i < step.index() { "done" } else if i == step.index() { "current" } else { "" };
                let current = (i == step.index()).then_some("step");
                view! { <li class=class aria-current=current>{label.to_string()}</li> }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn StepView(s: JourneyState) -> impl IntoView {
    match Step::of(s.me.phase) {
        Step::Identity => view! { <identity::IdentityStep s /> }.into_any(),
        Step::Face => view! { <FaceStep view=View::Pc progress=s.face_pc /> }.into_any(),
        Step::Devices => view! { <DevicesPiece /> }.into_any(),
        Step::FirstView => {
            view! { <first_view::FirstViewStep has_photo=s.has_identity_photo /> }.into_any()
        }
        Step::SecondView => {
            view! { <second_view::SecondViewStep /> <camera_dock::CameraDock /> }.into_any()
        }
        Step::Instructions => {
            view! { <instructions::InstructionsStep s /> <camera_dock::CameraDock /> }.into_any()
        }
        Step::Exam => view! { <ExamGate s /> }.into_any(),
        Step::Done => {
            view! { <Done phase=s.me.phase reason=s.submission_reason.clone() /> }.into_any()
        }
    }
}

/// The waiting room until the start (server clock), then the exam screen.
#[component]
fn ExamGate(s: JourneyState) -> impl IntoView {
    let started = RwSignal::new(s.me.phase == Phase::InExam || s.server_time >= s.times.starts_at);
    let candidate = s.me.id;
    view! {
        <Show when=move || started.get()
            fallback=move || view! {
                <waiting::WaitingRoom s=s.clone() on_start=Callback::new(move |_| started.set(true)) />
                <camera_dock::CameraDock />
            }>
            <ExamScreenPiece candidate />
        </Show>
    }
}

/// The exam screen's code, in its own piece of the split build: loaded when the exam opens
/// (or, for a page opened during the exam, as soon as the page's code runs).
#[cfg_attr(feature = "split-candidate", lazy)]
async fn exam_screen_view(candidate: domain::CandidateId) -> AnyView {
    view! { <exam_screen::ExamScreen candidate /> }.into_any()
}

/// The device check's code (camera, microphone, speaker, network), loaded on its step.
#[cfg_attr(feature = "split-candidate", lazy)]
async fn device_check_step() -> AnyView {
    view! { <Devices /> }.into_any()
}

/// `lazy_preload!` in the candidate's split build; elsewhere (the server, and the bundles that
/// never show these steps) a piece that is always there.
#[cfg(feature = "split-candidate")]
macro_rules! piece_loaded {
    ($piece:ident) => {
        lazy_preload!($piece)
    };
}
#[cfg(not(feature = "split-candidate"))]
macro_rules! piece_loaded {
    ($piece:ident) => {
        signal(true).0
    };
}

// A step in its own piece is rendered in the browser only, once the piece has arrived (the
// server and the page's first render show `Loading`, so hydration always matches); the piece
// starts loading as soon as the step's page runs (`lazy_preload!`).

#[component]
fn ExamScreenPiece(candidate: domain::CandidateId) -> impl IntoView {
    when_loaded(piece_loaded!(exam_screen_view), move || exam_screen_view(candidate))
}

#[component]
fn DevicesPiece() -> impl IntoView {
    when_loaded(piece_loaded!(device_check_step), device_check_step)
}

/// `Loading` until `ready`, then the view of the lazily loaded `piece`.
fn when_loaded<F>(
    ready: ReadSignal<bool>,
    piece: impl Fn() -> F + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    F: std::future::Future<Output = AnyView> + Send + 'static,
{
    view! {
        <Show when=move || ready.get() fallback=Loading>
            <Suspense fallback=Loading>{move || Suspend::new(piece())}</Suspense>
        </Show>
    }
}

/// Shown while a step's code is on its way.
#[component]
fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="notice" role="status" id="step-loading">{tr!(i18n, loading_step)}</p> }
}

#[component]
fn Devices() -> impl IntoView {
    let i18n = use_i18n();
    let reload = expect_context::<Reload>();
    let finish = Action::new(|report: &domain::device::DeviceReport| {
        crate::api::journey::finish_device_check(report.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = finish.value().get() {
            reload.now();
        }
    });
    let finishing = Signal::derive(move || finish.pending().get());
    view! {
        <h1>{tr!(i18n, step_devices)}</h1>
        <DeviceCheck on_finish=Callback::new(move |r| { finish.dispatch(r); }) finishing />
        {move || finish.value().get().and_then(|r| r.err()).map(|err| view! { <ErrorText err /> })}
    }
}

#[component]
fn Done(phase: Phase, reason: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    if phase == Phase::Submitted(domain::SubmitKind::Forced) {
        return view! {
            <div class="done forced" role="alert">
                <div class="done-mark" aria-hidden="true">"⏹"</div>
                <h1 id="submitted" data-kind="forced">{tr!(i18n, forced_title)}</h1>
                <p>{tr!(i18n, forced_body)}</p>
                {reason.map(|r| view! { <p class="muted" id="forced-reason">{t!(i18n, forced_reason, reason = r.clone())}</p> })}
            </div>
        }
        .into_any();
    }
    let how = match phase {
        Phase::Submitted(domain::SubmitKind::Auto) => tr!(i18n, submitted_auto).into_any(),
        _ => tr!(i18n, submitted_self).into_any(),
    };
    view! {
        <div class="done" role="status">
            <div class="done-mark" aria-hidden="true">"✓"</div>
            <h1 id="submitted">{tr!(i18n, submitted_title)}</h1>
            <p class="muted">{how}</p>
        </div>
    }
    .into_any()
}
