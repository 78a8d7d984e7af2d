//! The site's WASM bundles besides the main one. A page is served by exactly one application
//! and loads that application's bundle only:
//! - the **site** (`frontend`, `/pkg/`): the staff sign-in and every staff page ([`crate::App`]);
//! - the **candidate** (`frontend-candidate`, `/pkg/candidate/`): the sign-in page, the
//!   journey and the practice device check ([`crate::candidate_app::CandidateApp`]);
//! - the **phone** (`frontend-phone`, `/pkg/phone/`): the phone page
//!   ([`crate::phone_app::PhoneApp`]).
//!
//! A program linked for a few pages keeps only what those pages call; cut out of one program
//! for all pages, a lazily loaded piece takes every function that any other page shares with
//! it (see BENCHMARKS.md, page load).
use leptos::prelude::*;

/// The output name every bundle shares (the site's: see Cargo.toml).
pub const OUTPUT: &str = "vigil";

/// Which of the extra bundles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleKind {
    Candidate,
    Phone,
}

impl BundleKind {
    /// Its directory under the site root.
    pub const fn pkg_dir(self) -> &'static str {
        match self {
            Self::Candidate => "pkg/candidate",
            Self::Phone => "pkg/phone",
        }
    }

    /// Its hash file's name, beside the site's `hash.txt`.
    pub const fn hash_file(self) -> &'static str {
        match self {
            Self::Candidate => "candidate-hash.txt",
            Self::Phone => "phone-hash.txt",
        }
    }
}

/// A bundle's files in its directory (content-hashed names in a release build).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    pub kind: BundleKind,
    pub js: String,
    pub wasm: String,
}

impl Bundle {
    /// The plain names of an unhashed (development) build.
    pub fn plain(kind: BundleKind) -> Self {
        Self { kind, js: format!("{OUTPUT}.js"), wasm: format!("{OUTPUT}.wasm") }
    }

    /// The names a cargo-leptos hash file gives (`js: <hash>` and `wasm: <hash>` lines); the
    /// plain names for what it does not list.
    pub fn from_hash_file(kind: BundleKind, text: &str) -> Self {
        let mut bundle = Self::plain(kind);
        for (file, hash) in text.lines().filter_map(|l| l.split_once(':')) {
            match file.trim() {
                "js" => bundle.js = format!("{OUTPUT}.{}.js", hash.trim()),
                "wasm" => bundle.wasm = format!("{OUTPUT}.{}.wasm", hash.trim()),
                _ => {}
            }
        }
        bundle
    }

    /// The URL of its JS glue.
    pub fn js_url(&self) -> String {
        format!("/{}/{}", self.kind.pkg_dir(), self.js)
    }

    /// The URL of its WASM.
    pub fn wasm_url(&self) -> String {
        format!("/{}/{}", self.kind.pkg_dir(), self.wasm)
    }
}

/// The bundle of this kind the server serves (from the request's `AppState`).
pub fn served(kind: BundleKind) -> Bundle {
    #[cfg(feature = "ssr")]
    return crate::server::site::bundle(kind);
    #[cfg(not(feature = "ssr"))]
    Bundle::plain(kind)
}

/// What loads and starts a bundle, in the page's `<head>`: its JS and WASM fetched at once,
/// then its `hydrate` export run on the server-rendered page.
pub fn bundle_scripts(bundle: &Bundle) -> impl IntoView + use<> {
    let (js, wasm) = (bundle.js_url(), bundle.wasm_url());
    let nonce = leptos::nonce::use_nonce();
    let start = format!(
        "import init, {{ hydrate }} from {js:?}; init({{ module_or_path: {wasm:?} }}).then(hydrate);"
    );
    view! {
        <link rel="modulepreload" href=js />
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin="" />
        <script type="module" nonce=nonce>{start}</script>
    }
}

/// Like [`bundle_scripts`], but the WASM and the `pieces` the page's route needs are fetched
/// once the page has loaded (its stylesheet and images: a candidate's photo, say), not before:
/// on a slow line the code would otherwise take the bandwidth the page's own picture needs,
/// and the page would look finished only once most of the code had arrived. The pieces are
/// then fetched side by side with the WASM, not after it.
pub fn bundle_scripts_after_load(bundle: &Bundle, pieces: &[String]) -> impl IntoView + use<> {
    let (js, wasm) = (bundle.js_url(), bundle.wasm_url());
    let nonce = leptos::nonce::use_nonce();
    let pieces = serde_json::to_string(pieces).unwrap_or_else(|_| "[]".to_string());
    let start = format!(
        "import init, {{ hydrate }} from {js:?}; \
         const start = () => {{ \
           for (const href of {pieces}) {{ \
             const l = document.createElement('link'); l.rel = 'preload'; l.as = 'fetch'; \
             l.type = 'application/wasm'; l.crossOrigin = ''; l.href = href; document.head.append(l); \
           }} \
           init({{ module_or_path: {wasm:?} }}).then(hydrate); \
         }}; \
         if (document.readyState === 'complete') start(); \
         else addEventListener('load', start, {{ once: true }});"
    );
    view! {
        <link rel="modulepreload" href=js />
        <script type="module" nonce=nonce>{start}</script>
    }
}

/// A route that belongs to another application (a link from a staff page to the candidate's
/// sign-in, the brand on the phone page): the browser loads that page from the server, which
/// renders it with its own application and bundle. The router's location, not the address
/// bar's: the router changes the address bar only once the new route has rendered.
#[component]
pub fn OtherApp() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        let href = other_app_href(
            &location.pathname.get_untracked(),
            &location.search.get_untracked(),
            &location.hash.get_untracked(),
        );
        #[cfg(feature = "hydrate")]
        let _ = window().location().assign(&href);
        #[cfg(not(feature = "hydrate"))]
        let _ = href;
    });
}

/// The address of a route from its parts, with `?` and `#` where the parts lack them.
fn other_app_href(path: &str, search: &str, hash: &str) -> String {
    let mut href = path.to_string();
    if !search.is_empty() {
        if !search.starts_with('?') {
            href.push('?');
        }
        href.push_str(search);
    }
    if !hash.is_empty() {
        if !hash.starts_with('#') {
            href.push('#');
        }
        href.push_str(hash);
    }
    href
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_applications_route_is_loaded_at_its_whole_address() {
        assert_eq!(other_app_href("/", "", ""), "/");
        assert_eq!(other_app_href("/phone", "t=00", ""), "/phone?t=00");
        assert_eq!(other_app_href("/exam", "?a=1", "#top"), "/exam?a=1#top");
        assert_eq!(other_app_href("/exam", "", "top"), "/exam#top");
    }

    #[test]
    fn the_hash_file_names_the_bundle() {
        let text = "js: AbC\nwasm: dEf\ncss: x\n";
        let b = Bundle::from_hash_file(BundleKind::Phone, text);
        assert_eq!(b.js_url(), "/pkg/phone/vigil.AbC.js");
        assert_eq!(b.wasm_url(), "/pkg/phone/vigil.dEf.wasm");
        let c = Bundle::from_hash_file(BundleKind::Candidate, text);
        assert_eq!(c.js_url(), "/pkg/candidate/vigil.AbC.js");
        assert_eq!(
            Bundle::from_hash_file(BundleKind::Candidate, ""),
            Bundle::plain(BundleKind::Candidate)
        );
    }
}
