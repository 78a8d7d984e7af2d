//! The proctor console over HTTP and the live sockets: who may act on whom, forced
//! submission, messages that survive reconnects, extra time moving the auto-submit, flags
//! with evidence, raised hands, broadcasts, browser events, the audit log and typed
//! validation errors.
use crate::common::{TestApp, Ws, raw_db, spawn_app, spawn_app_with};
use backend::clock::{AdjustableClock, Clock};
use backend::relay::epoch_ms;
use backend::relay::synthetic::jpeg;
use chrono::{DateTime, Duration, Utc};
use domain::camera::FrameHeader;
use domain::console::{
    BrowserEvent, CandidateEvent, CandidateMessage, HandRaise, MessageKind, MessageRecord,
};
use domain::flag::{FlagKind, FlagRecord, FlagResolution};
use domain::protocol::{
    CandidateClientMsg, CandidateServerMsg, PROTOCOL_VERSION, ProctorServerMsg, ProtocolError,
};
use domain::timeline::{Entry, Timeline};
use domain::{
    CandidateId, CandidateTile, ExamTimes, Phase, SubmitKind, TicketNumber, TransitionError, View,
};
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration as StdDuration;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

const PAPER: &str = include_str!("../../src/demo_paper.json");

/// The console actions that leave an audit row.
const ACTIONS: [&str; 8] = [
    "message.send",
    "warning.give",
    "message.broadcast",
    "flag.raise",
    "flag.resolve",
    "flag.dismiss",
    "time.add",
    "submit.force",
];

// ---------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------

/// POSTs a JSON body (server functions with `input = Json`); returns (status, body).
async fn post_json(app: &TestApp, path: &str, body: &Value, cookie: Option<&str>) -> (u16, Value) {
    let mut req = reqwest::Client::new().post(app.url(path)).json(body);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// POSTs a JSON body as `cookie`, expects 200 and returns the body.
async fn ok(app: &TestApp, path: &str, body: &Value, cookie: &str) -> Value {
    let (status, out) = post_json(app, path, body, Some(cookie)).await;
    assert_eq!(status, 200, "{path} {body}: {out}");
    out
}

/// POSTs the form `candidate=<id>` (the default, URL-encoded server functions).
async fn post_candidate(
    app: &TestApp,
    path: &str,
    id: CandidateId,
    cookie: Option<&str>,
) -> (u16, Value) {
    let id = id.0.to_string();
    let (status, body, _) = app.post_form(path, &[("candidate", id.as_str())], cookie).await;
    (status, body)
}

fn parse<T: DeserializeOwned>(v: &Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"))
}

async fn candidate_id(app: &TestApp, ticket: &str) -> CandidateId {
    let t = TicketNumber::parse(ticket).expect("ticket");
    app.state.store.candidate_by_ticket(app.exam, &t).await.expect("db").expect("candidate").id
}

async fn stored(app: &TestApp, id: CandidateId) -> domain::Candidate {
    app.state.store.candidate(id).await.expect("db").expect("candidate")
}

/// Set-up shortcut: moves a candidate straight to `to`.
async fn jump(app: &TestApp, id: CandidateId, to: Phase) {
    let from = stored(app, id).await.phase;
    let moved =
        app.state.store.set_phase(id, from, to, "test", Utc::now(), None).await.expect("db");
    assert!(moved, "{from:?} -> {to:?}");
}

/// A fixture candidate signed in (phase `logged_in`), then moved to `phase`.
async fn candidate_at(app: &TestApp, ticket: &str, phase: Phase) -> (CandidateId, String) {
    let cookie = app.candidate_cookie(ticket).await;
    let id = candidate_id(app, ticket).await;
    if phase != Phase::LoggedIn {
        jump(app, id, phase).await;
    }
    (id, cookie)
}

async fn reschedule(app: &TestApp, starts_at: DateTime<Utc>) {
    app.state.store.reschedule_exam(app.exam, starts_at).await.expect("reschedule");
}

/// Every console audit row (broadcasts included) as (actor, action, candidate), oldest first.
async fn console_audit(app: &TestApp) -> Vec<(String, String, Option<i64>)> {
    let rows: Vec<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT actor, action, candidate_id FROM audit_log ORDER BY id")
            .fetch_all(&mut raw_db(app.dir.path()).await)
            .await
            .expect("audit");
    rows.into_iter().filter(|(_, action, _)| ACTIONS.contains(&action.as_str())).collect()
}

// --- candidate pages ---

/// The next text message within the deadline, parsed; `None` if none comes.
async fn next_before<T: DeserializeOwned>(ws: &mut Ws, until: Instant) -> Option<T> {
    loop {
        let msg = tokio::time::timeout_at(until, ws.0.next()).await.ok()??.ok()?;
        if let Message::Text(t) = msg {
            return Some(serde_json::from_str(t.as_str()).unwrap_or_else(|e| panic!("{e}: {t}")));
        }
    }
}

/// Everything a candidate page receives in the next `ms`.
async fn received_for(ws: &mut Ws, ms: u64) -> Vec<CandidateServerMsg> {
    let until = Instant::now() + StdDuration::from_millis(ms);
    let mut out = Vec::new();
    while let Some(m) = next_before(ws, until).await {
        out.push(m);
    }
    out
}

/// The messages (`message`) among what a page received.
fn messages(got: &[CandidateServerMsg]) -> Vec<CandidateMessage> {
    got.iter()
        .filter_map(|m| match m {
            CandidateServerMsg::Message { message } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// A candidate page's socket for `view`, welcomed. Returns it and what came after `welcome`
/// up to the end of the greeting (`hand` on the PC page, `recording` on the phone).
async fn page(app: &TestApp, cookie: &str, view: View) -> (Ws, Vec<CandidateServerMsg>) {
    let path = format!("/ws/candidate?view={}", view.as_str());
    let cookie = match view {
        View::Pc => cookie.to_string(),
        View::Phone => app.phone_cookie(cookie).await,
    };
    let mut ws = app.ws(&path, Some(&cookie)).await.expect("socket");
    ws.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view }).await;
    let first: CandidateServerMsg = ws.recv().await;
    assert!(matches!(first, CandidateServerMsg::Welcome { .. }), "{first:?}");
    let mut greeting = Vec::new();
    loop {
        let m: CandidateServerMsg = ws.recv().await;
        let last = match view {
            View::Pc => matches!(m, CandidateServerMsg::Hand { .. }),
            View::Phone => matches!(m, CandidateServerMsg::Recording { .. }),
        };
        greeting.push(m);
        if last {
            return (ws, greeting);
        }
    }
}

/// A PC page (the greeting is dropped).
async fn pc(app: &TestApp, cookie: &str) -> Ws {
    page(app, cookie, View::Pc).await.0
}

/// Closes a PC page and waits until the server has let go of it (the view is offline).
async fn close_pc(app: &TestApp, id: CandidateId, ws: Ws) {
    ws.close().await;
    let t0 = std::time::Instant::now();
    while app.state.presence.get(id).pc.online {
        assert!(t0.elapsed() < StdDuration::from_secs(5), "the PC page is still online");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

/// Waits for a `message` on a page; returns it.
async fn message_on(ws: &mut Ws) -> CandidateMessage {
    let m: CandidateServerMsg =
        ws.recv_until(10, |m| matches!(m, CandidateServerMsg::Message { .. })).await;
    let CandidateServerMsg::Message { message } = m else { unreachable!() };
    message
}

/// Waits for a `hand` on a page; returns whether it is raised.
async fn hand_on(ws: &mut Ws) -> bool {
    let m: CandidateServerMsg =
        ws.recv_until(10, |m| matches!(m, CandidateServerMsg::Hand { .. })).await;
    let CandidateServerMsg::Hand { raised } = m else { unreachable!() };
    raised
}

/// Sends a heartbeat and waits for its ack (everything the page sent before is handled);
/// returns what came before the ack.
async fn settle(ws: &mut Ws) -> Vec<CandidateServerMsg> {
    ws.send(&CandidateClientMsg::Heartbeat).await;
    let mut before = Vec::new();
    loop {
        let m: CandidateServerMsg = ws.recv().await;
        if matches!(m, CandidateServerMsg::HeartbeatAck { .. }) {
            return before;
        }
        before.push(m);
    }
}

/// A PC camera frame (`seq`, a 320x240 picture of `shade`).
fn pc_frame(seq: u32, shade: u32) -> Vec<u8> {
    let head =
        FrameHeader { view: View::Pc, seq, captured_ms: epoch_ms(), width: 320, height: 240 };
    let mut m = head.encode().to_vec();
    m.extend_from_slice(&jpeg(320, 240, shade, false));
    m
}

// --- proctor side ---

/// Room A's live feed as `cookie`; returns it and the snapshot's tiles.
async fn feed(app: &TestApp, cookie: &str) -> (Ws, Vec<CandidateTile>) {
    let path = format!("/ws/proctor?room={}", app.room_a);
    let mut ws = app.ws(&path, Some(cookie)).await.expect("feed");
    let m: ProctorServerMsg = ws.recv().await;
    let ProctorServerMsg::Snapshot { tiles, .. } = m else { panic!("snapshot first: {m:?}") };
    (ws, tiles)
}

/// Waits for a delta of `id`'s tile that satisfies `pred`.
async fn tile_where(
    feed: &mut Ws,
    id: CandidateId,
    pred: impl Fn(&CandidateTile) -> bool,
) -> CandidateTile {
    let m: ProctorServerMsg = feed
        .recv_until(
            15,
            |m| matches!(m, ProctorServerMsg::Delta { tile, .. } if tile.id == id && pred(tile)),
        )
        .await;
    let ProctorServerMsg::Delta { tile, .. } = m else { unreachable!() };
    tile
}

/// The delta of `id`'s tile that satisfies `pred`, if one comes within two seconds. For
/// changes that must be announced by the action itself: a candidate page that has just
/// sent a heartbeat is not swept offline (which would announce the tile too) that soon.
async fn tile_soon(
    feed: &mut Ws,
    id: CandidateId,
    pred: impl Fn(&CandidateTile) -> bool,
) -> Option<CandidateTile> {
    let until = Instant::now() + StdDuration::from_secs(2);
    while let Some(m) = next_before::<ProctorServerMsg>(feed, until).await {
        if let ProctorServerMsg::Delta { tile, .. } = m
            && tile.id == id
            && pred(&tile)
        {
            return Some(tile);
        }
    }
    None
}

async fn timeline(app: &TestApp, cookie: &str, id: CandidateId) -> Timeline {
    let (status, body) = post_candidate(app, "/api/proctor/timeline", id, Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    parse(&body)
}

fn flags_in(t: &Timeline) -> Vec<(FlagRecord, Vec<i64>)> {
    t.entries
        .iter()
        .filter_map(|e| match e {
            Entry::Flag { flag, evidence } => Some((flag.clone(), evidence.clone())),
            _ => None,
        })
        .collect()
}

fn messages_in(t: &Timeline) -> Vec<MessageRecord> {
    t.entries
        .iter()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

fn hands_in(t: &Timeline) -> Vec<HandRaise> {
    t.entries
        .iter()
        .filter_map(|e| match e {
            Entry::Hand(h) => Some(h.clone()),
            _ => None,
        })
        .collect()
}

fn events_in(t: &Timeline) -> Vec<CandidateEvent> {
    t.entries
        .iter()
        .filter_map(|e| match e {
            Entry::Event { event, .. } => Some(*event),
            _ => None,
        })
        .collect()
}

// --- the actions ---

async fn send_message(
    app: &TestApp,
    cookie: &str,
    id: CandidateId,
    kind: MessageKind,
    body: &str,
) -> i64 {
    let req = json!({ "candidate": id, "kind": kind, "body": body });
    parse(&ok(app, "/api/proctor/message", &req, cookie).await)
}

async fn raise_flag(
    app: &TestApp,
    cookie: &str,
    id: CandidateId,
    kind: FlagKind,
    note: &str,
) -> i64 {
    let req = json!({ "candidate": id, "kind": kind, "note": note });
    parse(&ok(app, "/api/proctor/flag", &req, cookie).await)
}

async fn close_flag(
    app: &TestApp,
    cookie: &str,
    flag: i64,
    resolution: FlagResolution,
    note: &str,
) -> (u16, Value) {
    let req = json!({ "flag": flag, "resolution": resolution, "note": note });
    post_json(app, "/api/proctor/close-flag", &req, Some(cookie)).await
}

async fn add_time(app: &TestApp, cookie: &str, id: CandidateId, minutes: i64) -> (u16, Value) {
    let req = json!({ "candidate": id, "minutes": minutes, "reason": "technical" });
    post_json(app, "/api/proctor/add-time", &req, Some(cookie)).await
}

/// Force-submits; expects 200 and returns the body: `[phase, already]`.
async fn force_submit(app: &TestApp, cookie: &str, id: CandidateId, reason: &str) -> Value {
    let req = json!({ "candidate": id, "reason": reason });
    ok(app, "/api/proctor/force-submit", &req, cookie).await
}

/// The JSON of `Phase::Submitted(SubmitKind::Forced)` (the phase is adjacently tagged).
fn forced_phase() -> Value {
    json!({ "phase": "submitted", "kind": "forced" })
}

/// Every console action on candidate `id` (and flag `flag`) as (path, JSON body); the
/// timeline and the verification are form-encoded and listed apart.
fn every_action(app: &TestApp, id: CandidateId, flag: i64) -> Vec<(&'static str, Value)> {
    vec![
        ("/api/proctor/message", json!({ "candidate": id, "kind": "message", "body": "Hello" })),
        ("/api/proctor/message", json!({ "candidate": id, "kind": "warning", "body": "Eyes" })),
        ("/api/proctor/flag", json!({ "candidate": id, "kind": "material", "note": "a book" })),
        (
            "/api/proctor/close-flag",
            json!({ "flag": flag, "resolution": "resolved", "note": "put away" }),
        ),
        (
            "/api/proctor/add-time",
            json!({ "candidate": id, "minutes": 5, "reason": "accommodation" }),
        ),
        ("/api/proctor/force-submit", json!({ "candidate": id, "reason": "Caught copying" })),
        (
            "/api/proctor/broadcast",
            json!({ "audience": { "to": "room", "id": app.room_a }, "body": "Ten minutes left" }),
        ),
    ]
}

const READS: [&str; 2] = ["/api/proctor/timeline", "/api/proctor/verification"];

// ---------------------------------------------------------------------------------------
// 1. Who may act
// ---------------------------------------------------------------------------------------

/// Every action works for the room's proctor and for an admin; another room's proctor gets
/// 403, a candidate's session and no session 401, and a refused call changes nothing.
#[tokio::test]
async fn console_actions_are_for_the_rooms_proctors_and_admins_only() {
    let app = spawn_app().await;
    let (c1, candidate) = candidate_at(&app, "T-0001", Phase::LoggedIn).await;
    let (c2, _) = candidate_at(&app, "T-0002", Phase::LoggedIn).await;
    let pa = app.staff_cookie("proctora").await;
    let pb = app.staff_cookie("proctorb").await;
    let admin = app.staff_cookie("admin").await;
    // An open flag to try closing (raised directly: no audit row).
    let f0 = app
        .state
        .store
        .add_flag(c1, FlagKind::Noise, None, "test", Utc::now())
        .await
        .expect("flag");

    // Refused: another room's proctor (404, as for an id that does not exist), a candidate
    // (401), nobody (401).
    let refusals: [(Option<&str>, u16, &str); 3] = [
        (Some(pb.as_str()), 404, "not_found"),
        (Some(candidate.as_str()), 401, "unauthenticated"),
        (None, 401, "unauthenticated"),
    ];
    for (cookie, want, kind) in refusals {
        for (path, body) in every_action(&app, c1, f0) {
            let (status, err) = post_json(&app, path, &body, cookie).await;
            assert_eq!((status, err), (want, json!({ "kind": kind })), "{path} {body}");
        }
        for path in READS {
            let (status, err) = post_candidate(&app, path, c1, cookie).await;
            assert_eq!((status, err), (want, json!({ "kind": kind })), "{path}");
        }
    }
    // ...and proctor A may not act on room B's candidates either.
    let c3 = candidate_id(&app, "T-0003").await;
    let (status, _) = post_candidate(&app, "/api/proctor/timeline", c3, Some(&pa)).await;
    assert_eq!(status, 404);
    let req = json!({ "candidate": c3, "kind": "message", "body": "Hi" });
    assert_eq!(post_json(&app, "/api/proctor/message", &req, Some(&pa)).await.0, 404);

    // Nothing changed.
    assert!(console_audit(&app).await.is_empty());
    for c in [c1, c2, c3] {
        assert!(app.state.store.messages(c).await.expect("db").is_empty());
        assert!(app.state.store.audit_of_candidate(c).await.expect("db").is_empty());
    }
    let flags = app.state.store.flags(c1).await.expect("db");
    assert_eq!(flags.len(), 1);
    assert_eq!((flags[0].id, flags[0].cleared_at), (f0, None));
    let me = stored(&app, c1).await;
    assert_eq!((me.phase, me.extra_minutes), (Phase::LoggedIn, 0));
    assert!(app.state.store.submission(c1).await.expect("db").is_none());

    // Allowed: proctor A on a room-A candidate, an admin on another; every call succeeds.
    let f2 = app
        .state
        .store
        .add_flag(c2, FlagKind::Noise, None, "test", Utc::now())
        .await
        .expect("flag");
    for (cookie, id, flag) in [(&pa, c1, f0), (&admin, c2, f2)] {
        for (path, body) in every_action(&app, id, flag) {
            ok(&app, path, &body, cookie).await;
        }
        for path in READS {
            let (status, body) = post_candidate(&app, path, id, Some(cookie)).await;
            assert_eq!(status, 200, "{path}: {body}");
        }
        let t = timeline(&app, cookie, id).await;
        assert!(!messages_in(&t).is_empty());
    }
    let audit = console_audit(&app).await;
    let by = |who: &str| audit.iter().filter(|(a, _, _)| a == who).count();
    assert_eq!((by("staff:proctora"), by("staff:admin")), (7, 7), "{audit:?}");
    assert_eq!(stored(&app, c2).await.phase, Phase::Submitted(SubmitKind::Forced));
}

// ---------------------------------------------------------------------------------------
// 2. Forced submission
// ---------------------------------------------------------------------------------------

/// A forced submission ends the sitting at once (the page is told), once: a second call
/// changes nothing and says so; the candidate can no longer save or submit.
#[tokio::test]
async fn force_submit_is_final_and_idempotent() {
    let app = spawn_app().await;
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    app.state.store.set_exam_paper(app.exam, PAPER).await.expect("paper");
    reschedule(&app, Utc::now() - Duration::minutes(5)).await;
    let pa = app.staff_cookie("proctora").await;
    let admin = app.staff_cookie("admin").await;
    let answer = |version: u64| {
        json!({ "saves": [{
            "question_id": "q1",
            "answer": { "kind": "single_choice", "option": "a" },
            "version": version,
        }] })
    };
    ok(&app, "/api/exam/save", &answer(1), &me).await;
    let mut screen = pc(&app, &me).await;

    let reason = "Used a phone during the exam";
    assert_eq!(force_submit(&app, &pa, id, reason).await, json!([forced_phase(), false]));
    let m: CandidateServerMsg =
        screen.recv_until(10, |m| matches!(m, CandidateServerMsg::Phase { .. })).await;
    assert_eq!(m, CandidateServerMsg::Phase { phase: Phase::Submitted(SubmitKind::Forced) });
    let (kind, actor, _) = app.state.store.submission(id).await.expect("db").expect("submission");
    assert_eq!((kind.as_str(), actor.as_str()), ("submitted_forced", "staff:proctora"));
    assert_eq!(app.state.store.submission_reason(id).await.expect("db").as_deref(), Some(reason));

    // Again (another staff member, another reason): already done, nothing changes.
    assert_eq!(force_submit(&app, &admin, id, "Again").await, json!([forced_phase(), true]));
    assert_eq!(app.state.store.submission_reason(id).await.expect("db").as_deref(), Some(reason));
    let forced: Vec<_> = app
        .state
        .store
        .audit_of_candidate(id)
        .await
        .expect("db")
        .into_iter()
        .filter(|a| a.action == "submit.force")
        .collect();
    assert_eq!(forced.len(), 1, "{forced:?}");
    assert_eq!(forced[0].actor, "staff:proctora");

    // The candidate can no longer save nor submit; the answers stay as they were.
    let (status, err) = post_json(&app, "/api/exam/save", &answer(2), Some(&me)).await;
    assert_eq!(
        (status, err),
        (409, json!({ "kind": "transition", "reason": "already_submitted" }))
    );
    let (status, err, _) = app.post_form("/api/exam/submit", &[], Some(&me)).await;
    assert_eq!(
        (status, err),
        (409, json!({ "kind": "transition", "reason": "already_submitted" }))
    );
    screen
        .send(&CandidateClientMsg::Advance {
            command: domain::PhaseCommand::Submit(SubmitKind::SelfSubmitted),
        })
        .await;
    let m: CandidateServerMsg =
        screen.recv_until(10, |m| matches!(m, CandidateServerMsg::Error { .. })).await;
    assert_eq!(
        m,
        CandidateServerMsg::Error {
            error: ProtocolError::Transition { error: TransitionError::AlreadySubmitted }
        }
    );
    let answers = app.state.store.answers(id).await.expect("db");
    assert_eq!((answers.len(), answers[0].version), (1, 1));
    assert_eq!(stored(&app, id).await.phase, Phase::Submitted(SubmitKind::Forced));
    // Extra time is refused after the submission.
    let (status, err) = add_time(&app, &pa, id, 5).await;
    assert_eq!(
        (status, err),
        (409, json!({ "kind": "transition", "reason": "already_submitted" }))
    );

    // Two staff members at the same moment: one submits, the other is told it was done.
    let (other, _) = candidate_at(&app, "T-0002", Phase::InExam).await;
    let (first, second) = tokio::join!(
        force_submit(&app, &pa, other, "Proctor A"),
        force_submit(&app, &admin, other, "Admin")
    );
    let mut already = vec![first[1].clone(), second[1].clone()];
    already.sort_by_key(|v| v.as_bool());
    assert_eq!(already, vec![json!(false), json!(true)]);
    assert_eq!((&first[0], &second[0]), (&forced_phase(), &forced_phase()));
    let audit = app.state.store.audit_of_candidate(other).await.expect("db");
    assert_eq!(audit.len(), 1, "{audit:?}");
}

// ---------------------------------------------------------------------------------------
// 3. Messages across reconnects
// ---------------------------------------------------------------------------------------

/// A message reaches the PC page live, comes again after each reconnect until it is
/// acknowledged (once per connection), then never again; one sent while the page is
/// offline arrives on connect. The proctor sees it delivered, then read.
#[tokio::test]
async fn messages_are_redelivered_after_reconnects_until_acknowledged_and_only_then() {
    let app = spawn_app().await;
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let pa = app.staff_cookie("proctora").await;
    let (mut room, tiles) = feed(&app, &pa).await;
    assert_eq!(tiles.iter().find(|t| t.id == id).expect("tile").unread, 0);
    let (mut page1, greeting) = page(&app, &me, View::Pc).await;
    assert!(messages(&greeting).is_empty());

    // Live.
    let m1 = send_message(&app, &pa, id, MessageKind::Message, "Please face the camera").await;
    let got = message_on(&mut page1).await;
    assert_eq!(
        (got.id, got.kind, got.body.as_str()),
        (m1, MessageKind::Message, "Please face the camera")
    );
    assert_eq!(tile_where(&mut room, id, |t| t.unread == 1).await.unread, 1);
    let t = timeline(&app, &pa, id).await;
    let rec = &messages_in(&t)[0];
    assert_eq!(rec.id, m1);
    assert!(rec.delivered_at.is_some() && rec.read_at.is_none(), "{rec:?}");

    // Closed without an acknowledgement: the next connection gets it once, after welcome.
    close_pc(&app, id, page1).await;
    let (mut page2, greeting) = page(&app, &me, View::Pc).await;
    assert_eq!(messages(&greeting), vec![got.clone()]);
    assert!(messages(&received_for(&mut page2, 1500).await).is_empty(), "sent once");

    // Acknowledged: read, and never sent again.
    page2.send(&CandidateClientMsg::Ack { message: m1 }).await;
    settle(&mut page2).await;
    assert!(tile_soon(&mut room, id, |t| t.unread == 0).await.is_some(), "unread 1 -> 0");
    close_pc(&app, id, page2).await;
    let (mut page3, greeting) = page(&app, &me, View::Pc).await;
    assert!(messages(&greeting).is_empty(), "{greeting:?}");
    assert!(messages(&received_for(&mut page3, 1500).await).is_empty());
    let t = timeline(&app, &pa, id).await;
    let rec = &messages_in(&t)[0];
    assert!(rec.read_at.is_some(), "{rec:?}");
    // A second acknowledgement changes nothing.
    page3.send(&CandidateClientMsg::Ack { message: m1 }).await;
    settle(&mut page3).await;
    assert_eq!(messages_in(&timeline(&app, &pa, id).await)[0].read_at, rec.read_at);
    close_pc(&app, id, page3).await;

    // Sent while offline: arrives on connect; a warning counts on the tile.
    let m2 = send_message(&app, &pa, id, MessageKind::Warning, "Last warning").await;
    let tile = tile_where(&mut room, id, |t| t.unread == 1).await;
    assert_eq!(tile.warnings, 1);
    let t = timeline(&app, &pa, id).await;
    assert_eq!(messages_in(&t)[1].delivered_at, None, "not delivered while offline");
    let (_page4, greeting) = page(&app, &me, View::Pc).await;
    let got = messages(&greeting);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].id, got[0].kind), (m2, MessageKind::Warning));
    let t = timeline(&app, &pa, id).await;
    assert!(messages_in(&t)[1].delivered_at.is_some());
}

/// Only the addressee's acknowledgement counts; the phone page gets no messages.
#[tokio::test]
async fn only_the_addressee_can_acknowledge_and_only_the_pc_page_shows_messages() {
    let app = spawn_app().await;
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let (their_id, other) = candidate_at(&app, "T-0002", Phase::InExam).await;
    let pa = app.staff_cookie("proctora").await;
    let (mut phone, _) = page(&app, &me, View::Phone).await;
    let m = send_message(&app, &pa, id, MessageKind::Message, "Hello").await;
    assert!(messages(&received_for(&mut phone, 1000).await).is_empty(), "not on the phone");
    let t = timeline(&app, &pa, id).await;
    assert_eq!(messages_in(&t)[0].delivered_at, None, "the phone does not deliver it");

    // Another candidate acknowledging it: nothing happens.
    let mut theirs = pc(&app, &other).await;
    theirs.send(&CandidateClientMsg::Ack { message: m }).await;
    settle(&mut theirs).await;
    assert_eq!(messages_in(&timeline(&app, &pa, id).await)[0].read_at, None);
    assert!(app.state.store.messages(their_id).await.expect("db").is_empty());

    // The addressee's PC page gets it and acknowledges it.
    let (mut mine, greeting) = page(&app, &me, View::Pc).await;
    assert_eq!(messages(&greeting).iter().map(|m| m.id).collect::<Vec<_>>(), vec![m]);
    mine.send(&CandidateClientMsg::Ack { message: m }).await;
    settle(&mut mine).await;
    assert!(messages_in(&timeline(&app, &pa, id).await)[0].read_at.is_some());
}

// ---------------------------------------------------------------------------------------
// 4. Extra time
// ---------------------------------------------------------------------------------------

/// Extra time granted just before the deadline moves the candidate's deadline and the
/// auto-submit: the page gets the new times, the deadline passes and the candidate is
/// still sitting while a classmate without extra time is submitted.
#[tokio::test]
async fn added_time_moves_the_deadline_and_the_automatic_submission() {
    // The server's clock, moved past the deadline instead of waiting for it.
    let clock = Arc::new(AdjustableClock::default());
    let app = spawn_app_with(|s| s.clock = clock.clone()).await;
    let (a, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let (b, _) = candidate_at(&app, "T-0002", Phase::InExam).await;
    app.state.store.set_exam_paper(app.exam, PAPER).await.expect("paper");
    let pa = app.staff_cookie("proctora").await;
    let (mut room, _) = feed(&app, &pa).await;
    let mut screen = pc(&app, &me).await;

    // The exam's deadline (start + 120 min) is ten minutes away.
    let deadline = clock.now() + Duration::minutes(10);
    reschedule(&app, deadline - Duration::minutes(120)).await;
    let (status, body) = add_time(&app, &pa, a, 1).await;
    assert_eq!(status, 200, "{body}");
    assert!(clock.now() < deadline, "granted before the deadline");
    let times: ExamTimes = parse(&body);
    assert_eq!(times.deadline, deadline + Duration::minutes(1));
    let m: CandidateServerMsg =
        screen.recv_until(10, |m| matches!(m, CandidateServerMsg::Times { .. })).await;
    assert_eq!(m, CandidateServerMsg::Times { times });
    let tile = tile_where(&mut room, a, |t| t.extra_minutes == 1).await;
    assert_eq!(tile.deadline, Some(deadline + Duration::minutes(1)));
    assert_eq!(stored(&app, a).await.extra_minutes, 1);

    // The exam's deadline passes: B is submitted automatically (the timer's next tick, within
    // a second), A goes on: the same tick saw both, A's deadline a minute later.
    clock.advance(Duration::minutes(10) + Duration::seconds(1));
    let t0 = std::time::Instant::now();
    while stored(&app, b).await.phase != Phase::Submitted(SubmitKind::Auto) {
        assert!(t0.elapsed() < StdDuration::from_secs(5), "B was not submitted");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert!(clock.now() >= deadline);
    assert_eq!(stored(&app, a).await.phase, Phase::InExam);
    assert!(app.state.store.submission(a).await.expect("db").is_none());
    let save = json!({ "saves": [{
        "question_id": "q1",
        "answer": { "kind": "single_choice", "option": "b" },
        "version": 1,
    }] });
    ok(&app, "/api/exam/save", &save, &me).await;
    // The timeline has the extra time.
    let t = timeline(&app, &pa, a).await;
    assert_eq!(t.deadline, deadline + Duration::minutes(1));
    assert!(
        events_in(&t).iter().any(|e| matches!(e, CandidateEvent::TimeAdded { minutes: 1, .. })),
        "{:?}",
        events_in(&t)
    );
    // No extra time for a submitted sitting.
    let (status, err) = add_time(&app, &pa, b, 5).await;
    assert_eq!(
        (status, err),
        (409, json!({ "kind": "transition", "reason": "already_submitted" }))
    );
}

// ---------------------------------------------------------------------------------------
// 5. Flags
// ---------------------------------------------------------------------------------------

/// A proctor's flag shows on the tile and in the timeline with its note, author and the
/// frames kept as evidence; closing it takes it off the tile and records the resolution.
#[tokio::test]
async fn a_proctors_flag_keeps_evidence_and_closes_with_a_resolution() {
    let app = spawn_app().await;
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let pa = app.staff_cookie("proctora").await;
    let (mut room, _) = feed(&app, &pa).await;
    let mut screen = pc(&app, &me).await;
    for seq in 1..=2 {
        screen.send_bytes(pc_frame(seq, seq)).await;
        tokio::time::sleep(StdDuration::from_millis(250)).await;
    }

    let note = "Someone walked behind the candidate";
    settle(&mut screen).await;
    let f = raise_flag(&app, &pa, id, FlagKind::AnotherPerson, note).await;
    for seq in 3..=4 {
        screen.send_bytes(pc_frame(seq, seq)).await;
        tokio::time::sleep(StdDuration::from_millis(250)).await;
    }
    let tile = tile_soon(&mut room, id, |t| t.flags.iter().any(|fl| fl.id == f)).await;
    let tile = tile.expect("the flag is announced");
    let open = tile.flags.iter().find(|fl| fl.id == f).expect("flag");
    assert_eq!((open.kind, open.automatic), (FlagKind::AnotherPerson, false));

    // The timeline: the flag with its note, author and evidence frames (served to staff;
    // frames are written in the background).
    let t0 = std::time::Instant::now();
    let flags = loop {
        let flags = flags_in(&timeline(&app, &pa, id).await);
        if flags.iter().any(|(_, e)| !e.is_empty()) || t0.elapsed() > StdDuration::from_secs(5) {
            break flags;
        }
        tokio::time::sleep(StdDuration::from_millis(200)).await;
    };
    assert_eq!(flags.len(), 1);
    let (rec, evidence) = &flags[0];
    assert_eq!((rec.id, rec.kind, rec.automatic), (f, FlagKind::AnotherPerson, false));
    assert_eq!(
        (rec.note.as_deref(), rec.raised_by.as_deref()),
        (Some(note), Some("staff:proctora"))
    );
    assert_eq!((rec.cleared_at, rec.resolution), (None, None));
    assert!(!evidence.is_empty(), "evidence frames kept for the flag");
    for e in evidence {
        let res = reqwest::Client::new()
            .get(app.url(&format!("/media/evidence/{e}")))
            .header("cookie", &pa)
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(&res.bytes().await.expect("body")[..2], b"\xFF\xD8");
    }

    // Resolved: off the tile, and the timeline shows how and by whom.
    settle(&mut screen).await;
    let (status, body) =
        close_flag(&app, &pa, f, FlagResolution::Resolved, "Asked them to leave").await;
    assert_eq!((status, body), (200, Value::Null));
    let tile = tile_soon(&mut room, id, |t| t.flags.iter().all(|fl| fl.id != f)).await;
    assert!(tile.is_some(), "the closed flag leaves the tile");
    let t = timeline(&app, &pa, id).await;
    let (rec, _) = &flags_in(&t)[0];
    assert!(rec.cleared_at.is_some());
    assert_eq!(rec.resolution, Some(FlagResolution::Resolved));
    assert_eq!(rec.resolution_note.as_deref(), Some("Asked them to leave"));
    assert_eq!(rec.resolved_by.as_deref(), Some("staff:proctora"));
    // Closing it again: 409, nothing changes.
    let (status, body) = close_flag(&app, &pa, f, FlagResolution::Dismissed, "").await;
    assert_eq!((status, body), (409, json!({ "kind": "conflict" })));
    let again = timeline(&app, &pa, id).await;
    assert_eq!(flags_in(&again)[0].0, *rec);
    // An unknown flag: 404.
    let (status, body) = close_flag(&app, &pa, f + 1000, FlagResolution::Dismissed, "").await;
    assert_eq!((status, body), (404, json!({ "kind": "not_found" })));
}

// ---------------------------------------------------------------------------------------
// 6. Raised hands
// ---------------------------------------------------------------------------------------

/// A raised hand shows on the tile and on the page, is raised once however often the
/// candidate asks, and is answered by a proctor's message.
#[tokio::test]
async fn a_raised_hand_shows_once_and_a_message_answers_it() {
    let app = spawn_app().await;
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let pa = app.staff_cookie("proctora").await;
    let (mut room, _) = feed(&app, &pa).await;
    let (mut screen, greeting) = page(&app, &me, View::Pc).await;
    assert_eq!(greeting.last(), Some(&CandidateServerMsg::Hand { raised: false }));

    screen.send(&CandidateClientMsg::RaiseHand).await;
    assert!(hand_on(&mut screen).await);
    assert!(tile_where(&mut room, id, |t| t.hand_raised).await.hand_raised);
    // Again: no second hand, no second notice.
    screen.send(&CandidateClientMsg::RaiseHand).await;
    let mut got = settle(&mut screen).await;
    got.extend(received_for(&mut screen, 1000).await);
    assert!(!got.iter().any(|m| matches!(m, CandidateServerMsg::Hand { .. })), "{got:?}");
    let hands = hands_in(&timeline(&app, &pa, id).await);
    assert_eq!(hands.len(), 1, "{hands:?}");
    assert_eq!(hands[0].answered_at, None);
    // A reconnecting page is told the hand is up.
    let (_again, greeting) = page(&app, &me, View::Pc).await;
    assert_eq!(greeting.last(), Some(&CandidateServerMsg::Hand { raised: true }));

    // The proctor's message answers it.
    send_message(&app, &pa, id, MessageKind::Message, "Coming").await;
    assert!(!hand_on(&mut screen).await);
    assert!(!tile_where(&mut room, id, |t| !t.hand_raised).await.hand_raised);
    let hands = hands_in(&timeline(&app, &pa, id).await);
    assert_eq!(hands.len(), 1);
    assert!(hands[0].answered_at.is_some());
    assert_eq!(hands[0].answered_by.as_deref(), Some("staff:proctora"));

    // A new question later is a new hand.
    screen.send(&CandidateClientMsg::RaiseHand).await;
    assert!(hand_on(&mut screen).await);
    assert_eq!(hands_in(&timeline(&app, &pa, id).await).len(), 2);
}

// ---------------------------------------------------------------------------------------
// 7. Broadcasts
// ---------------------------------------------------------------------------------------

/// A room broadcast reaches that room's candidates only; an exam broadcast (admins only)
/// reaches everyone.
#[tokio::test]
async fn broadcasts_reach_their_audience_only() {
    let app = spawn_app().await;
    let mut pages = Vec::new();
    for ticket in ["T-0001", "T-0002", "T-0003", "T-0004"] {
        let (_, cookie) = candidate_at(&app, ticket, Phase::InExam).await;
        pages.push(pc(&app, &cookie).await);
    }
    let pa = app.staff_cookie("proctora").await;
    let admin = app.staff_cookie("admin").await;

    let room =
        json!({ "audience": { "to": "room", "id": app.room_a }, "body": "Ten minutes left" });
    assert_eq!(ok(&app, "/api/proctor/broadcast", &room, &pa).await, json!(2));
    let mut ids = Vec::new();
    for p in &mut pages[..2] {
        let m = message_on(p).await;
        assert_eq!((m.kind, m.body.as_str()), (MessageKind::Message, "Ten minutes left"));
        ids.push(m.id);
    }
    assert_ne!(ids[0], ids[1], "one message per candidate");
    for p in &mut pages[2..] {
        assert!(messages(&received_for(p, 1500).await).is_empty(), "room B gets nothing");
    }

    // The exam: admins only.
    let exam = json!({ "audience": { "to": "exam", "id": app.exam }, "body": "Exam ends soon" });
    let (status, err) = post_json(&app, "/api/proctor/broadcast", &exam, Some(&pa)).await;
    assert_eq!((status, err), (403, json!({ "kind": "forbidden" })));
    assert_eq!(ok(&app, "/api/proctor/broadcast", &exam, &admin).await, json!(4));
    for p in &mut pages {
        assert_eq!(message_on(p).await.body, "Exam ends soon");
    }
    // A broadcast needs an audience.
    let none = json!({ "audience": { "to": "candidate" }, "body": "?" });
    let (status, err) = post_json(&app, "/api/proctor/broadcast", &none, Some(&admin)).await;
    assert_eq!(
        (status, err),
        (400, json!({ "kind": "validation", "field": "message", "code": "bad_format" }))
    );

    // Audited once per broadcast, not per candidate.
    let audit = console_audit(&app).await;
    assert_eq!(
        audit,
        vec![
            ("staff:proctora".into(), "message.broadcast".into(), None),
            ("staff:admin".into(), "message.broadcast".into(), None),
        ]
    );
    // The timeline shows who it went to.
    let c1 = candidate_id(&app, "T-0001").await;
    let t = timeline(&app, &pa, c1).await;
    let audiences: Vec<_> = messages_in(&t).iter().map(|m| m.audience).collect();
    assert_eq!(
        audiences,
        vec![
            domain::console::Audience::Room(app.room_a),
            domain::console::Audience::Exam(app.exam)
        ]
    );
}

// ---------------------------------------------------------------------------------------
// 8. Browser events
// ---------------------------------------------------------------------------------------

/// Leaving the exam page raises the automatic "page left" flag, coming back clears it;
/// both are in the timeline. Only the PC page may report them; before the exam they are
/// kept but raise nothing.
#[tokio::test]
async fn leaving_the_exam_page_raises_an_automatic_flag_until_the_candidate_is_back() {
    let app = spawn_app().await;
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let pa = app.staff_cookie("proctora").await;
    let (mut room, _) = feed(&app, &pa).await;
    let mut screen = pc(&app, &me).await;

    screen.send(&CandidateClientMsg::Browser { event: BrowserEvent::WindowBlur }).await;
    let tile = tile_where(&mut room, id, |t| !t.flags.is_empty()).await;
    assert_eq!(tile.flags.len(), 1);
    assert_eq!((tile.flags[0].kind, tile.flags[0].automatic), (FlagKind::PageLeft, true));
    screen.send(&CandidateClientMsg::Browser { event: BrowserEvent::WindowFocus }).await;
    tile_where(&mut room, id, |t| t.flags.is_empty()).await;
    // Full screen works the same way.
    screen.send(&CandidateClientMsg::Browser { event: BrowserEvent::FullscreenExit }).await;
    tile_where(&mut room, id, |t| t.flags.iter().any(|f| f.kind == FlagKind::PageLeft)).await;
    screen.send(&CandidateClientMsg::Browser { event: BrowserEvent::FullscreenEnter }).await;
    tile_where(&mut room, id, |t| t.flags.is_empty()).await;

    let t = timeline(&app, &pa, id).await;
    let browser: Vec<BrowserEvent> = events_in(&t)
        .into_iter()
        .filter_map(|e| match e {
            CandidateEvent::Browser { what } => Some(what),
            _ => None,
        })
        .collect();
    assert_eq!(
        browser,
        vec![
            BrowserEvent::WindowBlur,
            BrowserEvent::WindowFocus,
            BrowserEvent::FullscreenExit,
            BrowserEvent::FullscreenEnter
        ]
    );
    let flags = flags_in(&t);
    assert_eq!(flags.len(), 2);
    assert!(
        flags
            .iter()
            .all(|(f, _)| f.kind == FlagKind::PageLeft && f.automatic && f.cleared_at.is_some())
    );

    // The phone may not report browser events.
    let (mut phone, _) = page(&app, &me, View::Phone).await;
    phone.send(&CandidateClientMsg::Browser { event: BrowserEvent::WindowBlur }).await;
    let m: CandidateServerMsg =
        phone.recv_until(10, |m| matches!(m, CandidateServerMsg::Error { .. })).await;
    assert_eq!(m, CandidateServerMsg::Error { error: ProtocolError::NotAllowed });
    let raw = serde_json::to_value(&m).expect("json");
    assert_eq!(raw, json!({ "type": "error", "error": { "code": "not_allowed" } }));
    assert_eq!(flags_in(&timeline(&app, &pa, id).await).len(), 2, "no flag from the phone");

    // Before the exam: kept, no flag.
    let (c2, other) = candidate_at(&app, "T-0002", Phase::InstructionsRead).await;
    let mut page2 = pc(&app, &other).await;
    page2.send(&CandidateClientMsg::Browser { event: BrowserEvent::WindowBlur }).await;
    settle(&mut page2).await;
    let t = timeline(&app, &pa, c2).await;
    assert!(events_in(&t).contains(&CandidateEvent::Browser { what: BrowserEvent::WindowBlur }));
    assert!(flags_in(&t).is_empty());
}

// ---------------------------------------------------------------------------------------
// 9. Audit
// ---------------------------------------------------------------------------------------

/// Every action leaves one audit row naming the proctor, the exam, the candidate and the
/// reason where there is one.
#[tokio::test]
async fn every_action_is_audited_with_who_whom_and_why() {
    let app = spawn_app().await;
    let (id, _) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let pa = app.staff_cookie("proctora").await;
    send_message(&app, &pa, id, MessageKind::Message, "Hello").await;
    send_message(&app, &pa, id, MessageKind::Warning, "Eyes on the screen").await;
    let f1 = raise_flag(&app, &pa, id, FlagKind::Material, "Notes on the desk").await;
    assert_eq!(close_flag(&app, &pa, f1, FlagResolution::Resolved, "Removed").await.0, 200);
    let f2 = raise_flag(&app, &pa, id, FlagKind::Noise, "").await;
    assert_eq!(close_flag(&app, &pa, f2, FlagResolution::Dismissed, "").await.0, 200);
    assert_eq!(add_time(&app, &pa, id, 10).await.0, 200);
    force_submit(&app, &pa, id, "Left the room").await;

    let rows = app.state.store.audit_of_candidate(id).await.expect("db");
    let got: Vec<(&str, Option<&str>)> =
        rows.iter().map(|r| (r.action.as_str(), r.reason.as_deref())).collect();
    assert_eq!(
        got,
        vec![
            ("message.send", None),
            ("warning.give", None),
            ("flag.raise", Some("Notes on the desk")),
            ("flag.resolve", Some("Removed")),
            ("flag.raise", None),
            ("flag.dismiss", None),
            ("time.add", Some("technical")),
            ("submit.force", Some("Left the room")),
        ]
    );
    for r in &rows {
        assert_eq!(r.actor, "staff:proctora", "{r:?}");
        assert_eq!((r.exam, r.candidate), (Some(app.exam), Some(id)), "{r:?}");
        assert!((Utc::now() - r.at) < Duration::minutes(1), "{r:?}");
    }
    assert!(rows[0].detail.contains("Hello"), "{:?}", rows[0]);
    assert!(rows[6].detail.contains("10"), "{:?}", rows[6]);
}

// ---------------------------------------------------------------------------------------
// 10. Validation
// ---------------------------------------------------------------------------------------

/// Bad input is refused with a typed error naming the field, and changes nothing.
#[tokio::test]
async fn bad_input_gets_typed_validation_errors_and_changes_nothing() {
    let app = spawn_app().await;
    let (id, _) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let pa = app.staff_cookie("proctora").await;
    let admin = app.staff_cookie("admin").await;
    let open = app
        .state
        .store
        .add_flag(id, FlagKind::Other, None, "test", Utc::now())
        .await
        .expect("flag");
    let long = "x".repeat(1001);
    let err =
        |field: &str, code: &str| json!({ "kind": "validation", "field": field, "code": code });
    let cases = [
        (
            "/api/proctor/message",
            json!({ "candidate": id, "kind": "message", "body": "" }),
            err("message", "required"),
        ),
        (
            "/api/proctor/message",
            json!({ "candidate": id, "kind": "warning", "body": "  \n " }),
            err("message", "required"),
        ),
        (
            "/api/proctor/message",
            json!({ "candidate": id, "kind": "message", "body": long }),
            err("message", "too_long"),
        ),
        (
            "/api/proctor/broadcast",
            json!({ "audience": { "to": "room", "id": app.room_a }, "body": " " }),
            err("message", "required"),
        ),
        (
            "/api/proctor/flag",
            json!({ "candidate": id, "kind": "material", "note": long }),
            err("note", "too_long"),
        ),
        (
            "/api/proctor/flag",
            json!({ "candidate": id, "kind": "pc_black", "note": "" }),
            err("category", "bad_format"),
        ),
        (
            "/api/proctor/flag",
            json!({ "candidate": id, "kind": "page_left", "note": "" }),
            err("category", "bad_format"),
        ),
        (
            "/api/proctor/close-flag",
            json!({ "flag": open, "resolution": "resolved", "note": long }),
            err("note", "too_long"),
        ),
        (
            "/api/proctor/add-time",
            json!({ "candidate": id, "minutes": 0, "reason": "technical" }),
            err("minutes", "too_short"),
        ),
        (
            "/api/proctor/add-time",
            json!({ "candidate": id, "minutes": -5, "reason": "technical" }),
            err("minutes", "too_short"),
        ),
        (
            "/api/proctor/add-time",
            json!({ "candidate": id, "minutes": 241, "reason": "technical" }),
            err("minutes", "too_long"),
        ),
        (
            "/api/proctor/force-submit",
            json!({ "candidate": id, "reason": "" }),
            err("reason", "required"),
        ),
        (
            "/api/proctor/force-submit",
            json!({ "candidate": id, "reason": long }),
            err("reason", "too_long"),
        ),
    ];
    let pb = app.staff_cookie("proctorb").await;
    for (path, body, want) in cases {
        for cookie in [&pa, &admin] {
            let (status, got) = post_json(&app, path, &body, Some(cookie)).await;
            assert_eq!((status, &got), (400, &want), "{path} {body}");
        }
        // A proctor of another room is refused before the input is looked at.
        let (status, got) = post_json(&app, path, &body, Some(&pb)).await;
        assert_eq!((status, got), (404, json!({ "kind": "not_found" })), "{path} {body}");
    }
    // The limits themselves are accepted.
    let max = "字".repeat(1000);
    ok(
        &app,
        "/api/proctor/message",
        &json!({ "candidate": id, "kind": "message", "body": max }),
        &pa,
    )
    .await;
    assert_eq!(add_time(&app, &pa, id, 240).await.0, 200);
    // An unknown candidate: 404.
    let req = json!({ "candidate": 999, "kind": "message", "body": "Hi" });
    let (status, got) = post_json(&app, "/api/proctor/message", &req, Some(&admin)).await;
    assert_eq!((status, got), (404, json!({ "kind": "not_found" })));

    // Only the two accepted calls changed anything.
    let audit: Vec<String> = app
        .state
        .store
        .audit_of_candidate(id)
        .await
        .expect("db")
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(audit, vec!["message.send", "time.add"]);
    assert_eq!(app.state.store.messages(id).await.expect("db").len(), 1);
    let flags = app.state.store.flags(id).await.expect("db");
    assert_eq!((flags.len(), flags[0].cleared_at), (1, None));
    let me = stored(&app, id).await;
    assert_eq!((me.phase, me.extra_minutes), (Phase::InExam, 240));
}
