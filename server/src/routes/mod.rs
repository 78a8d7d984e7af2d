//! Plain axum routes beside the Leptos pages: health, WebSockets, media.
pub mod admin;
pub mod assets;
pub mod guard;
pub mod health;
pub mod media;
pub mod net;
pub mod upload;
pub mod wakes;
pub mod ws_candidate;
pub mod ws_frames;
pub mod ws_proctor;

use axum::extract::ws::{Message, WebSocket};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::AppError;

/// How long one socket send may take before the peer counts as gone (a client that stops
/// reading is disconnected instead of making the server buffer for it).
const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Per-connection socket buffers. The defaults (128 KiB each way) cost ~1 GB at 4,000
/// camera sockets; messages are still assembled at full size, only the staging buffers shrink.
pub const READ_BUFFER_BYTES: usize = 16 * 1024;

/// Applies the buffer sizes to an upgrade.
pub fn lean<F>(
    ws: axum::extract::ws::WebSocketUpgrade<F>,
) -> axum::extract::ws::WebSocketUpgrade<F> {
    ws.read_buffer_size(READ_BUFFER_BYTES).write_buffer_size(0)
}

/// The sending half of a WebSocket.
pub type Sink = futures::stream::SplitSink<WebSocket, Message>;

/// Sends `msg` as a JSON text message, failing after `SEND_TIMEOUT`.
pub async fn send_json<T: serde::Serialize>(tx: &mut Sink, msg: &T) -> anyhow::Result<()> {
    use futures::SinkExt;
    let text = serde_json::to_string(msg)?;
    tokio::time::timeout(SEND_TIMEOUT, tx.send(Message::Text(text.into()))).await??;
    Ok(())
}

/// Closes a socket whose access ended, with `CLOSE_REVOKED` so the page does not reconnect.
pub async fn close_revoked(tx: &mut Sink) {
    use futures::SinkExt;
    let frame = axum::extract::ws::CloseFrame {
        code: domain::protocol::CLOSE_REVOKED,
        reason: "revoked".into(),
    };
    let _ = tokio::time::timeout(SEND_TIMEOUT, tx.send(Message::Close(Some(frame)))).await;
}

/// Closes a socket because this instance is stopping, with `CLOSE_RESTART`: the page
/// reconnects (to another instance behind the load balancer).
pub async fn close_restart(tx: &mut Sink) {
    use futures::SinkExt;
    let frame = axum::extract::ws::CloseFrame {
        code: domain::protocol::CLOSE_RESTART,
        reason: "restart".into(),
    };
    let _ = tokio::time::timeout(SEND_TIMEOUT, tx.send(Message::Close(Some(frame)))).await;
}

/// Largest error body looked at by [`client_errors`] (typed errors are a few hundred bytes).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Middleware: a server function whose arguments cannot be read (an unknown value, a missing
/// field) is the client's fault, but `server_fn` answers it 500 before the app sees it. A 500
/// whose body is the typed `request` error becomes a 400; every other response passes as is.
pub async fn client_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if matches!(serde_json::from_slice::<AppError>(&bytes), Ok(AppError::Request { .. })) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
