//! The rounds list and a round's page: settings, lifecycle, progress, the
//! results table, vetoes, objections during the 公示; a unit's own scores
//! and comments (without respondents' names); the results as xlsx.

use super::{act, reads_results, results_of, round_or_404};
use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::evaluation::round::{UnitRow, prize_label};
use domain::evaluation::{Action, Group, RoundResults, RoundStatus, Score, Settings};
use domain::users::{FieldError, Role};
use office::xlsx::{Cell, Sheet};
use serde::Deserialize;
use std::collections::HashMap;
use store::evaluations::{BallotFilter, BallotRecord, Objection, Progress, Round, RoundRow, Veto};
use store::org::Unit;
use store::requests::Viewer;

/// A score for people: "83.33", or "—" when none.
pub(crate) fn shown(s: Option<Score>) -> String {
    s.map_or_else(|| "—".into(), |x| x.display())
}

/// One line of the results table, ready to show.
pub struct RowView {
    pub unit: String,
    pub name: String,
    pub enterprise: String,
    pub enterprise_ballots: i64,
    pub grassroots: String,
    pub grassroots_ballots: i64,
    pub service: String,
    pub service_sample: String,
    pub targets: String,
    pub targets_sample: String,
    pub composite: String,
    pub rank: String,
    pub veto: Option<String>,
    pub prize: String,
    pub amount: String,
}

impl RowView {
    pub fn of(u: &UnitRow) -> RowView {
        RowView {
            unit: u.unit.clone(),
            name: u.name.clone(),
            enterprise: shown(u.enterprise),
            enterprise_ballots: u.enterprise_ballots,
            grassroots: shown(u.grassroots),
            grassroots_ballots: u.grassroots_ballots,
            service: shown(u.service),
            service_sample: format!(
                "按时办结 {}/{}，满意 {}/{}",
                u.on_time.count, u.on_time.sample, u.satisfied.count, u.satisfied.sample
            ),
            targets: shown(u.targets),
            targets_sample: format!("完成 {}/{}", u.targets_achieved, u.targets_count),
            composite: shown(u.composite),
            rank: u.rank.map_or_else(|| "样本不足".into(), |r| r.to_string()),
            veto: u.veto.clone(),
            prize: u.prize.map(prize_label).unwrap_or("").into(),
            amount: if u.amount_yuan > 0 {
                domain::format::yuan_grouped(u.amount_yuan)
            } else {
                String::new()
            },
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/list.html")]
pub struct ListPage {
    chrome: Chrome,
    rounds: Vec<RoundRow>,
    is_admin: bool,
    title: String,
    errors: Vec<FieldError>,
}

pub async fn list(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
) -> Result<ListPage, AppError> {
    let c = crate::bulletins::current(&st).await?;
    Ok(ListPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("evaluations"),
        rounds: st.store.rounds(Some(c.id)).await?,
        title: format!("{}年度部门服务评议", c.year),
        errors: vec![],
    })
}

/// The default settings of a new round: the rules' defaults, with the prize
/// counts the campaign's award scheme fixes (the third prize is "若干").
pub async fn default_settings(st: &Shared, campaign_id: i64) -> Result<Settings, AppError> {
    let mut s = Settings::default();
    for t in st.store.award_tiers(campaign_id).await? {
        match (t.rank, t.winners) {
            (1, Some(n)) => s.prizes.first_count = n,
            (2, Some(n)) => s.prizes.second_count = n,
            (3, Some(n)) => s.prizes.third_count = n,
            _ => {}
        }
    }
    Ok(s)
}

pub async fn create(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let c = crate::bulletins::current(&st).await?;
    let title = f.get("title").cloned().unwrap_or_default();
    let s = default_settings(&st, c.id).await?;
    match st
        .store
        .create_round(&page.user.actor(), c.id, &title, &s)
        .await
    {
        Ok(r) => Ok(Redirect::to(&format!("/evaluations/{}", r.id)).into_response()),
        Err(store::StoreError::Invalid(errors)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            ListPage {
                is_admin: true,
                chrome: page.chrome("evaluations"),
                rounds: st.store.rounds(Some(c.id)).await?,
                title,
                errors,
            },
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/round.html")]
pub struct RoundPage {
    chrome: Chrome,
    round: Round,
    is_admin: bool,
    /// The user's own unit, when a member unit may lodge objections.
    own_unit: Option<String>,
    settings_errors: Vec<FieldError>,
    progress: Progress,
    results: Option<Vec<RowView>>,
    total_awarded: String,
    vetoes: Vec<Veto>,
    objections: Vec<Objection>,
    units: Vec<Unit>,
    /// Every member unit (the settings choose which are evaluated).
    all_members: Vec<Unit>,
    actions: Vec<Action>,
    today: String,
    flash: String,
    /// A township's user while the round is open: the questionnaire link.
    answers: bool,
}

impl RoundPage {
    fn s(&self) -> &Settings {
        &self.round.settings
    }
    fn excluded(&self, code: &str) -> bool {
        self.round.settings.excluded_units.iter().any(|c| c == code)
    }
    fn as_of(&self) -> String {
        self.round
            .settings
            .as_of
            .map(|d| d.to_string())
            .unwrap_or_default()
    }
    fn min_prize(&self) -> String {
        self.round
            .settings
            .min_prize_score
            .map(|d| d.to_string())
            .unwrap_or_default()
    }
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.settings_errors, field)
    }
    fn date(d: &Option<chrono::NaiveDate>) -> String {
        d.map(|x| x.to_string()).unwrap_or_else(|| "—".into())
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    done: Option<String>,
}

async fn round_page(
    st: &Shared,
    page: &crate::auth::Page,
    round: Round,
    settings_errors: Vec<FieldError>,
    flash: String,
) -> Result<RoundPage, AppError> {
    let results = if reads_results(&page.user, &round) {
        Some(results_of(st, &round).await?)
    } else {
        None
    };
    let own_unit = (page.user.role == Role::Unit && round.status == RoundStatus::Publicized)
        .then(|| page.user.unit_code.clone())
        .flatten();
    let objections = match page.user.role {
        Role::Admin | Role::Leader => st.store.objections(round.id, None).await?,
        Role::Unit => match &page.user.unit_code {
            Some(u) => st.store.objections(round.id, Some(u)).await?,
            None => vec![],
        },
        Role::Enterprise | Role::Expert => vec![],
    };
    let actions = if page.is_admin() {
        Action::ALL
            .into_iter()
            .filter(|a| a.from() == round.status)
            .collect()
    } else {
        vec![]
    };
    let answers = round.status == RoundStatus::Open
        && super::respondent_of(&page.user, &st.store.grassroots_units().await?).is_some();
    Ok(RoundPage {
        answers,
        is_admin: page.is_admin(),
        chrome: page.chrome("evaluations"),
        own_unit,
        settings_errors,
        progress: st.store.round_progress(&round).await?,
        total_awarded: results
            .as_ref()
            .map(|r| domain::format::yuan_grouped(r.total_awarded_yuan))
            .unwrap_or_default(),
        results: results.map(|r| r.units.iter().map(RowView::of).collect()),
        vetoes: st.store.vetoes(round.id).await?,
        objections,
        units: st.store.evaluated_units(&round).await?,
        all_members: st.store.campaign_members(round.campaign_id).await?,
        actions,
        today: crate::layout::today().to_string(),
        flash,
        round,
    })
}

pub async fn show(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<RoundPage, AppError> {
    let round = round_or_404(&st, id).await?;
    let flash = match q.done.as_deref() {
        Some("settings") => "设置已保存。",
        Some("open") => "评议已开始：企业和镇街可以填写评议票了。",
        Some("close") => "评议已截止。",
        Some("publish") => "评议结果已公示。",
        Some("finalize") => "评议已定稿，结果已冻结。",
        Some("veto") => "已记录一票否决。",
        Some("lift") => "已撤销一票否决。",
        Some("objection") => "异议已提交，活动办公室将答复。",
        Some("answer") => "已答复异议。",
        _ => "",
    };
    round_page(&st, &page, round, vec![], flash.into()).await
}

/// Reads the settings form onto the round's current settings.
fn settings_from_form(
    base: &Settings,
    f: &HashMap<String, String>,
    units: &[Unit],
) -> Result<Settings, Vec<FieldError>> {
    let mut errs = vec![];
    let mut s = base.clone();
    let mut int = |name: &str, label: &str, slot: &mut i64| {
        if let Some(v) = f.get(name).map(|v| v.trim()) {
            match v.parse::<i64>() {
                Ok(n) => *slot = n,
                Err(_) => errs.push(FieldError::new(name, format!("{label}应为整数"))),
            }
        }
    };
    int(
        "weights.enterprise",
        "企业评议权重",
        &mut s.weights.enterprise,
    );
    int(
        "weights.grassroots",
        "基层评议权重",
        &mut s.weights.grassroots,
    );
    int("weights.service", "服务权重", &mut s.weights.service);
    int("weights.targets", "目标权重", &mut s.weights.targets);
    int(
        "level_scores.very_satisfied",
        "非常满意分值",
        &mut s.level_scores.very_satisfied,
    );
    int(
        "level_scores.satisfied",
        "满意分值",
        &mut s.level_scores.satisfied,
    );
    int(
        "level_scores.basic",
        "基本满意分值",
        &mut s.level_scores.basic,
    );
    int(
        "level_scores.dissatisfied",
        "不满意分值",
        &mut s.level_scores.dissatisfied,
    );
    int(
        "level_scores.very_dissatisfied",
        "非常不满意分值",
        &mut s.level_scores.very_dissatisfied,
    );
    int(
        "min_ballots.enterprise",
        "企业评议最少票数",
        &mut s.min_ballots.enterprise,
    );
    int(
        "min_ballots.grassroots",
        "基层评议最少票数",
        &mut s.min_ballots.grassroots,
    );
    int("trim_from", "去掉最高最低分的起始票数", &mut s.trim_from);
    int(
        "prizes.first_count",
        "一等奖名额",
        &mut s.prizes.first_count,
    );
    int(
        "prizes.second_count",
        "二等奖名额",
        &mut s.prizes.second_count,
    );
    int(
        "prizes.third_count",
        "三等奖名额",
        &mut s.prizes.third_count,
    );
    int("notice_days", "公示期", &mut s.notice_days);
    match f.get("min_prize_score").map(|v| v.trim()) {
        Some("") => s.min_prize_score = None,
        Some(v) => match v.parse() {
            Ok(n) => s.min_prize_score = Some(n),
            Err(_) => errs.push(FieldError::new(
                "min_prize_score",
                "获奖最低综合得分应为整数",
            )),
        },
        None => {}
    }
    match f.get("as_of").map(|v| v.trim()) {
        Some("") => s.as_of = None,
        Some(v) => match v.parse() {
            Ok(d) => s.as_of = Some(d),
            Err(_) => errs.push(FieldError::new("as_of", "日期格式应为 YYYY-MM-DD")),
        },
        None => {}
    }
    if f.contains_key("units_listed") {
        s.excluded_units = units
            .iter()
            .filter(|u| !f.contains_key(&format!("unit.{}", u.code)))
            .map(|u| u.code.clone())
            .collect();
    }
    if errs.is_empty() { Ok(s) } else { Err(errs) }
}

pub async fn settings(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let round = round_or_404(&st, id).await?;
    let members = st.store.campaign_members(round.campaign_id).await?;
    let result = match settings_from_form(&round.settings, &f, &members) {
        Ok(s) => {
            st.store
                .update_round_settings(&page.user.actor(), id, &s)
                .await
        }
        Err(errs) => Err(store::StoreError::Invalid(errs)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/evaluations/{id}?done=settings")).into_response()),
        Err(store::StoreError::Invalid(errs)) => {
            let mut p = round_page(&st, &page, round, errs, String::new()).await?;
            p.flash = "设置未保存，请按提示修改。".into();
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn action(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let a = f.get("action").map(String::as_str).unwrap_or("");
    let action = Action::parse(a).ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new(
            "action",
            "操作应为 open、close、publish 或 finalize",
        )])
    })?;
    act(
        &st,
        &page.user.actor(),
        id,
        action,
        f.get("on").map(String::as_str),
    )
    .await?;
    Ok(Redirect::to(&format!("/evaluations/{id}?done={}", action.as_str())).into_response())
}

pub async fn veto(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    st.store
        .set_veto(&page.user.actor(), id, &get("unit"), &get("reason"))
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{id}?done=veto")).into_response())
}

pub async fn lift_veto(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path((id, unit)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    st.store.lift_veto(&page.user.actor(), id, &unit).await?;
    Ok(Redirect::to(&format!("/evaluations/{id}?done=lift")).into_response())
}

pub async fn objection(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let unit = match page.user.role {
        Role::Unit => page.user.unit_code.clone().unwrap_or_default(),
        _ => get("unit"),
    };
    st.store
        .lodge_objection(
            &Viewer::of(&page.user),
            id,
            &unit,
            &get("reason"),
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{id}?done=objection")).into_response())
}

pub async fn answer(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path((id, oid)): Path<(i64, i64)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let text = f.get("answer").cloned().unwrap_or_default();
    st.store
        .answer_objection(&page.user.actor(), id, oid, &text)
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{id}?done=answer")).into_response())
}

/// The results as a workbook: every component with its sample.
pub fn results_sheet(round: &Round, r: &RoundResults) -> Sheet {
    let headers = [
        "名次",
        "单位代码",
        "单位",
        "企业评议得分",
        "企业评议票数",
        "基层评议得分",
        "基层评议票数",
        "服务得分",
        "按时办结",
        "满意",
        "目标得分",
        "目标完成",
        "综合得分",
        "一票否决",
        "奖项",
        "奖金（元）",
    ]
    .map(String::from)
    .to_vec();
    let mut rows: Vec<Vec<Cell>> = r
        .units
        .iter()
        .map(|u| {
            vec![
                u.rank
                    .map_or_else(|| Cell::from("样本不足"), |x| Cell::Int(x as i64)),
                u.unit.clone().into(),
                u.name.clone().into(),
                shown(u.enterprise).into(),
                Cell::Int(u.enterprise_ballots),
                shown(u.grassroots).into(),
                Cell::Int(u.grassroots_ballots),
                shown(u.service).into(),
                format!("{}/{}", u.on_time.count, u.on_time.sample).into(),
                format!("{}/{}", u.satisfied.count, u.satisfied.sample).into(),
                shown(u.targets).into(),
                format!("{}/{}", u.targets_achieved, u.targets_count).into(),
                shown(u.composite).into(),
                u.veto.clone().unwrap_or_default().into(),
                u.prize.map(prize_label).unwrap_or("").into(),
                Cell::Int(u.amount_yuan),
            ]
        })
        .collect();
    let mut total = vec![Cell::from(""); 16];
    total[2] = "奖金合计".into();
    total[15] = Cell::Int(r.total_awarded_yuan);
    rows.push(total);
    let _ = round;
    Sheet {
        name: "评议结果".into(),
        headers,
        rows,
    }
}

pub async fn export(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let round = round_or_404(&st, id).await?;
    if !reads_results(&page.user, &round) {
        return Err(AppError::Denied(
            "评议结果公示前仅活动办公室和领导可以查看".into(),
        ));
    }
    let r = results_of(&st, &round).await?;
    let bytes = crate::layout::write_xlsx(&[results_sheet(&round, &r)])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "evaluation-results.xlsx",
        &format!("{}结果.xlsx", round.title),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/unit.html")]
pub struct UnitPage {
    chrome: Chrome,
    round: Round,
    row: RowView,
    ballots: Vec<BallotRecord>,
    total: i64,
    counts: Vec<(String, i64, i64)>,
}

/// A unit's scores and the comments behind them, without respondents'
/// names: the unit itself once published, the office and leaders always.
pub async fn unit_page(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path((id, code)): Path<(i64, String)>,
) -> Result<UnitPage, AppError> {
    let round = round_or_404(&st, id).await?;
    let allowed = match page.user.role {
        Role::Admin | Role::Leader => true,
        Role::Unit => {
            page.user.unit_code.as_deref() == Some(code.as_str()) && round.status.published()
        }
        Role::Enterprise | Role::Expert => false,
    };
    if !allowed {
        return Err(AppError::Denied(
            "单位只能在公示后查看本单位的评议得分和意见".into(),
        ));
    }
    let results = results_of(&st, &round).await?;
    let row = results
        .units
        .iter()
        .find(|u| u.unit == code)
        .map(RowView::of)
        .ok_or_else(|| AppError::NotFound(format!("本次评议的被评议单位“{code}”")))?;
    let (ballots, total) = st
        .store
        .ballots(
            id,
            &BallotFilter {
                unit: Some(code.clone()),
                limit: 1000,
                ..BallotFilter::default()
            },
        )
        .await?;
    let counts = domain::evaluation::Level::ALL
        .iter()
        .map(|l| {
            let n = |g: Group| {
                ballots
                    .iter()
                    .filter(|b| b.level == *l && b.group == g)
                    .count() as i64
            };
            (
                l.label().to_string(),
                n(Group::Enterprise),
                n(Group::Grassroots),
            )
        })
        .collect();
    // Respondents stay anonymous here: only levels and comments are shown.
    let ballots = ballots
        .into_iter()
        .filter(|b| !b.comment.is_empty())
        .collect();
    Ok(UnitPage {
        chrome: page.chrome("evaluations"),
        round,
        row,
        ballots,
        total,
        counts,
    })
}
