//! The ballots behind the scores (the office only: respondents by name),
//! paper ballots entered on a form, and their import from the xlsx template
//! (all or nothing, every bad row named).

use super::round_or_404;
use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::evaluation::{Group, Level};
use domain::users::FieldError;
use serde::Deserialize;
use std::collections::HashMap;
use store::evaluations::write::NewBallot;
use store::evaluations::{BallotFilter, BallotRecord, Round};
use store::org::Unit;
use store::requests::Viewer;

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct BallotQuery {
    unit: Option<String>,
    group: Option<String>,
    respondent: Option<String>,
    page: Option<i64>,
    saved: Option<usize>,
}

impl BallotQuery {
    fn text(v: &Option<String>) -> &str {
        v.as_deref().map(str::trim).unwrap_or("")
    }
    pub fn unit(&self) -> &str {
        Self::text(&self.unit)
    }
    pub fn group(&self) -> &str {
        Self::text(&self.group)
    }
    pub fn respondent(&self) -> &str {
        Self::text(&self.respondent)
    }
    pub fn params(&self) -> String {
        [
            ("unit", self.unit()),
            ("group", self.group()),
            ("respondent", self.respondent()),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::org::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/ballots.html")]
pub struct BallotsPage {
    chrome: Chrome,
    round: Round,
    q: BallotQuery,
    ballots: Vec<BallotRecord>,
    paging: Paging,
    units: Vec<Unit>,
    grassroots: Vec<Unit>,
    levels: Vec<Level>,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
    flash: String,
}

impl BallotsPage {
    fn v(&self, name: &str) -> &str {
        crate::layout::value(&self.values, name)
    }
}

fn parse_group(s: &str) -> Result<Option<Group>, AppError> {
    match s {
        "" => Ok(None),
        "enterprise" => Ok(Some(Group::Enterprise)),
        "grassroots" => Ok(Some(Group::Grassroots)),
        _ => Err(AppError::Invalid(vec![FieldError::new(
            "group",
            "评议组别应为 enterprise 或 grassroots",
        )])),
    }
}

async fn ballots_page(
    st: &Shared,
    page: &crate::auth::Page,
    id: i64,
    q: BallotQuery,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<BallotsPage, AppError> {
    let round = round_or_404(st, id).await?;
    let group = parse_group(q.group())?;
    let filter = |offset, limit| BallotFilter {
        unit: Some(q.unit().to_string()).filter(|s| !s.is_empty()),
        group,
        respondent: Some(q.respondent().to_string()).filter(|s| !s.is_empty()),
        offset,
        limit,
    };
    let (_, total) = st.store.ballots(id, &filter(0, 1)).await?;
    let paging = Paging::new(q.page, PER_PAGE, total);
    let (ballots, _) = st
        .store
        .ballots(id, &filter(paging.offset(), PER_PAGE))
        .await?;
    let flash = q
        .saved
        .map(|n| format!("已保存 {n} 张评议票。"))
        .unwrap_or_default();
    Ok(BallotsPage {
        chrome: page.chrome("evaluations"),
        units: st.store.evaluated_units(&round).await?,
        grassroots: st.store.grassroots_units().await?,
        levels: Level::ALL.to_vec(),
        round,
        q,
        ballots,
        paging,
        values,
        errors,
        flash,
    })
}

/// The ballots of a round with their respondents (the office only).
pub async fn ballots(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Query(q): Query<BallotQuery>,
) -> Result<BallotsPage, AppError> {
    ballots_page(&st, &page, id, q, HashMap::new(), vec![]).await
}

/// The ballots the list shows (its filters, every page) as a workbook.
pub async fn export(
    State(st): State<Shared>,
    _page: Can<need::Administer>,
    Path(id): Path<i64>,
    Query(q): Query<BallotQuery>,
) -> Result<axum::response::Response, AppError> {
    let round = round_or_404(&st, id).await?;
    let group = parse_group(q.group())?;
    let mut rows = vec![];
    loop {
        let (page, total) = st
            .store
            .ballots(
                id,
                &BallotFilter {
                    unit: Some(q.unit().to_string()).filter(|s| !s.is_empty()),
                    group,
                    respondent: Some(q.respondent().to_string()).filter(|s| !s.is_empty()),
                    offset: rows.len() as i64,
                    limit: 1000,
                },
            )
            .await?;
        let done = page.is_empty();
        rows.extend(page.into_iter().map(|b| {
            vec![
                office::xlsx::Cell::from(match b.group {
                    Group::Enterprise => "企业",
                    Group::Grassroots => "基层",
                }),
                b.respondent.into(),
                b.respondent_name.into(),
                b.unit_code.into(),
                b.unit_name.into(),
                b.level.label().into(),
                b.comment.into(),
                b.source.into(),
                b.entered_by.into(),
                b.updated_at.into(),
            ]
        }));
        if done || rows.len() as i64 >= total {
            break;
        }
    }
    let headers = [
        "评议组别",
        "评议人代码",
        "评议人",
        "单位代码",
        "被评议单位",
        "评价等级",
        "意见",
        "来源",
        "录入人",
        "录入时间",
    ]
    .map(String::from)
    .to_vec();
    let bytes = crate::layout::write_xlsx(&[office::xlsx::Sheet {
        name: "评议票".into(),
        headers,
        rows,
    }])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "evaluation-ballots.xlsx",
        &format!("{}评议票.xlsx", round.title),
    ))
}

/// Enters one paper ballot.
pub async fn enter(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let result = st
        .store
        .submit_ballots(
            &Viewer::of(&page.user),
            id,
            &[NewBallot {
                group: get("group"),
                respondent: get("respondent"),
                unit: get("unit"),
                level: get("level"),
                comment: get("comment"),
            }],
            "paper",
        )
        .await;
    match result {
        Ok(n) => Ok(Redirect::to(&format!("/evaluations/{id}/ballots?saved={n}")).into_response()),
        Err(store::StoreError::Invalid(errs)) => {
            let errs = errs
                .into_iter()
                .map(|e| FieldError::new(e.field.trim_start_matches("[0]."), e.message))
                .collect();
            let p = ballots_page(&st, &page, id, BallotQuery::default(), f, errs).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The template for paper ballots, listing the round's units.
pub async fn template(
    State(st): State<Shared>,
    _page: Can<need::Administer>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let round = round_or_404(&st, id).await?;
    let units: Vec<(String, String)> = st
        .store
        .evaluated_units(&round)
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    let bytes = office::ballots::template(&units).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "evaluation-ballots-template.xlsx",
        "评议票导入模板.xlsx",
    ))
}

/// Imports paper ballots from the template: every ballot or none.
pub async fn import(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let bytes = crate::imports::uploaded_bytes(&mut form).await?;
    let rows = office::ballots::read(&bytes).map_err(crate::imports::cell_errors)?;
    let ballots: Vec<NewBallot> = rows
        .iter()
        .map(|r| NewBallot::of(r.group, &r.respondent, &r.unit, r.level, &r.comment))
        .collect();
    let n = st
        .store
        .submit_ballots(&Viewer::of(&page.user), id, &ballots, "import")
        .await
        .map_err(|e| match e {
            // Name the Excel row and column of each refused ballot.
            store::StoreError::Invalid(errs) => AppError::Invalid(
                errs.into_iter()
                    .map(|f| {
                        let (i, field) = f
                            .field
                            .trim_start_matches('[')
                            .split_once("].")
                            .map(|(i, f)| (i.parse::<usize>().ok(), f.to_string()))
                            .unwrap_or((None, f.field.clone()));
                        let column = match field.as_str() {
                            "respondent" => "评议人",
                            "unit" => "被评议单位",
                            "group" => "评议组别",
                            "comment" => "意见",
                            _ => "评价等级",
                        };
                        let at = match i.and_then(|i| rows.get(i)) {
                            Some(r) => format!("第 {} 行“{column}”", r.row),
                            None => f.field.clone(),
                        };
                        FieldError::new(&at, f.message)
                    })
                    .collect(),
            ),
            e => e.into(),
        })?;
    Ok(Redirect::to(&format!("/evaluations/{id}/ballots?saved={n}")).into_response())
}
