//! What a page shows when the server ended its live connection for good: why, and where to
//! sign in again.
use crate::i18n::*;
use domain::protocol::RevokeReason;
use leptos::prelude::*;

/// The reason in the user's language.
pub fn revoked_text(i18n: leptos_i18n::I18nContext<Locale>, reason: RevokeReason) -> AnyView {
    match reason {
        RevokeReason::SignedOut => tr!(i18n, revoked_signed_out).into_any(),
        RevokeReason::SignedInElsewhere => tr!(i18n, revoked_signed_in_elsewhere).into_any(),
        RevokeReason::SessionExpired => tr!(i18n, revoked_session_expired).into_any(),
        RevokeReason::AccountDisabled => tr!(i18n, revoked_account_disabled).into_any(),
        RevokeReason::PasswordChanged => tr!(i18n, revoked_password_changed).into_any(),
        RevokeReason::AccessRemoved => tr!(i18n, revoked_access_removed).into_any(),
    }
}

/// A notice in place of the page's live content; `sign_in` is where to sign in again (none
/// on the phone: it pairs again by scanning a new QR code).
#[component]
pub fn RevokedNotice(
    reason: RevokeReason,
    #[prop(optional)] sign_in: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="revoked" role="alert" id="revoked" data-reason=format!("{reason:?}")>
            <p>{revoked_text(i18n, reason)}</p>
            {sign_in.map(|href| view! { <a class="button" href=href>{tr!(i18n, revoked_sign_in_again)}</a> })}
        </div>
    }
}
