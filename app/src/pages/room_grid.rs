//! `/proctor/rooms/:id`: the live grid of a room's candidates.
use crate::api::rooms::room_info;
use crate::components::candidate_tile::CandidateTileView;
use crate::domain::{AppError, RoomId};
use crate::i18n::*;
use crate::live::frames_feed::use_frames_feed;
use crate::live::proctor_feed::{FeedStatus, use_room_feed};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RoomGridPage() -> impl IntoView {
    let params = use_params_map();
    let room_id = move || params.read().get("id").and_then(|s| s.parse::<RoomId>().ok());
    let info = Resource::new(room_id, |id| async move {
        match id {
            Some(id) => room_info(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || info.get().map(|r| super::staff_view(r, |room| view! {
                <LiveGrid room=room.id title=room.name exam=room.exam_code />
            }.into_any()))}
        </Suspense>
    }
}

#[component]
fn LiveGrid(room: RoomId, title: String, exam: String) -> impl IntoView {
    let i18n = use_i18n();
    let feed = use_room_feed(room);
    let frames = use_frames_feed(room, None);
    let total = move || feed.order.with(Vec::len);
    let online = move || feed.online_count.get();
    view! {
        <section class="page wide">
            <div class="page-head">
                <div>
                    <p class="room-exam">{exam}</p>
                    <h1>{title}</h1>
                </div>
                <div class="grid-meta">
                    <span class="feed-status" data-status=move || feed.status.get().as_str()>
                        {move || match feed.status.get() {
                            FeedStatus::Connecting => t!(i18n, grid_connecting).into_any(),
                            FeedStatus::Live => t!(i18n, grid_live).into_any(),
                            FeedStatus::Reconnecting => t!(i18n, grid_reconnecting).into_any(),
                        }}
                    </span>
                    <span class="online-count">
                        {move || t!(i18n, grid_online_count, online = online, total = total)}
                    </span>
                </div>
            </div>
            <Show when=move || feed.status.get() == FeedStatus::Live && total() == 0>
                <p class="muted">{t!(i18n, grid_empty)}</p>
            </Show>
            <div class="grid" role="list" aria-label=move || t_string!(i18n, grid_label).to_string()>
                <For each=move || feed.order.get() key=|id| *id let:id>
                    {feed.tile(id).map(|tile| view! {
                        <div role="listitem">
                            <CandidateTileView tile now=feed.now frames room />
                        </div>
                    })}
                </For>
            </div>
        </section>
    }
}
