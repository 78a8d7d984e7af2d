//! PostgreSQL going away mid-exam: its connections are terminated (`pg_terminate_backend`)
//! and new ones fail; the server answers `unavailable` (503, typed) and `/readyz` fails; when
//! the database is back the server recovers by itself, and every answer it acknowledged is
//! there. Runs when `VIGIL_TEST_POSTGRES` names a database (a loud skip otherwise).
use crate::common::spawn_app_with;
use crate::journey::{ack, choice, enter_exam, open_exam, post_json, save, save_ok};
use backend::store::DatabaseUrl;
use chrono::Duration;
use serde_json::{Value, json};
use sqlx::postgres::PgConnectOptions;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration as StdDuration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// A TCP relay to PostgreSQL the test can cut: while down, it drops the relayed connections
/// and closes new ones at once (the database host unreachable, as the server sees it).
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
    pipes: Arc<tokio::sync::Mutex<JoinSet<()>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let up = Arc::new(AtomicBool::new(true));
        let pipes = Arc::new(tokio::sync::Mutex::new(JoinSet::new()));
        let (up2, pipes2) = (up.clone(), pipes.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    continue; // dropped: closed at once
                }
                let upstream = upstream.clone();
                pipes2.lock().await.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Self { port, up, pipes, accept }
    }

    /// New connections are closed at once; the relayed ones end with their backends.
    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
    }

    /// Cuts what is still relayed.
    async fn cut(&self) {
        self.pipes.lock().await.abort_all();
    }

    fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn readyz(app: &crate::common::TestApp) -> (u16, Value) {
    let res = reqwest::Client::new()
        .get(app.url("/readyz"))
        .timeout(StdDuration::from_secs(30))
        .send()
        .await
        .expect("readyz");
    let status = res.status().as_u16();
    (status, res.json().await.expect("json"))
}

#[tokio::test]
async fn a_lost_database_gives_unavailable_then_the_server_recovers_with_nothing_lost() {
    let Some(base) = std::env::var("VIGIL_TEST_POSTGRES").ok().filter(|u| !u.is_empty()) else {
        eprintln!(
            "SKIPPED: VIGIL_TEST_POSTGRES is not set; the PostgreSQL outage test did not run"
        );
        return;
    };
    // A database of its own, reached through the relay.
    let options: PgConnectOptions = base.parse().expect("VIGIL_TEST_POSTGRES is a URL");
    let name = format!("vigil_outage_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&base).await.expect("VIGIL_TEST_POSTGRES connects");
    let drop_db = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    sqlx::query(&drop_db).execute(&admin).await.expect("drop");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create");
    let relay = Relay::start(format!("{}:{}", options.get_host(), options.get_port())).await;
    let url = format!("postgres://{}@127.0.0.1:{}/{name}", options.get_username(), relay.port);
    let database: DatabaseUrl = url.parse().expect("url");
    let app = spawn_app_with(|s| {
        s.database = Some(database);
        s.database_pool = 4;
    })
    .await;
    let (status, body) = readyz(&app).await;
    assert_eq!(
        (status, body["store"].as_str(), body["database"].as_str()),
        (200, Some("postgres"), Some("ok"))
    );

    open_exam(&app, Duration::minutes(1)).await;
    let (id, cookie) = enter_exam(&app, "T-0001").await;
    let acked = save_ok(&app, &cookie, vec![save("q1", choice("a"), 1)]).await;
    assert_eq!(acked, vec![ack("q1", 1)]);

    // The database goes away: its connections are terminated, new ones fail.
    relay.down();
    let killed: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
    )
    .bind(&name)
    .fetch_all(&admin)
    .await
    .expect("terminate");
    assert!(!killed.is_empty(), "the server had connections to terminate");
    relay.cut().await;

    let (status, body) = readyz(&app).await;
    assert_eq!(
        (status, body["store"].as_str(), body["database"].as_str()),
        (503, Some("postgres"), Some("unavailable"))
    );
    let body = json!({ "saves": [save("q2", choice("b"), 1)] });
    let (status, err) = post_json(&app, "/api/exam/save", &body, &cookie).await;
    assert_eq!((status, err), (503, json!({ "kind": "unavailable" })));

    // Back: the server recovers by itself (no restart), within seconds.
    relay.up();
    let back = Instant::now();
    while readyz(&app).await.0 != 200 {
        assert!(
            back.elapsed() < StdDuration::from_secs(20),
            "not ready 20 s after the database came back"
        );
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
    eprintln!("ready again {:?} after the database came back", back.elapsed());
    let acked = save_ok(&app, &cookie, vec![save("q2", choice("b"), 1)]).await;
    assert_eq!(acked, vec![ack("q2", 1)]);
    let stored = app.state.store.answers(id).await.expect("db");
    let got: Vec<_> = stored.iter().map(|a| (a.question_id.as_str(), a.version)).collect();
    assert_eq!(got, vec![("q1", 1), ("q2", 1)], "every acknowledged answer is kept");

    drop(app);
    let _ = sqlx::query(&drop_db).execute(&admin).await;
}
