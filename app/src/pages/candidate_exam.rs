//! `/exam`: the signed-in candidate's page. The foundation shows the identity record to
//! check (seed step 2) and keeps the live connection that puts the candidate on the grid.
use crate::api::auth::{CandidateLogout, current_candidate};
use crate::components::error_text::ErrorText;
use crate::components::labels::phase_label;
use crate::domain::{CandidateSelf, View};
use crate::i18n::*;
use crate::live::candidate_socket::use_candidate_socket;
use leptos::prelude::*;

#[component]
pub fn CandidateExamPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| current_candidate());
    view! {
        <Suspense fallback=|| ()>
            {move || me.get().map(|r| match r {
                Ok(Some(me)) => view! { <CandidateHome me /> }.into_any(),
                Ok(None) => {
                    super::go_to("/");
                    ().into_any()
                }
                Err(err) => view! { <ErrorText err /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn CandidateHome(me: CandidateSelf) -> impl IntoView {
    let i18n = use_i18n();
    let socket = use_candidate_socket(View::Pc);
    let initial = me.phase;
    let phase = move || socket.phase.get().unwrap_or(initial);
    let logout = ServerAction::<CandidateLogout>::new();
    Effect::new(move |_| {
        if logout.value().get().is_some() {
            super::go_to("/");
        }
    });
    let photo = me.has_photo.then(|| format!("/media/candidates/{}/photo", me.id));
    view! {
        <section class="card">
            <div class="page-head">
                <div>
                    <p class="room-exam">{me.exam_code.clone()} " · " {me.exam_title.clone()}</p>
                    <h1>{t!(i18n, exam_title)}</h1>
                </div>
                <button class="ghost" id="candidate-logout" on:click=move |_| { logout.dispatch(CandidateLogout {}); }>
                    {t!(i18n, nav_logout)}
                </button>
            </div>
            <p class="muted">{t!(i18n, exam_check_info)}</p>
            <div class="identity">
                {photo.map(|src| view! {
                    <img class="roster-photo" src=src alt=move || t_string!(i18n, roster_photo_alt).to_string() />
                })}
                <dl class="facts">
                    <dt>{t!(i18n, name_label)}</dt>
                    <dd id="candidate-name">{me.name.clone()}</dd>
                    <dt>{t!(i18n, ticket_label)}</dt>
                    <dd>{me.ticket.clone()}</dd>
                    <dt>{t!(i18n, id_card_label)}</dt>
                    <dd>{me.id_card_masked.clone()}</dd>
                    <dt>{t!(i18n, status_label)}</dt>
                    <dd id="candidate-phase">{move || phase_label(i18n, phase())}</dd>
                    <dt>{t!(i18n, connection_label)}</dt>
                    <dd id="connection" data-connected=move || socket.connected.get().to_string()>
                        {move || if socket.connected.get() {
                            t!(i18n, connected).into_any()
                        } else {
                            t!(i18n, disconnected).into_any()
                        }}
                    </dd>
                </dl>
            </div>
        </section>
    }
}
