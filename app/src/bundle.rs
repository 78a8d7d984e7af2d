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
    /// A split bundle's manifest of pieces (`__wasm_split_manifest.<hash>.json`) and the script
    /// that loads them (`__wasm_split.<hash>.js`); `None` when the hash file names none.
    pub manifest: Option<String>,
    pub loader: Option<String>,
}

impl Bundle {
    /// The plain names of an unhashed (development) build.
    pub fn plain(kind: BundleKind) -> Self {
        Self {
            kind,
            js: format!("{OUTPUT}.js"),
            wasm: format!("{OUTPUT}.wasm"),
            manifest: None,
            loader: None,
        }
    }

    /// The names a cargo-leptos hash file gives (`js:`, `wasm:`, `manifest:` and `split:`
    /// lines, each with a hash); the plain names for what it does not list.
    pub fn from_hash_file(kind: BundleKind, text: &str) -> Self {
        let mut bundle = Self::plain(kind);
        for (file, hash) in text.lines().filter_map(|l| l.split_once(':')) {
            let hash = hash.trim();
            match file.trim() {
                "js" => bundle.js = format!("{OUTPUT}.{hash}.js"),
                "wasm" => bundle.wasm = format!("{OUTPUT}.{hash}.wasm"),
                "manifest" => bundle.manifest = Some(format!("__wasm_split_manifest.{hash}.json")),
                "split" => bundle.loader = Some(format!("__wasm_split.{hash}.js")),
                _ => {}
            }
        }
        bundle
    }

    /// The URL of a file in its directory.
    pub fn url(&self, file: &str) -> String {
        format!("/{}/{file}", self.kind.pkg_dir())
    }

    /// The URL of its JS glue.
    pub fn js_url(&self) -> String {
        self.url(&self.js)
    }

    /// The URL of its WASM.
    pub fn wasm_url(&self) -> String {
        self.url(&self.wasm)
    }
}

/// What a page with a lazily loaded route needs beside its bundle: the URLs of the route's
/// pieces and of the script that loads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutePieces {
    pub wasm: Vec<String>,
    pub loader: String,
}

/// The bundle of this kind the server serves (from the request's `AppState`).
pub fn served(kind: BundleKind) -> Bundle {
    #[cfg(feature = "ssr")]
    return crate::server::site::bundle(kind);
    #[cfg(not(feature = "ssr"))]
    Bundle::plain(kind)
}

/// The document around a page of an application with a bundle of its own (the candidate's,
/// the phone's): the site's stylesheet, what the page itself puts in its head (the journey's
/// photo, say: fetched first), then the bundle.
pub fn bundle_shell(
    options: LeptosOptions,
    kind: BundleKind,
    pieces: Option<RoutePieces>,
    app: impl IntoView + 'static,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::site::set_page_policy();
    let bundle = served(kind);
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                {crate::app::head_start()}
                <leptos_meta::HashedStylesheet id="leptos" options />
                <leptos_meta::MetaTags />
                {bundle_scripts(&bundle, pieces)}
            </head>
            <body>{app}</body>
        </html>
    }
}

/// What loads and starts a bundle, in the page's `<head>`. Without route pieces: its JS and
/// WASM fetched at once, then its `hydrate` export run on the server-rendered page. With them
/// (a lazily loaded route: the journey, the device check): the WASM and the route's pieces are
/// fetched side by side once the page has loaded (its stylesheet and images), not before: on a
/// slow line the code would otherwise take the bandwidth the page's own picture needs, and the
/// page would look finished only once most of the code had arrived.
fn bundle_scripts(bundle: &Bundle, pieces: Option<RoutePieces>) -> impl IntoView + use<> {
    let (js, wasm) = (bundle.js_url(), bundle.wasm_url());
    let nonce = leptos::nonce::use_nonce();
    let init = format!("init({{ module_or_path: {wasm:?} }}).then(hydrate);");
    let (start, wasm_preload, loader) = match pieces {
        None => (init, Some(wasm), None),
        Some(RoutePieces { wasm: pieces, loader }) => {
            let pieces = serde_json::to_string(&pieces).unwrap_or_else(|_| "[]".to_string());
            let start = format!(
                "const start = () => {{ \
                   for (const href of {pieces}) {{ \
                     const l = document.createElement('link'); l.rel = 'preload'; l.as = 'fetch'; \
                     l.type = 'application/wasm'; l.crossOrigin = ''; l.href = href; document.head.append(l); \
                   }} \
                   {init} \
                 }}; \
                 if (document.readyState === 'complete') start(); \
                 else addEventListener('load', start, {{ once: true }});"
            );
            (start, None, Some(loader))
        }
    };
    let script = format!("import init, {{ hydrate }} from {js:?}; {start}");
    view! {
        <link rel="modulepreload" href=js />
        {wasm_preload.map(|href| view! {
            <link rel="preload" href=href r#as="fetch" r#type="application/wasm" crossorigin="" />
        })}
        {loader.map(|href| view! { <link rel="modulepreload" href=href /> })}
        <script type="module" nonce=nonce>{script}</script>
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
        assert_eq!((b.manifest, b.loader), (None, None));
        let split = "js: AbC\nwasm: dEf\nmanifest: Man\nsplit: Spl\n";
        let c = Bundle::from_hash_file(BundleKind::Candidate, split);
        assert_eq!(c.js_url(), "/pkg/candidate/vigil.AbC.js");
        assert_eq!(c.manifest.as_deref(), Some("__wasm_split_manifest.Man.json"));
        assert_eq!(
            c.url(c.loader.as_deref().unwrap_or_default()),
            "/pkg/candidate/__wasm_split.Spl.js"
        );
        assert_eq!(
            Bundle::from_hash_file(BundleKind::Candidate, ""),
            Bundle::plain(BundleKind::Candidate)
        );
    }
}
