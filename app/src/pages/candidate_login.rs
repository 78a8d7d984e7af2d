//! `/`: the candidate signs in with the exam ID and admission ticket number (seed step 2).
use crate::api::auth::CandidateLogin;
use crate::components::error_text::ErrorText;
use crate::components::form::SubmitButton;
use crate::i18n::*;
use domain::AppError;
use domain::signin::SignInMode;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CandidateLoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CandidateLogin>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            super::go_to("/exam");
        }
    });
    let error = move || action.value().get().and_then(Result::err);
    // The exam asks for a second credential: the field appears (and stays) once it says so,
    // also when the answer came back in the link of a form posted before the page was ready.
    let mode = RwSignal::new(asked_for(action.value().get_untracked()));
    Effect::new(move |_| {
        if let Some(m) = asked_for(action.value().get()) {
            mode.set(Some(m));
        }
    });
    // What a form posted before the page was ready sends back (never the second credential).
    let (exam_code, ticket) = use_query_map().with_untracked(|q| {
        (q.get("exam_code").unwrap_or_default(), q.get("ticket").unwrap_or_default())
    });
    view! {
        <section class="card narrow">
            <h1>{tr!(i18n, candidate_login_title)}</h1>
            <p class="muted">{tr!(i18n, candidate_login_intro)}</p>
            <ActionForm action attr:class="form" attr:id="candidate-login">
                <label>
                    <span>{tr!(i18n, exam_code_label)}</span>
                    <input
                        name="exam_code"
                        value=exam_code
                        autocomplete="off"
                        autocapitalize="characters"
                        required
                        placeholder=move || t_string!(i18n, exam_code_placeholder).to_string()
                    />
                </label>
                <label>
                    <span>{tr!(i18n, ticket_label)}</span>
                    <input
                        name="ticket"
                        value=ticket
                        autocomplete="off"
                        required
                        placeholder=move || t_string!(i18n, ticket_placeholder).to_string()
                    />
                </label>
                {move || mode.get().map(|m| view! {
                    <label>
                        <span>{match m {
                            SignInMode::TicketAccessCode => tr!(i18n, login_secret_code_label).into_any(),
                            _ => tr!(i18n, login_secret_id_label).into_any(),
                        }}</span>
                        <input name="secret" id="login-secret" autocomplete="off" required autofocus
                            autocapitalize="characters" />
                    </label>
                })}
                {move || error().map(|err| view! { <ErrorText err /> })}
                <SubmitButton pending=action.pending() />
            </ActionForm>
            <p class="muted small">
                <a href="/device-check" id="device-check-link">{tr!(i18n, dev_login_link)}</a>
            </p>
            <p class="muted small">
                <a href="/staff/login">{tr!(i18n, nav_staff)}</a>
            </p>
        </section>
    }
}

/// The second credential an answer asks for, if it asks for one.
fn asked_for(answer: Option<Result<domain::CandidateSelf, AppError>>) -> Option<SignInMode> {
    match answer {
        Some(Err(
            AppError::CredentialRequired { mode } | AppError::CandidateCredentials { mode },
        )) => Some(mode),
        _ => None,
    }
}
