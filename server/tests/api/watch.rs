//! The automatic watch over the real sockets, with dlib on pictures made from face photos
//! (`target/face-fixtures`): no face for the persistence time raises "face absent" (with
//! evidence frames, the prompt to the candidate and the prompt on the timeline) and a face
//! clears it; two faces raise "another person"; another person's face raises "different
//! person"; flags reach the room's proctor only; sound reports raise "noise" with a bound;
//! reviewers' decisions make the report's precision; the score is on the tile and in the
//! exports.
use crate::common::{TestApp, Ws, add_candidate_with_photo, post_json, spawn_app};
use backend::relay::epoch_ms;
use chrono::Utc;
use domain::camera::FrameHeader;
use domain::console::{CandidateEvent, Prompt};
use domain::flag::{FlagKind, FlagResolution};
use domain::protocol::{
    CandidateClientMsg, CandidateServerMsg, PROTOCOL_VERSION, ProctorServerMsg,
};
use domain::report::ExamReport;
use domain::watch::WatchSettings;
use domain::{CandidateId, CandidateTile, Phase, View};
use serde_json::{Value, json};
use server::face::scenes::{Scene, jpeg, load, picture};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn fixture_path(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/face-fixtures").join(name)
}

/// A 320×240 grid picture (JPEG quality 60) of `people` (face fixtures) in a plain room.
fn pic(people: &[&str]) -> Vec<u8> {
    let imgs: Vec<image::RgbImage> = people
        .iter()
        .map(|p| {
            load(&fixture_path(p)).unwrap_or_else(|| panic!("{p}: run scripts/face-assets.sh"))
        })
        .collect();
    let refs: Vec<&image::RgbImage> = imgs.iter().collect();
    jpeg(&picture(&refs, 320, 240, Scene::default()), 60)
}

/// Fast watch settings for a test: a check every 2 s, no face for 4 s, two faces for 2 s,
/// the identity every 2 s with one comparison enough; grid frames every 500 ms.
async fn fast_watch(app: &TestApp) {
    let mut s = app.state.store.exam_camera(app.exam).await.expect("camera");
    s.grid.interval_ms = 500;
    s.watch = WatchSettings {
        check_secs: 2,
        absent_secs: 4,
        several_secs: 2,
        identity_secs: 2,
        mismatch_checks: 1,
        ..WatchSettings::default()
    };
    app.state.store.set_exam_camera(app.exam, &s).await.expect("set camera");
}

/// A candidate of room A whose roster photo is `photo`, in the exam, signed in.
async fn candidate_in_exam(app: &TestApp, ticket: &str, photo: &str) -> (CandidateId, String) {
    let id = add_candidate_with_photo(app, ticket, photo).await;
    let cookie = app.candidate_cookie(ticket).await;
    let from = app.state.store.candidate(id).await.expect("db").expect("c").phase;
    assert!(
        app.state
            .store
            .set_phase(id, from, Phase::InExam, "test", Utc::now(), None)
            .await
            .expect("db")
    );
    (id, cookie)
}

/// The PC page: says hello and sends the current `scene` every 600 ms until dropped.
struct Camera {
    scene: Arc<Mutex<Vec<u8>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Camera {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn pc_page(app: &TestApp, cookie: &str, first: Vec<u8>) -> (Camera, Ws) {
    // Frames go on one socket, the page's messages are read on another of the same session.
    let mut sender = app.ws("/ws/candidate?view=pc", Some(cookie)).await.expect("socket");
    sender.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc }).await;
    let _: CandidateServerMsg =
        sender.recv_until(5, |m| matches!(m, CandidateServerMsg::Profile { .. })).await;
    let mut reader = app.ws("/ws/candidate?view=pc", Some(cookie)).await.expect("socket");
    reader.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc }).await;
    let scene = Arc::new(Mutex::new(first));
    let shared = scene.clone();
    let task = tokio::spawn(async move {
        let mut seq = 0;
        loop {
            seq += 1;
            let pic = shared.lock().map(|p| p.clone()).unwrap_or_default();
            let head = FrameHeader {
                view: View::Pc,
                seq,
                captured_ms: epoch_ms(),
                width: 320,
                height: 240,
            };
            let mut m = head.encode().to_vec();
            m.extend_from_slice(&pic);
            sender.send_bytes(m).await;
            tokio::time::sleep(Duration::from_millis(600)).await;
        }
    });
    (Camera { scene, task }, reader)
}

impl Camera {
    fn show(&self, people: &[&str]) {
        if let Ok(mut s) = self.scene.lock() {
            *s = pic(people);
        }
    }
}

/// Waits until `pred` holds for the candidate's open automatic flags; returns how long.
async fn until_flags(
    app: &TestApp,
    id: CandidateId,
    secs: u64,
    what: &str,
    pred: impl Fn(&[FlagKind]) -> bool,
) -> Duration {
    let t0 = Instant::now();
    loop {
        let open = app.state.store.open_auto_flags(id).await.expect("flags");
        if pred(&open) {
            return t0.elapsed();
        }
        assert!(t0.elapsed() < Duration::from_secs(secs), "{what}: still {open:?} after {secs} s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn feed(app: &TestApp, cookie: &str, room: domain::RoomId) -> (Ws, Vec<CandidateTile>) {
    let mut ws = app.ws(&format!("/ws/proctor?room={room}"), Some(cookie)).await.expect("feed");
    let m: ProctorServerMsg = ws.recv().await;
    let ProctorServerMsg::Snapshot { tiles, .. } = m else { panic!("snapshot first: {m:?}") };
    (ws, tiles)
}

#[tokio::test]
async fn the_face_checks_flag_no_face_two_faces_and_another_person_and_clear_them() {
    let app = spawn_app().await;
    fast_watch(&app).await;
    let (id, cookie) = candidate_in_exam(&app, "T-0090", "obama2.jpg").await;
    let proctor_a = app.staff_cookie("proctora").await;
    let proctor_b = app.staff_cookie("proctorb").await;
    let (mut feed_a, _) = feed(&app, &proctor_a, app.room_a).await;
    let (mut feed_b, tiles_b) = feed(&app, &proctor_b, app.room_b).await;
    assert!(tiles_b.iter().all(|t| t.id != id));
    let (camera, mut page) = pc_page(&app, &cookie, pic(&["obama.jpg"])).await;

    // The candidate in front of the camera: checks run, nothing is raised.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(app.state.store.open_auto_flags(id).await.expect("flags"), vec![]);
    assert!(app.state.frames.stats.face_checks() >= 2, "checks ran");

    // Nobody in the picture: "face absent" after the persistence time, not at once.
    camera.show(&[]);
    let took =
        until_flags(&app, id, 20, "face absent", |f| f.contains(&FlagKind::FaceAbsent)).await;
    eprintln!("face absent raised {took:?} after the face left");
    assert!(took >= Duration::from_secs(3), "raised too soon: {took:?}");
    let m: CandidateServerMsg =
        page.recv_until(5, |m| matches!(m, CandidateServerMsg::FacePrompt { on: true })).await;
    assert_eq!(m, CandidateServerMsg::FacePrompt { on: true });
    let tile = feed_a
        .recv_until::<ProctorServerMsg>(10, |m| matches!(m, ProctorServerMsg::Delta { tile, .. }
            if tile.id == id && tile.flags.iter().any(|f| f.kind == FlagKind::FaceAbsent && f.automatic)))
        .await;
    let ProctorServerMsg::Delta { tile, .. } = tile else { unreachable!() };
    assert!(tile.integrity < 100, "the score drops: {}", tile.integrity);

    // The face is back: cleared, and the prompt goes away.
    camera.show(&["obama.jpg"]);
    until_flags(&app, id, 15, "face back", |f| !f.contains(&FlagKind::FaceAbsent)).await;
    let _: CandidateServerMsg =
        page.recv_until(5, |m| matches!(m, CandidateServerMsg::FacePrompt { on: false })).await;

    // Two people: "another person"; one again: cleared.
    camera.show(&["obama3.jpg", "biden.jpg"]);
    until_flags(&app, id, 15, "two faces", |f| f.contains(&FlagKind::AnotherPerson)).await;
    camera.show(&["obama.jpg"]);
    until_flags(&app, id, 15, "one face", |f| !f.contains(&FlagKind::AnotherPerson)).await;

    // Someone else in the seat: "different person".
    camera.show(&["biden.jpg"]);
    until_flags(&app, id, 20, "another face", |f| f.contains(&FlagKind::FaceMismatch)).await;
    camera.show(&["obama.jpg"]);
    until_flags(&app, id, 20, "the candidate back", |f| !f.contains(&FlagKind::FaceMismatch)).await;
    drop(camera);

    // Evidence was kept; the prompt is on the timeline; every flag is automatic.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(!app.state.store.evidence(id).await.expect("evidence").is_empty());
    let events = app.state.store.events(id).await.expect("events");
    assert!(
        events.iter().any(|(_, e)| *e == CandidateEvent::Prompted { what: Prompt::FaceNotSeen }),
        "{events:?}"
    );
    let flags = app.state.store.flags(id).await.expect("flags");
    let kinds: Vec<FlagKind> = flags.iter().map(|f| f.kind).collect();
    for k in [FlagKind::FaceAbsent, FlagKind::AnotherPerson, FlagKind::FaceMismatch] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    assert!(flags.iter().all(|f| f.automatic && f.cleared_at.is_some()), "{flags:?}");

    // Room-scoped: room B's proctor heard nothing of this candidate.
    let msgs = feed_b.texts_within(500).await;
    assert!(msgs.iter().all(|m| !m.contains(&format!("\"id\":{}", id.0))), "{msgs:?}");
    let metrics = app.metrics(&app.staff_cookie("admin").await).await;
    assert!(metrics.contains("vigil_face_checks_total"), "{metrics}");

    // Reviewers decide on cleared automatic flags: the report counts them per kind.
    let id_of = |k: FlagKind| flags.iter().find(|f| f.kind == k).map(|f| f.id).expect("flag");
    for (k, r) in [
        (FlagKind::FaceAbsent, FlagResolution::Resolved),
        (FlagKind::AnotherPerson, FlagResolution::Dismissed),
    ] {
        let req = json!({ "flag": id_of(k), "resolution": r, "note": "" });
        let (status, body) =
            post_json(&app, "/api/proctor/close-flag", &req, Some(&proctor_a)).await;
        assert_eq!(status, 200, "{body}");
    }
    // A decision is taken once.
    let req = json!({ "flag": id_of(FlagKind::FaceAbsent), "resolution": "dismissed", "note": "" });
    let (status, _) = post_json(&app, "/api/proctor/close-flag", &req, Some(&proctor_a)).await;
    assert_eq!(status, 409);
    let admin = app.staff_cookie("admin").await;
    let (status, body) =
        post_json(&app, "/api/admin/report", &json!({ "exam": app.exam.0 }), Some(&admin)).await;
    assert_eq!(status, 200, "{body}");
    let r: ExamReport = serde_json::from_value(body).expect("report");
    let p = |k: FlagKind| r.precision.iter().find(|p| p.kind == k).copied().expect("kind");
    assert_eq!((p(FlagKind::FaceAbsent).confirmed, p(FlagKind::FaceAbsent).dismissed), (1, 0));
    assert_eq!(p(FlagKind::FaceAbsent).ratio(), Some(1.0));
    assert_eq!(p(FlagKind::AnotherPerson).ratio(), Some(0.0));
    assert_eq!(p(FlagKind::FaceMismatch).undecided(), 1);
    let lowest = r.lowest_scores.iter().find(|(t, _, _)| t == "T-0090").expect("listed");
    assert!(lowest.2 < 100, "{lowest:?}");
    // The exports carry the score.
    let res = reqwest::Client::new()
        .get(app.url(&format!("/api/admin/exams/{}/answers.json", app.exam.0)))
        .header("cookie", &admin)
        .send()
        .await
        .expect("export");
    let sheets: Vec<Value> = res.json().await.expect("json");
    let sheet = sheets.iter().find(|s| s["ticket"] == "T-0090").expect("sheet");
    assert_eq!(sheet["integrity"].as_u64(), Some(u64::from(lowest.2)));
}

#[tokio::test]
async fn sound_reports_raise_and_clear_noise_within_bounds() {
    let app = spawn_app().await;
    let (id, cookie) = candidate_in_exam(&app, "T-0091", "obama2.jpg").await;
    let mut pc = app.ws("/ws/candidate?view=pc", Some(&cookie)).await.expect("socket");
    pc.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc }).await;
    let m: CandidateServerMsg =
        pc.recv_until(5, |m| matches!(m, CandidateServerMsg::Listen { .. })).await;
    assert_eq!(
        m,
        CandidateServerMsg::Listen { on: true, secs: WatchSettings::default().voice_secs }
    );

    pc.send(&CandidateClientMsg::Sound { speaking: true }).await;
    until_flags(&app, id, 5, "noise", |f| f.contains(&FlagKind::Noise)).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    pc.send(&CandidateClientMsg::Sound { speaking: false }).await;
    until_flags(&app, id, 5, "quiet", |f| !f.contains(&FlagKind::Noise)).await;
    let flags = app.state.store.flags(id).await.expect("flags");
    let noise = flags.iter().find(|f| f.kind == FlagKind::Noise).expect("noise flag");
    let lasted = noise.cleared_at.expect("cleared") - noise.raised_at;
    assert!(lasted >= chrono::Duration::milliseconds(1000), "its duration: {lasted}");

    // A page that reports again at once is not heard (at most one flag per 5 s).
    pc.send(&CandidateClientMsg::Sound { speaking: true }).await;
    pc.send(&CandidateClientMsg::Sound { speaking: false }).await;
    pc.send(&CandidateClientMsg::Sound { speaking: true }).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let n = app.state.store.flags(id).await.expect("flags").len();
    assert_eq!(n, 1, "no new flag within the gap");

    // The phone may not report sound.
    let phone = app.phone_cookie(&cookie).await;
    let mut ph = app.ws("/ws/candidate?view=phone", Some(&phone)).await.expect("phone");
    ph.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Phone }).await;
    let _: CandidateServerMsg =
        ph.recv_until(5, |m| matches!(m, CandidateServerMsg::Welcome { .. })).await;
    ph.send(&CandidateClientMsg::Sound { speaking: true }).await;
    let m: CandidateServerMsg =
        ph.recv_until(5, |m| matches!(m, CandidateServerMsg::Error { .. })).await;
    assert!(matches!(m, CandidateServerMsg::Error { .. }), "{m:?}");

    // An exam that does not listen: the page is told so and reports are ignored.
    let mut s = app.state.store.exam_camera(app.exam).await.expect("camera");
    s.watch.voice = false;
    app.state.store.set_exam_camera(app.exam, &s).await.expect("set");
    let (id2, cookie2) = candidate_in_exam(&app, "T-0092", "obama2.jpg").await;
    let mut pc2 = app.ws("/ws/candidate?view=pc", Some(&cookie2)).await.expect("socket");
    pc2.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc }).await;
    let m: CandidateServerMsg =
        pc2.recv_until(5, |m| matches!(m, CandidateServerMsg::Listen { .. })).await;
    assert!(matches!(m, CandidateServerMsg::Listen { on: false, .. }), "{m:?}");
    pc2.send(&CandidateClientMsg::Sound { speaking: true }).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(app.state.store.flags(id2).await.expect("flags").is_empty());
}

#[tokio::test]
async fn the_watch_ends_with_the_page_and_with_the_exam() {
    let app = spawn_app().await;
    let (id, cookie) = candidate_in_exam(&app, "T-0093", "obama2.jpg").await;
    let hello = CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Pc };
    let mut pc = app.ws("/ws/candidate?view=pc", Some(&cookie)).await.expect("socket");
    pc.send(&hello).await;
    let _: CandidateServerMsg =
        pc.recv_until(5, |m| matches!(m, CandidateServerMsg::Listen { .. })).await;
    pc.send(&CandidateClientMsg::Sound { speaking: true }).await;
    until_flags(&app, id, 5, "noise", |f| f.contains(&FlagKind::Noise)).await;
    // The page goes away while talking is reported: nobody listens, the flag ends.
    pc.close().await;
    until_flags(&app, id, 5, "page gone", |f| !f.contains(&FlagKind::Noise)).await;

    // Talking again, then a face flag left open: the force-submit closes both.
    let mut pc = app.ws("/ws/candidate?view=pc", Some(&cookie)).await.expect("socket");
    pc.send(&hello).await;
    let _: CandidateServerMsg =
        pc.recv_until(5, |m| matches!(m, CandidateServerMsg::Listen { .. })).await;
    tokio::time::sleep(Duration::from_millis(5200)).await; // the gap after the last flag
    pc.send(&CandidateClientMsg::Sound { speaking: true }).await;
    until_flags(&app, id, 5, "noise again", |f| f.contains(&FlagKind::Noise)).await;
    assert!(
        app.state.store.raise_auto_flag(id, FlagKind::FaceAbsent, Utc::now()).await.expect("db")
    );
    let proctor = app.staff_cookie("proctora").await;
    let body = json!({ "candidate": id.0, "reason": "end of the test" });
    let (status, out) = post_json(&app, "/api/proctor/force-submit", &body, Some(&proctor)).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(app.state.store.open_auto_flags(id).await.expect("flags"), vec![]);
    let m: CandidateServerMsg =
        pc.recv_until(5, |m| matches!(m, CandidateServerMsg::FacePrompt { on: false })).await;
    assert_eq!(m, CandidateServerMsg::FacePrompt { on: false });
    // Both flags stay in the record, closed.
    let flags = app.state.store.flags(id).await.expect("flags");
    assert_eq!(flags.len(), 3);
    assert!(flags.iter().all(|f| f.cleared_at.is_some()));
}
