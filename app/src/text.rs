//! `tr!(i18n, key)`: a translated text that follows the language switch, with one view type
//! for every key. leptos_i18n's `t!` makes each text its own closure type, and each such type
//! gets its own copy of the view code (build, hydrate, rebuild, asynchronous hydration) in the
//! WASM; with ~600 texts that was a large share of every bundle. Texts with interpolated
//! values keep using `t!`.
use crate::i18n::Locale;
use leptos_i18n::I18nContext;

/// The text `key` picks, in the context's current language (tracked, so the view follows a
/// language switch). Non-generic: every call returns the same closure type.
pub fn text(
    i18n: I18nContext<Locale>,
    key: fn(Locale) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || key(i18n.get_locale())
}

/// `tr!(i18n, key)`: [`text`] for a key without interpolated values.
macro_rules! tr {
    ($i18n:expr, $key:ident) => {
        $crate::text::text($i18n, |locale| $crate::i18n::td_string!(locale, $key))
    };
}
