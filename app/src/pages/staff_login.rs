//! `/staff/login`: proctors and admins sign in.
use crate::api::auth::StaffLogin;
use crate::components::error_text::ErrorText;
use crate::components::form::SubmitButton;
use crate::i18n::*;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffLoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<StaffLogin>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            super::go_to("/proctor");
        }
    });
    let error = move || action.value().get().and_then(Result::err);
    // Sent back by a form posted before the page was ready.
    let username = use_query_map().with_untracked(|q| q.get("username").unwrap_or_default());
    view! {
        <section class="card narrow">
            <h1>{tr!(i18n, staff_login_title)}</h1>
            <p class="muted">{tr!(i18n, staff_login_intro)}</p>
            <ActionForm action attr:class="form" attr:id="staff-login">
                <label>
                    <span>{tr!(i18n, username_label)}</span>
                    <input name="username" autocomplete="username" required value=username />
                </label>
                <label>
                    <span>{tr!(i18n, password_label)}</span>
                    <input name="password" type="password" autocomplete="current-password" required />
                </label>
                {move || error().map(|err| view! { <ErrorText err /> })}
                <SubmitButton pending=action.pending() />
            </ActionForm>
        </section>
    }
}
