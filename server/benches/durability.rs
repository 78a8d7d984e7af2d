//! What durable acknowledgements cost: answer saves through the store with SQLite
//! `synchronous=FULL` (every commit syncs the write-ahead log: an acknowledged answer
//! survives a power loss; what Vigil runs with) against `NORMAL` (syncs at checkpoints), in
//! the same run. Each round: `CANDIDATES` candidates in the exam, `TASKS` concurrent savers,
//! `SAVES` saves in all (each its own transaction, as the exam screen's saves are). Three
//! rounds per mode, alternating; reports saves/s and latency, median with min and max.
//!
//! `cargo bench -p server --bench durability` (or `./scripts/bench.sh durability`).
use backend::store::{Durability, JourneyStore, NewCandidate, NewExam, SqliteStore, Store};
use chrono::Utc;
use domain::{ExamCode, Phase, TicketNumber};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CANDIDATES: usize = 200;
const TASKS: usize = 50;
const SAVES: usize = 4000;
const ROUNDS: usize = 3;

struct Round {
    per_sec: f64,
    p50: Duration,
    p99: Duration,
}

async fn seeded(
    durability: Durability,
) -> anyhow::Result<(tempfile::TempDir, Arc<SqliteStore>, Vec<domain::CandidateId>)> {
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open_with(&dir.path().join("vigil.db"), durability)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let exam = store
        .create_exam(NewExam {
            code: ExamCode::parse("DURA01").map_err(|e| anyhow::anyhow!("{e:?}"))?,
            title: "Durability".into(),
            starts_at: Utc::now() - chrono::Duration::minutes(5),
            duration_min: 120,
            earliest_submit_min: 30,
            late_entry_min: 15,
        })
        .await?;
    let room = store.create_room(exam, "A").await?;
    let mut ids = Vec::new();
    for i in 0..CANDIDATES {
        let id = store
            .add_candidate(NewCandidate {
                exam_id: exam,
                room_id: room,
                ticket: TicketNumber::parse(&format!("D{i:05}"))
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?,
                name: format!("Candidate {i}"),
                id_card: format!("{i:018}"),
                photo_key: None,
            })
            .await?;
        store.set_phase(id, Phase::Rostered, Phase::InExam, "bench", Utc::now(), None).await?;
        ids.push(id);
    }
    Ok((dir, Arc::new(store), ids))
}

async fn round(durability: Durability) -> anyhow::Result<Round> {
    let (_dir, store, ids) = seeded(durability).await?;
    let ids = Arc::new(ids);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let (store, ids) = (store.clone(), ids.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            for n in (t..SAVES).step_by(TASKS) {
                let c = ids[n % ids.len()];
                let q = format!("q{}", n % 20 + 1);
                let json = format!(r#"{{"kind":"essay","text":"answer {n}"}}"#);
                let t0 = Instant::now();
                store.save_answer(c, &q, &json, n as i64 + 1, Utc::now()).await?;
                lat.push(t0.elapsed());
            }
            anyhow::Ok(lat)
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await??);
    }
    let elapsed = started.elapsed();
    lat.sort();
    Ok(Round {
        per_sec: SAVES as f64 / elapsed.as_secs_f64(),
        p50: lat[lat.len() / 2],
        p99: lat[lat.len() * 99 / 100],
    })
}

/// (min, median, max) of `xs`.
fn spread(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(|a, b| a.total_cmp(b));
    (xs[0], xs[xs.len() / 2], xs[xs.len() - 1])
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut full = Vec::new();
    let mut normal = Vec::new();
    for _ in 0..ROUNDS {
        normal.push(round(Durability::Normal).await?);
        full.push(round(Durability::Full).await?);
    }
    println!(
        "answer saves, {SAVES} in {TASKS} concurrent tasks over {CANDIDATES} candidates, {ROUNDS} rounds each\n"
    );
    println!("| synchronous | saves/s median (min–max) | p50 ms median | p99 ms median |");
    println!("|---|---:|---:|---:|");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for (name, rounds) in [("NORMAL", &normal), ("FULL (Vigil)", &full)] {
        let (lo, med, hi) = spread(rounds.iter().map(|r| r.per_sec).collect());
        let p50 = spread(rounds.iter().map(|r| ms(r.p50)).collect()).1;
        let p99 = spread(rounds.iter().map(|r| ms(r.p99)).collect()).1;
        println!("| {name} | {med:.0} ({lo:.0}–{hi:.0}) | {p50:.2} | {p99:.2} |");
    }
    let ratio = spread(full.iter().map(|r| r.per_sec).collect()).1
        / spread(normal.iter().map(|r| r.per_sec).collect()).1;
    println!("\nFULL / NORMAL throughput (medians): {ratio:.2}×");
    Ok(())
}
