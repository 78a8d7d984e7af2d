//! Stopping an instance (SIGTERM): it stops taking connections, a request in flight finishes
//! and is kept, live sockets close with "service restart" (the pages reconnect elsewhere), and
//! the process exits by itself.
use crate::common::{free_port, spawn_app, vigil_serve};
use crate::journey::{choice, enter_exam, open_exam, save};
use chrono::Duration;
use domain::View;
use domain::protocol::{CLOSE_RESTART, CandidateClientMsg, PROTOCOL_VERSION};
use std::time::Duration as StdDuration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn a_draining_instance_finishes_the_request_in_flight_and_sends_its_pages_elsewhere() {
    let mut app = spawn_app().await;
    open_exam(&app, Duration::minutes(1)).await;
    let (id, cookie) = enter_exam(&app, "T-0001").await;
    let mut pc = app.ws("/ws/candidate", Some(&cookie)).await.expect("page");
    pc.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc }).await;
    let pa = app.staff_cookie("proctora").await;
    let mut feed =
        app.ws(&format!("/ws/proctor?room={}", app.room_a), Some(&pa)).await.expect("feed");

    // An answer half sent when the stop comes.
    let body = serde_json::json!({ "saves": [save("q1", choice("a"), 1)] }).to_string();
    let mut tcp = TcpStream::connect(app.addr).await.expect("connect");
    let head = format!(
        "POST /api/exam/save HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        app.addr,
        body.len()
    );
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    tcp.write_all(head.as_bytes()).await.expect("head");
    tcp.write_all(first).await.expect("first half");
    tokio::time::sleep(StdDuration::from_millis(100)).await;
    app.state.drain.begin();

    // Both sockets close with "service restart" (the pages reconnect, not give up).
    for ws in [&mut pc, &mut feed] {
        let (_, code) = ws.until_closed(5).await;
        assert_eq!(code, Some(CLOSE_RESTART));
    }
    // No one new is let in (the accept loop lets go of the listener as soon as it runs next).
    let t0 = std::time::Instant::now();
    while TcpStream::connect(app.addr).await.is_ok() {
        assert!(t0.elapsed() < StdDuration::from_secs(2), "the listener is still open");
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    // The request in flight is answered and kept.
    tcp.write_all(rest).await.expect("second half");
    let mut response = Vec::new();
    tcp.read_to_end(&mut response).await.expect("response");
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let stored = app.state.store.answers(id).await.expect("db");
    assert_eq!(stored.iter().map(|a| a.question_id.as_str()).collect::<Vec<_>>(), vec!["q1"]);
    assert!(app.stopped(StdDuration::from_secs(5)).await, "the server returned");
}

#[tokio::test]
async fn vigil_serve_exits_by_itself_on_sigterm() {
    let mut served = vigil_serve(free_port(), tempfile::tempdir().expect("tmp"), &[]).await;
    let status = served.terminate(StdDuration::from_secs(10)).await;
    assert!(status.success(), "{status:?}");
}
