//! An exam's report and exports: the dashboard's counts, lowest integrity scores and the
//! precision of automatic flags; the incidents CSV (every flag); the answers as JSON and CSV,
//! each candidate with their integrity score and how and by whom the sitting was submitted.
//! CSV files are UTF-8 with a BOM for spreadsheets.
use super::super::error::ServerError;
use crate::Core;
use domain::flag::{FlagKind, FlagResolution};
use domain::integrity::{Precision, ScoredFlag, precision, score};
use domain::phase::ALL_PHASES;
use domain::report::{ExamReport, in_order, online_series, spreadsheet_safe};
use domain::{AppError, ExamId, Phase, VerificationStatus};
use serde::Serialize;
use std::collections::HashMap;

async fn exists(state: &Core, exam: ExamId) -> Result<(), AppError> {
    state.store.exam(exam).await?.ok_or(AppError::NotFound).map(|_| ())
}

/// The dashboard's counts.
pub async fn report(state: &Core, exam: ExamId) -> Result<ExamReport, AppError> {
    exists(state, exam).await?;
    let c = state.store.report_counts(exam).await?;
    let phases: Vec<(Phase, i64)> =
        c.phases.iter().filter_map(|(p, n)| Phase::parse(p).map(|p| (p, *n))).collect();
    let verification: Vec<(VerificationStatus, i64)> = c
        .verification
        .iter()
        .filter_map(|(v, n)| VerificationStatus::parse(v).map(|v| (v, *n)))
        .collect();
    let Scores { lowest: lowest_scores, precision, .. } = scores(state, exam).await?;
    Ok(ExamReport {
        candidates: phases.iter().map(|(_, n)| n).sum(),
        phases: in_order(&ALL_PHASES, &phases),
        verification: in_order(&VerificationStatus::ALL, &verification),
        flags: c.flags.iter().filter_map(|(k, n)| FlagKind::parse(k).map(|k| (k, *n))).collect(),
        open_flags: c.open_flags,
        messages: c.messages,
        warnings: c.warnings,
        online: online_series(&state.store.pc_connections(exam).await?),
        precision,
        lowest_scores,
    })
}

/// What the report and the exports carry of the integrity scores.
struct Scores {
    /// Ticket → score, for candidates with any flag (the others score 100).
    by_ticket: HashMap<String, u8>,
    /// The lowest scores: `(ticket, name, score)`, lowest first, at most [`LOWEST`].
    lowest: Vec<(String, String, u8)>,
    /// Reviewers' decisions on automatic flags, per kind.
    precision: Vec<Precision>,
}

/// How many of the lowest scores the report lists.
const LOWEST: usize = 20;

/// The scores and the precision of automatic flags, from every flag of the exam.
async fn scores(state: &Core, exam: ExamId) -> Result<Scores, AppError> {
    let weights = state.store.exam_camera(exam).await?.watch.weights;
    let now = state.clock.now();
    let mut flags: HashMap<String, (String, Vec<ScoredFlag>)> = HashMap::new();
    let mut automatic = Vec::new();
    for i in state.store.incidents(exam).await? {
        let Some(kind) = FlagKind::parse(&i.kind) else { continue };
        let resolution = i.resolution.as_deref().and_then(FlagResolution::parse);
        if i.automatic {
            automatic.push((kind, resolution));
        }
        let f = ScoredFlag {
            id: 0,
            kind,
            automatic: i.automatic,
            raised_at: i.raised_at,
            cleared_at: i.cleared_at,
            resolution,
        };
        flags.entry(i.ticket).or_insert_with(|| (i.name, Vec::new())).1.push(f);
    }
    let mut lowest: Vec<(String, String, u8)> = flags
        .into_iter()
        .map(|(ticket, (name, f))| (ticket, name, score(&f, &weights, now).score))
        .collect();
    lowest.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    let by_ticket = lowest.iter().map(|(t, _, s)| (t.clone(), *s)).collect();
    lowest.truncate(LOWEST);
    Ok(Scores { by_ticket, lowest, precision: precision(&automatic) })
}

/// A CSV file (UTF-8 with a BOM, for spreadsheets) of a header and rows; no cell can run as
/// a formula (`spreadsheet_safe`).
pub(super) fn csv_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>, AppError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let fail = |e: csv::Error| AppError::from(ServerError::from(e));
        w.write_record(header).map_err(fail)?;
        for r in rows {
            w.write_record(r.iter().map(|c| spreadsheet_safe(c).into_owned())).map_err(fail)?;
        }
        w.flush().map_err(|e| fail(csv::Error::from(e)))?;
    }
    Ok(out)
}

fn text(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.to_rfc3339()).unwrap_or_default()
}

/// Every flag of the exam, oldest first.
pub async fn incidents_csv(state: &Core, exam: ExamId) -> Result<Vec<u8>, AppError> {
    exists(state, exam).await?;
    let rows = state
        .store
        .incidents(exam)
        .await?
        .into_iter()
        .map(|i| {
            let severity =
                FlagKind::parse(&i.kind).map(|k| k.severity().as_str()).unwrap_or_default();
            vec![
                i.ticket,
                i.name,
                i.room,
                i.kind,
                severity.to_string(),
                if i.automatic { "automatic" } else { "proctor" }.to_string(),
                i.raised_at.to_rfc3339(),
                i.raised_by.unwrap_or_default(),
                i.note.unwrap_or_default(),
                text(i.cleared_at),
                i.resolution.unwrap_or_default(),
                i.resolution_note.unwrap_or_default(),
                i.resolved_by.unwrap_or_default(),
            ]
        })
        .collect();
    csv_bytes(
        &[
            "ticket",
            "name",
            "room",
            "flag",
            "severity",
            "raised_by_kind",
            "raised_at",
            "raised_by",
            "note",
            "cleared_at",
            "resolution",
            "resolution_note",
            "resolved_by",
        ],
        rows,
    )
}

/// One candidate's answers in the JSON export.
#[derive(Serialize)]
pub struct ExportedSheet {
    pub ticket: String,
    pub name: String,
    pub room: String,
    pub phase: String,
    /// `submitted_self`, `submitted_auto` or `submitted_forced`; `None` before a submission.
    pub submission: Option<String>,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    pub submission_reason: Option<String>,
    /// Question id → the answer as stored (see docs/paper-format.md).
    pub answers: serde_json::Map<String, serde_json::Value>,
    /// The integrity score, 0–100 (nothing is decided from it).
    pub integrity: u8,
}

/// The answers of every candidate as JSON.
pub async fn answers_json(state: &Core, exam: ExamId) -> Result<Vec<ExportedSheet>, AppError> {
    exists(state, exam).await?;
    let scores = scores(state, exam).await?.by_ticket;
    Ok(state
        .store
        .answer_sheets(exam)
        .await?
        .into_iter()
        .map(|s| {
            let (submission, submitted_by, submitted_at, submission_reason) = match s.submission {
                Some((k, a, at, r)) => (Some(k), Some(a), Some(at.to_rfc3339()), r),
                None => (None, None, None, None),
            };
            ExportedSheet {
                integrity: scores.get(&s.ticket).copied().unwrap_or(100),
                answers: s
                    .answers
                    .into_iter()
                    .map(|(q, a, _)| {
                        (q, serde_json::from_str(&a).unwrap_or(serde_json::Value::String(a)))
                    })
                    .collect(),
                ticket: s.ticket,
                name: s.name,
                room: s.room,
                phase: s.phase,
                submission,
                submitted_by,
                submitted_at,
                submission_reason,
            }
        })
        .collect())
}

/// The answers as CSV, one row per answered question.
pub async fn answers_csv(state: &Core, exam: ExamId) -> Result<Vec<u8>, AppError> {
    let mut rows = Vec::new();
    for s in answers_json(state, exam).await? {
        for (q, a) in &s.answers {
            rows.push(vec![
                s.ticket.clone(),
                s.name.clone(),
                s.room.clone(),
                s.submission.clone().unwrap_or_default(),
                s.submitted_by.clone().unwrap_or_default(),
                s.submitted_at.clone().unwrap_or_default(),
                q.clone(),
                a.to_string(),
                s.integrity.to_string(),
            ]);
        }
    }
    csv_bytes(
        &[
            "ticket",
            "name",
            "room",
            "submission",
            "submitted_by",
            "submitted_at",
            "question",
            "answer",
            "integrity",
        ],
        rows,
    )
}
