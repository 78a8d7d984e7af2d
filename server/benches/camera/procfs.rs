//! Readings of the servers under test: CPU and memory from /proc, counters from `/metrics`.
use std::process::Command;
use std::time::Duration;

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
fn cpu_secs(pid: u32) -> f64 {
    let hz = clk_tck();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces): state is field 3, utime 14.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest.split_whitespace().skip(1).map(|x| x.parse().unwrap_or(0)).collect();
    (f.get(10).copied().unwrap_or(0) + f.get(11).copied().unwrap_or(0)) as f64 / hz
}

/// utime + stime of some processes together, in seconds.
pub fn cpu_of(pids: &[u32]) -> f64 {
    pids.iter().map(|&p| cpu_secs(p)).sum()
}

/// A `kB` line of /proc/<pid>/status summed over some processes, in MB.
pub fn mb_of(pids: &[u32], key: &str) -> f64 {
    pids.iter().map(|&p| status_mb(p, key)).sum()
}

/// The token the bench's server opens `/metrics` with.
pub const METRICS_TOKEN: &str = "camera-bench-metrics";

/// A `kB` line of /proc/<pid>/status (`VmRSS`, `VmHWM`), in MB.
fn status_mb(pid: u32, key: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The servers' `/metrics` counters added up (one server per base URL), if they have them.
pub async fn metrics_all(bases: &[String]) -> Option<std::collections::BTreeMap<String, f64>> {
    let mut sum = std::collections::BTreeMap::new();
    for base in bases {
        for (k, v) in metrics(base).await? {
            *sum.entry(k).or_insert(0.0) += v;
        }
    }
    Some(sum)
}

/// The server's `/metrics` counters (Prometheus text), if it has them.
async fn metrics(base: &str) -> Option<std::collections::BTreeMap<String, f64>> {
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
