//! The exam screen: the paper, answers saved as the candidate works and never lost, the
//! time left from the server, Submit from the earliest-submit time, and a self-view.
//!
//! Saving: every edit gets a version (this computer's clock in ms, always above the last
//! one), goes into a pending list kept in local storage, and a loop sends the pending list
//! every second. An answer leaves the list only when the server acknowledges that version
//! (or a newer one). Offline edits therefore survive a reload and are sent on reconnect.
use super::browser::{load_local, now_ms, store_local};
use super::questions::QuestionView;
use super::waiting::clock;
use crate::api::exam::{load_exam_sheet, save_answers, submit_exam};
use crate::components::camera::{CameraHandle, CameraView};
use crate::components::error_text::ErrorText;
use crate::i18n::*;
use crate::live::candidate_socket::CandidateSocket;
use crate::live::frame_sender::use_frame_sender;
use domain::answer::Answer;
use domain::sitting::{AnswerSave, ExamSheet, next_version};
use domain::{AppError, CandidateId, TransitionError};
use leptos::prelude::*;
use leptos_use::use_interval_fn;
use std::collections::BTreeMap;

#[component]
pub fn ExamScreen(candidate: CandidateId) -> impl IntoView {
    // Loaded in the browser after hydration (an effect, not a resource): the sheet merges
    // answers kept in this browser's storage, which the server cannot see. The journey keeps
    // the loaded sheet (kept up to date with acknowledged answers), so a re-render while the
    // network is down shows the exam at once; a failed load is retried every 2 s.
    let cache = use_context::<SheetCache>();
    let cached = cache.and_then(|c| c.0.get_untracked()).map(|(mut sheet, loaded_ms)| {
        // Its server time is as old as the copy: move it on by the time since.
        sheet.server_time += chrono::Duration::milliseconds(now_ms() - loaded_ms);
        Ok(sheet)
    });
    let sheet = RwSignal::new(cached);
    Effect::new(move |_| {
        if sheet.get_untracked().is_some() {
            return;
        }
        leptos::task::spawn_local(async move {
            loop {
                match load_exam_sheet().await {
                    Ok(s) => {
                        if let Some(c) = cache {
                            let _ = c.0.try_set(Some((s.clone(), now_ms())));
                        }
                        let _ = sheet.try_set(Some(Ok(s)));
                        break;
                    }
                    Err(e @ AppError::Request { .. }) => {
                        if sheet.try_set(Some(Err(e))).is_some() {
                            break; // the page moved on
                        }
                        #[cfg(feature = "hydrate")]
                        super::browser::sleep_ms(2000).await;
                    }
                    Err(e) => {
                        let _ = sheet.try_set(Some(Err(e)));
                        break;
                    }
                }
            }
        });
    });
    // No nested <Suspense> here: this renders inside the journey's <Transition>.
    move || match sheet.get() {
        None => view! { <p class="muted">"…"</p> }.into_any(),
        Some(Ok(sheet)) => view! { <Sheet sheet candidate /> }.into_any(),
        Some(Err(err)) => view! { <ErrorText err /> }.into_any(),
    }
}

/// The loaded exam sheet, owned by the journey page so it outlives a re-render of the step.
#[derive(Clone, Copy)]
pub struct SheetCache(pub RwSignal<Option<(ExamSheet, i64)>>);

type Pending = BTreeMap<String, AnswerSave>;

fn pending_key(c: CandidateId) -> String {
    format!("vigil.pending.{}", c.0)
}

fn persist(c: CandidateId, p: &Pending) {
    let json = serde_json::to_string(&p.values().collect::<Vec<_>>()).ok();
    store_local(&pending_key(c), json.as_deref().filter(|_| !p.is_empty()));
}

#[derive(Clone, Copy, PartialEq)]
enum SaveState {
    Saved,
    Saving,
    Offline,
}

#[component]
fn Sheet(sheet: ExamSheet, candidate: CandidateId) -> impl IntoView {
    let i18n = use_i18n();
    let cache = use_context::<SheetCache>();
    let reload = expect_context::<super::Reload>();
    // Server answers, then anything newer this browser still holds.
    let mut values: BTreeMap<String, (Answer, u64)> = sheet
        .answers
        .iter()
        .map(|a| (a.question_id.clone(), (a.answer.clone(), a.version)))
        .collect();
    let mut pending = Pending::new();
    let local: Vec<AnswerSave> = load_local(&pending_key(candidate))
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default();
    for save in local {
        let newer = values.get(&save.question_id).is_none_or(|(_, v)| save.version > *v);
        if newer && sheet.paper.question(&save.question_id).is_some() {
            values.insert(save.question_id.clone(), (save.answer.clone(), save.version));
            pending.insert(save.question_id.clone(), save);
        }
    }
    let values = RwSignal::new(values);
    let pending = RwSignal::new(pending);
    let in_flight = RwSignal::new(false);
    let save_state = RwSignal::new(SaveState::Saved);
    let closed = RwSignal::new(false);
    // Time, on the server's clock (answer versions and the countdown).
    let offset_ms = StoredValue::new(sheet.server_time.timestamp_millis() - now_ms());
    let server_now = move || now_ms() + offset_ms.get_value();

    let edit = move |qid: String, answer: Answer| {
        if closed.get_untracked() {
            return;
        }
        let last = values.with_untracked(|v| v.get(&qid).map(|(_, ver)| *ver).unwrap_or(0));
        let version = next_version(server_now(), last);
        values.update(|v| {
            v.insert(qid.clone(), (answer.clone(), version));
        });
        pending.update(|p| {
            p.insert(qid.clone(), AnswerSave { question_id: qid, answer, version });
            persist(candidate, p);
        });
    };

    let flush = move || {
        if in_flight.get_untracked() || pending.with_untracked(|p| p.is_empty()) {
            return;
        }
        in_flight.set(true);
        save_state.set(SaveState::Saving);
        let batch: Vec<AnswerSave> = pending.get_untracked().into_values().collect();
        leptos::task::spawn_local(async move {
            match save_answers(batch).await {
                Ok(acks) => {
                    pending.update(|p| {
                        for ack in acks {
                            if p.get(&ack.question_id)
                                .is_some_and(|s| s.version <= ack.stored_version)
                            {
                                p.remove(&ack.question_id);
                            }
                        }
                        persist(candidate, p);
                    });
                    // Keep the journey's copy of the sheet current with what is acknowledged.
                    if let Some(c) = cache {
                        let now: Vec<AnswerSave> = values.with_untracked(|v| {
                            v.iter()
                                .map(|(q, (a, ver))| AnswerSave {
                                    question_id: q.clone(),
                                    answer: a.clone(),
                                    version: *ver,
                                })
                                .collect()
                        });
                        c.0.update(|s| {
                            if let Some((s, _)) = s {
                                s.answers = now;
                            }
                        });
                    }
                    save_state.set(SaveState::Saved);
                }
                Err(AppError::Transition(
                    TransitionError::AlreadySubmitted | TransitionError::DeadlinePassed,
                )) => {
                    closed.set(true);
                    reload.now();
                }
                // This computer's clock jumped: align again and re-stamp what waits, so the
                // next round stores it.
                Err(AppError::ClockAhead { server_time }) => {
                    offset_ms.set_value(server_time.timestamp_millis() - now_ms());
                    let version = next_version(server_time.timestamp_millis(), 0);
                    pending.update(|p| {
                        for s in p.values_mut() {
                            s.version = version;
                        }
                        persist(candidate, p);
                    });
                    let waiting: Vec<String> =
                        pending.with_untracked(|p| p.keys().cloned().collect());
                    values.update(|v| {
                        for q in &waiting {
                            if let Some((_, ver)) = v.get_mut(q) {
                                *ver = version;
                            }
                        }
                    });
                    save_state.set(SaveState::Saving);
                }
                Err(_) => save_state.set(SaveState::Offline),
            }
            in_flight.set(false);
        });
    };
    let _saver = use_interval_fn(flush, 1000);

    // A proctor's extra time arrives over the socket and moves the clock.
    let socket = expect_context::<CandidateSocket>();
    let first_deadline = sheet.times.deadline;
    let deadline = move || {
        socket.times.with(|t| t.as_ref().map_or(first_deadline, |t| t.deadline)).timestamp_millis()
    };
    let earliest = sheet.times.earliest_submit_at.timestamp_millis();
    let now = RwSignal::new(server_now());
    let _clock = use_interval_fn(move || now.set(server_now()), 500);
    let left = move || (deadline() - now.get()) / 1000;
    let may_submit = move || now.get() >= earliest;

    let confirming = RwSignal::new(false);
    let submitting = RwSignal::new(false);
    let submit_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let submit = move |_| {
        submitting.set(true);
        leptos::task::spawn_local(async move {
            // Send what is still pending first, so the submission holds every answer.
            let batch: Vec<AnswerSave> = pending.get_untracked().into_values().collect();
            if !batch.is_empty() && save_answers(batch).await.is_ok() {
                pending.update(|p| {
                    p.clear();
                    persist(candidate, p);
                });
            }
            match submit_exam().await {
                Ok(_) => {
                    closed.set(true);
                    reload.now();
                }
                Err(e) => submit_error.set(Some(e)),
            }
            submitting.set(false);
        });
    };

    let paper = sheet.paper.clone();
    let total = paper.question_count();
    let answered = move || values.with(|v| v.values().filter(|(a, _)| a.is_answered()).count());
    let sections = paper.sections.clone();
    let mut number = 0usize;
    let body = sections
        .into_iter()
        .map(|section| {
            let qs = section
                .questions
                .into_iter()
                .map(|q| {
                    number += 1;
                    let qid = q.id().to_string();
                    let get = {
                        let qid = qid.clone();
                        Signal::derive(move || values.with(|v| v.get(&qid).map(|(a, _)| a.clone())))
                    };
                    let set = Callback::new(move |a: Answer| edit(qid.clone(), a));
                    view! { <QuestionView number q get set /> }
                })
                .collect_view();
            view! {
                <section class="paper-section">
                    <h2>{section.title}</h2>
                    {section.instructions.map(|i| view! { <p class="muted">{i}</p> })}
                    {qs}
                </section>
            }
        })
        .collect_view();

    let camera = CameraHandle::new();
    let sender = use_frame_sender(expect_context::<CandidateSocket>(), camera);
    let self_view_pc = RwSignal::new(true);
    view! {
        <div class="exam-bar" role="region" aria-label=move || t_string!(i18n, exam_status_label).to_string()>
            <span class="timer" id="time-left" role="timer">
                {tr!(i18n, exam_time_left)} " " <strong>{move || clock(left())}</strong>
            </span>
            <span id="answered">{move || t!(i18n, exam_answered, n = answered(), total = total)}</span>
            <span id="save-state" data-state=move || match save_state.get() {
                SaveState::Saved => "saved", SaveState::Saving => "saving", SaveState::Offline => "offline" }>
                {move || match save_state.get() {
                    SaveState::Saved if pending.with(|p| p.is_empty()) => tr!(i18n, exam_saved).into_any(),
                    SaveState::Offline => t!(i18n, exam_offline, n = pending.with(|p| p.len())).into_any(),
                    _ => tr!(i18n, exam_saving).into_any(),
                }}
            </span>
            <button class="primary" id="submit-exam" disabled=move || !may_submit() || submitting.get()
                title=move || if may_submit() { String::new() } else { t_string!(i18n, err_submit_too_early).to_string() }
                on:click=move |_| confirming.set(true)>
                {tr!(i18n, exam_submit)}
            </button>
        </div>
        <h1 class="paper-title">{paper.title.clone()}</h1>
        <div class="paper">{body}</div>
        <Show when=move || confirming.get()>
            <div class="dialog-backdrop">
                <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
                    <h2 id="confirm-title">{tr!(i18n, exam_confirm_title)}</h2>
                    <p>{move || t!(i18n, exam_confirm_body, n = answered(), total = total)}</p>
                    <div class="actions">
                        <button class="ghost" on:click=move |_| confirming.set(false)>{tr!(i18n, cancel_button)}</button>
                        <button class="primary" id="confirm-submit" disabled=move || submitting.get() on:click=submit>
                            {tr!(i18n, exam_submit_confirm)}
                        </button>
                    </div>
                    {move || submit_error.get().map(|err| view! { <ErrorText err /> })}
                </div>
            </div>
        </Show>
        <aside class="self-view" data-sent=move || sender.get().to_string() aria-label=move || t_string!(i18n, exam_self_view).to_string()>
            <div class="self-view-toggle" role="group">
                <button class=move || if self_view_pc.get() { "on" } else { "" } on:click=move |_| self_view_pc.set(true)>
                    {tr!(i18n, view_pc)}
                </button>
                <button class=move || if self_view_pc.get() { "" } else { "on" } on:click=move |_| self_view_pc.set(false)>
                    {tr!(i18n, view_phone)}
                </button>
            </div>
            <div class:hidden=move || !self_view_pc.get()><CameraView camera /></div>
            <Show when=move || !self_view_pc.get()>
                <PhoneView candidate />
            </Show>
        </aside>
    }
}

/// How often the self-view reloads the phone's latest relayed picture.
const PHONE_VIEW_REFRESH_MS: u64 = 2000;

/// The phone's latest picture (refreshed every 2 s), or a note while there is none.
#[component]
fn PhoneView(candidate: CandidateId) -> impl IntoView {
    let i18n = use_i18n();
    let tick = RwSignal::new(0u64);
    let failed = RwSignal::new(false);
    let _refresh = use_interval_fn(move || tick.update(|t| *t += 1), PHONE_VIEW_REFRESH_MS);
    let src = move || format!("/media/candidates/{}/latest/phone?n={}", candidate.0, tick.get());
    view! {
        <img class="phone-view" id="self-view-phone" src=src class:hidden=move || failed.get()
            alt=move || t_string!(i18n, view_phone).to_string()
            on:load=move |_| failed.set(false) on:error=move |_| failed.set(true) />
        <Show when=move || failed.get()>
            <p class="self-view-note">{tr!(i18n, exam_phone_view_note)}</p>
        </Show>
    }
}
