//! Route-level components: each owns its data (resources, actions) and lays out components.
pub mod admin;
pub mod candidate_detail;
pub mod candidate_login;
pub mod device_check;
pub mod journey;
pub mod not_found;
pub mod phone;
pub mod proctor_rooms;
pub mod room_grid;
pub mod staff_login;

/// Full page load to `url` (so the next page renders with the new session cookie).
pub(crate) fn go_to(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// Opens the browser's print dialog (no inline handlers: the page's CSP forbids them).
pub(crate) fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// A staff page's loaded data: `ok`'s view, or the error (sending an expired session to the
/// staff sign-in page).
pub(crate) fn staff_view<T>(
    r: Result<T, domain::AppError>,
    ok: impl FnOnce(T) -> leptos::prelude::AnyView,
) -> leptos::prelude::AnyView {
    use crate::components::error_text::ErrorText;
    use domain::AppError;
    use leptos::prelude::*;
    match r {
        Ok(v) => ok(v),
        Err(AppError::Unauthenticated) => {
            go_to("/staff/login");
            view! { <ErrorText err=AppError::Unauthenticated /> }.into_any()
        }
        Err(err) => view! { <ErrorText err /> }.into_any(),
    }
}
