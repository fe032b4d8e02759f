//! The joint meeting (联席会议): the list (filters, paging, export), the
//! scheduling form, the meeting page (agenda picker of escalated requests and
//! lagging projects, attending units, decisions, action items with their live
//! status), the minutes (`minutes`: HTML preview and .docx) and the JSON API
//! (`api`). The office writes; admins, leaders and units read; enterprises may not.

mod api;
mod minutes;

pub use api::{
    __path_api_action_item, __path_api_create, __path_api_decision, __path_api_get,
    __path_api_list, ActionItemIn, ActionItemJson, AgendaJson, AttendeeJson, DecisionIn,
    DecisionJson, MeetingDetailJson, MeetingIn, MeetingJson,
};

use crate::Shared;
use crate::auth::Page;
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
use domain::users::{FieldError, Role};
use office::xlsx::{Cell, Sheet};
use serde::Deserialize;
use std::collections::HashMap;
use store::StoreError;
use store::meetings::{AgendaSource, LaggingProject, MeetingDetail, MeetingFilter, MeetingRow};
use store::org::Unit;
use store::requests::config::CategoryRecord;
use store::requests::write::NewActionItem;
use store::requests::{Filter, RequestRecord, Viewer};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/meetings", get(list).post(create))
        .route("/meetings/export.xlsx", get(export))
        .route("/meetings/new", get(new_page))
        .route("/meetings/{id}", get(detail))
        .route("/meetings/{id}/edit", get(edit_page).post(edit))
        .route("/meetings/{id}/agenda", post(add_agenda))
        .route("/meetings/{id}/agenda/{aid}/remove", post(remove_agenda))
        .route("/meetings/{id}/attendees", post(attendees))
        .route("/meetings/{id}/decisions", post(decision))
        .route("/meetings/{id}/action-items", post(action_item))
        .route("/meetings/{id}/held", post(held))
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

/// Admins, leaders and units read meetings; enterprise users may not.
fn require_reader(page: &Page) -> Result<(), AppError> {
    if page.user.role == Role::Enterprise {
        Err(AppError::Forbidden)
    } else {
        Ok(())
    }
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
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    require_reader(&page)?;
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
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    require_reader(&page)?;
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

async fn new_page(page: Page) -> Result<FormPage, AppError> {
    page.require_admin()?;
    Ok(FormPage {
        chrome: page.chrome("meetings"),
        editing: None,
        values: HashMap::from([("held_on".into(), crate::layout::today().to_string())]),
        errors: vec![],
    })
}

async fn edit_page(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<FormPage, AppError> {
    page.require_admin()?;
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
    page: Page,
    editing: Option<i64>,
    values: HashMap<String, String>,
) -> Result<Response, AppError> {
    page.require_admin()?;
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
    page: Page,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save(&st, page, None, values).await
}

async fn edit(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save(&st, page, Some(id), values).await
}

/// An action item as the meeting page shows it.
pub struct ItemRow {
    pub r: RequestRecord,
    pub overdue: bool,
}

impl ItemRow {
    /// The deadline the meeting set.
    pub fn due(&self) -> String {
        self.r
            .fixed_resolve_due
            .or(self.r.resolve_due)
            .map(|d| d.to_string())
            .unwrap_or_default()
    }
    /// The next step the unit owes, if any.
    pub fn next(&self) -> String {
        self.r
            .next_due()
            .map(|(what, d)| format!("{what}：{d} 前"))
            .unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings/detail.html")]
struct DetailPage {
    chrome: Chrome,
    d: MeetingDetail,
    items: Vec<ItemRow>,
    is_admin: bool,
    is_unit: bool,
    /// Escalated requests not yet on the agenda (admins only).
    escalated: Vec<RequestRecord>,
    /// Lagging projects not yet on the agenda (admins only).
    lagging: Vec<LaggingProject>,
    units: Vec<Unit>,
    categories: Vec<CategoryRecord>,
    today: NaiveDate,
    due_default: NaiveDate,
}

impl DetailPage {
    fn attends(&self, code: &str) -> bool {
        self.d.attendees.iter().any(|a| a.code == code)
    }
    fn agenda_label(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.d.agenda.iter().position(|a| a.id == id))
            .map(|i| format!("议题 {}", i + 1))
            .unwrap_or_default()
    }
}

async fn detail(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<DetailPage, AppError> {
    require_reader(&page)?;
    let v = Viewer::of(&page.user);
    let d = st
        .store
        .meeting_detail(&v, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的联席会议")))?;
    let today = crate::layout::today();
    let is_admin = page.is_admin();
    let (mut escalated, mut lagging, units, categories) = if is_admin {
        (
            st.store
                .requests(
                    &v,
                    &Filter {
                        status: Some(domain::requests::Status::Escalated),
                        ..Filter::default()
                    },
                )
                .await?,
            st.store.lagging_projects(today).await?,
            st.store.units().await?,
            st.store
                .request_categories()
                .await?
                .into_iter()
                .filter(|c| c.active)
                .collect(),
        )
    } else {
        (vec![], vec![], vec![], vec![])
    };
    escalated.retain(|r| !d.agenda.iter().any(|a| a.request_id == Some(r.id)));
    lagging.retain(|p| !d.agenda.iter().any(|a| a.project_id == Some(p.id)));
    let items = d
        .action_items
        .iter()
        .map(|r| ItemRow {
            overdue: r.overdue(today),
            r: r.clone(),
        })
        .collect();
    Ok(DetailPage {
        chrome: page.chrome("meetings"),
        is_unit: page.user.role == Role::Unit,
        items,
        d,
        is_admin,
        escalated,
        lagging,
        units,
        categories,
        today,
        due_default: today + chrono::Duration::days(30),
    })
}

fn back(id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/meetings/{id}#{anchor}")).into_response()
}

#[derive(Deserialize)]
struct AgendaForm {
    /// `request:<id>` or `project:<code>`.
    #[serde(default)]
    item: String,
    #[serde(default)]
    note: String,
}

async fn add_agenda(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<AgendaForm>,
) -> Result<Response, AppError> {
    page.require_admin()?;
    let source = match f.item.split_once(':') {
        Some(("request", rid)) => AgendaSource::Request(
            rid.parse()
                .map_err(|_| AppError::Invalid(vec![FieldError::new("item", "请选择议题")]))?,
        ),
        Some(("project", code)) if !code.is_empty() => AgendaSource::Project(code.to_string()),
        _ => {
            return Err(AppError::Invalid(vec![FieldError::new(
                "item",
                "请选择议题",
            )]));
        }
    };
    st.store
        .add_agenda_item(
            &Viewer::of(&page.user),
            id,
            &source,
            &f.note,
            crate::layout::today(),
        )
        .await?;
    Ok(back(id, "agenda"))
}

async fn remove_agenda(
    State(st): State<Shared>,
    page: Page,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    page.require_admin()?;
    st.store
        .remove_agenda_item(&Viewer::of(&page.user), id, aid)
        .await?;
    Ok(back(id, "agenda"))
}

async fn attendees(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    page.require_admin()?;
    let units: Vec<String> = pairs
        .into_iter()
        .filter(|(k, _)| k == "units")
        .map(|(_, v)| v)
        .collect();
    st.store
        .set_attendees(&Viewer::of(&page.user), id, &units)
        .await?;
    Ok(back(id, "attendees"))
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    agenda_id: String,
}

async fn decision(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    page.require_admin()?;
    let agenda_id =
        match f.agenda_id.trim() {
            "" => None,
            s => Some(s.parse().map_err(|_| {
                AppError::Invalid(vec![FieldError::new("agenda_id", "所选议题无效")])
            })?),
        };
    st.store
        .add_decision(&Viewer::of(&page.user), id, &f.text, agenda_id)
        .await?;
    Ok(back(id, "decisions"))
}

#[derive(Deserialize)]
struct ActionForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    category: String,
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

async fn action_item(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
    page.require_admin()?;
    let due = parse_due(&f.due)?;
    st.store
        .add_meeting_action_item(
            &Viewer::of(&page.user),
            &NewActionItem {
                meeting_id: id,
                title: f.title,
                description: f.description,
                unit: f.unit,
                due,
                category: if f.category.trim().is_empty() {
                    "other".into()
                } else {
                    f.category
                },
            },
            crate::layout::today(),
        )
        .await?;
    Ok(back(id, "action-items"))
}

async fn held(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    page.require_admin()?;
    st.store
        .mark_meeting_held(&Viewer::of(&page.user), id, crate::layout::today())
        .await?;
    Ok(back(id, "minutes"))
}
