//! Two instances, one exam: both on the suite's database and on NATS (`VIGIL_TEST_NATS`,
//! e.g. nats://127.0.0.1:4222; a loud skip otherwise), each with its own NATS prefix per
//! test. A candidate on A, the phone on B, proctors on both: tiles, presence, messages and
//! force-submit cross between them; an instance that falls silent takes its views' presence
//! with it.
use crate::common::{TestApp, post_json, spawn_app_with, start_with};
use backend::bus::wire::{WIRE_VERSION, WireBody, WireMsg, encode};
use backend::presence::PresenceFact;
use domain::console::MessageKind;
use domain::presence::OFFLINE_AFTER_SECS;
use domain::protocol::{
    CandidateClientMsg, CandidateServerMsg, PROTOCOL_VERSION, ProctorServerMsg,
};
use domain::{CandidateId, CandidateTile, Phase, SubmitKind, View};
use serde_json::json;
use server::Settings;
use std::time::{Duration, Instant};

pub(crate) fn nats_url() -> Option<String> {
    let url = std::env::var("VIGIL_TEST_NATS").ok().filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!("SKIPPED: VIGIL_TEST_NATS is not set; the two-instance test did not run");
    }
    url
}

fn on_bus(s: &mut Settings, url: &str, prefix: &str) {
    s.bus = Some(url.to_string());
    s.bus_prefix = prefix.to_string();
}

/// Instance A (seeded) and instance B on A's database and the same bus prefix.
pub(crate) async fn two_instances(url: &str) -> (TestApp, TestApp, String) {
    let prefix = format!("vigil_test_{:016x}", rand::random::<u64>());
    let a = spawn_app_with(|s| on_bus(s, url, &prefix)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::in_dir(dir.path().to_path_buf());
    on_bus(&mut settings, url, &prefix);
    settings.database = Some(crate::common::database_url(a.dir.path()).await);
    let b = start_with(dir, false, settings).await;
    assert_eq!((b.exam, b.room_a), (a.exam, a.room_a));
    (a, b, prefix)
}

pub(crate) async fn snapshot(ws: &mut crate::common::Ws) -> Vec<CandidateTile> {
    match ws.recv::<ProctorServerMsg>().await {
        ProctorServerMsg::Snapshot { tiles, .. } => tiles,
        other => panic!("expected snapshot, got {other:?}"),
    }
}

/// The first tile of `id` on the feed that satisfies `want`, within 10 s.
pub(crate) async fn tile_where(
    ws: &mut crate::common::Ws,
    id: CandidateId,
    want: impl Fn(&CandidateTile) -> bool,
) -> CandidateTile {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let left = until.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no tile of {id} as wanted within 10 s");
        let msg: ProctorServerMsg = ws.recv_until(left.as_secs().max(1), |_| true).await;
        let tiles = match msg {
            ProctorServerMsg::Delta { tile, .. } => vec![tile],
            ProctorServerMsg::Snapshot { tiles, .. } => tiles,
            _ => continue,
        };
        if let Some(t) = tiles.into_iter().find(|t| t.id == id && want(t)) {
            return t;
        }
    }
}

pub(crate) async fn page(app: &TestApp, cookie: &str, view: View) -> crate::common::Ws {
    let mut ws = app.ws("/ws/candidate", Some(cookie)).await.expect("socket");
    ws.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view }).await;
    let first: CandidateServerMsg = ws.recv().await;
    assert!(matches!(first, CandidateServerMsg::Welcome { .. }), "{first:?}");
    ws
}

#[tokio::test]
async fn a_candidate_on_one_instance_and_proctors_on_both_see_and_act_on_each_other() {
    let Some(url) = nats_url() else { return };
    let (a, b, _) = two_instances(&url).await;
    let id = crate::common::candidate_id(&a, "T-0001").await;
    // Proctor on B and another on A, both watching room A.
    let pb = b.staff_cookie("proctora").await;
    let pa = a.staff_cookie("proctora").await;
    let room = format!("/ws/proctor?room={}", a.room_a);
    let mut feed_b = b.ws(&room, Some(&pb)).await.expect("feed on B");
    let mut feed_a = a.ws(&room, Some(&pa)).await.expect("feed on A");
    snapshot(&mut feed_b).await;
    snapshot(&mut feed_a).await;

    // The candidate signs in on A: B's proctor sees it.
    let cand = a.candidate_cookie("T-0001").await;
    tile_where(&mut feed_b, id, |t| t.phase == Phase::LoggedIn).await;
    crate::common::jump(&a, id, Phase::InExam).await;
    // The PC page on A, the phone on B: one candidate, both views online on both grids.
    let mut pc = page(&a, &cand, View::Pc).await;
    let phone_cookie = a.phone_cookie(&cand).await;
    let phone = page(&b, &phone_cookie, View::Phone).await;
    for feed in [&mut feed_b, &mut feed_a] {
        tile_where(feed, id, |t| t.pc.online && t.phone.online).await;
    }

    // B's proctor writes; the page on A reads it.
    let body =
        json!({ "candidate": id, "kind": MessageKind::Message, "body": "Look at the camera" });
    let (status, out) = post_json(&b, "/api/proctor/message", &body, Some(&pb)).await;
    assert_eq!(status, 200, "{out}");
    let got: CandidateServerMsg =
        pc.recv_until(10, |m| matches!(m, CandidateServerMsg::Message { .. })).await;
    let CandidateServerMsg::Message { message } = got else { unreachable!() };
    assert_eq!(message.body, "Look at the camera");

    // The phone closes on B: offline on A's grid at once, not after a timeout.
    phone.close().await;
    let t0 = Instant::now();
    tile_where(&mut feed_a, id, |t| t.pc.online && !t.phone.online).await;
    assert!(
        t0.elapsed() < Duration::from_secs(OFFLINE_AFTER_SECS as u64 - 1),
        "{:?}",
        t0.elapsed()
    );

    // A's proctor force-submits; B's grid and the page on A hear it.
    let body = json!({ "candidate": id, "reason": "cluster test" });
    let (status, out) = post_json(&a, "/api/proctor/force-submit", &body, Some(&pa)).await;
    assert_eq!(status, 200, "{out}");
    tile_where(&mut feed_b, id, |t| t.phase == Phase::Submitted(SubmitKind::Forced)).await;
    let got: CandidateServerMsg =
        pc.recv_until(10, |m| matches!(m, CandidateServerMsg::Phase { .. })).await;
    assert_eq!(got, CandidateServerMsg::Phase { phase: Phase::Submitted(SubmitKind::Forced) });

    // Nothing was lost on the way, so no one had to resynchronise (what the relay says every
    // second about its rooms is not mistaken for a bus message).
    let admin = b.staff_cookie("admin").await;
    let metrics = b.metrics(&admin).await;
    for line in ["vigil_bus_gaps 0", "vigil_bus_undecodable 0", "vigil_bus_connected 1"] {
        assert!(metrics.lines().any(|l| l == line), "{line}: {metrics}");
    }
}

#[tokio::test]
async fn a_view_held_by_an_instance_that_falls_silent_goes_offline_after_the_timeout() {
    let Some(url) = nats_url() else { return };
    let (a, _b, prefix) = two_instances(&url).await;
    let id = crate::common::candidate_id(&a, "T-0002").await;
    let pa = a.staff_cookie("proctora").await;
    let mut feed = a.ws(&format!("/ws/proctor?room={}", a.room_a), Some(&pa)).await.expect("feed");
    snapshot(&mut feed).await;
    // A third instance (this test, on NATS) says it holds the candidate's PC view, once.
    let nats = async_nats::connect(url.as_str()).await.expect("NATS");
    let fact = PresenceFact { candidate: id, room: a.room_a, view: View::Pc, online: true };
    let msg = WireMsg { v: WIRE_VERSION, origin: 99, body: WireBody::Presence { fact } };
    nats.publish(format!("{prefix}.presence"), encode(&msg).into()).await.expect("publish");
    nats.flush().await.expect("flush");
    tile_where(&mut feed, id, |t| t.pc.online).await;
    let online = Instant::now();
    // Then it dies without a word: no ghost tile.
    tile_where(&mut feed, id, |t| !t.pc.online).await;
    let after = online.elapsed();
    assert!(
        after >= Duration::from_secs(OFFLINE_AFTER_SECS as u64 - 1)
            && after < Duration::from_secs(OFFLINE_AFTER_SECS as u64 + 3),
        "offline after {after:?}"
    );
}

fn frame(seq: u32) -> Vec<u8> {
    use domain::camera::FrameHeader;
    let pic = backend::relay::synthetic::jpeg(320, 240, seq, false);
    let head = FrameHeader {
        view: View::Pc,
        seq,
        captured_ms: backend::relay::epoch_ms(),
        width: 320,
        height: 240,
    };
    [head.encode().to_vec(), pic].concat()
}

async fn profile_on(ws: &mut crate::common::Ws) -> domain::camera::ProfileKind {
    let m: CandidateServerMsg =
        ws.recv_until(10, |m| matches!(m, CandidateServerMsg::Profile { .. })).await;
    let CandidateServerMsg::Profile { profile } = m else { unreachable!() };
    profile.kind
}

#[tokio::test]
async fn frames_sent_to_one_instance_reach_the_proctor_on_the_other_who_can_focus_the_page() {
    use domain::camera::{CameraSettings, ProfileKind, RelayHeader};
    use domain::protocol::FramesServerMsg;
    let Some(url) = nats_url() else { return };
    let (a, b, _) = two_instances(&url).await;
    let mut s = CameraSettings::default();
    s.grid.interval_ms = 200;
    a.state.store.set_exam_camera(a.exam, &s).await.expect("settings");
    let id = crate::common::candidate_id(&a, "T-0001").await;
    let cookie = a.candidate_cookie("T-0001").await;
    crate::common::jump(&a, id, Phase::InExam).await;
    // The proctor on B watches room A's grid.
    let pb = b.staff_cookie("proctora").await;
    let grid_path = format!("/ws/frames?room={}", a.room_a);
    let mut grid = b.ws(&grid_path, Some(&pb)).await.expect("frames on B");
    assert!(matches!(grid.recv::<FramesServerMsg>().await, FramesServerMsg::Hello { .. }));
    // The PC page on A sends its camera.
    let mut pc = a.ws("/ws/candidate?view=pc", Some(&cookie)).await.expect("page on A");
    pc.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc }).await;
    assert_eq!(profile_on(&mut pc).await, ProfileKind::Grid);
    let until = Instant::now() + Duration::from_secs(10);
    let mut seq = 0;
    let got = loop {
        assert!(Instant::now() < until, "no frame crossed to B within 10 s");
        seq += 1;
        pc.send_bytes(frame(seq)).await;
        if let Some(bytes) = grid.recv_binary(250).await {
            break bytes;
        }
    };
    let head = RelayHeader::parse(&got).expect("relay header");
    assert_eq!((head.candidate, head.view), (id, View::Pc));
    // B shows the latest picture too: nothing is kept until it is read, the read waits for
    // the next frame that crosses.
    let read = reqwest::Client::new()
        .get(b.url(&format!("/media/candidates/{}/latest/pc", id.0)))
        .header("cookie", &pb)
        .send();
    seq += 1;
    let next = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        pc.send_bytes(frame(seq)).await;
    };
    let (latest, ()) = tokio::join!(read, next);
    assert_eq!(latest.expect("latest").status().as_u16(), 200);

    // B's proctor raises a flag: A, which receives the camera, keeps the frames as evidence.
    let flag = json!({ "candidate": id, "kind": domain::flag::FlagKind::Other, "note": "look" });
    let (status, out) = post_json(&b, "/api/proctor/flag", &flag, Some(&pb)).await;
    assert_eq!(status, 200, "{out}");
    seq += 1;
    pc.send_bytes(frame(seq)).await;
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let kept = a.state.store.evidence(id).await.expect("db");
        if kept.iter().any(|e| e.reason == domain::camera::EvidenceReason::Flag) {
            break;
        }
        assert!(Instant::now() < until, "no flag evidence on A: {kept:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // B's proctor opens the candidate: the page on A switches to focus, and back when closed.
    let focus_path = format!("/ws/frames?room={}&candidate={}", a.room_a, id.0);
    let focus = b.ws(&focus_path, Some(&pb)).await.expect("focus on B");
    assert_eq!(profile_on(&mut pc).await, ProfileKind::Focus);
    focus.close().await;
    assert_eq!(profile_on(&mut pc).await, ProfileKind::Grid);
}

/// A NATS server of the test's own, on a port it can stop and start again.
struct OwnNats {
    port: u16,
    child: Option<std::process::Child>,
}

impl OwnNats {
    fn start(port: u16) -> Option<Self> {
        let child = std::process::Command::new("nats-server")
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        Some(Self { port, child: Some(child) })
    }

    async fn ready(&self) {
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("nats-server did not start");
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for OwnNats {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test]
async fn the_grid_recovers_by_itself_when_nats_restarts_and_nothing_committed_is_lost() {
    if nats_url().is_none() {
        return;
    }
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("a").port();
    let Some(mut nats) = OwnNats::start(port) else {
        eprintln!("SKIPPED: no nats-server binary; the NATS restart test did not run");
        return;
    };
    nats.ready().await;
    let (a, b, _) = two_instances(&format!("nats://127.0.0.1:{port}")).await;
    let id = crate::common::candidate_id(&a, "T-0002").await;
    let pb = b.staff_cookie("proctora").await;
    let mut feed_b =
        b.ws(&format!("/ws/proctor?room={}", a.room_a), Some(&pb)).await.expect("feed on B");
    snapshot(&mut feed_b).await;

    // NATS goes away; a candidate signs in on A meanwhile (committed, announced into the void).
    nats.stop();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _cookie = a.candidate_cookie("T-0002").await;
    let stored = a.state.store.candidate(id).await.expect("db").expect("candidate");
    assert_eq!(stored.phase, Phase::LoggedIn);

    // NATS is back on the same address: B's grid catches up by itself.
    let mut nats = OwnNats::start(port).expect("nats-server again");
    nats.ready().await;
    let t0 = Instant::now();
    // Whatever NATS kept or lost meanwhile, B resynchronises its grid from the store.
    let msg: ProctorServerMsg =
        feed_b.recv_until(15, |m| matches!(m, ProctorServerMsg::Snapshot { .. })).await;
    let ProctorServerMsg::Snapshot { tiles, .. } = msg else { unreachable!() };
    let tile = tiles.iter().find(|t| t.id == id).expect("the candidate's tile");
    assert_eq!(tile.phase, Phase::LoggedIn);
    eprintln!("B's grid resynchronised {:?} after NATS came back", t0.elapsed());
    nats.stop();
}

#[tokio::test]
async fn extra_time_and_a_review_decision_made_on_one_instance_reach_the_other() {
    use domain::VerificationStatus;
    let Some(url) = nats_url() else { return };
    let (a, b, _) = two_instances(&url).await;
    let pa = a.staff_cookie("proctora").await;
    let mut feed_a =
        a.ws(&format!("/ws/proctor?room={}", a.room_a), Some(&pa)).await.expect("feed on A");
    snapshot(&mut feed_a).await;

    // A failed verification waits for review; the admin on B approves it; A's grid shows it.
    let (one, _) = crate::admin::fail_verification(&a, "T-0001").await;
    let admin_b = b.staff_cookie("admin").await;
    let (status, body) = crate::admin::decide(&b, &admin_b, one, "approve", "").await;
    assert_eq!(status, 200, "{body}");
    tile_where(&mut feed_a, one, |t| t.verification == VerificationStatus::Approved).await;

    // The proctor on B gives five minutes; the candidate's page on A hears it.
    let two = crate::common::candidate_id(&a, "T-0002").await;
    let cookie = a.candidate_cookie("T-0002").await;
    crate::common::jump(&a, two, Phase::InExam).await;
    let mut pc = page(&a, &cookie, View::Pc).await;
    let pb = b.staff_cookie("proctora").await;
    let body = json!({ "candidate": two, "minutes": 5, "reason": "technical" });
    let (status, out) = post_json(&b, "/api/proctor/add-time", &body, Some(&pb)).await;
    assert_eq!(status, 200, "{out}");
    let exam = a.state.store.exam(a.exam).await.expect("db").expect("exam");
    let got: CandidateServerMsg =
        pc.recv_until(10, |m| matches!(m, CandidateServerMsg::Times { .. })).await;
    assert_eq!(got, CandidateServerMsg::Times { times: exam.times(5) });
    tile_where(&mut feed_a, two, |t| t.extra_minutes == 5).await;
}
