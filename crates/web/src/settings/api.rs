//! The settings as JSON: the calendar (PUT takes `{"toml": "..."}`, the same
//! text the page edits), categories with their limits, and routing rules.

use super::{missing_next_year, missing_year_warning, save_year, year_in_range};
use crate::Shared;
use crate::auth::{ApiCan, ApiUser, need};
use crate::error::{ApiError, AppError, ErrorBody};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::requests::Limits;
use domain::requests::routing::Rule;
use domain::users::FieldError;
use serde::{Deserialize, Serialize};
use store::requests::config::{CategoryRecord, RouteRecord};
use utoipa::ToSchema;

/// A year of the working-day calendar.
#[derive(Serialize, ToSchema)]
pub struct CalendarYearJson {
    year: i32,
    /// The notice it follows.
    source: String,
    /// Days off (YYYY-MM-DD), weekends included.
    holidays: Vec<String>,
    /// Make-up working days on weekends (调休上班).
    workdays: Vec<String>,
    /// Who last edited it (null: built in).
    edited_by: Option<String>,
    edited_at: Option<String>,
    /// The year as TOML, as PUT takes it.
    toml: String,
}

/// The years the calendar knows.
#[derive(Serialize, ToSchema)]
pub struct CalendarJson {
    years: Vec<CalendarYearSummary>,
    /// Today's year + 1.
    next_year: i32,
    /// Next year has no calendar: deadlines into it are provisional (暂定).
    next_year_missing: bool,
    /// The warning to show while next year is missing.
    warning: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CalendarYearSummary {
    year: i32,
    source: String,
    holidays: usize,
    workdays: usize,
    edited_by: Option<String>,
    edited_at: Option<String>,
}

/// A year's calendar as TOML text.
#[derive(Deserialize, ToSchema)]
pub struct CalendarPut {
    /// e.g. `year = 2027\nsource = "..."\nholidays = ["2027-01-01"]\nworkdays = []`.
    toml: String,
}

/// The years of the working-day calendar, with a warning when next year is missing.
#[utoipa::path(get, path = "/api/v1/calendar", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = CalendarJson), (status = 401, body = ErrorBody)))]
pub async fn api_calendar(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
) -> Result<Json<CalendarJson>, ApiError> {
    let today = crate::layout::today();
    let missing = missing_next_year(&st, today).await?;
    let years = st
        .store
        .calendar_years()
        .await?
        .into_iter()
        .map(|y| CalendarYearSummary {
            year: y.year,
            source: y.source,
            holidays: y.holidays,
            workdays: y.workdays,
            edited_by: y.edited_by,
            edited_at: y.edited_at,
        })
        .collect();
    use chrono::Datelike;
    Ok(Json(CalendarJson {
        years,
        next_year: today.year() + 1,
        next_year_missing: missing.is_some(),
        warning: missing.map(missing_year_warning),
    }))
}

async fn year_json(st: &Shared, year: i32) -> Result<CalendarYearJson, ApiError> {
    let cal = st.store.calendar().await?;
    let y = cal
        .year(year)
        .ok_or_else(|| AppError::NotFound(format!("{year} 年的工作日历")))?;
    let info = st
        .store
        .calendar_years()
        .await?
        .into_iter()
        .find(|i| i.year == year);
    Ok(CalendarYearJson {
        year,
        source: y.source.clone(),
        holidays: y.holidays.iter().map(|d| d.to_string()).collect(),
        workdays: y.workdays.iter().map(|d| d.to_string()).collect(),
        edited_by: info.as_ref().and_then(|i| i.edited_by.clone()),
        edited_at: info.and_then(|i| i.edited_at),
        toml: cal.year_toml(year).unwrap_or_default(),
    })
}

/// One year of the calendar.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "settings", params(("year" = i32, Path, description = "the year")),
    security(("bearer" = [])),
    responses((status = 200, body = CalendarYearJson), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_calendar_year(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Path(year): Path<i32>,
) -> Result<Json<CalendarYearJson>, ApiError> {
    Ok(Json(year_json(&st, year).await?))
}

/// Enters or replaces a year (the office only). The text must be of that
/// year; open requests' deadlines are recounted on the new calendar.
#[utoipa::path(put, path = "/api/v1/calendar/{year}", tag = "settings", params(("year" = i32, Path, description = "the year")),
    request_body = CalendarPut, security(("bearer" = [])),
    responses((status = 200, body = CalendarYearJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_put_calendar_year(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(year): Path<i32>,
    Json(body): Json<CalendarPut>,
) -> Result<Json<CalendarYearJson>, ApiError> {
    year_in_range(year)?;
    save_year(&st, &u.0.actor(), year, &body.toml).await?;
    Ok(Json(year_json(&st, year).await?))
}

/// A request category with its limits in working days.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct CategoryJson {
    /// e.g. land, financing (not changeable).
    code: String,
    name: String,
    accept_days: i64,
    reply_days: i64,
    resolve_days: i64,
    /// New requests may use it.
    active: bool,
}

impl From<CategoryRecord> for CategoryJson {
    fn from(c: CategoryRecord) -> Self {
        CategoryJson {
            code: c.code,
            name: c.name,
            accept_days: c.limits.accept_days,
            reply_days: c.limits.reply_days,
            resolve_days: c.limits.resolve_days,
            active: c.active,
        }
    }
}

/// The request categories.
#[utoipa::path(get, path = "/api/v1/request-categories", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = Vec<CategoryJson>), (status = 401, body = ErrorBody)))]
pub async fn api_categories(
    State(st): State<Shared>,
    _u: ApiUser,
) -> Result<Json<Vec<CategoryJson>>, ApiError> {
    Ok(Json(
        st.store
            .request_categories()
            .await?
            .into_iter()
            .map(CategoryJson::from)
            .collect(),
    ))
}

/// Updates categories (the office only): an array of categories by code;
/// all are checked before any is saved (accept ≤ reply ≤ resolve, 1–250).
#[utoipa::path(put, path = "/api/v1/request-categories", tag = "settings", request_body = Vec<CategoryJson>,
    security(("bearer" = [])),
    responses((status = 200, body = Vec<CategoryJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_put_categories(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(body): Json<Vec<CategoryJson>>,
) -> Result<Json<Vec<CategoryJson>>, ApiError> {
    let known = st.store.request_categories().await?;
    let mut errs = vec![];
    for (i, c) in body.iter().enumerate() {
        let limits = Limits {
            accept_days: c.accept_days,
            reply_days: c.reply_days,
            resolve_days: c.resolve_days,
        };
        let mut e = limits.check();
        if c.name.trim().is_empty() {
            e.push(FieldError::new("name", "请填写类别名称"));
        }
        if !known.iter().any(|k| k.code == c.code) {
            e.push(FieldError::new("code", format!("没有诉求类别“{}”", c.code)));
        }
        errs.extend(
            e.into_iter()
                .map(|f| FieldError::new(&format!("[{i}].{}", f.field), f.message)),
        );
    }
    if !errs.is_empty() {
        return Err(ApiError(AppError::Invalid(errs)));
    }
    for c in &body {
        let limits = Limits {
            accept_days: c.accept_days,
            reply_days: c.reply_days,
            resolve_days: c.resolve_days,
        };
        st.store
            .update_category(&u.0.actor(), &c.code, &c.name, &limits, c.active)
            .await?;
    }
    api_categories(State(st), u.api_user()).await
}

/// A routing rule.
#[derive(Serialize, ToSchema)]
pub struct RouteJson {
    id: i64,
    category: String,
    category_name: String,
    /// Only for enterprises in this township (null: any).
    township: Option<String>,
    township_name: Option<String>,
    working_group: Option<String>,
    working_group_name: Option<String>,
    unit: String,
    unit_name: String,
}

impl From<RouteRecord> for RouteJson {
    fn from(r: RouteRecord) -> Self {
        RouteJson {
            id: r.id,
            category: r.rule.category,
            category_name: r.category_name,
            township: r.rule.township,
            township_name: r.township_name,
            working_group: r.rule.working_group,
            working_group_name: r.working_group_name,
            unit: r.rule.unit,
            unit_name: r.unit_name,
        }
    }
}

/// A rule to set: replaces the rule of the same category and township.
#[derive(Deserialize, ToSchema)]
pub struct RouteIn {
    category: String,
    #[serde(default)]
    township: Option<String>,
    #[serde(default)]
    working_group: Option<String>,
    unit: String,
}

/// The routing rules (staff only).
#[utoipa::path(get, path = "/api/v1/request-routes", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = Vec<RouteJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn api_routes(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
) -> Result<Json<Vec<RouteJson>>, ApiError> {
    Ok(Json(
        st.store
            .request_routes()
            .await?
            .into_iter()
            .map(RouteJson::from)
            .collect(),
    ))
}

/// Sets a routing rule (the office only); answers every rule.
#[utoipa::path(post, path = "/api/v1/request-routes", tag = "settings", request_body = RouteIn, security(("bearer" = [])),
    responses((status = 200, body = Vec<RouteJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn api_set_route(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(r): Json<RouteIn>,
) -> Result<Json<Vec<RouteJson>>, ApiError> {
    let nonempty = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let rule = Rule {
        category: r.category.trim().into(),
        township: nonempty(r.township),
        working_group: nonempty(r.working_group),
        unit: r.unit.trim().into(),
    };
    st.store.set_request_route(&u.0.actor(), &rule).await?;
    api_routes(State(st), u.with()?).await
}

/// Deletes a routing rule (the office only).
#[utoipa::path(delete, path = "/api/v1/request-routes/{id}", tag = "settings", params(("id" = i64, Path, description = "rule id")),
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_delete_route(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    st.store.delete_request_route(&u.0.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
