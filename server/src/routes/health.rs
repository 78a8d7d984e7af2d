//! `/healthz` (the process is up), `/readyz` (the database answers; the disk's state) and
//! `/metrics` (Prometheus text: the camera relay's counters and the disk guard), the last
//! for the metrics token or an admin's session only.
use app::server::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use backend::access;
use domain::{AppError, Role};
use serde::Serialize;

pub async fn healthz() -> &'static str {
    "ok"
}

/// What `/readyz` says, as JSON.
#[derive(Serialize)]
struct Ready {
    /// The database engine: `sqlite` or `postgres`.
    store: &'static str,
    database: &'static str,
    /// The event bus: `local` (this process) or `nats`, and whether it hears the others.
    bus: &'static str,
    bus_connected: bool,
    /// Where the blobs are: `directory` or `s3`.
    blobs: &'static str,
    /// The instance is stopping: the load balancer should send no one new here.
    draining: bool,
    disk: backend::uploads::DiskStatus,
}

/// 200 while the database answers (503 otherwise). A low disk does not take the instance
/// out of service — answers are still taken, uploads are refused — so it is reported in the
/// body (`disk.low`), on `/metrics` and on the admin pages.
pub async fn readyz(State(state): State<AppState>) -> Response {
    state.uploads.disk.refresh();
    let disk = state.uploads.disk.status();
    let store = state.store.engine();
    let (bus, bus_connected, blobs) = (state.bus.kind(), state.bus.connected(), state.blobs.kind());
    // A lost NATS does not take the instance out: it serves its own sockets meanwhile and
    // resynchronises them when NATS is back (reported here and on /metrics).
    let draining = state.drain.draining();
    let ready = |database| Ready { store, database, bus, bus_connected, blobs, draining, disk };
    match state.store.ping().await {
        Ok(()) if draining => (StatusCode::SERVICE_UNAVAILABLE, Json(ready("ok"))).into_response(),
        Ok(()) => (StatusCode::OK, Json(ready("ok"))).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            let body = ready("unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
        }
    }
}

/// Whether the request carries the metrics token (`Authorization: Bearer …`).
fn has_token(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(expected) = state.site.metrics_token.as_deref() else { return false };
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| {
            let (a, b) = (t.trim().as_bytes(), expected.as_bytes());
            a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
        })
}

/// `/metrics`: for the configured token or an admin's session.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !has_token(&state, &headers) {
        let admin = match access::staff(&state, &headers).await {
            Ok(Some(who)) => who.require(&[Role::Admin]).is_ok(),
            Ok(None) => false,
            Err(e) => return e.into_response(),
        };
        if !admin {
            return AppError::Unauthenticated.into_response();
        }
    }
    let disk = state.uploads.disk.status();
    let mut body = state.frames.stats.render();
    body.push_str(&state.bus.metrics());
    body.push_str(&format!(
        "# HELP vigil_disk_free_bytes Free space on the data directory's disk.\n\
         # TYPE vigil_disk_free_bytes gauge\nvigil_disk_free_bytes {}\n\
         # HELP vigil_disk_low 1 while uploads are refused for lack of disk space.\n\
         # TYPE vigil_disk_low gauge\nvigil_disk_low {}\n",
        disk.free_bytes,
        u8::from(disk.low)
    ));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
