//! `/admin`: every exam with its rooms, linking to its settings and roster; archive/restore.
use super::AdminNav;
use crate::api::admin::{ArchiveExam, exams};
use crate::i18n::*;
use chrono::Local;
use domain::exam_settings::ExamSummary;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
fn ExamCard(e: ExamSummary, archive: ServerAction<ArchiveExam>) -> impl IntoView {
    let i18n = use_i18n();
    let (id, archived, total, minutes) = (e.id, e.archived, e.candidates, e.duration_min);
    let when = e.starts_at.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string();
    let rooms =
        e.rooms.iter().map(|r| format!("{} ({})", r.1, r.2)).collect::<Vec<_>>().join(" · ");
    view! {
        <li class="room-card exam-card" class:archived=archived data-exam=e.code.clone()>
            <div>
                <p class="room-exam">{e.code.clone()} {archived.then(|| view! { " · " {tr!(i18n, exam_archived)} })}</p>
                <h2>{e.title.clone()}</h2>
                <p class="muted">{t!(i18n, exam_starts, when = when.clone(), minutes = minutes)}</p>
                <p class="muted">{t!(i18n, room_candidates, count = move || total)}
                    {(!rooms.is_empty()).then(|| view! { " · " {tr!(i18n, admin_exam_rooms)} ": " {rooms.clone()} })}
                </p>
            </div>
            <div class="row">
                <A href=format!("/admin/exams/{}/settings", id.0) attr:class="button">{tr!(i18n, exam_settings_link)}</A>
                <A href=format!("/admin/exams/{}/paper", id.0) attr:class="button">{tr!(i18n, paper_link)}</A>
                <A href=format!("/admin/exams/{}/report", id.0) attr:class="button">{tr!(i18n, report_link)}</A>
                <A href=format!("/admin/exams/{}/roster", id.0) attr:class="button primary">{tr!(i18n, admin_roster_link)}</A>
                <button class="ghost" on:click=move |_| { archive.dispatch(ArchiveExam { exam: id, archived: !archived }); }>
                    {if archived { tr!(i18n, exam_unarchive).into_any() } else { tr!(i18n, exam_archive).into_any() }}
                </button>
            </div>
        </li>
    }
}

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let archive = ServerAction::<ArchiveExam>::new();
    let list = Resource::new(move || archive.version().get(), |_| exams());
    view! {
        <section class="page">
            <AdminNav />
            <div class="page-head">
                <div>
                    <h1>{tr!(i18n, admin_title)}</h1>
                    <p class="muted">{tr!(i18n, admin_intro)}</p>
                </div>
                <A href="/admin/exams/new" attr:class="button primary" attr:id="exam-new">{tr!(i18n, exam_new)}</A>
            </div>
            <Suspense fallback=move || view! { <p class="muted">{tr!(i18n, loading)}</p> }>
                {move || list.get().map(|r| crate::pages::staff_view(r, |list| {
                    if list.is_empty() {
                        return view! { <p class="muted">{tr!(i18n, admin_exam_empty)}</p> }.into_any();
                    }
                    view! {
                        <ul class="room-list">
                            {list.into_iter().map(|e| view! { <ExamCard e archive /> }).collect_view()}
                        </ul>
                    }.into_any()
                }))}
            </Suspense>
        </section>
    }
}
