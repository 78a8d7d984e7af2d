//! Typed settings for `vigil serve`.
use crate::face::{FaceConfig, FaceProvider};
use backend::blobs::{BlobsUrl, S3Options};
use backend::clock::{Clock, SystemClock};
use backend::store::DatabaseUrl;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// How long a client has to send its request headers.
pub const DEFAULT_HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// How long a request body may stall between two pieces.
pub const BODY_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Most connections to PostgreSQL, unless `--database-pool` says otherwise.
pub const DEFAULT_DATABASE_POOL: u32 = 16;

/// The NATS subjects' prefix unless `--bus-prefix` says otherwise.
pub const DEFAULT_BUS_PREFIX: &str = "vigil";

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port (tests).
    pub addr: SocketAddr,
    /// Directory for the default database file and blobs.
    pub data_dir: PathBuf,
    /// The database: a SQLite file (`sqlite://path`, or a plain path) or PostgreSQL
    /// (`postgres://…`); defaults to the SQLite file `<data_dir>/vigil.db`.
    pub database: Option<DatabaseUrl>,
    /// Most connections the PostgreSQL store opens.
    pub database_pool: u32,
    /// The event bus between instances (`nats://host:4222`); `None`: this process only.
    pub bus: Option<String>,
    /// The NATS subjects' prefix: instances with the same one serve the same exams.
    pub bus_prefix: String,
    /// Where photos, evidence and recordings go; `None`: `<data_dir>/blobs`.
    pub blobs: Option<BlobsUrl>,
    /// The S3 endpoint, region and keys when `blobs` is a bucket.
    pub s3: S3Options,
    /// Seed (or refresh) the demo exam at start.
    pub demo: bool,
    /// How the demo exam is seeded.
    pub demo_options: crate::demo::DemoOptions,
    /// Where the compiled site (`pkg/vigil.js`, `.wasm`, `.css`) lives.
    pub site_root: PathBuf,
    /// The build's hash file; `None`: `hash.txt` beside the binary.
    pub hash_file: Option<PathBuf>,
    /// The face verification provider.
    pub face: FaceConfig,
    /// The public URL (`https://exam.example.edu`): the only origin allowed to change state,
    /// and `Secure` cookies when it is HTTPS. `None`: the request's own `Host`.
    pub public_url: Option<String>,
    /// Bearer token that opens `/metrics` (besides an admin's session).
    pub metrics_token: Option<String>,
    /// Free space kept on the data directory's disk: uploads that would go below are refused.
    pub min_free_disk_bytes: u64,
    /// A client must send its request headers within this time.
    pub header_timeout: std::time::Duration,
    /// After a stop signal, how long the instance still answers (`/readyz` saying
    /// "draining") before it stops accepting connections.
    pub drain_delay: std::time::Duration,
    /// Run the timers (presence sweep, auto-submit, retention purge, the candidate sessions'
    /// re-check); tests that drive time themselves turn them off.
    pub timers: bool,
    /// How often the candidate sessions held by live sockets are checked against the store
    /// (the backstop for a revocation whose announcement was lost).
    pub session_recheck: std::time::Duration,
    /// The time the services and timers act on: the system's, or a test's.
    pub clock: Arc<dyn Clock>,
}

impl Settings {
    pub fn database_url(&self) -> DatabaseUrl {
        self.database.clone().unwrap_or_else(|| DatabaseUrl::Sqlite(self.data_dir.join("vigil.db")))
    }

    pub fn blob_dir(&self) -> PathBuf {
        self.data_dir.join("blobs")
    }

    pub fn blobs_url(&self) -> BlobsUrl {
        self.blobs.clone().unwrap_or_else(|| BlobsUrl::Directory(self.blob_dir()))
    }

    /// Defaults with everything under `dir` and port 0 (a free port: tests, benches, CLI tools).
    pub fn in_dir(dir: PathBuf) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: dir,
            database: None,
            database_pool: DEFAULT_DATABASE_POOL,
            bus: None,
            bus_prefix: DEFAULT_BUS_PREFIX.to_string(),
            blobs: None,
            s3: S3Options::default(),
            demo: false,
            demo_options: crate::demo::DemoOptions::default(),
            site_root: PathBuf::from("target/site"),
            hash_file: None,
            face: FaceConfig {
                provider: FaceProvider::Dlib,
                models_dir: PathBuf::from(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../target/face-models"
                )),
                http_url: None,
            },
            public_url: None,
            metrics_token: None,
            min_free_disk_bytes: 0,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            drain_delay: std::time::Duration::ZERO,
            timers: true,
            session_recheck: backend::access::RECHECK_EVERY,
            clock: Arc::new(SystemClock),
        }
    }
}
