//! Pieces shared by the sign-in forms.
use crate::i18n::*;
use leptos::prelude::*;

/// The submit button of a sign-in form: disabled and relabelled while the action runs.
#[component]
pub fn SubmitButton(#[prop(into)] pending: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="submit" class="primary" disabled=move || pending.get()>
            {move || {
                if pending.get() {
                    t!(i18n, logging_in).into_any()
                } else {
                    t!(i18n, login_button).into_any()
                }
            }}
        </button>
    }
}
