//! The open-file limit: every candidate view and every proctor socket is an open file, so the
//! soft limit (1,024 on many systems) would cap an exam at about 500 candidates. At start the
//! server raises it to the hard limit and says in the log what that allows.
use std::io;

/// Files the server keeps open besides sockets (database, blobs, logs, listeners), kept out
/// of the estimate of camera views.
const RESERVED_FILES: u64 = 64;

/// What the start-up found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimit {
    /// The soft limit the process started with.
    pub before: u64,
    /// The soft limit now (the hard limit, unless raising it failed).
    pub now: u64,
    pub hard: u64,
}

impl FileLimit {
    /// About how many camera views (one socket each; a candidate has two) fit.
    pub fn views(&self) -> u64 {
        self.now.saturating_sub(RESERVED_FILES)
    }
}

/// Raises the soft open-file limit to the hard limit and logs one line about it.
pub fn raise_file_limit() -> io::Result<FileLimit> {
    let (before, hard) = rlimit::Resource::NOFILE.get()?;
    let now = rlimit::increase_nofile_limit(u64::MAX)?;
    let limit = FileLimit { before, now, hard };
    let views = limit.views();
    let candidates = views / 2;
    if now > before {
        tracing::info!(
            before,
            now,
            "open files: soft limit raised from {before} to the hard limit {now}: room for about \
             {views} camera sockets ({candidates} candidates with two views)"
        );
    } else {
        tracing::info!(
            now,
            "open files: limit {now} (the hard limit): room for about {views} camera sockets \
             ({candidates} candidates with two views); raise the hard limit (systemd \
             LimitNOFILE=, ulimit -Hn) for more"
        );
    }
    Ok(limit)
}
