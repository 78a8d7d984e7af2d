//! The report's integrity cards: reviewers' decisions on automatic flags per kind (the
//! precision a university asks about) and the lowest integrity scores, each linking to the
//! candidate's report.
use crate::components::labels::flag_label;
use crate::i18n::*;
use domain::ExamId;
use domain::integrity::Precision;
use leptos::prelude::*;

#[component]
pub fn PrecisionCard(precision: Vec<Precision>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = precision.is_empty();
    let rows = precision
        .into_iter()
        .map(|p| {
            let ratio =
                p.ratio().map(|r| format!("{:.0} %", r * 100.0)).unwrap_or_else(|| "–".into());
            view! {
                <tr data-flag=p.kind.as_str()>
                    <td>{flag_label(i18n, p.kind)}</td>
                    <td class="num raised">{p.raised}</td>
                    <td class="num confirmed">{p.confirmed}</td>
                    <td class="num dismissed">{p.dismissed}</td>
                    <td class="num">{p.undecided()}</td>
                    <td class="num precision">{ratio}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card wide-card" id="report-precision"><h2>{tr!(i18n, report_precision_title)}</h2>
            {if empty {
                view! { <p class="muted">{tr!(i18n, report_no_auto_flags)}</p> }.into_any()
            } else {
                view! {
                    <table class="data-table">
                        <thead><tr>
                            <th>{tr!(i18n, integrity_col_flag)}</th>
                            <th class="num">{tr!(i18n, report_col_raised)}</th>
                            <th class="num">{tr!(i18n, report_col_confirmed)}</th>
                            <th class="num">{tr!(i18n, report_col_dismissed)}</th>
                            <th class="num">{tr!(i18n, report_col_undecided)}</th>
                            <th class="num">{tr!(i18n, report_col_precision)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <p class="muted">{tr!(i18n, report_precision_hint)}</p>
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn LowestScores(exam: ExamId, lowest: Vec<(String, String, u8)>) -> impl IntoView {
    let i18n = use_i18n();
    (!lowest.is_empty()).then(|| {
        let rows = lowest
            .into_iter()
            .map(|(ticket, name, score)| {
                let href = format!("/admin/exams/{}/candidates/{ticket}", exam.0);
                view! {
                    <tr data-score=score>
                        <td><a href=href>{ticket}</a></td>
                        <td>{name}</td>
                        <td class="num">{score}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card" id="report-lowest"><h2>{tr!(i18n, report_lowest_title)}</h2>
                <table class="data-table">
                    <thead><tr>
                        <th>{tr!(i18n, roster_col_ticket)}</th>
                        <th>{tr!(i18n, roster_col_name)}</th>
                        <th class="num">{tr!(i18n, report_col_score)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    })
}
