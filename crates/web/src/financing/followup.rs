//! Overdue steps by institution (the office: all, with 催办 per need and per
//! institution; an institution: its own; an enterprise: its own needs) and
//! the reminders, as pages and API.

use crate::Shared;
use crate::auth::{ApiCan, ApiUser, Can, Page, need};
use crate::error::{ApiError, AppError};
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::financing::OverdueNeed;
use store::requests::Viewer;
use utoipa::ToSchema;

/// The overdue needs of one institution.
pub struct Group {
    pub code: String,
    pub name: String,
    pub items: Vec<OverdueNeed>,
}

impl Group {
    /// The need ids, for the form that reminds them all.
    pub fn ids(&self) -> String {
        self.items
            .iter()
            .map(|i| i.need.id.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Groups the overdue needs by institution, the institution with the
/// most first (ties by code), each group longest late first.
fn by_institution(list: Vec<OverdueNeed>) -> Vec<Group> {
    let mut groups: Vec<Group> = vec![];
    for o in list {
        let (code, name) = o.institution();
        match groups.iter_mut().find(|g| g.code == code) {
            Some(g) => g.items.push(o),
            None => groups.push(Group {
                code,
                name,
                items: vec![o],
            }),
        }
    }
    groups.sort_by(|a, b| b.items.len().cmp(&a.items.len()).then(a.code.cmp(&b.code)));
    groups
}

#[derive(Template, WebTemplate)]
#[template(path = "financing/overdue.html")]
pub struct OverduePage {
    chrome: Chrome,
    groups: Vec<Group>,
    total: usize,
    today: chrono::NaiveDate,
    is_admin: bool,
}

impl OverduePage {
    fn yuan(&self, v: &i64) -> String {
        domain::format::money(*v)
    }
}

pub async fn overdue(State(st): State<Shared>, page: Page) -> Result<OverduePage, AppError> {
    let cal = st.store.calendar().await?;
    let today = crate::layout::today();
    let list = st
        .store
        .financing_overdue(&Viewer::of(&page.user), &cal, today)
        .await?;
    let total = list.len();
    Ok(OverduePage {
        is_admin: page.is_admin(),
        chrome: page.chrome("financing"),
        groups: by_institution(list),
        total,
        today,
    })
}

#[derive(Deserialize)]
pub struct RemindForm {
    /// Comma-separated need ids (the per-institution form), or none: the path's need.
    #[serde(default)]
    ids: String,
    #[serde(default)]
    note: String,
}

fn ids(text: &str) -> Result<Vec<i64>, AppError> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| AppError::BadRequest(format!("需求编号“{s}”无效")))
        })
        .collect()
}

/// 催办 of one need (from its page).
pub async fn remind_one(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<RemindForm>,
) -> Result<Response, AppError> {
    let cal = st.store.calendar().await?;
    st.store
        .remind_financing(
            &Viewer::of(&page.user),
            &[id],
            &f.note,
            &cal,
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/financing/{id}")).into_response())
}

/// 催办 of several needs (an institution's overdue ones, from the list).
pub async fn remind_many(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(f): Form<RemindForm>,
) -> Result<Response, AppError> {
    let list = ids(&f.ids)?;
    if list.is_empty() {
        return Err(AppError::BadRequest("没有选择要催办的需求".into()));
    }
    let cal = st.store.calendar().await?;
    st.store
        .remind_financing(
            &Viewer::of(&page.user),
            &list,
            &f.note,
            &cal,
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to("/financing/overdue").into_response())
}

/// An overdue need.
#[derive(Serialize, ToSchema)]
pub struct OverdueNeedJson {
    id: i64,
    enterprise: String,
    enterprise_name: String,
    amount_yuan: i64,
    institution: String,
    institution_name: String,
    /// contact or decision.
    step: String,
    due: String,
    /// Working days since the due date.
    days_late: i64,
    reminders: usize,
}

/// The needs with an overdue step: the office and leaders all, an
/// institution those it owes, an enterprise its own; longest late first.
#[utoipa::path(get, path = "/api/v1/financing/overdue", tag = "financing", security(("bearer" = [])),
    responses((status = 200, body = Vec<OverdueNeedJson>)))]
pub async fn api_overdue(
    State(st): State<Shared>,
    u: ApiUser,
) -> Result<Json<Vec<OverdueNeedJson>>, ApiError> {
    let cal = st.store.calendar().await?;
    let list = st
        .store
        .financing_overdue(&Viewer::of(&u.0), &cal, crate::layout::today())
        .await?;
    Ok(Json(
        list.into_iter()
            .map(|o| {
                let (code, name) = o.institution();
                OverdueNeedJson {
                    id: o.need.id,
                    enterprise: o.need.credit_code.clone(),
                    enterprise_name: o.need.enterprise_name.clone(),
                    amount_yuan: o.need.amount_yuan,
                    institution: code,
                    institution_name: name,
                    step: o.step.as_str().into(),
                    due: o.due.to_string(),
                    days_late: o.days_late,
                    reminders: o.need.reminders.len(),
                }
            })
            .collect(),
    ))
}

/// A reminder to send.
#[derive(Deserialize, ToSchema)]
pub struct RemindIn {
    note: Option<String>,
}

/// How many needs were reminded.
#[derive(Serialize, ToSchema)]
pub struct RemindedJson {
    reminded: usize,
}

/// The office reminds (催办) the chosen institution of a need's overdue
/// step; 409 when no step is overdue.
#[utoipa::path(post, path = "/api/v1/financing/needs/{id}/reminders", tag = "financing", request_body = RemindIn,
    params(("id" = i64, Path, description = "The need")), security(("bearer" = [])),
    responses((status = 201, body = RemindedJson)))]
pub async fn api_remind(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<RemindedJson>), ApiError> {
    let i: RemindIn = super::api::body(v)?;
    let cal = st.store.calendar().await?;
    let reminded = st
        .store
        .remind_financing(
            &Viewer::of(&u.0),
            &[id],
            i.note.as_deref().unwrap_or(""),
            &cal,
            crate::layout::today(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(RemindedJson { reminded })))
}
