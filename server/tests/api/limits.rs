//! The open-file limit: `vigil serve` started under a low limit raises its soft limit to the
//! hard one, says so in one log line with what it allows, and keeps serving when the sockets
//! use it all up.
use crate::common::free_port;
use std::time::Duration;

/// A child process, killed and reaped when dropped (also when an assertion fails).
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `vigil serve` under `ulimit -Sn soft; ulimit -Hn hard`, its log in the returned file;
/// waits until `/healthz` answers.
async fn serve_with_limit(
    soft: u32,
    hard: u32,
    dir: &tempfile::TempDir,
) -> (Reaped, String, std::path::PathBuf) {
    let port = free_port();
    let log = dir.path().join("vigil.log");
    let out = std::fs::File::create(&log).expect("log file");
    let child = Reaped(
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -Sn {soft} && ulimit -Hn {hard} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_vigil"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(dir.path())
            .args(["--face-provider", "http", "--face-url", "http://127.0.0.1:9/verify"])
            .env_remove("VIGIL_DATABASE")
            .env_remove("VIGIL_DEMO")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(out.try_clone().expect("log file"))
            .stderr(out)
            .spawn()
            .expect("vigil serve"),
    );
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok_and(|r| r.status().is_success()) {
            return (child, base, log);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("vigil serve did not start: {}", std::fs::read_to_string(&log).unwrap_or_default());
}

fn limit_lines(log: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).expect("log");
    text.lines().filter(|l| l.contains("open files")).map(str::to_owned).collect()
}

#[tokio::test]
async fn a_low_soft_limit_is_raised_to_the_hard_one_and_said_in_one_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let (_child, base, log) = serve_with_limit(200, 400, &dir).await;
    let lines = limit_lines(&log);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("soft limit raised from 200 to the hard limit 400"), "{lines:?}");
    assert!(lines[0].contains("room for about 336 camera sockets (168 candidates"), "{lines:?}");
    // 300 connections, each answered and held open (kept alive): more than the old soft
    // limit, so the server could not have accepted them all without the raise (a connection
    // only queued by the kernel would get no answer).
    let addr = base.trim_start_matches("http://").to_owned();
    let mut held = Vec::new();
    for i in 0..300 {
        let answered = tokio::time::timeout(Duration::from_secs(5), healthz_on_new(&addr)).await;
        match answered {
            Ok(Ok(stream)) => held.push(stream),
            other => panic!("connection {i} not served: {other:?}"),
        }
    }
    drop(held);
}

/// A new connection that asks `/healthz` and gets `200`; returned open (kept alive).
async fn healthz_on_new(addr: &str) -> std::io::Result<tokio::net::TcpStream> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: vigil\r\n\r\n").await?;
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        got.extend_from_slice(&buf[..n]);
    }
    if got.starts_with(b"HTTP/1.1 200") {
        Ok(s)
    } else {
        Err(std::io::Error::other(String::from_utf8_lossy(&got).into_owned()))
    }
}

#[tokio::test]
async fn at_the_hard_limit_the_server_says_so_and_serves_again_once_sockets_close() {
    let dir = tempfile::tempdir().expect("tmp");
    let (mut child, base, log) = serve_with_limit(150, 150, &dir).await;
    let lines = limit_lines(&log);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("limit 150 (the hard limit)"), "{lines:?}");
    assert!(lines[0].contains("raise the hard limit"), "{lines:?}");
    // More connections than the limit: the kernel queues what the server cannot accept; the
    // server does not fall over.
    let addr = base.trim_start_matches("http://").to_owned();
    let mut held = Vec::new();
    for _ in 0..200 {
        if let Ok(Ok(s)) =
            tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(&addr))
                .await
        {
            held.push(s);
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(held);
    let mut ok = false;
    for _ in 0..100 {
        let res = reqwest::Client::new()
            .get(format!("{base}/healthz"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if res.is_ok_and(|r| r.status().is_success()) {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ok, "serves again: {}", std::fs::read_to_string(&log).unwrap_or_default());
    assert!(child.0.try_wait().expect("status").is_none(), "still running");
}
