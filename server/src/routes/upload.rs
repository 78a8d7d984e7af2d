//! Uploads from the candidate's pages as raw bodies: face verification photos (PC or phone)
//! and the identity photo (JPEG, 2 MiB), and recording chunks (WebM, 4 MiB). Each route sets
//! its own body limit.
use super::ApiError;
use app::domain::journey::FaceCheck;
use app::domain::{AppError, CandidateId, View};
use app::server::auth::{CANDIDATE_COOKIE, cookie_value};
use app::server::service::{auth as svc, journey};
use app::server::state::AppState;
use app::server::store::SessionOwner;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use serde::Deserialize;

async fn candidate(state: &AppState, headers: &HeaderMap) -> Result<CandidateId, AppError> {
    let token = cookie_value(headers, CANDIDATE_COOKIE).ok_or(AppError::Unauthenticated)?;
    match svc::session_owner(state, &token).await? {
        Some(SessionOwner::Candidate(id)) => Ok(id),
        _ => Err(AppError::Unauthenticated),
    }
}

#[derive(Deserialize)]
pub struct FaceQuery {
    view: View,
}

/// `POST /api/candidate/face?view=pc|phone`: one verification attempt.
pub async fn face_photo(
    State(state): State<AppState>,
    Query(q): Query<FaceQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<FaceCheck>, ApiError> {
    let id = candidate(&state, &headers).await?;
    Ok(Json(journey::verify_face(&state, id, q.view, body.to_vec()).await?))
}

/// `POST /api/candidate/identity-photo`: the photo taken under the video (step 4).
pub async fn identity_photo(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<()>, ApiError> {
    let id = candidate(&state, &headers).await?;
    journey::identity_photo(&state, id, body.to_vec()).await?;
    Ok(Json(()))
}

#[derive(Deserialize)]
pub struct ChunkQuery {
    view: View,
    recorder: String,
    seq: u32,
}

/// `POST /api/candidate/recording?view=&recorder=&seq=`: one WebM chunk of a recording, in
/// order; a retried chunk is acknowledged again, a gap gets 409 with the one expected.
pub async fn recording_chunk(
    State(state): State<AppState>,
    Query(q): Query<ChunkQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<app::domain::recording::ChunkAck>, ApiError> {
    let id = candidate(&state, &headers).await?;
    let ack = app::server::service::recording::add_chunk(
        &state,
        id,
        q.view,
        &q.recorder,
        q.seq,
        body.to_vec(),
    )
    .await?;
    Ok(Json(ack))
}
