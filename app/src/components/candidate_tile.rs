//! One candidate on the proctor grid: both camera views side by side, name, ticket, phase,
//! open camera flags, both views' presence and the time since each view's last heartbeat.
use super::camera_view::LiveView;
use super::device_report::DeviceReportPanel;
use super::labels::{flag_label, phase_label};
use crate::domain::{CandidateTile, RoomId, View, ViewPresence};
use crate::i18n::*;
use crate::live::frames_feed::FramesFeed;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// Presence of one view as a small labelled dot.
#[component]
fn ViewDot(
    label: AnyView,
    presence: Signal<ViewPresence>,
    now: Signal<DateTime<Utc>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let online = move || presence.get().online;
    let age = move || presence.get().seconds_since(now.get());
    view! {
        <span class="view" class:online=online data-online=move || online().to_string()>
            <span class="dot" aria-hidden="true"></span>
            <span class="view-name">{label}</span>
            <span class="view-state">
                {move || if online() { t!(i18n, online).into_any() } else { t!(i18n, offline).into_any() }}
            </span>
            <span class="view-age">
                {move || match age() {
                    Some(secs) => t!(i18n, seen_ago, secs = move || secs).into_any(),
                    None => t!(i18n, never_seen).into_any(),
                }}
            </span>
        </span>
    }
}

/// Both camera views of a candidate, side by side (`large` on the detail page).
#[component]
pub fn CameraPair(
    tile: Signal<CandidateTile>,
    frames: FramesFeed,
    now: Signal<DateTime<Utc>>,
    #[prop(optional)] large: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = tile.with_untracked(|t| t.id);
    let now_ms = Signal::derive(move || now.get().timestamp_millis());
    let stale =
        Signal::derive(move || frames.settings.with(|s| s.unwrap_or_default().stale_after_ms()));
    view! {
        <div class="cams" class:large=large>
            <LiveView label=t!(i18n, view_pc).into_any() frame=frames.frame(id, View::Pc)
                online=Signal::derive(move || tile.with(|t| t.pc.online)) now_ms stale_after_ms=stale large />
            <LiveView label=t!(i18n, view_phone).into_any() frame=frames.frame(id, View::Phone)
                online=Signal::derive(move || tile.with(|t| t.phone.online)) now_ms stale_after_ms=stale large />
        </div>
    }
    .into_any()
}

/// A candidate tile. `now` is the server-aligned clock, ticking every second.
#[component]
pub fn CandidateTileView(
    tile: Signal<CandidateTile>,
    now: Signal<DateTime<Utc>>,
    frames: FramesFeed,
    room: RoomId,
) -> impl IntoView {
    let i18n = use_i18n();
    let href = move || format!("/proctor/rooms/{room}/candidates/{}", tile.with(|t| t.id.0));
    let name = move || tile.with(|t| t.name.clone());
    let any_online = move || tile.with(|t| t.pc.online || t.phone.online);
    let flagged = move || tile.with(|t| t.verification.needs_attention());
    let open_report = RwSignal::new(false);
    view! {
        <article
            class="tile"
            class:offline=move || !any_online()
            aria-label=name
            data-candidate=move || tile.with(|t| t.id.to_string())
        >
            <CameraPair tile frames now />
            <header class="tile-head">
                <h3 class="tile-name"><a href=href class="tile-link">{name}</a></h3>
                <span class="tile-ticket">{move || tile.with(|t| t.ticket.clone())}</span>
            </header>
            <p class="tile-phase" data-phase=move || tile.with(|t| t.phase.as_str())>
                {move || phase_label(i18n, tile.with(|t| t.phase))}
            </p>
            <Show when=flagged>
                <p class="tile-flag">{t!(i18n, verification_flag)}</p>
            </Show>
            {move || tile.with(|t| t.flags.clone()).into_iter().map(|k| view! {
                <p class="tile-flag camera-flag" data-flag=k.as_str()>{flag_label(i18n, k)}</p>
            }).collect_view()}
            {move || tile.with(|t| t.device_check).map(|ok| view! {
                <button class="tile-devices link" class:failed=!ok data-devices=if ok { "passed" } else { "failed" }
                    aria-expanded=move || open_report.get().to_string()
                    on:click=move |_| open_report.update(|o| *o = !*o)>
                    {if ok { t!(i18n, tile_devices_ok).into_any() } else { t!(i18n, tile_devices_failed).into_any() }}
                </button>
            })}
            <Show when=move || open_report.get()>
                <DeviceReportPanel candidate=tile.with_untracked(|t| t.id) />
            </Show>
            <div class="tile-views">
                <ViewDot
                    label=t!(i18n, view_pc).into_any()
                    presence=Signal::derive(move || tile.with(|t| t.pc))
                    now
                />
                <ViewDot
                    label=t!(i18n, view_phone).into_any()
                    presence=Signal::derive(move || tile.with(|t| t.phone))
                    now
                />
            </div>
        </article>
    }
}
