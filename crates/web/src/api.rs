//! The JSON API under `/api/v1`, and its OpenAPI document at `/api/openapi.json`.
//! Authentication: the session cookie or `Authorization: Bearer <token>` from
//! `POST /api/v1/login`. No credentials: 401; the wrong role: 403.

use crate::Shared;
use crate::auth::{ApiCan, ApiLogin, ApiToken, ApiUser, api_login, need};
use crate::error::{ApiError, AppError, ErrorBody, FieldErrorBody};
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::org::UnitKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/v1/login", post(api_login))
        .route("/v1/me", get(me))
        .route("/v1/units", get(units))
        .route("/v1/working-groups", get(working_groups))
        .route("/v1/campaigns", get(campaigns))
        .route("/v1/campaigns/{id}/targets", get(targets))
        .route("/v1/users", get(users))
        .route(
            "/v1/campaigns/{id}/dashboard",
            get(crate::targets::dashboard_api),
        )
        .merge(crate::org::api_router())
        .merge(crate::projects::api_router())
        .merge(crate::land::api_router())
        .merge(crate::enterprises::api_router())
        .merge(crate::requests::api_router())
        .merge(crate::inbox::api_router())
        .merge(crate::settings::api_router())
        .merge(crate::visits::api_router())
        .merge(crate::meetings::api_router())
        .merge(crate::supervision::api_router())
        .merge(crate::evaluations::api_router())
        .merge(crate::per_mu::api_router())
        .merge(crate::power::api_router())
        .merge(crate::financing::api_router())
        .merge(crate::fiscal::api_router())
        .merge(crate::policies::api_router())
        .fallback(|| async { ApiError(AppError::NotFound("该接口".into())) })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "推进 Tuijin API", description = "工业项目推进与企业服务平台的 JSON 接口。金额为整数元，面积为千分之一亩，比率为小数。\n\n输入界限：查询参数每项不超过 200 字；请求体中 title、name 字段不超过 200 字，其他文本字段不超过 20000 字（*_base64 附件内容除外）；任何字段不得含控制字符（请求体的多行文本可含制表符与换行）；违者返回 422 并指明字段。督查与统计的日期须在今年前 10 年至明年之间。所有错误均为 ErrorBody JSON，带 request_id。"),
    paths(
        openapi, api_login_doc, me, units, crate::org::api_create, crate::org::api_update, working_groups, campaigns, targets, users,
        crate::targets::dashboard_api,
        crate::projects::api_upsert, crate::projects::api_list, crate::projects::api_get, crate::projects::api_progress,
        crate::land::api_upsert, crate::land::api_list,
        crate::enterprises::api_upsert_enterprises, crate::enterprises::api_enterprises, crate::enterprises::api_enterprise,
        crate::enterprises::api_stats, crate::enterprises::api_brands,
        crate::requests::api_list, crate::requests::api_get, crate::requests::api_submit, crate::requests::api_act,
        crate::requests::api_ask_extension, crate::requests::api_decide_extension, crate::requests::api_attachment,
        crate::inbox::api_list, crate::inbox::api_count,
        crate::settings::api_calendar, crate::settings::api_calendar_year, crate::settings::api_put_calendar_year,
        crate::settings::api_categories, crate::settings::api_put_categories,
        crate::settings::api_routes, crate::settings::api_set_route, crate::settings::api_delete_route,
        crate::visits::api_list, crate::visits::api_create,
        crate::meetings::api_list, crate::meetings::api_create, crate::meetings::api_get,
        crate::meetings::api_decision, crate::meetings::api_action_item,
        crate::supervision::api_overdue, crate::supervision::stats::api_stats,
        crate::evaluations::api_list, crate::evaluations::api_create, crate::evaluations::api_get,
        crate::evaluations::api_settings, crate::evaluations::api_action, crate::evaluations::api_submit,
        crate::evaluations::api_ballots, crate::evaluations::api_veto, crate::evaluations::api_lift,
        crate::evaluations::api_objection, crate::evaluations::api_answer, crate::evaluations::api_results,
        crate::per_mu::api_data, crate::per_mu::api_list, crate::per_mu::api_create, crate::per_mu::api_get,
        crate::per_mu::api_action, crate::per_mu::api_results, crate::per_mu::api_credit_events,
        crate::power::api_accounts, crate::power::api_create_plan, crate::power::api_plans, crate::power::api_plan,
        crate::power::api_issue, crate::power::api_update_plan,
        crate::financing::api_post, crate::financing::api_needs, crate::financing::api_need, crate::financing::api_claim,
        crate::financing::api_choose, crate::financing::api_outcome, crate::financing::api_stats,
        crate::financing::followup::api_overdue, crate::financing::followup::api_remind,
        crate::fiscal::api_programmes, crate::fiscal::api_create, crate::fiscal::api_programme, crate::fiscal::api_experts,
        crate::fiscal::api_action, crate::fiscal::api_results, crate::fiscal::api_applications, crate::fiscal::api_apply,
        crate::fiscal::api_objection, crate::fiscal::api_application, crate::fiscal::api_review, crate::fiscal::api_score,
        crate::fiscal::api_deduction, crate::fiscal::api_payment, crate::fiscal::api_performance,
        crate::policies::api_create, crate::policies::api_publish, crate::policies::api_list, crate::policies::api_get,
        crate::policies::api_matches
    ),
    components(schemas(
        ApiLogin, ApiToken, ErrorBody, FieldErrorBody, UnitJson, crate::org::UnitIn, crate::org::UnitPut, GroupJson, GroupUnitJson, CampaignJson, TargetJson, UserJson, AwardJson,
        crate::targets::Dashboard, crate::targets::DashboardTarget, crate::targets::Breakdowns, crate::targets::PartJson,
        crate::projects::ProjectIn, crate::projects::ProjectJson, crate::projects::ProgressIn, crate::projects::UpsertJson,
        crate::land::ParcelJson,
        crate::enterprises::EnterpriseIn, crate::enterprises::EnterpriseJson, crate::enterprises::StatIn, crate::enterprises::BrandIn,
        crate::requests::RequestJson, crate::requests::StepJson, crate::requests::RequestDetailJson, crate::requests::EventJson,
        crate::requests::SubmitIn, crate::requests::AttachmentIn, crate::requests::ActionIn, crate::requests::ExtensionIn,
        crate::requests::ExtensionDecisionIn,
        crate::inbox::NotificationJson, crate::inbox::NotificationCount, crate::inbox::NotificationsJson, crate::inbox::QuestionnaireJson,
        crate::settings::CalendarJson, crate::settings::CalendarYearSummary, crate::settings::CalendarYearJson, crate::settings::CalendarPut,
        crate::settings::CategoryJson, crate::settings::RouteJson, crate::settings::RouteIn,
        crate::visits::VisitJson, crate::visits::VisitIn,
        crate::meetings::MeetingIn, crate::meetings::MeetingJson, crate::meetings::MeetingDetailJson, crate::meetings::AgendaJson,
        crate::meetings::AttendeeJson, crate::meetings::DecisionIn, crate::meetings::DecisionJson, crate::meetings::ActionItemIn,
        crate::meetings::ActionItemJson,
        crate::supervision::OverdueJson, crate::supervision::OverdueItemJson, crate::supervision::OverdueStepJson, crate::supervision::UnitOverdueJson,
        crate::supervision::stats::StatsJson, crate::supervision::stats::StatRowJson, crate::supervision::stats::ShareJson,
        crate::evaluations::SettingsJson, crate::evaluations::RoundIn, crate::evaluations::RoundJson, crate::evaluations::VetoJson,
        crate::evaluations::RoundActionIn, crate::evaluations::BallotIn, crate::evaluations::SavedJson, crate::evaluations::BallotJson,
        crate::evaluations::BallotsJson, crate::evaluations::VetoIn, crate::evaluations::ObjectionIn, crate::evaluations::CreatedJson,
        crate::evaluations::AnswerIn, crate::evaluations::GroupScoreJson, crate::evaluations::ScoreJson,
        crate::evaluations::UnitResultJson, crate::evaluations::ResultsJson,
        crate::per_mu::PerMuDataIn, crate::per_mu::WrittenJson, crate::per_mu::PerMuEvaluationJson, crate::per_mu::PerMuEvaluationIn,
        crate::per_mu::PerMuActionIn, crate::per_mu::PerMuItemJson, crate::per_mu::PerMuResultsJson, crate::per_mu::CreditEventIn,
        crate::power::AccountIn, crate::power::AccountsWritten, crate::power::SlotIn, crate::power::PlanIn,
        crate::power::AssignmentJson, crate::power::SlotJson, crate::power::PlanJson, crate::power::PlanSlotsIn,
        crate::financing::NeedIn, crate::financing::ClaimJson, crate::financing::OutcomeJson, crate::financing::NeedJson,
        crate::financing::ChooseIn, crate::financing::OutcomeIn, crate::financing::FinShareJson, crate::financing::FinStatJson,
        crate::financing::FinStatsJson, crate::financing::ReminderJson, crate::financing::followup::OverdueNeedJson,
        crate::financing::followup::RemindIn, crate::financing::followup::RemindedJson,
        crate::fiscal::ProgrammeIn, crate::fiscal::CriterionJson, crate::fiscal::ProgrammeJson, crate::fiscal::ApplicationJson,
        crate::fiscal::ExpertsIn, crate::fiscal::FiscalActionIn, crate::fiscal::FiscalResultItemJson, crate::fiscal::FiscalResultsJson,
        crate::fiscal::FiscalAttachmentIn, crate::fiscal::ApplicationIn, crate::fiscal::ReviewIn, crate::fiscal::ScoresIn,
        crate::fiscal::DeductionIn, crate::fiscal::PaymentIn, crate::fiscal::PerformanceIn, crate::fiscal::FiscalObjectionIn,
        crate::fiscal::FiscalCreatedJson,
        crate::policies::AppliesToJson, crate::policies::PolicyIn, crate::policies::PolicyJson, crate::policies::MatchJson
    )),
    modifiers(&BearerAuth, &ErrorResponses)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Declares on every operation the errors any API call can meet, so the
/// document lists every status a caller can get: 400 (a malformed query,
/// path or body), 401, 403, 404, 409 on writes, 413 and 415 with a body,
/// 422 (a field refused, including the input bounds), all as [`ErrorBody`].
struct ErrorResponses;

impl utoipa::Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |what: &str| {
            ResponseBuilder::new()
                .description(what)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            if path == "/api/openapi.json" {
                continue;
            }
            let ops = [
                (&mut item.get, false),
                (&mut item.post, true),
                (&mut item.put, true),
                (&mut item.delete, true),
                (&mut item.patch, true),
            ];
            for (op, write) in ops {
                let Some(op) = op.as_mut() else { continue };
                let mut add = vec![
                    ("400", "请求格式有误"),
                    ("401", "未登录"),
                    ("403", "无权操作"),
                    ("404", "找不到"),
                    ("422", "输入有误（字段见 fields）"),
                ];
                if write {
                    add.push(("409", "与现有数据冲突或状态不允许"));
                }
                if op.request_body.is_some() {
                    add.push(("413", "请求内容过大"));
                    add.push(("415", "请求体须为 JSON"));
                }
                for (status, what) in add {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error(what).into());
                }
            }
        }
    }
}

/// The OpenAPI document, for generated clients and for reading.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "this document", content_type = "application/json", body = Object)))]
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

/// The OpenAPI document as served.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// Exchanges a username and password for an API token.
#[utoipa::path(post, path = "/api/v1/login", request_body = ApiLogin, tag = "auth",
    responses((status = 200, body = ApiToken), (status = 401, body = ErrorBody)))]
#[allow(dead_code)]
fn api_login_doc() {}

#[derive(Serialize, ToSchema)]
struct UserJson {
    id: i64,
    username: String,
    display_name: String,
    /// admin, unit, leader or enterprise.
    role: String,
    unit_code: Option<String>,
    enterprise_code: Option<String>,
    active: bool,
}

impl From<store::users::User> for UserJson {
    fn from(u: store::users::User) -> Self {
        UserJson {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.as_str().into(),
            unit_code: u.unit_code,
            enterprise_code: u.enterprise_code,
            active: u.active,
        }
    }
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserJson), (status = 401, body = ErrorBody)))]
async fn me(ApiUser(u): ApiUser) -> Json<UserJson> {
    Json(u.into())
}

/// Every user (admins and leaders only).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = Vec<UserJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn users(
    State(st): State<Shared>,
    _u: ApiCan<need::Oversee>,
) -> Result<Json<Vec<UserJson>>, ApiError> {
    Ok(Json(
        st.store
            .users()
            .await?
            .into_iter()
            .map(UserJson::from)
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct UnitJson {
    code: String,
    name: String,
    /// township, sub_district, development_zone, department, financial_institution,
    /// power_company, industry_association or other.
    kind: String,
    parent_code: Option<String>,
    /// A stand-in the office is expected to rename.
    placeholder: bool,
    note: String,
    /// False once the office retires the unit (kept on its records, gone from pickers).
    active: bool,
}

impl From<store::org::Unit> for UnitJson {
    fn from(u: store::org::Unit) -> Self {
        UnitJson {
            code: u.code,
            name: u.name,
            kind: u.kind.as_str().into(),
            parent_code: u.parent_code,
            placeholder: u.placeholder,
            note: u.note,
            active: u.active,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UnitsQuery {
    /// Only units of this kind.
    kind: Option<String>,
}

/// Every org unit, in configured order.
#[utoipa::path(get, path = "/api/v1/units", tag = "organisation", params(UnitsQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<UnitJson>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn units(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Query(q): Query<UnitsQuery>,
) -> Result<Json<Vec<UnitJson>>, ApiError> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            k.parse::<UnitKind>()
                .map_err(|e| AppError::BadRequest(e.to_string()))?,
        ),
        None => None,
    };
    let units = st.store.units().await?;
    Ok(Json(
        units
            .into_iter()
            .filter(|u| kind.is_none_or(|k| u.kind == k))
            .map(UnitJson::from)
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
struct GroupUnitJson {
    code: String,
    name: String,
}

#[derive(Serialize, ToSchema)]
struct GroupJson {
    code: String,
    name: String,
    duties: String,
    lead_units: Vec<GroupUnitJson>,
    participating_units: Vec<GroupUnitJson>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct GroupsQuery {
    /// The campaign; default the current one.
    campaign_id: Option<i64>,
}

/// The working groups of a campaign with lead and participating units and duties.
#[utoipa::path(get, path = "/api/v1/working-groups", tag = "organisation", params(GroupsQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<GroupJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn working_groups(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Query(q): Query<GroupsQuery>,
) -> Result<Json<Vec<GroupJson>>, ApiError> {
    let id = match q.campaign_id {
        Some(id) => st.store.campaign(id).await?.map(|c| c.id),
        None => st.store.current_campaign().await?.map(|c| c.id),
    }
    .ok_or_else(|| AppError::NotFound("该活动".into()))?;
    let conv = |v: Vec<store::org::GroupUnit>| {
        v.into_iter()
            .map(|u| GroupUnitJson {
                code: u.code,
                name: u.name,
            })
            .collect()
    };
    Ok(Json(
        st.store
            .working_groups(id)
            .await?
            .into_iter()
            .map(|g| GroupJson {
                code: g.code,
                name: g.name,
                duties: g.duties,
                lead_units: conv(g.leads),
                participating_units: conv(g.participants),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
struct AwardJson {
    rank: i64,
    name: String,
    /// null means "若干名", set at evaluation.
    winners: Option<i64>,
    amount_yuan: i64,
}

#[derive(Serialize, ToSchema)]
struct CampaignJson {
    id: i64,
    code: String,
    year: i32,
    title: String,
    issuing_body: String,
    document_number: String,
    issued_on: String,
    division_code: String,
    leader_head: String,
    leader_deputies: Vec<String>,
    office_unit_code: Option<String>,
    joint_meeting_name: String,
    member_unit_codes: Vec<String>,
    awards: Vec<AwardJson>,
}

/// Every campaign, newest first, with its leadership and award scheme.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns", security(("bearer" = [])),
    responses((status = 200, body = Vec<CampaignJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn campaigns(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
) -> Result<Json<Vec<CampaignJson>>, ApiError> {
    let mut out = Vec::new();
    for c in st.store.campaigns().await? {
        let members = st
            .store
            .campaign_members(c.id)
            .await?
            .into_iter()
            .map(|m| m.code)
            .collect();
        let awards = st
            .store
            .award_tiers(c.id)
            .await?
            .into_iter()
            .map(|a| AwardJson {
                rank: a.rank,
                name: a.name,
                winners: a.winners,
                amount_yuan: a.amount_yuan,
            })
            .collect();
        out.push(CampaignJson {
            id: c.id,
            code: c.code,
            year: c.year,
            title: c.title,
            issuing_body: c.issuing_body,
            document_number: c.document_number,
            issued_on: c.issued_on,
            division_code: c.division_code,
            leader_head: c.leader_head,
            leader_deputies: c.leader_deputies,
            office_unit_code: c.office_unit,
            joint_meeting_name: c.joint_meeting_name,
            member_unit_codes: members,
            awards,
        });
    }
    Ok(Json(out))
}

#[derive(Serialize, ToSchema)]
struct TargetJson {
    code: String,
    name: String,
    description: String,
    /// growth, sum, count or cohort_rate.
    kind: String,
    /// The formula's parameters (including `kind`).
    #[schema(value_type = Object)]
    formula: serde_json::Value,
    /// A ratio as a fraction (0.14 for 14%), yuan, or a count.
    target_value: f64,
    /// ratio, yuan or count.
    unit: String,
    working_group_code: Option<String>,
    responsible_unit_codes: Vec<String>,
}

/// The targets of a campaign.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/targets", tag = "campaigns", params(("id" = i64, Path, description = "campaign id")),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<TargetJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn targets(
    State(st): State<Shared>,
    _u: ApiCan<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Json<Vec<TargetJson>>, ApiError> {
    st.store
        .campaign(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的活动")))?;
    Ok(Json(
        st.store
            .targets(id)
            .await?
            .into_iter()
            .map(|t| TargetJson {
                kind: t.formula.kind().into(),
                formula: serde_json::to_value(&t.formula).unwrap_or_default(),
                target_value: t.value.as_f64(),
                unit: t.value.unit.as_str().into(),
                code: t.code,
                name: t.name,
                description: t.description,
                working_group_code: t.working_group_code,
                responsible_unit_codes: t.responsible_units.into_iter().map(|(c, _)| c).collect(),
            })
            .collect(),
    ))
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
