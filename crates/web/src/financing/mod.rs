//! Financing (银企对接): the needs hall and an enterprise's own needs
//! (`pages`), a need's timeline with the actions its viewer may take, and
//! the API (`api`). The rules are `domain::financing`.

mod api;
pub(crate) mod followup;
mod pages;
mod promotions;
mod stats_pages;

pub use api::*;

use crate::Shared;
use crate::error::AppError;
use axum::Router;
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::financing::stats::{StatNeed, StatRow, compute};
use domain::financing::{OutcomeKind, State};
use domain::users::Role;
use store::financing::{NeedFilter, NeedRecord};
use store::requests::Viewer;
use store::users::User;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/financing", get(pages::list).post(pages::post_need))
        .route("/financing/new", get(pages::new_need))
        .route("/financing/overdue", get(followup::overdue))
        .route("/financing/remind", post(followup::remind_many))
        .route("/financing/stats", get(stats_pages::page))
        .route("/financing/stats.xlsx", get(stats_pages::export))
        .route(
            "/financing/promotions",
            get(promotions::list).post(promotions::create),
        )
        .route("/financing/promotions/{id}", get(promotions::detail))
        .route(
            "/financing/promotions/{id}/projects",
            post(promotions::add_projects),
        )
        .route(
            "/financing/promotions/{id}/publish",
            post(promotions::publish),
        )
        .route(
            "/financing/promotions/{id}/items/{item}/remove",
            post(promotions::remove_item),
        )
        .route(
            "/financing/promotions/{id}/items/{item}/interest",
            post(promotions::interest),
        )
        .route(
            "/financing/promotions/{id}/export.xlsx",
            get(promotions::export_xlsx),
        )
        .route(
            "/financing/promotions/{id}/export.docx",
            get(promotions::export_docx),
        )
        .route("/financing/{id}", get(pages::need))
        .route("/financing/{id}/remind", post(followup::remind_one))
        .route("/financing/{id}/claim", post(pages::claim))
        .route("/financing/{id}/choose", post(pages::choose))
        .route("/financing/{id}/outcomes", post(pages::outcome))
}

/// The first day of the needs still in (or just past) their claim window.
pub(crate) async fn open_since(_st: &Shared) -> Result<NaiveDate, AppError> {
    // A window of 3 working days never spans more than the longest holiday plus a week.
    Ok(crate::layout::today() - chrono::Duration::days(20))
}

/// A need's state today.
pub(crate) async fn state_of(st: &Shared, n: &NeedRecord) -> Result<State, AppError> {
    let cal = st.store.calendar().await?;
    Ok(domain::financing::state(
        &n.facts(),
        &cal,
        crate::layout::today(),
    ))
}

/// A need the user may read: an enterprise its own, everyone else any.
pub(crate) async fn need_or_404(st: &Shared, u: &User, id: i64) -> Result<NeedRecord, AppError> {
    let n = st
        .store
        .financing_need(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的融资需求")))?;
    if u.role == Role::Enterprise && u.enterprise_code.as_deref() != Some(n.credit_code.as_str()) {
        return Err(AppError::Denied("企业只能查看本企业的融资需求".into()));
    }
    Ok(n)
}

/// The statistics of the needs posted in [from, to].
pub(crate) async fn stats(
    st: &Shared,
    from: NaiveDate,
    to: NaiveDate,
    by_institution: bool,
) -> Result<(Vec<StatRow>, StatRow), AppError> {
    let cal = st.store.calendar().await?;
    let today = crate::layout::today();
    let mut needs = vec![];
    let mut offset = 0;
    loop {
        let (page, total) = st
            .store
            .financing_needs(
                &Viewer::office("统计"),
                &NeedFilter {
                    from: Some(from),
                    to: Some(to),
                    offset,
                    limit: 1000,
                },
                today,
            )
            .await?;
        offset += page.len() as i64;
        let done = page.is_empty();
        for n in page {
            let s = domain::financing::state(&n.facts(), &cal, today);
            let chosen = s.chosen.as_ref().map(|c| c.0.clone());
            let of = |k: OutcomeKind| n.outcomes.iter().filter(move |o| o.kind == k);
            needs.push(StatNeed {
                township: n.township_code.clone(),
                claimants: n.claims.iter().map(|c| c.unit_code.clone()).collect(),
                chosen,
                posted_on: n.posted_on,
                contact_due: s.contact_due,
                contact_on: n.facts().contact_on,
                credits: of(OutcomeKind::Credit)
                    .filter_map(|o| o.amount_yuan)
                    .collect(),
                loans: of(OutcomeKind::Loan)
                    .map(|o| (o.amount_yuan.unwrap_or(0), o.on))
                    .collect(),
                decided: n.facts().decision.is_some(),
            });
        }
        if done || offset >= total {
            break;
        }
    }
    Ok(compute(&needs, by_institution, &cal, today))
}
