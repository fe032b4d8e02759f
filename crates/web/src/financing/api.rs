//! The financing API: needs (post, list, read), claims, the choice, the
//! chosen institution's steps and the statistics. Who may: an enterprise
//! its own needs; the office any; an institution's users claim and record;
//! reading lists: each sees what `Store::financing_needs` scopes.

use super::{need_or_404, open_since, state_of};
use crate::Shared;
use crate::auth::{ApiCan, ApiUser, need};
use crate::error::{ApiError, AppError};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use domain::financing::stats::{Share, StatRow};
use domain::users::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::financing::{NeedFilter, NeedRecord, NewNeed, NewOutcome};
use store::requests::Viewer;
use utoipa::{IntoParams, ToSchema};

pub fn api_router() -> axum::Router<Shared> {
    axum::Router::new()
        .route("/v1/financing/needs", get(api_needs).post(api_post))
        .route("/v1/financing/needs/{id}", get(api_need))
        .route("/v1/financing/needs/{id}/claims", post(api_claim))
        .route("/v1/financing/needs/{id}/choose", post(api_choose))
        .route("/v1/financing/needs/{id}/outcomes", post(api_outcome))
        .route(
            "/v1/financing/needs/{id}/reminders",
            post(super::followup::api_remind),
        )
        .route("/v1/financing/overdue", get(super::followup::api_overdue))
        .route("/v1/financing/stats", get(api_stats))
}

/// A need to post.
#[derive(Deserialize, ToSchema)]
pub struct NeedIn {
    /// The enterprise's credit code (the office only; an enterprise posts its own).
    #[serde(default)]
    enterprise: Option<String>,
    amount_yuan: i64,
    /// working_capital, tech_renovation, construction or other.
    purpose: String,
    term_months: i64,
    #[serde(default)]
    collateral: Option<String>,
    /// A project code.
    #[serde(default)]
    project: Option<String>,
}

/// A claim.
#[derive(Serialize, ToSchema)]
pub struct ClaimJson {
    institution: String,
    name: String,
    claimed_on: String,
}

/// A step of the chosen institution.
#[derive(Serialize, ToSchema)]
pub struct OutcomeJson {
    /// contact, credit, loan or decline.
    kind: String,
    institution: String,
    amount_yuan: Option<i64>,
    on: String,
    rate: String,
    /// The guarantee institution of a guaranteed loan.
    guarantor: String,
    /// The guaranteed part of the loan.
    guarantee_yuan: Option<i64>,
    reason: String,
}

/// A reminder (催办) of an overdue step.
#[derive(Serialize, ToSchema)]
pub struct ReminderJson {
    institution: String,
    /// contact or decision.
    step: String,
    on: String,
    note: String,
}

/// A need.
#[derive(Serialize, ToSchema)]
pub struct NeedJson {
    id: i64,
    enterprise: String,
    enterprise_name: String,
    township: String,
    industry_code: String,
    per_mu_class: Option<String>,
    credit_rating: Option<String>,
    amount_yuan: i64,
    purpose: String,
    term_months: i64,
    collateral: String,
    project: Option<String>,
    posted_on: String,
    claim_deadline: String,
    claims: Vec<ClaimJson>,
    chosen_institution: Option<String>,
    chosen_on: Option<String>,
    contact_due: Option<String>,
    decision_due: Option<String>,
    outcomes: Vec<OutcomeJson>,
    reminders: Vec<ReminderJson>,
    /// open, unclaimed, chosen, contacted, financed or declined.
    status: String,
    /// A step is past its due date.
    overdue: bool,
}

pub(crate) fn need_json(n: &NeedRecord, s: &domain::financing::State) -> NeedJson {
    NeedJson {
        id: n.id,
        enterprise: n.credit_code.clone(),
        enterprise_name: n.enterprise_name.clone(),
        township: n.township_code.clone(),
        industry_code: n.industry_code.clone(),
        per_mu_class: n.per_mu_class.clone(),
        credit_rating: n.credit_rating.clone(),
        amount_yuan: n.amount_yuan,
        purpose: n.purpose.as_str().into(),
        term_months: n.term_months,
        collateral: n.collateral.clone(),
        project: n.project_code.clone(),
        posted_on: n.posted_on.to_string(),
        claim_deadline: s.claim_deadline.to_string(),
        claims: n
            .claims
            .iter()
            .map(|c| ClaimJson {
                institution: c.unit_code.clone(),
                name: c.unit_name.clone(),
                claimed_on: c.claimed_on.to_string(),
            })
            .collect(),
        chosen_institution: s.chosen.as_ref().map(|c| c.0.clone()),
        chosen_on: s.chosen.as_ref().map(|c| c.1.to_string()),
        contact_due: s.contact_due.map(|d| d.to_string()),
        decision_due: s.decision_due.map(|d| d.to_string()),
        outcomes: n
            .outcomes
            .iter()
            .map(|o| OutcomeJson {
                kind: o.kind.as_str().into(),
                institution: o.unit_code.clone(),
                amount_yuan: o.amount_yuan,
                on: o.on.to_string(),
                rate: o.rate.clone(),
                guarantor: o.guarantor.clone(),
                guarantee_yuan: o.guarantee_yuan,
                reason: o.reason.clone(),
            })
            .collect(),
        reminders: n
            .reminders
            .iter()
            .map(|r| ReminderJson {
                institution: r.unit_code.clone(),
                step: r.step.as_str().into(),
                on: r.reminded_on.to_string(),
                note: r.note.clone(),
            })
            .collect(),
        status: s.status.as_str().into(),
        overdue: s.overdue,
    }
}

pub(crate) fn body<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, AppError> {
    serde_json::from_value(v).map_err(|e| AppError::BadRequest(format!("请求内容无效：{e}")))
}

#[utoipa::path(post, path = "/api/v1/financing/needs", tag = "financing", request_body = NeedIn, security(("bearer" = [])),
    responses((status = 201, body = NeedJson)))]
pub async fn api_post(
    State(st): State<Shared>,
    u: ApiCan<need::ActOnRequests>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<NeedJson>), ApiError> {
    let i: NeedIn = body(v)?;
    let n = st
        .store
        .post_financing_need(
            &Viewer::of(&u.0),
            &NewNeed {
                enterprise: i.enterprise.unwrap_or_default(),
                amount_yuan: i.amount_yuan,
                purpose: i.purpose,
                term_months: i.term_months,
                collateral: i.collateral.unwrap_or_default(),
                project: i.project,
                visit_id: None,
            },
            crate::layout::today(),
        )
        .await?;
    let s = state_of(&st, &n).await?;
    Ok((StatusCode::CREATED, Json(need_json(&n, &s))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NeedParams {
    /// Posted on or after (YYYY-MM-DD).
    from: Option<String>,
    /// Posted on or before.
    to: Option<String>,
    offset: Option<i64>,
    /// At most this many (default 100).
    limit: Option<i64>,
}

fn date(s: &Option<String>, field: &str) -> Result<Option<chrono::NaiveDate>, AppError> {
    match s.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
        None => Ok(None),
        Some(x) => x.parse().map(Some).map_err(|_| {
            AppError::Invalid(vec![FieldError::new(field, "日期格式应为 YYYY-MM-DD")])
        }),
    }
}

#[utoipa::path(get, path = "/api/v1/financing/needs", tag = "financing", params(NeedParams), security(("bearer" = [])),
    responses((status = 200, body = [NeedJson])))]
pub async fn api_needs(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Query(p): Query<NeedParams>,
) -> Result<Json<Vec<NeedJson>>, ApiError> {
    let f = NeedFilter {
        from: date(&p.from, "from")?,
        to: date(&p.to, "to")?,
        offset: p.offset.unwrap_or(0),
        limit: p.limit.unwrap_or(100),
    };
    let (list, _) = st
        .store
        .financing_needs(&Viewer::of(&u), &f, open_since(&st).await?)
        .await?;
    let mut out = vec![];
    for n in &list {
        out.push(need_json(n, &state_of(&st, n).await?));
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/financing/needs/{id}", tag = "financing", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = NeedJson)))]
pub async fn api_need(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<NeedJson>, ApiError> {
    let n = need_or_404(&st, &u, id).await?;
    Ok(Json(need_json(&n, &state_of(&st, &n).await?)))
}

#[utoipa::path(post, path = "/api/v1/financing/needs/{id}/claims", tag = "financing", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 201, body = NeedJson)))]
pub async fn api_claim(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<(StatusCode, Json<NeedJson>), ApiError> {
    let cal = st.store.calendar().await?;
    let n = st
        .store
        .claim_financing_need(&Viewer::of(&u), id, &cal, crate::layout::today())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(need_json(&n, &state_of(&st, &n).await?)),
    ))
}

/// The institution chosen.
#[derive(Deserialize, ToSchema)]
pub struct ChooseIn {
    institution: String,
}

#[utoipa::path(post, path = "/api/v1/financing/needs/{id}/choose", tag = "financing", params(("id" = i64, Path)), request_body = ChooseIn,
    security(("bearer" = [])), responses((status = 200, body = NeedJson)))]
pub async fn api_choose(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<Json<NeedJson>, ApiError> {
    let i: ChooseIn = body(v)?;
    let cal = st.store.calendar().await?;
    let n = st
        .store
        .choose_financing_institution(
            &Viewer::of(&u),
            id,
            &i.institution,
            &cal,
            crate::layout::today(),
        )
        .await?;
    Ok(Json(need_json(&n, &state_of(&st, &n).await?)))
}

/// A step of the chosen institution.
#[derive(Deserialize, ToSchema)]
pub struct OutcomeIn {
    /// contact, credit, loan or decline.
    kind: String,
    #[serde(default)]
    amount_yuan: Option<i64>,
    /// YYYY-MM-DD, default today.
    #[serde(default)]
    on: Option<String>,
    #[serde(default)]
    rate: Option<String>,
    /// The guarantee institution of a guaranteed loan.
    #[serde(default)]
    guarantor: Option<String>,
    /// A guaranteed loan: the guaranteed part (with `guarantor`), at most the loan.
    #[serde(default)]
    guarantee_yuan: Option<i64>,
    /// Required for a decline.
    #[serde(default)]
    reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/financing/needs/{id}/outcomes", tag = "financing", params(("id" = i64, Path)), request_body = OutcomeIn,
    security(("bearer" = [])), responses((status = 201, body = NeedJson)))]
pub async fn api_outcome(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<NeedJson>), ApiError> {
    let i: OutcomeIn = body(v)?;
    let on = date(&i.on, "on")?;
    let cal = st.store.calendar().await?;
    let n = st
        .store
        .record_financing_outcome(
            &Viewer::of(&u),
            id,
            &NewOutcome {
                kind: i.kind,
                amount_yuan: i.amount_yuan,
                on,
                rate: i.rate.unwrap_or_default(),
                guarantor: i.guarantor.unwrap_or_default(),
                guarantee_yuan: i.guarantee_yuan,
                reason: i.reason.unwrap_or_default(),
            },
            &cal,
            crate::layout::today(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(need_json(&n, &state_of(&st, &n).await?)),
    ))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// Posted on or after (default 1 January).
    pub(crate) from: Option<String>,
    /// Posted on or before (default today).
    pub(crate) to: Option<String>,
    /// institution (default) or township.
    pub(crate) by: Option<String>,
}

/// The period (default: this year to today) and the grouping (by institution unless "township").
pub(crate) fn stats_params(
    p: &StatsParams,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate, bool), AppError> {
    let by_institution = match p.by.as_deref().map(str::trim).unwrap_or("") {
        "" | "institution" => true,
        "township" => false,
        _ => {
            return Err(AppError::Invalid(vec![FieldError::new(
                "by",
                "统计口径应为 institution 或 township",
            )]));
        }
    };
    let today = crate::layout::today();
    let from = date(&p.from, "from")?.unwrap_or_else(|| {
        chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).expect("a valid day")
    });
    let to = date(&p.to, "to")?.unwrap_or(today);
    if from > to {
        return Err(AppError::Invalid(vec![FieldError::new(
            "from",
            "起始日期不能晚于截止日期",
        )]));
    }
    Ok((from, to, by_institution))
}

/// Unit names by code, for the statistics' groups.
pub(crate) async fn unit_names(
    st: &Shared,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    Ok(st
        .store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect())
}

/// An exact share.
#[derive(Serialize, ToSchema)]
pub struct FinShareJson {
    num: i64,
    den: i64,
    /// num / den; null without a sample.
    rate: Option<f64>,
}

/// One group's figures.
#[derive(Serialize, ToSchema)]
pub struct FinStatJson {
    /// The institution's or township's unit code ("" for the total).
    group: String,
    /// Its name.
    name: String,
    needs: i64,
    claimed: i64,
    contact_on_time: FinShareJson,
    credits: i64,
    credit_yuan: i64,
    loans: i64,
    loan_yuan: i64,
    success: FinShareJson,
    median_days_to_loan: Option<f64>,
}

/// The statistics.
#[derive(Serialize, ToSchema)]
pub struct FinStatsJson {
    items: Vec<FinStatJson>,
    total: FinStatJson,
}

fn share(s: Share) -> FinShareJson {
    FinShareJson {
        num: s.num,
        den: s.den,
        rate: (s.den > 0).then(|| s.num as f64 / s.den as f64),
    }
}

fn stat(r: StatRow, names: &std::collections::HashMap<String, String>) -> FinStatJson {
    FinStatJson {
        name: names
            .get(&r.group)
            .cloned()
            .unwrap_or_else(|| r.group.clone()),
        group: if names.contains_key(&r.group) {
            r.group
        } else {
            String::new()
        },
        needs: r.needs,
        claimed: r.claimed,
        contact_on_time: share(r.contact_on_time),
        credits: r.credits,
        credit_yuan: r.credit_yuan,
        loans: r.loans,
        loan_yuan: r.loan_yuan,
        success: share(r.success),
        median_days_to_loan: r.median_halfdays_to_loan.map(|h| h as f64 / 2.0),
    }
}

#[utoipa::path(get, path = "/api/v1/financing/stats", tag = "financing", params(StatsParams), security(("bearer" = [])),
    responses((status = 200, body = FinStatsJson)))]
pub async fn api_stats(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Query(p): Query<StatsParams>,
) -> Result<Json<FinStatsJson>, ApiError> {
    let (from, to, by_institution) = stats_params(&p)?;
    let (rows, total) = super::stats(&st, from, to, by_institution).await?;
    let names = unit_names(&st).await?;
    Ok(Json(FinStatsJson {
        items: rows.into_iter().map(|r| stat(r, &names)).collect(),
        total: stat(total, &names),
    }))
}
