//! Face verification providers behind `backend::face::FaceVerifier`:
//! - `dlib` (built in): dlib's HOG detector, 5-point landmarks and ResNet embedding, with the
//!   models from `scripts/face-assets.sh`;
//! - `http`: an external service (e.g. an identity provider's adapter), see [`http`] for the
//!   JSON contract.
//!
//! `build_verifier` picks one from `FaceConfig`; docs/face-verification.md has the overview.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
pub mod dlib;
pub mod http;
pub mod scenes;
pub mod seeta;

use anyhow::Context;
use backend::face::FaceVerifier;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use dlib::DlibVerifier;
pub use http::HttpVerifier;

/// How long the HTTP provider may take for one verification.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceProvider {
    Dlib,
    Http,
}

#[derive(Debug, Clone)]
pub struct FaceConfig {
    pub provider: FaceProvider,
    /// Directory holding `shape_predictor_5_face_landmarks.dat`,
    /// `dlib_face_recognition_resnet_model_v1.dat` and `seeta_fd_frontal_v1.0.bin` (dlib
    /// provider).
    pub models_dir: PathBuf,
    /// The verification endpoint (http provider).
    pub http_url: Option<String>,
}

/// Builds the configured provider. Loading the dlib models takes about half a second.
pub fn build_verifier(cfg: &FaceConfig) -> anyhow::Result<Arc<dyn FaceVerifier>> {
    Ok(match cfg.provider {
        FaceProvider::Dlib => Arc::new(DlibVerifier::load(&cfg.models_dir)?),
        FaceProvider::Http => {
            let url = cfg.http_url.as_deref().context("the http face provider needs a URL")?;
            Arc::new(HttpVerifier::new(url, HTTP_TIMEOUT)?)
        }
    })
}
