//! `/admin/exams/:id/slips`: every candidate's admission slip (exam, start, where to sign in,
//! ticket, name, room and access code), printable, one card per candidate.
use super::{AdminNav, exam_param};
use crate::api::admin::load_admission_slips;
use crate::i18n::*;
use domain::report::{AdmissionSlip, AdmissionSlips};
use domain::signin::SignInMode;
use leptos::prelude::*;

#[component]
pub fn SlipsPage() -> impl IntoView {
    let i18n = use_i18n();
    let exam = exam_param();
    let slips = LocalResource::new(move || load_admission_slips(exam()));
    view! {
        <section class="page">
            <AdminNav />
            <div class="page-head no-print">
                <div>
                    <h1>{tr!(i18n, slips_title)}</h1>
                    <p class="muted">{tr!(i18n, slips_intro)}</p>
                </div>
                <button class="button" on:click=|_| crate::pages::print_page()>{tr!(i18n, candidate_report_print)}</button>
            </div>
            <Suspense fallback=move || view! { <p class="muted">{tr!(i18n, loading)}</p> }>
                {move || slips.get().map(|r| crate::pages::staff_view(r, |s| view! { <Slips s /> }.into_any()))}
            </Suspense>
        </section>
    }
}

#[component]
fn Slips(s: AdmissionSlips) -> impl IntoView {
    let i18n = use_i18n();
    let starts = s.starts_at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string();
    let mode = s.sign_in;
    let head = move || {
        view! {
            <p class="slip-exam"><strong>{s.exam_title.clone()}</strong> " · " {s.exam_code.clone()}</p>
            <p>{tr!(i18n, slip_starts)} ": " {starts.clone()}</p>
            <p>{tr!(i18n, slip_sign_in_at)} ": " <span class="slip-url">{s.url.clone()}</span></p>
        }
    };
    view! {
        <div class="slips" id="slips">
            {s.slips.into_iter().map(|slip| view! { <Slip slip mode head=head.clone()() /> }).collect_view()}
        </div>
    }
}

#[component]
fn Slip(slip: AdmissionSlip, mode: SignInMode, head: impl IntoView + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let code = (mode == SignInMode::TicketAccessCode).then(|| {
        view! {
            <dt>{tr!(i18n, slip_access_code)}</dt>
            <dd class="slip-code">{slip.access_code.clone()}</dd>
        }
    });
    view! {
        <article class="card slip" data-ticket=slip.ticket.clone()>
            {head}
            <dl>
                <dt>{tr!(i18n, slip_ticket)}</dt><dd class="slip-ticket">{slip.ticket.clone()}</dd>
                <dt>{tr!(i18n, slip_name)}</dt><dd>{slip.name.clone()}</dd>
                <dt>{tr!(i18n, slip_room)}</dt><dd>{slip.room.clone()}</dd>
                {code}
            </dl>
        </article>
    }
}
