//! The candidate-journey part of the store: identity reports, face attempts, device
//! reports, captures, phone pairing, instructions, answers. `Store` requires it.
use super::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::face::FaceDecision;
use domain::journey::FaceAttempt;
use domain::{CandidateId, ExamId, VerificationStatus, View};

/// "This is me" or "my record is wrong".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityReportKind {
    Confirmed,
    RecordWrong,
}

/// A face attempt to store.
#[derive(Debug, Clone)]
pub struct NewFaceAttempt {
    pub candidate: CandidateId,
    pub view: View,
    pub photo_key: String,
    pub decision: Option<FaceDecision>,
    pub error_code: Option<String>,
    pub distance: Option<f32>,
    pub provider: String,
    pub model_version: String,
    pub match_below: f32,
    pub review_below: f32,
    pub at: DateTime<Utc>,
}

/// What happened when a pairing token was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairingUse {
    /// Valid: now marked used.
    Accepted(CandidateId),
    Unknown,
    Expired(CandidateId),
    AlreadyUsed(CandidateId),
}

/// A stored answer (the JSON is the domain `Answer`).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAnswer {
    pub question_id: String,
    pub answer_json: String,
    pub version: i64,
}

#[async_trait]
pub trait JourneyStore: Send + Sync {
    async fn exam_paper(&self, exam: ExamId) -> StoreResult<Option<String>>;
    async fn set_exam_paper(&self, exam: ExamId, json: &str) -> StoreResult<()>;
    /// Sets the instructions in English (or the only text) and in Simplified Chinese.
    async fn set_exam_instructions(&self, exam: ExamId, en: &str, zh: &str) -> StoreResult<()>;
    /// Sets the face thresholds and attempt limit of an exam.
    async fn set_exam_face(
        &self,
        exam: ExamId,
        match_below: f32,
        review_below: f32,
        max_attempts: u32,
    ) -> StoreResult<()>;

    async fn add_identity_report(
        &self,
        c: CandidateId,
        kind: IdentityReportKind,
        note: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;

    async fn add_face_attempt(&self, a: NewFaceAttempt) -> StoreResult<i64>;
    /// A candidate's attempts for one view, oldest first.
    async fn face_attempts(&self, c: CandidateId, view: View) -> StoreResult<Vec<FaceAttempt>>;
    /// The photo of the candidate's latest matching attempt on `view` (the face checks'
    /// reference: same camera, same room as the exam).
    async fn matched_photo_key(&self, c: CandidateId, view: View) -> StoreResult<Option<String>>;
    async fn set_verification(&self, c: CandidateId, status: VerificationStatus)
    -> StoreResult<()>;

    /// Stores a device report (JSON) and the candidate's pass/fail summary.
    async fn add_device_report(
        &self,
        c: CandidateId,
        json: &str,
        all_passed: bool,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The latest report's JSON and time.
    async fn latest_device_report(
        &self,
        c: CandidateId,
    ) -> StoreResult<Option<(String, DateTime<Utc>)>>;

    async fn add_identity_photo(
        &self,
        c: CandidateId,
        key: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// How many identity photos the candidate has stored.
    async fn identity_photo_count(&self, c: CandidateId) -> StoreResult<u32>;
    async fn has_identity_photo(&self, c: CandidateId) -> StoreResult<bool> {
        Ok(self.identity_photo_count(c).await? > 0)
    }

    async fn create_pairing(
        &self,
        token_hash: &str,
        c: CandidateId,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The candidate a pairing token belongs to, whatever its state.
    async fn pairing_candidate(&self, token_hash: &str) -> StoreResult<Option<CandidateId>>;
    /// Marks a token used if it is known, unexpired and unused (atomically).
    async fn use_pairing(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<PairingUse>;

    async fn ack_instructions(&self, c: CandidateId, at: DateTime<Utc>) -> StoreResult<()>;
    async fn instructions_acked(&self, c: CandidateId) -> StoreResult<bool>;

    /// Saves an answer unless a newer version is stored; returns the stored version after.
    async fn save_answer(
        &self,
        c: CandidateId,
        question_id: &str,
        answer_json: &str,
        version: i64,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    async fn answers(&self, c: CandidateId) -> StoreResult<Vec<StoredAnswer>>;
    /// The submission's kind text, actor and time, if submitted.
    async fn submission(
        &self,
        c: CandidateId,
    ) -> StoreResult<Option<(String, String, DateTime<Utc>)>>;

    /// Candidates of an exam who began and have not submitted (for the auto-submit job).
    async fn unsubmitted_started(&self, exam: ExamId) -> StoreResult<Vec<CandidateId>>;
    /// Every exam's id (few per deployment).
    async fn exam_ids(&self) -> StoreResult<Vec<ExamId>>;
}
