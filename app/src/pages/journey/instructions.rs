//! Step 6: the exam's instructions and "I have read and understood".
use super::Reload;
use crate::api::journey::AcknowledgeInstructions;
use crate::components::error_text::ErrorText;
use crate::i18n::*;
use domain::exam::instructions_in;
use domain::journey::JourneyState;
use leptos::prelude::*;

#[component]
pub fn InstructionsStep(s: JourneyState) -> impl IntoView {
    let i18n = use_i18n();
    let reload = expect_context::<Reload>();
    let read = RwSignal::new(false);
    let ack = ServerAction::<AcknowledgeInstructions>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = ack.value().get() {
            reload.now();
        }
    });
    // Rendered and made safe on the server (`backend::markdown`); in the page's language when
    // the exam gives both, and following a change of language.
    let (en, zh) = (s.instructions_html.clone(), s.instructions_zh_html.clone());
    let html = move || instructions_in(i18n.get_locale() == Locale::zh, &en, &zh).to_string();
    view! {
        <p class="notice ok" role="status" id="phone-connected">{tr!(i18n, phone_connected)}</p>
        <h1>{tr!(i18n, step_instructions)}</h1>
        <div class="instructions" id="instructions" inner_html=html></div>
        <label class="check">
            <input type="checkbox" id="instructions-read" prop:checked=move || read.get()
                on:change=move |ev| read.set(event_target_checked(&ev)) />
            {tr!(i18n, instructions_read)}
        </label>
        <div class="actions">
            <button class="primary" id="instructions-continue"
                disabled=move || !read.get() || ack.pending().get()
                on:click=move |_| { ack.dispatch(AcknowledgeInstructions {}); }>
                {tr!(i18n, continue_button)}
            </button>
        </div>
        {move || ack.value().get().and_then(|r| r.err()).map(|err| view! { <ErrorText err /> })}
    }
}
