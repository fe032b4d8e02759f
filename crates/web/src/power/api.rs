//! The orderly-power API: accounts (one object or an array, upsert by
//! account number, all or nothing), plans (create, list, read, issue).
//! Reading: campaign readers; writing: the office.

use crate::Shared;
use crate::auth::{ApiCan, need};
use crate::error::{ApiError, AppError};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::power::{Account, Slot, parse_time, time_text};
use domain::users::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::power::PlanRecord;
use utoipa::{IntoParams, ToSchema};

pub fn api_router() -> axum::Router<Shared> {
    axum::Router::new()
        .route("/v1/power/accounts", post(api_accounts))
        .route("/v1/power/plans", get(api_plans).post(api_create_plan))
        .route("/v1/power/plans/{id}", get(api_plan).put(api_update_plan))
        .route("/v1/power/plans/{id}/issue", post(api_issue))
}

/// A power account (upsert by account_no); security ≤ peak ≤ contract.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountIn {
    account_no: String,
    credit_code: String,
    #[serde(default)]
    feeder: String,
    contract_kw: i64,
    peak_kw: i64,
    security_kw: i64,
    #[serde(default)]
    protected: bool,
    #[serde(default)]
    restricted: bool,
}

/// How many accounts were written.
#[derive(Serialize, ToSchema)]
pub struct AccountsWritten {
    written: usize,
}

#[utoipa::path(post, path = "/api/v1/power/accounts", tag = "power",
    request_body(content = Vec<AccountIn>, description = "一个对象或对象数组，全部有效才写入"),
    security(("bearer" = [])), responses((status = 200, body = AccountsWritten)))]
pub async fn api_accounts(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(v): Json<Value>,
) -> Result<Json<AccountsWritten>, ApiError> {
    let list = match v {
        Value::Array(a) => a,
        o @ Value::Object(_) => vec![o],
        _ => return Err(AppError::BadRequest("请求内容应为对象或对象数组".into()).into()),
    };
    let mut errs = vec![];
    let mut accounts = vec![];
    for (i, x) in list.into_iter().enumerate() {
        match serde_json::from_value::<AccountIn>(x) {
            Ok(a) => accounts.push(Account {
                account_no: a.account_no,
                credit_code: a.credit_code,
                feeder: a.feeder,
                contract_kw: a.contract_kw,
                peak_kw: a.peak_kw,
                security_kw: a.security_kw,
                protected: a.protected,
                restricted: a.restricted,
            }),
            Err(e) => errs.push(FieldError::new(&format!("[{i}]"), format!("内容无效：{e}"))),
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs).into());
    }
    let written = st
        .store
        .upsert_power_accounts(&u.0.actor(), &accounts)
        .await?;
    Ok(Json(AccountsWritten { written }))
}

/// A time slot of a plan.
#[derive(Deserialize, ToSchema)]
pub struct SlotIn {
    /// HH:MM.
    start: String,
    /// HH:MM (24:00 allowed).
    end: String,
    gap_kw: i64,
    forecast_max_kw: i64,
}

/// A plan to create.
#[derive(Deserialize, ToSchema)]
pub struct PlanIn {
    /// e.g. 2006年夏季有序用电.
    period: String,
    /// YYYY-MM-DD.
    date: String,
    slots: Vec<SlotIn>,
}

/// One account's share of a slot.
#[derive(Serialize, ToSchema)]
pub struct AssignmentJson {
    account_no: String,
    credit_code: String,
    name: String,
    /// The enterprise's class in the last final per-mu evaluation (A–D, T), null when unclassified.
    class: Option<String>,
    /// Shed first as a restricted account.
    restricted: bool,
    shed_kw: i64,
    actual_kw: Option<i64>,
}

/// A slot with its level and assignments.
#[derive(Serialize, ToSchema)]
pub struct SlotJson {
    start: String,
    end: String,
    gap_kw: i64,
    forecast_max_kw: i64,
    /// I, II, III or IV.
    level: String,
    shed_kw: i64,
    uncovered_kw: i64,
    assignments: Vec<AssignmentJson>,
}

/// A plan.
#[derive(Serialize, ToSchema)]
pub struct PlanJson {
    id: i64,
    period: String,
    date: String,
    /// draft or issued.
    status: String,
    slots: Vec<SlotJson>,
}

pub(crate) fn plan_json(p: &PlanRecord) -> PlanJson {
    PlanJson {
        id: p.id,
        period: p.period.clone(),
        date: p.date.clone(),
        status: p.status.clone(),
        slots: p
            .slots
            .iter()
            .map(|s| SlotJson {
                start: time_text(s.slot.start),
                end: time_text(s.slot.end),
                gap_kw: s.slot.gap_kw,
                forecast_max_kw: s.slot.forecast_max_kw,
                level: s.level.as_str().into(),
                shed_kw: s.shed_kw,
                uncovered_kw: s.uncovered_kw,
                assignments: s
                    .assignments
                    .iter()
                    .map(|a| AssignmentJson {
                        account_no: a.account_no.clone(),
                        credit_code: a.credit_code.clone(),
                        name: a.name.clone(),
                        class: Some(a.class.clone()).filter(|c| !c.is_empty()),
                        restricted: a.restricted,
                        shed_kw: a.shed_kw,
                        actual_kw: a.actual_kw,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Parses the slots, naming every bad time.
pub(crate) fn slots_of(list: &[(String, String, i64, i64)]) -> Result<Vec<Slot>, AppError> {
    let mut errs = vec![];
    let mut out = vec![];
    for (i, (start, end, gap, max)) in list.iter().enumerate() {
        let s = parse_time(start);
        let e = parse_time(end);
        if s.is_none() {
            errs.push(FieldError::new(
                &format!("slots[{i}].start"),
                "时间应为 HH:MM",
            ));
        }
        if e.is_none() {
            errs.push(FieldError::new(
                &format!("slots[{i}].end"),
                "时间应为 HH:MM",
            ));
        }
        if let (Some(s), Some(e)) = (s, e) {
            out.push(Slot {
                start: s,
                end: e,
                gap_kw: *gap,
                forecast_max_kw: *max,
            });
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Invalid(errs))
    }
}

#[utoipa::path(post, path = "/api/v1/power/plans", tag = "power", request_body = PlanIn, security(("bearer" = [])),
    responses((status = 201, body = PlanJson)))]
pub async fn api_create_plan(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<PlanJson>), ApiError> {
    let i: PlanIn = serde_json::from_value(v)
        .map_err(|e| AppError::BadRequest(format!("请求内容无效：{e}")))?;
    let slots = slots_of(
        &i.slots
            .into_iter()
            .map(|s| (s.start, s.end, s.gap_kw, s.forecast_max_kw))
            .collect::<Vec<_>>(),
    )?;
    let p = st
        .store
        .create_power_plan(&u.0.actor(), &i.period, &i.date, &slots)
        .await?;
    Ok((StatusCode::CREATED, Json(plan_json(&p))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanParams {
    /// Only this period's plans.
    period: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/power/plans", tag = "power", params(PlanParams), security(("bearer" = [])),
    responses((status = 200, body = [PlanJson])))]
pub async fn api_plans(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Query(p): Query<PlanParams>,
) -> Result<Json<Vec<PlanJson>>, ApiError> {
    let list = st
        .store
        .power_plans(p.period.as_deref().filter(|s| !s.trim().is_empty()))
        .await?;
    Ok(Json(list.iter().map(plan_json).collect()))
}

#[utoipa::path(get, path = "/api/v1/power/plans/{id}", tag = "power", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PlanJson)))]
pub async fn api_plan(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Json<PlanJson>, ApiError> {
    let p = st
        .store
        .power_plan(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的有序用电方案")))?;
    Ok(Json(plan_json(&p)))
}

/// New slots for a draft plan.
#[derive(Deserialize, ToSchema)]
pub struct PlanSlotsIn {
    slots: Vec<SlotIn>,
}

/// Replaces a draft plan's slots; the period's later drafts are recomputed.
#[utoipa::path(put, path = "/api/v1/power/plans/{id}", tag = "power", params(("id" = i64, Path)), request_body = PlanSlotsIn,
    security(("bearer" = [])), responses((status = 200, body = PlanJson)))]
pub async fn api_update_plan(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<Json<PlanJson>, ApiError> {
    let i: PlanSlotsIn = serde_json::from_value(v)
        .map_err(|e| AppError::BadRequest(format!("请求内容无效：{e}")))?;
    let slots = slots_of(
        &i.slots
            .into_iter()
            .map(|s| (s.start, s.end, s.gap_kw, s.forecast_max_kw))
            .collect::<Vec<_>>(),
    )?;
    let p = st.store.update_power_plan(&u.0.actor(), id, &slots).await?;
    Ok(Json(plan_json(&p)))
}

#[utoipa::path(post, path = "/api/v1/power/plans/{id}/issue", tag = "power", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PlanJson)))]
pub async fn api_issue(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
) -> Result<Json<PlanJson>, ApiError> {
    let p = st.store.issue_power_plan(&u.0.actor(), id).await?;
    Ok(Json(plan_json(&p)))
}
