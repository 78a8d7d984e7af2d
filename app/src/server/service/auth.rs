//! Logging in and out: staff by username and password, candidates by exam code and ticket
//! number. Failed attempts are counted per client address and slowed down.
use super::super::auth::{hash_password, new_token, verify_password};
use super::super::error::ServerError;
use super::super::state::AppState;
use super::super::store::{NewStaff, SessionOwner};
use super::phase;
use crate::domain::throttle::FailureWindow;
use crate::domain::user::{MIN_PASSWORD_LEN, valid_username};
use crate::domain::{
    AppError, Candidate, CandidateSelf, ExamCode, Field, PhaseCommand, Role, StaffId, StaffUser,
    TicketNumber, ValidationCode,
};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Failed logins per client address.
#[derive(Default)]
pub struct LoginThrottle {
    windows: Mutex<HashMap<IpAddr, FailureWindow>>,
}

impl LoginThrottle {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<IpAddr, FailureWindow>) -> R) -> R {
        let mut guard = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Refuses when `ip` has failed too often recently.
    pub fn check(&self, ip: IpAddr, now: DateTime<Utc>) -> Result<(), AppError> {
        self.with(|m| match m.get(&ip) {
            Some(w) => w.check(now).map_err(|s| AppError::RateLimited { retry_after_secs: s }),
            None => Ok(()),
        })
    }

    /// Counts a failure for `ip`.
    pub fn failed(&self, ip: IpAddr, now: DateTime<Utc>) {
        self.with(|m| {
            if m.len() > 100_000 {
                m.retain(|_, w| !w.is_idle(now));
            }
            m.entry(ip).or_insert_with(|| FailureWindow::new(now)).record_failure(now);
        })
    }
}

/// Counts a failure when `result` is a credential error.
fn count_failure<T>(
    state: &AppState,
    ip: IpAddr,
    now: DateTime<Utc>,
    result: &Result<T, AppError>,
) {
    if let Err(AppError::InvalidCredentials | AppError::UnknownExam | AppError::UnknownTicket) =
        result
    {
        state.throttle.failed(ip, now);
    }
}

/// Checks a staff member's password and opens a session; returns the user and the token.
pub async fn staff_login(
    state: &AppState,
    ip: IpAddr,
    username: &str,
    password: &str,
) -> Result<(StaffUser, String), AppError> {
    let now = Utc::now();
    state.throttle.check(ip, now)?;
    let result = staff_login_inner(state, username.trim(), password).await;
    count_failure(state, ip, now, &result);
    let user = result?;
    let (token, hash) = new_token();
    let expires = now + super::super::auth::staff_session_length();
    state.store.create_session(&hash, SessionOwner::Staff(user.id), now, expires).await?;
    state.store.audit(&user.username, "staff_login", "", now).await?;
    Ok((user, token))
}

async fn staff_login_inner(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<StaffUser, AppError> {
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
    let Some(creds) = state.store.staff_credentials(username).await? else {
        return Err(AppError::InvalidCredentials);
    };
    if verify_password(creds.password_hash, password.to_string()).await? {
        Ok(creds.user)
    } else {
        Err(AppError::InvalidCredentials)
    }
}

/// Finds the candidate by exam code and ticket, moves them to LoggedIn (or keeps their
/// progress) and opens a candidate session; returns what they see and the token.
pub async fn candidate_login(
    state: &AppState,
    ip: IpAddr,
    exam_code: &str,
    ticket: &str,
) -> Result<(CandidateSelf, String), AppError> {
    let now = Utc::now();
    state.throttle.check(ip, now)?;
    let code = ExamCode::parse(exam_code)
        .map_err(|code| AppError::Validation { field: Field::ExamCode, code })?;
    let ticket = TicketNumber::parse(ticket)
        .map_err(|code| AppError::Validation { field: Field::Ticket, code })?;
    let result = find_candidate(state, &code, &ticket).await;
    count_failure(state, ip, now, &result);
    let candidate = result?;
    phase::advance(state, candidate.id, PhaseCommand::LogIn, "candidate").await?;
    let login = crate::domain::console::CandidateEvent::Login;
    state.store.add_event(candidate.id, &login, now).await?;
    let (token, hash) = new_token();
    let expires = now + super::super::auth::candidate_session_length();
    let owner = SessionOwner::Candidate(candidate.id);
    state.store.create_session(&hash, owner, now, expires).await?;
    let me = candidate_self(state, candidate.id).await?;
    Ok((me, token))
}

async fn find_candidate(
    state: &AppState,
    code: &ExamCode,
    ticket: &TicketNumber,
) -> Result<Candidate, AppError> {
    let exam = state.store.exam_by_code(code).await?.ok_or(AppError::UnknownExam)?;
    state.store.candidate_by_ticket(exam.id, ticket).await?.ok_or(AppError::UnknownTicket)
}

/// What a candidate sees of their own record.
pub async fn candidate_self(
    state: &AppState,
    id: crate::domain::CandidateId,
) -> Result<CandidateSelf, AppError> {
    let c = state.store.candidate(id).await?.ok_or(AppError::NotFound)?;
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    Ok(CandidateSelf::of(&c, &exam))
}

/// Ends a session by its token.
pub async fn logout(state: &AppState, token: &str) -> Result<(), AppError> {
    state.store.delete_session(&super::super::auth::token_hash(token)).await?;
    Ok(())
}

/// Resolves a session token to its owner.
pub async fn session_owner(
    state: &AppState,
    token: &str,
) -> Result<Option<SessionOwner>, AppError> {
    let hash = super::super::auth::token_hash(token);
    Ok(state.store.session_owner(&hash, Utc::now()).await?)
}

/// The staff member behind a session token, if any.
pub async fn staff_for_token(state: &AppState, token: &str) -> Result<Option<StaffUser>, AppError> {
    match session_owner(state, token).await? {
        Some(SessionOwner::Staff(id)) => Ok(state.store.staff(id).await?),
        _ => Ok(None),
    }
}

/// Whether `user` may watch `room`: admins see every room, proctors their assigned ones.
pub async fn may_watch(
    state: &AppState,
    user: &StaffUser,
    room: crate::domain::RoomId,
) -> Result<bool, AppError> {
    Ok(match user.role {
        Role::Admin => state.store.room(room).await?.is_some(),
        Role::Proctor => state.store.is_assigned(room, user.id).await?,
    })
}

/// Creates a staff account (used by `vigil admin create` and the demo).
pub async fn create_staff(
    state: &AppState,
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
    state.store.audit("system", "staff_created", username, Utc::now()).await?;
    Ok(id)
}
