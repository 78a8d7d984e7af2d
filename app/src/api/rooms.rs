//! Rooms a staff member may watch.
use domain::{AppError, RoomId, RoomSummary};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::context;
#[cfg(feature = "ssr")]
use backend::access;
#[cfg(feature = "ssr")]
use domain::Role;

/// The rooms the logged-in staff member may watch (all rooms for an admin).
#[server(prefix = "/api", endpoint = "rooms/mine")]
pub async fn my_rooms() -> Result<Vec<RoomSummary>, AppError> {
    super::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_staff(&state, &[Role::Admin, Role::Proctor]).await?;
            Ok(state.store.rooms_visible_to(&user).await?)
        }
        .await,
    )
}

/// One room, if the logged-in staff member may watch it.
#[server(prefix = "/api", endpoint = "rooms/get")]
pub async fn room_info(room: RoomId) -> Result<RoomSummary, AppError> {
    super::respond(
        async {
            let state = context::app_state()?;
            let user = context::require_staff(&state, &[Role::Admin, Role::Proctor]).await?;
            access::watched_room(&state, &user, room).await
        }
        .await,
    )
}
