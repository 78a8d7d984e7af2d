//! Newtype ids: an `ExamId` can never be passed where a `RoomId` is expected.
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type))]
        #[cfg_attr(feature = "sqlx", sqlx(transparent))]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    };
}

id_type!(
    /// An exam sitting (one exam code).
    ExamId
);
id_type!(
    /// A proctoring room: a group of candidates watched by the same proctors.
    RoomId
);
id_type!(
    /// A rostered candidate of one exam.
    CandidateId
);
id_type!(
    /// A staff account (admin or proctor).
    StaffId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_display_and_parse_round_trip() {
        let id: RoomId = " 42 ".parse().expect("parses");
        assert_eq!(id, RoomId(42));
        assert_eq!(id.to_string(), "42");
        assert!("x".parse::<ExamId>().is_err());
    }

    #[test]
    fn ids_serialize_as_plain_numbers() {
        assert_eq!(serde_json::to_string(&CandidateId(7)).expect("json"), "7");
    }
}
