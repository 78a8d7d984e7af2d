// The queries of [`AdminStore`](crate::store::AdminStore), written once for both stores:
// `sqlite.rs` and `postgres.rs` include this file in a module where `DbStore` names their store.
use crate::store::CameraStore;
use crate::store::StoreResult;
use crate::store::admin::{AdminStore, ImportRow, PendingCase, RosterEntry};
use crate::store::rows::admin::*;
use crate::store::rows::people::map_unique;
use crate::store::rows::people::{CANDIDATE_COLS, EXAM_COLS};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::exam_settings::{ExamSettings, ExamSummary};
use domain::review::ReviewDecision;
use domain::roster::ImportOutcome;
use domain::staffing::StaffEntry;
use domain::{Candidate, CandidateId, Exam, ExamId, Role, RoomId, StaffId};
use std::collections::HashMap;

#[async_trait]
impl AdminStore for DbStore {
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
             ORDER BY (SELECT MAX(at) FROM face_attempts f WHERE f.candidate_id = c.id) NULLS FIRST, c.id"
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
        let mut tx = self.write().await?;
        let moved = sqlx::query(
            "UPDATE candidates SET verification = $1 WHERE id = $2 AND verification = 'pending_review'",
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
             VALUES ($1, $2, $3, $4, $5)",
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
            sqlx::query_scalar("SELECT reject_ends_attempt FROM exams WHERE id = $1")
                .bind(exam)
                .fetch_optional(&self.pool)
                .await?;
        Ok(on.unwrap_or(false))
    }

    async fn set_reject_ends_attempt(&self, exam: ExamId, on: bool) -> StoreResult<()> {
        sqlx::query("UPDATE exams SET reject_ends_attempt = $1 WHERE id = $2")
            .bind(on)
            .bind(exam)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn exam_rooms(&self, exam: ExamId) -> StoreResult<Vec<(RoomId, String)>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, name FROM rooms WHERE exam_id = $1 ORDER BY name")
                .bind(exam)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(id, name)| (RoomId(id), name)).collect())
    }

    async fn roster_tickets(&self, exam: ExamId) -> StoreResult<HashMap<String, bool>> {
        let rows: Vec<(String, bool)> = sqlx::query_as(
            "SELECT ticket, photo_key IS NOT NULL FROM candidates WHERE exam_id = $1",
        )
        .bind(exam)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    async fn import_roster(&self, exam: ExamId, rows: &[ImportRow]) -> StoreResult<ImportOutcome> {
        let mut tx = self.write().await?;
        // One import of an exam's roster at a time: what is added or updated is counted
        // against the tickets stored before it.
        let lock = format!("SELECT id FROM exams WHERE id = $1{}", DbStore::FOR_UPDATE);
        sqlx::query(&lock).bind(exam).execute(&mut *tx).await?;
        let existing: Vec<String> =
            sqlx::query_scalar("SELECT ticket FROM candidates WHERE exam_id = $1")
                .bind(exam)
                .fetch_all(&mut *tx)
                .await?;
        let existing: std::collections::HashSet<String> = existing.into_iter().collect();
        let mut out = ImportOutcome { added: 0, updated: 0, photos: 0 };
        for r in rows {
            sqlx::query(
                "INSERT INTO candidates (exam_id, room_id, ticket, name, id_card, photo_key, \
                 access_code) VALUES ($1, $2, $3, $4, $5, $6, $7) \
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
            .bind(crate::auth::new_access_code())
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
            "SELECT c.ticket, c.name, c.id_card, r.name AS room, c.phase, c.verification, \
             c.access_code FROM candidates c JOIN rooms r ON r.id = c.room_id WHERE c.exam_id = $1 \
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
                access_code: r.access_code,
            })
            .collect())
    }

    async fn exam_summaries(&self) -> StoreResult<Vec<ExamSummary>> {
        let exams: Vec<SummaryRow> = sqlx::query_as(
            "SELECT id, code, title, starts_at, duration_min, archived FROM exams \
             ORDER BY archived, starts_at DESC, id",
        )
        .fetch_all(&self.pool)
        .await?;
        let rooms: Vec<(i64, i64, String, i64)> = sqlx::query_as(
            "SELECT r.exam_id, r.id, r.name, \
             (SELECT COUNT(*) FROM candidates c WHERE c.room_id = r.id) FROM rooms r ORDER BY r.name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(exams
            .into_iter()
            .map(|e| {
                let rooms: Vec<(RoomId, String, i64)> = rooms
                    .iter()
                    .filter(|r| r.0 == e.id)
                    .map(|r| (RoomId(r.1), r.2.clone(), r.3))
                    .collect();
                ExamSummary {
                    id: ExamId(e.id),
                    code: e.code,
                    title: e.title,
                    starts_at: e.starts_at,
                    duration_min: e.duration_min,
                    candidates: rooms.iter().map(|r| r.2).sum(),
                    rooms,
                    archived: e.archived,
                }
            })
            .collect())
    }

    async fn exam_settings(&self, exam: ExamId) -> StoreResult<Option<ExamSettings>> {
        let sql = format!(
            "SELECT {EXAM_COLS}, retention_days, reject_ends_attempt FROM exams WHERE id = $1"
        );
        let row: Option<SettingsRow> =
            sqlx::query_as(&sql).bind(exam).fetch_optional(&self.pool).await?;
        let Some(r) = row else { return Ok(None) };
        let e = Exam::try_from(r.exam)?;
        Ok(Some(ExamSettings {
            code: e.code.as_str().to_owned(),
            title: e.title,
            starts_at: e.starts_at,
            duration_min: e.duration_min,
            earliest_submit_min: e.earliest_submit_min,
            late_entry_min: e.late_entry_min,
            instructions: e.instructions,
            instructions_zh: e.instructions_zh,
            face_match_below: e.face.match_below,
            face_review_below: e.face.review_below,
            face_max_attempts: e.face_max_attempts,
            camera: self.exam_camera(exam).await?,
            retention_days: r.retention_days,
            reject_ends_attempt: r.reject_ends_attempt,
            sign_in: e.sign_in,
        }))
    }

    async fn save_exam(&self, exam: Option<ExamId>, s: &ExamSettings) -> StoreResult<ExamId> {
        let camera = serde_json::to_string(&s.camera)
            .map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
        let sql = match exam {
            None => {
                "INSERT INTO exams (code, title, starts_at, duration_min, earliest_submit_min, \
                 late_entry_min, instructions, face_match_below, face_review_below, \
                 face_max_attempts, camera_json, retention_days, reject_ends_attempt, created_at, \
                 sign_in, instructions_zh) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, $17 \
                 WHERE $15 IS NULL RETURNING id"
            }
            Some(_) => {
                "UPDATE exams SET code = $1, title = $2, starts_at = $3, duration_min = $4, \
                 earliest_submit_min = $5, late_entry_min = $6, instructions = $7, \
                 face_match_below = $8, face_review_below = $9, face_max_attempts = $10, \
                 camera_json = $11, retention_days = $12, reject_ends_attempt = $13, \
                 sign_in = $16, instructions_zh = $17 WHERE id = $15 AND $14 IS NOT NULL RETURNING id"
            }
        };
        let id: Option<i64> = sqlx::query_scalar(sql)
            .bind(&s.code)
            .bind(&s.title)
            .bind(s.starts_at)
            .bind(s.duration_min)
            .bind(s.earliest_submit_min)
            .bind(s.late_entry_min)
            .bind(&s.instructions)
            .bind(f64::from(s.face_match_below))
            .bind(f64::from(s.face_review_below))
            .bind(i64::from(s.face_max_attempts))
            .bind(camera)
            .bind(s.retention_days)
            .bind(s.reject_ends_attempt)
            .bind(Utc::now())
            .bind(exam)
            .bind(s.sign_in.as_str())
            .bind(&s.instructions_zh)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_unique)?;
        id.map(ExamId).ok_or(crate::store::StoreError::Db(sqlx::Error::RowNotFound))
    }

    async fn set_archived(&self, exam: ExamId, archived: bool) -> StoreResult<()> {
        sqlx::query("UPDATE exams SET archived = $1 WHERE id = $2")
            .bind(archived)
            .bind(exam)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn max_extra_minutes(&self, exam: ExamId) -> StoreResult<i64> {
        let n: Option<i64> =
            sqlx::query_scalar("SELECT MAX(extra_minutes) FROM candidates WHERE exam_id = $1")
                .bind(exam)
                .fetch_one(&self.pool)
                .await?;
        Ok(n.unwrap_or(0))
    }

    async fn staff_list(&self) -> StoreResult<Vec<StaffEntry>> {
        let staff: Vec<(i64, String, String, String, bool)> = sqlx::query_as(
            "SELECT id, username, display_name, role, disabled FROM staff ORDER BY role, username",
        )
        .fetch_all(&self.pool)
        .await?;
        let rooms: Vec<(i64, i64, i64, String, String)> = sqlx::query_as(
            "SELECT rp.staff_id, r.id, r.exam_id, e.code, r.name FROM room_proctors rp \
             JOIN rooms r ON r.id = rp.room_id JOIN exams e ON e.id = r.exam_id ORDER BY e.code, r.name",
        )
        .fetch_all(&self.pool)
        .await?;
        staff
            .into_iter()
            .map(|(id, username, display_name, role, disabled)| {
                let role = Role::parse(&role)
                    .ok_or_else(|| crate::store::StoreError::Corrupt(role.clone()))?;
                let rooms = rooms
                    .iter()
                    .filter(|r| r.0 == id)
                    .map(|r| (RoomId(r.1), ExamId(r.2), r.3.clone(), r.4.clone()))
                    .collect();
                Ok(StaffEntry { id: StaffId(id), username, display_name, role, disabled, rooms })
            })
            .collect()
    }

    async fn set_password_hash(&self, staff: StaffId, hash: &str) -> StoreResult<bool> {
        let n = sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(staff)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    async fn set_disabled(&self, staff: StaffId, disabled: bool) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let n = sqlx::query("UPDATE staff SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(staff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
                .bind(staff)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(n == 1)
    }

    async fn unassign_proctor(&self, room: RoomId, staff: StaffId) -> StoreResult<()> {
        sqlx::query("DELETE FROM room_proctors WHERE room_id = $1 AND staff_id = $2")
            .bind(room)
            .bind(staff)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn exam_candidates_by_ticket(&self, exam: ExamId) -> StoreResult<Vec<CandidateId>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM candidates WHERE exam_id = $1 ORDER BY ticket")
                .bind(exam)
                .fetch_all(&self.pool)
                .await?;
        Ok(ids.into_iter().map(CandidateId).collect())
    }

    async fn move_candidates(&self, moves: &[(CandidateId, RoomId)]) -> StoreResult<()> {
        if moves.is_empty() {
            return Ok(()); // no write lock for nothing
        }
        let mut tx = self.write().await?;
        // The exam's row first, as a roster import takes it: the two never lock candidates in
        // opposite orders (PostgreSQL would end one of them as a deadlock).
        let lock = format!(
            "SELECT e.id FROM exams e JOIN candidates c ON c.exam_id = e.id WHERE c.id = $1{}",
            DbStore::FOR_UPDATE
        );
        sqlx::query(&lock).bind(moves[0].0).execute(&mut *tx).await?;
        for (c, r) in moves {
            sqlx::query("UPDATE candidates SET room_id = $1 WHERE id = $2")
                .bind(r)
                .bind(c)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
