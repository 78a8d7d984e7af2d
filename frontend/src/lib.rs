//! The site's WASM entry point: hydrates the staff sign-in and the staff pages (`app::App`),
//! loading the code of a lazily loaded route first when the page is one (each route then sets
//! `window.__vigil_hydrated`, see `app::components::hydrated`). The candidate's pages and the
//! phone's have bundles of their own (`frontend-candidate`, `frontend-phone`; see `app::bundle`).
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
