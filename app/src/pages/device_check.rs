//! `/device-check`: anyone can try their camera, speaker, microphone, network and browser
//! before exam day. Public, and nothing is stored: the report stays in the page.
use crate::components::device_check::{DeviceCheck, Item, item_label};
use crate::i18n::*;
use domain::device::DeviceReport;
use leptos::prelude::*;

#[component]
pub fn DeviceCheckPage() -> impl IntoView {
    let i18n = use_i18n();
    let finished = RwSignal::new(None::<DeviceReport>);
    view! {
        <section class="card dev-card">
            <h1>{tr!(i18n, dev_page_title)}</h1>
            <p class="muted">{tr!(i18n, dev_page_intro)}</p>
            {move || match finished.get() {
                None => view! { <DeviceCheck on_finish=move |r| finished.set(Some(r)) /> }.into_any(),
                Some(report) => view! { <Verdict report on_again=move |_| finished.set(None) /> }.into_any(),
            }}
        </section>
    }
}

/// "Your devices are ready", or which items failed.
#[component]
fn Verdict(report: DeviceReport, #[prop(into)] on_again: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let ready = report.all_passed();
    let failed: Vec<Item> = Item::ALL
        .into_iter()
        .filter(|&i| {
            let outcome = match i {
                Item::Camera => report.camera.outcome,
                Item::Speaker => report.speaker.outcome,
                Item::Microphone => report.microphone.outcome,
                Item::Network => report.network.outcome,
                Item::Browser => report.browser.outcome,
            };
            !outcome.passed()
        })
        .collect();
    view! {
        <div class="dev-verdict" class:ready=ready id="dev-verdict" data-ready=ready.to_string() role="status">
            <span class="dev-verdict-mark" aria-hidden="true">{if ready { "✓" } else { "!" }}</span>
            <div>
                {if ready {
                    view! {
                        <h2>{tr!(i18n, dev_ready_title)}</h2>
                        <p>{tr!(i18n, dev_ready_text)}</p>
                    }
                    .into_any()
                } else {
                    view! {
                        <h2>{tr!(i18n, dev_not_ready_title)}</h2>
                        <p>{tr!(i18n, dev_not_ready_text)}</p>
                        <ul class="dev-failed">
                            {failed.into_iter().map(|i| view! { <li>{item_label(i18n, i)}</li> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </div>
        </div>
        <div class="dev-actions">
            <button class="primary" on:click=move |_| on_again.run(())>{tr!(i18n, dev_check_again)}</button>
            <a class="button" href="/">{tr!(i18n, dev_back_login)}</a>
        </div>
    }
}
