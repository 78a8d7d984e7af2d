//! The candidate's own application: the sign-in page, the journey (with the exam screen) and
//! the practice device check, in a bundle of their own (`frontend-candidate`, served from
//! `/pkg/candidate/`, see `crate::bundle`). The sign-in page is in its first piece; the
//! journey and the device check load when their page comes, as lazily loaded routes of this
//! program, which keeps none of the staff pages' code. The server renders these routes with
//! [`candidate_shell`] and the candidate bundle hydrates [`CandidateApp`], the same tree.
use crate::app::Frame;
use crate::bundle::{BundleKind, OtherApp, bundle_shell};
use crate::components::hydrated::HydratedMark;
use crate::pages::candidate_login::CandidateLoginPage;
use crate::routes;
use leptos::prelude::*;
use leptos_router::{
    Lazy,
    components::{Route, Routes},
    path,
};

/// The paths of this application (the server renders them with [`candidate_shell`]; the
/// site's `App` sends a browser that reaches one of them to the server), and for each lazily
/// loaded one the start of its piece's name in the split manifest (`#[lazy_route]` names the
/// piece of route `Journey` `__journey_view_<hash>`).
pub const CANDIDATE_PAGES: [(&str, Option<&str>); 3] = [
    ("/", None),
    ("/exam", Some("__journey_view_")),
    ("/device-check", Some("__device_check_view_")),
];

/// The document around the candidate's pages (see [`bundle_shell`]): a page with a lazily
/// loaded route (the journey, the device check) fetches its code once the page has loaded;
/// the sign-in page, which has no picture to wait for, fetches its bundle at once.
pub fn candidate_shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let pieces = crate::server::site::candidate_route_pieces();
    #[cfg(not(feature = "ssr"))]
    let pieces = None;
    bundle_shell(options, BundleKind::Candidate, pieces, view! { <CandidateApp /> })
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
