//! An exam's report for administrators: how many candidates are at each step, how their
//! verifications ended, how they submitted, and the flags raised per category.
use super::flag::FlagKind;
use super::{Phase, VerificationStatus};
use serde::{Deserialize, Serialize};

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
    fn counts_follow_the_given_order_without_zeros() {
        let order = [1, 2, 3, 4];
        assert_eq!(in_order(&order, &[(3, 5), (1, 2), (4, 0), (9, 7)]), vec![(1, 2), (3, 5)]);
        assert_eq!(scale(&[(1, 2), (3, 5)]), 5);
        assert_eq!(scale(&[] as &[(u8, i64)]), 1);
    }
}
