//! One live camera view on a proctor page: the latest picture, its age ("3 s ago"), a stale
//! overlay when no picture came for three grid periods and an offline overlay when the view
//! is disconnected.
use crate::i18n::*;
use crate::live::frames_feed::ShownFrame;
use leptos::prelude::*;

/// `label`: the view's name; `now_ms`: the server-aligned clock in ms (ticking);
/// `stale_after_ms`: from the exam's camera settings.
#[component]
pub fn LiveView(
    label: AnyView,
    frame: Signal<Option<ShownFrame>>,
    online: Signal<bool>,
    now_ms: Signal<i64>,
    stale_after_ms: Signal<u64>,
    #[prop(optional)] large: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let age_ms =
        move || frame.with(|f| f.as_ref().map(|f| (now_ms.get() - f.received_ms as i64).max(0)));
    let stale = move || online.get() && age_ms().is_some_and(|a| a as u64 > stale_after_ms.get());
    let state = move || {
        if !online.get() {
            "offline"
        } else if frame.with(Option::is_none) {
            "waiting"
        } else if stale() {
            "stale"
        } else {
            "live"
        }
    };
    view! {
        <figure class="live-view" class:large=large data-state=state
            data-seq=move || frame.with(|f| f.as_ref().map(|f| f.seq.to_string()).unwrap_or_default())
            data-size=move || frame.with(|f| f.as_ref().map(|f| format!("{}x{}", f.width, f.height)).unwrap_or_default())>
            {move || frame.get().map(|f| view! { <img src=f.url alt="" /> })}
            <Show when=move || state() == "waiting">
                <span class="live-overlay">{tr!(i18n, tile_no_frame)}</span>
            </Show>
            <Show when=stale>
                <span class="live-overlay stale">
                    {move || t!(i18n, tile_stale, secs = move || age_ms().unwrap_or(0) / 1000)}
                </span>
            </Show>
            <Show when=move || !online.get()>
                <span class="live-overlay offline">{tr!(i18n, tile_view_offline)}</span>
            </Show>
            <figcaption>
                <span class="live-label">{label}</span>
                <span class="live-age">
                    {move || age_ms().map(|a| t!(i18n, seen_ago, secs = move || a / 1000))}
                </span>
            </figcaption>
        </figure>
    }
    .into_any()
}
