//! Helpers for server functions: the injected state, the caller's address and identity, and
//! the role checks every server function starts with.
use super::state::AppState;
use backend::access::{self, CurrentCandidate, CurrentStaff};
use backend::auth::cookie_value;
use domain::{AppError, CandidateId, Role, StaffUser, View};
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

/// The site's origin for links such as the phone's QR code: the configured public URL, else
/// as the client reached it (see `SiteConfig::origin`).
pub fn request_origin() -> Option<String> {
    let state = app_state().ok()?;
    state.site.origin(&parts()?.headers)
}

/// The signed-in candidate's PC session (every step but the phone's), or an error.
pub async fn require_candidate(state: &AppState) -> Result<CandidateId, AppError> {
    Ok(require_candidate_on(state, View::Pc).await?.id)
}

/// The signed-in candidate on `device` (`WrongDevice` on the other one).
pub async fn require_candidate_on(
    state: &AppState,
    device: View,
) -> Result<CurrentCandidate, AppError> {
    let who = current_candidate_session(state).await?.ok_or(AppError::Unauthenticated)?;
    who.on(device)
}

/// The signed-in candidate on either device, if any.
pub async fn current_candidate_session(
    state: &AppState,
) -> Result<Option<CurrentCandidate>, AppError> {
    match parts() {
        Some(p) => access::candidate(state, &p.headers).await,
        None => Ok(None),
    }
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

/// Sets the candidate session cookie (the PC's from the sign-in, the phone's from pairing).
pub fn set_candidate_cookie(token: &str) {
    use backend::auth::{CANDIDATE_COOKIE, candidate_session_length, session_cookie};
    set_cookie(session_cookie(CANDIDATE_COOKIE, token, candidate_session_length(), https()));
}

/// Sets the HTTP status of the response (server functions return errors as bodies).
pub fn set_status(err: &AppError) {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(code) = http::StatusCode::from_u16(err.status_code())
    {
        res.set_status(code);
    }
}

/// The signed-in staff member with the session, if any.
pub async fn current_staff_session(state: &AppState) -> Result<Option<CurrentStaff>, AppError> {
    match parts() {
        Some(p) => access::staff(state, &p.headers).await,
        None => Ok(None),
    }
}

/// The signed-in staff member, if any.
pub async fn current_staff(state: &AppState) -> Result<Option<StaffUser>, AppError> {
    Ok(current_staff_session(state).await?.map(|s| s.user))
}

/// The signed-in staff member with one of `roles`, or an error.
pub async fn require_staff(state: &AppState, roles: &[Role]) -> Result<StaffUser, AppError> {
    let who = current_staff_session(state).await?.ok_or(AppError::Unauthenticated)?;
    Ok(who.require(roles)?.user)
}

/// Whether the site is served over HTTPS here (for `Secure` cookies and links).
pub fn https() -> bool {
    let Ok(state) = app_state() else { return false };
    parts().is_some_and(|p| state.site.is_https(&p.headers))
}

/// Whether the request is a plain HTML form post: a sign-in pressed before the page's code
/// arrived (or without JavaScript). The browser shows whatever comes back, so such a post is
/// answered with a redirect instead of JSON.
pub fn plain_form() -> bool {
    parts()
        .and_then(|p| p.headers.get(http::header::ACCEPT)?.to_str().ok().map(str::to_string))
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Ends a sign-in form's server function for a plain form post: on success the browser goes
/// on to `next`; on failure back to `page` with the error (read by the page's action, as after
/// a call from the running page) and the `keep` fields filled in again. Call after
/// [`set_status`], whose status the redirect replaces.
pub fn finish_form<T>(
    result: &Result<T, AppError>,
    fn_path: &str,
    next: &str,
    page: &str,
    keep: &[(&str, &str)],
) {
    if !plain_form() {
        return;
    }
    let target = match result {
        Ok(_) => next.to_string(),
        Err(err) => {
            use leptos::server_fn::error::ServerFnUrlError;
            let Ok(mut url) =
                ServerFnUrlError::new(fn_path, err.clone()).to_url("http://vigil.invalid/")
            else {
                return;
            };
            url.query_pairs_mut().extend_pairs(keep.iter().filter(|(_, v)| !v.is_empty()));
            format!("{page}?{}", url.query().unwrap_or_default())
        }
    };
    leptos_axum::redirect(&target);
}
