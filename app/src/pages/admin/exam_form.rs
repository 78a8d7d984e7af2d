//! `/admin/exams/new` and `/admin/exams/:id/settings`: every setting of an exam in one form.
//! Times are entered in the browser's local time and stored in UTC.
use super::AdminNav;
use crate::api::admin::{load_exam_settings, save_exam};
use crate::components::error_text::ErrorText;
use crate::i18n::*;
use chrono::{Local, NaiveDateTime, TimeZone};
use domain::exam_settings::ExamSettings;
use domain::signin::SignInMode;
use domain::{AppError, ExamId};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// A number input bound to one field of the draft. What does not read as a number of the
/// field's kind (a letter, a weight of 300 where the field holds 0–255) leaves the draft as it
/// was and says so under the input.
pub(super) fn number<T>(
    draft: RwSignal<ExamSettings>,
    id: &'static str,
    label: AnyView,
    get: fn(&ExamSettings) -> T,
    set: fn(&mut ExamSettings, T),
) -> impl IntoView
where
    T: std::str::FromStr + std::fmt::Display + Default + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let invalid = RwSignal::new(false);
    view! {
        <label>
            <span>{label}</span>
            <input id=id type="number" step="any" prop:value=move || draft.with(|d| get(d).to_string())
                aria-invalid=move || invalid.get().then_some("true")
                on:change=move |ev| {
                    let parsed = event_target_value(&ev).trim().parse::<T>();
                    invalid.set(parsed.is_err());
                    if let Ok(v) = parsed {
                        draft.update(|d| set(d, v));
                    }
                } />
            <Show when=move || invalid.get()>
                <span class="field-error" role="alert">{tr!(i18n, form_number_invalid)}</span>
            </Show>
        </label>
    }
}

/// A text input bound to one field of the draft.
fn text(
    draft: RwSignal<ExamSettings>,
    id: &'static str,
    label: AnyView,
    get: fn(&ExamSettings) -> String,
    set: fn(&mut ExamSettings, String),
) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input id=id type="text" prop:value=move || draft.with(get)
                on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| set(d, v)); } />
        </label>
    }
}

#[component]
fn Form(exam: Option<ExamId>, initial: ExamSettings) -> impl IntoView {
    let i18n = use_i18n();
    let draft = RwSignal::new(initial);
    let save = Action::new(move |s: &ExamSettings| {
        let s = s.clone();
        async move { save_exam(exam, s).await }
    });
    Effect::new(move |_| {
        if let (None, Some(Ok(id))) = (exam, save.value().get()) {
            crate::pages::go_to(&format!("/admin/exams/{}/settings", id.0));
        }
    });
    let start =
        move || draft.with(|d| d.starts_at.with_timezone(&Local).format(LOCAL_FORMAT).to_string());
    let set_start = move |v: String| {
        if let Some(at) = NaiveDateTime::parse_from_str(&v, LOCAL_FORMAT)
            .ok()
            .and_then(|n| Local.from_local_datetime(&n).earliest())
        {
            draft.update(|d| d.starts_at = at.to_utc());
        }
    };
    let outcome = move || {
        save.value().get().map(|r: Result<ExamId, AppError>| match r {
            Ok(_) => view! { <p class="notice ok" id="exam-saved" role="status">{tr!(i18n, exam_settings_saved)}</p> }.into_any(),
            Err(err) => view! { <ErrorText err /> }.into_any(),
        })
    };
    view! {
        <form class="card exam-form" on:submit=move |ev| { ev.prevent_default(); save.dispatch(draft.get_untracked()); }>
            <div class="form-grid">
                {text(draft, "exam-code", tr!(i18n, exam_code_field).into_any(), |d| d.code.clone(), |d, v| d.code = v)}
                {text(draft, "exam-title", tr!(i18n, exam_title_label).into_any(), |d| d.title.clone(), |d, v| d.title = v)}
                <label>
                    <span>{tr!(i18n, exam_start_label)}</span>
                    <input id="exam-start" type="datetime-local" prop:value=start on:change=move |ev| set_start(event_target_value(&ev)) />
                </label>
                {number(draft, "exam-duration", tr!(i18n, exam_duration_label).into_any(), |d| d.duration_min, |d, v| d.duration_min = v)}
                {number(draft, "exam-earliest", tr!(i18n, exam_earliest_label).into_any(), |d| d.earliest_submit_min, |d, v| d.earliest_submit_min = v)}
                {number(draft, "exam-late", tr!(i18n, exam_late_label).into_any(), |d| d.late_entry_min, |d, v| d.late_entry_min = v)}
            </div>
            <label class="wide">
                <span>{tr!(i18n, exam_sign_in_label)}</span>
                <select id="exam-sign-in" on:change=move |ev| {
                    if let Some(m) = SignInMode::parse(&event_target_value(&ev)) { draft.update(|d| d.sign_in = m) }
                }>
                    {SignInMode::ALL.into_iter().map(|m| view! {
                        <option value=m.as_str() selected=move || draft.with(|d| d.sign_in == m)>
                            {match m {
                                SignInMode::Ticket => tr!(i18n, sign_in_ticket).into_any(),
                                SignInMode::TicketIdDigits => tr!(i18n, sign_in_ticket_id_digits).into_any(),
                                SignInMode::TicketAccessCode => tr!(i18n, sign_in_ticket_access_code).into_any(),
                            }}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <label class="wide">
                <span>{tr!(i18n, exam_instructions_label)}</span>
                <textarea id="exam-instructions" rows="6" prop:value=move || draft.with(|d| d.instructions.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.instructions = v); }></textarea>
            </label>
            <label class="wide">
                <span>{tr!(i18n, exam_instructions_zh_label)}</span>
                <textarea id="exam-instructions-zh" rows="6" lang="zh-CN" prop:value=move || draft.with(|d| d.instructions_zh.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.instructions_zh = v); }></textarea>
                <small class="muted">{tr!(i18n, exam_instructions_hint)}</small>
            </label>
            <h2>{tr!(i18n, exam_threshold_label)}</h2>
            <div class="form-grid">
                {number(draft, "exam-match", tr!(i18n, exam_match_below).into_any(), |d| d.face_match_below, |d, v| d.face_match_below = v)}
                {number(draft, "exam-review", tr!(i18n, exam_review_below).into_any(), |d| d.face_review_below, |d, v| d.face_review_below = v)}
                {number(draft, "exam-attempts", tr!(i18n, exam_attempts_label).into_any(), |d| d.face_max_attempts, |d, v| d.face_max_attempts = v)}
            </div>
            <h2>{tr!(i18n, exam_camera_label)}</h2>
            <p class="muted">{tr!(i18n, exam_grid_profile)}</p>
            <div class="form-grid">
                {number(draft, "grid-width", tr!(i18n, exam_camera_width).into_any(), |d| d.camera.grid.width, |d, v| d.camera.grid.width = v)}
                {number(draft, "grid-height", tr!(i18n, exam_camera_height).into_any(), |d| d.camera.grid.height, |d, v| d.camera.grid.height = v)}
                {number(draft, "grid-interval", tr!(i18n, exam_camera_interval).into_any(), |d| d.camera.grid.interval_ms, |d, v| d.camera.grid.interval_ms = v)}
            </div>
            <p class="muted">{tr!(i18n, exam_focus_profile)}</p>
            <div class="form-grid">
                {number(draft, "focus-width", tr!(i18n, exam_camera_width).into_any(), |d| d.camera.focus.width, |d, v| d.camera.focus.width = v)}
                {number(draft, "focus-height", tr!(i18n, exam_camera_height).into_any(), |d| d.camera.focus.height, |d, v| d.camera.focus.height = v)}
                {number(draft, "focus-interval", tr!(i18n, exam_camera_interval).into_any(), |d| d.camera.focus.interval_ms, |d, v| d.camera.focus.interval_ms = v)}
            </div>
            <div class="form-grid">
                {number(draft, "exam-sampling", tr!(i18n, exam_sampling_label).into_any(), |d| d.camera.sample_secs, |d, v| d.camera.sample_secs = v)}
                {number(draft, "exam-retention", tr!(i18n, exam_retention_label).into_any(), |d| d.retention_days, |d, v| d.retention_days = v)}
            </div>
            <label class="check">
                <input id="exam-recording" type="checkbox" prop:checked=move || draft.with(|d| d.camera.recording)
                    on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| d.camera.recording = on); } />
                <span>{tr!(i18n, exam_recording_label)}</span>
            </label>
            <super::exam_form_watch::WatchFields draft />
            <label class="check">
                <input id="exam-reject-ends" type="checkbox" prop:checked=move || draft.with(|d| d.reject_ends_attempt)
                    on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| d.reject_ends_attempt = on); } />
                <span>{tr!(i18n, exam_reject_ends_label)}</span>
            </label>
            <div class="row">
                <button class="primary" type="submit" id="exam-save" disabled=move || save.pending().get()>{tr!(i18n, exam_save)}</button>
                {outcome}
            </div>
        </form>
    }
}

#[component]
pub fn ExamFormPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let exam = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok())).map(ExamId);
    let loaded = LocalResource::new(move || load_exam_settings(exam()));
    view! {
        <section class="page">
            <AdminNav />
            <div class="page-head">
                <div>
                    <h1>{move || if exam().is_some() { tr!(i18n, exam_settings_title).into_any() } else { tr!(i18n, exam_new_title).into_any() }}</h1>
                    <p class="muted">{tr!(i18n, exam_settings_intro)}</p>
                </div>
            </div>
            <Suspense fallback=move || view! { <p class="muted">{tr!(i18n, loading)}</p> }>
                {move || loaded.get().map(|r| crate::pages::staff_view(r, |initial| {
                    view! { <Form exam=exam() initial /> }.into_any()
                }))}
            </Suspense>
        </section>
    }
}
