//! Where the relay hands frames beyond the proctors: the evidence writer (samples, and every
//! frame around a flag) and the face checks. Neither is ever waited for: a full queue drops
//! the frame and counts it.
use super::evidence::EvidenceJob;
use super::face::FaceJob;
use super::{FLAG_WINDOW_MS, FrameHub};
use domain::watch::FOLLOW_UP_SECS;
use domain::{CandidateId, View};
use tokio::sync::mpsc;

impl FrameHub {
    /// Where evidence jobs go (set once at start-up).
    pub fn set_evidence_sink(&self, tx: mpsc::Sender<EvidenceJob>) {
        let _ = self.evidence.set(tx);
    }

    /// Where frames due for a face check go (set once at start-up; without it, no checks).
    pub fn set_face_sink(&self, tx: mpsc::Sender<FaceJob>) {
        let _ = self.face.set(tx);
    }

    pub(super) fn keep(&self, job: EvidenceJob) {
        if let Some(tx) = self.evidence.get()
            && tx.try_send(job).is_err()
        {
            self.stats.evidence_dropped();
            tracing::warn!("evidence queue full: a frame was not kept");
        }
    }

    /// The face checks suspect something on `c` (or no longer): its next checks come after
    /// `FOLLOW_UP_SECS` (or the exam's interval again).
    pub fn check_soon(&self, c: CandidateId, soon: bool) {
        let now = self.mono_ms();
        let mut g = self.lock();
        let Some(e) = g.candidates.get_mut(&c) else { return };
        e.face_soon = soon;
        let soon_ms = u64::from(e.settings.watch.check_secs.min(FOLLOW_UP_SECS)) * 1000;
        if soon && let Some(v) = g.views.get_mut(&(c, View::Pc)) {
            let at = now + soon_ms;
            v.next_face_check = Some(v.next_face_check.map_or(at, |n| n.min(at)));
        }
    }

    pub(super) fn check_face(&self, job: FaceJob) {
        if let Some(tx) = self.face.get()
            && tx.try_send(job).is_err()
        {
            self.stats.face_dropped();
        }
    }

    /// A flag was raised on `c`: keeps every frame of both views for the next
    /// [`FLAG_WINDOW_MS`], and asks the pages for a frame at once (the picture of the flag's
    /// moment, a round trip after it).
    pub fn flag_raised(&self, c: CandidateId) {
        let now = self.mono_ms();
        let mut g = self.lock();
        let Some(cand) = g.candidates.get_mut(&c) else {
            return;
        };
        cand.evidence_until = now + FLAG_WINDOW_MS;
        super::ask::snap(&mut g, c);
    }
}
