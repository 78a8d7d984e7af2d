//! Step 2b (PC) and the phone's verification photo: capture, verify on the server, retry
//! up to the exam's limit, then go on (passed, or for an admin's review).
use crate::components::camera::{CameraHandle, CameraView};
use crate::components::error_text::ErrorText;
use crate::i18n::*;
use domain::face::FaceDecision;
use domain::journey::{FaceCheck, FaceProgress};
use domain::{AppError, View};
use leptos::prelude::*;

/// The face check of `view`. On the PC "Continue" finishes the step; on the phone the
/// parent offers "Enter exam monitoring" once `progress` allows it (read `done`).
#[component]
pub fn FaceStep(
    view: View,
    progress: FaceProgress,
    /// Set when the candidate may go on (passed or for review).
    #[prop(optional)]
    done: Option<RwSignal<Option<FaceProgress>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let camera = CameraHandle::new();
    let progress = RwSignal::new(progress);
    let last: RwSignal<Option<Result<FaceCheck, AppError>>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        let p = progress.get();
        if let Some(done) = done
            && p.may_continue()
        {
            done.set(Some(p));
        }
    });
    let view_name = view.as_str();
    let capture = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match super::browser::capture(camera, 0.9).await {
                Ok(jpeg) => {
                    let url = format!("/api/candidate/face?view={view_name}");
                    super::browser::post_jpeg::<FaceCheck>(&url, jpeg).await
                }
                Err(_) => Err(AppError::NotAJpeg),
            };
            if let Ok(check) = &result {
                progress.set(check.progress);
            }
            last.set(Some(result));
            busy.set(false);
        });
    };
    let finish = ServerAction::<crate::api::journey::FinishFaceCheck>::new();
    let reload = use_context::<super::Reload>();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(r)) = (finish.value().get(), reload) {
            r.now();
        }
    });
    let outcome = move || {
        last.get().map(|r| match r {
            Err(err) => view! { <ErrorText err /> }.into_any(),
            Ok(FaceCheck { error: Some(error), .. }) => {
                view! { <ErrorText err=AppError::Face { error } /> }.into_any()
            }
            Ok(FaceCheck { decision: Some(FaceDecision::Match), .. }) => {
                view! { <p class="notice ok" role="status" id="face-result">{tr!(i18n, face_passed)}</p> }.into_any()
            }
            Ok(_) => view! { <p class="alert" role="alert" id="face-result">{tr!(i18n, face_failed)}</p> }.into_any(),
        })
    };
    let status = move || {
        match progress.get() {
        FaceProgress::Open { attempts: 0, .. } => tr!(i18n, face_intro).into_any(),
        FaceProgress::Open { left, .. } => {
            view! { <span id="attempts-left">{t!(i18n, face_attempts_left, n = move || left)}</span> }.into_any()
        }
        FaceProgress::Passed => tr!(i18n, face_verified).into_any(),
        FaceProgress::MayContinueForReview { .. } => tr!(i18n, face_for_review).into_any(),
    }
    };
    let pc = view == View::Pc;
    view! {
        <h1>{move || if pc { t_string!(i18n, step_face) } else { t_string!(i18n, phone_verify_title) }}</h1>
        <p class="muted">{status}</p>
        <div class="capture">
            <CameraView camera />
        </div>
        <div class="actions">
            <Show when=move || progress.get().may_retry()>
                <button class="primary" id="take-face-photo"
                    disabled=move || busy.get() || !camera.ready.get()
                    on:click=capture>
                    {move || if busy.get() { t_string!(i18n, face_checking) } else { t_string!(i18n, face_take) }}
                </button>
            </Show>
            <Show when=move || pc && progress.get().may_continue()>
                <button class="primary" id="face-continue" disabled=move || finish.pending().get()
                    on:click=move |_| { finish.dispatch(crate::api::journey::FinishFaceCheck {}); }>
                    {move || if progress.get() == FaceProgress::Passed {
                        t_string!(i18n, continue_button)
                    } else {
                        t_string!(i18n, face_continue_review)
                    }}
                </button>
            </Show>
        </div>
        {outcome}
        {move || finish.value().get().and_then(|r| r.err()).map(|err| view! { <ErrorText err /> })}
    }
}
