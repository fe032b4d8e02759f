//! The enterprise API: the registry, monthly statistics and brands, each POST
//! taking one object or an array, all or nothing, upserting by key.

use crate::Shared;
use crate::auth::{ApiCan, ApiUser, need};
use crate::error::{ApiError, AppError};
use crate::projects::UpsertJson;
use crate::projects::api_support::{as_text, items, patch_text, prefixed, store_rows};
use axum::Json;
use axum::extract::{Path, Query, State};
use domain::enterprises::input::{
    brand_from_fields, enterprise_from_fields, stat_patch_from_fields,
};
use domain::projects::fields::Fields;
use domain::users::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::enterprises::EnterpriseRecord;
use utoipa::{IntoParams, ToSchema};

/// Parses every item with `parse`, collecting every field error.
/// With `null_clears`, a JSON null reads as 清空 (a partial update).
fn parse_all<T>(
    body: Value,
    parse: impl Fn(Fields) -> Result<T, Vec<FieldError>>,
    lists: &[&str],
    null_clears: bool,
) -> Result<(Vec<T>, bool), ApiError> {
    let (items, many) = items(body)?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, m) in items.iter().enumerate() {
        // Lists (e.g. above_scale_years) arrive as JSON arrays: join them.
        let get = |k: &str| match (lists.contains(&k), m.get(k)) {
            (true, Some(Value::Array(a))) => Some(
                a.iter()
                    .map(|v| v.to_string().trim_matches('"').to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            _ if null_clears => patch_text(m, k),
            _ => as_text(m, k),
        };
        match parse(Fields::new(get)) {
            Ok(t) => out.push(t),
            Err(e) => errors.extend(
                e.into_iter()
                    .map(|e| FieldError::new(&prefixed(i, many, &e.field), e.message)),
            ),
        }
    }
    if errors.is_empty() {
        Ok((out, many))
    } else {
        Err(ApiError(AppError::Invalid(errors)))
    }
}

/// An enterprise as sent to `POST /api/v1/enterprises`.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct EnterpriseIn {
    /// 18-character unified social credit code (or an old 9-character organisation code).
    credit_code: String,
    name: String,
    township_code: String,
    /// GB/T 4754-2017 code, 2 to 4 digits.
    industry_code: String,
    /// Years in which it is above designated size; omitted: left as stored.
    above_scale_years: Option<Vec<i32>>,
    former_names: Option<String>,
    address: Option<String>,
    contact_person: Option<String>,
    contact_phone: Option<String>,
    established_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EnterpriseUpsertJson {
    created: usize,
    updated: usize,
    unchanged: usize,
    /// Near-duplicate names in the same township, to check.
    warnings: Vec<String>,
}

/// Creates or updates enterprises by credit code (admins).
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "enterprises", request_body = EnterpriseIn, security(("bearer" = [])),
    responses((status = 200, body = EnterpriseUpsertJson), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_upsert_enterprises(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(body): Json<Value>,
) -> Result<Json<EnterpriseUpsertJson>, ApiError> {
    let (rows, many) = parse_all(body, enterprise_from_fields, &["above_scale_years"], false)?;
    let r = st
        .store
        .upsert_enterprises(&u.0.actor(), &rows)
        .await
        .map_err(|e| store_rows(e, many))?;
    Ok(Json(EnterpriseUpsertJson {
        created: r.report.created,
        updated: r.report.updated,
        unchanged: r.report.unchanged,
        warnings: r.warnings,
    }))
}

/// An enterprise as the API answers it.
#[derive(Serialize, ToSchema)]
pub struct EnterpriseJson {
    credit_code: String,
    name: String,
    former_names: Vec<String>,
    township_code: String,
    industry_code: String,
    above_scale_years: Vec<i32>,
    /// Year -> tier (none, large_group, growth_sme, industry_leader).
    #[schema(value_type = Object)]
    tiers: serde_json::Map<String, Value>,
    address: String,
    contact_person: String,
    contact_phone: String,
    established_on: Option<String>,
    brand_count: i64,
}

impl From<EnterpriseRecord> for EnterpriseJson {
    fn from(e: EnterpriseRecord) -> Self {
        EnterpriseJson {
            above_scale_years: e
                .years
                .iter()
                .filter(|y| y.above_scale)
                .map(|y| y.year)
                .collect(),
            tiers: e
                .years
                .iter()
                .map(|y| (y.year.to_string(), Value::String(y.tier.as_str().into())))
                .collect(),
            credit_code: e.credit_code,
            name: e.name,
            former_names: e.former_names,
            township_code: e.township_code,
            industry_code: e.industry_code,
            address: e.address,
            contact_person: e.contact_person,
            contact_phone: e.contact_phone,
            established_on: e.established_on,
            brand_count: e.brand_count,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnterpriseParams {
    township: Option<String>,
    /// A GB/T 4754 code prefix.
    industry: Option<String>,
    /// Above designated size in this year.
    above_scale_year: Option<i32>,
    q: Option<String>,
    page: Option<i64>,
    /// 1 to 500, default 50.
    per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct EnterprisePage {
    total: usize,
    page: i64,
    per_page: i64,
    items: Vec<EnterpriseJson>,
}

/// Enterprises with filters and paging; an enterprise user sees only its own.
#[utoipa::path(get, path = "/api/v1/enterprises", tag = "enterprises", params(EnterpriseParams), security(("bearer" = [])),
    responses((status = 200, body = EnterprisePage), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_enterprises(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Query(p): Query<EnterpriseParams>,
) -> Result<Json<EnterprisePage>, ApiError> {
    let text = p.q.unwrap_or_default().to_lowercase();
    let all: Vec<EnterpriseRecord> = st
        .store
        .enterprises()
        .await?
        .into_iter()
        .filter(|e| p.township.as_deref().is_none_or(|t| e.township_code == t))
        .filter(|e| {
            p.industry
                .as_deref()
                .is_none_or(|i| e.industry_code.starts_with(i))
        })
        .filter(|e| p.above_scale_year.is_none_or(|y| e.above_scale_in(y)))
        .filter(|e| {
            text.is_empty()
                || e.name.to_lowercase().contains(&text)
                || e.credit_code.to_lowercase().contains(&text)
        })
        .collect();
    let per_page = p.per_page.unwrap_or(50).clamp(1, 500);
    // A page past the last is empty; clamped so the offset cannot overflow.
    let page = p.page.unwrap_or(1).clamp(1, 1_000_000_000);
    let total = all.len();
    let items = all
        .into_iter()
        .skip(((page - 1) * per_page) as usize)
        .take(per_page as usize)
        .map(EnterpriseJson::from)
        .collect();
    Ok(Json(EnterprisePage {
        total,
        page,
        per_page,
        items,
    }))
}

/// One enterprise by credit code; an enterprise user only its own.
#[utoipa::path(get, path = "/api/v1/enterprises/{code}", tag = "enterprises", params(("code" = String, Path, description = "the credit code")), security(("bearer" = [])),
    responses((status = 200, body = EnterpriseJson), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_enterprise(
    State(st): State<Shared>,
    u: ApiUser,
    Path(code): Path<String>,
) -> Result<Json<EnterpriseJson>, ApiError> {
    u.require_enterprise(&code)?;
    let e = st
        .store
        .enterprise(&code.to_uppercase())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("企业“{code}”")))?;
    Ok(Json(e.into()))
}

/// A month's statistics as sent to `POST /api/v1/enterprise-stats`. A month
/// already stored keeps the figures left out (of its latest revision); `null`
/// sets an optional figure to 0; a new month needs both output values.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct StatIn {
    credit_code: String,
    /// YYYY-MM.
    period: String,
    /// Required for a new month.
    output_value_yuan: Option<i64>,
    /// Required for a new month.
    sales_value_yuan: Option<i64>,
    electricity_kwh: Option<i64>,
    /// Energy used, kilograms of standard coal.
    energy_kgce: Option<i64>,
    tax_yuan: Option<i64>,
    employees: Option<i64>,
    land_millimu: Option<i64>,
}

/// Writes monthly statistics (admins); a month sent again with other figures
/// becomes a new revision (the latest revision with the sent figures
/// replaced), the latest counts.
#[utoipa::path(post, path = "/api/v1/enterprise-stats", tag = "enterprises", request_body = StatIn, security(("bearer" = [])),
    responses((status = 200, body = UpsertJson), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_stats(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(body): Json<Value>,
) -> Result<Json<UpsertJson>, ApiError> {
    let (rows, many) = parse_all(body, stat_patch_from_fields, &[], true)?;
    let r = st
        .store
        .merge_stats(&u.0.actor(), &rows)
        .await
        .map_err(|e| store_rows(e, many))?;
    Ok(Json(r.into()))
}

/// A brand as sent to `POST /api/v1/brands`.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct BrandIn {
    enterprise_credit_code: String,
    name: String,
    /// county, city, provincial or china_well_known.
    level: String,
    /// cultivating, applied, granted or lapsed.
    status: Option<String>,
    applied_on: Option<String>,
    /// Required when granted.
    granted_on: Option<String>,
}

/// Creates or updates brands by enterprise, name and level (admins).
#[utoipa::path(post, path = "/api/v1/brands", tag = "enterprises", request_body = BrandIn, security(("bearer" = [])),
    responses((status = 200, body = UpsertJson), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_brands(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(body): Json<Value>,
) -> Result<Json<UpsertJson>, ApiError> {
    let (rows, many) = parse_all(body, brand_from_fields, &[], false)?;
    let r = st
        .store
        .upsert_brands(&u.0.actor(), &rows)
        .await
        .map_err(|e| store_rows(e, many))?;
    Ok(Json(r.into()))
}
