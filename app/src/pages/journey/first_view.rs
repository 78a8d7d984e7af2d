//! Step 4: the identity photo (the button under the video), then the first view on.
use super::Reload;
use crate::api::journey::StartFirstView;
use crate::components::camera::{CameraHandle, CameraView};
use crate::components::error_text::ErrorText;
use crate::i18n::*;
use domain::AppError;
use leptos::prelude::*;

#[component]
pub fn FirstViewStep(has_photo: bool) -> impl IntoView {
    let i18n = use_i18n();
    let reload = expect_context::<Reload>();
    let camera = CameraHandle::new();
    let saved = RwSignal::new(has_photo);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let take = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match super::browser::capture(camera, 0.85).await {
                Ok(jpeg) => {
                    super::browser::post_jpeg::<()>("/api/candidate/identity-photo", jpeg).await
                }
                Err(_) => Err(AppError::NotAJpeg),
            };
            match result {
                Ok(()) => {
                    saved.set(true);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let start = ServerAction::<StartFirstView>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = start.value().get() {
            reload.now();
        }
    });
    view! {
        <h1>{tr!(i18n, step_first_view)}</h1>
        <p class="muted">{tr!(i18n, first_view_intro)}</p>
        <div class="capture">
            <CameraView camera />
        </div>
        <div class="actions">
            <button class=move || if saved.get() { "ghost" } else { "primary" } id="take-identity-photo"
                disabled=move || busy.get() || !camera.ready.get() on:click=take>
                {move || if saved.get() { t_string!(i18n, photo_retake) } else { t_string!(i18n, photo_take) }}
            </button>
            <button class="primary" id="start-first-view"
                disabled=move || !saved.get() || start.pending().get()
                on:click=move |_| { start.dispatch(StartFirstView {}); }>
                {tr!(i18n, first_view_on)}
            </button>
        </div>
        <Show when=move || saved.get()>
            <p class="notice ok" role="status" id="photo-saved">{tr!(i18n, photo_saved)}</p>
        </Show>
        {move || error.get().map(|err| view! { <ErrorText err /> })}
        {move || start.value().get().and_then(|r| r.err()).map(|err| view! { <ErrorText err /> })}
    }
}
