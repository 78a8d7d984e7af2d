//! Camera relay benchmark: thousands of candidate views sending real JPEG frames at the grid
//! rate, a proctor frames socket per room and a few focus sockets, against (a) the real
//! `vigil serve` and (b) a bare relay written here, each in its own process and measured in the
//! same run with the same client code. Reports frames/s in and out, capture-to-proctor
//! latency, the server's CPU and RSS, and the real/bare ratios, as a Markdown table.
//!
//! Run with `scripts/bench-camera.sh` (or `cargo bench -p server --bench camera -- [options]`):
//!   --candidates N   candidates, each with a PC and a phone socket (default 2000)
//!   --per-room N     candidates per room, one proctor socket per room (default 50)
//!   --rooms N        alternatively, the number of rooms (sets --per-room)
//!   --focus N        proctor sockets focused on one candidate, in different rooms (default 2 %
//!                    of the candidates)
//!   --warmup S       seconds between the last connection and the window (default 10)
//!   --measure S      seconds measured (default 30)
//!   --only real|bare measure one of the two
//!   --face           the real server twice, with dlib and the exam's face checks off, then
//!                    on, the candidates' grid pictures showing a face (the checks' cost)
//!   --runs N         the whole run N times (default 3), then the summary: per relay the
//!                    median with the lowest and highest value, and the ratios run by run
//!   --out FILE       also write the summary table to FILE (Markdown)
//!   --connects N     sockets opened at once per load process (default 64)
//!   --instances N    N servers of each kind (default 1): the real ones on one PostgreSQL
//!                    (`VIGIL_BENCH_POSTGRES`, a fresh schema) and NATS (`VIGIL_BENCH_NATS`);
//!                    each room whole on one instance, its sockets in one load process per
//!                    instance (a process holds at most ~20,000 sockets here)
#[path = "camera/bare.rs"]
mod bare;
#[path = "camera/load.rs"]
mod load;
#[path = "camera/pictures.rs"]
mod pictures;
#[path = "camera/procfs.rs"]
mod procfs;
#[path = "camera/report.rs"]
mod report;
#[path = "camera/seed.rs"]
mod seed;
#[path = "camera/split.rs"]
mod split;
#[path = "camera/stats.rs"]
mod stats;
#[path = "camera/summary.rs"]
mod summary;
#[path = "camera/target.rs"]
mod target;

use domain::camera::CameraSettings;
use futures::StreamExt;
use pictures::Pictures;
use stats::Stats;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;
use target::{Shape, Target};
use tokio::time::Instant;

/// The server's allocator, also for the bare relay this binary serves: the two compare like for
/// like.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The targets this bench holds the real server to.
const P99_TARGET_MS: f64 = 50.0;
const RSS_TARGET_RATIO: f64 = 1.2;
const CPU_TARGET_RATIO: f64 = 1.5;
/// Sockets being opened at once (per load process), unless `--connects N` says otherwise.
const CONNECTS_IN_FLIGHT: usize = 64;

#[derive(Debug, Clone)]
struct Opts {
    shape: Shape,
    warmup: u64,
    measure: u64,
    only: Option<String>,
    face: bool,
    runs: usize,
    out: Option<std::path::PathBuf>,
    instances: usize,
    connects: usize,
}

fn usage() -> ! {
    eprintln!(
        "usage: camera [--candidates N] [--per-room N | --rooms N] [--focus N] [--warmup S] \
         [--measure S] [--only real|bare] [--face] [--runs N] [--out FILE] [--instances N] [--connects N]"
    );
    std::process::exit(2)
}

fn parse_args() -> Opts {
    let mut o = Opts {
        shape: Shape { candidates: 2000, per_room: 50, focus: 0 },
        warmup: 10,
        measure: 30,
        only: None,
        face: false,
        runs: 3,
        out: None,
        instances: 1,
        connects: CONNECTS_IN_FLIGHT,
    };
    let (mut rooms, mut focus) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let num = |args: &mut dyn Iterator<Item = String>| -> usize {
            args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| usage())
        };
        match a.as_str() {
            "--bench" => {} // passed by `cargo bench`
            "--candidates" => o.shape.candidates = num(&mut args),
            "--per-room" => o.shape.per_room = num(&mut args),
            "--rooms" => rooms = Some(num(&mut args)),
            "--focus" => focus = Some(num(&mut args)),
            "--runs" => o.runs = num(&mut args),
            "--instances" => o.instances = num(&mut args),
            "--connects" => o.connects = num(&mut args).max(1),
            // Relative to the workspace (cargo runs benches in the package's directory).
            "--out" => {
                let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
                o.out = Some(root.join(args.next().unwrap_or_else(|| usage())));
            }
            "--warmup" => o.warmup = num(&mut args) as u64,
            "--measure" => o.measure = num(&mut args) as u64,
            "--face" => o.face = true,
            "--only" => {
                o.only = args.next().filter(|v| v == "real" || v == "bare").or_else(|| usage())
            }
            n if n.parse::<usize>().is_ok() => o.shape.candidates = n.parse().unwrap_or(2000),
            _ => usage(),
        }
    }
    o.shape.focus = focus.unwrap_or((o.shape.candidates / 50).max(1));
    let face_split = o.face && o.instances > 1; // the face runs are one instance's
    if o.shape.candidates == 0
        || o.shape.per_room == 0
        || o.measure == 0
        || o.runs == 0
        || o.instances == 0
        || face_split
    {
        usage();
    }
    if let Some(r) = rooms.filter(|&r| r > 0) {
        o.shape.per_room = o.shape.candidates.div_ceil(r);
    }
    o
}

/// What one target did in the window.
struct Outcome {
    name: &'static str,
    candidate_sockets: usize,
    proctor_sockets: usize,
    fps_in: f64,
    fps_out: f64,
    mbps_in: f64,
    mbps_out: f64,
    p50: f64,
    p99: f64,
    focus: Option<(f64, f64)>,
    cpu: f64,
    loadgen_cpu: f64,
    /// Everything else running on the machine in the window (other builds disturb the run).
    other_cpu: f64,
    rss: f64,
    hwm: f64,
    notes: Vec<String>,
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[idx.min(sorted.len() - 1)]) / 1000.0
}

/// Opens proctor sockets one after the other; their tasks and the failures.
async fn open_proctors(
    list: Vec<load::ProctorConn>,
    stats: &Arc<Stats>,
) -> (Vec<tokio::task::JoinHandle<()>>, Vec<String>) {
    let (mut tasks, mut failures) = (Vec::new(), Vec::new());
    for p in list {
        match load::connect(&p.url, p.cookie.as_deref()).await {
            Ok(ws) => tasks.push(tokio::spawn(load::proctor(ws, p, stats.clone()))),
            Err(e) => failures.push(format!("proctor socket: {e:#}")),
        }
    }
    (tasks, failures)
}

/// Opens a load's sockets and starts their tasks: room sockets first (frames flow as
/// candidates come), focus sockets once the candidates are connected (a proctor opens a
/// candidate who is online), `warmup` capping the pause between the two.
pub async fn open_load(
    candidates: Vec<load::CandidateConn>,
    proctors: Vec<load::ProctorConn>,
    warmup: u64,
    connects: usize,
    pics: &Arc<Pictures>,
    stats: &Arc<Stats>,
) -> (Vec<tokio::task::JoinHandle<()>>, split::Opened) {
    let (room_socks, focus_socks): (Vec<_>, Vec<_>) =
        proctors.into_iter().partition(|p| p.focus.is_none());
    let (mut tasks, mut failures) = open_proctors(room_socks, stats).await;
    let total = candidates.len();
    let period = Duration::from_millis(u64::from(CameraSettings::default().grid.interval_ms));
    let started = Instant::now();
    let epoch = started + Duration::from_millis(200);
    let mut opened = futures::stream::iter(candidates.into_iter().enumerate())
        .map(|(k, c)| async move {
            let res = load::connect(&c.url, c.cookie.as_deref()).await;
            (k, c, res)
        })
        .buffer_unordered(connects);
    let mut candidate_sockets = 0;
    while let Some((k, c, res)) = opened.next().await {
        match res {
            Ok(ws) => {
                // Spread evenly over the grid period, in plan order.
                let mut first = epoch + period.mul_f64(k as f64 / total as f64);
                while first < Instant::now() {
                    first += period;
                }
                candidate_sockets += 1;
                tasks.push(tokio::spawn(load::candidate(
                    ws,
                    c,
                    first,
                    pics.clone(),
                    stats.clone(),
                )));
            }
            Err(e) => failures.push(format!("candidate socket: {e:#}")),
        }
    }
    drop(opened);
    let open_secs = started.elapsed().as_secs_f64();
    // Let every page finish its hello before proctors open candidates.
    tokio::time::sleep(Duration::from_secs(SETTLE_SECS.min(warmup))).await;
    let (focus_tasks, focus_failures) = open_proctors(focus_socks, stats).await;
    let proctor_sockets = tasks.len() - candidate_sockets + focus_tasks.len();
    tasks.extend(focus_tasks);
    failures.extend(focus_failures);
    (tasks, split::Opened { candidate_sockets, proctor_sockets, failures, open_secs })
}

/// Seconds between the candidates' sockets and the focus sockets.
const SETTLE_SECS: u64 = 2;

async fn drive(mut t: Target, o: &Opts, pics: &Arc<Pictures>) -> anyhow::Result<Outcome> {
    let focus_socks_empty = !t.proctor_sockets.iter().any(|p| p.focus.is_some());
    let stats = Arc::new(Stats::new(&t.ids, &t.rooms));
    let mut notes = vec![format!("setup (seed, start, log in): {:.1} s", t.setup.as_secs_f64())];
    if t.parts > 1 {
        notes.push(format!(
            "{} instances, each room on one; {} load processes",
            t.children.len(),
            t.parts
        ));
    }
    let (tasks, mut loads, opened) = if t.parts > 1 {
        let mut loads = split::Loads::spawn(&t, o.warmup, o.measure, o.connects)?;
        let opened = loads.opened().await?;
        (Vec::new(), Some(loads), opened)
    } else {
        let cands = std::mem::take(&mut t.candidate_sockets);
        let procs = std::mem::take(&mut t.proctor_sockets);
        let (tasks, opened) = open_load(cands, procs, o.warmup, o.connects, pics, &stats).await;
        (tasks, None, opened)
    };
    let split::Opened { candidate_sockets, proctor_sockets, failures, open_secs } = opened;
    let total: usize = t.ids.len() * 2;
    eprintln!(
        "[{}] {candidate_sockets}/{total} candidate and {proctor_sockets} proctor sockets open \
         (candidates in {open_secs:.1} s); warming up {} s",
        t.name, o.warmup
    );
    notes.push(format!("candidate sockets opened in {open_secs:.1} s"));
    if !failures.is_empty() {
        notes.push(format!("{} sockets failed to open, e.g. {}", failures.len(), failures[0]));
    }
    tokio::time::sleep(Duration::from_secs(o.warmup - SETTLE_SECS.min(o.warmup))).await;

    let pids = t.pids();
    let mut me = vec![std::process::id()];
    me.extend(loads.as_ref().map(|l| l.pids()).unwrap_or_default());
    let (c0, cpu0, me0) = (stats.counts(), procfs::cpu_of(&pids), procfs::cpu_of(&me));
    let busy0 = procfs::machine_busy_secs();
    let rss0 = procfs::mb_of(&pids, "VmRSS");
    let m0 = procfs::metrics_all(&t.bases).await;
    let t0 = Instant::now();
    stats.measuring.store(true, Relaxed);
    if let Some(loads) = loads.as_mut() {
        loads.go().await?;
    }
    tokio::time::sleep(Duration::from_secs(o.measure)).await;
    stats.measuring.store(false, Relaxed);
    let secs = t0.elapsed().as_secs_f64();
    let (cpu1, me1) = (procfs::cpu_of(&pids), procfs::cpu_of(&me));
    let busy = procfs::machine_busy_secs() - busy0;
    let (rss, hwm) = (procfs::mb_of(&pids, "VmRSS"), procfs::mb_of(&pids, "VmHWM"));
    let m1 = procfs::metrics_all(&t.bases).await;
    if let Some(loads) = loads.as_mut() {
        match loads.reports().await {
            Ok(reports) => reports.into_iter().for_each(|r| stats.absorb(r)),
            Err(e) => notes.push(format!("PROBLEM: a load process did not report: {e:#}")),
        }
    }
    drop(loads);
    let c1 = stats.counts();
    if let (Some(m0), Some(m1)) = (m0, m1) {
        let get =
            |m: &std::collections::BTreeMap<String, f64>, k: &str| m.get(k).copied().unwrap_or(0.0);
        let accepted =
            get(&m1, "vigil_frames_accepted_total") - get(&m0, "vigil_frames_accepted_total");
        let refused: Vec<String> = m1
            .iter()
            .filter(|(k, v)| k.starts_with("vigil_frames_refused_total") && **v > 0.0)
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        notes.push(format!(
            "server /metrics: {:.1} frames/s accepted in the window; refused since start: {}; \
             evidence frames dropped since start: {}",
            accepted / secs,
            if refused.is_empty() { "none".to_string() } else { refused.join(", ") },
            get(&m1, "vigil_evidence_dropped_total")
        ));
        let delta = |k: &str| get(&m1, k) - get(&m0, k);
        let checks = delta("vigil_face_checks_total");
        if get(&m1, "vigil_face_checks_total") > 0.0 {
            notes.push(format!(
                "face checks in the window: {checks:.0} ({:.1}/s, {:.1} ms each on average); \
                 dropped since start: {}",
                checks / secs,
                delta("vigil_face_check_micros_total") / checks.max(1.0) / 1000.0,
                get(&m1, "vigil_face_checks_dropped_total")
            ));
        }
    }
    for task in &tasks {
        task.abort();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (problems, lines) = t.log_problems(8);
    t.stop();

    notes.push(format!("server RSS {rss0:.0} MB at the window's start, {rss:.0} MB at its end"));
    let c = c1.since(c0);
    let mut room = std::mem::take(&mut *stats.lat_room.lock().expect("lock"));
    let mut focus = std::mem::take(&mut *stats.lat_focus.lock().expect("lock"));
    let mut all: Vec<u32> = room.iter().chain(focus.iter()).copied().collect();
    for v in [&mut room, &mut focus, &mut all] {
        v.sort_unstable();
    }
    let expected_room = c.sent as f64;
    notes.push(format!(
        "room sockets got {:.1}% of the frames sent (latest-wins drops the rest); focus sockets \
         {:.1} frames/s; {:.1} focus-profile frames/s sent; {} send ticks skipped (previous frame \
         not yet written)",
        100.0 * c.recv_room as f64 / expected_room.max(1.0),
        c.recv_focus as f64 / secs,
        c.sent_focus as f64 / secs,
        c.skipped
    ));
    if !room.is_empty() {
        notes.push(format!(
            "room sockets p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
            percentile(&room, 0.5),
            percentile(&room, 0.99),
            percentile(&room, 1.0),
            room.len()
        ));
    }
    notes.push(format!(
        "profile switches seen by candidates: {}; heartbeat acks: {}",
        stats.profile_switches.load(Relaxed),
        stats.heartbeat_acks.load(Relaxed)
    ));
    if !focus_socks_empty && stats.profile_switches.load(Relaxed) == 0 {
        notes.push("PROBLEM: focus sockets are open but no candidate was switched to focus".into());
    }
    let to_c = stats.to_candidates.lock().expect("lock").clone();
    let to_p = stats.to_proctors.lock().expect("lock").clone();
    notes.push(format!("other messages to candidates: {to_c:?}; to proctors: {to_p:?}"));
    let (mis, bad) = (stats.misrouted.load(Relaxed), stats.corrupt.load(Relaxed));
    let (cc, pc) = (stats.candidate_closed.load(Relaxed), stats.proctor_closed.load(Relaxed));
    if mis + bad + cc + pc > 0 {
        notes.push(format!(
            "PROBLEMS: {mis} misrouted frames, {bad} corrupt frames, {cc} candidate and {pc} \
             proctor sockets closed"
        ));
    }
    let coarse = stats.coarse_latencies.load(Relaxed);
    if coarse > 0 {
        notes.push(format!("{coarse} latencies timed from the header's ms clock only"));
    }
    for e in stats.events.lock().expect("lock").iter() {
        notes.push(format!("event: {e}"));
    }
    if problems > 0 {
        notes.push(format!("server log: {problems} warning/error lines, first ones:"));
        notes.extend(
            lines.into_iter().map(|l| format!("    {}", l.chars().take(300).collect::<String>())),
        );
    }
    Ok(Outcome {
        name: t.name,
        candidate_sockets,
        proctor_sockets,
        fps_in: c.sent as f64 / secs,
        fps_out: (c.recv_room + c.recv_focus) as f64 / secs,
        mbps_in: c.sent_bytes as f64 / secs / 1e6,
        mbps_out: c.recv_bytes as f64 / secs / 1e6,
        p50: percentile(&all, 0.5),
        p99: percentile(&all, 0.99),
        focus: (!focus.is_empty()).then(|| (percentile(&focus, 0.5), percentile(&focus, 0.99))),
        other_cpu: 100.0 * (busy - (cpu1 - cpu0) - (me1 - me0)).max(0.0) / secs,
        cpu: 100.0 * (cpu1 - cpu0) / secs,
        loadgen_cpu: 100.0 * (me1 - me0) / secs,
        rss,
        hwm,
        notes,
    })
}

/// One run: the bare relay, then the real server (twice with `--face`).
async fn run_once(o: &Opts, pics: &Arc<Pictures>) -> anyhow::Result<Vec<Outcome>> {
    let mut runs = Vec::new();
    if o.only.as_deref() != Some("real") {
        let t = target::bare(o.shape, o.instances).await?;
        eprintln!("[bare relay] started as pid {:?}", t.pids());
        runs.push(drive(t, o, pics).await?);
    }
    let faces = if o.face {
        vec![target::Face::ChecksOff, target::Face::ChecksOn]
    } else {
        vec![target::Face::None]
    };
    for face in faces.into_iter().filter(|_| o.only.as_deref() != Some("bare")) {
        let t = target::real(o.shape, face, o.instances).await?;
        eprintln!(
            "[{}] seeded and started as pid {:?} in {:.1} s",
            t.name,
            t.pids(),
            t.setup.as_secs_f64()
        );
        runs.push(drive(t, o, pics).await?);
    }
    Ok(runs)
}

async fn run(o: Opts) -> anyhow::Result<()> {
    let started = Instant::now();
    let pics = if o.face {
        Arc::new(Pictures::with_faces(&CameraSettings::default()))
    } else {
        Arc::new(Pictures::generate(&CameraSettings::default()))
    };
    eprintln!("pictures: {}", pics.describe());
    let mut all = Vec::new();
    for i in 1..=o.runs {
        eprintln!("run {i} of {}", o.runs);
        let runs = run_once(&o, &pics).await?;
        println!("\n### Run {i} of {}", o.runs);
        report::report(&o, &pics, &runs);
        all.push(runs);
    }
    let table = summary::table(&o.shape, &all);
    println!("\n### Summary\n\n{table}");
    if let Some(path) = &o.out {
        std::fs::write(path, &table)?;
        eprintln!("summary written to {}", path.display());
    }
    eprintln!("total run time {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn main() {
    if std::env::var(target::ROLE_ENV).as_deref() == Ok("bare-relay") {
        let addr = std::env::var(target::ADDR_ENV).ok().and_then(|a| a.parse().ok());
        bare::serve(addr.expect("VIGIL_BENCH_ADDR = host:port"));
    }
    if std::env::var(target::ROLE_ENV).as_deref() == Ok("load") {
        split::child_main();
    }
    let opts = parse_args();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    if let Err(e) = rt.block_on(run(opts)) {
        eprintln!("camera bench failed: {e:#}");
        std::process::exit(1);
    }
}
