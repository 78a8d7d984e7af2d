//! A stored device report as a read-only table, for the candidate's proctors.
use crate::api::proctor::candidate_device_report;
use crate::components::error_text::ErrorText;
use crate::i18n::*;
use domain::CandidateId;
use domain::device::{CheckOutcome, DeviceReport};
use leptos::prelude::*;

/// Loads and shows the latest report of `candidate`.
#[component]
pub fn DeviceReportPanel(candidate: CandidateId) -> impl IntoView {
    let i18n = use_i18n();
    let report = Resource::new(move || candidate, candidate_device_report);
    view! {
        <div class="device-report" role="region" aria-label=move || t_string!(i18n, dev_report_title).to_string()>
            <Suspense fallback=|| view! { <p class="muted">"…"</p> }>
                {move || report.get().map(|r| match r {
                    Ok(Some(report)) => view! { <ReportTable report /> }.into_any(),
                    Ok(None) => view! { <p class="muted">{tr!(i18n, tile_no_report)}</p> }.into_any(),
                    Err(err) => view! { <ErrorText err /> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn ReportTable(report: DeviceReport) -> impl IntoView {
    let i18n = use_i18n();
    let mark = move |o: CheckOutcome| {
        let ok = o.passed();
        view! {
            <td class=if ok { "pass" } else { "fail" }>
                {if ok { tr!(i18n, dev_pass).into_any() } else { tr!(i18n, dev_fail).into_any() }}
            </td>
        }
    };
    let r = report;
    view! {
        <table class="report-table">
            <tbody>
                <tr>
                    <th scope="row">{tr!(i18n, dev_item_camera)}</th>
                    {mark(r.camera.outcome)}
                    <td>{format!("{} · {}×{}", r.camera.label, r.camera.width, r.camera.height)}</td>
                </tr>
                <tr>
                    <th scope="row">{tr!(i18n, dev_item_speaker)}</th>
                    {mark(r.speaker.outcome)}
                    <td></td>
                </tr>
                <tr>
                    <th scope="row">{tr!(i18n, dev_item_microphone)}</th>
                    {mark(r.microphone.outcome)}
                    <td>{format!("{} · {:.0}%", r.microphone.label, r.microphone.peak * 100.0)}</td>
                </tr>
                <tr>
                    <th scope="row">{tr!(i18n, dev_item_network)}</th>
                    {mark(r.network.outcome)}
                    <td>{format!("{} ms · {} kbit/s", r.network.rtt_ms, r.network.upload_kbps)}</td>
                </tr>
                <tr>
                    <th scope="row">{tr!(i18n, dev_item_browser)}</th>
                    {mark(r.browser.outcome)}
                    <td>{format!("{} · {}", r.browser.browser, r.browser.os)}</td>
                </tr>
            </tbody>
        </table>
    }
}
