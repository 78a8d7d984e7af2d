//! Administrators' plain routes: the roster upload (multipart: `roster` CSV, optional
//! `photos` ZIP) checked into a preview, and the roster export as CSV.
use app::server::state::AppState;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use backend::access;
use backend::service::{reports, roster};
use backend::uploads::SpoolFile;
use domain::roster::{FileError, RosterPreview};
use domain::{AppError, ExamId, Role, StaffUser};
use tokio::io::AsyncWriteExt;

/// The largest roster upload (CSV and photos together, with room for the form's parts; each
/// file has its own limit, see `service::roster`).
pub const MAX_ROSTER_UPLOAD: usize = 1100 * 1024 * 1024;

async fn admin(state: &AppState, headers: &HeaderMap) -> Result<StaffUser, AppError> {
    let who = access::staff(state, headers).await?.ok_or(AppError::Unauthenticated)?;
    Ok(who.require(&[Role::Admin])?.user)
}

/// Why an upload was not read: a file problem (shown in the preview) or a refusal.
enum Unread {
    File(FileError),
    Refused(AppError),
}

/// The two files of the form, read as they arrive: the CSV into memory up to its limit, the
/// ZIP into a spool file on the guarded disk up to its limit. A file over its limit is read
/// to its end and dropped (so the answer arrives), then refused; other fields are skipped.
async fn files(
    state: &AppState,
    mut form: Multipart,
) -> Result<(Option<Vec<u8>>, Option<SpoolFile>), Unread> {
    let bad = |_| Unread::File(FileError::BadUpload);
    let (mut csv, mut zip, mut over) = (None, None, None);
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "roster" => {
                let mut buf = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if (buf.len() + chunk.len()) as u64 > roster::MAX_ROSTER_CSV_BYTES {
                        over = Some(roster::too_large(roster::MAX_ROSTER_CSV_BYTES, false));
                        buf = Vec::new();
                    } else if over.is_none() {
                        buf.extend_from_slice(&chunk);
                    }
                }
                csv = Some(buf);
            }
            "photos" => {
                let dir = state.uploads.disk.spool_dir();
                let (spool, file) = SpoolFile::create(&dir).map_err(|e| {
                    Unread::Refused(AppError::from(backend::error::ServerError::from(e)))
                })?;
                let mut file = tokio::fs::File::from_std(file);
                let mut size = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    size += chunk.len() as u64;
                    if size > roster::MAX_PHOTOS_ZIP_BYTES {
                        over = Some(roster::too_large(roster::MAX_PHOTOS_ZIP_BYTES, true));
                        continue;
                    }
                    state.uploads.disk.check(chunk.len()).map_err(Unread::Refused)?;
                    file.write_all(&chunk).await.map_err(|_| Unread::File(FileError::BadUpload))?;
                }
                file.flush().await.map_err(|_| Unread::File(FileError::BadUpload))?;
                zip = Some(spool);
            }
            _ => while field.chunk().await.map_err(bad)?.is_some() {},
        }
    }
    match over {
        Some(e) => Err(Unread::File(e)),
        None => Ok((csv, zip)),
    }
}

/// `POST /api/admin/exams/{id}/roster/preview`: every row and error; nothing written.
pub async fn roster_preview(
    State(state): State<AppState>,
    Path(exam): Path<i64>,
    headers: HeaderMap,
    form: Multipart,
) -> Result<Json<RosterPreview>, AppError> {
    let user = admin(&state, &headers).await?;
    let (csv, zip) = match files(&state, form).await {
        Ok(f) => f,
        Err(Unread::File(e)) => return Ok(Json(RosterPreview::file_error(e))),
        Err(Unread::Refused(e)) => return Err(e),
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
