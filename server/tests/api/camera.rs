//! Camera frames over the real sockets: relay to the right room only, the latest frame on
//! HTTP, typed refusals for bad frames and floods, the focus profile, black and frozen views
//! raising flags, a lost phone, and evidence frames kept and served.
use crate::common::{TestApp, Ws, spawn_app};
use backend::relay::epoch_ms;
use backend::relay::synthetic::jpeg;
use chrono::Utc;
use domain::camera::{
    CameraProblem, CameraSettings, FrameError, FrameHeader, ProfileKind, RelayHeader,
};
use domain::flag::FlagKind;
use domain::protocol::{
    CandidateClientMsg, CandidateServerMsg, FramesServerMsg, PROTOCOL_VERSION, ProctorServerMsg,
};
use domain::{CandidateId, Phase, TicketNumber, View};
use std::time::Duration;

async fn candidate_id(app: &TestApp, ticket: &str) -> CandidateId {
    let t = TicketNumber::parse(ticket).expect("ticket");
    app.state.store.candidate_by_ticket(app.exam, &t).await.expect("db").expect("candidate").id
}

async fn jump(app: &TestApp, id: CandidateId, to: Phase) {
    let from = app.state.store.candidate(id).await.expect("db").expect("candidate").phase;
    assert!(app.state.store.set_phase(id, from, to, "test", Utc::now(), None).await.expect("db"));
}

/// A fixture candidate moved to `phase` and signed in: its id and cookie.
async fn candidate_at(app: &TestApp, ticket: &str, phase: Phase) -> (CandidateId, String) {
    let id = candidate_id(app, ticket).await;
    jump(app, id, phase).await;
    (id, app.candidate_cookie(ticket).await)
}

/// Sends `view`'s frames `seqs` (picture from `pic(seq)`), one every 250 ms.
async fn send_frames(
    ws: &mut Ws,
    view: View,
    seqs: std::ops::RangeInclusive<u32>,
    pic: impl Fn(u32) -> Vec<u8>,
) {
    for seq in seqs {
        ws.send_bytes(frame(view, seq, &pic(seq), 320, 240)).await;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn frame(view: View, seq: u32, pic: &[u8], w: u16, h: u16) -> Vec<u8> {
    let head = FrameHeader { view, seq, captured_ms: epoch_ms(), width: w, height: h };
    let mut m = head.encode().to_vec();
    m.extend_from_slice(pic);
    m
}

/// A candidate's socket for `view`, welcomed; returns it and the first profile.
async fn camera_socket(app: &TestApp, cookie: &str, view: View) -> (Ws, ProfileKind) {
    let cookie = match view {
        View::Pc => cookie.to_string(),
        View::Phone => app.phone_cookie(cookie).await,
    };
    let mut ws = app
        .ws(&format!("/ws/candidate?view={}", view.as_str()), Some(&cookie))
        .await
        .expect("socket");
    ws.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view }).await;
    let m: CandidateServerMsg =
        ws.recv_until(5, |m| matches!(m, CandidateServerMsg::Profile { .. })).await;
    let CandidateServerMsg::Profile { profile } = m else { unreachable!() };
    (ws, profile.kind)
}

async fn frames_socket(app: &TestApp, cookie: &str, query: &str) -> Ws {
    let mut ws = app.ws(&format!("/ws/frames?{query}"), Some(cookie)).await.expect("frames socket");
    let hello: FramesServerMsg = ws.recv().await;
    let FramesServerMsg::Hello { settings, .. } = hello else { panic!("hello first") };
    assert_eq!(settings.grid.width, 320);
    ws
}

async fn refused(ws: &mut Ws) -> FrameError {
    let m: CandidateServerMsg =
        ws.recv_until(5, |m| matches!(m, CandidateServerMsg::FrameRefused { .. })).await;
    let CandidateServerMsg::FrameRefused { error } = m else { unreachable!() };
    error
}

async fn get(app: &TestApp, path: &str, cookie: &str) -> (u16, Vec<u8>) {
    let res = reqwest::Client::new()
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .expect("request");
    (res.status().as_u16(), res.bytes().await.expect("body").to_vec())
}

/// Fast camera settings for tests: a 200 ms grid, frozen after 1 s.
async fn fast_camera(app: &TestApp) {
    let mut s = CameraSettings::default();
    s.grid.interval_ms = 200;
    s.frozen_secs = 1;
    app.state.store.set_exam_camera(app.exam, &s).await.expect("settings");
}

#[tokio::test]
async fn frames_reach_the_rooms_proctors_only_and_the_latest_is_readable() {
    let app = spawn_app().await;
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let a = app.staff_cookie("proctora").await;
    let b = app.staff_cookie("proctorb").await;
    assert_eq!(app.ws(&format!("/ws/frames?room={}", app.room_a), Some(&b)).await.err(), Some(404));
    let mut room_a = frames_socket(&app, &a, &format!("room={}", app.room_a)).await;
    let mut room_b = frames_socket(&app, &b, &format!("room={}", app.room_b)).await;
    let latest = format!("/media/candidates/{}/latest/phone", id.0);
    assert_eq!(get(&app, &latest, &me).await.0, 204, "no picture yet");

    let (mut phone, kind) = camera_socket(&app, &me, View::Phone).await;
    assert_eq!(kind, ProfileKind::Grid);
    let pic = jpeg(320, 240, 1, false);
    phone.send_bytes(frame(View::Phone, 1, &pic, 320, 240)).await;
    let got = room_a.recv_binary(5000).await.expect("room A's proctor gets the frame");
    let h = RelayHeader::parse(&got).expect("header");
    assert_eq!((h.candidate, h.view, h.seq, h.width), (id, View::Phone, 1, 320));
    assert_eq!(&got[36..], &pic[..]);
    assert!(room_b.recv_binary(1000).await.is_none(), "room B's proctor never receives it");

    // A proctor who connects later: the relay kept no picture, it asks the room's pages for
    // one at once and relays the answer.
    let mut late = frames_socket(&app, &a, &format!("room={}", app.room_a)).await;
    assert!(late.recv_binary(300).await.is_none(), "nothing kept in memory");
    let _: CandidateServerMsg =
        phone.recv_until(5, |m| matches!(m, CandidateServerMsg::Snap)).await;
    phone.send_bytes(frame(View::Phone, 2, &pic, 320, 240)).await;
    let got = late.recv_binary(2000).await.expect("the page's answer");
    assert_eq!(RelayHeader::parse(&got).map(|h| h.seq), Some(2));

    // The latest picture over HTTP (kept since the first read asked for it): the candidate
    // and the room's proctors only.
    assert_eq!(get(&app, &latest, &me).await, (200, pic.clone()));
    // JPEG is compressed already: sent as it is even to a client that takes brotli.
    let res = reqwest::Client::new()
        .get(app.url(&latest))
        .header("cookie", &a)
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .expect("get");
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.bytes().await.expect("body").to_vec(), pic);
    assert_eq!(get(&app, &latest, &a).await.0, 200);
    assert_eq!(get(&app, &latest, &b).await.0, 404);
    let other = app.candidate_cookie("T-0002").await;
    assert_eq!(get(&app, &latest, &other).await.0, 404);
}

#[tokio::test]
async fn bad_frames_and_floods_get_typed_errors_and_nothing_else_is_affected() {
    let app = spawn_app().await;
    let (_, me) = candidate_at(&app, "T-0001", Phase::FirstViewOn).await;
    let a = app.staff_cookie("proctora").await;
    let mut proctor = frames_socket(&app, &a, &format!("room={}", app.room_a)).await;
    let (mut pc, _) = camera_socket(&app, &me, View::Pc).await;
    let pic = jpeg(320, 240, 1, false);

    pc.send_bytes(frame(View::Pc, 1, b"\x89PNG\r\n\x1a\n not a jpeg", 320, 240)).await;
    assert_eq!(refused(&mut pc).await, FrameError::NotJpeg);
    pc.send_bytes(frame(View::Pc, 1, &jpeg(2000, 16, 1, false), 2000, 16)).await;
    assert_eq!(refused(&mut pc).await, FrameError::BadDimensions);
    pc.send_bytes(frame(View::Pc, 1, &pic, 640, 480)).await;
    assert_eq!(refused(&mut pc).await, FrameError::BadDimensions);
    let mut big = pic.clone();
    big.splice(2..2, std::iter::repeat_n(0u8, 300 * 1024));
    pc.send_bytes(frame(View::Pc, 1, &big, 320, 240)).await;
    assert!(matches!(refused(&mut pc).await, FrameError::TooLarge { .. }));
    pc.send_bytes(frame(View::Phone, 1, &pic, 320, 240)).await;
    assert_eq!(refused(&mut pc).await, FrameError::WrongView);
    pc.send_bytes(b"garbage".to_vec()).await;
    assert_eq!(refused(&mut pc).await, FrameError::BadHeader);
    // The phone view is not on yet (first view only).
    let (mut phone, _) = camera_socket(&app, &me, View::Phone).await;
    phone.send_bytes(frame(View::Phone, 1, &pic, 320, 240)).await;
    assert_eq!(refused(&mut phone).await, FrameError::ViewNotOn);
    assert!(proctor.recv_binary(500).await.is_none(), "nothing bad was relayed");

    // A flood: a burst gets through, the rest is throttled and counted.
    for seq in 10..60 {
        pc.send_bytes(frame(View::Pc, seq, &pic, 320, 240)).await;
    }
    assert_eq!(refused(&mut pc).await, FrameError::TooFast);
    // The same connection's other traffic still works.
    pc.send(&CandidateClientMsg::Heartbeat).await;
    let _: CandidateServerMsg =
        pc.recv_until(5, |m| matches!(m, CandidateServerMsg::HeartbeatAck { .. })).await;
    // Everyone else is unaffected: another candidate's frame goes through at once.
    let (id2, other) = candidate_at(&app, "T-0002", Phase::InExam).await;
    let (mut pc2, _) = camera_socket(&app, &other, View::Pc).await;
    pc2.send_bytes(frame(View::Pc, 1, &pic, 320, 240)).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut seen_other = false;
    while tokio::time::Instant::now() < deadline && !seen_other {
        if let Some(f) = proctor.recv_binary(1000).await {
            seen_other = RelayHeader::parse(&f).is_some_and(|h| h.candidate == id2);
        }
    }
    assert!(seen_other);

    // Metrics are for an admin (or the metrics token).
    assert_eq!(reqwest::get(app.url("/metrics")).await.expect("get").status().as_u16(), 401);
    let admin = app.staff_cookie("admin").await;
    let metrics = String::from_utf8(get(&app, "/metrics", &admin).await.1).expect("text");
    assert!(metrics.contains("vigil_frames_refused_total{reason=\"not_jpeg\"} 1"), "{metrics}");
    assert!(metrics.contains("vigil_frames_refused_total{reason=\"view_not_on\"} 1"), "{metrics}");
    let too_fast: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("vigil_frames_refused_total{reason=\"too_fast\"} "))
        .and_then(|n| n.parse().ok())
        .expect("counter");
    assert!(too_fast >= 40, "{too_fast}");
}

#[tokio::test]
async fn opening_a_candidate_switches_its_pages_to_focus_and_back() {
    let app = spawn_app().await;
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let a = app.staff_cookie("proctora").await;
    let (mut pc, kind) = camera_socket(&app, &me, View::Pc).await;
    assert_eq!(kind, ProfileKind::Grid);
    // A candidate of another room cannot be opened through this room.
    let other_room = candidate_id(&app, "T-0003").await;
    assert_eq!(
        app.ws(&format!("/ws/frames?room={}&candidate={}", app.room_a, other_room.0), Some(&a))
            .await
            .err(),
        Some(404)
    );
    let focus = frames_socket(&app, &a, &format!("room={}&candidate={}", app.room_a, id.0)).await;
    let m: CandidateServerMsg =
        pc.recv_until(5, |m| matches!(m, CandidateServerMsg::Profile { .. })).await;
    let CandidateServerMsg::Profile { profile } = m else { unreachable!() };
    assert_eq!((profile.kind, profile.width, profile.interval_ms), (ProfileKind::Focus, 640, 200));
    // Five frames a second of 640x480 are accepted while focused.
    let mut focus = focus;
    let big = jpeg(640, 480, 2, false);
    for seq in 1..=5 {
        pc.send_bytes(frame(View::Pc, seq, &big, 640, 480)).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut got = 0;
    while focus.recv_binary(600).await.is_some() {
        got += 1;
    }
    assert!(got >= 4, "{got}");
    focus.close().await;
    let started = std::time::Instant::now();
    let m: CandidateServerMsg =
        pc.recv_until(10, |m| matches!(m, CandidateServerMsg::Profile { .. })).await;
    let CandidateServerMsg::Profile { profile } = m else { unreachable!() };
    assert_eq!(profile.kind, ProfileKind::Grid);
    assert!(started.elapsed() < Duration::from_secs(6), "back to grid within a few seconds");
}

/// Waits for a delta of `id`'s tile whose open flags satisfy `pred`.
async fn tile_flags(
    feed: &mut Ws,
    id: CandidateId,
    pred: impl Fn(&[FlagKind]) -> bool,
) -> Vec<FlagKind> {
    let kinds = |t: &domain::CandidateTile| t.flags.iter().map(|f| f.kind).collect::<Vec<_>>();
    let m: ProctorServerMsg = feed
        .recv_until(15, |m| matches!(m, ProctorServerMsg::Delta { tile, .. } if tile.id == id && pred(&kinds(tile))))
        .await;
    let ProctorServerMsg::Delta { tile, .. } = m else { unreachable!() };
    kinds(&tile)
}

#[tokio::test]
async fn black_and_frozen_views_raise_flags_prompt_the_candidate_and_keep_evidence() {
    let app = spawn_app().await;
    fast_camera(&app).await;
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let a = app.staff_cookie("proctora").await;
    let mut feed =
        app.ws(&format!("/ws/proctor?room={}", app.room_a), Some(&a)).await.expect("feed");
    let (mut pc, _) = camera_socket(&app, &me, View::Pc).await;
    let black = jpeg(320, 240, 0, true);
    // Black frames for over 4 s (a frame every 250 ms; each is different in sequence only).
    send_frames(&mut pc, View::Pc, 1..=20, |_| black.clone()).await;
    let m: CandidateServerMsg = pc
        .recv_until(5, |m| matches!(m, CandidateServerMsg::CameraProblem { problem: Some(_), .. }))
        .await;
    assert_eq!(
        m,
        CandidateServerMsg::CameraProblem { view: View::Pc, problem: Some(CameraProblem::Black) }
    );
    assert!(
        tile_flags(&mut feed, id, |f| f.contains(&FlagKind::PcBlack))
            .await
            .contains(&FlagKind::PcBlack)
    );

    // A normal picture clears it; the same picture for over a second is frozen.
    let still = jpeg(320, 240, 5, false);
    send_frames(&mut pc, View::Pc, 21..=30, |_| still.clone()).await;
    let flags = tile_flags(&mut feed, id, |f| f.contains(&FlagKind::PcFrozen)).await;
    assert!(!flags.contains(&FlagKind::PcBlack), "{flags:?}");
    let m: CandidateServerMsg = pc
        .recv_until(5, |m| {
            matches!(
                m,
                CandidateServerMsg::CameraProblem { problem: Some(CameraProblem::Frozen), .. }
            )
        })
        .await;
    assert!(matches!(m, CandidateServerMsg::CameraProblem { view: View::Pc, .. }));
    // Moving pictures clear it.
    send_frames(&mut pc, View::Pc, 31..=34, |seq| jpeg(320, 240, seq, false)).await;
    tile_flags(&mut feed, id, |f| f.is_empty()).await;

    // Evidence: the first frame (sample) and the frames after each flag, indexed and served.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let evidence = app.state.store.evidence(id).await.expect("db");
    assert!(evidence.len() >= 3, "{evidence:?}");
    assert_eq!(evidence[0].reason, domain::camera::EvidenceReason::Sample);
    assert!(evidence.iter().any(|e| e.reason == domain::camera::EvidenceReason::Flag));
    let path = format!("/media/evidence/{}", evidence[0].id);
    let (status, bytes) = get(&app, &path, &a).await;
    assert_eq!((status, bytes), (200, black));
    assert_eq!(get(&app, &path, &app.staff_cookie("proctorb").await).await.0, 404);
    assert_eq!(get(&app, &path, &me).await.0, 403, "evidence is for staff");
    // The flags are stored with their times.
    let open = app.state.store.open_auto_flags(id).await.expect("db");
    assert!(open.is_empty());
}

#[tokio::test]
async fn samples_are_kept_once_per_interval() {
    let app = spawn_app().await;
    let mut s = CameraSettings::default();
    s.grid.interval_ms = 200;
    s.sample_secs = 1;
    app.state.store.set_exam_camera(app.exam, &s).await.expect("settings");
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let (mut pc, _) = camera_socket(&app, &me, View::Pc).await;
    // 3.1 s of frames every 250 ms: samples at 0, 1, 2 and 3 s.
    send_frames(&mut pc, View::Pc, 1..=13, |seq| jpeg(320, 240, seq - 1, false)).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let kept = app.state.store.evidence(id).await.expect("db");
    assert!((3..=4).contains(&kept.len()), "{}", kept.len());
    let gaps: Vec<i64> =
        kept.windows(2).map(|w| (w[1].received_at - w[0].received_at).num_milliseconds()).collect();
    assert!(gaps.iter().all(|g| *g >= 950), "{gaps:?}");
}

#[tokio::test]
async fn a_lost_phone_raises_second_view_lost_until_it_is_back() {
    let app = spawn_app().await;
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let a = app.staff_cookie("proctora").await;
    let mut feed =
        app.ws(&format!("/ws/proctor?room={}", app.room_a), Some(&a)).await.expect("feed");
    let (phone, _) = camera_socket(&app, &me, View::Phone).await;
    phone.close().await;
    let flags = tile_flags(&mut feed, id, |f| f.contains(&FlagKind::PhoneLost)).await;
    assert_eq!(flags, vec![FlagKind::PhoneLost]);
    let (_phone, _) = camera_socket(&app, &me, View::Phone).await;
    tile_flags(&mut feed, id, |f| f.is_empty()).await;
}

async fn post_submit(app: &TestApp, cookie: &str) -> (u16, String) {
    let res = reqwest::Client::new()
        .post(app.url("/api/exam/submit"))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .expect("request");
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

async fn chunk(
    app: &TestApp,
    cookie: &str,
    view: &str,
    recorder: &str,
    seq: u32,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let res = reqwest::Client::new()
        .post(
            app.url(&format!("/api/candidate/recording?view={view}&recorder={recorder}&seq={seq}")),
        )
        .header("cookie", cookie)
        .header("content-type", "video/webm")
        .body(body)
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn recording_chunks_are_stored_in_order_once_and_played_back_as_one_file() {
    let app = spawn_app().await;
    let (id, me) = candidate_at(&app, "T-0001", Phase::InExam).await;
    let head = |n: u8| {
        let mut v = vec![0x1A, 0x45, 0xDF, 0xA3];
        v.extend(std::iter::repeat_n(n, 1000));
        v
    };
    // Off unless the exam records.
    let (status, body) = chunk(&app, &me, "pc", "rec00001", 0, head(1)).await;
    assert_eq!((status, body["kind"].as_str()), (409, Some("recording_off")));
    let s = CameraSettings { recording: true, ..Default::default() };
    app.state.store.set_exam_camera(app.exam, &s).await.expect("settings");

    let (status, body) = chunk(&app, &me, "pc", "rec00001", 0, b"not webm".to_vec()).await;
    assert_eq!((status, body["kind"].as_str()), (422, Some("not_a_webm")));
    let (status, body) = chunk(&app, &me, "pc", "../x", 0, head(1)).await;
    assert_eq!((status, body["kind"].as_str()), (400, Some("validation")));
    assert_eq!(
        chunk(&app, &me, "pc", "rec00001", 0, head(1)).await,
        (200, serde_json::json!({ "next": 1 }))
    );
    assert_eq!(chunk(&app, &me, "pc", "rec00001", 1, vec![2; 500]).await.1["next"], 2);
    // A retried chunk is acknowledged and not stored twice; a gap is refused with the one expected.
    assert_eq!(chunk(&app, &me, "pc", "rec00001", 1, vec![2; 500]).await.1["next"], 2);
    let (status, body) = chunk(&app, &me, "pc", "rec00001", 5, vec![3; 10]).await;
    assert_eq!(
        (status, body["kind"].as_str(), body["expected"].as_u64()),
        (409, Some("chunk_out_of_order"), Some(2))
    );
    assert_eq!(chunk(&app, &me, "pc", "rec00001", 2, vec![3; 10]).await.1["next"], 3);
    // A restarted recorder makes a new file; the phone's view is not on before the second view.
    assert_eq!(chunk(&app, &me, "pc", "rec00002", 0, head(9)).await.0, 200);
    let (_, them) = candidate_at(&app, "T-0002", Phase::FirstViewOn).await;
    let their_phone = app.phone_cookie(&them).await;
    assert_eq!(
        chunk(&app, &their_phone, "phone", "rec00003", 0, head(1)).await.1["kind"],
        "not_ready"
    );

    // The last chunks of a recording are taken just after the submission (stopping the
    // recorder sends them).
    let forty_min_ago = Utc::now() - chrono::Duration::minutes(40);
    app.state.store.reschedule_exam(app.exam, forty_min_ago).await.expect("reschedule");
    let (status, body) = post_submit(&app, &me).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(chunk(&app, &me, "pc", "rec00001", 3, vec![4; 10]).await.1["next"], 4);
    let list = app.state.store.recordings(id).await.expect("db");
    assert_eq!(list.iter().map(|r| r.chunks).collect::<Vec<_>>(), vec![4, 1]);
    let a = app.staff_cookie("proctora").await;
    let (status, bytes) = get(&app, &format!("/media/recordings/{}", list[0].id), &a).await;
    let mut want = head(1);
    want.extend(vec![2; 500]);
    want.extend(vec![3; 10]);
    want.extend(vec![4; 10]);
    assert_eq!((status, bytes.len()), (200, want.len()));
    assert_eq!(bytes, want);
    let b = app.staff_cookie("proctorb").await;
    assert_eq!(get(&app, &format!("/media/recordings/{}", list[0].id), &b).await.0, 404);
    assert_eq!(get(&app, &format!("/media/recordings/{}", list[0].id), &me).await.0, 403);
}
