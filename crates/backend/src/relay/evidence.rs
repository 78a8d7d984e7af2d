//! The evidence writer: a background task that stores kept frames in the blob store and
//! indexes them in the database, a batch at a time, so the relay never waits on the disk.
use super::super::blobs::BlobStore;
use super::super::store::Store;
use super::super::store::camera::NewEvidence;
use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use domain::camera::{DOWN_HEADER_LEN, EvidenceReason, RelayHeader};
use domain::{CandidateId, ExamId};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Frames waiting to be written before new ones are dropped (and counted). A queued frame
/// shares its bytes with the frame the relay pushed to the proctors (16,384 × ~14 KB at most).
pub const QUEUE: usize = 16_384;
/// Frames written and indexed per batch at most.
const BATCH: usize = 512;
/// Pause between batches, so frames arriving one by one are written together.
const COALESCE: std::time::Duration = std::time::Duration::from_millis(250);

/// A frame to keep: the relayed bytes (header + JPEG).
#[derive(Debug, Clone)]
pub struct EvidenceJob {
    pub candidate: CandidateId,
    pub exam: ExamId,
    pub reason: EvidenceReason,
    pub frame: Bytes,
}

fn at(ms: u64) -> DateTime<Utc> {
    let ms = i64::try_from(ms).unwrap_or(0);
    Utc.timestamp_millis_opt(ms).single().unwrap_or_else(Utc::now)
}

/// The blob key of a kept frame.
pub fn blob_key(job: &EvidenceJob, h: &RelayHeader) -> String {
    format!(
        "evidence/{}/{}/{}-{}-{}.jpg",
        job.exam.0,
        job.candidate.0,
        h.view.as_str(),
        h.received_ms,
        h.seq
    )
}

/// Starts the writer; returns the sender the relay puts jobs on.
pub fn spawn(store: Arc<dyn Store>, blobs: Arc<dyn BlobStore>) -> mpsc::Sender<EvidenceJob> {
    let (tx, mut rx) = mpsc::channel::<EvidenceJob>(QUEUE);
    tokio::spawn(async move {
        let mut jobs = Vec::with_capacity(BATCH);
        while rx.recv_many(&mut jobs, BATCH).await > 0 {
            let mut items = Vec::with_capacity(jobs.len());
            let mut rows = Vec::with_capacity(jobs.len());
            for job in jobs.drain(..) {
                let Some(h) = RelayHeader::parse(&job.frame) else {
                    continue;
                };
                let key = blob_key(&job, &h);
                let jpeg = job.frame.slice(DOWN_HEADER_LEN..);
                rows.push(NewEvidence {
                    candidate: job.candidate,
                    view: h.view,
                    seq: h.seq,
                    captured_at: at(h.captured_ms),
                    received_at: at(h.received_ms),
                    reason: job.reason,
                    width: h.width,
                    height: h.height,
                    bytes: jpeg.len(),
                    blob_key: key.clone(),
                });
                items.push((key, jpeg));
            }
            // Index only what was written.
            let written = blobs.put_many(items).await;
            let rows: Vec<_> = rows
                .into_iter()
                .zip(written)
                .filter_map(|(row, r)| match r {
                    Ok(()) => Some(row),
                    Err(e) => {
                        tracing::warn!(error = %e, key = row.blob_key, "evidence frame not written");
                        None
                    }
                })
                .collect();
            if let Err(e) = store.add_evidence(&rows).await {
                tracing::warn!(error = %e, n = rows.len(), "evidence frames not indexed");
            }
            tokio::time::sleep(COALESCE).await;
        }
    });
    tx
}
