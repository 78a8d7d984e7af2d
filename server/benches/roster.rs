//! Roster import benchmark: the real server in-process on a random port; an admin uploads a
//! roster CSV of N rows with a ZIP of N roster photos (PNG, as `vigil serve --demo` makes
//! them) for the check, then imports it. A 100-row reference runs in the same process; the
//! figures to compare are the per-row ratios against it.
//!
//! Each size runs on SQLite and, when `VIGIL_BENCH_POSTGRES` names a database, on
//! PostgreSQL (a fresh schema), with PostgreSQL's times as ratios against SQLite's.
//!
//! Run with `scripts/bench-roster.sh` (or `cargo bench -p server --bench roster -- [N ...]`).
#[path = "common/pg.rs"]
mod pg;
use backend::service::auth::create_staff;
use backend::store::NewExam;
use chrono::{Duration as ChronoDuration, Utc};
use domain::roster::{ImportOutcome, RosterPreview, id_card_check_char};
use domain::{ExamCode, Role};
use server::{Application, Settings};
use std::io::Write;
use std::time::{Duration, Instant};

const REFERENCE: usize = 100;
const PASSWORD: &str = "bench-password";

struct Run {
    rows: usize,
    csv_bytes: usize,
    zip_bytes: usize,
    check: Duration,
    import: Duration,
}

/// A roster of `n` rows for exam run `run` (tickets differ per run) and its photo ZIP.
fn files(run: usize, n: usize) -> (Vec<u8>, Vec<u8>) {
    let mut csv = String::from("ticket,name,id_card,room\n");
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for i in 0..n {
            let ticket = format!("B{run}-{i:05}");
            // ID numbers repeat every 1,000 rows: the bench gives each row its own birth day.
            let id = {
                let day = 1 + (i / 1000) % 28;
                let body = format!("110101199001{day:02}{:03}", i % 1000);
                format!("{body}{}", id_card_check_char(&body).expect("digits"))
            };
            let room = if i % 2 == 0 { "A" } else { "B" };
            csv.push_str(&format!("{ticket},Candidate {i},{id},{room}\n"));
            zip.start_file(format!("{ticket}.png"), opts).expect("entry");
            zip.write_all(&server::photos::roster_photo(i as u64)).expect("photo");
        }
        zip.finish().expect("zip");
    }
    (csv.into_bytes(), out.into_inner())
}

async fn measure(base: &str, cookie: &str, exam: i64, run: usize, n: usize) -> Run {
    let (csv, zip) = files(run, n);
    let (csv_bytes, zip_bytes) = (csv.len(), zip.len());
    let client = reqwest::Client::new();
    let form = reqwest::multipart::Form::new()
        .part("roster", reqwest::multipart::Part::bytes(csv).file_name("roster.csv"))
        .part("photos", reqwest::multipart::Part::bytes(zip).file_name("photos.zip"));
    let t0 = Instant::now();
    let res = client
        .post(format!("{base}/api/admin/exams/{exam}/roster/preview"))
        .header("cookie", cookie)
        .multipart(form)
        .send()
        .await
        .expect("preview");
    assert!(res.status().is_success(), "preview: {}", res.status());
    let preview: RosterPreview = res.json().await.expect("json");
    let check = t0.elapsed();
    assert!(preview.errors.is_empty(), "{:?}", &preview.errors[..preview.errors.len().min(3)]);
    let t1 = Instant::now();
    let res = client
        .post(format!("{base}/api/admin/roster-import"))
        .header("cookie", cookie)
        .json(&serde_json::json!({ "exam": exam, "staging": preview.staging.expect("staged") }))
        .send()
        .await
        .expect("import");
    assert!(res.status().is_success(), "import: {}", res.status());
    let out: ImportOutcome = res.json().await.expect("json");
    assert_eq!((out.added, out.photos), (n, n));
    Run { rows: n, csv_bytes, zip_bytes, check, import: t1.elapsed() }
}

/// Every size on one database, in one server: the reference first.
async fn on(engine: pg::Engine, sizes: &[usize]) -> Vec<Run> {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::in_dir(dir.path().to_path_buf());
    settings.database = pg::database(engine, "roster").await;
    let app = Application::build(settings).await.expect("app");
    let base = format!("http://{}", app.local_addr());
    let state = app.state();
    let server = tokio::spawn(async move {
        let _ = app.run_until_stopped().await;
    });
    create_staff(&state, "admin", "Admin", Role::Admin, PASSWORD).await.expect("admin");
    let res = reqwest::Client::new()
        .post(format!("{base}/api/staff/login"))
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    let cookie = res.headers()["set-cookie"].to_str().expect("ascii");
    let cookie = cookie.split(';').next().expect("pair").to_string();
    let mut runs = Vec::new();
    for (run, &n) in std::iter::once(&REFERENCE).chain(sizes).enumerate() {
        let exam = state
            .store
            .create_exam(NewExam {
                code: ExamCode::parse(&format!("BENCH{run}")).expect("code"),
                title: "Bench".into(),
                starts_at: Utc::now() + ChronoDuration::days(1),
                duration_min: 120,
                earliest_submit_min: 30,
                late_entry_min: 15,
            })
            .await
            .expect("exam");
        for room in ["A", "B"] {
            state.store.create_room(exam, room).await.expect("room");
        }
        let r = measure(&base, &cookie, exam.0, run, n).await;
        println!(
            "{}: {:>6} rows: check {:>7.2} s, import {:>6.2} s, total {:>7.2} s (CSV {} KB, ZIP {} MB)",
            engine.name(),
            r.rows,
            r.check.as_secs_f64(),
            r.import.as_secs_f64(),
            (r.check + r.import).as_secs_f64(),
            r.csv_bytes / 1024,
            r.zip_bytes / (1024 * 1024)
        );
        runs.push(r);
    }
    server.abort();
    runs
}

fn main() {
    let mut sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes.push(10_000);
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async move {
        let mut all = Vec::new();
        for engine in pg::engines() {
            for r in on(engine, &sizes).await {
                all.push((engine, r));
            }
        }
        let per_row = |r: &Run| (r.check + r.import).as_secs_f64() / r.rows as f64;
        let reference = per_row(&all[0].1);
        let sqlite = |rows: usize| {
            all.iter().find(|(e, r)| *e == pg::Engine::Sqlite && r.rows == rows).map(|(_, r)| r)
        };
        println!(
            "\n| database | rows | CSV KB | ZIP MB | check s | import s | total s | rows/s | per-row vs reference | total vs SQLite |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (engine, r) in &all {
            let total = (r.check + r.import).as_secs_f64();
            let base = sqlite(r.rows).unwrap_or(r);
            println!(
                "| {} | {} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.0} | {:.2}× | {:.2}× |",
                engine.name(),
                r.rows,
                r.csv_bytes / 1024,
                r.zip_bytes as f64 / (1024.0 * 1024.0),
                r.check.as_secs_f64(),
                r.import.as_secs_f64(),
                total,
                r.rows as f64 / total,
                per_row(r) / reference,
                total / (base.check + base.import).as_secs_f64().max(1e-9)
            );
        }
    });
}
