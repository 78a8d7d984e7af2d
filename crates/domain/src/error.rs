//! `AppError`: the one serialisable error every server function returns. Its variants are
//! codes, never prose: the UI turns each into a sentence in the user's language.
use super::device::ReportError;
use super::face::FaceError;
use super::phase::TransitionError;
use super::presence::View;
use super::signin::SignInMode;
use serde::{Deserialize, Serialize};

/// Which input field a validation error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    ExamCode,
    Ticket,
    Username,
    Password,
    Note,
    IdCard,
    Answers,
    Recorder,
    Message,
    Reason,
    Minutes,
    Category,
    Title,
    Duration,
    EarliestSubmit,
    LateEntry,
    Instructions,
    InstructionsZh,
    Threshold,
    Attempts,
    Camera,
    Sampling,
    Watch,
    Retention,
    Room,
}

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidationCode {
    Required,
    BadFormat,
    TooShort,
    TooLong,
}

/// The error every server function returns. Exhaustive on purpose: the UI's sentence for each
/// variant is a `match` without a fallback, so a new variant cannot ship untranslated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("not logged in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid {field:?}: {code:?}")]
    Validation { field: Field, code: ValidationCode },
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("no exam with that code")]
    UnknownExam,
    #[error("no candidate with that ticket number in this exam")]
    UnknownTicket,
    #[error("too many failed attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("step refused: {0}")]
    Transition(TransitionError),
    #[error("already exists")]
    Conflict,
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error (ref {correlation_id})")]
    Internal { correlation_id: String },
    #[error("request failed: {message}")]
    Request { message: String },
    #[error("face check: {error}")]
    Face { error: FaceError },
    #[error("no attempts left")]
    NoAttemptsLeft,
    #[error("a step before this one is not done: {missing:?}")]
    NotReady { missing: Missing },
    #[error("the photo is too large")]
    PhotoTooLarge,
    #[error("the upload is not a JPEG photo")]
    NotAJpeg,
    #[error("the pairing code is not valid")]
    PairingInvalid,
    #[error("the pairing code has expired")]
    PairingExpired,
    #[error("the pairing code was already used")]
    PairingUsed,
    #[error("ID card number or exam ID does not match")]
    IdentityMismatch,
    #[error("device report refused: {error}")]
    BadReport { error: ReportError },
    #[error("answer refused for question {question_id}")]
    BadAnswer { question_id: String },
    #[error("this exam has no paper yet")]
    NoPaper,
    #[error("this exam does not record video")]
    RecordingOff,
    #[error("the recording chunk is not a WebM video")]
    NotAWebm,
    #[error("recording chunk out of order: {expected} expected")]
    ChunkOutOfOrder { expected: u32 },
    #[error("paper refused: {error}")]
    BadPaper { error: super::paper::PaperError },
    #[error("the exam has started")]
    ExamStarted,
    #[error("this exam also asks for {mode:?}")]
    CredentialRequired { mode: SignInMode },
    #[error("the ticket number and the second credential do not match")]
    CandidateCredentials { mode: SignInMode },
    #[error("this is done on the other device ({expected:?})")]
    WrongDevice { expected: View },
    #[error("the request came from another site")]
    BadOrigin,
    #[error("the request's content type is not accepted here")]
    UnsupportedMediaType,
    #[error("too many uploads; retry in {retry_after_secs} s")]
    UploadRate { retry_after_secs: u64 },
    #[error("the upload quota of this candidate is used up")]
    UploadQuota,
    #[error("the server's storage is nearly full; uploads are paused")]
    StorageFull,
    #[error("the answer's version is ahead of the server's clock")]
    ClockAhead { server_time: chrono::DateTime<chrono::Utc> },
}

/// What must be done before a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    FaceCheck,
    IdentityPhoto,
    DeviceReport,
    PhoneCheck,
    ExamStart,
}

impl From<TransitionError> for AppError {
    fn from(e: TransitionError) -> Self {
        AppError::Transition(e)
    }
}

/// Server functions return `AppError` (the app's build, server and browser alike).
#[cfg(feature = "server-fn")]
impl server_fn::error::FromServerFnError for AppError {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        AppError::Request { message: value.to_string() }
    }
}

/// The one mapping from a typed error to an HTTP response: its status and its JSON code.
/// Plain routes, extractors and the socket upgrades return `AppError` through this.
#[cfg(feature = "http")]
impl axum_core::response::IntoResponse for AppError {
    fn into_response(self) -> axum_core::response::Response {
        let status = http::StatusCode::from_u16(self.status_code())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        // Serialising this enum of codes cannot fail; an empty body if it ever did.
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (status, [(http::header::CONTENT_TYPE, "application/json")], body).into_response()
    }
}

impl AppError {
    /// HTTP status for plain routes and server functions.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthenticated
            | AppError::InvalidCredentials
            | AppError::CredentialRequired { .. }
            | AppError::CandidateCredentials { .. } => 401,
            AppError::Forbidden | AppError::WrongDevice { .. } | AppError::BadOrigin => 403,
            AppError::UnsupportedMediaType => 415,
            AppError::UploadRate { .. } => 429,
            AppError::UploadQuota => 413,
            AppError::StorageFull => 507,
            AppError::ClockAhead { .. } => 409,
            AppError::NotFound | AppError::UnknownExam | AppError::UnknownTicket => 404,
            AppError::Validation { .. } | AppError::Request { .. } => 400,
            AppError::Transition(_) | AppError::Conflict => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Unavailable => 503,
            AppError::Face { error: FaceError::ProviderUnavailable } => 503,
            AppError::Face { .. }
            | AppError::NotAJpeg
            | AppError::IdentityMismatch
            | AppError::BadReport { .. }
            | AppError::BadAnswer { .. }
            | AppError::NotAWebm
            | AppError::BadPaper { .. } => 422,
            AppError::PhotoTooLarge => 413,
            AppError::NoAttemptsLeft
            | AppError::NotReady { .. }
            | AppError::NoPaper
            | AppError::RecordingOff
            | AppError::ChunkOutOfOrder { .. }
            | AppError::ExamStarted => 409,
            AppError::PairingInvalid => 404,
            AppError::PairingExpired | AppError::PairingUsed => 410,
            AppError::Internal { .. } => 500,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialise_as_tagged_codes() {
        let e = AppError::Validation { field: Field::Ticket, code: ValidationCode::Required };
        let json = serde_json::to_string(&e).expect("json");
        assert_eq!(json, r#"{"kind":"validation","field":"ticket","code":"required"}"#);
        let back: AppError = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, e);
    }

    #[test]
    fn status_codes_match_the_meaning() {
        assert_eq!(AppError::Unauthenticated.status_code(), 401);
        assert_eq!(AppError::Forbidden.status_code(), 403);
        assert_eq!(AppError::RateLimited { retry_after_secs: 5 }.status_code(), 429);
    }
}
