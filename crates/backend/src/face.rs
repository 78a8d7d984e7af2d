//! `FaceVerifier`: compares a candidate's live photo with the roster photo. Implementations
//! (built-in dlib, external HTTP service) live in the `server` crate and are picked at start-up;
//! `Core` holds an `Arc<dyn FaceVerifier>`. The same provider scans exam frames for the face
//! checks (`service::watch`).
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

    /// Whether [`FaceVerifier::scan`] works (the face checks during the exam run only then).
    fn scans_frames(&self) -> bool {
        false
    }

    /// Counts the faces in one camera frame (JPEG) and, when it shows exactly one face and
    /// `reference` is given, measures the distance of that face to it. Providers that cannot
    /// scan frames answer "provider unavailable" (the face checks then stay off).
    async fn scan(&self, _frame: &[u8], _reference: Option<&[f32]>) -> Result<FaceScan, FaceError> {
        Err(FaceError::ProviderUnavailable)
    }

    /// The embedding of the single face in a photo (the reference for [`FaceVerifier::scan`]).
    async fn embed(&self, _photo: &[u8]) -> Result<Vec<f32>, FaceError> {
        Err(FaceError::ProviderUnavailable)
    }
}

/// What [`FaceVerifier::scan`] found in a frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceScan {
    pub faces: u32,
    /// The one face's distance to the reference, when asked and there was one face.
    pub distance: Option<f32>,
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
