//! `/proctor`: the rooms the staff member may watch.
use crate::api::auth::StaffLogout;
use crate::api::rooms::my_rooms;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

/// Logs the staff member out and returns to the sign-in page.
#[component]
pub fn StaffLogoutButton() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<StaffLogout>::new();
    Effect::new(move |_| {
        if action.value().get().is_some() {
            super::go_to("/staff/login");
        }
    });
    view! {
        <button class="ghost" id="logout" on:click=move |_| { action.dispatch(StaffLogout {}); }>
            {tr!(i18n, nav_logout)}
        </button>
    }
}

#[component]
pub fn ProctorRoomsPage() -> impl IntoView {
    let i18n = use_i18n();
    let rooms = Resource::new(|| (), |_| my_rooms());
    view! {
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>{tr!(i18n, rooms_title)}</h1>
                    <p class="muted">{tr!(i18n, rooms_intro)}</p>
                </div>
                <StaffLogoutButton />
            </div>
            <Suspense fallback=move || view! { <p class="muted">{tr!(i18n, loading)}</p> }>
                {move || rooms.get().map(|r| super::staff_view(r, |list| if list.is_empty() {
                    view! { <p class="muted">{tr!(i18n, rooms_empty)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="room-list">
                            {list.into_iter().map(|room| {
                                let count = room.candidates;
                                view! {
                                    <li class="room-card">
                                        <div>
                                            <p class="room-exam">{room.exam_code.clone()} " · " {room.exam_title.clone()}</p>
                                            <h2>{room.name.clone()}</h2>
                                            <p class="muted">{t!(i18n, room_candidates, count = move || count)}</p>
                                        </div>
                                        <A href=format!("/proctor/rooms/{}", room.id) attr:class="button primary">
                                            {tr!(i18n, open_room)}
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
