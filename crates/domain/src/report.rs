//! An exam's report for administrators: how many candidates are at each step, how their
//! verifications ended, how they submitted, and the flags raised per category.
use super::flag::FlagKind;
use super::{CandidateId, Phase, VerificationStatus};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// A cell a spreadsheet will not run as a formula: text that starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return gets a leading `'` (OWASP's advice for CSV exports; the cell
/// then shows as typed).
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// What every admin page shows at the top: the review queue's length and whether the
/// server's disk is low (candidate uploads refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AdminStatus {
    pub queue: i64,
    pub disk_low: bool,
    pub disk_free_bytes: u64,
}

/// An admission slip: what a candidate needs to sign in, for printing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionSlip {
    pub ticket: String,
    pub name: String,
    pub room: String,
    /// `ABCD-EFGH`.
    pub access_code: String,
}

/// Every slip of an exam, with what is printed on each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdmissionSlips {
    pub exam_code: String,
    pub exam_title: String,
    pub starts_at: chrono::DateTime<chrono::Utc>,
    pub sign_in: super::signin::SignInMode,
    /// Where candidates sign in (the site's address).
    pub url: String,
    pub slips: Vec<AdmissionSlip>,
}
use std::collections::HashSet;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamReport {
    pub candidates: i64,
    /// Candidates per phase, in procedure order, phases with nobody left out.
    pub phases: Vec<(Phase, i64)>,
    pub verification: Vec<(VerificationStatus, i64)>,
    /// Flags raised per kind (open and closed), most first.
    pub flags: Vec<(FlagKind, i64)>,
    pub open_flags: i64,
    pub messages: i64,
    pub warnings: i64,
    /// Candidates with the PC page connected over time: one point per minute with a change.
    #[serde(default)]
    pub online: Vec<(DateTime<Utc>, i64)>,
    /// Reviewers' decisions on automatic flags, per kind (kinds never raised left out).
    #[serde(default)]
    pub precision: Vec<super::integrity::Precision>,
    /// The lowest integrity scores: `(ticket, name, score)`, lowest first.
    #[serde(default)]
    pub lowest_scores: Vec<(String, String, u8)>,
}

/// Online PCs over time from connection events `(candidate, at, online)` in time order: the
/// count after each event, keeping the last value of each minute (several PC pages of one
/// candidate count once; an "online" after "online" changes nothing).
pub fn online_series(events: &[(CandidateId, DateTime<Utc>, bool)]) -> Vec<(DateTime<Utc>, i64)> {
    let mut on: HashSet<CandidateId> = HashSet::new();
    let mut out: Vec<(DateTime<Utc>, i64)> = Vec::new();
    for (c, at, online) in events {
        if *online {
            on.insert(*c);
        } else {
            on.remove(c);
        }
        let minute = at.duration_trunc(TimeDelta::minutes(1)).unwrap_or(*at);
        let n = on.len() as i64;
        match out.last_mut() {
            Some(last) if last.0 == minute => last.1 = n,
            _ => out.push((minute, n)),
        }
    }
    out
}

/// Counts in a fixed order of keys: `order` first (zeros dropped), counts of keys not in it
/// are ignored (a value the code no longer knows).
pub fn in_order<K: PartialEq + Copy>(order: &[K], counts: &[(K, i64)]) -> Vec<(K, i64)> {
    order
        .iter()
        .filter_map(|k| counts.iter().find(|(c, _)| c == k).map(|(_, n)| (*k, *n)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// The largest count, for scaling bars (at least 1).
pub fn scale(counts: &[(impl Copy, i64)]) -> i64 {
    counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_quoted() {
        for bad in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"] {
            assert_eq!(spreadsheet_safe(bad), format!("'{bad}"));
        }
        for fine in ["张三", "T2026-0001", "a=b", "", "1.5"] {
            assert_eq!(spreadsheet_safe(fine), fine);
        }
    }

    #[test]
    fn online_counts_follow_connections_per_minute() {
        let t = |m: i64, s: i64| {
            DateTime::parse_from_rfc3339("2026-11-26T09:00:00Z").expect("t").to_utc()
                + TimeDelta::minutes(m)
                + TimeDelta::seconds(s)
        };
        let (a, b) = (CandidateId(1), CandidateId(2));
        let events = [
            (a, t(0, 5), true),
            (b, t(0, 40), true),
            (a, t(0, 50), true),
            (a, t(2, 1), false),
            (a, t(2, 30), true),
            (b, t(3, 0), false),
        ];
        assert_eq!(online_series(&events), vec![(t(0, 0), 2), (t(2, 0), 2), (t(3, 0), 1)]);
        assert!(online_series(&[]).is_empty());
    }

    #[test]
    fn counts_follow_the_given_order_without_zeros() {
        let order = [1, 2, 3, 4];
        assert_eq!(in_order(&order, &[(3, 5), (1, 2), (4, 0), (9, 7)]), vec![(1, 2), (3, 5)]);
        assert_eq!(scale(&[(1, 2), (3, 5)]), 5);
        assert_eq!(scale(&[] as &[(u8, i64)]), 1);
    }
}
