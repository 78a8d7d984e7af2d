//! Static files and response compression. The release build names every file in `/pkg` by
//! its content hash and writes brotli and gzip copies beside it (`cargo leptos build --release
//! --precompress`, `hash-files = true`): those are served by `Accept-Encoding` and cached for
//! a year, since a new build has new names. Everything else revalidates. Pages, JSON and CSV
//! are compressed on the fly; camera frames, photos and recordings are already compressed.
use app::bundle::{Bundle, BundleKind};
use app::server::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, header};
use std::path::{Path, PathBuf};
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::services::ServeDir;

/// For files whose names change with their content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else: use a stored copy only after asking whether it changed.
pub const REVALIDATE: &str = "no-cache";
/// For pages and API answers, which may be personal: never kept by shared caches.
pub const PRIVATE_REVALIDATE: &str = "private, no-cache";

/// The file cargo-leptos writes next to the server binary when it hashes file names.
pub const HASH_FILE: &str = "hash.txt";

/// A build with hashed asset names: its hash file and the build's name.
pub struct HashedBuild {
    /// Absolute, since Leptos resolves a relative name against the binary's directory.
    pub hash_file: PathBuf,
    /// A short digest of the hash files (the content hashes of the WASM, its JS and the CSS,
    /// and of the candidate's and the phone's bundles).
    pub id: String,
    /// The phone bundle's hashed file names.
    pub phone: Bundle,
    /// The candidate bundle's hashed file names (its pieces' manifest among them).
    pub candidate: Bundle,
}

/// The build the assets come from: the hash file given (`--hash-file`), which must be
/// readable, else `hash.txt` beside the binary when there is one (`None`: unhashed names).
pub fn hashed_build(given: Option<&Path>) -> anyhow::Result<Option<HashedBuild>> {
    use sha2::Digest;
    let (path, required) = match given {
        Some(path) => (std::path::absolute(path)?, true),
        None => match std::env::current_exe()?.parent() {
            Some(dir) => (dir.join(HASH_FILE), false),
            None => return Ok(None),
        },
    };
    let hashes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(_) if !required => return Ok(None),
        Err(e) => anyhow::bail!("cannot read the hash file {} (--hash-file): {e}", path.display()),
    };
    let beside = |kind: BundleKind| {
        let file = path.with_file_name(kind.hash_file());
        std::fs::read_to_string(&file).unwrap_or_else(|_| {
            tracing::warn!(file = %file.display(), bundle = ?kind, "no hash file for this bundle: its pages will not start");
            String::new()
        })
    };
    let (phone_hashes, candidate_hashes) =
        (beside(BundleKind::Phone), beside(BundleKind::Candidate));
    let mut digest = sha2::Sha256::new();
    digest.update(&hashes);
    digest.update(phone_hashes.as_bytes());
    digest.update(candidate_hashes.as_bytes());
    let id = hex::encode(&digest.finalize()[..8]);
    Ok(Some(HashedBuild {
        hash_file: path,
        id,
        phone: Bundle::from_hash_file(BundleKind::Phone, &phone_hashes),
        candidate: Bundle::from_hash_file(BundleKind::Candidate, &candidate_hashes),
    }))
}

/// `GET /build`: the build this process serves, never cached.
pub async fn build(State(state): State<AppState>) -> impl axum::response::IntoResponse {
    ([(header::CACHE_CONTROL, "no-store")], state.site.build_name().to_string())
}

/// `/pkg`: the WASM, its JS glue and the CSS, precompressed copies preferred.
pub fn pkg_service(site_root: &Path) -> ServeDir {
    ServeDir::new(site_root.join("pkg")).precompressed_br().precompressed_gzip()
}

/// Whether a file name carries its content hash as cargo-leptos writes it
/// (`vigil.<22 base64url characters>.wasm`).
pub fn is_hashed_name(name: &str) -> bool {
    let mut parts = name.split('.');
    let (Some(_), Some(hash), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    hash.len() == 22 && hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Middleware for `/pkg`: hashed names are kept for a year, the rest revalidate.
pub async fn pkg_cache_policy(req: Request, next: Next) -> Response {
    let hashed = req.uri().path().rsplit('/').next().is_some_and(is_hashed_name);
    let mut res = next.run(req).await;
    if res.status().is_success() {
        let policy = if hashed { IMMUTABLE } else { REVALIDATE };
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        // The answer depends on Accept-Encoding (a precompressed copy or the file itself).
        if !headers.contains_key(header::VARY) {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    res
}

/// On-the-fly brotli or gzip for responses that gain from it: not images (JPEG frames and
/// photos), not recordings, not responses already encoded (the precompressed files).
pub fn compression() -> CompressionLayer<impl Predicate> {
    let predicate = DefaultPredicate::new().and(NotForContentType::const_new("video/"));
    CompressionLayer::new().br(true).gzip(true).compress_when(predicate)
}

/// Middleware: responses that say nothing about caching revalidate, privately.
pub async fn default_cache_policy(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(PRIVATE_REVALIDATE));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_with_a_content_hash_are_immutable() {
        assert!(is_hashed_name("vigil.Qm7yF3rS0kXw-_aZ1bC2dE.wasm"));
        assert!(!is_hashed_name("vigil.wasm"));
        assert!(!is_hashed_name("vigil_bg.wasm"));
        assert!(!is_hashed_name("vigil.short.css"));
        assert!(!is_hashed_name("snippets"));
    }
}
