//! Face verification outcomes: the three-way decision taken on an embedding distance, the
//! verdict stored with each check (provider, model version and thresholds, for audit) and the
//! typed reasons a check could not be made. Providers live in `backend::face` (the trait) and
//! in the `server` crate (dlib, HTTP).
use serde::{Deserialize, Serialize};

/// Distance cut-offs. Distances are L2 between face embeddings: smaller is more alike.
/// With dlib's ResNet, same-person pairs measure ≤ 0.45 and different people ≥ 0.63 on the
/// test photos; dlib's own rule is "same below 0.6".
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FaceThresholds {
    /// Below this the faces match.
    pub match_below: f32,
    /// From `match_below` up to (not including) this, a human reviews; at or above, no match.
    pub review_below: f32,
}

impl Default for FaceThresholds {
    fn default() -> Self {
        Self { match_below: 0.5, review_below: 0.65 }
    }
}

impl FaceThresholds {
    /// The decision for `distance`. A NaN distance is never a match.
    pub fn decide(&self, distance: f32) -> FaceDecision {
        if distance < self.match_below {
            FaceDecision::Match
        } else if distance < self.review_below {
            FaceDecision::NeedsReview
        } else {
            FaceDecision::NoMatch
        }
    }

    /// `0 < match_below <= review_below <= 2` (2 is the largest L2 distance of unit vectors).
    pub fn validate(&self) -> bool {
        self.match_below > 0.0 && self.match_below <= self.review_below && self.review_below <= 2.0
    }
}

/// The outcome of comparing a live photo with the reference photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaceDecision {
    Match,
    NoMatch,
    NeedsReview,
}

impl FaceDecision {
    pub const ALL: [FaceDecision; 3] = [Self::Match, Self::NoMatch, Self::NeedsReview];

    /// The text stored in the database (same as the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Match => "match",
            Self::NoMatch => "no_match",
            Self::NeedsReview => "needs_review",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// One verification, with what is needed to audit it later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceVerdict {
    pub decision: FaceDecision,
    pub distance: f32,
    /// Which provider decided, e.g. "dlib" or "http".
    pub provider: String,
    /// The provider's model, e.g. "dlib-19.24 hog+sp5+resnet_v1".
    pub model_version: String,
    pub thresholds: FaceThresholds,
}

/// Which of the two photos a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoRole {
    /// The photo just taken by the candidate's camera.
    Live,
    /// The roster photo on file.
    Reference,
}

impl PhotoRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Reference => "reference",
        }
    }
}

impl std::fmt::Display for PhotoRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a verification could not produce a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FaceError {
    #[error("no face found in the {photo} photo")]
    NoFace { photo: PhotoRole },
    #[error("{count} faces found in the {photo} photo, expected one")]
    SeveralFaces { photo: PhotoRole, count: u32 },
    #[error("the {photo} photo is not a readable image")]
    BadImage { photo: PhotoRole },
    #[error("the face verification provider is unavailable")]
    ProviderUnavailable,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_thresholds_split_distances_three_ways() {
        let t = FaceThresholds::default();
        assert_eq!(t.decide(0.0), FaceDecision::Match);
        assert_eq!(t.decide(0.36), FaceDecision::Match);
        assert_eq!(t.decide(0.4999), FaceDecision::Match);
        assert_eq!(t.decide(0.5), FaceDecision::NeedsReview);
        assert_eq!(t.decide(0.6), FaceDecision::NeedsReview);
        assert_eq!(t.decide(0.65), FaceDecision::NoMatch);
        assert_eq!(t.decide(0.85), FaceDecision::NoMatch);
        assert_eq!(t.decide(f32::NAN), FaceDecision::NoMatch);
    }

    #[test]
    fn equal_thresholds_leave_no_review_band() {
        let t = FaceThresholds { match_below: 0.6, review_below: 0.6 };
        assert_eq!(t.decide(0.59), FaceDecision::Match);
        assert_eq!(t.decide(0.6), FaceDecision::NoMatch);
    }

    #[test]
    fn validate_accepts_ordered_thresholds_within_range() {
        assert!(FaceThresholds::default().validate());
        assert!(FaceThresholds { match_below: 0.6, review_below: 0.6 }.validate());
        assert!(FaceThresholds { match_below: 0.1, review_below: 2.0 }.validate());
    }

    #[test]
    fn validate_rejects_bad_thresholds() {
        let bad =
            [(0.0, 0.5), (-0.1, 0.5), (0.7, 0.6), (0.5, 2.1), (f32::NAN, 0.6), (0.5, f32::NAN)];
        for (match_below, review_below) in bad {
            let t = FaceThresholds { match_below, review_below };
            assert!(!t.validate(), "{t:?} should be invalid");
        }
    }

    #[test]
    fn decision_round_trips_through_db_text_and_serde() {
        for d in FaceDecision::ALL {
            assert_eq!(FaceDecision::parse(d.as_str()), Some(d));
            assert_eq!(serde_json::to_string(&d).ok(), Some(format!("\"{}\"", d.as_str())));
        }
        assert_eq!(FaceDecision::parse("Match"), None);
    }

    #[test]
    fn errors_serialise_with_a_code_tag() {
        let e = FaceError::SeveralFaces { photo: PhotoRole::Live, count: 3 };
        let json = serde_json::to_value(&e).ok();
        let want = serde_json::json!({"code": "several_faces", "photo": "live", "count": 3});
        assert_eq!(json, Some(want));
        let e = FaceError::ProviderUnavailable;
        assert_eq!(
            serde_json::to_string(&e).ok().as_deref(),
            Some(r#"{"code":"provider_unavailable"}"#)
        );
        assert_eq!(
            FaceError::NoFace { photo: PhotoRole::Reference }.to_string(),
            "no face found in the reference photo"
        );
    }
}
