//! Land parcels: upsert by code (all-or-nothing, idempotent), list, detail.

use crate::audit::{self, Actor};
use crate::projects::{RowError, UnitIndex, UpsertReport, date};
use crate::{Result, Store, StoreError, now_text};
use domain::land::Parcel;
use domain::users::Scope;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{HashMap, HashSet};

/// A stored parcel with the names a page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ParcelRecord {
    pub id: i64,
    pub parcel: Parcel,
    pub township_name: String,
    pub project_name: String,
    pub updated_at: String,
}

const PARCEL_SELECT: &str = "SELECT l.id, l.code, l.area_millimu, l.expropriated_on, l.supplied_on, l.notes, l.updated_at, \
     t.code AS township_code, t.name AS township_name, p.code AS project_code, p.name AS project_name \
     FROM land_parcels l JOIN org_units t ON t.id = l.township_id LEFT JOIN projects p ON p.id = l.project_id";

fn parcel_from_row(r: &AnyRow) -> Result<ParcelRecord> {
    Ok(ParcelRecord {
        id: r.try_get("id")?,
        parcel: Parcel {
            code: r.try_get("code")?,
            township_code: r.try_get("township_code")?,
            area_millimu: r.try_get("area_millimu")?,
            expropriated_on: date(r.try_get("expropriated_on")?),
            supplied_on: date(r.try_get("supplied_on")?),
            project_code: r
                .try_get::<Option<String>, _>("project_code")?
                .unwrap_or_default(),
            notes: r.try_get("notes")?,
        },
        township_name: r.try_get("township_name")?,
        project_name: r
            .try_get::<Option<String>, _>("project_name")?
            .unwrap_or_default(),
        updated_at: r.try_get("updated_at")?,
    })
}

impl Store {
    /// Every parcel, by code.
    pub async fn parcels(&self) -> Result<Vec<ParcelRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PARCEL_SELECT} ORDER BY l.code"
        )))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(parcel_from_row).collect()
    }

    /// One parcel by code.
    pub async fn parcel(&self, code: &str) -> Result<Option<ParcelRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PARCEL_SELECT} WHERE l.code = $1"
        )))
        .bind(code)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(parcel_from_row).transpose()
    }

    /// The parcels supplied to a project.
    pub async fn parcels_of_project(&self, project_code: &str) -> Result<Vec<ParcelRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PARCEL_SELECT} WHERE p.code = $1 ORDER BY l.code"
        )))
        .bind(project_code)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(parcel_from_row).collect()
    }

    /// Creates or updates parcels by code, all or nothing, idempotent.
    pub async fn upsert_parcels(
        &self,
        actor: &Actor,
        scope: &Scope,
        rows: &[Parcel],
    ) -> Result<UpsertReport> {
        let units = UnitIndex::load(self).await?;
        let existing: HashMap<String, ParcelRecord> = self
            .parcels()
            .await?
            .into_iter()
            .map(|r| (r.parcel.code.clone(), r))
            .collect();
        let projects: HashMap<String, i64> = self
            .projects()
            .await?
            .into_iter()
            .map(|r| (r.project.code, r.id))
            .collect();
        let mut errs = Vec::new();
        let mut seen = HashSet::new();
        let mut resolved = Vec::new();
        for (i, p) in rows.iter().enumerate() {
            for e in p.check() {
                errs.push(RowError::new(i, &e.field, e.message));
            }
            if !seen.insert(p.code.clone()) {
                errs.push(RowError::new(
                    i,
                    "code",
                    format!("地块编号“{}”在本批数据中重复", p.code),
                ));
            }
            let t = units
                .township(&p.township_code)
                .map_err(|m| errs.push(RowError::new(i, "township_code", m)))
                .ok();
            let project_id = if p.project_code.is_empty() {
                Some(None)
            } else {
                match projects.get(&p.project_code) {
                    Some(id) => Some(Some(*id)),
                    None => {
                        errs.push(RowError::new(
                            i,
                            "project_code",
                            format!("没有编号为“{}”的项目", p.project_code),
                        ));
                        None
                    }
                }
            };
            let old = existing.get(&p.code);
            if !scope.covers(&p.township_code, "")
                || old.is_some_and(|o| !scope.covers(&o.parcel.township_code, ""))
            {
                errs.push(RowError::new(i, "scope", "只能修改本单位辖区内的地块"));
            }
            if let (Some(t), Some(pid)) = (t, project_id) {
                resolved.push((p, t, pid, old));
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
        let now = now_text();
        let mut report = UpsertReport::default();
        let mut tx = self.pool().begin().await?;
        for (p, township_id, project_id, old) in resolved {
            let after = serde_json::to_value(p).unwrap_or_default();
            match old {
                Some(o) if &o.parcel == p => report.unchanged += 1,
                Some(o) => {
                    sqlx::query("UPDATE land_parcels SET township_id = $1, area_millimu = $2, expropriated_on = $3, supplied_on = $4, project_id = $5, notes = $6, updated_at = $7 WHERE id = $8")
                        .bind(township_id)
                        .bind(p.area_millimu)
                        .bind(p.expropriated_on.map(|d| d.to_string()))
                        .bind(p.supplied_on.map(|d| d.to_string()))
                        .bind(project_id)
                        .bind(&p.notes)
                        .bind(&now)
                        .bind(o.id)
                        .execute(&mut *tx)
                        .await?;
                    audit::record(
                        &mut tx,
                        actor,
                        "land_parcel",
                        &p.code,
                        "update",
                        Some(&serde_json::to_value(&o.parcel).unwrap_or_default()),
                        Some(&after),
                    )
                    .await?;
                    report.updated += 1;
                }
                None => {
                    sqlx::query("INSERT INTO land_parcels (code, township_id, area_millimu, expropriated_on, supplied_on, project_id, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)")
                        .bind(&p.code)
                        .bind(township_id)
                        .bind(p.area_millimu)
                        .bind(p.expropriated_on.map(|d| d.to_string()))
                        .bind(p.supplied_on.map(|d| d.to_string()))
                        .bind(project_id)
                        .bind(&p.notes)
                        .bind(&now)
                        .execute(&mut *tx)
                        .await?;
                    audit::record(
                        &mut tx,
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
        }
        tx.commit().await?;
        Ok(report)
    }
}
