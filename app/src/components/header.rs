//! The top bar: brand, navigation and the language switch.
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

/// Switches between English and Simplified Chinese (remembered in a cookie).
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |_| {
        let next = match i18n.get_locale() {
            Locale::en => Locale::zh,
            Locale::zh => Locale::en,
        };
        i18n.set_locale(next);
        #[cfg(feature = "hydrate")]
        remember_locale(next);
    };
    view! {
        <button
            class="lang-switch"
            id="lang-switch"
            on:click=toggle
            title=move || t_string!(i18n, lang_switch_label).to_string()
        >
            {tr!(i18n, lang_switch)}
        </button>
    }
}

/// The cookie that keeps the chosen language: read by the server (leptos_i18n, given this
/// name in [`crate::app::App`]), written by the page.
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// Remembers the language for the pages the server renders next, in [`LOCALE_COOKIE`] (the
/// browser writes it itself, so the WASM needs no cookie library).
#[cfg(feature = "hydrate")]
fn remember_locale(locale: Locale) {
    use wasm_bindgen::JsCast;
    if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
        let cookie =
            format!("{LOCALE_COOKIE}={}; path=/; max-age=31536000; samesite=lax", locale.as_str());
        let _ = doc.set_cookie(&cookie);
    }
}

/// Whether `path` is one of the staff pages (the only ones with staff navigation: candidates
/// and their phones see the brand and the language switch alone).
fn staff_route(path: &str) -> bool {
    ["/proctor", "/admin", "/staff"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let location = leptos_router::hooks::use_location();
    let staff = move || location.pathname.with(|p| staff_route(p));
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"◉"</span>
                <span class="brand-name">{tr!(i18n, app_name)}</span>
                <span class="brand-tag">{tr!(i18n, tagline)}</span>
            </A>
            <nav class="topnav">
                <Show when=staff>
                    <A href="/proctor">{tr!(i18n, nav_rooms)}</A>
                    <A href="/admin">{tr!(i18n, nav_admin)}</A>
                </Show>
                <LangSwitch />
            </nav>
        </header>
    }
}

#[cfg(test)]
mod tests {
    use super::staff_route;

    #[test]
    fn staff_navigation_only_on_staff_pages() {
        for p in ["/proctor", "/proctor/rooms/3", "/admin", "/admin/exams/1/roster", "/staff/login"]
        {
            assert!(staff_route(p), "{p}");
        }
        for p in ["/", "/exam", "/phone", "/device-check", "/proctors", "/administer"] {
            assert!(!staff_route(p), "{p}");
        }
    }
}
