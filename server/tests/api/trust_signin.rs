//! Trust, signing in: an exam may ask for the ID card's last digits or an access code besides
//! the ticket; failures are limited per ticket and per address, atomically (parallel attempts
//! cannot slip past); an unknown username costs as much as a wrong password.
use crate::common::{EXAM, TestApp, candidate_id, spawn_app};
use domain::signin::SignInMode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn set_mode(app: &TestApp, mode: SignInMode) {
    let mut s = app.state.store.exam_settings(app.exam).await.expect("db").expect("exam");
    s.sign_in = mode;
    app.state.store.save_exam(Some(app.exam), &s).await.expect("save");
}

async fn login(app: &TestApp, ticket: &str, secret: Option<&str>) -> (u16, Value) {
    let mut form = vec![("exam_code", EXAM), ("ticket", ticket)];
    if let Some(s) = secret {
        form.push(("secret", s));
    }
    let (status, body, _) = app.post_form("/api/candidate/login", &form, None).await;
    (status, body)
}

#[tokio::test]
async fn an_exam_can_ask_for_the_id_cards_last_digits() {
    let app = spawn_app().await;
    set_mode(&app, SignInMode::TicketIdDigits).await;
    let want = json!({ "kind": "credential_required", "mode": "ticket_id_digits" });
    assert_eq!(login(&app, "T-0001", None).await, (401, want));
    let wrong = json!({ "kind": "candidate_credentials", "mode": "ticket_id_digits" });
    assert_eq!(login(&app, "T-0001", Some("010009")).await, (401, wrong.clone()));
    // An unknown ticket looks exactly like a wrong secret.
    assert_eq!(login(&app, "T-9999", Some("010001")).await, (401, wrong));
    let (status, me) = login(&app, "T-0001", Some(" 010001 ")).await;
    assert_eq!((status, &me["ticket"]), (200, &json!("T-0001")));
}

#[tokio::test]
async fn an_exam_can_ask_for_the_access_code_from_the_slip() {
    let app = spawn_app().await;
    set_mode(&app, SignInMode::TicketAccessCode).await;
    let id = candidate_id(&app, "T-0002").await;
    let code = app.state.store.access_code(id).await.expect("db");
    assert!(domain::signin::valid_access_code(&code), "{code}");
    let other = app.state.store.access_code(candidate_id(&app, "T-0001").await).await.expect("db");
    assert_ne!(code, other, "every candidate has their own code");
    assert_eq!(login(&app, "T-0002", Some(&other)).await.0, 401);
    let printed = domain::signin::format_access_code(&code).to_lowercase();
    assert_eq!(login(&app, "T-0002", Some(&printed)).await.0, 200);

    // The slips and the roster export carry the codes.
    let admin = app.staff_cookie("admin").await;
    let exam = app.exam.0.to_string();
    let (status, slips, _) =
        app.post_form("/api/admin/slips", &[("exam", &exam)], Some(&admin)).await;
    assert_eq!(status, 200, "{slips}");
    assert_eq!(slips["sign_in"], "ticket_access_code");
    let slip = slips["slips"].as_array().expect("slips").iter().find(|s| s["ticket"] == "T-0002");
    assert_eq!(slip.expect("slip")["access_code"], domain::signin::format_access_code(&code));
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/admin/exams/{exam}/roster.csv")))
        .header("cookie", &admin)
        .send()
        .await
        .expect("export");
    let csv = res.text().await.expect("text");
    assert!(csv.lines().next().expect("header").ends_with(",access_code"), "{csv}");
    assert!(csv.contains(&domain::signin::format_access_code(&code)));
    // Proctors do not get them.
    let pa = app.staff_cookie("proctora").await;
    assert_eq!(app.post_form("/api/admin/slips", &[("exam", &exam)], Some(&pa)).await.0, 403);
}

#[tokio::test]
async fn wrong_secrets_lock_the_ticket_not_the_address() {
    let app = spawn_app().await;
    set_mode(&app, SignInMode::TicketIdDigits).await;
    for _ in 0..5 {
        assert_eq!(login(&app, "T-0001", Some("000000")).await.0, 401);
    }
    // The ticket is locked, even with the right digits; another ticket from here is not.
    let (status, body) = login(&app, "T-0001", Some("010001")).await;
    assert_eq!((status, &body["kind"]), (429, &json!("rate_limited")), "{body}");
    assert_eq!(login(&app, "T-0002", Some("010002")).await.0, 200);
}

#[tokio::test]
async fn parallel_wrong_passwords_get_no_more_answers_than_the_limit() {
    let app = spawn_app().await;
    let attempts = (0..60).map(|i| {
        let url = app.url("/api/staff/login");
        async move {
            let password = format!("wrong-{i}");
            let form = [("username", "proctora"), ("password", password.as_str())];
            let res = reqwest::Client::new().post(url).form(&form).send().await.expect("post");
            res.status().as_u16()
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    let evaluated = statuses.iter().filter(|s| **s == 401).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((evaluated, limited), (10, 50), "{statuses:?}");
}

/// Median time of `n` failed staff logins as `username`.
async fn median_failure(app: &TestApp, username: &str, n: usize) -> Duration {
    let mut times = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        let form = [("username", username), ("password", "not-the-password")];
        let (status, _, _) = app.post_form("/api/staff/login", &form, None).await;
        assert_eq!(status, 401);
        times.push(t.elapsed());
    }
    times.sort();
    times[n / 2]
}

#[tokio::test]
async fn an_unknown_username_takes_as_long_as_a_wrong_password() {
    let app = spawn_app().await;
    // Five of each (the address allows ten failures).
    let known = median_failure(&app, "proctora", 5).await;
    let unknown = median_failure(&app, "nobody-here", 5).await;
    // A password check is tens of milliseconds; a bare lookup is one.
    assert!(unknown * 3 >= known, "unknown {unknown:?} vs known {known:?}");
}
