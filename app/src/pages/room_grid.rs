//! `/proctor/rooms/:id`: the live grid of a room's candidates, with counters by state (each a
//! filter), search, sort, tile density, keyboard navigation, live alerts and a broadcast.
use crate::api::auth::current_staff;
use crate::api::console::{broadcast, quick_messages};
use crate::api::rooms::room_info;
use crate::components::candidate_tile::CandidateTileView;
use crate::components::composer::Composer;
use crate::components::error_text::ErrorText;
use crate::components::labels::filter_label;
use crate::components::revoked::RevokedNotice;
use crate::i18n::*;
use crate::live::frames_feed::use_frames_feed;
use crate::live::proctor_feed::{FeedStatus, use_room_feed};
use domain::console::Audience;
use domain::grid::{SortBy, TileFilter, counters, matches_search, sort};
use domain::protocol::RevokeReason;
use domain::{AppError, ExamId, Role, RoomId};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

mod alerts;
mod keys;

#[component]
pub fn RoomGridPage() -> impl IntoView {
    let params = use_params_map();
    let room_id = move || params.read().get("id").and_then(|s| s.parse::<RoomId>().ok());
    let info = Resource::new(room_id, |id| async move {
        match id {
            Some(id) => {
                let room = room_info(id).await?;
                let admin = current_staff().await?.is_some_and(|u| u.role == Role::Admin);
                Ok((room, admin))
            }
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || info.get().map(|r| super::staff_view(r, |(room, admin)| view! {
                <LiveGrid room=room.id title=room.name exam=room.exam_code exam_id=room.exam_id admin />
            }.into_any()))}
        </Suspense>
    }
}

#[component]
fn LiveGrid(
    room: RoomId,
    title: String,
    exam: String,
    exam_id: ExamId,
    admin: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let feed = use_room_feed(room);
    let frames = use_frames_feed(room, None);
    let total = move || feed.order.with(Vec::len);
    let online = move || feed.online_count.get();
    let filter = RwSignal::new(TileFilter::All);
    let query = RwSignal::new(String::new());
    let sort_by = RwSignal::new(SortBy::Attention);
    let density = RwSignal::new(4u8);
    let all = Memo::new(move |_| feed.all());
    let shown = Memo::new(move |_| {
        let all = all.read();
        let mut list: Vec<_> = all
            .iter()
            .filter(|t| filter.get().matches(t) && query.with(|q| matches_search(t, q)))
            .collect();
        sort(&mut list, sort_by.get());
        list.iter().map(|t| t.id).collect::<Vec<_>>()
    });
    let counts = Memo::new(move |_| counters(&all.read().iter().collect::<Vec<_>>()));
    let no_match = move || total() > 0 && shown.with(Vec::is_empty);
    alerts::use_tab_title(feed, title.clone());
    let revoked = Memo::new(move |_| match feed.status.get() {
        FeedStatus::Revoked(r) => Some(r),
        _ => frames.revoked.get(),
    });
    let live_grid = move || {
        view! {
                <div class="page-head">
                    <div>
                        <p class="room-exam">{exam.clone()}</p>
                        <h1>{title.clone()}</h1>
                    </div>
                    <div class="grid-meta">
                        <span class="feed-status" data-status=move || feed.status.get().as_str()>
                            {move || match feed.status.get() {
                                FeedStatus::Connecting => tr!(i18n, grid_connecting).into_any(),
                                FeedStatus::Live => tr!(i18n, grid_live).into_any(),
                                FeedStatus::Reconnecting => tr!(i18n, grid_reconnecting).into_any(),
                                FeedStatus::Revoked(_) => tr!(i18n, grid_closed).into_any(),
                            }}
                        </span>
                        <span class="online-count">
                            {move || t!(i18n, grid_online_count, online = online, total = total)}
                        </span>
                    </div>
                </div>
                <nav class="counters" aria-label=move || t_string!(i18n, grid_counters_label).to_string()>
                    {move || counts.get().into_iter().filter(|(f, n)| *f == TileFilter::All || *n > 0).map(|(f, n)| view! {
                        <button class="counter" data-filter=f.as_str() aria-pressed=move || (filter.get() == f).to_string()
                            on:click=move |_| filter.set(if filter.get_untracked() == f { TileFilter::All } else { f })>
                            <strong>{n}</strong> " " {filter_label(i18n, f)}
                        </button>
                    }).collect_view()}
                </nav>
                <div class="grid-tools">
                    <input type="search" id="grid-search" placeholder=move || t_string!(i18n, grid_search).to_string()
                        aria-label=move || t_string!(i18n, grid_search).to_string()
                        on:input=move |ev| query.set(event_target_value(&ev)) />
                    <label>{tr!(i18n, grid_sort)} " "
                        <select id="grid-sort" on:change=move |ev| {
                            if let Some(s) = SortBy::parse(&event_target_value(&ev)) { sort_by.set(s) }
                        }>
                            <option value="attention">{tr!(i18n, sort_attention)}</option>
                            <option value="integrity">{tr!(i18n, sort_integrity)}</option>
                            <option value="ticket">{tr!(i18n, sort_ticket)}</option>
                            <option value="name">{tr!(i18n, sort_name)}</option>
                        </select>
                    </label>
                    <label>{tr!(i18n, grid_density)} " "
                        <select id="grid-density" on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse() { density.set(n) }
                        }>
                            {[2u8, 3, 4, 5, 6].into_iter().map(|n| view! { <option value=n selected=n == 4>{n}</option> }).collect_view()}
                        </select>
                    </label>
                    <Broadcast room exam_id admin />
                </div>
                <div class="grid-body">
                    <div>
                        <Show when=move || feed.status.get() == FeedStatus::Live && total() == 0>
                            <p class="muted">{tr!(i18n, grid_empty)}</p>
                        </Show>
                        <Show when=no_match>
                            <p class="muted" id="grid-no-match">{tr!(i18n, grid_no_match)}</p>
                        </Show>
                        <div class="grid" role="list" aria-label=move || t_string!(i18n, grid_label).to_string()
                            aria-describedby="grid-keys"
                            style=move || format!("--tiles-per-row: {}", density.get())
                            on:keydown=move |ev| keys::on_grid_key(&ev, density.get_untracked())>
                            <For each=move || shown.get() key=|id| *id let:id>
                                {feed.tile(id).map(|tile| view! {
                                    <div role="listitem">
                                        <CandidateTileView tile now=feed.now frames room />
                                    </div>
                                })}
                            </For>
                        </div>
                        <p class="muted small" id="grid-keys">{tr!(i18n, grid_keys)}</p>
                    </div>
                    <alerts::AlertList feed room />
                </div>
        }
    };
    view! {
        <section class="page wide">
            <Show when=move || revoked.get().is_none() fallback=move || view! {
                <RevokedNotice reason=revoked.get().unwrap_or(RevokeReason::SignedOut) sign_in="/staff/login" />
            }>
                {live_grid()}
            </Show>
        </section>
    }
}

/// "Message the room" (and, for admins, the whole exam): a composer in a drop-down panel.
#[component]
fn Broadcast(room: RoomId, exam_id: ExamId, admin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let whole_exam = RwSignal::new(false);
    let presets = Resource::new(|| (), move |_| quick_messages(room));
    let presets = Signal::derive(move || presets.get().and_then(Result::ok).flatten());
    let send = Action::new(move |body: &String| {
        let audience =
            if whole_exam.get_untracked() { Audience::Exam(exam_id) } else { Audience::Room(room) };
        let body = body.clone();
        async move { broadcast(audience, body).await }
    });
    let pending = send.pending();
    view! {
        <div class="broadcast">
            <button class="secondary" id="broadcast-open" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {tr!(i18n, broadcast_room)}
            </button>
            <Show when=move || open.get()>
                <div class="popover" role="dialog" aria-label=move || t_string!(i18n, broadcast_title).to_string()>
                    <h2>{tr!(i18n, broadcast_title)}</h2>
                    {admin.then(|| view! {
                        <label class="check"><input type="checkbox" id="broadcast-exam"
                            on:change=move |ev| whole_exam.set(event_target_checked(&ev)) />
                            " " {tr!(i18n, broadcast_exam)}</label>
                    })}
                    <Composer id="broadcast-text" presets
                        placeholder=Signal::derive(move || t_string!(i18n, message_placeholder).to_string())
                        button=Signal::derive(move || t_string!(i18n, console_send).to_string())
                        pending=pending.into()
                        on_send=Callback::new(move |body: String| { send.dispatch(body); }) />
                    {move || send.value().get().map(|r| match r {
                        Ok(n) => view! { <p class="ok" id="broadcast-result">{t!(i18n, broadcast_sent, n = n)}</p> }.into_any(),
                        Err(err) => view! { <ErrorText err /> }.into_any(),
                    })}
                </div>
            </Show>
        </div>
    }
}
