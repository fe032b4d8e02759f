//! Policies (政策): the list with the office's form, a policy's page (its
//! text and interpretation, reach, the matched enterprises with their
//! reasons, publishing, an enterprise's question), and the API. Matching
//! is `domain::policies`; storage `store::policies`.

use crate::Shared;
use crate::auth::{ApiCan, ApiUser, Can, Page, need};
use crate::error::{ApiError, AppError};
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::NaiveDate;
use domain::policies::{AppliesTo, CATEGORIES};
use domain::users::{FieldError, Permission, Role};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::policies::{Match, NewPolicy, Policy};
use store::requests::Viewer;
use utoipa::{IntoParams, ToSchema};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/policies", get(list).post(create))
        .route("/policies/{id}", get(detail))
        .route("/policies/{id}/publish", post(publish))
        .route("/policies/{id}/ask", post(ask))
}

pub fn api_router() -> Router<Shared> {
    Router::new()
        .route("/v1/policies", get(api_list).post(api_create))
        .route("/v1/policies/{id}", get(api_get))
        .route("/v1/policies/{id}/publish", post(api_publish))
        .route("/v1/policies/{id}/matches", get(api_matches))
}

fn invalid(field: &str, msg: &str) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, msg)])
}

fn date(s: Option<&str>, field: &str) -> Result<Option<NaiveDate>, AppError> {
    match s.map(str::trim).filter(|x| !x.is_empty()) {
        None => Ok(None),
        Some(x) => x
            .parse()
            .map(Some)
            .map_err(|_| invalid(field, "日期格式应为 YYYY-MM-DD")),
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "policies/list.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Policy>,
    paging: Paging,
    is_admin: bool,
    today: NaiveDate,
    categories: Vec<(&'static str, &'static str)>,
    tiers: Vec<(&'static str, &'static str)>,
    townships: Vec<(String, String)>,
}

impl ListPage {
    fn expired(&self, p: &Policy) -> bool {
        p.expired(self.today)
    }
}

async fn list(
    State(st): State<Shared>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let v = Viewer::of(&page.user);
    let (_, total) = st.store.policies(&v, 0, 1).await?;
    let paging = Paging::new(q.page, 30, total);
    let (rows, _) = st.store.policies(&v, paging.offset(), 30).await?;
    let townships = if page.is_admin() {
        st.store
            .active_units()
            .await?
            .into_iter()
            .filter(|u| {
                matches!(
                    u.kind,
                    domain::org::UnitKind::Township
                        | domain::org::UnitKind::SubDistrict
                        | domain::org::UnitKind::DevelopmentZone
                )
            })
            .map(|u| (u.code, u.name))
            .collect()
    } else {
        vec![]
    };
    Ok(ListPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("policies"),
        rows,
        paging,
        today: crate::layout::today(),
        categories: CATEGORIES.to_vec(),
        tiers: domain::enterprises::Tier::ALL
            .iter()
            .filter(|t| **t != domain::enterprises::Tier::None)
            .map(|t| (t.as_str(), t.label()))
            .collect(),
        townships,
    })
}

async fn create(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let one = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let all = |k: &str| -> Vec<String> {
        f.iter()
            .filter(|(n, v)| n == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    };
    let p = NewPolicy {
        title: one("title"),
        document_number: one("document_number"),
        issuing_body: one("issuing_body"),
        issued_on: date(Some(&one("issued_on")), "issued_on")?,
        effective_on: date(Some(&one("effective_on")), "effective_on")?,
        expires_on: date(Some(&one("expires_on")), "expires_on")?,
        body: one("body"),
        interpretation: one("interpretation"),
        categories: all("categories"),
        applies_to: AppliesTo {
            industries: one("industries")
                .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            townships: all("townships"),
            above_scale_only: one("above_scale_only") == "1",
            tiers: all("tiers"),
            per_mu_classes: all("per_mu_classes"),
        },
        contact: one("contact"),
    };
    let p = st.store.create_policy(&Viewer::of(&page.user), &p).await?;
    Ok(Redirect::to(&format!("/policies/{}", p.id)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "policies/detail.html")]
struct DetailPage {
    chrome: Chrome,
    p: Policy,
    matches: Vec<Match>,
    total: i64,
    is_admin: bool,
    reads_reach: bool,
    is_enterprise: bool,
    expired: bool,
    applies: Vec<String>,
}

/// Who a policy applies to, in words.
fn applies_text(a: &AppliesTo) -> Vec<String> {
    if a.is_everyone() {
        return vec!["全部企业".into()];
    }
    let mut out = vec![];
    if !a.industries.is_empty() {
        out.push(format!("行业（GB/T 4754）：{}", a.industries.join("、")));
    }
    if !a.townships.is_empty() {
        out.push(format!("镇街：{}", a.townships.join("、")));
    }
    if a.above_scale_only {
        out.push("仅规模以上企业".into());
    }
    if !a.tiers.is_empty() {
        out.push(format!(
            "培育层次：{}",
            a.tiers
                .iter()
                .map(|t| domain::enterprises::Tier::parse(t)
                    .map(|x| x.label())
                    .unwrap_or(t))
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    if !a.per_mu_classes.is_empty() {
        out.push(format!("亩均评价：{} 类", a.per_mu_classes.join("、")));
    }
    out
}

async fn detail(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<DetailPage, AppError> {
    let p = st.store.policy(&Viewer::of(&page.user), id).await?;
    let reads_reach = page.can(Permission::ReadCampaign);
    let (matches, total) = if reads_reach {
        st.store.policy_matches(id, 0, 200).await?
    } else {
        (vec![], 0)
    };
    Ok(DetailPage {
        is_admin: page.is_admin(),
        is_enterprise: page.user.role == Role::Enterprise,
        expired: p.expired(crate::layout::today()),
        applies: applies_text(&p.applies_to),
        chrome: page.chrome("policies"),
        p,
        matches,
        total,
        reads_reach,
    })
}

async fn publish(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    st.store
        .publish_policy(&Viewer::of(&page.user), id, crate::layout::today())
        .await?;
    Ok(Redirect::to(&format!("/policies/{id}")).into_response())
}

#[derive(Deserialize)]
struct AskForm {
    #[serde(default)]
    question: String,
}

async fn ask(
    State(st): State<Shared>,
    page: Can<need::ActOnRequests>,
    Path(id): Path<i64>,
    Form(f): Form<AskForm>,
) -> Result<Response, AppError> {
    if page.user.role != Role::Enterprise {
        return Err(AppError::Denied("由企业就政策提出咨询".into()));
    }
    let r = st
        .store
        .ask_about_policy(
            &Viewer::of(&page.user),
            id,
            &f.question,
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/requests/{}", r.id)).into_response())
}

/// Who a policy applies to.
#[derive(Serialize, Deserialize, ToSchema, Default)]
pub struct AppliesToJson {
    /// GB/T 4754 code prefixes, e.g. "34" or "C".
    #[serde(default)]
    industries: Vec<String>,
    /// Township unit codes.
    #[serde(default)]
    townships: Vec<String>,
    #[serde(default)]
    above_scale_only: bool,
    /// large_group, growth_sme, industry_leader.
    #[serde(default)]
    tiers: Vec<String>,
    /// A, B, C, D (the last final per-mu evaluation).
    #[serde(default)]
    per_mu_classes: Vec<String>,
}

/// A policy to create.
#[derive(Deserialize, ToSchema)]
pub struct PolicyIn {
    title: String,
    document_number: String,
    issuing_body: String,
    issued_on: String,
    effective_on: Option<String>,
    expires_on: Option<String>,
    body: String,
    #[serde(default)]
    interpretation: String,
    /// Codes (tax, fiscal, fees, institutional, labour, financing, energy_land) or their Chinese labels.
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    applies_to: Option<AppliesToJson>,
    contact: Option<String>,
}

/// A policy with its reach.
#[derive(Serialize, ToSchema)]
pub struct PolicyJson {
    id: i64,
    title: String,
    document_number: String,
    issuing_body: String,
    issued_on: String,
    effective_on: Option<String>,
    expires_on: Option<String>,
    body: String,
    interpretation: String,
    categories: Vec<String>,
    applies_to: AppliesToJson,
    contact: String,
    /// draft or published.
    status: String,
    published_on: Option<String>,
    /// Past its expiry date.
    expired: bool,
    /// Enterprises it concerns (stored when published).
    matched: i64,
    /// Of which have opened it.
    read: i64,
}

fn policy_json(p: &Policy) -> PolicyJson {
    PolicyJson {
        id: p.id,
        title: p.title.clone(),
        document_number: p.document_number.clone(),
        issuing_body: p.issuing_body.clone(),
        issued_on: p.issued_on.to_string(),
        effective_on: p.effective_on.map(|d| d.to_string()),
        expires_on: p.expires_on.map(|d| d.to_string()),
        body: p.body.clone(),
        interpretation: p.interpretation.clone(),
        categories: p.categories.clone(),
        applies_to: AppliesToJson {
            industries: p.applies_to.industries.clone(),
            townships: p.applies_to.townships.clone(),
            above_scale_only: p.applies_to.above_scale_only,
            tiers: p.applies_to.tiers.clone(),
            per_mu_classes: p.applies_to.per_mu_classes.clone(),
        },
        contact: p.contact.clone(),
        status: if p.published_on.is_some() {
            "published"
        } else {
            "draft"
        }
        .into(),
        published_on: p.published_on.map(|d| d.to_string()),
        expired: p.expired(crate::layout::today()),
        matched: p.matched,
        read: p.read,
    }
}

fn body<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, AppError> {
    serde_json::from_value(v).map_err(|e| AppError::BadRequest(format!("请求内容无效：{e}")))
}

/// Creates a draft policy (the office).
#[utoipa::path(post, path = "/api/v1/policies", tag = "policies", request_body = PolicyIn, security(("bearer" = [])),
    responses((status = 201, body = PolicyJson)))]
pub async fn api_create(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<PolicyJson>), ApiError> {
    let i: PolicyIn = body(v)?;
    let a = i.applies_to.unwrap_or_default();
    let p = NewPolicy {
        title: i.title,
        document_number: i.document_number,
        issuing_body: i.issuing_body,
        issued_on: date(Some(&i.issued_on), "issued_on")?,
        effective_on: date(i.effective_on.as_deref(), "effective_on")?,
        expires_on: date(i.expires_on.as_deref(), "expires_on")?,
        body: i.body,
        interpretation: i.interpretation,
        categories: i.categories,
        applies_to: AppliesTo {
            industries: a.industries,
            townships: a.townships,
            above_scale_only: a.above_scale_only,
            tiers: a.tiers,
            per_mu_classes: a.per_mu_classes,
        },
        contact: i.contact.unwrap_or_default(),
    };
    let p = st.store.create_policy(&Viewer::of(&u.0), &p).await?;
    Ok((StatusCode::CREATED, Json(policy_json(&p))))
}

/// Publishes a policy: it reaches the inbox of every enterprise it concerns.
#[utoipa::path(post, path = "/api/v1/policies/{id}/publish", tag = "policies", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PolicyJson)))]
pub async fn api_publish(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(id): Path<i64>,
) -> Result<Json<PolicyJson>, ApiError> {
    let p = st
        .store
        .publish_policy(&Viewer::of(&u.0), id, crate::layout::today())
        .await?;
    Ok(Json(policy_json(&p)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PolicyListParams {
    offset: Option<i64>,
    /// At most 500 (default 100).
    limit: Option<i64>,
}

/// Policies, newest first: campaign readers all, others the published ones.
#[utoipa::path(get, path = "/api/v1/policies", tag = "policies", params(PolicyListParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<PolicyJson>)))]
pub async fn api_list(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Query(q): Query<PolicyListParams>,
) -> Result<Json<Vec<PolicyJson>>, ApiError> {
    let (list, _) = st
        .store
        .policies(
            &Viewer::of(&u),
            q.offset.unwrap_or(0),
            q.limit.unwrap_or(100),
        )
        .await?;
    Ok(Json(list.iter().map(policy_json).collect()))
}

/// One policy; an enterprise it concerns opening it counts as read.
#[utoipa::path(get, path = "/api/v1/policies/{id}", tag = "policies", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PolicyJson)))]
pub async fn api_get(
    State(st): State<Shared>,
    ApiUser(u): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<PolicyJson>, ApiError> {
    let p = st.store.policy(&Viewer::of(&u), id).await?;
    Ok(Json(policy_json(&p)))
}

/// A matched enterprise.
#[derive(Serialize, ToSchema)]
pub struct MatchJson {
    credit_code: String,
    name: String,
    township: String,
    industry_code: String,
    /// Why it matched, one reason per rule.
    reasons: Vec<String>,
    /// Has opened the policy.
    read: bool,
}

/// The enterprises a policy concerns (by credit code, paged with offset and
/// limit, at most 10,000), each with its reasons: stored at publishing, or
/// for a draft a preview from the registry now. Campaign readers.
#[utoipa::path(get, path = "/api/v1/policies/{id}/matches", tag = "policies", params(("id" = i64, Path), PolicyListParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<MatchJson>)))]
pub async fn api_matches(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Path(id): Path<i64>,
    Query(q): Query<PolicyListParams>,
) -> Result<Json<Vec<MatchJson>>, ApiError> {
    let (list, _) = st
        .store
        .policy_matches(id, q.offset.unwrap_or(0), q.limit.unwrap_or(10_000))
        .await?;
    Ok(Json(
        list.into_iter()
            .map(|m| MatchJson {
                credit_code: m.credit_code,
                name: m.name,
                township: m.township_name,
                industry_code: m.industry_code,
                reasons: m.reasons,
                read: m.read,
            })
            .collect(),
    ))
}
