//! Green-channel approval items of projects.

use crate::audit::{self, Actor};
use crate::projects::{Part, RowError, date};
use crate::{Result, Store, StoreError, now_text};
use domain::projects::approvals::Approval;
use domain::users::{FieldError, Scope};
use serde::Serialize;
use sqlx::Row;

/// A stored approval item with the names a page shows.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalRecord {
    pub id: i64,
    pub project_code: String,
    pub project_name: String,
    pub project_township_code: String,
    pub project_unit_code: String,
    pub department_name: String,
    pub approval: Approval,
}

impl Store {
    /// Approval items, of one project or of all, oldest first.
    pub async fn approvals(&self, project_code: Option<&str>) -> Result<Vec<ApprovalRecord>> {
        let rows = sqlx::query(
            "SELECT a.id, a.name, a.submitted_on, a.approved_on, a.limit_working_days, d.code AS dept_code, d.name AS dept_name, \
             p.code AS project_code, p.name AS project_name, t.code AS township_code, u.code AS unit_code \
             FROM project_approvals a JOIN projects p ON p.id = a.project_id JOIN org_units d ON d.id = a.department_id \
             JOIN org_units t ON t.id = p.township_id LEFT JOIN org_units u ON u.id = p.responsible_unit_id \
             WHERE ($1 IS NULL OR p.code = $1) ORDER BY a.id",
        )
        .bind(project_code)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApprovalRecord {
                    id: r.try_get("id")?,
                    project_code: r.try_get("project_code")?,
                    project_name: r.try_get("project_name")?,
                    project_township_code: r.try_get("township_code")?,
                    project_unit_code: r
                        .try_get::<Option<String>, _>("unit_code")?
                        .unwrap_or_default(),
                    department_name: r.try_get("dept_name")?,
                    approval: Approval {
                        name: r.try_get("name")?,
                        department_code: r.try_get("dept_code")?,
                        submitted_on: date(r.try_get("submitted_on")?),
                        approved_on: date(r.try_get("approved_on")?),
                        limit_working_days: r.try_get("limit_working_days")?,
                    },
                })
            })
            .collect()
    }

    /// Adds an approval item to a project (its editors only).
    pub async fn add_approval(
        &self,
        actor: &Actor,
        scope: &Scope,
        project_code: &str,
        a: &Approval,
    ) -> Result<i64> {
        let p = self
            .project(project_code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("项目“{project_code}”")))?;
        if !scope.covers(&p.project.township_code, &p.project.responsible_unit_code) {
            return Err(StoreError::OutOfScope(vec![RowError::new(
                Part::Projects,
                0,
                "scope",
                "只有项目的责任单位或所在镇街可以添加审批事项",
            )]));
        }
        let mut errs = a.check();
        let dept = self.unit(&a.department_code).await?;
        if dept.is_none() && !a.department_code.is_empty() {
            errs.push(FieldError::new(
                "department_code",
                format!("没有代码为“{}”的单位", a.department_code),
            ));
        }
        let (Some(dept), true) = (dept, errs.is_empty()) else {
            return Err(StoreError::Invalid(errs));
        };
        let now = now_text();
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO project_approvals (project_id, name, department_id, submitted_on, approved_on, limit_working_days, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(p.id)
        .bind(a.name.trim())
        .bind(dept.id)
        .bind(a.submitted_on.map(|d| d.to_string()))
        .bind(a.approved_on.map(|d| d.to_string()))
        .bind(a.limit_working_days)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::record(
            &mut tx,
            actor,
            "project_approval",
            &format!("{project_code}/{id}"),
            "create",
            None,
            Some(&serde_json::to_value(a).unwrap_or_default()),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records an item's submission and/or approval dates. The project's
    /// editors and the responsible department may do so.
    pub async fn update_approval_dates(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: i64,
        submitted_on: Option<chrono::NaiveDate>,
        approved_on: Option<chrono::NaiveDate>,
    ) -> Result<()> {
        let rec = self
            .approvals(None)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| StoreError::NotFound("该审批事项".into()))?;
        let allowed = scope.covers(&rec.project_township_code, &rec.project_unit_code)
            || scope.covers(&rec.approval.department_code, "");
        if !allowed {
            return Err(StoreError::OutOfScope(vec![RowError::new(
                Part::Projects,
                0,
                "scope",
                "只有项目的责任单位、所在镇街或审批部门可以修改该审批事项",
            )]));
        }
        let new = Approval {
            submitted_on,
            approved_on,
            ..rec.approval.clone()
        };
        let errs = new.check();
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE project_approvals SET submitted_on = $1, approved_on = $2, updated_at = $3 WHERE id = $4")
            .bind(submitted_on.map(|d| d.to_string()))
            .bind(approved_on.map(|d| d.to_string()))
            .bind(now_text())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "project_approval",
            &format!("{}/{id}", rec.project_code),
            "update",
            Some(&serde_json::to_value(&rec.approval).unwrap_or_default()),
            Some(&serde_json::to_value(&new).unwrap_or_default()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
