//! `ObjectBlobs`: blobs in an S3-compatible bucket (`object_store`), shared by every
//! instance. The bucket comes from `--blobs s3://bucket[/prefix]`; the endpoint, region and
//! credentials from flags or the usual `AWS_*` variables.
use super::{BlobStore, invalid_key, valid_key};
use async_trait::async_trait;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload, WriteMultipart};
use std::io::{Error, ErrorKind};
use std::path::Path as FilePath;
use std::str::FromStr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where the blobs go: a directory (the default) or a bucket.
#[derive(Debug, Clone, PartialEq)]
pub enum BlobsUrl {
    Directory(std::path::PathBuf),
    S3 { bucket: String, prefix: String },
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BlobsUrlError {
    #[error("unknown blob store `{0}` (use a directory, or s3://bucket[/prefix])")]
    Scheme(String),
    #[error("{0} names no bucket (use s3://bucket[/prefix])")]
    NoBucket(String),
}

impl FromStr for BlobsUrl {
    type Err = BlobsUrlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(rest) = s.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(BlobsUrlError::NoBucket(s.to_string()));
            }
            return Ok(Self::S3 {
                bucket: bucket.to_string(),
                prefix: prefix.trim_matches('/').to_string(),
            });
        }
        match s.split_once("://") {
            Some(("file", path)) => Ok(Self::Directory(path.into())),
            Some((scheme, _)) => Err(BlobsUrlError::Scheme(scheme.to_string())),
            None => Ok(Self::Directory(s.into())),
        }
    }
}

impl std::fmt::Display for BlobsUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Directory(p) => write!(f, "{}", p.display()),
            Self::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            Self::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// The connection to the bucket beyond its name (each `None` falls back to `AWS_*`).
#[derive(Debug, Clone, Default)]
pub struct S3Options {
    /// `http://127.0.0.1:3900` for a server of your own; plain HTTP is allowed only here.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

/// The part size of streamed uploads (S3 wants at least 5 MiB per part but the last).
const PART_BYTES: usize = 8 * 1024 * 1024;

pub struct ObjectBlobs {
    store: AmazonS3,
    prefix: String,
}

impl ObjectBlobs {
    pub fn new(bucket: &str, prefix: &str, opts: &S3Options) -> std::io::Result<Self> {
        let mut b = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Some(endpoint) = &opts.endpoint {
            // A server of one's own (Garage, MinIO…): path-style requests, HTTP if it says so.
            b = b
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if let Some(region) = &opts.region {
            b = b.with_region(region);
        }
        if let Some(id) = &opts.access_key_id {
            b = b.with_access_key_id(id);
        }
        if let Some(secret) = &opts.secret_access_key {
            b = b.with_secret_access_key(secret);
        }
        let store = b.build().map_err(|e| Error::new(ErrorKind::InvalidInput, e.to_string()))?;
        Ok(Self { store, prefix: prefix.to_string() })
    }

    fn path(&self, key: &str) -> std::io::Result<Path> {
        if !valid_key(key) {
            return Err(invalid_key());
        }
        Ok(if self.prefix.is_empty() {
            Path::from(key)
        } else {
            Path::from(format!("{}/{key}", self.prefix))
        })
    }

    /// Fails unless the bucket answers (start-up: a wrong endpoint or key is said at once).
    pub async fn check(&self) -> std::io::Result<()> {
        let probe = self.path(".vigil-probe")?;
        self.store.put(&probe, PutPayload::from_static(b"ok")).await.map_err(io)?;
        self.store.delete(&probe).await.map_err(io)
    }
}

fn io(e: object_store::Error) -> Error {
    match e {
        object_store::Error::NotFound { .. } => Error::new(ErrorKind::NotFound, e.to_string()),
        other => Error::other(other.to_string()),
    }
}

#[async_trait]
impl BlobStore for ObjectBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        // One PUT: an object appears whole or not at all.
        self.store.put(&self.path(key)?, PutPayload::from(bytes)).await.map(|_| ()).map_err(io)
    }

    async fn get(&self, key: &str) -> std::io::Result<Option<Vec<u8>>> {
        match self.store.get(&self.path(key)?).await {
            Ok(r) => Ok(Some(r.bytes().await.map_err(io)?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(io(e)),
        }
    }

    async fn delete(&self, key: &str) -> std::io::Result<bool> {
        let path = self.path(key)?;
        // S3 deletes a missing key without a word: ask first, for the caller's count.
        match self.store.head(&path).await {
            Ok(_) => {}
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(e) => return Err(io(e)),
        }
        self.store.delete(&path).await.map(|()| true).map_err(io)
    }

    /// A multipart upload of 8 MiB parts, read from the file as they go.
    async fn put_file(&self, key: &str, from: &FilePath) -> std::io::Result<()> {
        let upload = self.store.put_multipart(&self.path(key)?).await.map_err(io)?;
        let mut parts = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut file = tokio::fs::File::open(from).await?;
        let mut buf = vec![0u8; PART_BYTES];
        loop {
            let n = file.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            parts.wait_for_capacity(2).await.map_err(io)?;
            parts.write(&buf[..n]);
        }
        parts.finish().await.map(|_| ()).map_err(io)
    }

    async fn get_file(&self, key: &str, to: &FilePath) -> std::io::Result<bool> {
        use futures::StreamExt;
        let mut stream = match self.store.get(&self.path(key)?).await {
            Ok(r) => r.into_stream(),
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(e) => return Err(io(e)),
        };
        let mut file = tokio::fs::File::create(to).await?;
        while let Some(chunk) = stream.next().await {
            file.write_all(&chunk.map_err(io)?).await?;
        }
        file.flush().await?;
        Ok(true)
    }

    /// The batch in parallel (a few at a time): each is a request to the bucket.
    async fn put_many(&self, items: Vec<(String, bytes::Bytes)>) -> Vec<std::io::Result<()>> {
        use futures::StreamExt;
        futures::stream::iter(items)
            .map(|(key, bytes)| async move {
                let path = self.path(&key)?;
                self.store.put(&path, PutPayload::from(bytes)).await.map(|_| ()).map_err(io)
            })
            .buffered(8)
            .collect()
            .await
    }

    fn kind(&self) -> &'static str {
        "s3"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_urls_are_a_directory_or_a_bucket() {
        assert_eq!("data/blobs".parse(), Ok(BlobsUrl::Directory("data/blobs".into())));
        assert_eq!("file:///srv/blobs".parse(), Ok(BlobsUrl::Directory("/srv/blobs".into())));
        assert_eq!(
            "s3://exams/vigil/".parse(),
            Ok(BlobsUrl::S3 { bucket: "exams".into(), prefix: "vigil".into() })
        );
        assert_eq!(
            "s3://exams".parse::<BlobsUrl>().map(|u| u.to_string()),
            Ok("s3://exams".into())
        );
        assert_eq!("s3://".parse::<BlobsUrl>(), Err(BlobsUrlError::NoBucket("s3://".into())));
        assert_eq!("gs://x".parse::<BlobsUrl>(), Err(BlobsUrlError::Scheme("gs".into())));
    }
}
