//! Counters of the relay: frames and bytes accepted, frames refused by kind, evidence frames
//! that could not be queued, face checks (run, dropped, time spent). Exposed at `/metrics` and in the bench.
use domain::camera::FrameError;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct FrameStats {
    accepted: AtomicU64,
    accepted_bytes: AtomicU64,
    refused: [AtomicU64; FrameError::ALL.len()],
    evidence_dropped: AtomicU64,
    face_dropped: AtomicU64,
    face_checks: AtomicU64,
    face_check_micros: AtomicU64,
}

fn index(e: FrameError) -> usize {
    let kind = std::mem::discriminant(&e);
    FrameError::ALL.iter().position(|k| std::mem::discriminant(k) == kind).unwrap_or(0)
}

impl FrameStats {
    pub fn accepted(&self, bytes: usize) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        self.accepted_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    pub fn refused(&self, e: FrameError) {
        self.refused[index(e)].fetch_add(1, Ordering::Relaxed);
    }

    pub fn evidence_dropped(&self) {
        self.evidence_dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// A frame due for a face check found the checks' queue full.
    pub fn face_dropped(&self) {
        self.face_dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// A face check ran for `micros`.
    pub fn face_checked(&self, micros: u64) {
        self.face_checks.fetch_add(1, Ordering::Relaxed);
        self.face_check_micros.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn face_checks(&self) -> u64 {
        self.face_checks.load(Ordering::Relaxed)
    }

    pub fn accepted_count(&self) -> u64 {
        self.accepted.load(Ordering::Relaxed)
    }

    pub fn refused_count(&self, e: FrameError) -> u64 {
        self.refused[index(e)].load(Ordering::Relaxed)
    }

    /// The counters in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# TYPE vigil_frames_accepted_total counter");
        let _ = writeln!(s, "vigil_frames_accepted_total {}", self.accepted_count());
        let _ = writeln!(s, "# TYPE vigil_frame_bytes_accepted_total counter");
        let _ = writeln!(
            s,
            "vigil_frame_bytes_accepted_total {}",
            self.accepted_bytes.load(Ordering::Relaxed)
        );
        let _ = writeln!(s, "# TYPE vigil_frames_refused_total counter");
        for e in FrameError::ALL {
            let n = self.refused_count(e);
            let _ = writeln!(s, "vigil_frames_refused_total{{reason=\"{}\"}} {n}", e.as_str());
        }
        let _ = writeln!(s, "# TYPE vigil_evidence_dropped_total counter");
        let _ = writeln!(
            s,
            "vigil_evidence_dropped_total {}",
            self.evidence_dropped.load(Ordering::Relaxed)
        );
        let face = [
            ("vigil_face_checks_total", self.face_checks()),
            ("vigil_face_checks_dropped_total", self.face_dropped.load(Ordering::Relaxed)),
            ("vigil_face_check_micros_total", self.face_check_micros.load(Ordering::Relaxed)),
        ];
        for (name, n) in face {
            let _ = writeln!(s, "# TYPE {name} counter");
            let _ = writeln!(s, "{name} {n}");
        }
        s
    }
}
