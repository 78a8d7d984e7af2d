//! `/admin/review`: the verification review queue, one case at a time — the roster photo
//! beside every captured photo with its score — approved with A or rejected with R; the next
//! case comes up at once. The queue is read again every few seconds.
use super::AdminNav;
use crate::api::admin::{decide_review, review_queue};
use crate::components::error_text::ErrorText;
use crate::components::verification_view::VerificationView;
use crate::i18n::*;
use crate::pages::candidate_detail::use_polled_every;
use domain::review::{ReviewCase, ReviewDecision, ReviewOutcome};
use domain::{AppError, CandidateId, VerificationStatus};
use leptos::prelude::*;

const QUEUE_POLL_MS: u64 = 3000;

/// The answer to the last decision, for the line above the case.
#[derive(Clone, Debug, PartialEq)]
struct Last {
    name: String,
    result: Result<ReviewOutcome, AppError>,
}

/// Whether a key press comes from a text field (where A and R are letters, not decisions).
fn typing(ev: &leptos::ev::KeyboardEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            return matches!(el.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT");
        }
    }
    let _ = ev;
    false
}

#[component]
fn Case(case: ReviewCase, n: usize, total: usize) -> impl IntoView {
    let i18n = use_i18n();
    let disputed = case.record_disputed;
    view! {
        <article class="card review-case" id="review-case" data-candidate=case.candidate.0>
            <p class="muted">{t!(i18n, review_position, n = n, total = total)}</p>
            <h2>{case.name.clone()} " " <span class="muted">{case.ticket.clone()}</span></h2>
            <p class="muted">
                {t!(i18n, review_where, exam = case.exam_code.clone(), room = case.room.clone())}
                " · " {tr!(i18n, review_id_card)} " " <code>{case.id_card.clone()}</code>
            </p>
            {disputed.then(|| view! { <p class="notice warn">{tr!(i18n, review_disputed)}</p> })}
            <VerificationView candidate=case.candidate v=case.verification.clone() />
        </article>
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let queue = use_polled_every(review_queue, QUEUE_POLL_MS, || ());
    let decided = RwSignal::new(Vec::<CandidateId>::new());
    let note = RwSignal::new(String::new());
    let last = RwSignal::new(None::<Last>);
    let open = Memo::new(move |_| match queue.get() {
        Some(Ok(list)) => {
            let gone = decided.get();
            Some(Ok(list.into_iter().filter(|c| !gone.contains(&c.candidate)).collect::<Vec<_>>()))
        }
        Some(Err(e)) => Some(Err(e)),
        None => None,
    });
    let chosen = RwSignal::new(None::<CandidateId>);
    let current = move || {
        open.with(|o| {
            let list = o.as_ref().and_then(|r| r.as_ref().ok())?;
            let pick = chosen.get().and_then(|id| list.iter().find(|c| c.candidate == id));
            pick.or(list.first()).cloned()
        })
    };
    let act = Action::new(move |(case, decision): &(ReviewCase, ReviewDecision)| {
        let (case, decision, text) = (case.clone(), *decision, note.get_untracked());
        async move {
            let result = decide_review(case.candidate, decision, text).await;
            if matches!(result, Ok(_) | Err(AppError::Conflict)) {
                decided.update(|d| d.push(case.candidate));
                note.set(String::new());
                chosen.set(None);
            }
            last.set(Some(Last { name: case.name, result }));
        }
    });
    let decide = move |d: ReviewDecision| {
        if act.pending().get_untracked() {
            return;
        }
        if let Some(case) = current() {
            act.dispatch((case, d));
        }
    };
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing(&ev) {
            return;
        }
        match ev.key().as_str() {
            "a" | "A" => decide(ReviewDecision::Approve),
            "r" | "R" => decide(ReviewDecision::Reject),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
    let last_line = move || {
        last.get().map(|l| match l.result {
            Ok(o) => {
                let name = l.name.clone();
                view! {
                    <p class="notice ok" id="review-last" role="status">
                        {if o.status == VerificationStatus::Approved {
                            t!(i18n, review_approved, name = name.clone()).into_any()
                        } else {
                            t!(i18n, review_rejected, name = name.clone()).into_any()
                        }}
                        {o.ended_attempt.then(|| view! { " " {tr!(i18n, review_ended)} })}
                    </p>
                }
                .into_any()
            }
            Err(err) => view! { <ErrorText err /> }.into_any(),
        })
    };
    view! {
        <section class="page">
            <AdminNav />
            <div class="page-head">
                <div>
                    <h1>{tr!(i18n, review_title)}</h1>
                    <p class="muted">{tr!(i18n, review_intro)}</p>
                </div>
            </div>
            {last_line}
            {move || open.get().map(|r| crate::pages::staff_view(r, |list| {
                let total = list.len();
                let Some(case) = current() else {
                    return view! { <p class="muted" id="review-empty">{tr!(i18n, review_empty)}</p> }.into_any();
                };
                let n = list.iter().position(|c| c.candidate == case.candidate).unwrap_or(0) + 1;
                let shown = case.candidate;
                view! {
                    <div class="review-layout">
                    <ul class="review-list" id="review-list">
                        {list.into_iter().map(|c| {
                            let id = c.candidate;
                            view! {
                                <li>
                                    <button class:selected=id == shown on:click=move |_| chosen.set(Some(id))>
                                        <strong>{c.name.clone()}</strong>
                                        <span class="muted">{c.ticket.clone()} " · " {c.exam_code.clone()} " · " {c.room.clone()}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <div class="review-main">
                        <div class="card review-actions">
                            <label>
                                <span>{tr!(i18n, review_note_label)}</span>
                                <textarea id="review-note" rows="2" maxlength="1000"
                                    prop:value=move || note.get()
                                    on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                            </label>
                            <div class="row">
                                <button class="primary" id="review-approve" disabled=move || act.pending().get()
                                    on:click=move |_| decide(ReviewDecision::Approve)>
                                    {tr!(i18n, review_approve)} " " <kbd>"A"</kbd>
                                </button>
                                <button class="danger" id="review-reject" disabled=move || act.pending().get()
                                    on:click=move |_| decide(ReviewDecision::Reject)>
                                    {tr!(i18n, review_reject)} " " <kbd>"R"</kbd>
                                </button>
                            </div>
                        </div>
                        <Case case n total />
                    </div>
                    </div>
                }.into_any()
            }))}
        </section>
    }
}
