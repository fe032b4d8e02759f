//! The requests API: list and read what the caller may see, submit (with
//! attachments as base64), act through the checked flow, and the extension.

use crate::Shared;
use crate::auth::{ApiCan, ApiUser, need};
use crate::error::{ApiError, AppError};
use crate::layout::today;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use chrono::NaiveDate;
use domain::requests::{Kind, Status, StepState};
use domain::users::FieldError;
use serde::{Deserialize, Serialize};
use store::requests::write::{ActInput, NewRequest};
use store::requests::{Filter, RequestRecord, Viewer};
use utoipa::{IntoParams, ToSchema};

pub fn api_router() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/requests",
            get(api_list)
                .post(api_submit)
                // base64 adds a third.
                .layer(axum::extract::DefaultBodyLimit::max(
                    super::pages::UPLOAD_LIMIT / 3 * 4 + 1024,
                )),
        )
        .route("/v1/requests/{id}", get(api_get))
        .route("/v1/requests/{id}/actions", post(api_act))
        .route("/v1/requests/{id}/extension", post(api_ask_extension))
        .route(
            "/v1/requests/{id}/extension/decision",
            post(api_decide_extension),
        )
        .route("/v1/requests/attachments/{id}", get(api_attachment))
}

/// One step of a request's clock.
#[derive(Serialize, ToSchema)]
pub struct StepJson {
    /// on_time, late, pending or overdue.
    pub state: String,
    /// The due date (pending, overdue).
    pub due: Option<String>,
    /// The day it was done (on_time, late).
    pub done_on: Option<String>,
}

impl StepJson {
    fn of(s: Option<StepState>) -> Option<StepJson> {
        Some(match s? {
            StepState::OnTime { done_on } => StepJson {
                state: "on_time".into(),
                due: None,
                done_on: Some(done_on.to_string()),
            },
            StepState::Late { done_on } => StepJson {
                state: "late".into(),
                due: None,
                done_on: Some(done_on.to_string()),
            },
            StepState::Pending { due } => StepJson {
                state: "pending".into(),
                due: Some(due.to_string()),
                done_on: None,
            },
            StepState::Overdue { due } => StepJson {
                state: "overdue".into(),
                due: Some(due.to_string()),
                done_on: None,
            },
        })
    }
}

/// A request as the API returns it. Dates are YYYY-MM-DD (Beijing).
#[derive(Serialize, ToSchema)]
pub struct RequestJson {
    pub id: i64,
    pub code: String,
    /// enterprise or action_item.
    pub kind: String,
    /// submitted, assigned, transferred, accepted, replied, resolved, closed, reopened, escalated, withdrawn.
    pub status: String,
    pub status_label: String,
    pub enterprise_credit_code: Option<String>,
    pub enterprise_name: Option<String>,
    pub category: String,
    pub category_name: String,
    pub title: String,
    pub description: String,
    pub project_code: Option<String>,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    pub working_group_code: Option<String>,
    pub meeting_id: Option<i64>,
    /// The policy it asks about (a question filed from the policy's page).
    pub policy_id: Option<i64>,
    pub submitted_on: String,
    pub accept_due: Option<String>,
    pub reply_due: Option<String>,
    pub resolve_due: Option<String>,
    /// A deadline runs into a year with no calendar yet (ordinary weeks assumed).
    pub provisional: bool,
    pub extension_days: i64,
    pub accept: Option<StepJson>,
    pub reply: Option<StepJson>,
    pub resolve: Option<StepJson>,
    /// Some step is past its limit now.
    pub overdue: bool,
    /// very_satisfied, satisfied, basic, unsatisfied, very_unsatisfied.
    pub rating: Option<String>,
    pub follow_up_due: bool,
}

impl RequestJson {
    pub fn of(r: &RequestRecord, today: NaiveDate) -> RequestJson {
        let s = r.steps(today);
        let d = |x: Option<NaiveDate>| x.map(|d| d.to_string());
        RequestJson {
            id: r.id,
            code: r.code.clone(),
            kind: r.kind.as_str().into(),
            status: r.status.as_str().into(),
            status_label: r.status.label().into(),
            enterprise_credit_code: r.enterprise_code.clone(),
            enterprise_name: r.enterprise_name.clone(),
            category: r.category_code.clone(),
            category_name: r.category_name.clone(),
            title: r.title.clone(),
            description: r.description.clone(),
            project_code: r.project_code.clone(),
            unit_code: r.unit_code.clone(),
            unit_name: r.unit_name.clone(),
            working_group_code: r.working_group_code.clone(),
            meeting_id: r.meeting_id,
            policy_id: r.policy_id,
            submitted_on: r.submitted_on.to_string(),
            accept_due: d(r.accept_due),
            reply_due: d(r.reply_due),
            resolve_due: d(r.resolve_due),
            provisional: r.provisional,
            extension_days: r.extension_days,
            accept: StepJson::of(s.accept),
            reply: StepJson::of(s.reply),
            resolve: StepJson::of(s.resolve),
            overdue: r.overdue(today),
            rating: r.rating.map(|x| x.as_str().into()),
            follow_up_due: r.follow_up_due,
        }
    }
}

/// One step of a request's history.
#[derive(Serialize, ToSchema)]
pub struct EventJson {
    pub on_date: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub to_status: String,
    pub unit_name: Option<String>,
    pub note: String,
}

/// A request with its history and attachments.
#[derive(Serialize, ToSchema)]
pub struct RequestDetailJson {
    pub request: RequestJson,
    pub events: Vec<EventJson>,
    /// (id, file name, content type, size in bytes); download at /api/v1/requests/attachments/{id}.
    pub attachments: Vec<(i64, String, String, i64)>,
    /// pending, approved or refused, with the days asked.
    pub extension: Option<(String, i64)>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A status, e.g. assigned.
    status: Option<String>,
    /// A unit code.
    unit: Option<String>,
    /// A category code.
    category: Option<String>,
    /// enterprise or action_item.
    kind: Option<String>,
    /// A joint meeting's id (its action items).
    meeting_id: Option<i64>,
    /// Submitted on or after (YYYY-MM-DD).
    from: Option<String>,
    /// Submitted on or before (YYYY-MM-DD).
    to: Option<String>,
    /// Title, code or enterprise name contains.
    q: Option<String>,
    /// true: only requests with a step past its limit today.
    overdue: Option<bool>,
}

fn parse_date(v: &Option<String>, field: &str) -> Result<Option<NaiveDate>, ApiError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse().map_err(|_| {
                ApiError(AppError::Invalid(vec![FieldError::new(
                    field,
                    "日期格式应为 YYYY-MM-DD",
                )]))
            })
        })
        .transpose()
}

/// Requests the caller may see: all for the office and leaders, a unit's
/// queue and history, an enterprise's own.
#[utoipa::path(get, path = "/api/v1/requests", params(ListParams), tag = "requests",
    responses((status = 200, body = [RequestJson]), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<RequestJson>>, ApiError> {
    let today = today();
    let f = Filter {
        status: match p.status.as_deref() {
            Some(s) => Some(Status::parse(s).ok_or_else(|| {
                ApiError(AppError::Invalid(vec![FieldError::new(
                    "status",
                    format!("未知的状态“{s}”"),
                )]))
            })?),
            None => None,
        },
        unit: p.unit,
        category: p.category,
        enterprise: None,
        kind: p.kind.as_deref().and_then(Kind::parse),
        meeting_id: p.meeting_id,
        from: parse_date(&p.from, "from")?,
        to: parse_date(&p.to, "to")?,
        q: p.q,
        overdue_at: p.overdue.filter(|o| *o).map(|_| today),
    };
    let list = st
        .store
        .requests(&Viewer::of(&u), &f)
        .await
        .map_err(|e| ApiError(e.into()))?;
    Ok(Json(
        list.iter().map(|r| RequestJson::of(r, today)).collect(),
    ))
}

/// One request with its history.
#[utoipa::path(get, path = "/api/v1/requests/{id}", params(("id" = i64, Path, description = "request id")), tag = "requests",
    responses((status = 200, body = RequestDetailJson), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RequestDetailJson>, ApiError> {
    let d = st
        .store
        .request_detail(&Viewer::of(&u), id)
        .await
        .map_err(|e| ApiError(e.into()))?
        .ok_or_else(|| ApiError(AppError::NotFound(format!("诉求 {id}"))))?;
    Ok(Json(RequestDetailJson {
        request: RequestJson::of(&d.record, today()),
        events: d
            .events
            .iter()
            .map(|e| EventJson {
                on_date: e.on_date.to_string(),
                at: e.at.clone(),
                actor: e.actor_name.clone(),
                action: e.action.clone(),
                to_status: e.to_status.as_str().into(),
                unit_name: e.unit_name.clone(),
                note: e.note.clone(),
            })
            .collect(),
        attachments: d
            .attachments
            .iter()
            .map(|a| {
                (
                    a.id,
                    a.filename.clone(),
                    a.content_type.clone(),
                    a.size_bytes,
                )
            })
            .collect(),
        extension: d.extension.map(|x| (x.status, x.days)),
    }))
}

/// An attachment sent with a new request.
#[derive(Deserialize, ToSchema)]
pub struct AttachmentIn {
    pub name: String,
    /// The file's bytes, base64 (standard alphabet).
    pub content_base64: String,
}

/// A new request. An enterprise user files for itself (`enterprise` is
/// ignored); office and unit staff file for the enterprise named.
#[derive(Deserialize, ToSchema)]
pub struct SubmitIn {
    #[serde(default)]
    pub enterprise: String,
    /// A category code: land, financing, power, approvals, talent_labour, tax, policy, infrastructure, environment_safety, other.
    pub category: String,
    pub title: String,
    pub description: String,
    pub project: Option<String>,
    pub visit_id: Option<i64>,
    #[serde(default)]
    pub attachments: Vec<AttachmentIn>,
}

/// Files a request; it is routed to a unit by the rules.
#[utoipa::path(post, path = "/api/v1/requests", request_body = SubmitIn, tag = "requests",
    responses((status = 201, body = RequestJson), (status = 422, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_submit(
    State(st): State<Shared>,
    ApiCan { 0: u, .. }: ApiCan<need::ActOnRequests>,
    Json(b): Json<SubmitIn>,
) -> Result<(axum::http::StatusCode, Json<RequestJson>), ApiError> {
    if let Some(v) = b.visit_id {
        // The store would meet the unknown id only as a foreign-key error.
        if !st.store.visits(None).await?.iter().any(|x| x.id == v) {
            return Err(ApiError(AppError::Invalid(vec![FieldError::new(
                "visit_id",
                format!("找不到编号为 {v} 的走访记录"),
            )])));
        }
    }
    let mut files = vec![];
    for (i, a) in b.attachments.iter().enumerate() {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(a.content_base64.trim())
            .map_err(|_| {
                ApiError(AppError::Invalid(vec![FieldError::new(
                    &format!("attachments[{i}].content_base64"),
                    "不是有效的 base64 内容",
                )]))
            })?;
        files.push((a.name.clone(), bytes));
    }
    let input = NewRequest {
        enterprise: b.enterprise,
        category: b.category,
        title: b.title,
        description: b.description,
        project: b.project,
        visit_id: b.visit_id,
    };
    let today = today();
    let r = st
        .store
        .submit_request(&Viewer::of(&u), &input, &files, today)
        .await
        .map_err(|e| ApiError(e.into()))?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(RequestJson::of(&r, today)),
    ))
}

/// An action on a request.
#[derive(Deserialize, ToSchema)]
pub struct ActionIn {
    /// assign, accept, transfer, reply, resolve, reject, rate, close, escalate, withdraw.
    pub action: String,
    /// Reason, reply or result; required for transfer, reply, resolve, reject, escalate, withdraw.
    #[serde(default)]
    pub note: String,
    /// The unit code for assign and transfer.
    pub unit: Option<String>,
    /// The working group code for assign.
    pub working_group: Option<String>,
    /// For rate: very_satisfied, satisfied, basic, unsatisfied, very_unsatisfied.
    pub rating: Option<String>,
}

/// Moves a request through its status flow. Refused: 403 when the caller may
/// not take this action, 409 when the status does not allow it, 422 for a
/// missing field.
#[utoipa::path(post, path = "/api/v1/requests/{id}/actions", params(("id" = i64, Path, description = "request id")), request_body = ActionIn, tag = "requests",
    responses((status = 200, body = RequestJson), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_act(
    State(st): State<Shared>,
    ApiCan { 0: u, .. }: ApiCan<need::ActOnRequests>,
    Path(id): Path<i64>,
    Json(b): Json<ActionIn>,
) -> Result<Json<RequestJson>, ApiError> {
    let input = ActInput {
        action: b.action,
        note: b.note,
        unit: b.unit,
        working_group: b.working_group,
        rating: b.rating,
    };
    let today = today();
    let r = st
        .store
        .act_on_request(&Viewer::of(&u), id, &input, today)
        .await
        .map_err(|e| ApiError(e.into()))?;
    Ok(Json(RequestJson::of(&r, today)))
}

/// The responsible unit's one extension request.
#[derive(Deserialize, ToSchema)]
pub struct ExtensionIn {
    /// Working days, 1 to 30.
    pub days: i64,
    pub reason: String,
}

/// Asks for the one extension of the resolution limit.
#[utoipa::path(post, path = "/api/v1/requests/{id}/extension", params(("id" = i64, Path, description = "request id")), request_body = ExtensionIn, tag = "requests",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_ask_extension(
    State(st): State<Shared>,
    ApiCan { 0: u, .. }: ApiCan<need::ActOnRequests>,
    Path(id): Path<i64>,
    Json(b): Json<ExtensionIn>,
) -> Result<axum::http::StatusCode, ApiError> {
    st.store
        .ask_extension(&Viewer::of(&u), id, b.days, &b.reason, today())
        .await
        .map_err(|e| ApiError(e.into()))?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The office's decision on an extension.
#[derive(Deserialize, ToSchema)]
pub struct ExtensionDecisionIn {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

/// Approves or refuses a pending extension (the office).
#[utoipa::path(post, path = "/api/v1/requests/{id}/extension/decision", params(("id" = i64, Path, description = "request id")), request_body = ExtensionDecisionIn, tag = "requests",
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_decide_extension(
    State(st): State<Shared>,
    ApiCan { 0: u, .. }: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(b): Json<ExtensionDecisionIn>,
) -> Result<axum::http::StatusCode, ApiError> {
    st.store
        .decide_extension(&Viewer::of(&u), id, b.approve, &b.note, today())
        .await
        .map_err(|e| ApiError(e.into()))?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// Downloads an attachment of a request the caller may see.
#[utoipa::path(get, path = "/api/v1/requests/attachments/{id}", tag = "requests",
    params(("id" = i64, Path, description = "attachment id")), security(("bearer" = [])),
    responses((status = 200, description = "the file's bytes, with its own content type",
        content_type = "*/*", body = String)))]
pub async fn api_attachment(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    let (info, bytes) = st
        .store
        .attachment(&Viewer::of(&u), id)
        .await
        .map_err(|e| ApiError(e.into()))?
        .ok_or_else(|| ApiError(AppError::NotFound(format!("附件 {id}"))))?;
    Ok(super::pages::attachment_response(
        &info.filename,
        &info.content_type,
        bytes,
    ))
}
