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
    /// A retired unit stays on its records but leaves every picker.
    pub active: bool,
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
        "u.id, u.code, u.name, u.kind, p.code AS parent_code, u.placeholder, u.note, u.active"
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
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

/// Changes to a unit an admin may make.
#[derive(Debug, Clone)]
pub struct UnitEdit {
    pub name: String,
    pub kind: String,
    pub note: String,
    /// The parent unit's code (none: a top-level unit).
    pub parent: Option<String>,
    pub active: bool,
}

/// A unit the office adds.
#[derive(Debug, Clone, Default)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent: Option<String>,
    pub note: String,
}

/// The checked fields shared by adding and editing a unit.
struct CheckedUnit {
    name: String,
    kind: UnitKind,
    note: String,
    parent_id: Option<i64>,
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

    /// The units that may be chosen for new work (not retired), in order.
    pub async fn active_units(&self) -> Result<Vec<Unit>> {
        Ok(self
            .units()
            .await?
            .into_iter()
            .filter(|u| u.active)
            .collect())
    }

    /// Checks a unit's name, kind, note and parent (which must exist and
    /// must not be the unit itself or one of its descendants).
    async fn check_unit(
        &self,
        code: Option<&str>,
        name: &str,
        kind: &str,
        note: &str,
        parent: Option<&str>,
        errs: &mut Vec<FieldError>,
    ) -> Result<Option<CheckedUnit>> {
        let name = parse_unit_name(name)
            .map_err(|m| errs.push(FieldError::new("name", m)))
            .ok();
        let kind: Option<UnitKind> = kind
            .parse()
            .map_err(|e: domain::org::UnknownUnitKind| {
                errs.push(FieldError::new("kind", e.to_string()))
            })
            .ok();
        let note = note.trim().to_string();
        if note.chars().count() > 500 {
            errs.push(FieldError::new("note", "备注不能超过 500 个字符"));
        }
        let mut parent_id = None;
        if let Some(p) = parent.map(str::trim).filter(|p| !p.is_empty()) {
            match self.unit(p).await? {
                None => errs.push(FieldError::new(
                    "parent",
                    format!("没有代码为“{p}”的上级单位"),
                )),
                Some(pu) => {
                    // Walk up from the parent: the unit must not be its own ancestor.
                    let all = self.units().await?;
                    let mut at = Some(pu.clone());
                    let mut steps = 0;
                    while let Some(u) = at {
                        if Some(u.code.as_str()) == code {
                            errs.push(FieldError::new(
                                "parent",
                                "上级单位不能是本单位或其下级单位",
                            ));
                            break;
                        }
                        steps += 1;
                        at = u
                            .parent_code
                            .as_ref()
                            .and_then(|c| all.iter().find(|x| &x.code == c).cloned())
                            .filter(|_| steps < all.len());
                    }
                    parent_id = Some(pu.id);
                }
            }
        }
        Ok(match (name, kind) {
            (Some(name), Some(kind)) if errs.is_empty() => Some(CheckedUnit {
                name,
                kind,
                note,
                parent_id,
            }),
            _ => None,
        })
    }

    /// Adds a unit (e.g. a financial institution the district works with).
    pub async fn add_unit(&self, actor: &Actor, new: &NewUnit) -> Result<Unit> {
        let mut errs = Vec::new();
        let code = domain::org::UnitCode::parse(&new.code)
            .map_err(|e| errs.push(FieldError::new("code", e.to_string())))
            .ok();
        if let Some(c) = &code
            && self.unit(c.as_str()).await?.is_some()
        {
            errs.push(FieldError::new("code", format!("单位代码“{c}”已被使用")));
        }
        let checked = self
            .check_unit(
                code.as_ref().map(|c| c.as_str()),
                &new.name,
                &new.kind,
                &new.note,
                new.parent.as_deref(),
                &mut errs,
            )
            .await?;
        let (Some(code), Some(c)) = (code, checked) else {
            return Err(StoreError::Invalid(errs));
        };
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        let order: i64 = sqlx::query("SELECT COALESCE(MAX(sort_order), 0) + 1 AS n FROM org_units")
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        sqlx::query(
            "INSERT INTO org_units (code, name, kind, parent_id, placeholder, note, sort_order, active) \
             VALUES ($1, $2, $3, $4, 0, $5, $6, 1)",
        )
        .bind(code.as_str())
        .bind(&c.name)
        .bind(c.kind.as_str())
        .bind(c.parent_id)
        .bind(&c.note)
        .bind(order)
        .execute(&mut *tx)
        .await
        .map_err(|e| crate::conflict_on_unique(e, "单位代码已被使用"))?;
        audit::record(
            &mut tx,
            actor,
            "org_unit",
            code.as_str(),
            "create",
            None,
            Some(&serde_json::json!({"name": c.name, "kind": c.kind.as_str(), "parent": new.parent, "note": c.note})),
        )
        .await?;
        tx.commit().await?;
        self.unit(code.as_str())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("单位“{code}”")))
    }

    /// Renames, re-kinds, re-parents or retires a unit (e.g. a placeholder
    /// the office names); a renamed placeholder stops being one. A unit
    /// still handling open requests cannot be retired. Records the change
    /// in the audit log.
    pub async fn update_unit(&self, actor: &Actor, code: &str, edit: &UnitEdit) -> Result<Unit> {
        let before = self
            .unit(code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("单位“{code}”")))?;
        let mut errs = Vec::new();
        let checked = self
            .check_unit(
                Some(code),
                &edit.name,
                &edit.kind,
                &edit.note,
                edit.parent.as_deref(),
                &mut errs,
            )
            .await?;
        let Some(c) = checked else {
            return Err(StoreError::Invalid(errs));
        };
        let placeholder = before.placeholder && before.name == c.name;
        let mut tx = self.begin().await?;
        if before.active && !edit.active {
            let open: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM requests WHERE unit_id = $1 AND status IN \
                 ('assigned', 'transferred', 'accepted', 'replied', 'reopened', 'escalated')",
            )
            .bind(before.id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            if open > 0 {
                return Err(StoreError::Invalid(vec![FieldError::new(
                    "active",
                    format!("该单位还有 {open} 件未办结的诉求，请先转办后再停用"),
                )]));
            }
        }
        sqlx::query("UPDATE org_units SET name = $1, kind = $2, note = $3, placeholder = $4, parent_id = $5, active = $6 WHERE code = $7")
            .bind(&c.name)
            .bind(c.kind.as_str())
            .bind(&c.note)
            .bind(placeholder as i64)
            .bind(c.parent_id)
            .bind(edit.active as i64)
            .bind(code)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::conflict_on_unique(e, "单位名称重复"))?;
        let after = Unit {
            name: c.name,
            kind: c.kind,
            note: c.note,
            placeholder,
            parent_code: edit
                .parent
                .clone()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty()),
            active: edit.active,
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
