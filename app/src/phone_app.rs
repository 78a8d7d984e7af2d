//! The phone's own application. A phone opened from the QR code runs only this: its own small
//! bundle (`frontend-phone`, served from `/pkg/phone/`), without the router's other routes,
//! the sign-in pages or any lazy-route machinery, so a phone on mobile data downloads the
//! phone page's code and nothing else. The server renders `/phone` with [`phone_shell`] and
//! the phone bundle hydrates [`PhoneApp`], the same component tree.
use crate::app::{Frame, head_start};
use crate::components::hydrated::HydratedMark;
use crate::pages::phone::PhonePage;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};
use leptos_router::{
    components::{Route, Routes},
    path,
};

/// The phone bundle's directory under the site root, and its output name (the site's: see
/// Cargo.toml).
pub const PHONE_PKG_DIR: &str = "pkg/phone";
pub const PHONE_OUTPUT: &str = "vigil";

/// The phone bundle's files in [`PHONE_PKG_DIR`] (content-hashed names in a release build).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneBundle {
    pub js: String,
    pub wasm: String,
}

impl Default for PhoneBundle {
    fn default() -> Self {
        Self { js: format!("{PHONE_OUTPUT}.js"), wasm: format!("{PHONE_OUTPUT}.wasm") }
    }
}

impl PhoneBundle {
    /// The names a cargo-leptos hash file gives (`js: <hash>` and `wasm: <hash>` lines); the
    /// plain names for what it does not list.
    pub fn from_hash_file(text: &str) -> Self {
        let mut bundle = Self::default();
        for (kind, hash) in text.lines().filter_map(|l| l.split_once(':')) {
            match kind.trim() {
                "js" => bundle.js = format!("{PHONE_OUTPUT}.{}.js", hash.trim()),
                "wasm" => bundle.wasm = format!("{PHONE_OUTPUT}.{}.wasm", hash.trim()),
                _ => {}
            }
        }
        bundle
    }
}

/// The document around the phone page: the site's stylesheet, the phone bundle's script.
pub fn phone_shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::site::set_page_policy();
    #[cfg(feature = "ssr")]
    let bundle = crate::server::site::phone_bundle();
    #[cfg(not(feature = "ssr"))]
    let bundle = PhoneBundle::default();
    let js = format!("/{PHONE_PKG_DIR}/{}", bundle.js);
    let wasm = format!("/{PHONE_PKG_DIR}/{}", bundle.wasm);
    let nonce = leptos::nonce::use_nonce();
    let start = format!(
        "import init, {{ hydrate }} from {js:?}; init({{ module_or_path: {wasm:?} }}).then(hydrate);"
    );
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                {head_start()}
                <HashedStylesheet id="leptos" options />
                <link rel="modulepreload" href=js.clone() />
                <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin="" />
                <script type="module" nonce=nonce>{start}</script>
                <MetaTags />
            </head>
            <body>
                <PhoneApp />
            </body>
        </html>
    }
}

/// The phone's application root: the frame of every page and the one route.
#[component]
pub fn PhoneApp() -> impl IntoView {
    view! {
        <Frame>
            <Routes fallback=|| view! { <OtherApp /> }>
                <Route path=path!("/phone") view=|| view! { <PhonePage /> <HydratedMark /> } />
            </Routes>
        </Frame>
    }
}

/// A link followed from the phone page (the brand, say) leads out of this application: the
/// browser loads that page from the server, which renders it with the site's own bundle.
#[component]
fn OtherApp() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        let _ = window().location().reload();
    });
}

#[cfg(test)]
mod tests {
    use super::PhoneBundle;

    #[test]
    fn the_hash_file_names_the_bundle() {
        let text = "js: AbC\nwasm: dEf\ncss: x\n";
        let b = PhoneBundle::from_hash_file(text);
        assert_eq!(b.js, "vigil.AbC.js");
        assert_eq!(b.wasm, "vigil.dEf.wasm");
        assert_eq!(PhoneBundle::from_hash_file(""), PhoneBundle::default());
    }
}
