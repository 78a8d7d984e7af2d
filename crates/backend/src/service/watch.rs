//! The automatic watch during the exam: the face checks on PC frames (no face, several
//! faces, a different person) and the sound the PC page reports. Flags are raised when a
//! condition has lasted the exam's time and cleared when it ends, with the frames around them
//! kept as evidence; "we cannot see your face" is shown to the candidate when the exam says
//! so, and each prompt is on the timeline.
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
use domain::watch::{FaceSample, FaceWatch, VoiceGuard, WatchChange};
use domain::{AppError, CandidateId, Phase, View};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// A candidate not checked for this long is forgotten (its open flags are re-read if it
/// comes back).
const FORGET_AFTER: Duration = Duration::from_secs(600);

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
            if let Err(e) = check(&core, &mut book, job).await {
                tracing::warn!(candidate = %c, error = %e, "face check failed");
            }
            if swept.elapsed() >= Duration::from_secs(60) {
                book.retain(|_, w| w.seen.elapsed() < FORGET_AFTER);
                swept = Instant::now();
            }
        }
    });
    tx
}

async fn check(
    core: &Core,
    book: &mut HashMap<CandidateId, Watched>,
    job: FaceJob,
) -> Result<(), AppError> {
    let c = job.candidate;
    let w = match book.entry(c) {
        Entry::Occupied(e) => e.into_mut(),
        Entry::Vacant(e) => {
            let open = core.store.open_auto_flags(c).await?;
            e.insert(Watched {
                watch: FaceWatch::with_open(&open),
                reference: None,
                last_identity: None,
                seen: Instant::now(),
            })
        }
    };
    w.seen = Instant::now();
    let compare = job.watch.identity_due(w.last_identity, job.at_ms);
    if compare {
        w.last_identity = Some(job.at_ms);
        if w.reference.is_none() {
            w.reference = Some(reference(core, c).await);
        }
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
    let changes = w.watch.observe(sample, job.at_ms, &job.watch);
    apply(core, c, &changes, job.watch.prompt).await
}

/// The embedding of the candidate's verified face: the photo that passed the PC check, else
/// the roster photo. `None` when there is neither or it shows no single face.
async fn reference(core: &Core, c: CandidateId) -> Option<Arc<[f32]>> {
    let key = match core.store.matched_photo_key(c, View::Pc).await {
        Ok(Some(k)) => Some(k),
        _ => core.store.candidate_photo_key(c).await.ok().flatten(),
    }?;
    let photo = core.blobs.get(&key).await.ok().flatten()?;
    match core.face.embed(&photo).await {
        Ok(e) => Some(e.into()),
        Err(e) => {
            tracing::info!(candidate = %c, error = %e, "no reference face: identity not compared");
            None
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
                if core.store.raise_auto_flag(c, kind, now).await? {
                    camera::keep_evidence(core, c).await;
                    tracing::info!(candidate = %c, kind = kind.as_str(), "face flag raised");
                }
                if kind == FlagKind::FaceAbsent && prompt {
                    face_prompt(core, c, true).await?;
                }
            }
            WatchChange::Clear(kind) => {
                core.store.clear_auto_flag(c, kind, now).await?;
                if kind == FlagKind::FaceAbsent && prompt {
                    face_prompt(core, c, false).await?;
                }
            }
        }
    }
    live::announce(core, c).await
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

/// The PC page reports sound in the room (`speaking`) or its end. `guard` is the page's
/// connection's: it bounds how often reports are taken. Raises or clears "noise or talking".
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
    if !speaking && !guard.end(now_ms) {
        return Ok(());
    }
    if !core.store.exam_camera(exam).await?.watch.voice {
        return Ok(());
    }
    if speaking {
        if core.store.raise_auto_flag(c, FlagKind::Noise, now).await? {
            camera::keep_evidence(core, c).await;
        }
    } else {
        core.store.clear_auto_flag(c, FlagKind::Noise, now).await?;
    }
    live::announce(core, c).await
}
