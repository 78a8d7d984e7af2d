//! The network step: the median of five round trips to the server and the time to upload
//! 256 KiB, measured as soon as the step shows, then the results and "Next".
use crate::i18n::*;
use domain::device::{NET_MAX_RTT_MS, NET_MIN_UPLOAD_KBPS, NetworkCheck, network_outcome};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// Where the measurement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // set only in the browser
enum Phase {
    /// Round trips done so far.
    Pinging(usize),
    Uploading,
    Done {
        rtt_ms: u32,
        upload_kbps: u32,
    },
    /// The server could not be reached.
    Failed,
}

/// A duration in milliseconds, in the user's language.
pub(super) fn ms_view(i18n: I18nContext<Locale>, ms: u32) -> AnyView {
    t!(i18n, dev_value_ms, n = move || ms).into_any()
}

/// A rate: kbit/s below 1000, Mbit/s with one decimal above.
pub(super) fn rate_view(i18n: I18nContext<Locale>, kbps: u32) -> AnyView {
    if kbps < 1000 {
        t!(i18n, dev_value_kbps, n = move || kbps).into_any()
    } else {
        let mbps = format!("{:.1}", f64::from(kbps) / 1000.0);
        t!(i18n, dev_value_mbps, n = move || mbps.clone()).into_any()
    }
}

#[component]
pub fn NetworkStep(#[prop(into)] on_done: Callback<NetworkCheck>) -> impl IntoView {
    let i18n = use_i18n();
    let phase = RwSignal::new(Phase::Pinging(0));
    let run = measurer(phase);
    Effect::new(move |_| run.run(()));
    let finish = move |_| {
        let (rtt_ms, upload_kbps) = match phase.get_untracked() {
            Phase::Done { rtt_ms, upload_kbps } => (rtt_ms, upload_kbps),
            _ => (0, 0),
        };
        let outcome = network_outcome(rtt_ms, upload_kbps);
        on_done.run(NetworkCheck { outcome, rtt_ms, upload_kbps });
    };
    let body = move || {
        match phase.get() {
        Phase::Pinging(n) => view! {
            <p class="dev-wait">
                <span class="cam-spinner" aria-hidden="true"></span>
                {tr!(i18n, dev_net_measuring_rtt)} " " {format!("{n}/5")}
            </p>
        }
        .into_any(),
        Phase::Uploading => view! {
            <p class="dev-wait"><span class="cam-spinner" aria-hidden="true"></span>{tr!(i18n, dev_net_measuring_upload)}</p>
        }
        .into_any(),
        Phase::Done { rtt_ms, upload_kbps } => view! {
            <dl class="facts dev-facts">
                <dt>{tr!(i18n, dev_net_rtt)}</dt>
                <dd id="dev-net-rtt" data-ok=(rtt_ms <= NET_MAX_RTT_MS).to_string()>{ms_view(i18n, rtt_ms)}</dd>
                <dt>{tr!(i18n, dev_net_upload)}</dt>
                <dd id="dev-net-upload" data-ok=(upload_kbps >= NET_MIN_UPLOAD_KBPS).to_string()>
                    {rate_view(i18n, upload_kbps)}
                </dd>
            </dl>
        }
        .into_any(),
        Phase::Failed => view! {
            <div class="alert dev-net-failed">
                <p>{tr!(i18n, dev_net_failed)}</p>
                <button on:click=move |_| run.run(())>{tr!(i18n, cam_retry)}</button>
            </div>
        }
        .into_any(),
    }
    };
    let busy = move || matches!(phase.get(), Phase::Pinging(_) | Phase::Uploading);
    view! {
        <section class="dev-step" data-item="network">
            <h2>{tr!(i18n, dev_net_title)}</h2>
            <p class="muted">{tr!(i18n, dev_net_help)}</p>
            {body}
            <p class="muted small">
                {t!(i18n, dev_net_need, ms = move || NET_MAX_RTT_MS, kbps = move || NET_MIN_UPLOAD_KBPS)}
            </p>
            <div class="dev-actions">
                <button class="primary" id="dev-net-next" disabled=busy on:click=finish>{tr!(i18n, dev_next)}</button>
            </div>
        </section>
    }
}

/// Runs the measurement (after hydration, and again on Retry), reporting into `phase`.
#[cfg(not(feature = "hydrate"))]
fn measurer(phase: RwSignal<Phase>) -> Callback<()> {
    let _ = phase;
    Callback::new(|_| ())
}

#[cfg(feature = "hydrate")]
fn measurer(phase: RwSignal<Phase>) -> Callback<()> {
    use super::probe::{measure_rtt, measure_upload};
    Callback::new(move |_| {
        phase.set(Phase::Pinging(0));
        leptos::task::spawn_local(async move {
            let result = async {
                let rtt_ms = measure_rtt(|n| {
                    phase.try_set(Phase::Pinging(n));
                })
                .await?;
                phase.try_set(Phase::Uploading);
                let upload_kbps = measure_upload().await?;
                Ok::<_, wasm_bindgen::JsValue>(Phase::Done { rtt_ms, upload_kbps })
            }
            .await;
            phase.try_set(result.unwrap_or(Phase::Failed));
        });
    })
}
