//! An external verification service over HTTP (for example an adapter in front of a national
//! ID or KYC provider). The contract, one call per verification:
//!
//! ```text
//! POST <url>
//! Content-Type: application/json
//! {"live_jpeg_base64": "<base64 of the live photo>", "reference_base64": "<base64 of the roster
//!  photo>", "match_below": 0.5, "review_below": 0.65}
//!
//! 200 {"distance": 0.36, "model_version": "vendor-model-3.1"}
//! 422 {"error": "no_face" | "several_faces" | "bad_image", "photo": "live" | "reference",
//!      "count": 3}            (count: faces found, for several_faces only)
//! ```
//!
//! Photos are standard base64 (with padding) of the encoded image, JPEG or PNG. `distance` is a
//! finite, non-negative dissimilarity on the same scale as the thresholds (smaller = more
//! alike); Vigil applies the thresholds itself, they are sent so the service may log them.
//! Any other status, a malformed body, a connection error or the timeout is
//! `ProviderUnavailable`. The client is built without TLS: use `http://` (a sidecar, or a
//! TLS-terminating proxy on the host).
use backend::face::FaceVerifier;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::face::{FaceError, FaceThresholds, FaceVerdict, PhotoRole};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub const PROVIDER: &str = "http";

#[derive(Serialize)]
struct VerifyRequest {
    live_jpeg_base64: String,
    reference_base64: String,
    match_below: f32,
    review_below: f32,
}

#[derive(Deserialize)]
struct VerifyResponse {
    distance: f32,
    model_version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RejectionCode {
    NoFace,
    SeveralFaces,
    BadImage,
}

#[derive(Deserialize)]
struct Rejection {
    error: RejectionCode,
    photo: PhotoRole,
    count: Option<u32>,
}

impl From<Rejection> for FaceError {
    fn from(r: Rejection) -> Self {
        let photo = r.photo;
        match r.error {
            RejectionCode::NoFace => FaceError::NoFace { photo },
            // "Several" means at least two when the service leaves the count out.
            RejectionCode::SeveralFaces => {
                FaceError::SeveralFaces { photo, count: r.count.unwrap_or(2) }
            }
            RejectionCode::BadImage => FaceError::BadImage { photo },
        }
    }
}

pub struct HttpVerifier {
    client: reqwest::Client,
    url: reqwest::Url,
}

impl HttpVerifier {
    /// A client for `url` (`http://…`); each verification must finish within `timeout`.
    pub fn new(url: &str, timeout: Duration) -> anyhow::Result<Self> {
        let url = reqwest::Url::parse(url)
            .map_err(|e| anyhow::anyhow!("invalid face provider URL {url:?}: {e}"))?;
        anyhow::ensure!(
            url.scheme() == "http",
            "face provider URL must be http:// (this build has no TLS client): {url}"
        );
        let client = reqwest::Client::builder().timeout(timeout).build()?;
        Ok(Self { client, url })
    }

    fn unavailable(&self, what: &str, detail: &dyn std::fmt::Display) -> FaceError {
        tracing::warn!(url = %self.url, detail = %detail, "face provider {what}");
        FaceError::ProviderUnavailable
    }
}

#[async_trait::async_trait]
impl FaceVerifier for HttpVerifier {
    async fn verify(
        &self,
        live: &[u8],
        reference: &[u8],
        thresholds: &FaceThresholds,
    ) -> Result<FaceVerdict, FaceError> {
        let body = VerifyRequest {
            live_jpeg_base64: STANDARD.encode(live),
            reference_base64: STANDARD.encode(reference),
            match_below: thresholds.match_below,
            review_below: thresholds.review_below,
        };
        let resp = self
            .client
            .post(self.url.clone())
            .json(&body)
            .send()
            .await
            .map_err(|e| self.unavailable("request failed", &e))?;
        match resp.status() {
            StatusCode::OK => {
                let ok: VerifyResponse =
                    resp.json().await.map_err(|e| self.unavailable("sent a bad answer", &e))?;
                if !ok.distance.is_finite() || ok.distance < 0.0 {
                    return Err(self.unavailable("sent a bad distance", &ok.distance));
                }
                Ok(FaceVerdict {
                    decision: thresholds.decide(ok.distance),
                    distance: ok.distance,
                    provider: PROVIDER.to_owned(),
                    model_version: ok.model_version,
                    thresholds: *thresholds,
                })
            }
            StatusCode::UNPROCESSABLE_ENTITY => {
                let r: Rejection =
                    resp.json().await.map_err(|e| self.unavailable("sent a bad rejection", &e))?;
                Err(r.into())
            }
            status => Err(self.unavailable("answered with an error status", &status)),
        }
    }

    fn provider(&self) -> &str {
        PROVIDER
    }
}
