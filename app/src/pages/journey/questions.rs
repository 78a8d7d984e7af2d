//! One question of the paper as the candidate answers it. Text is shown as text, never HTML.
use crate::i18n::*;
use domain::answer::Answer;
use domain::paper::{Question, prompt_segments};
use leptos::prelude::*;

/// Renders `q` with its current answer from `get`, reporting every edit to `set`.
#[component]
pub fn QuestionView(
    number: usize,
    q: Question,
    #[prop(into)] get: Signal<Option<Answer>>,
    #[prop(into)] set: Callback<Answer>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = q.id().to_string();
    let points = q.points();
    let body = match q.clone() {
        Question::SingleChoice { id, prompt, options, .. } => {
            let opts = options.into_iter().map(|o| {
                let oid = o.id.clone();
                let checked = {
                    let oid = oid.clone();
                    move || matches!(get.get(), Some(Answer::SingleChoice { option }) if option == oid)
                };
                view! {
                    <label class="option">
                        <input type="radio" name=id.clone() value=oid.clone() prop:checked=checked
                            on:change=move |_| set.run(Answer::SingleChoice { option: oid.clone() }) />
                        <span class="option-id">{o.id.to_uppercase()}</span>
                        <span>{o.text}</span>
                    </label>
                }
            }).collect_view();
            view! { <p class="prompt">{prompt}</p> <div class="options" role="radiogroup">{opts}</div> }.into_any()
        }
        Question::MultipleChoice { prompt, options, .. } => {
            let opts = options.into_iter().map(|o| {
                let oid = o.id.clone();
                let selected = move || match get.get() {
                    Some(Answer::MultipleChoice { options }) => options,
                    _ => Vec::new(),
                };
                let checked = {
                    let oid = oid.clone();
                    move || selected().contains(&oid)
                };
                view! {
                    <label class="option">
                        <input type="checkbox" value=oid.clone() prop:checked=checked
                            on:change=move |ev| {
                                let mut now = selected();
                                now.retain(|x| x != &oid);
                                if event_target_checked(&ev) { now.push(oid.clone()); now.sort(); }
                                set.run(Answer::MultipleChoice { options: now });
                            } />
                        <span class="option-id">{o.id.to_uppercase()}</span>
                        <span>{o.text}</span>
                    </label>
                }
            }).collect_view();
            view! {
                <p class="prompt">{prompt}</p>
                <p class="hint">{tr!(i18n, exam_choose_all)}</p>
                <div class="options">{opts}</div>
            }
            .into_any()
        }
        Question::FillIn { prompt, blanks, .. } => {
            let n = blanks as usize;
            let values = move || match get.get() {
                Some(Answer::FillIn { blanks }) if blanks.len() == n => blanks,
                _ => vec![String::new(); n],
            };
            let segments: Vec<String> =
                prompt_segments(&prompt).into_iter().map(String::from).collect();
            let parts = segments
                .into_iter()
                .enumerate()
                .map(|(i, seg)| {
                    let input = (i < n).then(|| view! {
                    <input type="text" class="blank" maxlength="200"
                        aria-label=move || format!("{} {}", t_string!(i18n, exam_blank), i + 1)
                        prop:value=move || values().get(i).cloned().unwrap_or_default()
                        on:input=move |ev| {
                            let mut now = values();
                            if let Some(slot) = now.get_mut(i) { *slot = event_target_value(&ev); }
                            set.run(Answer::FillIn { blanks: now });
                        } />
                });
                    view! { <span>{seg}</span> {input} }
                })
                .collect_view();
            view! { <p class="prompt fill">{parts}</p> }.into_any()
        }
        Question::Essay { prompt, max_chars, .. } => {
            let text = move || match get.get() {
                Some(Answer::Essay { text }) => text,
                _ => String::new(),
            };
            view! {
                <p class="prompt">{prompt}</p>
                <textarea class="essay" rows="10" maxlength=max_chars
                    aria-label=move || t_string!(i18n, exam_essay).to_string()
                    prop:value=text
                    on:input=move |ev| set.run(Answer::Essay { text: event_target_value(&ev) })></textarea>
                <p class="hint">{move || text().chars().count()} " / " {max_chars}</p>
            }.into_any()
        }
    };
    view! {
        <article class="question" id=format!("q-{id}")>
            <header>
                <span class="q-number">{number}</span>
                <span class="q-points">{t!(i18n, exam_points, n = points)}</span>
            </header>
            {body}
        </article>
    }
}
