//! The candidate's steps before the exam: identity confirmation, face verification (PC and
//! phone), device report, identity photo, phone pairing, instructions. Each checks what the
//! step needs, stores it, moves the phase and tells the proctors.
use super::super::auth::{new_token, token_hash};
use super::super::store::journey::{IdentityReportKind, NewFaceAttempt, PairingUse};
use super::super::throttle::ThrottleKey;
use super::{auth, live, phase};
use crate::Core;
use chrono::{DateTime, Utc};
use domain::device::DeviceReport;
use domain::face::FaceError;
use domain::journey::{
    FaceCheck, FaceProgress, JourneyState, MAX_PHOTO_BYTES, MAX_REPORT_NOTE, PhoneState,
    face_progress, pairing_ttl, verification_after,
};
use domain::quota::MAX_IDENTITY_PHOTOS;
use domain::{
    AppError, Candidate, CandidateId, CandidateSelf, ExamCode, Field, Missing, Phase, PhaseCommand,
    ValidationCode, View,
};
use std::net::IpAddr;

const ACTOR: &str = "candidate";

async fn load(state: &Core, id: CandidateId) -> Result<Candidate, AppError> {
    state.store.candidate(id).await?.ok_or(AppError::NotFound)
}

/// The face progress of one view.
pub async fn face_state(
    state: &Core,
    c: &Candidate,
    max_attempts: u32,
    view: View,
) -> Result<FaceProgress, AppError> {
    let attempts = state.store.face_attempts(c.id, view).await?;
    let decisions: Vec<_> = attempts.iter().map(|a| a.decision).collect();
    Ok(face_progress(&decisions, max_attempts))
}

/// Everything the candidate's pages show.
pub async fn journey_state(state: &Core, id: CandidateId) -> Result<JourneyState, AppError> {
    let c = load(state, id).await?;
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    let device_report = match state.store.latest_device_report(id).await? {
        Some((json, _)) => serde_json::from_str(&json).ok(),
        None => None,
    };
    Ok(JourneyState {
        me: CandidateSelf::of(&c, &exam),
        times: exam.times(c.extra_minutes),
        server_time: state.clock.now(),
        instructions: exam.instructions.clone(),
        instructions_html: super::super::markdown::to_safe_html(&exam.instructions),
        instructions_zh_html: super::super::markdown::to_safe_html(&exam.instructions_zh),
        face_pc: face_state(state, &c, exam.face_max_attempts, View::Pc).await?,
        face_phone: face_state(state, &c, exam.face_max_attempts, View::Phone).await?,
        verification: c.verification,
        device_report,
        has_identity_photo: state.store.has_identity_photo(id).await?,
        instructions_acked: state.store.instructions_acked(id).await?,
        submission_reason: if c.phase.is_submitted() {
            state.store.submission_reason(id).await?
        } else {
            None
        },
    })
}

/// The phone's part of [`journey_state`].
pub async fn phone_state(state: &Core, id: CandidateId) -> Result<PhoneState, AppError> {
    let c = load(state, id).await?;
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    Ok(PhoneState {
        me: CandidateSelf::of(&c, &exam),
        face_phone: face_state(state, &c, exam.face_max_attempts, View::Phone).await?,
    })
}

/// "This is me": records the confirmation and moves on.
pub async fn confirm_identity(state: &Core, id: CandidateId) -> Result<Phase, AppError> {
    let c = load(state, id).await?;
    if c.phase == Phase::LoggedIn {
        let kind = IdentityReportKind::Confirmed;
        state.store.add_identity_report(id, kind, "", state.clock.now()).await?;
    }
    phase::advance(state, id, PhaseCommand::ConfirmIdentity, ACTOR).await
}

/// "My record is wrong": stored with the note for the admins; the candidate stays on the step.
pub async fn report_record_wrong(
    state: &Core,
    id: CandidateId,
    note: &str,
) -> Result<(), AppError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::Validation { field: Field::Note, code: ValidationCode::Required });
    }
    if note.chars().count() > MAX_REPORT_NOTE {
        return Err(AppError::Validation { field: Field::Note, code: ValidationCode::TooLong });
    }
    let now = state.clock.now();
    state.store.add_identity_report(id, IdentityReportKind::RecordWrong, note, now).await?;
    state.store.audit(&format!("candidate:{}", id.0), "record_wrong", note, now).await?;
    live::announce(state, id).await
}

/// A photo is taken only when it is a whole JPEG: the size, the markers at both ends, then
/// a full decode (off the async threads, with bounded dimensions and memory), so a truncated
/// or corrupt file is refused before it is stored or counted as an attempt.
async fn check_jpeg(bytes: &[u8]) -> Result<(), AppError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(AppError::PhotoTooLarge);
    }
    if bytes.len() < 4 || bytes[..3] != [0xFF, 0xD8, 0xFF] || !bytes.ends_with(&[0xFF, 0xD9]) {
        return Err(AppError::NotAJpeg);
    }
    let owned = bytes.to_vec();
    let decoded = tokio::task::spawn_blocking(move || {
        let mut reader =
            image::ImageReader::with_format(std::io::Cursor::new(owned), image::ImageFormat::Jpeg);
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(4096);
        limits.max_image_height = Some(4096);
        limits.max_alloc = Some(64 * 1024 * 1024);
        reader.limits(limits);
        reader.decode().is_ok()
    })
    .await
    .map_err(super::super::error::ServerError::from)?;
    if decoded { Ok(()) } else { Err(AppError::NotAJpeg) }
}

/// The step each view's face check belongs to.
fn face_phase(view: View) -> Phase {
    match view {
        View::Pc => Phase::IdentityConfirmed,
        View::Phone => Phase::FirstViewOn,
    }
}

/// One face verification attempt for `view` against the roster photo.
pub async fn verify_face(
    state: &Core,
    id: CandidateId,
    view: View,
    photo: Vec<u8>,
) -> Result<FaceCheck, AppError> {
    let c = load(state, id).await?;
    if c.phase != face_phase(view) {
        return Err(AppError::NotReady { missing: Missing::FaceCheck });
    }
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    if !face_state(state, &c, exam.face_max_attempts, view).await?.may_retry() {
        return Err(AppError::NoAttemptsLeft);
    }
    super::admit_upload(state, &c, photo.len()).await?;
    check_jpeg(&photo).await?;
    let now = state.clock.now();
    let key = format!("face/{}/{}-{}.jpg", id.0, view.as_str(), now.timestamp_millis());
    state.blobs.put(&key, photo.clone()).await.map_err(super::super::error::ServerError::from)?;
    let reference = match state.store.candidate_photo_key(id).await? {
        Some(k) => state.blobs.get(&k).await.map_err(super::super::error::ServerError::from)?,
        None => None,
    };
    let result = match reference {
        Some(reference) => state.face.verify(&photo, &reference, &exam.face).await,
        None => Err(FaceError::NoFace { photo: domain::face::PhotoRole::Reference }),
    };
    let (decision, distance, model_version, error) = match &result {
        Ok(v) => (Some(v.decision), Some(v.distance), v.model_version.clone(), None),
        Err(e) => (None, None, String::new(), Some(e.clone())),
    };
    state
        .store
        .add_face_attempt(NewFaceAttempt {
            candidate: id,
            view,
            photo_key: key,
            decision,
            error_code: error.as_ref().map(face_error_code),
            distance,
            provider: state.face.provider().to_string(),
            model_version,
            match_below: exam.face.match_below,
            review_below: exam.face.review_below,
            at: now,
        })
        .await?;
    let progress = face_state(state, &c, exam.face_max_attempts, view).await?;
    if progress == FaceProgress::Passed {
        let status = verification_after(c.verification, true);
        state.store.set_verification(id, status).await?;
        live::announce(state, id).await?;
    }
    Ok(FaceCheck { progress, decision, error })
}

fn face_error_code(e: &FaceError) -> String {
    match e {
        FaceError::NoFace { photo } => format!("no_face_{photo}"),
        FaceError::SeveralFaces { photo, .. } => format!("several_faces_{photo}"),
        FaceError::BadImage { photo } => format!("bad_image_{photo}"),
        FaceError::ProviderUnavailable => "unavailable".into(),
    }
}

/// Leaves the face step of `view`: passed, or going on for review after the last attempt.
async fn finish_face(state: &Core, c: &Candidate, view: View) -> Result<(), AppError> {
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    let progress = face_state(state, c, exam.face_max_attempts, view).await?;
    if !progress.may_continue() {
        return Err(AppError::NotReady { missing: Missing::FaceCheck });
    }
    let status = verification_after(c.verification, progress == FaceProgress::Passed);
    if status != c.verification {
        state.store.set_verification(c.id, status).await?;
    }
    Ok(())
}

/// The PC's "continue" after face verification.
pub async fn finish_pc_face(state: &Core, id: CandidateId) -> Result<Phase, AppError> {
    let c = load(state, id).await?;
    if c.phase == Phase::IdentityConfirmed {
        finish_face(state, &c, View::Pc).await?;
    }
    phase::advance(state, id, PhaseCommand::FinishFaceCheck, ACTOR).await
}

/// "Finish check": stores the device report and moves on. A report with failed items is
/// accepted (the proctors see it); the page offers a retry of each failed item first.
pub async fn finish_device_check(
    state: &Core,
    id: CandidateId,
    report: DeviceReport,
) -> Result<Phase, AppError> {
    report.validate().map_err(|error| AppError::BadReport { error })?;
    let c = load(state, id).await?;
    if c.phase != Phase::FaceVerified {
        return phase::advance(state, id, PhaseCommand::FinishDeviceCheck, ACTOR).await;
    }
    let json = serde_json::to_string(&report)
        .map_err(|_| AppError::BadReport { error: domain::device::ReportError::OutOfRange })?;
    state.store.add_device_report(id, &json, report.all_passed(), state.clock.now()).await?;
    phase::advance(state, id, PhaseCommand::FinishDeviceCheck, ACTOR).await
}

/// Stores the identity photo taken under the video (step 4).
pub async fn identity_photo(state: &Core, id: CandidateId, photo: Vec<u8>) -> Result<(), AppError> {
    let c = load(state, id).await?;
    if c.phase != Phase::DevicesChecked {
        return Err(AppError::NotReady { missing: Missing::DeviceReport });
    }
    if state.store.identity_photo_count(id).await? >= MAX_IDENTITY_PHOTOS {
        return Err(AppError::UploadQuota);
    }
    super::admit_upload(state, &c, photo.len()).await?;
    check_jpeg(&photo).await?;
    let now = state.clock.now();
    let key = format!("identity/{}/{}.jpg", id.0, now.timestamp_millis());
    state.blobs.put(&key, photo).await.map_err(super::super::error::ServerError::from)?;
    state.store.add_identity_photo(id, &key, now).await?;
    Ok(())
}

/// Switches the first view (PC camera) on; needs the identity photo.
pub async fn start_first_view(state: &Core, id: CandidateId) -> Result<Phase, AppError> {
    let c = load(state, id).await?;
    if c.phase == Phase::DevicesChecked && !state.store.has_identity_photo(id).await? {
        return Err(AppError::NotReady { missing: Missing::IdentityPhoto });
    }
    phase::advance(state, id, PhaseCommand::StartFirstView, ACTOR).await
}

/// A new QR pairing token for the candidate's phone (from the first view on).
pub async fn new_pairing(
    state: &Core,
    id: CandidateId,
) -> Result<(String, DateTime<Utc>), AppError> {
    let c = load(state, id).await?;
    let ready = c.phase.rank() >= Phase::FirstViewOn.rank() && !c.phase.is_submitted();
    if !ready {
        return Err(AppError::NotReady { missing: Missing::IdentityPhoto });
    }
    let (token, hash) = new_token();
    let now = state.clock.now();
    let expires = now + pairing_ttl();
    state.store.create_pairing(&hash, id, now, expires).await?;
    Ok((token, expires))
}

/// The phone presents the QR token with the ID card number and exam ID typed by the
/// candidate. The token is used up only when both match; a used, expired or unknown token is
/// refused and logged; failures count against the address. Returns the candidate and a new
/// phone session (the only way one is made), which replaces an older phone's.
pub async fn pair_phone(
    state: &Core,
    ip: IpAddr,
    token: &str,
    id_card: &str,
    exam_code: &str,
) -> Result<(CandidateSelf, String), AppError> {
    let now = state.clock.now();
    let keys = [ThrottleKey::Address(ip)];
    state.throttle.check(&keys, now).await?;
    let fail = async |e: AppError| -> Result<(CandidateSelf, String), AppError> {
        state.throttle.settle(&keys, true, now).await?;
        Err(e)
    };
    let hash = token_hash(token.trim());
    let Some(id) = state.store.pairing_candidate(&hash).await? else {
        return fail(AppError::PairingInvalid).await;
    };
    let c = load(state, id).await?;
    let exam = state.store.exam(c.exam_id).await?.ok_or(AppError::NotFound)?;
    let code = ExamCode::parse(exam_code)
        .map_err(|code| AppError::Validation { field: Field::ExamCode, code })?;
    let card = id_card.trim().to_ascii_uppercase();
    if card.is_empty() {
        return Err(AppError::Validation { field: Field::IdCard, code: ValidationCode::Required });
    }
    if code != exam.code || card != c.id_card.to_ascii_uppercase() {
        return fail(AppError::IdentityMismatch).await;
    }
    state.throttle.settle(&keys, false, now).await?;
    let actor = format!("candidate:{}", id.0);
    match state.store.use_pairing(&hash, now).await? {
        PairingUse::Accepted(_) => {}
        PairingUse::AlreadyUsed(_) => {
            state.store.audit(&actor, "pairing_reused", &format!("ip {ip}"), now).await?;
            return fail(AppError::PairingUsed).await;
        }
        PairingUse::Expired(_) => {
            state.store.audit(&actor, "pairing_expired", &format!("ip {ip}"), now).await?;
            return fail(AppError::PairingExpired).await;
        }
        PairingUse::Unknown => return Err(AppError::PairingInvalid),
    }
    state.store.audit(&actor, "phone_paired", &format!("ip {ip}"), now).await?;
    let session = auth::open_candidate_session(state, &c, View::Phone).await?;
    Ok((auth::candidate_self(state, id).await?, session))
}

/// The phone's "Enter exam monitoring": the phone check passed or went on for review.
pub async fn enter_monitoring(state: &Core, id: CandidateId) -> Result<Phase, AppError> {
    let c = load(state, id).await?;
    if c.phase.rank() > Phase::FirstViewOn.rank() {
        return Ok(c.phase); // re-entering after a reconnect keeps the phase
    }
    if c.phase == Phase::FirstViewOn {
        finish_face(state, &c, View::Phone)
            .await
            .map_err(|_| AppError::NotReady { missing: Missing::PhoneCheck })?;
    }
    phase::advance(state, id, PhaseCommand::StartSecondView, "phone").await
}

/// "I have read and understood".
pub async fn acknowledge_instructions(state: &Core, id: CandidateId) -> Result<Phase, AppError> {
    let c = load(state, id).await?;
    if c.phase == Phase::SecondViewOn {
        state.store.ack_instructions(id, state.clock.now()).await?;
    }
    phase::advance(state, id, PhaseCommand::AcknowledgeInstructions, ACTOR).await
}

/// A step asked for over the candidate socket: the same checks as the step's own call.
/// Steps that carry data (device report, photos) have their own calls and are refused here.
pub async fn advance_by_candidate(
    state: &Core,
    id: CandidateId,
    cmd: PhaseCommand,
) -> Result<Phase, AppError> {
    use domain::SubmitKind;
    match cmd {
        PhaseCommand::LogIn => phase::advance(state, id, cmd, ACTOR).await,
        PhaseCommand::ConfirmIdentity => confirm_identity(state, id).await,
        PhaseCommand::FinishFaceCheck => finish_pc_face(state, id).await,
        PhaseCommand::FinishDeviceCheck => {
            Err(AppError::NotReady { missing: Missing::DeviceReport })
        }
        PhaseCommand::StartFirstView => start_first_view(state, id).await,
        PhaseCommand::StartSecondView => enter_monitoring(state, id).await,
        PhaseCommand::AcknowledgeInstructions => acknowledge_instructions(state, id).await,
        PhaseCommand::StartExam => phase::advance(state, id, cmd, ACTOR).await,
        PhaseCommand::Submit(SubmitKind::SelfSubmitted) => super::sitting::submit(state, id).await,
        PhaseCommand::Submit(_) => Err(AppError::Forbidden),
    }
}
