//! `/healthz` (the process is up) and `/readyz` (the database answers).
use app::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// `/metrics`: the camera relay's counters (Prometheus text format).
pub async fn metrics(State(state): State<AppState>) -> String {
    state.frames.stats.render()
}
