//! A message composer: quick messages (the exam's, or the defaults in the proctor's
//! language) that fill the text, free text, and a send button.
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// The default quick messages, in the proctor's language.
pub fn default_presets(i18n: I18nContext<Locale>) -> Vec<String> {
    vec![
        t_string!(i18n, preset_desk).to_string(),
        t_string!(i18n, preset_face).to_string(),
        t_string!(i18n, preset_phone).to_string(),
        t_string!(i18n, preset_quiet).to_string(),
        t_string!(i18n, preset_help).to_string(),
    ]
}

#[component]
pub fn Composer(
    /// `id` of the textarea (and prefix of the form's other ids).
    id: &'static str,
    /// The exam's quick messages (`None`: the defaults).
    presets: Signal<Option<Vec<String>>>,
    #[prop(into)] placeholder: Signal<String>,
    #[prop(into)] button: Signal<String>,
    pending: Signal<bool>,
    on_send: Callback<String>,
    /// Whether to offer the quick messages (default: yes).
    #[prop(optional)]
    show_presets: Option<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let presets = move || presets.get().unwrap_or_else(|| default_presets(i18n));
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = text.get_untracked();
        if !body.trim().is_empty() {
            on_send.run(body);
            text.set(String::new());
        }
    };
    view! {
        <form class="composer" on:submit=send>
            {show_presets.unwrap_or(true).then(|| view! {
                <div class="presets" role="group" aria-label=move || t_string!(i18n, console_presets).to_string()>
                    {move || presets().into_iter().map(|p| {
                        let fill = p.clone();
                        view! { <button type="button" class="preset" on:click=move |_| text.set(fill.clone())>{p}</button> }
                    }).collect_view()}
                </div>
            })}
            <textarea id=id rows="3" maxlength="1000" placeholder=move || placeholder.get()
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <button type="submit" class="primary" id=format!("{id}-send")
                disabled=move || pending.get() || text.with(|t| t.trim().is_empty())>
                {move || button.get()}
            </button>
        </form>
    }
}
