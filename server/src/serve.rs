//! The accept loop: each connection served by hyper (HTTP/1.1) with a timer, so a client that
//! sends its request headers too slowly (or nothing at all) is disconnected after
//! `header_timeout` instead of holding the connection forever; request bodies get an idle
//! timeout from the router (`RequestBodyTimeoutLayer`). WebSocket upgrades are served as
//! before. `axum::serve` has no such timer, hence this loop.
//!
//! Draining ([`Drain`]): the loop stops accepting, each connection finishes the request it is
//! serving and closes (hyper's graceful shutdown), the live sockets close themselves with
//! "service restart", and `serve` returns when all are done or after `grace`.
use axum::Router;
use axum::extract::ConnectInfo;
use backend::drain::Drain;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Serves `router` on `listener` until `drain` begins; for `delay` more it still answers
/// (so a load balancer reads "draining" on `/readyz` and sends no one new), each connection
/// closing after one request; then it stops accepting and drains (at most `grace`).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    drain: Drain,
    (delay, grace): (Duration, Duration),
) {
    let stop = async {
        drain.started().await;
        tokio::time::sleep(delay).await;
    };
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut stop => break,
        };
        let (tcp, remote) = match accepted {
            Ok(c) => c,
            Err(e) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Small messages (heartbeats, focus frames) go out at once instead of waiting ~40 ms
        // for Nagle's algorithm and the peer's delayed ACK.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
        let service =
            router.clone().map_request(move |req: http::Request<hyper::body::Incoming>| {
                let mut req = req.map(axum::body::Body::new);
                req.extensions_mut().insert(ConnectInfo(remote));
                req
            });
        let drain = drain.clone();
        tokio::spawn(async move {
            let _hold = drain.hold();
            // HTTP/1.1 only: browsers speak it to this server (or a proxy does), and the
            // header timer then covers a connection that sends nothing at all.
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service))
                .with_upgrades();
            let mut conn = std::pin::pin!(conn);
            let done = tokio::select! {
                done = conn.as_mut() => done,
                () = drain.started() => {
                    // The request in flight finishes; the connection closes after it.
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = done {
                tracing::trace!(error = %e, %remote, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let live = drain.live();
    tracing::info!(connections = live, "draining: no new connections; finishing what is in flight");
    if tokio::time::timeout(grace, drain.idle()).await.is_err() {
        tracing::warn!(left = drain.live(), "drain grace period over: stopping anyway");
    } else {
        tracing::info!("drained");
    }
}
