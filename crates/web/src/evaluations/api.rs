//! The evaluation API: rounds with their settings and lifecycle, ballots
//! (one object or an array, all or nothing), vetoes, objections and the
//! results. Reading: campaign readers (a unit the results once published);
//! ballots: the office for anyone, an enterprise or township for itself;
//! everything else: the office.

use super::{act, reads_results, results_of, round_or_404};
use crate::Shared;
use crate::auth::{ApiCan, need};
use crate::error::{ApiError, AppError};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use domain::evaluation::round::prize_key;
use domain::evaluation::{Action, Score, Settings};
use domain::users::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::evaluations::write::NewBallot;
use store::evaluations::{BallotFilter, Round};
use store::requests::Viewer;
use utoipa::{IntoParams, ToSchema};

pub fn api_router() -> axum::Router<Shared> {
    axum::Router::new()
        .route("/v1/evaluations", get(api_list).post(api_create))
        .route("/v1/evaluations/{id}", get(api_get))
        .route("/v1/evaluations/{id}/settings", put(api_settings))
        .route("/v1/evaluations/{id}/actions", post(api_action))
        .route(
            "/v1/evaluations/{id}/ballots",
            get(api_ballots).post(api_submit),
        )
        .route("/v1/evaluations/{id}/vetoes", post(api_veto))
        .route("/v1/evaluations/{id}/vetoes/{unit}", delete(api_lift))
        .route("/v1/evaluations/{id}/objections", post(api_objection))
        .route(
            "/v1/evaluations/{id}/objections/{oid}/answer",
            post(api_answer),
        )
        .route("/v1/evaluations/{id}/results", get(api_results))
}

/// A round's settings (every field optional on input: what is left out
/// keeps its value, the defaults of RULES.md for a new round).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SettingsJson {
    /// {"enterprise": 50, "grassroots": 20, "service": 20, "targets": 10}
    #[schema(value_type = Object)]
    weights: Value,
    /// {"very_satisfied": 100, "satisfied": 80, "basic": 60, "dissatisfied": 30, "very_dissatisfied": 0}
    #[schema(value_type = Object)]
    level_scores: Value,
    /// {"enterprise": 5, "grassroots": 3}
    #[schema(value_type = Object)]
    min_ballots: Value,
    /// From this many ballots on, one highest and one lowest are dropped (5).
    trim_from: i64,
    /// {"first_count": 2, "second_count": 3, "third_count": 5}
    #[schema(value_type = Object)]
    prizes: Value,
    /// The lowest composite that may win a prize (null: none).
    min_prize_score: Option<i64>,
    /// The day the targets score is taken at (YYYY-MM-DD; null: 31 December).
    as_of: Option<String>,
    /// Member units left out of the round.
    excluded_units: Vec<String>,
    /// Working days of the 公示 (5).
    notice_days: i64,
}

/// A round to create.
#[derive(Deserialize, ToSchema)]
pub struct RoundIn {
    title: String,
    /// Default: the current campaign.
    campaign_id: Option<i64>,
    /// Read as JSON and merged onto the defaults (see `settings_over`).
    #[allow(dead_code)]
    settings: Option<SettingsJson>,
}

/// A veto on a round.
#[derive(Serialize, ToSchema)]
pub struct VetoJson {
    unit: String,
    name: String,
    reason: String,
    given_by: String,
    given_at: String,
}

/// A round.
#[derive(Serialize, ToSchema)]
pub struct RoundJson {
    id: i64,
    campaign_id: i64,
    title: String,
    /// draft, open, closed, publicized or final.
    status: String,
    status_label: String,
    #[schema(value_type = SettingsJson)]
    settings: Value,
    opened_on: Option<String>,
    closed_on: Option<String>,
    /// The first day of the 公示.
    published_on: Option<String>,
    /// Its last day: objections until its end; final only after.
    notice_ends_on: Option<String>,
    finalized_on: Option<String>,
    /// The issued 通报 (a bulletin id).
    bulletin_id: Option<i64>,
    enterprise_ballots: i64,
    grassroots_ballots: i64,
    vetoes: Vec<VetoJson>,
}

async fn round_json(st: &Shared, r: Round) -> Result<RoundJson, AppError> {
    let p = st.store.round_progress(&r).await?;
    let vetoes = st
        .store
        .vetoes(r.id)
        .await?
        .into_iter()
        .map(|v| VetoJson {
            unit: v.unit_code,
            name: v.unit_name,
            reason: v.reason,
            given_by: v.given_by,
            given_at: v.given_at,
        })
        .collect();
    let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string());
    Ok(RoundJson {
        id: r.id,
        campaign_id: r.campaign_id,
        title: r.title,
        status: r.status.as_str().into(),
        status_label: r.status.label().into(),
        settings: serde_json::to_value(&r.settings)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        opened_on: d(r.opened_on),
        closed_on: d(r.closed_on),
        published_on: d(r.published_on),
        notice_ends_on: d(r.notice_ends_on),
        finalized_on: d(r.finalized_on),
        bulletin_id: r.bulletin_id,
        enterprise_ballots: p.enterprise_ballots,
        grassroots_ballots: p.grassroots_ballots,
        vetoes,
    })
}

fn body<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_json::from_value(v)
        .map_err(|e| ApiError(AppError::BadRequest(format!("请求内容无效：{e}"))))
}

/// Merges `patch` onto `base` (objects field by field; null clears).
fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(slot) if v.is_object() => merge(slot, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// The settings given, over `base`; 422 naming what is wrong.
fn settings_over(base: &Settings, given: &Value) -> Result<Settings, AppError> {
    if !given.is_object() {
        return Err(AppError::Invalid(vec![FieldError::new(
            "settings",
            "设置应为 JSON 对象",
        )]));
    }
    let mut v = serde_json::to_value(base).map_err(|e| AppError::Internal(e.to_string()))?;
    merge(&mut v, given);
    serde_json::from_value(v)
        .map_err(|e| AppError::Invalid(vec![FieldError::new("settings", format!("设置无效：{e}"))]))
}

#[utoipa::path(get, path = "/api/v1/evaluations", tag = "evaluations", security(("bearer" = [])),
    responses((status = 200, body = [RoundJson])))]
pub async fn api_list(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
) -> Result<Json<Vec<RoundJson>>, ApiError> {
    let mut out = vec![];
    for r in st.store.rounds(None).await? {
        out.push(round_json(&st, r.round).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(post, path = "/api/v1/evaluations", tag = "evaluations", request_body = RoundIn, security(("bearer" = [])),
    responses((status = 201, body = RoundJson)))]
pub async fn api_create(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<RoundJson>), ApiError> {
    let given = v.get("settings").cloned();
    let mut v = v;
    if let Some(o) = v.as_object_mut() {
        o.remove("settings");
    }
    let i: RoundIn = body(v)?;
    let campaign_id = match i.campaign_id {
        Some(id) => {
            st.store
                .campaign(id)
                .await?
                .ok_or_else(|| {
                    AppError::Invalid(vec![FieldError::new(
                        "campaign_id",
                        format!("没有编号为 {id} 的年度活动"),
                    )])
                })?
                .id
        }
        None => crate::bulletins::current(&st).await?.id,
    };
    let base = super::pages::default_settings(&st, campaign_id).await?;
    let settings = match given.filter(|g| !g.is_null()) {
        Some(g) => settings_over(&base, &g)?,
        None => base,
    };
    let r = st
        .store
        .create_round(&u.0.actor(), campaign_id, &i.title, &settings)
        .await?;
    Ok((StatusCode::CREATED, Json(round_json(&st, r).await?)))
}

#[utoipa::path(get, path = "/api/v1/evaluations/{id}", tag = "evaluations", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = RoundJson)))]
pub async fn api_get(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Json<RoundJson>, ApiError> {
    let r = round_or_404(&st, id).await?;
    Ok(Json(round_json(&st, r).await?))
}

#[utoipa::path(put, path = "/api/v1/evaluations/{id}/settings", tag = "evaluations", params(("id" = i64, Path)),
    request_body = SettingsJson, security(("bearer" = [])), responses((status = 200, body = RoundJson)))]
pub async fn api_settings(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<Json<RoundJson>, ApiError> {
    let r = round_or_404(&st, id).await?;
    let s = settings_over(&r.settings, &v)?;
    let r = st.store.update_round_settings(&u.0.actor(), id, &s).await?;
    Ok(Json(round_json(&st, r).await?))
}

/// A step of the lifecycle.
#[derive(Deserialize, ToSchema)]
pub struct RoundActionIn {
    /// open, close, publish or finalize.
    action: String,
    /// The day it takes effect (YYYY-MM-DD, not in the future; default today):
    /// for publish, the first day of the 公示.
    on: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/evaluations/{id}/actions", tag = "evaluations", params(("id" = i64, Path)),
    request_body = RoundActionIn, security(("bearer" = [])), responses((status = 200, body = RoundJson)))]
pub async fn api_action(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<Json<RoundJson>, ApiError> {
    let i: RoundActionIn = body(v)?;
    let action = Action::parse(i.action.trim()).ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new(
            "action",
            "操作应为 open、close、publish 或 finalize",
        )])
    })?;
    let r = act(&st, &u.0.actor(), id, action, i.on.as_deref()).await?;
    Ok(Json(round_json(&st, r).await?))
}

/// A ballot.
#[derive(Deserialize, ToSchema)]
pub struct BallotIn {
    /// enterprise or grassroots (an enterprise or township user may leave it out).
    #[serde(default)]
    group: String,
    /// A credit code (enterprise) or a unit code (grassroots); an enterprise
    /// or township user may leave it out (it is then itself).
    #[serde(default)]
    respondent: String,
    /// The evaluated unit's code.
    #[serde(default)]
    unit: String,
    /// very_satisfied, satisfied, basic, dissatisfied or very_dissatisfied.
    #[serde(default)]
    level: String,
    #[serde(default)]
    comment: String,
}

/// How many ballots were written.
#[derive(Serialize, ToSchema)]
pub struct SavedJson {
    saved: usize,
}

#[utoipa::path(post, path = "/api/v1/evaluations/{id}/ballots", tag = "evaluations", params(("id" = i64, Path)),
    request_body(content = Vec<BallotIn>, description = "一张评议票（对象）或多张（数组），全部有效才写入"),
    security(("bearer" = [])), responses((status = 201, body = SavedJson)))]
pub async fn api_submit(
    State(st): State<Shared>,
    u: ApiCan<need::AnswerEvaluations>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<SavedJson>), ApiError> {
    round_or_404(&st, id).await?;
    let list: Vec<BallotIn> = match v {
        Value::Array(a) => body(Value::Array(a))?,
        o @ Value::Object(_) => vec![body(o)?],
        _ => return Err(AppError::BadRequest("请求内容应为评议票对象或数组".into()).into()),
    };
    let ballots: Vec<NewBallot> = list
        .into_iter()
        .map(|b| NewBallot {
            group: b.group,
            respondent: b.respondent,
            unit: b.unit,
            level: b.level,
            comment: b.comment,
        })
        .collect();
    let saved = st
        .store
        .submit_ballots(&Viewer::of(&u.0), id, &ballots, "api")
        .await?;
    Ok((StatusCode::CREATED, Json(SavedJson { saved })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BallotParams {
    /// An evaluated unit's code.
    unit: Option<String>,
    /// enterprise or grassroots.
    group: Option<String>,
    respondent: Option<String>,
    /// Skip this many (default 0).
    offset: Option<i64>,
    /// At most this many (default 100, at most 1000).
    limit: Option<i64>,
}

/// A ballot with its respondent (the office only).
#[derive(Serialize, ToSchema)]
pub struct BallotJson {
    group: String,
    respondent: String,
    respondent_name: String,
    unit: String,
    unit_name: String,
    level: String,
    comment: String,
    source: String,
    entered_by: String,
    updated_at: String,
}

/// A page of ballots.
#[derive(Serialize, ToSchema)]
pub struct BallotsJson {
    total: i64,
    ballots: Vec<BallotJson>,
}

#[utoipa::path(get, path = "/api/v1/evaluations/{id}/ballots", tag = "evaluations", params(("id" = i64, Path), BallotParams),
    security(("bearer" = [])), responses((status = 200, body = BallotsJson)))]
pub async fn api_ballots(
    State(st): State<Shared>,
    _u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Query(p): Query<BallotParams>,
) -> Result<Json<BallotsJson>, ApiError> {
    round_or_404(&st, id).await?;
    let group = match p.group.as_deref().map(str::trim).unwrap_or("") {
        "" => None,
        "enterprise" => Some(domain::evaluation::Group::Enterprise),
        "grassroots" => Some(domain::evaluation::Group::Grassroots),
        _ => {
            return Err(AppError::Invalid(vec![FieldError::new(
                "group",
                "评议组别应为 enterprise 或 grassroots",
            )])
            .into());
        }
    };
    let (list, total) = st
        .store
        .ballots(
            id,
            &BallotFilter {
                unit: p.unit.filter(|s| !s.trim().is_empty()),
                group,
                respondent: p.respondent.filter(|s| !s.trim().is_empty()),
                offset: p.offset.unwrap_or(0),
                limit: p.limit.unwrap_or(100),
            },
        )
        .await?;
    Ok(Json(BallotsJson {
        total,
        ballots: list
            .into_iter()
            .map(|b| BallotJson {
                group: match b.group {
                    domain::evaluation::Group::Enterprise => "enterprise".into(),
                    domain::evaluation::Group::Grassroots => "grassroots".into(),
                },
                respondent: b.respondent,
                respondent_name: b.respondent_name,
                unit: b.unit_code,
                unit_name: b.unit_name,
                level: b.level.as_str().into(),
                comment: b.comment,
                source: b.source,
                entered_by: b.entered_by,
                updated_at: b.updated_at,
            })
            .collect(),
    }))
}

/// A veto to give.
#[derive(Deserialize, ToSchema)]
pub struct VetoIn {
    unit: String,
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/evaluations/{id}/vetoes", tag = "evaluations", params(("id" = i64, Path)),
    request_body = VetoIn, security(("bearer" = [])), responses((status = 201, body = RoundJson)))]
pub async fn api_veto(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<RoundJson>), ApiError> {
    let i: VetoIn = body(v)?;
    st.store
        .set_veto(&u.0.actor(), id, &i.unit, &i.reason)
        .await?;
    let r = round_or_404(&st, id).await?;
    Ok((StatusCode::CREATED, Json(round_json(&st, r).await?)))
}

#[utoipa::path(delete, path = "/api/v1/evaluations/{id}/vetoes/{unit}", tag = "evaluations",
    params(("id" = i64, Path), ("unit" = String, Path)), security(("bearer" = [])), responses((status = 200, body = RoundJson)))]
pub async fn api_lift(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path((id, unit)): Path<(i64, String)>,
) -> Result<Json<RoundJson>, ApiError> {
    st.store.lift_veto(&u.0.actor(), id, &unit).await?;
    let r = round_or_404(&st, id).await?;
    Ok(Json(round_json(&st, r).await?))
}

/// An objection during the 公示.
#[derive(Deserialize, ToSchema)]
pub struct ObjectionIn {
    /// The unit objecting (a unit user: its own, may be left out).
    #[serde(default)]
    unit: String,
    reason: String,
}

/// The id of what was created.
#[derive(Serialize, ToSchema)]
pub struct CreatedJson {
    id: i64,
}

#[utoipa::path(post, path = "/api/v1/evaluations/{id}/objections", tag = "evaluations", params(("id" = i64, Path)),
    request_body = ObjectionIn, security(("bearer" = [])), responses((status = 201, body = CreatedJson)))]
pub async fn api_objection(
    State(st): State<Shared>,
    u: ApiCan<need::ReadCampaign>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let i: ObjectionIn = body(v)?;
    let unit = match (&u.0.unit_code, i.unit.trim()) {
        (Some(own), "") if u.0.role == domain::users::Role::Unit => own.clone(),
        (_, given) => given.to_string(),
    };
    let oid = st
        .store
        .lodge_objection(
            &Viewer::of(&u.0),
            id,
            &unit,
            &i.reason,
            crate::layout::today(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id: oid })))
}

/// The office's answer to an objection.
#[derive(Deserialize, ToSchema)]
pub struct AnswerIn {
    answer: String,
}

#[utoipa::path(post, path = "/api/v1/evaluations/{id}/objections/{oid}/answer", tag = "evaluations",
    params(("id" = i64, Path), ("oid" = i64, Path)), request_body = AnswerIn, security(("bearer" = [])),
    responses((status = 200, body = CreatedJson)))]
pub async fn api_answer(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path((id, oid)): Path<(i64, i64)>,
    Json(v): Json<Value>,
) -> Result<Json<CreatedJson>, ApiError> {
    let i: AnswerIn = body(v)?;
    st.store
        .answer_objection(&u.0.actor(), id, oid, &i.answer)
        .await?;
    Ok(Json(CreatedJson { id: oid }))
}

/// A component score with its valid ballots.
#[derive(Serialize, ToSchema)]
pub struct GroupScoreJson {
    /// Null when none (too few ballots).
    score: Option<f64>,
    ballots: i64,
}

/// A component score.
#[derive(Serialize, ToSchema)]
pub struct ScoreJson {
    /// Null when none.
    score: Option<f64>,
}

/// One unit's results.
#[derive(Serialize, ToSchema)]
pub struct UnitResultJson {
    unit: String,
    name: String,
    enterprise: GroupScoreJson,
    grassroots: GroupScoreJson,
    service: ScoreJson,
    targets: ScoreJson,
    composite: Option<f64>,
    /// Null when unranked (样本不足).
    rank: Option<usize>,
    vetoed: bool,
    veto_reason: Option<String>,
    /// first, second, third or null.
    prize: Option<String>,
    amount_yuan: i64,
}

/// The results of a round: ranked units in rank order, then the unranked.
#[derive(Serialize, ToSchema)]
pub struct ResultsJson {
    units: Vec<UnitResultJson>,
    total_awarded_yuan: i64,
    /// The results are frozen (final).
    frozen: bool,
}

#[utoipa::path(get, path = "/api/v1/evaluations/{id}/results", tag = "evaluations", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 200, body = ResultsJson)))]
pub async fn api_results(
    State(st): State<Shared>,
    u: ApiCan<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Json<ResultsJson>, ApiError> {
    let round = round_or_404(&st, id).await?;
    if !reads_results(&u.0, &round) {
        return Err(AppError::Denied("评议结果公示前仅活动办公室和领导可以查看".into()).into());
    }
    let r = results_of(&st, &round).await?;
    let f = |s: Option<Score>| s.map(Score::to_f64);
    Ok(Json(ResultsJson {
        units: r
            .units
            .into_iter()
            .map(|x| UnitResultJson {
                enterprise: GroupScoreJson {
                    score: f(x.enterprise),
                    ballots: x.enterprise_ballots,
                },
                grassroots: GroupScoreJson {
                    score: f(x.grassroots),
                    ballots: x.grassroots_ballots,
                },
                service: ScoreJson {
                    score: f(x.service),
                },
                targets: ScoreJson {
                    score: f(x.targets),
                },
                composite: f(x.composite),
                rank: x.rank,
                vetoed: x.veto.is_some(),
                veto_reason: x.veto,
                prize: x.prize.map(|p| prize_key(p).to_string()),
                amount_yuan: x.amount_yuan,
                unit: x.unit,
                name: x.name,
            })
            .collect(),
        total_awarded_yuan: r.total_awarded_yuan,
        frozen: round.results.is_some(),
    }))
}
