//! The live channel: snapshots, ordered deltas, presence and phase changes reaching the
//! proctor socket.
use crate::common::{spawn_app, start};
use domain::protocol::{
    CandidateClientMsg, CandidateServerMsg, PROTOCOL_VERSION, ProctorClientMsg, ProctorServerMsg,
    ProtocolError,
};
use domain::{CandidateTile, Phase, PhaseCommand, SubmitKind, View};

fn hello(view: View) -> CandidateClientMsg {
    CandidateClientMsg::Hello { protocol: PROTOCOL_VERSION, view }
}

async fn snapshot(ws: &mut crate::common::Ws) -> (u64, Vec<CandidateTile>) {
    match ws.recv::<ProctorServerMsg>().await {
        ProctorServerMsg::Snapshot { seq, tiles, protocol, .. } => {
            assert_eq!(protocol, PROTOCOL_VERSION);
            (seq, tiles)
        }
        other => panic!("expected snapshot, got {other:?}"),
    }
}

/// The next delta, skipping periodic beats.
async fn delta(ws: &mut crate::common::Ws) -> (u64, CandidateTile) {
    match ws
        .recv_until::<ProctorServerMsg>(10, |m| matches!(m, ProctorServerMsg::Delta { .. }))
        .await
    {
        ProctorServerMsg::Delta { seq, tile } => (seq, tile),
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn the_proctor_gets_a_snapshot_then_ordered_deltas_as_a_candidate_logs_in_and_leaves() {
    let app = spawn_app().await;
    let pa = app.staff_cookie("proctora").await;
    let mut feed =
        app.ws(&format!("/ws/proctor?room={}", app.room_a), Some(&pa)).await.expect("feed");
    let (seq0, tiles) = snapshot(&mut feed).await;
    assert_eq!(tiles.len(), 2);
    assert!(tiles.iter().all(|t| t.phase == Phase::Rostered && !t.pc.online));

    // Login moves the phase: one delta.
    let cand = app.candidate_cookie("T-0001").await;
    let (seq1, tile) = delta(&mut feed).await;
    assert_eq!(seq1, seq0 + 1);
    assert_eq!(tile.name, "Candidate 1");
    assert_eq!(tile.phase, Phase::LoggedIn);

    // The PC page connects: online.
    let mut pc = app.ws("/ws/candidate", Some(&cand)).await.expect("candidate socket");
    pc.send(&hello(View::Pc)).await;
    match pc.recv::<CandidateServerMsg>().await {
        CandidateServerMsg::Welcome { candidate, .. } => assert_eq!(candidate.ticket, "T-0001"),
        other => panic!("expected welcome, got {other:?}"),
    }
    let (seq2, tile) = delta(&mut feed).await;
    assert_eq!(seq2, seq1 + 1);
    assert!(tile.pc.online && !tile.phone.online);

    // The page closes: offline, at once.
    pc.close().await;
    let (seq3, tile) = delta(&mut feed).await;
    assert_eq!(seq3, seq2 + 1);
    assert!(!tile.pc.online);
}

#[tokio::test]
async fn a_silent_candidate_goes_offline_within_ten_seconds() {
    let app = spawn_app().await;
    let pa = app.staff_cookie("proctora").await;
    let cand = app.candidate_cookie("T-0002").await;
    let mut feed =
        app.ws(&format!("/ws/proctor?room={}", app.room_a), Some(&pa)).await.expect("feed");
    snapshot(&mut feed).await;
    let mut pc = app.ws("/ws/candidate", Some(&cand)).await.expect("socket");
    pc.send(&hello(View::Pc)).await;
    let (_, tile) = delta(&mut feed).await;
    assert!(tile.pc.online);
    let went_online = std::time::Instant::now();
    // No heartbeats, socket left open: the sweeper must notice.
    let (_, tile) = delta(&mut feed).await;
    assert!(!tile.pc.online);
    assert!(went_online.elapsed() < std::time::Duration::from_secs(10));
    // A heartbeat brings it back.
    pc.send(&CandidateClientMsg::Heartbeat).await;
    let (_, tile) = delta(&mut feed).await;
    assert!(tile.pc.online);
}

#[tokio::test]
async fn phase_steps_over_the_socket_reach_candidate_and_proctor() {
    let app = spawn_app().await;
    let pa = app.staff_cookie("proctora").await;
    let cand = app.candidate_cookie("T-0001").await;
    let mut feed =
        app.ws(&format!("/ws/proctor?room={}", app.room_a), Some(&pa)).await.expect("feed");
    snapshot(&mut feed).await;
    let mut pc = app.ws("/ws/candidate", Some(&cand)).await.expect("socket");
    pc.send(&hello(View::Pc)).await;
    let _welcome: CandidateServerMsg = pc.recv().await;
    delta(&mut feed).await; // online

    pc.send(&CandidateClientMsg::Advance { command: PhaseCommand::ConfirmIdentity }).await;
    let got: CandidateServerMsg =
        pc.recv_until(10, |m| matches!(m, CandidateServerMsg::Phase { .. })).await;
    assert_eq!(got, CandidateServerMsg::Phase { phase: Phase::IdentityConfirmed });
    let (_, tile) = delta(&mut feed).await;
    assert_eq!(tile.phase, Phase::IdentityConfirmed);

    // Out of order: refused with a typed error.
    pc.send(&CandidateClientMsg::Advance { command: PhaseCommand::StartExam }).await;
    let err: CandidateServerMsg =
        pc.recv_until(10, |m| matches!(m, CandidateServerMsg::Error { .. })).await;
    assert!(matches!(err, CandidateServerMsg::Error { error: ProtocolError::Transition { .. } }));

    // A candidate cannot force-submit themselves.
    pc.send(&CandidateClientMsg::Advance { command: PhaseCommand::Submit(SubmitKind::Forced) })
        .await;
    let err: CandidateServerMsg =
        pc.recv_until(10, |m| matches!(m, CandidateServerMsg::Error { .. })).await;
    assert_eq!(err, CandidateServerMsg::Error { error: ProtocolError::NotAllowed });
}

#[tokio::test]
async fn a_resync_request_gets_a_fresh_snapshot_with_the_current_sequence() {
    let app = spawn_app().await;
    let pa = app.staff_cookie("proctora").await;
    let mut feed =
        app.ws(&format!("/ws/proctor?room={}", app.room_a), Some(&pa)).await.expect("feed");
    let (seq0, _) = snapshot(&mut feed).await;
    app.candidate_cookie("T-0001").await;
    let (seq1, _) = delta(&mut feed).await;
    feed.send(&ProctorClientMsg::Resync).await;
    let msg = feed
        .recv_until::<ProctorServerMsg>(10, |m| matches!(m, ProctorServerMsg::Snapshot { .. }))
        .await;
    let ProctorServerMsg::Snapshot { seq, tiles, .. } = msg else { unreachable!() };
    assert_eq!(seq, seq1);
    assert!(seq > seq0);
    assert!(tiles.iter().any(|t| t.phase == Phase::LoggedIn));
}

#[tokio::test]
async fn a_reconnecting_proctor_gets_a_snapshot_that_includes_what_it_missed() {
    let app = spawn_app().await;
    let pa = app.staff_cookie("proctora").await;
    let path = format!("/ws/proctor?room={}", app.room_a);
    let feed = app.ws(&path, Some(&pa)).await.expect("feed");
    feed.close().await;
    app.candidate_cookie("T-0002").await; // happens while the proctor is away
    let mut feed = app.ws(&path, Some(&pa)).await.expect("feed");
    let (_, tiles) = snapshot(&mut feed).await;
    let t = tiles.iter().find(|t| t.ticket == "T-0002").expect("tile");
    assert_eq!(t.phase, Phase::LoggedIn);
}

#[tokio::test]
async fn progress_survives_a_server_restart() {
    let app = spawn_app().await;
    let cand = app.candidate_cookie("T-0001").await;
    let mut pc = app.ws("/ws/candidate", Some(&cand)).await.expect("socket");
    pc.send(&hello(View::Pc)).await;
    let _: CandidateServerMsg = pc.recv().await;
    pc.send(&CandidateClientMsg::Advance { command: PhaseCommand::ConfirmIdentity }).await;
    let _: CandidateServerMsg =
        pc.recv_until(10, |m| matches!(m, CandidateServerMsg::Phase { .. })).await;
    pc.close().await;
    let dir = {
        let mut app = app;
        std::mem::replace(&mut app.dir, tempfile::tempdir().expect("tmp"))
    };
    // Same data directory, new process state: the session cookie and the phase are kept.
    let app = start(dir, false).await;
    let (status, me, _) = app.post_form("/api/candidate/me", &[], Some(&cand)).await;
    assert_eq!(status, 200);
    assert_eq!(me["phase"]["phase"], "identity_confirmed");
}
