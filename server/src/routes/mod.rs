//! Plain axum routes beside the Leptos pages: health, WebSockets, media.
pub mod health;
pub mod media;
pub mod ws_candidate;
pub mod ws_proctor;

use app::domain::AppError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An `AppError` as an HTTP response: its status and its JSON code.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.0)).into_response()
    }
}
