//! `HttpVerifier` against a fake provider on a random local port.
use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use backend::face::FaceVerifier;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::face::{FaceDecision, FaceError, FaceThresholds, PhotoRole};
use serde_json::{Value, json};
use server::face::HttpVerifier;
use std::time::Duration;

const LIVE: &[u8] = b"live photo bytes";
const REFERENCE: &[u8] = b"reference photo bytes \x00\xff";

/// Answers as a provider would: checks the request, then returns a fixed distance.
async fn ok(Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
    let field = |k: &str| body[k].as_str().and_then(|s| STANDARD.decode(s).ok());
    let good = field("live_jpeg_base64").as_deref() == Some(LIVE)
        && field("reference_base64").as_deref() == Some(REFERENCE)
        && body["match_below"].as_f64() == Some(0.5)
        && body["review_below"].as_f64() == Some(0.65);
    if good {
        (StatusCode::OK, Json(json!({"distance": 0.55, "model_version": "fake-1"})))
    } else {
        (StatusCode::BAD_REQUEST, Json(json!({"bad_request": body})))
    }
}

async fn spawn_provider() -> String {
    let app = Router::new()
        .route("/ok", post(ok))
        .route(
            "/no-face",
            post(|| async {
                let body = json!({"error": "no_face", "photo": "reference"});
                (StatusCode::UNPROCESSABLE_ENTITY, Json(body))
            }),
        )
        .route(
            "/several",
            post(|| async {
                let body = json!({"error": "several_faces", "photo": "live", "count": 3});
                (StatusCode::UNPROCESSABLE_ENTITY, Json(body))
            }),
        )
        .route("/boom", post(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }))
        .route("/not-json", post(|| async { "distance: small" }))
        .route(
            "/slow",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Json(json!({"distance": 0.1, "model_version": "late"}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

async fn call(base: &str, path: &str) -> Result<domain::face::FaceVerdict, FaceError> {
    let verifier =
        HttpVerifier::new(&format!("{base}{path}"), Duration::from_millis(500)).expect("client");
    verifier.verify(LIVE, REFERENCE, &FaceThresholds::default()).await
}

#[tokio::test]
async fn http_provider_distance_is_decided_with_our_thresholds() {
    let base = spawn_provider().await;
    let verdict = call(&base, "/ok").await.expect("verdict");
    assert_eq!(verdict.decision, FaceDecision::NeedsReview);
    assert_eq!(verdict.distance, 0.55);
    assert_eq!(verdict.provider, "http");
    assert_eq!(verdict.model_version, "fake-1");
    assert_eq!(verdict.thresholds, FaceThresholds::default());
}

#[tokio::test]
async fn http_provider_rejections_map_to_face_errors() {
    let base = spawn_provider().await;
    let err = call(&base, "/no-face").await.expect_err("no face");
    assert_eq!(err, FaceError::NoFace { photo: PhotoRole::Reference });
    let err = call(&base, "/several").await.expect_err("several");
    assert_eq!(err, FaceError::SeveralFaces { photo: PhotoRole::Live, count: 3 });
}

#[tokio::test]
async fn http_provider_failures_are_unavailable() {
    let base = spawn_provider().await;
    for path in ["/boom", "/not-json", "/missing-route"] {
        assert_eq!(call(&base, path).await.err(), Some(FaceError::ProviderUnavailable), "{path}");
    }
}

#[tokio::test]
async fn http_provider_timeout_is_unavailable() {
    let base = spawn_provider().await;
    let started = std::time::Instant::now();
    assert_eq!(call(&base, "/slow").await.err(), Some(FaceError::ProviderUnavailable));
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn http_provider_unreachable_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    assert_eq!(call(&base, "/ok").await.err(), Some(FaceError::ProviderUnavailable));
}

#[test]
fn http_provider_needs_a_plain_http_url() {
    assert!(HttpVerifier::new("https://kyc.example/verify", Duration::from_secs(1)).is_err());
    assert!(HttpVerifier::new("not a url", Duration::from_secs(1)).is_err());
    assert!(HttpVerifier::new("http://127.0.0.1:8080/verify", Duration::from_secs(1)).is_ok());
}
