//! The candidate's WASM entry point: hydrates the candidate's pages
//! (`app::candidate_app::CandidateApp`: the sign-in page, the journey, the practice device
//! check), loading the code of a lazily loaded route first when the page is one. Its own
//! bundle, so a candidate downloads none of the staff pages (see `app::bundle`).
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::candidate_app::CandidateApp);
}
