//! `/staff/login`: proctors and admins sign in.
use crate::api::auth::StaffLogin;
use crate::components::error_text::ErrorText;
use crate::components::form::SubmitButton;
use crate::i18n::*;
use leptos::form::ActionForm;
use leptos::prelude::*;

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
    view! {
        <section class="card narrow">
            <h1>{t!(i18n, staff_login_title)}</h1>
            <p class="muted">{t!(i18n, staff_login_intro)}</p>
            <ActionForm action attr:class="form" attr:id="staff-login">
                <label>
                    <span>{t!(i18n, username_label)}</span>
                    <input name="username" autocomplete="username" required />
                </label>
                <label>
                    <span>{t!(i18n, password_label)}</span>
                    <input name="password" type="password" autocomplete="current-password" required />
                </label>
                {move || error().map(|err| view! { <ErrorText err /> })}
                <SubmitButton pending=action.pending() />
            </ActionForm>
        </section>
    }
}
