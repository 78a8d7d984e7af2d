//! The load split over child processes (`--instances N`): a process may hold about 20,000
//! sockets here (the hard open-file limit), so 10,000 candidates need more than one load
//! process. Each child is this binary again, in the `load` role, with its part of the plan in a
//! JSON file: it opens its sockets, says so on stdout, waits for `go` on stdin, measures the
//! window and prints its [`Report`] as one JSON line. The bench process measures the servers
//! over the same window and adds the reports up.
use crate::load::{CandidateConn, ProctorConn};
use crate::pictures::Pictures;
use crate::stats::{Report, Stats};
use crate::target::{ROLE_ENV, Target};
use anyhow::Context;
use domain::camera::CameraSettings;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

const PLAN_ENV: &str = "VIGIL_BENCH_PLAN";

/// One load process's part of the run.
#[derive(Serialize, Deserialize)]
struct Plan {
    ids: Vec<i64>,
    rooms: Vec<usize>,
    candidates: Vec<CandidateConn>,
    proctors: Vec<ProctorConn>,
    warmup: u64,
    measure: u64,
    connects: usize,
}

/// What a load process says once its sockets are open.
#[derive(Serialize, Deserialize)]
pub struct Opened {
    pub candidate_sockets: usize,
    pub proctor_sockets: usize,
    pub failures: Vec<String>,
    pub open_secs: f64,
}

/// The running load processes.
pub struct Loads {
    children: Vec<(Child, ChildStdin, Lines<BufReader<ChildStdout>>)>,
    _dir: tempfile::TempDir,
}

impl Loads {
    /// Starts one load process per part of `t`'s plan.
    pub fn spawn(t: &Target, warmup: u64, measure: u64, connects: usize) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let mut children = Vec::new();
        for part in 0..t.parts {
            let plan = Plan {
                ids: t.ids.clone(),
                rooms: t.rooms.clone(),
                candidates: t
                    .candidate_sockets
                    .iter()
                    .filter(|c| c.part == part)
                    .cloned()
                    .collect(),
                proctors: t.proctor_sockets.iter().filter(|p| p.part == part).cloned().collect(),
                warmup,
                measure,
                connects,
            };
            let path = dir.path().join(format!("plan-{part}.json"));
            std::fs::write(&path, serde_json::to_vec(&plan)?)?;
            let mut child = Command::new(std::env::current_exe()?)
                .env(ROLE_ENV, "load")
                .env(PLAN_ENV, &path)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .kill_on_drop(true)
                .spawn()?;
            let stdin = child.stdin.take().context("load process stdin")?;
            let stdout = child.stdout.take().context("load process stdout")?;
            children.push((child, stdin, BufReader::new(stdout).lines()));
        }
        Ok(Self { children, _dir: dir })
    }

    pub fn pids(&self) -> Vec<u32> {
        self.children.iter().filter_map(|(c, ..)| c.id()).collect()
    }

    /// Waits until every process has opened its sockets; their accounts added up (the
    /// slowest one's time).
    pub async fn opened(&mut self) -> anyhow::Result<Opened> {
        let mut all =
            Opened { candidate_sockets: 0, proctor_sockets: 0, failures: vec![], open_secs: 0.0 };
        for (_, _, lines) in &mut self.children {
            let line = lines.next_line().await?.context("a load process ended early")?;
            let o: Opened = serde_json::from_str(&line)?;
            all.candidate_sockets += o.candidate_sockets;
            all.proctor_sockets += o.proctor_sockets;
            all.failures.extend(o.failures);
            all.open_secs = all.open_secs.max(o.open_secs);
        }
        Ok(all)
    }

    /// Starts every process's window.
    pub async fn go(&mut self) -> anyhow::Result<()> {
        for (_, stdin, _) in &mut self.children {
            stdin.write_all(b"go\n").await?;
            stdin.flush().await?;
        }
        Ok(())
    }

    /// Every process's report, once its window ended.
    pub async fn reports(&mut self) -> anyhow::Result<Vec<Report>> {
        let mut out = Vec::new();
        for (_, _, lines) in &mut self.children {
            let line = lines.next_line().await?.context("a load process ended early")?;
            out.push(serde_json::from_str(&line)?);
        }
        Ok(out)
    }
}

/// The `load` role: runs one part of the plan and reports (see the module's comment).
pub fn child_main() -> ! {
    let result = (|| -> anyhow::Result<()> {
        let path = std::env::var(PLAN_ENV).context("VIGIL_BENCH_PLAN")?;
        let plan: Plan = serde_json::from_slice(&std::fs::read(path)?)?;
        let rt = tokio::runtime::Runtime::new()?;
        rt.block_on(run(plan))
    })();
    if let Err(e) = result {
        eprintln!("load process: {e:#}");
        std::process::exit(1);
    }
    std::process::exit(0)
}

async fn run(plan: Plan) -> anyhow::Result<()> {
    let pics = Arc::new(Pictures::generate(&CameraSettings::default()));
    let stats = Arc::new(Stats::new(&plan.ids, &plan.rooms));
    let (tasks, opened) =
        crate::open_load(plan.candidates, plan.proctors, plan.warmup, plan.connects, &pics, &stats)
            .await;
    let mut out = tokio::io::stdout();
    out.write_all(format!("{}\n", serde_json::to_string(&opened)?).as_bytes()).await?;
    out.flush().await?;
    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    stdin.next_line().await?.context("no go from the bench process")?;
    let c0 = stats.counts();
    stats.measuring.store(true, Relaxed);
    tokio::time::sleep(Duration::from_secs(plan.measure)).await;
    stats.measuring.store(false, Relaxed);
    let report = stats.report(stats.counts().since(c0));
    for task in &tasks {
        task.abort();
    }
    out.write_all(format!("{}\n", serde_json::to_string(&report)?).as_bytes()).await?;
    out.flush().await?;
    Ok(())
}
