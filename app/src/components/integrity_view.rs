//! The integrity score of one candidate, explained: each flag's part (kind, automatic or a
//! proctor's, how long, its weight, the points taken off) and, for a proctor, Confirm and
//! Dismiss on automatic flags nobody has decided yet (the decisions give the report its
//! precision). Nothing is decided from the score.
use super::error_text::ErrorText;
use super::labels::{clock, clock_time, flag_label};
use crate::api::console::close_flag;
use crate::i18n::*;
use domain::flag::FlagResolution;
use domain::integrity::Integrity;
use leptos::prelude::*;

#[component]
pub fn IntegrityView(integrity: Integrity, #[prop(optional)] decide: bool) -> impl IntoView {
    let i18n = use_i18n();
    let close =
        Action::new(move |(id, r): &(i64, FlagResolution)| close_flag(*id, *r, String::new()));
    let score = integrity.score;
    let rows = integrity.contributions.into_iter().map(|c| {
        let id = c.flag_id;
        let undecided = c.resolution.is_none() && c.automatic && decide;
        let decision = c.resolution.map(|r| match r {
            FlagResolution::Resolved => tr!(i18n, integrity_confirmed).into_any(),
            FlagResolution::Dismissed => tr!(i18n, flag_dismissed).into_any(),
        });
        view! {
            <tr data-flag=c.kind.as_str() data-points=c.points>
                <td>{flag_label(i18n, c.kind)}
                    {c.automatic.then(|| view! { " " <span class="chip">{tr!(i18n, flag_automatic)}</span> })}
                </td>
                <td><time>{clock_time(c.raised_at)}</time></td>
                <td>{clock(c.duration_secs)}</td>
                <td class="num">{c.weight}</td>
                <td class="num points">{if c.points > 0 { format!("−{}", c.points) } else { "0".to_string() }}</td>
                <td>
                    {decision}
                    {undecided.then(|| view! {
                        <span class="row">
                            <button class="secondary small integrity-confirm" on:click=move |_| {
                                close.dispatch((id, FlagResolution::Resolved));
                            }>{tr!(i18n, integrity_confirm)}</button>
                            <button class="ghost small integrity-dismiss" on:click=move |_| {
                                close.dispatch((id, FlagResolution::Dismissed));
                            }>{tr!(i18n, flag_dismiss)}</button>
                        </span>
                    })}
                </td>
            </tr>
        }
    }).collect_view();
    let empty = score == 100 && !decide;
    view! {
        <section class="integrity" aria-labelledby="integrity-title">
            <h2 id="integrity-title">{tr!(i18n, integrity_title)} " "
                <span class="score" id="integrity-score" data-score=score>{score}</span>
            </h2>
            <p class="muted">{tr!(i18n, integrity_hint)}</p>
            {(!empty).then(|| view! {
                <table class="data-table integrity-table">
                    <thead><tr>
                        <th>{tr!(i18n, integrity_col_flag)}</th>
                        <th>{tr!(i18n, integrity_col_raised)}</th>
                        <th>{tr!(i18n, integrity_col_duration)}</th>
                        <th class="num">{tr!(i18n, integrity_col_weight)}</th>
                        <th class="num">{tr!(i18n, integrity_col_points)}</th>
                        <th>{tr!(i18n, integrity_col_decision)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            })}
            {move || match close.value().get() {
                Some(Err(err)) => view! { <ErrorText err /> }.into_any(),
                _ => ().into_any(),
            }}
        </section>
    }
}
