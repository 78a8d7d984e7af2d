//! Bad input: malformed socket messages, oversized bodies, a corrupt database file.
use crate::common::spawn_app;
use domain::View;
use domain::protocol::{
    CandidateClientMsg, CandidateServerMsg, PROTOCOL_VERSION, ProctorClientMsg, ProctorServerMsg,
    ProtocolError,
};
use server::{Application, Settings};

#[tokio::test]
async fn malformed_candidate_messages_get_typed_errors_and_the_socket_stays_up() {
    let app = spawn_app().await;
    let cand = app.candidate_cookie("T-0001").await;
    let mut ws = app.ws("/ws/candidate", Some(&cand)).await.expect("socket");

    ws.send(&CandidateClientMsg::Heartbeat).await; // before hello
    let m: CandidateServerMsg = ws.recv().await;
    assert_eq!(m, CandidateServerMsg::Error { error: ProtocolError::HelloRequired });

    ws.send(&CandidateClientMsg::Hello { protocol: 999, view: View::Pc }).await;
    let m: CandidateServerMsg = ws.recv().await;
    assert_eq!(
        m,
        CandidateServerMsg::Error {
            error: ProtocolError::UnsupportedVersion { supported: PROTOCOL_VERSION }
        }
    );

    for junk in ["not json", r#"{"type":"launch_missiles"}"#, "{}", "[1,2,3]"] {
        ws.send_text(junk).await;
        let m: CandidateServerMsg = ws.recv().await;
        assert!(
            matches!(m, CandidateServerMsg::Error { error: ProtocolError::Malformed { .. } }),
            "{junk}"
        );
    }

    ws.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc }).await;
    assert!(matches!(ws.recv::<CandidateServerMsg>().await, CandidateServerMsg::Welcome { .. }));
    ws.send(&CandidateClientMsg::Heartbeat).await;
    assert!(matches!(
        ws.recv_until::<CandidateServerMsg>(5, |m| matches!(
            m,
            CandidateServerMsg::HeartbeatAck { .. }
        ))
        .await,
        CandidateServerMsg::HeartbeatAck { .. }
    ));
    let health = reqwest::get(app.url("/healthz")).await.expect("get");
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn malformed_proctor_messages_get_typed_errors_and_the_feed_continues() {
    let app = spawn_app().await;
    let pa = app.staff_cookie("proctora").await;
    let mut feed =
        app.ws(&format!("/ws/proctor?room={}", app.room_a), Some(&pa)).await.expect("feed");
    let _snapshot: ProctorServerMsg = feed.recv().await;
    feed.send_text("}{").await;
    let m: ProctorServerMsg =
        feed.recv_until(5, |m| matches!(m, ProctorServerMsg::Error { .. })).await;
    assert!(matches!(m, ProctorServerMsg::Error { error: ProtocolError::Malformed { .. } }));
    feed.send(&ProctorClientMsg::Ping).await;
    let m: ProctorServerMsg = feed.recv_until(5, |m| matches!(m, ProctorServerMsg::Pong)).await;
    assert_eq!(m, ProctorServerMsg::Pong);
}

#[tokio::test]
async fn oversized_socket_messages_are_refused_and_huge_ones_close_only_that_connection() {
    let app = spawn_app().await;
    let cand = app.candidate_cookie("T-0001").await;
    let mut ws = app.ws("/ws/candidate", Some(&cand)).await.expect("socket");
    // Text over the text limit: a typed error, the socket stays.
    ws.send_text(&"x".repeat(64 * 1024)).await;
    let m: CandidateServerMsg = ws.recv().await;
    assert!(matches!(m, CandidateServerMsg::Error { error: ProtocolError::Unsupported }), "{m:?}");
    ws.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc }).await;
    assert!(matches!(ws.recv::<CandidateServerMsg>().await, CandidateServerMsg::Welcome { .. }));
    // Over the socket's message limit (far above any frame): that connection ends.
    ws.send_bytes(vec![0u8; 2 * 1024 * 1024]).await;
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        futures::StreamExt::next(&mut ws.0),
    )
    .await;
    let health = reqwest::get(app.url("/healthz")).await.expect("get");
    assert_eq!(health.status(), 200);
    let mut again = app.ws("/ws/candidate", Some(&cand)).await.expect("socket");
    again.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc }).await;
    assert!(matches!(again.recv::<CandidateServerMsg>().await, CandidateServerMsg::Welcome { .. }));
}

#[tokio::test]
async fn request_bodies_over_the_limit_get_413() {
    let app = spawn_app().await;
    let big = "a".repeat(200 * 1024);
    let res = reqwest::Client::new()
        .post(app.url("/api/candidate/login"))
        .form(&[("exam_code", big.as_str()), ("ticket", "T-0001")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn a_corrupt_database_file_gives_a_one_line_error_naming_the_path() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("vigil.db");
    std::fs::write(&path, b"this is not a sqlite database, just some bytes......................................................").expect("write");
    let err = Application::build(Settings::in_dir(dir.path().to_path_buf()))
        .await
        .err()
        .expect("must fail");
    let msg = format!("{err:#}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");
}

#[tokio::test]
async fn a_missing_database_file_is_created() {
    let dir = tempfile::tempdir().expect("tmp");
    let nested = dir.path().join("new").join("place");
    let app = Application::build(Settings::in_dir(nested.clone())).await.expect("builds");
    drop(app);
    assert!(nested.join("vigil.db").exists());
}

/// Server-function arguments that cannot be read (an unknown value, a missing field, not
/// JSON) are the client's fault: 400 with the typed `request` error, never a 500.
#[tokio::test]
async fn unreadable_server_function_arguments_get_400_with_a_typed_error() {
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;
    let client = reqwest::Client::new();
    let bodies = [
        r#"{"candidate":1,"kind":"shout","body":"hi"}"#,
        r#"{"candidate":1,"body":"hi"}"#,
        "not json",
    ];
    for body in bodies {
        let res = client
            .post(app.url("/api/proctor/message"))
            .header("cookie", &admin)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 400, "{body}");
        let v: serde_json::Value = res.json().await.expect("json");
        assert_eq!(v["kind"], "request", "{body}: {v}");
    }
    // A form-encoded server function with a missing argument, too.
    let (status, v, _) = app.post_form("/api/proctor/timeline", &[], Some(&admin)).await;
    assert_eq!((status, v["kind"].as_str()), (400, Some("request")));
}

/// `vigil serve` with a database URL it cannot use: a one-line error naming it, never its
/// password, and no server.
#[tokio::test]
async fn a_bad_database_url_is_refused_in_one_line_without_its_password() {
    let dir = tempfile::tempdir().expect("tmp");
    let vigil = env!("CARGO_BIN_EXE_vigil");
    for (url, says) in [
        ("mysql://root:hunter2@db.example.edu/vigil", "unknown database kind `mysql`"),
        ("postgres://vigil:hunter2@db.example.edu:port/vigil", "malformed database URL"),
    ] {
        let out = std::process::Command::new(vigil)
            .args(["serve", "--addr", "127.0.0.1:0", "--database", url])
            .env("VIGIL_DATA_DIR", dir.path())
            .output()
            .expect("runs");
        assert!(!out.status.success(), "{url} refused");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        assert!(err.contains("vigil:***@") || err.contains("root:***@"), "names it: {err}");
        assert!(!err.contains("hunter2"), "no password: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    }
}

/// A database that does not answer at start: a one-line error naming it without its password.
#[tokio::test]
async fn an_unreachable_database_is_named_in_one_line_without_its_password() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut settings = Settings::in_dir(dir.path().to_path_buf());
    // Port 1 on this machine: nothing listens, the connection is refused.
    settings.database = Some("postgres://vigil:hunter2@127.0.0.1:1/vigil".parse().expect("url"));
    let err = Application::build(settings).await.err().expect("must fail");
    let msg = format!("{err:#}");
    assert!(msg.contains("cannot open database postgres://vigil:***@127.0.0.1:1/vigil"), "{msg}");
    assert!(msg.contains("unavailable"), "{msg}");
    assert!(!msg.contains("hunter2") && !msg.contains('\n'), "{msg}");
}

/// A bus that does not answer at start: a one-line error naming it without its password.
#[tokio::test]
async fn an_unreachable_bus_is_named_in_one_line_without_its_password() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut settings = Settings::in_dir(dir.path().to_path_buf());
    // Port 1 on this machine: nothing listens, the connection is refused.
    settings.bus = Some("nats://vigil:hunter2@127.0.0.1:1".into());
    let err = Application::build(settings).await.err().expect("must fail");
    let msg = format!("{err:#}");
    assert!(msg.contains("cannot connect to NATS at nats://vigil:***@127.0.0.1:1"), "{msg}");
    assert!(!msg.contains("hunter2") && !msg.contains('\n'), "{msg}");
}

/// A database upgraded by a newer Vigil (it has a migration this binary does not know): the
/// server refuses to start and says so. On the suite's database (SQLite, or PostgreSQL).
#[tokio::test]
async fn a_database_with_a_newer_schema_is_refused() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().expect("tmp");
    let app_dir = app.dir.path().to_path_buf();
    let mut db = crate::common::raw_db(&app_dir).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES ($1, 'from a newer vigil', TRUE, $2, 0)",
    )
    .bind(9_999_i64)
    .bind(vec![0_u8; 48])
    .execute(&mut db)
    .await
    .expect("a future migration");
    let mut settings = Settings::in_dir(dir.path().to_path_buf());
    settings.database = Some(crate::common::database_url(&app_dir).await);
    let err = Application::build(settings).await.err().expect("must refuse");
    let msg = format!("{err:#}");
    assert!(msg.contains("newer than this Vigil knows (it has migration 9999"), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");
}

/// Text no database can store (a NUL character, which PostgreSQL refuses) is the request's
/// fault: a typed 4xx, never a 500.
#[tokio::test]
async fn a_nul_character_in_a_sign_in_is_refused_not_an_internal_error() {
    let app = spawn_app().await;
    let (status, body, _) = app
        .post_form("/api/staff/login", &[("username", "ad\0min"), ("password", "x")], None)
        .await;
    assert!(status == 400 || status == 401, "{status} {body}");
    assert_ne!(body["kind"], "internal", "{body}");
}
