//! `FaceVerifier`: compares a candidate's live photo with the roster photo. Implementations
//! (built-in dlib, external HTTP service) live in the `server` crate and are picked at start-up;
//! `Core` holds an `Arc<dyn FaceVerifier>`.
use domain::face::{FaceError, FaceThresholds, FaceVerdict};

#[async_trait::async_trait]
pub trait FaceVerifier: Send + Sync + 'static {
    /// Compares a live photo with the reference (roster) photo, both encoded images (JPEG/PNG).
    /// Each photo must show exactly one face. `thresholds` should satisfy
    /// [`FaceThresholds::validate`]; the caller checks that when it loads them.
    async fn verify(
        &self,
        live: &[u8],
        reference: &[u8],
        thresholds: &FaceThresholds,
    ) -> Result<FaceVerdict, FaceError>;

    /// The provider's name as stored with each verdict ("dlib", "http").
    fn provider(&self) -> &str;
}

/// The verifier of a process that never verifies faces (CLI tools such as `vigil admin`):
/// every call answers "provider unavailable".
pub struct NoVerifier;

#[async_trait::async_trait]
impl FaceVerifier for NoVerifier {
    async fn verify(
        &self,
        _live: &[u8],
        _reference: &[u8],
        _thresholds: &FaceThresholds,
    ) -> Result<FaceVerdict, FaceError> {
        Err(FaceError::ProviderUnavailable)
    }

    fn provider(&self) -> &str {
        "none"
    }
}
