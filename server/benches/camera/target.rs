//! The servers under test, each in its own process so that its CPU and memory are its own:
//! the real `vigil serve` on a freshly seeded data directory, and the bare relay (this bench
//! binary re-executed). Also what the load needs to reach them (URLs, cookies) and the /proc
//! readings.
use crate::load::{CandidateConn, ProctorConn};
use backend::service::auth::create_staff;
use backend::store::{NewCandidate, NewExam, SessionOwner, SqliteStore};
use chrono::{Duration as ChronoDuration, Utc};
use domain::{Phase, Role, TicketNumber, View};
use futures::StreamExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const ROLE_ENV: &str = "VIGIL_BENCH_ROLE";
pub const ADDR_ENV: &str = "VIGIL_BENCH_ADDR";
const EXAM_CODE: &str = "CAMBENCH";
const PASSWORD: &str = "bench-password";

/// The shape of the load.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub candidates: usize,
    pub per_room: usize,
    pub focus: usize,
}

impl Shape {
    pub fn rooms(&self) -> usize {
        self.candidates.div_ceil(self.per_room)
    }

    /// The candidates watched in focus: one per room while rooms last, at varying seats.
    pub fn focus_seats(&self) -> Vec<usize> {
        let mut seats: Vec<usize> = (0..self.focus.min(self.candidates))
            .map(|k| {
                let room = k % self.rooms();
                let size = self.per_room.min(self.candidates - room * self.per_room);
                room * self.per_room + (k * 7 + k / self.rooms()) % size
            })
            .collect();
        seats.sort_unstable();
        seats.dedup();
        seats
    }
}

/// A child process, killed when dropped (also on an early error).
pub struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running server process and how to load it.
pub struct Target {
    pub name: &'static str,
    pub child: Proc,
    /// `http://host:port`.
    pub base: String,
    pub log: PathBuf,
    /// Candidate ids (by plan position) and the room position of each.
    pub ids: Vec<i64>,
    pub rooms: Vec<usize>,
    pub candidate_sockets: Vec<CandidateConn>,
    pub proctor_sockets: Vec<ProctorConn>,
    /// Seeding and logging in, before the load starts.
    pub setup: Duration,
    _dir: tempfile::TempDir,
}

impl Target {
    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    /// Stops the process (SIGKILL: nothing in it needs a clean shutdown).
    pub fn stop(&mut self) {
        let _ = self.child.0.kill();
        let _ = self.child.0.wait();
    }

    /// Warning and error lines of the process's log (ANSI colours stripped), at most `max`,
    /// and how many there were.
    pub fn log_problems(&self, max: usize) -> (usize, Vec<String>) {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let plain = strip_ansi(&text);
        let bad: Vec<String> = plain
            .lines()
            .filter(|l| l.contains(" WARN ") || l.contains(" ERROR ") || l.contains("panicked"))
            .map(str::to_string)
            .collect();
        (bad.len(), bad.into_iter().take(max).collect())
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("addr").port()
}

async fn wait_ready(child: &mut Proc, base: &str, log: &Path) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Some(status) = child.0.try_wait()? {
            let log = std::fs::read_to_string(log).unwrap_or_default();
            anyhow::bail!("the server exited ({status}) before it was ready:\n{log}");
        }
        if let Ok(res) = client.get(format!("{base}/readyz")).send().await
            && res.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the server was not ready within 60 s")
}

fn spawn(cmd: &mut Command, log: &Path) -> anyhow::Result<Proc> {
    let out = std::fs::File::create(log)?;
    let err = out.try_clone()?;
    Ok(Proc(cmd.env("NO_COLOR", "1").stdin(Stdio::null()).stdout(out).stderr(err).spawn()?))
}

/// Starts the bare relay (this binary again, in its relay role).
pub async fn bare(shape: Shape) -> anyhow::Result<Target> {
    let started = Instant::now();
    let dir = tempfile::tempdir()?;
    let log = dir.path().join("bare-relay.log");
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = spawn(
        Command::new(std::env::current_exe()?).env(ROLE_ENV, "bare-relay").env(ADDR_ENV, &addr),
        &log,
    )?;
    wait_ready(&mut child, &format!("http://{addr}"), &log).await?;
    let ids: Vec<i64> = (1..=shape.candidates as i64).collect();
    let rooms: Vec<usize> = (0..shape.candidates).map(|i| i / shape.per_room).collect();
    let candidate_sockets = sockets(&ids, |i, view| CandidateConn {
        index: i,
        view,
        url: format!(
            "ws://{addr}/ws/candidate?candidate={}&room={}&view={}",
            ids[i],
            rooms[i] + 1,
            view_str(view)
        ),
        cookie: None,
    });
    let mut proctor_sockets: Vec<ProctorConn> = (0..shape.rooms())
        .map(|r| ProctorConn {
            room: r,
            focus: None,
            url: format!("ws://{addr}/ws/frames?room={}", r + 1),
            cookie: None,
        })
        .collect();
    for seat in shape.focus_seats() {
        proctor_sockets.push(ProctorConn {
            room: rooms[seat],
            focus: Some(ids[seat]),
            url: format!("ws://{addr}/ws/frames?room={}&candidate={}", rooms[seat] + 1, ids[seat]),
            cookie: None,
        });
    }
    Ok(Target {
        name: "bare relay",
        child,
        base: format!("http://{addr}"),
        log,
        ids,
        rooms,
        candidate_sockets,
        proctor_sockets,
        setup: started.elapsed(),
        _dir: dir,
    })
}

fn view_str(v: View) -> &'static str {
    match v {
        View::Pc => "pc",
        View::Phone => "phone",
    }
}

/// Both views of every candidate, PC sockets first.
fn sockets(ids: &[i64], make: impl Fn(usize, View) -> CandidateConn) -> Vec<CandidateConn> {
    [View::Pc, View::Phone]
        .into_iter()
        .flat_map(|v| (0..ids.len()).map(move |i| (i, v)))
        .map(|(i, v)| make(i, v))
        .collect()
}

struct Seeded {
    rooms: Vec<i64>,
    ids: Vec<i64>,
    /// Each candidate's phone session cookie (as the QR pairing makes one).
    phones: Vec<String>,
}

/// Seeds an exam that is running, one proctor per room and the candidates already in the
/// exam (both views on), straight into the store, before the server starts.
/// The face checks in a run: off (the HTTP provider, which does not scan), or dlib with the
/// exam's checks on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    None,
    ChecksOff,
    ChecksOn,
}

async fn seed(dir: &Path, shape: Shape, face: Face) -> anyhow::Result<Seeded> {
    let store = SqliteStore::open(&dir.join("vigil.db"))
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the bench database: {e}"))?;
    let state = backend::Core::new(
        Arc::new(store),
        Arc::new(backend::bus::LocalBus::default()),
        Arc::new(backend::blobs::LocalBlobs::new(dir.join("blobs"))),
        Arc::new(backend::face::NoVerifier),
    );
    let err = |e: &dyn std::fmt::Debug| anyhow::anyhow!("seeding: {e:?}");
    let exam = state
        .store
        .create_exam(NewExam {
            code: domain::ExamCode::parse(EXAM_CODE).map_err(|e| err(&e))?,
            title: "Camera bench".into(),
            starts_at: Utc::now() - ChronoDuration::minutes(10),
            duration_min: 240,
            earliest_submit_min: 30,
            late_entry_min: 240,
        })
        .await?;
    let photo_key = if face == Face::None {
        None
    } else {
        let mut camera = domain::camera::CameraSettings::default();
        camera.watch.face = face == Face::ChecksOn;
        state.store.set_exam_camera(exam, &camera).await?;
        let roster =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/face-fixtures/obama2.jpg");
        let bytes = std::fs::read(&roster).map_err(|e| {
            anyhow::anyhow!("{}: {e} (run scripts/face-assets.sh)", roster.display())
        })?;
        state.blobs.put("roster/bench.jpg", bytes).await?;
        Some("roster/bench.jpg".to_string())
    };
    let mut rooms = Vec::new();
    for r in 0..shape.rooms() {
        let room = state.store.create_room(exam, &format!("Room {}", r + 1)).await?;
        let user = format!("proctor{:03}", r + 1);
        let staff =
            create_staff(&state, &user, &format!("Proctor {}", r + 1), Role::Proctor, PASSWORD)
                .await
                .map_err(|e| err(&e))?;
        state.store.assign_proctor(room, staff).await?;
        rooms.push(room);
    }
    let mut ids = Vec::with_capacity(shape.candidates);
    let mut phones = Vec::with_capacity(shape.candidates);
    for i in 0..shape.candidates {
        let id = state
            .store
            .add_candidate(NewCandidate {
                exam_id: exam,
                room_id: rooms[i / shape.per_room],
                ticket: TicketNumber::parse(&format!("C{i:06}")).map_err(|e| err(&e))?,
                name: format!("Candidate {i}"),
                id_card: format!("{i:018}"),
                photo_key: photo_key.clone(),
            })
            .await?;
        let moved = state
            .store
            .set_phase(id, Phase::Rostered, Phase::InExam, "bench", Utc::now(), None)
            .await?;
        anyhow::ensure!(moved, "candidate {id} was not in phase rostered");
        let (token, hash) = backend::auth::new_token();
        let owner = SessionOwner::Candidate(id, View::Phone);
        let now = Utc::now();
        state.store.create_session(&hash, owner, now, now + ChronoDuration::hours(8)).await?;
        phones.push(format!("vigil_candidate={token}"));
        ids.push(id.0);
    }
    Ok(Seeded { rooms: rooms.into_iter().map(|r| r.0).collect(), ids, phones })
}

/// Seeds a data directory, starts `vigil serve` on it and logs everyone in.
pub async fn real(shape: Shape, face: Face) -> anyhow::Result<Target> {
    let started = Instant::now();
    let dir = tempfile::tempdir()?;
    let seeded = seed(dir.path(), shape, face).await?;
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/face-models");
    let provider: Vec<std::ffi::OsString> = match face {
        // No dlib models needed: the bench never verifies a face.
        Face::None => ["--face-provider", "http", "--face-url", "http://127.0.0.1:9/verify"]
            .map(Into::into)
            .to_vec(),
        Face::ChecksOff | Face::ChecksOn => {
            vec!["--face-provider".into(), "dlib".into(), "--face-models".into(), models.into()]
        }
    };
    let log = dir.path().join("vigil.log");
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = spawn(
        Command::new(env!("CARGO_BIN_EXE_vigil"))
            .arg("serve")
            .args(["--addr", &addr])
            .arg("--data-dir")
            .arg(dir.path())
            .arg("--site-root")
            .arg(dir.path().join("site"))
            .args(&provider)
            .args(["--metrics-token", METRICS_TOKEN, "--min-free-disk-mb", "0"])
            .env_remove("VIGIL_DATABASE")
            .env_remove("VIGIL_DEMO"),
        &log,
    )?;
    let base = format!("http://{addr}");
    wait_ready(&mut child, &base, &log).await?;
    let client = reqwest::Client::new();
    let staff_url = format!("{base}/api/staff/login");
    let mut staff = Vec::new();
    for r in 0..shape.rooms() {
        let user = format!("proctor{:03}", r + 1);
        staff.push(
            server::simulate::post_login(
                &client,
                &staff_url,
                &[("username", &user), ("password", PASSWORD)],
            )
            .await?,
        );
    }
    let cand_url = format!("{base}/api/candidate/login");
    let cookies: Vec<anyhow::Result<String>> = futures::stream::iter(0..shape.candidates)
        .map(|i| {
            let (client, url) = (client.clone(), cand_url.clone());
            async move {
                let ticket = format!("C{i:06}");
                server::simulate::post_login(
                    &client,
                    &url,
                    &[("exam_code", EXAM_CODE), ("ticket", &ticket)],
                )
                .await
            }
        })
        .buffered(16)
        .collect()
        .await;
    let cookies = cookies.into_iter().collect::<anyhow::Result<Vec<String>>>()?;
    let ids = seeded.ids;
    let rooms: Vec<usize> = (0..shape.candidates).map(|i| i / shape.per_room).collect();
    let candidate_sockets = sockets(&ids, |i, view| CandidateConn {
        index: i,
        view,
        url: format!("ws://{addr}/ws/candidate?view={}", view_str(view)),
        cookie: Some(match view {
            View::Pc => cookies[i].clone(),
            View::Phone => seeded.phones[i].clone(),
        }),
    });
    let mut proctor_sockets: Vec<ProctorConn> = (0..shape.rooms())
        .map(|r| ProctorConn {
            room: r,
            focus: None,
            url: format!("ws://{addr}/ws/frames?room={}", seeded.rooms[r]),
            cookie: Some(staff[r].clone()),
        })
        .collect();
    for seat in shape.focus_seats() {
        let r = rooms[seat];
        proctor_sockets.push(ProctorConn {
            room: r,
            focus: Some(ids[seat]),
            url: format!("ws://{addr}/ws/frames?room={}&candidate={}", seeded.rooms[r], ids[seat]),
            cookie: Some(staff[r].clone()),
        });
    }
    Ok(Target {
        name: match face {
            Face::None => "Vigil server",
            Face::ChecksOff => "Vigil server, face checks off",
            Face::ChecksOn => "Vigil server, face checks on",
        },
        child,
        base,
        log,
        ids,
        rooms,
        candidate_sockets,
        proctor_sockets,
        setup: started.elapsed(),
        _dir: dir,
    })
}

fn clk_tck() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// Busy time of the whole machine (all cores, everything but idle and iowait), in seconds.
pub fn machine_busy_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let cpu = stat.lines().next().unwrap_or("");
    let f: Vec<u64> = cpu.split_whitespace().skip(1).map(|x| x.parse().unwrap_or(0)).collect();
    let idle = f.get(3).copied().unwrap_or(0) + f.get(4).copied().unwrap_or(0);
    (f.iter().take(8).sum::<u64>() - idle) as f64 / clk_tck()
}

/// utime + stime of a process, in seconds.
pub fn cpu_secs(pid: u32) -> f64 {
    let hz = clk_tck();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces): state is field 3, utime 14.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest.split_whitespace().skip(1).map(|x| x.parse().unwrap_or(0)).collect();
    (f.get(10).copied().unwrap_or(0) + f.get(11).copied().unwrap_or(0)) as f64 / hz
}

/// The token the bench's server opens `/metrics` with.
const METRICS_TOKEN: &str = "camera-bench-metrics";

/// A `kB` line of /proc/<pid>/status (`VmRSS`, `VmHWM`), in MB.
pub fn status_mb(pid: u32, key: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The server's `/metrics` counters (Prometheus text), if it has them.
pub async fn metrics(base: &str) -> Option<std::collections::BTreeMap<String, f64>> {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().ok()?;
    let res = client.get(format!("{base}/metrics")).bearer_auth(METRICS_TOKEN).send().await.ok()?;
    if !res.status().is_success() {
        return None;
    }
    let text = res.text().await.ok()?;
    let parsed = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (k, v) = l.rsplit_once(' ')?;
            Some((k.to_string(), v.trim().parse().ok()?))
        })
        .collect();
    Some(parsed)
}
