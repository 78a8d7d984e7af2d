//! The automatic watch during the exam: the face checks on PC frames (no face, several
//! faces, a different person) and the sound the PC page reports. Flags are raised when a
//! condition has lasted the exam's time and cleared when it ends, with the frames around them
//! kept as evidence; "we cannot see your face" is shown to the candidate when the exam says
//! so, and each prompt is on the timeline. The watch ends with the exam (`end`): its open
//! flags close.
//!
//! The face checks run in one task, one frame at a time, so they never take more than one
//! core whatever the load; the relay hands them a frame per candidate every `check_secs` and
//! drops frames (counted) when they fall behind.
use super::super::bus::{BusEvent, Topic};
use super::super::relay::face::{FaceJob, QUEUE};
use super::{camera, live};
use crate::Core;
use domain::camera::DOWN_HEADER_LEN;
use domain::console::{CandidateEvent, Prompt};
use domain::face::FaceError;
use domain::flag::FlagKind;
use domain::watch::{
    FACE_KINDS, FaceSample, FaceWatch, VOICE_MAX_FLAGS, VOICE_MIN_GAP_MS, VoiceGuard, WatchChange,
};
use domain::{AppError, CandidateId, Phase, View};
use futures::FutureExt;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// A candidate not checked for this long is forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(600);
/// At most this many automatic flags of one kind per candidate (a condition that comes and
/// goes all exam long is in the record already).
pub const MAX_FLAGS_PER_KIND: usize = 200;

/// One candidate's watch, kept by the checking task.
struct Watched {
    watch: FaceWatch,
    /// The verified face's embedding: `None` until loaded, `Some(None)` when there is none.
    reference: Option<Option<Arc<[f32]>>>,
    last_identity: Option<u64>,
    seen: Instant,
}

/// Starts the face checks; returns the sender the relay hands frames to.
pub fn spawn(core: Core) -> mpsc::Sender<FaceJob> {
    let (tx, mut rx) = mpsc::channel::<FaceJob>(QUEUE);
    tokio::spawn(async move {
        let mut book: HashMap<CandidateId, Watched> = HashMap::new();
        let mut swept = Instant::now();
        while let Some(job) = rx.recv().await {
            let c = job.candidate;
            // A failed check (or a panic in the provider) forgets the candidate: the next
            // check starts again from the store, and the task goes on.
            let done = AssertUnwindSafe(check(&core, &mut book, job)).catch_unwind().await;
            match done {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::warn!(candidate = %c, error = %e, "face check failed");
                    book.remove(&c);
                }
                Err(_) => {
                    tracing::error!(candidate = %c, "face check panicked");
                    book.remove(&c);
                }
            }
            if swept.elapsed() >= Duration::from_secs(60) {
                book.retain(|_, w| w.seen.elapsed() < FORGET_AFTER);
                swept = Instant::now();
            }
        }
        tracing::warn!("the face checks stopped: the relay is gone");
    });
    tx
}

async fn check(
    core: &Core,
    book: &mut HashMap<CandidateId, Watched>,
    job: FaceJob,
) -> Result<(), AppError> {
    let c = job.candidate;
    // Not seen for three check periods (the page was away, or another instance had it): the
    // open flags may have changed meanwhile, so they are read again.
    let stale = Duration::from_secs(u64::from(job.watch.check_secs) * 3);
    if book.get(&c).is_some_and(|w| w.seen.elapsed() > stale) {
        book.remove(&c);
    }
    let w = match book.entry(c) {
        Entry::Occupied(e) => e.into_mut(),
        Entry::Vacant(e) => {
            let open = core.store.open_auto_flags(c).await?;
            e.insert(Watched {
                watch: FaceWatch::with_open(&open),
                reference: None,
                // The first comparison comes one identity interval after the first check,
                // so an exam's start does not load every reference at once.
                last_identity: Some(job.at_ms),
                seen: Instant::now(),
            })
        }
    };
    w.seen = Instant::now();
    let compare = job.watch.identity_due(w.last_identity, job.at_ms);
    if compare && w.reference.is_none() {
        // A store or blob error is not remembered: the next due check tries again.
        w.reference = reference(core, c).await?.into();
    }
    let reference = if compare { w.reference.clone().flatten() } else { None };
    let jpeg = job.frame.get(DOWN_HEADER_LEN..).unwrap_or_default();
    let started = Instant::now();
    let scan = core.face.scan(jpeg, reference.as_deref()).await;
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    core.frames.stats.face_checked(micros);
    let sample = match scan {
        Ok(s) => FaceSample { faces: s.faces, distance: s.distance },
        // A picture that cannot be read shows nobody.
        Err(FaceError::BadImage { .. }) => FaceSample { faces: 0, distance: None },
        Err(e) => {
            tracing::warn!(candidate = %c, error = %e, "face check not made");
            return Ok(());
        }
    };
    if sample.distance.is_some() {
        w.last_identity = Some(job.at_ms);
    }
    let changes = w.watch.observe(sample, job.at_ms, &job.watch);
    core.frames.check_soon(c, w.watch.suspects());
    apply(core, c, &changes, job.watch.prompt).await
}

/// The embedding of the candidate's verified face: the photo that passed the PC check, else
/// the roster photo. `Ok(None)` when there is neither or it shows no single face.
async fn reference(core: &Core, c: CandidateId) -> Result<Option<Arc<[f32]>>, AppError> {
    let key = match core.store.matched_photo_key(c, View::Pc).await? {
        Some(k) => Some(k),
        None => core.store.candidate_photo_key(c).await?,
    };
    let Some(key) = key else { return Ok(None) };
    let photo = core.blobs.get(&key).await.map_err(super::super::error::ServerError::from)?;
    let Some(photo) = photo else { return Ok(None) };
    match core.face.embed(&photo).await {
        Ok(e) => Ok(Some(e.into())),
        Err(FaceError::ProviderUnavailable) => Err(AppError::Unavailable),
        Err(e) => {
            tracing::info!(candidate = %c, error = %e, "no reference face: identity not compared");
            Ok(None)
        }
    }
}

async fn apply(
    core: &Core,
    c: CandidateId,
    changes: &[WatchChange],
    prompt: bool,
) -> Result<(), AppError> {
    if changes.is_empty() {
        return Ok(());
    }
    let now = core.clock.now();
    for change in changes {
        match *change {
            WatchChange::Raise(kind) => {
                if raise_bounded(core, c, kind).await? {
                    tracing::info!(candidate = %c, kind = kind.as_str(), "face flag raised");
                }
                if kind == FlagKind::FaceAbsent && prompt {
                    face_prompt(core, c, true).await?;
                }
            }
            WatchChange::Clear(kind) => {
                core.store.clear_auto_flag(c, kind, now).await?;
                if kind == FlagKind::FaceAbsent {
                    face_prompt(core, c, false).await?;
                }
            }
        }
    }
    live::announce(core, c).await
}

/// Raises an automatic flag of `kind` (with its evidence) unless one is open or the
/// candidate has [`MAX_FLAGS_PER_KIND`] of that kind already; whether it was raised.
async fn raise_bounded(core: &Core, c: CandidateId, kind: FlagKind) -> Result<bool, AppError> {
    let flags = core.store.flags(c).await?;
    if flags.iter().filter(|f| f.kind == kind && f.automatic).count() >= MAX_FLAGS_PER_KIND {
        return Ok(false);
    }
    let raised = core.store.raise_auto_flag(c, kind, core.clock.now()).await?;
    if raised {
        camera::keep_evidence(core, c).await;
    }
    Ok(raised)
}

/// Shows (or takes away) "we cannot see your face" on the candidate's PC page; a shown
/// prompt is on the timeline.
async fn face_prompt(core: &Core, c: CandidateId, on: bool) -> Result<(), AppError> {
    if on {
        let event = CandidateEvent::Prompted { what: Prompt::FaceNotSeen };
        core.store.add_event(c, &event, core.clock.now()).await?;
    }
    core.bus.publish(Topic::Candidate(c), BusEvent::FacePrompt(on)).await;
    Ok(())
}

/// The watch of `c` ends (the sitting was submitted): its open face and sound flags close.
/// The caller announces the tile.
pub async fn end(core: &Core, c: CandidateId) -> Result<(), AppError> {
    let now = core.clock.now();
    let open = core.store.open_auto_flags(c).await?;
    for kind in FACE_KINDS.into_iter().chain([FlagKind::Noise]).filter(|k| open.contains(k)) {
        core.store.clear_auto_flag(c, kind, now).await?;
        if kind == FlagKind::FaceAbsent {
            face_prompt(core, c, false).await?;
        }
    }
    Ok(())
}

/// The PC page reports sound in the room (`speaking`) or its end. `guard` is the page's
/// connection's (a first bound); the store bounds the candidate's sound flags across
/// connections (one per [`VOICE_MIN_GAP_MS`], [`VOICE_MAX_FLAGS`] in all). Raises or clears
/// "noise or talking".
pub async fn sound(
    core: &Core,
    c: CandidateId,
    exam: domain::ExamId,
    phase: Phase,
    speaking: bool,
    guard: &mut VoiceGuard,
) -> Result<(), AppError> {
    let now = core.clock.now();
    let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
    if speaking && (phase != Phase::InExam || !guard.start(now_ms)) {
        return Ok(());
    }
    if !speaking {
        guard.end(now_ms);
        // Whatever this connection saw: the page is quiet, an open flag ends.
        return quiet(core, c).await;
    }
    if !core.store.exam_camera(exam).await?.watch.voice {
        return Ok(());
    }
    let noise: Vec<_> = core.store.flags(c).await?;
    let noise: Vec<_> = noise.iter().filter(|f| f.kind == FlagKind::Noise && f.automatic).collect();
    let gap = chrono::Duration::milliseconds(i64::try_from(VOICE_MIN_GAP_MS).unwrap_or(5_000));
    let rested = noise.iter().filter_map(|f| f.cleared_at).all(|t| now - t >= gap);
    if noise.len() >= VOICE_MAX_FLAGS as usize || !rested {
        return Ok(());
    }
    if core.store.raise_auto_flag(c, FlagKind::Noise, now).await? {
        camera::keep_evidence(core, c).await;
        live::announce(core, c).await?;
    }
    Ok(())
}

/// The PC page is quiet again, or gone: an open "noise or talking" flag ends.
pub async fn quiet(core: &Core, c: CandidateId) -> Result<(), AppError> {
    if core.store.clear_auto_flag(c, FlagKind::Noise, core.clock.now()).await? {
        live::announce(core, c).await?;
    }
    Ok(())
}
