//! Trust, the web's own attacks: another site can change nothing (Origin check on every
//! state change and socket upgrade, content types per route), responses carry the browser's
//! defences, cookies are `Secure` behind HTTPS, `/metrics` needs its token, a half-sent
//! request cannot hold a connection, and answers cannot be frozen or saved late.
use crate::common::{EXAM, TestApp, candidate_id, jump, post_json, spawn_app, spawn_app_with};
use domain::Phase;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[tokio::test]
async fn another_site_can_neither_post_nor_open_a_socket_with_a_users_cookies() {
    let app = spawn_app().await;
    let me = app.candidate_cookie("T-0001").await;
    let id = candidate_id(&app, "T-0001").await;
    jump(&app, id, Phase::InExam).await;
    app.state
        .store
        .reschedule_exam(app.exam, chrono::Utc::now() - chrono::Duration::minutes(40))
        .await
        .expect("db");
    let client = reqwest::Client::new();
    // A form on evil.example that submits the exam.
    let res = client
        .post(app.url("/api/exam/submit"))
        .header("cookie", &me)
        .header("origin", "http://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(
        res.json::<serde_json::Value>().await.expect("json"),
        json!({ "kind": "bad_origin" })
    );
    assert_eq!(app.state.store.candidate(id).await.expect("db").expect("c").phase, Phase::InExam);
    // No Origin, but a Referer from elsewhere, or a browser saying it is cross-site.
    for (name, value) in [("referer", "http://evil.example/page"), ("sec-fetch-site", "cross-site")]
    {
        let res = client
            .post(app.url("/api/exam/submit"))
            .header("cookie", &me)
            .header(name, value)
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .expect("post");
        assert_eq!(res.status().as_u16(), 403, "{name}");
    }
    // A proctor's JSON action sent as text/plain (a "simple" cross-site request).
    let pa = app.staff_cookie("proctora").await;
    let res = client
        .post(app.url("/api/proctor/message"))
        .header("cookie", &pa)
        .header("content-type", "text/plain")
        .body(json!({ "candidate": id, "kind": "message", "body": "hi" }).to_string())
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 415);
    assert_eq!(
        res.json::<serde_json::Value>().await.expect("json"),
        json!({ "kind": "unsupported_media_type" })
    );
    // A socket opened from another site.
    let mut req = app.ws_url("/ws/candidate?view=pc").into_client_request().expect("req");
    req.headers_mut().insert("cookie", me.parse().expect("h"));
    req.headers_mut().insert("origin", "http://evil.example".parse().expect("h"));
    match tokio_tungstenite::connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            assert_eq!(res.status().as_u16(), 403)
        }
        other => panic!("upgrade from another origin: {:?}", other.map(|_| ())),
    }
    // The site itself, named by its Origin, is welcome.
    let res = client
        .post(app.url("/api/exam/submit"))
        .header("cookie", &me)
        .header("origin", format!("http://{}", app.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 200);
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_and_the_browsers_defences() {
    let app = spawn_app().await;
    let res = reqwest::get(app.url("/")).await.expect("get");
    let h = res.headers().clone();
    let csp = h["content-security-policy"].to_str().expect("csp").to_string();
    let html = res.text().await.expect("html");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("nonce");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the page's scripts carry the nonce");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "same-origin");
    // A second page gets another nonce.
    let again = reqwest::get(app.url("/")).await.expect("get");
    assert_ne!(again.headers()["content-security-policy"].to_str().expect("csp"), csp);
    // JSON and media responses too.
    let ready = reqwest::get(app.url("/readyz")).await.expect("get");
    assert_eq!(ready.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn behind_https_cookies_are_secure_and_only_the_public_origin_may_post() {
    let app = spawn_app_with(|s| {
        s.public_url = Some("https://exam.example.test/".into());
        s.metrics_token = Some("metrics-secret-token".into());
    })
    .await;
    let form = [("exam_code", EXAM), ("ticket", "T-0001")];
    let res = reqwest::Client::new()
        .post(app.url("/api/candidate/login"))
        .header("origin", "https://exam.example.test")
        .form(&form)
        .send()
        .await
        .expect("login");
    assert_eq!(res.status().as_u16(), 200);
    let cookie = res.headers()["set-cookie"].to_str().expect("cookie").to_string();
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");
    assert!(res.headers()["strict-transport-security"].to_str().is_ok());
    // The server's own address is not the public origin.
    let res = reqwest::Client::new()
        .post(app.url("/api/candidate/login"))
        .header("origin", format!("http://{}", app.addr))
        .form(&form)
        .send()
        .await
        .expect("login");
    assert_eq!(res.status().as_u16(), 403);
    // /metrics: the token opens it, nothing else does.
    let url = app.url("/metrics");
    assert_eq!(reqwest::get(&url).await.expect("get").status().as_u16(), 401);
    let wrong = reqwest::Client::new().get(&url).bearer_auth("nope").send().await.expect("get");
    assert_eq!(wrong.status().as_u16(), 401);
    let right = reqwest::Client::new()
        .get(&url)
        .bearer_auth("metrics-secret-token")
        .send()
        .await
        .expect("get");
    assert_eq!(right.status().as_u16(), 200);
    assert!(right.text().await.expect("text").contains("vigil_frames_accepted_total"));
}

#[tokio::test]
async fn a_half_sent_request_cannot_hold_a_connection() {
    let app = spawn_app_with(|s| s.header_timeout = Duration::from_millis(800)).await;
    let mut idle = Vec::new();
    for _ in 0..20 {
        let mut tcp = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
        tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.expect("write");
        idle.push(tcp);
    }
    let silent = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
    idle.push(silent);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for mut tcp in idle {
        let mut buf = [0u8; 512];
        let n = tokio::time::timeout(Duration::from_secs(2), tcp.read(&mut buf)).await;
        // Closed by the server: end of stream (perhaps after a 408), not a hang.
        let n = n.expect("server closed the connection").unwrap_or(0);
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(n == 0 || text.starts_with("HTTP/1.1 408"), "{text}");
    }
    // Whole requests are served as always.
    assert_eq!(reqwest::get(app.url("/healthz")).await.expect("get").status().as_u16(), 200);
}

async fn save(app: &TestApp, cookie: &str, version: u64, option: &str) -> (u16, serde_json::Value) {
    let body = json!({ "saves": [{
        "question_id": "q1", "answer": { "kind": "single_choice", "option": option },
        "version": version
    }] });
    post_json(app, "/api/exam/save", &body, Some(cookie)).await
}

/// T-0001 in the exam with the demo paper; its cookie.
async fn sitting(app: &TestApp) -> String {
    let paper = include_str!("../../src/demo_paper.json");
    app.state.store.set_exam_paper(app.exam, paper).await.expect("paper");
    let me = app.candidate_cookie("T-0001").await;
    jump(app, candidate_id(app, "T-0001").await, Phase::InExam).await;
    me
}

#[tokio::test]
async fn an_answer_version_from_the_future_is_refused_and_cannot_freeze_the_answers() {
    let app = spawn_app().await;
    let me = sitting(&app).await;
    let (status, body) = save(&app, &me, i64::MAX as u64, "a").await;
    assert_eq!((status, &body["kind"]), (409, &json!("clock_ahead")), "{body}");
    assert!(body["server_time"].is_string());
    // A real save after it is stored and acknowledged as stored.
    let now = chrono::Utc::now().timestamp_millis() as u64;
    let (status, acks) = save(&app, &me, now, "b").await;
    assert_eq!((status, &acks[0]["stored_version"]), (200, &json!(now)), "{acks}");
    let stored = app.state.store.answers(candidate_id(&app, "T-0001").await).await.expect("db");
    assert!(stored[0].answer_json.contains("\"b\""), "{}", stored[0].answer_json);
}

#[tokio::test]
async fn nothing_is_saved_after_the_deadline_by_the_servers_clock() {
    // No auto-submit here: the candidate is still "in the exam" when the deadline has passed.
    let app = spawn_app_with(|s| s.timers = false).await;
    let me = sitting(&app).await;
    let start =
        chrono::Utc::now() - chrono::Duration::minutes(120) - chrono::Duration::milliseconds(50);
    app.state.store.reschedule_exam(app.exam, start).await.expect("db");
    let now = chrono::Utc::now().timestamp_millis() as u64;
    let (status, body) = save(&app, &me, now, "c").await;
    assert_eq!((status, body), (409, json!({ "kind": "transition", "reason": "deadline_passed" })));
    assert!(
        app.state.store.answers(candidate_id(&app, "T-0001").await).await.expect("db").is_empty()
    );
}
