//! What proctors read about one candidate of their rooms.
use domain::device::DeviceReport;
use domain::{AppError, CandidateId};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{context, state::AppState};
#[cfg(feature = "ssr")]
use backend::access;
#[cfg(feature = "ssr")]
use domain::Role;

/// The app state, after checking that the caller is staff who may watch `candidate`'s room.
#[cfg(feature = "ssr")]
async fn watching(candidate: CandidateId) -> Result<AppState, AppError> {
    let state = context::app_state()?;
    let user = context::require_staff(&state, &[Role::Admin, Role::Proctor]).await?;
    access::watched_candidate(&state, &user, candidate).await?;
    Ok(state)
}

/// The candidate's latest device report, for staff who may watch the candidate's room.
#[server(prefix = "/api", endpoint = "proctor/device-report")]
pub async fn candidate_device_report(
    candidate: CandidateId,
) -> Result<Option<DeviceReport>, AppError> {
    super::respond(
        async {
            let state = watching(candidate).await?;
            Ok(match state.store.latest_device_report(candidate).await? {
                Some((json, _)) => serde_json::from_str(&json).ok(),
                None => None,
            })
        }
        .await,
    )
}

/// The candidate's kept evidence frames (oldest first), for staff who may watch the room.
#[server(prefix = "/api", endpoint = "proctor/evidence")]
pub async fn candidate_evidence(
    candidate: CandidateId,
) -> Result<Vec<domain::camera::EvidenceFrame>, AppError> {
    super::respond(
        async {
            let state = watching(candidate).await?;
            Ok(state.store.evidence(candidate).await?)
        }
        .await,
    )
}

/// The candidate's video recordings, for staff who may watch the room.
#[server(prefix = "/api", endpoint = "proctor/recordings")]
pub async fn candidate_recordings(
    candidate: CandidateId,
) -> Result<Vec<domain::recording::Recording>, AppError> {
    super::respond(
        async {
            let state = watching(candidate).await?;
            Ok(state.store.recordings(candidate).await?)
        }
        .await,
    )
}
