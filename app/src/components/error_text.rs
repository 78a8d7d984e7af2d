//! Turns an `AppError` code into a sentence in the user's language.
use crate::i18n::*;
use domain::face::{FaceError, PhotoRole};
use domain::paper::PaperErrorCode;
use domain::signin::SignInMode;
use domain::{AppError, Field, TransitionError, ValidationCode, View};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

fn field_name(i18n: I18nContext<Locale>, field: Field) -> String {
    match field {
        Field::ExamCode => t_string!(i18n, exam_code_label).to_string(),
        Field::Ticket => t_string!(i18n, ticket_label).to_string(),
        Field::Username => t_string!(i18n, username_label).to_string(),
        Field::Password => t_string!(i18n, password_label).to_string(),
        Field::Note => t_string!(i18n, note_label).to_string(),
        Field::IdCard => t_string!(i18n, id_card_label).to_string(),
        Field::Answers => t_string!(i18n, answers_label).to_string(),
        Field::Recorder => t_string!(i18n, recordings_title).to_string(),
        Field::Message => t_string!(i18n, console_message_label).to_string(),
        Field::Reason => t_string!(i18n, console_reason_label).to_string(),
        Field::Minutes => t_string!(i18n, console_minutes_label).to_string(),
        Field::Category => t_string!(i18n, console_category_label).to_string(),
        Field::Title => t_string!(i18n, exam_title_label).to_string(),
        Field::Duration => t_string!(i18n, exam_duration_label).to_string(),
        Field::EarliestSubmit => t_string!(i18n, exam_earliest_label).to_string(),
        Field::LateEntry => t_string!(i18n, exam_late_label).to_string(),
        Field::Instructions => t_string!(i18n, exam_instructions_label).to_string(),
        Field::InstructionsZh => t_string!(i18n, exam_instructions_zh_label).to_string(),
        Field::Threshold => t_string!(i18n, exam_threshold_label).to_string(),
        Field::Attempts => t_string!(i18n, exam_attempts_label).to_string(),
        Field::Camera => t_string!(i18n, exam_camera_label).to_string(),
        Field::Sampling => t_string!(i18n, exam_sampling_label).to_string(),
        Field::Watch => t_string!(i18n, exam_watch_label).to_string(),
        Field::Retention => t_string!(i18n, exam_retention_label).to_string(),
        Field::Room => t_string!(i18n, roster_col_room).to_string(),
    }
}

/// The message for `err`, as a view.
pub fn error_message(i18n: I18nContext<Locale>, err: AppError) -> AnyView {
    match err {
        AppError::Unauthenticated => tr!(i18n, err_unauthenticated).into_any(),
        AppError::Forbidden => tr!(i18n, err_forbidden).into_any(),
        AppError::NotFound => tr!(i18n, err_not_found).into_any(),
        AppError::InvalidCredentials => tr!(i18n, err_invalid_credentials).into_any(),
        AppError::UnknownExam => tr!(i18n, err_unknown_exam).into_any(),
        AppError::UnknownTicket => tr!(i18n, err_unknown_ticket).into_any(),
        AppError::RateLimited { retry_after_secs } => {
            t!(i18n, err_rate_limited, secs = move || retry_after_secs).into_any()
        }
        AppError::Validation { field, code } => {
            let name = move || field_name(i18n, field);
            match code {
                ValidationCode::Required => t!(i18n, err_required, field = name).into_any(),
                ValidationCode::BadFormat => t!(i18n, err_bad_format, field = name).into_any(),
                ValidationCode::TooShort => t!(i18n, err_too_short, field = name).into_any(),
                ValidationCode::TooLong => t!(i18n, err_too_long, field = name).into_any(),
            }
        }
        AppError::Transition(TransitionError::EntryClosed) => {
            tr!(i18n, err_entry_closed).into_any()
        }
        AppError::Transition(TransitionError::AlreadySubmitted) => {
            tr!(i18n, err_already_submitted).into_any()
        }
        AppError::Conflict => tr!(i18n, err_conflict).into_any(),
        AppError::Unavailable => tr!(i18n, err_unavailable).into_any(),
        AppError::Internal { correlation_id } => {
            t!(i18n, err_internal, id = move || correlation_id.clone()).into_any()
        }
        AppError::Request { .. } => tr!(i18n, err_request).into_any(),
        AppError::Transition(TransitionError::NotStarted) => tr!(i18n, err_not_started).into_any(),
        AppError::Transition(TransitionError::SubmitTooEarly) => {
            tr!(i18n, err_submit_too_early).into_any()
        }
        AppError::Face { error } => match error {
            FaceError::NoFace { photo: PhotoRole::Live } => tr!(i18n, err_face_none).into_any(),
            FaceError::SeveralFaces { photo: PhotoRole::Live, .. } => {
                tr!(i18n, err_face_several).into_any()
            }
            FaceError::BadImage { photo: PhotoRole::Live } => tr!(i18n, err_not_jpeg).into_any(),
            FaceError::ProviderUnavailable => tr!(i18n, err_face_unavailable).into_any(),
            _ => tr!(i18n, err_face_reference).into_any(),
        },
        AppError::NoAttemptsLeft => tr!(i18n, err_no_attempts_left).into_any(),
        AppError::NotReady { .. } => tr!(i18n, err_not_ready).into_any(),
        AppError::PhotoTooLarge => tr!(i18n, err_photo_too_large).into_any(),
        AppError::NotAJpeg => tr!(i18n, err_not_jpeg).into_any(),
        AppError::PairingInvalid => tr!(i18n, err_pairing_invalid).into_any(),
        AppError::PairingExpired => tr!(i18n, err_pairing_expired).into_any(),
        AppError::PairingUsed => tr!(i18n, err_pairing_used).into_any(),
        AppError::IdentityMismatch => tr!(i18n, err_identity_mismatch).into_any(),
        AppError::BadReport { .. } => tr!(i18n, err_bad_report).into_any(),
        AppError::BadAnswer { .. } => tr!(i18n, err_bad_answer).into_any(),
        AppError::NoPaper => tr!(i18n, err_no_paper).into_any(),
        AppError::RecordingOff => tr!(i18n, err_recording_off).into_any(),
        AppError::NotAWebm => tr!(i18n, err_not_webm).into_any(),
        AppError::ChunkOutOfOrder { .. } => tr!(i18n, err_chunk_order).into_any(),
        AppError::Transition(TransitionError::DeadlinePassed) => {
            tr!(i18n, err_deadline_passed).into_any()
        }
        AppError::Transition(_) => tr!(i18n, err_transition).into_any(),
        AppError::BadPaper { error } => {
            let at = error.path.clone();
            view! {
                {t!(i18n, paper_error_at, line = error.line, column = error.column, path = at.clone())}
                " " {paper_code(i18n, error.code)}
            }
            .into_any()
        }
        AppError::ExamStarted => tr!(i18n, err_exam_started).into_any(),
        AppError::CredentialRequired { mode: SignInMode::TicketAccessCode } => {
            tr!(i18n, err_credential_required_code).into_any()
        }
        AppError::CredentialRequired { .. } => tr!(i18n, err_credential_required_id).into_any(),
        AppError::CandidateCredentials { mode: SignInMode::TicketAccessCode } => {
            tr!(i18n, err_candidate_credentials_code).into_any()
        }
        AppError::CandidateCredentials { .. } => tr!(i18n, err_candidate_credentials_id).into_any(),
        AppError::WrongDevice { expected: View::Phone } => {
            tr!(i18n, err_wrong_device_phone).into_any()
        }
        AppError::WrongDevice { expected: View::Pc } => tr!(i18n, err_wrong_device_pc).into_any(),
        AppError::BadOrigin => tr!(i18n, err_bad_origin).into_any(),
        AppError::UnsupportedMediaType => tr!(i18n, err_unsupported_media).into_any(),
        AppError::UploadRate { retry_after_secs } => {
            t!(i18n, err_upload_rate, secs = move || retry_after_secs).into_any()
        }
        AppError::UploadQuota => tr!(i18n, err_upload_quota).into_any(),
        AppError::StorageFull => tr!(i18n, err_storage_full).into_any(),
        AppError::ClockAhead { .. } => tr!(i18n, err_clock_ahead).into_any(),
    }
}

/// What is wrong with a paper, in the user's language.
pub fn paper_code(i18n: I18nContext<Locale>, code: PaperErrorCode) -> AnyView {
    use PaperErrorCode as C;
    match code {
        C::Syntax => tr!(i18n, paper_err_syntax).into_any(),
        C::WrongType => tr!(i18n, paper_err_wrong_type).into_any(),
        C::WrongFormatVersion => tr!(i18n, paper_err_wrong_format_version).into_any(),
        C::MissingField => tr!(i18n, paper_err_missing_field).into_any(),
        C::UnknownField => tr!(i18n, paper_err_unknown_field).into_any(),
        C::UnknownKind => tr!(i18n, paper_err_unknown_kind).into_any(),
        C::EmptyText => tr!(i18n, paper_err_empty_text).into_any(),
        C::TextTooLong => tr!(i18n, paper_err_text_too_long).into_any(),
        C::BadId => tr!(i18n, paper_err_bad_id).into_any(),
        C::DuplicateQuestionId => tr!(i18n, paper_err_duplicate_question_id).into_any(),
        C::DuplicateOptionId => tr!(i18n, paper_err_duplicate_option_id).into_any(),
        C::TooFewOptions => tr!(i18n, paper_err_too_few_options).into_any(),
        C::TooManyOptions => tr!(i18n, paper_err_too_many_options).into_any(),
        C::BadBlankCount => tr!(i18n, paper_err_bad_blank_count).into_any(),
        C::BlankMarkersMismatch => tr!(i18n, paper_err_blank_markers_mismatch).into_any(),
        C::BadMaxChars => tr!(i18n, paper_err_bad_max_chars).into_any(),
        C::BadPoints => tr!(i18n, paper_err_bad_points).into_any(),
        C::EmptySection => tr!(i18n, paper_err_empty_section).into_any(),
        C::NoQuestions => tr!(i18n, paper_err_no_questions).into_any(),
        C::TooManyQuestions => tr!(i18n, paper_err_too_many_questions).into_any(),
    }
}

/// An alert box showing `err` in the user's language.
#[component]
pub fn ErrorText(err: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="alert" role="alert">{error_message(i18n, err)}</p> }
}
