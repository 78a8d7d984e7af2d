//! The administrators' server functions: the verification review queue and its length, the
//! roster import (the upload and its check are the plain route
//! `POST /api/admin/exams/{id}/roster/preview`), the exams and their rooms. Admins only.
use crate::domain::audit::{AUDIT_PAGE, AuditEntry, AuditFilter};
use crate::domain::review::{ReviewCase, ReviewDecision, ReviewOutcome};
use crate::domain::roster::ImportOutcome;
use crate::domain::{AppError, CandidateId, ExamId, RoomSummary};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::{Role, StaffUser},
    server::{context, service, state::AppState},
};

/// The app state and the calling administrator.
#[cfg(feature = "ssr")]
async fn admin() -> Result<(AppState, StaffUser), AppError> {
    let state = context::app_state()?;
    let user = context::require_staff(&state, &[Role::Admin]).await?;
    Ok((state, user))
}

/// Every pending verification, the longest-waiting first.
#[server(prefix = "/api", endpoint = "admin/review-queue")]
pub async fn review_queue() -> Result<Vec<ReviewCase>, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            service::review::queue(&state).await
        }
        .await,
    )
}

/// How many verifications wait for a decision.
#[server(prefix = "/api", endpoint = "admin/queue-length")]
pub async fn queue_length() -> Result<i64, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            service::review::queue_length(&state).await
        }
        .await,
    )
}

/// Approves or rejects a pending verification.
#[server(prefix = "/api", endpoint = "admin/decide", input = Json)]
pub async fn decide_review(
    candidate: CandidateId,
    decision: ReviewDecision,
    note: String,
) -> Result<ReviewOutcome, AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::review::decide(&state, &user, candidate, decision, &note).await
        }
        .await,
    )
}

/// Imports a checked roster upload by its staging id.
#[server(prefix = "/api", endpoint = "admin/roster-import", input = Json)]
pub async fn import_roster(exam: ExamId, staging: String) -> Result<ImportOutcome, AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::roster::import(&state, &user, exam, &staging).await
        }
        .await,
    )
}

/// Every room of every exam (admins see all), for the exam pages.
#[server(prefix = "/api", endpoint = "admin/rooms")]
pub async fn all_rooms() -> Result<Vec<RoomSummary>, AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            Ok(state.store.rooms_visible_to(&user).await?)
        }
        .await,
    )
}

/// Audit log entries matching the filter, newest first (a page of `AUDIT_PAGE`).
#[server(prefix = "/api", endpoint = "admin/audit", input = Json)]
pub async fn audit_log(filter: AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            Ok(state.store.audit_entries(&filter.normalised(), AUDIT_PAGE).await?)
        }
        .await,
    )
}
