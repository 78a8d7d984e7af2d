//! `SnapshotBook`: the latest still picture of each candidate's phone view, in memory, so
//! the PC page can show the phone's picture in its self-view. One JPEG per candidate (tens of
//! kilobytes); a newer picture replaces the older one. Not evidence: nothing is persisted.
use crate::domain::CandidateId;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One stored picture.
#[derive(Clone)]
pub struct Snapshot {
    pub jpeg: Arc<Vec<u8>>,
    pub at: DateTime<Utc>,
}

#[derive(Default)]
pub struct SnapshotBook {
    phone: Mutex<HashMap<CandidateId, Snapshot>>,
}

impl SnapshotBook {
    pub fn put_phone(&self, id: CandidateId, jpeg: Vec<u8>, at: DateTime<Utc>) {
        let mut m = self.phone.lock().unwrap_or_else(|p| p.into_inner());
        m.insert(id, Snapshot { jpeg: Arc::new(jpeg), at });
    }

    pub fn phone(&self, id: CandidateId) -> Option<Snapshot> {
        let m = self.phone.lock().unwrap_or_else(|p| p.into_inner());
        m.get(&id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_picture_replaces_the_older_one() {
        let book = SnapshotBook::default();
        let id = CandidateId(7);
        assert!(book.phone(id).is_none());
        book.put_phone(id, vec![1], Utc::now());
        book.put_phone(id, vec![2], Utc::now());
        assert_eq!(*book.phone(id).expect("stored").jpeg, vec![2]);
        assert!(book.phone(CandidateId(8)).is_none());
    }
}
