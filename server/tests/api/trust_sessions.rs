//! Trust, sessions: access is checked for open sockets too. A proctor taken off a room, a
//! disabled account, a changed password, a candidate who signs out or signs in elsewhere:
//! each open socket gets `revoked` with the reason and closes (code 4403) at once (pushed, not
//! found by the 30 s re-check).
//! One PC session per candidate; the phone is its own session, made only by pairing.
use crate::common::{TestApp, Ws, candidate_id, jump, post_json, spawn_app, staff_id};
use domain::protocol::{
    CLOSE_REVOKED, CandidateClientMsg, CandidateServerMsg, PROTOCOL_VERSION, ProctorServerMsg,
};
use domain::{Phase, View};
use serde_json::json;
use std::time::{Duration, Instant};

/// A candidate page's socket for `view`, welcomed.
async fn candidate_page(app: &TestApp, cookie: &str, view: View) -> Ws {
    let mut ws = app
        .ws(&format!("/ws/candidate?view={}", view.as_str()), Some(cookie))
        .await
        .expect("socket");
    ws.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view }).await;
    let m: CandidateServerMsg = ws.recv().await;
    assert!(matches!(m, CandidateServerMsg::Welcome { .. }), "{m:?}");
    ws
}

/// The room's tile feed, after its snapshot.
async fn room_feed(app: &TestApp, cookie: &str) -> Ws {
    let mut ws =
        app.ws(&format!("/ws/proctor?room={}", app.room_a), Some(cookie)).await.expect("feed");
    let m: ProctorServerMsg = ws.recv().await;
    assert!(matches!(m, ProctorServerMsg::Snapshot { .. }), "{m:?}");
    ws
}

/// How soon a pushed revocation must arrive: far below the 30 s periodic re-check, so only
/// the push can meet it, with room for a loaded machine (the change itself may hash a
/// password in a debug build).
const PUSHED: Duration = Duration::from_secs(5);

/// The socket is told `reason` and closed with `CLOSE_REVOKED`, pushed (well before the
/// periodic re-check could) after `since`.
async fn revoked(ws: &mut Ws, reason: &str, since: Instant) {
    let (texts, code) = ws.until_closed(PUSHED.as_secs()).await;
    assert!(since.elapsed() < PUSHED, "took {:?}", since.elapsed());
    let last: serde_json::Value =
        serde_json::from_str(texts.last().expect("a message")).expect("json");
    assert_eq!(last, json!({ "type": "revoked", "reason": reason }), "{texts:?}");
    assert_eq!(code, Some(CLOSE_REVOKED));
}

#[tokio::test]
async fn a_proctor_taken_off_a_room_loses_its_open_grid_and_frames_at_once() {
    let app = spawn_app().await;
    let pa = app.staff_cookie("proctora").await;
    let admin = app.staff_cookie("admin").await;
    let mut grid = room_feed(&app, &pa).await;
    let mut frames =
        app.ws(&format!("/ws/frames?room={}", app.room_a), Some(&pa)).await.expect("frames");
    let _hello: serde_json::Value = frames.recv().await;
    // Another proctor's change does not touch this one's sockets.
    let pb = staff_id(&app, "proctorb").await;
    let body = json!({ "room": app.room_b, "staff": pb, "assigned": false });
    assert_eq!(post_json(&app, "/api/admin/assign", &body, Some(&admin)).await.0, 200);

    let me = staff_id(&app, "proctora").await;
    let body = json!({ "room": app.room_a, "staff": me, "assigned": false });
    let t0 = Instant::now();
    assert_eq!(post_json(&app, "/api/admin/assign", &body, Some(&admin)).await.0, 200);
    revoked(&mut grid, "access_removed", t0).await;
    revoked(&mut frames, "access_removed", t0).await;
    // Nor can it come back.
    let path = format!("/ws/proctor?room={}", app.room_a);
    assert_eq!(app.ws(&path, Some(&pa)).await.err(), Some(404));
}

#[tokio::test]
async fn a_disabled_account_and_a_changed_password_close_the_accounts_sockets() {
    let app = spawn_app().await;
    let admin = app.staff_cookie("admin").await;
    let pa = app.staff_cookie("proctora").await;
    let mut grid = room_feed(&app, &pa).await;
    let me = staff_id(&app, "proctora").await;
    let body = json!({ "staff": me, "password": "another-password-1" });
    let t0 = Instant::now();
    assert_eq!(post_json(&app, "/api/admin/reset-password", &body, Some(&admin)).await.0, 200);
    revoked(&mut grid, "password_changed", t0).await;
    // The old session is gone for plain requests too; the new password works.
    assert_eq!(app.post_form("/api/rooms/mine", &[], Some(&pa)).await.0, 401);
    let form = [("username", "proctora"), ("password", "another-password-1")];
    let (status, _, again) = app.post_form("/api/staff/login", &form, None).await;
    assert_eq!(status, 200);
    let again = crate::common::pair(&again.expect("cookie"));

    // An admin changing their own password keeps the session they are using.
    let my_id = staff_id(&app, "admin").await;
    let body = json!({ "staff": my_id, "password": "admins-new-password" });
    assert_eq!(post_json(&app, "/api/admin/reset-password", &body, Some(&admin)).await.0, 200);
    assert_eq!(app.post_form("/api/rooms/mine", &[], Some(&admin)).await.0, 200);

    let mut grid = room_feed(&app, &again).await;
    let t0 = Instant::now();
    let body = json!({ "staff": me, "disabled": true });
    assert_eq!(post_json(&app, "/api/admin/set-disabled", &body, Some(&admin)).await.0, 200);
    revoked(&mut grid, "account_disabled", t0).await;
}

#[tokio::test]
async fn a_signed_out_candidates_socket_closes_and_answers_nothing_more() {
    let app = spawn_app().await;
    let me = app.candidate_cookie("T-0001").await;
    let mut page = candidate_page(&app, &me, View::Pc).await;
    let t0 = Instant::now();
    assert_eq!(app.post_form("/api/candidate/logout", &[], Some(&me)).await.0, 200);
    revoked(&mut page, "signed_out", t0).await;
    // The cookie opens nothing any more.
    assert_eq!(app.ws("/ws/candidate?view=pc", Some(&me)).await.err(), Some(401));
}

#[tokio::test]
async fn a_second_sign_in_ends_the_first_and_the_proctors_see_it() {
    let app = spawn_app().await;
    let pa = app.staff_cookie("proctora").await;
    let first = app.candidate_cookie("T-0001").await;
    let mut page = candidate_page(&app, &first, View::Pc).await;
    let mut grid = room_feed(&app, &pa).await;
    let t0 = Instant::now();
    let second = app.candidate_cookie("T-0001").await;
    revoked(&mut page, "signed_in_elsewhere", t0).await;
    // The first session is over for every request; the second works.
    assert_eq!(app.post_form("/api/journey/state", &[], Some(&first)).await.0, 401);
    assert_eq!(app.post_form("/api/journey/state", &[], Some(&second)).await.0, 200);
    // The proctor's tile counts it (an alert on the grid) and the timeline has the event.
    let id = candidate_id(&app, "T-0001").await;
    let m: ProctorServerMsg = grid
        .recv_until(5, |m| {
            matches!(m, ProctorServerMsg::Delta { tile, .. } if tile.id == id && tile.sessions_replaced == 1)
        })
        .await;
    assert!(matches!(m, ProctorServerMsg::Delta { .. }));
    let (status, timeline, _) = app
        .post_form("/api/proctor/timeline", &[("candidate", &id.0.to_string())], Some(&pa))
        .await;
    assert_eq!(status, 200);
    assert!(timeline.to_string().contains("session_replaced"), "{timeline}");
}

#[tokio::test]
async fn the_pcs_session_cannot_act_as_its_own_second_view() {
    let app = spawn_app().await;
    let id = candidate_id(&app, "T-0001").await;
    let pc = app.candidate_cookie("T-0001").await;
    jump(&app, id, Phase::FirstViewOn).await;
    // The phone's face check, "enter monitoring" and the phone socket: not with the PC's cookie.
    let jpeg = backend::relay::synthetic::jpeg(320, 240, 1, false);
    let res = reqwest::Client::new()
        .post(app.url("/api/candidate/face?view=phone"))
        .header("cookie", &pc)
        .header("content-type", "image/jpeg")
        .body(jpeg)
        .send()
        .await
        .expect("face");
    assert_eq!(res.status().as_u16(), 403);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body, json!({ "kind": "wrong_device", "expected": "phone" }));
    let (status, body, _) = app.post_form("/api/phone/enter", &[], Some(&pc)).await;
    assert_eq!((status, body), (403, json!({ "kind": "wrong_device", "expected": "phone" })));
    let mut ws = app.ws("/ws/candidate?view=phone", Some(&pc)).await.expect("socket");
    ws.send(&CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view: View::Phone }).await;
    let m: serde_json::Value = ws.recv().await;
    assert_eq!(m, json!({ "type": "error", "error": { "code": "wrong_device" } }));
    assert_eq!(
        app.state.store.candidate(id).await.expect("db").expect("c").phase,
        Phase::FirstViewOn
    );

    // The paired phone's session does those, and none of the PC's steps.
    let phone = app.phone_cookie(&pc).await;
    let (status, _, _) = app.post_form("/api/phone/me", &[], Some(&phone)).await;
    assert_eq!(status, 200);
    let (status, body, _) = app.post_form("/api/journey/confirm", &[], Some(&phone)).await;
    assert_eq!((status, body), (403, json!({ "kind": "wrong_device", "expected": "pc" })));
    let (status, body, _) = app.post_form("/api/exam/submit", &[], Some(&phone)).await;
    assert_eq!((status, body), (403, json!({ "kind": "wrong_device", "expected": "pc" })));
    let _page = candidate_page(&app, &phone, View::Phone).await;
}

#[tokio::test]
async fn a_new_pairing_ends_the_older_phones_session() {
    let app = spawn_app().await;
    let id = candidate_id(&app, "T-0001").await;
    let pc = app.candidate_cookie("T-0001").await;
    jump(&app, id, Phase::FirstViewOn).await;
    let mut phones = Vec::new();
    for _ in 0..2 {
        let (status, pairing, _) = app.post_form("/api/journey/pairing", &[], Some(&pc)).await;
        assert_eq!(status, 200, "{pairing}");
        let url = pairing["url"].as_str().expect("url");
        let token = url.split("t=").nth(1).expect("token");
        let form = [("token", token), ("id_card", "110101199001010001"), ("exam_code", "TEST01")];
        let (status, body, cookie) = app.post_form("/api/phone/pair", &form, None).await;
        assert_eq!(status, 200, "{body}");
        let cookie = crate::common::pair(&cookie.expect("phone cookie"));
        if phones.is_empty() {
            let page = candidate_page(&app, &cookie, View::Phone).await;
            phones.push((cookie, Some(page)));
        } else {
            phones.push((cookie, None));
        }
    }
    let (_, page) = &mut phones[0];
    let (texts, code) = page.as_mut().expect("page").until_closed(3).await;
    assert!(texts.last().is_some_and(|t| t.contains("signed_in_elsewhere")), "{texts:?}");
    assert_eq!(code, Some(CLOSE_REVOKED));
    assert_eq!(
        app.post_form("/api/phone/me", &[], Some(&phones[0].0)).await.1,
        serde_json::Value::Null
    );
    let (_, me, _) = app.post_form("/api/phone/me", &[], Some(&phones[1].0)).await;
    assert_eq!(me["ticket"], "T-0001");
    // The PC's own session was never touched.
    assert_eq!(app.post_form("/api/journey/state", &[], Some(&pc)).await.0, 200);
}

/// The backstop for an announcement that never came: a session deleted behind the server's
/// back (no bus event, as when another instance's message is lost) still closes the sockets
/// that hold it, at the instance's next batched re-check, and only those.
#[tokio::test]
async fn a_session_ended_without_an_announcement_closes_at_the_next_batched_recheck() {
    let app =
        crate::common::spawn_app_with(|s| s.session_recheck = Duration::from_millis(500)).await;
    let me = app.candidate_cookie("T-0001").await;
    let other = app.candidate_cookie("T-0002").await;
    let mut page = candidate_page(&app, &me, View::Pc).await;
    let mut phone = candidate_page(&app, &app.phone_cookie(&me).await, View::Phone).await;
    let mut bystander = candidate_page(&app, &other, View::Pc).await;
    assert_eq!(app.state.sessions.len(), 3, "each socket's session is held for the re-check");
    let token = me.split_once('=').map_or(me.as_str(), |(_, v)| v);
    let hash = backend::auth::token_hash(token);
    let mut db = crate::common::raw_db(app.dir.path()).await;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(&hash)
        .execute(&mut db)
        .await
        .expect("delete");
    let (texts, code) = page.until_closed(5).await;
    let last: serde_json::Value =
        serde_json::from_str(texts.last().expect("a message")).expect("json");
    assert_eq!(last, json!({ "type": "revoked", "reason": "signed_out" }), "{texts:?}");
    assert_eq!(code, Some(CLOSE_REVOKED));
    // The phone's own session (made by pairing) is still in force: it stays, as the other
    // candidate's page does, and both still answer.
    for ws in [&mut phone, &mut bystander] {
        ws.send(&CandidateClientMsg::Heartbeat).await;
        let _: CandidateServerMsg =
            ws.recv_until(5, |m| matches!(m, CandidateServerMsg::HeartbeatAck { .. })).await;
    }
    let t0 = Instant::now();
    while app.state.sessions.len() != 2 && t0.elapsed() < Duration::from_secs(2) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(app.state.sessions.len(), 2, "the closed socket let go of its session");
}
