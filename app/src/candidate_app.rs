//! The candidate's own application: the sign-in page, the journey (with the exam screen) and
//! the practice device check, in a bundle of their own (`frontend-candidate`, served from
//! `/pkg/candidate/`, see `crate::bundle`). The sign-in page is in its first piece; the
//! journey and the device check load when their page comes, as lazily loaded routes of this
//! program, which keeps none of the staff pages' code. The server renders these routes with
//! [`candidate_shell`] and the candidate bundle hydrates [`CandidateApp`], the same tree.
use crate::app::{Frame, head_start};
use crate::bundle::{BundleKind, OtherApp, bundle_scripts, bundle_scripts_after_load, served};
use crate::components::hydrated::HydratedMark;
use crate::pages::candidate_login::CandidateLoginPage;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};
use leptos_router::{
    Lazy,
    components::{Route, Routes},
    path,
};

/// The paths of this application (the server renders them with [`candidate_shell`]; the
/// site's `App` sends a browser that reaches one of them to the server).
pub const CANDIDATE_PATHS: [&str; 3] = ["/", "/exam", "/device-check"];

/// The document around the candidate's pages: the site's stylesheet, what the page itself puts
/// in its head (its photo, say: fetched first), then the candidate bundle. A page with a lazily
/// loaded route (the journey, the device check) fetches the bundle and the route's pieces side
/// by side once the page has loaded; the sign-in page, which has no picture to wait for,
/// fetches its bundle at once.
pub fn candidate_shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::site::set_page_policy();
    #[cfg(feature = "ssr")]
    let pieces = crate::server::site::candidate_piece_preloads();
    #[cfg(not(feature = "ssr"))]
    let pieces: Vec<String> = Vec::new();
    let bundle = served(BundleKind::Candidate);
    let (loader, wasm_pieces): (Vec<String>, Vec<String>) =
        pieces.into_iter().partition(|href| href.ends_with(".js"));
    let loader = loader.into_iter().next();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                {head_start()}
                <HashedStylesheet id="leptos" options />
                <MetaTags />
                {if wasm_pieces.is_empty() {
                    bundle_scripts(&bundle).into_any()
                } else {
                    bundle_scripts_after_load(&bundle, &wasm_pieces).into_any()
                }}
                {loader.map(|href| view! { <link rel="modulepreload" href=href /> })}
            </head>
            <body>
                <CandidateApp />
            </body>
        </html>
    }
}

/// The candidate application's root: the frame of every page and the candidate's routes.
#[component]
pub fn CandidateApp() -> impl IntoView {
    view! {
        <Frame>
            <Routes fallback=|| view! { <OtherApp /> }>
                <Route path=path!("/") view=|| view! { <CandidateLoginPage /> <HydratedMark /> } />
                <Route path=path!("/exam") view={Lazy::<routes::Journey>::new()} />
                <Route path=path!("/device-check") view={Lazy::<routes::DeviceCheck>::new()} />
            </Routes>
        </Frame>
    }
}
