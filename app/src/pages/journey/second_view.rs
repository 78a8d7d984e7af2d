//! Step 5 on the PC: the QR code for the phone. The code is single-use and expires after
//! ten minutes; the page fetches a fresh one then. The step ends when the phone enters
//! monitoring (a phase change pushed over the socket, within a second).
use crate::api::journey::new_pairing;
use crate::components::error_text::ErrorText;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_use::use_interval_fn;

#[component]
pub fn SecondViewStep() -> impl IntoView {
    let i18n = use_i18n();
    let generation = RwSignal::new(0u32);
    // Made in the browser after hydration (an effect, not a resource): a pairing token is
    // made per page shown, never during server rendering.
    let pairing = RwSignal::new(None);
    Effect::new(move |_| {
        generation.track();
        leptos::task::spawn_local(async move { pairing.set(Some(new_pairing().await)) });
    });
    // A fresh code before the old one expires (every 9 minutes).
    let _refresh = use_interval_fn(move || generation.update(|g| *g += 1), 9 * 60 * 1000);
    view! {
        <h1>{tr!(i18n, step_second_view)}</h1>
        <p class="muted">{tr!(i18n, second_view_intro)}</p>
        <div class="pairing">
            <div class="qr-box">
                {move || match pairing.get() {
                    None => view! { <div class="qr placeholder"></div> }.into_any(),
                    Some(Ok(p)) => view! {
                        <div class="qr" id="pairing-qr" role="img"
                            aria-label=move || t_string!(i18n, qr_label).to_string()
                            inner_html=p.svg.clone()></div>
                        <p class="pairing-url"><code id="pairing-url">{p.url.clone()}</code></p>
                    }.into_any(),
                    Some(Err(err)) => view! { <ErrorText err /> }.into_any(),
                }}
            </div>
            <ol class="guide">
                <li>{tr!(i18n, second_view_scan)}</li>
                <li>{tr!(i18n, second_view_enter)}</li>
                <li>{tr!(i18n, second_view_photo)}</li>
                <li>{tr!(i18n, second_view_place)}</li>
            </ol>
        </div>
        <p class="waiting" role="status" id="phone-status">
            <span class="cam-spinner" aria-hidden="true"></span>
            {tr!(i18n, second_view_waiting)}
        </p>
        <button class="ghost" id="new-qr" on:click=move |_| generation.update(|g| *g += 1)>
            {tr!(i18n, qr_refresh)}
        </button>
    }
}
