//! One simulated candidate's way through the journey over HTTP, as the pages do it: confirm
//! the record, the PC face check, the device report, the identity photo and first view, the
//! phone paired by its QR token (with the demo's ID card number), the phone's face check,
//! monitoring, the instructions; then the answers while the exam runs.
use anyhow::{Context, bail};
use domain::View;
use domain::answer::Answer;
use domain::device::{
    BrowserCheck, CameraCheck, CheckOutcome, DeviceReport, MicCheck, NetworkCheck, SpeakerCheck,
};
use domain::journey::{FaceCheck, FaceProgress};
use domain::paper::Question;
use domain::sitting::{AnswerSave, ExamSheet};
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

/// Face attempts before giving up on a view (the exam's own limit sends it to review sooner).
const MAX_FACE_ATTEMPTS: usize = 5;

/// HTTP calls with one device's session cookie.
pub struct Device {
    client: reqwest::Client,
    base: String,
    pub cookie: String,
}

impl Device {
    pub fn new(base: &str, cookie: String) -> Self {
        let base = base.trim_end_matches('/').to_string();
        Self { client: reqwest::Client::new(), base, cookie }
    }

    /// Calls a server function with a JSON body; its JSON answer.
    pub async fn call<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        body: serde_json::Value,
    ) -> anyhow::Result<T> {
        let res = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header("cookie", &self.cookie)
            .json(&body)
            .send()
            .await?;
        let status = res.status();
        let text = res.text().await?;
        if !status.is_success() {
            bail!("{endpoint}: {status} {text}");
        }
        serde_json::from_str(&text).with_context(|| format!("{endpoint}: {text}"))
    }

    /// Calls a server function that takes no arguments.
    async fn step(&self, endpoint: &str) -> anyhow::Result<()> {
        self.call::<serde_json::Value>(endpoint, serde_json::json!({})).await.map(|_| ())
    }

    /// Posts a JPEG to a plain upload route; its JSON answer.
    async fn upload<T: DeserializeOwned>(&self, path: &str, jpeg: &[u8]) -> anyhow::Result<T> {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", "image/jpeg")
            .body(jpeg.to_vec())
            .send()
            .await?;
        let status = res.status();
        let text = res.text().await?;
        if !status.is_success() {
            bail!("{path}: {status} {text}");
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// Face attempts for `view` until it passes or goes to review.
    async fn face_check(&self, view: View, photo: &[u8]) -> anyhow::Result<()> {
        let path = format!("/api/candidate/face?view={}", view.as_str());
        for _ in 0..MAX_FACE_ATTEMPTS {
            let check: FaceCheck = self.upload(&path, photo).await?;
            if matches!(
                check.progress,
                FaceProgress::Passed | FaceProgress::MayContinueForReview { .. }
            ) {
                return Ok(());
            }
        }
        bail!("the {} face check neither passed nor went to review", view.as_str())
    }
}

/// Sign-in to monitoring, a step every `pause`: returns the phone's device once it is paired
/// and monitoring. `stage` becomes [`super::STAGE_PC_CAMERA`] when the PC camera is on.
pub async fn walk(
    pc: &Device,
    n: usize,
    exam: &str,
    photo: &[u8],
    pause: Duration,
    stage: &AtomicU8,
) -> anyhow::Result<Device> {
    pc.step("journey/confirm").await?;
    tokio::time::sleep(pause).await;
    pc.face_check(View::Pc, photo).await?;
    pc.step("journey/face-done").await?;
    tokio::time::sleep(pause).await;
    pc.call::<serde_json::Value>("journey/devices", serde_json::json!({ "report": report() }))
        .await?;
    tokio::time::sleep(pause).await;
    pc.upload::<()>("/api/candidate/identity-photo", photo).await?;
    pc.step("journey/first-view").await?;
    stage.store(super::STAGE_PC_CAMERA, Ordering::Relaxed);
    tokio::time::sleep(pause).await;
    let pairing: serde_json::Value = pc.call("journey/pairing", serde_json::json!({})).await?;
    let token = pairing["url"]
        .as_str()
        .and_then(|u| u.split("t=").nth(1))
        .context("pairing link without a token")?
        .to_string();
    let form =
        [("token", token.as_str()), ("id_card", &crate::demo::id_card(n)), ("exam_code", exam)];
    let url = format!("{}/api/phone/pair", pc.base);
    let phone_cookie = super::post_login(&pc.client, &url, &form).await?;
    let phone = Device::new(&pc.base, phone_cookie);
    phone.face_check(View::Phone, photo).await?;
    phone.step("phone/enter").await?;
    tokio::time::sleep(pause).await;
    pc.step("journey/instructions").await?;
    Ok(phone)
}

/// A device report from a machine where everything works.
fn report() -> DeviceReport {
    DeviceReport {
        camera: CameraCheck {
            outcome: CheckOutcome::Pass,
            label: "Simulated camera".into(),
            width: 640,
            height: 480,
        },
        speaker: SpeakerCheck { outcome: CheckOutcome::Pass },
        microphone: MicCheck {
            outcome: CheckOutcome::Pass,
            label: "Simulated microphone".into(),
            peak: 0.3,
            confirmed: false,
        },
        network: NetworkCheck { outcome: CheckOutcome::Pass, rtt_ms: 20, upload_kbps: 10_000 },
        browser: BrowserCheck {
            outcome: CheckOutcome::Pass,
            browser: "vigil simulate".into(),
            os: std::env::consts::OS.into(),
            user_agent: "vigil-simulate".into(),
        },
    }
}

/// The answer the `k`-th save gives to `question` (choices and words that change over time).
fn answer(question: &Question, k: usize) -> (String, Answer) {
    match question {
        Question::SingleChoice { id, options, .. } => {
            let option = options.get(k % options.len().max(1)).map(|o| o.id.clone());
            (id.clone(), Answer::SingleChoice { option: option.unwrap_or_default() })
        }
        Question::MultipleChoice { id, options, .. } => {
            let options = options.iter().take(1 + k % options.len().max(1)).map(|o| o.id.clone());
            (id.clone(), Answer::MultipleChoice { options: options.collect() })
        }
        Question::FillIn { id, blanks, .. } => {
            let blanks = (0..*blanks).map(|b| format!("answer {b}.{k}")).collect();
            (id.clone(), Answer::FillIn { blanks })
        }
        Question::Essay { id, .. } => {
            let text = "A simulated candidate writes another sentence. ".repeat(k + 1);
            (id.clone(), Answer::Essay { text })
        }
    }
}

/// Saves the `k`-th answer of the paper (one question per save, in turn), versioned by the
/// server's clock as the exam page does (`loaded`: when `sheet` arrived).
pub async fn save_next(
    pc: &Device,
    sheet: &ExamSheet,
    loaded: std::time::Instant,
    k: usize,
) -> anyhow::Result<()> {
    let questions: Vec<&Question> =
        sheet.paper.sections.iter().flat_map(|s| &s.questions).collect();
    let Some(question) = questions.get(k % questions.len().max(1)) else { return Ok(()) };
    let (question_id, answer) = answer(question, k / questions.len().max(1));
    let elapsed = u64::try_from(loaded.elapsed().as_millis()).unwrap_or(u64::MAX);
    let version = (sheet.server_time.timestamp_millis().max(0) as u64).saturating_add(elapsed);
    let save = AnswerSave { question_id, answer, version };
    pc.call::<serde_json::Value>("exam/save", serde_json::json!({ "saves": [save] })).await?;
    Ok(())
}
