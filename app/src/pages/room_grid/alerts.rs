//! The live alert list beside the grid (new flags, a candidate offline, a second view lost,
//! a raised hand), each linking to the candidate, with an optional sound and the count in
//! the tab title.
use crate::components::labels::{alert_label, clock_time};
use crate::i18n::*;
use crate::live::proctor_feed::RoomFeed;
use domain::RoomId;
use leptos::prelude::*;

/// Shows the number of alerts in the tab title: "(3) Room A · Vigil".
pub fn use_tab_title(feed: RoomFeed, title: String) {
    Effect::new(move |_| {
        let n = feed.alerts.with(Vec::len);
        let text =
            if n > 0 { format!("({n}) {title} · Vigil") } else { format!("{title} · Vigil") };
        #[cfg(feature = "hydrate")]
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&text);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = text;
    });
}

/// A short two-tone beep through Web Audio.
fn beep() {
    #[cfg(feature = "hydrate")]
    {
        let Ok(ctx) = web_sys::AudioContext::new() else { return };
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else { return };
        let t = ctx.current_time();
        osc.frequency().set_value(880.0);
        let _ = osc.frequency().set_value_at_time(660.0, t + 0.12);
        gain.gain().set_value(0.15);
        let _ = osc.connect_with_audio_node(&gain);
        let _ = gain.connect_with_audio_node(&ctx.destination());
        let _ = osc.start();
        let _ = osc.stop_with_when(t + 0.25);
    }
}

#[component]
pub fn AlertList(feed: RoomFeed, room: RoomId) -> impl IntoView {
    let i18n = use_i18n();
    let sound = RwSignal::new(false);
    // Beep when a new alert arrives (not for the ones already listed).
    Effect::new(move |prev: Option<u64>| {
        let newest = feed.alerts.with(|a| a.first().map_or(0, |a| a.n));
        if prev.is_some_and(|p| newest > p) && sound.get_untracked() {
            beep();
        }
        newest
    });
    view! {
        <aside class="alerts" aria-live="polite" aria-label=move || t_string!(i18n, alerts_title).to_string()>
            <header class="alerts-head">
                <h2>{tr!(i18n, alerts_title)} " "
                    <span class="badge" id="alert-count">{move || feed.alerts.with(Vec::len)}</span>
                </h2>
                <label class="check"><input type="checkbox" id="alerts-sound"
                    on:change=move |ev| sound.set(event_target_checked(&ev)) /> " " {tr!(i18n, alerts_sound)}</label>
                <button class="ghost" id="alerts-clear" on:click=move |_| feed.alerts.set(Vec::new())>
                    {tr!(i18n, alerts_clear)}
                </button>
            </header>
            <Show when=move || feed.alerts.with(Vec::is_empty)>
                <p class="muted">{tr!(i18n, alerts_empty)}</p>
            </Show>
            <ol class="alert-list">
                <For each=move || feed.alerts.get() key=|a| a.n let:a>
                    <li class="alert" data-alert=a.kind.as_str() data-candidate=a.candidate.0>
                        <a href=format!("/proctor/rooms/{room}/candidates/{}", a.candidate.0)>
                            <time>{clock_time(a.at)}</time>
                            " " <strong>{a.name.clone()}</strong> " " {alert_label(i18n, a.kind)}
                        </a>
                    </li>
                </For>
            </ol>
        </aside>
    }
}
