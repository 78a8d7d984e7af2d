//! The proctor's actions on one candidate: message, warn, flag (category + note), add time
//! (minutes + reason), force-submit (reason, then a confirmation), and the open flags with
//! resolve / dismiss. Each shows its result or a typed error in the proctor's language.
use super::composer::Composer;
use super::error_text::ErrorText;
use super::labels::{flag_label, flag_text, hour_minute};
use crate::api::console::{add_time, close_flag, force_submit, raise_flag, send_message};
use crate::i18n::*;
use domain::console::{ExtraTimeReason, MessageKind};
use domain::flag::{FlagKind, FlagResolution};
use domain::{AppError, CandidateId, CandidateTile};
use leptos::prelude::*;

/// Which action's form is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Message,
    Warn,
    Flag,
    Time,
    Force,
}

#[component]
pub fn ConsoleActions(
    candidate: CandidateId,
    tile: Signal<CandidateTile>,
    presets: Signal<Option<Vec<String>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(Some(Open::Message));
    let submitted = move || tile.with(|t| t.phase.is_submitted());
    let tab = move |which: Open, id: &'static str, label: AnyView| {
        view! {
            <button role="tab" id=id class="tab" aria-selected=move || (open.get() == Some(which)).to_string()
                class:danger=which == Open::Force
                on:click=move |_| open.set(Some(which))>{label}</button>
        }
    };
    view! {
        <section class="actions" aria-labelledby="actions-title">
            <h2 id="actions-title">{tr!(i18n, actions_title)}</h2>
            <div role="tablist" class="tabs">
                {tab(Open::Message, "action-message", tr!(i18n, action_message).into_any())}
                {tab(Open::Warn, "action-warn", tr!(i18n, action_warn).into_any())}
                {tab(Open::Flag, "action-flag", tr!(i18n, action_flag).into_any())}
                {tab(Open::Time, "action-time", tr!(i18n, action_add_time).into_any())}
                {tab(Open::Force, "action-force", tr!(i18n, action_force_submit).into_any())}
            </div>
            {move || match open.get() {
                Some(Open::Message) => view! { <MessageForm candidate kind=MessageKind::Message presets /> }.into_any(),
                Some(Open::Warn) => view! { <MessageForm candidate kind=MessageKind::Warning presets /> }.into_any(),
                Some(Open::Flag) => view! { <FlagForm candidate /> }.into_any(),
                Some(Open::Time) => view! { <TimeForm candidate disabled=Signal::derive(submitted) /> }.into_any(),
                Some(Open::Force) => view! { <ForceForm candidate /> }.into_any(),
                None => ().into_any(),
            }}
            <OpenFlags tile />
        </section>
    }
}

/// A result line: the success text, or the error.
fn outcome<T: Clone + 'static>(
    r: Option<Result<T, AppError>>,
    ok: impl FnOnce(T) -> AnyView,
) -> AnyView {
    match r {
        Some(Ok(v)) => ok(v),
        Some(Err(err)) => view! { <ErrorText err /> }.into_any(),
        None => ().into_any(),
    }
}

#[component]
fn MessageForm(
    candidate: CandidateId,
    kind: MessageKind,
    presets: Signal<Option<Vec<String>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let send = Action::new(move |body: &String| send_message(candidate, kind, body.clone()));
    let warn = kind == MessageKind::Warning;
    view! {
        <Composer id=if warn { "warn-text" } else { "message-text" }
            presets
            show_presets=!warn
            placeholder=Signal::derive(move || if warn { t_string!(i18n, warn_placeholder).to_string() } else { t_string!(i18n, message_placeholder).to_string() })
            button=Signal::derive(move || if warn { t_string!(i18n, action_warn).to_string() } else { t_string!(i18n, console_send).to_string() })
            pending=send.pending().into()
            on_send=Callback::new(move |b: String| { send.dispatch(b); }) />
        {move || outcome(send.value().get(), |_| view! {
            <p class="ok" id="action-result">
                {if warn { tr!(i18n, warning_sent).into_any() } else { tr!(i18n, message_sent).into_any() }}
            </p>
        }.into_any())}
    }
}

#[component]
fn FlagForm(candidate: CandidateId) -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(FlagKind::FaceAbsent);
    let note = RwSignal::new(String::new());
    let raise =
        Action::new(move |(k, n): &(FlagKind, String)| raise_flag(candidate, *k, n.clone()));
    view! {
        <form class="action-form" on:submit=move |ev| {
            ev.prevent_default();
            raise.dispatch((kind.get_untracked(), note.get_untracked()));
            note.set(String::new());
        }>
            <label>{tr!(i18n, console_category_label)}
                <select id="flag-kind" on:change=move |ev| {
                    if let Some(k) = FlagKind::parse(&event_target_value(&ev)) { kind.set(k) }
                }>
                    {FlagKind::MANUAL.iter().copied().map(|k| view! { <option value=k.as_str()>{flag_text(i18n, k)}</option> }).collect_view()}
                </select>
            </label>
            <label>{tr!(i18n, console_note_label)}
                <textarea id="flag-note" rows="2" maxlength="1000" prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </label>
            <button type="submit" class="primary" id="flag-send" disabled=move || raise.pending().get()>{tr!(i18n, action_flag)}</button>
        </form>
        {move || outcome(raise.value().get(), |_| view! { <p class="ok" id="action-result">{tr!(i18n, flag_raised)}</p> }.into_any())}
    }
}

#[component]
fn TimeForm(candidate: CandidateId, disabled: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let minutes = RwSignal::new(10i64);
    let reason = RwSignal::new(ExtraTimeReason::Technical);
    let add = Action::new(move |(m, r): &(i64, ExtraTimeReason)| add_time(candidate, *m, *r));
    view! {
        <form class="action-form inline" on:submit=move |ev| {
            ev.prevent_default();
            add.dispatch((minutes.get_untracked(), reason.get_untracked()));
        }>
            <label>{tr!(i18n, console_minutes_label)}
                <input type="number" id="time-minutes" min="1" max="240" prop:value=move || minutes.get().to_string()
                    on:input=move |ev| minutes.set(event_target_value(&ev).parse().unwrap_or(0)) />
            </label>
            <label>{tr!(i18n, console_reason_label)}
                <select id="time-reason" on:change=move |ev| reason.set(match event_target_value(&ev).as_str() {
                    "accommodation" => ExtraTimeReason::Accommodation,
                    _ => ExtraTimeReason::Technical,
                })>
                    <option value="technical">{tr!(i18n, reason_technical)}</option>
                    <option value="accommodation">{tr!(i18n, reason_accommodation)}</option>
                </select>
            </label>
            <button type="submit" class="primary" id="time-send" disabled=move || disabled.get() || add.pending().get()>
                {tr!(i18n, action_add_time)}
            </button>
        </form>
        {move || outcome(add.value().get(), |times| {
            let time = hour_minute(times.deadline);
            view! { <p class="ok" id="action-result">{t!(i18n, time_added, time = time.clone())}</p> }.into_any()
        })}
    }
}

#[component]
fn ForceForm(candidate: CandidateId) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let force = Action::new(move |r: &String| force_submit(candidate, r.clone()));
    view! {
        <form class="action-form" on:submit=move |ev| {
            ev.prevent_default();
            confirming.set(true);
        }>
            <label>{tr!(i18n, console_reason_label)}
                <textarea id="force-reason" rows="2" maxlength="1000" required
                    placeholder=move || t_string!(i18n, force_placeholder).to_string()
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </label>
            <button type="submit" class="danger" id="force-send"
                disabled=move || reason.with(|r| r.trim().is_empty()) || force.pending().get()>
                {tr!(i18n, action_force_submit)}
            </button>
        </form>
        <Show when=move || confirming.get()>
            <div class="confirm" role="alertdialog" aria-labelledby="force-confirm-text">
                <p id="force-confirm-text">{tr!(i18n, force_confirm)}</p>
                <div class="row">
                    <button class="danger" id="force-confirm" on:click=move |_| {
                        confirming.set(false);
                        force.dispatch(reason.get_untracked());
                    }>{tr!(i18n, force_confirm_yes)}</button>
                    <button class="ghost" on:click=move |_| confirming.set(false)>{tr!(i18n, console_cancel)}</button>
                </div>
            </div>
        </Show>
        {move || outcome(force.value().get(), |(_, already)| view! {
            <p class="ok" id="action-result">
                {if already { tr!(i18n, force_already).into_any() } else { tr!(i18n, force_done).into_any() }}
            </p>
        }.into_any())}
    }
}

/// The open flags, each with Resolve and Dismiss and an optional note.
#[component]
fn OpenFlags(tile: Signal<CandidateTile>) -> impl IntoView {
    let i18n = use_i18n();
    let note = RwSignal::new(String::new());
    let close = Action::new(move |(id, r): &(i64, FlagResolution)| {
        close_flag(*id, *r, note.get_untracked())
    });
    view! {
        <div class="open-flags">
            <h3>{tr!(i18n, open_flags)}</h3>
            {move || {
                let flags = tile.with(|t| t.flags.clone());
                if flags.is_empty() {
                    return view! { <p class="muted" id="no-flags">{tr!(i18n, detail_no_flags)}</p> }.into_any();
                }
                view! {
                    <input type="text" id="flag-close-note" maxlength="1000"
                        placeholder=move || t_string!(i18n, console_note_label).to_string()
                        prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                    <ul class="flag-list">
                        {flags.into_iter().map(|f| {
                            let id = f.id;
                            view! {
                                <li class="tile-flag" data-flag=f.kind.as_str() data-flag-id=id
                                    data-severity=f.kind.severity().as_str()>
                                    {flag_label(i18n, f.kind)}
                                    {f.automatic.then(|| view! { <span class="chip">{tr!(i18n, flag_automatic)}</span> })}
                                    <span class="row">
                                        <button class="secondary small flag-resolve" on:click=move |_| {
                                            close.dispatch((id, FlagResolution::Resolved));
                                        }>{tr!(i18n, flag_resolve)}</button>
                                        <button class="ghost small flag-dismiss" on:click=move |_| {
                                            close.dispatch((id, FlagResolution::Dismissed));
                                        }>{tr!(i18n, flag_dismiss)}</button>
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {move || match close.value().get() {
                Some(Err(err)) => view! { <ErrorText err /> }.into_any(),
                _ => ().into_any(),
            }}
        </div>
    }
}
