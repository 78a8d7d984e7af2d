// The queries of [`JourneyStore`](crate::store::JourneyStore), written once for both stores:
// `sqlite.rs` and `postgres.rs` include this file in a module where `DbStore` names their store.
use crate::store::StoreResult;
use crate::store::journey::{
    IdentityReportKind, JourneyStore, NewFaceAttempt, PairingUse, StoredAnswer,
};
use crate::store::rows::journey::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::journey::FaceAttempt;
use domain::{CandidateId, ExamId, Phase, VerificationStatus, View};

/// An answer's upsert (see `save_answer`), with this store's row lock: made once, not per save.
static SAVE_ANSWER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO answers (candidate_id, question_id, answer_json, version, saved_at) \
         SELECT $1, $2, $3, $4, $5 WHERE EXISTS \
           (SELECT 1 FROM candidates WHERE id = $6 AND phase = $7{}) \
         ON CONFLICT (candidate_id, question_id) DO UPDATE SET \
           answer_json = excluded.answer_json, version = excluded.version, \
           saved_at = excluded.saved_at \
         WHERE excluded.version > answers.version",
        DbStore::FOR_SHARE
    )
});

#[async_trait]
impl JourneyStore for DbStore {
    async fn exam_paper(&self, exam: ExamId) -> StoreResult<Option<String>> {
        let p: Option<Option<String>> =
            sqlx::query_scalar("SELECT paper_json FROM exams WHERE id = $1")
                .bind(exam)
                .fetch_optional(&self.pool)
                .await?;
        Ok(p.flatten())
    }

    async fn set_exam_paper(&self, exam: ExamId, json: &str) -> StoreResult<()> {
        sqlx::query("UPDATE exams SET paper_json = $1 WHERE id = $2")
            .bind(json)
            .bind(exam)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_exam_instructions(&self, exam: ExamId, en: &str, zh: &str) -> StoreResult<()> {
        sqlx::query("UPDATE exams SET instructions = $1, instructions_zh = $2 WHERE id = $3")
            .bind(en)
            .bind(zh)
            .bind(exam)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_exam_face(
        &self,
        exam: ExamId,
        match_below: f32,
        review_below: f32,
        max_attempts: u32,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE exams SET face_match_below = $1, face_review_below = $2, face_max_attempts = $3 \
             WHERE id = $4",
        )
        .bind(f64::from(match_below))
        .bind(f64::from(review_below))
        .bind(i64::from(max_attempts))
        .bind(exam)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn add_identity_report(
        &self,
        c: CandidateId,
        kind: IdentityReportKind,
        note: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let kind = match kind {
            IdentityReportKind::Confirmed => "confirmed",
            IdentityReportKind::RecordWrong => "record_wrong",
        };
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO identity_reports (candidate_id, kind, note, at) VALUES ($1, $2, $3, $4)",
        )
        .bind(c)
        .bind(kind)
        .bind(note)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        if kind == "record_wrong" {
            sqlx::query("UPDATE candidates SET record_disputed = TRUE WHERE id = $1")
                .bind(c)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn add_face_attempt(&self, a: NewFaceAttempt) -> StoreResult<i64> {
        let id = sqlx::query_scalar(
            "INSERT INTO face_attempts (candidate_id, view, photo_key, decision, error_code, \
             distance, provider, model_version, match_below, review_below, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(a.candidate)
        .bind(a.view.as_str())
        .bind(&a.photo_key)
        .bind(a.decision.map(|d| d.as_str()))
        .bind(&a.error_code)
        .bind(a.distance)
        .bind(&a.provider)
        .bind(&a.model_version)
        .bind(a.match_below)
        .bind(a.review_below)
        .bind(a.at)
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn face_attempts(&self, c: CandidateId, view: View) -> StoreResult<Vec<FaceAttempt>> {
        let rows: Vec<AttemptRow> = sqlx::query_as(
            "SELECT id, view, decision, error_code, distance, provider, model_version, \
             match_below, review_below, at FROM face_attempts \
             WHERE candidate_id = $1 AND view = $2 ORDER BY id",
        )
        .bind(c)
        .bind(view.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(FaceAttempt::try_from).collect()
    }

    async fn matched_photo_key(&self, c: CandidateId, view: View) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT photo_key FROM face_attempts \
             WHERE candidate_id = $1 AND view = $2 AND decision = 'match' \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(c)
        .bind(view.as_str())
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn set_verification(
        &self,
        c: CandidateId,
        status: VerificationStatus,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE candidates SET verification = $1 WHERE id = $2")
            .bind(status.as_str())
            .bind(c)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn add_device_report(
        &self,
        c: CandidateId,
        json: &str,
        all_passed: bool,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO device_reports (candidate_id, report_json, all_passed, at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(c)
        .bind(json)
        .bind(all_passed)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE candidates SET device_check = $1 WHERE id = $2")
            .bind(if all_passed { "passed" } else { "failed" })
            .bind(c)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn latest_device_report(
        &self,
        c: CandidateId,
    ) -> StoreResult<Option<(String, DateTime<Utc>)>> {
        Ok(sqlx::query_as(
            "SELECT report_json, at FROM device_reports WHERE candidate_id = $1 \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(c)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn add_identity_photo(
        &self,
        c: CandidateId,
        key: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO captures (candidate_id, kind, blob_key, at) VALUES ($1, 'identity', $2, $3)",
        )
        .bind(c)
        .bind(key)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn identity_photo_count(&self, c: CandidateId) -> StoreResult<u32> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM captures WHERE candidate_id = $1 AND kind = 'identity'",
        )
        .bind(c)
        .fetch_one(&self.pool)
        .await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    async fn create_pairing(
        &self,
        token_hash: &str,
        c: CandidateId,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO pairing_tokens (token_hash, candidate_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(c)
        .bind(at)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn pairing_candidate(&self, token_hash: &str) -> StoreResult<Option<CandidateId>> {
        let c: Option<i64> =
            sqlx::query_scalar("SELECT candidate_id FROM pairing_tokens WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(c.map(CandidateId))
    }

    async fn use_pairing(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<PairingUse> {
        let taken: Option<i64> = sqlx::query_scalar(
            "UPDATE pairing_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3 RETURNING candidate_id",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(c) = taken {
            return Ok(PairingUse::Accepted(CandidateId(c)));
        }
        let row: Option<(i64, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT candidate_id, used_at FROM pairing_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            None => PairingUse::Unknown,
            Some((c, Some(_))) => PairingUse::AlreadyUsed(CandidateId(c)),
            Some((c, None)) => PairingUse::Expired(CandidateId(c)),
        })
    }

    async fn ack_instructions(&self, c: CandidateId, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO instruction_acks (candidate_id, at) VALUES ($1, $2) \
             ON CONFLICT (candidate_id) DO NOTHING",
        )
        .bind(c)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn instructions_acked(&self, c: CandidateId) -> StoreResult<bool> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM instruction_acks WHERE candidate_id = $1")
                .bind(c)
                .fetch_one(&self.pool)
                .await?;
        Ok(n > 0)
    }

    async fn save_answer(
        &self,
        c: CandidateId,
        question_id: &str,
        answer_json: &str,
        version: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        // Only while the sitting is open: a submitted candidate's answers are frozen. The
        // candidate's row is locked (shared) so a submission in progress either waits for this
        // answer and freezes it, or ends first and this answer is refused.
        let mut tx = self.write().await?;
        sqlx::query(&SAVE_ANSWER)
            .bind(c)
            .bind(question_id)
            .bind(answer_json)
            .bind(version)
            .bind(at)
            .bind(c)
            .bind(Phase::InExam.as_str())
            .execute(&mut *tx)
            .await?;
        let stored: Option<i64> = sqlx::query_scalar(
            "SELECT version FROM answers WHERE candidate_id = $1 AND question_id = $2",
        )
        .bind(c)
        .bind(question_id)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(stored.unwrap_or(0))
    }

    async fn answers(&self, c: CandidateId) -> StoreResult<Vec<StoredAnswer>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT question_id, answer_json, version FROM answers WHERE candidate_id = $1 \
             ORDER BY question_id",
        )
        .bind(c)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(question_id, answer_json, version)| StoredAnswer {
                question_id,
                answer_json,
                version,
            })
            .collect())
    }

    async fn submission(
        &self,
        c: CandidateId,
    ) -> StoreResult<Option<(String, String, DateTime<Utc>)>> {
        Ok(sqlx::query_as("SELECT kind, actor, at FROM submissions WHERE candidate_id = $1")
            .bind(c)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn unsubmitted_started(&self, exam: ExamId) -> StoreResult<Vec<CandidateId>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM candidates WHERE exam_id = $1 \
             AND phase NOT IN ('rostered', 'submitted_self', 'submitted_auto', 'submitted_forced')",
        )
        .bind(exam)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(CandidateId).collect())
    }

    async fn exam_ids(&self) -> StoreResult<Vec<ExamId>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM exams ORDER BY id").fetch_all(&self.pool).await?;
        Ok(ids.into_iter().map(ExamId).collect())
    }
}
