//! The project page and its forms: create, edit, record a milestone, monthly progress.

use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::format::{format_scaled, money, mu, parse_scaled};
use domain::projects::fields::{Fields, project_from_fields};
use domain::projects::{Milestone, Period, Project, ProjectKind, ProjectStatus, parse_date};
use domain::users::{FieldError, Scope};
use std::collections::HashMap;
use store::StoreError;
use store::land::ParcelRecord;
use store::org::Unit;
use store::projects::{MilestoneEvent, ProgressEntry, ProgressRow, ProjectRecord};

fn scope(page: &Page) -> Scope {
    Scope::of(page.user.role, page.user.unit_code.as_deref())
}

/// One line of the timeline.
pub struct TimelineRow {
    pub label: &'static str,
    pub planned: String,
    pub actual: String,
    pub late: bool,
    pub overdue: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/detail.html")]
pub struct DetailPage {
    chrome: Chrome,
    r: ProjectRecord,
    timeline: Vec<TimelineRow>,
    events: Vec<MilestoneEvent>,
    progress: Vec<ProgressRow>,
    progress_total: String,
    parcels: Vec<ParcelRecord>,
    can_edit: bool,
    next: Option<Milestone>,
    milestones: Vec<(&'static str, &'static str)>,
    today: NaiveDate,
    this_month: String,
    errors: Vec<FieldError>,
    notice: Option<String>,
    approvals: Vec<crate::approvals::Item>,
    units: Vec<Unit>,
}

impl DetailPage {
    fn money(&self, v: &i64) -> String {
        money(*v)
    }
    fn land(&self) -> String {
        mu(self.r.project.land_area_millimu)
    }
    fn stage(&self) -> &'static str {
        self.r
            .project
            .dates
            .stage_at(self.today)
            .map(|m| m.stage_label())
            .unwrap_or("未入库")
    }
    fn event_label(&self, e: &MilestoneEvent) -> String {
        format!(
            "{}{}",
            if e.which == "planned" { "计划" } else { "" },
            e.milestone.label()
        )
    }
    fn is_next(&self, m: &str) -> bool {
        self.next.map(|n| n.as_str()) == Some(m)
    }
}

async fn load(st: &Shared, code: &str) -> Result<ProjectRecord, AppError> {
    st.store
        .project(code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("项目“{code}”")))
}

async fn detail_page(
    st: &Shared,
    page: &Page,
    code: &str,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> Result<DetailPage, AppError> {
    let r = load(st, code).await?;
    let today = crate::layout::today();
    let d = &r.project.dates;
    let timeline = Milestone::ALL
        .iter()
        .map(|m| TimelineRow {
            label: m.label(),
            planned: d.planned(*m).map(|x| x.to_string()).unwrap_or_default(),
            actual: d.actual(*m).map(|x| x.to_string()).unwrap_or_default(),
            late: d.late().contains(m),
            overdue: d.overdue(today).contains(m),
        })
        .collect();
    let progress = st.store.progress(r.id).await?;
    let progress_total = money(progress.iter().map(|p| p.investment_yuan).sum());
    Ok(DetailPage {
        chrome: page.chrome("projects"),
        can_edit: scope(page).covers(&r.project.township_code, &r.project.responsible_unit_code),
        next: d.next_milestone(),
        events: st.store.milestone_events(r.id).await?,
        parcels: st.store.parcels_of_project(&r.project.code).await?,
        progress,
        progress_total,
        timeline,
        milestones: Milestone::ALL
            .iter()
            .map(|m| (m.as_str(), m.label()))
            .collect(),
        today,
        this_month: Period::of(today).to_string(),
        errors,
        notice,
        approvals: crate::approvals::items(st, Some(code), today).await?,
        units: st.store.units().await?,
        r,
    })
}

pub async fn detail(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(code): Path<String>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Result<DetailPage, AppError> {
    let notice = q
        .get("recorded")
        .and_then(|m| Milestone::parse(m))
        .map(|m| format!("已记录节点：{}", m.label()));
    detail_page(&st, &page, &code, vec![], notice).await
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/form.html")]
pub struct FormPage {
    chrome: Chrome,
    editing: Option<String>,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
    townships: Vec<Unit>,
    units: Vec<Unit>,
    milestones: Vec<(String, String, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
}

impl FormPage {
    fn v(&self, name: &str) -> &str {
        crate::layout::value(&self.values, name)
    }
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
}

fn values_of(p: &Project) -> HashMap<String, String> {
    let mut v = HashMap::new();
    let mut put = |k: &str, s: String| {
        v.insert(k.to_string(), s);
    };
    put("code", p.code.clone());
    put("national_code", p.national_code.clone());
    put("name", p.name.clone());
    put("enterprise_credit_code", p.enterprise_credit_code.clone());
    put("enterprise_name", p.enterprise_name.clone());
    put("township_code", p.township_code.clone());
    put("kind", p.kind.as_str().into());
    put(
        "key_project",
        if p.key_project {
            "on".into()
        } else {
            String::new()
        },
    );
    put(
        "planned_investment_yuan",
        p.planned_investment_yuan.to_string(),
    );
    put("land_area_mu", format_scaled(p.land_area_millimu, 3));
    put("responsible_unit_code", p.responsible_unit_code.clone());
    put("responsible_person", p.responsible_person.clone());
    put("responsible_phone", p.responsible_phone.clone());
    put(
        "pre_phase_funding_yuan",
        p.pre_phase_funding_yuan.to_string(),
    );
    put("notes", p.notes.clone());
    for m in Milestone::ALL {
        put(
            &format!("{}_on", m.as_str()),
            p.dates.actual(m).map(|d| d.to_string()).unwrap_or_default(),
        );
        put(
            &format!("planned_{}_on", m.as_str()),
            p.dates
                .planned(m)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
    }
    put("variance_note", p.variance_note.clone());
    put(
        "planned_completion_year",
        p.planned_completion_year
            .map(|y| y.to_string())
            .unwrap_or_default(),
    );
    put("status", p.status.as_str().into());
    put(
        "status_on",
        p.status_on.map(|d| d.to_string()).unwrap_or_default(),
    );
    put("status_reason", p.status_reason.clone());
    v
}

async fn form_page(
    st: &Shared,
    page: &Page,
    editing: Option<String>,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<FormPage, AppError> {
    let units = st.store.units().await?;
    Ok(FormPage {
        chrome: page.chrome("projects"),
        editing,
        values,
        errors,
        townships: units
            .iter()
            .filter(|u| u.kind.is_territorial())
            .cloned()
            .collect(),
        units,
        milestones: Milestone::ALL
            .iter()
            .map(|m| {
                (
                    format!("{}_on", m.as_str()),
                    format!("planned_{}_on", m.as_str()),
                    m.label(),
                )
            })
            .collect(),
        kinds: [ProjectKind::Industrial, ProjectKind::TechRenovation]
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        statuses: [
            ProjectStatus::Active,
            ProjectStatus::Suspended,
            ProjectStatus::Cancelled,
        ]
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect(),
    })
}

pub async fn new_page(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
) -> Result<FormPage, AppError> {
    let mut values = HashMap::new();
    values.insert("kind".into(), "industrial".into());
    values.insert("status".into(), "active".into());
    if let Some(u) = &page.user.unit_code {
        values.insert("responsible_unit_code".into(), u.clone());
    }
    form_page(&st, &page, None, values, vec![]).await
}

pub async fn edit_page(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
    Path(code): Path<String>,
) -> Result<FormPage, AppError> {
    let r = load(&st, &code).await?;
    if !scope(&page).covers(&r.project.township_code, &r.project.responsible_unit_code) {
        return Err(AppError::Forbidden);
    }
    form_page(&st, &page, Some(code), values_of(&r.project), vec![]).await
}

/// Parses the form: land is entered in mu and kept in thousandths.
fn parse_form(values: &HashMap<String, String>) -> Result<Project, Vec<FieldError>> {
    let mut area_error = None;
    let millimu = match values
        .get("land_area_mu")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        None => "0".to_string(),
        Some(s) => parse_scaled(s, 3)
            .map(|v| v.to_string())
            .unwrap_or_else(|m| {
                area_error = Some(m);
                "0".into()
            }),
    };
    let get = |k: &str| {
        if k == "land_area_millimu" {
            Some(millimu.clone())
        } else {
            values.get(k).cloned()
        }
    };
    let mut r = project_from_fields(Fields::new(get));
    if let Some(m) = area_error {
        let e = FieldError::new("land_area_mu", format!("用地面积：{m}"));
        r = match r {
            Ok(_) => Err(vec![e]),
            Err(mut v) => {
                v.push(e);
                Err(v)
            }
        };
    }
    r.map_err(|v| {
        v.into_iter()
            .map(|e| {
                if e.field == "land_area_millimu" {
                    FieldError::new("land_area_mu", e.message)
                } else {
                    e
                }
            })
            .collect()
    })
}

async fn save(
    st: &Shared,
    page: &Page,
    editing: Option<String>,
    mut values: HashMap<String, String>,
) -> Result<Response, AppError> {
    if let Some(code) = &editing {
        values.insert("code".into(), code.clone());
    }
    let result = match parse_form(&values) {
        Ok(p) => {
            if editing.is_none() && st.store.project(&p.code).await?.is_some() {
                Err(vec![FieldError::new(
                    "code",
                    format!("项目编号“{}”已存在", p.code),
                )])
            } else {
                match st
                    .store
                    .upsert_projects(&page.user.actor(), &scope(page), std::slice::from_ref(&p))
                    .await
                {
                    Ok(_) => Ok(p.code),
                    Err(StoreError::InvalidRows(rows)) => Err(rows
                        .into_iter()
                        .map(|r| FieldError::new(&r.field, r.message))
                        .collect()),
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Err(errors) => Err(errors),
    };
    match result {
        Ok(code) => Ok(
            Redirect::to(&format!("/projects/{}", crate::org::urlencode(&code))).into_response(),
        ),
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(st, page, editing, values, errors).await?,
        )
            .into_response()),
    }
}

pub async fn create(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save(&st, &page, None, values).await
}

pub async fn edit(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
    Path(code): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let r = load(&st, &code).await?;
    if !scope(&page).covers(&r.project.township_code, &r.project.responsible_unit_code) {
        return Err(AppError::Forbidden);
    }
    save(&st, &page, Some(code), values).await
}

#[derive(serde::Deserialize)]
pub struct MilestoneForm {
    milestone: String,
    date: String,
    #[serde(default)]
    variance_note: String,
}

/// The one-click "record milestone reached" action.
pub async fn milestone(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
    Path(code): Path<String>,
    Form(f): Form<MilestoneForm>,
) -> Result<Response, AppError> {
    let r = load(&st, &code).await?;
    if !scope(&page).covers(&r.project.township_code, &r.project.responsible_unit_code) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let m = Milestone::parse(&f.milestone);
    if m.is_none() {
        errors.push(FieldError::new("milestone", "请选择节点"));
    }
    let date = parse_date(&f.date)
        .map_err(|e| errors.push(FieldError::new("date", e)))
        .ok();
    if let (Some(m), Some(date)) = (m, date) {
        match st
            .store
            .record_milestone(
                &page.user.actor(),
                &scope(&page),
                &code,
                m,
                date,
                &f.variance_note,
            )
            .await
        {
            Ok(()) => {
                return Ok(Redirect::to(&format!(
                    "/projects/{}?recorded={}",
                    crate::org::urlencode(&code),
                    m.as_str()
                ))
                .into_response());
            }
            Err(StoreError::Invalid(e)) => errors = e,
            Err(e) => return Err(e.into()),
        }
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        detail_page(&st, &page, &code, errors, None).await?,
    )
        .into_response())
}

#[derive(serde::Deserialize)]
pub struct ProgressForm {
    period: String,
    investment_yuan: String,
    #[serde(default)]
    note: String,
}

/// Adds or corrects one month's progress.
pub async fn progress(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
    Path(code): Path<String>,
    Form(f): Form<ProgressForm>,
) -> Result<Response, AppError> {
    let r = load(&st, &code).await?;
    if !scope(&page).covers(&r.project.township_code, &r.project.responsible_unit_code) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let period = Period::parse(&f.period)
        .map_err(|e| errors.push(FieldError::new("period", e)))
        .ok();
    let yuan = f
        .investment_yuan
        .trim()
        .replace(',', "")
        .parse::<i64>()
        .map_err(|_| {
            errors.push(FieldError::new(
                "investment_yuan",
                "当月完成投资须为整数（元）",
            ))
        })
        .ok();
    if let (Some(period), Some(yuan)) = (period, yuan) {
        let e = ProgressEntry {
            project_code: code.clone(),
            period,
            investment_yuan: yuan,
            note: f.note.trim().to_string(),
        };
        match st
            .store
            .set_progress(&page.user.actor(), &scope(&page), &[e])
            .await
        {
            Ok(_) => {
                return Ok(Redirect::to(&format!(
                    "/projects/{}#progress",
                    crate::org::urlencode(&code)
                ))
                .into_response());
            }
            Err(StoreError::InvalidRows(rows)) => {
                errors = rows
                    .into_iter()
                    .map(|r| FieldError::new(&r.field, r.message))
                    .collect()
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        detail_page(&st, &page, &code, errors, None).await?,
    )
        .into_response())
}
