//! The meetings API: list and schedule meetings, read one with its agenda,
//! attendees, decisions and action items, record decisions and action items.
//! Reading: everyone but enterprise users; writing: the campaign office.

use super::parse_due;
use crate::Shared;
use crate::auth::{ApiCan, need};
use crate::error::{ApiError, AppError};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::meetings::{MeetingInput, MeetingStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::meetings::{AgendaItem, Decision, Meeting, MeetingFilter, MeetingRow};
use store::requests::write::NewActionItem;
use store::requests::{RequestRecord, Viewer};
use utoipa::{IntoParams, ToSchema};

/// A meeting to schedule.
#[derive(Deserialize, ToSchema)]
pub struct MeetingIn {
    title: String,
    /// YYYY-MM-DD.
    held_on: String,
    /// HH:MM, optional.
    #[serde(default)]
    start_time: String,
    place: String,
    #[serde(default)]
    chair: String,
    /// The office's summary paragraph for the minutes.
    #[serde(default)]
    summary: String,
}

/// A meeting with its counts.
#[derive(Serialize, ToSchema)]
pub struct MeetingJson {
    id: i64,
    title: String,
    held_on: String,
    start_time: String,
    place: String,
    chair: String,
    /// planned or held.
    status: String,
    status_label: String,
    summary: String,
    /// The meeting's number in its year (第N期).
    number: i64,
    agenda_count: i64,
    decision_count: i64,
    action_count: i64,
    open_action_count: i64,
}

fn meeting_json(m: &Meeting, counts: [i64; 4]) -> MeetingJson {
    MeetingJson {
        id: m.id,
        title: m.title.clone(),
        held_on: m.held_on.to_string(),
        start_time: m.start_time.clone(),
        place: m.place.clone(),
        chair: m.chair.clone(),
        status: m.status.as_str().into(),
        status_label: m.status.label().into(),
        summary: m.summary.clone(),
        number: m.number,
        agenda_count: counts[0],
        decision_count: counts[1],
        action_count: counts[2],
        open_action_count: counts[3],
    }
}

impl From<&MeetingRow> for MeetingJson {
    fn from(r: &MeetingRow) -> Self {
        meeting_json(
            &r.meeting,
            [
                r.agenda_count,
                r.decision_count,
                r.action_count,
                r.open_action_count,
            ],
        )
    }
}

/// A topic on the agenda.
#[derive(Serialize, ToSchema)]
pub struct AgendaJson {
    id: i64,
    position: i64,
    request_id: Option<i64>,
    request_code: Option<String>,
    request_title: Option<String>,
    project_code: Option<String>,
    project_name: Option<String>,
    note: String,
    /// The topic in one line, as the minutes state it.
    label: String,
}

impl From<&AgendaItem> for AgendaJson {
    fn from(a: &AgendaItem) -> Self {
        AgendaJson {
            id: a.id,
            position: a.position,
            request_id: a.request_id,
            request_code: a.request_code.clone(),
            request_title: a.request_title.clone(),
            project_code: a.project_code.clone(),
            project_name: a.project_name.clone(),
            note: a.note.clone(),
            label: a.label(),
        }
    }
}

/// An attending unit.
#[derive(Serialize, ToSchema)]
pub struct AttendeeJson {
    code: String,
    name: String,
}

/// A decision to record.
#[derive(Deserialize, ToSchema)]
pub struct DecisionIn {
    text: String,
    /// The agenda item it is about, if any.
    #[serde(default)]
    agenda_id: Option<i64>,
}

/// A decision (会议议定事项).
#[derive(Serialize, ToSchema)]
pub struct DecisionJson {
    id: i64,
    position: i64,
    agenda_id: Option<i64>,
    text: String,
}

impl From<&Decision> for DecisionJson {
    fn from(d: &Decision) -> Self {
        DecisionJson {
            id: d.id,
            position: d.position,
            agenda_id: d.agenda_id,
            text: d.text.clone(),
        }
    }
}

/// An action item to assign.
#[derive(Deserialize, ToSchema)]
pub struct ActionItemIn {
    title: String,
    description: String,
    /// The responsible unit's code.
    unit: String,
    /// The deadline, YYYY-MM-DD.
    due: String,
    /// A request category code (its accept and reply limits apply); default `other`.
    #[serde(default)]
    category: Option<String>,
}

/// An action item: a request of kind action_item, with its live status.
#[derive(Serialize, ToSchema)]
pub struct ActionItemJson {
    id: i64,
    code: String,
    title: String,
    unit_code: Option<String>,
    unit_name: Option<String>,
    due: Option<String>,
    status: String,
    status_label: String,
    /// A step is past its limit today.
    overdue: bool,
    /// The request's page.
    url: String,
}

fn item_json(r: &RequestRecord) -> ActionItemJson {
    ActionItemJson {
        id: r.id,
        code: r.code.clone(),
        title: r.title.clone(),
        unit_code: r.unit_code.clone(),
        unit_name: r.unit_name.clone(),
        due: r.fixed_resolve_due.or(r.resolve_due).map(|d| d.to_string()),
        status: r.status.as_str().into(),
        status_label: r.status.label().into(),
        overdue: r.overdue(crate::layout::today()),
        url: format!("/requests/{}", r.id),
    }
}

/// A meeting with everything recorded for it.
#[derive(Serialize, ToSchema)]
pub struct MeetingDetailJson {
    meeting: MeetingJson,
    agenda: Vec<AgendaJson>,
    attendees: Vec<AttendeeJson>,
    decisions: Vec<DecisionJson>,
    /// The action items the caller may see (a unit sees its own).
    action_items: Vec<ActionItemJson>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// planned or held.
    status: Option<String>,
    year: Option<i32>,
    /// Title, place or chair contains.
    q: Option<String>,
}

fn body<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_json::from_value(v)
        .map_err(|e| ApiError(AppError::BadRequest(format!("请求内容无效：{e}"))))
}

#[utoipa::path(get, path = "/api/v1/meetings", tag = "meetings", params(ListParams), security(("bearer" = [])),
    responses((status = 200, body = [MeetingJson]), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Query(p): Query<ListParams>,
) -> Result<Json<Vec<MeetingJson>>, ApiError> {
    let status =
        match p.status.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(MeetingStatus::parse(s).ok_or_else(|| {
                AppError::BadRequest(format!("状态“{s}”无效，应为 planned 或 held"))
            })?),
            None => None,
        };
    let rows = st
        .store
        .meetings(&MeetingFilter {
            status,
            year: p.year,
            q: p.q,
        })
        .await?;
    Ok(Json(rows.iter().map(MeetingJson::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/meetings", tag = "meetings", request_body = MeetingIn, security(("bearer" = [])),
    responses((status = 201, body = MeetingJson), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<MeetingJson>), ApiError> {
    let i: MeetingIn = body(v)?;
    let m = st
        .store
        .schedule_meeting(
            &Viewer::of(&u.0),
            &MeetingInput {
                title: i.title,
                held_on: i.held_on,
                start_time: i.start_time,
                place: i.place,
                chair: i.chair,
                summary: i.summary,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(meeting_json(&m, [0; 4]))))
}

#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MeetingDetailJson), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(st): State<Shared>,
    u: ApiCan<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Json<MeetingDetailJson>, ApiError> {
    let d = st
        .store
        .meeting_detail(&Viewer::of(&u.0), id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的联席会议")))?;
    let open = d
        .action_items
        .iter()
        .filter(|r| !r.status.is_final())
        .count() as i64;
    Ok(Json(MeetingDetailJson {
        meeting: meeting_json(
            &d.meeting,
            [
                d.agenda.len() as i64,
                d.decisions.len() as i64,
                d.action_items.len() as i64,
                open,
            ],
        ),
        agenda: d.agenda.iter().map(AgendaJson::from).collect(),
        attendees: d
            .attendees
            .iter()
            .map(|a| AttendeeJson {
                code: a.code.clone(),
                name: a.name.clone(),
            })
            .collect(),
        decisions: d.decisions.iter().map(DecisionJson::from).collect(),
        action_items: d.action_items.iter().map(item_json).collect(),
    }))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/decisions", tag = "meetings", params(("id" = i64, Path)), request_body = DecisionIn,
    security(("bearer" = [])),
    responses((status = 201, body = DecisionJson), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_decision(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<DecisionJson>), ApiError> {
    let i: DecisionIn = body(v)?;
    let d = st
        .store
        .add_decision(&Viewer::of(&u.0), id, &i.text, i.agenda_id)
        .await?;
    Ok((StatusCode::CREATED, Json(DecisionJson::from(&d))))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/action-items", tag = "meetings", params(("id" = i64, Path)), request_body = ActionItemIn,
    security(("bearer" = [])),
    responses((status = 201, body = ActionItemJson), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_action_item(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<ActionItemJson>), ApiError> {
    let i: ActionItemIn = body(v)?;
    let viewer = Viewer::of(&u.0);
    let due = parse_due(&i.due)?;
    let r = st
        .store
        .add_meeting_action_item(
            &viewer,
            &NewActionItem {
                meeting_id: id,
                title: i.title,
                description: i.description,
                unit: i.unit,
                due,
                category: i.category.unwrap_or_else(|| "other".into()),
            },
            crate::layout::today(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(item_json(&r))))
}
