//! Administrators' plain routes: the roster upload (multipart: `roster` CSV, optional
//! `photos` ZIP) checked into a preview, and the roster export as CSV.
use app::domain::roster::{FileError, RosterPreview};
use app::domain::{AppError, ExamId, Role, StaffUser};
use app::server::access;
use app::server::service::{reports, roster};
use app::server::state::AppState;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;

/// The largest roster upload (CSV and photos together).
pub const MAX_ROSTER_UPLOAD: usize = 1024 * 1024 * 1024;

async fn admin(state: &AppState, headers: &HeaderMap) -> Result<StaffUser, AppError> {
    let who = access::staff(state, headers).await?.ok_or(AppError::Unauthenticated)?;
    Ok(who.require(&[Role::Admin])?.user)
}

/// Reads the two files of the form; any other field is ignored.
async fn files(mut form: Multipart) -> Result<(Option<Vec<u8>>, Option<Vec<u8>>), FileError> {
    let (mut csv, mut zip) = (None, None);
    while let Some(field) = form.next_field().await.map_err(|_| FileError::BadUpload)? {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(|_| FileError::BadUpload)?;
        match name.as_str() {
            "roster" => csv = Some(bytes.to_vec()),
            "photos" => zip = Some(bytes.to_vec()),
            _ => {}
        }
    }
    Ok((csv, zip))
}

/// `POST /api/admin/exams/{id}/roster/preview`: every row and error; nothing written.
pub async fn roster_preview(
    State(state): State<AppState>,
    Path(exam): Path<i64>,
    headers: HeaderMap,
    form: Multipart,
) -> Result<Json<RosterPreview>, AppError> {
    let user = admin(&state, &headers).await?;
    let (csv, zip) = match files(form).await {
        Ok(f) => f,
        Err(e) => return Ok(Json(RosterPreview::file_error(e))),
    };
    Ok(Json(roster::preview(&state, &user, ExamId(exam), csv, zip).await?))
}

/// A download: content type, file name, body.
fn download(kind: &str, name: String, body: Vec<u8>) -> impl IntoResponse {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, kind.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
}

const CSV: &str = "text/csv; charset=utf-8";

/// `GET /api/admin/exams/{id}/roster.csv`: the roster for spreadsheets.
pub async fn roster_export(
    State(state): State<AppState>,
    Path(exam): Path<i64>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, AppError> {
    admin(&state, &headers).await?;
    let body = roster::export_csv(&state, ExamId(exam)).await?;
    Ok(download(CSV, format!("roster-{exam}.csv"), body))
}

/// `GET /api/admin/exams/{id}/incidents.csv`: every flag with who raised and closed it.
pub async fn incidents_export(
    State(state): State<AppState>,
    Path(exam): Path<i64>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, AppError> {
    admin(&state, &headers).await?;
    let body = reports::incidents_csv(&state, ExamId(exam)).await?;
    Ok(download(CSV, format!("incidents-{exam}.csv"), body))
}

/// `GET /api/admin/exams/{id}/answers.csv`: one row per answered question.
pub async fn answers_csv(
    State(state): State<AppState>,
    Path(exam): Path<i64>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, AppError> {
    admin(&state, &headers).await?;
    let body = reports::answers_csv(&state, ExamId(exam)).await?;
    Ok(download(CSV, format!("answers-{exam}.csv"), body))
}

/// `GET /api/admin/exams/{id}/answers.json`: every candidate with answers and submission.
pub async fn answers_json(
    State(state): State<AppState>,
    Path(exam): Path<i64>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, AppError> {
    admin(&state, &headers).await?;
    let sheets = reports::answers_json(&state, ExamId(exam)).await?;
    let body = serde_json::to_vec_pretty(&sheets)
        .map_err(|e| AppError::Request { message: e.to_string() })?;
    Ok(download("application/json", format!("answers-{exam}.json"), body))
}
