//! Administration: the review decision, the roster import, exam settings and staff.
use crate::contract;
use crate::harness::{Fixture, at, together};
use backend::store::admin::ImportRow;
use domain::review::ReviewDecision;
use domain::{RoomId, VerificationStatus};

async fn a_review_is_decided_once(f: Fixture) {
    let s = &f.store;
    let c = f.candidate("T-0001").await;
    // Not pending: nothing to decide.
    assert!(!s.decide_review(c, ReviewDecision::Approve, "", "admin", at(1)).await.expect("db"));
    s.set_verification(c, VerificationStatus::PendingReview).await.expect("db");
    assert_eq!(s.pending_count().await.expect("db"), 1);
    assert_eq!(s.pending_cases().await.expect("db")[0].candidate.id, c);
    assert!(s.decide_review(c, ReviewDecision::Approve, "ok", "admin", at(2)).await.expect("db"));
    assert!(!s.decide_review(c, ReviewDecision::Reject, "no", "admin", at(3)).await.expect("db"));
    let stored = s.candidate(c).await.expect("db").expect("c");
    assert_eq!(stored.verification, VerificationStatus::Approved);
    assert_eq!(s.pending_count().await.expect("db"), 0);

    // Two reviewers deciding the same case at once: one decision stands.
    let d = f.candidate("T-0002").await;
    s.set_verification(d, VerificationStatus::PendingReview).await.expect("db");
    let store = f.store.clone();
    let decided = together(10, |i| {
        let store = store.clone();
        let decision =
            if i.is_multiple_of(2) { ReviewDecision::Approve } else { ReviewDecision::Reject };
        async move { store.decide_review(d, decision, "", "admin", at(4)).await.expect("db") }
    })
    .await;
    assert_eq!(decided.iter().filter(|d| **d).count(), 1, "{decided:?}");
    let winner = decided.iter().position(|d| *d).expect("a winner");
    let want = if winner.is_multiple_of(2) {
        VerificationStatus::Approved
    } else {
        VerificationStatus::Rejected
    };
    assert_eq!(s.candidate(d).await.expect("db").expect("d").verification, want);
}

fn row(ticket: &str, name: &str, room: RoomId) -> ImportRow {
    ImportRow {
        ticket: ticket.into(),
        name: name.into(),
        id_card: String::new(),
        room,
        photo_key: Some(format!("roster/{ticket}.jpg")),
    }
}

async fn a_roster_import_is_all_or_nothing(f: Fixture) {
    let s = &f.store;
    let first = [row("T-0001", "Ada", f.room_a), row("T-0002", "Bo", f.room_b)];
    let out = s.import_roster(f.exam, &first).await.expect("db");
    assert_eq!((out.added, out.updated, out.photos), (2, 0, 2));
    let tickets = s.roster_tickets(f.exam).await.expect("db");
    assert_eq!(tickets.len(), 2);

    // A second import that fails on its last row (a room that does not exist) changes nothing:
    // not the renamed first row, not the new second one.
    let broken = [
        row("T-0001", "Ada Renamed", f.room_a),
        row("T-0003", "Cy", f.room_a),
        row("T-0004", "Di", RoomId(9_999)),
    ];
    assert!(s.import_roster(f.exam, &broken).await.is_err());
    let roster = s.roster(f.exam).await.expect("db");
    let names: Vec<_> = roster.iter().map(|e| (e.ticket.as_str(), e.name.as_str())).collect();
    assert_eq!(names, vec![("T-0001", "Ada"), ("T-0002", "Bo")]);

    // A good re-import updates and adds; a missing photo keeps the stored one.
    let mut again = row("T-0001", "Ada Lovelace", f.room_b);
    again.photo_key = None;
    let out = s.import_roster(f.exam, &[again, row("T-0003", "Cy", f.room_a)]).await.expect("db");
    assert_eq!((out.added, out.updated, out.photos), (1, 1, 1));
    let ada = s.roster(f.exam).await.expect("db");
    assert_eq!((ada[0].name.as_str(), ada[0].room.as_str()), ("Ada Lovelace", "B"));
    let id = s.exam_candidates_by_ticket(f.exam).await.expect("db")[0];
    assert_eq!(s.candidate_photo_key(id).await.expect("db").as_deref(), Some("roster/T-0001.jpg"));
}

async fn concurrent_imports_of_one_roster_leave_each_ticket_once(f: Fixture) {
    let rows: Vec<ImportRow> =
        (1..=40).map(|i| row(&format!("T-{i:04}"), &format!("N{i}"), f.room_a)).collect();
    let rows = std::sync::Arc::new(rows);
    let store = f.store.clone();
    let exam = f.exam;
    let outcomes = together(4, |_| {
        let (store, rows) = (store.clone(), rows.clone());
        async move { store.import_roster(exam, &rows).await.map_err(|e| e.to_string()) }
    })
    .await;
    for o in &outcomes {
        let o = o.as_ref().expect("every import succeeds (one after the other)");
        assert_eq!(o.added + o.updated, 40);
    }
    let added: usize = outcomes.iter().map(|o| o.as_ref().map_or(0, |o| o.added)).sum();
    assert_eq!(added, 40, "each ticket added once");
    assert_eq!(f.store.candidate_count(f.exam).await.expect("db"), 40);
}

async fn exam_settings_archive_and_staff_list(f: Fixture) {
    let s = &f.store;
    let mut settings = s.exam_settings(f.exam).await.expect("db").expect("settings");
    assert_eq!(settings.code, "CONTRACT1");
    settings.title = "Renamed".into();
    assert_eq!(s.save_exam(Some(f.exam), &settings).await.expect("db"), f.exam);
    assert_eq!(s.exam(f.exam).await.expect("db").expect("exam").title, "Renamed");
    settings.code = "CONTRACT2".into();
    let second = s.save_exam(None, &settings).await.expect("db");
    assert_ne!(second, f.exam);
    assert!(s.save_exam(None, &settings).await.is_err(), "the code is taken");
    assert_eq!(s.exam_summaries().await.expect("db").len(), 2);
    s.set_archived(second, true).await.expect("db");
    let archived: Vec<_> =
        s.exam_summaries().await.expect("db").into_iter().map(|e| (e.id, e.archived)).collect();
    assert!(
        archived.contains(&(second, true)) && archived.contains(&(f.exam, false)),
        "{archived:?}"
    );
    assert!(!s.reject_ends_attempt(f.exam).await.expect("db"));
    s.set_reject_ends_attempt(f.exam, true).await.expect("db");
    assert!(s.reject_ends_attempt(f.exam).await.expect("db"));
    let rooms = s.exam_rooms(f.exam).await.expect("db");
    assert_eq!(rooms.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(), vec!["A", "B"]);
    let staff = s.staff_list().await.expect("db");
    assert_eq!(staff.len(), 2);
}

contract!(
    a_review_is_decided_once,
    a_roster_import_is_all_or_nothing,
    concurrent_imports_of_one_roster_leave_each_ticket_once,
    exam_settings_archive_and_staff_list,
);
