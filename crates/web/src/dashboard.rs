//! The leaders' dashboard: every target at a date with its monthly curve
//! against the target line, the breakdowns by township and responsible unit
//! (laggards marked), the working groups ranked, the cohort warnings, a
//! comparison with a second date, and the whole as an xlsx workbook.

use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::Chrome;
use crate::targets::{Evaluated, as_of_for, evaluate_all};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use domain::campaign::{Formula, ValueUnit, time_progress};
use domain::format::{money, mu, percent};
use domain::targets::{Actual, Dimension, Part};
use office::xlsx::{Cell, Sheet};
use serde::Deserialize;
use std::collections::HashMap;
use store::campaigns::Campaign;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/dashboard", get(page))
        .route("/dashboard/export.xlsx", get(export))
}

#[derive(Deserialize)]
pub struct DashQuery {
    pub as_of: Option<String>,
    /// A second date to compare with (what moved since the last bulletin).
    pub compare: Option<String>,
}

/// A value as people read it.
pub fn show(a: Option<Actual>, count_word: &str) -> String {
    match a {
        None => "暂无数据".into(),
        Some(Actual::Ratio { num, den }) => {
            percent(num, den, 1).unwrap_or_else(|| "暂无数据".into())
        }
        Some(Actual::Yuan(v)) => money(v),
        Some(Actual::Count(n)) => format!("{n}{count_word}"),
    }
}

/// One row of a breakdown table.
pub struct PartRow {
    pub name: String,
    pub value: String,
    pub detail: String,
    pub lagging: bool,
}

/// The monthly curve of a target, drawn as SVG.
pub struct Chart {
    pub actual: String,
    pub target: String,
    pub months: Vec<(i64, String)>,
    pub top_label: String,
    pub dots: Vec<(i64, i64, String)>,
}

/// A target with everything the dashboard shows of it.
pub struct TargetView {
    pub e: Evaluated,
    pub compare: Option<String>,
    pub by_township: Vec<PartRow>,
    pub by_unit: Vec<PartRow>,
    pub chart: Chart,
}

/// A working group's targets on track and behind.
pub struct GroupRow {
    pub name: String,
    pub on_track: usize,
    pub behind: usize,
    pub no_data: usize,
}

fn part_rows(parts: Vec<Part>, names: &HashMap<String, String>, e: &Evaluated) -> Vec<PartRow> {
    parts
        .into_iter()
        .map(|p| {
            let detail = match (&e.target.formula, p.numerator, p.denominator) {
                (Formula::Growth { .. }, Some(n), Some(d)) => {
                    format!("本年 {} / 上年同期 {}", money(n), money(d))
                }
                (Formula::CohortRate { cohort, .. }, Some(n), Some(d))
                    if cohort.basis() == domain::campaign::RateBasis::Area =>
                {
                    format!("{}/{} 亩", mu(n), mu(d))
                }
                (Formula::CohortRate { .. }, Some(n), Some(d)) => format!("{n}/{d}"),
                _ => String::new(),
            };
            PartRow {
                name: names.get(&p.group).cloned().unwrap_or_else(|| {
                    if p.group.is_empty() {
                        "（未填写）".into()
                    } else {
                        p.group.clone()
                    }
                }),
                value: show(p.actual, &e.target.count_word),
                detail,
                lagging: p.lagging,
            }
        })
        .collect()
}

/// The target's value at the end of each month up to `as_of`, as a curve.
fn chart(e: &Evaluated, year: i32, agg: &domain::targets::fast::Aggregates) -> Chart {
    let last = e.as_of.month();
    let mut values: Vec<Option<f64>> = Vec::new();
    for m in 1..=last {
        let end = if m == 12 {
            NaiveDate::from_ymd_opt(year, 12, 31)
        } else {
            NaiveDate::from_ymd_opt(year, m + 1, 1).and_then(|d| d.pred_opt())
        }
        .expect("valid");
        let o = agg.outcome(&e.target.formula, e.target.value, end.min(e.as_of));
        values.push(o.actual.map(Actual::as_f64));
    }
    let target = e.target.value.as_f64();
    let cumulative = e.target.formula.is_cumulative();
    let top = values
        .iter()
        .flatten()
        .copied()
        .fold(target, f64::max)
        .max(if cumulative { 1.0 } else { 0.01 })
        * 1.1;
    let bottom = values.iter().flatten().copied().fold(0.0, f64::min);
    let (x0, w, y0, h) = (40.0, 400.0, 10.0, 120.0);
    let x = |m: f64| x0 + (m - 0.5) / 12.0 * w;
    let y = |v: f64| y0 + h - (v - bottom) / (top - bottom) * h;
    let actual = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i as f64 + 1.0), y(v))))
        .collect::<Vec<_>>()
        .join(" ");
    let dots = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            v.map(|v| {
                (
                    x(i as f64 + 1.0) as i64,
                    y(v) as i64,
                    format!("{}月：{}", i + 1, fmt(v, e.target.value.unit)),
                )
            })
        })
        .collect();
    // Cumulative targets: the line from nothing to the target by December
    // (序时进度); rates and growth: the target itself.
    let target_line = if cumulative {
        format!(
            "{:.1},{:.1} {:.1},{:.1}",
            x(0.5),
            y(0.0),
            x(12.0),
            y(target)
        )
    } else {
        format!(
            "{:.1},{:.1} {:.1},{:.1}",
            x(0.5),
            y(target),
            x(12.0),
            y(target)
        )
    };
    Chart {
        actual,
        target: target_line,
        months: (1..=12)
            .map(|m| (x(m as f64) as i64, m.to_string()))
            .collect(),
        top_label: fmt(top / 1.1, e.target.value.unit),
        dots,
    }
}

fn fmt(v: f64, unit: ValueUnit) -> String {
    match unit {
        ValueUnit::Ratio => format!("{:.1}%", v * 100.0),
        ValueUnit::Yuan => money(v.round() as i64),
        ValueUnit::Count => format!("{}", v.round() as i64),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard/page.html")]
struct DashboardPage {
    chrome: Chrome,
    c: Campaign,
    as_of: NaiveDate,
    compare: Option<NaiveDate>,
    time_progress: String,
    targets: Vec<TargetView>,
    groups: Vec<GroupRow>,
    year_start: String,
    year_end: String,
    export: String,
}

struct Built {
    c: Campaign,
    as_of: NaiveDate,
    compare: Option<NaiveDate>,
    targets: Vec<TargetView>,
    groups: Vec<GroupRow>,
}

async fn build(st: &Shared, q: &DashQuery) -> Result<Built, AppError> {
    let c = st
        .store
        .current_campaign()
        .await?
        .ok_or_else(|| AppError::NotFound("年度活动（请先载入活动模板）".into()))?;
    let as_of = as_of_for(&c, q.as_of.as_deref())?;
    let compare = match q.compare.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(as_of_for(&c, Some(s))?),
        None => None,
    };
    let agg = crate::targets::aggregates(st, &c, &st.store.targets(c.id).await?).await?;
    let units: HashMap<String, String> = st
        .store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    let before: HashMap<String, Evaluated> = match compare {
        Some(d) => evaluate_all(st, &c, d)
            .await?
            .into_iter()
            .map(|e| (e.target.code.clone(), e))
            .collect(),
        None => HashMap::new(),
    };
    let mut groups: Vec<GroupRow> = Vec::new();
    let mut targets = Vec::new();
    for e in evaluate_all(st, &c, as_of).await? {
        let by = |dim| agg.breakdown(&e.target.formula, e.target.value, as_of, dim);
        let by_township = part_rows(by(Dimension::Township), &units, &e);
        let by_unit = part_rows(by(Dimension::Unit), &units, &e);
        let name = e
            .target
            .working_group_name
            .clone()
            .unwrap_or_else(|| "（未指定）".into());
        let g = match groups.iter_mut().position(|g| g.name == name) {
            Some(i) => &mut groups[i],
            None => {
                groups.push(GroupRow {
                    name,
                    on_track: 0,
                    behind: 0,
                    no_data: 0,
                });
                groups.last_mut().expect("just pushed")
            }
        };
        match e.outcome.status {
            domain::targets::Status::OnTrack => g.on_track += 1,
            domain::targets::Status::Behind => g.behind += 1,
            domain::targets::Status::NoData => g.no_data += 1,
        }
        let chart = chart(&e, c.year, &agg);
        let compare = before.get(&e.target.code).map(|b| b.actual_display());
        targets.push(TargetView {
            e,
            compare,
            by_township,
            by_unit,
            chart,
        });
    }
    groups.sort_by_key(|g| (std::cmp::Reverse(g.behind), g.on_track));
    groups.reverse();
    Ok(Built {
        c,
        as_of,
        compare,
        targets,
        groups,
    })
}

async fn page(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<DashQuery>,
) -> Result<DashboardPage, AppError> {
    let b = build(&st, &q).await?;
    let tp = time_progress(b.c.year, b.as_of);
    let export = format!(
        "/dashboard/export.xlsx?as_of={}{}",
        b.as_of,
        b.compare
            .map(|d| format!("&compare={d}"))
            .unwrap_or_default()
    );
    Ok(DashboardPage {
        chrome: page.chrome("dashboard"),
        time_progress: percent(tp.days_elapsed, tp.days_in_year, 1).unwrap_or_default(),
        year_start: format!("{}-01-01", b.c.year),
        year_end: format!("{}-12-31", b.c.year),
        export,
        as_of: b.as_of,
        compare: b.compare,
        targets: b.targets,
        groups: b.groups,
        c: b.c,
    })
}

/// The dashboard as a workbook: one sheet per table.
async fn export(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Query(q): Query<DashQuery>,
) -> Result<Response, AppError> {
    let b = build(&st, &q).await?;
    let s = |v: &str| Cell::from(v);
    let mut summary = ["目标", "目标值", "实际完成", "明细", "状态", "责任小组"]
        .iter()
        .map(|h| h.to_string())
        .collect::<Vec<_>>();
    if b.compare.is_some() {
        summary.push(format!(
            "{} 实际",
            b.compare.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    let summary_rows = b
        .targets
        .iter()
        .map(|t| {
            let mut r = vec![
                s(&t.e.target.name),
                s(&t.e.target.value_display()),
                s(&t.e.actual_display()),
                s(&t.e.detail()),
                s(t.e.status_label()),
                s(t.e.target.working_group_name.as_deref().unwrap_or("")),
            ];
            if b.compare.is_some() {
                r.push(s(t.compare.as_deref().unwrap_or("")));
            }
            r
        })
        .collect();
    let parts = |f: fn(&TargetView) -> &Vec<PartRow>| {
        b.targets
            .iter()
            .flat_map(|t| {
                f(t).iter().map(move |p| {
                    vec![
                        s(&t.e.target.name),
                        s(&p.name),
                        s(&p.value),
                        s(&p.detail),
                        s(if p.lagging { "滞后" } else { "" }),
                    ]
                })
            })
            .collect::<Vec<_>>()
    };
    let part_headers = ["目标", "单位", "实际", "明细", "滞后"]
        .map(String::from)
        .to_vec();
    let sheets = [
        Sheet {
            name: "目标汇总".into(),
            headers: summary,
            rows: summary_rows,
        },
        Sheet {
            name: "按镇街".into(),
            headers: part_headers.clone(),
            rows: parts(|t| &t.by_township),
        },
        Sheet {
            name: "按责任单位".into(),
            headers: part_headers,
            rows: parts(|t| &t.by_unit),
        },
        Sheet {
            name: "工作小组".into(),
            headers: ["工作小组", "进度正常", "滞后", "暂无数据"]
                .map(String::from)
                .to_vec(),
            rows: b
                .groups
                .iter()
                .map(|g| {
                    vec![
                        s(&g.name),
                        (g.on_track as i64).into(),
                        (g.behind as i64).into(),
                        (g.no_data as i64).into(),
                    ]
                })
                .collect(),
        },
    ];
    let bytes = crate::layout::write_xlsx(&sheets)?;
    Ok(crate::layout::xlsx_download(
        bytes,
        &format!("dashboard-{}.xlsx", b.as_of),
        &format!("目标进度-{}.xlsx", b.as_of),
    ))
}
