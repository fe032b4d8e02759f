//! The fiscal-support API: programmes (create, read, experts, actions,
//! results), applications (apply, read, review, score, deduction,
//! payments, performance) and objections. Who may: the office manages;
//! an enterprise applies for itself and reads its own; an assigned expert
//! scores; the rest as `store::fiscal` scopes.

use crate::Shared;
use crate::auth::{ApiCan, ApiUser, need};
use crate::error::{ApiError, AppError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use base64::Engine;
use domain::fiscal::{Criterion, Rules, parse_scaled};
use domain::users::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::fiscal::{Application, ApplicationFilter, NewApplication, NewProgramme, Programme};
use store::requests::Viewer;
use utoipa::ToSchema;

pub fn api_router() -> axum::Router<Shared> {
    axum::Router::new()
        .route(
            "/v1/fiscal/programmes",
            get(api_programmes).post(api_create),
        )
        .route("/v1/fiscal/programmes/{id}", get(api_programme))
        .route("/v1/fiscal/programmes/{id}/experts", put(api_experts))
        .route("/v1/fiscal/programmes/{id}/actions", post(api_action))
        .route("/v1/fiscal/programmes/{id}/results", get(api_results))
        .route(
            "/v1/fiscal/programmes/{id}/applications",
            get(api_applications).post(api_apply),
        )
        .route("/v1/fiscal/programmes/{id}/objections", post(api_objection))
        .route("/v1/fiscal/applications/{id}", get(api_application))
        .route("/v1/fiscal/applications/{id}/review", post(api_review))
        .route("/v1/fiscal/applications/{id}/scores", post(api_score))
        .route(
            "/v1/fiscal/applications/{id}/deduction",
            post(api_deduction),
        )
        .route("/v1/fiscal/applications/{id}/payments", post(api_payment))
        .route(
            "/v1/fiscal/applications/{id}/performance",
            post(api_performance),
        )
}

pub(crate) fn body<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, AppError> {
    serde_json::from_value(v).map_err(|e| AppError::BadRequest(format!("请求内容无效：{e}")))
}

fn invalid(field: &str, msg: &str) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, msg)])
}

/// A JSON number as an integer in 1/10^places units, exactly.
pub(crate) fn scaled(v: &Value, field: &str, places: u32) -> Result<i64, AppError> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return Err(invalid(field, "应为数字")),
    };
    parse_scaled(&text, places)
        .ok_or_else(|| invalid(field, &format!("应为最多 {places} 位小数的数字")))
}

fn date(s: &Option<String>, field: &str) -> Result<Option<chrono::NaiveDate>, AppError> {
    match s.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
        None => Ok(None),
        Some(x) => x
            .parse()
            .map(Some)
            .map_err(|_| invalid(field, "日期格式应为 YYYY-MM-DD")),
    }
}

/// A programme to create.
#[derive(Deserialize, ToSchema)]
pub struct ProgrammeIn {
    title: String,
    budget_yuan: i64,
    opens_on: String,
    closes_on: String,
    /// A share of the eligible investment, e.g. 0.1 (default).
    #[schema(value_type = Option<f64>)]
    support_share: Option<Value>,
    /// Per project (default 1,500,000).
    cap_yuan: Option<i64>,
    /// Default 60.
    #[schema(value_type = Option<f64>)]
    passing_score: Option<Value>,
    /// The score sheet (default: 企业发展能力 20, 技术创新性 35, 产品市场 25, 经济社会效益 20).
    criteria: Option<Vec<CriterionJson>>,
    /// Working days of the 公示 (default 7).
    publicity_days: Option<i64>,
    /// Each eligibility rule on or off (default all on): project_approved,
    /// not_class_d, rating_not_c_or_d, no_veto_in_2_years.
    #[schema(value_type = Option<Object>)]
    rules: Option<Value>,
}

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct CriterionJson {
    name: String,
    max: i64,
}

/// A programme.
#[derive(Serialize, ToSchema)]
pub struct ProgrammeJson {
    id: i64,
    title: String,
    budget_yuan: i64,
    opens_on: String,
    closes_on: String,
    support_share: f64,
    cap_yuan: i64,
    passing_score: f64,
    publicity_days: i64,
    criteria: Vec<CriterionJson>,
    #[schema(value_type = Object)]
    rules: Value,
    /// open, closed, scoring, ranked, publicity or final.
    status: String,
    ranked_on: Option<String>,
    published_on: Option<String>,
    finalized_on: Option<String>,
    /// Assigned experts' usernames (shown to the office and leaders only).
    experts: Vec<String>,
    applications: i64,
    awarded_yuan: i64,
}

/// A programme as `u` may see it: the experts' names only for the office
/// and leaders (enterprises must not know who scores them).
pub(crate) fn programme_json_for(u: &store::users::User, p: &Programme) -> ProgrammeJson {
    let mut j = programme_json(p);
    if !matches!(
        u.role,
        domain::users::Role::Admin | domain::users::Role::Leader
    ) {
        j.experts.clear();
    }
    j
}

pub(crate) fn programme_json(p: &Programme) -> ProgrammeJson {
    ProgrammeJson {
        id: p.id,
        title: p.title.clone(),
        budget_yuan: p.budget_yuan,
        opens_on: p.opens_on.to_string(),
        closes_on: p.closes_on.to_string(),
        support_share: p.share_bp as f64 / 10_000.0,
        cap_yuan: p.cap_yuan,
        passing_score: p.passing as f64 / 100.0,
        publicity_days: p.publicity_days,
        criteria: p
            .criteria
            .iter()
            .map(|c| CriterionJson {
                name: c.name.clone(),
                max: c.max,
            })
            .collect(),
        rules: serde_json::to_value(p.rules).unwrap_or_default(),
        status: p.status.as_str().into(),
        ranked_on: p.ranked_on.map(|d| d.to_string()),
        published_on: p.published_on.map(|d| d.to_string()),
        finalized_on: p.finalized_on.map(|d| d.to_string()),
        experts: p.experts.iter().map(|e| e.0.clone()).collect(),
        applications: p.applications,
        awarded_yuan: p.awarded_yuan,
    }
}

/// An application.
#[derive(Serialize, ToSchema)]
pub struct ApplicationJson {
    id: i64,
    code: String,
    programme_id: i64,
    enterprise: String,
    enterprise_name: String,
    project: String,
    eligible_investment_yuan: i64,
    amount_yuan: i64,
    /// submitted, returned, passed or rejected.
    status: String,
    eligible: bool,
    /// Why it fails the eligibility rules (none: eligible).
    reasons: Vec<String>,
    review_reason: String,
    submitted_on: String,
    /// Hundredths of a point.
    deduction: f64,
    /// The score once ranked (exact value as the nearest number).
    score: Option<f64>,
    rank: Option<i64>,
    award_yuan: Option<i64>,
    paid_yuan: i64,
    /// The performance grade: excellent, good, fair or poor.
    performance_grade: Option<String>,
    /// 差: flagged for clawback review.
    clawback: bool,
}

pub(crate) fn application_json(a: &Application) -> ApplicationJson {
    ApplicationJson {
        id: a.id,
        code: a.code.clone(),
        programme_id: a.programme_id,
        enterprise: a.credit_code.clone(),
        enterprise_name: a.enterprise_name.clone(),
        project: a.project_code.clone(),
        eligible_investment_yuan: a.eligible_investment_yuan,
        amount_yuan: a.amount_yuan,
        status: a.status.as_str().into(),
        eligible: a.eligible,
        reasons: a.reasons.clone(),
        review_reason: a.review_reason.clone(),
        submitted_on: a.submitted_on.to_string(),
        deduction: a.deduction as f64 / 100.0,
        score: a.score.map(|s| s.to_f64()),
        rank: a.rank,
        award_yuan: a.award_yuan,
        paid_yuan: a.paid_yuan,
        performance_grade: a.performance.map(|p| p.1.as_str().to_string()),
        clawback: a.clawback,
    }
}

#[utoipa::path(get, path = "/api/v1/fiscal/programmes", tag = "fiscal", security(("bearer" = [])),
    responses((status = 200, body = Vec<ProgrammeJson>)))]
pub async fn api_programmes(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
) -> Result<Json<Vec<ProgrammeJson>>, ApiError> {
    let list = st.store.fiscal_programmes(&Viewer::of(&u)).await?;
    Ok(Json(
        list.iter().map(|p| programme_json_for(&u, p)).collect(),
    ))
}

/// Creates a programme (the office), open for applications in its window.
#[utoipa::path(post, path = "/api/v1/fiscal/programmes", tag = "fiscal", request_body = ProgrammeIn, security(("bearer" = [])),
    responses((status = 201, body = ProgrammeJson)))]
pub async fn api_create(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<ProgrammeJson>), ApiError> {
    let i: ProgrammeIn = body(v)?;
    let rules: Option<Rules> = match i.rules {
        None | Some(Value::Null) => None,
        Some(r) => Some(serde_json::from_value(r).map_err(|e| {
            invalid(
                "rules",
                &format!("申报条件应为各规则的开关（true/false）：{e}"),
            )
        })?),
    };
    let p = NewProgramme {
        title: i.title,
        budget_yuan: i.budget_yuan,
        opens_on: date(&Some(i.opens_on), "opens_on")?,
        closes_on: date(&Some(i.closes_on), "closes_on")?,
        share_bp: i
            .support_share
            .as_ref()
            .map(|v| scaled(v, "support_share", 4))
            .transpose()?,
        cap_yuan: i.cap_yuan,
        passing: i
            .passing_score
            .as_ref()
            .map(|v| scaled(v, "passing_score", 2))
            .transpose()?,
        criteria: i.criteria.map(|c| {
            c.into_iter()
                .map(|x| Criterion {
                    name: x.name,
                    max: x.max,
                })
                .collect()
        }),
        rules,
        publicity_days: i.publicity_days,
    };
    let viewer = Viewer::of(&u.0);
    let id = st.store.create_fiscal_programme(&viewer, &p).await?;
    let p = st.store.fiscal_programme(&viewer, id).await?;
    Ok((StatusCode::CREATED, Json(programme_json(&p))))
}

#[utoipa::path(get, path = "/api/v1/fiscal/programmes/{id}", tag = "fiscal", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ProgrammeJson)))]
pub async fn api_programme(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ProgrammeJson>, ApiError> {
    let p = st.store.fiscal_programme(&Viewer::of(&u), id).await?;
    Ok(Json(programme_json_for(&u, &p)))
}

#[derive(Deserialize, ToSchema)]
pub struct ExpertsIn {
    /// Usernames of users with the role expert.
    experts: Vec<String>,
}

/// Replaces the programme's experts (the office).
#[utoipa::path(put, path = "/api/v1/fiscal/programmes/{id}/experts", tag = "fiscal", params(("id" = i64, Path)), request_body = ExpertsIn,
    security(("bearer" = [])), responses((status = 200, body = ProgrammeJson)))]
pub async fn api_experts(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<Json<ProgrammeJson>, ApiError> {
    let i: ExpertsIn = body(v)?;
    let p = st
        .store
        .set_fiscal_experts(&Viewer::of(&u.0), id, &i.experts)
        .await?;
    Ok(Json(programme_json(&p)))
}

#[derive(Deserialize, ToSchema)]
pub struct FiscalActionIn {
    /// close, rank, publish or finalize.
    action: String,
    /// The day it takes effect (default today): the 公示 counts from publish.
    on: Option<String>,
}

/// Moves the programme on (the office).
#[utoipa::path(post, path = "/api/v1/fiscal/programmes/{id}/actions", tag = "fiscal", params(("id" = i64, Path)), request_body = FiscalActionIn,
    security(("bearer" = [])), responses((status = 200, body = ProgrammeJson)))]
pub async fn api_action(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<Json<ProgrammeJson>, ApiError> {
    let i: FiscalActionIn = body(v)?;
    let on = date(&i.on, "on")?.unwrap_or_else(crate::layout::today);
    let cal = st.store.calendar().await?;
    let p = st
        .store
        .fiscal_programme_action(&Viewer::of(&u.0), id, &i.action, on, &cal)
        .await?;
    Ok(Json(programme_json(&p)))
}

/// A ranked application.
#[derive(Serialize, ToSchema)]
pub struct FiscalResultItemJson {
    id: i64,
    code: String,
    enterprise: String,
    enterprise_name: String,
    project: String,
    score: f64,
    /// The score rounded to 2 decimals, as shown.
    score_text: String,
    rank: i64,
    award_yuan: i64,
}

#[derive(Serialize, ToSchema)]
pub struct FiscalResultsJson {
    items: Vec<FiscalResultItemJson>,
    total_awarded_yuan: i64,
    budget_yuan: i64,
}

/// The ranking and awards, by rank: the office, leaders and member units once
/// ranked; assigned experts once ranked; enterprises from the 公示.
#[utoipa::path(get, path = "/api/v1/fiscal/programmes/{id}/results", tag = "fiscal", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = FiscalResultsJson), (status = 409, description = "尚未排序（企业：尚未公示）", body = crate::error::ErrorBody)))]
pub async fn api_results(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<FiscalResultsJson>, ApiError> {
    let p = st.store.fiscal_programme(&Viewer::of(&u), id).await?;
    super::may_read_results(&u, &p)?;
    let items: Vec<FiscalResultItemJson> = st
        .store
        .fiscal_results(id)
        .await?
        .into_iter()
        .map(|a| FiscalResultItemJson {
            id: a.id,
            score: a.score.map(|s| s.to_f64()).unwrap_or(0.0),
            score_text: a.score_text(),
            code: a.code,
            enterprise: a.credit_code,
            enterprise_name: a.enterprise_name,
            project: a.project_code,
            rank: a.rank.unwrap_or(0),
            award_yuan: a.award_yuan.unwrap_or(0),
        })
        .collect();
    Ok(Json(FiscalResultsJson {
        total_awarded_yuan: items.iter().map(|i| i.award_yuan).sum(),
        budget_yuan: p.budget_yuan,
        items,
    }))
}

#[utoipa::path(get, path = "/api/v1/fiscal/programmes/{id}/applications", tag = "fiscal", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<ApplicationJson>)))]
pub async fn api_applications(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ApplicationJson>>, ApiError> {
    let (list, _) = st
        .store
        .fiscal_applications(
            &Viewer::of(&u),
            id,
            &ApplicationFilter {
                limit: 1000,
                ..ApplicationFilter::default()
            },
        )
        .await?;
    Ok(Json(list.iter().map(application_json).collect()))
}

/// An attachment sent with an application.
#[derive(Deserialize, ToSchema)]
pub struct FiscalAttachmentIn {
    name: String,
    /// The file's bytes, base64 (standard alphabet).
    content_base64: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ApplicationIn {
    /// The enterprise's credit code (the office only).
    enterprise: Option<String>,
    /// The project's code in the registry.
    project: String,
    eligible_investment_yuan: i64,
    amount_yuan: i64,
    description: Option<String>,
    #[serde(default)]
    attachments: Vec<FiscalAttachmentIn>,
}

fn files(list: &[FiscalAttachmentIn]) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    list.iter()
        .enumerate()
        .map(|(i, a)| {
            base64::engine::general_purpose::STANDARD
                .decode(a.content_base64.trim())
                .map(|b| (a.name.clone(), b))
                .map_err(|_| {
                    invalid(
                        &format!("attachments[{i}].content_base64"),
                        "不是有效的 base64 内容",
                    )
                })
        })
        .collect()
}

/// Applies (an enterprise for itself, the office for one): eligibility is
/// checked at once, with a reason per failed rule.
#[utoipa::path(post, path = "/api/v1/fiscal/programmes/{id}/applications", tag = "fiscal", params(("id" = i64, Path)), request_body = ApplicationIn,
    security(("bearer" = [])), responses((status = 201, body = ApplicationJson)))]
pub async fn api_apply(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<ApplicationJson>), ApiError> {
    let i: ApplicationIn = body(v)?;
    let a = st
        .store
        .submit_fiscal_application(
            &Viewer::of(&u),
            id,
            &NewApplication {
                enterprise: i.enterprise.unwrap_or_default(),
                project: i.project,
                eligible_investment_yuan: i.eligible_investment_yuan,
                amount_yuan: i.amount_yuan,
                description: i.description.unwrap_or_default(),
                files: files(&i.attachments)?,
            },
            crate::layout::today(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(application_json(&a))))
}

#[utoipa::path(get, path = "/api/v1/fiscal/applications/{id}", tag = "fiscal", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ApplicationJson)))]
pub async fn api_application(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationJson>, ApiError> {
    let a = st.store.fiscal_application(&Viewer::of(&u), id).await?;
    Ok(Json(application_json(&a)))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewIn {
    /// pass, return or reject.
    decision: String,
    /// Required to return or reject.
    reason: Option<String>,
}

/// Formal review (the office).
#[utoipa::path(post, path = "/api/v1/fiscal/applications/{id}/review", tag = "fiscal", params(("id" = i64, Path)), request_body = ReviewIn,
    security(("bearer" = [])), responses((status = 200, body = ApplicationJson)))]
pub async fn api_review(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<Json<ApplicationJson>, ApiError> {
    let i: ReviewIn = body(v)?;
    let a = st
        .store
        .review_fiscal_application(
            &Viewer::of(&u.0),
            id,
            &i.decision,
            i.reason.as_deref().unwrap_or(""),
        )
        .await?;
    Ok(Json(application_json(&a)))
}

#[derive(Deserialize, ToSchema)]
pub struct ScoresIn {
    /// One mark per criterion of the score sheet, in its order (up to 2 decimals).
    #[schema(value_type = Option<Vec<f64>>)]
    scores: Option<Vec<Value>>,
    /// true: the expert declares a conflict (回避) and is not counted.
    conflict: Option<bool>,
}

/// An assigned expert scores (or declares a conflict); a later answer
/// replaces the earlier until the ranking.
#[utoipa::path(post, path = "/api/v1/fiscal/applications/{id}/scores", tag = "fiscal", params(("id" = i64, Path)), request_body = ScoresIn,
    security(("bearer" = [])), responses((status = 200, body = ApplicationJson)))]
pub async fn api_score(
    State(st): State<Shared>,
    u: ApiCan<need::ScoreApplications>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<Json<ApplicationJson>, ApiError> {
    let i: ScoresIn = body(v)?;
    let marks = match (i.conflict, i.scores) {
        (Some(true), _) => None,
        (_, Some(s)) => Some(
            s.iter()
                .enumerate()
                .map(|(k, x)| scaled(x, &format!("scores[{k}]"), 2))
                .collect::<Result<Vec<i64>, AppError>>()?,
        ),
        _ => return Err(invalid("scores", "请逐项打分，或声明回避（conflict: true）").into()),
    };
    let a = st
        .store
        .score_fiscal_application(&Viewer::of(&u.0), id, marks.as_deref())
        .await?;
    Ok(Json(application_json(&a)))
}

#[derive(Deserialize, ToSchema)]
pub struct DeductionIn {
    /// Points taken off the score (up to 2 decimals).
    #[schema(value_type = f64)]
    points: Value,
    reason: Option<String>,
}

/// The environmental deduction (the office), before the 公示.
#[utoipa::path(post, path = "/api/v1/fiscal/applications/{id}/deduction", tag = "fiscal", params(("id" = i64, Path)), request_body = DeductionIn,
    security(("bearer" = [])), responses((status = 200, body = ApplicationJson)))]
pub async fn api_deduction(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<Json<ApplicationJson>, ApiError> {
    let i: DeductionIn = body(v)?;
    let points = scaled(&i.points, "points", 2)?;
    let a = st
        .store
        .set_fiscal_deduction(
            &Viewer::of(&u.0),
            id,
            points,
            i.reason.as_deref().unwrap_or(""),
        )
        .await?;
    Ok(Json(application_json(&a)))
}

#[derive(Deserialize, ToSchema)]
pub struct PaymentIn {
    amount_yuan: i64,
    /// Default today.
    paid_on: Option<String>,
    note: Option<String>,
}

/// An instalment of a final award (the office); never above the award.
#[utoipa::path(post, path = "/api/v1/fiscal/applications/{id}/payments", tag = "fiscal", params(("id" = i64, Path)), request_body = PaymentIn,
    security(("bearer" = [])), responses((status = 201, body = ApplicationJson)))]
pub async fn api_payment(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<ApplicationJson>), ApiError> {
    let i: PaymentIn = body(v)?;
    let on = date(&i.paid_on, "paid_on")?.unwrap_or_else(crate::layout::today);
    let a = st
        .store
        .record_fiscal_payment(
            &Viewer::of(&u.0),
            id,
            i.amount_yuan,
            on,
            i.note.as_deref().unwrap_or(""),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(application_json(&a))))
}

#[derive(Deserialize, ToSchema)]
pub struct PerformanceIn {
    /// 0–10.
    budget_execution: i64,
    /// 0–50.
    output: i64,
    /// 0–30.
    benefit: i64,
    /// 0–10.
    satisfaction: i64,
    note: Option<String>,
}

/// The performance self-evaluation (the enterprise or the office).
#[utoipa::path(post, path = "/api/v1/fiscal/applications/{id}/performance", tag = "fiscal", params(("id" = i64, Path)), request_body = PerformanceIn,
    security(("bearer" = [])), responses((status = 201, body = ApplicationJson)))]
pub async fn api_performance(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<ApplicationJson>), ApiError> {
    let i: PerformanceIn = body(v)?;
    let a = st
        .store
        .file_fiscal_performance(
            &Viewer::of(&u),
            id,
            [i.budget_execution, i.output, i.benefit, i.satisfaction],
            i.note.as_deref().unwrap_or(""),
            crate::layout::today(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(application_json(&a))))
}

#[derive(Deserialize, ToSchema)]
pub struct FiscalObjectionIn {
    /// The objector's real name.
    author: String,
    contact: Option<String>,
    body: String,
    /// The application's code, when it concerns one.
    application: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FiscalCreatedJson {
    id: i64,
}

/// A real-name objection during the 公示.
#[utoipa::path(post, path = "/api/v1/fiscal/programmes/{id}/objections", tag = "fiscal", params(("id" = i64, Path)), request_body = FiscalObjectionIn,
    security(("bearer" = [])), responses((status = 201, body = FiscalCreatedJson)))]
pub async fn api_objection(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<FiscalCreatedJson>), ApiError> {
    let i: FiscalObjectionIn = body(v)?;
    let oid = st
        .store
        .file_fiscal_objection(
            &Viewer::of(&u),
            id,
            &store::fiscal::NewObjection {
                application: i.application,
                author: i.author,
                contact: i.contact.unwrap_or_default(),
                body: i.body,
            },
            crate::layout::today(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(FiscalCreatedJson { id: oid })))
}
