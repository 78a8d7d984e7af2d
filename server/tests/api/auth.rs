//! Staff and candidate login, the rate limit, and role checks.
use crate::common::{EXAM, PASSWORD, spawn_app, start};

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let health = reqwest::get(app.url("/healthz")).await.expect("get");
    assert_eq!(health.status(), 200);
    let ready = reqwest::get(app.url("/readyz")).await.expect("get");
    assert_eq!(ready.status(), 200);
}

#[tokio::test]
async fn staff_login_with_the_right_password_sets_an_http_only_cookie() {
    let app = spawn_app().await;
    let (status, body, cookie) = app
        .post_form("/api/staff/login", &[("username", "proctora"), ("password", PASSWORD)], None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["role"], "proctor");
    let cookie = cookie.expect("session cookie");
    assert!(cookie.starts_with("vigil_staff="));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(body.get("password_hash").is_none());
}

#[tokio::test]
async fn staff_login_with_a_wrong_password_or_user_is_refused_with_a_code() {
    let app = spawn_app().await;
    for (user, pass) in [("pa", "wrong-password"), ("nobody", PASSWORD)] {
        let (status, body, cookie) = app
            .post_form("/api/staff/login", &[("username", user), ("password", pass)], None)
            .await;
        assert_eq!(status, 401);
        assert_eq!(body["kind"], "invalid_credentials");
        assert!(cookie.is_none());
    }
}

#[tokio::test]
async fn staff_logout_ends_the_session() {
    let app = spawn_app().await;
    let cookie = app.staff_cookie("proctora").await;
    let (status, _, _) = app.post_form("/api/staff/logout", &[], Some(&cookie)).await;
    assert_eq!(status, 200);
    let (status, body, _) = app.post_form("/api/rooms/mine", &[], Some(&cookie)).await;
    assert_eq!(status, 401);
    assert_eq!(body["kind"], "unauthenticated");
}

#[tokio::test]
async fn candidate_login_is_trimmed_and_case_insensitive() {
    let app = spawn_app().await;
    let (status, body, cookie) = app
        .post_form(
            "/api/candidate/login",
            &[("exam_code", " test01 "), ("ticket", " t-0001")],
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "Candidate 1");
    assert_eq!(body["phase"]["phase"], "logged_in");
    assert_eq!(body["id_card_masked"], "**************0001");
    assert!(cookie.expect("cookie").starts_with("vigil_candidate="));
    // Logging in again keeps progress and works.
    let cookie = app.candidate_cookie("T-0001").await;
    let (status, me, _) = app.post_form("/api/candidate/me", &[], Some(&cookie)).await;
    assert_eq!(status, 200);
    assert_eq!(me["ticket"], "T-0001");
}

#[tokio::test]
async fn candidate_login_errors_are_clear_codes() {
    let app = spawn_app().await;
    let cases = [
        (("NOPE99", "T-0001"), 404, "unknown_exam"),
        ((EXAM, "T-9999"), 404, "unknown_ticket"),
        (("", "T-0001"), 400, "validation"),
        ((EXAM, "x"), 400, "validation"),
    ];
    for ((code, ticket), status, kind) in cases {
        let (got, body, cookie) = app
            .post_form("/api/candidate/login", &[("exam_code", code), ("ticket", ticket)], None)
            .await;
        assert_eq!(got, status, "{code}/{ticket}: {body}");
        assert_eq!(body["kind"], kind);
        assert!(cookie.is_none());
    }
    let (_, body, _) = app
        .post_form("/api/candidate/login", &[("exam_code", ""), ("ticket", "T-0001")], None)
        .await;
    assert_eq!(body["field"], "exam_code");
    assert_eq!(body["code"], "required");
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_rate_limited() {
    let app = spawn_app().await;
    for _ in 0..10 {
        let (status, _, _) = app
            .post_form("/api/candidate/login", &[("exam_code", EXAM), ("ticket", "T-9999")], None)
            .await;
        assert_eq!(status, 404);
    }
    // Now even a right ticket is refused until the window passes.
    let (status, body, _) = app
        .post_form("/api/candidate/login", &[("exam_code", EXAM), ("ticket", "T-0001")], None)
        .await;
    assert_eq!(status, 429);
    assert_eq!(body["kind"], "rate_limited");
    assert!(body["retry_after_secs"].as_u64().expect("secs") > 0);
    // Staff logins from the same address are throttled too.
    let (status, _, _) = app
        .post_form("/api/staff/login", &[("username", "proctora"), ("password", PASSWORD)], None)
        .await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn a_proctor_sees_only_assigned_rooms_and_an_admin_sees_all() {
    let app = spawn_app().await;
    let pa = app.staff_cookie("proctora").await;
    let (status, rooms, _) = app.post_form("/api/rooms/mine", &[], Some(&pa)).await;
    assert_eq!(status, 200);
    let names: Vec<_> = rooms.as_array().expect("list").iter().map(|r| r["name"].clone()).collect();
    assert_eq!(names, vec!["A"]);

    let room_b = app.room_b.to_string();
    // Another room answers as if it did not exist.
    let (status, body, _) = app.post_form("/api/rooms/get", &[("room", &room_b)], Some(&pa)).await;
    assert_eq!(status, 404);
    assert_eq!(body["kind"], "not_found");

    let admin = app.staff_cookie("admin").await;
    let (_, rooms, _) = app.post_form("/api/rooms/mine", &[], Some(&admin)).await;
    assert_eq!(rooms.as_array().expect("list").len(), 2);
    let (status, _, _) = app.post_form("/api/rooms/get", &[("room", &room_b)], Some(&admin)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_candidate_cannot_call_staff_functions_or_open_the_proctor_feed() {
    let app = spawn_app().await;
    let cand = app.candidate_cookie("T-0001").await;
    let (status, body, _) = app.post_form("/api/rooms/mine", &[], Some(&cand)).await;
    assert_eq!(status, 401);
    assert_eq!(body["kind"], "unauthenticated");
    let path = format!("/ws/proctor?room={}", app.room_a);
    assert_eq!(app.ws(&path, Some(&cand)).await.err(), Some(401));
    assert_eq!(app.ws(&path, None).await.err(), Some(401));
}

#[tokio::test]
async fn a_proctor_cannot_open_another_rooms_feed_or_photo() {
    let app = spawn_app().await;
    let pa = app.staff_cookie("proctora").await;
    let path = format!("/ws/proctor?room={}", app.room_b);
    assert_eq!(app.ws(&path, Some(&pa)).await.err(), Some(404));
    // Candidate 3 sits in room B.
    let res = reqwest::Client::new()
        .get(app.url("/media/candidates/3/photo"))
        .header("cookie", &pa)
        .send()
        .await
        .expect("get");
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn pages_are_served_in_the_browsers_language() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let zh = client
        .get(app.url("/"))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .expect("get");
    let zh = zh.text().await.expect("body");
    assert!(zh.contains("准考证号"), "Chinese page");
    let en = client.get(app.url("/")).header("accept-language", "en-US").send().await.expect("get");
    assert!(en.text().await.expect("body").contains("Admission ticket number"));
    let missing = client.get(app.url("/no/such/page")).send().await.expect("get");
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn vigil_admin_create_makes_an_admin_who_can_log_in() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().to_str().expect("utf-8 path");
    let vigil = env!("CARGO_BIN_EXE_vigil");
    let database = crate::common::database_arg(dir.path()).await;
    let out = std::process::Command::new(vigil)
        .args(["admin", "create", "--username", "chief", "--password", "short", "--data-dir", data])
        .env("VIGIL_DATABASE", &database)
        .output()
        .expect("runs");
    assert!(!out.status.success(), "a short password is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot create admin chief"));
    let out = std::process::Command::new(vigil)
        .args(["admin", "create", "--username", "chief", "--password", "long-enough-1"])
        .env("VIGIL_DATA_DIR", data)
        .env("VIGIL_DATABASE", &database)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let app = start(dir, false).await;
    let (status, body, _) = app
        .post_form(
            "/api/staff/login",
            &[("username", "chief"), ("password", "long-enough-1")],
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["role"], "admin");
}
