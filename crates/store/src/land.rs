//! Land parcels: upsert by code (all-or-nothing, idempotent), list, detail.

use crate::audit::Actor;
use crate::projects::{Batch, UpsertReport, date};
use crate::{Result, Store};
use domain::land::Parcel;
use domain::patch::Patch;
use domain::users::Scope;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

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
        let batch = Batch {
            parcels: rows.iter().cloned().map(Patch::full).collect(),
            ..Default::default()
        };
        Ok(self.apply_batch(actor, scope, &batch).await?.parcels)
    }

    /// Like `upsert_parcels`, for partial records merged with what is stored.
    pub async fn merge_parcels(
        &self,
        actor: &Actor,
        scope: &Scope,
        rows: &[Patch<Parcel>],
    ) -> Result<UpsertReport> {
        let batch = Batch {
            parcels: rows.to_vec(),
            ..Default::default()
        };
        Ok(self.apply_batch(actor, scope, &batch).await?.parcels)
    }
}
