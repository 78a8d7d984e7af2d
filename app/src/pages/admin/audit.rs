//! `/admin/audit`: every staff and system action, newest first, filtered by exam, actor,
//! candidate (ticket number) and action (exact, or a prefix ending in `.` such as `flag.`).
use super::AdminNav;
use crate::api::admin::{all_rooms, audit_log};
use crate::components::labels::clock_time;
use crate::i18n::*;
use domain::audit::{AUDIT_PAGE, AuditEntry, AuditFilter};
use domain::{AppError, ExamId};
use leptos::prelude::*;

/// Actions offered as suggestions (any text is accepted).
const ACTIONS: [&str; 14] = [
    "verification.",
    "verification.approve",
    "verification.reject",
    "flag.",
    "flag.raise",
    "flag.resolve",
    "flag.dismiss",
    "message.send",
    "message.broadcast",
    "warning.give",
    "time.add",
    "submit.force",
    "roster.import",
    "retention.purge",
];

#[component]
fn Entries(list: Vec<AuditEntry>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted" id="audit-empty">{tr!(i18n, audit_empty)}</p> }.into_any();
    }
    view! {
        <table class="data-table audit-table" id="audit-table">
            <thead><tr>
                <th>{tr!(i18n, audit_col_time)}</th>
                <th>{tr!(i18n, audit_col_actor)}</th>
                <th>{tr!(i18n, audit_col_action)}</th>
                <th>{tr!(i18n, audit_col_exam)}</th>
                <th>{tr!(i18n, audit_col_candidate)}</th>
                <th>{tr!(i18n, audit_col_detail)}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|e| view! {
                    <tr data-action=e.action.clone()>
                        <td class="nowrap">{e.at.with_timezone(&chrono::Local).format("%Y-%m-%d ").to_string()}{clock_time(e.at)}</td>
                        <td>{e.actor.clone()}</td>
                        <td><code>{e.action.clone()}</code></td>
                        <td>{e.exam_code.clone().unwrap_or_default()}</td>
                        <td>{e.ticket.clone().map(|t| format!("{t} {}", e.name.clone().unwrap_or_default()))}</td>
                        <td>{e.detail.clone()}{e.reason.clone().map(|r| view! { <br /><span class="muted">{r}</span> })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let exams = Resource::new(|| (), |_| all_rooms());
    let (exam, actor, ticket, action) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let applied = RwSignal::new(AuditFilter::default());
    let entries = Resource::new(move || applied.get(), audit_log);
    let apply = move |before: Option<i64>| {
        applied.set(AuditFilter {
            exam: exam.get_untracked().parse::<i64>().ok().map(ExamId),
            actor: Some(actor.get_untracked()),
            ticket: Some(ticket.get_untracked()),
            action: Some(action.get_untracked()),
            before,
        });
    };
    let exam_options = move || {
        exams.get().and_then(Result::ok).map(|rooms| {
            let mut seen: Vec<(ExamId, String)> = Vec::new();
            for r in rooms {
                if !seen.iter().any(|(id, _)| *id == r.exam_id) {
                    seen.push((r.exam_id, r.exam_code));
                }
            }
            seen.into_iter()
                .map(|(id, code)| view! { <option value=id.0.to_string()>{code}</option> })
                .collect_view()
        })
    };
    let input = |label: AnyView,
                 id: &'static str,
                 sig: RwSignal<String>,
                 list: Option<&'static str>| {
        view! {
            <label>
                <span>{label}</span>
                <input id=id type="text" list=list prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <section class="page">
            <AdminNav />
            <div class="page-head">
                <div>
                    <h1>{tr!(i18n, audit_title)}</h1>
                    <p class="muted">{tr!(i18n, audit_intro)}</p>
                </div>
            </div>
            <form class="card audit-filter" on:submit=move |ev| { ev.prevent_default(); apply(None); }>
                <label>
                    <span>{tr!(i18n, audit_col_exam)}</span>
                    <Suspense fallback=|| ()>
                        {move || view! {
                            <select id="audit-exam" on:change=move |ev| exam.set(event_target_value(&ev))>
                                <option value="">{tr!(i18n, audit_any)}</option>
                                {exam_options()}
                            </select>
                        }}
                    </Suspense>
                </label>
                {input(tr!(i18n, audit_col_actor).into_any(), "audit-actor", actor, None)}
                {input(tr!(i18n, audit_col_candidate).into_any(), "audit-ticket", ticket, None)}
                {input(tr!(i18n, audit_col_action).into_any(), "audit-action", action, Some("audit-actions"))}
                <datalist id="audit-actions">
                    {ACTIONS.iter().map(|a| view! { <option value=*a></option> }).collect_view()}
                </datalist>
                <button class="primary" type="submit" id="audit-apply">{tr!(i18n, audit_apply)}</button>
            </form>
            <Suspense fallback=move || view! { <p class="muted">{tr!(i18n, loading)}</p> }>
                {move || entries.get().map(|r: Result<Vec<AuditEntry>, AppError>| crate::pages::staff_view(r, |list| {
                    let older = (list.len() as i64 == AUDIT_PAGE).then(|| list.last().map(|e| e.id)).flatten();
                    view! {
                        <Entries list />
                        {older.map(|id| view! {
                            <button id="audit-older" on:click=move |_| apply(Some(id))>{tr!(i18n, audit_older)}</button>
                        })}
                    }.into_any()
                }))}
            </Suspense>
        </section>
    }
}
