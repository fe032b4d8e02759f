//! Land parcels: list (filters, drill-down from the land target, export),
//! detail, create and edit; and the parcels API.

use crate::Shared;
use crate::auth::{ApiCan, Can, Page, need};
use crate::error::{ApiError, AppError};
use crate::layout::{Chrome, Paging};
use crate::projects::api_support::{items, patch_text, prefixed, store_rows};
use crate::targets::as_of_for;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Json, Router};
use domain::format::{format_scaled, mu, parse_scaled};
use domain::land::Parcel;
use domain::projects::fields::{Fields, parcel_from_fields, parcel_patch_from_fields};
use domain::users::{FieldError, Scope};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use store::StoreError;
use store::land::ParcelRecord;
use store::org::Unit;
use utoipa::ToSchema;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/land-parcels", get(list).post(create))
        .route("/land-parcels/export.xlsx", get(export))
        .route("/land-parcels/new", get(new_page))
        .route("/land-parcels/{code}", get(detail))
        .route("/land-parcels/{code}/edit", get(edit_page).post(edit))
}

pub fn api_router() -> Router<Shared> {
    Router::new().route("/v1/land-parcels", get(api_list).post(api_upsert))
}

fn scope(page: &Page) -> Scope {
    Scope::of(page.user.role, page.user.unit_code.as_deref())
}

#[derive(Deserialize, Default, Clone)]
pub struct ParcelQuery {
    pub township: Option<String>,
    /// "yes" supplied, "no" not supplied (as of as_of).
    pub supplied: Option<String>,
    pub target: Option<String>,
    pub part: Option<String>,
    pub as_of: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
}

fn ne(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ParcelQuery {
    pub fn params(&self) -> String {
        [
            ("township", &self.township),
            ("supplied", &self.supplied),
            ("target", &self.target),
            ("part", &self.part),
            ("as_of", &self.as_of),
            ("q", &self.q),
        ]
        .iter()
        .filter_map(|(k, v)| ne(v).map(|v| format!("{k}={}", crate::org::urlencode(v))))
        .collect::<Vec<_>>()
        .join("&")
    }
    pub fn is(&self, field: &str, value: &str) -> bool {
        let v = match field {
            "township" => &self.township,
            "supplied" => &self.supplied,
            _ => return false,
        };
        ne(v).unwrap_or("") == value
    }
    pub fn text(&self) -> &str {
        ne(&self.q).unwrap_or("")
    }
}

struct Selection {
    rows: Vec<ParcelRecord>,
    caption: Option<String>,
}

async fn select(st: &Shared, q: &ParcelQuery) -> Result<Selection, AppError> {
    let campaign = st.store.current_campaign().await?;
    let as_of = match (&campaign, ne(&q.as_of)) {
        (Some(c), _) if ne(&q.as_of).is_some() => as_of_for(c, q.as_of.as_deref())?,
        (_, Some(s)) => s
            .parse()
            .map_err(|_| AppError::BadRequest(format!("as_of：“{s}”不是 YYYY-MM-DD 格式的日期")))?,
        _ => crate::layout::today(),
    };
    let mut only: Option<HashSet<i64>> = None;
    let mut caption = None;
    if let Some(code) = ne(&q.target) {
        let e = crate::targets::drilldown_target(
            st,
            campaign.as_ref(),
            code,
            as_of,
            domain::targets::Subject::Parcels,
            "地块",
        )
        .await?;
        let reached = q.part.as_deref() == Some("reached");
        let ids = if reached {
            &e.outcome.reached
        } else {
            &e.outcome.members
        };
        only = Some(ids.iter().copied().collect());
        caption = Some(format!(
            "“{}”截至 {as_of} {}：{} 宗地块（实际值 {}；{}）",
            e.target.name,
            if reached {
                "已供地的"
            } else {
                "队列中的"
            },
            ids.len(),
            e.actual_display(),
            e.detail()
        ));
    }
    let text = q.text().to_lowercase();
    let rows = st
        .store
        .parcels()
        .await?
        .into_iter()
        .filter(|r| only.as_ref().is_none_or(|ids| ids.contains(&r.id)))
        .filter(|r| ne(&q.township).is_none_or(|t| r.parcel.township_code == t))
        .filter(|r| match ne(&q.supplied) {
            Some("yes") => r.parcel.supplied_on.is_some_and(|d| d <= as_of),
            Some("no") => r.parcel.supplied_on.is_none_or(|d| d > as_of),
            _ => true,
        })
        .filter(|r| {
            text.is_empty()
                || r.parcel.code.to_lowercase().contains(&text)
                || r.project_name.to_lowercase().contains(&text)
        })
        .collect();
    Ok(Selection { rows, caption })
}

#[derive(Template, WebTemplate)]
#[template(path = "land/list.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<ParcelRecord>,
    query: ParcelQuery,
    paging: Paging,
    caption: Option<String>,
    townships: Vec<Unit>,
    total_area: String,
    can_create: bool,
}

impl ListPage {
    fn area(&self, r: &ParcelRecord) -> String {
        mu(r.parcel.area_millimu)
    }
}

const PER_PAGE: i64 = 50;

async fn list(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<ParcelQuery>,
) -> Result<ListPage, AppError> {
    let sel = select(&st, &q).await?;
    let paging = Paging::new(q.page, PER_PAGE, sel.rows.len() as i64);
    let total_area = mu(sel.rows.iter().map(|r| r.parcel.area_millimu).sum());
    Ok(ListPage {
        can_create: scope(&page) != Scope::Nothing,
        chrome: page.chrome("land"),
        rows: sel
            .rows
            .into_iter()
            .skip(paging.offset() as usize)
            .take(PER_PAGE as usize)
            .collect(),
        query: q,
        paging,
        caption: sel.caption,
        townships: st
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| u.kind.is_territorial())
            .collect(),
        total_area,
    })
}

/// The parcels the filters select, in the import template's 地块 sheet
/// (township by name), so the file can be edited and imported back.
async fn export(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Query(q): Query<ParcelQuery>,
) -> Result<Response, AppError> {
    let sel = select(&st, &q).await?;
    let parcels: Vec<Parcel> = sel
        .rows
        .iter()
        .map(|r| {
            let mut p = r.parcel.clone();
            p.township_code = r.township_name.clone();
            p
        })
        .collect();
    let bytes = crate::layout::write_xlsx(&[office::export::parcels(&parcels)])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "land-parcels.xlsx",
        "地块.xlsx",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "land/detail.html")]
struct DetailPage {
    chrome: Chrome,
    r: ParcelRecord,
    area: String,
    can_edit: bool,
}

async fn detail(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(code): Path<String>,
) -> Result<DetailPage, AppError> {
    let r = st
        .store
        .parcel(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("地块“{code}”")))?;
    Ok(DetailPage {
        can_edit: scope(&page).covers(&r.parcel.township_code, ""),
        chrome: page.chrome("land"),
        area: mu(r.parcel.area_millimu),
        r,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "land/form.html")]
struct FormPage {
    chrome: Chrome,
    editing: Option<String>,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
    townships: Vec<Unit>,
}

impl FormPage {
    fn v(&self, name: &str) -> &str {
        crate::layout::value(&self.values, name)
    }
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
}

async fn form_page(
    st: &Shared,
    page: &Page,
    editing: Option<String>,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<FormPage, AppError> {
    Ok(FormPage {
        chrome: page.chrome("land"),
        editing,
        values,
        errors,
        townships: st
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| u.kind.is_territorial())
            .collect(),
    })
}

async fn new_page(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
) -> Result<FormPage, AppError> {
    form_page(&st, &page, None, HashMap::new(), vec![]).await
}

async fn edit_page(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
    Path(code): Path<String>,
) -> Result<FormPage, AppError> {
    let r = st
        .store
        .parcel(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("地块“{code}”")))?;
    if !scope(&page).covers(&r.parcel.township_code, "") {
        return Err(AppError::Forbidden);
    }
    let p = &r.parcel;
    let values = HashMap::from([
        ("code".to_string(), p.code.clone()),
        ("township_code".into(), p.township_code.clone()),
        ("area_mu".into(), format_scaled(p.area_millimu, 3)),
        (
            "expropriated_on".into(),
            p.expropriated_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "supplied_on".into(),
            p.supplied_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("project_code".into(), p.project_code.clone()),
        ("notes".into(), p.notes.clone()),
    ]);
    form_page(&st, &page, Some(code), values, vec![]).await
}

fn parse_form(values: &HashMap<String, String>) -> Result<Parcel, Vec<FieldError>> {
    let raw = values
        .get("area_mu")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let area = if raw.is_empty() {
        Ok(0)
    } else {
        parse_scaled(&raw, 3)
    };
    let millimu = area.clone().unwrap_or(0).to_string();
    let get = |k: &str| {
        if k == "area_millimu" {
            Some(millimu.clone())
        } else {
            values.get(k).cloned()
        }
    };
    let r = parcel_from_fields(Fields::new(get));
    let mut errors = match r {
        Ok(p) if area.is_ok() => return Ok(p),
        Ok(_) => vec![],
        Err(e) => e,
    };
    if let Err(m) = area {
        errors.retain(|e| e.field != "area_millimu");
        errors.push(FieldError::new("area_millimu", format!("面积：{m}")));
    }
    Err(errors)
}

async fn save(
    st: &Shared,
    page: &Page,
    editing: Option<String>,
    mut values: HashMap<String, String>,
) -> Result<Response, AppError> {
    if let Some(code) = &editing {
        values.insert("code".into(), code.clone());
    }
    let result = match parse_form(&values) {
        Ok(p) if editing.is_none() && st.store.parcel(&p.code).await?.is_some() => {
            Err(vec![FieldError::new(
                "code",
                format!("地块编号“{}”已存在", p.code),
            )])
        }
        Ok(p) => match st
            .store
            .upsert_parcels(&page.user.actor(), &scope(page), std::slice::from_ref(&p))
            .await
        {
            Ok(_) => Ok(p.code),
            Err(StoreError::InvalidRows(rows)) => Err(rows
                .into_iter()
                .map(|r| FieldError::new(&r.field, r.message))
                .collect()),
            Err(e) => return Err(e.into()),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(code) => Ok(
            Redirect::to(&format!("/land-parcels/{}", crate::org::urlencode(&code)))
                .into_response(),
        ),
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(st, page, editing, values, errors).await?,
        )
            .into_response()),
    }
}

async fn create(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save(&st, &page, None, values).await
}

async fn edit(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
    Path(code): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let r = st
        .store
        .parcel(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("地块“{code}”")))?;
    if !scope(&page).covers(&r.parcel.township_code, "") {
        return Err(AppError::Forbidden);
    }
    save(&st, &page, Some(code), values).await
}

/// A parcel as sent to and answered by the API.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ParcelJson {
    code: String,
    township_code: String,
    area_millimu: i64,
    expropriated_on: Option<String>,
    supplied_on: Option<String>,
    project_code: Option<String>,
    notes: Option<String>,
}

/// Creates or updates land parcels by code: one object or an array, all or
/// nothing. Fields left out keep their stored value; `null` clears an
/// optional one; a new parcel needs `township_code` and `area_millimu`.
#[utoipa::path(post, path = "/api/v1/land-parcels", tag = "land", request_body = ParcelJson, security(("bearer" = [])),
    responses((status = 200, body = crate::projects::UpsertJson), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_upsert(
    State(st): State<Shared>,
    u: ApiCan<need::EditProjects>,
    Json(body): Json<Value>,
) -> Result<Json<crate::projects::UpsertJson>, ApiError> {
    let scope = match Scope::of(u.0.role, u.0.unit_code.as_deref()) {
        Scope::Nothing => return Err(ApiError(AppError::Forbidden)),
        s => s,
    };
    let (items, many) = items(body)?;
    let mut parcels = Vec::new();
    let mut errors = Vec::new();
    for (i, m) in items.iter().enumerate() {
        match parcel_patch_from_fields(Fields::new(|k| patch_text(m, k))) {
            Ok(p) => parcels.push(p),
            Err(e) => errors.extend(
                e.into_iter()
                    .map(|e| FieldError::new(&prefixed(i, many, &e.field), e.message)),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError(AppError::Invalid(errors)));
    }
    let report = st
        .store
        .merge_parcels(&u.0.actor(), &scope, &parcels)
        .await
        .map_err(|e| store_rows(e, many))?;
    Ok(Json(report.into()))
}

/// Every land parcel.
#[utoipa::path(get, path = "/api/v1/land-parcels", tag = "land", security(("bearer" = [])),
    responses((status = 200, body = Vec<ParcelJson>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
) -> Result<Json<Vec<ParcelJson>>, ApiError> {
    Ok(Json(
        st.store
            .parcels()
            .await?
            .into_iter()
            .map(|r| {
                let p = r.parcel;
                ParcelJson {
                    code: p.code,
                    township_code: p.township_code,
                    area_millimu: p.area_millimu,
                    expropriated_on: p.expropriated_on.map(|d| d.to_string()),
                    supplied_on: p.supplied_on.map(|d| d.to_string()),
                    project_code: Some(p.project_code).filter(|s| !s.is_empty()),
                    notes: Some(p.notes),
                }
            })
            .collect(),
    ))
}
