//! Staff accounts and room assignments as administrators manage them.
use super::{CandidateId, ExamId, Role, RoomId, StaffId};
use serde::{Deserialize, Serialize};

/// Longest room name, in characters.
pub const MAX_ROOM_NAME_CHARS: usize = 50;

/// A staff account in the administrators' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffEntry {
    pub id: StaffId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    /// Rooms the account is assigned to: (room, exam, exam code, room name).
    pub rooms: Vec<(RoomId, ExamId, String, String)>,
}

/// Candidates (in the order given, e.g. by ticket) split into contiguous blocks, one per room
/// in the order given, sizes differing by at most one.
pub fn split_evenly(candidates: &[CandidateId], rooms: &[RoomId]) -> Vec<(CandidateId, RoomId)> {
    if rooms.is_empty() {
        return Vec::new();
    }
    let (n, k) = (candidates.len(), rooms.len());
    let (base, extra) = (n / k, n % k);
    let mut out = Vec::with_capacity(n);
    let mut next = candidates.iter();
    for (i, room) in rooms.iter().enumerate() {
        let size = base + usize::from(i < extra);
        out.extend(next.by_ref().take(size).map(|c| (*c, *room)));
    }
    out
}

/// A room name, trimmed: required and at most `MAX_ROOM_NAME_CHARS`.
pub fn check_room_name(raw: &str) -> Result<String, super::ValidationCode> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(super::ValidationCode::Required);
    }
    if name.chars().count() > MAX_ROOM_NAME_CHARS {
        return Err(super::ValidationCode::TooLong);
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_keeps_order_and_evens_sizes() {
        let c: Vec<CandidateId> = (1..=7).map(CandidateId).collect();
        let r = [RoomId(10), RoomId(20), RoomId(30)];
        let out = split_evenly(&c, &r);
        let rooms: Vec<i64> = out.iter().map(|(_, r)| r.0).collect();
        assert_eq!(rooms, vec![10, 10, 10, 20, 20, 30, 30]);
        assert_eq!(out.iter().map(|(c, _)| c.0).collect::<Vec<_>>(), (1..=7).collect::<Vec<_>>());
        assert!(split_evenly(&c, &[]).is_empty());
        assert_eq!(split_evenly(&[], &r), vec![]);
    }

    #[test]
    fn room_names_are_checked() {
        assert_eq!(check_room_name("  Room C "), Ok("Room C".into()));
        assert_eq!(check_room_name(" "), Err(crate::ValidationCode::Required));
        assert_eq!(check_room_name(&"x".repeat(51)), Err(crate::ValidationCode::TooLong));
    }
}
