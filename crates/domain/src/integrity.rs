//! The integrity score (0–100) of a candidate, from its flags and the exam's weights, with
//! each flag's contribution so that a person can see why; and the precision of automatic
//! flags from reviewers' decisions. Nothing is decided from the score: it orders the grid and
//! is shown in the report.
use super::flag::{FlagKind, FlagRecord, FlagResolution};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Points a flag of each kind takes off the score (0–100 each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Weights {
    pub face_absent: u8,
    pub another_person: u8,
    pub face_mismatch: u8,
    pub noise: u8,
    pub page_left: u8,
    pub camera: u8,
    pub phone_lost: u8,
    pub material: u8,
    pub left_seat: u8,
    pub second_view_wrong: u8,
    pub verification_rejected: u8,
    pub other: u8,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            face_absent: 10,
            another_person: 25,
            face_mismatch: 30,
            noise: 5,
            page_left: 5,
            camera: 3,
            phone_lost: 5,
            material: 25,
            left_seat: 10,
            second_view_wrong: 5,
            verification_rejected: 40,
            other: 5,
        }
    }
}

impl Weights {
    pub fn validate(&self) -> bool {
        self.all().iter().all(|w| *w <= 100)
    }

    fn all(&self) -> [u8; 12] {
        [
            self.face_absent,
            self.another_person,
            self.face_mismatch,
            self.noise,
            self.page_left,
            self.camera,
            self.phone_lost,
            self.material,
            self.left_seat,
            self.second_view_wrong,
            self.verification_rejected,
            self.other,
        ]
    }

    /// The weight of a flag kind (black and frozen views share "camera").
    pub fn of(&self, kind: FlagKind) -> u8 {
        match kind {
            FlagKind::FaceAbsent => self.face_absent,
            FlagKind::AnotherPerson => self.another_person,
            FlagKind::FaceMismatch => self.face_mismatch,
            FlagKind::Noise => self.noise,
            FlagKind::PageLeft => self.page_left,
            FlagKind::PcBlack
            | FlagKind::PhoneBlack
            | FlagKind::PcFrozen
            | FlagKind::PhoneFrozen => self.camera,
            FlagKind::PhoneLost => self.phone_lost,
            FlagKind::Material => self.material,
            FlagKind::LeftSeat => self.left_seat,
            FlagKind::SecondViewWrong => self.second_view_wrong,
            FlagKind::VerificationRejected => self.verification_rejected,
            FlagKind::Other => self.other,
        }
    }
}

/// A flag that lasts longer counts again for each started period of this many minutes, up
/// to [`MAX_PERIODS`] times its weight.
pub const PERIOD_MIN: i64 = 5;
pub const MAX_PERIODS: i64 = 3;

/// What the score needs of a flag.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoredFlag {
    pub id: i64,
    pub kind: FlagKind,
    pub automatic: bool,
    pub raised_at: DateTime<Utc>,
    pub cleared_at: Option<DateTime<Utc>>,
    pub resolution: Option<FlagResolution>,
}

impl From<&FlagRecord> for ScoredFlag {
    fn from(f: &FlagRecord) -> Self {
        Self {
            id: f.id,
            kind: f.kind,
            automatic: f.automatic,
            raised_at: f.raised_at,
            cleared_at: f.cleared_at,
            resolution: f.resolution,
        }
    }
}

/// One flag's part of the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    pub flag_id: i64,
    pub kind: FlagKind,
    pub automatic: bool,
    pub raised_at: DateTime<Utc>,
    /// How long it lasted (until now while it is open), in seconds.
    pub duration_secs: i64,
    pub weight: u8,
    /// Points taken off: 0 for a dismissed flag.
    pub points: i64,
    pub resolution: Option<FlagResolution>,
}

impl Contribution {
    pub fn dismissed(&self) -> bool {
        self.resolution == Some(FlagResolution::Dismissed)
    }
}

/// A candidate's score and its parts, largest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Integrity {
    pub score: u8,
    pub contributions: Vec<Contribution>,
}

/// Points for a flag of `weight` that lasted `secs`: the weight for each started period of
/// [`PERIOD_MIN`] minutes, at most [`MAX_PERIODS`] times.
pub fn points(weight: u8, secs: i64) -> i64 {
    let periods = (secs.max(0) / 60 / PERIOD_MIN + 1).min(MAX_PERIODS);
    i64::from(weight) * periods
}

/// The score from a candidate's flags at `now`: 100 less every flag's points (dismissed ones
/// count nothing), never below 0.
pub fn score(flags: &[ScoredFlag], weights: &Weights, now: DateTime<Utc>) -> Integrity {
    let mut contributions: Vec<Contribution> = flags
        .iter()
        .map(|f| {
            let end = f.cleared_at.unwrap_or(now).max(f.raised_at);
            let duration_secs = (end - f.raised_at).num_seconds();
            let weight = weights.of(f.kind);
            let dismissed = f.resolution == Some(FlagResolution::Dismissed);
            let points = if dismissed { 0 } else { points(weight, duration_secs) };
            Contribution {
                flag_id: f.id,
                kind: f.kind,
                automatic: f.automatic,
                raised_at: f.raised_at,
                duration_secs,
                weight,
                points,
                resolution: f.resolution,
            }
        })
        .collect();
    contributions.sort_by(|a, b| b.points.cmp(&a.points).then(a.raised_at.cmp(&b.raised_at)));
    let taken: i64 = contributions.iter().map(|c| c.points).sum();
    let score = u8::try_from((100 - taken).clamp(0, 100)).unwrap_or(0);
    Integrity { score, contributions }
}

/// Reviewers' decisions on one kind of automatic flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Precision {
    pub kind: FlagKind,
    pub raised: i64,
    /// Resolved by a proctor: it happened.
    pub confirmed: i64,
    /// Dismissed by a proctor as a false alarm.
    pub dismissed: i64,
}

impl Precision {
    /// confirmed / (confirmed + dismissed), when any was decided.
    pub fn ratio(&self) -> Option<f64> {
        let decided = self.confirmed + self.dismissed;
        (decided > 0).then(|| self.confirmed as f64 / decided as f64)
    }

    pub fn undecided(&self) -> i64 {
        self.raised - self.confirmed - self.dismissed
    }
}

/// Per kind, from `(kind, resolution)` of every automatic flag, in [`FlagKind::ALL`] order,
/// kinds never raised left out.
pub fn precision(flags: &[(FlagKind, Option<FlagResolution>)]) -> Vec<Precision> {
    FlagKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let of_kind = flags.iter().filter(|(k, _)| *k == kind);
            let mut p = Precision { kind, raised: 0, confirmed: 0, dismissed: 0 };
            for (_, r) in of_kind {
                p.raised += 1;
                match r {
                    Some(FlagResolution::Resolved) => p.confirmed += 1,
                    Some(FlagResolution::Dismissed) => p.dismissed += 1,
                    None => {}
                }
            }
            (p.raised > 0).then_some(p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("ts")
    }

    fn flag(id: i64, kind: FlagKind, from: i64, to: Option<i64>) -> ScoredFlag {
        ScoredFlag {
            id,
            kind,
            automatic: !kind.is_manual(),
            raised_at: at(from),
            cleared_at: to.map(at),
            resolution: None,
        }
    }

    #[test]
    fn no_flags_is_a_full_score() {
        assert_eq!(
            score(&[], &Weights::default(), at(0)),
            Integrity { score: 100, contributions: vec![] }
        );
    }

    #[test]
    fn points_grow_with_each_started_period_up_to_the_cap() {
        assert_eq!(points(10, 0), 10);
        assert_eq!(points(10, 299), 10);
        assert_eq!(points(10, 300), 20);
        assert_eq!(points(10, 3600), 30);
        assert_eq!(points(10, -5), 10);
    }

    #[test]
    fn each_flag_explains_its_part_and_dismissed_ones_count_nothing() {
        let mut dismissed = flag(3, FlagKind::AnotherPerson, 0, Some(30));
        dismissed.resolution = Some(FlagResolution::Dismissed);
        let flags = [
            flag(1, FlagKind::FaceAbsent, 0, Some(400)),
            flag(2, FlagKind::Noise, 100, None),
            dismissed,
        ];
        let i = score(&flags, &Weights::default(), at(160));
        // Face absent 400 s: two periods of 10; noise open 60 s: 5; another person dismissed.
        assert_eq!(i.score, 75);
        let parts: Vec<_> = i.contributions.iter().map(|c| (c.flag_id, c.points)).collect();
        assert_eq!(parts, vec![(1, 20), (2, 5), (3, 0)]);
        assert_eq!(i.contributions[1].duration_secs, 60);
        assert!(i.contributions[2].dismissed());
    }

    #[test]
    fn the_score_never_goes_below_zero() {
        let flags: Vec<_> =
            (0..10).map(|i| flag(i, FlagKind::VerificationRejected, 0, Some(1))).collect();
        assert_eq!(score(&flags, &Weights::default(), at(10)).score, 0);
    }

    #[test]
    fn weights_are_per_kind_and_bounded() {
        let w = Weights { face_mismatch: 50, ..Weights::default() };
        assert_eq!(w.of(FlagKind::FaceMismatch), 50);
        assert_eq!(w.of(FlagKind::PhoneFrozen), w.camera);
        assert!(w.validate());
        assert!(!Weights { noise: 101, ..w }.validate());
    }

    #[test]
    fn precision_counts_decisions_per_kind() {
        use FlagResolution::*;
        let p = precision(&[
            (FlagKind::FaceAbsent, Some(Resolved)),
            (FlagKind::FaceAbsent, Some(Dismissed)),
            (FlagKind::FaceAbsent, Some(Resolved)),
            (FlagKind::FaceAbsent, None),
            (FlagKind::Noise, None),
        ]);
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[0].kind, p[0].raised, p[0].confirmed, p[0].dismissed),
            (FlagKind::FaceAbsent, 4, 2, 1)
        );
        assert_eq!(p[0].undecided(), 1);
        assert!((p[0].ratio().unwrap_or(0.0) - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(p[1].ratio(), None);
    }
}
