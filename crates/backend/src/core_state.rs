//! `Core`: the store, the bus and the rest of what the services act on, injected (no
//! globals), so tests can build their own. Cheap to clone (shared parts).
use super::blobs::BlobStore;
use super::bus::EventBus;
use super::clock::{Clock, SystemClock};
use super::drain::Drain;
use super::face::FaceVerifier;
use super::presence::PresenceBook;
use super::recheck::LiveSessions;
use super::relay::FrameHub;
use super::service::live::Announcer;
use super::service::roster_staging::RosterStaging;
use super::store::Store;
use super::throttle::LoginThrottle;
use super::uploads::UploadGuard;
use std::sync::Arc;

#[derive(Clone)]
pub struct Core {
    pub store: Arc<dyn Store>,
    pub bus: Arc<dyn EventBus>,
    pub blobs: Arc<dyn BlobStore>,
    pub face: Arc<dyn FaceVerifier>,
    pub presence: Arc<PresenceBook>,
    /// The candidate sessions live sockets hold here, re-checked together.
    pub sessions: Arc<LiveSessions>,
    pub frames: Arc<FrameHub>,
    pub throttle: Arc<LoginThrottle>,
    pub announcer: Arc<Announcer>,
    /// Checked roster uploads waiting for "Import".
    pub roster_staging: Arc<RosterStaging>,
    /// Free disk and per-candidate upload rates.
    pub uploads: Arc<UploadGuard>,
    /// The time services and timers act on.
    pub clock: Arc<dyn Clock>,
    /// Set when the instance is stopping: live sockets close, pages reconnect elsewhere.
    pub drain: Drain,
}

impl Core {
    pub fn new(
        store: Arc<dyn Store>,
        bus: Arc<dyn EventBus>,
        blobs: Arc<dyn BlobStore>,
        face: Arc<dyn FaceVerifier>,
    ) -> Self {
        let throttle = Arc::new(LoginThrottle::new(store.clone()));
        Self {
            store,
            bus,
            blobs,
            face,
            presence: Arc::default(),
            sessions: Arc::default(),
            frames: Arc::default(),
            throttle,
            announcer: Arc::default(),
            roster_staging: Arc::default(),
            uploads: Arc::default(),
            clock: Arc::new(SystemClock),
            drain: Drain::default(),
        }
    }

    /// The same core with its upload guard (the data directory's disk and reserve).
    pub fn with_uploads(mut self, uploads: UploadGuard) -> Self {
        self.uploads = Arc::new(uploads);
        self
    }

    /// The same core on another clock (tests); the camera relay stamps frames with it too.
    /// Call before the core is used (the relay is made anew).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.frames = Arc::new(FrameHub::new(clock.clone()));
        self.clock = clock;
        self
    }
}
