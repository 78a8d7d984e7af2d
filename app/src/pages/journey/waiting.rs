//! The waiting room: a countdown to the start on the server's clock (the offset between
//! the server's time and this computer's is measured when the state loads, so a wrong PC
//! clock does not matter). At zero the exam opens by itself.
use super::browser::now_ms;
use crate::i18n::*;
use domain::journey::JourneyState;
use leptos::prelude::*;
use leptos_use::use_interval_fn;

/// "1:05:09" or "4:09".
pub fn clock(secs: i64) -> String {
    let s = secs.max(0);
    let (h, m, s) = (s / 3600, (s % 3600) / 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

#[component]
pub fn WaitingRoom(s: JourneyState, #[prop(into)] on_start: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let offset_ms = s.server_time.timestamp_millis() - now_ms();
    let start_ms = s.times.starts_at.timestamp_millis();
    let left = RwSignal::new((start_ms - (now_ms() + offset_ms)) / 1000);
    let fired = RwSignal::new(false);
    let _tick = use_interval_fn(
        move || {
            let ms = start_ms - (now_ms() + offset_ms);
            left.set((ms + 999) / 1000);
            if ms <= 0 && !fired.get_untracked() {
                fired.set(true);
                on_start.run(());
            }
        },
        250,
    );
    view! {
        <div class="waiting-room">
            <h1>{tr!(i18n, waiting_title)}</h1>
            <p class="muted">{tr!(i18n, waiting_intro)}</p>
            <p class="countdown" id="countdown" role="timer">{move || clock(left.get())}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clock_formats_minutes_and_hours() {
        assert_eq!(super::clock(0), "0:00");
        assert_eq!(super::clock(65), "1:05");
        assert_eq!(super::clock(3909), "1:05:09");
        assert_eq!(super::clock(-5), "0:00");
    }
}
