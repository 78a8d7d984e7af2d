//! The WASM entry point: hydrates the server-rendered page, loading the code of a lazy route
//! first when the page is one (each route then sets
//! `window.__vigil_hydrated`, see `app::components::hydrated`).
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
