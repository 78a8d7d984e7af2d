//! Test harness: starts the real application on a random port with a fresh database in a
//! temporary directory, seeds a small fixture, and offers HTTP and WebSocket clients.
#![allow(dead_code)]
use app::server::state::AppState;
use backend::service::auth::create_staff;
use backend::store::{DatabaseUrl, NewCandidate, NewExam, SessionOwner};
use chrono::{Duration, Utc};
use domain::{ExamCode, ExamId, Role, RoomId, TicketNumber, View};
use futures::{SinkExt, StreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use server::{Application, Settings};
use std::net::SocketAddr;
use tempfile::TempDir;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub const EXAM: &str = "TEST01";
pub const PASSWORD: &str = "password-123";

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub exam: ExamId,
    pub room_a: RoomId,
    pub room_b: RoomId,
    pub dir: TempDir,
    server: tokio::task::JoinHandle<()>,
    /// Phone session cookies made for PC cookies (see [`TestApp::phone_cookie`]).
    phones: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Starts the app on `dir` (a fresh one if `None`).
pub async fn start(dir: TempDir, seed: bool) -> TestApp {
    let settings = Settings::in_dir(dir.path().to_path_buf());
    start_with(dir, seed, settings).await
}

/// Starts the app on `dir` with `settings` (their data directory is set to `dir`; the
/// database is the suite's, see [`database_url`], unless the settings name one).
pub async fn start_with(dir: TempDir, seed: bool, mut settings: Settings) -> TestApp {
    settings.data_dir = dir.path().to_path_buf();
    if settings.database.is_none() {
        settings.database = Some(database_url(dir.path()).await);
    }
    let app = Application::build(settings).await.expect("app builds");
    let addr = app.local_addr();
    let state = app.state();
    let server = tokio::spawn(async move {
        let _ = app.run_until_stopped().await;
    });
    let (exam, room_a, room_b) =
        if seed { seed_fixture(&state).await } else { lookup(&state).await };
    TestApp { addr, state, exam, room_a, room_b, dir, server, phones: Default::default() }
}

pub async fn spawn_app() -> TestApp {
    start(tempfile::tempdir().expect("tempdir"), true).await
}

/// A seeded app started with settings changed by `change`.
pub async fn spawn_app_with(change: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::in_dir(dir.path().to_path_buf());
    change(&mut settings);
    start_with(dir, true, settings).await
}

/// The database the suite runs a test on: the SQLite file in the test's directory or, when
/// `VIGIL_TEST_SERVER_DB=postgres`, a schema of its own (named after the directory, so a
/// restarted server finds it again) in the database `VIGIL_TEST_POSTGRES` names.
pub async fn database_url(dir: &std::path::Path) -> DatabaseUrl {
    if std::env::var("VIGIL_TEST_SERVER_DB").as_deref() != Ok("postgres") {
        return DatabaseUrl::Sqlite(dir.join("vigil.db"));
    }
    let base = std::env::var("VIGIL_TEST_POSTGRES")
        .expect("VIGIL_TEST_SERVER_DB=postgres needs VIGIL_TEST_POSTGRES (a database URL)");
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&dir, &mut hasher);
    let schema = format!("server_{:016x}", std::hash::Hasher::finish(&hasher));
    backend::store::postgres_schema(&base, &schema).await.expect("VIGIL_TEST_POSTGRES schema")
}

/// A plain connection to the test's database, for what the store does not expose (the audit
/// log, a submission's frozen answers, extra time). SQL in it uses `$1` placeholders, which
/// both databases read.
pub async fn raw_db(dir: &std::path::Path) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    sqlx::AnyConnection::connect(&database_arg(dir).await).await.expect("db")
}

/// [`database_url`] as `--database` takes it (with its password, if it has one).
pub async fn database_arg(dir: &std::path::Path) -> String {
    match database_url(dir).await {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(url) => url,
    }
}

/// The fixture's ids in a database seeded earlier (zeros when there is none).
async fn lookup(state: &AppState) -> (ExamId, RoomId, RoomId) {
    let code = ExamCode::parse(EXAM).expect("code");
    match state.store.exam_by_code(&code).await.expect("db") {
        Some(exam) => (exam.id, RoomId(1), RoomId(2)),
        None => (ExamId(0), RoomId(0), RoomId(0)),
    }
}

/// Exam TEST01 (starts in 10 minutes), rooms A and B, admin `admin`, proctor `proctora` in room A,
/// proctor `proctorb` in room B, candidates T-0001 and T-0002 in A, T-0003 and T-0004 in B.
async fn seed_fixture(state: &AppState) -> (ExamId, RoomId, RoomId) {
    let exam = state
        .store
        .create_exam(NewExam {
            code: ExamCode::parse(EXAM).expect("code"),
            title: "Test exam".into(),
            starts_at: Utc::now() + Duration::minutes(10),
            duration_min: 120,
            earliest_submit_min: 30,
            late_entry_min: 15,
        })
        .await
        .expect("exam");
    create_staff(state, "admin", "Admin", Role::Admin, PASSWORD).await.expect("admin");
    let a = state.store.create_room(exam, "A").await.expect("room");
    let b = state.store.create_room(exam, "B").await.expect("room");
    for (user, room) in [("proctora", a), ("proctorb", b)] {
        let id = create_staff(state, user, user, Role::Proctor, PASSWORD).await.expect("proctor");
        state.store.assign_proctor(room, id).await.expect("assign");
    }
    for n in 1..=4 {
        state
            .store
            .add_candidate(NewCandidate {
                exam_id: exam,
                room_id: if n <= 2 { a } else { b },
                ticket: TicketNumber::parse(&format!("T-000{n}")).expect("ticket"),
                name: format!("Candidate {n}"),
                id_card: format!("11010119900101000{n}"),
                photo_key: None,
            })
            .await
            .expect("candidate");
    }
    (exam, a, b)
}

impl TestApp {
    /// Whether the server stopped serving (it drained and returned) within `within`.
    pub async fn stopped(&mut self, within: std::time::Duration) -> bool {
        tokio::time::timeout(within, &mut self.server).await.is_ok()
    }

    /// `/metrics` as read by `cookie` (an admin's).
    pub async fn metrics(&self, cookie: &str) -> String {
        let res = reqwest::Client::new().get(self.url("/metrics")).header("cookie", cookie);
        res.send().await.expect("metrics").text().await.expect("text")
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn ws_url(&self, path: &str) -> String {
        format!("ws://{}{}", self.addr, path)
    }

    /// POSTs a server function form and returns (status, body, session cookie if set).
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> (u16, serde_json::Value, Option<String>) {
        let mut req = reqwest::Client::new().post(self.url(path)).form(form);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("vigil_") && !v.contains("Max-Age=0"))
            .map(str::to_string);
        let body = res.json().await.unwrap_or(serde_json::Value::Null);
        (status, body, cookie)
    }

    /// Logs a staff member in; returns the `name=value` cookie pair.
    pub async fn staff_cookie(&self, user: &str) -> String {
        let (status, body, cookie) = self
            .post_form("/api/staff/login", &[("username", user), ("password", PASSWORD)], None)
            .await;
        assert_eq!(status, 200, "{body}");
        pair(&cookie.expect("cookie"))
    }

    /// Logs a candidate in; returns the `name=value` cookie pair.
    pub async fn candidate_cookie(&self, ticket: &str) -> String {
        let (status, body, cookie) = self
            .post_form("/api/candidate/login", &[("exam_code", EXAM), ("ticket", ticket)], None)
            .await;
        assert_eq!(status, 200, "{body}");
        pair(&cookie.expect("cookie"))
    }

    /// The phone session of the candidate signed in with `pc_cookie`, as the QR pairing makes
    /// one (made once per PC cookie, straight in the store, for tests that are not about
    /// pairing).
    pub async fn phone_cookie(&self, pc_cookie: &str) -> String {
        if let Some(c) = self.phones.lock().expect("lock").get(pc_cookie) {
            return c.clone();
        }
        let token = pc_cookie.split_once('=').expect("name=value").1;
        let hash = backend::auth::token_hash(token);
        let rec = self.state.store.session(&hash, Utc::now()).await.expect("db").expect("session");
        let SessionOwner::Candidate(id, _) = rec.owner else { panic!("not a candidate cookie") };
        let (phone, phone_hash) = backend::auth::new_token();
        let owner = SessionOwner::Candidate(id, View::Phone);
        let now = Utc::now();
        self.state
            .store
            .create_session(&phone_hash, owner, now, now + Duration::hours(8))
            .await
            .expect("phone session");
        let cookie = format!("vigil_candidate={phone}");
        self.phones.lock().expect("lock").insert(pc_cookie.to_string(), cookie.clone());
        cookie
    }

    /// Opens a WebSocket with a cookie; `Err(status)` when the upgrade is refused.
    pub async fn ws(&self, path: &str, cookie: Option<&str>) -> Result<Ws, u16> {
        let mut req = self.ws_url(path).into_client_request().expect("request");
        if let Some(c) = cookie {
            req.headers_mut().insert("cookie", c.parse().expect("header"));
        }
        match tokio_tungstenite::connect_async(req).await {
            Ok((ws, _)) => Ok(Ws(ws)),
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
            Err(e) => panic!("ws connect failed: {e}"),
        }
    }
}

/// POSTs a JSON body (server functions with `input = Json`); returns (status, body).
pub async fn post_json(
    app: &TestApp,
    path: &str,
    body: &serde_json::Value,
    cookie: Option<&str>,
) -> (u16, serde_json::Value) {
    post_json_to(app.url(path), body, cookie).await
}

/// [`post_json`] to a whole URL (a server the test started as a process, a balancer).
pub async fn post_json_to(
    url: String,
    body: &serde_json::Value,
    cookie: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new().post(url).json(body);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

/// The fixture candidate with `ticket`.
pub async fn candidate_id(app: &TestApp, ticket: &str) -> domain::CandidateId {
    let t = TicketNumber::parse(ticket).expect("ticket");
    app.state.store.candidate_by_ticket(app.exam, &t).await.expect("db").expect("candidate").id
}

/// Moves a candidate straight to `to` (set-up shortcut).
pub async fn jump(app: &TestApp, id: domain::CandidateId, to: domain::Phase) {
    let from = app.state.store.candidate(id).await.expect("db").expect("candidate").phase;
    assert!(app.state.store.set_phase(id, from, to, "test", Utc::now(), None).await.expect("db"));
}

/// A staff account's id.
pub async fn staff_id(app: &TestApp, username: &str) -> domain::StaffId {
    app.state.store.staff_credentials(username).await.expect("db").expect("staff").user.id
}

/// `name=value` from a Set-Cookie header.
pub fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_string()
}

pub struct Ws(
    pub tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
);

impl Ws {
    pub async fn send<T: Serialize>(&mut self, msg: &T) {
        self.send_text(&serde_json::to_string(msg).expect("json")).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.0.send(Message::Text(text.to_string().into())).await.expect("send");
    }

    pub async fn send_bytes(&mut self, bytes: Vec<u8>) {
        self.0.send(Message::Binary(bytes.into())).await.expect("send");
    }

    /// The next binary message, or `None` if none comes within `ms`.
    pub async fn recv_binary(&mut self, ms: u64) -> Option<Vec<u8>> {
        let until = tokio::time::Instant::now() + std::time::Duration::from_millis(ms);
        loop {
            let msg = tokio::time::timeout_at(until, self.0.next()).await.ok()??.ok()?;
            if let Message::Binary(b) = msg {
                return Some(b.to_vec());
            }
        }
    }

    /// The next text message parsed as `T` (fails the test after 10 s).
    pub async fn recv<T: DeserializeOwned>(&mut self) -> T {
        loop {
            let msg = tokio::time::timeout(std::time::Duration::from_secs(10), self.0.next())
                .await
                .expect("message within 10 s")
                .expect("socket open")
                .expect("no socket error");
            if let Message::Text(t) = msg {
                return serde_json::from_str(t.as_str()).unwrap_or_else(|e| panic!("{e}: {t}"));
            }
        }
    }

    /// Receives until `pred` matches (skipping other messages), within `secs`.
    pub async fn recv_until<T: DeserializeOwned>(
        &mut self,
        secs: u64,
        mut pred: impl FnMut(&T) -> bool,
    ) -> T {
        tokio::time::timeout(std::time::Duration::from_secs(secs), async {
            loop {
                let m: T = self.recv().await;
                if pred(&m) {
                    return m;
                }
            }
        })
        .await
        .expect("expected message in time")
    }

    /// Every text message that has come or comes within `ms` (the socket stays open).
    pub async fn texts_within(&mut self, ms: u64) -> Vec<String> {
        let mut texts = Vec::new();
        let end = tokio::time::Instant::now() + std::time::Duration::from_millis(ms);
        while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(end, self.0.next()).await {
            if let Message::Text(t) = msg {
                texts.push(t.to_string());
            }
        }
        texts
    }

    /// Reads until the server closes the socket (within `secs`): the text messages seen and
    /// the close code.
    pub async fn until_closed(&mut self, secs: u64) -> (Vec<String>, Option<u16>) {
        let mut texts = Vec::new();
        let end = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            match tokio::time::timeout_at(end, self.0.next()).await {
                Err(_) => panic!("socket still open after {secs} s; saw {texts:?}"),
                Ok(Some(Ok(Message::Text(t)))) => texts.push(t.to_string()),
                Ok(Some(Ok(Message::Close(frame)))) => {
                    return (texts, frame.map(|f| u16::from(f.code)));
                }
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_)) | None) => return (texts, None),
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.0.close(None).await;
    }
}

/// A free TCP port on loopback (for a server the test starts and may restart on it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

/// A `vigil serve` process of the test's own; killed when dropped.
pub struct Served {
    pub child: std::process::Child,
    pub base: String,
    pub port: u16,
    _dir: TempDir,
}

impl Served {
    /// Sends SIGTERM (as an orchestrator does) and waits for the process to exit, at most
    /// `within`; returns how it exited.
    pub async fn terminate(&mut self, within: std::time::Duration) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let kill = std::process::Command::new("kill").args(["-TERM", &pid]).status();
        assert!(kill.expect("kill").success());
        let t0 = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(t0.elapsed() < within, "still running {within:?} after SIGTERM");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `vigil serve` on `port` with its data in `dir` (face checks off: the http provider at
/// a closed port; no demo; the database from `args` or the directory's SQLite file) and waits
/// until `/healthz` answers.
pub async fn vigil_serve(port: u16, dir: TempDir, args: &[&str]) -> Served {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--face-provider", "http", "--face-url", "http://127.0.0.1:9/verify"])
        .args(args)
        .env_remove("VIGIL_DATABASE")
        .env_remove("VIGIL_DEMO")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("vigil serve");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok_and(|r| r.status().is_success()) {
            return Served { child, base, port, _dir: dir };
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("vigil serve did not start");
}

/// A face photo of `target/face-fixtures` (scripts/face-assets.sh).
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/face-fixtures")
        .join(name);
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}: run scripts/face-assets.sh", path.display()))
}

/// Adds a candidate to room A whose roster photo is `photo` (a face fixture).
pub async fn add_candidate_with_photo(
    app: &TestApp,
    ticket: &str,
    photo: &str,
) -> domain::CandidateId {
    let key = format!("roster/test/{}.jpg", ticket.to_ascii_lowercase());
    app.state.blobs.put(&key, fixture(photo)).await.expect("blob");
    app.state
        .store
        .add_candidate(NewCandidate {
            exam_id: app.exam,
            room_id: app.room_a,
            ticket: TicketNumber::parse(ticket).expect("ticket"),
            name: format!("Candidate {ticket}"),
            id_card: "110101199001019999".into(),
            photo_key: Some(key),
        })
        .await
        .expect("candidate")
}
