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
    };
    view! {
        <button
            class="lang-switch"
            id="lang-switch"
            on:click=toggle
            title=move || t_string!(i18n, lang_switch_label).to_string()
        >
            {t!(i18n, lang_switch)}
        </button>
    }
}

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"◉"</span>
                <span class="brand-name">{t!(i18n, app_name)}</span>
                <span class="brand-tag">{t!(i18n, tagline)}</span>
            </A>
            <nav class="topnav">
                <A href="/">{t!(i18n, nav_candidate)}</A>
                <A href="/proctor">{t!(i18n, nav_rooms)}</A>
                <A href="/admin">{t!(i18n, nav_admin)}</A>
                <LangSwitch />
            </nav>
        </header>
    }
}
