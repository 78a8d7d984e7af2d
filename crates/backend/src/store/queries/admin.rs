// The queries of [`AdminStore`](crate::store::AdminStore), written once for both stores:
// `sqlite.rs` and `postgres.rs` include this file in a module where `DbStore` names their store.
use crate::store::CameraStore;
use crate::store::StoreResult;
use crate::store::admin::{
    AdminStore, AnswerSheet, ImportRow, Incident, MediaKeys, PendingCase, ReportCounts,
    RetentionExam, RosterEntry,
};
use crate::store::rows::admin::*;
use crate::store::rows::people::CANDIDATE_COLS;
use crate::store::rows::people::map_unique;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::audit::{AuditEntry, AuditFilter};
use domain::exam_settings::{ExamSettings, ExamSummary};
use domain::review::ReviewDecision;
use domain::roster::ImportOutcome;
use domain::signin::SignInMode;
use domain::staffing::StaffEntry;
use domain::{Candidate, CandidateId, ExamId, Role, RoomId, StaffId};
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

    async fn forget_media(&self, exam: ExamId, at: DateTime<Utc>) -> StoreResult<()> {
        let mut tx = self.write().await?;
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
        sqlx::query("UPDATE exams SET purged_at = $1 WHERE id = $2")
            .bind(at)
            .bind(exam)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_entries(&self, f: &AuditFilter, limit: i64) -> StoreResult<Vec<AuditEntry>> {
        // Each condition is off when its parameter is NULL. The actor is found anywhere in the
        // name, in any case; an action ending in "." is a prefix (`flag.`: every flag action).
        let actor = f.actor.as_deref().map(|a| format!("%{}%", like_escape(a)));
        let prefix = f.action.as_deref().filter(|a| a.ends_with('.'));
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
        .bind(&f.action)
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
        let row: Option<SettingsRow> = sqlx::query_as(
            "SELECT code, title, starts_at, duration_min, earliest_submit_min, late_entry_min, \
             instructions, instructions_zh, face_match_below, face_review_below, face_max_attempts, \
             retention_days, reject_ends_attempt, sign_in FROM exams WHERE id = $1",
        )
        .bind(exam)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let camera = self.exam_camera(exam).await?;
        Ok(Some(ExamSettings {
            code: r.code,
            title: r.title,
            starts_at: r.starts_at,
            duration_min: r.duration_min,
            earliest_submit_min: r.earliest_submit_min,
            late_entry_min: r.late_entry_min,
            instructions: r.instructions,
            instructions_zh: r.instructions_zh,
            face_match_below: r.face_match_below as f32,
            face_review_below: r.face_review_below as f32,
            face_max_attempts: u32::try_from(r.face_max_attempts).unwrap_or(3),
            camera,
            retention_days: r.retention_days,
            reject_ends_attempt: r.reject_ends_attempt,
            sign_in: SignInMode::parse(&r.sign_in)
                .ok_or(crate::store::StoreError::Corrupt(r.sign_in))?,
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
