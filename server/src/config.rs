//! Typed settings for `vigil serve`.
use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port (tests).
    pub addr: SocketAddr,
    /// Directory for the default database file and blobs.
    pub data_dir: PathBuf,
    /// SQLite database file; defaults to `<data_dir>/vigil.db`.
    pub database: Option<PathBuf>,
    /// Seed (or refresh) the demo exam at start.
    pub demo: bool,
    /// Candidates in a newly seeded demo exam (split over its two rooms).
    pub demo_candidates: usize,
    /// Where the compiled site (`pkg/vigil.js`, `.wasm`, `.css`) lives.
    pub site_root: PathBuf,
}

impl Settings {
    pub fn database_path(&self) -> PathBuf {
        self.database.clone().unwrap_or_else(|| self.data_dir.join("vigil.db"))
    }

    pub fn blob_dir(&self) -> PathBuf {
        self.data_dir.join("blobs")
    }

    /// Defaults with everything under `dir` and port 0 (a free port: tests, benches, CLI tools).
    pub fn in_dir(dir: PathBuf) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: dir,
            database: None,
            demo: false,
            demo_candidates: crate::demo::CANDIDATES,
            site_root: PathBuf::from("target/site"),
        }
    }
}
