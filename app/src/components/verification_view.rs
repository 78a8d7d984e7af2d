//! The candidate's verification for a proctor: the status, the roster photo beside every
//! captured face photo with its decision and distance.
use super::labels::{clock_time, verification_label, view_text};
use crate::i18n::*;
use domain::CandidateId;
use domain::face::FaceDecision;
use domain::journey::Verification;
use leptos::prelude::*;

#[component]
pub fn VerificationView(candidate: CandidateId, v: Verification) -> impl IntoView {
    let i18n = use_i18n();
    let attempts = v.attempts.clone();
    let none = attempts.is_empty();
    view! {
        <section class="verification" aria-labelledby="verification-title">
            <h2 id="verification-title">{tr!(i18n, verification_title)} " "
                <span class="chip verification" data-verification=v.status.as_str()>{verification_label(i18n, v.status)}</span>
            </h2>
            <div class="photo-row">
                <figure class="photo roster">
                    {if v.has_roster_photo {
                        view! { <img src=format!("/media/candidates/{}/photo", candidate.0) alt="" /> }.into_any()
                    } else {
                        view! { <div class="no-photo">{tr!(i18n, verification_no_roster)}</div> }.into_any()
                    }}
                    <figcaption>{tr!(i18n, verification_roster)}</figcaption>
                </figure>
                {attempts.into_iter().map(|a| {
                    let view_name = view_text(i18n, a.view);
                    let time = clock_time(a.at);
                    let decision = a.decision.map(|d| match d {
                        FaceDecision::Match => tr!(i18n, face_decision_match).into_any(),
                        FaceDecision::NoMatch => tr!(i18n, face_decision_no_match).into_any(),
                        FaceDecision::NeedsReview => tr!(i18n, face_decision_review).into_any(),
                    });
                    let score = a.distance.map(|d| {
                        let d = format!("{d:.2}");
                        let m = format!("{:.2}", a.match_below);
                        view! { <span class="muted">{t!(i18n, verification_score, d = d.clone(), m = m.clone())}</span> }
                    });
                    view! {
                        <figure class="photo attempt" data-attempt=a.id>
                            <img loading="lazy" src=format!("/media/face-attempts/{}", a.id) alt="" />
                            <figcaption>
                                {t!(i18n, verification_attempt, view = view_name.clone(), time = time.clone())}
                                <br />{decision}{a.error_code.clone().map(|c| view! { <code>{c}</code> })}
                                <br />{score}
                            </figcaption>
                        </figure>
                    }
                }).collect_view()}
            </div>
            {none.then(|| view! { <p class="muted">{tr!(i18n, verification_none)}</p> })}
        </section>
    }
}
