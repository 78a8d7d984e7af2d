//! `/admin/exams/:id/report`: the exam's dashboard — candidates per step, verification
//! outcomes, flags per category as bar charts — and the exports (answers JSON/CSV, incidents
//! CSV, roster CSV). Read again every 10 seconds while open.
use super::AdminNav;
use crate::api::admin::load_exam_report;
use crate::components::labels::{flag_text, phase_label, verification_label};
use crate::i18n::*;
use crate::pages::candidate_detail::use_polled_every;
use domain::ExamId;
use domain::report::{ExamReport, scale};
use leptos::prelude::*;

const REFRESH_MS: u64 = 10_000;

/// A horizontal bar chart of labelled counts.
fn bars(id: &'static str, rows: Vec<(AnyView, i64)>) -> impl IntoView {
    let max = scale(&rows.iter().map(|(_, n)| ((), *n)).collect::<Vec<_>>());
    view! {
        <ul class="bars" id=id>
            {rows.into_iter().map(|(label, n)| {
                let width = format!("width: {:.1}%", 100.0 * n as f64 / max as f64);
                view! {
                    <li>
                        <span class="bar-label">{label}</span>
                        <span class="bar-track"><span class="bar-fill" style=width></span></span>
                        <span class="bar-count">{n}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// A step line of candidates online over time (SVG), with the first and last time and the peak.
fn online_chart(points: &[(chrono::DateTime<chrono::Utc>, i64)]) -> impl IntoView {
    const W: f64 = 600.0;
    const H: f64 = 140.0;
    let i18n = use_i18n();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return None;
    };
    let span = (last.0 - first.0).num_seconds().max(60) as f64;
    let peak = scale(points);
    let x = |t: chrono::DateTime<chrono::Utc>| W * (t - first.0).num_seconds() as f64 / span;
    let y = |n: i64| H - H * n as f64 / peak as f64;
    let mut path = format!("M0,{:.1}", y(first.1));
    for w in points.windows(2) {
        path.push_str(&format!(" H{:.1} V{:.1}", x(w[1].0), y(w[1].1)));
    }
    path.push_str(&format!(" H{W:.1}"));
    let label = |t: chrono::DateTime<chrono::Utc>| crate::components::labels::hour_minute(t);
    let (start, end) = (label(first.0), label(last.0));
    // An attribute: filled in by hand (the catalogue's single braces are literal).
    let chart_label = move || {
        t_string!(i18n, report_chart_label)
            .replace("{start}", &start)
            .replace("{end}", &end)
            .replace("{peak}", &peak.to_string())
    };
    Some(view! {
        <figure class="online-chart" id="report-online">
            <svg viewBox=format!("0 0 {W} {H}") preserveAspectRatio="none" role="img" aria-label=chart_label>
                <path d=path fill="none" stroke="currentColor" stroke-width="2" vector-effect="non-scaling-stroke" />
            </svg>
            <figcaption class="muted">
                <span>{label(first.0)}</span>
                <span>{t!(i18n, report_chart_max, n = move || peak)}</span>
                <span>{label(last.0)}</span>
            </figcaption>
        </figure>
    })
}

#[component]
fn Dashboard(exam: ExamId, r: ExamReport) -> impl IntoView {
    let i18n = use_i18n();
    let phases = r.phases.iter().map(|(p, n)| (phase_label(i18n, *p).into_any(), *n)).collect();
    let verification =
        r.verification.iter().map(|(v, n)| (verification_label(i18n, *v).into_any(), *n)).collect();
    let flags: Vec<(AnyView, i64)> =
        r.flags.iter().map(|(k, n)| (flag_text(i18n, *k).into_any(), *n)).collect();
    let no_flags = flags.is_empty();
    let link = |what: &str| format!("/api/admin/exams/{}/{what}", exam.0);
    view! {
        <div class="stat-row">
            <div class="stat"><strong id="stat-candidates">{r.candidates}</strong><span>{tr!(i18n, report_candidates)}</span></div>
            <div class="stat"><strong>{r.open_flags}</strong><span>{tr!(i18n, report_open_flags)}</span></div>
            <div class="stat"><strong>{r.messages}</strong><span>{tr!(i18n, report_messages)}</span></div>
            <div class="stat"><strong>{r.warnings}</strong><span>{tr!(i18n, report_warnings)}</span></div>
        </div>
        <div class="report-grid">
            <section class="card"><h2>{tr!(i18n, report_phases)}</h2>{bars("report-phases", phases)}</section>
            <section class="card"><h2>{tr!(i18n, report_verification)}</h2>{bars("report-verification", verification)}</section>
            <section class="card"><h2>{tr!(i18n, report_online)}</h2>
                {if r.online.is_empty() { view! { <p class="muted">{tr!(i18n, report_no_online)}</p> }.into_any() } else { online_chart(&r.online).into_any() }}
            </section>
            <section class="card"><h2>{tr!(i18n, report_flags)}</h2>
                {if no_flags { view! { <p class="muted">{tr!(i18n, report_no_flags)}</p> }.into_any() } else { bars("report-flags", flags).into_any() }}
            </section>
            <super::report_integrity::PrecisionCard precision=r.precision.clone() />
            <super::report_integrity::LowestScores exam lowest=r.lowest_scores.clone() />
            <section class="card exports"><h2>{tr!(i18n, report_exports)}</h2>
                <a class="button" id="export-answers-json" href=link("answers.json") download="">{tr!(i18n, report_answers_json)}</a>
                <a class="button" id="export-answers-csv" href=link("answers.csv") download="">{tr!(i18n, report_answers_csv)}</a>
                <a class="button" id="export-incidents" href=link("incidents.csv") download="">{tr!(i18n, report_incidents_csv)}</a>
                <a class="button" href=link("roster.csv") download="">{tr!(i18n, roster_export)}</a>
            </section>
        </div>
    }
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let exam = super::exam_param();
    let data = use_polled_every(move || load_exam_report(exam()), REFRESH_MS, || ());
    let ticket = RwSignal::new(String::new());
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = ticket.get_untracked();
        if !t.trim().is_empty() {
            crate::pages::go_to(&format!("/admin/exams/{}/candidates/{}", exam().0, t.trim()));
        }
    };
    view! {
        <section class="page">
            <AdminNav />
            <div class="page-head">
                <div>
                    <h1>{tr!(i18n, report_title)}</h1>
                    <p class="muted">{tr!(i18n, report_intro)}</p>
                </div>
                <form class="row" on:submit=open>
                    <input type="text" class="small-input" id="report-ticket" placeholder=move || t_string!(i18n, roster_col_ticket).to_string()
                        prop:value=move || ticket.get() on:input=move |ev| ticket.set(event_target_value(&ev)) />
                    <button type="submit" id="report-open">{tr!(i18n, candidate_report_open)}</button>
                </form>
            </div>
            {move || data.get().map(|r| crate::pages::staff_view(r, |r| view! { <Dashboard exam=exam() r /> }.into_any()))}
        </section>
    }
}
