//! `/admin/exams/:id/candidates/:ticket`: one candidate's printable report — identity,
//! verification (roster photo beside every captured photo, with scores), device report,
//! and the timeline (steps, connections, flags with their evidence frames, messages and
//! warnings, extra time, the submission: self, auto or forced, and by whom).
use super::AdminNav;
use crate::api::admin::find_candidate;
use crate::api::console::{candidate_timeline, candidate_verification};
use crate::components::device_report::DeviceReportPanel;
use crate::components::integrity_view::IntegrityView;
use crate::components::labels::{phase_label, verification_label};
use crate::components::timeline_view::TimelineView;
use crate::components::verification_view::VerificationView;
use crate::i18n::*;
use domain::Candidate;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
fn Report(c: Candidate, exam_code: String, room: String) -> impl IntoView {
    let i18n = use_i18n();
    let id = c.id;
    let verification = LocalResource::new(move || candidate_verification(id));
    let timeline = LocalResource::new(move || candidate_timeline(id));
    view! {
        <article class="card candidate-report" id="candidate-report">
            <div class="report-head">
                <div>
                    <h1>{c.name.clone()}</h1>
                    <p class="muted">{t!(i18n, review_where, exam = exam_code.clone(), room = room.clone())}</p>
                </div>
                <button class="ghost no-print" on:click=|_| crate::pages::print_page()>{tr!(i18n, candidate_report_print)}</button>
            </div>
            <dl class="facts">
                <dt>{tr!(i18n, roster_col_ticket)}</dt><dd>{c.ticket.to_string()}</dd>
                <dt>{tr!(i18n, roster_col_id_card)}</dt><dd><code>{c.id_card.clone()}</code></dd>
                <dt>{tr!(i18n, candidate_report_phase)}</dt><dd id="report-phase">{phase_label(i18n, c.phase)}</dd>
                <dt>{tr!(i18n, verification_title)}</dt><dd>{verification_label(i18n, c.verification)}</dd>
            </dl>
            <Suspense fallback=|| ()>
                {move || verification.get().and_then(Result::ok).map(|v| view! { <VerificationView candidate=id v /> })}
            </Suspense>
            <DeviceReportPanel candidate=id />
            <Suspense fallback=|| ()>
                {move || timeline.get().and_then(Result::ok).map(|mut timeline| {
                    let integrity = timeline.integrity.take();
                    view! {
                        {integrity.map(|integrity| view! { <IntegrityView integrity /> })}
                        <TimelineView timeline />
                    }
                })}
            </Suspense>
        </article>
    }
}

#[component]
pub fn CandidateReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let exam = super::exam_param();
    let ticket = move || params.with(|p| p.get("ticket").unwrap_or_default());
    let found = LocalResource::new(move || find_candidate(exam(), ticket()));
    view! {
        <section class="page">
            <div class="no-print"><AdminNav /></div>
            <Suspense fallback=move || view! { <p class="muted">{tr!(i18n, loading)}</p> }>
                {move || found.get().map(|r| crate::pages::staff_view(r, |(c, code, room)| view! { <Report c exam_code=code room /> }.into_any()))}
            </Suspense>
        </section>
    }
}
