//! The candidate's journey: answers and their versions, pairing tokens, face attempts,
//! device reports, identity photos and instructions.
use crate::contract;
use crate::harness::{Fixture, at, together};
use backend::store::journey::{IdentityReportKind, NewFaceAttempt, PairingUse};
use domain::face::FaceDecision;
use domain::{Phase, SubmitKind, VerificationStatus, View};

fn choice(option: &str) -> String {
    format!(r#"{{"kind":"single_choice","option":"{option}"}}"#)
}

async fn an_answer_keeps_its_newest_version_and_freezes_at_submission(f: Fixture) {
    let s = &f.store;
    let c = f.candidate_at("T-0001", Phase::InExam).await;
    assert_eq!(s.save_answer(c, "q1", &choice("a"), 2, at(10)).await.expect("db"), 2);
    // An older or equal version (a retry that arrives late) changes nothing.
    assert_eq!(s.save_answer(c, "q1", &choice("b"), 1, at(11)).await.expect("db"), 2);
    assert_eq!(s.save_answer(c, "q1", &choice("c"), 2, at(12)).await.expect("db"), 2);
    assert_eq!(s.save_answer(c, "q1", &choice("d"), 3, at(13)).await.expect("db"), 3);
    assert_eq!(s.save_answer(c, "q2", &choice("a"), 1, at(14)).await.expect("db"), 1);
    let answers = s.answers(c).await.expect("db");
    let got: Vec<_> = answers
        .iter()
        .map(|a| (a.question_id.as_str(), a.answer_json.as_str(), a.version))
        .collect();
    assert_eq!(got, vec![("q1", choice("d").as_str(), 3), ("q2", choice("a").as_str(), 1)]);

    let to = Phase::Submitted(SubmitKind::SelfSubmitted);
    assert!(s.set_phase(c, Phase::InExam, to, "cand", at(20), None).await.expect("db"));
    // After submission nothing is saved: the stored version is returned unchanged.
    assert_eq!(s.save_answer(c, "q1", &choice("a"), 9, at(21)).await.expect("db"), 3);
    assert_eq!(s.save_answer(c, "q3", &choice("a"), 1, at(21)).await.expect("db"), 0);
    assert_eq!(s.answers(c).await.expect("db").len(), 2);

    // Before the exam nothing is saved either.
    let early = f.candidate_at("T-0002", Phase::InstructionsRead).await;
    assert_eq!(s.save_answer(early, "q1", &choice("a"), 1, at(5)).await.expect("db"), 0);
    assert!(s.answers(early).await.expect("db").is_empty());
}

async fn concurrent_saves_keep_the_highest_version(f: Fixture) {
    let c = f.candidate_at("T-0001", Phase::InExam).await;
    let store = f.store.clone();
    // Versions 1..=24 arrive in a scrambled order, all at once.
    let stored = together(24, |i| {
        let store = store.clone();
        let version = ((i * 7) % 24 + 1) as i64;
        async move {
            let answer = choice(&format!("v{version}"));
            (version, store.save_answer(c, "q1", &answer, version, at(version)).await.expect("db"))
        }
    })
    .await;
    // Each caller hears back its own version or a newer one, never an older one.
    assert!(stored.iter().all(|(sent, kept)| kept >= sent && *kept <= 24), "{stored:?}");
    let answers = f.store.answers(c).await.expect("db");
    assert_eq!(answers.len(), 1);
    assert_eq!((answers[0].version, answers[0].answer_json.clone()), (24, choice("v24")));
}

async fn a_pairing_token_is_accepted_once(f: Fixture) {
    let s = &f.store;
    let c = f.candidate("T-0001").await;
    s.create_pairing("token-1", c, at(0), at(300)).await.expect("db");
    s.create_pairing("token-old", c, at(0), at(60)).await.expect("db");
    assert_eq!(s.pairing_candidate("token-1").await.expect("db"), Some(c));
    assert_eq!(s.use_pairing("token-1", at(10)).await.expect("db"), PairingUse::Accepted(c));
    assert_eq!(s.use_pairing("token-1", at(11)).await.expect("db"), PairingUse::AlreadyUsed(c));
    assert_eq!(s.use_pairing("token-old", at(61)).await.expect("db"), PairingUse::Expired(c));
    assert_eq!(s.use_pairing("nope", at(11)).await.expect("db"), PairingUse::Unknown);
    assert_eq!(s.pairing_candidate("nope").await.expect("db"), None);

    // Two phones scanning the same code at once: one is paired.
    s.create_pairing("token-2", c, at(20), at(300)).await.expect("db");
    let store = f.store.clone();
    let uses = together(8, |_| {
        let store = store.clone();
        async move { store.use_pairing("token-2", at(30)).await.expect("db") }
    })
    .await;
    let accepted = uses.iter().filter(|u| **u == PairingUse::Accepted(c)).count();
    let refused = uses.iter().filter(|u| **u == PairingUse::AlreadyUsed(c)).count();
    assert_eq!((accepted, refused), (1, 7), "{uses:?}");
}

async fn face_attempts_reports_photos_and_instructions_are_kept(f: Fixture) {
    let s = &f.store;
    let c = f.candidate("T-0001").await;
    let attempt = |view, decision, distance: Option<f32>, secs| NewFaceAttempt {
        candidate: c,
        view,
        photo_key: format!("face/{secs}.jpg"),
        decision,
        error_code: decision.is_none().then(|| "no_face".to_string()),
        distance,
        provider: "dlib".into(),
        model_version: "v1".into(),
        match_below: 0.5,
        review_below: 0.6,
        at: at(secs),
    };
    let first = s.add_face_attempt(attempt(View::Pc, None, None, 1)).await.expect("db");
    s.add_face_attempt(attempt(View::Pc, Some(FaceDecision::NeedsReview), Some(0.55), 2))
        .await
        .expect("db");
    s.add_face_attempt(attempt(View::Phone, Some(FaceDecision::Match), Some(0.31), 3))
        .await
        .expect("db");
    let pc = s.face_attempts(c, View::Pc).await.expect("db");
    assert_eq!(pc.len(), 2);
    assert_eq!((pc[0].id, pc[0].error_code.as_deref(), pc[0].at), (first, Some("no_face"), at(1)));
    assert_eq!((pc[1].decision, pc[1].distance), (Some(FaceDecision::NeedsReview), Some(0.55)));
    assert_eq!(s.face_attempts(c, View::Phone).await.expect("db").len(), 1);
    assert_eq!(s.face_attempt_photo(first).await.expect("db"), Some((c, "face/1.jpg".into())));
    // The face checks' reference: the latest matching photo of the view.
    assert_eq!(s.matched_photo_key(c, View::Pc).await.expect("db"), None);
    assert_eq!(s.matched_photo_key(c, View::Phone).await.expect("db"), Some("face/3.jpg".into()));
    s.add_face_attempt(attempt(View::Pc, Some(FaceDecision::Match), Some(0.3), 4))
        .await
        .expect("db");
    s.add_face_attempt(attempt(View::Pc, Some(FaceDecision::Match), Some(0.2), 5))
        .await
        .expect("db");
    assert_eq!(s.matched_photo_key(c, View::Pc).await.expect("db"), Some("face/5.jpg".into()));
    s.set_verification(c, VerificationStatus::PendingReview).await.expect("db");
    let stored = s.candidate(c).await.expect("db").expect("candidate");
    assert_eq!(stored.verification, VerificationStatus::PendingReview);

    assert_eq!(s.latest_device_report(c).await.expect("db"), None);
    s.add_device_report(c, r#"{"n":1}"#, false, at(5)).await.expect("db");
    s.add_device_report(c, r#"{"n":2}"#, true, at(6)).await.expect("db");
    assert_eq!(s.latest_device_report(c).await.expect("db"), Some((r#"{"n":2}"#.into(), at(6))));
    assert_eq!(s.candidate(c).await.expect("db").expect("c").device_check, Some(true));

    assert!(!s.has_identity_photo(c).await.expect("db"));
    s.add_identity_photo(c, "id/1.jpg", at(7)).await.expect("db");
    s.add_identity_photo(c, "id/2.jpg", at(8)).await.expect("db");
    assert_eq!(s.identity_photo_count(c).await.expect("db"), 2);
    s.add_identity_report(c, IdentityReportKind::RecordWrong, "name misspelt", at(9))
        .await
        .expect("db");
    assert!(s.candidate(c).await.expect("db").expect("c").record_disputed);

    assert!(!s.instructions_acked(c).await.expect("db"));
    s.ack_instructions(c, at(10)).await.expect("db");
    s.ack_instructions(c, at(11)).await.expect("db");
    assert!(s.instructions_acked(c).await.expect("db"));
}

async fn papers_instructions_and_the_auto_submit_list(f: Fixture) {
    let s = &f.store;
    assert_eq!(s.exam_paper(f.exam).await.expect("db"), None);
    s.set_exam_paper(f.exam, r#"{"questions":[]}"#).await.expect("db");
    assert_eq!(s.exam_paper(f.exam).await.expect("db").as_deref(), Some(r#"{"questions":[]}"#));
    s.set_exam_instructions(f.exam, "Read this.", "请阅读。").await.expect("db");
    let exam = s.exam(f.exam).await.expect("db").expect("exam");
    assert_eq!(
        (exam.instructions.as_str(), exam.instructions_zh.as_str()),
        ("Read this.", "请阅读。")
    );
    assert_eq!(s.exam_ids().await.expect("db"), vec![f.exam]);

    let sitting = f.candidate_at("T-0001", Phase::InExam).await;
    let done = f.candidate_at("T-0002", Phase::InExam).await;
    let signed_in = f.candidate_at("T-0003", Phase::LoggedIn).await;
    f.candidate("T-0004").await; // never signed in: nothing to submit
    let to = Phase::Submitted(SubmitKind::SelfSubmitted);
    assert!(s.set_phase(done, Phase::InExam, to, "cand", at(50), None).await.expect("db"));
    let mut due = s.unsubmitted_started(f.exam).await.expect("db");
    due.sort_by_key(|c| c.0);
    assert_eq!(due, vec![sitting, signed_in]);
}

contract!(
    an_answer_keeps_its_newest_version_and_freezes_at_submission,
    concurrent_saves_keep_the_highest_version,
    a_pairing_token_is_accepted_once,
    face_attempts_reports_photos_and_instructions_are_kept,
    papers_instructions_and_the_auto_submit_list,
);
