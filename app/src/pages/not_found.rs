use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="card narrow">
            <h1>{tr!(i18n, not_found_title)}</h1>
            <p>{tr!(i18n, not_found_body)}</p>
            <A href="/">{tr!(i18n, back_home)}</A>
        </section>
    }
}
