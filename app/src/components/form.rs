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
                    tr!(i18n, logging_in).into_any()
                } else {
                    tr!(i18n, login_button).into_any()
                }
            }}
        </button>
    }
}

/// The ID card number field for phones, with its label: digits on the numeric keypad, and an
/// **X** key beside it for the check character that keypad lacks (GB 11643). Until the page's
/// code runs the field takes any text, so a number typed before then can still end in X.
#[component]
pub fn IdCardField(#[prop(into)] id: String) -> impl IntoView {
    let i18n = use_i18n();
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let input = NodeRef::<leptos::html::Input>::new();
    let type_x = move |_| {
        if let Some(el) = input.get() {
            el.set_value(&format!("{}X", el.value()));
            let _ = el.focus();
        }
    };
    view! {
        <div class="id-card-field">
            <label>
                <span>{tr!(i18n, id_card_label)}</span>
                <input id=id.clone() name=id node_ref=input autocomplete="off"
                    autocapitalize="characters" spellcheck="false" required maxlength="18"
                    inputmode=move || if ready.get() { "numeric" } else { "text" } />
            </label>
            <button type="button" class="id-card-x" disabled=move || !ready.get() on:click=type_x
                aria-label=move || t_string!(i18n, type_letter_x).to_string()>"X"</button>
        </div>
    }
}
