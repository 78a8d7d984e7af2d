//! The automatic watch during the exam: what the server's face checks on the PC view and the
//! page's microphone level make of their samples. Pure rules: a [`FaceWatch`] turns sampled
//! face counts (and, less often, the distance to the verified face) into flags that are raised
//! only after a condition lasts, and cleared when it ends; [`VoiceGuard`] bounds how often a
//! page may report sound. The settings are the exam's (stored with its camera settings).
use super::flag::FlagKind;
use serde::{Deserialize, Serialize};

/// An exam's watch settings. Every field has a default, so older exams read as the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WatchSettings {
    /// Face checks on the PC view during the exam.
    pub face: bool,
    /// One PC frame per candidate is checked every this many seconds (every
    /// [`FOLLOW_UP_SECS`] while something is suspected).
    pub check_secs: u32,
    /// No face for this long (from the first check that saw none) raises "face absent".
    pub absent_secs: u32,
    /// Two or more faces for this long raise "another person".
    pub several_secs: u32,
    /// Every this many seconds, a check with one face also compares it with the verified face.
    pub identity_secs: u32,
    /// A distance at or above this is a different person.
    pub mismatch_at: f32,
    /// This many different-person comparisons in a row raise "different person".
    pub mismatch_checks: u32,
    /// Tell the candidate "we cannot see your face" when the flag is raised.
    pub prompt: bool,
    /// The PC page measures the microphone level and reports sustained speech-like sound.
    pub voice: bool,
    /// Speech-like sound for this long is reported.
    pub voice_secs: u32,
    /// Points each flag kind takes off the integrity score.
    pub weights: super::integrity::Weights,
}

impl Default for WatchSettings {
    fn default() -> Self {
        Self {
            face: true,
            check_secs: DEFAULT_CHECK_SECS,
            absent_secs: 20,
            several_secs: 10,
            identity_secs: 300,
            mismatch_at: 0.65,
            mismatch_checks: 2,
            prompt: true,
            voice: true,
            voice_secs: 8,
            weights: super::integrity::Weights::default(),
        }
    }
}

/// The default check interval: 2,000 candidates' checks (every minute, every 5 s while
/// something is suspected, the identity every 5 minutes) fit in half a core of this 2-core
/// machine with dlib (BENCHMARKS.md, "Face checks").
pub const DEFAULT_CHECK_SECS: u32 = 60;

impl WatchSettings {
    /// Whether the settings are within their ranges.
    pub fn validate(&self) -> bool {
        (2..=600).contains(&self.check_secs)
            && (2..=3600).contains(&self.absent_secs)
            && (2..=3600).contains(&self.several_secs)
            && (self.check_secs..=7200).contains(&self.identity_secs)
            && self.mismatch_at > 0.0
            && self.mismatch_at <= 2.0
            && (1..=20).contains(&self.mismatch_checks)
            && (2..=600).contains(&self.voice_secs)
            && self.weights.validate()
    }

    /// Whether a check at `now_ms` (the last identity comparison at `last_ms`) also compares
    /// the face with the verified one.
    pub fn identity_due(&self, last_ms: Option<u64>, now_ms: u64) -> bool {
        last_ms.is_none_or(|l| now_ms.saturating_sub(l) >= u64::from(self.identity_secs) * 1000)
    }
}

/// While a candidate is suspected ([`FaceWatch::suspects`]), a check every this many
/// seconds (or the exam's interval, if shorter).
pub const FOLLOW_UP_SECS: u32 = 5;

/// What one check of a PC frame found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceSample {
    pub faces: u32,
    /// The distance between the one face and the verified face, when it was compared.
    pub distance: Option<f32>,
}

/// A flag to raise or clear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchChange {
    Raise(FlagKind),
    Clear(FlagKind),
}

/// The face flags the watch raises.
pub const FACE_KINDS: [FlagKind; 3] =
    [FlagKind::FaceAbsent, FlagKind::AnotherPerson, FlagKind::FaceMismatch];

/// One candidate's face watch. Times are ms on any monotonic clock.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaceWatch {
    absent_since: Option<u64>,
    several_since: Option<u64>,
    mismatches: u32,
    open: Vec<FlagKind>,
}

impl FaceWatch {
    /// A watch that knows which of its flags are open (after a restart, from the store).
    pub fn with_open(open: &[FlagKind]) -> Self {
        let open = open.iter().copied().filter(|k| FACE_KINDS.contains(k)).collect();
        Self { open, ..Self::default() }
    }

    pub fn is_open(&self, kind: FlagKind) -> bool {
        self.open.contains(&kind)
    }

    /// Whether a condition is suspected or flagged: the candidate's next check comes after
    /// [`FOLLOW_UP_SECS`] rather than the exam's interval, so a flag is confirmed (and
    /// cleared) about as fast as its persistence time allows.
    pub fn suspects(&self) -> bool {
        self.absent_since.is_some()
            || self.several_since.is_some()
            || self.mismatches > 0
            || !self.open.is_empty()
    }

    /// Takes one sample and returns the flags to raise or clear. A condition raises its flag
    /// once it has lasted its time (from the first sample that showed it); an open flag
    /// clears only at a sample that shows the condition has ended (a watch that restarts with
    /// a flag open keeps it while the condition goes on).
    pub fn observe(&mut self, s: FaceSample, now: u64, cfg: &WatchSettings) -> Vec<WatchChange> {
        let mut out = Vec::new();
        let lasted = |since: u64, secs: u32| now.saturating_sub(since) >= u64::from(secs) * 1000;
        // No face.
        if s.faces == 0 {
            let since = *self.absent_since.get_or_insert(now);
            if lasted(since, cfg.absent_secs) {
                self.raise(FlagKind::FaceAbsent, &mut out);
            }
        } else {
            self.absent_since = None;
            self.clear(FlagKind::FaceAbsent, &mut out);
        }
        // Several faces.
        if s.faces >= 2 {
            let since = *self.several_since.get_or_insert(now);
            if lasted(since, cfg.several_secs) {
                self.raise(FlagKind::AnotherPerson, &mut out);
            }
        } else {
            self.several_since = None;
            self.clear(FlagKind::AnotherPerson, &mut out);
        }
        // A different person: only one face, compared.
        if let (1, Some(d)) = (s.faces, s.distance) {
            if d.is_nan() || d >= cfg.mismatch_at {
                self.mismatches = self.mismatches.saturating_add(1);
                if self.mismatches >= cfg.mismatch_checks {
                    self.raise(FlagKind::FaceMismatch, &mut out);
                }
            } else {
                self.mismatches = 0;
                self.clear(FlagKind::FaceMismatch, &mut out);
            }
        }
        out
    }

    fn raise(&mut self, kind: FlagKind, out: &mut Vec<WatchChange>) {
        if !self.is_open(kind) {
            self.open.push(kind);
            out.push(WatchChange::Raise(kind));
        }
    }

    fn clear(&mut self, kind: FlagKind, out: &mut Vec<WatchChange>) {
        if self.is_open(kind) {
            self.open.retain(|k| *k != kind);
            out.push(WatchChange::Clear(kind));
        }
    }
}

/// The least time between two sound reports of a page that are taken (a page that reports
/// more often is ignored until then).
pub const VOICE_MIN_GAP_MS: u64 = 5_000;
/// At most this many sound flags per candidate and exam; later reports are ignored.
pub const VOICE_MAX_FLAGS: u32 = 200;

/// Bounds a page's sound reports: a start is taken if none is open, the last one ended at
/// least [`VOICE_MIN_GAP_MS`] ago and fewer than [`VOICE_MAX_FLAGS`] were taken.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VoiceGuard {
    open: bool,
    last_end: Option<u64>,
    taken: u32,
}

impl VoiceGuard {
    /// Sound started: whether to raise the flag.
    pub fn start(&mut self, now: u64) -> bool {
        let rested = self.last_end.is_none_or(|e| now.saturating_sub(e) >= VOICE_MIN_GAP_MS);
        if self.open || !rested || self.taken >= VOICE_MAX_FLAGS {
            return false;
        }
        self.open = true;
        self.taken += 1;
        true
    }

    /// Sound ended: whether to clear the flag.
    pub fn end(&mut self, now: u64) -> bool {
        if !self.open {
            return false;
        }
        self.open = false;
        self.last_end = Some(now);
        true
    }
}

/// How often the PC page measures the microphone.
pub const VOICE_TICK_MS: u64 = 250;
/// A measurement counts as speech-like when its peak level is at least this (0..1)...
pub const VOICE_MIN_LEVEL: f32 = 0.04;
/// ...and at least this share of its energy is in the voice band (300–3400 Hz).
pub const VOICE_MIN_BAND_SHARE: f32 = 0.6;
/// Sound is reported when this share of the last `voice_secs` was speech-like...
pub const VOICE_ON_SHARE: f32 = 0.5;
/// ...and its end when less than this share of the last few seconds was.
pub const VOICE_OFF_SHARE: f32 = 0.1;
/// The window in which the end is decided.
pub const VOICE_OFF_SECS: u32 = 4;

/// The PC page's sound detector: measurements every [`VOICE_TICK_MS`] in, "speaking" and
/// "quiet again" out. No audio is kept: only whether each measurement was speech-like.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VoiceDetector {
    /// Whether each recent measurement was speech-like, newest last.
    recent: std::collections::VecDeque<bool>,
    speaking: bool,
}

impl VoiceDetector {
    /// Takes one measurement (peak level 0..1, share of energy in the voice band 0..1);
    /// returns `Some(true)` when sustained speech starts, `Some(false)` when it ends.
    pub fn measure(&mut self, level: f32, band_share: f32, voice_secs: u32) -> Option<bool> {
        let ticks = |secs: u32| (u64::from(secs) * 1000 / VOICE_TICK_MS).max(1) as usize;
        let window = ticks(voice_secs);
        let speech = level >= VOICE_MIN_LEVEL && band_share >= VOICE_MIN_BAND_SHARE;
        self.recent.push_back(speech);
        while self.recent.len() > window.max(ticks(VOICE_OFF_SECS)) {
            self.recent.pop_front();
        }
        let share = |n: usize| {
            let n = n.min(self.recent.len()).max(1);
            self.recent.iter().rev().take(n).filter(|s| **s).count() as f32 / n as f32
        };
        if !self.speaking && self.recent.len() >= window && share(window) >= VOICE_ON_SHARE {
            self.speaking = true;
            return Some(true);
        }
        if self.speaking && share(ticks(VOICE_OFF_SECS)) < VOICE_OFF_SHARE {
            // What was heard before the end does not count towards the next start.
            self.speaking = false;
            self.recent.clear();
            return Some(false);
        }
        None
    }
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod tests;
