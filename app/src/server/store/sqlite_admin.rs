//! SQLite implementation of [`AdminStore`].
use super::admin::{AdminStore, ImportRow, PendingCase, RosterEntry};
use super::sqlite::{CANDIDATE_COLS, CandidateRow};
use super::{SqliteStore, StoreResult};
use crate::domain::review::ReviewDecision;
use crate::domain::roster::ImportOutcome;
use crate::domain::{Candidate, CandidateId, ExamId, RoomId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use std::collections::HashMap;

#[derive(FromRow)]
struct PendingRow {
    #[sqlx(flatten)]
    candidate: CandidateRow,
    exam_code: String,
    room: String,
}

#[derive(FromRow)]
struct EntryRow {
    ticket: String,
    name: String,
    id_card: String,
    room: String,
    phase: String,
    verification: String,
}

#[async_trait]
impl AdminStore for SqliteStore {
    async fn pending_cases(&self) -> StoreResult<Vec<PendingCase>> {
        let cols = CANDIDATE_COLS
            .split(',')
            .map(|c| format!("c.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {cols}, e.code AS exam_code, r.name AS room FROM candidates c \
             JOIN exams e ON e.id = c.exam_id JOIN rooms r ON r.id = c.room_id \
             WHERE c.verification = 'pending_review' \
             ORDER BY (SELECT MAX(at) FROM face_attempts f WHERE f.candidate_id = c.id), c.id"
        );
        let rows: Vec<PendingRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|r| {
                Ok(PendingCase {
                    candidate: Candidate::try_from(r.candidate)?,
                    exam_code: r.exam_code,
                    room: r.room,
                })
            })
            .collect()
    }

    async fn pending_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM candidates WHERE verification = 'pending_review'",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    async fn decide_review(
        &self,
        c: CandidateId,
        decision: ReviewDecision,
        note: &str,
        reviewer: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE candidates SET verification = ? WHERE id = ? AND verification = 'pending_review'",
        )
        .bind(decision.status().as_str())
        .bind(c)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if !moved {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO verification_reviews (candidate_id, decision, note, reviewer, at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(c)
        .bind(decision.as_str())
        .bind(note)
        .bind(reviewer)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn reject_ends_attempt(&self, exam: ExamId) -> StoreResult<bool> {
        let on: Option<bool> =
            sqlx::query_scalar("SELECT reject_ends_attempt FROM exams WHERE id = ?")
                .bind(exam)
                .fetch_optional(&self.pool)
                .await?;
        Ok(on.unwrap_or(false))
    }

    async fn set_reject_ends_attempt(&self, exam: ExamId, on: bool) -> StoreResult<()> {
        sqlx::query("UPDATE exams SET reject_ends_attempt = ? WHERE id = ?")
            .bind(on)
            .bind(exam)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn exam_rooms(&self, exam: ExamId) -> StoreResult<Vec<(RoomId, String)>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM rooms WHERE exam_id = ? ORDER BY name")
                .bind(exam)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(id, name)| (RoomId(id), name)).collect())
    }

    async fn roster_tickets(&self, exam: ExamId) -> StoreResult<HashMap<String, bool>> {
        let rows: Vec<(String, bool)> = sqlx::query_as(
            "SELECT ticket, photo_key IS NOT NULL FROM candidates WHERE exam_id = ?",
        )
        .bind(exam)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    async fn import_roster(&self, exam: ExamId, rows: &[ImportRow]) -> StoreResult<ImportOutcome> {
        let mut tx = self.pool.begin().await?;
        let existing: Vec<String> =
            sqlx::query_scalar("SELECT ticket FROM candidates WHERE exam_id = ?")
                .bind(exam)
                .fetch_all(&mut *tx)
                .await?;
        let existing: std::collections::HashSet<String> = existing.into_iter().collect();
        let mut out = ImportOutcome { added: 0, updated: 0, photos: 0 };
        for r in rows {
            sqlx::query(
                "INSERT INTO candidates (exam_id, room_id, ticket, name, id_card, photo_key) \
                 VALUES (?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (exam_id, ticket) DO UPDATE SET room_id = excluded.room_id, \
                 name = excluded.name, id_card = excluded.id_card, \
                 photo_key = COALESCE(excluded.photo_key, candidates.photo_key)",
            )
            .bind(exam)
            .bind(r.room)
            .bind(&r.ticket)
            .bind(&r.name)
            .bind(&r.id_card)
            .bind(&r.photo_key)
            .execute(&mut *tx)
            .await?;
            if existing.contains(&r.ticket) {
                out.updated += 1;
            } else {
                out.added += 1;
            }
            out.photos += usize::from(r.photo_key.is_some());
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn roster(&self, exam: ExamId) -> StoreResult<Vec<RosterEntry>> {
        let rows: Vec<EntryRow> = sqlx::query_as(
            "SELECT c.ticket, c.name, c.id_card, r.name AS room, c.phase, c.verification \
             FROM candidates c JOIN rooms r ON r.id = c.room_id WHERE c.exam_id = ? \
             ORDER BY c.ticket",
        )
        .bind(exam)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| RosterEntry {
                ticket: r.ticket,
                name: r.name,
                id_card: r.id_card,
                room: r.room,
                phase: r.phase,
                verification: r.verification,
            })
            .collect())
    }
}
