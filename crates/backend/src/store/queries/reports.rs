// The queries of [`ReportStore`](crate::store::ReportStore), written once for both stores:
// `sqlite.rs` and `postgres.rs` include this file in a module where `DbStore` names their store.
use crate::store::StoreResult;
use crate::store::reports::{
    AnswerSheet, Incident, MediaKeys, ReportCounts, ReportStore, RetentionExam,
};
use crate::store::rows::reports::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{AuditEntry, AuditFilter};
use domain::{CandidateId, ExamId};
use std::collections::HashMap;

impl DbStore {
    async fn counts(&self, sql: &str, exam: ExamId) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(sql).bind(exam).fetch_all(&self.pool).await?)
    }

    async fn count(&self, sql: &str, exam: ExamId) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(sql).bind(exam).fetch_one(&self.pool).await?)
    }

    async fn keys(&self, sql: &str, exam: ExamId) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(sql).bind(exam).fetch_all(&self.pool).await?)
    }
}

#[async_trait]
impl ReportStore for DbStore {
    async fn unpurged_exams(&self) -> StoreResult<Vec<RetentionExam>> {
        let rows: Vec<RetentionRow> = sqlx::query_as(
            "SELECT e.id, e.code, e.starts_at, e.duration_min, e.retention_days, \
             COALESCE((SELECT MAX(extra_minutes) FROM candidates c WHERE c.exam_id = e.id), 0) \
             AS max_extra_min FROM exams e WHERE e.purged_at IS NULL ORDER BY e.id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| RetentionExam {
                id: ExamId(r.id),
                code: r.code,
                starts_at: r.starts_at,
                duration_min: r.duration_min,
                max_extra_min: r.max_extra_min,
                retention_days: r.retention_days,
            })
            .collect())
    }

    async fn media_keys(&self, exam: ExamId) -> StoreResult<MediaKeys> {
        let roster = self
            .keys(
                "SELECT photo_key FROM candidates WHERE exam_id = $1 AND photo_key IS NOT NULL",
                exam,
            )
            .await?;
        let face = self
            .keys(
                &format!("SELECT photo_key FROM face_attempts WHERE {OF_EXAM} AND photo_key <> ''"),
                exam,
            )
            .await?;
        let identity =
            self.keys(&format!("SELECT blob_key FROM captures WHERE {OF_EXAM}"), exam).await?;
        let evidence = self
            .keys(&format!("SELECT blob_key FROM evidence_frames WHERE {OF_EXAM}"), exam)
            .await?;
        let recordings: Vec<(String, i64)> = sqlx::query_as(&format!(
            "SELECT blob_prefix, next_seq FROM recordings WHERE {OF_EXAM}"
        ))
        .bind(exam)
        .fetch_all(&self.pool)
        .await?;
        let recordings =
            recordings.into_iter().map(|(p, n)| (p, u32::try_from(n).unwrap_or(0))).collect();
        Ok(MediaKeys { roster, face, identity, evidence, recordings })
    }

    async fn forget_media(&self, exam: ExamId, at: DateTime<Utc>) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        // First, as a compare-and-set: a second purger waits here, then finds it done.
        let marked =
            sqlx::query("UPDATE exams SET purged_at = $1 WHERE id = $2 AND purged_at IS NULL")
                .bind(at)
                .bind(exam)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if marked == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE candidates SET photo_key = NULL WHERE exam_id = $1")
            .bind(exam)
            .execute(&mut *tx)
            .await?;
        for sql in [
            format!("UPDATE face_attempts SET photo_key = '' WHERE {OF_EXAM}"),
            format!("DELETE FROM captures WHERE {OF_EXAM}"),
            format!("DELETE FROM evidence_frames WHERE {OF_EXAM}"),
            format!("DELETE FROM recordings WHERE {OF_EXAM}"),
        ] {
            sqlx::query(&sql).bind(exam).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn audit_entries(&self, f: &AuditFilter, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        // Each condition is off when its parameter is NULL. The actor is found anywhere in the
        // name, in any case; an action ending in "." is a prefix (`flag.`: every flag action).
        let actor = f.actor.as_deref().map(|a| format!("%{}%", like_escape(a)));
        // Actions are lower-case names; SQLite's LIKE ignores case and PostgreSQL's does not.
        let action = f.action.as_deref().map(str::to_lowercase);
        let prefix = action.as_deref().filter(|a| a.ends_with('.'));
        let prefix = prefix.map(|a| format!("{}%", like_escape(a)));
        let rows: Vec<AuditEntryRow> = sqlx::query_as(
            "SELECT a.id, a.at, a.actor, a.action, e.code AS exam_code, a.candidate_id, \
             c.ticket, c.name, a.detail, a.reason FROM audit_log a \
             LEFT JOIN exams e ON e.id = a.exam_id LEFT JOIN candidates c ON c.id = a.candidate_id \
             WHERE ($1 IS NULL OR a.exam_id = $1) \
             AND ($2 IS NULL OR LOWER(a.actor) LIKE LOWER($2) ESCAPE '\\') \
             AND ($3 IS NULL OR c.ticket = $3) \
             AND ($4 IS NULL OR a.action = $4 OR a.action LIKE $7 ESCAPE '\\') \
             AND ($5 IS NULL OR a.id < $5) \
             ORDER BY a.id DESC LIMIT $6",
        )
        .bind(f.exam)
        .bind(actor)
        .bind(&f.ticket)
        .bind(&action)
        .bind(f.before)
        .bind(limit)
        .bind(prefix)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                actor: r.actor,
                action: r.action,
                exam_code: r.exam_code,
                candidate: r.candidate_id.map(CandidateId),
                ticket: r.ticket,
                name: r.name,
                detail: r.detail,
                reason: r.reason,
            })
            .collect())
    }

    async fn report_counts(&self, exam: ExamId) -> StoreResult<ReportCounts> {
        Ok(ReportCounts {
            phases: self
                .counts("SELECT phase, COUNT(*) FROM candidates WHERE exam_id = $1 GROUP BY phase", exam)
                .await?,
            verification: self
                .counts(
                    "SELECT verification, COUNT(*) FROM candidates WHERE exam_id = $1 GROUP BY verification",
                    exam,
                )
                .await?,
            flags: self
                .counts(
                    &format!("SELECT kind, COUNT(*) FROM flags WHERE {OF_EXAM} GROUP BY kind ORDER BY 2 DESC"),
                    exam,
                )
                .await?,
            open_flags: self
                .count(
                    &format!(
                        "SELECT COUNT(*) FROM flags WHERE {OF_EXAM} AND cleared_at IS NULL AND resolution IS NULL"
                    ),
                    exam,
                )
                .await?,
            messages: self
                .count(&format!("SELECT COUNT(*) FROM messages WHERE {OF_EXAM} AND kind = 'message'"), exam)
                .await?,
            warnings: self
                .count(&format!("SELECT COUNT(*) FROM messages WHERE {OF_EXAM} AND kind = 'warning'"), exam)
                .await?,
        })
    }

    async fn answer_sheets(&self, exam: ExamId) -> StoreResult<Vec<AnswerSheet>> {
        let rows: Vec<SheetRow> = sqlx::query_as(
            "SELECT c.id, c.ticket, c.name, r.name AS room, c.phase, s.kind, s.actor, s.at, s.reason \
             FROM candidates c JOIN rooms r ON r.id = c.room_id \
             LEFT JOIN submissions s ON s.candidate_id = c.id WHERE c.exam_id = $1 ORDER BY c.ticket",
        )
        .bind(exam)
        .fetch_all(&self.pool)
        .await?;
        let answers: Vec<(i64, String, String, DateTime<Utc>)> = sqlx::query_as(&format!(
            "SELECT candidate_id, question_id, answer_json, saved_at FROM answers WHERE {OF_EXAM} \
             ORDER BY candidate_id, question_id"
        ))
        .bind(exam)
        .fetch_all(&self.pool)
        .await?;
        let mut by_candidate: HashMap<i64, Vec<(String, String, DateTime<Utc>)>> = HashMap::new();
        for (c, q, a, at) in answers {
            by_candidate.entry(c).or_default().push((q, a, at));
        }
        Ok(rows
            .into_iter()
            .map(|r| AnswerSheet {
                answers: by_candidate.remove(&r.id).unwrap_or_default(),
                submission: match (r.kind, r.actor, r.at) {
                    (Some(k), Some(a), Some(at)) => Some((k, a, at, r.reason)),
                    _ => None,
                },
                ticket: r.ticket,
                name: r.name,
                room: r.room,
                phase: r.phase,
            })
            .collect())
    }

    async fn incidents(&self, exam: ExamId) -> StoreResult<Vec<Incident>> {
        let rows: Vec<IncidentRow> = sqlx::query_as(
            "SELECT c.ticket, c.name, r.name AS room, f.kind, f.automatic, f.raised_at, f.raised_by, \
             f.note, f.cleared_at, f.resolution, f.resolution_note, f.resolved_by \
             FROM flags f JOIN candidates c ON c.id = f.candidate_id JOIN rooms r ON r.id = c.room_id \
             WHERE c.exam_id = $1 ORDER BY f.raised_at, f.id",
        )
        .bind(exam)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Incident {
                ticket: r.ticket,
                name: r.name,
                room: r.room,
                kind: r.kind,
                automatic: r.automatic,
                raised_at: r.raised_at,
                raised_by: r.raised_by,
                note: r.note,
                cleared_at: r.cleared_at,
                resolution: r.resolution,
                resolution_note: r.resolution_note,
                resolved_by: r.resolved_by,
            })
            .collect())
    }

    async fn pc_connections(
        &self,
        exam: ExamId,
    ) -> StoreResult<Vec<(CandidateId, DateTime<Utc>, bool)>> {
        use domain::View;
        use domain::console::CandidateEvent;
        let rows: Vec<(i64, String, DateTime<Utc>)> = sqlx::query_as(&format!(
            "SELECT candidate_id, event_json, at FROM candidate_events WHERE {OF_EXAM} \
             AND (event_json LIKE '%\"online\"%' OR event_json LIKE '%\"offline\"%') ORDER BY at, id"
        ))
        .bind(exam)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(c, json, at)| {
                match serde_json::from_str::<CandidateEvent>(&json).ok()? {
                    CandidateEvent::Online { view: View::Pc } => Some((CandidateId(c), at, true)),
                    CandidateEvent::Offline { view: View::Pc } => Some((CandidateId(c), at, false)),
                    _ => None,
                }
            })
            .collect())
    }
}
