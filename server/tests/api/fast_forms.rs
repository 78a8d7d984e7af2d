//! Fast on a phone, before the code arrives: the sign-in forms work as plain HTML forms. A
//! browser's form post (it accepts `text/html`) is answered with a redirect: on to the next
//! page when it worked, back to the form with the error and the typed fields otherwise, and
//! the server-rendered form shows both. The page's own calls still get JSON.
use crate::common::{EXAM, PASSWORD, TestApp, spawn_app};
use domain::signin::SignInMode;

const ACCEPT_HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// A browser's form post from the page at `from`: (status, Location, Set-Cookie pair).
async fn browser_post(
    app: &TestApp,
    path: &str,
    from: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> (u16, String, Option<String>) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut req = client
        .post(app.url(path))
        .header("accept", ACCEPT_HTML)
        .header("origin", format!("http://{}", app.addr))
        .header("referer", app.url(from))
        .form(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.expect("post");
    let location =
        res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("vigil_") && !v.contains("Max-Age=0"))
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    (res.status().as_u16(), location, cookie)
}

/// The server-rendered page at `path` (a relative Location), with `cookie`.
async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> String {
    let mut req = reqwest::Client::new().get(app.url(path)).header("accept", ACCEPT_HTML);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.expect("get");
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.text().await.expect("html")
}

#[tokio::test]
async fn a_candidate_signs_in_with_a_plain_form_and_sees_errors_in_the_page() {
    let app = spawn_app().await;
    // Wrong ticket: back to the form, with the error shown and what was typed kept.
    let (status, location, cookie) = browser_post(
        &app,
        "/api/candidate/login",
        "/",
        &[("exam_code", EXAM), ("ticket", "T-9999")],
        None,
    )
    .await;
    assert_eq!((status, cookie), (302, None));
    assert!(location.starts_with("/?"), "{location}");
    let html = page(&app, &location, None).await;
    assert!(html.contains("This admission ticket number is not on the roster"), "{html}");
    assert!(html.contains(r#"value="T-9999""#) && html.contains(&format!(r#"value="{EXAM}""#)));

    // An exam that asks for the ID card's last characters: the form comes back with the field.
    let mut s = app.state.store.exam_settings(app.exam).await.expect("db").expect("exam");
    s.sign_in = SignInMode::TicketIdDigits;
    app.state.store.save_exam(Some(app.exam), &s).await.expect("save");
    let form = [("exam_code", EXAM), ("ticket", "T-0001")];
    let (_, location, _) = browser_post(&app, "/api/candidate/login", "/", &form, None).await;
    let html = page(&app, &location, None).await;
    assert!(html.contains(r#"id="login-secret""#), "{html}");
    assert!(html.contains("also asks for the last 6 characters"));
    assert!(!location.contains("secret"));

    // Right: on to the exam page, signed in, which the server renders for this candidate.
    let form = [("exam_code", EXAM), ("ticket", "T-0001"), ("secret", "010001")];
    let (status, location, cookie) =
        browser_post(&app, "/api/candidate/login", &location, &form, None).await;
    assert_eq!((status, location.as_str()), (302, "/exam"));
    let cookie = cookie.expect("session cookie");
    assert!(page(&app, "/exam", Some(&cookie)).await.contains("Candidate 1"));

    // The running page's own call still gets JSON (no redirect).
    let (status, body, _) = app.post_form("/api/candidate/login", &form, None).await;
    assert_eq!((status, &body["ticket"]), (200, &serde_json::json!("T-0001")));
}

#[tokio::test]
async fn staff_sign_in_works_as_a_plain_form() {
    let app = spawn_app().await;
    let (status, location, cookie) = browser_post(
        &app,
        "/api/staff/login",
        "/staff/login",
        &[("username", "proctora"), ("password", "wrong-password")],
        None,
    )
    .await;
    assert_eq!((status, cookie), (302, None));
    assert!(location.starts_with("/staff/login?"), "{location}");
    assert!(!location.contains("wrong-password"));
    let html = page(&app, &location, None).await;
    assert!(html.contains(r#"value="proctora""#), "{html}");
    assert!(html.contains("Wrong username or password"), "{html}");

    let form = [("username", "proctora"), ("password", PASSWORD)];
    let (status, location, cookie) =
        browser_post(&app, "/api/staff/login", "/staff/login", &form, None).await;
    assert_eq!((status, location.as_str()), (302, "/proctor"));
    let html = page(&app, "/proctor", cookie.as_deref()).await;
    assert!(html.contains("/proctor/rooms/"), "{html}");
}

#[tokio::test]
async fn a_phone_pairs_with_a_plain_form() {
    let app = spawn_app().await;
    let id = crate::common::candidate_id(&app, "T-0001").await;
    crate::common::jump(&app, id, domain::Phase::FirstViewOn).await;
    let pc = app.candidate_cookie("T-0001").await;
    let (status, pairing, _) = app.post_form("/api/journey/pairing", &[], Some(&pc)).await;
    assert_eq!(status, 200, "{pairing}");
    let url = pairing["url"].as_str().expect("url");
    let token = url.split("t=").nth(1).expect("token").to_string();
    let from = format!("/phone?t={token}");
    let wrong = [("token", token.as_str()), ("id_card", "110101199001010009"), ("exam_code", EXAM)];
    let (status, location, cookie) =
        browser_post(&app, "/api/phone/pair", &from, &wrong, None).await;
    assert_eq!((status, cookie), (302, None));
    assert!(!location.contains("110101199001010009"), "the ID card number never goes in a link");
    let html = page(&app, &location, None).await;
    assert!(html.contains(r#"role="alert""#), "{html}");
    assert!(html.contains(&format!(r#"value="{EXAM}""#)));

    let right = [("token", token.as_str()), ("id_card", "110101199001010001"), ("exam_code", EXAM)];
    let (status, location, cookie) =
        browser_post(&app, "/api/phone/pair", &location, &right, None).await;
    assert_eq!((status, location.as_str()), (302, "/phone"));
    let html = page(&app, "/phone", cookie.as_deref()).await;
    assert!(!html.contains(r#"name="id_card""#), "paired: the form is gone");
}
