//! The campaign: its document, leadership, awards and targets (admins edit).

use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::campaign::{AwardTier, Formula};
use domain::format::{money, mu};
use domain::users::FieldError;
use serde::Deserialize;
use store::campaigns::{Campaign, Target, TargetEdit};
use store::org::{Unit, WorkingGroup};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/campaign", get(campaign))
        .route("/campaign/source", get(source))
        .route("/campaign/awards/{rank}", post(award_edit))
        .route("/campaign/targets/{code}", get(target))
        .route(
            "/campaign/targets/{code}/edit",
            get(target_edit_page).post(target_edit),
        )
}

async fn current(st: &Shared) -> Result<Campaign, AppError> {
    st.store.current_campaign().await?.ok_or_else(|| {
        AppError::NotFound(
            "年度活动（请先运行 tuijin init --template longwan-2006 载入活动）".into(),
        )
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/campaign.html")]
struct CampaignPage {
    chrome: Chrome,
    c: Campaign,
    members: Vec<Unit>,
    awards: Vec<(AwardTier, String)>,
    targets: Vec<Target>,
    can_edit: bool,
}

async fn campaign(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
) -> Result<CampaignPage, AppError> {
    let c = current(&st).await?;
    let awards = st.store.award_tiers(c.id).await?.into_iter().map(|a| {
        let m = money(a.amount_yuan);
        (a, m)
    });
    Ok(CampaignPage {
        can_edit: page.is_admin(),
        chrome: page.chrome("campaign"),
        members: st.store.campaign_members(c.id).await?,
        awards: awards.collect(),
        targets: st.store.targets(c.id).await?,
        c,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/source.html")]
struct SourcePage {
    chrome: Chrome,
    c: Campaign,
    paragraphs: Vec<String>,
}

async fn source(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
) -> Result<SourcePage, AppError> {
    let c = current(&st).await?;
    let text = st.store.campaign_source(c.id).await?.unwrap_or_default();
    let paragraphs = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    Ok(SourcePage {
        chrome: page.chrome("campaign"),
        c,
        paragraphs,
    })
}

#[derive(Deserialize)]
struct AwardForm {
    winners: String,
    amount_yuan: String,
}

async fn award_edit(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(rank): Path<i64>,
    Form(f): Form<AwardForm>,
) -> Result<Response, AppError> {
    let c = current(&st).await?;
    let tier = st
        .store
        .award_tiers(c.id)
        .await?
        .into_iter()
        .find(|t| t.rank == rank)
        .ok_or_else(|| AppError::NotFound(format!("第 {rank} 等奖")))?;
    let mut errs = Vec::new();
    let winners = match f.winners.trim() {
        "" => None,
        w => match w.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                errs.push(FieldError::new(
                    "winners",
                    format!("{}名额须为非负整数，或留空表示“若干名”", tier.name),
                ));
                None
            }
        },
    };
    let amount = f
        .amount_yuan
        .trim()
        .replace(',', "")
        .parse::<i64>()
        .ok()
        .filter(|v| *v >= 0);
    if amount.is_none() {
        errs.push(FieldError::new(
            "amount_yuan",
            format!("{}奖金须为非负整数（元）", tier.name),
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let new = AwardTier {
        winners,
        amount_yuan: amount.unwrap_or(tier.amount_yuan),
        ..tier
    };
    st.store
        .update_award_tier(&page.user.actor(), c.id, &new)
        .await?;
    Ok(Redirect::to("/campaign#awards").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/target.html")]
struct TargetPage {
    chrome: Chrome,
    t: Target,
    params: Vec<(&'static str, String)>,
    can_edit: bool,
}

/// The formula's parameters in Chinese, for the target page.
fn formula_params(f: &Formula) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("计算方式", f.kind_label().to_string()),
        ("数据来源", f.data_needed().to_string()),
    ];
    match f {
        Formula::Count {
            threshold_yuan: Some(t),
            ..
        } => v.push(("销售额门槛", money(*t))),
        Formula::CohortRate {
            declared_count,
            declared_area_millimu,
            ..
        } => {
            if let Some(n) = declared_count {
                v.push(("文件申报的队列项目数", format!("{n} 个")));
            }
            if let Some(a) = declared_area_millimu {
                v.push(("文件申报的队列面积", format!("{} 亩", mu(*a))));
            }
        }
        _ => {}
    }
    v.push((
        "公式参数（JSON）",
        serde_json::to_string(f).unwrap_or_default(),
    ));
    v
}

async fn find_target(st: &Shared, code: &str) -> Result<(Campaign, Target), AppError> {
    let c = current(st).await?;
    let t = st
        .store
        .targets(c.id)
        .await?
        .into_iter()
        .find(|t| t.code == code)
        .ok_or_else(|| AppError::NotFound(format!("目标“{code}”")))?;
    Ok((c, t))
}

async fn target(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(code): Path<String>,
) -> Result<TargetPage, AppError> {
    let (_, t) = find_target(&st, &code).await?;
    Ok(TargetPage {
        can_edit: page.is_admin(),
        chrome: page.chrome("campaign"),
        params: formula_params(&t.formula),
        t,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/target_edit.html")]
struct TargetEditPage {
    chrome: Chrome,
    t: Target,
    groups: Vec<WorkingGroup>,
    name: String,
    description: String,
    target_value: String,
    working_group_code: String,
    errors: Vec<FieldError>,
}

impl TargetEditPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
    fn value_hint(&self) -> &'static str {
        match self.t.value.unit {
            domain::campaign::ValueUnit::Ratio => "比率：填 0.14 或 14%",
            domain::campaign::ValueUnit::Yuan => {
                "金额：以元为单位的整数，如 2310000000（23.1亿元）"
            }
            domain::campaign::ValueUnit::Count => "数量：非负整数",
        }
    }
}

async fn target_edit_page(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(code): Path<String>,
) -> Result<TargetEditPage, AppError> {
    let (c, t) = find_target(&st, &code).await?;
    Ok(TargetEditPage {
        chrome: page.chrome("campaign"),
        groups: st.store.working_groups(c.id).await?,
        name: t.name.clone(),
        description: t.description.clone(),
        target_value: t.value.edit_text(),
        working_group_code: t.working_group_code.clone().unwrap_or_default(),
        t,
        errors: vec![],
    })
}

#[derive(Deserialize)]
struct TargetForm {
    name: String,
    #[serde(default)]
    description: String,
    target_value: String,
    working_group_code: String,
}

async fn target_edit(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(code): Path<String>,
    Form(f): Form<TargetForm>,
) -> Result<Response, AppError> {
    let (c, t) = find_target(&st, &code).await?;
    let edit = TargetEdit {
        name: f.name.clone(),
        description: f.description.clone(),
        target_value: f.target_value.clone(),
        working_group_code: f.working_group_code.clone(),
    };
    match st
        .store
        .update_target(&page.user.actor(), c.id, &code, &edit)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/campaign/targets/{code}")).into_response()),
        Err(store::StoreError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            TargetEditPage {
                chrome: page.chrome("campaign"),
                groups: st.store.working_groups(c.id).await?,
                t,
                name: f.name,
                description: f.description,
                target_value: f.target_value,
                working_group_code: f.working_group_code,
                errors,
            },
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
