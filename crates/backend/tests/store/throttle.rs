//! Sign-in failure windows: counted and checked in one step, also by many callers at once
//! (instances share the database), taken back, and pruned.
use crate::harness::{Fixture, together};
use chrono::{DateTime, Duration, Utc};
use domain::throttle::{ADDRESS, TICKET};

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("ts")
}

async fn parallel_failures_never_pass_the_limit(f: Fixture) {
    let keys =
        vec![("address:10.0.0.1".to_string(), ADDRESS), ("ticket:1:T-1".to_string(), TICKET)];
    let results = together(12, |_| {
        let (s, keys) = (f.store.clone(), keys.clone());
        async move { s.throttle_attempt(&keys, true, at(0)).await.expect("db") }
    })
    .await;
    let counted = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(counted, TICKET.max as usize, "{results:?}");
    // Blocked now, with the wait; the check alone says so too and counts nothing.
    let wait = TICKET.window_secs as u64 - 10;
    assert_eq!(f.store.throttle_attempt(&keys, false, at(10)).await.expect("db"), Err(wait));
    // Another ticket from the same address is not blocked; after the window, neither is this.
    let other =
        vec![("address:10.0.0.1".to_string(), ADDRESS), ("ticket:1:T-2".to_string(), TICKET)];
    assert_eq!(f.store.throttle_attempt(&other, false, at(10)).await.expect("db"), Ok(()));
    let later = at(TICKET.window_secs.max(ADDRESS.window_secs));
    assert_eq!(f.store.throttle_attempt(&keys, true, later).await.expect("db"), Ok(()));
}

async fn a_forgiven_attempt_no_longer_counts_and_old_windows_are_pruned(f: Fixture) {
    let keys = vec![("address:10.0.0.2".to_string(), ADDRESS)];
    for _ in 0..ADDRESS.max {
        assert_eq!(f.store.throttle_attempt(&keys, true, at(0)).await.expect("db"), Ok(()));
    }
    assert!(f.store.throttle_attempt(&keys, true, at(1)).await.expect("db").is_err());
    f.store.throttle_forgive(&[keys[0].0.clone()]).await.expect("db");
    assert_eq!(f.store.throttle_attempt(&keys, true, at(2)).await.expect("db"), Ok(()));
    assert_eq!(f.store.throttle_prune(at(0) + Duration::seconds(1)).await.expect("db"), 1);
    assert_eq!(f.store.throttle_prune(at(0) + Duration::seconds(1)).await.expect("db"), 0);
}

crate::contract!(
    parallel_failures_never_pass_the_limit,
    a_forgiven_attempt_no_longer_counts_and_old_windows_are_pruned,
);
