//! Writing projects, parcels and monthly progress together, all or nothing:
//! every row of every part is checked first (rules, references, duplicates,
//! the editor's scope), and only a clean batch is written, in one transaction.
//! Rows equal to what is stored change nothing, so re-sending is idempotent.
//! The single-part upserts and the Excel import all come through here.
//!
//! Projects and parcels arrive as patches (`domain::patch`): a row that sends
//! only some fields is merged with the stored record first, and the merged
//! record is what the rules check and what is written.

use crate::audit::{self, Actor};
use crate::land::ParcelRecord;
use crate::projects::{
    INSERT_PROJECT, Part, ProgressEntry, ProjectRecord, RowError, UPDATE_PROJECT, UnitIndex,
    UpsertReport, bind_project, record_date_changes, scope_error,
};
use crate::{Result, Store, StoreError, now_text};
use domain::land::Parcel;
use domain::patch::Patch;
use domain::projects::{Dates, Project};
use domain::users::Scope;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::collections::{HashMap, HashSet};

/// What to write.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub projects: Vec<Patch<Project>>,
    pub parcels: Vec<Patch<Parcel>>,
    pub progress: Vec<ProgressEntry>,
}

/// What was written, per part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    pub projects: UpsertReport,
    pub parcels: UpsertReport,
    pub progress: UpsertReport,
}

struct ProjectPlan {
    /// The project as it will be stored (the patch merged).
    p: Project,
    township_id: i64,
    unit_id: Option<i64>,
}

struct ParcelPlan {
    p: Parcel,
    township_id: i64,
}

/// A checked batch, ready to write.
struct Plan {
    projects: Vec<ProjectPlan>,
    parcels: Vec<ParcelPlan>,
    existing: HashMap<String, ProjectRecord>,
    stored_parcels: HashMap<String, ParcelRecord>,
}

impl Store {
    /// Checks the whole batch and writes it in one transaction, or writes
    /// nothing and reports every bad row (out-of-scope rows as `OutOfScope`).
    pub async fn apply_batch(
        &self,
        actor: &Actor,
        scope: &Scope,
        batch: &Batch,
    ) -> Result<BatchReport> {
        // Two batches never interleave: the write lock (SQLite) or the lock
        // on the `data_version` row (PostgreSQL) is taken before the plan
        // reads what is stored, so each merges onto what the other wrote.
        let mut tx = self.begin().await?;
        Store::take_turn(&mut tx).await?;
        let plan = self.plan(scope, batch).await?;
        let now = now_text();
        let mut report = BatchReport::default();
        for p in &plan.projects {
            write_project(
                &mut tx,
                actor,
                p,
                plan.existing.get(&p.p.code),
                &now,
                &mut report.projects,
            )
            .await?;
        }
        for p in &plan.parcels {
            write_parcel(
                &mut tx,
                actor,
                p,
                plan.stored_parcels.get(&p.p.code),
                &now,
                &mut report.parcels,
            )
            .await?;
        }
        for e in &batch.progress {
            write_progress(&mut tx, actor, e, &now, &mut report.progress).await?;
        }
        tx.commit().await?;
        let mut projects: Vec<String> = batch
            .projects
            .iter()
            .map(|p| p.record.code.clone())
            .collect();
        projects.extend(batch.progress.iter().map(|e| e.project_code.clone()));
        projects.sort();
        projects.dedup();
        let parcels = batch
            .parcels
            .iter()
            .map(|p| p.record.code.clone())
            .collect();
        self.changed(vec![
            crate::targets::Change::Projects(projects),
            crate::targets::Change::Parcels(parcels),
        ])
        .await;
        Ok(report)
    }

    /// Checks a batch against the database without writing anything: the
    /// same errors `apply_batch` would give.
    pub async fn check_batch(&self, scope: &Scope, batch: &Batch) -> Result<()> {
        self.plan(scope, batch).await.map(|_| ())
    }

    async fn plan(&self, scope: &Scope, batch: &Batch) -> Result<Plan> {
        let units = UnitIndex::load(self).await?;
        let existing: HashMap<String, ProjectRecord> = self
            .projects()
            .await?
            .into_iter()
            .map(|r| (r.project.code.clone(), r))
            .collect();
        let parcels: HashMap<String, ParcelRecord> = if batch.parcels.is_empty() {
            HashMap::new()
        } else {
            self.parcels()
                .await?
                .into_iter()
                .map(|r| (r.parcel.code.clone(), r))
                .collect()
        };
        let mut errs = Vec::new();

        // Projects: each patch merged with what is stored, then checked.
        let mut seen = HashSet::new();
        let mut project_plans = Vec::new();
        let mut merged_projects = Vec::new();
        for (i, patch) in batch.projects.iter().enumerate() {
            let err = |f: &str, m: String| RowError::new(Part::Projects, i, f, m);
            let p = match patch.merge(existing.get(&patch.record.code).map(|r| &r.project)) {
                Ok(p) => p,
                Err(e) => {
                    errs.extend(e.into_iter().map(|e| err(&e.field, e.message)));
                    patch.record.clone()
                }
            };
            errs.extend(p.check().into_iter().map(|e| err(&e.field, e.message)));
            if !seen.insert(patch.record.code.as_str()) {
                errs.push(err("code", format!("项目编号“{}”在本批数据中重复", p.code)));
            }
            let t = units
                .township(&p.township_code)
                .map_err(|m| errs.push(err("township_code", m)))
                .ok();
            let u = units
                .unit(&p.responsible_unit_code)
                .map_err(|m| errs.push(err("responsible_unit_code", m)))
                .ok();
            let old = existing.get(&p.code);
            if !scope.covers(&p.township_code, &p.responsible_unit_code)
                || old.is_some_and(|o| {
                    !scope.covers(&o.project.township_code, &o.project.responsible_unit_code)
                })
            {
                errs.push(err("scope", scope_error(scope)));
            }
            if let (Some(township_id), Some(unit_id)) = (t, u) {
                project_plans.push(ProjectPlan {
                    p: p.clone(),
                    township_id,
                    unit_id,
                });
            }
            merged_projects.push(p);
        }
        // What a project will look like after the batch: for scope checks and references.
        let mut after: HashMap<&str, (&str, &str)> = existing
            .values()
            .map(|r| {
                (
                    r.project.code.as_str(),
                    (
                        r.project.township_code.as_str(),
                        r.project.responsible_unit_code.as_str(),
                    ),
                )
            })
            .collect();
        for p in &merged_projects {
            after.insert(&p.code, (&p.township_code, &p.responsible_unit_code));
        }

        // Parcels.
        let mut seen = HashSet::new();
        let mut parcel_plans = Vec::new();
        for (i, patch) in batch.parcels.iter().enumerate() {
            let err = |f: &str, m: String| RowError::new(Part::Parcels, i, f, m);
            let p = match patch.merge(parcels.get(&patch.record.code).map(|r| &r.parcel)) {
                Ok(p) => p,
                Err(e) => {
                    errs.extend(e.into_iter().map(|e| err(&e.field, e.message)));
                    patch.record.clone()
                }
            };
            let p = &p;
            errs.extend(p.check().into_iter().map(|e| err(&e.field, e.message)));
            if !seen.insert(patch.record.code.as_str()) {
                errs.push(err("code", format!("地块编号“{}”在本批数据中重复", p.code)));
            }
            if !p.project_code.is_empty() && !after.contains_key(p.project_code.as_str()) {
                errs.push(err(
                    "project_code",
                    format!("没有编号为“{}”的项目", p.project_code),
                ));
            }
            let t = units
                .township(&p.township_code)
                .map_err(|m| errs.push(err("township_code", m)))
                .ok();
            let old = parcels.get(&p.code);
            if !scope.covers(&p.township_code, "")
                || old.is_some_and(|o| !scope.covers(&o.parcel.township_code, ""))
            {
                errs.push(err("scope", "只能修改本单位辖区内的地块".into()));
            }
            if let Some(township_id) = t {
                parcel_plans.push(ParcelPlan {
                    p: p.clone(),
                    township_id,
                });
            }
        }

        // Progress.
        let mut seen = HashSet::new();
        for (i, e) in batch.progress.iter().enumerate() {
            let err = |f: &str, m: String| RowError::new(Part::Progress, i, f, m);
            match after.get(e.project_code.as_str()) {
                None => errs.push(err(
                    "project_code",
                    format!("没有编号为“{}”的项目", e.project_code),
                )),
                Some((t, u)) if !scope.covers(t, u) => errs.push(err("scope", scope_error(scope))),
                Some(_) => {}
            }
            if e.investment_yuan < 0 {
                errs.push(err(
                    "investment_completed_yuan",
                    "完成投资不能为负数".into(),
                ));
            }
            if e.note.chars().count() > 500 {
                errs.push(err("note", "进展说明不能超过 500 个字符".into()));
            }
            if !seen.insert((e.project_code.as_str(), e.period)) {
                errs.push(err(
                    "period",
                    format!("项目“{}”的 {} 在本批数据中重复", e.project_code, e.period),
                ));
            }
        }

        let (denied, errs): (Vec<RowError>, Vec<RowError>) =
            errs.into_iter().partition(|e| e.field == "scope");
        if !denied.is_empty() {
            return Err(StoreError::OutOfScope(denied));
        }
        if !errs.is_empty() {
            return Err(StoreError::InvalidRows(errs));
        }

        Ok(Plan {
            projects: project_plans,
            parcels: parcel_plans,
            existing,
            stored_parcels: parcels,
        })
    }
}

async fn project_id(tx: &mut Transaction<'_, Any>, code: &str) -> Result<i64> {
    Ok(sqlx::query("SELECT id FROM projects WHERE code = $1")
        .bind(code)
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?)
}

async fn write_project(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    plan: &ProjectPlan,
    old: Option<&ProjectRecord>,
    now: &str,
    report: &mut UpsertReport,
) -> Result<()> {
    let p = &plan.p;
    match old {
        Some(o) if &o.project == p => report.unchanged += 1,
        Some(o) => {
            bind_project(
                sqlx::query(UPDATE_PROJECT),
                p,
                plan.township_id,
                plan.unit_id,
                now,
            )
            .bind(o.id)
            .execute(&mut **tx)
            .await?;
            record_date_changes(
                tx,
                actor,
                o.id,
                &o.project.dates,
                &p.dates,
                now,
                &p.variance_note,
            )
            .await?;
            let (b, a) = (
                serde_json::to_value(&o.project).unwrap_or_default(),
                serde_json::to_value(p).unwrap_or_default(),
            );
            audit::record(tx, actor, "project", &p.code, "update", Some(&b), Some(&a)).await?;
            report.updated += 1;
        }
        None => {
            let id: i64 = bind_project(
                sqlx::query(INSERT_PROJECT),
                p,
                plan.township_id,
                plan.unit_id,
                now,
            )
            .fetch_one(&mut **tx)
            .await?
            .try_get("id")?;
            record_date_changes(tx, actor, id, &Dates::default(), &p.dates, now, "").await?;
            audit::record(
                tx,
                actor,
                "project",
                &p.code,
                "create",
                None,
                Some(&serde_json::to_value(p).unwrap_or_default()),
            )
            .await?;
            report.created += 1;
        }
    }
    Ok(())
}

async fn write_parcel(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    plan: &ParcelPlan,
    old: Option<&ParcelRecord>,
    now: &str,
    report: &mut UpsertReport,
) -> Result<()> {
    let p = &plan.p;
    if old.is_some_and(|o| &o.parcel == p) {
        report.unchanged += 1;
        return Ok(());
    }
    let pid = if p.project_code.is_empty() {
        None
    } else {
        Some(project_id(tx, &p.project_code).await?)
    };
    let after = serde_json::to_value(p).unwrap_or_default();
    let d = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    match old {
        Some(o) => {
            sqlx::query("UPDATE land_parcels SET township_id = $1, area_millimu = $2, expropriated_on = $3, supplied_on = $4, project_id = $5, notes = $6, updated_at = $7 WHERE id = $8")
                .bind(plan.township_id)
                .bind(p.area_millimu)
                .bind(d(p.expropriated_on))
                .bind(d(p.supplied_on))
                .bind(pid)
                .bind(&p.notes)
                .bind(now)
                .bind(o.id)
                .execute(&mut **tx)
                .await?;
            let before = serde_json::to_value(&o.parcel).unwrap_or_default();
            audit::record(
                tx,
                actor,
                "land_parcel",
                &p.code,
                "update",
                Some(&before),
                Some(&after),
            )
            .await?;
            report.updated += 1;
        }
        None => {
            sqlx::query("INSERT INTO land_parcels (code, township_id, area_millimu, expropriated_on, supplied_on, project_id, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)")
                .bind(&p.code)
                .bind(plan.township_id)
                .bind(p.area_millimu)
                .bind(d(p.expropriated_on))
                .bind(d(p.supplied_on))
                .bind(pid)
                .bind(&p.notes)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            audit::record(
                tx,
                actor,
                "land_parcel",
                &p.code,
                "create",
                None,
                Some(&after),
            )
            .await?;
            report.created += 1;
        }
    }
    Ok(())
}

async fn write_progress(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    e: &ProgressEntry,
    now: &str,
    report: &mut UpsertReport,
) -> Result<()> {
    let pid = project_id(tx, &e.project_code).await?;
    let period = e.period.to_string();
    let old = sqlx::query(
        "SELECT investment_yuan, note FROM project_progress WHERE project_id = $1 AND period = $2",
    )
    .bind(pid)
    .bind(&period)
    .fetch_optional(&mut **tx)
    .await?;
    let key = format!("{}/{}", e.project_code, period);
    let after = serde_json::json!({"investment_yuan": e.investment_yuan, "note": e.note});
    match old {
        Some(r) => {
            let (yuan, note): (i64, String) = (r.try_get("investment_yuan")?, r.try_get("note")?);
            if yuan == e.investment_yuan && note == e.note {
                report.unchanged += 1;
                return Ok(());
            }
            sqlx::query("UPDATE project_progress SET investment_yuan = $1, note = $2, updated_at = $3, updated_by = $4 WHERE project_id = $5 AND period = $6")
                .bind(e.investment_yuan)
                .bind(&e.note)
                .bind(now)
                .bind(&actor.name)
                .bind(pid)
                .bind(&period)
                .execute(&mut **tx)
                .await?;
            let before = serde_json::json!({"investment_yuan": yuan, "note": note});
            audit::record(
                tx,
                actor,
                "project_progress",
                &key,
                "correct",
                Some(&before),
                Some(&after),
            )
            .await?;
            report.updated += 1;
        }
        None => {
            sqlx::query("INSERT INTO project_progress (project_id, period, investment_yuan, note, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(pid)
                .bind(&period)
                .bind(e.investment_yuan)
                .bind(&e.note)
                .bind(now)
                .bind(&actor.name)
                .execute(&mut **tx)
                .await?;
            audit::record(
                tx,
                actor,
                "project_progress",
                &key,
                "create",
                None,
                Some(&after),
            )
            .await?;
            report.created += 1;
        }
    }
    Ok(())
}
