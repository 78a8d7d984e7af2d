//! What the reports, exports and retention read: counts, answer sheets, incidents,
//! connections, the audit log, media keys and their purge; the exam's camera and face settings.
use crate::contract;
use crate::harness::{Fixture, at};
use backend::store::NewCandidate;
use backend::store::camera::NewEvidence;
use backend::store::journey::NewFaceAttempt;
use domain::audit::AuditFilter;
use domain::camera::EvidenceReason;
use domain::console::CandidateEvent;
use domain::face::FaceDecision;
use domain::flag::FlagKind;
use domain::{Phase, SubmitKind, TicketNumber, View};

async fn the_reports_read_what_happened_in_the_exam(f: Fixture) {
    let s = &f.store;
    s.ping().await.expect("ping");
    let a = f.candidate_at("T-0001", Phase::InExam).await;
    let b = f.candidate_in(f.room_b, "T-0002").await;
    s.save_answer(a, "q1", r#"{"kind":"single_choice","option":"a"}"#, 1, at(100))
        .await
        .expect("db");
    let forced = Phase::Submitted(SubmitKind::Forced);
    assert!(
        s.set_phase(a, Phase::InExam, forced, "proctora", at(200), Some("phone in hand"))
            .await
            .expect("db")
    );
    s.add_flag(a, FlagKind::Material, None, "proctora", at(150)).await.expect("db");
    assert!(s.raise_auto_flag(b, FlagKind::PcBlack, at(160)).await.expect("db"));
    s.add_event(a, &CandidateEvent::Online { view: View::Pc }, at(10)).await.expect("db");
    s.add_event(a, &CandidateEvent::Online { view: View::Phone }, at(11)).await.expect("db");
    s.add_event(a, &CandidateEvent::Offline { view: View::Pc }, at(90)).await.expect("db");
    s.add_extra_minutes(b, 7).await.expect("db");

    let counts = s.report_counts(f.exam).await.expect("db");
    assert!(counts.phases.contains(&("submitted_forced".to_string(), 1)), "{:?}", counts.phases);
    assert_eq!(counts.open_flags, 2);
    assert_eq!(s.max_extra_minutes(f.exam).await.expect("db"), 7);
    assert_eq!(
        s.pc_connections(f.exam).await.expect("db"),
        vec![(a, at(10), true), (a, at(90), false)]
    );
    let sheets = s.answer_sheets(f.exam).await.expect("db");
    assert_eq!(
        sheets.iter().map(|s| s.ticket.as_str()).collect::<Vec<_>>(),
        vec!["T-0001", "T-0002"]
    );
    let (kind, actor, when, reason) = sheets[0].submission.clone().expect("submitted");
    assert_eq!((kind.as_str(), actor.as_str(), when), ("submitted_forced", "proctora", at(200)));
    assert_eq!(reason.as_deref(), Some("phone in hand"));
    assert_eq!(sheets[0].answers.len(), 1);
    let incidents = s.incidents(f.exam).await.expect("db");
    let kinds: Vec<_> = incidents.iter().map(|i| (i.ticket.as_str(), i.automatic)).collect();
    assert_eq!(kinds, vec![("T-0001", false), ("T-0002", true)]);

    let mut of_exam = s.candidates_of_exam(f.exam).await.expect("db");
    of_exam.sort_by_key(|(c, _)| c.0);
    assert_eq!(of_exam, vec![(a, f.room_a), (b, f.room_b)]);
    s.move_candidates(&[(b, f.room_a)]).await.expect("db");
    assert_eq!(s.candidate(b).await.expect("db").expect("b").room_id, f.room_a);
    let extras = s.tile_extras_in_room(f.room_a).await.expect("db");
    assert_eq!(extras[&a].answered, 1);
    assert_eq!(extras[&a].flags.len(), 1);
    assert_eq!(s.room(f.room_a).await.expect("db").expect("room").name, "A");
}

async fn the_audit_log_is_searched_newest_first(f: Fixture) {
    let s = &f.store;
    let c = f.candidate("T-0001").await;
    s.audit("system", "exam.created", "CONTRACT1", at(1)).await.expect("db");
    let audit = backend::store::console::NewAudit {
        actor: "staff:proctora",
        action: "flag.raise",
        exam: Some(f.exam),
        candidate: Some(c),
        detail: "material",
        reason: None,
        at: at(2),
    };
    s.audit_action(audit).await.expect("db");
    let all = s.audit_entries(&AuditFilter::default(), 10).await.expect("db");
    assert_eq!(
        all.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["flag.raise", "exam.created"]
    );
    let by_ticket = AuditFilter { ticket: Some("T-0001".into()), ..Default::default() };
    let found = s.audit_entries(&by_ticket, 10).await.expect("db");
    assert_eq!((found.len(), found[0].ticket.as_deref()), (1, Some("T-0001")));
    // The actor anywhere in the name, in any case; wildcards are plain characters.
    let by_actor = AuditFilter { actor: Some("ProctorA".into()), ..Default::default() };
    assert_eq!(s.audit_entries(&by_actor, 10).await.expect("db").len(), 1);
    let wildcard = AuditFilter { actor: Some("_".into()), ..Default::default() };
    assert!(s.audit_entries(&wildcard, 10).await.expect("db").is_empty());
    let exact = AuditFilter { action: Some("flag".into()), ..Default::default() };
    assert!(s.audit_entries(&exact, 10).await.expect("db").is_empty());
    let by_action = AuditFilter { action: Some("flag.".into()), ..Default::default() };
    assert_eq!(s.audit_entries(&by_action, 10).await.expect("db").len(), 1);
    // An action in any case, exact or as a prefix, on both databases.
    for action in ["Flag.", "FLAG.RAISE"] {
        let filter = AuditFilter { action: Some(action.into()), ..Default::default() };
        assert_eq!(s.audit_entries(&filter, 10).await.expect("db").len(), 1, "{action}");
    }
    let older = AuditFilter { before: Some(all[0].id), ..Default::default() };
    assert_eq!(s.audit_entries(&older, 10).await.expect("db")[0].action, "exam.created");
    assert_eq!(s.audit_entries(&AuditFilter::default(), 1).await.expect("db").len(), 1);
}

async fn media_keys_are_listed_then_forgotten_in_one_go(f: Fixture) {
    let s = &f.store;
    let c = s
        .add_candidate(NewCandidate {
            exam_id: f.exam,
            room_id: f.room_a,
            ticket: TicketNumber::parse("T-0001").expect("ticket"),
            name: "With a photo".into(),
            id_card: String::new(),
            photo_key: Some("roster/1.jpg".into()),
        })
        .await
        .expect("candidate");
    let attempt = NewFaceAttempt {
        candidate: c,
        view: View::Pc,
        photo_key: "face/1.jpg".into(),
        decision: Some(FaceDecision::Match),
        error_code: None,
        distance: Some(0.3),
        provider: "dlib".into(),
        model_version: "v1".into(),
        match_below: 0.5,
        review_below: 0.6,
        at: at(1),
    };
    s.add_face_attempt(attempt).await.expect("db");
    s.add_identity_photo(c, "identity/1.jpg", at(1)).await.expect("db");
    let frame = NewEvidence {
        candidate: c,
        view: View::Phone,
        seq: 1,
        captured_at: at(2),
        received_at: at(2),
        reason: EvidenceReason::Sample,
        width: 320,
        height: 240,
        bytes: 10,
        blob_key: "evidence/1.jpg".into(),
    };
    s.add_evidence(&[frame]).await.expect("db");
    let (rec, _) = s.open_recording(c, View::Pc, "r1", "rec/r1", at(3)).await.expect("db");
    assert!(s.advance_recording(rec, 0, 100, at(4)).await.expect("db"));
    let keys = s.media_keys(f.exam).await.expect("db");
    assert_eq!(
        (keys.identity.clone(), keys.evidence.clone()),
        (vec!["identity/1.jpg".to_string()], vec!["evidence/1.jpg".to_string()])
    );
    assert_eq!(keys.recordings, vec![("rec/r1".to_string(), 1)]);
    assert_eq!(
        (keys.roster.clone(), keys.face.clone()),
        (vec!["roster/1.jpg".to_string()], vec!["face/1.jpg".to_string()])
    );
    assert_eq!(
        s.unpurged_exams().await.expect("db").iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![f.exam]
    );
    assert!(s.forget_media(f.exam, at(10)).await.expect("db"));
    // Once: a second purger (another instance) finds it done.
    assert!(!s.forget_media(f.exam, at(11)).await.expect("db"));
    let keys = s.media_keys(f.exam).await.expect("db");
    assert!(keys.identity.is_empty() && keys.evidence.is_empty() && keys.recordings.is_empty());
    assert!(keys.roster.is_empty() && keys.face.is_empty(), "{keys:?}");
    // The attempt and its score stay, without the photo.
    let attempts = s.face_attempts(c, View::Pc).await.expect("db");
    assert_eq!((attempts.len(), attempts[0].distance), (1, Some(0.3)));
    assert!(s.unpurged_exams().await.expect("db").is_empty());
}

async fn camera_and_face_settings_are_per_exam(f: Fixture) {
    let s = &f.store;
    let mut camera = s.exam_camera(f.exam).await.expect("db");
    camera.recording = !camera.recording;
    camera.grid.interval_ms = 1500;
    s.set_exam_camera(f.exam, &camera).await.expect("db");
    assert_eq!(s.exam_camera(f.exam).await.expect("db"), camera);
    s.set_exam_face(f.exam, 0.4, 0.55, 5).await.expect("db");
    let exam = s.exam(f.exam).await.expect("db").expect("exam");
    assert_eq!(
        (exam.face.match_below, exam.face.review_below, exam.face_max_attempts),
        (0.4, 0.55, 5)
    );
}

contract!(
    the_reports_read_what_happened_in_the_exam,
    the_audit_log_is_searched_newest_first,
    media_keys_are_listed_then_forgotten_in_one_go,
    camera_and_face_settings_are_per_exam,
);
