//! Live room feeds: builds candidate tiles from the store and presence, announces changes
//! on the room topic (in order, one announcement per room at a time) and builds snapshots.
use super::super::bus::{BusEvent, Topic};
use super::super::store::console::TileExtras;
use crate::Core;
use domain::flag::FlagKind;
use domain::integrity::{Weights, score};
use domain::{AppError, Candidate, CandidateId, CandidateTile, Exam, RoomId, RoomSummary};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Serialises announcements per room: each reads the current state and publishes it under
/// the room's lock, so a later sequence number never carries older state.
#[derive(Default)]
pub struct Announcer {
    locks: Mutex<HashMap<RoomId, Arc<tokio::sync::Mutex<()>>>>,
}

impl Announcer {
    fn lock_for(&self, room: RoomId) -> Arc<tokio::sync::Mutex<()>> {
        let mut m = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        m.entry(room).or_default().clone()
    }
}

/// The tile of a stored candidate with current presence and what the store adds (open
/// flags, answered questions, warnings, unread messages, a raised hand), and its integrity
/// score with the exam's `weights`.
pub fn tile(
    state: &Core,
    c: &Candidate,
    x: TileExtras,
    exam: Option<&Exam>,
    weights: &Weights,
) -> CandidateTile {
    let presence = state.presence.get(c.id);
    let integrity = score(&x.scored, weights, state.clock.now()).score;
    CandidateTile {
        id: c.id,
        name: c.name.clone(),
        ticket: c.ticket.to_string(),
        phase: c.phase,
        verification: c.verification,
        device_check: c.device_check,
        pc: presence.pc,
        phone: presence.phone,
        flags: x.flags,
        answered: x.answered,
        deadline: exam.map(|e| e.times(c.extra_minutes).deadline),
        extra_minutes: c.extra_minutes,
        warnings: x.warnings,
        unread: x.unread,
        hand_raised: x.hand_raised,
        sessions_replaced: x.sessions_replaced,
        integrity,
    }
}

/// Publishes the candidate's current tile to its room, on every instance.
pub async fn announce(state: &Core, id: CandidateId) -> Result<(), AppError> {
    announce_to(state, id, Reach::Everywhere).await
}

/// Publishes the candidate's current tile to this instance's sockets only: another
/// instance announced a change and this one re-read it from the store.
pub async fn announce_here(state: &Core, id: CandidateId) -> Result<(), AppError> {
    announce_to(state, id, Reach::Here).await
}

#[derive(Clone, Copy, PartialEq)]
enum Reach {
    Everywhere,
    Here,
}

async fn announce_to(state: &Core, id: CandidateId, reach: Reach) -> Result<(), AppError> {
    let Some(c) = state.store.candidate(id).await? else {
        return Ok(());
    };
    // Another instance's change matters here only to this instance's proctors of the room (a
    // proctor who opens it later reads the change in the snapshot). The stored room: a
    // candidate may have been moved since the change was announced.
    if reach == Reach::Here && !state.bus.watched(Topic::Room(c.room_id)).await {
        return Ok(());
    }
    let lock = state.announcer.lock_for(c.room_id);
    let _guard = lock.lock().await;
    // Re-read under the lock: the state published is the latest committed one.
    let Some(c) = state.store.candidate(id).await? else {
        return Ok(());
    };
    let mut extras = state.store.tile_extras(id).await?;
    let kinds: Vec<FlagKind> =
        extras.flags.iter().filter(|f| f.automatic).map(|f| f.kind).collect();
    // "Second view lost" is decided by an instance that announces a change of its own, and
    // only while it knows where every page is (with several instances, not while they do
    // not hear each other): an instance re-reading another's change leaves it to that one.
    if reach == Reach::Everywhere
        && state.bus.presence_settled()
        && super::camera::reconcile_phone(state, &c, &state.presence.get(id), &kinds).await?
    {
        extras = state.store.tile_extras(id).await?;
    }
    let exam = state.store.exam(c.exam_id).await?;
    // Without a flag the score is 100 whatever the weights: most announcements (presence,
    // answers, phases) need not read the exam's watch settings.
    let weights = if extras.scored.is_empty() {
        Weights::default()
    } else {
        state.store.exam_camera(c.exam_id).await?.watch.weights
    };
    let t = tile(state, &c, extras, exam.as_ref(), &weights);
    let (topic, event) = (Topic::Room(c.room_id), BusEvent::TileChanged(Box::new(t)));
    match reach {
        Reach::Everywhere => state.bus.publish(topic, event).await,
        Reach::Here => state.bus.publish_local(topic, event).await,
    };
    Ok(())
}

/// A room snapshot: the room topic's sequence number read *before* loading, so every change
/// after it arrives as a delta (deltas are whole tiles, so applying one twice is harmless).
pub async fn snapshot(
    state: &Core,
    room: RoomId,
) -> Result<(u64, RoomSummary, Vec<CandidateTile>), AppError> {
    let seq = state.bus.current_seq(Topic::Room(room)).await;
    let summary = state.store.room(room).await?.ok_or(AppError::NotFound)?;
    let exam = state.store.exam(summary.exam_id).await?;
    let weights = state.store.exam_camera(summary.exam_id).await?.watch.weights;
    let mut extras = state.store.tile_extras_in_room(room).await?;
    let tiles = state
        .store
        .candidates_in_room(room)
        .await?
        .iter()
        .map(|c| {
            let x = extras.remove(&c.id).unwrap_or_default();
            tile(state, c, x, exam.as_ref(), &weights)
        })
        .collect();
    Ok((seq, summary, tiles))
}
