//! Uploads from the candidate's pages as raw bodies: face verification photos (PC or phone)
//! and the identity photo (JPEG, 2 MiB), and recording chunks (WebM, 4 MiB). Each route sets
//! its own body limit.
use app::server::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use backend::access::CurrentCandidate;
use backend::service::journey;
use domain::journey::FaceCheck;
use domain::{AppError, View};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct FaceQuery {
    view: View,
}

/// `POST /api/candidate/face?view=pc|phone`: one verification attempt, from the device of
/// that view (the phone's check needs the paired phone's session).
pub async fn face_photo(
    State(state): State<AppState>,
    Query(q): Query<FaceQuery>,
    who: CurrentCandidate,
    body: Bytes,
) -> Result<Json<FaceCheck>, AppError> {
    let who = who.on(q.view)?;
    Ok(Json(journey::verify_face(&state, who.id, q.view, body.to_vec()).await?))
}

/// `POST /api/candidate/identity-photo`: the photo taken under the video (step 4).
pub async fn identity_photo(
    State(state): State<AppState>,
    who: CurrentCandidate,
    body: Bytes,
) -> Result<Json<()>, AppError> {
    let who = who.on(View::Pc)?;
    journey::identity_photo(&state, who.id, body.to_vec()).await?;
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
    who: CurrentCandidate,
    body: Bytes,
) -> Result<Json<domain::recording::ChunkAck>, AppError> {
    let who = who.on(q.view)?;
    let ack = backend::service::recording::add_chunk(
        &state,
        who.id,
        q.view,
        &q.recorder,
        q.seq,
        body.to_vec(),
    )
    .await?;
    Ok(Json(ack))
}
