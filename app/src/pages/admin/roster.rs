//! `/admin/exams/:id/roster`: check a roster upload (CSV + photo ZIP) with a progress bar,
//! read every row and error in the preview, import it all-or-nothing; export as CSV.
use super::AdminNav;
use crate::api::admin::ImportRoster;
use crate::components::error_text::ErrorText;
use crate::i18n::*;
use domain::roster::{FileError, RosterPreview, RowError, RowErrorCode, RowField};
use domain::{AppError, ExamId};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// At most this many rows are listed in the preview (the summary counts them all).
const SHOWN_ROWS: usize = 200;

/// Where an upload is.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Upload {
    Idle,
    Sending(f64),
    Checking,
    Done(Result<RosterPreview, AppError>),
}

fn field_name(i18n: I18nContext<Locale>, f: RowField) -> AnyView {
    match f {
        RowField::Ticket => tr!(i18n, roster_col_ticket).into_any(),
        RowField::Name => tr!(i18n, roster_col_name).into_any(),
        RowField::IdCard => tr!(i18n, roster_col_id_card).into_any(),
        RowField::Room => tr!(i18n, roster_col_room).into_any(),
        RowField::Photo => tr!(i18n, roster_col_photo).into_any(),
    }
}

fn problem(i18n: I18nContext<Locale>, e: &RowError) -> AnyView {
    let other = e.other.unwrap_or(0);
    match e.code {
        RowErrorCode::Required => tr!(i18n, roster_err_required).into_any(),
        RowErrorCode::BadFormat => tr!(i18n, roster_err_bad_format).into_any(),
        RowErrorCode::TooLong => tr!(i18n, roster_err_too_long).into_any(),
        RowErrorCode::BadChecksum => tr!(i18n, roster_err_bad_checksum).into_any(),
        RowErrorCode::DuplicateTicket => {
            t!(i18n, roster_err_duplicate_ticket, line = other).into_any()
        }
        RowErrorCode::DuplicateIdCard => t!(i18n, roster_err_duplicate_id, line = other).into_any(),
        RowErrorCode::UnknownRoom => tr!(i18n, roster_err_unknown_room).into_any(),
        RowErrorCode::PhotoMissing => tr!(i18n, roster_err_photo_missing).into_any(),
        RowErrorCode::PhotoNotImage => tr!(i18n, roster_err_photo_not_image).into_any(),
    }
}

fn file_problem(i18n: I18nContext<Locale>, e: FileError) -> AnyView {
    match e {
        FileError::NoRoster => tr!(i18n, roster_file_no_roster).into_any(),
        FileError::Empty => tr!(i18n, roster_file_empty).into_any(),
        FileError::NotCsv { line } => t!(i18n, roster_file_not_csv, line = line).into_any(),
        FileError::MissingColumn { column } => {
            t!(i18n, roster_file_missing_column, column = column.header()).into_any()
        }
        FileError::TooManyRows { max } => t!(i18n, roster_file_too_many, max = max).into_any(),
        FileError::NotZip => tr!(i18n, roster_file_not_zip).into_any(),
        FileError::BadUpload => tr!(i18n, roster_file_bad_upload).into_any(),
        FileError::RosterTooLarge { max_mb } => {
            t!(i18n, roster_file_too_large, max = max_mb).into_any()
        }
        FileError::PhotosTooLarge { max_mb } => {
            t!(i18n, roster_photos_too_large, max = max_mb).into_any()
        }
    }
}

/// The preview: summary, errors (or the import button), the rows.
#[component]
fn Preview(exam: ExamId, p: RosterPreview) -> impl IntoView {
    let i18n = use_i18n();
    let import = ServerAction::<ImportRoster>::new();
    let staging = p.staging.clone();
    let (rows, added, updated, photos) = (p.rows.len(), p.added, p.updated, p.photos);
    let errors = p.errors.clone();
    let error_count = errors.len();
    let more = rows.saturating_sub(SHOWN_ROWS);
    let unused = (!p.unused_photos.is_empty()).then(|| p.unused_photos.join(", "));
    let result = move || {
        import.value().get().map(|r| match r {
            Ok(o) => view! {
                <p class="notice ok" id="roster-imported">
                    {t!(i18n, roster_imported, added = o.added, updated = o.updated, photos = o.photos)}
                </p>
            }
            .into_any(),
            Err(AppError::NotFound) => view! { <p class="alert" role="alert">{tr!(i18n, roster_expired)}</p> }.into_any(),
            Err(err) => view! { <ErrorText err /> }.into_any(),
        })
    };
    let done = move || import.value().with(|v| matches!(v, Some(Ok(_))));
    view! {
        <section class="roster-preview" id="roster-preview">
            {p.file_error.clone().map(|e| view! { <p class="alert" role="alert" id="roster-file-error">{file_problem(i18n, e)}</p> })}
            {(p.file_error.is_none()).then(|| view! {
                <p class="roster-summary" id="roster-summary">
                    {t!(i18n, roster_summary, rows = rows, added = added, updated = updated, photos = photos)}
                </p>
            })}
            {unused.map(|list| view! { <p class="muted">{t!(i18n, roster_unused, list = list.clone())}</p> })}
            {(error_count > 0).then(|| view! {
                <p class="alert" role="alert" id="roster-problems">{t!(i18n, roster_problems, count = error_count)}</p>
                <table class="data-table roster-errors" id="roster-errors">
                    <thead><tr>
                        <th>{tr!(i18n, roster_col_line)}</th>
                        <th>{tr!(i18n, roster_col_field)}</th>
                        <th>{tr!(i18n, roster_col_problem)}</th>
                    </tr></thead>
                    <tbody>
                        {errors.iter().map(|e| view! {
                            <tr data-line=e.line data-code=format!("{:?}", e.code)>
                                <td>{e.line}</td>
                                <td>{field_name(i18n, e.field)}</td>
                                <td>{problem(i18n, e)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {staging.map(|staging| view! {
                <div class="roster-go">
                    <p class="notice ok">{tr!(i18n, roster_ok)}</p>
                    <button class="primary" id="roster-import"
                        disabled=move || import.pending().get() || done()
                        on:click=move |_| { import.dispatch(ImportRoster { exam, staging: staging.clone() }); }>
                        {move || if import.pending().get() {
                            tr!(i18n, roster_importing).into_any()
                        } else {
                            t!(i18n, roster_import, count = rows).into_any()
                        }}
                    </button>
                    {result}
                </div>
            })}
            {(rows > 0).then(|| view! {
                <table class="data-table roster-rows">
                    <thead><tr>
                        <th>{tr!(i18n, roster_col_line)}</th>
                        <th>{tr!(i18n, roster_col_ticket)}</th>
                        <th>{tr!(i18n, roster_col_name)}</th>
                        <th>{tr!(i18n, roster_col_id_card)}</th>
                        <th>{tr!(i18n, roster_col_room)}</th>
                        <th>{tr!(i18n, roster_col_photo)}</th>
                        <th>{tr!(i18n, roster_col_status)}</th>
                    </tr></thead>
                    <tbody>
                        {p.rows.iter().take(SHOWN_ROWS).map(|r| view! {
                            <tr>
                                <td>{r.line}</td>
                                <td>{r.ticket.clone()}</td>
                                <td>{r.name.clone()}</td>
                                <td><code>{r.id_card.clone()}</code></td>
                                <td>{r.room.clone()}</td>
                                <td>{if r.photo { "✓" } else { "" }}</td>
                                <td>{if r.update { tr!(i18n, roster_update).into_any() } else { tr!(i18n, roster_new).into_any() }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {(more > 0).then(|| view! { <p class="muted">{t!(i18n, roster_more, count = more)}</p> })}
            })}
        </section>
    }
}

/// Sends both chosen files to the preview route (browser only).
#[cfg(feature = "hydrate")]
fn send(
    exam: ExamId,
    csv: NodeRef<leptos::html::Input>,
    zip: NodeRef<leptos::html::Input>,
    state: RwSignal<Upload>,
) {
    let first =
        |r: NodeRef<leptos::html::Input>| r.get().and_then(|i| i.files()).and_then(|f| f.get(0));
    let Ok(form) = web_sys::FormData::new() else { return };
    if let Some(f) = first(csv) {
        let _ = form.append_with_blob_and_filename("roster", &f, &f.name());
    }
    if let Some(f) = first(zip) {
        let _ = form.append_with_blob_and_filename("photos", &f, &f.name());
    }
    state.set(Upload::Sending(0.0));
    super::upload::post_form(
        &format!("/api/admin/exams/{}/roster/preview", exam.0),
        &form,
        move |f| state.set(if f >= 1.0 { Upload::Checking } else { Upload::Sending(f) }),
        move |r| state.set(Upload::Done(r)),
    );
}

#[component]
pub fn RosterPage() -> impl IntoView {
    let i18n = use_i18n();
    let exam = super::exam_param();
    let csv = NodeRef::<leptos::html::Input>::new();
    let zip = NodeRef::<leptos::html::Input>::new();
    let state = RwSignal::new(Upload::Idle);
    let busy = move || matches!(state.get(), Upload::Sending(_) | Upload::Checking);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        send(exam(), csv, zip, state);
    };
    let progress = move || match state.get() {
        Upload::Sending(f) => {
            let pct = (f * 100.0).round() as u32;
            Some(
                view! {
                    <div class="progress" id="roster-progress">
                        <progress max="100" value=pct></progress>
                        <span>{t!(i18n, roster_uploading, pct = pct)}</span>
                    </div>
                }
                .into_any(),
            )
        }
        Upload::Checking => Some(
            view! {
                <div class="progress" id="roster-progress">
                    <progress></progress>
                    <span>{tr!(i18n, roster_checking)}</span>
                </div>
            }
            .into_any(),
        ),
        _ => None,
    };
    let outcome = move || match state.get() {
        Upload::Done(Ok(p)) => Some(view! { <Preview exam=exam() p /> }.into_any()),
        Upload::Done(Err(err)) => Some(crate::pages::staff_view::<()>(Err(err), |_| ().into_any())),
        _ => None,
    };
    view! {
        <section class="page">
            <AdminNav />
            <div class="page-head">
                <div>
                    <h1>{tr!(i18n, roster_title)}</h1>
                    <p class="muted">{tr!(i18n, roster_intro)}</p>
                </div>
                <div class="row">
                    <a class="button" id="roster-slips" href=move || format!("/admin/exams/{}/slips", exam().0)>
                        {tr!(i18n, slips_link)}
                    </a>
                    <a class="button" id="roster-export" href=move || format!("/api/admin/exams/{}/roster.csv", exam().0) download="">
                        {tr!(i18n, roster_export)}
                    </a>
                </div>
            </div>
            <form class="card roster-form" on:submit=on_submit>
                <label>
                    <span>{tr!(i18n, roster_csv_label)}</span>
                    <input type="file" id="roster-file" accept=".csv,text/csv" node_ref=csv />
                </label>
                <label>
                    <span>{tr!(i18n, roster_photos_label)}</span>
                    <input type="file" id="photos-file" accept=".zip,application/zip" node_ref=zip />
                </label>
                <button class="primary" type="submit" id="roster-check" disabled=busy>{tr!(i18n, roster_check)}</button>
                {progress}
            </form>
            {outcome}
        </section>
    }
}
