//! The interactive steps: camera (the candidate sees themselves), speaker (hears a tone),
//! microphone (sees the meter move) and browser (read from the user agent). Each calls
//! `on_done` once with its item's result; the network step lives in `network.rs`.
use super::clip;
use super::user_agent::parse_user_agent;
use crate::components::camera::{CameraHandle, CameraView, MediaDevice, MediaError, MediaErrorBox};
use crate::i18n::*;
use domain::device::{
    BrowserCheck, CameraCheck, CheckOutcome, MIC_PASS_PEAK, MicCheck, SpeakerCheck, mic_outcome,
};
use leptos::prelude::*;

/// A dash for a value not known (yet).
const NONE: &str = "—";

/// Camera: the live preview with its device label and resolution.
#[component]
pub fn CameraStep(#[prop(into)] on_done: Callback<CameraCheck>) -> impl IntoView {
    let i18n = use_i18n();
    let camera = CameraHandle::new();
    let finish = move |saw: bool| {
        let info = camera.info.get_untracked().unwrap_or_default();
        on_done.run(CameraCheck {
            outcome: CheckOutcome::from_bool(saw && camera.ready.get_untracked()),
            label: clip(&info.label),
            width: info.width,
            height: info.height,
        });
    };
    let label = move || {
        camera.info.get().map(|i| i.label).filter(|l| !l.is_empty()).unwrap_or_else(|| NONE.into())
    };
    let size = move || match camera.info.get() {
        Some(i) if i.width > 0 => format!("{} × {}", i.width, i.height),
        _ => NONE.into(),
    };
    view! {
        <section class="dev-step" data-item="camera">
            <h2>{tr!(i18n, dev_camera_title)}</h2>
            <p class="muted">{tr!(i18n, dev_camera_help)}</p>
            <div class="dev-media">
                <CameraView camera />
                <dl class="facts dev-facts">
                    <dt>{tr!(i18n, dev_device)}</dt>
                    <dd id="dev-camera-label">{label}</dd>
                    <dt>{tr!(i18n, dev_resolution)}</dt>
                    <dd id="dev-camera-resolution">{size}</dd>
                </dl>
            </div>
            <div class="dev-actions">
                <button class="primary" disabled=move || !camera.ready.get() on:click=move |_| finish(true)>
                    {tr!(i18n, dev_camera_yes)}
                </button>
                <button on:click=move |_| finish(false)>{tr!(i18n, dev_camera_no)}</button>
            </div>
        </section>
    }
}

/// Speaker: a 1 s 440 Hz tone, played on arrival and again on demand.
#[component]
pub fn SpeakerStep(#[prop(into)] on_done: Callback<SpeakerCheck>) -> impl IntoView {
    let i18n = use_i18n();
    let playing = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let play = tone_player(playing, failed);
    Effect::new(move |_| play.run(()));
    let finish = move |heard: bool| {
        on_done.run(SpeakerCheck { outcome: CheckOutcome::from_bool(heard) });
    };
    view! {
        <section class="dev-step" data-item="speaker">
            <h2>{tr!(i18n, dev_speaker_title)}</h2>
            <p class="muted">{tr!(i18n, dev_speaker_help)}</p>
            <div class="dev-speaker" data-playing=move || playing.get().to_string()>
                <svg class="dev-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M11 5 6 9H2v6h4l5 4z" />
                    <path d="M15.5 8.5a5 5 0 0 1 0 7" />
                    <path d="M19 5a10 10 0 0 1 0 14" />
                </svg>
                <button class="ghost" id="dev-play" disabled=move || playing.get() on:click=move |_| play.run(())>
                    {move || if playing.get() {
                        tr!(i18n, dev_playing).into_any()
                    } else {
                        tr!(i18n, dev_play_again).into_any()
                    }}
                </button>
            </div>
            <Show when=move || failed.get()>
                <p class="alert">{tr!(i18n, dev_speaker_error)}</p>
            </Show>
            <div class="dev-actions">
                <button class="primary" on:click=move |_| finish(true)>{tr!(i18n, dev_speaker_yes)}</button>
                <button on:click=move |_| finish(false)>{tr!(i18n, dev_speaker_no)}</button>
            </div>
        </section>
    }
}

/// Plays the tone (one audio context per step, closed when the step goes away).
#[cfg(not(feature = "hydrate"))]
fn tone_player(playing: RwSignal<bool>, failed: RwSignal<bool>) -> Callback<()> {
    let _ = (playing, failed);
    Callback::new(|_| ())
}

#[cfg(feature = "hydrate")]
fn tone_player(playing: RwSignal<bool>, failed: RwSignal<bool>) -> Callback<()> {
    use super::probe::{TONE_SECS, close_audio, play_tone};
    use web_sys::AudioContext;
    let ctx = StoredValue::new_local(None::<AudioContext>);
    on_cleanup(move || {
        if let Some(Some(c)) = ctx.try_update_value(Option::take) {
            close_audio(c);
        }
    });
    Callback::new(move |_| {
        let audio = match ctx.try_with_value(Clone::clone).flatten() {
            Some(c) => c,
            None => match AudioContext::new() {
                Ok(c) => {
                    ctx.set_value(Some(c.clone()));
                    c
                }
                Err(_) => {
                    failed.set(true);
                    return;
                }
            },
        };
        playing.set(true);
        leptos::task::spawn_local(async move {
            let ok = play_tone(&audio).await.is_ok();
            failed.try_set(!ok);
            set_timeout(
                move || {
                    playing.try_set(false);
                },
                std::time::Duration::from_secs_f64(TONE_SECS),
            );
        });
    })
}

/// Where the microphone is.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // set only in the browser
enum MicState {
    Starting,
    Live,
    Failed(MediaError),
}

/// Microphone: a live level meter; the step passes on a loud enough peak or the
/// candidate's word that the meter moved.
#[component]
pub fn MicStep(#[prop(into)] on_done: Callback<MicCheck>) -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(MicState::Starting);
    let level = RwSignal::new(0.0_f32);
    let peak = RwSignal::new(0.0_f32);
    let label = RwSignal::new(String::new());
    let start = mic_starter(state, level, peak, label);
    let finish = move |confirmed: bool| {
        let peak = peak.get_untracked().clamp(0.0, 1.0);
        on_done.run(MicCheck {
            outcome: mic_outcome(peak, confirmed),
            label: clip(&label.get_untracked()),
            peak,
            confirmed,
        });
    };
    // The meter shows the square root of the level: quiet speech still moves it visibly.
    let width = move || format!("{:.1}%", level.get().sqrt() * 100.0);
    let mark = format!("{:.1}%", MIC_PASS_PEAK.sqrt() * 100.0);
    let heard = move || peak.get() >= MIC_PASS_PEAK;
    let live = move || state.with(|s| *s == MicState::Live);
    view! {
        <section class="dev-step" data-item="microphone">
            <h2>{tr!(i18n, dev_mic_title)}</h2>
            <p class="muted">{tr!(i18n, dev_mic_help)}</p>
            {move || match state.get() {
                MicState::Failed(err) => view! {
                    <MediaErrorBox device=MediaDevice::Microphone err on_retry=start />
                }
                .into_any(),
                MicState::Starting => view! {
                    <p class="dev-wait"><span class="cam-spinner" aria-hidden="true"></span>{tr!(i18n, dev_mic_starting)}</p>
                }
                .into_any(),
                MicState::Live => ().into_any(),
            }}
            <div class="dev-meter-row" class:disabled=move || !live()>
                <svg class="dev-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <rect x="9" y="2" width="6" height="12" rx="3" />
                    <path d="M19 10v1a7 7 0 0 1-14 0v-1M12 18v4M8 22h8" />
                </svg>
                <div
                    class="dev-meter"
                    role="meter"
                    aria-label=move || t_string!(i18n, dev_mic_level).to_string()
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow=move || format!("{:.0}", level.get() * 100.0)
                >
                    <div class="dev-meter-fill" style:width=width></div>
                    <div class="dev-meter-mark" style:left=mark></div>
                </div>
            </div>
            <p class="dev-mic-status" id="dev-mic-status" data-heard=move || heard().to_string()>
                {move || if heard() {
                    tr!(i18n, dev_mic_heard).into_any()
                } else {
                    tr!(i18n, dev_mic_waiting).into_any()
                }}
            </p>
            <dl class="facts dev-facts">
                <dt>{tr!(i18n, dev_device)}</dt>
                <dd id="dev-mic-label">{move || {
                    let l = label.get();
                    if l.is_empty() { NONE.to_string() } else { l }
                }}</dd>
            </dl>
            <div class="dev-actions">
                <button class="primary" disabled=move || !live() on:click=move |_| finish(true)>
                    {tr!(i18n, dev_mic_yes)}
                </button>
                <button on:click=move |_| finish(false)>{tr!(i18n, dev_mic_no)}</button>
            </div>
        </section>
    }
}

/// Opens the microphone after hydration (and on Retry), feeds `level`/`peak` every 50 ms,
/// and releases the microphone when the step goes away.
#[cfg(not(feature = "hydrate"))]
fn mic_starter(
    state: RwSignal<MicState>,
    level: RwSignal<f32>,
    peak: RwSignal<f32>,
    label: RwSignal<String>,
) -> Callback<()> {
    let _ = (state, level, peak, label);
    Callback::new(|_| ())
}

#[cfg(feature = "hydrate")]
fn mic_starter(
    state: RwSignal<MicState>,
    level: RwSignal<f32>,
    peak: RwSignal<f32>,
    label: RwSignal<String>,
) -> Callback<()> {
    use super::probe::MicMeter;
    let meter = StoredValue::new_local(None::<MicMeter>);
    let start = Callback::new(move |_| {
        state.set(MicState::Starting);
        leptos::task::spawn_local(async move {
            match MicMeter::open().await {
                Ok((m, info)) => {
                    // Unmounted while the browser asked: release the microphone at once.
                    if let Err(m) = store(meter, m) {
                        m.close();
                        return;
                    }
                    label.try_set(info.label);
                    state.try_set(MicState::Live);
                }
                Err(err) => {
                    state.try_set(MicState::Failed(err));
                }
            }
        });
    });
    Effect::new(move |_| start.run(()));
    let _ticks = leptos_use::use_interval_fn(
        move || {
            if let Some(Some(l)) = meter.try_update_value(|m| m.as_mut().map(MicMeter::level)) {
                level.try_set(l);
                if l > peak.get_untracked() {
                    peak.try_set(l);
                }
            }
        },
        50,
    );
    on_cleanup(move || {
        if let Some(Some(m)) = meter.try_update_value(Option::take) {
            m.close();
        }
    });
    start
}

/// Puts `value` into `slot`, or hands it back if the slot is gone (its owner was disposed).
#[cfg(feature = "hydrate")]
fn store<T: 'static>(slot: StoredValue<Option<T>, LocalStorage>, value: T) -> Result<(), T> {
    let mut value = Some(value);
    slot.try_update_value(|s| *s = value.take());
    match value {
        None => Ok(()),
        Some(v) => Err(v),
    }
}

/// Browser: name, version and system from the user agent, read after hydration.
#[component]
pub fn BrowserStep(#[prop(into)] on_done: Callback<BrowserCheck>) -> impl IntoView {
    use super::user_agent::{MIN_CHROMIUM, MIN_FIREFOX, MIN_SAFARI};
    let i18n = use_i18n();
    let ua = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        ua.set(Some(super::probe::user_agent()));
    });
    let info = move || ua.get().map(|u| parse_user_agent(&u));
    let shown = move |text: Option<String>| match text.filter(|t| !t.is_empty()) {
        Some(t) => t.into_any(),
        None => tr!(i18n, dev_unknown).into_any(),
    };
    let finish = move |_| {
        if let Some(user_agent) = ua.get_untracked() {
            let info = parse_user_agent(&user_agent);
            on_done.run(BrowserCheck {
                outcome: CheckOutcome::from_bool(info.supported),
                browser: clip(&info.browser),
                os: clip(&info.os),
                user_agent: clip(&user_agent),
            });
        }
    };
    view! {
        <section class="dev-step" data-item="browser">
            <h2>{tr!(i18n, dev_browser_title)}</h2>
            <p class="muted">{tr!(i18n, dev_browser_help)}</p>
            <dl class="facts dev-facts">
                <dt>{tr!(i18n, dev_browser_name)}</dt>
                <dd id="dev-browser-name">{move || shown(info().map(|i| i.browser))}</dd>
                <dt>{tr!(i18n, dev_os)}</dt>
                <dd id="dev-browser-os">{move || shown(info().map(|i| i.os))}</dd>
            </dl>
            {move || info().map(|i| if i.supported {
                view! { <p class="dev-note-ok">{tr!(i18n, dev_browser_ok)}</p> }.into_any()
            } else {
                view! {
                    <p class="alert">
                        {t!(i18n, dev_browser_old, chrome = move || MIN_CHROMIUM, firefox = move || MIN_FIREFOX, safari = move || MIN_SAFARI)}
                    </p>
                }
                .into_any()
            })}
            <div class="dev-actions">
                <button class="primary" disabled=move || ua.get().is_none() on:click=finish>
                    {tr!(i18n, dev_next)}
                </button>
            </div>
        </section>
    }
}
