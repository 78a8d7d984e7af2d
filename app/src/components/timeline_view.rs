//! A candidate's timeline: a time strip over the exam (one lane each for steps, connection,
//! flags and messages; a mark per entry) and the list of entries below it, flags with their
//! evidence frames and messages with delivered / read.
use super::labels::{clock_time, flag_text, phase_label, view_text};
use crate::i18n::*;
use chrono::{DateTime, Utc};
use domain::console::{Audience, BrowserEvent, CandidateEvent, Delivery, MessageKind, Prompt};
use domain::flag::FlagResolution;
use domain::timeline::{Entry, Lane, Timeline, strip_percent};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// Most evidence pictures shown inline per flag (the rest are on the evidence strip).
const MAX_THUMBS: usize = 8;

/// A staff actor as shown ("staff:proctor1" → "proctor1").
fn who(actor: &str) -> String {
    actor.strip_prefix("staff:").unwrap_or(actor).to_string()
}

fn lane_label(i18n: I18nContext<Locale>, lane: Lane) -> AnyView {
    match lane {
        Lane::Progress => tr!(i18n, lane_progress).into_any(),
        Lane::Connection => tr!(i18n, lane_connection).into_any(),
        Lane::Flags => tr!(i18n, lane_flags).into_any(),
        Lane::Messages => tr!(i18n, lane_messages).into_any(),
    }
}

/// A CSS class for an entry's mark and list line.
fn kind_class(e: &Entry) -> &'static str {
    match e {
        Entry::Phase(_) => "tl-phase",
        Entry::Event { event: CandidateEvent::Offline { .. }, .. } => "tl-offline",
        Entry::Event { event: CandidateEvent::Browser { what }, .. } if what.leaves_page() => {
            "tl-left"
        }
        Entry::Event { .. } => "tl-event",
        Entry::Flag { .. } => "tl-flag",
        Entry::Message(m) if m.kind == MessageKind::Warning => "tl-warning",
        Entry::Message(_) => "tl-message",
        Entry::Hand(_) => "tl-hand",
    }
}

/// What happened, in words.
fn describe(i18n: I18nContext<Locale>, e: &Entry) -> AnyView {
    match e {
        Entry::Phase(p) => view! {
            {phase_label(i18n, p.to)}
            {(p.actor != "candidate").then(|| view! { <span class="muted">" · " {t!(i18n, tl_by, who = who(&p.actor))}</span> })}
        }
        .into_any(),
        Entry::Event { event, .. } => match *event {
            CandidateEvent::Login => tr!(i18n, tl_login).into_any(),
            CandidateEvent::Online { view } => t!(i18n, tl_online, view = view_text(i18n, view)).into_any(),
            CandidateEvent::Offline { view } => t!(i18n, tl_offline, view = view_text(i18n, view)).into_any(),
            CandidateEvent::Browser { what: BrowserEvent::WindowBlur } => tr!(i18n, tl_blur).into_any(),
            CandidateEvent::Browser { what: BrowserEvent::WindowFocus } => tr!(i18n, tl_focus).into_any(),
            CandidateEvent::Browser { what: BrowserEvent::FullscreenExit } => tr!(i18n, tl_fs_exit).into_any(),
            CandidateEvent::Browser { what: BrowserEvent::FullscreenEnter } => tr!(i18n, tl_fs_enter).into_any(),
            CandidateEvent::TimeAdded { minutes, .. } => t!(i18n, tl_time_added, n = minutes).into_any(),
            CandidateEvent::SessionReplaced { view } => t!(i18n, tl_session_replaced, view = view_text(i18n, view)).into_any(),
            CandidateEvent::Prompted { what: Prompt::FaceNotSeen } => tr!(i18n, tl_prompted_face).into_any(),
        },
        Entry::Flag { flag, evidence } => {
            let kind = flag_text(i18n, flag.kind);
            let closed = flag.resolution.map(|r| match r {
                FlagResolution::Resolved => tr!(i18n, flag_resolved).into_any(),
                FlagResolution::Dismissed => tr!(i18n, flag_dismissed).into_any(),
            });
            view! {
                <span class="tl-flag-name" data-flag=flag.kind.as_str()>{t!(i18n, tl_flag, kind = kind.clone())}</span>
                {flag.automatic.then(|| view! { " " <span class="chip">{tr!(i18n, flag_automatic)}</span> })}
                {flag.raised_by.as_deref().map(|by| view! { <span class="muted">" · " {t!(i18n, tl_by, who = who(by))}</span> })}
                {flag.note.clone().map(|n| view! { <q class="tl-note">{n}</q> })}
                {closed.map(|c| view! { " " <span class="chip">{c}</span> })}
                {flag.resolution_note.clone().map(|n| view! { <q class="tl-note">{n}</q> })}
                {(!evidence.is_empty()).then(|| view! {
                    <span class="tl-evidence" aria-label=move || t_string!(i18n, tl_evidence).to_string()>
                        {evidence.iter().take(MAX_THUMBS).map(|id| view! {
                            <a href=format!("/media/evidence/{id}") target="_blank" rel="noopener">
                                <img loading="lazy" src=format!("/media/evidence/{id}") alt="" />
                            </a>
                        }).collect_view()}
                        {(evidence.len() > MAX_THUMBS).then(|| view! {
                            <span class="chip">{format!("+{}", evidence.len() - MAX_THUMBS)}</span>
                        })}
                    </span>
                })}
            }
            .into_any()
        }
        Entry::Message(m) => {
            let who = m.sent_by.clone();
            let head = match (m.kind, m.audience) {
                (MessageKind::Warning, _) => t!(i18n, tl_warning, who = who.clone()).into_any(),
                (_, Audience::Candidate) => t!(i18n, tl_message, who = who.clone()).into_any(),
                _ => t!(i18n, tl_broadcast, who = who.clone()).into_any(),
            };
            let delivery = m.delivery();
            let state = match delivery {
                Delivery::Sent => tr!(i18n, delivery_sent).into_any(),
                Delivery::Delivered => tr!(i18n, delivery_delivered).into_any(),
                Delivery::Read => tr!(i18n, delivery_read).into_any(),
            };
            let state_name = match delivery {
                Delivery::Sent => "sent",
                Delivery::Delivered => "delivered",
                Delivery::Read => "read",
            };
            view! {
                {head} <q class="tl-note">{m.body.clone()}</q>
                <span class="chip delivery" data-delivery=state_name data-message=m.id>{state}</span>
            }
            .into_any()
        }
        Entry::Hand(h) => view! {
            {tr!(i18n, tl_hand)}
            {h.answered_by.as_deref().map(|by| view! { <span class="muted">" · " {t!(i18n, tl_hand_answered, who = who(by))}</span> })}
        }
        .into_any(),
    }
}

#[component]
pub fn TimelineView(timeline: Timeline) -> impl IntoView {
    let i18n = use_i18n();
    let (from, to) = (timeline.from, timeline.to);
    let pct = move |t: DateTime<Utc>| format!("{:.2}%", strip_percent(t, from, to));
    let lanes = Lane::ALL.into_iter().map(|lane| {
        let marks = timeline
            .entries
            .iter()
            .filter(|e| e.lane() == lane)
            .map(|e| {
                let title = clock_time(e.at());
                view! { <span class=format!("mark {}", kind_class(e)) style:left=pct(e.at()) title=title></span> }
            })
            .collect_view();
        view! {
            <div class="lane" data-lane=lane.as_str()>
                <span class="lane-name">{lane_label(i18n, lane)}</span>
                <div class="lane-track">
                    <span class="bound start" style:left=pct(timeline.starts_at)></span>
                    <span class="bound end" style:left=pct(timeline.deadline)></span>
                    {marks}
                </div>
            </div>
        }
    });
    let empty = timeline.entries.is_empty();
    let items = timeline.entries.iter().rev().map(|e| {
        view! {
            <li class=kind_class(e)>
                <time>{clock_time(e.at())}</time>
                <span class="tl-what">{describe(i18n, e)}</span>
            </li>
        }
    });
    view! {
        <section class="timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{tr!(i18n, timeline_title)}</h2>
            <div class="strip">
                {lanes.collect_view()}
                <div class="strip-axis">
                    <span>{clock_time(from)}</span>
                    <span>{clock_time(to)}</span>
                </div>
            </div>
            {empty.then(|| view! { <p class="muted">{tr!(i18n, timeline_empty)}</p> })}
            <ol class="timeline-list">{items.collect_view()}</ol>
        </section>
    }
}
