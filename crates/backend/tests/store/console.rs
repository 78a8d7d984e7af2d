//! The proctor's console and the camera's automatic findings: flags (closed once), messages,
//! hands, extra time, events, evidence and recordings.
use crate::contract;
use crate::harness::{Fixture, at, together};
use backend::store::camera::NewEvidence;
use backend::store::console::{NewAudit, NewMessage};
use domain::camera::EvidenceReason;
use domain::console::{CandidateEvent, MessageKind};
use domain::flag::{FlagKind, FlagResolution};
use domain::{Phase, SubmitKind, View};

async fn a_flag_is_closed_once_and_shows_on_the_tile_while_open(f: Fixture) {
    let s = &f.store;
    let c = f.candidate("T-0001").await;
    let flag = s.add_flag(c, FlagKind::Material, Some("notes on desk"), "proctora", at(1)).await;
    let flag = flag.expect("db");
    assert_eq!(s.flag_candidate(flag).await.expect("db"), Some(c));
    assert_eq!(s.tile_extras(c).await.expect("db").flags.len(), 1);
    let store = f.store.clone();
    let how = |i: usize| {
        if i.is_multiple_of(2) { FlagResolution::Resolved } else { FlagResolution::Dismissed }
    };
    let closed = together(6, |i| {
        let store = store.clone();
        async move { store.close_flag(flag, how(i), None, "proctora", at(2)).await.expect("db") }
    })
    .await;
    assert_eq!(closed.iter().filter(|c| **c).count(), 1, "{closed:?}");
    let record = &s.flags(c).await.expect("db")[0];
    assert_eq!(
        (record.kind, record.automatic, record.cleared_at),
        (FlagKind::Material, false, Some(at(2)))
    );
    assert_eq!(record.note.as_deref(), Some("notes on desk"));
    let winner = closed.iter().position(|c| *c).expect("a winner");
    assert_eq!(record.resolution, Some(how(winner)), "the first closer's resolution stands");
    assert!(s.tile_extras(c).await.expect("db").flags.is_empty());
}

async fn automatic_flags_are_raised_once_while_open(f: Fixture) {
    let s = &f.store;
    let c = f.candidate("T-0001").await;
    let store = f.store.clone();
    let raised = together(6, |_| {
        let store = store.clone();
        async move { store.raise_auto_flag(c, FlagKind::PcBlack, at(1)).await.expect("db") }
    })
    .await;
    assert_eq!(raised.iter().filter(|r| **r).count(), 1, "{raised:?}");
    assert!(s.raise_auto_flag(c, FlagKind::PhoneFrozen, at(2)).await.expect("db"));
    let mut open = s.open_auto_flags(c).await.expect("db");
    open.sort_by_key(|k| format!("{k:?}"));
    assert_eq!(open, vec![FlagKind::PcBlack, FlagKind::PhoneFrozen]);
    assert_eq!(s.open_auto_flags_in_room(f.room_a).await.expect("db")[&c].len(), 2);
    assert!(s.clear_auto_flag(c, FlagKind::PcBlack, at(3)).await.expect("db"));
    assert!(!s.clear_auto_flag(c, FlagKind::PcBlack, at(4)).await.expect("db"));
    assert_eq!(s.open_auto_flags(c).await.expect("db"), vec![FlagKind::PhoneFrozen]);
    // Raised again after clearing: a new flag.
    assert!(s.raise_auto_flag(c, FlagKind::PcBlack, at(5)).await.expect("db"));
    assert_eq!(s.flags(c).await.expect("db").len(), 3);
    // A reviewer decides on the automatic flag that cleared itself, once; it keeps the time
    // it cleared.
    let cleared = s.flags(c).await.expect("db")[0].id;
    assert!(
        s.close_flag(cleared, FlagResolution::Dismissed, None, "proctora", at(6))
            .await
            .expect("db")
    );
    assert!(
        !s.close_flag(cleared, FlagResolution::Resolved, None, "proctora", at(7))
            .await
            .expect("db")
    );
    let record = &s.flags(c).await.expect("db")[0];
    assert_eq!(
        (record.cleared_at, record.resolution),
        (Some(at(3)), Some(FlagResolution::Dismissed))
    );
    assert_eq!(s.open_auto_flags(c).await.expect("db").len(), 2);
}

async fn messages_are_delivered_and_read_once(f: Fixture) {
    let s = &f.store;
    let (a, b) = (f.candidate("T-0001").await, f.candidate("T-0002").await);
    let message = |c, kind, body: &str| NewMessage {
        candidate: c,
        kind,
        body: body.into(),
        audience: "room",
        sent_by: "proctora".into(),
        at: at(1),
    };
    let ids = s
        .add_messages(&[
            message(a, MessageKind::Message, "Hello"),
            message(b, MessageKind::Warning, "Eyes"),
        ])
        .await
        .expect("db");
    assert_eq!(ids.len(), 2);
    assert_eq!(s.unread_messages(a).await.expect("db")[0].body, "Hello");
    s.mark_delivered(&ids, at(2)).await.expect("db");
    s.mark_delivered(&ids, at(3)).await.expect("db");
    assert_eq!(s.messages(a).await.expect("db")[0].delivered_at, Some(at(2)), "first delivery");
    assert!(!s.mark_read(a, ids[1], at(4)).await.expect("db"), "not A's message");
    assert!(s.mark_read(a, ids[0], at(4)).await.expect("db"));
    assert!(!s.mark_read(a, ids[0], at(5)).await.expect("db"), "already read");
    assert!(s.unread_messages(a).await.expect("db").is_empty());
    let extras = s.tile_extras(b).await.expect("db");
    assert_eq!((extras.warnings, extras.unread), (1, 1));
}

async fn a_hand_is_up_once_and_extra_time_adds_up(f: Fixture) {
    let s = &f.store;
    let c = f.candidate("T-0001").await;
    assert!(!s.answer_hand(c, "proctora", at(1)).await.expect("db"));
    assert!(s.raise_hand(c, at(2)).await.expect("db"));
    assert!(!s.raise_hand(c, at(3)).await.expect("db"), "already up");
    assert!(s.tile_extras(c).await.expect("db").hand_raised);
    assert!(s.answer_hand(c, "proctora", at(4)).await.expect("db"));
    let hands = s.hands(c).await.expect("db");
    assert_eq!((hands.len(), hands[0].answered_by.as_deref()), (1, Some("proctora")));

    let store = f.store.clone();
    together(10, |_| {
        let store = store.clone();
        async move { store.add_extra_minutes(c, 1).await.expect("db") }
    })
    .await;
    assert_eq!(s.candidate(c).await.expect("db").expect("c").extra_minutes, 10);
    assert_eq!(s.add_extra_minutes(c, 5).await.expect("db"), 15);
}

async fn events_audit_and_quick_messages_are_kept(f: Fixture) {
    let s = &f.store;
    let c = f.candidate("T-0001").await;
    s.add_event(c, &CandidateEvent::Login, at(1)).await.expect("db");
    s.add_event(c, &CandidateEvent::Online { view: View::Phone }, at(2)).await.expect("db");
    let events = s.events(c).await.expect("db");
    assert_eq!(
        events,
        vec![(at(1), CandidateEvent::Login), (at(2), CandidateEvent::Online { view: View::Phone })]
    );
    let audit = NewAudit {
        actor: "proctora",
        action: "warn",
        exam: Some(f.exam),
        candidate: Some(c),
        detail: "eyes",
        reason: Some("looking away"),
        at: at(3),
    };
    s.audit_action(audit).await.expect("db");
    let rows = s.audit_of_candidate(c).await.expect("db");
    assert_eq!((rows.len(), rows[0].reason.as_deref()), (1, Some("looking away")));
    assert_eq!(s.quick_messages(f.exam).await.expect("db"), None);
    let texts = vec!["Sit still".to_string(), "请坐好".to_string()];
    s.set_quick_messages(f.exam, &texts).await.expect("db");
    assert_eq!(s.quick_messages(f.exam).await.expect("db"), Some(texts));
    // A forced submission's reason, kept with the submission.
    let sitting = f.candidate_at("T-0002", Phase::InExam).await;
    assert_eq!(s.submission_reason(sitting).await.expect("db"), None);
    let forced = Phase::Submitted(SubmitKind::Forced);
    assert!(
        s.set_phase(sitting, Phase::InExam, forced, "proctora", at(4), Some("left the room"))
            .await
            .expect("db")
    );
    assert_eq!(s.submission_reason(sitting).await.expect("db").as_deref(), Some("left the room"));
}

async fn evidence_and_recordings_are_indexed_in_order(f: Fixture) {
    let s = &f.store;
    let c = f.candidate("T-0001").await;
    let frame = |seq: u32, reason| NewEvidence {
        candidate: c,
        view: View::Pc,
        seq,
        captured_at: at(i64::from(seq)),
        received_at: at(i64::from(seq)),
        reason,
        width: 320,
        height: 240,
        bytes: 1000,
        blob_key: format!("evidence/{seq}.jpg"),
    };
    s.add_evidence(&[frame(1, EvidenceReason::Sample), frame(2, EvidenceReason::Flag)])
        .await
        .expect("db");
    let kept = s.evidence(c).await.expect("db");
    assert_eq!(kept.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(s.evidence_blob(kept[1].id).await.expect("db"), Some((c, "evidence/2.jpg".into())));

    let (id, next) = s.open_recording(c, View::Pc, "rec-1", "rec/1", at(1)).await.expect("db");
    assert_eq!(next, 0);
    assert!(s.advance_recording(id, 0, 500, at(2)).await.expect("db"));
    assert!(!s.advance_recording(id, 0, 500, at(3)).await.expect("db"), "a chunk counts once");
    assert!(s.advance_recording(id, 1, 700, at(4)).await.expect("db"));
    assert_eq!(s.open_recording(c, View::Pc, "rec-1", "rec/1", at(5)).await.expect("db"), (id, 2));
    let usage = s.recording_usage(c, View::Pc, "rec-1").await.expect("db");
    assert_eq!((usage.recordings, usage.bytes, usage.known), (1, 1200, true));
    assert_eq!(s.recording_blobs(id).await.expect("db"), Some((c, "rec/1".into(), 2)));
    assert_eq!(s.recordings(c).await.expect("db")[0].chunks, 2);
}

contract!(
    a_flag_is_closed_once_and_shows_on_the_tile_while_open,
    automatic_flags_are_raised_once_while_open,
    messages_are_delivered_and_read_once,
    a_hand_is_up_once_and_extra_time_adds_up,
    events_audit_and_quick_messages_are_kept,
    evidence_and_recordings_are_indexed_in_order,
);
