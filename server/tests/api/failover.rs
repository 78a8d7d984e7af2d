//! An instance killed mid-exam (`kill -9`, two real `vigil serve` processes on the suite's
//! database and, when `VIGIL_TEST_NATS` is set, on NATS): every answer and flag it
//! acknowledged is kept, the candidate carries on on the other instance without signing in
//! again, and the other instance submits the sitting at the deadline.
use crate::common::{PASSWORD, database_arg, pair, spawn_app_with};
use crate::journey::{choice, enter_exam, open_exam, save};
use domain::flag::FlagKind;
use domain::protocol::{CandidateClientMsg, CandidateServerMsg, PROTOCOL_VERSION};
use domain::{Phase, SubmitKind, View};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

struct Instance {
    child: Child,
    base: String,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("a").port()
}

async fn instance(database: &str, bus: Option<&(String, String)>) -> Instance {
    instance_on(free_port(), database, bus).await
}

async fn instance_on(port: u16, database: &str, bus: Option<&(String, String)>) -> Instance {
    let dir = tempfile::tempdir().expect("tmp");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigil"));
    cmd.args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--database", database])
        .args(["--face-provider", "http", "--face-url", "http://127.0.0.1:9/verify"])
        .args(["--min-free-disk-mb", "0", "--drain-delay-secs", "0"])
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("VIGIL_DEMO")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some((url, prefix)) = bus {
        cmd.args(["--bus", url, "--bus-prefix", prefix]);
    }
    let mut child = cmd.spawn().expect("vigil serve");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok_and(|r| r.status().is_success()) {
            return Instance { child, base, port, _dir: dir };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("vigil serve did not start");
}

async fn post(base: &str, path: &str, body: &Value, cookie: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header("cookie", cookie)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_instance_killed_mid_exam_loses_nothing_and_the_other_carries_on() {
    // The fixture's database (this in-process server runs no timers: A and B do the work).
    let seed = spawn_app_with(|s| s.timers = false).await;
    let database = database_arg(seed.dir.path()).await;
    let bus = std::env::var("VIGIL_TEST_NATS")
        .ok()
        .filter(|u| !u.is_empty())
        .map(|u| (u, format!("vigil_failover_{:016x}", rand::random::<u64>())));
    open_exam(&seed, chrono::Duration::minutes(1)).await;
    let (id, cookie) = enter_exam(&seed, "T-0001").await;
    // The deadline is 15 s away.
    let start = chrono::Utc::now() - chrono::Duration::minutes(120) + chrono::Duration::seconds(15);
    seed.state.store.reschedule_exam(seed.exam, start).await.expect("reschedule");
    let a = instance(&database, bus.as_ref()).await;
    let b = instance(&database, bus.as_ref()).await;

    // Answers and a proctor's flag acknowledged by A.
    for (q, o) in [("q1", "a"), ("q2", "b")] {
        let body = json!({ "saves": [save(q, choice(o), 1)] });
        assert_eq!(post(&a.base, "/api/exam/save", &body, &cookie).await.0, 200);
    }
    let login = [("username", "proctora"), ("password", PASSWORD)];
    let res = reqwest::Client::new()
        .post(format!("{}/api/staff/login", a.base))
        .form(&login)
        .send()
        .await
        .expect("login");
    let staff = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("vigil_"))
        .map(pair)
        .expect("staff cookie");
    let flag = json!({ "candidate": id, "kind": FlagKind::Other, "note": "before the crash" });
    assert_eq!(post(&a.base, "/api/proctor/flag", &flag, &staff).await.0, 200);

    // A dies mid-exam, without a word.
    drop(a);

    // The candidate's page goes on on B with the same session: a socket, and the next answer.
    let mut req = format!("{}/ws/candidate", b.base.replace("http", "ws"))
        .into_client_request()
        .expect("request");
    req.headers_mut().insert("cookie", cookie.parse().expect("header"));
    let t0 = Instant::now();
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("socket on B");
    let hello = CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc };
    ws.send(Message::Text(serde_json::to_string(&hello).expect("json").into()))
        .await
        .expect("send");
    let welcome = loop {
        match ws.next().await.expect("message").expect("frame") {
            Message::Text(t) => {
                break serde_json::from_str::<CandidateServerMsg>(&t).expect("json");
            }
            _ => continue,
        }
    };
    assert!(matches!(welcome, CandidateServerMsg::Welcome { .. }), "{welcome:?}");
    assert!(t0.elapsed() < Duration::from_secs(10));
    let body = json!({ "saves": [save("q3", choice("c"), 1)] });
    assert_eq!(post(&b.base, "/api/exam/save", &body, &cookie).await.0, 200);

    // Everything acknowledged is there.
    let stored = seed.state.store.answers(id).await.expect("db");
    let got: Vec<_> = stored.iter().map(|a| a.question_id.as_str()).collect();
    assert_eq!(got, vec!["q1", "q2", "q3"]);
    let flags = seed.state.store.flags(id).await.expect("db");
    assert_eq!(flags.len(), 1, "{flags:?}");

    // B submits the sitting at the deadline.
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let c = seed.state.store.candidate(id).await.expect("db").expect("candidate");
        if c.phase == Phase::Submitted(SubmitKind::Auto) {
            break;
        }
        assert!(Instant::now() < until, "not submitted 30 s after A died: {:?}", c.phase);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(seed.state.store.submission(id).await.expect("db").is_some());
}

/// A load balancer for the test: each new connection goes to the next instance that accepts
/// it (round robin), as a TCP balancer with connect checks does.
struct Balancer {
    port: u16,
    accept: tokio::task::JoinHandle<()>,
}

impl Balancer {
    async fn start(backends: Vec<u16>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let accept = tokio::spawn(async move {
            let mut next = 0usize;
            while let Ok((mut client, _)) = listener.accept().await {
                let order: Vec<u16> =
                    (0..backends.len()).map(|i| backends[(next + i) % backends.len()]).collect();
                next += 1;
                tokio::spawn(async move {
                    for port in order {
                        if let Ok(mut server) =
                            tokio::net::TcpStream::connect(("127.0.0.1", port)).await
                        {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            return;
                        }
                    }
                });
            }
        });
        Self { port, accept }
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

type Page =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The candidate's PC page, through the balancer, welcomed.
async fn page(base: &str, cookie: &str) -> Page {
    let mut req =
        format!("{}/ws/candidate", base.replace("http", "ws")).into_client_request().expect("r");
    req.headers_mut().insert("cookie", cookie.parse().expect("header"));
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("socket");
    let hello = CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc };
    ws.send(Message::Text(serde_json::to_string(&hello).expect("json").into())).await.expect("s");
    loop {
        if let Message::Text(t) = ws.next().await.expect("message").expect("frame") {
            let m = serde_json::from_str::<CandidateServerMsg>(&t).expect("json");
            assert!(matches!(m, CandidateServerMsg::Welcome { .. }), "{m:?}");
            return ws;
        }
    }
}

/// Stops an instance as an orchestrator does (SIGTERM) and waits for it to exit cleanly.
async fn stop(mut instance: Instance) {
    let pid = instance.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let t0 = Instant::now();
    loop {
        if let Some(status) = instance.child.try_wait().expect("wait") {
            assert!(status.success(), "{status:?}");
            return;
        }
        assert!(t0.elapsed() < Duration::from_secs(15), "still running 15 s after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_rolling_restart_during_the_exam_loses_nothing_and_the_page_comes_back_by_itself() {
    let seed = spawn_app_with(|s| s.timers = false).await;
    let database = database_arg(seed.dir.path()).await;
    let bus = std::env::var("VIGIL_TEST_NATS")
        .ok()
        .filter(|u| !u.is_empty())
        .map(|u| (u, format!("vigil_rolling_{:016x}", rand::random::<u64>())));
    open_exam(&seed, chrono::Duration::minutes(1)).await;
    let (id, cookie) = enter_exam(&seed, "T-0001").await;
    let mut instances =
        vec![instance(&database, bus.as_ref()).await, instance(&database, bus.as_ref()).await];
    let lb = Balancer::start(instances.iter().map(|i| i.port).collect()).await;
    let base = format!("http://127.0.0.1:{}", lb.port);
    let mut ws = page(&base, &cookie).await;
    let mut saved = vec![];
    for (n, q) in ["q1", "q2"].into_iter().enumerate() {
        // An answer, then the next instance restarts (one at a time, as a rolling restart).
        let body = json!({ "saves": [save(q, choice("a"), 1)] });
        assert_eq!(post(&base, "/api/exam/save", &body, &cookie).await.0, 200);
        saved.push(q);
        let old = instances.remove(0);
        let port = old.port;
        stop(old).await;
        // The page's socket, wherever it was, is open or comes back through the balancer
        // without signing in again (a closed one is reopened, as the page does).
        let ping = Message::Text(
            serde_json::to_string(&CandidateClientMsg::Heartbeat).expect("json").into(),
        );
        let alive = ws.send(ping).await.is_ok()
            && tokio::time::timeout(Duration::from_secs(2), async {
                loop {
                    match ws.next().await {
                        Some(Ok(Message::Text(t))) if t.contains("heartbeat_ack") => return true,
                        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return false,
                        _ => {}
                    }
                }
            })
            .await
            .unwrap_or(false);
        if !alive {
            ws = page(&base, &cookie).await;
        }
        instances.push(instance_on(port, &database, bus.as_ref()).await);
        eprintln!(
            "instance {n} restarted; the page's socket {}",
            if alive { "stayed" } else { "came back" }
        );
    }
    let body = json!({ "saves": [save("q3", choice("c"), 1)] });
    assert_eq!(post(&base, "/api/exam/save", &body, &cookie).await.0, 200);
    saved.push("q3");
    let stored = seed.state.store.answers(id).await.expect("db");
    assert_eq!(stored.iter().map(|a| a.question_id.as_str()).collect::<Vec<_>>(), saved);
    let c = seed.state.store.candidate(id).await.expect("db").expect("candidate");
    assert_eq!(c.phase, Phase::InExam);
}
