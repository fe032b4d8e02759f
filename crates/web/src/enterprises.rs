//! Enterprises: the registry list (filters, sorting, paging, export), the
//! profile (statistics chart and table, year-on-year growth, projects, brands,
//! credit), the brand database and its reserve echelon; and the API.

mod api;
mod forms;

pub use api::{
    __path_api_brands, __path_api_enterprise, __path_api_enterprises, __path_api_stats,
    __path_api_upsert_enterprises, BrandIn, EnterpriseIn, EnterpriseJson, StatIn,
};

use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging};
use crate::targets::as_of_for;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::enterprises::{BrandLevel, Tier, industry};
use domain::format::{money, percent};
use office::xlsx::{Cell, Sheet};
use serde::Deserialize;
use std::collections::HashSet;
use store::enterprises::{BrandRecord, CreditRecord, EnterpriseRecord, StatRow};
use store::org::Unit;
use store::projects::ProjectRecord;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/enterprises", get(list).post(forms::create))
        .route("/enterprises/new", get(forms::new_page))
        .route("/enterprises/export.xlsx", get(export))
        .route("/enterprises/{code}", get(profile))
        .route(
            "/enterprises/{code}/edit",
            get(forms::edit_page).post(forms::edit),
        )
        .route("/enterprises/{code}/year", post(forms::set_year))
        .route("/enterprises/{code}/credit", post(forms::add_credit))
        .route("/brands", get(brands))
}

pub fn api_router() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/enterprises",
            get(api::api_enterprises).post(api::api_upsert_enterprises),
        )
        .route("/v1/enterprises/{code}", get(api::api_enterprise))
        .route("/v1/enterprise-stats", post(api::api_stats))
        .route("/v1/brands", post(api::api_brands))
}

/// Filters of the list, kept in the URL.
#[derive(Deserialize, Default, Clone)]
pub struct EnterpriseQuery {
    pub q: Option<String>,
    pub township: Option<String>,
    /// A GB/T 4754 code prefix (division, group or class).
    pub industry: Option<String>,
    /// "1": above designated size in `year`; "0": not.
    pub above: Option<String>,
    pub tier: Option<String>,
    /// "1": has at least one brand.
    pub brand: Option<String>,
    pub year: Option<i32>,
    pub target: Option<String>,
    pub as_of: Option<String>,
    pub sort: Option<String>,
    pub page: Option<i64>,
}

fn ne(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl EnterpriseQuery {
    pub fn params(&self) -> String {
        let mut p: Vec<String> = [
            ("q", &self.q),
            ("township", &self.township),
            ("industry", &self.industry),
            ("above", &self.above),
            ("tier", &self.tier),
            ("brand", &self.brand),
            ("target", &self.target),
            ("as_of", &self.as_of),
            ("sort", &self.sort),
        ]
        .iter()
        .filter_map(|(k, v)| ne(v).map(|v| format!("{k}={}", crate::org::urlencode(v))))
        .collect();
        if let Some(y) = self.year {
            p.push(format!("year={y}"));
        }
        p.join("&")
    }
    pub fn is(&self, field: &str, value: &str) -> bool {
        let v = match field {
            "township" => &self.township,
            "above" => &self.above,
            "tier" => &self.tier,
            "brand" => &self.brand,
            "sort" => &self.sort,
            _ => return false,
        };
        ne(v).unwrap_or("") == value
    }
    pub fn text(&self, field: &str) -> &str {
        match field {
            "q" => ne(&self.q).unwrap_or(""),
            "industry" => ne(&self.industry).unwrap_or(""),
            _ => "",
        }
    }
}

/// A row of the list with the figures of the year so far.
pub struct Row {
    pub e: EnterpriseRecord,
    pub industry_name: String,
    pub output_ytd: i64,
    pub sales_ytd: i64,
}

impl Row {
    pub fn output(&self) -> String {
        money(self.output_ytd)
    }
    pub fn sales(&self) -> String {
        money(self.sales_ytd)
    }
}

struct Selection {
    rows: Vec<Row>,
    year: i32,
    caption: Option<String>,
    breakdown: Vec<Breakdown>,
}

/// A township's share of the target's figure.
pub struct Breakdown {
    pub township: String,
    pub current: String,
    pub base: String,
    pub result: String,
}

async fn select(st: &Shared, q: &EnterpriseQuery) -> Result<Selection, AppError> {
    let campaign = st.store.current_campaign().await?;
    let year = q.year.or(campaign.as_ref().map(|c| c.year)).unwrap_or(2006);
    let as_of = match &campaign {
        Some(c) => as_of_for(c, q.as_of.as_deref())?,
        None => chrono::NaiveDate::from_ymd_opt(year, 12, 31).expect("valid"),
    };
    let mut only: Option<HashSet<i64>> = None;
    let mut caption = None;
    let mut breakdown = Vec::new();
    if let Some(code) = ne(&q.target) {
        let e = crate::targets::drilldown_target(
            st,
            campaign.as_ref(),
            code,
            as_of,
            domain::targets::Subject::Enterprises,
            "企业",
        )
        .await?;
        only = Some(e.outcome.members.iter().copied().collect());
        caption = Some(format!(
            "“{}”截至 {as_of}：{} 家企业（实际值 {}）",
            e.target.name,
            e.outcome.members.len(),
            e.actual_display()
        ));
        let all = st.store.enterprises().await?;
        let town = |id: i64| {
            all.iter()
                .find(|x| x.id == id)
                .map(|x| x.township_name.clone())
                .unwrap_or_default()
        };
        let facts = st.store.kpi_facts_cached().await?;
        let growth = matches!(e.target.formula, domain::campaign::Formula::Growth { .. });
        breakdown =
            domain::targets::enterprise_breakdown(&e.target.formula, year, as_of, &facts, town)
                .into_iter()
                .map(|g| Breakdown {
                    result: if growth {
                        g.growth()
                            .and_then(|(n, d)| percent(n, d, 1))
                            .unwrap_or_else(|| "—".into())
                    } else {
                        format!("{} 家", g.current)
                    },
                    current: if growth {
                        money(g.current)
                    } else {
                        String::new()
                    },
                    base: if growth { money(g.base) } else { String::new() },
                    township: g.group,
                })
                .collect();
    }
    let tier = match ne(&q.tier) {
        Some(t) => Some(
            Tier::parse(t).ok_or_else(|| AppError::BadRequest(format!("未知的培育层级“{t}”")))?,
        ),
        None => None,
    };
    let facts = st.store.kpi_facts_cached().await?;
    let last = domain::projects::Period::of(as_of);
    let text = q.text("q").to_lowercase();
    let mut rows: Vec<Row> = st
        .store
        .enterprises()
        .await?
        .into_iter()
        .filter(|e| only.as_ref().is_none_or(|ids| ids.contains(&e.id)))
        .filter(|e| {
            text.is_empty()
                || e.name.to_lowercase().contains(&text)
                || e.credit_code.to_lowercase().contains(&text)
        })
        .filter(|e| ne(&q.township).is_none_or(|t| e.township_code == t))
        .filter(|e| ne(&q.industry).is_none_or(|i| e.industry_code.starts_with(i)))
        .filter(|e| ne(&q.above).is_none_or(|a| e.above_scale_in(year) == (a == "1")))
        .filter(|e| tier.is_none_or(|t| e.tier_in(year) == t))
        .filter(|e| ne(&q.brand).is_none_or(|b| (e.brand_count > 0) == (b == "1")))
        .map(|e| {
            // The year's months up to `last`, from the statistics folded per
            // enterprise and year (sorted by enterprise, then year).
            let years = facts.enterprise_years();
            let (o, s) = years
                .binary_search_by_key(&(e.id, last.year), |y| (y.enterprise_id, y.year))
                .map(|i| {
                    (
                        years[i].output_to(last.month),
                        years[i].sales_to(last.month),
                    )
                })
                .unwrap_or((0, 0));
            Row {
                industry_name: industry::parse(&e.industry_code)
                    .map(|i| i.name)
                    .unwrap_or_default(),
                output_ytd: o,
                sales_ytd: s,
                e,
            }
        })
        .collect();
    match ne(&q.sort).unwrap_or("name") {
        "name" => {}
        "output" => rows.sort_by_key(|r| std::cmp::Reverse(r.output_ytd)),
        "sales" => rows.sort_by_key(|r| std::cmp::Reverse(r.sales_ytd)),
        "township" => rows.sort_by(|a, b| a.e.township_name.cmp(&b.e.township_name)),
        "industry" => rows.sort_by(|a, b| a.e.industry_code.cmp(&b.e.industry_code)),
        other => return Err(AppError::BadRequest(format!("不支持按“{other}”排序"))),
    }
    Ok(Selection {
        rows,
        year,
        caption,
        breakdown,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprises/list.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    query: EnterpriseQuery,
    paging: Paging,
    year: i32,
    caption: Option<String>,
    townships: Vec<Unit>,
    tiers: Vec<(&'static str, &'static str)>,
    breakdown: Vec<Breakdown>,
    is_admin: bool,
}

const PER_PAGE: i64 = 50;

async fn list(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<EnterpriseQuery>,
) -> Result<ListPage, AppError> {
    let sel = select(&st, &q).await?;
    let paging = Paging::new(q.page, PER_PAGE, sel.rows.len() as i64);
    Ok(ListPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("enterprises"),
        rows: sel
            .rows
            .into_iter()
            .skip(paging.offset() as usize)
            .take(PER_PAGE as usize)
            .collect(),
        query: q,
        paging,
        year: sel.year,
        caption: sel.caption,
        breakdown: sel.breakdown,
        townships: st
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| u.kind.is_territorial())
            .collect(),
        tiers: Tier::ALL.iter().map(|t| (t.as_str(), t.label())).collect(),
    })
}

async fn export(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Query(q): Query<EnterpriseQuery>,
) -> Result<Response, AppError> {
    let sel = select(&st, &q).await?;
    let headers = [
        "统一社会信用代码",
        "企业名称",
        "所在镇街",
        "行业代码",
        "行业",
        "规模以上",
        "培育层级",
        "本年累计工业总产值（元）",
        "本年累计销售产值（元）",
        "品牌数",
    ]
    .map(String::from)
    .to_vec();
    let rows = sel
        .rows
        .iter()
        .map(|r| {
            vec![
                Cell::from(r.e.credit_code.as_str()),
                r.e.name.as_str().into(),
                r.e.township_name.as_str().into(),
                r.e.industry_code.as_str().into(),
                r.industry_name.as_str().into(),
                (if r.e.above_scale_in(sel.year) {
                    "是"
                } else {
                    "否"
                })
                .into(),
                r.e.tier_in(sel.year).label().into(),
                r.output_ytd.into(),
                r.sales_ytd.into(),
                r.e.brand_count.into(),
            ]
        })
        .collect();
    let bytes = crate::layout::write_xlsx(&[Sheet {
        name: "企业".into(),
        headers,
        rows,
    }])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "enterprises.xlsx",
        "企业.xlsx",
    ))
}

/// One month on the profile: this year and the same month last year.
pub struct MonthRow {
    pub period: String,
    pub stat: StatRow,
    pub last_year_output: Option<i64>,
}

impl MonthRow {
    pub fn yoy(&self) -> String {
        match self.last_year_output {
            Some(b) if b != 0 => percent(self.stat.output_value_yuan - b, b, 1).unwrap_or_default(),
            _ => "—".into(),
        }
    }
    pub fn output(&self) -> String {
        money(self.stat.output_value_yuan)
    }
    pub fn sales(&self) -> String {
        money(self.stat.sales_value_yuan)
    }
    pub fn tax(&self) -> String {
        money(self.stat.tax_yuan)
    }
}

/// A bar of the monthly chart (SVG coordinates computed here).
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub h: i64,
    pub label: String,
    pub title: String,
    pub last_year: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprises/profile.html")]
struct ProfilePage {
    chrome: Chrome,
    e: EnterpriseRecord,
    industry_name: String,
    months: Vec<MonthRow>,
    bars: Vec<Bar>,
    max_label: String,
    projects: Vec<ProjectRecord>,
    brands: Vec<BrandRecord>,
    credit: CreditRecord,
    /// Its per-mu classes by data year (an enterprise user: published ones only).
    classes: Vec<store::per_mu::ClassOfYear>,
    /// Visits to it, newest first (staff only; empty for enterprise users).
    visits: Vec<store::requests::write::VisitRecord>,
    is_admin: bool,
    warning: Option<String>,
    tiers: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize)]
struct ProfileQuery {
    warning: Option<String>,
}

async fn profile(
    State(st): State<Shared>,
    page: Page,
    Path(code): Path<String>,
    Query(pq): Query<ProfileQuery>,
) -> Result<ProfilePage, AppError> {
    page.require_enterprise(&code)?;
    let e = st
        .store
        .enterprise(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("企业“{code}”")))?;
    let stats = st.store.stats_of(e.id).await?;
    let find = |p: &str| {
        stats
            .iter()
            .find(|s| s.period == p)
            .map(|s| s.output_value_yuan)
    };
    let months: Vec<MonthRow> = stats
        .iter()
        .rev()
        .map(|s| {
            let (y, m) = s.period.split_once('-').unwrap_or(("0", "0"));
            let prev = format!("{:04}-{m}", y.parse::<i32>().unwrap_or(0) - 1);
            MonthRow {
                period: s.period.clone(),
                last_year_output: find(&prev),
                stat: s.clone(),
            }
        })
        .collect();
    // The chart: the last 24 months of output, bars scaled to the largest.
    let recent: Vec<&StatRow> = stats
        .iter()
        .rev()
        .take(24)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let max = recent
        .iter()
        .map(|s| s.output_value_yuan)
        .max()
        .unwrap_or(0)
        .max(1);
    let bars = recent
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let h = s.output_value_yuan * 160 / max;
            Bar {
                x: 40 + i as i64 * 28,
                y: 180 - h,
                h,
                label: s.period[5..].to_string(),
                title: format!("{} 工业总产值 {}", s.period, money(s.output_value_yuan)),
                last_year: i + 12 < recent.len(),
            }
        })
        .collect();
    let projects = st
        .store
        .projects()
        .await?
        .into_iter()
        .filter(|p| p.project.enterprise_credit_code == e.credit_code)
        .collect();
    let brands = st
        .store
        .brands()
        .await?
        .into_iter()
        .filter(|b| b.credit_code == e.credit_code)
        .collect();
    let visits = if page.can(domain::users::Permission::ReadCampaign) {
        st.store.visits(Some(&e.credit_code)).await?
    } else {
        vec![]
    };
    Ok(ProfilePage {
        visits,
        is_admin: page.is_admin(),
        warning: pq.warning,
        tiers: Tier::ALL.iter().map(|t| (t.as_str(), t.label())).collect(),
        chrome: page.chrome("enterprises"),
        industry_name: industry::parse(&e.industry_code)
            .map(|i| format!("{}（{}）", i.name, i.section_name))
            .unwrap_or_default(),
        credit: st.store.credit_of(e.id).await?,
        classes: st
            .store
            .per_mu_history(&code)
            .await?
            .into_iter()
            .filter(|c| {
                page.user.role != domain::users::Role::Enterprise
                    || c.status != domain::per_mu::Status::Draft
            })
            .collect(),
        months,
        bars,
        max_label: money(max),
        projects,
        brands,
        e,
    })
}

#[derive(Deserialize)]
struct BrandQuery {
    target: Option<String>,
    as_of: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprises/brands.html")]
struct BrandsPage {
    chrome: Chrome,
    brands: Vec<BrandRecord>,
    /// Level -> the brands cultivating or applying for it (the reserve echelon).
    echelon: Vec<(&'static str, Vec<BrandRecord>)>,
    caption: Option<String>,
}

async fn brands(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<BrandQuery>,
) -> Result<BrandsPage, AppError> {
    let mut all = st.store.brands().await?;
    let mut caption = None;
    if let Some(code) = ne(&q.target) {
        let c = st
            .store
            .current_campaign()
            .await?
            .ok_or_else(|| AppError::NotFound("年度活动".into()))?;
        let as_of = as_of_for(&c, q.as_of.as_deref())?;
        let e = crate::targets::evaluate_all_with_records(&st, &c, as_of)
            .await?
            .into_iter()
            .find(|e| e.target.code == code)
            .ok_or_else(|| AppError::NotFound(format!("目标“{code}”")))?;
        let ids: HashSet<i64> = e.outcome.members.iter().copied().collect();
        all.retain(|b| ids.contains(&b.id));
        caption = Some(format!("“{}”截至 {as_of}：{} 件", e.target.name, ids.len()));
    }
    let echelon = BrandLevel::ALL
        .iter()
        .map(|l| {
            let next: Vec<BrandRecord> = all
                .iter()
                .filter(|b| {
                    b.level == *l
                        && matches!(
                            b.status,
                            domain::enterprises::BrandStatus::Cultivating
                                | domain::enterprises::BrandStatus::Applied
                        )
                })
                .cloned()
                .collect();
            (l.label(), next)
        })
        .rev()
        .collect();
    Ok(BrandsPage {
        chrome: page.chrome("brands"),
        brands: all,
        echelon,
        caption,
    })
}
