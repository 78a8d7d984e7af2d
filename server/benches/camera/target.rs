//! The servers under test, each in its own process so that its CPU and memory are its own:
//! the real `vigil serve` (one on a freshly seeded SQLite file, or several on one PostgreSQL
//! schema and NATS), and the bare relay (this bench binary re-executed, once per instance).
//! Also what the load needs to reach them (URLs, cookies, which load process).
use crate::load::{CandidateConn, ProctorConn};
use crate::procfs::METRICS_TOKEN;
use backend::store::{DatabaseUrl, open_store};
use chrono::Utc;
use domain::View;
use futures::StreamExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ROLE_ENV: &str = "VIGIL_BENCH_ROLE";
pub const ADDR_ENV: &str = "VIGIL_BENCH_ADDR";
pub const EXAM_CODE: &str = "CAMBENCH";
pub const PASSWORD: &str = "bench-password";

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

/// The running server processes (one per instance) and how to load them.
pub struct Target {
    pub name: &'static str,
    pub children: Vec<Proc>,
    /// `http://host:port` of each instance.
    pub bases: Vec<String>,
    pub logs: Vec<PathBuf>,
    /// Load processes: 1 is the bench process itself; with several instances, one child
    /// process per instance (each holds the sockets of its instance: a process's open-file
    /// limit caps one process at about 9,700 candidates here).
    pub parts: usize,
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
    pub fn pids(&self) -> Vec<u32> {
        self.children.iter().map(|c| c.0.id()).collect()
    }

    /// Stops the processes (SIGKILL: nothing in them needs a clean shutdown).
    pub fn stop(&mut self) {
        for child in &mut self.children {
            let _ = child.0.kill();
            let _ = child.0.wait();
        }
    }

    /// Warning and error lines of the process's log (ANSI colours stripped), at most `max`,
    /// and how many there were.
    pub fn log_problems(&self, max: usize) -> (usize, Vec<String>) {
        let text: String =
            self.logs.iter().map(|l| std::fs::read_to_string(l).unwrap_or_default()).collect();
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

/// Which instance (and load process) serves room position `r`: rooms are spread over the
/// instances, each room whole on one (its candidates' frames stay on their instance).
fn instance_of(room: usize, instances: usize) -> usize {
    room % instances.max(1)
}

/// Starts the bare relay (this binary again, in its relay role), once per instance.
pub async fn bare(shape: Shape, instances: usize) -> anyhow::Result<Target> {
    let started = Instant::now();
    let dir = tempfile::tempdir()?;
    let (mut children, mut logs, mut addrs) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..instances {
        let log = dir.path().join(format!("bare-relay-{k}.log"));
        let addr = format!("127.0.0.1:{}", free_port());
        let mut child = spawn(
            Command::new(std::env::current_exe()?).env(ROLE_ENV, "bare-relay").env(ADDR_ENV, &addr),
            &log,
        )?;
        wait_ready(&mut child, &format!("http://{addr}"), &log).await?;
        children.push(child);
        logs.push(log);
        addrs.push(addr);
    }
    let part = |room: usize| if instances > 1 { instance_of(room, instances) } else { 0 };
    let ids: Vec<i64> = (1..=shape.candidates as i64).collect();
    let rooms: Vec<usize> = (0..shape.candidates).map(|i| i / shape.per_room).collect();
    let candidate_sockets = sockets(&ids, |i, view| CandidateConn {
        index: i,
        view,
        url: format!(
            "ws://{}/ws/candidate?candidate={}&room={}&view={}",
            addrs[instance_of(rooms[i], instances)],
            ids[i],
            rooms[i] + 1,
            view_str(view)
        ),
        cookie: None,
        part: part(rooms[i]),
    });
    let mut proctor_sockets: Vec<ProctorConn> = (0..shape.rooms())
        .map(|r| ProctorConn {
            room: r,
            focus: None,
            url: format!("ws://{}/ws/frames?room={}", addrs[instance_of(r, instances)], r + 1),
            cookie: None,
            part: part(r),
        })
        .collect();
    for seat in shape.focus_seats() {
        let r = rooms[seat];
        proctor_sockets.push(ProctorConn {
            room: r,
            focus: Some(ids[seat]),
            url: format!(
                "ws://{}/ws/frames?room={}&candidate={}",
                addrs[instance_of(r, instances)],
                r + 1,
                ids[seat]
            ),
            cookie: None,
            part: part(r),
        });
    }
    Ok(Target {
        name: "bare relay",
        children,
        bases: addrs.iter().map(|a| format!("http://{a}")).collect(),
        logs,
        parts: instances,
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

/// The face checks in a run: off (the HTTP provider, which does not scan), or dlib with the
/// exam's checks on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    None,
    ChecksOff,
    ChecksOn,
}

/// The shared database and bus of a run with several instances: a fresh schema in
/// `VIGIL_BENCH_POSTGRES` and NATS at `VIGIL_BENCH_NATS`.
async fn cluster_services() -> anyhow::Result<(DatabaseUrl, String, String)> {
    let var = |name: &str| {
        std::env::var(name).ok().filter(|v| !v.is_empty()).ok_or_else(|| {
            anyhow::anyhow!("--instances needs {name} (scripts/bench-camera.sh sets it)")
        })
    };
    let (pg, nats) = (var("VIGIL_BENCH_POSTGRES")?, var("VIGIL_BENCH_NATS")?);
    let tag = format!("bench_camera_{}_{}", std::process::id(), Utc::now().timestamp_millis());
    let db = backend::store::postgres_schema(&pg, &tag)
        .await
        .map_err(|e| anyhow::anyhow!("VIGIL_BENCH_POSTGRES: {e}"))?;
    Ok((db, nats, tag))
}

/// Seeds the database, starts `vigil serve` (`instances` of them on PostgreSQL and NATS
/// when more than one, else one on a SQLite file) and logs everyone in.
pub async fn real(shape: Shape, face: Face, instances: usize) -> anyhow::Result<Target> {
    let started = Instant::now();
    let dir = tempfile::tempdir()?;
    let cluster = if instances > 1 { Some(cluster_services().await?) } else { None };
    let db = match &cluster {
        Some((db, ..)) => db.clone(),
        None => DatabaseUrl::Sqlite(dir.path().join("vigil.db")),
    };
    let store = open_store(&db, 8).await.map_err(|e| anyhow::anyhow!("bench database: {e}"))?;
    let seeded = crate::seed::seed(store, dir.path(), shape, face).await?;
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
    let (mut children, mut logs, mut addrs) = (Vec::new(), Vec::new(), Vec::new());
    for k in 0..instances {
        let data =
            if cluster.is_some() { dir.path().join(format!("i{k}")) } else { dir.path().into() };
        let log = dir.path().join(format!("vigil-{k}.log"));
        let addr = format!("127.0.0.1:{}", free_port());
        // `VIGIL_BENCH_SERVER`: another build of the server (a copy kept from an earlier commit),
        // to compare two builds against the same bare relay.
        let bin = std::env::var_os("VIGIL_BENCH_SERVER")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_vigil").into());
        let mut cmd = Command::new(bin);
        cmd.arg("serve")
            .args(["--addr", &addr])
            .arg("--data-dir")
            .arg(&data)
            .arg("--site-root")
            .arg(dir.path().join("site"))
            .args(&provider)
            .args(["--metrics-token", METRICS_TOKEN, "--min-free-disk-mb", "0"])
            .env_remove("VIGIL_DATABASE")
            .env_remove("VIGIL_BUS")
            .env_remove("VIGIL_DEMO");
        if let Some((DatabaseUrl::Postgres(url), nats, prefix)) = &cluster {
            cmd.args(["--database", url, "--bus", nats, "--bus-prefix", prefix]);
        }
        let mut child = spawn(&mut cmd, &log)?;
        wait_ready(&mut child, &format!("http://{addr}"), &log).await?;
        children.push(child);
        logs.push(log);
        addrs.push(addr);
    }
    let rooms: Vec<usize> = (0..shape.candidates).map(|i| i / shape.per_room).collect();
    let at = |room: usize| &addrs[instance_of(room, instances)];
    let part = |room: usize| if instances > 1 { instance_of(room, instances) } else { 0 };
    let client = reqwest::Client::new();
    let mut staff = Vec::new();
    for r in 0..shape.rooms() {
        let user = format!("proctor{:03}", r + 1);
        let url = format!("http://{}/api/staff/login", at(r));
        let form = [("username", user.as_str()), ("password", PASSWORD)];
        staff.push(server::simulate::post_login(&client, &url, &form).await?);
    }
    let cookies: Vec<anyhow::Result<String>> = futures::stream::iter(0..shape.candidates)
        .map(|i| {
            let client = client.clone();
            let url = format!("http://{}/api/candidate/login", at(rooms[i]));
            async move {
                let ticket = format!("C{i:06}");
                let form = [("exam_code", EXAM_CODE), ("ticket", ticket.as_str())];
                server::simulate::post_login(&client, &url, &form).await
            }
        })
        .buffered(16)
        .collect()
        .await;
    let cookies = cookies.into_iter().collect::<anyhow::Result<Vec<String>>>()?;
    let ids = seeded.ids;
    let candidate_sockets = sockets(&ids, |i, view| CandidateConn {
        index: i,
        view,
        url: format!("ws://{}/ws/candidate?view={}", at(rooms[i]), view_str(view)),
        cookie: Some(match view {
            View::Pc => cookies[i].clone(),
            View::Phone => seeded.phones[i].clone(),
        }),
        part: part(rooms[i]),
    });
    let mut proctor_sockets: Vec<ProctorConn> = (0..shape.rooms())
        .map(|r| ProctorConn {
            room: r,
            focus: None,
            url: format!("ws://{}/ws/frames?room={}", at(r), seeded.rooms[r]),
            cookie: Some(staff[r].clone()),
            part: part(r),
        })
        .collect();
    for seat in shape.focus_seats() {
        let r = rooms[seat];
        proctor_sockets.push(ProctorConn {
            room: r,
            focus: Some(ids[seat]),
            url: format!(
                "ws://{}/ws/frames?room={}&candidate={}",
                at(r),
                seeded.rooms[r],
                ids[seat]
            ),
            cookie: Some(staff[r].clone()),
            part: part(r),
        });
    }
    Ok(Target {
        name: match face {
            Face::None => "Vigil server",
            Face::ChecksOff => "Vigil server, face checks off",
            Face::ChecksOn => "Vigil server, face checks on",
        },
        children,
        bases: addrs.iter().map(|a| format!("http://{a}")).collect(),
        logs,
        parts: instances,
        ids,
        rooms,
        candidate_sockets,
        proctor_sockets,
        setup: started.elapsed(),
        _dir: dir,
    })
}
