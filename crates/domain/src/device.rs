//! The device check (seed step 3): one structured report per candidate, built in the
//! browser, validated and stored by the server, shown to the candidate and their proctors.
use serde::{Deserialize, Serialize};

/// A microphone passes on a peak level (0..1, from an AnalyserNode) at or above this.
pub const MIC_PASS_PEAK: f32 = 0.05;
/// The network passes with a round trip at or below this many milliseconds…
pub const NET_MAX_RTT_MS: u32 = 800;
/// …and an upload rate at or above this many kilobits per second.
pub const NET_MIN_UPLOAD_KBPS: u32 = 256;
/// Longest text the browser may send in any field of a report.
pub const MAX_TEXT: usize = 300;

/// The result of one item of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOutcome {
    Pass,
    Fail,
}

impl CheckOutcome {
    pub fn from_bool(ok: bool) -> Self {
        if ok { Self::Pass } else { Self::Fail }
    }
    pub fn passed(self) -> bool {
        self == Self::Pass
    }
}

/// Camera: the candidate saw themselves in the preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CameraCheck {
    pub outcome: CheckOutcome,
    /// The device label the browser reports (may be empty before permission).
    pub label: String,
    pub width: u32,
    pub height: u32,
}

/// Speaker: the candidate heard the test tone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerCheck {
    pub outcome: CheckOutcome,
}

/// Microphone: the level meter moved (peak above [`MIC_PASS_PEAK`]) or the candidate said so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MicCheck {
    pub outcome: CheckOutcome,
    pub label: String,
    /// Highest level seen, 0..1.
    pub peak: f32,
    /// Whether the candidate confirmed "I can see it move" (rather than the meter alone).
    pub confirmed: bool,
}

/// Network: measured against the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkCheck {
    pub outcome: CheckOutcome,
    pub rtt_ms: u32,
    pub upload_kbps: u32,
}

/// Browser and operating system, as read from the user agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrowserCheck {
    pub outcome: CheckOutcome,
    pub browser: String,
    pub os: String,
    pub user_agent: String,
}

/// The whole report, as the browser sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceReport {
    pub camera: CameraCheck,
    pub speaker: SpeakerCheck,
    pub microphone: MicCheck,
    pub network: NetworkCheck,
    pub browser: BrowserCheck,
}

/// Why the server refused a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum ReportError {
    #[error("a text field is too long")]
    TextTooLong,
    #[error("a measured value is out of range")]
    OutOfRange,
    #[error("an outcome does not match its measurement")]
    Inconsistent,
}

/// Outcome of the network item from its measurements.
pub fn network_outcome(rtt_ms: u32, upload_kbps: u32) -> CheckOutcome {
    CheckOutcome::from_bool(rtt_ms <= NET_MAX_RTT_MS && upload_kbps >= NET_MIN_UPLOAD_KBPS)
}

/// Outcome of the microphone item: the meter moved enough, or the candidate confirmed it.
pub fn mic_outcome(peak: f32, confirmed: bool) -> CheckOutcome {
    CheckOutcome::from_bool(peak >= MIC_PASS_PEAK || confirmed)
}

impl DeviceReport {
    /// Whether every item passed.
    pub fn all_passed(&self) -> bool {
        [
            self.camera.outcome,
            self.speaker.outcome,
            self.microphone.outcome,
            self.network.outcome,
            self.browser.outcome,
        ]
        .iter()
        .all(|o| o.passed())
    }

    /// Checks what the server can check: lengths, ranges, and that the measured items'
    /// outcomes follow from their measurements.
    pub fn validate(&self) -> Result<(), ReportError> {
        let texts = [
            &self.camera.label,
            &self.microphone.label,
            &self.browser.browser,
            &self.browser.os,
            &self.browser.user_agent,
        ];
        if texts.iter().any(|t| t.chars().count() > MAX_TEXT) {
            return Err(ReportError::TextTooLong);
        }
        let peak_ok = (0.0..=1.0).contains(&self.microphone.peak);
        if !peak_ok || self.camera.width > 10_000 || self.camera.height > 10_000 {
            return Err(ReportError::OutOfRange);
        }
        let net = network_outcome(self.network.rtt_ms, self.network.upload_kbps);
        let mic = mic_outcome(self.microphone.peak, self.microphone.confirmed);
        if net != self.network.outcome || mic != self.microphone.outcome {
            return Err(ReportError::Inconsistent);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn good() -> DeviceReport {
        DeviceReport {
            camera: CameraCheck {
                outcome: CheckOutcome::Pass,
                label: "fake_device_0".into(),
                width: 640,
                height: 480,
            },
            speaker: SpeakerCheck { outcome: CheckOutcome::Pass },
            microphone: MicCheck {
                outcome: CheckOutcome::Pass,
                label: "Fake Default Audio Input".into(),
                peak: 0.3,
                confirmed: false,
            },
            network: NetworkCheck { outcome: CheckOutcome::Pass, rtt_ms: 12, upload_kbps: 20_000 },
            browser: BrowserCheck {
                outcome: CheckOutcome::Pass,
                browser: "Chromium 156".into(),
                os: "Linux".into(),
                user_agent: "Mozilla/5.0".into(),
            },
        }
    }

    #[test]
    fn a_good_report_validates_and_passes() {
        assert_eq!(good().validate(), Ok(()));
        assert!(good().all_passed());
    }

    #[test]
    fn one_failed_item_fails_the_report() {
        let mut r = good();
        r.speaker.outcome = CheckOutcome::Fail;
        assert_eq!(r.validate(), Ok(()));
        assert!(!r.all_passed());
    }

    #[test]
    fn network_thresholds() {
        assert_eq!(network_outcome(NET_MAX_RTT_MS, NET_MIN_UPLOAD_KBPS), CheckOutcome::Pass);
        assert_eq!(network_outcome(NET_MAX_RTT_MS + 1, 10_000), CheckOutcome::Fail);
        assert_eq!(network_outcome(10, NET_MIN_UPLOAD_KBPS - 1), CheckOutcome::Fail);
    }

    #[test]
    fn mic_passes_on_level_or_confirmation() {
        assert_eq!(mic_outcome(0.0, false), CheckOutcome::Fail);
        assert_eq!(mic_outcome(0.0, true), CheckOutcome::Pass);
        assert_eq!(mic_outcome(MIC_PASS_PEAK, false), CheckOutcome::Pass);
    }

    #[test]
    fn claimed_outcomes_must_follow_measurements() {
        let mut r = good();
        r.network.rtt_ms = 5_000;
        assert_eq!(r.validate(), Err(ReportError::Inconsistent));
        let mut r = good();
        r.microphone.peak = 0.0;
        assert_eq!(r.validate(), Err(ReportError::Inconsistent));
    }

    #[test]
    fn long_text_and_bad_ranges_are_refused() {
        let mut r = good();
        r.browser.user_agent = "x".repeat(MAX_TEXT + 1);
        assert_eq!(r.validate(), Err(ReportError::TextTooLong));
        let mut r = good();
        r.microphone.peak = 2.0;
        assert_eq!(r.validate(), Err(ReportError::OutOfRange));
    }
}
