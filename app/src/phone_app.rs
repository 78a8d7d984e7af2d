//! The phone's own application. A phone opened from the QR code runs only this: its own small
//! bundle (`frontend-phone`, served from `/pkg/phone/`), without the router's other routes,
//! the sign-in pages or any lazy-route machinery, so a phone on mobile data downloads the
//! phone page's code and nothing else (see `crate::bundle`). The server renders `/phone` with [`phone_shell`] and
//! the phone bundle hydrates [`PhoneApp`], the same component tree.
use crate::app::Frame;
use crate::bundle::{BundleKind, OtherApp, bundle_shell};
use crate::components::hydrated::HydratedMark;
use crate::pages::phone::PhonePage;
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Routes},
    path,
};

/// The document around the phone page (see [`bundle_shell`]).
pub fn phone_shell(options: LeptosOptions) -> impl IntoView {
    bundle_shell(options, BundleKind::Phone, None, view! { <PhoneApp /> })
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
