//! The proctor console's server functions: every action checks the caller may act on the
//! candidate's room (admins everywhere), and goes through `service::console`, which audits
//! it and pushes it live. JSON bodies.
use domain::console::{Audience, ExtraTimeReason, MessageKind};
use domain::flag::{FlagKind, FlagResolution};
use domain::journey::Verification;
use domain::timeline::Timeline;
use domain::{AppError, CandidateId, ExamTimes, Phase, RoomId};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::server::{context, state::AppState};
#[cfg(feature = "ssr")]
use backend::service::console as svc;
#[cfg(feature = "ssr")]
use domain::{Role, StaffUser};

/// The app state and the calling staff member (admin or proctor).
#[cfg(feature = "ssr")]
async fn staff() -> Result<(AppState, StaffUser), AppError> {
    let state = context::app_state()?;
    let user = context::require_staff(&state, &[Role::Admin, Role::Proctor]).await?;
    Ok((state, user))
}

/// Sends a message (or a warning) to one candidate. Returns the message id.
#[server(prefix = "/api", endpoint = "proctor/message", input = Json)]
pub async fn send_message(
    candidate: CandidateId,
    kind: MessageKind,
    body: String,
) -> Result<i64, AppError> {
    super::respond(
        async {
            let (state, user) = staff().await?;
            svc::send_message(&state, &user, candidate, kind, &body).await
        }
        .await,
    )
}

/// Sends a message to every candidate of a room, or (admins) of an exam. Returns how many.
#[server(prefix = "/api", endpoint = "proctor/broadcast", input = Json)]
pub async fn broadcast(audience: Audience, body: String) -> Result<usize, AppError> {
    super::respond(
        async {
            let (state, user) = staff().await?;
            svc::broadcast(&state, &user, audience, &body).await
        }
        .await,
    )
}

/// Raises a flag of a proctor's category with a note; returns its id.
#[server(prefix = "/api", endpoint = "proctor/flag", input = Json)]
pub async fn raise_flag(
    candidate: CandidateId,
    kind: FlagKind,
    note: String,
) -> Result<i64, AppError> {
    super::respond(
        async {
            let (state, user) = staff().await?;
            svc::raise_flag(&state, &user, candidate, kind, &note).await
        }
        .await,
    )
}

/// Resolves or dismisses an open flag with a note.
#[server(prefix = "/api", endpoint = "proctor/close-flag", input = Json)]
pub async fn close_flag(
    flag: i64,
    resolution: FlagResolution,
    note: String,
) -> Result<(), AppError> {
    super::respond(
        async {
            let (state, user) = staff().await?;
            svc::close_flag(&state, &user, flag, resolution, &note).await
        }
        .await,
    )
}

/// Grants extra minutes with a reason; returns the candidate's new times.
#[server(prefix = "/api", endpoint = "proctor/add-time", input = Json)]
pub async fn add_time(
    candidate: CandidateId,
    minutes: i64,
    reason: ExtraTimeReason,
) -> Result<ExamTimes, AppError> {
    super::respond(
        async {
            let (state, user) = staff().await?;
            svc::add_time(&state, &user, candidate, minutes, reason).await
        }
        .await,
    )
}

/// Submits the candidate's exam now, with a reason. Returns the phase and whether it had
/// already been submitted (then nothing changed).
#[server(prefix = "/api", endpoint = "proctor/force-submit", input = Json)]
pub async fn force_submit(
    candidate: CandidateId,
    reason: String,
) -> Result<(Phase, bool), AppError> {
    super::respond(
        async {
            let (state, user) = staff().await?;
            let out = svc::force_submit(&state, &user, candidate, &reason).await?;
            Ok((out.phase, out.already))
        }
        .await,
    )
}

/// The candidate's timeline.
#[server(prefix = "/api", endpoint = "proctor/timeline")]
pub async fn candidate_timeline(candidate: CandidateId) -> Result<Timeline, AppError> {
    super::respond(
        async {
            let (state, user) = staff().await?;
            let c = svc::acting_on(&state, &user, candidate).await?;
            backend::service::timeline::timeline(&state, &c).await
        }
        .await,
    )
}

/// The candidate's verification: status, roster photo, face attempts with scores.
#[server(prefix = "/api", endpoint = "proctor/verification")]
pub async fn candidate_verification(candidate: CandidateId) -> Result<Verification, AppError> {
    super::respond(
        async {
            let (state, user) = staff().await?;
            let c = svc::acting_on(&state, &user, candidate).await?;
            backend::service::timeline::verification(&state, &c).await
        }
        .await,
    )
}

/// The room's exam's quick messages (`None`: the defaults, in the proctor's language).
#[server(prefix = "/api", endpoint = "proctor/quick-messages")]
pub async fn quick_messages(room: RoomId) -> Result<Option<Vec<String>>, AppError> {
    super::respond(
        async {
            let (state, user) = staff().await?;
            let r = backend::access::watched_room(&state, &user, room).await?;
            Ok(state.store.quick_messages(r.exam_id).await?)
        }
        .await,
    )
}
