//! `AppState`: everything a request needs, injected (no globals), so tests can build their own.
use super::blobs::BlobStore;
use super::bus::EventBus;
use super::face::FaceVerifier;
use super::presence::PresenceBook;
use super::relay::FrameHub;
use super::service::live::Announcer;
use super::service::roster::RosterStaging;
use super::site::SiteConfig;
use super::store::Store;
use super::throttle::LoginThrottle;
use super::uploads::UploadGuard;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Arc<dyn Store>,
    pub bus: Arc<dyn EventBus>,
    pub blobs: Arc<dyn BlobStore>,
    pub face: Arc<dyn FaceVerifier>,
    pub presence: Arc<PresenceBook>,
    pub frames: Arc<FrameHub>,
    pub throttle: Arc<LoginThrottle>,
    pub announcer: Arc<Announcer>,
    /// Checked roster uploads waiting for "Import".
    pub roster_staging: Arc<RosterStaging>,
    /// The public URL and the metrics token.
    pub site: Arc<SiteConfig>,
    /// Free disk and per-candidate upload rates.
    pub uploads: Arc<UploadGuard>,
}

impl AppState {
    pub fn new(
        leptos_options: LeptosOptions,
        store: Arc<dyn Store>,
        bus: Arc<dyn EventBus>,
        blobs: Arc<dyn BlobStore>,
        face: Arc<dyn FaceVerifier>,
    ) -> Self {
        Self {
            leptos_options,
            store,
            bus,
            blobs,
            face,
            presence: Arc::default(),
            frames: Arc::default(),
            throttle: Arc::default(),
            announcer: Arc::default(),
            roster_staging: Arc::default(),
            site: Arc::default(),
            uploads: Arc::default(),
        }
    }

    /// The same state with the operator's site settings.
    pub fn with_site(mut self, site: SiteConfig) -> Self {
        self.site = Arc::new(site);
        self
    }

    /// The same state with its upload guard (the data directory's disk and reserve).
    pub fn with_uploads(mut self, uploads: UploadGuard) -> Self {
        self.uploads = Arc::new(uploads);
        self
    }
}
