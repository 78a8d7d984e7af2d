//! The check report: one row per item with its result and details, a Retry on each failed
//! item (re-runs only that item), a summary, and "Finish check".
use super::network::{ms_view, rate_view};
use super::{Item, item_label};
use crate::i18n::*;
use domain::device::{CheckOutcome, DeviceReport};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

fn outcome_of(report: &DeviceReport, item: Item) -> CheckOutcome {
    match item {
        Item::Camera => report.camera.outcome,
        Item::Speaker => report.speaker.outcome,
        Item::Microphone => report.microphone.outcome,
        Item::Network => report.network.outcome,
        Item::Browser => report.browser.outcome,
    }
}

/// What was measured or said for `item`, in the user's language.
fn details(i18n: I18nContext<Locale>, report: &DeviceReport, item: Item) -> AnyView {
    let or_unknown = move |text: String| {
        if text.is_empty() { t_string!(i18n, dev_unknown).to_string() } else { text }
    };
    match item {
        Item::Camera => {
            let c = report.camera.clone();
            if c.width == 0 {
                tr!(i18n, dev_detail_no_picture).into_any()
            } else {
                let label = or_unknown(c.label);
                view! { {label} " · " {format!("{} × {}", c.width, c.height)} }.into_any()
            }
        }
        Item::Speaker if report.speaker.outcome.passed() => tr!(i18n, dev_detail_heard).into_any(),
        Item::Speaker => tr!(i18n, dev_detail_not_heard).into_any(),
        Item::Microphone => {
            let m = report.microphone.clone();
            let pct = (m.peak * 100.0).round() as u32;
            let label = or_unknown(m.label);
            view! {
                {label} " · " {t!(i18n, dev_detail_peak, pct = move || pct)}
                {m.confirmed.then(|| view! { " · " {tr!(i18n, dev_detail_confirmed)} })}
            }
            .into_any()
        }
        Item::Network => {
            let n = report.network.clone();
            if n.rtt_ms == 0 && n.upload_kbps == 0 {
                tr!(i18n, dev_detail_unreachable).into_any()
            } else {
                view! {
                    {tr!(i18n, dev_net_rtt)} " " {ms_view(i18n, n.rtt_ms)} " · "
                    {tr!(i18n, dev_net_upload)} " " {rate_view(i18n, n.upload_kbps)}
                }
                .into_any()
            }
        }
        Item::Browser => {
            let b = report.browser.clone();
            let browser = or_unknown(b.browser);
            let os = or_unknown(b.os);
            t!(i18n, dev_detail_browser, browser = move || browser.clone(), os = move || os.clone())
                .into_any()
        }
    }
}

#[component]
pub fn ReportView(
    report: DeviceReport,
    on_retry: Callback<Item>,
    on_finish: Callback<DeviceReport>,
    finishing: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let failed = Item::ALL.iter().filter(|&&i| !outcome_of(&report, i).passed()).count();
    let rows = Item::ALL
        .into_iter()
        .map(|item| {
            let passed = outcome_of(&report, item).passed();
            view! {
                <tr data-item=item.code() data-outcome=if passed { "pass" } else { "fail" }>
                    <th scope="row">{item_label(i18n, item)}</th>
                    <td>
                        <span class="dev-badge" class:pass=passed class:fail=!passed>
                            {if passed { tr!(i18n, dev_pass).into_any() } else { tr!(i18n, dev_fail).into_any() }}
                        </span>
                    </td>
                    <td class="dev-details">{details(i18n, &report, item)}</td>
                    <td class="dev-retry">
                        {(!passed).then(|| view! {
                            <button class="dev-retry-button" on:click=move |_| on_retry.run(item)>
                                {tr!(i18n, dev_retry_item)}
                            </button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let finish = {
        let report = report.clone();
        move |_| on_finish.run(report.clone())
    };
    view! {
        <section class="dev-step dev-report" data-item="report">
            <h2>{tr!(i18n, dev_report_title)}</h2>
            <div class="dev-table-wrap">
                <table class="dev-table">
                    <thead>
                        <tr>
                            <th scope="col">{tr!(i18n, dev_col_item)}</th>
                            <th scope="col">{tr!(i18n, dev_col_result)}</th>
                            <th scope="col">{tr!(i18n, dev_col_details)}</th>
                            <th scope="col"><span class="dev-sr-only">{tr!(i18n, dev_retry_item)}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {if failed == 0 {
                view! { <p class="dev-summary" data-passed="true">{tr!(i18n, dev_all_passed)}</p> }.into_any()
            } else {
                view! {
                    <p class="dev-summary" data-passed="false">{t!(i18n, dev_some_failed, n = move || failed)}</p>
                }
                .into_any()
            }}
            <div class="dev-actions">
                <button class="primary" id="dev-finish" disabled=move || finishing.get() on:click=finish>
                    {move || if finishing.get() {
                        tr!(i18n, dev_finishing).into_any()
                    } else {
                        tr!(i18n, dev_finish).into_any()
                    }}
                </button>
            </div>
        </section>
    }
}
