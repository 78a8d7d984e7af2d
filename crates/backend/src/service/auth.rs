//! Signing in and out. Staff by username and password (argon2, a few at a time, the same
//! work for an unknown name); candidates by exam ID and ticket number, and, when the exam
//! says so, the ID card's last digits or the access code. Failures are limited per address
//! and per ticket (`crate::throttle`). A candidate has one PC session: a new sign-in ends
//! the old one at once (its sockets close, the proctors see the event).
use super::super::access::{self, CurrentStaff};
use super::super::auth::{hash_password, new_token, token_hash, verify_password};
use super::super::bus::Subject;
use super::super::error::ServerError;
use super::super::store::{NewStaff, SessionOwner};
use super::super::throttle::ThrottleKey;
use super::{live, phase};
use crate::Core;
use domain::console::CandidateEvent;
use domain::protocol::RevokeReason;
use domain::signin::secret_matches;
use domain::user::{MIN_PASSWORD_LEN, valid_username};
use domain::{
    AppError, Candidate, CandidateSelf, ExamCode, Field, PhaseCommand, Role, StaffId, StaffUser,
    TicketNumber, ValidationCode, View,
};
use std::net::IpAddr;

/// An argon2 hash of a random password, checked when the username is unknown so that an
/// unknown name takes as long as a wrong password (made once per process).
async fn decoy_hash(state: &Core) -> Result<String, AppError> {
    let hash = state
        .throttle
        .decoy
        .get_or_try_init(|| async {
            let (random, _) = new_token();
            hash_password(random).await
        })
        .await?;
    Ok(hash.clone())
}

/// Checks a staff member's password and opens a session; returns the user and the token.
pub async fn staff_login(
    state: &Core,
    ip: IpAddr,
    username: &str,
    password: &str,
) -> Result<(StaffUser, String), AppError> {
    let now = state.clock.now();
    let username = username.trim();
    if username.is_empty() {
        return Err(AppError::Validation {
            field: Field::Username,
            code: ValidationCode::Required,
        });
    }
    if password.is_empty() {
        return Err(AppError::Validation {
            field: Field::Password,
            code: ValidationCode::Required,
        });
    }
    let reservation = state.throttle.reserve(vec![ThrottleKey::Address(ip)], now).await?;
    let user = check_password(state, username, password).await?;
    state.throttle.succeeded(reservation).await;
    let (token, hash) = new_token();
    let expires = now + super::super::auth::staff_session_length();
    state.store.create_session(&hash, SessionOwner::Staff(user.id), now, expires).await?;
    state.store.audit(&user.username, "staff_login", "", now).await?;
    Ok((user, token))
}

async fn check_password(
    state: &Core,
    username: &str,
    password: &str,
) -> Result<StaffUser, AppError> {
    let creds = state.store.staff_credentials(username).await?;
    let hash = match &creds {
        Some(c) => c.password_hash.clone(),
        None => decoy_hash(state).await?,
    };
    let ok = {
        let slots = &state.throttle.password_checks;
        let _slot = slots.acquire().await.map_err(|_| AppError::Unavailable)?;
        verify_password(hash, password.to_string()).await?
    };
    match creds {
        Some(c) if ok => Ok(c.user),
        _ => Err(AppError::InvalidCredentials),
    }
}

/// Finds the candidate by exam ID and ticket (and the second credential the exam asks for),
/// moves them to LoggedIn (or keeps their progress) and opens their PC session, ending any
/// older one; returns what they see and the token.
pub async fn candidate_login(
    state: &Core,
    ip: IpAddr,
    exam_code: &str,
    ticket: &str,
    secret: &str,
) -> Result<(CandidateSelf, String), AppError> {
    let now = state.clock.now();
    let address = ThrottleKey::Address(ip);
    state.throttle.check(std::slice::from_ref(&address), now).await?;
    let code = ExamCode::parse(exam_code)
        .map_err(|code| AppError::Validation { field: Field::ExamCode, code })?;
    let ticket = TicketNumber::parse(ticket)
        .map_err(|code| AppError::Validation { field: Field::Ticket, code })?;
    let Some(exam) = state.store.exam_by_code(&code).await? else {
        state.throttle.settle(&[address], true, now).await?;
        return Err(AppError::UnknownExam);
    };
    let keys = [address, ThrottleKey::Ticket(exam.id, ticket.as_str().to_string())];
    let mode = exam.sign_in;
    if mode.needs_secret() && secret.trim().is_empty() {
        state.throttle.check(&keys, now).await?;
        return Err(AppError::CredentialRequired { mode });
    }
    let found = state.store.candidate_by_ticket(exam.id, &ticket).await?;
    let candidate = match found {
        Some(c) if secret_ok(state, &c, mode, secret).await? => c,
        // With a second credential, an unknown ticket and a wrong secret look the same.
        _ if mode.needs_secret() => {
            state.throttle.settle(&keys, true, now).await?;
            return Err(AppError::CandidateCredentials { mode });
        }
        // The ticket alone: a failure is an unknown ticket, counted against the address.
        _ => {
            state.throttle.settle(&keys[..1], true, now).await?;
            return Err(AppError::UnknownTicket);
        }
    };
    state.throttle.settle(&keys, false, now).await?;
    phase::advance(state, candidate.id, PhaseCommand::LogIn, "candidate").await?;
    state.store.add_event(candidate.id, &CandidateEvent::Login, now).await?;
    let token = open_candidate_session(state, &candidate, View::Pc).await?;
    let me = candidate_self(state, candidate.id).await?;
    Ok((me, token))
}

async fn secret_ok(
    state: &Core,
    c: &Candidate,
    mode: domain::signin::SignInMode,
    secret: &str,
) -> Result<bool, AppError> {
    if !mode.needs_secret() {
        return Ok(true);
    }
    let code = state.store.access_code(c.id).await?;
    Ok(secret_matches(mode, &c.id_card, &code, secret))
}

/// Opens a session for the candidate's `device`, replacing the device's older session: its
/// sockets are told to check again (and close), the timeline and the proctors' tile say so.
pub async fn open_candidate_session(
    state: &Core,
    c: &Candidate,
    device: View,
) -> Result<String, AppError> {
    let now = state.clock.now();
    let (token, hash) = new_token();
    let expires = now + super::super::auth::candidate_session_length();
    let owner = SessionOwner::Candidate(c.id, device);
    let replaced = state.store.create_session(&hash, owner, now, expires).await?;
    if replaced > 0 {
        // Told first: the old page learns why before anything else can end it (the batched
        // re-check would say only "signed out"), and even if a record below fails.
        access::changed(state, Subject::Candidate(c.id), RevokeReason::SignedInElsewhere).await;
        let event = CandidateEvent::SessionReplaced { view: device };
        state.store.add_event(c.id, &event, now).await?;
        let actor = format!("candidate:{}", c.id.0);
        let detail = format!("{} session replaced", device.as_str());
        state.store.audit(&actor, "session_replaced", &detail, now).await?;
        live::announce(state, c.id).await?;
    }
    Ok(token)
}

/// What a candidate sees of their own record.
pub async fn candidate_self(
    state: &Core,
    id: domain::CandidateId,
) -> Result<CandidateSelf, AppError> {
    let c = state.store.candidate(id).await?.ok_or(AppError::NotFound)?;
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    Ok(CandidateSelf::of(&c, &exam))
}

/// Ends the session of `token` (a staff member's or a candidate's); its open sockets close.
pub async fn logout(state: &Core, token: &str) -> Result<(), AppError> {
    let hash = token_hash(token);
    let owner = state.store.session(&hash, state.clock.now()).await?.map(|r| r.owner);
    state.store.delete_session(&hash).await?;
    let subject = match owner {
        Some(SessionOwner::Staff(s)) => Subject::Staff(s),
        Some(SessionOwner::Candidate(c, _)) => Subject::Candidate(c),
        None => return Ok(()),
    };
    access::changed(state, subject, RevokeReason::SignedOut).await;
    Ok(())
}

/// Sets a staff member's password and ends their other sessions (all of them, unless it is
/// the caller's own password: the caller's current session stays).
pub async fn set_password(
    state: &Core,
    by: &CurrentStaff,
    staff: StaffId,
    password: &str,
) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::Validation {
            field: Field::Password,
            code: ValidationCode::TooShort,
        });
    }
    let hash = hash_password(password.to_string()).await?;
    state.store.set_password_hash(staff, &hash).await?;
    let keep = (staff == by.user.id).then_some(by.session.token_hash.as_str());
    state.store.delete_staff_sessions(staff, keep).await?;
    access::changed(state, Subject::Staff(staff), RevokeReason::PasswordChanged).await;
    Ok(())
}

/// Creates a staff account (used by `vigil admin create` and the demo).
pub async fn create_staff(
    state: &Core,
    username: &str,
    display_name: &str,
    role: Role,
    password: &str,
) -> Result<StaffId, AppError> {
    if !valid_username(username) {
        return Err(AppError::Validation {
            field: Field::Username,
            code: ValidationCode::BadFormat,
        });
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::Validation {
            field: Field::Password,
            code: ValidationCode::TooShort,
        });
    }
    let password_hash = hash_password(password.to_string()).await?;
    let new = NewStaff {
        username: username.to_string(),
        display_name: display_name.to_string(),
        role,
        password_hash,
    };
    let id = state.store.create_staff(new).await.map_err(ServerError::from)?;
    state.store.audit("system", "staff_created", username, state.clock.now()).await?;
    Ok(id)
}
