//! Rows read by the console queries.
use crate::store::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use domain::console::{Audience, MessageKind, MessageRecord};
use domain::flag::{FlagKind, FlagRecord, FlagResolution};
use domain::{ExamId, RoomId};
use sqlx::FromRow;
pub(crate) fn corrupt(s: impl Into<String>) -> StoreError {
    StoreError::Corrupt(s.into())
}

pub(crate) fn kind_of(k: &str) -> StoreResult<FlagKind> {
    FlagKind::parse(k).ok_or_else(|| corrupt(k))
}

pub(crate) fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[derive(FromRow)]
pub(crate) struct FlagRow {
    pub(crate) id: i64,
    pub(crate) kind: String,
    pub(crate) automatic: bool,
    pub(crate) note: Option<String>,
    pub(crate) raised_by: Option<String>,
    pub(crate) raised_at: DateTime<Utc>,
    pub(crate) cleared_at: Option<DateTime<Utc>>,
    pub(crate) resolution: Option<String>,
    pub(crate) resolution_note: Option<String>,
    pub(crate) resolved_by: Option<String>,
}

impl TryFrom<FlagRow> for FlagRecord {
    type Error = StoreError;
    fn try_from(r: FlagRow) -> StoreResult<Self> {
        let resolution = match r.resolution {
            Some(s) => Some(FlagResolution::parse(&s).ok_or_else(|| corrupt(s))?),
            None => None,
        };
        Ok(FlagRecord {
            id: r.id,
            kind: kind_of(&r.kind)?,
            automatic: r.automatic,
            note: r.note,
            raised_by: r.raised_by,
            raised_at: r.raised_at,
            cleared_at: r.cleared_at,
            resolution,
            resolution_note: r.resolution_note,
            resolved_by: r.resolved_by,
        })
    }
}

#[derive(FromRow)]
pub(crate) struct MessageRow {
    pub(crate) id: i64,
    pub(crate) kind: String,
    pub(crate) body: String,
    pub(crate) audience: String,
    pub(crate) room_id: i64,
    pub(crate) exam_id: i64,
    pub(crate) sent_by: String,
    pub(crate) sent_at: DateTime<Utc>,
    pub(crate) delivered_at: Option<DateTime<Utc>>,
    pub(crate) read_at: Option<DateTime<Utc>>,
}

impl TryFrom<MessageRow> for MessageRecord {
    type Error = StoreError;
    fn try_from(r: MessageRow) -> StoreResult<Self> {
        let audience = match r.audience.as_str() {
            "candidate" => Audience::Candidate,
            "room" => Audience::Room(RoomId(r.room_id)),
            "exam" => Audience::Exam(ExamId(r.exam_id)),
            other => return Err(corrupt(other)),
        };
        Ok(MessageRecord {
            id: r.id,
            kind: MessageKind::parse(&r.kind).ok_or_else(|| corrupt(r.kind.clone()))?,
            body: r.body,
            audience,
            sent_by: r.sent_by,
            sent_at: r.sent_at,
            delivered_at: r.delivered_at,
            read_at: r.read_at,
        })
    }
}

pub(crate) const FLAG_COLS: &str = "id, kind, automatic, note, raised_by, raised_at, cleared_at, \
                         resolution, resolution_note, resolved_by";
