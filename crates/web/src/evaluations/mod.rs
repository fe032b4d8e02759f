//! The year-end evaluation (评议) and the service awards: the rounds and a
//! round's page (`pages`), the questionnaire enterprises and townships
//! answer (`questionnaire`), paper ballots and their import (`paper`), the
//! 通报 of the results (`notice`) and the API (`api`). The results come from
//! `domain::evaluation::evaluate_round` over the facts gathered here: the
//! ballots, the request statistics of the campaign year and the targets at
//! the round's as-of date; a final round shows what it froze.

mod api;
mod notice;
mod pages;
mod paper;
mod questionnaire;

pub use api::*;
pub use notice::issue_notice;
pub use pages::default_settings;

use crate::Shared;
use crate::error::AppError;
use axum::Router;
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::evaluation::{Group, RoundResults, Share, UnitFacts, evaluate_round};
use domain::requests::Kind;
use domain::users::Role;
use std::collections::HashMap;
use store::evaluations::Round;
use store::requests::{Filter, Viewer};
use store::users::User;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/evaluations", get(pages::list).post(pages::create))
        .route("/evaluations/{id}", get(pages::show))
        .route("/evaluations/{id}/settings", post(pages::settings))
        .route("/evaluations/{id}/actions", post(pages::action))
        .route("/evaluations/{id}/vetoes", post(pages::veto))
        .route(
            "/evaluations/{id}/vetoes/{unit}/lift",
            post(pages::lift_veto),
        )
        .route("/evaluations/{id}/objections", post(pages::objection))
        .route(
            "/evaluations/{id}/objections/{oid}/answer",
            post(pages::answer),
        )
        .route("/evaluations/{id}/results.xlsx", get(pages::export))
        .route("/evaluations/{id}/units/{code}", get(pages::unit_page))
        .route(
            "/evaluations/{id}/ballots",
            get(paper::ballots).post(paper::enter),
        )
        .route(
            "/evaluations/{id}/ballots/template.xlsx",
            get(paper::template),
        )
        .route("/evaluations/{id}/ballots/export.xlsx", get(paper::export))
        .route("/evaluations/{id}/ballots/import", post(paper::import))
        .route(
            "/evaluations/{id}/notice",
            get(notice::show).post(notice::issue),
        )
        .route("/evaluations/{id}/notice.docx", get(notice::docx))
        .route("/questionnaire", get(questionnaire::current))
        .route(
            "/evaluations/{id}/questionnaire",
            get(questionnaire::page).post(questionnaire::answer),
        )
}

/// The respondent a user answers as: an enterprise, or a township's unit.
pub(crate) fn respondent_of(u: &User, grassroots: &[store::org::Unit]) -> Option<(Group, String)> {
    match u.role {
        Role::Enterprise => u.enterprise_code.clone().map(|c| (Group::Enterprise, c)),
        Role::Unit => u
            .unit_code
            .clone()
            .filter(|c| grassroots.iter().any(|g| &g.code == c))
            .map(|c| (Group::Grassroots, c)),
        _ => None,
    }
}

/// May the user read the results table: the office and leaders always, the
/// member units once the results are published (公示).
pub(crate) fn reads_results(u: &User, round: &Round) -> bool {
    match u.role {
        Role::Admin | Role::Leader => true,
        Role::Unit => round.status.published(),
        Role::Enterprise | Role::Expert => false,
    }
}

pub(crate) async fn round_or_404(st: &Shared, id: i64) -> Result<Round, AppError> {
    Ok(st.store.round_or_missing(id).await?)
}

/// The results of a round: frozen when final, computed now otherwise.
pub async fn results_of(st: &Shared, round: &Round) -> Result<RoundResults, AppError> {
    if let Some(r) = &round.results {
        return Ok(r.clone());
    }
    let c = st
        .store
        .campaign(round.campaign_id)
        .await?
        .ok_or_else(|| AppError::NotFound("评议所属的年度活动".into()))?;
    let units = st.store.evaluated_units(round).await?;
    let s = &round.settings;
    // Ballots.
    let mut scores: HashMap<(String, Group), Vec<i64>> = HashMap::new();
    for l in st.store.ballot_levels(round.id).await? {
        let v = scores.entry((l.unit, l.group)).or_default();
        v.extend(std::iter::repeat_n(
            s.level_scores.of(l.level),
            l.count as usize,
        ));
    }
    // Service: the request statistics of the campaign year, by unit.
    let year_start = NaiveDate::from_ymd_opt(c.year, 1, 1).expect("a valid year");
    let year_end = NaiveDate::from_ymd_opt(c.year, 12, 31).expect("a valid year");
    let records = st
        .store
        .requests(
            &Viewer::office("评议"),
            &Filter {
                from: Some(year_start),
                to: Some(year_end),
                kind: Some(Kind::Enterprise),
                ..Filter::default()
            },
        )
        .await?;
    let cal = st.store.calendar().await?;
    let today = crate::layout::today();
    let facts: Vec<_> = records
        .iter()
        .filter_map(|r| r.unit_code.clone().map(|u| r.fact(u, &cal, today)))
        .collect();
    let service: HashMap<String, (Share, Share)> =
        domain::requests::stats::compute(&facts, year_start, year_end, i64::MAX)
            .into_iter()
            .map(|row| {
                let share = |x: &domain::requests::stats::Share| Share {
                    count: x.num,
                    sample: x.den,
                };
                (
                    row.key.clone(),
                    (share(&row.resolved_on_time), share(&row.satisfied)),
                )
            })
            .collect();
    // Targets at the as-of date.
    let evaluated = crate::targets::evaluate_all(st, &c, s.as_of_in(c.year)).await?;
    let vetoes: HashMap<String, String> = st
        .store
        .vetoes(round.id)
        .await?
        .into_iter()
        .map(|v| (v.unit_code, v.reason))
        .collect();
    let tiers = st.store.award_tiers(c.id).await?;
    let amount = |rank: i64| {
        tiers
            .iter()
            .find(|t| t.rank == rank)
            .map_or(0, |t| t.amount_yuan)
    };
    let facts: Vec<UnitFacts> = units
        .into_iter()
        .map(|u| {
            let mine: Vec<_> = evaluated
                .iter()
                .filter(|e| {
                    e.target
                        .responsible_units
                        .iter()
                        .any(|(code, _)| *code == u.code)
                })
                .collect();
            let (on_time, satisfied) = service.get(&u.code).copied().unwrap_or_default();
            UnitFacts {
                enterprise_scores: scores
                    .remove(&(u.code.clone(), Group::Enterprise))
                    .unwrap_or_default(),
                grassroots_scores: scores
                    .remove(&(u.code.clone(), Group::Grassroots))
                    .unwrap_or_default(),
                on_time,
                satisfied,
                targets_achieved: mine.iter().filter(|e| e.outcome.achieved).count() as i64,
                targets_count: mine.len() as i64,
                veto: vetoes.get(&u.code).cloned(),
                unit: u.code,
                name: u.name,
            }
        })
        .collect();
    Ok(evaluate_round(&facts, s, [amount(1), amount(2), amount(3)]))
}

/// Today, or the date given (YYYY-MM-DD) for an action.
pub(crate) fn action_date(on: Option<&str>, today: NaiveDate) -> Result<NaiveDate, AppError> {
    match on.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today),
        Some(s) => s.parse().map_err(|_| {
            AppError::Invalid(vec![domain::users::FieldError::new(
                "on",
                "日期格式应为 YYYY-MM-DD",
            )])
        }),
    }
}

/// Takes a lifecycle step on `on` (default today); finalizing freezes the
/// results as computed now.
pub async fn act(
    st: &Shared,
    actor: &store::Actor,
    id: i64,
    action: domain::evaluation::Action,
    on: Option<&str>,
) -> Result<Round, AppError> {
    let today = crate::layout::today();
    let on = action_date(on, today)?;
    let round = round_or_404(st, id).await?;
    let cal = st.store.calendar().await?;
    let results = if action == domain::evaluation::Action::Finalize
        && round.status == domain::evaluation::RoundStatus::Publicized
    {
        Some((results_of(st, &round).await?, round.version))
    } else {
        None
    };
    Ok(st
        .store
        .round_action(
            actor,
            id,
            action,
            today,
            on,
            &cal,
            results.as_ref().map(|(r, v)| (r, *v)),
        )
        .await?)
}
