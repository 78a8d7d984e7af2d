//! Staff users and their roles. Never holds secrets: password hashes live only in the
//! server's store types.
use super::ids::{ExamId, RoomId, StaffId};
use serde::{Deserialize, Serialize};

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sets up exams, rosters, rooms and staff; sees every room.
    Admin,
    /// Watches the rooms assigned to them.
    Proctor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Proctor => "proctor",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "proctor" => Some(Role::Proctor),
            _ => None,
        }
    }
}

/// A logged-in staff member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffUser {
    pub id: StaffId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

/// A room as listed for a proctor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomSummary {
    pub id: RoomId,
    pub exam_id: ExamId,
    pub exam_code: String,
    pub exam_title: String,
    pub name: String,
    pub candidates: i64,
}

/// Validates a new staff username: 3 to 32 lower-case letters, digits, `.`, `_` or `-`.
pub fn valid_username(s: &str) -> bool {
    (3..=32).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
}

/// Minimum password length for staff accounts.
pub const MIN_PASSWORD_LEN: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in [Role::Admin, Role::Proctor] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn usernames_are_validated() {
        assert!(valid_username("proctor1"));
        assert!(!valid_username("ab"));
        assert!(!valid_username("Has Space"));
    }
}
