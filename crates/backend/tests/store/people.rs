//! Staff, sessions, exams, rooms and candidates; the phase compare-and-set.
use crate::contract;
use crate::harness::{Fixture, at, together};
use backend::store::{NewCandidate, NewStaff, SessionOwner, StoreError};
use domain::{ExamCode, Phase, Role, SubmitKind, TicketNumber, View};

async fn staff_accounts_are_unique_and_disabled_ones_cannot_sign_in(f: Fixture) {
    let s = &f.store;
    let creds = s.staff_credentials("proctora").await.expect("db").expect("proctor");
    assert_eq!((creds.user.id, creds.user.role), (f.proctor, Role::Proctor));
    assert_eq!(creds.password_hash, "hash-of-proctora");
    assert_eq!(s.staff(f.admin).await.expect("db").expect("admin").role, Role::Admin);
    let again = NewStaff {
        username: "proctora".into(),
        display_name: "Again".into(),
        role: Role::Proctor,
        password_hash: "x".into(),
    };
    assert!(matches!(s.create_staff(again).await, Err(StoreError::Duplicate)));
    assert!(s.set_disabled(f.proctor, true).await.expect("db"));
    assert!(s.staff_credentials("proctora").await.expect("db").is_none());
    assert!(s.staff(f.proctor).await.expect("db").is_none());
    assert!(s.set_disabled(f.proctor, false).await.expect("db"));
    assert!(s.set_password_hash(f.proctor, "new-hash").await.expect("db"));
    let creds = s.staff_credentials("proctora").await.expect("db").expect("proctor");
    assert_eq!(creds.password_hash, "new-hash");
}

async fn sessions_expire_and_a_new_sign_in_on_a_device_ends_the_old_one(f: Fixture) {
    let s = &f.store;
    let staff = SessionOwner::Staff(f.proctor);
    assert_eq!(s.create_session("staff-1", staff, at(0), at(3600)).await.expect("db"), 0);
    assert_eq!(s.create_session("staff-2", staff, at(1), at(3600)).await.expect("db"), 0);
    let found = s.session("staff-1", at(10)).await.expect("db").expect("session");
    assert_eq!((found.owner, found.expires_at), (staff, at(3600)));
    assert!(s.session("staff-1", at(3600)).await.expect("db").is_none(), "expired");
    assert!(s.session("unknown", at(10)).await.expect("db").is_none());
    // Signing out everywhere else keeps the caller's session.
    assert_eq!(s.delete_staff_sessions(f.proctor, Some("staff-2")).await.expect("db"), 1);
    assert!(s.session("staff-1", at(10)).await.expect("db").is_none());
    assert!(s.session("staff-2", at(10)).await.expect("db").is_some());
    s.delete_session("staff-2").await.expect("db");
    assert!(s.session("staff-2", at(10)).await.expect("db").is_none());

    // A candidate has one session per device: a new PC sign-in replaces the PC's only.
    let c = f.candidate("T-0001").await;
    let pc = SessionOwner::Candidate(c, View::Pc);
    let phone = SessionOwner::Candidate(c, View::Phone);
    assert_eq!(s.create_session("pc-1", pc, at(0), at(600)).await.expect("db"), 0);
    assert_eq!(s.create_session("phone-1", phone, at(0), at(600)).await.expect("db"), 0);
    assert_eq!(s.create_session("pc-2", pc, at(5), at(600)).await.expect("db"), 1);
    assert!(s.session("pc-1", at(6)).await.expect("db").is_none());
    assert_eq!(s.session("pc-2", at(6)).await.expect("db").expect("pc").owner, pc);
    assert_eq!(s.session("phone-1", at(6)).await.expect("db").expect("phone").owner, phone);
}

async fn concurrent_sign_ins_on_one_device_leave_one_session(f: Fixture) {
    let c = f.candidate("T-0001").await;
    let store = f.store.clone();
    let replaced = together(8, |i| {
        let store = store.clone();
        let pc = SessionOwner::Candidate(c, View::Pc);
        async move { store.create_session(&format!("pc-{i}"), pc, at(0), at(600)).await }
    })
    .await;
    // Each sign-in replaced the one before it: seven were replaced, one is left.
    let replaced: u64 = replaced.into_iter().map(|r| r.expect("db")).sum();
    assert_eq!(replaced, 7);
    let mut live = 0;
    for i in 0..8 {
        live +=
            usize::from(f.store.session(&format!("pc-{i}"), at(1)).await.expect("db").is_some());
    }
    assert_eq!(live, 1, "one PC session per candidate");
}

async fn exams_rooms_and_candidates_are_found_by_their_keys(f: Fixture) {
    let s = &f.store;
    let exam = s.exam(f.exam).await.expect("db").expect("exam");
    assert_eq!((exam.code.as_str(), exam.duration_min), ("CONTRACT1", 120));
    let by_code = s.exam_by_code(&ExamCode::parse("CONTRACT1").expect("code")).await;
    assert_eq!(by_code.expect("db").expect("exam").id, f.exam);
    s.reschedule_exam(f.exam, at(7200)).await.expect("db");
    assert_eq!(s.exam(f.exam).await.expect("db").expect("exam").starts_at, at(7200));

    // Rooms: the proctor sees the assigned one; assigning twice is harmless.
    s.assign_proctor(f.room_a, f.proctor).await.expect("db");
    assert!(s.is_assigned(f.room_a, f.proctor).await.expect("db"));
    assert!(!s.is_assigned(f.room_b, f.proctor).await.expect("db"));
    let proctor = s.staff(f.proctor).await.expect("db").expect("proctor");
    let rooms: Vec<_> = s.rooms_visible_to(&proctor).await.expect("db");
    assert_eq!(rooms.iter().map(|r| r.id).collect::<Vec<_>>(), vec![f.room_a]);
    let admin = s.staff(f.admin).await.expect("db").expect("admin");
    assert_eq!(s.rooms_visible_to(&admin).await.expect("db").len(), 2);
    s.unassign_proctor(f.room_a, f.proctor).await.expect("db");
    assert!(s.rooms_visible_to(&proctor).await.expect("db").is_empty());

    // Candidates: unique tickets per exam, listed by ticket.
    let b = f.candidate("T-0002").await;
    let a = f.candidate("T-0001").await;
    let dup = NewCandidate {
        exam_id: f.exam,
        room_id: f.room_b,
        ticket: TicketNumber::parse("T-0001").expect("ticket"),
        name: "Twin".into(),
        id_card: String::new(),
        photo_key: None,
    };
    assert!(matches!(s.add_candidate(dup).await, Err(StoreError::Duplicate)));
    let ticket = TicketNumber::parse("T-0001").expect("ticket");
    assert_eq!(s.candidate_by_ticket(f.exam, &ticket).await.expect("db").expect("a").id, a);
    let ids: Vec<_> =
        s.candidates_in_room(f.room_a).await.expect("db").iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![a, b]);
    assert_eq!(s.candidate_count(f.exam).await.expect("db"), 2);
    let one = s.candidate(a).await.expect("db").expect("a");
    assert_eq!((one.phase, one.extra_minutes, one.has_photo), (Phase::Rostered, 0, false));
    let code = s.access_code(a).await.expect("db");
    assert!(!code.is_empty());
    assert_eq!(s.access_code(a).await.expect("db"), code, "kept");
    assert_ne!(s.access_code(b).await.expect("db"), code, "one per candidate");
}

async fn a_phase_moves_only_from_the_stored_phase_and_is_recorded(f: Fixture) {
    let s = &f.store;
    let c = f.candidate("T-0001").await;
    assert!(
        s.set_phase(c, Phase::Rostered, Phase::LoggedIn, "cand", at(1), None).await.expect("db")
    );
    // A stale caller (still thinks Rostered) does not move it.
    assert!(
        !s.set_phase(c, Phase::Rostered, Phase::LoggedIn, "cand", at(2), None).await.expect("db")
    );
    assert!(
        !s.set_phase(c, Phase::InExam, Phase::Submitted(SubmitKind::Forced), "p", at(3), None)
            .await
            .expect("db")
    );
    assert_eq!(f.phase(c).await, Phase::LoggedIn);
    let history = s.phase_history(c).await.expect("db");
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].from, history[0].to, history[0].at),
        (Phase::Rostered, Phase::LoggedIn, at(1))
    );
}

async fn concurrent_phase_moves_have_exactly_one_winner(f: Fixture) {
    let c = f.candidate("T-0001").await;
    let store = f.store.clone();
    let moved = together(16, |i| {
        let store = store.clone();
        async move {
            store
                .set_phase(
                    c,
                    Phase::Rostered,
                    Phase::LoggedIn,
                    &format!("caller-{i}"),
                    at(i as i64),
                    None,
                )
                .await
                .expect("db")
        }
    })
    .await;
    assert_eq!(moved.iter().filter(|m| **m).count(), 1, "{moved:?}");
    assert_eq!(f.store.phase_history(c).await.expect("db").len(), 1);
}

async fn submitting_twice_submits_once_with_the_first_callers_kind(f: Fixture) {
    let s = &f.store;
    let c = f.candidate_at("T-0001", Phase::InExam).await;
    s.save_answer(c, "q1", r#"{"kind":"single_choice","option":"a"}"#, 1, at(100))
        .await
        .expect("db");
    let forced = Phase::Submitted(SubmitKind::Forced);
    assert!(s.set_phase(c, Phase::InExam, forced, "proctora", at(200), None).await.expect("db"));
    assert!(!s.set_phase(c, Phase::InExam, forced, "proctora", at(201), None).await.expect("db"));
    let auto = Phase::Submitted(SubmitKind::Auto);
    assert!(!s.set_phase(c, Phase::InExam, auto, "system", at(202), None).await.expect("db"));
    let (kind, actor, when) = s.submission(c).await.expect("db").expect("submitted");
    assert_eq!((kind.as_str(), actor.as_str(), when), ("submitted_forced", "proctora", at(200)));
    assert_eq!(f.phase(c).await, forced);

    // Racing: a proctor's force-submit, the deadline and the candidate at once.
    let d = f.candidate_at("T-0002", Phase::InExam).await;
    let store = f.store.clone();
    let kinds = [SubmitKind::Forced, SubmitKind::Auto, SubmitKind::SelfSubmitted];
    let won =
        together(12, |i| {
            let store = store.clone();
            let to = Phase::Submitted(kinds[i % 3]);
            async move {
                store.set_phase(d, Phase::InExam, to, "racer", at(300), None).await.expect("db")
            }
        })
        .await;
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
    let winner = won.iter().position(|w| *w).expect("a winner");
    assert_eq!(f.phase(d).await, Phase::Submitted(kinds[winner % 3]));
    assert!(s.submission(d).await.expect("db").is_some());
}

contract!(
    staff_accounts_are_unique_and_disabled_ones_cannot_sign_in,
    sessions_expire_and_a_new_sign_in_on_a_device_ends_the_old_one,
    concurrent_sign_ins_on_one_device_leave_one_session,
    exams_rooms_and_candidates_are_found_by_their_keys,
    a_phase_moves_only_from_the_stored_phase_and_is_recorded,
    concurrent_phase_moves_have_exactly_one_winner,
    submitting_twice_submits_once_with_the_first_callers_kind,
);
