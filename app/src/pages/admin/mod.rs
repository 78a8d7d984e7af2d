//! The administrators' pages: exams and rosters, the roster import, the verification review
//! queue. Each shows [`AdminNav`] with the queue's length, polled every few seconds.
pub mod audit;
pub mod candidate_report;
pub mod exam_form;
mod exam_form_watch;
pub mod home;
pub mod paper;
pub mod report;
mod report_integrity;
pub mod review;
pub mod roster;
pub mod slips;
pub mod staff;
#[cfg(feature = "hydrate")]
mod upload;

use crate::api::admin::load_admin_status;
use crate::i18n::*;
use crate::pages::candidate_detail::use_polled_every;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// How often the queue's length is read again.
const QUEUE_POLL_MS: u64 = 3000;

/// The `:id` route parameter as an exam id (0, which matches nothing, when absent).
pub(crate) fn exam_param() -> impl Fn() -> domain::ExamId + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()))
            .map(domain::ExamId)
            .unwrap_or(domain::ExamId(0))
    }
}

/// The admin pages' navigation with the live length of the review queue.
#[component]
pub fn AdminNav() -> impl IntoView {
    let i18n = use_i18n();
    let status = use_polled_every(load_admin_status, QUEUE_POLL_MS, || ());
    let status = move || match status.get() {
        Some(Ok(s)) => s,
        _ => Default::default(),
    };
    let count = move || status().queue;
    view! {
        <nav class="admin-nav" aria-label=move || t_string!(i18n, nav_admin).to_string()>
            <A href="/admin" exact=true>{tr!(i18n, admin_nav_exams)}</A>
            <A href="/admin/review">
                {tr!(i18n, admin_nav_review)} " "
                <span class="badge" id="queue-length" data-count=count class:zero=move || count() == 0>
                    {count}
                </span>
                <span class="visually-hidden">{move || t!(i18n, admin_queue_count, count = count())}</span>
            </A>
            <A href="/admin/staff">{tr!(i18n, admin_nav_staff)}</A>
            <A href="/admin/audit">{tr!(i18n, admin_nav_audit)}</A>
            <span class="spacer"></span>
            <crate::pages::proctor_rooms::StaffLogoutButton />
        </nav>
        <Show when=move || status().disk_low>
            <p class="alert" role="alert" id="disk-low">
                {move || t!(i18n, admin_disk_low, mb = status().disk_free_bytes / (1024 * 1024))}
            </p>
        </Show>
    }
}
