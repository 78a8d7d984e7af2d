//! The administrators' server functions: the verification review queue and its length, the
//! roster import (the upload and its check are the plain route
//! `POST /api/admin/exams/{id}/roster/preview`), the exams and their rooms. Admins only.
use domain::audit::{AuditEntry, AuditFilter};
use domain::exam_settings::{ExamSettings, ExamSummary};
use domain::paper::Paper;
use domain::report::{AdminStatus, AdmissionSlips, ExamReport};
use domain::review::{ReviewCase, ReviewDecision, ReviewOutcome};
use domain::roster::ImportOutcome;
use domain::staffing::StaffEntry;
use domain::{AppError, Candidate, CandidateId, ExamId, Role, RoomId, RoomSummary, StaffId};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::server::{context, state::AppState};
#[cfg(feature = "ssr")]
use backend::service;
#[cfg(feature = "ssr")]
use domain::StaffUser;

/// The app state and the calling administrator.
#[cfg(feature = "ssr")]
async fn admin() -> Result<(AppState, StaffUser), AppError> {
    let state = context::app_state()?;
    let user = context::require_staff(&state, &[Role::Admin]).await?;
    Ok((state, user))
}

/// Every pending verification, the longest-waiting first.
#[server(prefix = "/api", endpoint = "admin/review-queue")]
pub async fn review_queue() -> Result<Vec<ReviewCase>, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            service::review::queue(&state).await
        }
        .await,
    )
}

/// How many verifications wait for a decision, and whether the disk is low.
#[server(prefix = "/api", endpoint = "admin/status")]
pub async fn load_admin_status() -> Result<AdminStatus, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            let disk = state.uploads.disk.status();
            Ok(AdminStatus {
                queue: service::review::queue_length(&state).await?,
                disk_low: disk.low,
                disk_free_bytes: disk.free_bytes,
            })
        }
        .await,
    )
}

/// The exam's admission slips (ticket, name, room, access code), for printing.
#[server(prefix = "/api", endpoint = "admin/slips")]
pub async fn load_admission_slips(exam: ExamId) -> Result<AdmissionSlips, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            let url = context::request_origin().unwrap_or_default();
            service::roster::slips(&state, exam, url).await
        }
        .await,
    )
}

/// Approves or rejects a pending verification.
#[server(prefix = "/api", endpoint = "admin/decide", input = Json)]
pub async fn decide_review(
    candidate: CandidateId,
    decision: ReviewDecision,
    note: String,
) -> Result<ReviewOutcome, AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::review::decide(&state, &user, candidate, decision, &note).await
        }
        .await,
    )
}

/// Imports a checked roster upload by its staging id.
#[server(prefix = "/api", endpoint = "admin/roster-import", input = Json)]
pub async fn import_roster(exam: ExamId, staging: String) -> Result<ImportOutcome, AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::roster::import(&state, &user, exam, &staging).await
        }
        .await,
    )
}

/// Every room of every exam (admins see all), for the exam pages.
#[server(prefix = "/api", endpoint = "admin/rooms")]
pub async fn all_rooms() -> Result<Vec<RoomSummary>, AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            Ok(state.store.rooms_visible_to(&user).await?)
        }
        .await,
    )
}

/// Audit log entries matching the filter, newest first (a page of `AUDIT_PAGE`).
#[server(prefix = "/api", endpoint = "admin/audit", input = Json)]
pub async fn audit_log(filter: AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            let page = domain::audit::AUDIT_PAGE;
            Ok(state.store.audit_entries(&filter.normalised(), page).await?)
        }
        .await,
    )
}

/// Every exam with its rooms, archived ones last.
#[server(prefix = "/api", endpoint = "admin/exams")]
pub async fn exams() -> Result<Vec<ExamSummary>, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            Ok(state.store.exam_summaries().await?)
        }
        .await,
    )
}

/// An exam's settings; `None` gives a new exam's defaults (starting tomorrow at 09:00 UTC).
#[server(prefix = "/api", endpoint = "admin/exam-settings", input = Json)]
pub async fn load_exam_settings(exam: Option<ExamId>) -> Result<ExamSettings, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            match exam {
                Some(id) => state.store.exam_settings(id).await?.ok_or(AppError::NotFound),
                None => {
                    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
                    let at = tomorrow.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
                    Ok(ExamSettings::new_exam(at))
                }
            }
        }
        .await,
    )
}

/// Creates (`exam` = `None`) or updates an exam; returns its id.
#[server(prefix = "/api", endpoint = "admin/save-exam", input = Json)]
pub async fn save_exam(exam: Option<ExamId>, settings: ExamSettings) -> Result<ExamId, AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::exams::save(&state, &user, exam, &settings).await
        }
        .await,
    )
}

/// Archives or restores an exam.
#[server(prefix = "/api", endpoint = "admin/archive-exam", input = Json)]
pub async fn archive_exam(exam: ExamId, archived: bool) -> Result<(), AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::exams::archive(&state, &user, exam, archived).await
        }
        .await,
    )
}

/// Every staff account with its rooms.
#[server(prefix = "/api", endpoint = "admin/staff")]
pub async fn staff_list() -> Result<Vec<StaffEntry>, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            Ok(state.store.staff_list().await?)
        }
        .await,
    )
}

/// Creates a staff account.
#[server(prefix = "/api", endpoint = "admin/create-staff", input = Json)]
pub async fn create_staff(
    username: String,
    display_name: String,
    role: Role,
    password: String,
) -> Result<StaffId, AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::staffing::create(&state, &user, &username, &display_name, role, &password)
                .await
        }
        .await,
    )
}

/// Sets a staff member's password.
#[server(prefix = "/api", endpoint = "admin/reset-password", input = Json)]
pub async fn reset_password(staff: StaffId, password: String) -> Result<(), AppError> {
    super::respond(
        async {
            let state = context::app_state()?;
            let who = context::current_staff_session(&state).await?;
            let who = who.ok_or(AppError::Unauthenticated)?.require(&[Role::Admin])?;
            service::staffing::reset_password(&state, &who, staff, &password).await
        }
        .await,
    )
}

/// Disables or enables a staff account.
#[server(prefix = "/api", endpoint = "admin/set-disabled", input = Json)]
pub async fn set_disabled(staff: StaffId, disabled: bool) -> Result<(), AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::staffing::set_disabled(&state, &user, staff, disabled).await
        }
        .await,
    )
}

/// Creates a room in an exam.
#[server(prefix = "/api", endpoint = "admin/create-room", input = Json)]
pub async fn create_room(exam: ExamId, name: String) -> Result<RoomId, AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::staffing::create_room(&state, &user, exam, &name).await
        }
        .await,
    )
}

/// Assigns a proctor to a room (`assigned` = false takes them off).
#[server(prefix = "/api", endpoint = "admin/assign", input = Json)]
pub async fn assign_proctor(room: RoomId, staff: StaffId, assigned: bool) -> Result<(), AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::staffing::assign(&state, &user, room, staff, assigned).await
        }
        .await,
    )
}

/// Splits the exam's candidates evenly across the rooms given (all when empty).
#[server(prefix = "/api", endpoint = "admin/split-rooms", input = Json)]
pub async fn split_rooms(exam: ExamId, rooms: Vec<RoomId>) -> Result<Vec<usize>, AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::staffing::split(&state, &user, exam, &rooms).await
        }
        .await,
    )
}

/// The exam's paper as stored (JSON), if any.
#[server(prefix = "/api", endpoint = "admin/paper", input = Json)]
pub async fn exam_paper(exam: ExamId) -> Result<Option<String>, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
            Ok(state.store.exam_paper(exam).await?)
        }
        .await,
    )
}

/// Checks a paper; the parsed paper for the preview, or where and why it is refused.
#[server(prefix = "/api", endpoint = "admin/check-paper", input = Json)]
pub async fn check_paper(json: String) -> Result<Paper, AppError> {
    super::respond(
        async {
            admin().await?;
            service::papers::check(&json)
        }
        .await,
    )
}

/// Stores the exam's paper (until the exam starts); returns its number of questions.
#[server(prefix = "/api", endpoint = "admin/save-paper", input = Json)]
pub async fn save_paper(exam: ExamId, json: String) -> Result<usize, AppError> {
    super::respond(
        async {
            let (state, user) = admin().await?;
            service::papers::save(&state, &user, exam, &json).await
        }
        .await,
    )
}

/// The exam's dashboard counts.
#[server(prefix = "/api", endpoint = "admin/report", input = Json)]
pub async fn load_exam_report(exam: ExamId) -> Result<ExamReport, AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            service::reports::report(&state, exam).await
        }
        .await,
    )
}

/// The exam's candidate with this ticket number, with the exam's code and the room's name.
#[server(prefix = "/api", endpoint = "admin/find-candidate", input = Json)]
pub async fn find_candidate(
    exam: ExamId,
    ticket: String,
) -> Result<(Candidate, String, String), AppError> {
    super::respond(
        async {
            let (state, _) = admin().await?;
            let ticket = domain::TicketNumber::parse(&ticket)
                .map_err(|code| AppError::Validation { field: domain::Field::Ticket, code })?;
            let c = state
                .store
                .candidate_by_ticket(exam, &ticket)
                .await?
                .ok_or(AppError::UnknownTicket)?;
            let e = state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
            let room = state.store.room(c.room_id).await?.map(|r| r.name).unwrap_or_default();
            Ok((c, e.code.to_string(), room))
        }
        .await,
    )
}
