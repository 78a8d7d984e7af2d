//! The exam screen: the paper with saved answers, saving answers, submitting.
use domain::sitting::{AnswerAck, AnswerSave, ExamSheet};
use domain::{AppError, Phase};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::server::context;
#[cfg(feature = "ssr")]
use backend::service::sitting as svc;

/// Opens the exam (at the start time) and returns the paper with the saved answers.
#[server(prefix = "/api", endpoint = "exam/sheet")]
pub async fn load_exam_sheet() -> Result<ExamSheet, AppError> {
    super::respond(
        async {
            let state = context::app_state()?;
            let id = context::require_candidate(&state).await?;
            svc::exam_sheet(&state, id).await
        }
        .await,
    )
}

/// Saves answers (batched, versioned, idempotent).
#[server(prefix = "/api", endpoint = "exam/save", input = Json)]
pub async fn save_answers(saves: Vec<AnswerSave>) -> Result<Vec<AnswerAck>, AppError> {
    super::respond(
        async {
            let state = context::app_state()?;
            let id = context::require_candidate(&state).await?;
            svc::save_answers(&state, id, saves).await
        }
        .await,
    )
}

/// The candidate's Submit.
#[server(prefix = "/api", endpoint = "exam/submit")]
pub async fn submit_exam() -> Result<Phase, AppError> {
    super::respond(
        async {
            let state = context::app_state()?;
            let id = context::require_candidate(&state).await?;
            svc::submit(&state, id).await
        }
        .await,
    )
}
