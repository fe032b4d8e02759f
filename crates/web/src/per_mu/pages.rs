//! The evaluations and an evaluation's page: settings, lifecycle, the
//! 计算说明 (every benchmark with its sums), class counts per group and
//! township, the ranked table (filters and paging in the database, xlsx of
//! what is shown), the enterprises out of scope and why, objections, and
//! the class list for the power company and the tax office.

use super::{evaluation_or_404, indicator_display, points};
use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::per_mu::rules::Class;
use domain::per_mu::{Action, Evaluated, GroupKind, Indicator, Settings, Status};
use domain::users::FieldError;
use office::xlsx::{Cell, Sheet};
use serde::Deserialize;
use std::collections::HashMap;
use store::per_mu::{ClassCounts, PerMuEvaluation, PerMuObjection, ResultFilter};

const PER_PAGE: i64 = 50;

/// Takes a lifecycle step named by the API's word, on `on` (default today).
pub async fn act(
    st: &Shared,
    actor: &store::Actor,
    id: i64,
    action: &str,
    on: Option<&str>,
) -> Result<PerMuEvaluation, AppError> {
    let action = Action::parse(action).ok_or_else(|| {
        AppError::Invalid(vec![FieldError::new(
            "action",
            "操作应为 compute、publish 或 finalize",
        )])
    })?;
    let today = crate::layout::today();
    let on = crate::evaluations::action_date(on, today)?;
    let cal = st.store.calendar().await?;
    Ok(st
        .store
        .per_mu_action(actor, id, action, today, on, &cal)
        .await?)
}

#[derive(Template, WebTemplate)]
#[template(path = "per_mu/list.html")]
pub struct ListPage {
    chrome: Chrome,
    evaluations: Vec<PerMuEvaluation>,
    is_admin: bool,
    year: i32,
    errors: Vec<FieldError>,
}

pub async fn list(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
) -> Result<ListPage, AppError> {
    use chrono::Datelike;
    Ok(ListPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("per-mu"),
        evaluations: st.store.per_mu_evaluations().await?,
        year: crate::layout::today().year() - 1,
        errors: vec![],
    })
}

pub async fn create(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let year = f.get("year").and_then(|y| y.trim().parse::<i32>().ok());
    let result = match year {
        Some(y) => {
            st.store
                .create_per_mu_evaluation(&page.user.actor(), y, &Settings::default())
                .await
        }
        None => Err(store::StoreError::Invalid(vec![FieldError::new(
            "year",
            "请填写数据年度",
        )])),
    };
    match result {
        Ok(e) => Ok(Redirect::to(&format!("/per-mu/{}", e.id)).into_response()),
        Err(store::StoreError::Invalid(errors)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            ListPage {
                is_admin: true,
                chrome: page.chrome("per-mu"),
                evaluations: st.store.per_mu_evaluations().await?,
                year: year.unwrap_or(2006),
                errors,
            },
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// Which results the table shows.
#[derive(Deserialize, Default, Clone)]
pub struct ResultQuery {
    group: Option<String>,
    class: Option<String>,
    township: Option<String>,
    industry: Option<String>,
    q: Option<String>,
    page: Option<i64>,
    done: Option<String>,
}

impl ResultQuery {
    fn text(v: &Option<String>) -> &str {
        v.as_deref().map(str::trim).unwrap_or("")
    }
    pub fn group(&self) -> &str {
        Self::text(&self.group)
    }
    pub fn class(&self) -> &str {
        Self::text(&self.class)
    }
    pub fn township(&self) -> &str {
        Self::text(&self.township)
    }
    pub fn industry(&self) -> &str {
        Self::text(&self.industry)
    }
    pub fn q(&self) -> &str {
        Self::text(&self.q)
    }
    pub fn params(&self) -> String {
        [
            ("group", self.group()),
            ("class", self.class()),
            ("township", self.township()),
            ("industry", self.industry()),
            ("q", self.q()),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::org::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }
    fn filter(&self, offset: i64, limit: i64) -> Result<ResultFilter, AppError> {
        let mut errs = vec![];
        let group = match self.group() {
            "" => None,
            g => GroupKind::parse(g).or_else(|| {
                errs.push(FieldError::new("group", "分组应为 above 或 below"));
                None
            }),
        };
        let class = match self.class() {
            "" => None,
            c => Class::parse(c).or_else(|| {
                errs.push(FieldError::new("class", "类别应为 A、B、C、D 或 T"));
                None
            }),
        };
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Ok(ResultFilter {
            group,
            class,
            township: opt(self.township()),
            industry: opt(self.industry()),
            q: opt(self.q()),
            offset,
            limit,
        })
    }
}

/// One line of the ranked table.
pub struct Line {
    pub e: Evaluated,
    pub values: Vec<String>,
    pub scores: Vec<String>,
    pub total: String,
}

impl Line {
    fn of(e: Evaluated, columns: &[Indicator]) -> Line {
        Line {
            values: columns
                .iter()
                .map(|i| {
                    e.indicators
                        .get(i)
                        .map_or_else(|| "".into(), |v| indicator_display(*i, v))
                })
                .collect(),
            scores: columns
                .iter()
                .map(|i| {
                    e.scores
                        .get(i)
                        .map(|q| points(q.round4()))
                        .unwrap_or_default()
                })
                .collect(),
            total: e.total.map(points).unwrap_or_else(|| "—".into()),
            e,
        }
    }
}

/// A benchmark line of the 计算说明.
pub struct BenchLine {
    pub group: GroupKind,
    pub indicator: Indicator,
    pub weight: i64,
    pub value: String,
    pub sums: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "per_mu/evaluation.html")]
pub struct EvaluationPage {
    chrome: Chrome,
    e: PerMuEvaluation,
    is_admin: bool,
    bench: Vec<BenchLine>,
    counts: ClassCounts,
    columns: Vec<Indicator>,
    lines: Vec<Line>,
    paging: Paging,
    q: ResultQuery,
    townships: Vec<store::org::Unit>,
    objections: Vec<PerMuObjection>,
    today: String,
    flash: &'static str,
}

impl EvaluationPage {
    fn count(&self, g: &GroupKind, c: &Class) -> i64 {
        self.counts
            .by_group
            .iter()
            .find(|(x, y, _)| x == g && y == c)
            .map_or(0, |t| t.2)
    }
    fn township_count(&self, code: &str, c: &Class) -> i64 {
        self.counts
            .by_township
            .iter()
            .find(|(x, _, y, _)| x == code && y == c)
            .map_or(0, |t| t.3)
    }
    fn township_rows(&self) -> Vec<(String, String)> {
        let mut seen: Vec<(String, String)> = vec![];
        for (code, name, _, _) in &self.counts.by_township {
            if !seen.iter().any(|(c, _)| c == code) {
                seen.push((code.clone(), name.clone()));
            }
        }
        seen
    }
    fn classes(&self) -> [Class; 5] {
        Class::ALL
    }
    fn groups(&self) -> [GroupKind; 2] {
        GroupKind::ALL
    }
    fn date(d: &Option<chrono::NaiveDate>) -> String {
        d.map(|x| x.to_string()).unwrap_or_else(|| "—".into())
    }
    fn draft(&self) -> bool {
        self.e.status == Status::Draft
    }
    fn weight(&self, g: &GroupKind, i: &Indicator) -> String {
        self.e
            .settings
            .weights(*g)
            .get(i)
            .map(|w| w.to_string())
            .unwrap_or_default()
    }
    fn indicators(&self) -> [Indicator; 7] {
        Indicator::ALL
    }
    fn pts(&self, v: &i64) -> String {
        points(*v)
    }
    fn min_land(&self) -> String {
        domain::format::mu(self.e.settings.min_land_below_millimu)
    }
}

/// The benchmark lines of an evaluation.
pub fn bench_lines(e: &PerMuEvaluation) -> Vec<BenchLine> {
    let mut out = vec![];
    if let Some(b) = &e.benchmarks {
        for (g, per) in b {
            for (i, v) in per {
                let unit = i.unit();
                out.push(BenchLine {
                    group: *g,
                    indicator: *i,
                    weight: e.settings.weights(*g).get(i).copied().unwrap_or(0),
                    value: format!(
                        "{}{}",
                        indicator_display(*i, &v.value),
                        if *i == Indicator::RdRatio { "" } else { unit }
                    ),
                    sums: if v.overridden {
                        "活动办公室设定".into()
                    } else {
                        let (n, d, scale) = i.parts();
                        // Land is kept in thousandths of a mu: shown in 亩.
                        let den = if scale == 1000 {
                            domain::format::mu(v.denominator_sum as i64)
                        } else {
                            domain::format::yuan_grouped(v.denominator_sum as i64)
                        };
                        format!(
                            "{}合计 ÷ {}合计 = {} ÷ {}",
                            n.label(),
                            d.label(),
                            domain::format::yuan_grouped(
                                (v.numerator_sum / i128::from(scale)) as i64
                            ),
                            den
                        )
                    },
                });
            }
        }
    }
    out
}

pub async fn show(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
    Query(q): Query<ResultQuery>,
) -> Result<EvaluationPage, AppError> {
    let e = evaluation_or_404(&st, id).await?;
    let (_, total) = st.store.per_mu_results(id, &q.filter(0, 1)?).await?;
    let paging = Paging::new(q.page, PER_PAGE, total);
    let (items, _) = st
        .store
        .per_mu_results(id, &q.filter(paging.offset(), PER_PAGE)?)
        .await?;
    let columns: Vec<Indicator> = match GroupKind::parse(q.group()) {
        Some(g) => e.settings.weights(g).keys().copied().collect(),
        None => Indicator::ALL.to_vec(),
    };
    let flash = match q.done.as_deref() {
        Some("compute") => "已按当前数据重新计算。",
        Some("publish") => "评价结果已公示。",
        Some("finalize") => "评价已定稿，结果已冻结。",
        Some("settings") => "设置已保存，重新计算后生效。",
        Some("adjust") => "加减分已保存，重新计算后生效。",
        Some("answer") => "异议已处理。",
        _ => "",
    };
    Ok(EvaluationPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("per-mu"),
        bench: bench_lines(&e),
        counts: st.store.per_mu_counts(id).await?,
        lines: items.into_iter().map(|x| Line::of(x, &columns)).collect(),
        columns,
        paging,
        q,
        townships: st.store.grassroots_units().await?,
        objections: if page.is_admin() || page.user.role == domain::users::Role::Leader {
            st.store.per_mu_objections(id, None).await?
        } else {
            vec![]
        },
        today: crate::layout::today().to_string(),
        flash,
        e,
    })
}

pub async fn settings(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let e = evaluation_or_404(&st, id).await?;
    let mut s = e.settings.clone();
    let mut errs = vec![];
    let int = |k: &str, errs: &mut Vec<FieldError>| -> Option<i64> {
        let v = f.get(k)?.trim();
        if v.is_empty() {
            return Some(0);
        }
        v.parse()
            .map_err(|_| errs.push(FieldError::new(k, "应为整数")))
            .ok()
    };
    // A form without the weight table leaves weights and benchmarks alone.
    let table = f.keys().any(|k| k.starts_with("w."));
    for g in GroupKind::ALL.into_iter().filter(|_| table) {
        let mut weights = std::collections::BTreeMap::new();
        let mut overrides = std::collections::BTreeMap::new();
        for i in Indicator::ALL {
            if let Some(w) = int(&format!("w.{}.{}", g.as_str(), i.as_str()), &mut errs)
                && w != 0
            {
                weights.insert(i, w);
            }
            if let Some(b) = f
                .get(&format!("b.{}.{}", g.as_str(), i.as_str()))
                .map(|x| x.trim())
                .filter(|x| !x.is_empty())
            {
                overrides.insert(i, b.to_string());
            }
        }
        match g {
            GroupKind::Above => {
                s.weights_above = weights;
                s.benchmarks_above = overrides;
            }
            GroupKind::Below => {
                s.weights_below = weights;
                s.benchmarks_below = overrides;
            }
        }
    }
    if let Some(c) = f.get("cap") {
        s.cap = c.trim().to_string();
    }
    for (k, slot) in [
        ("shares.a", &mut s.shares.a),
        ("shares.ab", &mut s.shares.ab),
        ("shares.d", &mut s.shares.d),
        ("notice_days", &mut s.notice_days),
    ] {
        if let Some(v) = int(k, &mut errs) {
            *slot = v;
        }
    }
    if let Some(v) = f.get("min_land_below").map(|x| x.trim()) {
        match domain::format::parse_scaled(v, 3) {
            Ok(m) => s.min_land_below_millimu = m,
            Err(_) => errs.push(FieldError::new(
                "min_land_below",
                "规下企业最小用地面积应为亩数",
            )),
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    st.store
        .update_per_mu_settings(&page.user.actor(), id, &s)
        .await?;
    Ok(Redirect::to(&format!("/per-mu/{id}?done=settings")).into_response())
}

pub async fn action(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let a = f.get("action").map(String::as_str).unwrap_or("");
    act(
        &st,
        &page.user.actor(),
        id,
        a,
        f.get("on").map(String::as_str),
    )
    .await?;
    Ok(Redirect::to(&format!("/per-mu/{id}?done={a}")).into_response())
}

/// Points as people type them ("2.5") in ten-thousandths.
fn tt(s: &str, field: &str, errs: &mut Vec<FieldError>) -> i64 {
    if s.trim().is_empty() {
        return 0;
    }
    domain::format::parse_scaled(s.trim(), 4)
        .map_err(|_| errs.push(FieldError::new(field, "分值应为数字，最多 4 位小数")))
        .unwrap_or(0)
}

pub async fn adjust(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let mut errs = vec![];
    let bonus = tt(&get("bonus"), "bonus", &mut errs);
    let deduction = tt(&get("deduction"), "deduction", &mut errs);
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    st.store
        .set_per_mu_adjustment(
            &page.user.actor(),
            id,
            &get("credit_code"),
            bonus,
            &get("bonus_reason"),
            deduction,
            &get("deduction_reason"),
        )
        .await?;
    Ok(Redirect::to(&format!("/per-mu/{id}?done=adjust")).into_response())
}

async fn all_results(st: &Shared, id: i64, q: &ResultQuery) -> Result<Vec<Evaluated>, AppError> {
    let mut out = vec![];
    loop {
        let (page, total) = st
            .store
            .per_mu_results(id, &q.filter(out.len() as i64, 5000)?)
            .await?;
        let done = page.is_empty();
        out.extend(page);
        if done || out.len() as i64 >= total {
            return Ok(out);
        }
    }
}

/// The ranked table as shown (its filters, every page).
pub async fn export(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
    Query(q): Query<ResultQuery>,
) -> Result<Response, AppError> {
    let e = evaluation_or_404(&st, id).await?;
    let items = all_results(&st, id, &q).await?;
    let mut headers: Vec<String> = [
        "统一社会信用代码",
        "企业名称",
        "镇街",
        "行业代码",
        "分组",
        "名次",
        "类别",
        "综合得分",
    ]
    .map(String::from)
    .to_vec();
    for i in Indicator::ALL {
        headers.push(format!(
            "{}（{}）",
            i.label(),
            if i.unit().is_empty() {
                "比值"
            } else {
                i.unit()
            }
        ));
        headers.push(format!("{}得分", i.label()));
    }
    headers.extend(["加分", "减分", "否决事项"].map(String::from));
    let rows = items
        .into_iter()
        .map(|x| {
            let mut r: Vec<Cell> = vec![
                x.credit_code.clone().into(),
                x.name.clone().into(),
                x.township.clone().into(),
                x.industry_code.clone().into(),
                x.group.label().into(),
                x.rank
                    .map_or_else(|| Cell::from(""), |r| Cell::Int(r as i64)),
                x.class.as_str().into(),
                x.total.map(points).unwrap_or_default().into(),
            ];
            for i in Indicator::ALL {
                r.push(
                    x.indicators
                        .get(&i)
                        .map(|v| indicator_display(i, v))
                        .unwrap_or_default()
                        .into(),
                );
                r.push(
                    x.scores
                        .get(&i)
                        .map(|q| points(q.round4()))
                        .unwrap_or_default()
                        .into(),
                );
            }
            r.push(
                if x.bonus > 0 {
                    format!("{}（{}）", points(x.bonus), x.bonus_reason)
                } else {
                    String::new()
                }
                .into(),
            );
            r.push(
                if x.deduction > 0 {
                    format!("{}（{}）", points(x.deduction), x.deduction_reason)
                } else {
                    String::new()
                }
                .into(),
            );
            r.push(x.veto.unwrap_or_default().into());
            r
        })
        .collect();
    let bytes = crate::layout::write_xlsx(&[Sheet {
        name: format!("{}年度亩均评价", e.year),
        headers,
        rows,
    }])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "per-mu-results.xlsx",
        &format!("{}年度亩均效益评价结果.xlsx", e.year),
    ))
}

/// The class list for the power company and the tax office (final results).
pub async fn class_list(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let e = evaluation_or_404(&st, id).await?;
    if e.status != Status::Final {
        return Err(AppError::Conflict("评价定稿后才能导出分类名单".into()));
    }
    let items = all_results(&st, id, &ResultQuery::default()).await?;
    // The power accounts of each enterprise (the power company's key).
    let mut accounts: HashMap<String, Vec<String>> = HashMap::new();
    let mut read = 0i64;
    loop {
        let (page, total) = st.store.power_accounts(None, read, 5000).await?;
        read += page.len() as i64;
        let done = page.is_empty();
        for a in page {
            accounts
                .entry(a.account.credit_code)
                .or_default()
                .push(a.account.account_no);
        }
        if done || read >= total {
            break;
        }
    }
    let headers = [
        "统一社会信用代码",
        "企业名称",
        "镇街",
        "分组",
        "类别",
        "类别含义",
        "名次",
        "综合得分",
        "用电户号",
    ]
    .map(String::from)
    .to_vec();
    let rows = items
        .into_iter()
        .map(|x| {
            vec![
                x.credit_code.clone().into(),
                x.name.into(),
                x.township.into(),
                x.group.label().into(),
                x.class.as_str().into(),
                x.class.label().into(),
                x.rank
                    .map_or_else(|| Cell::from(""), |r| Cell::Int(r as i64)),
                x.total.map(points).unwrap_or_default().into(),
                accounts
                    .get(&x.credit_code)
                    .map(|v| v.join("、"))
                    .unwrap_or_default()
                    .into(),
            ]
        })
        .collect();
    let bytes = crate::layout::write_xlsx(&[Sheet {
        name: "分类名单".into(),
        headers,
        rows,
    }])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "per-mu-classes.xlsx",
        &format!("{}年度亩均效益评价分类名单.xlsx", e.year),
    ))
}
