//! The guard every candidate upload passes before a byte is stored: the free-disk guard (an
//! upload that would leave less than the reserve is refused with `StorageFull`, so SQLite
//! always has room for answers and the disk never fills), then the candidate's byte rate.
//! Totals per sitting are checked by the services against the store (`domain::quota`).
use chrono::{DateTime, Utc};
use domain::quota::{ByteBucket, upload_rate};
use domain::{AppError, CandidateId};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Free space kept for the database and logs when nothing else is configured.
pub const DEFAULT_MIN_FREE_BYTES: u64 = 1024 * 1024 * 1024;

/// What `/readyz`, `/metrics` and the admin pages show of the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DiskStatus {
    pub free_bytes: u64,
    pub min_free_bytes: u64,
    /// Uploads are refused.
    pub low: bool,
}

/// Free space of the data directory's file system, checked on every upload.
pub struct DiskGuard {
    path: PathBuf,
    min_free: u64,
    free: AtomicU64,
    low: AtomicBool,
}

impl DiskGuard {
    pub fn new(path: PathBuf, min_free: u64) -> Self {
        let g =
            Self { path, min_free, free: AtomicU64::new(u64::MAX), low: AtomicBool::new(false) };
        g.refresh();
        g
    }

    /// Reads the free space now (a `statvfs`, about a microsecond) and returns it.
    pub fn refresh(&self) -> u64 {
        let free = match rustix::fs::statvfs(&self.path) {
            Ok(s) => s.f_bavail.saturating_mul(s.f_frsize),
            Err(e) => {
                tracing::warn!(error = %e, path = %self.path.display(), "cannot read free space");
                u64::MAX
            }
        };
        self.free.store(free, Ordering::Relaxed);
        let low = free < self.min_free;
        if self.low.swap(low, Ordering::Relaxed) != low {
            if low {
                tracing::error!(free, min = self.min_free, "disk space low: uploads refused");
            } else {
                tracing::warn!(free, "disk space back: uploads taken again");
            }
        }
        free
    }

    /// Refuses `bytes` when storing them would leave less than the reserve.
    pub fn check(&self, bytes: usize) -> Result<(), AppError> {
        let free = self.refresh();
        if free.saturating_sub(bytes as u64) < self.min_free {
            self.low.store(true, Ordering::Relaxed);
            return Err(AppError::StorageFull);
        }
        Ok(())
    }

    /// Where large uploads are received (below the data directory, on the guarded disk).
    pub fn spool_dir(&self) -> PathBuf {
        self.path.join("spool")
    }

    pub fn status(&self) -> DiskStatus {
        DiskStatus {
            free_bytes: self.free.load(Ordering::Relaxed),
            min_free_bytes: self.min_free,
            low: self.low.load(Ordering::Relaxed),
        }
    }
}

/// A file being received into the data directory's `spool/` (a large upload kept on disk,
/// not in memory); deleted when dropped.
#[derive(Debug)]
pub struct SpoolFile {
    path: PathBuf,
}

impl SpoolFile {
    /// A new empty spool file below `dir`.
    pub fn create(dir: &std::path::Path) -> std::io::Result<(Self, std::fs::File)> {
        std::fs::create_dir_all(dir)?;
        let bytes: [u8; 12] = rand::random();
        let path = dir.join(format!("{}.part", hex::encode(bytes)));
        let file = std::fs::File::create_new(&path)?;
        Ok((Self { path }, file))
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }
}

impl Drop for SpoolFile {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(error = %e, path = %self.path.display(), "spool file not removed");
        }
    }
}

/// The disk guard and every candidate's byte bucket.
pub struct UploadGuard {
    pub disk: DiskGuard,
    buckets: Mutex<HashMap<CandidateId, ByteBucket>>,
}

impl UploadGuard {
    pub fn new(disk: DiskGuard) -> Self {
        Self { disk, buckets: Mutex::new(HashMap::new()) }
    }

    /// Admits `bytes` from candidate `c` of an exam recording at `kbps`: the disk has room
    /// and the candidate's rate allows it; `StorageFull` or `UploadRate` otherwise.
    pub fn admit(
        &self,
        c: CandidateId,
        bytes: usize,
        kbps: u32,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        self.disk.check(bytes)?;
        let rate = upload_rate(kbps);
        let mut m = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() > 100_000 {
            m.retain(|_, b| !b.is_idle(rate, now));
        }
        m.entry(c)
            .or_insert_with(|| ByteBucket::new(now))
            .take(bytes, rate, now)
            .map_err(|retry_after_secs| AppError::UploadRate { retry_after_secs })
    }
}

impl Default for UploadGuard {
    fn default() -> Self {
        Self::new(DiskGuard::new(std::env::temp_dir(), 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reserve_larger_than_the_disk_refuses_every_upload() {
        let dir = std::env::temp_dir();
        let guard = DiskGuard::new(dir.clone(), u64::MAX / 2);
        assert_eq!(guard.check(1), Err(AppError::StorageFull));
        assert!(guard.status().low);
        let ok = DiskGuard::new(dir, 0);
        assert_eq!(ok.check(1), Ok(()));
        assert!(!ok.status().low);
    }

    #[test]
    fn one_candidate_at_full_speed_is_slowed_others_are_not() {
        let g = UploadGuard::default();
        let now = Utc::now();
        let chunk = 4 * 1024 * 1024;
        let a = CandidateId(1);
        assert!(g.admit(a, chunk, 250, now).is_ok());
        assert!(g.admit(a, chunk, 250, now).is_ok());
        assert!(matches!(g.admit(a, chunk, 250, now), Err(AppError::UploadRate { .. })));
        assert!(g.admit(CandidateId(2), chunk, 250, now).is_ok());
    }
}
