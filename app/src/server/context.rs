//! Helpers for server functions: the injected state, the caller's address and identity, and
//! the role checks every server function starts with.
use super::auth::{CANDIDATE_COOKIE, STAFF_COOKIE, cookie_value};
use super::service::auth as auth_service;
use super::state::AppState;
use super::store::SessionOwner;
use crate::domain::{AppError, CandidateId, Role, StaffUser};
use leptos::prelude::use_context;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The application state provided to every server function.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError::Unavailable)
}

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The client's address (for rate limiting).
pub fn client_ip() -> IpAddr {
    parts()
        .and_then(|p| {
            p.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
        })
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// The site's origin as the client reached it (for links such as the phone's QR code):
/// the `Host` header, with `https` when a proxy says so via `X-Forwarded-Proto`.
pub fn request_origin() -> Option<String> {
    let p = parts()?;
    let host = p.headers.get(http::header::HOST)?.to_str().ok()?.to_string();
    let https = p
        .headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    Some(format!("{}://{host}", if https { "https" } else { "http" }))
}

/// The logged-in candidate, or `Unauthenticated`.
pub async fn require_candidate(state: &AppState) -> Result<CandidateId, AppError> {
    current_candidate(state).await?.ok_or(AppError::Unauthenticated)
}

/// The value of a request cookie.
pub fn request_cookie(name: &str) -> Option<String> {
    parts().and_then(|p| cookie_value(&p.headers, name))
}

/// Adds a `Set-Cookie` header to the response.
pub fn set_cookie(value: String) {
    if let (Some(res), Ok(v)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&value))
    {
        res.append_header(http::header::SET_COOKIE, v);
    }
}

/// Sets the HTTP status of the response (server functions return errors as bodies).
pub fn set_status(err: &AppError) {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(code) = http::StatusCode::from_u16(err.status_code())
    {
        res.set_status(code);
    }
}

/// The logged-in staff member, if any.
pub async fn current_staff(state: &AppState) -> Result<Option<StaffUser>, AppError> {
    match request_cookie(STAFF_COOKIE) {
        Some(token) => auth_service::staff_for_token(state, &token).await,
        None => Ok(None),
    }
}

/// The logged-in staff member with one of `roles`, or an error.
pub async fn require_staff(state: &AppState, roles: &[Role]) -> Result<StaffUser, AppError> {
    let user = current_staff(state).await?.ok_or(AppError::Unauthenticated)?;
    if roles.contains(&user.role) { Ok(user) } else { Err(AppError::Forbidden) }
}

/// The logged-in candidate's id, if any.
pub async fn current_candidate(state: &AppState) -> Result<Option<CandidateId>, AppError> {
    let Some(token) = request_cookie(CANDIDATE_COOKIE) else {
        return Ok(None);
    };
    Ok(match auth_service::session_owner(state, &token).await? {
        Some(SessionOwner::Candidate(id)) => Some(id),
        _ => None,
    })
}
