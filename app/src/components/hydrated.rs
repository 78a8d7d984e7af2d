//! The mark that a page's own code is running: `window.__vigil_hydrated`, which the end-to-end
//! tests wait for before they click. Each route's view carries one, so a route whose code
//! loads later (see `crate::routes`) is marked only once that code has taken over its page.
use leptos::prelude::*;

#[component]
pub fn HydratedMark() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::set(&window, &"__vigil_hydrated".into(), &true.into());
        }
    });
}
