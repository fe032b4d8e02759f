//! 待办: what waits for the signed-in user, grouped by kind, with the items
//! changed since the last look marked 新; the count the navigation badge
//! fetches; and the same as JSON.

use crate::Shared;
use crate::auth::{ApiUser, Page};
use crate::error::{ApiError, AppError};
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use store::requests::inbox::{Inbox, InboxItem, InboxKind};
use utoipa::ToSchema;

pub fn router() -> Router<Shared> {
    Router::new().route("/inbox", get(page))
}

pub fn api_router() -> Router<Shared> {
    Router::new()
        .route("/v1/notifications", get(api_list))
        .route("/v1/notifications/count", get(api_count))
}

#[derive(Template, WebTemplate)]
#[template(path = "inbox/page.html")]
struct InboxPage {
    chrome: Chrome,
    inbox: Inbox,
    /// For the office: next year has no calendar yet.
    missing_year: Option<i32>,
    /// Open evaluation rounds the user's enterprise or township has not answered.
    questionnaires: Vec<QuestionnaireJson>,
    /// Issued orderly-power plans the enterprise has not acknowledged: (plan id, title).
    power: Vec<(i64, String)>,
    /// For a financial institution's users: the needs whose step it owes is overdue.
    financing: Vec<store::financing::OverdueNeed>,
    /// For an enterprise: the policies in force that concern it, unread first.
    policies: Vec<(store::policies::Policy, bool)>,
}

/// An open evaluation round the user's enterprise or township has not
/// answered yet (评议问卷 to fill in).
#[derive(Serialize, ToSchema)]
pub struct QuestionnaireJson {
    round_id: i64,
    title: String,
    /// The questionnaire's page.
    url: String,
}

/// The questionnaires waiting for the user (none for other roles).
async fn questionnaires(
    st: &Shared,
    u: &store::users::User,
) -> Result<Vec<QuestionnaireJson>, AppError> {
    let grassroots = st.store.grassroots_units().await?;
    let Some((group, code)) = crate::evaluations::respondent_of(u, &grassroots) else {
        return Ok(vec![]);
    };
    Ok(st
        .store
        .rounds_awaiting(group, &code)
        .await?
        .into_iter()
        .map(|r| QuestionnaireJson {
            url: format!("/evaluations/{}/questionnaire", r.id),
            round_id: r.id,
            title: r.title,
        })
        .collect())
}

fn kind_hint(k: &InboxKind) -> &'static str {
    match k {
        InboxKind::Overdue => "已超过受理、首次答复或办结时限，请尽快办理。",
        InboxKind::NewAssignment => "分派或转办到本单位、尚未受理的诉求。",
        InboxKind::Rework => "企业对办理结果不满意，诉求重新办理；标注“需回访”的请先登记回访。",
        InboxKind::DueSoon => "下一步办理时限在两个工作日内（含今天）。",
        InboxKind::ExtensionDecided => "活动办公室近 14 天对本单位延期申请的审批结果。",
        InboxKind::Unassigned => {
            "没有匹配的分派规则，需由活动办公室分派；也可在“设置 › 分派规则”中补充规则。"
        }
        InboxKind::ExtensionPending => "承办单位申请延长办结时限，等待审批。",
        InboxKind::Escalated => "已提交联席会议协调的诉求。",
        InboxKind::Replied => "承办单位已答复您的诉求。",
        InboxKind::ToRate => "诉求已办结，请对办理结果作出评价。",
        InboxKind::Changed => "自您上次查看以来有新进展的诉求。",
    }
}

impl InboxPage {
    fn hint(&self, k: &InboxKind) -> &'static str {
        kind_hint(k)
    }
}

async fn page(State(st): State<Shared>, page: Page) -> Result<InboxPage, AppError> {
    let today = crate::layout::today();
    let inbox = st.store.inbox(&page.user, today).await?;
    // Shown as computed (with 新 marks); the next look starts from now.
    st.store.mark_notifications_seen(page.user.id).await?;
    let missing_year = if page.is_admin() {
        crate::settings::missing_next_year(&st, today).await?
    } else {
        None
    };
    let financing = if page.user.role == domain::users::Role::Unit {
        let cal = st.store.calendar().await?;
        st.store
            .financing_overdue(&store::requests::Viewer::of(&page.user), &cal, today)
            .await?
    } else {
        vec![]
    };
    let policies = match &page.user.enterprise_code {
        Some(code) if page.user.role == domain::users::Role::Enterprise => {
            st.store.enterprise_policies(code, today).await?
        }
        _ => vec![],
    };
    Ok(InboxPage {
        policies,
        financing,
        power: crate::power::unacknowledged(&st, &page.user).await?,
        questionnaires: questionnaires(&st, &page.user).await?,
        chrome: page.chrome("inbox"),
        inbox,
        missing_year,
    })
}

/// One thing waiting for the user.
#[derive(Serialize, ToSchema)]
pub struct NotificationJson {
    /// overdue, new_assignment, rework, due_soon, extension_decided, unassigned,
    /// extension_pending, escalated, replied, to_rate or changed.
    kind: String,
    /// The kind's Chinese label.
    kind_label: String,
    request_id: i64,
    request_code: String,
    title: String,
    enterprise_name: Option<String>,
    unit_name: Option<String>,
    /// The request's status (submitted, assigned, ...).
    status: String,
    /// The step owed next (受理, 首次答复, 办结).
    step: Option<String>,
    /// Its due date, YYYY-MM-DD.
    due: Option<String>,
    /// The due date was counted on a year without a calendar (暂定).
    provisional: bool,
    note: String,
    /// The last change by someone else (RFC 3339, UTC).
    changed_at: Option<String>,
    /// Changed or fallen overdue since the user last opened /inbox.
    is_new: bool,
    /// The request's page.
    url: String,
}

impl From<&InboxItem> for NotificationJson {
    fn from(i: &InboxItem) -> Self {
        NotificationJson {
            kind: i.kind.as_str().into(),
            kind_label: i.kind.label().into(),
            request_id: i.request_id,
            request_code: i.code.clone(),
            title: i.title.clone(),
            enterprise_name: i.enterprise_name.clone(),
            unit_name: i.unit_name.clone(),
            status: i.status.as_str().into(),
            step: i.step.map(Into::into),
            due: i.due.map(|d| d.to_string()),
            provisional: i.provisional,
            note: i.note.clone(),
            changed_at: i.changed_at.clone(),
            is_new: i.is_new,
            url: format!("/requests/{}", i.request_id),
        }
    }
}

/// How many things wait.
#[derive(Serialize, ToSchema)]
pub struct NotificationCount {
    pub total: usize,
    /// Of which changed since the user last opened /inbox.
    pub new: usize,
}

/// What waits for the user.
#[derive(Serialize, ToSchema)]
pub struct NotificationsJson {
    /// False for leaders, who read everything and act on none of it.
    applies: bool,
    total: usize,
    new: usize,
    /// When the user last opened /inbox (reading this API does not change it).
    seen_at: Option<String>,
    items: Vec<NotificationJson>,
    /// Evaluation questionnaires to fill in (counted in `total`).
    questionnaires: Vec<QuestionnaireJson>,
}

/// What waits for the signed-in user: for units their new assignments,
/// overdue items, rework, deadlines in the next two working days and
/// extension decisions; for the office unrouted requests, pending extensions,
/// overdue and escalated requests; for enterprises replies, resolutions to
/// rate and other changes on their own requests.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = NotificationsJson), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
) -> Result<Json<NotificationsJson>, ApiError> {
    let inbox = st.store.inbox(&u, crate::layout::today()).await?;
    let questionnaires = questionnaires(&st, &u).await?;
    Ok(Json(NotificationsJson {
        applies: inbox.applies || !questionnaires.is_empty(),
        total: inbox.total + questionnaires.len(),
        new: inbox.new,
        items: inbox
            .groups
            .iter()
            .flat_map(|(_, g)| g.iter().map(NotificationJson::from))
            .collect(),
        seen_at: inbox.seen_at,
        questionnaires,
    }))
}

/// The number of things waiting (for the navigation badge).
#[utoipa::path(get, path = "/api/v1/notifications/count", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = NotificationCount), (status = 401, body = crate::error::ErrorBody)))]
pub async fn api_count(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
) -> Result<Json<NotificationCount>, ApiError> {
    let inbox = st.store.inbox(&u, crate::layout::today()).await?;
    let waiting =
        questionnaires(&st, &u).await?.len() + crate::power::unacknowledged(&st, &u).await?.len();
    Ok(Json(NotificationCount {
        total: inbox.total + waiting,
        new: inbox.new,
    }))
}
