//! The phone's WASM entry point: hydrates the phone page (`app::phone_app::PhoneApp`), the
//! only page a phone opened from the QR code shows. Its own bundle, so the phone downloads
//! none of the PC journey, the sign-in pages or the staff pages (see `frontend` for those).
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::phone_app::PhoneApp);
}
