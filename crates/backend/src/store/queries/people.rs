// The queries of [`Store`](crate::store::Store) (people, exams, rooms, candidates, sessions,
// phases), written once for both stores: `sqlite.rs` and `postgres.rs` include this file in a
// module where `DbStore` names their store.
use crate::store::rows::people::*;
use crate::store::{
    NewCandidate, NewExam, NewStaff, SessionOwner, SessionRecord, StaffCredentials, Store,
    StoreResult,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    Candidate, CandidateId, Exam, ExamCode, ExamId, Phase, Role, RoomId, RoomSummary, StaffId,
    StaffUser, TicketNumber,
};

/// Locks a candidate's row for the rest of a write transaction (a sign-in), made once.
static LOCK_CANDIDATE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!("SELECT id FROM candidates WHERE id = $1{}", DbStore::FOR_UPDATE)
});

#[async_trait]
impl Store for DbStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn engine(&self) -> &'static str {
        DbStore::ENGINE
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn create_staff(&self, new: NewStaff) -> StoreResult<StaffId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO staff (username, display_name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(new.role.as_str())
        .bind(&new.password_hash)
        .bind(Utc::now())
        .fetch_one(&self.pool)
        .await
        .map_err(map_unique)?;
        Ok(StaffId(id))
    }

    async fn staff_credentials(&self, username: &str) -> StoreResult<Option<StaffCredentials>> {
        let sql =
            format!("SELECT {STAFF_COLS} FROM staff WHERE username = $1 AND disabled = FALSE");
        let row: Option<StaffRow> =
            sqlx::query_as(&sql).bind(username).fetch_optional(&self.pool).await?;
        row.map(StaffRow::into_credentials).transpose()
    }

    async fn staff(&self, id: StaffId) -> StoreResult<Option<StaffUser>> {
        let sql = format!("SELECT {STAFF_COLS} FROM staff WHERE id = $1 AND disabled = FALSE");
        let row: Option<StaffRow> =
            sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.map(StaffRow::into_credentials).transpose()?.map(|c| c.user))
    }

    async fn create_session(
        &self,
        token_hash: &str,
        owner: SessionOwner,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let (staff, candidate, device) = match owner {
            SessionOwner::Staff(s) => (Some(s), None, None),
            SessionOwner::Candidate(c, v) => (None, Some(c), Some(v.as_str())),
        };
        let mut tx = self.write().await?;
        let replaced = match (candidate, device) {
            (Some(c), Some(d)) => {
                // One session per device: two sign-ins at once replace each other in turn.
                sqlx::query(&LOCK_CANDIDATE).bind(c).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM sessions WHERE candidate_id = $1 AND device = $2")
                    .bind(c)
                    .bind(d)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            }
            _ => 0,
        };
        sqlx::query(
            "INSERT INTO sessions (token_hash, staff_id, candidate_id, device, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(staff)
        .bind(candidate)
        .bind(device)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(replaced)
    }

    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        let row: Option<SessionRow> =
            sqlx::query_as(
                "SELECT s.staff_id, s.candidate_id, s.device, s.expires_at FROM sessions s \
                 LEFT JOIN staff st ON st.id = s.staff_id \
                 WHERE s.token_hash = $1 AND s.expires_at > $2 \
                 AND (s.staff_id IS NULL OR st.disabled = FALSE)",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.and_then(session_record))
    }

    async fn live_sessions(
        &self,
        token_hashes: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<std::collections::HashSet<String>> {
        let mut live = std::collections::HashSet::new();
        for batch in token_hashes.chunks(crate::recheck::BATCH) {
            let sql = format!(
                "SELECT s.token_hash FROM sessions s LEFT JOIN staff st ON st.id = s.staff_id \
                 WHERE s.expires_at > $1 AND (s.staff_id IS NULL OR st.disabled = FALSE) \
                 AND s.token_hash IN ({})",
                placeholders(2, batch.len())
            );
            let mut q = sqlx::query_scalar::<_, String>(&sql).bind(now);
            for h in batch {
                q = q.bind(h);
            }
            live.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(live)
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_staff_sessions(&self, staff: StaffId, keep: Option<&str>) -> StoreResult<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE staff_id = $1 AND token_hash <> $2")
            .bind(staff)
            .bind(keep.unwrap_or(""))
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    async fn create_exam(&self, new: NewExam) -> StoreResult<ExamId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO exams (code, title, starts_at, duration_min, earliest_submit_min, \
             late_entry_min, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.code.as_str())
        .bind(&new.title)
        .bind(new.starts_at)
        .bind(new.duration_min)
        .bind(new.earliest_submit_min)
        .bind(new.late_entry_min)
        .bind(Utc::now())
        .fetch_one(&self.pool)
        .await
        .map_err(map_unique)?;
        Ok(ExamId(id))
    }

    async fn exam(&self, id: ExamId) -> StoreResult<Option<Exam>> {
        let sql = format!("SELECT {EXAM_COLS} FROM exams WHERE id = $1");
        let row: Option<ExamRow> = sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(Exam::try_from).transpose()
    }

    async fn exam_by_code(&self, code: &ExamCode) -> StoreResult<Option<Exam>> {
        let sql = format!("SELECT {EXAM_COLS} FROM exams WHERE code = $1");
        let row: Option<ExamRow> =
            sqlx::query_as(&sql).bind(code.as_str()).fetch_optional(&self.pool).await?;
        row.map(Exam::try_from).transpose()
    }

    async fn reschedule_exam(&self, id: ExamId, starts_at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE exams SET starts_at = $1 WHERE id = $2")
            .bind(starts_at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_room(&self, exam: ExamId, name: &str) -> StoreResult<RoomId> {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO rooms (exam_id, name) VALUES ($1, $2) RETURNING id")
                .bind(exam)
                .bind(name)
                .fetch_one(&self.pool)
                .await
                .map_err(map_unique)?;
        Ok(RoomId(id))
    }

    async fn assign_proctor(&self, room: RoomId, staff: StaffId) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO room_proctors (room_id, staff_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(room)
        .bind(staff)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn room(&self, id: RoomId) -> StoreResult<Option<RoomSummary>> {
        let sql = format!("{ROOM_SELECT} WHERE r.id = $1");
        let row: Option<RoomRow> = sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.map(RoomSummary::from))
    }

    async fn rooms_visible_to(&self, user: &StaffUser) -> StoreResult<Vec<RoomSummary>> {
        let rows: Vec<RoomRow> = match user.role {
            Role::Admin => {
                let sql =
                    format!("{ROOM_SELECT} WHERE e.archived = FALSE ORDER BY e.starts_at, r.name");
                sqlx::query_as(&sql).fetch_all(&self.pool).await?
            }
            Role::Proctor => {
                let sql = format!(
                    "{ROOM_SELECT} JOIN room_proctors rp ON rp.room_id = r.id \
                     WHERE rp.staff_id = $1 AND e.archived = FALSE ORDER BY e.starts_at, r.name"
                );
                sqlx::query_as(&sql).bind(user.id).fetch_all(&self.pool).await?
            }
        };
        Ok(rows.into_iter().map(RoomSummary::from).collect())
    }

    async fn is_assigned(&self, room: RoomId, staff: StaffId) -> StoreResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM room_proctors WHERE room_id = $1 AND staff_id = $2",
        )
        .bind(room)
        .bind(staff)
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    async fn add_candidate(&self, new: NewCandidate) -> StoreResult<CandidateId> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO candidates (exam_id, room_id, ticket, name, id_card, photo_key, \
             access_code) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.exam_id)
        .bind(new.room_id)
        .bind(new.ticket.as_str())
        .bind(&new.name)
        .bind(&new.id_card)
        .bind(&new.photo_key)
        .bind(crate::auth::new_access_code())
        .fetch_one(&self.pool)
        .await
        .map_err(map_unique)?;
        Ok(CandidateId(id))
    }

    async fn candidate(&self, id: CandidateId) -> StoreResult<Option<Candidate>> {
        let sql = format!("SELECT {CANDIDATE_COLS} FROM candidates WHERE id = $1");
        let row: Option<CandidateRow> =
            sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(Candidate::try_from).transpose()
    }

    async fn candidate_by_ticket(
        &self,
        exam: ExamId,
        ticket: &TicketNumber,
    ) -> StoreResult<Option<Candidate>> {
        let sql =
            format!("SELECT {CANDIDATE_COLS} FROM candidates WHERE exam_id = $1 AND ticket = $2");
        let row: Option<CandidateRow> = sqlx::query_as(&sql)
            .bind(exam)
            .bind(ticket.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(Candidate::try_from).transpose()
    }

    async fn candidates_in_room(&self, room: RoomId) -> StoreResult<Vec<Candidate>> {
        let sql =
            format!("SELECT {CANDIDATE_COLS} FROM candidates WHERE room_id = $1 ORDER BY ticket");
        let rows: Vec<CandidateRow> = sqlx::query_as(&sql).bind(room).fetch_all(&self.pool).await?;
        candidates(rows)
    }

    async fn candidate_photo_key(&self, id: CandidateId) -> StoreResult<Option<String>> {
        let key: Option<Option<String>> =
            sqlx::query_scalar("SELECT photo_key FROM candidates WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(key.flatten())
    }

    async fn access_code(&self, id: CandidateId) -> StoreResult<String> {
        let code: Option<String> =
            sqlx::query_scalar("SELECT access_code FROM candidates WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(code.unwrap_or_default())
    }

    async fn set_phase(
        &self,
        id: CandidateId,
        from: Phase,
        to: Phase,
        actor: &str,
        at: DateTime<Utc>,
        reason: Option<&str>,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let moved = sqlx::query(
            "UPDATE candidates SET phase = $1, phase_changed_at = $2 WHERE id = $3 AND phase = $4",
        )
        .bind(to.as_str())
        .bind(at)
        .bind(id)
        .bind(from.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if moved {
            sqlx::query(
                "INSERT INTO phase_events (candidate_id, from_phase, to_phase, actor, at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(actor)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            if to.is_submitted() {
                // Freeze the answers as they are, in the same transaction as the phase.
                let answers: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT question_id, answer_json, version FROM answers WHERE candidate_id = $1",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO submissions (candidate_id, kind, actor, answers_json, at, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(to.as_str())
                .bind(actor)
                .bind(frozen_answers(answers)?)
                .bind(at)
                .bind(reason)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(moved)
    }

    async fn audit(
        &self,
        actor: &str,
        action: &str,
        detail: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO audit_log (actor, action, detail, at) VALUES ($1, $2, $3, $4)")
            .bind(actor)
            .bind(action)
            .bind(detail)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn candidate_count(&self, exam: ExamId) -> StoreResult<i64> {
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM candidates WHERE exam_id = $1")
            .bind(exam)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}
