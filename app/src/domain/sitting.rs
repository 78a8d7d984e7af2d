//! What the exam screen exchanges with the server: the paper with the saved answers, answer
//! saves (batched, versioned, idempotent) and their acknowledgements.
use super::answer::Answer;
use super::exam::ExamTimes;
use super::paper::Paper;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Most answers one save request may carry.
pub const MAX_SAVES_PER_REQUEST: usize = 200;

/// One answer as the browser saves it: `version` is the browser's counter for the question
/// and only grows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerSave {
    pub question_id: String,
    pub answer: Answer,
    pub version: u64,
}

/// The server's acknowledgement: the version now stored for the question. Equal to the sent
/// version when applied or already stored; larger when a newer save had arrived first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerAck {
    pub question_id: String,
    pub stored_version: u64,
}

/// The exam screen's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamSheet {
    pub paper: Paper,
    pub answers: Vec<AnswerSave>,
    pub times: ExamTimes,
    pub server_time: DateTime<Utc>,
}
