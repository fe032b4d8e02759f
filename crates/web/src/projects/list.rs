//! The project list: filters, sorting, paging and export of what is shown.

use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging};
use crate::targets::as_of_for;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use domain::campaign::Formula;
use domain::format::{money, mu};
use domain::projects::{Milestone, Period, ProjectKind, ProjectStatus};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use store::org::Unit;
use store::projects::ProjectRecord;

/// The list's filters and sort, kept in the URL.
#[derive(Deserialize, Default, Clone)]
pub struct ProjectQuery {
    pub q: Option<String>,
    pub township: Option<String>,
    pub unit: Option<String>,
    pub kind: Option<String>,
    pub key: Option<String>,
    pub stage: Option<String>,
    pub status: Option<String>,
    pub overdue: Option<String>,
    /// A target code: only the records behind that target's figure.
    pub target: Option<String>,
    /// With `target`: "reached" for the numerator only.
    pub part: Option<String>,
    pub as_of: Option<String>,
    pub sort: Option<String>,
    pub page: Option<i64>,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ProjectQuery {
    pub fn params(&self) -> String {
        let pairs = [
            ("q", &self.q),
            ("township", &self.township),
            ("unit", &self.unit),
            ("kind", &self.kind),
            ("key", &self.key),
            ("stage", &self.stage),
            ("status", &self.status),
            ("overdue", &self.overdue),
            ("target", &self.target),
            ("part", &self.part),
            ("as_of", &self.as_of),
            ("sort", &self.sort),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| nonempty(v).map(|v| format!("{k}={}", crate::org::urlencode(v))))
            .collect::<Vec<_>>()
            .join("&")
    }
    pub fn is(&self, field: &str, value: &str) -> bool {
        let v = match field {
            "township" => &self.township,
            "unit" => &self.unit,
            "kind" => &self.kind,
            "key" => &self.key,
            "stage" => &self.stage,
            "status" => &self.status,
            "overdue" => &self.overdue,
            "sort" => &self.sort,
            _ => return false,
        };
        nonempty(v).unwrap_or("") == value
    }
    pub fn text(&self) -> &str {
        nonempty(&self.q).unwrap_or("")
    }
}

/// A project as a list row.
pub struct Row {
    pub rec: ProjectRecord,
    pub stage: Option<Milestone>,
    pub overdue: Vec<Milestone>,
    pub investment_yuan: i64,
}

impl Row {
    pub fn stage_label(&self) -> &'static str {
        self.stage.map(|m| m.stage_label()).unwrap_or("未入库")
    }
    pub fn overdue_labels(&self) -> String {
        self.overdue
            .iter()
            .map(|m| m.label())
            .collect::<Vec<_>>()
            .join("、")
    }
    pub fn land_mu(&self) -> String {
        mu(self.rec.project.land_area_millimu)
    }
    pub fn investment(&self) -> String {
        money(self.rec.project.planned_investment_yuan)
    }
    pub fn completed(&self) -> String {
        money(self.investment_yuan)
    }
}

/// What the filters select, with the caption naming the target when drilling down.
pub struct Selection {
    pub rows: Vec<Row>,
    pub caption: Option<String>,
    pub as_of: NaiveDate,
    pub investment_label: &'static str,
}

pub async fn select(st: &Shared, q: &ProjectQuery) -> Result<Selection, AppError> {
    let campaign = st.store.current_campaign().await?;
    let today = crate::layout::today();
    let as_of = match (&campaign, nonempty(&q.as_of)) {
        (Some(c), Some(_)) => as_of_for(c, q.as_of.as_deref())?,
        (_, Some(s)) => s
            .parse()
            .map_err(|_| AppError::BadRequest(format!("as_of：“{s}”不是 YYYY-MM-DD 格式的日期")))?,
        _ => today,
    };
    let facts = st.store.kpi_facts_cached().await?;
    let mut caption = None;
    let mut only: Option<HashSet<i64>> = None;
    let mut investment_range: Option<(Period, Period)> = None;
    let mut investment_label = "累计完成投资";
    if let Some(code) = nonempty(&q.target) {
        let e = crate::targets::drilldown_target(
            st,
            campaign.as_ref(),
            code,
            as_of,
            domain::targets::Subject::Projects,
            "项目",
        )
        .await?;
        let reached = q.part.as_deref() == Some("reached");
        let ids = if reached {
            &e.outcome.reached
        } else {
            &e.outcome.members
        };
        only = Some(ids.iter().copied().collect());
        if matches!(e.target.formula, Formula::Sum { .. }) {
            investment_range = Some((
                Period {
                    year: as_of.year(),
                    month: 1,
                },
                Period::of(as_of),
            ));
            investment_label = "本年至截至月完成投资";
        }
        caption = Some(format!(
            "“{}”截至 {as_of} {}：{} 个项目（实际值 {}）",
            e.target.name,
            if reached {
                "已达成的项目"
            } else {
                "涉及的项目"
            },
            ids.len(),
            e.actual_display()
        ));
    }
    let mut invest: HashMap<i64, i64> = HashMap::new();
    for i in &facts.investments {
        if investment_range.is_none_or(|(a, b)| a <= i.period && i.period <= b) {
            *invest.entry(i.project_id).or_default() += i.yuan;
        }
    }
    let text = q.text().to_lowercase();
    let kind = match nonempty(&q.kind) {
        Some(k) => Some(
            ProjectKind::parse(k)
                .ok_or_else(|| AppError::BadRequest(format!("未知的项目类型“{k}”")))?,
        ),
        None => None,
    };
    let status = match nonempty(&q.status) {
        Some(s) => Some(
            ProjectStatus::parse(s)
                .ok_or_else(|| AppError::BadRequest(format!("未知的项目状态“{s}”")))?,
        ),
        None => None,
    };
    let stage = nonempty(&q.stage);
    if let Some(s) = stage
        && s != "none"
        && Milestone::parse(s).is_none()
    {
        return Err(AppError::BadRequest(format!("未知的阶段“{s}”")));
    }
    let mut rows: Vec<Row> = st
        .store
        .projects()
        .await?
        .into_iter()
        .filter(|r| only.as_ref().is_none_or(|ids| ids.contains(&r.id)))
        .map(|rec| Row {
            stage: rec.project.dates.stage_at(as_of),
            overdue: rec.project.dates.overdue(as_of),
            investment_yuan: invest.get(&rec.id).copied().unwrap_or(0),
            rec,
        })
        .filter(|r| {
            let p = &r.rec.project;
            (text.is_empty()
                || p.code.to_lowercase().contains(&text)
                || p.name.to_lowercase().contains(&text)
                || p.enterprise_name.to_lowercase().contains(&text))
                && nonempty(&q.township).is_none_or(|t| p.township_code == t)
                && nonempty(&q.unit).is_none_or(|u| p.responsible_unit_code == u)
                && kind.is_none_or(|k| p.kind == k)
                && status.is_none_or(|s| p.status == s)
                && nonempty(&q.key).is_none_or(|k| p.key_project == (k == "1"))
                && stage.is_none_or(|s| r.stage.map(|m| m.as_str()).unwrap_or("none") == s)
                && (nonempty(&q.overdue) != Some("1") || !r.overdue.is_empty())
        })
        .collect();
    match nonempty(&q.sort).unwrap_or("code") {
        "code" => {}
        "name" => rows.sort_by(|a, b| a.rec.project.name.cmp(&b.rec.project.name)),
        "township" => rows.sort_by(|a, b| {
            a.rec
                .township_name
                .cmp(&b.rec.township_name)
                .then(a.rec.project.code.cmp(&b.rec.project.code))
        }),
        "stage" => {
            rows.sort_by_key(|r| std::cmp::Reverse(r.stage.map(|m| m.index() as i64).unwrap_or(-1)))
        }
        "investment" => {
            rows.sort_by_key(|r| std::cmp::Reverse(r.rec.project.planned_investment_yuan))
        }
        "completed" => rows.sort_by_key(|r| std::cmp::Reverse(r.investment_yuan)),
        "land" => rows.sort_by_key(|r| std::cmp::Reverse(r.rec.project.land_area_millimu)),
        "updated" => rows.sort_by(|a, b| b.rec.updated_at.cmp(&a.rec.updated_at)),
        other => return Err(AppError::BadRequest(format!("不支持按“{other}”排序"))),
    }
    Ok(Selection {
        rows,
        caption,
        as_of,
        investment_label,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/list.html")]
pub struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    query: ProjectQuery,
    paging: Paging,
    caption: Option<String>,
    as_of: NaiveDate,
    townships: Vec<Unit>,
    units: Vec<Unit>,
    milestones: Vec<(&'static str, &'static str)>,
    can_create: bool,
    investment_label: &'static str,
    total_land: String,
    total_completed: String,
}

const PER_PAGE: i64 = 50;

pub async fn list(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<ProjectQuery>,
) -> Result<ListPage, AppError> {
    let sel = select(&st, &q).await?;
    let paging = Paging::new(q.page, PER_PAGE, sel.rows.len() as i64);
    let total_land = mu(sel
        .rows
        .iter()
        .map(|r| r.rec.project.land_area_millimu)
        .sum());
    let total_completed = money(sel.rows.iter().map(|r| r.investment_yuan).sum());
    let units = st.store.units().await?;
    Ok(ListPage {
        can_create: page.can(domain::users::Permission::EditProjects),
        chrome: page.chrome("projects"),
        rows: sel
            .rows
            .into_iter()
            .skip(paging.offset() as usize)
            .take(PER_PAGE as usize)
            .collect(),
        query: q,
        paging,
        caption: sel.caption,
        as_of: sel.as_of,
        townships: units
            .iter()
            .filter(|u| u.kind.is_territorial())
            .cloned()
            .collect(),
        units,
        milestones: Milestone::ALL
            .iter()
            .map(|m| (m.as_str(), m.stage_label()))
            .collect(),
        investment_label: sel.investment_label,
        total_land,
        total_completed,
    })
}

/// Every project the filters select (not just one page) as .xlsx, in the
/// import template's 项目 sheet (same headers, numbers, date cells; township
/// and unit by name), so the file can be edited and imported back.
pub async fn export(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Query(q): Query<ProjectQuery>,
) -> Result<Response, AppError> {
    let sel = select(&st, &q).await?;
    let projects: Vec<domain::projects::Project> = sel
        .rows
        .iter()
        .map(|r| {
            let mut p = r.rec.project.clone();
            p.township_code = r.rec.township_name.clone();
            if !p.responsible_unit_code.is_empty() {
                p.responsible_unit_code = r.rec.unit_name.clone();
            }
            p
        })
        .collect();
    let bytes = crate::layout::write_xlsx(&[office::export::projects(&projects)])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        &format!("projects-{}.xlsx", sel.as_of),
        "工业项目.xlsx",
    ))
}
