//! The proctor grid's rules: which state bucket a tile is in (the counters above the grid,
//! each also a filter), the attention order, search, and the alerts a tile change raises.
use super::camera::view_is_on;
use super::candidate::CandidateTile;
use super::flag::{FlagKind, Severity, summarise};
use super::phase::Phase;
use super::presence::View;
use serde::{Deserialize, Serialize};

/// A counter above the grid, and the filter it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TileFilter {
    All,
    InExam,
    /// Before the exam: signed in and going through the steps.
    Preparing,
    /// Not signed in yet.
    Absent,
    Offline,
    Flagged,
    PendingReview,
    HandRaised,
    Submitted,
}

impl TileFilter {
    pub const ALL: [TileFilter; 9] = [
        TileFilter::All,
        TileFilter::InExam,
        TileFilter::Preparing,
        TileFilter::Absent,
        TileFilter::Offline,
        TileFilter::Flagged,
        TileFilter::PendingReview,
        TileFilter::HandRaised,
        TileFilter::Submitted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TileFilter::All => "all",
            TileFilter::InExam => "in_exam",
            TileFilter::Preparing => "preparing",
            TileFilter::Absent => "absent",
            TileFilter::Offline => "offline",
            TileFilter::Flagged => "flagged",
            TileFilter::PendingReview => "pending_review",
            TileFilter::HandRaised => "hand_raised",
            TileFilter::Submitted => "submitted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Whether `t` counts under this filter.
    pub fn matches(self, t: &CandidateTile) -> bool {
        match self {
            TileFilter::All => true,
            TileFilter::InExam => t.phase == Phase::InExam,
            TileFilter::Preparing => {
                !matches!(t.phase, Phase::Rostered | Phase::InExam | Phase::Submitted(_))
            }
            TileFilter::Absent => t.phase == Phase::Rostered,
            TileFilter::Offline => is_offline(t),
            TileFilter::Flagged => !t.flags.is_empty(),
            TileFilter::PendingReview => t.verification.needs_attention(),
            TileFilter::HandRaised => t.hand_raised,
            TileFilter::Submitted => t.phase.is_submitted(),
        }
    }
}

/// A candidate who has started and not submitted, with a view down that should be up.
pub fn is_offline(t: &CandidateTile) -> bool {
    if matches!(t.phase, Phase::Rostered | Phase::Submitted(_)) {
        return false;
    }
    !t.pc.online || (view_is_on(View::Phone, t.phase) && !t.phone.online)
}

/// How many tiles each counter holds, in [`TileFilter::ALL`] order.
pub fn counters(tiles: &[&CandidateTile]) -> Vec<(TileFilter, usize)> {
    TileFilter::ALL
        .into_iter()
        .map(|f| (f, tiles.iter().filter(|t| f.matches(t)).count()))
        .collect()
}

/// The grid's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// Raised hands and flagged first, then offline, pending review, the rest, submitted.
    Attention,
    /// Lowest integrity score first.
    Integrity,
    Ticket,
    Name,
}

impl SortBy {
    pub const ALL: [SortBy; 4] =
        [SortBy::Attention, SortBy::Integrity, SortBy::Ticket, SortBy::Name];
    pub fn as_str(self) -> &'static str {
        match self {
            SortBy::Attention => "attention",
            SortBy::Integrity => "integrity",
            SortBy::Ticket => "ticket",
            SortBy::Name => "name",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// The attention rank of a tile: lower needs the proctor sooner.
pub fn attention_rank(t: &CandidateTile) -> u8 {
    let worst = summarise(&t.flags).map(|s| s.worst.severity());
    if t.hand_raised || worst == Some(Severity::High) {
        0
    } else if worst.is_some() || is_offline(t) {
        1
    } else if t.verification.needs_attention() {
        2
    } else if t.phase.is_submitted() {
        4
    } else {
        3
    }
}

/// Orders tiles in place; ties keep the ticket order, so the grid does not jump around.
pub fn sort(tiles: &mut [&CandidateTile], by: SortBy) {
    match by {
        SortBy::Attention => tiles
            .sort_by(|a, b| (attention_rank(a), &a.ticket).cmp(&(attention_rank(b), &b.ticket))),
        SortBy::Integrity => {
            tiles.sort_by(|a, b| (a.integrity, &a.ticket).cmp(&(b.integrity, &b.ticket)))
        }
        SortBy::Ticket => tiles.sort_by(|a, b| a.ticket.cmp(&b.ticket)),
        SortBy::Name => tiles.sort_by(|a, b| {
            a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.ticket.cmp(&b.ticket))
        }),
    }
}

/// Whether the name or ticket contains the query (case-insensitive; blank matches all).
pub fn matches_search(t: &CandidateTile, query: &str) -> bool {
    let q = query.trim().to_lowercase();
    q.is_empty() || t.name.to_lowercase().contains(&q) || t.ticket.to_lowercase().contains(&q)
}

/// Something a proctor should look at now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "alert", content = "flag", rename_all = "snake_case")]
pub enum AlertKind {
    Flag(FlagKind),
    Offline,
    SecondViewLost,
    HandRaised,
    /// A new sign-in on another device (or a new phone pairing) ended an older session.
    SignedInElsewhere,
}

impl AlertKind {
    /// A stable name (for markup and tests).
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Flag(_) => "flag",
            AlertKind::Offline => "offline",
            AlertKind::SecondViewLost => "second_view_lost",
            AlertKind::HandRaised => "hand_raised",
            AlertKind::SignedInElsewhere => "signed_in_elsewhere",
        }
    }
}

/// The alerts a tile change from `old` to `new` raises.
pub fn alerts(old: &CandidateTile, new: &CandidateTile) -> Vec<AlertKind> {
    let mut out = Vec::new();
    for f in &new.flags {
        if old.flags.iter().any(|o| o.id == f.id) {
            continue;
        }
        out.push(match f.kind {
            FlagKind::PhoneLost => AlertKind::SecondViewLost,
            k => AlertKind::Flag(k),
        });
    }
    if is_offline(new) && !is_offline(old) && !out.contains(&AlertKind::SecondViewLost) {
        out.push(AlertKind::Offline);
    }
    if new.hand_raised && !old.hand_raised {
        out.push(AlertKind::HandRaised);
    }
    if new.sessions_replaced > old.sessions_replaced {
        out.push(AlertKind::SignedInElsewhere);
    }
    out
}

/// Keyboard navigation on the grid: the index to move to from `at` of `len` tiles for `key`, if the key moves.
pub fn grid_key_target(key: &str, at: usize, len: usize, per_row: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let last = len - 1;
    let per_row = per_row.max(1);
    Some(match key {
        "ArrowRight" => (at + 1).min(last),
        "ArrowLeft" => at.saturating_sub(1),
        "ArrowDown" => (at + per_row).min(last),
        "ArrowUp" => at.saturating_sub(per_row),
        "Home" => 0,
        "End" => last,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candidate::VerificationStatus;
    use crate::flag::OpenFlag;
    use crate::ids::CandidateId;
    use crate::presence::ViewPresence;
    use chrono::{DateTime, Utc};

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("ts")
    }

    fn on() -> ViewPresence {
        ViewPresence { online: true, last_seen: Some(at(0)) }
    }

    fn tile(ticket: &str, name: &str, phase: Phase) -> CandidateTile {
        CandidateTile {
            id: CandidateId(ticket.len() as i64),
            name: name.into(),
            ticket: ticket.into(),
            phase,
            verification: VerificationStatus::Passed,
            device_check: Some(true),
            pc: on(),
            phone: on(),
            flags: vec![],
            answered: 0,
            deadline: None,
            extra_minutes: 0,
            warnings: 0,
            unread: 0,
            hand_raised: false,
            sessions_replaced: 0,
            integrity: 100,
        }
    }

    fn flag(id: i64, kind: FlagKind) -> OpenFlag {
        OpenFlag { id, kind, automatic: !kind.is_manual(), raised_at: at(id) }
    }

    #[test]
    fn counters_bucket_tiles_by_state() {
        let a = tile("T1", "A", Phase::InExam);
        let mut b = tile("T2", "B", Phase::InExam);
        b.phone.online = false;
        let c = tile("T3", "C", Phase::Rostered);
        let mut d = tile("T4", "D", Phase::FaceVerified);
        d.verification = VerificationStatus::PendingReview;
        d.flags.push(flag(1, FlagKind::Noise));
        let counts = counters(&[&a, &b, &c, &d]);
        let n = |f| counts.iter().find(|(k, _)| *k == f).map(|(_, n)| *n);
        assert_eq!(n(TileFilter::All), Some(4));
        assert_eq!(n(TileFilter::InExam), Some(2));
        assert_eq!(n(TileFilter::Offline), Some(1));
        assert_eq!(n(TileFilter::Absent), Some(1));
        assert_eq!(n(TileFilter::Preparing), Some(1));
        assert_eq!(n(TileFilter::Flagged), Some(1));
        assert_eq!(n(TileFilter::PendingReview), Some(1));
        // A phone not expected yet is not "offline".
        let mut e = tile("T5", "E", Phase::DevicesChecked);
        e.phone.online = false;
        assert!(!is_offline(&e));
        assert!(TileFilter::parse("hand_raised").is_some());
    }

    #[test]
    fn attention_puts_hands_and_flags_then_offline_first_and_submitted_last() {
        let quiet = tile("T1", "Quiet", Phase::InExam);
        let done = tile("T0", "Done", Phase::Submitted(crate::SubmitKind::Auto));
        let mut offline = tile("T5", "Off", Phase::InExam);
        offline.pc.online = false;
        let mut hand = tile("T9", "Hand", Phase::InExam);
        hand.hand_raised = true;
        let mut person = tile("T8", "Person", Phase::InExam);
        person.flags.push(flag(1, FlagKind::AnotherPerson));
        let mut list = vec![&quiet, &done, &offline, &hand, &person];
        sort(&mut list, SortBy::Attention);
        let order: Vec<&str> = list.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(order, ["Person", "Hand", "Off", "Quiet", "Done"]);
        sort(&mut list, SortBy::Ticket);
        assert_eq!(list[0].ticket, "T0");
        sort(&mut list, SortBy::Name);
        assert_eq!(list[0].name, "Done");
        person.integrity = 60;
        let mut list = vec![&quiet, &done, &person];
        sort(&mut list, SortBy::Integrity);
        assert_eq!(list[0].name, "Person");
        assert_eq!(list[1].ticket, "T0");
    }

    #[test]
    fn search_matches_name_or_ticket_ignoring_case() {
        let t = tile("T2026-0007", "Li Hua 李华", Phase::InExam);
        assert!(matches_search(&t, ""));
        assert!(matches_search(&t, "li hua"));
        assert!(matches_search(&t, "李华"));
        assert!(matches_search(&t, "t2026-0007"));
        assert!(!matches_search(&t, "wang"));
    }

    #[test]
    fn alerts_come_from_new_flags_going_offline_and_raised_hands() {
        let old = tile("T1", "A", Phase::InExam);
        let mut new = old.clone();
        new.flags.push(flag(7, FlagKind::Material));
        new.hand_raised = true;
        assert_eq!(
            alerts(&old, &new),
            vec![AlertKind::Flag(FlagKind::Material), AlertKind::HandRaised]
        );
        // The same state again raises nothing.
        assert!(alerts(&new, &new).is_empty());
        let mut lost = old.clone();
        lost.phone.online = false;
        lost.flags.push(flag(8, FlagKind::PhoneLost));
        assert_eq!(alerts(&old, &lost), vec![AlertKind::SecondViewLost]);
        let mut off = old.clone();
        off.pc.online = false;
        assert_eq!(alerts(&old, &off), vec![AlertKind::Offline]);
        let mut again = old.clone();
        again.sessions_replaced = 1;
        assert_eq!(alerts(&old, &again), vec![AlertKind::SignedInElsewhere]);
    }

    #[test]
    fn arrows_move_by_one_or_by_a_row_and_stop_at_the_ends() {
        assert_eq!(grid_key_target("ArrowRight", 0, 10, 4), Some(1));
        assert_eq!(grid_key_target("ArrowRight", 9, 10, 4), Some(9));
        assert_eq!(grid_key_target("ArrowLeft", 0, 10, 4), Some(0));
        assert_eq!(grid_key_target("ArrowDown", 1, 10, 4), Some(5));
        assert_eq!(grid_key_target("ArrowDown", 8, 10, 4), Some(9));
        assert_eq!(grid_key_target("ArrowUp", 5, 10, 4), Some(1));
        assert_eq!(grid_key_target("End", 2, 10, 4), Some(9));
        assert_eq!(grid_key_target("Home", 7, 10, 4), Some(0));
        assert_eq!(grid_key_target("a", 0, 10, 4), None);
        assert_eq!(grid_key_target("ArrowDown", 0, 0, 4), None);
    }
}
