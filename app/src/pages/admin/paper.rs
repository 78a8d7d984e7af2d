//! `/admin/exams/:id/paper`: paste or load the paper (JSON), check it — the first problem with
//! its line, column and path — preview it with the candidate's own question views, save it.
use super::AdminNav;
use crate::api::admin::{check_paper, exam_paper, save_paper};
use crate::components::error_text::ErrorText;
use crate::i18n::*;
use crate::pages::journey::questions::QuestionView;
use domain::AppError;
use domain::answer::Answer;
use domain::paper::Paper;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The paper as candidates see it; answers given here stay in the page.
#[component]
fn Preview(paper: Paper) -> impl IntoView {
    let values: RwSignal<BTreeMap<String, Answer>> = RwSignal::new(BTreeMap::new());
    let mut number = 0usize;
    let sections = paper
        .sections
        .clone()
        .into_iter()
        .map(|section| {
            let qs = section
                .questions
                .into_iter()
                .map(|q| {
                    number += 1;
                    let qid = q.id().to_string();
                    let get = {
                        let qid = qid.clone();
                        Signal::derive(move || values.with(|v| v.get(&qid).cloned()))
                    };
                    let set = Callback::new(move |a: Answer| {
                        values.update(|v| {
                            v.insert(qid.clone(), a);
                        })
                    });
                    view! { <QuestionView number q get set /> }
                })
                .collect_view();
            view! {
                <section class="paper-section">
                    <h2>{section.title}</h2>
                    {section.instructions.map(|i| view! { <p class="muted">{i}</p> })}
                    {qs}
                </section>
            }
        })
        .collect_view();
    view! {
        <div class="card paper-preview" id="paper-preview">
            <h1 class="paper-title">{paper.title.clone()}</h1>
            <div class="paper">{sections}</div>
        </div>
    }
}

/// Reads the chosen file's text into `json` (browser only).
#[cfg(feature = "hydrate")]
fn load_file(input: NodeRef<leptos::html::Input>, json: RwSignal<String>) {
    let Some(file) = input.get().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
    leptos::task::spawn_local(async move {
        if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await
            && let Some(s) = text.as_string()
        {
            json.set(s);
        }
    });
}

#[component]
pub fn PaperPage() -> impl IntoView {
    let i18n = use_i18n();
    let exam = super::exam_param();
    let json = RwSignal::new(String::new());
    let stored = LocalResource::new(move || exam_paper(exam()));
    Effect::new(move |_| {
        if let Some(Ok(Some(text))) = stored.get() {
            json.set(text);
        }
    });
    let file = NodeRef::<leptos::html::Input>::new();
    let check = Action::new(|text: &String| {
        let text = text.clone();
        async move { check_paper(text).await }
    });
    let save = Action::new(move |text: &String| {
        let text = text.clone();
        async move { save_paper(exam(), text).await }
    });
    let result = move || {
        check.value().get().map(|r: Result<Paper, AppError>| match r {
            Ok(paper) => {
                let (n, points) = (paper.question_count(), paper.total_points());
                view! {
                    <p class="notice ok" id="paper-ok">{t!(i18n, paper_ok, n = n, points = points)}</p>
                    <Preview paper />
                }
                .into_any()
            }
            Err(err) => view! { <div id="paper-error"><ErrorText err /></div> }.into_any(),
        })
    };
    let saved = move || {
        save.value().get().map(|r: Result<usize, AppError>| match r {
            Ok(n) => {
                view! { <p class="notice ok" id="paper-saved">{t!(i18n, paper_saved, n = n)}</p> }
                    .into_any()
            }
            Err(err) => view! { <ErrorText err /> }.into_any(),
        })
    };
    let valid = move || check.value().with(|v| matches!(v, Some(Ok(_))));
    view! {
        <section class="page">
            <AdminNav />
            <div class="page-head">
                <div>
                    <h1>{tr!(i18n, paper_title_page)}</h1>
                    <p class="muted">{tr!(i18n, paper_intro)}</p>
                </div>
            </div>
            <div class="card paper-form">
                <label>
                    <span>{tr!(i18n, paper_file)}</span>
                    <input type="file" id="paper-file" accept=".json,application/json" node_ref=file
                        on:change=move |_| {
                            #[cfg(feature = "hydrate")]
                            load_file(file, json);
                        } />
                </label>
                <label>
                    <span>{tr!(i18n, paper_json)}</span>
                    <textarea id="paper-json" rows="14" spellcheck="false" prop:value=move || json.get()
                        on:input=move |ev| json.set(event_target_value(&ev))></textarea>
                </label>
                <div class="row">
                    <button class="primary" id="paper-check" disabled=move || check.pending().get()
                        on:click=move |_| { check.dispatch(json.get_untracked()); }>
                        {tr!(i18n, paper_check)}
                    </button>
                    <button id="paper-save" disabled=move || !valid() || save.pending().get()
                        on:click=move |_| { save.dispatch(json.get_untracked()); }>
                        {tr!(i18n, paper_save)}
                    </button>
                    {saved}
                </div>
            </div>
            {result}
        </section>
    }
}
