//! The joint meeting (联席会议): the list (filters, paging, export), the
//! scheduling form, the meeting page (agenda picker of escalated requests and
//! lagging projects, attending units, decisions, action items with their live
//! status), the minutes (`minutes`: HTML preview and .docx) and the JSON API
//! (`api`). The office writes; admins, leaders and units read; enterprises may not.

mod api;
mod detail;
mod minutes;

pub use api::{
    __path_api_action_item, __path_api_create, __path_api_decision, __path_api_get,
    __path_api_list, ActionItemIn, ActionItemJson, AgendaJson, AttendeeJson, DecisionIn,
    DecisionJson, MeetingDetailJson, MeetingIn, MeetingJson,
};

use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use domain::meetings::{MeetingInput, MeetingStatus};
use domain::users::FieldError;
use office::xlsx::{Cell, Sheet};
use serde::Deserialize;
use std::collections::HashMap;
use store::StoreError;
use store::meetings::{MeetingFilter, MeetingRow};
use store::requests::Viewer;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/meetings", get(list).post(create))
        .route("/meetings/export.xlsx", get(export))
        .route("/meetings/new", get(new_page))
        .route("/meetings/{id}", get(detail::detail))
        .route("/meetings/{id}/edit", get(edit_page).post(edit))
        .route("/meetings/{id}/agenda", post(detail::add_agenda))
        .route(
            "/meetings/{id}/agenda/{aid}/remove",
            post(detail::remove_agenda),
        )
        .route("/meetings/{id}/attendees", post(detail::attendees))
        .route("/meetings/{id}/decisions", post(detail::decision))
        .route("/meetings/{id}/action-items", post(detail::action_item))
        .route("/meetings/{id}/held", post(detail::held))
        .route("/meetings/{id}/minutes", get(minutes::preview))
        .route("/meetings/{id}/minutes.docx", get(minutes::docx))
}

pub fn api_router() -> Router<Shared> {
    Router::new()
        .route("/v1/meetings", get(api::api_list).post(api::api_create))
        .route("/v1/meetings/{id}", get(api::api_get))
        .route("/v1/meetings/{id}/decisions", post(api::api_decision))
        .route("/v1/meetings/{id}/action-items", post(api::api_action_item))
}

fn ne(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[derive(Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    year: Option<String>,
    q: Option<String>,
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> Result<MeetingFilter, AppError> {
        Ok(MeetingFilter {
            status: ne(&self.status).and_then(MeetingStatus::parse),
            year: match ne(&self.year) {
                Some(y) => Some(
                    y.parse()
                        .map_err(|_| AppError::BadRequest(format!("年份“{y}”无效")))?,
                ),
                None => None,
            },
            q: ne(&self.q).map(String::from),
        })
    }
    /// The filters as a query string (without the page).
    fn params(&self) -> String {
        [
            ("status", &self.status),
            ("year", &self.year),
            ("q", &self.q),
        ]
        .iter()
        .filter_map(|(k, v)| ne(v).map(|v| format!("{k}={}", crate::org::urlencode(v))))
        .collect::<Vec<_>>()
        .join("&")
    }
    fn text(&self, field: &str) -> &str {
        match field {
            "status" => ne(&self.status),
            "year" => ne(&self.year),
            _ => ne(&self.q),
        }
        .unwrap_or("")
    }
}

const PER_PAGE: i64 = 20;

#[derive(Template, WebTemplate)]
#[template(path = "meetings/list.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<MeetingRow>,
    query: ListQuery,
    paging: Paging,
    statuses: Vec<(&'static str, &'static str)>,
    is_admin: bool,
    filtered: bool,
}

async fn list(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let rows = st.store.meetings(&q.filter()?).await?;
    let paging = Paging::new(q.page, PER_PAGE, rows.len() as i64);
    Ok(ListPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("meetings"),
        rows: rows
            .into_iter()
            .skip(paging.offset() as usize)
            .take(PER_PAGE as usize)
            .collect(),
        filtered: !q.params().is_empty(),
        query: q,
        paging,
        statuses: MeetingStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label()))
            .collect(),
    })
}

async fn export(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let rows = st.store.meetings(&q.filter()?).await?;
    let headers = [
        "期数",
        "会议名称",
        "日期",
        "时间",
        "地点",
        "主持",
        "状态",
        "议题数",
        "议定事项数",
        "交办事项数",
        "未办结交办事项数",
    ]
    .map(String::from)
    .to_vec();
    let rows = rows
        .iter()
        .map(|r| {
            let m = &r.meeting;
            vec![
                Cell::from(format!("{}年第{}期", m.held_on.format("%Y"), m.number)),
                m.title.as_str().into(),
                m.held_on.to_string().into(),
                m.start_time.as_str().into(),
                m.place.as_str().into(),
                m.chair.as_str().into(),
                m.status.label().into(),
                r.agenda_count.into(),
                r.decision_count.into(),
                r.action_count.into(),
                r.open_action_count.into(),
            ]
        })
        .collect();
    let bytes = crate::layout::write_xlsx(&[Sheet {
        name: "联席会议".into(),
        headers,
        rows,
    }])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "meetings.xlsx",
        "联席会议.xlsx",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings/form.html")]
struct FormPage {
    chrome: Chrome,
    editing: Option<i64>,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
}

impl FormPage {
    fn v(&self, name: &str) -> &str {
        crate::layout::value(&self.values, name)
    }
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
}

fn input_of(values: &HashMap<String, String>) -> MeetingInput {
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    MeetingInput {
        title: get("title"),
        held_on: get("held_on"),
        start_time: get("start_time"),
        place: get("place"),
        chair: get("chair"),
        summary: get("summary"),
    }
}

async fn new_page(page: Can<need::Administer>) -> Result<FormPage, AppError> {
    Ok(FormPage {
        chrome: page.chrome("meetings"),
        editing: None,
        values: HashMap::from([("held_on".into(), crate::layout::today().to_string())]),
        errors: vec![],
    })
}

async fn edit_page(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    let m = st
        .store
        .meeting(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的联席会议")))?;
    Ok(FormPage {
        chrome: page.chrome("meetings"),
        editing: Some(id),
        values: HashMap::from([
            ("title".into(), m.title),
            ("held_on".into(), m.held_on.to_string()),
            ("start_time".into(), m.start_time),
            ("place".into(), m.place),
            ("chair".into(), m.chair),
            ("summary".into(), m.summary),
        ]),
        errors: vec![],
    })
}

/// Saves the form; field errors show the form again with a 422.
async fn save(
    st: &Shared,
    page: Can<need::Administer>,
    editing: Option<i64>,
    values: HashMap<String, String>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&page.user);
    let input = input_of(&values);
    let r = match editing {
        Some(id) => st.store.update_meeting(&v, id, &input).await,
        None => st.store.schedule_meeting(&v, &input).await,
    };
    match r {
        Ok(m) => Ok(Redirect::to(&format!("/meetings/{}", m.id)).into_response()),
        Err(StoreError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            FormPage {
                chrome: page.chrome("meetings"),
                editing,
                values,
                errors,
            },
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn create(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save(&st, page, None, values).await
}

async fn edit(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save(&st, page, Some(id), values).await
}

/// Parses a deadline, naming the field.
pub(crate) fn parse_due(s: &str) -> Result<NaiveDate, AppError> {
    if s.trim().is_empty() {
        return Err(AppError::Invalid(vec![FieldError::new(
            "due",
            "请填写完成时限",
        )]));
    }
    domain::projects::parse_date(s).map_err(|m| AppError::Invalid(vec![FieldError::new("due", m)]))
}
