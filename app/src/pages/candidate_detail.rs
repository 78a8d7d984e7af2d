//! `/proctor/rooms/:id/candidates/:cid`: one candidate close up. Both views large at the
//! focus rate (the candidate's pages switch to it while this page is open), the actions
//! (message, warn, flag, add time, force-submit) and open flags, the device report, the
//! timeline, the verification photos, evidence frames and recordings.
use crate::api::console::{candidate_timeline, candidate_verification, quick_messages};
use crate::api::proctor::{candidate_evidence, candidate_recordings};
use crate::api::rooms::room_info;
use crate::components::candidate_tile::CameraPair;
use crate::components::console_actions::ConsoleActions;
use crate::components::device_report::DeviceReportPanel;
use crate::components::error_text::ErrorText;
use crate::components::integrity_view::IntegrityView;
use crate::components::labels::{clock_time, phase_label, view_text};
use crate::components::revoked::RevokedNotice;
use crate::components::timeline_view::TimelineView;
use crate::components::verification_view::VerificationView;
use crate::i18n::*;
use crate::live::frames_feed::use_frames_feed;
use crate::live::proctor_feed::{FeedStatus, use_room_feed};
use domain::camera::{EvidenceFrame, EvidenceReason};
use domain::recording::Recording;
use domain::{AppError, CandidateId, RoomId, View};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// How often the evidence strip is reloaded while the page is open.
const EVIDENCE_REFRESH_MS: u64 = 15_000;
/// How often the timeline is reloaded (also on every change of the candidate's tile).
const TIMELINE_REFRESH_MS: u64 = 5_000;

#[component]
pub fn CandidateDetailPage() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        let p = params.read();
        let room = p.get("id").and_then(|s| s.parse::<RoomId>().ok());
        let cand = p.get("cid").and_then(|s| s.parse::<i64>().ok()).map(CandidateId);
        room.zip(cand)
    };
    let info = Resource::new(ids, |ids| async move {
        match ids {
            Some((room, c)) => room_info(room).await.map(|r| (r, c)),
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| ()>
            {move || info.get().map(|r| super::staff_view(r, |(room, candidate)| view! {
                <Detail room=room.id room_name=room.name candidate />
            }.into_any()))}
        </Suspense>
    }
}

#[component]
fn Detail(room: RoomId, room_name: String, candidate: CandidateId) -> impl IntoView {
    let i18n = use_i18n();
    let feed = use_room_feed(room);
    let frames = use_frames_feed(room, Some(candidate));
    let tile =
        move || feed.order.with(|o| o.contains(&candidate)).then(|| feed.tile(candidate)).flatten();
    let presets = Resource::new(|| (), move |_| quick_messages(room));
    let presets = Signal::derive(move || presets.get().and_then(Result::ok).flatten());
    let fps = move || {
        frames.settings.with(|s| {
            let ms = s.unwrap_or_default().focus.interval_ms.max(1);
            (1000 / ms).max(1)
        })
    };
    // Access to the room ended (taken away, signed out): the page closes and says why.
    let revoked = Memo::new(move |_| match feed.status.get() {
        FeedStatus::Revoked(r) => Some(r),
        _ => frames.revoked.get(),
    });
    view! {
        <section class="page wide detail">
            <p><a href=format!("/proctor/rooms/{room}") class="back">"← " {tr!(i18n, detail_back)} " · " {room_name}</a></p>
            {move || match (revoked.get(), tile()) {
                (Some(reason), _) => view! { <RevokedNotice reason sign_in="/staff/login" /> }.into_any(),
                (None, None) => view! { <p class="muted">{tr!(i18n, detail_not_found)}</p> }.into_any(),
                (None, Some(tile)) => view! {
                    <div class="page-head">
                        <div>
                            <p class="room-exam">{move || tile.with(|t| t.ticket.clone())}</p>
                            <h1 id="detail-name">{move || tile.with(|t| t.name.clone())}</h1>
                        </div>
                        <p class="tile-phase">{move || phase_label(i18n, tile.with(|t| t.phase))}</p>
                    </div>
                    <CameraPair tile frames now=feed.now large=true />
                    <p class="muted focus-note">{move || t!(i18n, detail_focus, fps = fps)}</p>
                    <div class="detail-cols">
                        <ConsoleActions candidate tile presets />
                        <div>
                            <h2>{tr!(i18n, detail_devices)}</h2>
                            <DeviceReportPanel candidate />
                        </div>
                    </div>
                    <Loaded fetch=move || candidate_timeline(candidate) every=TIMELINE_REFRESH_MS
                        trigger=Signal::derive(move || tile.get())
                        show=|mut t| {
                            let integrity = t.integrity.take();
                            view! {
                                {integrity.map(|integrity| view! { <IntegrityView integrity decide=true /> })}
                                <TimelineView timeline=t />
                            }.into_any()
                        } />
                    <Loaded fetch=move || candidate_verification(candidate) every=EVIDENCE_REFRESH_MS
                        trigger=Signal::derive(move || tile.with(|t| t.verification))
                        show=move |v| view! { <VerificationView candidate v /> }.into_any() />
                    <EvidenceStrip candidate sample_secs=Signal::derive(move || frames.settings.with(|s| s.unwrap_or_default().sample_secs)) />
                    <Recordings candidate on=Signal::derive(move || frames.settings.with(|s| s.is_some_and(|s| s.recording))) />
                }.into_any(),
            }}
        </section>
    }
}

/// `fetch`'s result, loaded after hydration (an effect, not a resource: this renders inside
/// the page's Suspense) and reloaded every [`EVIDENCE_REFRESH_MS`].
fn use_polled<T, Fut>(
    fetch: impl Fn() -> Fut + Copy + Send + Sync + 'static,
) -> RwSignal<Option<Result<T, AppError>>>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + 'static,
{
    use_polled_every(fetch, EVIDENCE_REFRESH_MS, || ())
}

/// [`use_polled`] every `every_ms`, and again whenever `trigger` (a tracked read) changes.
pub(crate) fn use_polled_every<T, Fut>(
    fetch: impl Fn() -> Fut + Copy + Send + Sync + 'static,
    every_ms: u64,
    trigger: impl Fn() + Send + Sync + 'static,
) -> RwSignal<Option<Result<T, AppError>>>
where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + 'static,
{
    let out = RwSignal::new(None);
    let load = move || {
        leptos::task::spawn_local(async move {
            let r = fetch().await;
            let _ = out.try_set(Some(r));
        });
    };
    Effect::new(move |_| {
        trigger();
        load();
    });
    let _refresh = leptos_use::use_interval_fn(load, every_ms);
    out
}

/// Data polled every `every` ms and on each change of `trigger`, shown by `show` (or its
/// error).
#[component]
fn Loaded<T, Fut, S>(
    fetch: impl Fn() -> Fut + Copy + Send + Sync + 'static,
    every: u64,
    trigger: Signal<S>,
    show: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + 'static,
{
    let data = use_polled_every(fetch, every, move || trigger.track());
    move || match data.get() {
        Some(Ok(v)) => show(v),
        Some(Err(err)) => view! { <ErrorText err /> }.into_any(),
        None => ().into_any(),
    }
}

/// The evidence frames of both views, oldest first, reloaded every few seconds.
#[component]
fn EvidenceStrip(candidate: CandidateId, sample_secs: Signal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let frames: RwSignal<Option<Result<Vec<EvidenceFrame>, AppError>>> =
        use_polled(move || candidate_evidence(candidate));
    let row = move |view: View| {
        frames.with(|f| match f {
            Some(Ok(list)) => list.iter().filter(|e| e.view == view).cloned().collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    };
    let strip = move |view: View, label: AnyView| {
        view! {
            <div class="evidence-row" data-view=view.as_str()>
                <span class="evidence-view">{label}</span>
                <ol class="evidence-strip">
                    {move || row(view).into_iter().map(|e| {
                        let time = clock_time(e.received_at);
                        let flag = e.reason == EvidenceReason::Flag;
                        view! {
                            <li class:flag=flag>
                                <a href=format!("/media/evidence/{}", e.id) target="_blank" rel="noopener">
                                    <img loading="lazy" src=format!("/media/evidence/{}", e.id) alt="" />
                                    <span>{time} " · "
                                        {if flag { tr!(i18n, evidence_flag).into_any() } else { tr!(i18n, evidence_sample).into_any() }}
                                    </span>
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </div>
        }
    };
    view! {
        <section class="evidence" aria-label=move || t_string!(i18n, evidence_label).to_string()>
            <h2>{tr!(i18n, evidence_title)}</h2>
            {move || match frames.get() {
                Some(Err(err)) => view! { <ErrorText err /> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="muted">{t!(i18n, evidence_empty, secs = move || sample_secs.get())}</p>
                }.into_any(),
                _ => ().into_any(),
            }}
            {strip(View::Pc, tr!(i18n, view_pc).into_any())}
            {strip(View::Phone, tr!(i18n, view_phone).into_any())}
        </section>
    }
}

/// The candidate's video recordings (one per recorder start), playable here.
#[component]
fn Recordings(candidate: CandidateId, on: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let list: RwSignal<Option<Result<Vec<Recording>, AppError>>> =
        use_polled(move || candidate_recordings(candidate));
    view! {
        <section class="recordings">
            <h2>{tr!(i18n, recordings_title)}</h2>
            {move || match list.get() {
                Some(Err(err)) => view! { <ErrorText err /> }.into_any(),
                Some(Ok(items)) if items.is_empty() => {
                    if on.get() {
                        view! { <p class="muted">{tr!(i18n, recordings_empty)}</p> }.into_any()
                    } else {
                        view! { <p class="muted">{tr!(i18n, recordings_off)}</p> }.into_any()
                    }
                }
                Some(Ok(items)) => items.into_iter().map(|r| {
                    let view_name = view_text(i18n, r.view);
                    let (start, end) = (clock_time(r.started_at), clock_time(r.updated_at));
                    let mb = format!("{:.1}", r.bytes as f64 / 1_048_576.0);
                    view! {
                        <figure class="recording" data-view=r.view.as_str()>
                            <video controls preload="metadata" src=format!("/media/recordings/{}", r.id)></video>
                            <figcaption class="muted">
                                {t!(i18n, recording_item, view = view_name.clone(), start = start.clone(), end = end.clone(), mb = mb.clone())}
                            </figcaption>
                        </figure>
                    }
                }).collect_view().into_any(),
                None => ().into_any(),
            }}
        </section>
    }
}
