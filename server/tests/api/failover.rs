//! An instance killed mid-exam (`kill -9`, two real `vigil serve` processes on the suite's
//! database and, when `VIGIL_TEST_NATS` is set, on NATS): every answer and flag it
//! acknowledged is kept, the candidate carries on on the other instance without signing in
//! again, and the other instance submits the sitting at the deadline.
use crate::common::{
    PASSWORD, Served, TestApp, database_arg, free_port, pair, post_json_to, spawn_app_with,
    vigil_serve,
};
use crate::journey::{choice, enter_exam, open_exam, save};
use domain::flag::FlagKind;
use domain::protocol::{CandidateClientMsg, CandidateServerMsg, PROTOCOL_VERSION};
use domain::{CandidateId, Phase, SubmitKind, View};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Bus = Option<(String, String)>;

/// The suite's NATS (when `VIGIL_TEST_NATS` names one), on a prefix of the test's own.
fn test_bus(tag: &str) -> Bus {
    let url = std::env::var("VIGIL_TEST_NATS").ok().filter(|u| !u.is_empty())?;
    Some((url, format!("vigil_{tag}_{:016x}", rand::random::<u64>())))
}

/// An instance on `database` (and the bus), as its own `vigil serve` process.
async fn instance_on(port: u16, database: &str, bus: &Bus) -> Served {
    let mut args =
        vec!["--database", database, "--min-free-disk-mb", "0", "--drain-delay-secs", "0"];
    if let Some((url, prefix)) = bus {
        args.extend(["--bus", url.as_str(), "--bus-prefix", prefix.as_str()]);
    }
    vigil_serve(port, tempfile::tempdir().expect("tmp"), &args).await
}

async fn instance(database: &str, bus: &Bus) -> Served {
    instance_on(free_port(), database, bus).await
}

async fn post(base: &str, path: &str, body: &Value, cookie: &str) -> (u16, Value) {
    post_json_to(format!("{base}{path}"), body, Some(cookie)).await
}

/// The fixture's database (its in-process server runs no timers: the instances do the work),
/// with T-0001 in the exam; returns it, its `--database` and the candidate's id and cookie.
async fn sitting() -> (TestApp, String, CandidateId, String) {
    let seed = spawn_app_with(|s| s.timers = false).await;
    let database = database_arg(seed.dir.path()).await;
    open_exam(&seed, chrono::Duration::minutes(1)).await;
    let (id, cookie) = enter_exam(&seed, "T-0001").await;
    (seed, database, id, cookie)
}

#[tokio::test]
async fn an_instance_killed_mid_exam_loses_nothing_and_the_other_carries_on() {
    let (seed, database, id, cookie) = sitting().await;
    let bus = test_bus("failover");
    // The deadline is 15 s away.
    let start = chrono::Utc::now() - chrono::Duration::minutes(120) + chrono::Duration::seconds(15);
    seed.state.store.reschedule_exam(seed.exam, start).await.expect("reschedule");
    let a = instance(&database, &bus).await;
    let b = instance(&database, &bus).await;

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

#[tokio::test]
async fn a_rolling_restart_during_the_exam_loses_nothing_and_the_page_comes_back_by_itself() {
    let (seed, database, id, cookie) = sitting().await;
    let bus = test_bus("rolling");
    let mut instances = vec![instance(&database, &bus).await, instance(&database, &bus).await];
    let lb = Balancer::start(instances.iter().map(|i| i.port).collect()).await;
    let base = format!("http://127.0.0.1:{}", lb.port);
    let mut ws = page(&base, &cookie).await;
    let mut saved = vec![];
    for (n, q) in ["q1", "q2"].into_iter().enumerate() {
        // An answer, then the next instance restarts (one at a time, as a rolling restart).
        let body = json!({ "saves": [save(q, choice("a"), 1)] });
        assert_eq!(post(&base, "/api/exam/save", &body, &cookie).await.0, 200);
        saved.push(q);
        let mut old = instances.remove(0);
        let port = old.port;
        let status = old.terminate(Duration::from_secs(15)).await;
        assert!(status.success(), "{status:?}");
        drop(old);
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
        instances.push(instance_on(port, &database, &bus).await);
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
