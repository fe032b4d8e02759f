//! The green channel: approval items on the project page, and the list per
//! department with the items past their statutory limit flagged.

use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use domain::projects::approvals::{Approval, ApprovalState};
use domain::projects::parse_date;
use domain::users::{FieldError, Scope};
use serde::Deserialize;
use store::approvals::ApprovalRecord;
use store::org::Unit;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/approvals", get(list))
        .route("/projects/{code}/approvals", post(add))
        .route("/approvals/{id}/dates", post(dates))
}

/// An item with its state today.
pub struct Item {
    pub rec: ApprovalRecord,
    pub state: ApprovalState,
}

impl Item {
    pub fn label(&self) -> String {
        self.state.label()
    }
    pub fn flagged(&self) -> bool {
        self.state.flagged()
    }
}

/// The items of a project (or all), with their state on `today`.
pub async fn items(
    st: &Shared,
    project: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<Item>, AppError> {
    // The office's calendar: built-in years with its edits and added years.
    let cal = st.store.calendar().await?;
    Ok(st
        .store
        .approvals(project)
        .await?
        .into_iter()
        .map(|rec| Item {
            state: rec.approval.state(&cal, today),
            rec,
        })
        .collect())
}

fn scope(page: &Page) -> Scope {
    Scope::of(page.user.role, page.user.unit_code.as_deref())
}

#[derive(Deserialize)]
struct AddForm {
    name: String,
    department_code: String,
    #[serde(default)]
    submitted_on: String,
    limit_working_days: String,
}

fn opt_date(s: &str, field: &str, errs: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    parse_date(s)
        .map_err(|m| errs.push(FieldError::new(field, m)))
        .ok()
}

async fn add(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
    Path(code): Path<String>,
    Form(f): Form<AddForm>,
) -> Result<Response, AppError> {
    let mut errs = Vec::new();
    let submitted_on = opt_date(&f.submitted_on, "submitted_on", &mut errs);
    let limit = f
        .limit_working_days
        .trim()
        .parse::<i64>()
        .unwrap_or_else(|_| {
            errs.push(FieldError::new(
                "limit_working_days",
                "法定时限须为整数（工作日）",
            ));
            0
        });
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let a = Approval {
        name: f.name,
        department_code: f.department_code,
        submitted_on,
        approved_on: None,
        limit_working_days: limit,
    };
    st.store
        .add_approval(&page.user.actor(), &scope(&page), &code, &a)
        .await?;
    Ok(Redirect::to(&format!(
        "/projects/{}#approvals",
        crate::org::urlencode(&code)
    ))
    .into_response())
}

#[derive(Deserialize)]
struct DatesForm {
    #[serde(default)]
    submitted_on: String,
    #[serde(default)]
    approved_on: String,
    #[serde(default)]
    back: String,
}

async fn dates(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
    Path(id): Path<i64>,
    Form(f): Form<DatesForm>,
) -> Result<Response, AppError> {
    let mut errs = Vec::new();
    let s = opt_date(&f.submitted_on, "submitted_on", &mut errs);
    let a = opt_date(&f.approved_on, "approved_on", &mut errs);
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    st.store
        .update_approval_dates(&page.user.actor(), &scope(&page), id, s, a)
        .await?;
    let back = if f.back.starts_with('/') && !f.back.starts_with("//") {
        f.back
    } else {
        "/approvals".into()
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Deserialize)]
struct ListQuery {
    department: Option<String>,
    overdue: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "approvals/list.html")]
struct ListPage {
    chrome: Chrome,
    items: Vec<Item>,
    departments: Vec<(Unit, usize, usize)>,
    department: String,
    only_overdue: bool,
    today: NaiveDate,
    scope: Scope,
}

impl ListPage {
    /// The department (or the project's editors) may record the dates.
    fn can_mark(&self, i: &Item) -> bool {
        self.scope.covers(&i.rec.approval.department_code, "")
            || self
                .scope
                .covers(&i.rec.project_township_code, &i.rec.project_unit_code)
    }
}

async fn list(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let today = crate::layout::today();
    let all = items(&st, None, today).await?;
    let units = st.store.units().await?;
    // Per department: items, and items flagged.
    let departments = units
        .into_iter()
        .filter_map(|u| {
            let n = all
                .iter()
                .filter(|i| i.rec.approval.department_code == u.code)
                .count();
            let f = all
                .iter()
                .filter(|i| i.rec.approval.department_code == u.code && i.flagged())
                .count();
            (n > 0).then_some((u, n, f))
        })
        .collect();
    let department = q.department.unwrap_or_default();
    let only_overdue = q.overdue.as_deref() == Some("1");
    let items = all
        .into_iter()
        .filter(|i| department.is_empty() || i.rec.approval.department_code == department)
        .filter(|i| !only_overdue || i.flagged())
        .collect();
    Ok(ListPage {
        scope: scope(&page),
        chrome: page.chrome("approvals"),
        items,
        departments,
        department,
        only_overdue,
        today,
    })
}
