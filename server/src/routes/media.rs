//! Roster photos, for staff who may watch the candidate's room and for the candidate.
use super::ApiError;
use app::domain::{AppError, CandidateId};
use app::server::auth::{CANDIDATE_COOKIE, STAFF_COOKIE, cookie_value};
use app::server::service::auth as svc;
use app::server::state::AppState;
use app::server::store::SessionOwner;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

async fn may_see(state: &AppState, headers: &HeaderMap, id: CandidateId) -> Result<bool, AppError> {
    if let Some(token) = cookie_value(headers, CANDIDATE_COOKIE)
        && svc::session_owner(state, &token).await? == Some(SessionOwner::Candidate(id))
    {
        return Ok(true);
    }
    if let Some(token) = cookie_value(headers, STAFF_COOKIE)
        && let Some(user) = svc::staff_for_token(state, &token).await?
    {
        let c = state.store.candidate(id).await?.ok_or(AppError::NotFound)?;
        return svc::may_watch(state, &user, c.room_id).await;
    }
    Err(AppError::Unauthenticated)
}

pub async fn roster_photo(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = CandidateId(id);
    if !may_see(&state, &headers, id).await? {
        return Err(AppError::Forbidden.into());
    }
    let key = state.store.candidate_photo_key(id).await.map_err(AppError::from)?;
    let key = key.ok_or(AppError::NotFound)?;
    let bytes = state
        .blobs
        .get(&key)
        .await
        .map_err(|e| AppError::from(app::server::error::ServerError::from(e)))?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, image_type(&bytes)),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        bytes,
    )
        .into_response())
}

/// The content type of a stored photo, from its first bytes.
fn image_type(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) { "image/jpeg" } else { "image/png" }
}

/// `GET /media/candidates/{id}/phone-snapshot`: the phone's latest picture, for the
/// candidate (the PC page's self-view) and the staff who may watch the candidate's room.
pub async fn phone_snapshot(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = CandidateId(id);
    if !may_see(&state, &headers, id).await? {
        return Err(AppError::Forbidden.into());
    }
    // No picture yet: 204 (the page keeps asking), not an error.
    let Some(snap) = state.snapshots.phone(id) else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    Ok((
        [(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "no-store")],
        snap.jpeg.as_ref().clone(),
    )
        .into_response())
}
