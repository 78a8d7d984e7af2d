//! `/admin`: every exam with its rooms, linking to the roster.
use super::AdminNav;
use crate::api::admin::all_rooms;
use crate::domain::{ExamId, RoomSummary};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

/// Rooms grouped by exam, in the order first seen.
fn by_exam(rooms: Vec<RoomSummary>) -> Vec<(ExamId, String, String, Vec<RoomSummary>)> {
    let mut out: Vec<(ExamId, String, String, Vec<RoomSummary>)> = Vec::new();
    for r in rooms {
        match out.iter_mut().find(|e| e.0 == r.exam_id) {
            Some(e) => e.3.push(r),
            None => out.push((r.exam_id, r.exam_code.clone(), r.exam_title.clone(), vec![r])),
        }
    }
    out
}

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let rooms = Resource::new(|| (), |_| all_rooms());
    view! {
        <section class="page">
            <AdminNav />
            <div class="page-head">
                <div>
                    <h1>{t!(i18n, admin_title)}</h1>
                    <p class="muted">{t!(i18n, admin_intro)}</p>
                </div>
            </div>
            <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || rooms.get().map(|r| crate::pages::staff_view(r, |list| {
                    let exams = by_exam(list);
                    if exams.is_empty() {
                        return view! { <p class="muted">{t!(i18n, admin_exam_empty)}</p> }.into_any();
                    }
                    view! {
                        <ul class="room-list">
                            {exams.into_iter().map(|(id, code, title, rooms)| {
                                let total: i64 = rooms.iter().map(|r| r.candidates).sum();
                                view! {
                                    <li class="room-card exam-card">
                                        <div>
                                            <p class="room-exam">{code}</p>
                                            <h2>{title}</h2>
                                            <p class="muted">{t!(i18n, room_candidates, count = move || total)}</p>
                                            <p class="muted">{t!(i18n, admin_exam_rooms)} ": "
                                                {rooms.iter().map(|r| format!("{} ({})", r.name, r.candidates)).collect::<Vec<_>>().join(" · ")}
                                            </p>
                                        </div>
                                        <A href=format!("/admin/exams/{}/roster", id.0) attr:class="button primary">
                                            {t!(i18n, admin_roster_link)}
                                        </A>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }))}
            </Suspense>
        </section>
    }
}
