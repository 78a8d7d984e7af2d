//! Candidate media: roster photos and the latest camera frames (for the candidate and the
//! staff who may watch the room), evidence frames and recordings (for that staff only).
use app::server::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use backend::access::{self, CurrentStaff};
use domain::camera::DOWN_HEADER_LEN;
use domain::{AppError, CandidateId, View};
use futures::StreamExt;

/// The candidate themselves (either device), or staff who may watch their room. Anyone else
/// gets `NotFound`, as for an id that does not exist; no session at all, `Unauthenticated`.
async fn may_see(state: &AppState, headers: &HeaderMap, id: CandidateId) -> Result<(), AppError> {
    if let Some(who) = access::candidate(state, headers).await? {
        return if who.id == id { Ok(()) } else { Err(AppError::NotFound) };
    }
    require_staff_sees(state, headers, id).await
}

/// A staff member, checked before any id is looked up: a candidate gets `Forbidden`, no
/// session `Unauthenticated`, whatever the id.
async fn require_staff(state: &AppState, headers: &HeaderMap) -> Result<CurrentStaff, AppError> {
    if let Some(who) = access::staff(state, headers).await? {
        return Ok(who);
    }
    match access::candidate(state, headers).await? {
        Some(_) => Err(AppError::Forbidden),
        None => Err(AppError::Unauthenticated),
    }
}

/// Evidence and recordings: staff who may watch the candidate's room only.
async fn require_staff_sees(
    state: &AppState,
    headers: &HeaderMap,
    id: CandidateId,
) -> Result<(), AppError> {
    let who = require_staff(state, headers).await?;
    access::watched_candidate(state, &who.user, id).await.map(|_| ())
}

/// A stored blob, `NotFound` when absent.
async fn blob(state: &AppState, key: &str) -> Result<Vec<u8>, AppError> {
    state
        .blobs
        .get(key)
        .await
        .map_err(|e| AppError::from(backend::error::ServerError::from(e)))?
        .ok_or(AppError::NotFound)
}

pub async fn roster_photo(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let id = CandidateId(id);
    may_see(&state, &headers, id).await?;
    let key = state.store.candidate_photo_key(id).await?;
    let bytes = blob(&state, &key.ok_or(AppError::NotFound)?).await?;
    Ok((
        [
            (header::CONTENT_TYPE, image_type(&bytes)),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        bytes,
    )
        .into_response())
}

/// How long a read of a view's latest frame waits for one (a page connected to this instance
/// answers the relay's ask within a round trip).
const LATEST_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// The content type of a stored photo, from its first bytes.
fn image_type(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) { "image/jpeg" } else { "image/png" }
}

/// `GET /media/candidates/{id}/latest/{view}`: the view's latest camera frame from the
/// relay, for the candidate (the PC page's self-view shows the phone's) and the staff who may
/// watch the candidate's room. The relay keeps a view's frames only while they are read: the
/// first read asks the pages for one and waits up to `LATEST_WAIT` for it. 204 while there
/// is none (the page keeps asking).
pub async fn latest_frame(
    State(state): State<AppState>,
    Path((id, view)): Path<(i64, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let id = CandidateId(id);
    let view = match view.as_str() {
        "pc" => View::Pc,
        "phone" => View::Phone,
        _ => return Err(AppError::NotFound),
    };
    may_see(&state, &headers, id).await?;
    let Some(frame) = state.frames.latest(id, view, LATEST_WAIT).await else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let jpeg = frame.slice(DOWN_HEADER_LEN..);
    Ok(([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "no-store")], jpeg)
        .into_response())
}

/// `GET /media/evidence/{id}`: a kept evidence frame, for staff who may watch the room.
pub async fn evidence(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    require_staff(&state, &headers).await?;
    let (candidate, key) = state.store.evidence_blob(id).await?.ok_or(AppError::NotFound)?;
    require_staff_sees(&state, &headers, candidate).await?;
    let bytes = blob(&state, &key).await?;
    Ok((
        [(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "private, max-age=86400")],
        bytes,
    )
        .into_response())
}

/// `GET /media/face-attempts/{id}`: a face verification photo, for staff who may watch the
/// candidate's room (the proctor's and reviewer's side-by-side view).
pub async fn face_attempt(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    require_staff(&state, &headers).await?;
    let (candidate, key) = state.store.face_attempt_photo(id).await?.ok_or(AppError::NotFound)?;
    require_staff_sees(&state, &headers, candidate).await?;
    if key.is_empty() {
        // Deleted by the retention purge.
        return Err(AppError::NotFound);
    }
    let bytes = blob(&state, &key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, image_type(&bytes)),
            (header::CACHE_CONTROL, "private, max-age=86400"),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /media/recordings/{id}`: a recording as one WebM stream (its chunks in order), for
/// staff who may watch the candidate's room.
pub async fn recording(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    require_staff(&state, &headers).await?;
    let (candidate, prefix, chunks) =
        state.store.recording_blobs(id).await?.ok_or(AppError::NotFound)?;
    require_staff_sees(&state, &headers, candidate).await?;
    let blobs = state.blobs.clone();
    let stream = futures::stream::iter(0..chunks).then(move |seq| {
        let blobs = blobs.clone();
        let key = backend::service::recording::chunk_key(&prefix, seq);
        async move {
            match blobs.get(&key).await {
                Ok(Some(b)) => Ok(axum::body::Bytes::from(b)),
                Ok(None) => Err(std::io::Error::new(std::io::ErrorKind::NotFound, key)),
                Err(e) => Err(e),
            }
        }
    });
    Ok((
        [(header::CONTENT_TYPE, "video/webm"), (header::CACHE_CONTROL, "private, no-cache")],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}
