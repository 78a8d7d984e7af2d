//! Media on S3-compatible object storage (`VIGIL_TEST_S3_ENDPOINT` and `VIGIL_TEST_S3_BUCKET`,
//! with `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`; `scripts/s3-server.sh` starts Garage for
//! the test command; a loud skip otherwise), shared by two instances on one database; and the
//! timed work that must happen once with several instances.
use crate::common::{TestApp, candidate_id, jump, spawn_app_with, start_with};
use backend::blobs::{BlobsUrl, S3Options};
use backend::service::recording::chunk_key;
use domain::Phase;
use domain::camera::CameraSettings;
use server::Settings;

/// The bucket, under a prefix of its own per test.
fn bucket() -> Option<(BlobsUrl, S3Options)> {
    let endpoint = std::env::var("VIGIL_TEST_S3_ENDPOINT").ok().filter(|u| !u.is_empty());
    let Some(endpoint) = endpoint else {
        eprintln!(
            "SKIPPED: VIGIL_TEST_S3_ENDPOINT is not set; the object storage test did not run"
        );
        return None;
    };
    let bucket = std::env::var("VIGIL_TEST_S3_BUCKET").unwrap_or_else(|_| "vigil".into());
    let prefix = format!("test-{:016x}", rand::random::<u64>());
    let region = std::env::var("VIGIL_TEST_S3_REGION").unwrap_or_else(|_| "garage".into());
    let opts = S3Options { endpoint: Some(endpoint), region: Some(region), ..Default::default() };
    Some((BlobsUrl::S3 { bucket, prefix }, opts))
}

fn on(s: &mut Settings, blobs: &Option<(BlobsUrl, S3Options)>) {
    if let Some((url, opts)) = blobs {
        s.blobs = Some(url.clone());
        s.s3 = opts.clone();
    }
}

/// Instance A (seeded) and instance B on A's database, both with `blobs`; `timers`: their
/// own timers run (off: the test fires them).
async fn pair(blobs: Option<(BlobsUrl, S3Options)>, timers: bool) -> (TestApp, TestApp) {
    let a = spawn_app_with(|s| {
        on(s, &blobs);
        s.timers = timers;
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::in_dir(dir.path().to_path_buf());
    on(&mut settings, &blobs);
    settings.timers = timers;
    settings.database = Some(crate::common::database_url(a.dir.path()).await);
    let b = start_with(dir, false, settings).await;
    (a, b)
}

async fn upload_chunk(app: &TestApp, cookie: &str, seq: u32, bytes: Vec<u8>) {
    let path = format!("/api/candidate/recording?view=pc&recorder=objects01&seq={seq}");
    let res = reqwest::Client::new()
        .post(app.url(&path))
        .header("cookie", cookie)
        .header("content-type", "video/webm")
        .body(bytes)
        .send()
        .await
        .expect("chunk");
    assert_eq!(res.status().as_u16(), 200, "{:?}", res.text().await);
}

#[tokio::test]
async fn a_recording_stored_through_one_instance_plays_from_the_other_and_is_purged_from_the_bucket()
 {
    let Some(blobs) = bucket() else { return };
    let (a, b) = pair(Some(blobs), true).await;
    let ready: serde_json::Value =
        reqwest::get(b.url("/readyz")).await.expect("readyz").json().await.expect("json");
    assert_eq!(ready["blobs"], "s3");
    let s = CameraSettings { recording: true, ..Default::default() };
    a.state.store.set_exam_camera(a.exam, &s).await.expect("settings");
    let cookie = a.candidate_cookie("T-0001").await;
    let id = candidate_id(&a, "T-0001").await;
    jump(&a, id, Phase::InExam).await;
    let first = [vec![0x1A, 0x45, 0xDF, 0xA3], vec![1; 300_000]].concat();
    let second = vec![2; 200_000];
    upload_chunk(&a, &cookie, 0, first.clone()).await;
    upload_chunk(&a, &cookie, 1, second.clone()).await;

    // The admin on B plays it back: both chunks, in order, from the bucket.
    let rec = b.state.store.recordings(id).await.expect("db")[0].id;
    let admin = b.staff_cookie("admin").await;
    let res = reqwest::Client::new()
        .get(b.url(&format!("/media/recordings/{rec}")))
        .header("cookie", &admin)
        .send()
        .await
        .expect("recording");
    assert_eq!(res.status().as_u16(), 200);
    let body = res.bytes().await.expect("body");
    assert_eq!(body.to_vec(), [first, second].concat());

    // Both instances purge at once when retention runs out: once, from the bucket.
    let (_, prefix, chunks) = a.state.store.recording_blobs(rec).await.expect("db").expect("rec");
    let later = chrono::Utc::now() + chrono::Duration::days(400);
    let (ra, rb) = tokio::join!(
        backend::service::retention::purge_expired(&a.state, later),
        backend::service::retention::purge_expired(&b.state, later),
    );
    let reports: Vec<_> = ra.expect("purge").into_iter().chain(rb.expect("purge")).collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert_eq!((reports[0].recordings, reports[0].files, reports[0].failed), (1, 2, 0));
    for seq in 0..chunks {
        assert_eq!(a.state.blobs.get(&chunk_key(&prefix, seq)).await.expect("bucket"), None);
    }
}

#[tokio::test]
async fn a_bucket_that_refuses_the_key_stops_the_start_with_one_line() {
    let Some((url, mut opts)) = bucket() else { return };
    opts.secret_access_key = Some("not-the-secret".into());
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::in_dir(dir.path().to_path_buf());
    settings.blobs = Some(url.clone());
    settings.s3 = opts;
    let err = server::Application::build(settings).await.err().expect("refused");
    let line = err.to_string();
    assert!(line.starts_with(&format!("cannot use blob store {url}: ")), "{line}");
    assert!(!line.contains("not-the-secret") && !line.contains('\n'), "{line}");
}

#[tokio::test]
async fn two_instances_submit_each_sitting_once_at_the_deadline() {
    let (a, b) = pair(None, false).await;
    let ids = [candidate_id(&a, "T-0001").await, candidate_id(&a, "T-0003").await];
    for (n, id) in ids.iter().enumerate() {
        let _ = a.candidate_cookie(if n == 0 { "T-0001" } else { "T-0003" }).await;
        jump(&a, *id, Phase::InExam).await;
    }
    // The deadline passes; both instances' timers fire at once.
    let now = chrono::Utc::now();
    a.state.store.reschedule_exam(a.exam, now - chrono::Duration::hours(3)).await.expect("db");
    let (na, nb) = tokio::join!(
        backend::service::sitting::auto_submit_due(&a.state, now),
        backend::service::sitting::auto_submit_due(&b.state, now),
    );
    assert_eq!(na.expect("a") + nb.expect("b"), 2, "each sitting submitted once in all");
    for id in ids {
        let c = b.state.store.candidate(id).await.expect("db").expect("candidate");
        assert_eq!(c.phase, Phase::Submitted(domain::SubmitKind::Auto));
        assert!(b.state.store.submission(id).await.expect("db").is_some());
    }
}

#[tokio::test]
async fn wrong_passwords_on_one_instance_count_on_the_other() {
    let (a, b) = pair(None, true).await;
    let wrong = [("username", "admin"), ("password", "not-the-password")];
    for _ in 0..domain::throttle::ADDRESS.max {
        assert_eq!(a.post_form("/api/staff/login", &wrong, None).await.0, 401);
    }
    // The same address on B: over the limit, even with the right password.
    let right = [("username", "admin"), ("password", crate::common::PASSWORD)];
    let (status, body, _) = b.post_form("/api/staff/login", &right, None).await;
    assert_eq!((status, body["kind"].as_str()), (429, Some("rate_limited")), "{body}");
}

#[tokio::test]
async fn a_roster_checked_on_one_instance_is_imported_on_the_other_with_its_photos() {
    use crate::admin::{checked, id_card, import, photo, zip_of};
    let Some(blobs) = bucket() else { return };
    let (a, b) = pair(Some(blobs), true).await;
    let csv = format!(
        "ticket,name,id_card,room\nT-2001,Li Lei,{},A\nT-2002,Han Meimei,{},B\n",
        id_card(1),
        id_card(2)
    );
    let zip = zip_of(&[("T-2001.png", photo(1)), ("T-2002.png", photo(2))]);
    let admin_a = a.staff_cookie("admin").await;
    let preview = checked(&a, &admin_a, csv.into_bytes(), Some(zip)).await;
    assert!(preview.errors.is_empty(), "{:?}", preview.errors);
    let staging = preview.staging.expect("staged");

    // The import lands on B: the staging (rows and ZIP) is in the bucket, not in A's memory.
    let admin_b = b.staff_cookie("admin").await;
    let (status, body) = import(&b, &admin_b, &staging).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((body["added"].as_u64(), body["photos"].as_u64()), (Some(2), Some(2)), "{body}");
    // Used once, on any instance.
    assert_eq!(import(&a, &admin_a, &staging).await.0, 404);
    // The photos are served by either instance.
    let t = domain::TicketNumber::parse("T-2002").expect("ticket");
    let c = a.state.store.candidate_by_ticket(a.exam, &t).await.expect("db").expect("imported");
    let res = reqwest::Client::new()
        .get(a.url(&format!("/media/candidates/{}/photo", c.id.0)))
        .header("cookie", &admin_a)
        .send()
        .await
        .expect("photo");
    assert_eq!(res.status().as_u16(), 200);
}
