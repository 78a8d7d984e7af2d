//! The candidate's steps before the exam, on the PC and on the phone. Photos are uploaded
//! to plain routes (`/api/candidate/face`, `/api/candidate/identity-photo`) as JPEG bodies.
use chrono::{DateTime, Utc};
use domain::device::DeviceReport;
use domain::journey::{JourneyState, PhoneState};
use domain::{AppError, CandidateSelf, Phase};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::server::context;
#[cfg(feature = "ssr")]
use backend::service::journey as svc;

/// Where the phone scans: the pairing URL, its QR code as SVG, and when it expires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pairing {
    pub url: String,
    pub svg: String,
    pub expires_at: DateTime<Utc>,
}

/// Runs `f` for the candidate signed in on the PC.
#[cfg(feature = "ssr")]
async fn with_candidate<T, F, Fut>(f: F) -> Result<T, AppError>
where
    F: FnOnce(crate::server::state::AppState, domain::CandidateId) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    with_candidate_on(domain::View::Pc, f).await
}

/// Runs `f` for the candidate signed in on `device` (`WrongDevice` on the other one).
#[cfg(feature = "ssr")]
async fn with_candidate_on<T, F, Fut>(device: domain::View, f: F) -> Result<T, AppError>
where
    F: FnOnce(crate::server::state::AppState, domain::CandidateId) -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let result = async {
        let state = context::app_state()?;
        let who = context::require_candidate_on(&state, device).await?;
        f(state, who.id).await
    }
    .await;
    super::respond(result)
}

/// What the paired phone's page shows (its own face check and the phase).
#[server(prefix = "/api", endpoint = "journey/phone")]
pub async fn load_phone() -> Result<PhoneState, AppError> {
    with_candidate_on(
        domain::View::Phone,
        |state, id| async move { svc::phone_state(&state, id).await },
    )
    .await
}

/// Everything the candidate's pages show on the PC.
#[server(prefix = "/api", endpoint = "journey/state")]
pub async fn load_journey() -> Result<JourneyState, AppError> {
    super::respond(
        async {
            let state = context::app_state()?;
            let who = context::current_candidate_session(&state)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            svc::journey_state(&state, who.id).await
        }
        .await,
    )
}

/// "This is me".
#[server(prefix = "/api", endpoint = "journey/confirm")]
pub async fn confirm_identity() -> Result<Phase, AppError> {
    with_candidate(|s, id| async move { svc::confirm_identity(&s, id).await }).await
}

/// "My record is wrong", with a note for the admins.
#[server(prefix = "/api", endpoint = "journey/record-wrong")]
pub async fn report_record_wrong(note: String) -> Result<(), AppError> {
    with_candidate(|s, id| async move { svc::report_record_wrong(&s, id, &note).await }).await
}

/// Leaves the face step (passed, or going on for review).
#[server(prefix = "/api", endpoint = "journey/face-done")]
pub async fn finish_face_check() -> Result<Phase, AppError> {
    with_candidate(|s, id| async move { svc::finish_pc_face(&s, id).await }).await
}

/// "Finish check" with the device report.
#[server(prefix = "/api", endpoint = "journey/devices", input = Json)]
pub async fn finish_device_check(report: DeviceReport) -> Result<Phase, AppError> {
    with_candidate(|s, id| async move { svc::finish_device_check(&s, id, report).await }).await
}

/// Switches the first view on (after the identity photo).
#[server(prefix = "/api", endpoint = "journey/first-view")]
pub async fn start_first_view() -> Result<Phase, AppError> {
    with_candidate(|s, id| async move { svc::start_first_view(&s, id).await }).await
}

/// A fresh QR code for pairing the phone.
#[server(prefix = "/api", endpoint = "journey/pairing")]
pub async fn new_pairing() -> Result<Pairing, AppError> {
    with_candidate(|s, id| async move {
        let (token, expires_at) = svc::new_pairing(&s, id).await?;
        let origin = context::request_origin().unwrap_or_default();
        let url = format!("{origin}/phone?t={token}");
        let svg = backend::qr::svg(&url).ok_or(AppError::Unavailable)?;
        Ok(Pairing { url, svg, expires_at })
    })
    .await
}

/// The phone: pairs with the QR token, the ID card number and the exam ID; sets the phone's
/// session cookie.
#[server(prefix = "/api", endpoint = "phone/pair")]
pub async fn pair_phone(
    token: String,
    id_card: String,
    exam_code: String,
) -> Result<CandidateSelf, AppError> {
    let result = super::respond(
        async {
            let state = context::app_state()?;
            let ip = context::client_ip();
            let (me, session) = svc::pair_phone(&state, ip, &token, &id_card, &exam_code).await?;
            context::set_candidate_cookie(&session);
            Ok(me)
        }
        .await,
    );
    // Paired: the phone page without the token shows the next step. The ID card number is
    // never put back into a link.
    let keep = [("t", token.as_str()), ("exam_code", exam_code.as_str())];
    let path = <PairPhone as leptos::server_fn::ServerFn>::PATH;
    context::finish_form(&result, path, "/phone", "/phone", &keep);
    result
}

/// The phone's "Enter exam monitoring" (the paired phone's session only).
#[server(prefix = "/api", endpoint = "phone/enter")]
pub async fn enter_monitoring() -> Result<Phase, AppError> {
    with_candidate_on(domain::View::Phone, |state, id| async move {
        svc::enter_monitoring(&state, id).await
    })
    .await
}

/// "I have read and understood".
#[server(prefix = "/api", endpoint = "journey/instructions")]
pub async fn acknowledge_instructions() -> Result<Phase, AppError> {
    with_candidate(|s, id| async move { svc::acknowledge_instructions(&s, id).await }).await
}
