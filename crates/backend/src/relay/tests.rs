use super::synthetic::jpeg;
use super::*;
use domain::camera::{CameraSettings, FrameHeader, ProfileKind};

fn msg(view: View, seq: u32, jpeg: &[u8], w: u16, h: u16) -> Vec<u8> {
    let head = FrameHeader { view, seq, captured_ms: epoch_ms(), width: w, height: h };
    let mut m = head.encode().to_vec();
    m.extend_from_slice(jpeg);
    m
}

/// Offers PC frame `n` (320×240 `pic`) of candidate `c` in the exam.
fn pc_frame(
    hub: &FrameHub,
    c: i64,
    seq: &mut ConnSeq,
    n: u32,
    pic: &[u8],
) -> Result<Accepted, FrameError> {
    hub.accept(CandidateId(c), View::Pc, Phase::InExam, seq, &msg(View::Pc, n, pic, 320, 240))
}

fn hub_with(cands: &[(i64, i64)]) -> Arc<FrameHub> {
    let hub = Arc::new(FrameHub::default());
    for (c, room) in cands {
        let _ = hub.attach(CandidateId(*c), RoomId(*room), ExamId(1), CameraSettings::default());
    }
    hub
}

#[test]
fn frames_reach_subscribers_of_the_candidates_room_only() {
    let hub = hub_with(&[(1, 10), (2, 20)]);
    let room10 = hub.subscribe(RoomId(10), None);
    let room20 = hub.subscribe(RoomId(20), None);
    let pic = jpeg(320, 240, 1, false);
    let mut seq = ConnSeq::default();
    pc_frame(&hub, 1, &mut seq, 1, &pic).expect("accepted");
    let got = room10.sub.pop().expect("room 10 gets the frame");
    let h = RelayHeader::parse(&got).expect("header");
    assert_eq!((h.candidate, h.view, h.seq), (CandidateId(1), View::Pc, 1));
    assert_eq!(&got[DOWN_HEADER_LEN..], &pic[..]);
    assert!(room20.sub.pop().is_none(), "another room's proctor never receives it");
}

#[test]
fn a_new_room_subscriber_asks_the_rooms_pages_for_a_frame_at_once() {
    let hub = hub_with(&[]);
    let mut here = hub.attach(CandidateId(1), RoomId(10), ExamId(1), CameraSettings::default());
    let there = hub.attach(CandidateId(2), RoomId(20), ExamId(1), CameraSettings::default());
    let mut seq = ConnSeq::default();
    for i in 1..=3 {
        pc_frame(&hub, 1, &mut seq, i, &jpeg(320, 240, i, false)).expect("accepted");
    }
    assert!(!here.has_changed().expect("open") && !there.has_changed().expect("open"));
    // No picture was kept: the late proctor's page is filled by the pages' answers.
    let late = hub.subscribe(RoomId(10), None);
    assert!(late.sub.pop().is_none());
    let ask = *here.borrow_and_update();
    assert_eq!((ask.kind, ask.snap), (ProfileKind::Grid, 1));
    assert!(!there.has_changed().expect("open"), "another room's pages are not asked");
    pc_frame(&hub, 1, &mut seq, 4, &jpeg(320, 240, 4, false)).expect("the answer");
    assert_eq!(late.sub.pop().and_then(|f| RelayHeader::parse(&f)).map(|h| h.seq), Some(4));
}

#[test]
fn another_instance_opening_a_room_asks_the_rooms_pages_here_for_a_frame() {
    let hub = hub_with(&[]);
    let mut here = hub.attach(CandidateId(1), RoomId(10), ExamId(1), CameraSettings::default());
    let other = hub.attach(CandidateId(2), RoomId(20), ExamId(1), CameraSettings::default());
    hub.remote_watching(7, vec![RoomId(10)], vec![]);
    assert_eq!(here.borrow_and_update().snap, 1);
    assert!(!other.has_changed().expect("open"));
    // Said again every second: asked once.
    hub.remote_watching(7, vec![RoomId(10)], vec![]);
    assert!(!here.has_changed().expect("open"));
}

#[tokio::test]
async fn a_views_latest_frame_is_kept_only_while_it_is_read() {
    let hub = hub_with(&[]);
    let mut ask = hub.attach(CandidateId(1), RoomId(10), ExamId(1), CameraSettings::default());
    let mut seq = ConnSeq::default();
    pc_frame(&hub, 1, &mut seq, 1, &jpeg(320, 240, 1, false)).expect("accepted");
    // Nobody read the view: nothing kept. The read asks the page and waits for its frame.
    let wait = std::time::Duration::from_millis(150);
    assert!(hub.latest(CandidateId(1), View::Pc, wait).await.is_none());
    assert_eq!(ask.borrow_and_update().snap, 1, "the read asked the page for a frame");
    let answer = {
        let hub = hub.clone();
        tokio::spawn(async move { hub.latest(CandidateId(1), View::Pc, wait * 10).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(60)).await;
    pc_frame(&hub, 1, &mut seq, 2, &jpeg(320, 240, 2, false)).expect("accepted");
    let got = answer.await.expect("task").expect("the page's answer");
    assert_eq!(RelayHeader::parse(&got).map(|h| h.seq), Some(2));
    assert_eq!(ask.borrow_and_update().snap, 2, "a read that found none asked again");
    // While read, each new frame replaces the kept one; nothing asked again.
    pc_frame(&hub, 1, &mut seq, 3, &jpeg(320, 240, 3, false)).expect("accepted");
    let got = hub.latest(CandidateId(1), View::Pc, wait).await.expect("kept");
    assert_eq!(RelayHeader::parse(&got).map(|h| h.seq), Some(3));
    assert!(!ask.has_changed().expect("open"));
    // A view of a candidate not attached here: nothing to ask, nothing comes.
    assert!(hub.latest(CandidateId(9), View::Pc, wait).await.is_none());
}

#[test]
fn a_flood_is_throttled_and_counted_and_other_candidates_are_unaffected() {
    let hub = hub_with(&[(1, 10), (2, 10)]);
    let pic = jpeg(320, 240, 1, false);
    let (mut s1, mut s2) = (ConnSeq::default(), ConnSeq::default());
    let results: Vec<_> = (1..=20).map(|i| pc_frame(&hub, 1, &mut s1, i, &pic)).collect();
    let refused = results.iter().filter(|r| matches!(r, Err(FrameError::TooFast))).count();
    assert!(refused >= 16, "{refused}");
    assert_eq!(hub.stats.refused_count(FrameError::TooFast), refused as u64);
    assert!(pc_frame(&hub, 2, &mut s2, 1, &pic).is_ok());
}

#[test]
fn bad_frames_are_refused_and_never_relayed() {
    let hub = hub_with(&[(1, 10)]);
    let room = hub.subscribe(RoomId(10), None);
    let pic = jpeg(320, 240, 1, false);
    let mut seq = ConnSeq::default();
    let c = CandidateId(1);
    let phone = msg(View::Phone, 1, &pic, 320, 240);
    // A phone frame on the PC connection.
    assert_eq!(
        hub.accept(c, View::Pc, Phase::InExam, &mut seq, &phone).err(),
        Some(FrameError::WrongView)
    );
    // The phone view is not on before the second view is.
    assert_eq!(
        hub.accept(c, View::Phone, Phase::FirstViewOn, &mut seq, &phone).err(),
        Some(FrameError::ViewNotOn)
    );
    let png = msg(View::Pc, 1, b"\x89PNG\r\n\x1a\n....", 320, 240);
    assert_eq!(
        hub.accept(c, View::Pc, Phase::InExam, &mut seq, &png).err(),
        Some(FrameError::NotJpeg)
    );
    pc_frame(&hub, 1, &mut seq, 5, &pic).expect("ok");
    assert_eq!(pc_frame(&hub, 1, &mut seq, 5, &pic).err(), Some(FrameError::OutOfOrder));
    // Only the one good frame reached the proctor.
    assert!(room.sub.pop().is_some());
    assert!(room.sub.pop().is_none());
    // An unknown candidate (never attached) cannot send.
    let mut s = ConnSeq::default();
    assert!(pc_frame(&hub, 99, &mut s, 1, &pic).is_err());
}

#[test]
fn a_slow_reader_holds_only_the_latest_frame_per_view() {
    let hub = hub_with(&[(1, 10), (2, 10)]);
    let slow = hub.subscribe(RoomId(10), None);
    let mut seqs = [ConnSeq::default(), ConnSeq::default()];
    // Three frames each (the bucket's burst), nobody reading.
    for i in 1..=3u32 {
        for (k, c) in [1i64, 2].iter().enumerate() {
            let pic = jpeg(320, 240, i * 10 + k as u32, false);
            pc_frame(&hub, *c, &mut seqs[k], i, &pic).expect("accepted");
        }
    }
    assert_eq!(slow.sub.len(), 2);
    assert_eq!(slow.sub.replaced(), 4);
    let seqs: Vec<u32> = std::iter::from_fn(|| slow.sub.pop())
        .filter_map(|f| RelayHeader::parse(&f))
        .map(|h| h.seq)
        .collect();
    assert_eq!(seqs, vec![3, 3]);
}

#[test]
fn opening_a_candidate_switches_it_to_focus_and_back_after_the_grace() {
    let hub = hub_with(&[(1, 10)]);
    let mut profile = hub.attach(CandidateId(1), RoomId(10), ExamId(1), CameraSettings::default());
    assert_eq!(profile.borrow_and_update().kind, ProfileKind::Grid);
    let a = hub.subscribe(RoomId(10), Some(CandidateId(1)));
    let b = hub.subscribe(RoomId(10), Some(CandidateId(1)));
    assert_eq!(profile.borrow_and_update().kind, ProfileKind::Focus);
    drop(a);
    hub.sweep();
    assert_eq!(profile.borrow().kind, ProfileKind::Focus, "one proctor still has it open");
    drop(b);
    hub.sweep();
    assert_eq!(profile.borrow().kind, ProfileKind::Focus, "grace period");
    std::thread::sleep(std::time::Duration::from_millis(FOCUS_GRACE_MS + 50));
    hub.sweep();
    assert_eq!(profile.borrow().kind, ProfileKind::Grid);
}

#[test]
fn a_candidate_opened_before_its_pages_connect_starts_in_focus() {
    let hub = Arc::new(FrameHub::default());
    let c = CandidateId(1);
    // The proctor's page is first (or reconnected first after a restart).
    let watcher = hub.subscribe(RoomId(10), Some(c));
    let profile = hub.attach(c, RoomId(10), ExamId(1), CameraSettings::default());
    assert_eq!(profile.borrow().kind, ProfileKind::Focus);
    drop(watcher);
    std::thread::sleep(std::time::Duration::from_millis(FOCUS_GRACE_MS + 50));
    hub.sweep();
    assert_eq!(profile.borrow().kind, ProfileKind::Grid);
    // A new page of a candidate nobody watches starts on the grid profile.
    let again = hub.attach(c, RoomId(10), ExamId(1), CameraSettings::default());
    assert_eq!(again.borrow().kind, ProfileKind::Grid);
}

#[test]
fn focus_allows_the_focus_rate() {
    let hub = hub_with(&[(1, 10)]);
    let _focus = hub.subscribe(RoomId(10), Some(CandidateId(1)));
    let pic = jpeg(640, 480, 1, false);
    let mut seq = ConnSeq::default();
    // 5 frames/s for 2 s, in real time.
    let mut ok = 0;
    for i in 1..=10 {
        if hub
            .accept(
                CandidateId(1),
                View::Pc,
                Phase::InExam,
                &mut seq,
                &msg(View::Pc, i, &pic, 640, 480),
            )
            .is_ok()
        {
            ok += 1;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(ok, 10);
}

#[test]
fn black_pictures_are_detected_from_real_jpegs() {
    assert!(is_black(&jpeg(320, 240, 0, true)));
    assert!(!is_black(&jpeg(320, 240, 3, false)));
    let black = jpeg(320, 240, 0, true);
    assert!(domain::camera::maybe_black(black.len(), 320, 240), "{}", black.len());
    let normal = jpeg(320, 240, 3, false);
    assert!(!domain::camera::maybe_black(normal.len(), 320, 240), "{}", normal.len());
}

#[tokio::test]
async fn sampled_frames_go_to_the_evidence_queue_once_per_interval() {
    let hub = hub_with(&[(1, 10)]);
    let (tx, mut rx) = mpsc::channel(16);
    hub.set_evidence_sink(tx);
    let mut seq = ConnSeq::default();
    for i in 1..=3 {
        let pic = jpeg(320, 240, i, false);
        pc_frame(&hub, 1, &mut seq, i, &pic).expect("accepted");
    }
    // The first frame is sampled; the next ones are within the 30 s interval.
    let job = rx.try_recv().expect("a sample");
    assert_eq!(job.reason, EvidenceReason::Sample);
    assert!(rx.try_recv().is_err());
    // A flag asks the page for the picture of its moment and keeps every frame for a while.
    let mut ask = hub.attach(CandidateId(1), RoomId(10), ExamId(1), CameraSettings::default());
    hub.flag_raised(CandidateId(1));
    assert!(ask.has_changed().expect("open") && ask.borrow_and_update().snap == 1);
    assert!(rx.try_recv().is_err(), "no picture was kept to send");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let pic = jpeg(320, 240, 9, false);
    pc_frame(&hub, 1, &mut seq, 9, &pic).expect("accepted");
    assert_eq!(rx.try_recv().expect("frame in the flag window").reason, EvidenceReason::Flag);
}

#[test]
fn a_frame_is_stamped_with_the_servers_clock() {
    // The proctor's page ages frames against the server time it is sent, which is this clock.
    let clock = Arc::new(crate::clock::AdjustableClock::default());
    clock.advance(chrono::Duration::hours(1));
    let hub = Arc::new(FrameHub::new(clock.clone()));
    let _ = hub.attach(CandidateId(1), RoomId(10), ExamId(1), CameraSettings::default());
    let room = hub.subscribe(RoomId(10), None);
    let mut seq = ConnSeq::default();
    pc_frame(&hub, 1, &mut seq, 1, &jpeg(320, 240, 1, false)).expect("accepted");
    let got = room.sub.pop().expect("frame");
    let received = RelayHeader::parse(&got).expect("header").received_ms;
    let now = u64::try_from(clock.now().timestamp_millis()).unwrap_or(0);
    assert!(now.abs_diff(received) < 5_000, "{received} is not the clock's {now}");
}
