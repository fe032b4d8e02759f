//! Supervision (督查催办): the office's reminder list of overdue requests by
//! responsible unit, with 催办 per request and per unit and the extensions
//! waiting for approval (here); the supervision notice 督查通报 (`notices`);
//! the statistics per unit and category (`stats`). The reminder list and the
//! notice are for the office (which urges and issues) and leaders (who read).

mod notices;
pub(crate) mod stats;

use crate::Shared;
use crate::auth::{ApiCan, Can, Page, need};
use crate::error::{ApiError, AppError};
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{Datelike, NaiveDate};
use domain::users::FieldError;
use office::xlsx::{Cell, Sheet};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use store::requests::Viewer;
use store::requests::config::CategoryRecord;
use store::requests::supervision::{OverdueItem, PendingExtension};
use utoipa::{IntoParams, ToSchema};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/supervision", get(list))
        .route("/supervision/export.xlsx", get(export))
        .route("/supervision/requests/{id}/urge", post(urge_one))
        .route("/supervision/units/{code}/urge", post(urge_unit))
        .merge(notices::router())
        .merge(stats::router())
}

pub fn api_router() -> Router<Shared> {
    Router::new()
        .route("/v1/supervision/overdue", get(api_overdue))
        .route("/v1/requests/stats", get(stats::api_stats))
}

/// The name shown for a request that has no unit.
const NO_UNIT: &str = "（未分派）";

fn ne(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Years back from this one that a supervision date may reach.
pub const DATE_YEARS_BACK: i32 = 10;

/// Parses an optional date field; the error names the field. Deadlines are
/// counted day by day up to this date, so it must lie within
/// [`DATE_YEARS_BACK`] years before this year and the end of next year.
pub(crate) fn opt_date(
    v: &Option<String>,
    field: &str,
    label: &str,
    errs: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    let s = ne(v)?;
    let d = domain::projects::parse_date(s)
        .map_err(|_| {
            errs.push(FieldError::new(
                field,
                format!("{label}格式应为 YYYY-MM-DD"),
            ))
        })
        .ok()?;
    let year = crate::layout::today().year();
    let (lo, hi) = (year - DATE_YEARS_BACK, year + 1);
    if !(lo..=hi).contains(&d.year()) {
        errs.push(FieldError::new(
            field,
            format!("{label}须在 {lo} 年至 {hi} 年之间"),
        ));
        return None;
    }
    Some(d)
}

/// Overdue items of one unit.
pub struct UnitGroup {
    pub code: String,
    pub name: String,
    /// All of the unit's overdue items (not only this page's).
    pub count: usize,
    pub accept: usize,
    pub reply: usize,
    pub resolve: usize,
    pub most_late: i64,
    pub items: Vec<OverdueItem>,
}

fn unit_key(i: &OverdueItem) -> (String, String) {
    (
        i.record.unit_code.clone().unwrap_or_default(),
        i.record.unit_name.clone().unwrap_or_else(|| NO_UNIT.into()),
    )
}

/// Groups overdue items by unit, the unit with the most first; the items
/// keep their order (most late first).
pub fn by_unit(items: Vec<OverdueItem>) -> Vec<UnitGroup> {
    let mut groups: Vec<UnitGroup> = vec![];
    let mut index: HashMap<String, usize> = HashMap::new();
    for i in items {
        let (code, name) = unit_key(&i);
        let at = *index.entry(code.clone()).or_insert_with(|| {
            groups.push(UnitGroup {
                code,
                name,
                count: 0,
                accept: 0,
                reply: 0,
                resolve: 0,
                most_late: 0,
                items: vec![],
            });
            groups.len() - 1
        });
        let g = &mut groups[at];
        g.count += 1;
        g.accept += i.has_step("受理") as usize;
        g.reply += i.has_step("首次答复") as usize;
        g.resolve += i.has_step("办结") as usize;
        g.most_late = g.most_late.max(i.working_days_late());
        g.items.push(i);
    }
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    groups
}

#[derive(Deserialize, Default)]
struct ListQuery {
    unit: Option<String>,
    category: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn params(&self) -> String {
        [("unit", &self.unit), ("category", &self.category)]
            .iter()
            .filter_map(|(k, v)| ne(v).map(|v| format!("{k}={}", crate::org::urlencode(v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/list.html")]
struct ListPage {
    chrome: Chrome,
    today: NaiveDate,
    /// Every unit with overdue items (under the category filter).
    summary: Vec<UnitGroup>,
    /// This page's items, by unit.
    groups: Vec<UnitGroup>,
    total: usize,
    paging: Paging,
    unit: String,
    category: String,
    categories: Vec<CategoryRecord>,
    params: String,
    back: String,
    extensions: Vec<PendingExtension>,
    can_urge: bool,
}

const PER_PAGE: i64 = 50;

/// The overdue items at `today` under the filters: (all units' groups for the
/// summary, the items of the chosen unit in display order).
async fn select(
    st: &Shared,
    page: &Page,
    q: &ListQuery,
    today: NaiveDate,
) -> Result<(Vec<UnitGroup>, Vec<OverdueItem>), AppError> {
    let all = st
        .store
        .overdue_requests(&Viewer::of(&page.user), None, ne(&q.category), today)
        .await?;
    let summary = by_unit(all);
    let unit = ne(&q.unit);
    let items = summary
        .iter()
        .filter(|g| unit.is_none_or(|u| g.code == u))
        .flat_map(|g| g.items.iter().cloned())
        .collect();
    Ok((summary, items))
}

async fn list(
    State(st): State<Shared>,
    page: Can<need::Oversee>,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let today = crate::layout::today();
    let (summary, items) = select(&st, &page, &q, today).await?;
    let total = items.len();
    let paging = Paging::new(q.page, PER_PAGE, total as i64);
    let shown: Vec<OverdueItem> = items
        .into_iter()
        .skip(paging.offset() as usize)
        .take(PER_PAGE as usize)
        .collect();
    let mut groups = by_unit(shown);
    // Keep the summary's order and whole-unit counts on every page.
    groups.sort_by_key(|g| summary.iter().position(|s| s.code == g.code));
    for g in &mut groups {
        if let Some(s) = summary.iter().find(|s| s.code == g.code) {
            (g.count, g.accept, g.reply, g.resolve, g.most_late) =
                (s.count, s.accept, s.reply, s.resolve, s.most_late);
        }
    }
    let params = q.params();
    let back = if params.is_empty() {
        format!("/supervision?page={}", paging.page)
    } else {
        format!("/supervision?{params}&page={}", paging.page)
    };
    Ok(ListPage {
        today,
        summary,
        groups,
        total,
        paging,
        unit: ne(&q.unit).unwrap_or("").into(),
        category: ne(&q.category).unwrap_or("").into(),
        categories: st.store.request_categories().await?,
        params,
        back,
        extensions: st.store.pending_extensions(&Viewer::of(&page.user)).await?,
        can_urge: page.can(domain::users::Permission::Administer),
        chrome: page.chrome("supervision"),
    })
}

async fn export(
    State(st): State<Shared>,
    page: Can<need::Oversee>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let today = crate::layout::today();
    let (_, items) = select(&st, &page, &q, today).await?;
    let headers = [
        "承办单位",
        "编号",
        "事项",
        "企业",
        "类别",
        "状态",
        "超期环节",
        "时限",
        "超期工作日",
        "催办次数",
        "最近催办",
    ]
    .map(String::from)
    .to_vec();
    let rows = items
        .iter()
        .map(|i| {
            let r = &i.record;
            vec![
                Cell::from(unit_key(i).1),
                r.code.as_str().into(),
                r.title.as_str().into(),
                r.enterprise_name.clone().unwrap_or_default().into(),
                r.category_name.as_str().into(),
                r.status.label().into(),
                i.steps_label().into(),
                i.steps
                    .iter()
                    .map(|s| format!("{}：{}", s.step, s.due))
                    .collect::<Vec<_>>()
                    .join("；")
                    .into(),
                i.working_days_late().into(),
                i.urge_count.into(),
                i.last_urged_on
                    .map(|d| d.to_string())
                    .unwrap_or_default()
                    .into(),
            ]
        })
        .collect();
    let bytes = crate::layout::write_xlsx(&[Sheet {
        name: "超期事项".into(),
        headers,
        rows,
    }])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        &format!("overdue-{today}.xlsx"),
        &format!("督查催办 超期事项 {today}.xlsx"),
    ))
}

#[derive(Deserialize)]
struct UrgeForm {
    #[serde(default)]
    note: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    back: String,
}

fn back_to(back: &str) -> String {
    if back.starts_with("/supervision") && !back.starts_with("//") {
        back.to_string()
    } else {
        "/supervision".into()
    }
}

async fn urge_one(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<UrgeForm>,
) -> Result<Response, AppError> {
    st.store
        .urge_request(&Viewer::of(&page.user), id, &f.note, crate::layout::today())
        .await?;
    Ok(Redirect::to(&back_to(&f.back)).into_response())
}

async fn urge_unit(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(code): Path<String>,
    Form(f): Form<UrgeForm>,
) -> Result<Response, AppError> {
    let today = crate::layout::today();
    let v = Viewer::of(&page.user);
    let category = Some(f.category.trim()).filter(|c| !c.is_empty());
    let ids: Vec<i64> = st
        .store
        .overdue_requests(&v, Some(&code), category, today)
        .await?
        .iter()
        .map(|i| i.record.id)
        .collect();
    if ids.is_empty() {
        return Err(AppError::Conflict(
            "该单位目前没有超期事项，无需催办".into(),
        ));
    }
    st.store.urge_requests(&v, &ids, &f.note, today).await?;
    Ok(Redirect::to(&back_to(&f.back)).into_response())
}

/// Filters of the overdue list in the API.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverdueParams {
    /// A responsible unit's code.
    unit: Option<String>,
    /// A category code.
    category: Option<String>,
    /// The day to count at (default today, Beijing time); requests are read as they stand now.
    as_of: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OverdueStepJson {
    /// 受理, 首次答复 or 办结.
    step: String,
    due: String,
    working_days_late: i64,
}

#[derive(Serialize, ToSchema)]
pub struct OverdueItemJson {
    id: i64,
    code: String,
    /// enterprise or action_item.
    kind: String,
    title: String,
    enterprise_code: Option<String>,
    enterprise_name: Option<String>,
    category_code: String,
    category_name: String,
    status: String,
    unit_code: Option<String>,
    unit_name: Option<String>,
    steps: Vec<OverdueStepJson>,
    /// The most working days any step is late.
    working_days_late: i64,
    urge_count: i64,
    last_urged_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UnitOverdueJson {
    unit_code: String,
    unit_name: String,
    count: usize,
    accept: usize,
    reply: usize,
    resolve: usize,
    most_working_days_late: i64,
}

#[derive(Serialize, ToSchema)]
pub struct OverdueJson {
    as_of: String,
    total: usize,
    /// Units with overdue items, the most first.
    by_unit: Vec<UnitOverdueJson>,
    items: Vec<OverdueItemJson>,
}

/// Requests with a step past its limit, by responsible unit (admins and leaders).
#[utoipa::path(get, path = "/api/v1/supervision/overdue", tag = "supervision", params(OverdueParams), security(("bearer" = [])),
    responses((status = 200, body = OverdueJson), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_overdue(
    State(st): State<Shared>,
    u: ApiCan<need::Oversee>,
    Query(p): Query<OverdueParams>,
) -> Result<Json<OverdueJson>, ApiError> {
    let mut errs = vec![];
    let as_of =
        opt_date(&p.as_of, "as_of", "截至日期", &mut errs).unwrap_or_else(crate::layout::today);
    if !errs.is_empty() {
        return Err(ApiError(AppError::Invalid(errs)));
    }
    let groups = by_unit(
        st.store
            .overdue_requests(&Viewer::of(&u.0), ne(&p.unit), ne(&p.category), as_of)
            .await?,
    );
    let by_unit = groups
        .iter()
        .map(|g| UnitOverdueJson {
            unit_code: g.code.clone(),
            unit_name: g.name.clone(),
            count: g.count,
            accept: g.accept,
            reply: g.reply,
            resolve: g.resolve,
            most_working_days_late: g.most_late,
        })
        .collect();
    let items: Vec<OverdueItemJson> = groups
        .into_iter()
        .flat_map(|g| g.items)
        .map(|i| OverdueItemJson {
            working_days_late: i.working_days_late(),
            steps: i
                .steps
                .iter()
                .map(|s| OverdueStepJson {
                    step: s.step.into(),
                    due: s.due.to_string(),
                    working_days_late: s.working_days_late,
                })
                .collect(),
            urge_count: i.urge_count,
            last_urged_on: i.last_urged_on.map(|d| d.to_string()),
            id: i.record.id,
            code: i.record.code,
            kind: i.record.kind.as_str().into(),
            title: i.record.title,
            enterprise_code: i.record.enterprise_code,
            enterprise_name: i.record.enterprise_name,
            category_code: i.record.category_code,
            category_name: i.record.category_name,
            status: i.record.status.as_str().into(),
            unit_code: i.record.unit_code,
            unit_name: i.record.unit_name,
        })
        .collect();
    Ok(Json(OverdueJson {
        as_of: as_of.to_string(),
        total: items.len(),
        by_unit,
        items,
    }))
}
