//! The orderly-power pages: periods and plans, a plan's page, the period
//! summary, the accounts.

use super::api::slots_of;
use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::power::{Account, time_text};
use domain::users::FieldError;
use office::xlsx::{Cell, Sheet};
use serde::Deserialize;
use std::collections::HashMap;
use store::power::{AccountRecord, PlanRecord, SummaryRow};

#[derive(Template, WebTemplate)]
#[template(path = "power/periods.html")]
pub struct PeriodsPage {
    chrome: Chrome,
    plans: Vec<PlanRecord>,
    is_admin: bool,
    today: String,
}

impl PeriodsPage {
    fn periods(&self) -> Vec<String> {
        let mut out: Vec<String> = vec![];
        for p in &self.plans {
            if !out.contains(&p.period) {
                out.push(p.period.clone());
            }
        }
        out
    }
}

pub async fn periods(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
) -> Result<PeriodsPage, AppError> {
    Ok(PeriodsPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("power"),
        plans: st.store.power_plans(None).await?,
        today: crate::layout::today().to_string(),
    })
}

/// The slots of a form's rows (start.N, end.N, gap.N, max.N; empty rows skipped).
fn form_slots(f: &HashMap<String, String>) -> Result<Vec<domain::power::Slot>, AppError> {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut rows = vec![];
    let mut errs = vec![];
    for n in 0..8 {
        let (s, e, g, m) = (
            get(&format!("start.{n}")),
            get(&format!("end.{n}")),
            get(&format!("gap.{n}")),
            get(&format!("max.{n}")),
        );
        if s.is_empty() && e.is_empty() && g.is_empty() && m.is_empty() {
            continue;
        }
        let num = |v: &str, field: &str, errs: &mut Vec<FieldError>| {
            v.parse::<i64>()
                .map_err(|_| errs.push(FieldError::new(field, "应为整数千瓦")))
                .unwrap_or(0)
        };
        let gap = num(&g, &format!("gap.{n}"), &mut errs);
        let max = num(&m, &format!("max.{n}"), &mut errs);
        rows.push((s, e, gap, max));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    slots_of(&rows)
}

/// Creates a plan from the form.
pub async fn create(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let slots = form_slots(&f)?;
    let p = st
        .store
        .create_power_plan(&page.user.actor(), &get("period"), &get("date"), &slots)
        .await?;
    Ok(Redirect::to(&format!("/power/plans/{}", p.id)).into_response())
}

/// Changes a draft plan's slots; the period's later drafts are recomputed.
pub async fn edit(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let slots = form_slots(&f)?;
    st.store
        .update_power_plan(&page.user.actor(), id, &slots)
        .await?;
    Ok(Redirect::to(&format!("/power/plans/{id}")).into_response())
}

/// A bar segment of the slot × class chart.
pub struct Segment {
    pub x: i64,
    pub width: i64,
    pub colour: &'static str,
    pub title: String,
}

/// One slot's row of the chart.
pub struct ChartRow {
    pub y: i64,
    pub label: String,
    pub segments: Vec<Segment>,
}

const CHART_W: i64 = 600;

fn chart(p: &PlanRecord) -> Vec<ChartRow> {
    let max = p
        .slots
        .iter()
        .map(|s| s.slot.gap_kw.max(s.shed_kw))
        .max()
        .unwrap_or(0)
        .max(1);
    let groups: [(&str, &str, &'static str); 7] = [
        ("R", "限制类", "#7f1d1d"),
        ("D", "D 类", "#dc2626"),
        ("C", "C 类", "#f97316"),
        ("", "T 类及未评价", "#a3a3a3"),
        ("B", "B 类", "#2563eb"),
        ("A", "A 类", "#16a34a"),
        ("U", "缺口未覆盖", "#e5e7eb"),
    ];
    p.slots
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let mut x = 0;
            let mut segments = vec![];
            for (key, label, colour) in groups {
                let kw: i64 = match key {
                    "R" => s
                        .assignments
                        .iter()
                        .filter(|a| a.restricted)
                        .map(|a| a.shed_kw)
                        .sum(),
                    "U" => s.uncovered_kw,
                    "" => s
                        .assignments
                        .iter()
                        .filter(|a| !a.restricted && (a.class.is_empty() || a.class == "T"))
                        .map(|a| a.shed_kw)
                        .sum(),
                    c => s
                        .assignments
                        .iter()
                        .filter(|a| !a.restricted && a.class == c)
                        .map(|a| a.shed_kw)
                        .sum(),
                };
                if kw > 0 {
                    let width = (kw * CHART_W / max).max(1);
                    segments.push(Segment {
                        x,
                        width,
                        colour,
                        title: format!("{label} {kw} 千瓦"),
                    });
                    x += width;
                }
            }
            ChartRow {
                y: k as i64 * 28,
                label: format!("{}–{}", time_text(s.slot.start), time_text(s.slot.end)),
                segments,
            }
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "power/plan.html")]
pub struct PlanPage {
    chrome: Chrome,
    p: PlanRecord,
    chart: Vec<ChartRow>,
    chart_h: i64,
    acks: Vec<String>,
    is_admin: bool,
}

impl PlanPage {
    fn t(&self, m: &i64) -> String {
        time_text(*m)
    }
    fn acked(&self, code: &str) -> bool {
        self.acks.iter().any(|c| c == code)
    }
    fn share(&self, gap: &i64, max: &i64) -> String {
        format!("{:.1}%", *gap as f64 * 100.0 / (*max).max(1) as f64)
    }
}

pub async fn plan(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<PlanPage, AppError> {
    let p = st
        .store
        .power_plan(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的有序用电方案")))?;
    let chart = chart(&p);
    Ok(PlanPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("power"),
        chart_h: chart.len() as i64 * 28 + 8,
        chart,
        acks: st.store.power_acks(id).await?,
        p,
    })
}

pub async fn issue(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    st.store.issue_power_plan(&page.user.actor(), id).await?;
    Ok(Redirect::to(&format!("/power/plans/{id}")).into_response())
}

/// Records an actual load (slot, account number, kW).
pub async fn actual(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let slot: i64 = get("slot")
        .parse()
        .map_err(|_| AppError::Invalid(vec![FieldError::new("slot", "请选择时段")]))?;
    let kw: i64 = get("actual_kw").parse().map_err(|_| {
        AppError::Invalid(vec![FieldError::new("actual_kw", "实际负荷应为整数千瓦")])
    })?;
    st.store
        .record_power_actual(&page.user.actor(), slot, &get("account_no"), kw)
        .await?;
    Ok(Redirect::to(&format!("/power/plans/{id}#assignments")).into_response())
}

/// Imports actual loads: the plan's export with 实际负荷 filled in; every row
/// or none (each must match an assignment of this issued plan).
pub async fn import_actuals(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let bytes = crate::imports::uploaded_bytes(&mut form).await?;
    let rows = office::power::read_actuals(&bytes).map_err(crate::imports::cell_errors)?;
    let plan = st
        .store
        .power_plan(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的有序用电方案")))?;
    let mut errs = vec![];
    let mut list = vec![];
    for r in &rows {
        match plan
            .slots
            .iter()
            .find(|s| s.slot.start == r.start && s.slot.end == r.end)
        {
            Some(s) if s.assignments.iter().any(|a| a.account_no == r.account_no) => {
                list.push((s.id, r.account_no.clone(), r.actual_kw))
            }
            Some(_) => errs.push(FieldError::new(
                &format!("第 {} 行“用户编号”", r.row),
                format!("该时段没有用户编号 {} 的错峰安排", r.account_no),
            )),
            None => errs.push(FieldError::new(
                &format!("第 {} 行“时段”", r.row),
                "本方案没有这个时段",
            )),
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    st.store
        .record_power_actuals(&page.user.actor(), id, &list)
        .await?;
    Ok(Redirect::to(&format!("/power/plans/{id}#assignments")).into_response())
}

/// The plan by account number and feeder, for the power company.
pub async fn export(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = st
        .store
        .power_plan(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的有序用电方案")))?;
    let headers = [
        "日期",
        "时段",
        "预警等级",
        "用户编号",
        "线路",
        "统一社会信用代码",
        "企业名称",
        "类别",
        "限制类",
        "错峰负荷（千瓦）",
        "实际负荷（千瓦）",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = vec![];
    for s in &p.slots {
        let mut list = s.assignments.clone();
        list.sort_by(|a, b| a.account_no.cmp(&b.account_no));
        for a in list {
            rows.push(vec![
                Cell::from(p.date.clone()),
                format!("{}–{}", time_text(s.slot.start), time_text(s.slot.end)).into(),
                s.level.label().into(),
                a.account_no.into(),
                a.feeder.into(),
                a.credit_code.into(),
                a.name.into(),
                a.class.into(),
                if a.restricted { "是" } else { "" }.into(),
                Cell::Int(a.shed_kw),
                a.actual_kw.map_or_else(|| Cell::from(""), Cell::Int),
            ]);
        }
    }
    let bytes = crate::layout::write_xlsx(&[Sheet {
        name: "错峰安排".into(),
        headers,
        rows,
    }])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        &format!("power-plan-{}.xlsx", p.date),
        &format!("{}{}错峰安排.xlsx", p.period, p.date),
    ))
}

#[derive(Deserialize, Default)]
pub struct SummaryQuery {
    period: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "power/summary.html")]
pub struct SummaryPage {
    chrome: Chrome,
    period: String,
    periods: Vec<String>,
    rows: Vec<SummaryRow>,
    /// Per class: (class, enterprises, min hours, max hours).
    spread: Vec<(String, usize, String, String)>,
}

fn hours(min: i64) -> String {
    format!("{}.{}", min / 60, (min % 60) * 10 / 60)
}

impl SummaryPage {
    fn kwh(&self, kw_min: &i64) -> String {
        domain::format::yuan_grouped(kw_min / 60)
    }
    fn h(&self, m: &i64) -> String {
        hours(*m)
    }
}

pub async fn summary(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<SummaryQuery>,
) -> Result<SummaryPage, AppError> {
    let periods = st.store.power_periods().await?;
    let period = q
        .period
        .filter(|p| !p.trim().is_empty())
        .or_else(|| periods.first().cloned())
        .unwrap_or_default();
    let rows = st.store.power_summary(&period).await?;
    let mut by_class: HashMap<String, Vec<i64>> = HashMap::new();
    for r in &rows {
        by_class
            .entry(if r.class.is_empty() {
                "未评价".into()
            } else {
                r.class.clone()
            })
            .or_default()
            .push(r.minutes);
    }
    let mut spread: Vec<(String, usize, String, String)> = by_class
        .into_iter()
        .map(|(c, v)| {
            (
                c,
                v.len(),
                hours(*v.iter().min().unwrap_or(&0)),
                hours(*v.iter().max().unwrap_or(&0)),
            )
        })
        .collect();
    spread.sort();
    Ok(SummaryPage {
        chrome: page.chrome("power"),
        period,
        periods,
        rows,
        spread,
    })
}

/// The period summary as a workbook.
pub async fn summary_export(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Query(q): Query<SummaryQuery>,
) -> Result<Response, AppError> {
    let period = match q.period.filter(|p| !p.trim().is_empty()) {
        Some(p) => p,
        None => st
            .store
            .power_periods()
            .await?
            .into_iter()
            .next()
            .unwrap_or_default(),
    };
    let rows = st
        .store
        .power_summary(&period)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.credit_code),
                r.name.into(),
                if r.class.is_empty() {
                    "未评价".to_string()
                } else {
                    r.class
                }
                .into(),
                Cell::Int(r.planned_kw_min / 60),
                hours(r.minutes).into(),
                Cell::Int(r.plans),
                Cell::Int(r.acknowledged),
                Cell::Int(r.not_complied),
            ]
        })
        .collect();
    let headers = [
        "统一社会信用代码",
        "企业名称",
        "类别",
        "错峰电量（千瓦时）",
        "错峰小时",
        "方案数",
        "已签收",
        "未执行时段",
    ]
    .map(String::from)
    .to_vec();
    let bytes = crate::layout::write_xlsx(&[Sheet {
        name: "汇总".into(),
        headers,
        rows,
    }])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "power-summary.xlsx",
        &format!("{period}汇总.xlsx"),
    ))
}

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    q: Option<String>,
    page: Option<i64>,
    saved: Option<usize>,
}

#[derive(Template, WebTemplate)]
#[template(path = "power/accounts.html")]
pub struct AccountsPage {
    chrome: Chrome,
    accounts: Vec<AccountRecord>,
    paging: Paging,
    q: String,
    is_admin: bool,
    saved: Option<usize>,
}

pub async fn accounts(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<AccountQuery>,
) -> Result<AccountsPage, AppError> {
    let filter = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (_, total) = st.store.power_accounts(filter, 0, 1).await?;
    let paging = Paging::new(q.page, 50, total);
    let (accounts, _) = st.store.power_accounts(filter, paging.offset(), 50).await?;
    Ok(AccountsPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("power"),
        accounts,
        paging,
        q: filter.unwrap_or("").to_string(),
        saved: q.saved,
    })
}

/// Adds or changes one account (upsert by account number).
pub async fn save_account(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut errs = vec![];
    let mut num = |k: &str| match get(k).as_str() {
        "" => 0,
        v => v
            .parse::<i64>()
            .map_err(|_| errs.push(FieldError::new(k, "应为整数千瓦")))
            .unwrap_or(0),
    };
    let a = Account {
        account_no: get("account_no"),
        credit_code: get("credit_code"),
        feeder: get("feeder"),
        contract_kw: num("contract_kw"),
        peak_kw: num("peak_kw"),
        security_kw: num("security_kw"),
        protected: f.contains_key("protected"),
        restricted: f.contains_key("restricted"),
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    st.store
        .upsert_power_accounts(&page.user.actor(), &[a])
        .await
        .map_err(|e| match e {
            store::StoreError::Invalid(errs) => AppError::Invalid(
                errs.into_iter()
                    .map(|x| FieldError::new(x.field.trim_start_matches("[0]."), x.message))
                    .collect(),
            ),
            e => e.into(),
        })?;
    Ok(Redirect::to("/power/accounts?saved=1").into_response())
}

pub async fn accounts_template(_page: Can<need::Administer>) -> Result<Response, AppError> {
    let bytes = office::power::template().map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "power-accounts-template.xlsx",
        "用电户导入模板.xlsx",
    ))
}

/// Imports the power company's workbook: every account or none.
pub async fn import_accounts(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let bytes = crate::imports::uploaded_bytes(&mut form).await?;
    let rows = office::power::read(&bytes).map_err(crate::imports::cell_errors)?;
    let accounts: Vec<Account> = rows.iter().map(|r| r.account.clone()).collect();
    let n = st
        .store
        .upsert_power_accounts(&page.user.actor(), &accounts)
        .await
        .map_err(|e| match e {
            store::StoreError::Invalid(errs) => AppError::Invalid(
                errs.into_iter()
                    .map(|f| {
                        let i = f
                            .field
                            .trim_start_matches('[')
                            .split(']')
                            .next()
                            .and_then(|i| i.parse::<usize>().ok());
                        let at = i
                            .and_then(|i| rows.get(i))
                            .map(|r| format!("第 {} 行", r.row))
                            .unwrap_or_else(|| f.field.clone());
                        FieldError::new(&at, f.message)
                    })
                    .collect(),
            ),
            e => e.into(),
        })?;
    Ok(Redirect::to(&format!("/power/accounts?saved={n}")).into_response())
}
