//! Log in and out, for staff and candidates, and who is logged in.
use domain::{AppError, CandidateSelf, StaffUser};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::context;
#[cfg(feature = "ssr")]
use backend::{auth as cookies, service::auth as svc};

/// Staff login with username and password; sets the staff session cookie.
#[server(prefix = "/api", endpoint = "staff/login")]
pub async fn staff_login(username: String, password: String) -> Result<StaffUser, AppError> {
    let result = super::respond(
        async {
            let state = context::app_state()?;
            let (user, token) =
                svc::staff_login(&state, context::client_ip(), &username, &password).await?;
            let max_age = cookies::staff_session_length();
            let secure = context::https();
            context::set_cookie(cookies::session_cookie(
                cookies::STAFF_COOKIE,
                &token,
                max_age,
                secure,
            ));
            Ok(user)
        }
        .await,
    );
    let path = <StaffLogin as leptos::server_fn::ServerFn>::PATH;
    context::finish_form(&result, path, "/proctor", "/staff/login", &[("username", &username)]);
    result
}

/// Ends the staff session.
#[server(prefix = "/api", endpoint = "staff/logout")]
pub async fn staff_logout() -> Result<(), AppError> {
    super::respond(
        async {
            let state = context::app_state()?;
            if let Some(token) = context::request_cookie(cookies::STAFF_COOKIE) {
                svc::logout(&state, &token).await?;
            }
            context::set_cookie(cookies::clear_cookie(cookies::STAFF_COOKIE, context::https()));
            Ok(())
        }
        .await,
    )
}

/// The logged-in staff member, if any.
#[server(prefix = "/api", endpoint = "staff/me")]
pub async fn current_staff() -> Result<Option<StaffUser>, AppError> {
    super::respond(async { context::current_staff(&context::app_state()?).await }.await)
}

/// Candidate login with exam code and admission ticket number, and the second credential
/// when the exam asks for one (`secret`: the ID card's last digits or the access code); sets
/// the candidate's PC session cookie.
#[server(prefix = "/api", endpoint = "candidate/login")]
pub async fn candidate_login(
    exam_code: String,
    ticket: String,
    #[server(default)] secret: String,
) -> Result<CandidateSelf, AppError> {
    let result = super::respond(
        async {
            let state = context::app_state()?;
            let ip = context::client_ip();
            let (me, token) =
                svc::candidate_login(&state, ip, &exam_code, &ticket, &secret).await?;
            context::set_candidate_cookie(&token);
            Ok(me)
        }
        .await,
    );
    let keep = [("exam_code", exam_code.as_str()), ("ticket", ticket.as_str())];
    let path = <CandidateLogin as leptos::server_fn::ServerFn>::PATH;
    context::finish_form(&result, path, "/exam", "/", &keep);
    result
}

/// Ends the candidate session.
#[server(prefix = "/api", endpoint = "candidate/logout")]
pub async fn candidate_logout() -> Result<(), AppError> {
    super::respond(
        async {
            let state = context::app_state()?;
            if let Some(token) = context::request_cookie(cookies::CANDIDATE_COOKIE) {
                svc::logout(&state, &token).await?;
            }
            context::set_cookie(cookies::clear_cookie(cookies::CANDIDATE_COOKIE, context::https()));
            Ok(())
        }
        .await,
    )
}

/// The signed-in candidate's own record, if this browser holds a candidate's PC session.
#[server(prefix = "/api", endpoint = "candidate/me")]
pub async fn current_candidate() -> Result<Option<CandidateSelf>, AppError> {
    super::respond(signed_in_on(domain::View::Pc).await)
}

/// The candidate signed in on this phone (a phone session from the QR pairing), if any; a PC
/// session does not count.
#[server(prefix = "/api", endpoint = "phone/me")]
pub async fn current_phone() -> Result<Option<CandidateSelf>, AppError> {
    super::respond(signed_in_on(domain::View::Phone).await)
}

/// The candidate whose session on `device` this browser holds, if any.
#[cfg(feature = "ssr")]
async fn signed_in_on(device: domain::View) -> Result<Option<CandidateSelf>, AppError> {
    let state = context::app_state()?;
    match context::current_candidate_session(&state).await? {
        Some(who) if who.device == device => svc::candidate_self(&state, who.id).await.map(Some),
        _ => Ok(None),
    }
}
