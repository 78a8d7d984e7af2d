//! Step 2: the identity record to check: confirm, or report that it is wrong.
use super::Reload;
use crate::api::journey::{ConfirmIdentity, ReportRecordWrong};
use crate::components::error_text::ErrorText;
use crate::i18n::*;
use domain::journey::JourneyState;
use leptos::prelude::*;
use leptos_meta::Link;

#[component]
pub fn IdentityStep(s: JourneyState) -> impl IntoView {
    let i18n = use_i18n();
    let reload = expect_context::<Reload>();
    let confirm = ServerAction::<ConfirmIdentity>::new();
    let report = ServerAction::<ReportRecordWrong>::new();
    let reporting = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = confirm.value().get() {
            reload.now();
        }
    });
    let sent = move || matches!(report.value().get(), Some(Ok(())));
    let me = s.me.clone();
    let photo = me.has_photo.then(|| format!("/media/candidates/{}/photo", me.id));
    view! {
        <h1>{tr!(i18n, identity_title)}</h1>
        <p class="muted">{tr!(i18n, exam_check_info)}</p>
        <div class="identity">
            {photo.map(|src| view! {
                // The page's largest image, named at the top of its head so the browser fetches
                // it before the page's code (the page reads without the code).
                <Link rel="preload" as_="image" href=src.clone() fetchpriority="high" />
                <img class="roster-photo" src=src fetchpriority="high" width="128" height="160"
                    alt=move || t_string!(i18n, roster_photo_alt).to_string() />
            })}
            <dl class="facts">
                <dt>{tr!(i18n, name_label)}</dt>
                <dd id="candidate-name">{me.name.clone()}</dd>
                <dt>{tr!(i18n, ticket_label)}</dt>
                <dd>{me.ticket.clone()}</dd>
                <dt>{tr!(i18n, id_card_label)}</dt>
                <dd id="id-card">{me.id_card_masked.clone()}</dd>
            </dl>
        </div>
        <div class="actions">
            <button class="primary" id="confirm-identity" disabled=move || confirm.pending().get()
                on:click=move |_| { confirm.dispatch(ConfirmIdentity {}); }>
                {tr!(i18n, identity_confirm)}
            </button>
            <button class="ghost" id="record-wrong" on:click=move |_| reporting.set(true)>
                {tr!(i18n, identity_wrong)}
            </button>
        </div>
        {move || confirm.value().get().and_then(|r| r.err()).map(|err| view! { <ErrorText err /> })}
        <Show when=move || reporting.get() && !sent()>
            <form class="report" on:submit=move |ev| {
                ev.prevent_default();
                report.dispatch(ReportRecordWrong { note: note.get_untracked() });
            }>
                <label for="report-note">{tr!(i18n, identity_wrong_note)}</label>
                <textarea id="report-note" rows="3" maxlength="500"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <button class="primary" type="submit" disabled=move || report.pending().get()>
                    {tr!(i18n, identity_wrong_send)}
                </button>
            </form>
        </Show>
        {move || report.value().get().and_then(|r| r.err()).map(|err| view! { <ErrorText err /> })}
        <Show when=sent>
            <p class="notice" role="status" id="report-sent">{tr!(i18n, identity_wrong_sent)}</p>
        </Show>
    }
}
