//! Turns an `AppError` code into a sentence in the user's language.
use crate::domain::{AppError, Field, TransitionError, ValidationCode};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

fn field_name(i18n: I18nContext<Locale>, field: Field) -> String {
    match field {
        Field::ExamCode => t_string!(i18n, exam_code_label).to_string(),
        Field::Ticket => t_string!(i18n, ticket_label).to_string(),
        Field::Username => t_string!(i18n, username_label).to_string(),
        Field::Password => t_string!(i18n, password_label).to_string(),
    }
}

/// The message for `err`, as a view.
pub fn error_message(i18n: I18nContext<Locale>, err: AppError) -> AnyView {
    match err {
        AppError::Unauthenticated => t!(i18n, err_unauthenticated).into_any(),
        AppError::Forbidden => t!(i18n, err_forbidden).into_any(),
        AppError::NotFound => t!(i18n, err_not_found).into_any(),
        AppError::InvalidCredentials => t!(i18n, err_invalid_credentials).into_any(),
        AppError::UnknownExam => t!(i18n, err_unknown_exam).into_any(),
        AppError::UnknownTicket => t!(i18n, err_unknown_ticket).into_any(),
        AppError::RateLimited { retry_after_secs } => {
            t!(i18n, err_rate_limited, secs = move || retry_after_secs).into_any()
        }
        AppError::Validation { field, code } => {
            let name = move || field_name(i18n, field);
            match code {
                ValidationCode::Required => t!(i18n, err_required, field = name).into_any(),
                ValidationCode::BadFormat => t!(i18n, err_bad_format, field = name).into_any(),
                ValidationCode::TooShort => t!(i18n, err_too_short, field = name).into_any(),
            }
        }
        AppError::Transition(TransitionError::EntryClosed) => t!(i18n, err_entry_closed).into_any(),
        AppError::Transition(TransitionError::AlreadySubmitted) => {
            t!(i18n, err_already_submitted).into_any()
        }
        AppError::Transition(_) => t!(i18n, err_transition).into_any(),
        AppError::Conflict => t!(i18n, err_conflict).into_any(),
        AppError::Unavailable => t!(i18n, err_unavailable).into_any(),
        AppError::Internal { correlation_id } => {
            t!(i18n, err_internal, id = move || correlation_id.clone()).into_any()
        }
        AppError::Request { .. } => t!(i18n, err_request).into_any(),
    }
}

/// An alert box showing `err` in the user's language.
#[component]
pub fn ErrorText(err: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="alert" role="alert">{error_message(i18n, err)}</p> }
}
