//! A candidate's timeline: everything that happened to them (phases, logins, disconnects,
//! browser events, flags with their evidence frames, messages, warnings, raised hands,
//! extra time, the submission) in time order, and where each sits on the exam's time strip.
use super::camera::{EvidenceFrame, EvidenceReason};
use super::console::{CandidateEvent, HandRaise, MessageRecord};
use super::flag::FlagRecord;
use super::phase::Phase;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A step in the phase history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseStep {
    pub from: Phase,
    pub to: Phase,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Entry {
    Phase(PhaseStep),
    Event { at: DateTime<Utc>, event: CandidateEvent },
    Flag { flag: FlagRecord, evidence: Vec<i64> },
    Message(MessageRecord),
    Hand(HandRaise),
}

impl Entry {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Entry::Phase(p) => p.at,
            Entry::Event { at, .. } => *at,
            Entry::Flag { flag, .. } => flag.raised_at,
            Entry::Message(m) => m.sent_at,
            Entry::Hand(h) => h.raised_at,
        }
    }

    /// The strip's lane for this entry.
    pub fn lane(&self) -> Lane {
        match self {
            Entry::Phase(_) => Lane::Progress,
            Entry::Event {
                event:
                    CandidateEvent::Login
                    | CandidateEvent::TimeAdded { .. }
                    | CandidateEvent::SessionReplaced { .. },
                ..
            } => Lane::Progress,
            Entry::Event { .. } => Lane::Connection,
            Entry::Flag { .. } => Lane::Flags,
            Entry::Message(_) | Entry::Hand(_) => Lane::Messages,
        }
    }
}

/// The rows of the time strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    Progress,
    Connection,
    Flags,
    Messages,
}

impl Lane {
    pub const ALL: [Lane; 4] = [Lane::Progress, Lane::Connection, Lane::Flags, Lane::Messages];
    pub fn as_str(self) -> &'static str {
        match self {
            Lane::Progress => "progress",
            Lane::Connection => "connection",
            Lane::Flags => "flags",
            Lane::Messages => "messages",
        }
    }
}

/// The whole timeline with the span the strip covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub entries: Vec<Entry>,
    /// The integrity score and each flag's part in it.
    #[serde(default)]
    pub integrity: Option<super::integrity::Integrity>,
}

/// How far before a flag a kept frame may have been received and still belong to it (the
/// frame current at the flag is up to one grid period old).
const BEFORE_FLAG: i64 = 3_000;
/// How long after a flag its frames are kept (the relay's flag window, plus slack).
const AFTER_FLAG: i64 = 11_000;

/// The evidence frames kept for a flag raised at `at`.
pub fn evidence_for_flag(at: DateTime<Utc>, frames: &[EvidenceFrame]) -> Vec<i64> {
    let from = at - Duration::milliseconds(BEFORE_FLAG);
    let to = at + Duration::milliseconds(AFTER_FLAG);
    frames
        .iter()
        .filter(|f| {
            f.reason == EvidenceReason::Flag && f.received_at >= from && f.received_at <= to
        })
        .map(|f| f.id)
        .collect()
}

/// The parts a timeline is built from.
pub struct Parts {
    pub starts_at: DateTime<Utc>,
    pub deadline: DateTime<Utc>,
    pub phases: Vec<PhaseStep>,
    pub events: Vec<(DateTime<Utc>, CandidateEvent)>,
    pub flags: Vec<FlagRecord>,
    pub evidence: Vec<EvidenceFrame>,
    pub messages: Vec<MessageRecord>,
    pub hands: Vec<HandRaise>,
}

/// Builds the timeline: every entry, oldest first; the strip spans the exam (start to the
/// candidate's deadline) widened to take in anything before or after it.
pub fn build(p: Parts) -> Timeline {
    let mut entries: Vec<Entry> = Vec::new();
    entries.extend(p.phases.into_iter().map(Entry::Phase));
    entries.extend(p.events.into_iter().map(|(at, event)| Entry::Event { at, event }));
    for flag in p.flags {
        let evidence = evidence_for_flag(flag.raised_at, &p.evidence);
        entries.push(Entry::Flag { flag, evidence });
    }
    entries.extend(p.messages.into_iter().map(Entry::Message));
    entries.extend(p.hands.into_iter().map(Entry::Hand));
    entries.sort_by_key(Entry::at);
    let first = entries.first().map(Entry::at).unwrap_or(p.starts_at);
    let last = entries.last().map(Entry::at).unwrap_or(p.starts_at);
    let from = first.min(p.starts_at);
    let to = p.deadline.max(last).max(from + Duration::minutes(1));
    Timeline { from, to, starts_at: p.starts_at, deadline: p.deadline, entries, integrity: None }
}

/// Where `at` sits on the strip from `from` to `to`, in percent (clamped to 0–100).
pub fn strip_percent(at: DateTime<Utc>, from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    let span = (to - from).num_milliseconds();
    if span <= 0 {
        return 0.0;
    }
    let x = (at - from).num_milliseconds() as f64 / span as f64 * 100.0;
    x.clamp(0.0, 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::{Audience, MessageKind};
    use crate::flag::FlagKind;
    use crate::presence::View;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("ts")
    }

    fn frame(id: i64, secs: i64, reason: EvidenceReason) -> EvidenceFrame {
        EvidenceFrame {
            id,
            view: View::Pc,
            seq: id as u32,
            captured_at: at(secs),
            received_at: at(secs),
            reason,
            width: 320,
            height: 240,
        }
    }

    fn flag(id: i64, secs: i64) -> FlagRecord {
        FlagRecord {
            id,
            kind: FlagKind::Material,
            automatic: false,
            note: Some("book".into()),
            raised_by: Some("proctor".into()),
            raised_at: at(secs),
            cleared_at: None,
            resolution: None,
            resolution_note: None,
            resolved_by: None,
        }
    }

    #[test]
    fn a_flag_takes_the_flag_frames_around_it_only() {
        let frames = [
            frame(1, 98, EvidenceReason::Flag),
            frame(2, 100, EvidenceReason::Sample),
            frame(3, 105, EvidenceReason::Flag),
            frame(4, 120, EvidenceReason::Flag),
            frame(5, 90, EvidenceReason::Flag),
        ];
        assert_eq!(evidence_for_flag(at(100), &frames), vec![1, 3]);
    }

    #[test]
    fn entries_are_in_time_order_and_the_strip_spans_the_exam() {
        let t = build(Parts {
            starts_at: at(0),
            deadline: at(7200),
            phases: vec![PhaseStep {
                from: Phase::Rostered,
                to: Phase::LoggedIn,
                actor: "candidate".into(),
                at: at(-600),
            }],
            events: vec![(at(300), CandidateEvent::Offline { view: View::Phone })],
            flags: vec![flag(9, 200)],
            evidence: vec![frame(1, 201, EvidenceReason::Flag)],
            messages: vec![MessageRecord {
                id: 1,
                kind: MessageKind::Warning,
                body: "w".into(),
                audience: Audience::Candidate,
                sent_by: "p".into(),
                sent_at: at(250),
                delivered_at: None,
                read_at: None,
            }],
            hands: vec![],
        });
        let times: Vec<_> = t.entries.iter().map(Entry::at).collect();
        assert_eq!(times, vec![at(-600), at(200), at(250), at(300)]);
        assert_eq!(t.from, at(-600));
        assert_eq!(t.to, at(7200));
        assert!(matches!(&t.entries[1], Entry::Flag { evidence, .. } if evidence == &vec![1]));
        assert_eq!(t.entries[3].lane(), Lane::Connection);
        assert_eq!(strip_percent(at(3300), at(-600), at(7200)), 50.0);
        assert_eq!(strip_percent(at(9999), at(0), at(100)), 100.0);
        assert_eq!(strip_percent(at(5), at(5), at(5)), 0.0);
    }
}
