//! Rows read by the camera queries.
use crate::store::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use domain::View;
use domain::camera::{EvidenceFrame, EvidenceReason};
use domain::flag::FlagKind;
use sqlx::FromRow;
#[derive(FromRow)]
pub(crate) struct EvidenceRow {
    pub(crate) id: i64,
    pub(crate) view: String,
    pub(crate) seq: i64,
    pub(crate) captured_at: DateTime<Utc>,
    pub(crate) received_at: DateTime<Utc>,
    pub(crate) reason: String,
    pub(crate) width: i64,
    pub(crate) height: i64,
}

impl TryFrom<EvidenceRow> for EvidenceFrame {
    type Error = StoreError;
    fn try_from(r: EvidenceRow) -> StoreResult<Self> {
        let view = view_of(&r.view)?;
        let reason = match r.reason.as_str() {
            "sample" => EvidenceReason::Sample,
            "flag" => EvidenceReason::Flag,
            other => return Err(StoreError::Corrupt(other.to_string())),
        };
        let num = |v: i64| u16::try_from(v).map_err(|_| StoreError::Corrupt(v.to_string()));
        Ok(EvidenceFrame {
            id: r.id,
            view,
            seq: u32::try_from(r.seq).map_err(|_| StoreError::Corrupt(r.seq.to_string()))?,
            captured_at: r.captured_at,
            received_at: r.received_at,
            reason,
            width: num(r.width)?,
            height: num(r.height)?,
        })
    }
}

pub(crate) fn view_of(v: &str) -> StoreResult<View> {
    match v {
        "pc" => Ok(View::Pc),
        "phone" => Ok(View::Phone),
        other => Err(StoreError::Corrupt(other.to_string())),
    }
}

pub(crate) type RecordingRow = (i64, String, DateTime<Utc>, DateTime<Utc>, i64, i64);

pub(crate) fn kinds(rows: Vec<String>) -> StoreResult<Vec<FlagKind>> {
    rows.into_iter().map(|k| FlagKind::parse(&k).ok_or(StoreError::Corrupt(k))).collect()
}
