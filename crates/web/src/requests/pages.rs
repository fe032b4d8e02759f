//! The request pages: list and queue, intake form, a request's page, the
//! actions, the extension, and attachment download.

use super::{allowed_actions, status_class};
use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging, today, write_xlsx, xlsx_download};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use domain::requests::{Kind, Satisfaction, Status, StepState, flow};
use domain::users::{FieldError, Permission, Role};
use office::xlsx::{Cell, Sheet};
use serde::Deserialize;
use std::collections::HashMap;
use store::StoreError;
use store::requests::config::CategoryRecord;
use store::requests::write::{ActInput, NewRequest};
use store::requests::{Filter, RequestDetail, RequestRecord, Viewer};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/requests", get(list))
        .route("/requests/export.xlsx", get(export))
        .route(
            "/requests/new",
            get(new_form)
                .post(submit)
                .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/requests/{id}", get(show))
        .route("/requests/{id}/act", post(act))
        .route("/requests/{id}/extension", post(ask_extension))
        .route("/requests/{id}/extension/decision", post(decide_extension))
        .route("/requests/attachments/{id}", get(download))
}

/// The most a submission may carry: every attachment at its limit, plus the form.
pub const UPLOAD_LIMIT: usize =
    domain::requests::attachment::MAX_FILES * domain::requests::attachment::MAX_BYTES + 1024 * 1024;

/// A multipart form's text fields and its files (the fields named
/// `attachments`; an empty file input is skipped).
pub(crate) async fn form_with_files(
    form: &mut Multipart,
) -> Result<(HashMap<String, String>, Vec<(String, Vec<u8>)>), AppError> {
    let mut values: HashMap<String, String> = HashMap::new();
    let mut files: Vec<(String, Vec<u8>)> = vec![];
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("上传失败：{e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "attachments" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(format!("附件上传失败：{e}")))?;
            if !file_name.is_empty() || !bytes.is_empty() {
                files.push((file_name, bytes.to_vec()));
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| AppError::BadRequest(format!("表单读取失败：{e}")))?;
            values.insert(name, text);
        }
    }
    Ok((values, files))
}

/// The list's query string.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct ListQuery {
    /// "todo" (what waits for the viewer) or "all".
    pub view: Option<String>,
    pub status: Option<String>,
    pub unit: Option<String>,
    pub category: Option<String>,
    pub kind: Option<String>,
    pub q: Option<String>,
    pub overdue: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<i64>,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ListQuery {
    pub fn params(&self) -> String {
        [
            ("view", &self.view),
            ("status", &self.status),
            ("unit", &self.unit),
            ("category", &self.category),
            ("kind", &self.kind),
            ("q", &self.q),
            ("overdue", &self.overdue),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter_map(|(k, v)| nonempty(v).map(|v| format!("{k}={}", crate::org::urlencode(v))))
        .collect::<Vec<_>>()
        .join("&")
    }
    fn view(&self, role: Role) -> &str {
        match nonempty(&self.view) {
            Some(v) => v,
            None if role == Role::Unit => "todo",
            None => "all",
        }
    }
    fn sel(&self, name: &str, value: &str) -> bool {
        let v = match name {
            "status" => &self.status,
            "unit" => &self.unit,
            "category" => &self.category,
            "kind" => &self.kind,
            _ => &None,
        };
        nonempty(v) == Some(value)
    }
    fn filter(&self, today: NaiveDate) -> Result<Filter, AppError> {
        let date = |v: &Option<String>, what: &str| -> Result<Option<NaiveDate>, AppError> {
            nonempty(v)
                .map(|s| {
                    s.parse().map_err(|_| {
                        AppError::BadRequest(format!("{what}“{s}”不是日期（YYYY-MM-DD）"))
                    })
                })
                .transpose()
        };
        Ok(Filter {
            status: nonempty(&self.status).and_then(Status::parse),
            unit: nonempty(&self.unit).map(Into::into),
            category: nonempty(&self.category).map(Into::into),
            enterprise: None,
            kind: nonempty(&self.kind).and_then(Kind::parse),
            meeting_id: None,
            from: date(&self.from, "起始日期")?,
            to: date(&self.to, "截止日期")?,
            q: nonempty(&self.q).map(Into::into),
            overdue_at: nonempty(&self.overdue).map(|_| today),
        })
    }
}

/// One row of the list.
pub struct Row {
    pub r: RequestRecord,
    pub overdue: bool,
    pub next: String,
}

impl Row {
    fn of(r: RequestRecord, today: NaiveDate) -> Row {
        let overdue = r.overdue(today);
        let next = match r.next_due() {
            Some((what, due)) => format!(
                "{what} {due}{}",
                if r.provisional { "（暂定）" } else { "" }
            ),
            None => String::new(),
        };
        Row { r, overdue, next }
    }
    pub fn class(&self) -> &'static str {
        status_class(self.r.status)
    }
}

/// The requests this viewer's list shows, filtered.
async fn rows(st: &Shared, page: &Page, q: &ListQuery) -> Result<Vec<Row>, AppError> {
    let today = today();
    let v = Viewer::of(&page.user);
    let mut f = q.filter(today)?;
    let todo = q.view(page.user.role) == "todo";
    if todo && page.user.role == Role::Unit {
        f.unit = page.user.unit_code.clone();
    }
    let list = st.store.requests(&v, &f).await?;
    Ok(list
        .into_iter()
        .filter(|r| !todo || waits_for(&v, r))
        .map(|r| Row::of(r, today))
        .collect())
}

/// Whether the request waits for this viewer's action.
fn waits_for(v: &Viewer, r: &RequestRecord) -> bool {
    match v.role {
        Role::Unit => r.status.with_unit() && r.unit_code == v.unit_code,
        Role::Admin => {
            matches!(r.status, Status::Submitted | Status::Escalated)
                || (r.kind == Kind::ActionItem && r.status == Status::Resolved)
        }
        Role::Enterprise => matches!(r.status, Status::Replied | Status::Resolved),
        Role::Leader | Role::Expert => false,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/list.html")]
struct ListPage {
    chrome: Chrome,
    query: ListQuery,
    view: String,
    role: Role,
    rows: Vec<Row>,
    paging: Paging,
    overdue_total: usize,
    categories: Vec<CategoryRecord>,
    units: Vec<store::org::Unit>,
    statuses: Vec<Status>,
    can_file: bool,
}

async fn list(
    State(st): State<Shared>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let all = rows(&st, &page, &q).await?;
    let paging = Paging::new(q.page, 30, all.len() as i64);
    let overdue_total = all.iter().filter(|r| r.overdue).count();
    let rows = all
        .into_iter()
        .skip(paging.offset() as usize)
        .take(paging.per_page as usize)
        .collect();
    Ok(ListPage {
        chrome: page.chrome("requests"),
        view: q.view(page.user.role).to_string(),
        role: page.user.role,
        query: q,
        rows,
        paging,
        overdue_total,
        categories: st.store.request_categories().await?,
        units: st.store.units().await?,
        statuses: Status::ALL.to_vec(),
        can_file: page.can(Permission::ActOnRequests),
    })
}

async fn export(
    State(st): State<Shared>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let rows = rows(&st, &page, &q).await?;
    let today = today();
    let sheet = Sheet {
        name: "企业诉求".into(),
        headers: [
            "编号",
            "类型",
            "标题",
            "企业",
            "统一社会信用代码",
            "类别",
            "承办单位",
            "工作小组",
            "提交日期",
            "状态",
            "受理",
            "首次答复",
            "办结",
            "超期",
            "评价",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|row| {
                let r = &row.r;
                let s = r.steps(today);
                let step = |x: Option<StepState>| -> Cell {
                    x.map(|x| x.label()).unwrap_or_default().into()
                };
                vec![
                    r.code.clone().into(),
                    r.kind.label().into(),
                    r.title.clone().into(),
                    r.enterprise_name.clone().unwrap_or_default().into(),
                    r.enterprise_code.clone().unwrap_or_default().into(),
                    r.category_name.clone().into(),
                    r.unit_name.clone().unwrap_or_default().into(),
                    r.working_group_name.clone().unwrap_or_default().into(),
                    r.submitted_on.to_string().into(),
                    r.status.label().into(),
                    step(s.accept),
                    step(s.reply),
                    step(s.resolve),
                    if row.overdue { "是" } else { "" }.into(),
                    r.rating.map(|x| x.label()).unwrap_or("").into(),
                ]
            })
            .collect(),
    };
    Ok(xlsx_download(
        write_xlsx(&[sheet])?,
        "requests.xlsx",
        "企业诉求.xlsx",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/new.html")]
struct NewPage {
    chrome: Chrome,
    staff: bool,
    enterprise_name: String,
    enterprises: Vec<(String, String)>,
    categories: Vec<CategoryRecord>,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
}

impl NewPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
    fn value(&self, name: &str) -> &str {
        crate::layout::value(&self.values, name)
    }
    fn limits_of(&self, c: &CategoryRecord) -> String {
        format!(
            "受理 {} / 首次答复 {} / 办结 {} 个工作日",
            c.limits.accept_days, c.limits.reply_days, c.limits.resolve_days
        )
    }
}

async fn new_page(
    st: &Shared,
    page: &Page,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<NewPage, AppError> {
    let staff = matches!(page.user.role, Role::Admin | Role::Unit);
    let enterprise_name = match &page.user.enterprise_code {
        Some(c) if !staff => st
            .store
            .enterprise(c)
            .await?
            .map(|e| e.name)
            .unwrap_or_default(),
        _ => String::new(),
    };
    let enterprises = if staff {
        st.store
            .enterprises()
            .await?
            .into_iter()
            .map(|e| (e.credit_code, e.name))
            .collect()
    } else {
        vec![]
    };
    Ok(NewPage {
        chrome: page.chrome("requests"),
        staff,
        enterprise_name,
        enterprises,
        categories: st
            .store
            .request_categories()
            .await?
            .into_iter()
            .filter(|c| c.active)
            .collect(),
        values,
        errors,
    })
}

async fn new_form(
    State(st): State<Shared>,
    page: Can<need::ActOnRequests>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<NewPage, AppError> {
    new_page(&st, &page, q, vec![]).await
}

async fn submit(
    State(st): State<Shared>,
    page: Can<need::ActOnRequests>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let (values, files) = form_with_files(&mut form).await?;
    let v = Viewer::of(&page.user);
    let input = NewRequest {
        enterprise: values.get("enterprise").cloned().unwrap_or_default(),
        category: values.get("category").cloned().unwrap_or_default(),
        title: values.get("title").cloned().unwrap_or_default(),
        description: values.get("description").cloned().unwrap_or_default(),
        project: values.get("project").cloned(),
        visit_id: values.get("visit_id").and_then(|s| s.trim().parse().ok()),
    };
    match st.store.submit_request(&v, &input, &files, today()).await {
        Ok(r) => Ok(Redirect::to(&format!("/requests/{}", r.id)).into_response()),
        Err(StoreError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            new_page(&st, &page, values, errors).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// A step of the request's clock, for the page.
pub struct StepView {
    pub name: &'static str,
    pub limit: i64,
    pub state: Option<StepState>,
}

impl StepView {
    pub fn label(&self) -> String {
        self.state.map(|s| s.label()).unwrap_or_else(|| "—".into())
    }
    pub fn bad(&self) -> bool {
        matches!(
            self.state,
            Some(StepState::Overdue { .. } | StepState::Late { .. })
        )
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/detail.html")]
struct DetailPage {
    chrome: Chrome,
    d: RequestDetail,
    steps: Vec<StepView>,
    overdue: bool,
    actions: Vec<&'static str>,
    units: Vec<store::org::Unit>,
    groups: Vec<(String, String)>,
    levels: Vec<Satisfaction>,
    can_ask_extension: bool,
    can_decide_extension: bool,
    can_visit: bool,
    error: Option<String>,
}

impl DetailPage {
    fn can(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
    fn status_class(&self) -> &'static str {
        status_class(self.d.record.status)
    }
}

async fn detail_page(
    st: &Shared,
    page: &Page,
    id: i64,
    error: Option<String>,
) -> Result<DetailPage, AppError> {
    let v = Viewer::of(&page.user);
    let d = st
        .store
        .request_detail(&v, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("诉求 {id}")))?;
    let today = today();
    let r = &d.record;
    let s = r.steps(today);
    let steps = vec![
        StepView {
            name: "受理",
            limit: r.limits.accept_days,
            state: s.accept,
        },
        StepView {
            name: "首次答复",
            limit: r.limits.reply_days,
            state: s.reply,
        },
        StepView {
            name: "办结",
            limit: r.limits.resolve_days + r.extension_days,
            state: s.resolve,
        },
    ];
    let actions = allowed_actions(&v, r);
    // The same rules the store checks before writing.
    let actor = v.actor_for(r);
    let can_ask_extension = flow::may_ask_extension(r.status, actor, d.extension.is_some()).is_ok();
    let can_decide_extension = flow::may_decide_extension(
        actor,
        d.extension.as_ref().is_some_and(|x| x.status == "pending"),
    )
    .is_ok();
    let groups = st.store.working_group_names().await?;
    Ok(DetailPage {
        chrome: page.chrome("requests"),
        overdue: r.overdue(today),
        can_visit: r.follow_up_due && page.can(Permission::RecordVisits),
        d,
        steps,
        actions,
        units: st.store.active_units().await?,
        groups,
        levels: Satisfaction::ALL.to_vec(),
        can_ask_extension,
        can_decide_extension,
        error,
    })
}

async fn show(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<DetailPage, AppError> {
    detail_page(&st, &page, id, None).await
}

/// An action as the page's forms send it.
#[derive(Debug, Deserialize)]
pub struct ActForm {
    pub action: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub working_group: String,
    #[serde(default)]
    pub rating: String,
}

/// Shows the store's refusal on the request's page, with the right status.
async fn refused(st: &Shared, page: &Page, id: i64, e: StoreError) -> Result<Response, AppError> {
    let (code, msg) = match e {
        StoreError::Invalid(errs) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errs.iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("；"),
        ),
        StoreError::Conflict(m) => (StatusCode::CONFLICT, m),
        StoreError::Forbidden(m) => (StatusCode::FORBIDDEN, m),
        other => return Err(other.into()),
    };
    Ok((code, detail_page(st, page, id, Some(msg)).await?).into_response())
}

async fn act(
    State(st): State<Shared>,
    page: Can<need::ActOnRequests>,
    Path(id): Path<i64>,
    Form(f): Form<ActForm>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&page.user);
    let opt = |s: String| Some(s).filter(|s| !s.trim().is_empty());
    let input = ActInput {
        action: f.action,
        note: f.note,
        unit: opt(f.unit),
        working_group: opt(f.working_group),
        rating: opt(f.rating),
    };
    match st.store.act_on_request(&v, id, &input, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(e) => refused(&st, &page, id, e).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct ExtensionForm {
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub reason: String,
}

async fn ask_extension(
    State(st): State<Shared>,
    page: Can<need::ActOnRequests>,
    Path(id): Path<i64>,
    Form(f): Form<ExtensionForm>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&page.user);
    let days = f.days.trim().parse::<i64>().unwrap_or(0);
    match st
        .store
        .ask_extension(&v, id, days, &f.reason, today())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(e) => refused(&st, &page, id, e).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

async fn decide_extension(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&page.user);
    let approve = f.decision == "approve";
    match st
        .store
        .decide_extension(&v, id, approve, &f.note, today())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(e) => refused(&st, &page, id, e).await,
    }
}

/// Sends an attachment as a download (never displayed inline), if the
/// viewer may see its request.
pub async fn download(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (info, bytes) = st
        .store
        .attachment(&Viewer::of(&page.user), id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("附件 {id}")))?;
    Ok(attachment_response(
        &info.filename,
        &info.content_type,
        bytes,
    ))
}

/// The response carrying an attachment's bytes.
pub fn attachment_response(name: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
                    crate::org::urlencode(name)
                ),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}
