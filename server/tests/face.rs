//! Face verification on real photos (dlib), the HTTP provider against a local fake service, and
//! the Y4M fake-camera converter. Photos and models come from `scripts/face-assets.sh`, under
//! `<workspace>/target/face-fixtures` and `target/face-models`; missing files fail the tests.
#[path = "face/http.rs"]
mod http;
#[path = "face/scan.rs"]
mod scan;
#[path = "face/y4m.rs"]
mod y4m;

use backend::face::FaceVerifier;
use domain::face::{FaceDecision, FaceError, FaceThresholds, FaceVerdict, PhotoRole};
use server::face::{DlibVerifier, FaceConfig, FaceProvider, build_verifier};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

fn target_dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target").join(sub)
}

pub fn fixture_path(name: &str) -> PathBuf {
    target_dir("face-fixtures").join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}: run scripts/face-assets.sh", path.display()))
}

/// One verifier for the whole binary: the models load once (about half a second).
pub fn dlib() -> &'static DlibVerifier {
    static VERIFIER: OnceLock<DlibVerifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        DlibVerifier::load(&target_dir("face-models"))
            .unwrap_or_else(|e| panic!("{e:#}: run scripts/face-assets.sh"))
    })
}

pub async fn verify(live: &[u8], reference: &[u8]) -> Result<FaceVerdict, FaceError> {
    let started = Instant::now();
    let out = dlib().verify(live, reference, &FaceThresholds::default()).await;
    eprintln!("verify: {:?} in {:?}", out.as_ref().map(|v| v.distance), started.elapsed());
    out
}

async fn verify_files(live: &str, reference: &str) -> Result<FaceVerdict, FaceError> {
    verify(&fixture(live), &fixture(reference)).await
}

#[tokio::test]
async fn same_person_photos_match() {
    for (live, reference) in [("obama.jpg", "obama2.jpg"), ("obama.jpg", "obama3.jpg")] {
        let verdict = verify_files(live, reference).await.expect("verdict");
        eprintln!("{live} vs {reference}: L2 {}", verdict.distance);
        assert_eq!(verdict.decision, FaceDecision::Match, "{live} vs {reference}: {verdict:?}");
        assert!(verdict.distance < 0.45, "{verdict:?}");
    }
}

#[tokio::test]
async fn a_different_person_does_not_match() {
    let verdict = verify_files("obama.jpg", "biden.jpg").await.expect("verdict");
    eprintln!("obama.jpg vs biden.jpg: L2 {}", verdict.distance);
    assert_eq!(verdict.decision, FaceDecision::NoMatch, "{verdict:?}");
    assert!(verdict.distance > 0.7, "{verdict:?}");
}

#[tokio::test]
async fn the_verdict_records_provider_model_and_thresholds() {
    let strict = FaceThresholds { match_below: 0.3, review_below: 0.45 };
    let verdict =
        dlib().verify(&fixture("obama.jpg"), &fixture("obama2.jpg"), &strict).await.expect("ok");
    assert_eq!(verdict.decision, FaceDecision::NeedsReview, "{verdict:?}");
    assert_eq!(verdict.provider, "dlib");
    assert_eq!(dlib().provider(), "dlib");
    assert_eq!(verdict.model_version, "dlib-19.24 hog+sp5+resnet_v1");
    assert_eq!(verdict.thresholds, strict);
}

#[tokio::test]
async fn a_photo_without_a_face_is_reported_for_that_photo() {
    let err = verify_files("dogs.jpg", "obama.jpg").await.expect_err("no face");
    assert_eq!(err, FaceError::NoFace { photo: PhotoRole::Live });
    let err = verify_files("obama.jpg", "dogs.jpg").await.expect_err("no face");
    assert_eq!(err, FaceError::NoFace { photo: PhotoRole::Reference });
}

#[tokio::test]
async fn a_photo_with_several_faces_is_refused() {
    match verify_files("bald_guys.jpg", "obama.jpg").await {
        Err(FaceError::SeveralFaces { photo: PhotoRole::Live, count }) => assert!(count >= 10),
        other => panic!("expected several faces in the live photo, got {other:?}"),
    }
    match verify_files("obama.jpg", "bald_guys.jpg").await {
        Err(FaceError::SeveralFaces { photo: PhotoRole::Reference, count }) => {
            assert!(count >= 10)
        }
        other => panic!("expected several faces in the reference photo, got {other:?}"),
    }
}

#[tokio::test]
async fn bytes_that_are_not_an_image_are_a_bad_image() {
    let obama = fixture("obama.jpg");
    let err = verify(b"definitely not a JPEG", &obama).await.expect_err("bad");
    assert_eq!(err, FaceError::BadImage { photo: PhotoRole::Live });
    let err = verify(&obama, &[]).await.expect_err("bad");
    assert_eq!(err, FaceError::BadImage { photo: PhotoRole::Reference });
    let truncated = &obama[..200];
    let err = verify(truncated, &obama).await.expect_err("bad");
    assert_eq!(err, FaceError::BadImage { photo: PhotoRole::Live });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_verifications_share_the_model_pool() {
    let (a, b) = (fixture("obama.jpg"), fixture("obama3.jpg"));
    let started = Instant::now();
    let runs = (0..6).map(|_| verify(&a, &b));
    let verdicts = futures::future::join_all(runs).await;
    eprintln!("6 concurrent verifications in {:?}", started.elapsed());
    for v in verdicts {
        assert_eq!(v.expect("verdict").decision, FaceDecision::Match);
    }
}

#[tokio::test]
async fn build_verifier_reports_missing_models_and_urls() {
    let missing = FaceConfig {
        provider: FaceProvider::Dlib,
        models_dir: PathBuf::from("/nonexistent/face-models"),
        http_url: None,
    };
    let err = build_verifier(&missing).err().expect("missing models");
    assert!(format!("{err:#}").contains("scripts/face-assets.sh"), "{err:#}");
    let no_url = FaceConfig { provider: FaceProvider::Http, ..missing.clone() };
    assert!(build_verifier(&no_url).is_err());
    let http = FaceConfig { http_url: Some("http://127.0.0.1:9/verify".into()), ..no_url };
    assert_eq!(build_verifier(&http).expect("http").provider(), "http");
    let dlib = FaceConfig { models_dir: target_dir("face-models"), ..missing };
    assert_eq!(build_verifier(&dlib).expect("dlib").provider(), "dlib");
}
