//! Live fan-out benchmark: the real server in-process on a random port, N candidates connected
//! over real WebSockets and heartbeating every 2 s, one proctor watching their room. Measures
//! the time from a candidate's `advance` to the proctor receiving the matching delta, and the
//! candidate login rate. A 10-candidate reference runs in the same process, so results are
//! reported as ratios against it as well as in milliseconds.
//!
//! Each size runs on SQLite and, when `VIGIL_BENCH_POSTGRES` names a database, on
//! PostgreSQL (a fresh schema per run), with PostgreSQL's figures as ratios against SQLite's.
//! When `VIGIL_BENCH_NATS` names a NATS server, each also runs on two instances: the
//! candidates on one, the proctor on the other, the change crossing NATS (and re-read from
//! the database by the proctor's instance), as ratios against one instance on that database.
//!
//! Run with `scripts/bench.sh` (or `cargo bench -p server --bench live -- [N ...]`).
#[path = "common/pg.rs"]
mod pg;
use app::server::state::AppState;
use backend::service::auth::create_staff;
use backend::store::{NewCandidate, NewExam};
use chrono::{Duration as ChronoDuration, Utc};
use domain::protocol::{CandidateClientMsg, PROTOCOL_VERSION, ProctorServerMsg};
use domain::{CandidateId, ExamCode, Phase, PhaseCommand, Role, TicketNumber, View};
use futures::{SinkExt, StreamExt};
use server::{Application, Settings};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const REFERENCE: usize = 10;
const MAX_SAMPLES: usize = 300;
const STEPS: [(PhaseCommand, Phase); 6] = [
    (PhaseCommand::ConfirmIdentity, Phase::IdentityConfirmed),
    (PhaseCommand::FinishFaceCheck, Phase::FaceVerified),
    (PhaseCommand::FinishDeviceCheck, Phase::DevicesChecked),
    (PhaseCommand::StartFirstView, Phase::FirstViewOn),
    (PhaseCommand::StartSecondView, Phase::SecondViewOn),
    (PhaseCommand::AcknowledgeInstructions, Phase::InstructionsRead),
];

struct Run {
    engine: pg::Engine,
    /// Two instances on NATS (the proctor on the second).
    two: bool,
    candidates: usize,
    samples: usize,
    login_per_sec: f64,
    p50: Duration,
    p95: Duration,
    p99: Duration,
}

async fn ws(url: &str, cookie: &str) -> Ws {
    let mut req = url.into_client_request().expect("request");
    req.headers_mut().insert("cookie", cookie.parse().expect("cookie"));
    tokio_tungstenite::connect_async(req).await.expect("connect").0
}

async fn login(client: &reqwest::Client, url: String, form: &[(&str, &str)]) -> String {
    let res = client.post(url).form(form).send().await.expect("login");
    assert!(res.status().is_success(), "login failed: {}", res.status());
    let set = res.headers().get("set-cookie").expect("cookie").to_str().expect("ascii");
    set.split(';').next().expect("pair").to_string()
}

async fn seed(state: &AppState, n: usize) -> domain::RoomId {
    let exam = state
        .store
        .create_exam(NewExam {
            code: ExamCode::parse("BENCH1").expect("code"),
            title: "Bench".into(),
            starts_at: Utc::now() + ChronoDuration::hours(1),
            duration_min: 120,
            earliest_submit_min: 30,
            late_entry_min: 120,
        })
        .await
        .expect("exam");
    let room = state.store.create_room(exam, "Hall").await.expect("room");
    create_staff(state, "benchadmin", "Bench", Role::Admin, "bench-password").await.expect("admin");
    for i in 0..n {
        let new = NewCandidate {
            exam_id: exam,
            room_id: room,
            ticket: TicketNumber::parse(&format!("B{i:06}")).expect("ticket"),
            name: format!("Candidate {i}"),
            id_card: format!("{i:018}"),
            photo_key: None,
        };
        state.store.add_candidate(new).await.expect("candidate");
    }
    room
}

/// One simulated candidate: heartbeats every 2 s, sends the advances it is told to.
async fn candidate(
    socket: Ws,
    offset: Duration,
    mut commands: mpsc::UnboundedReceiver<PhaseCommand>,
) {
    let (mut tx, mut rx) = socket.split();
    tokio::spawn(async move { while let Some(Ok(_)) = rx.next().await {} });
    let text =
        |m: &CandidateClientMsg| Message::Text(serde_json::to_string(m).expect("json").into());
    let hello = CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc };
    if tx.send(text(&hello)).await.is_err() {
        return;
    }
    tokio::time::sleep(offset).await;
    let mut beat = tokio::time::interval(Duration::from_secs(2));
    loop {
        let msg = tokio::select! {
            _ = beat.tick() => CandidateClientMsg::Heartbeat,
            cmd = commands.recv() => match cmd {
                Some(command) => CandidateClientMsg::Advance { command },
                None => return,
            },
        };
        if tx.send(text(&msg)).await.is_err() {
            return;
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// Starts an instance; returns its state, address and server task.
async fn start(
    settings: Settings,
) -> (AppState, std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let app = Application::build(settings).await.expect("app");
    let (state, addr) = (app.state(), app.local_addr());
    let server = tokio::spawn(async move {
        let _ = app.run_until_stopped().await;
    });
    (state, addr, server)
}

async fn run(engine: pg::Engine, n: usize, nats: Option<&str>) -> Run {
    let dir = tempfile::tempdir().expect("tmp");
    let mut settings = Settings::in_dir(dir.path().to_path_buf());
    let tag = format!("live{n}{}", if nats.is_some() { "x2" } else { "" });
    settings.database = pg::database(engine, &tag).await;
    let shared = settings
        .database
        .clone()
        .unwrap_or_else(|| backend::store::DatabaseUrl::Sqlite(dir.path().join("vigil.db")));
    let prefix = format!("bench_{tag}_{}", std::process::id());
    if let Some(url) = nats {
        settings.bus = Some(url.to_string());
        settings.bus_prefix = prefix.clone();
    }
    let (state, addr, server) = start(settings).await;
    let (base, wsbase) = (format!("http://{addr}"), format!("ws://{addr}"));
    // The second instance, for the proctor.
    let dir2 = tempfile::tempdir().expect("tmp");
    let second = match nats {
        Some(url) => {
            let mut s = Settings::in_dir(dir2.path().to_path_buf());
            s.database = Some(shared);
            s.bus = Some(url.to_string());
            s.bus_prefix = prefix;
            Some(start(s).await)
        }
        None => None,
    };
    let proctor_base = second.as_ref().map_or(wsbase.clone(), |(_, a, _)| format!("ws://{a}"));
    let room = seed(&state, n).await;
    let client = reqwest::Client::new();
    let form = [("username", "benchadmin"), ("password", "bench-password")];
    let staff = login(&client, format!("{base}/api/staff/login"), &form).await;

    let started = Instant::now();
    let cookies: Vec<String> = futures::stream::iter(0..n)
        .map(|i| {
            let (client, url) = (client.clone(), format!("{base}/api/candidate/login"));
            async move {
                let ticket = format!("B{i:06}");
                login(&client, url, &[("exam_code", "BENCH1"), ("ticket", &ticket)]).await
            }
        })
        .buffered(16)
        .collect()
        .await;
    let login_per_sec = n as f64 / started.elapsed().as_secs_f64();

    let mut commands = Vec::with_capacity(n);
    for (i, cookie) in cookies.iter().enumerate() {
        let socket = ws(&format!("{wsbase}/ws/candidate"), cookie).await;
        let (tx, rx) = mpsc::unbounded_channel();
        let offset = Duration::from_millis((i as u64 * 2000) / n as u64);
        tokio::spawn(candidate(socket, offset, rx));
        commands.push(tx);
    }
    // Let every candidate say hello and settle into its heartbeat rhythm.
    tokio::time::sleep(Duration::from_secs(3)).await;

    let mut proctor = ws(&format!("{proctor_base}/ws/proctor?room={room}"), &staff).await;
    let samples = MAX_SAMPLES.min(n * STEPS.len());
    let mut latencies = Vec::with_capacity(samples);
    for s in 0..samples {
        let (i, (command, expected)) = (s % n, STEPS[s / n]);
        let id = CandidateId(i as i64 + 1);
        let t0 = Instant::now();
        if command == PhaseCommand::ConfirmIdentity {
            commands[i].send(command).expect("candidate task alive");
        } else {
            // The later steps need photos and reports; the bench makes them server-side, so
            // the path measured is store → announce → bus → proctor socket.
            let state = state.clone();
            tokio::spawn(async move {
                let _ = backend::service::phase::advance(&state, id, command, "bench").await;
            });
        }
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), proctor.next())
                .await
                .expect("delta within 10 s")
                .expect("open")
                .expect("ok");
            let Message::Text(text) = msg else { continue };
            if let Ok(ProctorServerMsg::Delta { tile, .. }) = serde_json::from_str(text.as_str())
                && tile.id == id
                && tile.phase == expected
            {
                latencies.push(t0.elapsed());
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.abort();
    state.store.close().await;
    if let Some((state, _, task)) = second {
        task.abort();
        state.store.close().await;
    }
    latencies.sort();
    Run {
        engine,
        two: nats.is_some(),
        candidates: n,
        samples,
        login_per_sec,
        p50: percentile(&latencies, 0.50),
        p95: percentile(&latencies, 0.95),
        p99: percentile(&latencies, 0.99),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; numbers are the candidate counts to measure.
    let mut sizes: Vec<usize> =
        std::env::args().skip(1).filter_map(|a| a.parse().ok()).filter(|&n| n > 0).collect();
    if sizes.is_empty() {
        sizes = vec![500, 2000];
    }
    let nats = std::env::var("VIGIL_BENCH_NATS").ok().filter(|u| !u.is_empty());
    if nats.is_none() {
        eprintln!("VIGIL_BENCH_NATS is not set: one instance only");
    }
    let mut runs: Vec<Run> = vec![];
    for engine in pg::engines() {
        for n in std::iter::once(REFERENCE).chain(sizes.iter().copied()) {
            runs.push(run(engine, n, None).await);
            if let Some(url) = nats.as_deref() {
                runs.push(run(engine, n, Some(url)).await);
            }
        }
    }
    let reference = runs[0].p99.as_secs_f64().max(1e-9);
    let sqlite = |n: usize| {
        runs.iter().find(|r| r.engine == pg::Engine::Sqlite && r.candidates == n && !r.two)
    };
    let single = |e: pg::Engine, n: usize| {
        runs.iter().find(|r| r.engine == e && r.candidates == n && !r.two)
    };
    println!(
        "| database | instances | candidates online | samples | advance→proctor p50 ms | p95 ms | p99 ms | p99 vs reference | p99 vs SQLite | p99 vs one instance | logins/s | logins/s vs SQLite |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &runs {
        let base = sqlite(r.candidates).unwrap_or(r);
        let one = single(r.engine, r.candidates).unwrap_or(r);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {:.2}× | {:.2}× | {:.2}× | {:.0} | {:.2}× |",
            r.engine.name(),
            if r.two { "2, NATS" } else { "1" },
            r.candidates,
            r.samples,
            ms(r.p50),
            ms(r.p95),
            ms(r.p99),
            r.p99.as_secs_f64() / reference,
            r.p99.as_secs_f64() / base.p99.as_secs_f64().max(1e-9),
            r.p99.as_secs_f64() / one.p99.as_secs_f64().max(1e-9),
            r.login_per_sec,
            r.login_per_sec / base.login_per_sec.max(1e-9)
        );
    }
}
