//! The per-mu API: annual data (one object or an array, all or nothing,
//! absent fields kept), evaluations, their lifecycle and results, and
//! credit events (honour, penalty, veto). Reading: campaign readers;
//! writing: the office.

use super::{evaluation_or_404, patch_of};
use crate::Shared;
use crate::auth::{ApiCan, need};
use crate::error::{ApiError, AppError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::per_mu::{Field, GroupKind, Indicator, Settings};
use domain::users::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use store::per_mu::{PerMuEvaluation, ResultFilter};
use utoipa::ToSchema;

pub fn api_router() -> axum::Router<Shared> {
    axum::Router::new()
        .route("/v1/per-mu/data", post(api_data))
        .route("/v1/per-mu/evaluations", get(api_list).post(api_create))
        .route("/v1/per-mu/evaluations/{id}", get(api_get))
        .route("/v1/per-mu/evaluations/{id}/actions", post(api_action))
        .route("/v1/per-mu/evaluations/{id}/results", get(api_results))
        .route("/v1/credit-events", post(api_credit_events))
}

fn objects(v: Value) -> Result<Vec<Map<String, Value>>, AppError> {
    let list = match v {
        Value::Array(a) => a,
        o @ Value::Object(_) => vec![o],
        _ => return Err(AppError::BadRequest("请求内容应为对象或对象数组".into())),
    };
    list.into_iter()
        .enumerate()
        .map(|(i, x)| match x {
            Value::Object(m) => Ok(m),
            _ => Err(AppError::Invalid(vec![FieldError::new(
                &format!("[{i}]"),
                "应为对象",
            )])),
        })
        .collect()
}

/// Annual data of an enterprise and year; figures left out keep their stored value, null clears.
/// (Documents the body, which is read as JSON to tell absent from null.)
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct PerMuDataIn {
    credit_code: String,
    year: i32,
    /// Thousandths of a mu.
    land_millimu: Option<i64>,
    /// Yuan (may be negative).
    tax_yuan: Option<i64>,
    /// Yuan (may be negative).
    value_added_yuan: Option<i64>,
    energy_kgce: Option<i64>,
    emission_kg: Option<i64>,
    employees: Option<i64>,
    rd_expense_yuan: Option<i64>,
    revenue_yuan: Option<i64>,
    electricity_kwh: Option<i64>,
}

/// How many rows were written.
#[derive(Serialize, ToSchema)]
pub struct WrittenJson {
    written: usize,
}

#[utoipa::path(post, path = "/api/v1/per-mu/data", tag = "per-mu",
    request_body(content = Vec<PerMuDataIn>, description = "一个对象或对象数组，全部有效才写入"),
    security(("bearer" = [])), responses((status = 200, body = WrittenJson)))]
pub async fn api_data(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(v): Json<Value>,
) -> Result<Json<WrittenJson>, ApiError> {
    let rows = objects(v)?;
    let mut errs = vec![];
    let mut patches = vec![];
    for (i, m) in rows.iter().enumerate() {
        let allowed = ["credit_code", "year"];
        for k in m.keys() {
            if !allowed.contains(&k.as_str()) && Field::parse(k).is_none() {
                errs.push(FieldError::new(&format!("[{i}].{k}"), "未知字段"));
            }
        }
        let code = match m.get("credit_code") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            _ => {
                errs.push(FieldError::new(
                    &format!("[{i}].credit_code"),
                    "请填写统一社会信用代码",
                ));
                String::new()
            }
        };
        let year = match m.get("year").and_then(Value::as_i64) {
            Some(y) if (2000..=2100).contains(&y) => y as i32,
            _ => {
                errs.push(FieldError::new(
                    &format!("[{i}].year"),
                    "年度应为 2000 至 2100 的整数",
                ));
                0
            }
        };
        if !code.is_empty() && st.store.enterprise(&code).await?.is_none() {
            errs.push(FieldError::new(
                &format!("[{i}].credit_code"),
                format!("企业库中没有统一社会信用代码为“{code}”的企业"),
            ));
        }
        patches.push(patch_of(
            code,
            year,
            |f| m.get(f.key()).cloned(),
            &format!("[{i}]."),
            &mut errs,
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs).into());
    }
    let written = st.store.upsert_per_mu_data(&u.0.actor(), &patches).await?;
    Ok(Json(WrittenJson { written }))
}

/// An evaluation.
#[derive(Serialize, ToSchema)]
pub struct PerMuEvaluationJson {
    id: i64,
    year: i32,
    /// draft, publicized or final.
    status: String,
    status_label: String,
    #[schema(value_type = Object)]
    settings: Value,
    computed_at: Option<String>,
    published_on: Option<String>,
    notice_ends_on: Option<String>,
    finalized_on: Option<String>,
    /// The issued results document (a bulletin id).
    bulletin_id: Option<i64>,
}

fn evaluation_json(e: &PerMuEvaluation) -> Result<PerMuEvaluationJson, AppError> {
    let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string());
    Ok(PerMuEvaluationJson {
        id: e.id,
        year: e.year,
        status: e.status.as_str().into(),
        status_label: e.status.label().into(),
        settings: serde_json::to_value(&e.settings)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        computed_at: e.computed_at.clone(),
        published_on: d(e.published_on),
        notice_ends_on: d(e.notice_ends_on),
        finalized_on: d(e.finalized_on),
        bulletin_id: e.bulletin_id,
    })
}

/// An evaluation to create (documents the body, read as JSON).
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct PerMuEvaluationIn {
    /// The data year.
    year: i32,
    /// Merged onto the defaults of RULES.md (weights_above, weights_below,
    /// cap, shares, min_land_below_millimu, benchmarks_above, benchmarks_below, notice_days).
    #[schema(value_type = Object)]
    settings: Option<Value>,
}

fn settings_over(base: &Settings, given: &Value) -> Result<Settings, AppError> {
    let Value::Object(g) = given else {
        return Err(AppError::Invalid(vec![FieldError::new(
            "settings",
            "设置应为 JSON 对象",
        )]));
    };
    let mut v = serde_json::to_value(base).map_err(|e| AppError::Internal(e.to_string()))?;
    if let Value::Object(b) = &mut v {
        for (k, x) in g {
            b.insert(k.clone(), x.clone());
        }
    }
    serde_json::from_value(v)
        .map_err(|e| AppError::Invalid(vec![FieldError::new("settings", format!("设置无效：{e}"))]))
}

#[utoipa::path(post, path = "/api/v1/per-mu/evaluations", tag = "per-mu", request_body = PerMuEvaluationIn,
    security(("bearer" = [])), responses((status = 201, body = PerMuEvaluationJson)))]
pub async fn api_create(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<PerMuEvaluationJson>), ApiError> {
    let year = match v.get("year").and_then(Value::as_i64) {
        Some(y) => y as i32,
        None => {
            return Err(
                AppError::Invalid(vec![FieldError::new("year", "请填写数据年度（整数）")]).into(),
            );
        }
    };
    let settings = match v.get("settings").filter(|s| !s.is_null()) {
        Some(g) => settings_over(&Settings::default(), g)?,
        None => Settings::default(),
    };
    let e = st
        .store
        .create_per_mu_evaluation(&u.0.actor(), year, &settings)
        .await?;
    Ok((StatusCode::CREATED, Json(evaluation_json(&e)?)))
}

#[utoipa::path(get, path = "/api/v1/per-mu/evaluations", tag = "per-mu", security(("bearer" = [])),
    responses((status = 200, body = [PerMuEvaluationJson])))]
pub async fn api_list(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
) -> Result<Json<Vec<PerMuEvaluationJson>>, ApiError> {
    let list = st.store.per_mu_evaluations().await?;
    Ok(Json(
        list.iter().map(evaluation_json).collect::<Result<_, _>>()?,
    ))
}

#[utoipa::path(get, path = "/api/v1/per-mu/evaluations/{id}", tag = "per-mu", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 200, body = PerMuEvaluationJson)))]
pub async fn api_get(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Json<PerMuEvaluationJson>, ApiError> {
    Ok(Json(evaluation_json(&evaluation_or_404(&st, id).await?)?))
}

/// A step of the lifecycle.
#[derive(Deserialize, ToSchema)]
pub struct PerMuActionIn {
    /// compute, publish or finalize.
    action: String,
    /// For publish: the 公示's first day (YYYY-MM-DD; a past date allowed, default today).
    on: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/per-mu/evaluations/{id}/actions", tag = "per-mu", params(("id" = i64, Path)),
    request_body = PerMuActionIn, security(("bearer" = [])), responses((status = 200, body = PerMuEvaluationJson)))]
pub async fn api_action(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<Json<PerMuEvaluationJson>, ApiError> {
    let i: PerMuActionIn = serde_json::from_value(v)
        .map_err(|e| AppError::BadRequest(format!("请求内容无效：{e}")))?;
    let e = super::pages::act(&st, &u.0.actor(), id, i.action.trim(), i.on.as_deref()).await?;
    Ok(Json(evaluation_json(&e)?))
}

/// One enterprise's result.
#[derive(Serialize, ToSchema)]
pub struct PerMuItemJson {
    credit_code: String,
    name: String,
    /// above or below.
    group: String,
    /// A, B, C, D or T.
    class: String,
    /// Within the group; null for class T.
    rank: Option<usize>,
    /// Rounded to 4 decimals; null for class T.
    total_score: Option<f64>,
    /// Each indicator of the group: x (null when its denominator is missing or zero).
    #[schema(value_type = Object)]
    indicators: Map<String, Value>,
    /// Each item's score, rounded to 4 decimals (empty for class T).
    #[schema(value_type = Object)]
    scores: Map<String, Value>,
}

/// The results: the benchmarks of each group and every enterprise in scope.
#[derive(Serialize, ToSchema)]
pub struct PerMuResultsJson {
    /// {"above": {indicator: number|null}, "below": {...}}
    #[schema(value_type = Object)]
    benchmarks: Map<String, Value>,
    items: Vec<PerMuItemJson>,
}

fn num(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

#[utoipa::path(get, path = "/api/v1/per-mu/evaluations/{id}/results", tag = "per-mu", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 200, body = PerMuResultsJson)))]
pub async fn api_results(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Json<PerMuResultsJson>, ApiError> {
    let e = evaluation_or_404(&st, id).await?;
    let mut benchmarks = Map::new();
    for g in GroupKind::ALL {
        let mut per = Map::new();
        if let Some(b) = e.benchmarks.as_ref().and_then(|b| b.get(&g)) {
            for (i, v) in b {
                per.insert(
                    i.as_str().into(),
                    v.value.as_ref().map_or(Value::Null, |q| num(q.to_f64())),
                );
            }
        }
        benchmarks.insert(g.as_str().into(), Value::Object(per));
    }
    let mut items = vec![];
    loop {
        let (page, total) = st
            .store
            .per_mu_results(
                id,
                &ResultFilter {
                    offset: items.len() as i64,
                    limit: 5000,
                    ..ResultFilter::default()
                },
            )
            .await?;
        let done = page.is_empty();
        items.extend(page.into_iter().map(|x| {
            PerMuItemJson {
                indicators: x
                    .indicators
                    .iter()
                    .map(|(i, v)| {
                        (
                            i.as_str().to_string(),
                            v.as_ref().map_or(Value::Null, |q| num(q.to_f64())),
                        )
                    })
                    .collect(),
                scores: x
                    .scores
                    .iter()
                    .map(|(i, q): (&Indicator, _)| {
                        (i.as_str().to_string(), num(q.round4() as f64 / 10_000.0))
                    })
                    .collect(),
                credit_code: x.credit_code,
                name: x.name,
                group: x.group.as_str().into(),
                class: x.class.as_str().into(),
                rank: x.rank,
                total_score: x.total.map(|t| t as f64 / 10_000.0),
            }
        }));
        if done || items.len() as i64 >= total {
            break;
        }
    }
    Ok(Json(PerMuResultsJson { benchmarks, items }))
}

/// A credit event.
#[derive(Deserialize, ToSchema)]
pub struct CreditEventIn {
    credit_code: String,
    /// YYYY-MM-DD.
    date: String,
    /// honour, penalty or veto (重大安全、环境事故等).
    kind: String,
    title: String,
    #[serde(default)]
    source: String,
}

#[utoipa::path(post, path = "/api/v1/credit-events", tag = "enterprises",
    request_body(content = Vec<CreditEventIn>, description = "一个对象或对象数组，全部有效才写入"),
    security(("bearer" = [])), responses((status = 201, body = WrittenJson)))]
pub async fn api_credit_events(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<WrittenJson>), ApiError> {
    let rows = objects(v)?;
    let mut errs = vec![];
    let mut events = vec![];
    for (i, m) in rows.into_iter().enumerate() {
        match serde_json::from_value::<CreditEventIn>(Value::Object(m)) {
            Ok(e) => events.push(store::enterprises::NewCreditEvent {
                credit_code: e.credit_code,
                date: e.date,
                kind: e.kind,
                title: e.title,
                source: e.source,
            }),
            Err(e) => errs.push(FieldError::new(&format!("[{i}]"), format!("内容无效：{e}"))),
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs).into());
    }
    let written = st.store.add_credit_events(&u.0.actor(), &events).await?;
    Ok((StatusCode::CREATED, Json(WrittenJson { written })))
}
