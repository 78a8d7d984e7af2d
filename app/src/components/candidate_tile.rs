//! One candidate on the proctor grid: both camera views side by side, name, ticket, phase,
//! verification, a raised hand, open flags (count, most severe, latest), answered questions,
//! time left, warnings, unread messages, the device check (with its report in a drawer) and
//! both views' presence.
use super::camera_view::LiveView;
use super::device_report::DeviceReportPanel;
use super::labels::{clock, flag_text, phase_label, verification_label};
use crate::i18n::*;
use crate::live::frames_feed::FramesFeed;
use chrono::{DateTime, Utc};
use domain::flag::summarise;
use domain::grid::attention_rank;
use domain::{CandidateTile, Phase, RoomId, View, ViewPresence};
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
                {move || if online() { tr!(i18n, online).into_any() } else { tr!(i18n, offline).into_any() }}
            </span>
            <span class="view-age">
                {move || match age() {
                    Some(secs) => t!(i18n, seen_ago, secs = move || secs).into_any(),
                    None => tr!(i18n, never_seen).into_any(),
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
            <LiveView label=tr!(i18n, view_pc).into_any() frame=frames.frame(id, View::Pc)
                online=Signal::derive(move || tile.with(|t| t.pc.online)) now_ms stale_after_ms=stale large />
            <LiveView label=tr!(i18n, view_phone).into_any() frame=frames.frame(id, View::Phone)
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
    let open_report = RwSignal::new(false);
    let summary = move || tile.with(|t| summarise(&t.flags));
    let time_left = move || {
        tile.with(|t| (t.phase == Phase::InExam).then_some(t.deadline).flatten())
            .map(|d| clock((d - now.get()).num_seconds()))
    };
    view! {
        <article
            class="tile"
            class:offline=move || !any_online()
            class:attention=move || tile.with(|t| attention_rank(t) == 0)
            class:drawer-open=move || open_report.get()
            tabindex="0"
            aria-label=name
            data-candidate=move || tile.with(|t| t.id.to_string())
            data-integrity=move || tile.with(|t| t.integrity)
            data-href=href
        >
            <CameraPair tile frames now />
            <header class="tile-head">
                <h3 class="tile-name"><a href=href class="tile-link" tabindex="-1">{name}</a></h3>
                <span class="tile-ticket">{move || tile.with(|t| t.ticket.clone())}</span>
            </header>
            <p class="tile-status">
                <span class="tile-phase" data-phase=move || tile.with(|t| t.phase.as_str())>
                    {move || phase_label(i18n, tile.with(|t| t.phase))}
                </span>
                <span class="chip verification" data-verification=move || tile.with(|t| t.verification.as_str())>
                    {move || verification_label(i18n, tile.with(|t| t.verification))}
                </span>
            </p>
            <Show when=move || tile.with(|t| t.hand_raised)>
                <p class="tile-hand" role="status">{tr!(i18n, tile_hand)}</p>
            </Show>
            {move || summary().map(|s| {
                let worst = flag_text(i18n, s.worst);
                let latest = flag_text(i18n, s.latest);
                let count = s.count;
                view! {
                    <p class="tile-flag" data-flag=s.worst.as_str() data-count=count
                        data-severity=s.worst.severity().as_str()>
                        {if count == 1 {
                            t!(i18n, tile_flag_one, worst = worst.clone()).into_any()
                        } else {
                            t!(i18n, tile_flags, count = count, worst = worst.clone()).into_any()
                        }}
                        {(count > 1).then(|| view! { <span class="muted">" · " {t!(i18n, tile_latest, latest = latest.clone())}</span> })}
                    </p>
                }
            })}
            <p class="tile-facts">
                {move || tile.with(|t| t.integrity).lt(&100).then(|| view! {
                    <span class="tile-integrity" data-score=move || tile.with(|t| t.integrity)>
                        {t!(i18n, tile_integrity, score = move || tile.with(|t| t.integrity))}
                    </span>
                })}
                <span class="tile-answered">{move || t!(i18n, tile_answered, n = tile.with(|t| t.answered))}</span>
                {move || time_left().map(|time| view! { <span class="tile-left">{t!(i18n, tile_time_left, time = time.clone())}</span> })}
                {move || tile.with(|t| t.extra_minutes).gt(&0).then(|| view! {
                    <span class="tile-extra">{t!(i18n, tile_extra, n = tile.with(|t| t.extra_minutes))}</span>
                })}
                {move || tile.with(|t| t.warnings).gt(&0).then(|| view! {
                    <span class="tile-warnings">{t!(i18n, tile_warnings, n = tile.with(|t| t.warnings))}</span>
                })}
                {move || tile.with(|t| t.unread).gt(&0).then(|| view! {
                    <span class="tile-unread">{t!(i18n, tile_unread, n = tile.with(|t| t.unread))}</span>
                })}
            </p>
            {move || tile.with(|t| t.device_check).map(|ok| view! {
                <button class="tile-devices link" class:failed=!ok data-devices=if ok { "passed" } else { "failed" }
                    aria-expanded=move || open_report.get().to_string()
                    on:click=move |_| open_report.update(|o| *o = !*o)>
                    {if ok { "✓ " } else { "⚠ " }}
                    {if ok { tr!(i18n, tile_devices_ok).into_any() } else { tr!(i18n, tile_devices_failed).into_any() }}
                </button>
            })}
            <Show when=move || open_report.get()>
                <aside class="drawer" role="dialog" aria-label=move || t_string!(i18n, tile_report_title).to_string()>
                    <header class="drawer-head">
                        <h2>{tr!(i18n, tile_report_title)} " · " {name}</h2>
                        <button class="ghost" on:click=move |_| open_report.set(false)>{tr!(i18n, tile_report_close)}</button>
                    </header>
                    <DeviceReportPanel candidate=tile.with_untracked(|t| t.id) />
                </aside>
            </Show>
            <div class="tile-views">
                <ViewDot
                    label=tr!(i18n, view_pc).into_any()
                    presence=Signal::derive(move || tile.with(|t| t.pc))
                    now
                />
                <ViewDot
                    label=tr!(i18n, view_phone).into_any()
                    presence=Signal::derive(move || tile.with(|t| t.phone))
                    now
                />
            </div>
        </article>
    }
    .into_any()
}
