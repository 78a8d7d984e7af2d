//! Trust, the roster upload: an archive bomb (a photo that claims 1,000 bytes and inflates
//! to 512 MiB) and a 300 MB roster field cost the server a few megabytes, not their size.
//! Measured on a real `vigil serve` process (its peak RSS from /proc), so nothing else in
//! the test run can blur it.
use crate::common::{Served, free_port, vigil_serve};
use app::server::state::AppState;
use backend::service::auth::create_staff;
use backend::store::{NewExam, SqliteStore};
use domain::{ExamCode, Role};
use serde_json::Value;
use std::io::Write;
use std::sync::Arc;

/// Peak RSS below which the uploads count as handled in bounded memory. An upload held whole
/// would add its 300 MB to the ~180 MB the server peaks at after the archive bomb; streamed, the
/// peak stays near that. mimalloc (the server's allocator) hands freed pages back 10 ms late,
/// so a fast stream of chunks peaks somewhat higher than with glibc (250–265 MB seen).
const MAX_PEAK_RSS_KB: u64 = 320 * 1024;

/// The process's peak resident memory.
fn peak_rss_kb(s: &Served) -> u64 {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", s.child.id())).expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// A seeded data directory (exam TEST01, room A, admin `admin`) and the server on it.
async fn start() -> Served {
    let dir = tempfile::tempdir().expect("dir");
    let store = SqliteStore::open(&dir.path().join("vigil.db")).await.expect("db");
    let state = AppState::new(
        leptos::prelude::LeptosOptions::builder().output_name("vigil").build(),
        backend::Core::new(
            Arc::new(store),
            Arc::new(backend::bus::LocalBus::default()),
            Arc::new(backend::blobs::LocalBlobs::new(dir.path().join("blobs"))),
            Arc::new(backend::face::NoVerifier),
        ),
    );
    let exam = state
        .store
        .create_exam(NewExam {
            code: ExamCode::parse("TEST01").expect("code"),
            title: "Roster limits".into(),
            starts_at: chrono::Utc::now() + chrono::Duration::days(1),
            duration_min: 120,
            earliest_submit_min: 30,
            late_entry_min: 15,
        })
        .await
        .expect("exam");
    state.store.create_room(exam, "A").await.expect("room");
    create_staff(&state, "admin", "Admin", Role::Admin, "password-123").await.expect("admin");
    drop(state);
    vigil_serve(free_port(), dir, &["--min-free-disk-mb", "0"]).await
}

async fn admin_cookie(s: &Served) -> String {
    let url = format!("{}/api/staff/login", s.base);
    server::simulate::post_login(
        &reqwest::Client::new(),
        &url,
        &[("username", "admin"), ("password", "password-123")],
    )
    .await
    .expect("login")
}

async fn preview(s: &Served, cookie: &str, csv: Vec<u8>, zip: Option<Vec<u8>>) -> Value {
    let mut form = reqwest::multipart::Form::new()
        .part("roster", reqwest::multipart::Part::bytes(csv).file_name("roster.csv"));
    if let Some(z) = zip {
        form = form.part("photos", reqwest::multipart::Part::bytes(z).file_name("photos.zip"));
    }
    let res = reqwest::Client::new()
        .post(format!("{}/api/admin/exams/1/roster/preview", s.base))
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status().as_u16(), 200);
    res.json().await.expect("json")
}

/// A ZIP with one photo entry of `size` zero bytes whose headers claim 1,000 bytes.
fn bomb(size: usize) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("T-0001.jpg", opts).expect("entry");
        let block = vec![0u8; 1024 * 1024];
        for _ in 0..size / block.len() {
            zip.write_all(&block).expect("write");
        }
        zip.finish().expect("zip");
    }
    let mut bytes = out.into_inner();
    let lie = 1000u32.to_le_bytes();
    // Local header: uncompressed size at +22; central directory entry: at +24.
    bytes[22..26].copy_from_slice(&lie);
    let cd = bytes.windows(4).rposition(|w| w == [0x50, 0x4B, 0x01, 0x02]).expect("central dir");
    bytes[cd + 24..cd + 28].copy_from_slice(&lie);
    bytes
}

#[tokio::test]
async fn an_archive_bomb_and_a_huge_roster_field_cost_bounded_memory() {
    let s = start().await;
    let cookie = admin_cookie(&s).await;
    let card = "11010519491231002X";
    let csv = format!("ticket,name,id_card,room\nT-0001,Zhang Wei,{card},A\n").into_bytes();
    let out = preview(&s, &cookie, csv, Some(bomb(512 * 1024 * 1024))).await;
    // The "photo" is refused as not an image, like any other bad photo.
    let errors = out["errors"].as_array().expect("errors");
    assert!(
        errors.iter().any(|e| e["field"] == "photo" && e["code"] == "photo_not_image"),
        "{out}"
    );
    let after_bomb = peak_rss_kb(&s);
    assert!(after_bomb < MAX_PEAK_RSS_KB, "peak RSS {after_bomb} kB after the bomb");

    // 300 MB in the roster field: refused by size, read to its end without keeping it.
    let mut huge = b"ticket,name,id_card,room\n".to_vec();
    huge.resize(300 * 1024 * 1024, b'x');
    let out = preview(&s, &cookie, huge, None).await;
    assert_eq!(out["file_error"], serde_json::json!({ "code": "roster_too_large", "max_mb": 32 }));
    let after_field = peak_rss_kb(&s);
    eprintln!("server peak RSS: {after_bomb} kB after the bomb, {after_field} kB after 300 MB");
    assert!(after_field < MAX_PEAK_RSS_KB, "peak RSS {after_field} kB after 300 MB");
}
