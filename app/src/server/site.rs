//! How the site is reached: the public URL an operator sets (`--public-url`), used for the
//! Origin check of every state-changing request and socket upgrade, `Secure` cookies, and
//! links such as the phone's QR code; and the token that guards `/metrics`.
use crate::bundle::{Bundle, BundleKind, RoutePieces};
use http::HeaderMap;
use std::collections::HashMap;

/// The site's public face.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteConfig {
    /// `scheme://host[:port]` browsers use, when configured (else the request's `Host`).
    pub public_origin: Option<String>,
    /// Bearer token for `/metrics` (an admin's session may read it too).
    pub metrics_token: Option<String>,
    /// The build this process serves (a digest of its hash file), `None` when the assets carry
    /// no hash: in every page (`<meta name="vigil-build">`) and at `GET /build`, so a tab
    /// opened before a deploy sees that it must reload.
    pub build: Option<String>,
    /// The phone bundle's file names (see [`crate::bundle`]).
    pub phone: Bundle,
    /// The candidate bundle's file names, and by path the pieces of each lazily loaded route
    /// (see [`route_pieces`]).
    pub candidate: Bundle,
    pub candidate_pieces: HashMap<String, RoutePieces>,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            public_origin: None,
            metrics_token: None,
            build: None,
            phone: Bundle::plain(BundleKind::Phone),
            candidate: Bundle::plain(BundleKind::Candidate),
            candidate_pieces: HashMap::new(),
        }
    }
}

/// Why a split bundle's manifest could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PiecesError {
    #[error("cannot read {0}: {1}")]
    Read(std::path::PathBuf, std::io::Error),
    #[error("cannot parse {0}: {1}")]
    Parse(std::path::PathBuf, serde_json::Error),
}

/// The pieces of each lazily loaded route of a split bundle, read once at start from the
/// manifest its hash file names (cargo-leptos' `__wasm_split_manifest.<hash>.json`: for each
/// lazily loaded function, the pieces it needs). `pages` names the routes: a path and the start
/// of its piece's name in the manifest. Empty for a bundle that is not split.
pub fn route_pieces(
    site_root: &std::path::Path,
    bundle: &Bundle,
    pages: &[(&str, Option<&str>)],
) -> Result<HashMap<String, RoutePieces>, PiecesError> {
    let (Some(manifest), Some(loader)) = (&bundle.manifest, &bundle.loader) else {
        return Ok(HashMap::new());
    };
    let path = site_root.join(bundle.kind.pkg_dir()).join(manifest);
    let text = std::fs::read_to_string(&path).map_err(|e| PiecesError::Read(path.clone(), e))?;
    let manifest: HashMap<String, Vec<String>> =
        serde_json::from_str(&text).map_err(|e| PiecesError::Parse(path, e))?;
    Ok(pages
        .iter()
        .filter_map(|(page, route)| Some((page, (*route)?)))
        .map(|(page, route)| {
            let wasm = manifest
                .iter()
                .filter(|(key, _)| key.starts_with(route))
                .flat_map(|(_, pieces)| pieces.iter())
                .map(|piece| bundle.url(&format!("{piece}.wasm")))
                .collect();
            (page.to_string(), RoutePieces { wasm, loader: bundle.url(loader) })
        })
        .filter(|(_, pieces)| !pieces.wasm.is_empty())
        .collect())
}

impl SiteConfig {
    /// The build's name as pages and `GET /build` give it (`dev` without hashed assets).
    pub fn build_name(&self) -> &str {
        self.build.as_deref().unwrap_or("dev")
    }
}

/// Why a public URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("public URL must be http(s)://host[:port] with no path, got {0:?}")]
pub struct BadPublicUrl(pub String);

/// `scheme://host[:port]`, lower-case, from a configured URL (a trailing `/` is allowed).
pub fn parse_public_url(raw: &str) -> Result<String, BadPublicUrl> {
    let bad = || BadPublicUrl(raw.to_string());
    let t = raw.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, rest) = t.split_once("://").ok_or_else(bad)?;
    let host_ok =
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c));
    if !matches!(scheme, "http" | "https") || !host_ok {
        return Err(bad());
    }
    Ok(format!("{scheme}://{rest}"))
}

fn header(headers: &HeaderMap, name: impl http::header::AsHeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `scheme://host[:port]` of a URL (an `Origin` or a `Referer`), lower-case.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty())?;
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase()))
}

/// The host part of an origin (`host[:port]`).
fn host_of(origin: &str) -> &str {
    origin.split_once("://").map_or(origin, |(_, h)| h)
}

/// The rule for a state-changing request or a socket upgrade: a browser names where the
/// request comes from (`Origin`, else `Referer`); it must be the site itself — the
/// configured public origin, or, when none is configured, the `Host` the request was sent to
/// (any scheme, since a TLS proxy may sit in front). A browser request that names no origin
/// but says it is cross-site (`Sec-Fetch-Site`) is refused too. A request from no browser at
/// all (no such header: scripts, the simulator) is not a cross-site forgery and passes.
pub fn same_origin(
    public_origin: Option<&str>,
    host: Option<&str>,
    origin: Option<&str>,
    referer: Option<&str>,
    fetch_site: Option<&str>,
) -> bool {
    let claimed = match (origin, referer) {
        (Some(o), _) => Some(o),
        (None, Some(r)) => Some(r),
        (None, None) => None,
    };
    let Some(claimed) = claimed else {
        return !matches!(fetch_site, Some("cross-site" | "same-site"));
    };
    // `Origin: null` (sandboxed frames, some redirects) never matches.
    let Some(claimed) = origin_of(claimed) else { return false };
    match public_origin {
        Some(expected) => claimed == expected,
        None => host.is_some_and(|h| host_of(&claimed) == h.to_ascii_lowercase()),
    }
}

impl SiteConfig {
    /// Whether this request reached the site over HTTPS: the public URL says so, or, when
    /// none is configured, the proxy's `X-Forwarded-Proto`.
    pub fn is_https(&self, headers: &HeaderMap) -> bool {
        match &self.public_origin {
            Some(o) => o.starts_with("https://"),
            None => header(headers, "x-forwarded-proto")
                .is_some_and(|v| v.eq_ignore_ascii_case("https")),
        }
    }

    /// The site's origin for links: the public URL, else the request's `Host`.
    pub fn origin(&self, headers: &HeaderMap) -> Option<String> {
        if let Some(o) = &self.public_origin {
            return Some(o.clone());
        }
        let host = header(headers, http::header::HOST)?;
        Some(format!("{}://{host}", if self.is_https(headers) { "https" } else { "http" }))
    }

    /// [`same_origin`] for a request's headers.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        same_origin(
            self.public_origin.as_deref(),
            header(headers, http::header::HOST),
            header(headers, http::header::ORIGIN),
            header(headers, http::header::REFERER),
            header(headers, "sec-fetch-site"),
        )
    }
}

/// The page's Content Security Policy: scripts only from the site and the inline ones that
/// carry this response's nonce (hydration, streamed resources), WebAssembly allowed, nothing
/// from elsewhere, never inside a frame. Set on the HTML response from the shell, where the
/// nonce is known.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; media-src 'self' blob:; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The build that renders the page being served (from the request's `AppState`).
pub fn page_build() -> String {
    leptos::prelude::use_context::<super::state::AppState>()
        .map_or_else(|| "dev".to_string(), |s| s.site.build_name().to_string())
}

/// A bundle's file names, for its application's shell.
pub fn bundle(kind: BundleKind) -> Bundle {
    leptos::prelude::use_context::<super::state::AppState>().map_or_else(
        || Bundle::plain(kind),
        |s| match kind {
            BundleKind::Phone => s.site.phone.clone(),
            BundleKind::Candidate => s.site.candidate.clone(),
        },
    )
}

/// The pieces the candidate page being rendered loads for its lazily loaded route, if it has
/// one. The candidate's pages are rendered whole before they are sent, so Leptos' own
/// preloads, which it adds to a streamed page, do not come: the shell names them.
pub fn candidate_route_pieces() -> Option<RoutePieces> {
    use leptos::prelude::use_context;
    let state = use_context::<super::state::AppState>()?;
    let parts = use_context::<http::request::Parts>()?;
    state.site.candidate_pieces.get(parts.uri.path()).cloned()
}

/// Puts [`page_policy`] on the response being rendered (called by the shell).
pub fn set_page_policy() {
    let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(v) = http::HeaderValue::from_str(&page_policy(&nonce.to_string())) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_normalised_origins() {
        assert_eq!(
            parse_public_url("HTTPS://Exam.Example.edu/").as_deref(),
            Ok("https://exam.example.edu")
        );
        assert_eq!(
            parse_public_url("http://127.0.0.1:3000").as_deref(),
            Ok("http://127.0.0.1:3000")
        );
        assert!(parse_public_url("exam.example.edu").is_err());
        assert!(parse_public_url("ftp://x").is_err());
        assert!(parse_public_url("https://x/exam").is_err());
    }

    #[test]
    fn only_the_site_itself_may_change_state() {
        let p = Some("https://exam.example.edu");
        let ok = |o, r, f| same_origin(p, Some("exam.example.edu"), o, r, f);
        assert!(ok(Some("https://exam.example.edu"), None, Some("same-origin")));
        assert!(!ok(Some("https://evil.example"), None, Some("cross-site")));
        assert!(!ok(Some("http://exam.example.edu"), None, None), "scheme must match");
        assert!(!ok(Some("null"), None, None));
        assert!(ok(None, Some("https://exam.example.edu/exam?x=1"), None));
        assert!(!ok(None, Some("https://evil.example/"), None));
        assert!(!ok(None, None, Some("cross-site")));
        assert!(ok(None, None, None), "no browser: not a forgery");
        assert!(ok(None, None, Some("none")), "typed in the address bar");
    }

    #[test]
    fn without_a_public_url_the_host_decides() {
        let host = Some("127.0.0.1:3000");
        assert!(same_origin(None, host, Some("http://127.0.0.1:3000"), None, None));
        assert!(same_origin(None, host, Some("https://127.0.0.1:3000"), None, None));
        assert!(!same_origin(None, host, Some("http://127.0.0.1:3001"), None, None));
        assert!(!same_origin(None, None, Some("http://127.0.0.1:3000"), None, None));
    }
}
