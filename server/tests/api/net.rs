//! The device check's network measurement routes: ping and upload, never cached, with the
//! upload's own body limit (above the app-wide 64 KiB, below 600 KiB).
use crate::common::spawn_app;

#[tokio::test]
async fn ping_returns_the_server_time_and_is_not_cached() {
    let app = spawn_app().await;
    let before = chrono::Utc::now().timestamp_millis();
    let res = reqwest::get(app.url("/net/ping")).await.expect("get");
    let after = chrono::Utc::now().timestamp_millis();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.expect("json");
    let t = body["server_time_ms"].as_i64().expect("server_time_ms");
    assert!((before..=after).contains(&t), "{t} not in {before}..={after}");
}

#[tokio::test]
async fn upload_counts_256_kib_beyond_the_app_wide_limit() {
    let app = spawn_app().await;
    let res = reqwest::Client::new()
        .post(app.url("/net/upload"))
        .body(vec![7u8; 256 * 1024])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["bytes"], 256 * 1024);
}

#[tokio::test]
async fn upload_refuses_600_kib_with_413() {
    let app = spawn_app().await;
    let res = reqwest::Client::new()
        .post(app.url("/net/upload"))
        .body(vec![7u8; 600 * 1024])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 413);
}

#[tokio::test]
async fn other_routes_keep_the_app_wide_limit() {
    let app = spawn_app().await;
    let res = reqwest::Client::new()
        .post(app.url("/api/candidate/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 100 * 1024])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 413);
}
