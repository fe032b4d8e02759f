//! The projects API: upsert by code (one object or an array, all or nothing),
//! list with filters and paging, one project, monthly progress.

use super::list::{ProjectQuery, select};
use crate::Shared;
use crate::auth::{ApiCan, need};
use crate::error::{ApiError, AppError};
use axum::Json;
use axum::extract::{Path, Query, State};
use domain::patch::Patch;
use domain::projects::fields::{Fields, project_patch_from_fields};
use domain::projects::{Milestone, Period, Project};
use domain::users::{FieldError, Scope};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::StoreError;
use store::projects::{ProgressEntry, ProjectRecord, UpsertReport};
use store::users::User;
use utoipa::{IntoParams, ToSchema};

/// Splits a JSON body into items: one object or an array of objects.
/// Returns the items and whether field names need an `[i].` prefix.
pub(crate) fn items(body: Value) -> Result<(Vec<serde_json::Map<String, Value>>, bool), ApiError> {
    let bad = || {
        ApiError(AppError::Invalid(vec![FieldError::new(
            "body",
            "请求体须为 JSON 对象或对象数组",
        )]))
    };
    match body {
        Value::Object(m) => Ok((vec![m], false)),
        Value::Array(a) => {
            if a.is_empty() {
                return Err(ApiError(AppError::Invalid(vec![FieldError::new(
                    "body",
                    "数组不能为空",
                )])));
            }
            let items = a
                .into_iter()
                .map(|v| {
                    if let Value::Object(m) = v {
                        Ok(m)
                    } else {
                        Err(bad())
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok((items, true))
        }
        _ => Err(bad()),
    }
}

/// A JSON value as the text a form would send (null and absent are None).
pub(crate) fn as_text(m: &serde_json::Map<String, Value>, k: &str) -> Option<String> {
    match m.get(k)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// A JSON value as the text of a partial update: `null` clears (清空), an
/// absent field is None (kept).
pub(crate) fn patch_text(m: &serde_json::Map<String, Value>, k: &str) -> Option<String> {
    match m.get(k)? {
        Value::Null => Some(domain::patch::CLEAR.to_string()),
        _ => as_text(m, k),
    }
}

pub(crate) fn prefixed(i: usize, many: bool, field: &str) -> String {
    if many {
        format!("[{i}].{field}")
    } else {
        field.to_string()
    }
}

/// Maps row errors from the store to API field errors.
pub(crate) fn store_rows(e: StoreError, many: bool) -> ApiError {
    match e {
        StoreError::InvalidRows(rows) => ApiError(AppError::Invalid(
            rows.into_iter()
                .map(|r| FieldError::new(&prefixed(r.row, many, &r.field), r.message))
                .collect(),
        )),
        other => ApiError(other.into()),
    }
}

/// A project as sent to `POST /api/v1/projects` (dates `YYYY-MM-DD`). A
/// partial update: a field left out (or "") keeps the stored value, `null`
/// (or "清空") clears an optional one; a new project needs `name`,
/// `township_code` and `kind`.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ProjectIn {
    code: String,
    /// Required for a new project.
    name: Option<String>,
    /// Required for a new project.
    township_code: Option<String>,
    /// industrial or tech_renovation; required for a new project.
    kind: Option<String>,
    key_project: Option<bool>,
    planned_investment_yuan: Option<i64>,
    land_area_millimu: Option<i64>,
    responsible_unit_code: Option<String>,
    responsible_person: Option<String>,
    responsible_phone: Option<String>,
    enterprise_credit_code: Option<String>,
    enterprise_name: Option<String>,
    national_code: Option<String>,
    pre_phase_funding_yuan: Option<i64>,
    notes: Option<String>,
    reserved_on: Option<String>,
    approved_on: Option<String>,
    land_supplied_on: Option<String>,
    site_entered_on: Option<String>,
    started_on: Option<String>,
    completed_on: Option<String>,
    in_production_on: Option<String>,
    /// Planned dates: planned_reserved_on ... planned_in_production_on.
    planned_started_on: Option<String>,
    /// Required when an actual date is later than its planned date.
    variance_note: Option<String>,
    planned_completion_year: Option<i32>,
    /// active, suspended or cancelled (with status_on and status_reason).
    status: Option<String>,
    status_on: Option<String>,
    status_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct UpsertJson {
    created: usize,
    updated: usize,
    unchanged: usize,
}

impl From<UpsertReport> for UpsertJson {
    fn from(r: UpsertReport) -> Self {
        UpsertJson {
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
        }
    }
}

fn scope_of(u: &User) -> Result<Scope, ApiError> {
    match Scope::of(u.role, u.unit_code.as_deref()) {
        Scope::Nothing => Err(ApiError(AppError::Forbidden)),
        s => Ok(s),
    }
}

/// Creates or updates projects by code: one object or an array, all or
/// nothing; every field error of every item is answered with 422. Fields
/// left out keep their stored value; `null` clears.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = ProjectIn, security(("bearer" = [])),
    responses((status = 200, body = UpsertJson), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_upsert(
    State(st): State<Shared>,
    u: ApiCan<need::EditProjects>,
    Json(body): Json<Value>,
) -> Result<Json<UpsertJson>, ApiError> {
    let scope = scope_of(&u.0)?;
    let (items, many) = items(body)?;
    let mut projects: Vec<Patch<Project>> = Vec::new();
    let mut errors = Vec::new();
    for (i, m) in items.iter().enumerate() {
        match project_patch_from_fields(Fields::new(|k| patch_text(m, k))) {
            Ok(p) => projects.push(p),
            Err(errs) => errors.extend(
                errs.into_iter()
                    .map(|e| FieldError::new(&prefixed(i, many, &e.field), e.message)),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError(AppError::Invalid(errors)));
    }
    let report = st
        .store
        .merge_projects(&u.0.actor(), &scope, &projects)
        .await
        .map_err(|e| store_rows(e, many))?;
    Ok(Json(report.into()))
}

/// A project as the API answers it.
#[derive(Serialize, ToSchema)]
pub struct ProjectJson {
    code: String,
    national_code: String,
    name: String,
    enterprise_credit_code: String,
    enterprise_name: String,
    township_code: String,
    kind: String,
    key_project: bool,
    planned_investment_yuan: i64,
    land_area_millimu: i64,
    responsible_unit_code: String,
    responsible_person: String,
    responsible_phone: String,
    /// The furthest milestone reached today, or null.
    stage: Option<String>,
    /// Actual and planned dates by field name (reserved_on, planned_reserved_on ...).
    #[schema(value_type = Object)]
    dates: serde_json::Map<String, Value>,
    variance_note: String,
    planned_completion_year: Option<i32>,
    status: String,
    status_on: Option<String>,
    status_reason: String,
    updated_at: String,
}

impl From<&ProjectRecord> for ProjectJson {
    fn from(r: &ProjectRecord) -> Self {
        let p = &r.project;
        let mut dates = serde_json::Map::new();
        for m in Milestone::ALL {
            dates.insert(
                format!("{}_on", m.as_str()),
                p.dates
                    .actual(m)
                    .map(|d| Value::String(d.to_string()))
                    .unwrap_or(Value::Null),
            );
            dates.insert(
                format!("planned_{}_on", m.as_str()),
                p.dates
                    .planned(m)
                    .map(|d| Value::String(d.to_string()))
                    .unwrap_or(Value::Null),
            );
        }
        ProjectJson {
            code: p.code.clone(),
            national_code: p.national_code.clone(),
            name: p.name.clone(),
            enterprise_credit_code: p.enterprise_credit_code.clone(),
            enterprise_name: p.enterprise_name.clone(),
            township_code: p.township_code.clone(),
            kind: p.kind.as_str().into(),
            key_project: p.key_project,
            planned_investment_yuan: p.planned_investment_yuan,
            land_area_millimu: p.land_area_millimu,
            responsible_unit_code: p.responsible_unit_code.clone(),
            responsible_person: p.responsible_person.clone(),
            responsible_phone: p.responsible_phone.clone(),
            stage: p
                .dates
                .stage_at(crate::layout::today())
                .map(|m| m.as_str().into()),
            dates,
            variance_note: p.variance_note.clone(),
            planned_completion_year: p.planned_completion_year,
            status: p.status.as_str().into(),
            status_on: p.status_on.map(|d| d.to_string()),
            status_reason: p.status_reason.clone(),
            updated_at: r.updated_at.clone(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    township: Option<String>,
    unit: Option<String>,
    /// industrial or tech_renovation.
    kind: Option<String>,
    /// 1 for key projects only, 0 for the others.
    key: Option<String>,
    /// A milestone (reserved ... in_production) or none.
    stage: Option<String>,
    status: Option<String>,
    /// 1: only projects with a planned milestone past and not reached.
    overdue: Option<String>,
    /// A target code: the projects behind its figure at as_of.
    target: Option<String>,
    part: Option<String>,
    as_of: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<i64>,
    /// 1 to 500, default 50.
    per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectPage {
    total: usize,
    page: i64,
    per_page: i64,
    items: Vec<ProjectJson>,
}

/// Projects with filters and paging.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", params(ListParams), security(("bearer" = [])),
    responses((status = 200, body = ProjectPage), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Query(p): Query<ListParams>,
) -> Result<Json<ProjectPage>, ApiError> {
    let q = ProjectQuery {
        q: p.q,
        township: p.township,
        unit: p.unit,
        kind: p.kind,
        key: p.key,
        stage: p.stage,
        status: p.status,
        overdue: p.overdue,
        target: p.target,
        part: p.part,
        as_of: p.as_of,
        sort: p.sort,
        page: None,
    };
    let sel = select(&st, &q).await?;
    let per_page = p.per_page.unwrap_or(50).clamp(1, 500);
    // A page past the last is empty; clamped so the offset cannot overflow.
    let page = p.page.unwrap_or(1).clamp(1, 1_000_000_000);
    let items = sel
        .rows
        .iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(|r| ProjectJson::from(&r.rec))
        .collect();
    Ok(Json(ProjectPage {
        total: sel.rows.len(),
        page,
        per_page,
        items,
    }))
}

/// One project by code.
#[utoipa::path(get, path = "/api/v1/projects/{code}", tag = "projects", params(("code" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = ProjectJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Path(code): Path<String>,
) -> Result<Json<ProjectJson>, ApiError> {
    let r = st
        .store
        .project(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("项目“{code}”")))?;
    Ok(Json(ProjectJson::from(&r)))
}

/// A month's progress as sent to `POST /api/v1/projects/{code}/progress`.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ProgressIn {
    /// YYYY-MM.
    period: String,
    /// Investment completed in that month, whole yuan.
    investment_completed_yuan: i64,
    note: Option<String>,
}

/// Sets monthly progress (one object or an array), replacing a month's figure.
#[utoipa::path(post, path = "/api/v1/projects/{code}/progress", tag = "projects", params(("code" = String, Path)), request_body = ProgressIn,
    security(("bearer" = [])),
    responses((status = 200, body = UpsertJson), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_progress(
    State(st): State<Shared>,
    u: ApiCan<need::EditProjects>,
    Path(code): Path<String>,
    Json(body): Json<Value>,
) -> Result<Json<UpsertJson>, ApiError> {
    let scope = scope_of(&u.0)?;
    st.store
        .project(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("项目“{code}”")))?;
    let (items, many) = items(body)?;
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (i, m) in items.iter().enumerate() {
        let mut f = Fields::new(|k| as_text(m, k));
        let period = match Period::parse(&f.text("period", 20)) {
            Ok(p) => Some(p),
            Err(e) => {
                f.error("period", e);
                None
            }
        };
        if as_text(m, "investment_completed_yuan").is_none() {
            f.error("investment_completed_yuan", "不能为空");
        }
        let yuan = f.int("investment_completed_yuan");
        let note = f.text("note", 500);
        errors.extend(
            f.errors
                .into_iter()
                .map(|e| FieldError::new(&prefixed(i, many, &e.field), e.message)),
        );
        if let Some(period) = period {
            entries.push(ProgressEntry {
                project_code: code.clone(),
                period,
                investment_yuan: yuan,
                note,
            });
        }
    }
    if !errors.is_empty() {
        return Err(ApiError(AppError::Invalid(errors)));
    }
    let report = st
        .store
        .set_progress(&u.0.actor(), &scope, &entries)
        .await
        .map_err(|e| store_rows(e, many))?;
    Ok(Json(report.into()))
}
