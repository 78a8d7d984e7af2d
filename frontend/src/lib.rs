//! The WASM entry point: hydrates the server-rendered page, then sets
//! `window.__vigil_hydrated` (end-to-end tests wait for it before clicking).
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"__vigil_hydrated".into(), &true.into());
    }
}
