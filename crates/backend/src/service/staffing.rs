//! Staff accounts and rooms: create proctors, reset passwords, disable accounts; create
//! rooms, assign proctors, split an exam's candidates evenly across its rooms. Audited.
use super::super::access::{self, CurrentStaff};
use super::super::bus::Subject;
use super::auth;
use crate::Core;
use domain::protocol::RevokeReason;
use domain::staffing::{StaffEntry, check_room_name, split_evenly};
use domain::{AppError, ExamId, Field, Role, RoomId, StaffId, StaffUser, ValidationCode};

async fn audit(
    state: &Core,
    user: &StaffUser,
    action: &str,
    exam: Option<ExamId>,
    detail: &str,
) -> Result<(), AppError> {
    super::audit_staff(state, user, action, (exam, None), detail, None).await
}

async fn entry(state: &Core, staff: StaffId) -> Result<StaffEntry, AppError> {
    state.store.staff_list().await?.into_iter().find(|s| s.id == staff).ok_or(AppError::NotFound)
}

/// Creates a staff account; returns its id.
pub async fn create(
    state: &Core,
    user: &StaffUser,
    username: &str,
    display_name: &str,
    role: Role,
    password: &str,
) -> Result<StaffId, AppError> {
    let username = username.trim().to_ascii_lowercase();
    let name = display_name.trim();
    let name = if name.is_empty() { username.as_str() } else { name };
    let id = auth::create_staff(state, &username, name, role, password).await?;
    audit(state, user, "staff.create", None, &format!("{username} ({})", role.as_str())).await?;
    Ok(id)
}

/// Sets a new password; the holder's other sessions end at once (their open pages close).
pub async fn reset_password(
    state: &Core,
    by: &CurrentStaff,
    staff: StaffId,
    password: &str,
) -> Result<(), AppError> {
    let target = entry(state, staff).await?;
    auth::set_password(state, by, staff, password).await?;
    audit(state, &by.user, "staff.password", None, &target.username).await
}

/// Disables (ending every session at once) or enables an account; not one's own.
pub async fn set_disabled(
    state: &Core,
    user: &StaffUser,
    staff: StaffId,
    disabled: bool,
) -> Result<(), AppError> {
    if staff == user.id {
        return Err(AppError::Forbidden);
    }
    let target = entry(state, staff).await?;
    state.store.set_disabled(staff, disabled).await?;
    if disabled {
        access::changed(state, Subject::Staff(staff), RevokeReason::AccountDisabled).await;
    }
    let action = if disabled { "staff.disable" } else { "staff.enable" };
    audit(state, user, action, None, &target.username).await
}

/// Creates a room in an exam; returns its id.
pub async fn create_room(
    state: &Core,
    user: &StaffUser,
    exam: ExamId,
    name: &str,
) -> Result<RoomId, AppError> {
    let name =
        check_room_name(name).map_err(|code| AppError::Validation { field: Field::Room, code })?;
    state.store.exam(exam).await?.ok_or(AppError::NotFound)?;
    let id = state
        .store
        .create_room(exam, &name)
        .await
        .map_err(super::super::error::ServerError::from)?;
    audit(state, user, "room.create", Some(exam), &name).await?;
    Ok(id)
}

/// Assigns a proctor to a room, or takes them off it.
pub async fn assign(
    state: &Core,
    user: &StaffUser,
    room: RoomId,
    staff: StaffId,
    assigned: bool,
) -> Result<(), AppError> {
    let r = state.store.room(room).await?.ok_or(AppError::NotFound)?;
    let target = entry(state, staff).await?;
    if target.role != Role::Proctor {
        return Err(AppError::Validation {
            field: Field::Username,
            code: ValidationCode::BadFormat,
        });
    }
    if assigned {
        state.store.assign_proctor(room, staff).await?;
    } else {
        state.store.unassign_proctor(room, staff).await?;
        access::changed(state, Subject::Staff(staff), RevokeReason::AccessRemoved).await;
    }
    let action = if assigned { "room.assign" } else { "room.unassign" };
    audit(state, user, action, Some(r.exam_id), &format!("{} -> {}", target.username, r.name)).await
}

/// Splits every candidate of the exam, in ticket order, evenly across the given rooms (all
/// of the exam's rooms when none is given); returns how many are in each room, in order.
pub async fn split(
    state: &Core,
    user: &StaffUser,
    exam: ExamId,
    rooms: &[RoomId],
) -> Result<Vec<usize>, AppError> {
    let of_exam: Vec<RoomId> =
        state.store.exam_rooms(exam).await?.into_iter().map(|(id, _)| id).collect();
    let rooms: Vec<RoomId> = if rooms.is_empty() { of_exam.clone() } else { rooms.to_vec() };
    if rooms.is_empty() || rooms.iter().any(|r| !of_exam.contains(r)) {
        return Err(AppError::Validation { field: Field::Room, code: ValidationCode::BadFormat });
    }
    let candidates = state.store.exam_candidates_by_ticket(exam).await?;
    let moves = split_evenly(&candidates, &rooms);
    state.store.move_candidates(&moves).await?;
    let sizes: Vec<usize> =
        rooms.iter().map(|r| moves.iter().filter(|(_, to)| to == r).count()).collect();
    let detail = format!("{} candidates over {} rooms: {sizes:?}", candidates.len(), rooms.len());
    audit(state, user, "room.split", Some(exam), &detail).await?;
    Ok(sizes)
}
