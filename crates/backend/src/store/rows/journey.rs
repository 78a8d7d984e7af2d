//! Rows read by the journey queries.
use crate::store::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use domain::View;
use domain::face::FaceDecision;
use domain::journey::FaceAttempt;
use sqlx::FromRow;
#[derive(FromRow)]
pub(crate) struct AttemptRow {
    pub(crate) id: i64,
    pub(crate) view: String,
    pub(crate) decision: Option<String>,
    pub(crate) error_code: Option<String>,
    pub(crate) distance: Option<f64>,
    pub(crate) provider: String,
    pub(crate) model_version: String,
    pub(crate) match_below: f64,
    pub(crate) review_below: f64,
    pub(crate) at: DateTime<Utc>,
}

impl TryFrom<AttemptRow> for FaceAttempt {
    type Error = StoreError;
    fn try_from(r: AttemptRow) -> StoreResult<Self> {
        let view = match r.view.as_str() {
            "pc" => View::Pc,
            "phone" => View::Phone,
            other => return Err(StoreError::Corrupt(other.to_string())),
        };
        let decision = match r.decision {
            Some(d) => Some(FaceDecision::parse(&d).ok_or(StoreError::Corrupt(d))?),
            None => None,
        };
        Ok(FaceAttempt {
            id: r.id,
            view,
            decision,
            error_code: r.error_code,
            distance: r.distance.map(|d| d as f32),
            provider: r.provider,
            model_version: r.model_version,
            match_below: r.match_below as f32,
            review_below: r.review_below as f32,
            at: r.at,
        })
    }
}
