//! Org units and working groups.

use crate::audit::{self, Actor};
use crate::{Result, Store, StoreError};
use domain::org::{GroupRole, UnitKind, parse_unit_name};
use domain::users::FieldError;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// An org unit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_code: Option<String>,
    pub placeholder: bool,
    pub note: String,
}

impl Unit {
    /// The kind's Chinese label (for templates).
    pub fn kind_label(&self) -> &'static str {
        self.kind.label()
    }
}

/// A unit's place in a working group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupUnit {
    pub code: String,
    pub name: String,
    pub role: GroupRole,
}

/// A working group with its units.
#[derive(Debug, Clone, Serialize)]
pub struct WorkingGroup {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub duties: String,
    pub leads: Vec<GroupUnit>,
    pub participants: Vec<GroupUnit>,
}

macro_rules! unit_columns {
    () => {
        "u.id, u.code, u.name, u.kind, p.code AS parent_code, u.placeholder, u.note"
    };
}

fn unit_from_row(r: &AnyRow) -> Result<Unit> {
    let kind: String = r.try_get("kind")?;
    Ok(Unit {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: kind
            .parse()
            .map_err(|e: domain::org::UnknownUnitKind| StoreError::Conflict(e.to_string()))?,
        parent_code: r.try_get("parent_code")?,
        placeholder: r.try_get::<i64, _>("placeholder")? != 0,
        note: r.try_get("note")?,
    })
}

/// Changes to a unit an admin may make.
#[derive(Debug, Clone)]
pub struct UnitEdit {
    pub name: String,
    pub kind: String,
    pub note: String,
}

impl Store {
    /// Every org unit, in their configured order.
    pub async fn units(&self) -> Result<Vec<Unit>> {
        let rows = sqlx::query(concat!("SELECT ", unit_columns!(), " FROM org_units u LEFT JOIN org_units p ON p.id = u.parent_id ORDER BY u.sort_order, u.id"))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(unit_from_row).collect()
    }

    /// One unit by code.
    pub async fn unit(&self, code: &str) -> Result<Option<Unit>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            unit_columns!(),
            " FROM org_units u LEFT JOIN org_units p ON p.id = u.parent_id WHERE u.code = $1"
        ))
        .bind(code)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(unit_from_row).transpose()
    }

    /// Renames or re-kinds a unit (e.g. a placeholder the office names); a
    /// renamed placeholder stops being one. Records the change in the audit log.
    pub async fn update_unit(&self, actor: &Actor, code: &str, edit: &UnitEdit) -> Result<Unit> {
        let mut errs = Vec::new();
        let name = parse_unit_name(&edit.name)
            .map_err(|m| errs.push(FieldError::new("name", m)))
            .ok();
        let kind: Option<UnitKind> = edit
            .kind
            .parse()
            .map_err(|e: domain::org::UnknownUnitKind| {
                errs.push(FieldError::new("kind", e.to_string()))
            })
            .ok();
        let note = edit.note.trim().to_string();
        if note.chars().count() > 500 {
            errs.push(FieldError::new("note", "备注不能超过 500 个字符"));
        }
        let (Some(name), Some(kind)) = (name, kind) else {
            return Err(StoreError::Invalid(errs));
        };
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let before = self
            .unit(code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("单位“{code}”")))?;
        let placeholder = before.placeholder && before.name == name;
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE org_units SET name = $1, kind = $2, note = $3, placeholder = $4 WHERE code = $5")
            .bind(&name)
            .bind(kind.as_str())
            .bind(&note)
            .bind(placeholder as i64)
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::conflict_on_unique(e, "单位名称重复"))?;
        let after = Unit {
            name,
            kind,
            note,
            placeholder,
            ..before.clone()
        };
        audit::record(
            &mut tx,
            actor,
            "org_unit",
            code,
            "update",
            Some(&serde_json::to_value(&before).unwrap_or_default()),
            Some(&serde_json::to_value(&after).unwrap_or_default()),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The working groups of a campaign with their lead and participating units.
    pub async fn working_groups(&self, campaign_id: i64) -> Result<Vec<WorkingGroup>> {
        let groups = sqlx::query("SELECT id, code, name, duties FROM working_groups WHERE campaign_id = $1 ORDER BY sort_order")
            .bind(campaign_id)
            .fetch_all(self.pool())
            .await?;
        let members = sqlx::query(
            "SELECT g.id AS group_id, u.code, u.name, gu.role FROM working_group_units gu \
             JOIN working_groups g ON g.id = gu.group_id JOIN org_units u ON u.id = gu.unit_id \
             WHERE g.campaign_id = $1 ORDER BY gu.sort_order",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for g in groups {
            let id: i64 = g.try_get("id")?;
            let mut wg = WorkingGroup {
                id,
                code: g.try_get("code")?,
                name: g.try_get("name")?,
                duties: g.try_get("duties")?,
                leads: vec![],
                participants: vec![],
            };
            for m in &members {
                if m.try_get::<i64, _>("group_id")? != id {
                    continue;
                }
                let role = GroupRole::parse(&m.try_get::<String, _>("role")?)
                    .unwrap_or(GroupRole::Participant);
                let gu = GroupUnit {
                    code: m.try_get("code")?,
                    name: m.try_get("name")?,
                    role,
                };
                match role {
                    GroupRole::Lead => wg.leads.push(gu),
                    GroupRole::Participant => wg.participants.push(gu),
                }
            }
            out.push(wg);
        }
        Ok(out)
    }
}
