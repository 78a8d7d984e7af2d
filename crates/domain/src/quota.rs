//! Limits on what one candidate may upload: a rate (a token bucket of bytes) and totals per
//! sitting, sized from the exam's own settings so an honest page never meets them.
use chrono::{DateTime, Utc};

/// Recorder instances (page loads, camera restarts) per candidate and view.
pub const MAX_RECORDINGS_PER_VIEW: u32 = 200;
/// Identity photos per candidate (the page takes one; retries and reloads add a few).
pub const MAX_IDENTITY_PHOTOS: u32 = 20;
/// Bytes a candidate may send at once before the rate applies (two full recording chunks).
pub const BURST_BYTES: f64 = 8.0 * 1024.0 * 1024.0;
/// The lowest sustained upload rate allowed, bytes per second (photos, low-rate recording).
pub const MIN_RATE_BYTES_PER_SEC: f64 = 256.0 * 1024.0;

/// Total recording bytes one candidate may store: both views at the exam's bit rate over the
/// whole sitting (duration, extra time and the minutes after submitting), with half again as
/// margin for the encoder's peaks and a fixed 64 MiB for restarts.
pub fn recording_quota_bytes(kbps: u32, sitting_min: i64) -> u64 {
    let per_sec = u64::from(kbps) * 1000 / 8;
    let secs = u64::try_from(sitting_min.max(0)).unwrap_or(0) * 60;
    per_sec * secs * 2 * 3 / 2 + 64 * 1024 * 1024
}

/// The sustained upload rate for a candidate: four times what both recorders produce, at
/// least [`MIN_RATE_BYTES_PER_SEC`].
pub fn upload_rate(kbps: u32) -> f64 {
    (f64::from(kbps) * 1000.0 / 8.0 * 2.0 * 4.0).max(MIN_RATE_BYTES_PER_SEC)
}

/// A token bucket of bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ByteBucket {
    tokens: f64,
    at: DateTime<Utc>,
}

impl ByteBucket {
    /// A full bucket.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self { tokens: BURST_BYTES, at: now }
    }

    /// Takes `bytes` at `rate` bytes per second; `Err(seconds to wait)` when they are not
    /// there yet (nothing is taken then). A request larger than the burst is refused outright
    /// by the route's size limit before it gets here.
    pub fn take(&mut self, bytes: usize, rate: f64, now: DateTime<Utc>) -> Result<(), u64> {
        let elapsed = (now - self.at).num_milliseconds().max(0) as f64 / 1000.0;
        self.tokens = (self.tokens + elapsed * rate).min(BURST_BYTES);
        self.at = now;
        let need = bytes as f64;
        if need <= self.tokens {
            self.tokens -= need;
            Ok(())
        } else {
            Err(((need - self.tokens) / rate).ceil().max(1.0) as u64)
        }
    }

    /// Whether the bucket is full again (and can be forgotten).
    pub fn is_idle(&self, rate: f64, now: DateTime<Utc>) -> bool {
        let elapsed = (now - self.at).num_milliseconds().max(0) as f64 / 1000.0;
        self.tokens + elapsed * rate >= BURST_BYTES
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn quotas_follow_the_exam_and_cover_an_honest_sitting() {
        // 250 kbit/s for 150 minutes, both views: 562.5 MB, plus margin and slack.
        let q = recording_quota_bytes(250, 150);
        assert_eq!(q, 31_250 * 9_000 * 3 + 64 * 1024 * 1024);
        assert!(q > 2 * 31_250 * 9_000);
        assert_eq!(upload_rate(500), 500_000.0);
        assert_eq!(upload_rate(250), MIN_RATE_BYTES_PER_SEC);
        assert_eq!(upload_rate(16), MIN_RATE_BYTES_PER_SEC);
    }

    #[test]
    fn the_bucket_allows_a_burst_then_the_rate() {
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).expect("ts");
        let mut b = ByteBucket::new(t0);
        let chunk = 4 * 1024 * 1024;
        assert_eq!(b.take(chunk, 1e6, t0), Ok(()));
        assert_eq!(b.take(chunk, 1e6, t0), Ok(()));
        let wait = b.take(chunk, 1e6, t0).expect_err("empty");
        assert_eq!(wait, 5);
        assert_eq!(b.take(chunk, 1e6, t0 + Duration::seconds(5)), Ok(()));
        assert!(!b.is_idle(1e6, t0 + Duration::seconds(5)));
        assert!(b.is_idle(1e6, t0 + Duration::seconds(15)));
    }
}
