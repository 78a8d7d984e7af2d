// The queries of [`ConsoleStore`](crate::store::ConsoleStore), written once for both stores:
// `sqlite.rs` and `postgres.rs` include this file in a module where `DbStore` names their store.
use crate::store::StoreResult;
use crate::store::console::{AuditRow, ConsoleStore, NewAudit, NewMessage, TileExtras};
use crate::store::rows::console::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::console::{CandidateEvent, CandidateMessage, HandRaise, MessageKind, MessageRecord};
use domain::flag::{FlagKind, FlagRecord, FlagResolution, OpenFlag};
use domain::integrity::ScoredFlag;
use domain::timeline::PhaseStep;
use domain::{CandidateId, ExamId, Phase, RoomId};
use std::collections::HashMap;

#[async_trait]
impl ConsoleStore for DbStore {
    async fn add_flag(
        &self,
        c: CandidateId,
        kind: FlagKind,
        note: Option<&str>,
        by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let id = sqlx::query_scalar(
            "INSERT INTO flags (candidate_id, kind, automatic, note, raised_by, raised_at) \
             VALUES ($1, $2, FALSE, $3, $4, $5) RETURNING id",
        )
        .bind(c)
        .bind(kind.as_str())
        .bind(note)
        .bind(by)
        .bind(at)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn close_flag(
        &self,
        id: i64,
        resolution: FlagResolution,
        note: Option<&str>,
        by: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE flags SET cleared_at = COALESCE(cleared_at, $1), resolution = $2, \
             resolution_note = $3, resolved_by = $4 WHERE id = $5 AND resolution IS NULL",
        )
        .bind(at)
        .bind(resolution.as_str())
        .bind(note)
        .bind(by)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    async fn flag_candidate(&self, id: i64) -> StoreResult<Option<CandidateId>> {
        let c: Option<i64> = sqlx::query_scalar("SELECT candidate_id FROM flags WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(c.map(CandidateId))
    }

    async fn flags(&self, c: CandidateId) -> StoreResult<Vec<FlagRecord>> {
        let sql = format!("SELECT {FLAG_COLS} FROM flags WHERE candidate_id = $1 ORDER BY id");
        let rows: Vec<FlagRow> = sqlx::query_as(&sql).bind(c).fetch_all(&self.pool).await?;
        rows.into_iter().map(FlagRecord::try_from).collect()
    }

    async fn add_messages(&self, rows: &[NewMessage]) -> StoreResult<Vec<i64>> {
        let mut tx = self.write().await?;
        let mut ids = Vec::with_capacity(rows.len());
        for m in rows {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO messages (candidate_id, kind, body, audience, sent_by, sent_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(m.candidate)
            .bind(m.kind.as_str())
            .bind(&m.body)
            .bind(m.audience)
            .bind(&m.sent_by)
            .bind(m.at)
            .fetch_one(&mut *tx)
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn unread_messages(&self, c: CandidateId) -> StoreResult<Vec<CandidateMessage>> {
        let rows: Vec<(i64, String, String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT id, kind, body, sent_at FROM messages \
             WHERE candidate_id = $1 AND read_at IS NULL ORDER BY id",
        )
        .bind(c)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, kind, body, sent_at)| {
                let kind = MessageKind::parse(&kind).ok_or_else(|| corrupt(kind))?;
                Ok(CandidateMessage { id, kind, body, sent_at })
            })
            .collect()
    }

    async fn mark_delivered(&self, ids: &[i64], at: DateTime<Utc>) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(()); // no write lock for nothing (a socket's reconnect, usually)
        }
        let mut tx = self.write().await?;
        for id in ids {
            sqlx::query(
                "UPDATE messages SET delivered_at = $1 WHERE id = $2 AND delivered_at IS NULL",
            )
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn mark_read(&self, c: CandidateId, id: i64, at: DateTime<Utc>) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE messages SET read_at = $1, delivered_at = COALESCE(delivered_at, $2) \
             WHERE id = $3 AND candidate_id = $4 AND read_at IS NULL",
        )
        .bind(at)
        .bind(at)
        .bind(id)
        .bind(c)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    async fn messages(&self, c: CandidateId) -> StoreResult<Vec<MessageRecord>> {
        let rows: Vec<MessageRow> = sqlx::query_as(
            "SELECT m.id, m.kind, m.body, m.audience, c.room_id, c.exam_id, m.sent_by, \
             m.sent_at, m.delivered_at, m.read_at \
             FROM messages m JOIN candidates c ON c.id = m.candidate_id \
             WHERE m.candidate_id = $1 ORDER BY m.id",
        )
        .bind(c)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(MessageRecord::try_from).collect()
    }

    async fn raise_hand(&self, c: CandidateId, at: DateTime<Utc>) -> StoreResult<bool> {
        let n = sqlx::query(
            "INSERT INTO hand_raises (candidate_id, raised_at) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(c)
        .bind(at)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    async fn answer_hand(&self, c: CandidateId, by: &str, at: DateTime<Utc>) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE hand_raises SET answered_at = $1, answered_by = $2 \
             WHERE candidate_id = $3 AND answered_at IS NULL",
        )
        .bind(at)
        .bind(by)
        .bind(c)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n > 0)
    }

    async fn hands(&self, c: CandidateId) -> StoreResult<Vec<HandRaise>> {
        let rows: Vec<(i64, DateTime<Utc>, Option<DateTime<Utc>>, Option<String>)> =
            sqlx::query_as(
                "SELECT id, raised_at, answered_at, answered_by FROM hand_raises \
                 WHERE candidate_id = $1 ORDER BY id",
            )
            .bind(c)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, raised_at, answered_at, answered_by)| HandRaise {
                id,
                raised_at,
                answered_at,
                answered_by,
            })
            .collect())
    }

    async fn add_event(
        &self,
        c: CandidateId,
        event: &CandidateEvent,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let json = serde_json::to_string(event).map_err(|e| corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO candidate_events (candidate_id, event_json, at) VALUES ($1, $2, $3)",
        )
        .bind(c)
        .bind(json)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn events(&self, c: CandidateId) -> StoreResult<Vec<(DateTime<Utc>, CandidateEvent)>> {
        let rows: Vec<(String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT event_json, at FROM candidate_events WHERE candidate_id = $1 ORDER BY id",
        )
        .bind(c)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(json, at)| {
                let e = serde_json::from_str(&json).map_err(|_| corrupt(json))?;
                Ok((at, e))
            })
            .collect()
    }

    async fn phase_history(&self, c: CandidateId) -> StoreResult<Vec<PhaseStep>> {
        let rows: Vec<(String, String, String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT from_phase, to_phase, actor, at FROM phase_events \
             WHERE candidate_id = $1 ORDER BY id",
        )
        .bind(c)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(from, to, actor, at)| {
                let from = Phase::parse(&from).ok_or_else(|| corrupt(from))?;
                let to = Phase::parse(&to).ok_or_else(|| corrupt(to))?;
                Ok(PhaseStep { from, to, actor, at })
            })
            .collect()
    }

    async fn add_extra_minutes(&self, c: CandidateId, minutes: i64) -> StoreResult<i64> {
        let total: Option<i64> = sqlx::query_scalar(
            "UPDATE candidates SET extra_minutes = extra_minutes + $1 WHERE id = $2 \
             RETURNING extra_minutes",
        )
        .bind(minutes)
        .bind(c)
        .fetch_optional(&self.pool)
        .await?;
        total.ok_or_else(|| corrupt(format!("no candidate {c}")))
    }

    async fn submission_reason(&self, c: CandidateId) -> StoreResult<Option<String>> {
        let r: Option<Option<String>> =
            sqlx::query_scalar("SELECT reason FROM submissions WHERE candidate_id = $1")
                .bind(c)
                .fetch_optional(&self.pool)
                .await?;
        Ok(r.flatten())
    }

    async fn tile_extras(&self, c: CandidateId) -> StoreResult<TileExtras> {
        let mut all = extras(self, "c.id = $1", c.0).await?;
        Ok(all.remove(&c).unwrap_or_default())
    }

    async fn tile_extras_in_room(
        &self,
        room: RoomId,
    ) -> StoreResult<HashMap<CandidateId, TileExtras>> {
        extras(self, "c.room_id = $1", room.0).await
    }

    async fn audit_action(&self, a: NewAudit<'_>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (actor, action, exam_id, candidate_id, detail, reason, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(a.actor)
        .bind(a.action)
        .bind(a.exam.map(|e| e.0))
        .bind(a.candidate.map(|c| c.0))
        .bind(a.detail)
        .bind(a.reason)
        .bind(a.at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn audit_of_candidate(&self, c: CandidateId) -> StoreResult<Vec<AuditRow>> {
        type Row =
            (i64, String, String, Option<i64>, Option<i64>, String, Option<String>, DateTime<Utc>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, actor, action, exam_id, candidate_id, detail, reason, at \
             FROM audit_log WHERE candidate_id = $1 ORDER BY id",
        )
        .bind(c)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, actor, action, exam, cand, detail, reason, at)| AuditRow {
                id,
                actor,
                action,
                exam: exam.map(ExamId),
                candidate: cand.map(CandidateId),
                detail,
                reason,
                at,
            })
            .collect())
    }

    async fn quick_messages(&self, exam: ExamId) -> StoreResult<Option<Vec<String>>> {
        let json: Option<Option<String>> =
            sqlx::query_scalar("SELECT quick_messages_json FROM exams WHERE id = $1")
                .bind(exam)
                .fetch_optional(&self.pool)
                .await?;
        match json.flatten() {
            None => Ok(None),
            Some(j) => serde_json::from_str(&j).map(Some).map_err(|e| corrupt(e.to_string())),
        }
    }

    async fn set_quick_messages(&self, exam: ExamId, texts: &[String]) -> StoreResult<()> {
        let json = serde_json::to_string(texts).map_err(|e| corrupt(e.to_string()))?;
        sqlx::query("UPDATE exams SET quick_messages_json = $1 WHERE id = $2")
            .bind(json)
            .bind(exam)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn face_attempt_photo(&self, id: i64) -> StoreResult<Option<(CandidateId, String)>> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT candidate_id, photo_key FROM face_attempts WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(c, k)| (CandidateId(c), k)))
    }

    async fn candidates_of_exam(&self, exam: ExamId) -> StoreResult<Vec<(CandidateId, RoomId)>> {
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT id, room_id FROM candidates WHERE exam_id = $1 ORDER BY id")
                .bind(exam)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(c, r)| (CandidateId(c), RoomId(r))).collect())
    }
}

/// Tile extras of the candidates matching `filter` (on `candidates c`, one bound id).
async fn extras(
    s: &DbStore,
    filter: &str,
    id: i64,
) -> StoreResult<HashMap<CandidateId, TileExtras>> {
    let mut out: HashMap<CandidateId, TileExtras> = HashMap::new();
    type FlagRow = (i64, i64, String, bool, DateTime<Utc>, Option<DateTime<Utc>>, Option<String>);
    let flags: Vec<FlagRow> = sqlx::query_as(&format!(
        "SELECT f.candidate_id, f.id, f.kind, f.automatic, f.raised_at, f.cleared_at, \
         f.resolution FROM flags f JOIN candidates c ON c.id = f.candidate_id \
         WHERE {filter} ORDER BY f.id"
    ))
    .bind(id)
    .fetch_all(&s.pool)
    .await?;
    for (c, fid, kind, automatic, raised_at, cleared_at, resolution) in flags {
        let kind = kind_of(&kind)?;
        let e = out.entry(CandidateId(c)).or_default();
        if cleared_at.is_none() {
            e.flags.push(OpenFlag { id: fid, kind, automatic, raised_at });
        }
        let resolution = resolution.as_deref().and_then(FlagResolution::parse);
        e.scored.push(ScoredFlag { id: fid, kind, automatic, raised_at, cleared_at, resolution });
    }
    let counts: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT c.id, \
           (SELECT COUNT(*) FROM answers a WHERE a.candidate_id = c.id), \
           (SELECT COUNT(*) FROM messages m WHERE m.candidate_id = c.id AND m.kind = 'warning'), \
           (SELECT COUNT(*) FROM messages m WHERE m.candidate_id = c.id AND m.read_at IS NULL), \
           (SELECT COUNT(*) FROM hand_raises h WHERE h.candidate_id = c.id \
              AND h.answered_at IS NULL), \
           (SELECT COUNT(*) FROM candidate_events e WHERE e.candidate_id = c.id \
              AND e.event_json LIKE '%\"session_replaced\"%') \
         FROM candidates c WHERE {filter}"
    ))
    .bind(id)
    .fetch_all(&s.pool)
    .await?;
    for (c, answered, warnings, unread, hands, replaced) in counts {
        let e = out.entry(CandidateId(c)).or_default();
        e.answered = count(answered);
        e.warnings = count(warnings);
        e.unread = count(unread);
        e.hand_raised = hands > 0;
        e.sessions_replaced = count(replaced);
    }
    Ok(out)
}
