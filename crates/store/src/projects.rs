//! Projects: upsert by code (all-or-nothing, idempotent), milestones with
//! their history, monthly progress.

use crate::audit::Actor;
pub use crate::batch::Batch;
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::patch::Patch;
use domain::projects::{Dates, Milestone, Period, Project, ProjectKind, ProjectStatus};
use domain::users::Scope;
use serde::Serialize;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};
use std::collections::HashMap;

/// Which part of a batch a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Projects,
    Parcels,
    Progress,
}

/// A problem with one input row (0-based index into its part of the batch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub part: Part,
    pub row: usize,
    pub field: String,
    pub message: String,
}

impl RowError {
    pub fn new(part: Part, row: usize, field: &str, message: impl Into<String>) -> Self {
        RowError {
            part,
            row,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UpsertReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A stored project with the names a page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectRecord {
    pub id: i64,
    pub project: Project,
    pub township_name: String,
    pub unit_name: String,
    pub created_at: String,
    pub updated_at: String,
}

/// One change of a milestone date.
#[derive(Debug, Clone, Serialize)]
pub struct MilestoneEvent {
    pub milestone: Milestone,
    /// "actual" or "planned".
    pub which: String,
    pub old_date: Option<String>,
    pub new_date: Option<String>,
    pub note: String,
    pub at: String,
    pub actor_name: String,
}

/// One month's progress of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgressEntry {
    pub project_code: String,
    pub period: Period,
    pub investment_yuan: i64,
    pub note: String,
}

/// A stored month of progress.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressRow {
    pub period: String,
    pub investment_yuan: i64,
    pub note: String,
    pub updated_at: String,
    pub updated_by: String,
}

pub(crate) fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| s.parse().ok())
}

fn text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

const PROJECT_SELECT: &str = "SELECT p.*, t.code AS township_code, t.name AS township_name, u.code AS unit_code, u.name AS unit_name \
     FROM projects p JOIN org_units t ON t.id = p.township_id LEFT JOIN org_units u ON u.id = p.responsible_unit_id";

fn project_from_row(r: &AnyRow) -> Result<ProjectRecord> {
    let mut dates = Dates::default();
    for m in Milestone::ALL {
        dates.actual[m.index()] = date(r.try_get(format!("{}_on", m.as_str()).as_str())?);
        dates.planned[m.index()] = date(r.try_get(format!("planned_{}_on", m.as_str()).as_str())?);
    }
    let kind: String = r.try_get("kind")?;
    let status: String = r.try_get("status")?;
    let project = Project {
        code: r.try_get("code")?,
        national_code: r.try_get("national_code")?,
        name: r.try_get("name")?,
        enterprise_credit_code: r.try_get("enterprise_credit_code")?,
        enterprise_name: r.try_get("enterprise_name")?,
        township_code: r.try_get("township_code")?,
        kind: ProjectKind::parse(&kind).unwrap_or(ProjectKind::Industrial),
        key_project: r.try_get::<i64, _>("key_project")? != 0,
        planned_investment_yuan: r.try_get("planned_investment_yuan")?,
        land_area_millimu: r.try_get("land_area_millimu")?,
        responsible_unit_code: r
            .try_get::<Option<String>, _>("unit_code")?
            .unwrap_or_default(),
        responsible_person: r.try_get("responsible_person")?,
        responsible_phone: r.try_get("responsible_phone")?,
        pre_phase_funding_yuan: r.try_get("pre_phase_funding_yuan")?,
        notes: r.try_get("notes")?,
        dates,
        variance_note: r.try_get("variance_note")?,
        planned_completion_year: r
            .try_get::<Option<i64>, _>("planned_completion_year")?
            .map(|y| y as i32),
        status: ProjectStatus::parse(&status).unwrap_or(ProjectStatus::Active),
        status_on: date(r.try_get("status_on")?),
        status_reason: r.try_get("status_reason")?,
    };
    Ok(ProjectRecord {
        id: r.try_get("id")?,
        project,
        township_name: r.try_get("township_name")?,
        unit_name: r
            .try_get::<Option<String>, _>("unit_name")?
            .unwrap_or_default(),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// Binds a project's columns in the order of INSERT and UPDATE below.
pub(crate) fn bind_project<'q>(
    q: Query<'q, Any, AnyArguments>,
    p: &'q Project,
    township_id: i64,
    unit_id: Option<i64>,
    now: &'q str,
) -> Query<'q, Any, AnyArguments> {
    let mut q = q
        .bind(&p.code)
        .bind(&p.national_code)
        .bind(&p.name)
        .bind(&p.enterprise_credit_code)
        .bind(&p.enterprise_name)
        .bind(township_id)
        .bind(p.kind.as_str())
        .bind(p.key_project as i64)
        .bind(p.planned_investment_yuan)
        .bind(p.land_area_millimu)
        .bind(unit_id)
        .bind(&p.responsible_person)
        .bind(&p.responsible_phone)
        .bind(p.pre_phase_funding_yuan)
        .bind(&p.notes);
    for m in Milestone::ALL {
        q = q.bind(text(p.dates.actual(m)));
    }
    for m in Milestone::ALL {
        q = q.bind(text(p.dates.planned(m)));
    }
    q.bind(&p.variance_note)
        .bind(p.planned_completion_year.map(|y| y as i64))
        .bind(p.status.as_str())
        .bind(text(p.status_on))
        .bind(&p.status_reason)
        .bind(now)
}

pub(crate) const INSERT_PROJECT: &str = "INSERT INTO projects (code, national_code, name, enterprise_credit_code, enterprise_name, township_id, kind, \
     key_project, planned_investment_yuan, land_area_millimu, responsible_unit_id, responsible_person, responsible_phone, \
     pre_phase_funding_yuan, notes, reserved_on, approved_on, land_supplied_on, site_entered_on, started_on, completed_on, \
     in_production_on, planned_reserved_on, planned_approved_on, planned_land_supplied_on, planned_site_entered_on, \
     planned_started_on, planned_completed_on, planned_in_production_on, variance_note, planned_completion_year, status, \
     status_on, status_reason, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
     $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $35) RETURNING id";

pub(crate) const UPDATE_PROJECT: &str = "UPDATE projects SET code = $1, national_code = $2, name = $3, enterprise_credit_code = $4, \
     enterprise_name = $5, township_id = $6, kind = $7, key_project = $8, planned_investment_yuan = $9, land_area_millimu = $10, \
     responsible_unit_id = $11, responsible_person = $12, responsible_phone = $13, pre_phase_funding_yuan = $14, notes = $15, \
     reserved_on = $16, approved_on = $17, land_supplied_on = $18, site_entered_on = $19, started_on = $20, completed_on = $21, \
     in_production_on = $22, planned_reserved_on = $23, planned_approved_on = $24, planned_land_supplied_on = $25, \
     planned_site_entered_on = $26, planned_started_on = $27, planned_completed_on = $28, planned_in_production_on = $29, \
     variance_note = $30, planned_completion_year = $31, status = $32, status_on = $33, status_reason = $34, updated_at = $35 \
     WHERE id = $36";

/// Looks up unit ids by code, for resolving references in a batch.
pub(crate) struct UnitIndex {
    by_code: HashMap<String, (i64, domain::org::UnitKind)>,
}

impl UnitIndex {
    pub(crate) async fn load(store: &Store) -> Result<UnitIndex> {
        Ok(UnitIndex {
            by_code: store
                .units()
                .await?
                .into_iter()
                .map(|u| (u.code, (u.id, u.kind)))
                .collect(),
        })
    }
    /// The id of a township, sub-district or development zone.
    pub(crate) fn township(&self, code: &str) -> Result<i64, String> {
        match self.by_code.get(code) {
            Some((id, k)) if k.is_territorial() => Ok(*id),
            Some(_) => Err(format!("“{code}”不是镇、街道或开发区")),
            None if code.is_empty() => Err("所在镇（街道）不能为空".into()),
            None => Err(format!("没有代码为“{code}”的镇、街道或开发区")),
        }
    }
    /// The id of any unit; None for an empty code.
    pub(crate) fn unit(&self, code: &str) -> Result<Option<i64>, String> {
        if code.is_empty() {
            return Ok(None);
        }
        self.by_code
            .get(code)
            .map(|(id, _)| Some(*id))
            .ok_or_else(|| format!("没有代码为“{code}”的单位"))
    }
}

pub(crate) fn scope_error(scope: &Scope) -> String {
    match scope {
        Scope::Unit(u) => format!("只能修改本单位（{u}）负责或位于本单位辖区的记录"),
        _ => "没有修改权限".into(),
    }
}

impl Store {
    /// Every project, by code.
    pub async fn projects(&self) -> Result<Vec<ProjectRecord>> {
        let sql = format!("{PROJECT_SELECT} ORDER BY p.code");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(project_from_row).collect()
    }

    /// One project by code.
    pub async fn project(&self, code: &str) -> Result<Option<ProjectRecord>> {
        let sql = format!("{PROJECT_SELECT} WHERE p.code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(code)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(project_from_row).transpose()
    }

    /// Creates or updates projects by code, all or nothing: any bad row (a
    /// broken rule, an unknown township or unit, a code twice, a record outside
    /// the editor's scope) writes nothing and every bad row is reported.
    /// Rows equal to what is stored change nothing, so a re-import is idempotent.
    pub async fn upsert_projects(
        &self,
        actor: &Actor,
        scope: &Scope,
        rows: &[Project],
    ) -> Result<UpsertReport> {
        let batch = Batch {
            projects: rows.iter().cloned().map(Patch::full).collect(),
            ..Default::default()
        };
        Ok(self.apply_batch(actor, scope, &batch).await?.projects)
    }

    /// Like `upsert_projects`, for partial records: each patch is merged with
    /// the stored project (fields not sent keep their value) before the rules
    /// are checked; a new project needs its required fields.
    pub async fn merge_projects(
        &self,
        actor: &Actor,
        scope: &Scope,
        rows: &[Patch<Project>],
    ) -> Result<UpsertReport> {
        let batch = Batch {
            projects: rows.to_vec(),
            ..Default::default()
        };
        Ok(self.apply_batch(actor, scope, &batch).await?.projects)
    }

    /// Records that a project reached a milestone on a date (the one-click
    /// action): the same rules as any edit apply.
    pub async fn record_milestone(
        &self,
        actor: &Actor,
        scope: &Scope,
        code: &str,
        m: Milestone,
        on: NaiveDate,
        variance_note: &str,
    ) -> Result<()> {
        let rec = self
            .project(code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("项目“{code}”")))?;
        let mut p = rec.project;
        p.dates.actual[m.index()] = Some(on);
        if !variance_note.trim().is_empty() {
            p.variance_note = variance_note.trim().to_string();
        }
        self.upsert_projects(actor, scope, &[p])
            .await
            .map_err(|e| match e {
                StoreError::InvalidRows(rows) => StoreError::Invalid(
                    rows.into_iter()
                        .map(|r| domain::users::FieldError::new(&r.field, r.message))
                        .collect(),
                ),
                other => other,
            })?;
        Ok(())
    }

    /// The history of a project's milestone dates, oldest first.
    pub async fn milestone_events(&self, project_id: i64) -> Result<Vec<MilestoneEvent>> {
        let rows = sqlx::query("SELECT milestone, which, old_date, new_date, note, at, actor_name FROM milestone_events WHERE project_id = $1 ORDER BY id")
            .bind(project_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(MilestoneEvent {
                    milestone: Milestone::parse(&r.try_get::<String, _>("milestone")?)
                        .unwrap_or(Milestone::Reserved),
                    which: r.try_get("which")?,
                    old_date: r.try_get("old_date")?,
                    new_date: r.try_get("new_date")?,
                    note: r.try_get("note")?,
                    at: r.try_get("at")?,
                    actor_name: r.try_get("actor_name")?,
                })
            })
            .collect()
    }

    /// Sets monthly progress, all or nothing, replacing a month's figure; a
    /// correction keeps the old figure in the audit log.
    pub async fn set_progress(
        &self,
        actor: &Actor,
        scope: &Scope,
        entries: &[ProgressEntry],
    ) -> Result<UpsertReport> {
        let batch = Batch {
            progress: entries.to_vec(),
            ..Default::default()
        };
        Ok(self.apply_batch(actor, scope, &batch).await?.progress)
    }

    /// A project's monthly progress, by period.
    pub async fn progress(&self, project_id: i64) -> Result<Vec<ProgressRow>> {
        let rows = sqlx::query("SELECT period, investment_yuan, note, updated_at, updated_by FROM project_progress WHERE project_id = $1 ORDER BY period")
            .bind(project_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ProgressRow {
                    period: r.try_get("period")?,
                    investment_yuan: r.try_get("investment_yuan")?,
                    note: r.try_get("note")?,
                    updated_at: r.try_get("updated_at")?,
                    updated_by: r.try_get("updated_by")?,
                })
            })
            .collect()
    }
}

pub(crate) async fn record_date_changes(
    tx: &mut sqlx::Transaction<'_, Any>,
    actor: &Actor,
    project_id: i64,
    old: &Dates,
    new: &Dates,
    now: &str,
    note: &str,
) -> Result<()> {
    for m in Milestone::ALL {
        for (which, o, n) in [
            ("actual", old.actual(m), new.actual(m)),
            ("planned", old.planned(m), new.planned(m)),
        ] {
            if o == n {
                continue;
            }
            sqlx::query("INSERT INTO milestone_events (project_id, milestone, which, old_date, new_date, note, at, actor_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(project_id)
                .bind(m.as_str())
                .bind(which)
                .bind(text(o))
                .bind(text(n))
                .bind(if which == "actual" { note } else { "" })
                .bind(now)
                .bind(&actor.name)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
