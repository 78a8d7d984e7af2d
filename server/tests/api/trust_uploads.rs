//! Trust, uploads: no candidate can fill the disk (a byte rate, a quota per sitting, a
//! free-disk reserve that refuses uploads with a typed error and shows on `/readyz`,
//! `/metrics` and the admin pages), photos are whole JPEGs, and exports cannot carry formulas.
use crate::common::{TestApp, candidate_id, jump, spawn_app, spawn_app_with};
use domain::Phase;
use domain::camera::CameraSettings;
use serde_json::{Value, json};

async fn post(app: &TestApp, path: &str, cookie: &str, kind: &str, body: Vec<u8>) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(app.url(path))
        .header("cookie", cookie)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn webm(len: usize) -> Vec<u8> {
    let mut v = vec![0x1A, 0x45, 0xDF, 0xA3];
    v.resize(len, 7);
    v
}

async fn chunk(app: &TestApp, cookie: &str, recorder: &str, seq: u32, len: usize) -> (u16, Value) {
    let path = format!("/api/candidate/recording?view=pc&recorder={recorder}&seq={seq}");
    post(app, &path, cookie, "video/webm", webm(len)).await
}

/// T-0001 in the exam of an exam that records; its cookie.
async fn recording_candidate(app: &TestApp) -> String {
    let s = CameraSettings { recording: true, ..Default::default() };
    app.state.store.set_exam_camera(app.exam, &s).await.expect("settings");
    let cookie = app.candidate_cookie("T-0001").await;
    jump(app, candidate_id(app, "T-0001").await, Phase::InExam).await;
    cookie
}

#[tokio::test]
async fn a_flood_of_recording_chunks_is_slowed_to_the_exams_rate() {
    let app = spawn_app().await;
    let me = recording_candidate(&app).await;
    let mut stored = 0;
    let mut refused = None;
    for seq in 0..40 {
        match chunk(&app, &me, "flood0001", stored, 4 * 1024 * 1024 - 1).await {
            (200, _) => stored += 1,
            (status, body) => {
                refused = Some((status, body));
                break;
            }
        }
        let _ = seq;
    }
    // The burst (two full chunks) passes, then a typed refusal with the wait.
    assert_eq!(stored, 2);
    let (status, body) = refused.expect("refused");
    assert_eq!((status, &body["kind"]), (429, &json!("upload_rate")), "{body}");
    assert!(body["retry_after_secs"].as_u64().is_some_and(|s| s >= 1));
    // Another candidate is not slowed by it.
    let them = app.candidate_cookie("T-0002").await;
    jump(&app, candidate_id(&app, "T-0002").await, Phase::InExam).await;
    assert_eq!(chunk(&app, &them, "other0001", 0, 1000).await.0, 200);
}

#[tokio::test]
async fn a_candidate_cannot_record_past_the_quota_of_the_sitting() {
    let app = spawn_app().await;
    let me = recording_candidate(&app).await;
    let id = candidate_id(&app, "T-0001").await;
    assert_eq!(chunk(&app, &me, "quota0001", 0, 1000).await.0, 200);
    // As if this recorder had sent a sitting's worth already.
    let rec = app.state.store.recordings(id).await.expect("db")[0].id;
    let quota = domain::quota::recording_quota_bytes(250, 120 + 3);
    assert!(
        app.state
            .store
            .advance_recording(rec, 1, quota as usize, chrono::Utc::now())
            .await
            .expect("db")
    );
    let (status, body) = chunk(&app, &me, "quota0001", 2, 1000).await;
    assert_eq!((status, body), (413, json!({ "kind": "upload_quota" })));
}

#[tokio::test]
async fn a_nearly_full_disk_refuses_uploads_but_keeps_answers_and_says_so() {
    // A reserve larger than any disk: every upload would go below it.
    let app = spawn_app_with(|s| s.min_free_disk_bytes = u64::MAX / 4).await;
    let me = recording_candidate(&app).await;
    assert_eq!(
        chunk(&app, &me, "disk00001", 0, 1000).await,
        (507, json!({ "kind": "storage_full" }))
    );
    let them = app.candidate_cookie("T-0002").await;
    jump(&app, candidate_id(&app, "T-0002").await, Phase::DevicesChecked).await;
    let photo = backend::relay::synthetic::jpeg(320, 240, 1, false);
    let (status, body) =
        post(&app, "/api/candidate/identity-photo", &them, "image/jpeg", photo).await;
    assert_eq!((status, body), (507, json!({ "kind": "storage_full" })));
    assert!(
        app.state
            .store
            .recordings(candidate_id(&app, "T-0001").await)
            .await
            .expect("db")
            .is_empty()
    );

    // /readyz stays up (answers are still taken) and says the disk is low.
    let ready: Value =
        reqwest::get(app.url("/readyz")).await.expect("get").json().await.expect("json");
    assert_eq!((&ready["database"], &ready["disk"]["low"]), (&json!("ok"), &json!(true)));
    let admin = app.staff_cookie("admin").await;
    let metrics = app.metrics(&admin).await;
    assert!(metrics.contains("vigil_disk_low 1"), "{metrics}");
    let (_, status, _) = app.post_form("/api/admin/status", &[], Some(&admin)).await;
    assert_eq!(status["disk_low"], true);
}

#[tokio::test]
async fn a_truncated_jpeg_is_refused_and_costs_no_attempt() {
    let app = spawn_app().await;
    let me = app.candidate_cookie("T-0001").await;
    assert_eq!(app.post_form("/api/journey/confirm", &[], Some(&me)).await.0, 200);
    let whole = backend::relay::synthetic::jpeg(320, 240, 1, false);
    // Right first bytes, cut in the middle; then right ends around garbage.
    let cut = whole[..whole.len() / 2].to_vec();
    let mut garbage = whole[..4].to_vec();
    garbage.extend(std::iter::repeat_n(0x55, 5000));
    garbage.extend([0xFF, 0xD9]);
    for bad in [cut, garbage] {
        let (status, body) =
            post(&app, "/api/candidate/face?view=pc", &me, "image/jpeg", bad).await;
        assert_eq!((status, body), (422, json!({ "kind": "not_a_jpeg" })));
    }
    let id = candidate_id(&app, "T-0001").await;
    assert!(app.state.store.face_attempts(id, domain::View::Pc).await.expect("db").is_empty());
}

#[tokio::test]
async fn exported_cells_cannot_run_as_spreadsheet_formulas() {
    let app = spawn_app().await;
    let id = candidate_id(&app, "T-0001").await;
    let admin = app.staff_cookie("admin").await;
    let evil = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let body = json!({ "candidate": id, "kind": "material", "note": evil });
    let pa = app.staff_cookie("proctora").await;
    let (status, out) = crate::common::post_json(&app, "/api/proctor/flag", &body, Some(&pa)).await;
    assert_eq!(status, 200, "{out}");
    let csv = reqwest::Client::new()
        .get(app.url(&format!("/api/admin/exams/{}/incidents.csv", app.exam.0)))
        .header("cookie", &admin)
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("text");
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""), "{csv}");
    assert!(!csv.contains(",\"=HYPERLINK"), "{csv}");
}
