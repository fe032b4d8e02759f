//! Campaigns, their targets and award schemes, and loading a template.

use crate::audit::{self, Actor};
use crate::org::Unit;
use crate::{Result, Store, StoreError, now_text};
use domain::campaign::template::Template;
use domain::campaign::{AwardTier, Formula, TargetValue, ValueUnit, check_award_tier};
use domain::users::FieldError;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// A campaign (one year's "two years" activity of a district).
#[derive(Debug, Clone, Serialize)]
pub struct Campaign {
    pub id: i64,
    pub code: String,
    pub year: i32,
    pub title: String,
    pub short_title: String,
    pub issuing_body: String,
    pub document_number: String,
    pub issued_on: String,
    pub division_code: String,
    pub leader_head: String,
    pub leader_deputies: Vec<String>,
    pub office_unit: Option<String>,
    pub office_unit_name: Option<String>,
    pub joint_meeting_name: String,
    /// 发文机关标志 of the office's bulletins.
    pub bulletin_issuer: String,
    /// Document number prefix of the bulletins (…〔年〕号).
    pub bulletin_prefix: String,
    pub bulletin_addressee: String,
    pub bulletin_copy_to: String,
}

/// A target with its formula and value.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: String,
    pub formula: Formula,
    #[serde(skip)]
    pub value: TargetValue,
    pub count_word: String,
    pub working_group_code: Option<String>,
    pub working_group_name: Option<String>,
    /// (code, name) of the responsible units.
    pub responsible_units: Vec<(String, String)>,
}

impl Target {
    /// The target value as people read it: "14%", "23.1亿元", "10个".
    pub fn value_display(&self) -> String {
        self.value.display(&self.count_word)
    }
}

/// Changes to a target an admin may make.
#[derive(Debug, Clone)]
pub struct TargetEdit {
    pub name: String,
    pub description: String,
    pub target_value: String,
    pub working_group_code: String,
}

macro_rules! campaign_columns {
    () => {
        "c.id, c.code, c.year, c.title, c.short_title, c.issuing_body, c.document_number, \
     c.issued_on, c.division_code, c.leader_head, c.leader_deputies, u.code AS office_code, u.name AS office_name, \
     c.joint_meeting_name, c.bulletin_issuer, c.bulletin_prefix, c.bulletin_addressee, c.bulletin_copy_to"
    };
}

fn campaign_from_row(r: &AnyRow) -> Result<Campaign> {
    let deputies: String = r.try_get("leader_deputies")?;
    Ok(Campaign {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        year: r.try_get::<i64, _>("year")? as i32,
        title: r.try_get("title")?,
        short_title: r.try_get("short_title")?,
        issuing_body: r.try_get("issuing_body")?,
        document_number: r.try_get("document_number")?,
        issued_on: r.try_get("issued_on")?,
        division_code: r.try_get("division_code")?,
        leader_head: r.try_get("leader_head")?,
        leader_deputies: deputies
            .split('、')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        office_unit: r.try_get("office_code")?,
        office_unit_name: r.try_get("office_name")?,
        joint_meeting_name: r.try_get("joint_meeting_name")?,
        bulletin_issuer: r.try_get("bulletin_issuer")?,
        bulletin_prefix: r.try_get("bulletin_prefix")?,
        bulletin_addressee: r.try_get("bulletin_addressee")?,
        bulletin_copy_to: r.try_get("bulletin_copy_to")?,
    })
}

impl Store {
    /// Every campaign, newest year first.
    pub async fn campaigns(&self) -> Result<Vec<Campaign>> {
        let rows = sqlx::query(concat!("SELECT ", campaign_columns!(), " FROM campaigns c LEFT JOIN org_units u ON u.id = c.office_unit_id ORDER BY c.year DESC, c.id DESC"))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(campaign_from_row).collect()
    }

    /// One campaign by id.
    pub async fn campaign(&self, id: i64) -> Result<Option<Campaign>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            campaign_columns!(),
            " FROM campaigns c LEFT JOIN org_units u ON u.id = c.office_unit_id WHERE c.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(campaign_from_row).transpose()
    }

    /// The campaign the product shows by default: the newest.
    pub async fn current_campaign(&self) -> Result<Option<Campaign>> {
        Ok(self.campaigns().await?.into_iter().next())
    }

    /// The source document of a campaign, verbatim.
    pub async fn campaign_source(&self, id: i64) -> Result<Option<String>> {
        let row = sqlx::query("SELECT source_text FROM campaigns WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.try_get("source_text")).transpose()?)
    }

    /// The leadership group's member units, in the document's order.
    pub async fn campaign_members(&self, id: i64) -> Result<Vec<Unit>> {
        let codes: Vec<String> = sqlx::query(
            "SELECT u.code FROM campaign_members m JOIN org_units u ON u.id = m.unit_id WHERE m.campaign_id = $1 ORDER BY m.sort_order",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| r.try_get("code"))
        .collect::<Result<_, _>>()?;
        let all: HashMap<String, Unit> = self
            .units()
            .await?
            .into_iter()
            .map(|u| (u.code.clone(), u))
            .collect();
        Ok(codes.iter().filter_map(|c| all.get(c).cloned()).collect())
    }

    /// The targets of a campaign, in order.
    pub async fn targets(&self, campaign_id: i64) -> Result<Vec<Target>> {
        let rows = sqlx::query(
            "SELECT t.id, t.code, t.name, t.description, t.formula_json, t.value_unit, t.target_value, t.count_word, \
             g.code AS group_code, g.name AS group_name FROM targets t LEFT JOIN working_groups g ON g.id = t.working_group_id \
             WHERE t.campaign_id = $1 ORDER BY t.sort_order",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        let units = sqlx::query(
            "SELECT tu.target_id, u.code, u.name FROM target_units tu JOIN org_units u ON u.id = tu.unit_id \
             JOIN targets t ON t.id = tu.target_id WHERE t.campaign_id = $1 ORDER BY tu.sort_order",
        )
        .bind(campaign_id)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let id: i64 = r.try_get("id")?;
            let formula_json: String = r.try_get("formula_json")?;
            let formula: Formula = serde_json::from_str(&formula_json)
                .map_err(|e| StoreError::Conflict(format!("目标公式无法解析：{e}")))?;
            let unit = ValueUnit::parse(&r.try_get::<String, _>("value_unit")?)
                .unwrap_or(formula.value_unit());
            let mut responsible = Vec::new();
            for u in &units {
                if u.try_get::<i64, _>("target_id")? == id {
                    responsible.push((u.try_get("code")?, u.try_get("name")?));
                }
            }
            out.push(Target {
                id,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                description: r.try_get("description")?,
                formula,
                value: TargetValue {
                    unit,
                    value: r.try_get("target_value")?,
                },
                count_word: r.try_get("count_word")?,
                working_group_code: r.try_get("group_code")?,
                working_group_name: r.try_get("group_name")?,
                responsible_units: responsible,
            });
        }
        Ok(out)
    }

    /// Changes a target's name, description, value or working group; every
    /// field error is reported at once, and the change is audited.
    pub async fn update_target(
        &self,
        actor: &Actor,
        campaign_id: i64,
        code: &str,
        edit: &TargetEdit,
    ) -> Result<Target> {
        let before = self
            .targets(campaign_id)
            .await?
            .into_iter()
            .find(|t| t.code == code)
            .ok_or_else(|| StoreError::NotFound(format!("目标“{code}”")))?;
        let groups = self.working_groups(campaign_id).await?;
        let mut errs = Vec::new();
        let name = edit.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            errs.push(FieldError::new("name", "目标名称须为 1 到 100 个字符"));
        }
        if edit.description.chars().count() > 1000 {
            errs.push(FieldError::new("description", "说明不能超过 1000 个字符"));
        }
        let value = TargetValue::parse(before.value.unit, &edit.target_value)
            .map_err(|m| errs.push(FieldError::new("target_value", m)))
            .ok();
        let group = groups.iter().find(|g| g.code == edit.working_group_code);
        if group.is_none() {
            errs.push(FieldError::new(
                "working_group_code",
                format!("没有代码为“{}”的工作小组", edit.working_group_code),
            ));
        }
        let (Some(value), Some(group), true) = (value, group, errs.is_empty()) else {
            return Err(StoreError::Invalid(errs));
        };
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE targets SET name = $1, description = $2, target_value = $3, working_group_id = $4 WHERE campaign_id = $5 AND code = $6")
            .bind(&name)
            .bind(edit.description.trim())
            .bind(value.value)
            .bind(group.id)
            .bind(campaign_id)
            .bind(code)
            .execute(&mut *tx)
            .await?;
        let snapshot = |t: &str, d: &str, v: TargetValue, g: &str| serde_json::json!({"name": t, "description": d, "target_value": v.edit_text(), "unit": v.unit.as_str(), "working_group": g});
        audit::record(
            &mut tx,
            actor,
            "target",
            &format!("{campaign_id}/{code}"),
            "update",
            Some(&snapshot(
                &before.name,
                &before.description,
                before.value,
                before.working_group_code.as_deref().unwrap_or(""),
            )),
            Some(&snapshot(
                &name,
                edit.description.trim(),
                value,
                &group.code,
            )),
        )
        .await?;
        tx.commit().await?;
        self.changed(vec![]).await;
        Ok(Target {
            name,
            description: edit.description.trim().to_string(),
            value,
            working_group_code: Some(group.code.clone()),
            working_group_name: Some(group.name.clone()),
            ..before
        })
    }

    /// The award scheme of a campaign, first prize first.
    pub async fn award_tiers(&self, campaign_id: i64) -> Result<Vec<AwardTier>> {
        let rows = sqlx::query("SELECT rank, name, winners, amount_yuan FROM award_tiers WHERE campaign_id = $1 ORDER BY rank")
            .bind(campaign_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AwardTier {
                    rank: r.try_get("rank")?,
                    name: r.try_get("name")?,
                    winners: r.try_get("winners")?,
                    amount_yuan: r.try_get("amount_yuan")?,
                })
            })
            .collect()
    }

    /// Sets how many units win a prize and its amount (e.g. the number of third
    /// prizes, "若干名" in the document, decided at evaluation).
    pub async fn update_award_tier(
        &self,
        actor: &Actor,
        campaign_id: i64,
        tier: &AwardTier,
    ) -> Result<()> {
        check_award_tier(tier)
            .map_err(|m| StoreError::Invalid(vec![FieldError::new("winners", m)]))?;
        let before = self
            .award_tiers(campaign_id)
            .await?
            .into_iter()
            .find(|t| t.rank == tier.rank)
            .ok_or_else(|| StoreError::NotFound(format!("第 {} 等奖项", tier.rank)))?;
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE award_tiers SET winners = $1, amount_yuan = $2 WHERE campaign_id = $3 AND rank = $4")
            .bind(tier.winners)
            .bind(tier.amount_yuan)
            .bind(campaign_id)
            .bind(tier.rank)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "award_tier",
            &format!("{campaign_id}/{}", tier.rank),
            "update",
            Some(
                &serde_json::json!({"winners": before.winners, "amount_yuan": before.amount_yuan}),
            ),
            Some(&serde_json::json!({"winners": tier.winners, "amount_yuan": tier.amount_yuan})),
        )
        .await?;
        tx.commit().await?;
        self.changed(vec![]).await;
        Ok(())
    }

    /// Loads a template into the database in one transaction: its units (new
    /// codes only; existing units are kept), its campaign, leadership, groups,
    /// targets and awards. Refused if a campaign with the same code exists.
    pub async fn load_template(&self, actor: &Actor, t: &Template) -> Result<i64> {
        let exists = sqlx::query("SELECT id FROM campaigns WHERE code = $1")
            .bind(&t.campaign.code)
            .fetch_optional(self.pool())
            .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!(
                "活动“{}”已经载入，不能重复载入",
                t.campaign.code
            )));
        }
        let mut tx = self.begin().await?;
        let mut unit_ids: HashMap<String, i64> = HashMap::new();
        for (i, u) in t.units.iter().enumerate() {
            let existing = sqlx::query("SELECT id FROM org_units WHERE code = $1")
                .bind(u.code.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let id: i64 = match existing {
                Some(r) => r.try_get("id")?,
                None => sqlx::query(
                    "INSERT INTO org_units (code, name, kind, placeholder, note, sort_order) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(u.code.as_str())
                .bind(&u.name)
                .bind(u.kind.as_str())
                .bind(u.placeholder as i64)
                .bind(&u.note)
                .bind(i as i64)
                .fetch_one(&mut *tx)
                .await?
                .try_get("id")?,
            };
            unit_ids.insert(u.code.as_str().to_string(), id);
        }
        for u in &t.units {
            if let Some(p) = &u.parent {
                sqlx::query("UPDATE org_units SET parent_id = $1 WHERE code = $2")
                    .bind(unit_ids[p])
                    .bind(u.code.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let c = &t.campaign;
        let campaign_id: i64 = sqlx::query(
            "INSERT INTO campaigns (code, year, title, short_title, issuing_body, document_number, issued_on, division_code, \
             source_text, leader_head, leader_deputies, office_unit_id, joint_meeting_name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(&c.code)
        .bind(c.year as i64)
        .bind(&c.title)
        .bind(&c.short_title)
        .bind(&c.issuing_body)
        .bind(&c.document_number)
        .bind(c.issued_on.to_string())
        .bind(&c.division_code)
        .bind(&t.source_text)
        .bind(&t.leadership.head)
        .bind(t.leadership.deputies.join("、"))
        .bind(unit_ids[&t.leadership.office_unit])
        .bind(&t.leadership.joint_meeting)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        sqlx::query("UPDATE campaigns SET bulletin_issuer = $1, bulletin_prefix = $2, bulletin_addressee = $3, bulletin_copy_to = $4 WHERE id = $5")
            .bind(&t.bulletin.issuer_mark)
            .bind(&t.bulletin.number_prefix)
            .bind(&t.bulletin.addressee)
            .bind(&t.bulletin.copy_to)
            .bind(campaign_id)
            .execute(&mut *tx)
            .await?;
        for (i, m) in t.leadership.members.iter().enumerate() {
            sqlx::query("INSERT INTO campaign_members (campaign_id, unit_id, sort_order) VALUES ($1, $2, $3)")
                .bind(campaign_id)
                .bind(unit_ids[m])
                .bind(i as i64)
                .execute(&mut *tx)
                .await?;
        }
        let mut group_ids: HashMap<String, i64> = HashMap::new();
        for (i, g) in t.working_groups.iter().enumerate() {
            let gid: i64 = sqlx::query(
                "INSERT INTO working_groups (campaign_id, code, name, duties, sort_order) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(campaign_id)
            .bind(&g.code)
            .bind(&g.name)
            .bind(&g.duties)
            .bind(i as i64)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            group_ids.insert(g.code.clone(), gid);
            let roles = g
                .leads
                .iter()
                .map(|c| (c, "lead"))
                .chain(g.participants.iter().map(|c| (c, "participant")));
            for (j, (code, role)) in roles.enumerate() {
                sqlx::query("INSERT INTO working_group_units (group_id, unit_id, role, sort_order) VALUES ($1, $2, $3, $4)")
                    .bind(gid)
                    .bind(unit_ids[code])
                    .bind(role)
                    .bind(j as i64)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (i, tg) in t.targets.iter().enumerate() {
            let tid: i64 = sqlx::query(
                "INSERT INTO targets (campaign_id, code, name, description, formula_kind, formula_json, value_unit, target_value, \
                 count_word, working_group_id, sort_order) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(campaign_id)
            .bind(&tg.code)
            .bind(&tg.name)
            .bind(&tg.description)
            .bind(tg.formula.kind())
            .bind(serde_json::to_string(&tg.formula).unwrap_or_default())
            .bind(tg.value.unit.as_str())
            .bind(tg.value.value)
            .bind(&tg.count_word)
            .bind(group_ids[&tg.working_group])
            .bind(i as i64)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            for (j, u) in tg.responsible_units.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO target_units (target_id, unit_id, sort_order) VALUES ($1, $2, $3)",
                )
                .bind(tid)
                .bind(unit_ids[u])
                .bind(j as i64)
                .execute(&mut *tx)
                .await?;
            }
        }
        for a in &t.awards {
            sqlx::query("INSERT INTO award_tiers (campaign_id, rank, name, winners, amount_yuan) VALUES ($1, $2, $3, $4, $5)")
                .bind(campaign_id)
                .bind(a.rank)
                .bind(&a.name)
                .bind(a.winners)
                .bind(a.amount_yuan)
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut tx,
            actor,
            "campaign",
            &c.code,
            "load_template",
            None,
            Some(&serde_json::json!({"units": t.units.len(), "working_groups": t.working_groups.len(), "targets": t.targets.len()})),
        )
        .await?;
        tx.commit().await?;
        self.changed(vec![crate::targets::Change::Everything]).await;
        // The default routing of enterprise requests to the template's units.
        self.seed_request_routes(actor).await?;
        Ok(campaign_id)
    }
}
