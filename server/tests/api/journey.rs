//! The candidate journey over HTTP: answers that survive restarts, the deadline's automatic
//! submission (also across a restart, and with extra time), the earliest-submit rule, answer
//! save idempotency, phone pairing misuse, face verification and the device report.
use crate::common::{
    TestApp, Ws, add_candidate_with_photo, fixture, raw_db, spawn_app, start, start_with,
};
use backend::clock::{AdjustableClock, Clock};
use chrono::{DateTime, Duration, Utc};
use domain::device::{
    BrowserCheck, CameraCheck, CheckOutcome, DeviceReport, MicCheck, NetworkCheck, SpeakerCheck,
};
use domain::face::{FaceDecision, FaceError, PhotoRole};
use domain::journey::{FaceCheck, FaceProgress, JourneyState, PhoneState};
use domain::protocol::ProctorServerMsg;
use domain::sitting::{AnswerAck, ExamSheet};
use domain::{CandidateId, CandidateSelf, Phase, SubmitKind, TicketNumber, VerificationStatus};
use serde_json::{Value, json};
use server::Settings;
use std::sync::Arc;
use std::time::Duration as StdDuration;
use tempfile::TempDir;

const PAPER: &str = include_str!("../../src/demo_paper.json");

// ---------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------

/// An app on its own runtime, so that stopping it stops everything it started (the
/// auto-submit and presence loops included), as the end of the process would. Dropping a
/// `TestApp` alone only aborts the HTTP server task: the loops it spawned keep running.
struct Process {
    rt: Option<tokio::runtime::Runtime>,
    app: TestApp,
}

impl Process {
    async fn start(dir: TempDir, seed: bool) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let app = rt.spawn(start(dir, seed)).await.expect("app starts");
        Self { rt: Some(rt), app }
    }

    /// Stops the app and everything it spawned; returns its data directory.
    fn stop(mut self) -> TempDir {
        std::mem::replace(&mut self.app.dir, tempfile::tempdir().expect("tmp"))
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

impl std::ops::Deref for Process {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// POSTs a JSON body (server functions with `input = Json`); returns (status, body).
pub(crate) async fn post_json(
    app: &TestApp,
    path: &str,
    body: &Value,
    cookie: &str,
) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(app.url(path))
        .header("cookie", cookie)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// POSTs a raw body (photo uploads); returns (status, body).
async fn post_bytes(app: &TestApp, path: &str, bytes: Vec<u8>, cookie: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(app.url(path))
        .header("cookie", cookie)
        .header("content-type", "image/jpeg")
        .body(bytes)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn parse<T: serde::de::DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"))
}

async fn candidate_id(app: &TestApp, ticket: &str) -> CandidateId {
    let t = TicketNumber::parse(ticket).expect("ticket");
    app.state.store.candidate_by_ticket(app.exam, &t).await.expect("db").expect("candidate").id
}

async fn stored_phase(app: &TestApp, id: CandidateId) -> Phase {
    app.state.store.candidate(id).await.expect("db").expect("candidate").phase
}

/// Set-up shortcut: moves a candidate straight to `to` (the steps on the way are tested
/// elsewhere; what is under test here goes through HTTP).
async fn jump(app: &TestApp, id: CandidateId, to: Phase) {
    let from = stored_phase(app, id).await;
    let moved =
        app.state.store.set_phase(id, from, to, "test", Utc::now(), None).await.expect("db");
    assert!(moved, "{from:?} -> {to:?}");
}

/// Gives the exam its paper and moves its start to `started_ago` before now.
pub(crate) async fn open_exam(app: &TestApp, started_ago: Duration) {
    app.state.store.set_exam_paper(app.exam, PAPER).await.expect("paper");
    reschedule(app, Utc::now() - started_ago).await;
}

async fn reschedule(app: &TestApp, starts_at: DateTime<Utc>) {
    app.state.store.reschedule_exam(app.exam, starts_at).await.expect("reschedule");
}

/// Logs `ticket` in, takes it to the instructions, and opens the exam screen over HTTP
/// (which starts the sitting). The exam must have started.
pub(crate) async fn enter_exam(app: &TestApp, ticket: &str) -> (CandidateId, String) {
    let cookie = app.candidate_cookie(ticket).await;
    let id = candidate_id(app, ticket).await;
    jump(app, id, Phase::InstructionsRead).await;
    let (status, body, _) = app.post_form("/api/exam/sheet", &[], Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(stored_phase(app, id).await, Phase::InExam);
    (id, cookie)
}

async fn journey(app: &TestApp, cookie: &str) -> JourneyState {
    let (status, body, _) = app.post_form("/api/journey/state", &[], Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    parse(&body)
}

async fn sheet(app: &TestApp, cookie: &str) -> ExamSheet {
    let (status, body, _) = app.post_form("/api/exam/sheet", &[], Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    parse(&body)
}

pub(crate) fn save(question: &str, answer: Value, version: u64) -> Value {
    json!({ "question_id": question, "answer": answer, "version": version })
}

pub(crate) fn choice(option: &str) -> Value {
    json!({ "kind": "single_choice", "option": option })
}

fn essay(text: &str) -> Value {
    json!({ "kind": "essay", "text": text })
}

/// Saves answers; expects 200 and returns the acks.
pub(crate) async fn save_ok(app: &TestApp, cookie: &str, saves: Vec<Value>) -> Vec<AnswerAck> {
    let (status, body) = post_json(app, "/api/exam/save", &json!({ "saves": saves }), cookie).await;
    assert_eq!(status, 200, "{body}");
    parse(&body)
}

pub(crate) fn ack(question: &str, version: u64) -> AnswerAck {
    AnswerAck { question_id: question.into(), stored_version: version }
}

/// The saved answers of a sheet as (question, answer JSON, version), sorted.
fn saved(sheet: &ExamSheet) -> Vec<(String, Value, u64)> {
    let mut v: Vec<_> = sheet
        .answers
        .iter()
        .map(|a| (a.question_id.clone(), serde_json::to_value(&a.answer).expect("json"), a.version))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// The answers frozen with a submission: question id -> {answer, version}.
async fn submitted_answers(dir: &std::path::Path, id: CandidateId) -> Value {
    let json: String =
        sqlx::query_scalar("SELECT answers_json FROM submissions WHERE candidate_id = $1")
            .bind(id.0)
            .fetch_one(&mut raw_db(dir).await)
            .await
            .expect("submission row");
    serde_json::from_str(&json).expect("json")
}

/// Polls `/api/journey/state` until the phase is `want` (fails after `secs`).
async fn wait_for_phase(app: &TestApp, cookie: &str, want: Phase, secs: u64) -> StdDuration {
    let t0 = std::time::Instant::now();
    loop {
        let got = journey(app, cookie).await.me.phase;
        if got == want {
            return t0.elapsed();
        }
        assert!(t0.elapsed() < StdDuration::from_secs(secs), "still {got:?} after {secs} s");
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    }
}

// ---------------------------------------------------------------------------------------
// 1. Answers across restarts
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn saved_answers_survive_restarts_between_saves_exactly_as_acknowledged() {
    let p = Process::start(tempfile::tempdir().expect("tmp"), true).await;
    open_exam(&p, Duration::minutes(1)).await;
    let (_, cookie) = enter_exam(&p, "T-0001").await;

    let acks = save_ok(
        &p,
        &cookie,
        vec![
            save("q1", choice("a"), 1),
            save("q11", json!({ "kind": "fill_in", "blanks": ["went", ""] }), 1),
            save("q14", essay("First draft"), 1),
        ],
    )
    .await;
    assert_eq!(acks, vec![ack("q1", 1), ack("q11", 1), ack("q14", 1)]);
    assert_eq!(save_ok(&p, &cookie, vec![save("q1", choice("b"), 2)]).await, vec![ack("q1", 2)]);

    // Stop everything, start again on the same directory: what was acknowledged is there.
    let p = Process::start(p.stop(), false).await;
    let expected_1 = vec![
        ("q1".to_string(), choice("b"), 2),
        ("q11".to_string(), json!({ "kind": "fill_in", "blanks": ["went", ""] }), 1),
        ("q14".to_string(), essay("First draft"), 1),
    ];
    assert_eq!(saved(&sheet(&p, &cookie).await), expected_1);

    // Saves go on after the restart: a new version, and a retry of a save acknowledged
    // before the restart (acknowledged again with what is stored).
    assert_eq!(
        save_ok(&p, &cookie, vec![save("q14", essay("Second draft"), 2)]).await,
        vec![ack("q14", 2)]
    );
    assert_eq!(save_ok(&p, &cookie, vec![save("q1", choice("a"), 1)]).await, vec![ack("q1", 2)]);
    assert_eq!(save_ok(&p, &cookie, vec![save("q1", choice("b"), 2)]).await, vec![ack("q1", 2)]);

    let app = start(p.stop(), false).await;
    let mut expected_2 = expected_1;
    expected_2[2] = ("q14".to_string(), essay("Second draft"), 2);
    assert_eq!(saved(&sheet(&app, &cookie).await), expected_2);
    assert_eq!(journey(&app, &cookie).await.me.phase, Phase::InExam);
}

// ---------------------------------------------------------------------------------------
// 2. Automatic submission at the deadline
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_deadline_submits_automatically_even_when_it_passes_while_the_server_is_down() {
    let p = Process::start(tempfile::tempdir().expect("tmp"), true).await;
    open_exam(&p, Duration::minutes(1)).await;
    let (a, cookie_a) = enter_exam(&p, "T-0001").await;
    let (b, cookie_b) = enter_exam(&p, "T-0002").await;
    save_ok(&p, &cookie_a, vec![save("q1", choice("c"), 3), save("q14", essay("Done."), 7)]).await;
    save_ok(&p, &cookie_b, vec![save("q2", choice("d"), 1)]).await;
    // B has a minute of extra time (no store method sets it: plain SQL).
    sqlx::query("UPDATE candidates SET extra_minutes = 1 WHERE id = $1")
        .bind(b.0)
        .execute(&mut raw_db(p.dir.path()).await)
        .await
        .expect("extra time");

    // The deadline (start + 120 min) is ten minutes away; the server stops before it.
    let duration = Duration::minutes(120);
    let deadline = backend::clock::SystemClock.now() + Duration::minutes(10); // to the microsecond, as stored
    reschedule(&p, deadline - duration).await;
    let dir = p.stop();
    let phase: String = sqlx::query_scalar("SELECT phase FROM candidates WHERE id = $1")
        .bind(a.0)
        .fetch_one(&mut raw_db(dir.path()).await)
        .await
        .expect("db");
    assert_eq!(phase, "in_exam", "the stopped server must not have submitted");

    // The deadline passes while nothing runs (the restarted server's clock is ten minutes and
    // twenty seconds on; B's deadline, a minute later, has not come). Back up: the overdue
    // sitting is submitted at once, with its answers.
    let clock = Arc::new(AdjustableClock::default());
    clock.advance(Duration::minutes(10) + Duration::seconds(20));
    let mut settings = Settings::in_dir(dir.path().to_path_buf());
    settings.clock = clock.clone();
    let app = start_with(dir, false, settings).await;
    assert!(clock.now() > deadline);
    let took = wait_for_phase(&app, &cookie_a, Phase::Submitted(SubmitKind::Auto), 5).await;
    eprintln!("auto-submitted {took:?} after the restart");
    assert_eq!(journey(&app, &cookie_a).await.times.deadline, deadline);
    assert_eq!(journey(&app, &cookie_b).await.times.deadline, deadline + Duration::minutes(1));
    let (kind, actor, at) =
        app.state.store.submission(a).await.expect("db").expect("submission row");
    assert_eq!((kind.as_str(), actor.as_str()), ("submitted_auto", "system"));
    assert!(at >= deadline, "{at} before {deadline}");
    assert_eq!(
        submitted_answers(app.dir.path(), a).await,
        json!({
            "q1": { "answer": choice("c"), "version": 3 },
            "q14": { "answer": essay("Done."), "version": 7 },
        })
    );
    // Frozen: saving now is refused.
    let (status, body) = post_json(
        &app,
        "/api/exam/save",
        &json!({ "saves": [save("q1", choice("a"), 4)] }),
        &cookie_a,
    )
    .await;
    assert_eq!(
        (status, &body["kind"], &body["reason"]),
        (409, &json!("transition"), &json!("already_submitted"))
    );

    // Extra time: B is still sitting past the exam's deadline, and may still save.
    assert_eq!(journey(&app, &cookie_b).await.me.phase, Phase::InExam);
    assert_eq!(
        save_ok(&app, &cookie_b, vec![save("q2", choice("a"), 2)]).await,
        vec![ack("q2", 2)]
    );
    assert!(app.state.store.submission(b).await.expect("db").is_none());
    // When B's own deadline passes (moved a minute earlier here), B is submitted too.
    reschedule(&app, deadline - duration - Duration::minutes(1)).await;
    wait_for_phase(&app, &cookie_b, Phase::Submitted(SubmitKind::Auto), 5).await;
    assert_eq!(
        submitted_answers(app.dir.path(), b).await,
        json!({ "q2": { "answer": choice("a"), "version": 2 } })
    );
}

// ---------------------------------------------------------------------------------------
// 3. Earliest submit
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn self_submit_is_refused_before_the_earliest_submit_time_and_allowed_after() {
    let app = spawn_app().await;
    open_exam(&app, Duration::minutes(1)).await; // earliest submit: start + 30 min
    let (id, cookie) = enter_exam(&app, "T-0001").await;
    save_ok(&app, &cookie, vec![save("q3", choice("b"), 1)]).await;

    let (status, body, _) = app.post_form("/api/exam/submit", &[], Some(&cookie)).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body, json!({ "kind": "transition", "reason": "submit_too_early" }));
    assert_eq!(stored_phase(&app, id).await, Phase::InExam);
    assert!(app.state.store.submission(id).await.expect("db").is_none());

    reschedule(&app, Utc::now() - Duration::minutes(30) - Duration::seconds(1)).await;
    let (status, body, _) = app.post_form("/api/exam/submit", &[], Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(parse::<Phase>(&body), Phase::Submitted(SubmitKind::SelfSubmitted));
    assert_eq!(journey(&app, &cookie).await.me.phase, Phase::Submitted(SubmitKind::SelfSubmitted));
    let (kind, actor, _) = app.state.store.submission(id).await.expect("db").expect("row");
    assert_eq!((kind.as_str(), actor.as_str()), ("submitted_self", "candidate"));
    assert_eq!(
        submitted_answers(app.dir.path(), id).await,
        json!({ "q3": { "answer": choice("b"), "version": 1 } })
    );

    // Once only.
    let (status, body, _) = app.post_form("/api/exam/submit", &[], Some(&cookie)).await;
    assert_eq!(
        (status, body),
        (409, json!({ "kind": "transition", "reason": "already_submitted" }))
    );
}

// ---------------------------------------------------------------------------------------
// 4. Answer saves
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn answer_saves_are_idempotent_keep_the_newest_and_refuse_bad_or_late_answers() {
    let app = spawn_app().await;
    app.state.store.set_exam_paper(app.exam, PAPER).await.expect("paper");
    let cookie = app.candidate_cookie("T-0001").await;
    let id = candidate_id(&app, "T-0001").await;

    // Before the sitting has begun: refused.
    let body = json!({ "saves": [save("q1", choice("a"), 1)] });
    let (status, err) = post_json(&app, "/api/exam/save", &body, &cookie).await;
    assert_eq!((status, err), (409, json!({ "kind": "not_ready", "missing": "exam_start" })));
    assert!(app.state.store.answers(id).await.expect("db").is_empty());

    reschedule(&app, Utc::now() - Duration::minutes(1)).await;
    let (_, cookie) = enter_exam(&app, "T-0001").await;
    let saved_at = || async {
        let at: String = sqlx::query_scalar(
            "SELECT CAST(saved_at AS TEXT) FROM answers WHERE candidate_id = $1 AND question_id = 'q1'",
        )
        .bind(id.0)
        .fetch_one(&mut raw_db(app.dir.path()).await)
        .await
        .expect("row");
        at
    };

    // The same version twice: the same ack, stored once (the row is not rewritten).
    assert_eq!(save_ok(&app, &cookie, vec![save("q1", choice("a"), 1)]).await, vec![ack("q1", 1)]);
    let first = saved_at().await;
    tokio::time::sleep(StdDuration::from_millis(20)).await;
    assert_eq!(save_ok(&app, &cookie, vec![save("q1", choice("a"), 1)]).await, vec![ack("q1", 1)]);
    assert_eq!(saved_at().await, first);
    let stored = app.state.store.answers(id).await.expect("db");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].version, 1);

    // A newer version, then an older one arriving late: the ack carries the newer stored
    // version and the newer answer stays.
    assert_eq!(save_ok(&app, &cookie, vec![save("q1", choice("c"), 3)]).await, vec![ack("q1", 3)]);
    assert_eq!(save_ok(&app, &cookie, vec![save("q1", choice("b"), 2)]).await, vec![ack("q1", 3)]);
    let stored = app.state.store.answers(id).await.expect("db");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].version, 3);
    assert_eq!(serde_json::from_str::<Value>(&stored[0].answer_json).expect("json"), choice("c"));
    assert_eq!(saved(&sheet(&app, &cookie).await), vec![("q1".to_string(), choice("c"), 3)]);

    // Answers that do not fit the paper: 422 naming the question, nothing stored.
    for (q, answer) in [
        ("q99", choice("a")),  // unknown question
        ("q1", choice("z")),   // unknown option
        ("q1", essay("text")), // wrong kind
        ("q11", json!({ "kind": "fill_in", "blanks": ["only one"] })), // wrong blank count
    ] {
        let body = json!({ "saves": [save(q, answer.clone(), 9)] });
        let (status, err) = post_json(&app, "/api/exam/save", &body, &cookie).await;
        assert_eq!(status, 422, "{q} {answer}: {err}");
        assert_eq!(err, json!({ "kind": "bad_answer", "question_id": q }));
    }
    let stored = app.state.store.answers(id).await.expect("db");
    assert_eq!((stored.len(), stored[0].version), (1, 3));

    // After the submission: refused, nothing changes.
    reschedule(&app, Utc::now() - Duration::minutes(31)).await;
    let (status, body, _) = app.post_form("/api/exam/submit", &[], Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    let body = json!({ "saves": [save("q1", choice("d"), 4), save("q2", choice("a"), 1)] });
    let (status, err) = post_json(&app, "/api/exam/save", &body, &cookie).await;
    assert_eq!(
        (status, err),
        (409, json!({ "kind": "transition", "reason": "already_submitted" }))
    );
    let stored = app.state.store.answers(id).await.expect("db");
    assert_eq!((stored.len(), stored[0].version), (1, 3));
    // No cookie: 401.
    let (status, err) = post_json(&app, "/api/exam/save", &body, "").await;
    assert_eq!((status, &err["kind"]), (401, &json!("unauthenticated")));
}

// ---------------------------------------------------------------------------------------
// 5. Phone pairing
// ---------------------------------------------------------------------------------------

/// A fresh pairing token from `/api/journey/pairing` (the token from the QR URL).
async fn pairing_token(app: &TestApp, cookie: &str) -> String {
    let (status, body, _) = app.post_form("/api/journey/pairing", &[], Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    let url = body["url"].as_str().expect("url");
    assert!(url.starts_with(&app.url("/phone?t=")), "{url}");
    assert!(body["svg"].as_str().expect("svg").contains("<svg"));
    let expires: DateTime<Utc> = parse(&body["expires_at"]);
    assert!(expires > Utc::now() + Duration::minutes(9), "{expires}");
    url.split_once("?t=").expect("token").1.to_string()
}

async fn pair(
    app: &TestApp,
    token: &str,
    id_card: &str,
    exam: &str,
) -> (u16, Value, Option<String>) {
    app.post_form(
        "/api/phone/pair",
        &[("token", token), ("id_card", id_card), ("exam_code", exam)],
        None,
    )
    .await
}

/// The audit log's (actor, action) pairs, oldest first.
async fn audit(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT actor, action FROM audit_log ORDER BY id")
        .fetch_all(&mut raw_db(app.dir.path()).await)
        .await
        .expect("audit")
}

#[tokio::test]
async fn pairing_tokens_are_single_use_short_lived_and_bound_to_the_candidate() {
    let app = spawn_app().await;
    let card_a = "110101199001010001";
    let card_b = "110101199001010002";
    let cookie = app.candidate_cookie("T-0001").await;
    let a = candidate_id(&app, "T-0001").await;
    let actor = format!("candidate:{}", a.0);

    // Not before the first view is on.
    let (status, body, _) = app.post_form("/api/journey/pairing", &[], Some(&cookie)).await;
    assert_eq!((status, &body["kind"]), (409, &json!("not_ready")), "{body}");
    jump(&app, a, Phase::FirstViewOn).await;

    let token = pairing_token(&app, &cookie).await;
    // Wrong ID card number, wrong exam: refused, the token is not used up.
    for (card, exam) in [("110101199001010009", "TEST01"), (card_a, "OTHER1")] {
        let (status, body, set) = pair(&app, &token, card, exam).await;
        assert_eq!((status, body), (422, json!({ "kind": "identity_mismatch" })));
        assert!(set.is_none());
    }
    // Right: 200, the candidate, and a session cookie for the phone.
    let (status, me, set) = pair(&app, &token, &format!(" {card_a} "), "test01").await;
    assert_eq!(status, 200, "{me}");
    let me: CandidateSelf = parse(&me);
    assert_eq!((me.id, me.ticket.as_str()), (a, "T-0001"));
    let phone = crate::common::pair(&set.expect("phone session cookie"));
    assert!(phone.starts_with("vigil_candidate="));
    assert_ne!(phone, cookie);
    let (status, me, _) = app.post_form("/api/phone/me", &[], Some(&phone)).await;
    assert_eq!((status, &me["ticket"]), (200, &json!("T-0001")));

    // The same token again: gone, and logged.
    let (status, body, set) = pair(&app, &token, card_a, "TEST01").await;
    assert_eq!((status, body), (410, json!({ "kind": "pairing_used" })));
    assert!(set.is_none());
    let log = audit(&app).await;
    assert!(log.contains(&(actor.clone(), "phone_paired".into())), "{log:?}");
    assert!(log.contains(&(actor.clone(), "pairing_reused".into())), "{log:?}");

    // An expired token.
    let (expired, hash) = backend::auth::new_token();
    let now = Utc::now();
    app.state
        .store
        .create_pairing(&hash, a, now - Duration::minutes(11), now - Duration::minutes(1))
        .await
        .expect("pairing");
    let (status, body, _) = pair(&app, &expired, card_a, "TEST01").await;
    assert_eq!((status, body), (410, json!({ "kind": "pairing_expired" })));
    assert!(audit(&app).await.contains(&(actor.clone(), "pairing_expired".into())));

    // A's token with B's ID card: refused, and A can still use it.
    let token = pairing_token(&app, &cookie).await;
    let (status, body, set) = pair(&app, &token, card_b, "TEST01").await;
    assert_eq!((status, body), (422, json!({ "kind": "identity_mismatch" })));
    assert!(set.is_none());
    let (status, body, set) = pair(&app, &token, card_a, "TEST01").await;
    assert_eq!(status, 200, "{body}");
    assert!(set.is_some());

    // A token nobody issued.
    let (status, body, _) = pair(&app, &"ab".repeat(32), card_a, "TEST01").await;
    assert_eq!((status, body), (404, json!({ "kind": "pairing_invalid" })));
    let (status, body, _) = pair(&app, "", card_a, "TEST01").await;
    assert_eq!((status, body), (404, json!({ "kind": "pairing_invalid" })));
}

// ---------------------------------------------------------------------------------------
// 6. Face verification
// ---------------------------------------------------------------------------------------

async fn face(app: &TestApp, cookie: &str, photo: Vec<u8>) -> (u16, Value) {
    post_bytes(app, "/api/candidate/face?view=pc", photo, cookie).await
}

#[tokio::test]
async fn a_matching_face_passes_verification_over_http() {
    let app = spawn_app().await;
    let id = add_candidate_with_photo(&app, "T-0005", "obama2.jpg").await;
    let cookie = app.candidate_cookie("T-0005").await;

    // Not before the identity is confirmed.
    let (status, body) = face(&app, &cookie, fixture("obama.jpg")).await;
    assert_eq!((status, body), (409, json!({ "kind": "not_ready", "missing": "face_check" })));
    let (status, body, _) = app.post_form("/api/journey/confirm", &[], Some(&cookie)).await;
    assert_eq!((status, parse::<Phase>(&body)), (200, Phase::IdentityConfirmed));

    let (status, body) = face(&app, &cookie, fixture("obama.jpg")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["progress"]["state"], "passed");
    let check: FaceCheck = parse(&body);
    assert_eq!(check.decision, Some(FaceDecision::Match));
    assert_eq!(check.error, None);
    let state = journey(&app, &cookie).await;
    assert_eq!(
        (state.face_pc, state.verification),
        (FaceProgress::Passed, VerificationStatus::Passed)
    );
    let attempts = app.state.store.face_attempts(id, domain::View::Pc).await.expect("db");
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].provider, "dlib");
    assert!(attempts[0].distance.expect("distance") < 0.5);

    let (status, body, _) = app.post_form("/api/journey/face-done", &[], Some(&cookie)).await;
    assert_eq!((status, parse::<Phase>(&body)), (200, Phase::FaceVerified));
    let state = journey(&app, &cookie).await;
    assert_eq!(
        (state.me.phase, state.verification),
        (Phase::FaceVerified, VerificationStatus::Passed)
    );
}

#[tokio::test]
async fn failed_face_checks_count_down_then_let_the_candidate_go_on_for_review() {
    let app = spawn_app().await;
    app.state.store.set_exam_face(app.exam, 0.5, 0.65, 3).await.expect("face settings");
    let id = add_candidate_with_photo(&app, "T-0006", "obama2.jpg").await;
    let cookie = app.candidate_cookie("T-0006").await;
    let (status, _, _) = app.post_form("/api/journey/confirm", &[], Some(&cookie)).await;
    assert_eq!(status, 200);

    // Not a JPEG: refused before anything, not an attempt.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let (status, body) = face(&app, &cookie, png).await;
    assert_eq!((status, body), (422, json!({ "kind": "not_a_jpeg" })));
    let (status, body) = face(&app, &cookie, Vec::new()).await;
    assert_eq!((status, body), (422, json!({ "kind": "not_a_jpeg" })));
    assert_eq!(journey(&app, &cookie).await.face_pc, FaceProgress::Open { attempts: 0, left: 3 });

    // No face in the photo: an attempt without a decision.
    let (status, body) = face(&app, &cookie, fixture("dogs.jpg")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["error"]["code"], "no_face");
    let check: FaceCheck = parse(&body);
    assert_eq!(check.error, Some(FaceError::NoFace { photo: PhotoRole::Live }));
    assert_eq!(
        (check.decision, check.progress),
        (None, FaceProgress::Open { attempts: 1, left: 2 })
    );

    // Going on is refused while attempts are left.
    let (status, body, _) = app.post_form("/api/journey/face-done", &[], Some(&cookie)).await;
    assert_eq!((status, body), (409, json!({ "kind": "not_ready", "missing": "face_check" })));

    // Someone else.
    let (status, body) = face(&app, &cookie, fixture("biden.jpg")).await;
    assert_eq!(status, 200, "{body}");
    let check: FaceCheck = parse(&body);
    assert_eq!(
        (check.decision, check.progress),
        (Some(FaceDecision::NoMatch), FaceProgress::Open { attempts: 2, left: 1 })
    );

    let (status, body) = face(&app, &cookie, fixture("dogs.jpg")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["progress"], json!({ "state": "may_continue_for_review", "attempts": 3 }));

    // A fourth attempt: refused and not stored.
    let (status, body) = face(&app, &cookie, fixture("obama.jpg")).await;
    assert_eq!((status, body), (409, json!({ "kind": "no_attempts_left" })));
    let attempts = app.state.store.face_attempts(id, domain::View::Pc).await.expect("db");
    let codes: Vec<_> = attempts.iter().map(|a| (a.decision, a.error_code.clone())).collect();
    assert_eq!(
        codes,
        vec![
            (None, Some("no_face_live".to_string())),
            (Some(FaceDecision::NoMatch), None),
            (None, Some("no_face_live".to_string())),
        ]
    );

    // Going on now works, with the verification pending an admin's review.
    let (status, body, _) = app.post_form("/api/journey/face-done", &[], Some(&cookie)).await;
    assert_eq!((status, parse::<Phase>(&body)), (200, Phase::FaceVerified));
    let state = journey(&app, &cookie).await;
    assert_eq!(state.me.phase, Phase::FaceVerified);
    assert_eq!(state.verification, VerificationStatus::PendingReview);
    assert_eq!(state.face_pc, FaceProgress::MayContinueForReview { attempts: 3 });
}

#[tokio::test]
async fn a_candidate_without_a_roster_photo_cannot_pass_and_goes_to_review() {
    let app = spawn_app().await;
    let cookie = app.candidate_cookie("T-0001").await; // the fixture has no roster photos
    let (status, _, _) = app.post_form("/api/journey/confirm", &[], Some(&cookie)).await;
    assert_eq!(status, 200);
    let (status, body) = face(&app, &cookie, fixture("obama.jpg")).await;
    assert_eq!(status, 200, "{body}");
    let check: FaceCheck = parse(&body);
    assert_eq!(check.error, Some(FaceError::NoFace { photo: PhotoRole::Reference }));
    assert_eq!(check.progress, FaceProgress::Open { attempts: 1, left: 2 });
}

// ---------------------------------------------------------------------------------------
// 7. Device report
// ---------------------------------------------------------------------------------------

fn good_report() -> DeviceReport {
    DeviceReport {
        camera: CameraCheck {
            outcome: CheckOutcome::Pass,
            label: "fake_device_0".into(),
            width: 640,
            height: 480,
        },
        speaker: SpeakerCheck { outcome: CheckOutcome::Fail },
        microphone: MicCheck {
            outcome: CheckOutcome::Pass,
            label: "Fake Default Audio Input".into(),
            peak: 0.3,
            confirmed: false,
        },
        network: NetworkCheck { outcome: CheckOutcome::Pass, rtt_ms: 12, upload_kbps: 20_000 },
        browser: BrowserCheck {
            outcome: CheckOutcome::Pass,
            browser: "Chromium 156".into(),
            os: "Linux".into(),
            user_agent: "Mozilla/5.0".into(),
        },
    }
}

async fn snapshot(ws: &mut Ws) {
    let m: ProctorServerMsg = ws.recv().await;
    assert!(matches!(m, ProctorServerMsg::Snapshot { .. }), "{m:?}");
}

#[tokio::test]
async fn a_device_report_moves_the_candidate_on_and_reaches_the_proctor() {
    let app = spawn_app().await;
    let cookie = app.candidate_cookie("T-0002").await;
    let id = candidate_id(&app, "T-0002").await;
    jump(&app, id, Phase::FaceVerified).await;
    let pa = app.staff_cookie("proctora").await;
    let mut feed =
        app.ws(&format!("/ws/proctor?room={}", app.room_a), Some(&pa)).await.expect("feed");
    snapshot(&mut feed).await;

    // Claimed outcomes that do not follow from the measurements: refused, nothing moves.
    let mut bad = good_report();
    bad.network.rtt_ms = 5_000; // far too slow to "pass"
    let body = json!({ "report": bad });
    let (status, err) = post_json(&app, "/api/journey/devices", &body, &cookie).await;
    assert_eq!((status, err), (422, json!({ "kind": "bad_report", "error": "inconsistent" })));
    let mut bad = good_report();
    bad.microphone.peak = 7.0;
    let body = json!({ "report": bad });
    let (status, err) = post_json(&app, "/api/journey/devices", &body, &cookie).await;
    assert_eq!((status, err), (422, json!({ "kind": "bad_report", "error": "out_of_range" })));
    let state = journey(&app, &cookie).await;
    assert_eq!((state.me.phase, state.device_report), (Phase::FaceVerified, None));

    // A valid report (one failed item is accepted and shown): the next step, announced.
    let report = good_report();
    let body = json!({ "report": report });
    let (status, phase) = post_json(&app, "/api/journey/devices", &body, &cookie).await;
    assert_eq!((status, parse::<Phase>(&phase)), (200, Phase::DevicesChecked));
    let msg = feed
        .recv_until::<ProctorServerMsg>(
            10,
            |m| matches!(m, ProctorServerMsg::Delta { tile, .. } if tile.id == id),
        )
        .await;
    let ProctorServerMsg::Delta { tile, .. } = msg else { unreachable!() };
    assert_eq!((tile.ticket.as_str(), tile.phase), ("T-0002", Phase::DevicesChecked));
    let state = journey(&app, &cookie).await;
    assert_eq!((state.me.phase, state.device_report), (Phase::DevicesChecked, Some(report)));
}

#[tokio::test]
async fn the_phone_loads_only_its_own_state_not_the_pc_journey() {
    let app = spawn_app().await;
    let pc = app.candidate_cookie("T-0001").await;
    let phone = app.phone_cookie(&pc).await;
    let (status, body, _) = app.post_form("/api/journey/phone", &[], Some(&phone)).await;
    assert_eq!(status, 200, "{body}");
    // The candidate and the phone's face check, as the PC's journey has them; no instructions,
    // times or device report.
    let mut keys: Vec<&str> =
        body.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["face_phone", "me"]);
    let state: PhoneState = parse(&body);
    let full = journey(&app, &pc).await;
    assert_eq!((state.me, state.face_phone), (full.me, full.face_phone));

    // The PC's session is not the phone's.
    let (status, body, _) = app.post_form("/api/journey/phone", &[], Some(&pc)).await;
    assert_eq!((status, body["kind"].as_str()), (403, Some("wrong_device")));
    let (status, body, _) = app.post_form("/api/journey/phone", &[], None).await;
    assert_eq!((status, body["kind"].as_str()), (401, Some("unauthenticated")));
}

/// The exam screen opened twice at once (two tabs, or a page asking again while the first
/// answer is on its way): both open it, the sitting starts once, no 409.
#[tokio::test]
async fn the_exam_screen_opened_twice_at_once_starts_the_sitting_once() {
    let app = spawn_app().await;
    open_exam(&app, Duration::minutes(1)).await;
    for ticket in ["T-0001", "T-0002", "T-0003"] {
        let cookie = app.candidate_cookie(ticket).await;
        let id = candidate_id(&app, ticket).await;
        jump(&app, id, Phase::InstructionsRead).await;
        let open = || app.post_form("/api/exam/sheet", &[], Some(&cookie));
        let (a, b, c) = tokio::join!(open(), open(), open());
        assert_eq!((a.0, b.0, c.0), (200, 200, 200), "{} {} {}", a.1, b.1, c.1);
        assert_eq!(stored_phase(&app, id).await, Phase::InExam);
    }
}
