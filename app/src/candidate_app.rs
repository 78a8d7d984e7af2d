//! The candidate's own application: the sign-in page, the journey (with the exam screen) and
//! the practice device check, in a bundle of their own (`frontend-candidate`, served from
//! `/pkg/candidate/`, see `crate::bundle`). The sign-in page is in its first piece; the
//! journey and the device check load when their page comes, as lazily loaded routes of this
//! program, which keeps none of the staff pages' code. The server renders these routes with
//! [`candidate_shell`] and the candidate bundle hydrates [`CandidateApp`], the same tree.
use crate::app::{Frame, head_start};
use crate::bundle::{BundleKind, OtherApp, bundle_scripts, served};
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

/// The document around the candidate's pages: the site's stylesheet, the candidate bundle.
pub fn candidate_shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        crate::server::site::set_page_policy();
        // The lazily loaded pieces a page rendered here uses are named in its head, so the
        // browser fetches them beside the bundle instead of after it.
        crate::server::site::provide_candidate_splits();
    }
    let bundle = served(BundleKind::Candidate);
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                {head_start()}
                <HashedStylesheet id="leptos" options />
                {bundle_scripts(&bundle)}
                <MetaTags />
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
