//! `BlobStore`: photos, evidence frames and recording chunks. A local directory by default
//! ([`LocalBlobs`]); S3-compatible object storage between instances ([`ObjectBlobs`]).
mod object;

use async_trait::async_trait;
pub use object::{BlobsUrl, BlobsUrlError, ObjectBlobs, S3Options};
use std::path::Path;
use std::path::PathBuf;

/// Whether `key` is a blob key: a relative path of `[a-z0-9_/.-]` that cannot climb out.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && !key.contains("..")
        && !key.starts_with('/')
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_/.-".contains(c))
}

fn invalid_key() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, "invalid blob key")
}

#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores `bytes` under `key` (a relative path of `[a-z0-9_/.-]`).
    async fn put(&self, key: &str, bytes: Vec<u8>) -> std::io::Result<()>;
    /// Reads the blob at `key`; `Ok(None)` when absent.
    async fn get(&self, key: &str) -> std::io::Result<Option<Vec<u8>>>;
    /// Deletes the blob at `key`; `Ok(false)` when it was absent.
    async fn delete(&self, key: &str) -> std::io::Result<bool>;
    /// Stores the file at `path` under `key`, streamed (a large upload never whole in memory).
    async fn put_file(&self, key: &str, path: &Path) -> std::io::Result<()>;
    /// Writes the blob at `key` into a new file at `path`, streamed; `Ok(false)` when absent.
    async fn get_file(&self, key: &str, path: &Path) -> std::io::Result<bool>;
    /// Where the blobs are, for the log (`directory` or `s3`).
    fn kind(&self) -> &'static str {
        "directory"
    }
    /// Stores many blobs; one result per item, in order.
    async fn put_many(&self, items: Vec<(String, bytes::Bytes)>) -> Vec<std::io::Result<()>> {
        let mut out = Vec::with_capacity(items.len());
        for (key, b) in items {
            out.push(self.put(&key, b.to_vec()).await);
        }
        out
    }
}

/// Blobs as files below a directory.
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }

    fn path(&self, key: &str) -> std::io::Result<PathBuf> {
        if valid_key(key) { Ok(self.root.join(key)) } else { Err(invalid_key()) }
    }
}

#[async_trait]
impl BlobStore for LocalBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        let path = self.path(key)?;
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        // Write then rename, so a crash never leaves a half-written blob under the key.
        let tmp = path.with_extension("partial");
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(tmp, path).await
    }

    /// One trip to the blocking pool for the whole batch (the evidence writer's case).
    async fn put_many(&self, items: Vec<(String, bytes::Bytes)>) -> Vec<std::io::Result<()>> {
        let paths: Vec<_> = items.iter().map(|(k, _)| self.path(k)).collect();
        let n = items.len();
        let job = tokio::task::spawn_blocking(move || {
            paths
                .into_iter()
                .zip(items)
                .map(|(path, (_, bytes))| {
                    let path = path?;
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    let tmp = path.with_extension("partial");
                    std::fs::write(&tmp, &bytes)?;
                    std::fs::rename(tmp, path)
                })
                .collect::<Vec<_>>()
        });
        match job.await {
            Ok(r) => r,
            Err(e) => (0..n).map(|_| Err(std::io::Error::other(e.to_string()))).collect(),
        }
    }

    async fn put_file(&self, key: &str, from: &Path) -> std::io::Result<()> {
        let path = self.path(key)?;
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let tmp = path.with_extension("partial");
        tokio::fs::copy(from, &tmp).await?;
        tokio::fs::rename(tmp, path).await
    }

    async fn get_file(&self, key: &str, to: &Path) -> std::io::Result<bool> {
        match tokio::fs::copy(self.path(key)?, to).await {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn delete(&self, key: &str) -> std::io::Result<bool> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    async fn get(&self, key: &str) -> std::io::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn blobs_round_trip_and_reject_escaping_keys() {
        let dir = std::env::temp_dir().join(format!("vigil-blobs-{}", std::process::id()));
        let blobs = LocalBlobs::new(dir.clone());
        blobs.put("roster/1.png", vec![1, 2, 3]).await.expect("put");
        assert_eq!(blobs.get("roster/1.png").await.expect("get"), Some(vec![1, 2, 3]));
        assert_eq!(blobs.get("roster/2.png").await.expect("get"), None);
        assert!(blobs.get("../etc/passwd").await.is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
