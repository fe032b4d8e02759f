//! Visits to enterprises (走访): the list (enterprise and date filters,
//! paging, export of what is shown), the form staff record a visit with
//! (then offered to file a request from it), and the visits API.

use crate::Shared;
use crate::auth::{ApiCan, Can, need};
use crate::error::{ApiError, AppError, ErrorBody};
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use chrono::NaiveDate;
use domain::users::FieldError;
use office::xlsx::{Cell, Sheet};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use store::StoreError;
use store::requests::Viewer;
use store::requests::write::{NewVisit, VisitRecord};
use utoipa::{IntoParams, ToSchema};

const PER_PAGE: i64 = 50;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/visits", get(list).post(create))
        .route("/visits/export.xlsx", get(export))
        .route("/visits/new", get(new_page))
}

pub fn api_router() -> Router<Shared> {
    Router::new().route("/v1/visits", get(api_list).post(api_create))
}

/// Which visits to show.
#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    /// The enterprise: its credit code, or part of its name.
    enterprise: Option<String>,
    /// Visited on or after (YYYY-MM-DD).
    from: Option<String>,
    /// Visited on or before (YYYY-MM-DD).
    to: Option<String>,
    /// The page (from 1; pages only).
    #[param(ignore)]
    page: Option<i64>,
    /// A visit just saved (pages only).
    #[param(ignore)]
    saved: Option<i64>,
}

impl VisitQuery {
    fn text(v: &Option<String>) -> &str {
        v.as_deref().map(str::trim).unwrap_or("")
    }
    pub fn enterprise(&self) -> &str {
        Self::text(&self.enterprise)
    }
    pub fn from(&self) -> &str {
        Self::text(&self.from)
    }
    pub fn to(&self) -> &str {
        Self::text(&self.to)
    }
    /// The filters as a query string (for paging and export links).
    pub fn params(&self) -> String {
        [
            ("enterprise", self.enterprise()),
            ("from", self.from()),
            ("to", self.to()),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::org::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }
}

fn date_filter(s: &str, field: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if s.is_empty() {
        return None;
    }
    s.parse::<NaiveDate>()
        .map_err(|_| errs.push(FieldError::new(field, "日期格式应为 YYYY-MM-DD")))
        .ok()
}

/// The visits matching the filters, newest first.
async fn select(st: &Shared, q: &VisitQuery) -> Result<Vec<VisitRecord>, AppError> {
    filter(st.store.visits(None).await?, q)
}

fn filter(all: Vec<VisitRecord>, q: &VisitQuery) -> Result<Vec<VisitRecord>, AppError> {
    let mut errs = vec![];
    let from = date_filter(q.from(), "from", &mut errs);
    let to = date_filter(q.to(), "to", &mut errs);
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let e = q.enterprise();
    Ok(all
        .into_iter()
        .filter(|v| e.is_empty() || v.enterprise_code == e || v.enterprise_name.contains(e))
        .filter(|v| from.is_none_or(|f| v.visited_on.as_str() >= f.to_string().as_str()))
        .filter(|v| to.is_none_or(|t| v.visited_on.as_str() <= t.to_string().as_str()))
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/list.html")]
struct ListPage {
    chrome: Chrome,
    q: VisitQuery,
    visits: Vec<VisitRecord>,
    paging: Paging,
    can_record: bool,
    saved: Option<VisitRecord>,
    any: bool,
}

async fn list(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<VisitQuery>,
) -> Result<ListPage, AppError> {
    let every = st.store.visits(None).await?;
    let saved = q
        .saved
        .and_then(|id| every.iter().find(|v| v.id == id).cloned());
    let any = !every.is_empty();
    let all = filter(every, &q)?;
    let paging = Paging::new(q.page, PER_PAGE, all.len() as i64);
    let visits = all
        .into_iter()
        .skip(paging.offset() as usize)
        .take(PER_PAGE as usize)
        .collect();
    Ok(ListPage {
        can_record: page.can(domain::users::Permission::RecordVisits),
        chrome: page.chrome("visits"),
        q,
        visits,
        paging,
        saved,
        any,
    })
}

async fn export(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Query(q): Query<VisitQuery>,
) -> Result<Response, AppError> {
    let rows = select(&st, &q)
        .await?
        .into_iter()
        .map(|v| {
            vec![
                Cell::from(v.visited_on),
                v.enterprise_code.into(),
                v.enterprise_name.into(),
                v.visitors.into(),
                v.findings.into(),
                v.follow_up_of
                    .map(Cell::Int)
                    .unwrap_or_else(|| Cell::from("")),
                v.created_by.into(),
            ]
        })
        .collect();
    let headers = [
        "走访日期",
        "统一社会信用代码",
        "企业",
        "走访人员",
        "了解到的情况",
        "回访诉求",
        "登记人",
    ]
    .map(String::from)
    .to_vec();
    let bytes = crate::layout::write_xlsx(&[Sheet {
        name: "走访".into(),
        headers,
        rows,
    }])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "visits.xlsx",
        "走访记录.xlsx",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/form.html")]
struct FormPage {
    chrome: Chrome,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
}

impl FormPage {
    fn v(&self, name: &str) -> &str {
        crate::layout::value(&self.values, name)
    }
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
}

async fn new_page(
    page: Can<need::RecordVisits>,
    Query(mut values): Query<HashMap<String, String>>,
) -> Result<FormPage, AppError> {
    values
        .entry("visited_on".into())
        .or_insert_with(|| crate::layout::today().to_string());
    values
        .entry("visitors".into())
        .or_insert_with(|| page.user.display_name.clone());
    Ok(FormPage {
        chrome: page.chrome("visits"),
        values,
        errors: vec![],
    })
}

fn new_visit(values: &HashMap<String, String>) -> Result<NewVisit, Vec<FieldError>> {
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let follow = v("follow_up_of");
    let follow_up_of = match follow.trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .map_err(|_| vec![FieldError::new("follow_up_of", "回访诉求编号应为数字")])?,
        ),
    };
    Ok(NewVisit {
        enterprise: v("enterprise"),
        visited_on: v("visited_on"),
        visitors: v("visitors"),
        findings: v("findings"),
        follow_up_of,
    })
}

async fn create(
    State(st): State<Shared>,
    page: Can<need::RecordVisits>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let result = match new_visit(&values) {
        Ok(n) => st.store.add_visit(&Viewer::of(&page.user), &n).await,
        Err(errs) => Err(StoreError::Invalid(errs)),
    };
    match result {
        Ok(v) => Ok(Redirect::to(&format!("/visits?saved={}", v.id)).into_response()),
        Err(StoreError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            FormPage {
                chrome: page.chrome("visits"),
                values,
                errors,
            },
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// A visit to an enterprise.
#[derive(Serialize, ToSchema)]
pub struct VisitJson {
    id: i64,
    enterprise_code: String,
    enterprise_name: String,
    /// YYYY-MM-DD.
    visited_on: String,
    visitors: String,
    findings: String,
    /// The request this visit followed up.
    follow_up_of: Option<i64>,
    created_by: String,
    /// Where to file a request from this visit.
    new_request_url: String,
}

impl From<VisitRecord> for VisitJson {
    fn from(v: VisitRecord) -> Self {
        VisitJson {
            new_request_url: format!(
                "/requests/new?enterprise={}&visit_id={}",
                crate::org::urlencode(&v.enterprise_code),
                v.id
            ),
            id: v.id,
            enterprise_code: v.enterprise_code,
            enterprise_name: v.enterprise_name,
            visited_on: v.visited_on,
            visitors: v.visitors,
            findings: v.findings,
            follow_up_of: v.follow_up_of,
            created_by: v.created_by,
        }
    }
}

/// A visit to record.
#[derive(Deserialize, ToSchema)]
pub struct VisitIn {
    /// The enterprise's unified social credit code.
    enterprise: String,
    /// YYYY-MM-DD.
    visited_on: String,
    visitors: String,
    findings: String,
    /// The reopened request this visit follows up, if any.
    #[serde(default)]
    follow_up_of: Option<i64>,
}

/// Visits, newest first (staff and leaders; not enterprises).
#[utoipa::path(get, path = "/api/v1/visits", tag = "visits", params(VisitQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<VisitJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn api_list(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Query(q): Query<VisitQuery>,
) -> Result<Json<Vec<VisitJson>>, ApiError> {
    Ok(Json(
        select(&st, &q)
            .await?
            .into_iter()
            .map(VisitJson::from)
            .collect(),
    ))
}

/// Records a visit (the office and member units).
#[utoipa::path(post, path = "/api/v1/visits", tag = "visits", request_body = VisitIn, security(("bearer" = [])),
    responses((status = 201, body = VisitJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn api_create(
    State(st): State<Shared>,
    ApiCan { 0: u, .. }: ApiCan<need::RecordVisits>,
    Json(b): Json<VisitIn>,
) -> Result<(StatusCode, Json<VisitJson>), ApiError> {
    let v = st
        .store
        .add_visit(
            &Viewer::of(&u),
            &NewVisit {
                enterprise: b.enterprise,
                visited_on: b.visited_on,
                visitors: b.visitors,
                findings: b.findings,
                follow_up_of: b.follow_up_of,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}
