//! Who is calling, for every front door alike: server functions, plain routes and sockets
//! resolve the session cookie here (`CurrentStaff`, `CurrentCandidate`, also as axum
//! extractors), check a resource here (a stranger to a room learns nothing: `NotFound`, as
//! for an id that does not exist), and keep live sockets honest here: a socket holds a
//! [`LiveGuard`] that hears every access change of its owner on the bus (so it works across
//! instances) and checks again; when the session or the room is gone it yields the reason.
use super::auth::{CANDIDATE_COOKIE, STAFF_COOKIE, cookie_value, token_hash};
use super::bus::{BusEvent, BusItem, Subject, Subscription, Topic};
use super::store::{SessionOwner, SessionRecord};
use crate::Core;
use chrono::{DateTime, Utc};
use domain::protocol::RevokeReason;
use domain::{AppError, Candidate, CandidateId, Role, RoomId, RoomSummary, StaffUser, View};
use std::time::Duration;

/// A session as its holder presented it: the stored hash and when it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRef {
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

/// A signed-in staff member.
#[derive(Debug, Clone)]
pub struct CurrentStaff {
    pub user: StaffUser,
    pub session: SessionRef,
}

/// A signed-in candidate on one device.
#[derive(Debug, Clone)]
pub struct CurrentCandidate {
    pub id: CandidateId,
    pub device: View,
    pub session: SessionRef,
}

async fn record(state: &Core, token: &str) -> Result<Option<(SessionRecord, String)>, AppError> {
    let hash = token_hash(token);
    Ok(state.store.session(&hash, state.clock.now()).await?.map(|r| (r, hash)))
}

/// The staff member behind the request's staff cookie, if any.
pub async fn staff(
    state: &Core,
    headers: &http::HeaderMap,
) -> Result<Option<CurrentStaff>, AppError> {
    let Some(token) = cookie_value(headers, STAFF_COOKIE) else { return Ok(None) };
    let Some((rec, token_hash)) = record(state, &token).await? else { return Ok(None) };
    let SessionOwner::Staff(id) = rec.owner else { return Ok(None) };
    let Some(user) = state.store.staff(id).await? else { return Ok(None) };
    Ok(Some(CurrentStaff { user, session: SessionRef { token_hash, expires_at: rec.expires_at } }))
}

/// The candidate behind the request's candidate cookie, if any.
pub async fn candidate(
    state: &Core,
    headers: &http::HeaderMap,
) -> Result<Option<CurrentCandidate>, AppError> {
    let Some(token) = cookie_value(headers, CANDIDATE_COOKIE) else { return Ok(None) };
    let Some((rec, token_hash)) = record(state, &token).await? else { return Ok(None) };
    let SessionOwner::Candidate(id, device) = rec.owner else { return Ok(None) };
    Ok(Some(CurrentCandidate {
        id,
        device,
        session: SessionRef { token_hash, expires_at: rec.expires_at },
    }))
}

impl CurrentStaff {
    /// Refuses unless the staff member has one of `roles`.
    pub fn require(self, roles: &[Role]) -> Result<Self, AppError> {
        if roles.contains(&self.user.role) { Ok(self) } else { Err(AppError::Forbidden) }
    }
}

impl CurrentCandidate {
    /// Refuses unless the session is `device`'s (a phone step needs the paired phone).
    pub fn on(self, device: View) -> Result<Self, AppError> {
        if self.device == device {
            Ok(self)
        } else {
            Err(AppError::WrongDevice { expected: device })
        }
    }
}

/// Whether `user` may watch `room`: admins every room, proctors their assigned ones.
pub async fn may_watch(state: &Core, user: &StaffUser, room: RoomId) -> Result<bool, AppError> {
    Ok(match user.role {
        Role::Admin => state.store.room(room).await?.is_some(),
        Role::Proctor => state.store.is_assigned(room, user.id).await?,
    })
}

/// The room, if `user` may watch it; `NotFound` otherwise (as for a room that does not exist).
pub async fn watched_room(
    state: &Core,
    user: &StaffUser,
    room: RoomId,
) -> Result<RoomSummary, AppError> {
    if !may_watch(state, user, room).await? {
        return Err(AppError::NotFound);
    }
    state.store.room(room).await?.ok_or(AppError::NotFound)
}

/// The candidate, if `user` may watch their room; `NotFound` otherwise.
pub async fn watched_candidate(
    state: &Core,
    user: &StaffUser,
    c: CandidateId,
) -> Result<Candidate, AppError> {
    let cand = state.store.candidate(c).await?.ok_or(AppError::NotFound)?;
    if may_watch(state, user, cand.room_id).await? { Ok(cand) } else { Err(AppError::NotFound) }
}

/// Tells every live socket of `subject` to check its access again (after the change that
/// ended a session or an assignment is committed).
pub async fn changed(state: &Core, subject: Subject, reason: RevokeReason) {
    state.bus.publish(Topic::Access(subject), BusEvent::AccessChanged(reason)).await;
}

/// How often a live socket's access is checked even when nothing was announced (a missed bus
/// event costs at most this long): by the staff socket itself, for candidate sockets by the
/// instance's batched check (`recheck`, run by the server's timers).
pub const RECHECK_EVERY: Duration = Duration::from_secs(30);

/// What a live socket was opened with.
enum Holder {
    Staff { user: StaffUser, room: Option<RoomId> },
    Candidate,
}

/// How a socket's session is re-checked besides the bus.
enum Kept {
    /// A staff socket's own timer (its room assignment is checked too).
    Tick(tokio::time::Interval),
    /// A candidate socket's place in the instance's [`LiveSessions`](crate::recheck): its
    /// session is checked with all the others, and a gone one is announced on `sub`.
    Hold { _hold: crate::recheck::SessionHold },
}

/// Watches one socket's access: [`LiveGuard::revoked`] resolves when the session ends, the
/// account is disabled, the room is taken away or the session expires.
pub struct LiveGuard {
    holder: Holder,
    session: SessionRef,
    /// `None` once the bus has gone (a staff socket's timer still checks; a candidate
    /// socket's expiry still ends it, and the socket itself closes with its bus topic).
    sub: Option<Box<dyn Subscription>>,
    /// How the session is re-checked besides the bus.
    kept: Kept,
    /// Fires when the session expires.
    expiry: std::pin::Pin<Box<tokio::time::Sleep>>,
    /// A change heard and not checked yet (its hint).
    pending: Option<RevokeReason>,
}

impl LiveGuard {
    /// For a staff socket; `room` when it shows one room.
    pub async fn staff(state: &Core, who: &CurrentStaff, room: Option<RoomId>) -> Self {
        let sub = state.bus.subscribe(Topic::Access(Subject::Staff(who.user.id))).await;
        let holder = Holder::Staff { user: who.user.clone(), room };
        let start = tokio::time::Instant::now() + RECHECK_EVERY;
        let mut tick = tokio::time::interval_at(start, RECHECK_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Self::new(holder, who.session.clone(), sub, state.clock.now(), Kept::Tick(tick))
    }

    /// For a candidate socket.
    pub async fn candidate(state: &Core, who: &CurrentCandidate) -> Self {
        let sub = state.bus.subscribe(Topic::Access(Subject::Candidate(who.id))).await;
        let hold = state.sessions.hold(&who.session.token_hash, who.id);
        Self::new(
            Holder::Candidate,
            who.session.clone(),
            sub,
            state.clock.now(),
            Kept::Hold { _hold: hold },
        )
    }

    fn new(
        holder: Holder,
        session: SessionRef,
        sub: Box<dyn Subscription>,
        now: DateTime<Utc>,
        kept: Kept,
    ) -> Self {
        let left = (session.expires_at - now).to_std().unwrap_or_default();
        let expiry = Box::pin(tokio::time::sleep(left));
        Self { holder, session, sub: Some(sub), kept, expiry, pending: None }
    }

    /// Resolves with the reason once access is gone (never while it holds). Cancel-safe:
    /// meant for a `select!` branch of the socket's loop — a change heard but not checked
    /// yet is kept (`pending`) and checked first on the next call.
    pub async fn revoked(&mut self, state: &Core) -> RevokeReason {
        loop {
            if let Some(hint) = self.pending {
                match self.check(state, hint).await {
                    Ok(Some(reason)) => return reason,
                    Ok(None) => {}
                    // The store is unreachable: keep serving; the next check decides.
                    Err(e) => tracing::warn!(error = %e, "access check failed"),
                }
                self.pending = None;
            }
            let next = async {
                match self.sub.as_mut() {
                    Some(sub) => sub.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                item = next => match item {
                    Some(BusItem::Event(env)) => {
                        if let BusEvent::AccessChanged(reason) = env.event {
                            self.pending = Some(reason);
                        }
                    }
                    // Missed events: check anyway.
                    Some(BusItem::Gap) => self.pending = Some(RevokeReason::SignedOut),
                    // The bus is gone for good: the timer still checks.
                    None => self.sub = None,
                },
                _ = async {
                    match &mut self.kept {
                        Kept::Tick(tick) => tick.tick().await,
                        Kept::Hold { .. } => std::future::pending().await,
                    }
                } => self.pending = Some(RevokeReason::SignedOut),
                _ = self.expiry.as_mut() => return RevokeReason::SessionExpired,
            }
        }
    }

    /// `Some(reason)` when access is gone; `hint` names the announced change.
    async fn check(
        &self,
        state: &Core,
        hint: RevokeReason,
    ) -> Result<Option<RevokeReason>, AppError> {
        let now = state.clock.now();
        if now >= self.session.expires_at {
            return Ok(Some(RevokeReason::SessionExpired));
        }
        let rec = state.store.session(&self.session.token_hash, now).await?;
        match (&self.holder, rec.map(|r| r.owner)) {
            (Holder::Staff { user, room }, Some(SessionOwner::Staff(_))) => {
                let Some(user) = state.store.staff(user.id).await? else {
                    return Ok(Some(RevokeReason::AccountDisabled));
                };
                match room {
                    Some(room) if !may_watch(state, &user, *room).await? => {
                        Ok(Some(RevokeReason::AccessRemoved))
                    }
                    _ => Ok(None),
                }
            }
            (Holder::Candidate, Some(SessionOwner::Candidate(..))) => Ok(None),
            // The session is gone: say what was announced, if it was about sessions.
            (Holder::Staff { .. }, _) => Ok(Some(match hint {
                RevokeReason::AccountDisabled | RevokeReason::PasswordChanged => hint,
                _ => RevokeReason::SignedOut,
            })),
            (Holder::Candidate, _) => Ok(Some(match hint {
                RevokeReason::SignedInElsewhere => hint,
                _ => RevokeReason::SignedOut,
            })),
        }
    }
}

/// Axum extractors: the same resolution as above for plain routes and socket upgrades.
mod extract {
    use super::*;
    use axum::extract::FromRequestParts;
    use http::request::Parts;

    // Any router state that lends its `Core` (the server's `AppState` does), borrowed: a
    // request does not clone the core's shared parts.
    impl<S: Send + Sync> FromRequestParts<S> for CurrentStaff
    where
        S: AsRef<Core>,
    {
        type Rejection = AppError;
        async fn from_request_parts(p: &mut Parts, s: &S) -> Result<Self, AppError> {
            staff(s.as_ref(), &p.headers).await?.ok_or(AppError::Unauthenticated)
        }
    }

    impl<S: Send + Sync> FromRequestParts<S> for CurrentCandidate
    where
        S: AsRef<Core>,
    {
        type Rejection = AppError;
        async fn from_request_parts(p: &mut Parts, s: &S) -> Result<Self, AppError> {
            candidate(s.as_ref(), &p.headers).await?.ok_or(AppError::Unauthenticated)
        }
    }
}
