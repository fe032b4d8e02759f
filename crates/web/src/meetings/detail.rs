//! The meeting page: the agenda picker (escalated requests, lagging
//! projects), attending units, decisions, action items with their live status,
//! and the office's forms that write them.

use super::parse_due;
use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::users::{FieldError, Role};
use serde::Deserialize;
use store::meetings::{AgendaSource, LaggingProject, MeetingDetail};
use store::org::Unit;
use store::requests::config::CategoryRecord;
use store::requests::write::NewActionItem;
use store::requests::{Filter, RequestRecord, Viewer};

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
pub(super) struct DetailPage {
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

pub(super) async fn detail(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<DetailPage, AppError> {
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
            st.store.active_units().await?,
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
pub(super) struct AgendaForm {
    /// `request:<id>` or `project:<code>`.
    #[serde(default)]
    item: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn add_agenda(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<AgendaForm>,
) -> Result<Response, AppError> {
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

pub(super) async fn remove_agenda(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    st.store
        .remove_agenda_item(&Viewer::of(&page.user), id, aid)
        .await?;
    Ok(back(id, "agenda"))
}

pub(super) async fn attendees(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
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
pub(super) struct DecisionForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    agenda_id: String,
}

pub(super) async fn decision(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
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
pub(super) struct ActionForm {
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

pub(super) async fn action_item(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Result<Response, AppError> {
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

pub(super) async fn held(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    st.store
        .mark_meeting_held(&Viewer::of(&page.user), id, crate::layout::today())
        .await?;
    Ok(back(id, "minutes"))
}
