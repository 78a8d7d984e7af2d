// The queries of [`CameraStore`](crate::store::CameraStore), written once for both stores:
// `sqlite.rs` and `postgres.rs` include this file in a module where `DbStore` names their store.
use crate::store::camera::{CameraStore, NewEvidence, RecordingUsage};
use crate::store::rows::camera::*;
use crate::store::{StoreError, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::camera::{CameraSettings, EvidenceFrame};
use domain::flag::FlagKind;
use domain::recording::Recording;
use domain::{CandidateId, ExamId, RoomId, View};
use std::collections::HashMap;

#[async_trait]
impl CameraStore for DbStore {
    async fn exam_camera(&self, exam: ExamId) -> StoreResult<CameraSettings> {
        let json: Option<Option<String>> =
            sqlx::query_scalar("SELECT camera_json FROM exams WHERE id = $1")
                .bind(exam.0)
                .fetch_optional(&self.pool)
                .await?;
        match json.flatten() {
            None => Ok(CameraSettings::default()),
            Some(j) => serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(e.to_string())),
        }
    }

    async fn set_exam_camera(&self, exam: ExamId, settings: &CameraSettings) -> StoreResult<()> {
        let json =
            serde_json::to_string(settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query("UPDATE exams SET camera_json = $1 WHERE id = $2")
            .bind(json)
            .bind(exam.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn raise_auto_flag(
        &self,
        c: CandidateId,
        kind: FlagKind,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "INSERT INTO flags (candidate_id, kind, automatic, raised_at) VALUES ($1, $2, TRUE, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(c.0)
        .bind(kind.as_str())
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn clear_auto_flag(
        &self,
        c: CandidateId,
        kind: FlagKind,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE flags SET cleared_at = $1
             WHERE candidate_id = $2 AND kind = $3 AND automatic = TRUE AND cleared_at IS NULL",
        )
        .bind(at)
        .bind(c.0)
        .bind(kind.as_str())
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() > 0)
    }

    async fn open_auto_flags(&self, c: CandidateId) -> StoreResult<Vec<FlagKind>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT kind FROM flags WHERE candidate_id = $1 AND automatic = TRUE
             AND cleared_at IS NULL ORDER BY kind",
        )
        .bind(c.0)
        .fetch_all(&self.pool)
        .await?;
        kinds(rows)
    }

    async fn open_auto_flags_in_room(
        &self,
        room: RoomId,
    ) -> StoreResult<HashMap<CandidateId, Vec<FlagKind>>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT f.candidate_id, f.kind FROM flags f JOIN candidates c ON c.id = f.candidate_id
             WHERE c.room_id = $1 AND f.automatic = TRUE AND f.cleared_at IS NULL ORDER BY f.kind",
        )
        .bind(room.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out: HashMap<CandidateId, Vec<FlagKind>> = HashMap::new();
        for (c, k) in rows {
            let kind = FlagKind::parse(&k).ok_or(StoreError::Corrupt(k))?;
            out.entry(CandidateId(c)).or_default().push(kind);
        }
        Ok(out)
    }

    async fn add_evidence(&self, rows: &[NewEvidence]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(()); // no write lock for nothing
        }
        let mut tx = self.write().await?;
        for r in rows {
            sqlx::query(
                "INSERT INTO evidence_frames (candidate_id, view, seq, captured_at, received_at,
                 reason, width, height, bytes, blob_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (blob_key) DO NOTHING",
            )
            .bind(r.candidate.0)
            .bind(r.view.as_str())
            .bind(i64::from(r.seq))
            .bind(r.captured_at)
            .bind(r.received_at)
            .bind(r.reason.as_str())
            .bind(i64::from(r.width))
            .bind(i64::from(r.height))
            .bind(i64::try_from(r.bytes).unwrap_or(i64::MAX))
            .bind(&r.blob_key)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn evidence(&self, c: CandidateId) -> StoreResult<Vec<EvidenceFrame>> {
        let rows: Vec<EvidenceRow> = sqlx::query_as(
            "SELECT id, view, seq, captured_at, received_at, reason, width, height
             FROM evidence_frames WHERE candidate_id = $1 ORDER BY received_at, id",
        )
        .bind(c.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(EvidenceFrame::try_from).collect()
    }

    async fn evidence_blob(&self, id: i64) -> StoreResult<Option<(CandidateId, String)>> {
        let row: Option<(i64, String)> =
            sqlx::query_as("SELECT candidate_id, blob_key FROM evidence_frames WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(c, k)| (CandidateId(c), k)))
    }

    async fn recording_usage(
        &self,
        c: CandidateId,
        view: View,
        recorder: &str,
    ) -> StoreResult<RecordingUsage> {
        let (n, bytes, known): (i64, i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN view = $1 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(bytes), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN view = $2 AND recorder = $3 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM recordings WHERE candidate_id = $4",
        )
        .bind(view.as_str())
        .bind(view.as_str())
        .bind(recorder)
        .bind(c)
        .fetch_one(&self.pool)
        .await?;
        Ok(RecordingUsage {
            recordings: u32::try_from(n).unwrap_or(u32::MAX),
            bytes: u64::try_from(bytes).unwrap_or(0),
            known: known > 0,
        })
    }

    async fn open_recording(
        &self,
        c: CandidateId,
        view: View,
        recorder: &str,
        blob_prefix: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<(i64, u32)> {
        sqlx::query(
            "INSERT INTO recordings (candidate_id, view, recorder, blob_prefix, started_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(c.0)
        .bind(view.as_str())
        .bind(recorder)
        .bind(blob_prefix)
        .bind(at)
        .bind(at)
        .execute(&self.pool)
        .await?;
        let (id, next): (i64, i64) = sqlx::query_as(
            "SELECT id, next_seq FROM recordings WHERE candidate_id = $1 AND view = $2 AND recorder = $3",
        )
        .bind(c.0)
        .bind(view.as_str())
        .bind(recorder)
        .fetch_one(&self.pool)
        .await?;
        Ok((id, u32::try_from(next).map_err(|_| StoreError::Corrupt(next.to_string()))?))
    }

    async fn advance_recording(
        &self,
        id: i64,
        seq: u32,
        len: usize,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE recordings SET next_seq = next_seq + 1, bytes = bytes + $1, updated_at = $2
             WHERE id = $3 AND next_seq = $4",
        )
        .bind(i64::try_from(len).unwrap_or(i64::MAX))
        .bind(at)
        .bind(id)
        .bind(i64::from(seq))
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn recordings(&self, c: CandidateId) -> StoreResult<Vec<Recording>> {
        let rows: Vec<RecordingRow> = sqlx::query_as(
            "SELECT id, view, started_at, updated_at, next_seq, bytes FROM recordings
             WHERE candidate_id = $1 AND next_seq > 0 ORDER BY started_at, id",
        )
        .bind(c.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, view, started_at, updated_at, chunks, bytes)| {
                Ok(Recording {
                    id,
                    view: view_of(&view)?,
                    started_at,
                    updated_at,
                    chunks: u32::try_from(chunks)
                        .map_err(|_| StoreError::Corrupt(chunks.to_string()))?,
                    bytes: u64::try_from(bytes)
                        .map_err(|_| StoreError::Corrupt(bytes.to_string()))?,
                })
            })
            .collect()
    }

    async fn recording_blobs(&self, id: i64) -> StoreResult<Option<(CandidateId, String, u32)>> {
        let row: Option<(i64, String, i64)> = sqlx::query_as(
            "SELECT candidate_id, blob_prefix, next_seq FROM recordings WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(c, p, n)| {
            Ok((
                CandidateId(c),
                p,
                u32::try_from(n).map_err(|_| StoreError::Corrupt(n.to_string()))?,
            ))
        })
        .transpose()
    }
}
