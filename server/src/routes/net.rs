//! Network measurement for the device check: `GET /net/ping` for round-trip time and
//! `POST /net/upload` for upload rate. Public (the practice page uses them before sign-in),
//! never cached, and the upload body is counted and dropped, never stored.
use app::server::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;

/// Largest body `POST /net/upload` accepts (the browser sends 256 KiB). This route is
/// registered outside the app-wide 64 KiB limit and gets this one instead.
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024;

const NO_STORE: [(header::HeaderName, &str); 1] = [(header::CACHE_CONTROL, "no-store")];

#[derive(Serialize)]
struct Pong {
    server_time_ms: i64,
}

#[derive(Serialize)]
struct Received {
    bytes: usize,
}

/// The server clock (the one deadlines are judged by) in milliseconds since the Unix epoch;
/// the browser times the round trip.
pub async fn ping(State(state): State<AppState>) -> impl IntoResponse {
    (NO_STORE, Json(Pong { server_time_ms: state.clock.now().timestamp_millis() }))
}

/// How many bytes arrived; the browser times the upload. Bodies over
/// [`MAX_UPLOAD_BYTES`] get 413 from the route's `DefaultBodyLimit`.
pub async fn upload(body: Bytes) -> impl IntoResponse {
    (NO_STORE, Json(Received { bytes: body.len() }))
}
