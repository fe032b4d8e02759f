//! Project promotion (推介): the office lists projects seeking finance, from
//! the project registry with the investment still to raise, publishes the
//! list, and the institutions record interest and signed amounts.

use super::day;
use crate::audit;
use crate::requests::Viewer;
use crate::{Result, Store, StoreError, now_text, one_row_or_conflict};
use chrono::NaiveDate;
use domain::users::{FieldError, Role};
use serde::Serialize;
use sqlx::Row;

/// A promotion list as listed.
#[derive(Debug, Clone, Serialize)]
pub struct PromotionSummary {
    pub id: i64,
    pub title: String,
    pub meeting_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
    pub items: i64,
    pub to_raise_yuan: i64,
    pub signed_yuan: i64,
}

/// An institution's interest in a listed project.
#[derive(Debug, Clone, Serialize)]
pub struct Interest {
    pub unit_code: String,
    pub unit_name: String,
    /// Signed so far (0: interest only).
    pub signed_yuan: i64,
    pub note: String,
    pub updated_on: NaiveDate,
}

/// A project on a list.
#[derive(Debug, Clone, Serialize)]
pub struct PromotionItem {
    pub id: i64,
    pub project_code: String,
    pub project_name: String,
    pub enterprise_name: String,
    pub township_name: String,
    pub key_project: bool,
    pub planned_investment_yuan: i64,
    /// Investment completed to date (the monthly progress summed).
    pub completed_yuan: i64,
    pub to_raise_yuan: i64,
    pub note: String,
    pub interests: Vec<Interest>,
}

impl PromotionItem {
    pub fn signed_yuan(&self) -> i64 {
        self.interests.iter().map(|i| i.signed_yuan).sum()
    }
}

/// A promotion list with its projects.
#[derive(Debug, Clone, Serialize)]
pub struct Promotion {
    pub id: i64,
    pub title: String,
    pub meeting_on: Option<NaiveDate>,
    pub note: String,
    pub published_on: Option<NaiveDate>,
    pub created_by: String,
    pub items: Vec<PromotionItem>,
}

impl Promotion {
    pub fn to_raise_yuan(&self) -> i64 {
        self.items.iter().map(|i| i.to_raise_yuan).sum()
    }
    pub fn signed_yuan(&self) -> i64 {
        self.items.iter().map(PromotionItem::signed_yuan).sum()
    }
}

const MAX_YUAN: i64 = 100_000_000_000;

fn office_only(v: &Viewer) -> Result<()> {
    if v.role == Role::Admin {
        Ok(())
    } else {
        Err(StoreError::Forbidden("推介清单由活动办公室编制".into()))
    }
}

impl Store {
    /// Promotion lists, newest first: the office sees drafts too, everyone
    /// else the published ones.
    pub async fn financing_promotions(
        &self,
        v: &Viewer,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<PromotionSummary>, i64)> {
        let drafts = (v.role == Role::Admin) as i64;
        let total: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM financing_promotions WHERE published_on IS NOT NULL OR $1 = 1",
        )
        .bind(drafts)
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        let rows = sqlx::query(
            "SELECT p.id, p.title, p.meeting_on, p.published_on, \
               (SELECT COUNT(*) FROM financing_promotion_items i WHERE i.promotion_id = p.id) AS items, \
               (SELECT CAST(COALESCE(SUM(i.to_raise_yuan), 0) AS BIGINT) FROM financing_promotion_items i WHERE i.promotion_id = p.id) AS to_raise, \
               (SELECT CAST(COALESCE(SUM(x.signed_yuan), 0) AS BIGINT) FROM financing_promotion_interests x \
                  JOIN financing_promotion_items i ON i.id = x.item_id WHERE i.promotion_id = p.id) AS signed \
             FROM financing_promotions p WHERE p.published_on IS NOT NULL OR $1 = 1 \
             ORDER BY p.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(drafts)
        .bind(limit.clamp(1, 200))
        .bind(offset.max(0))
        .fetch_all(self.pool())
        .await?;
        let list = rows
            .iter()
            .map(|r| {
                Ok(PromotionSummary {
                    id: r.try_get("id")?,
                    title: r.try_get("title")?,
                    meeting_on: r.try_get::<Option<String>, _>("meeting_on")?.map(day),
                    published_on: r.try_get::<Option<String>, _>("published_on")?.map(day),
                    items: r.try_get("items")?,
                    to_raise_yuan: r.try_get("to_raise")?,
                    signed_yuan: r.try_get("signed")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((list, total))
    }

    /// One list with its projects and interests; a draft only for the office.
    pub async fn financing_promotion(&self, v: &Viewer, id: i64) -> Result<Option<Promotion>> {
        let Some(r) = sqlx::query(
            "SELECT id, title, meeting_on, note, published_on, created_by FROM financing_promotions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let published_on = r.try_get::<Option<String>, _>("published_on")?.map(day);
        if published_on.is_none() && v.role != Role::Admin {
            return Ok(None);
        }
        let items = sqlx::query(
            "SELECT i.id, p.code, p.name, p.enterprise_name, t.name AS township_name, p.key_project, p.planned_investment_yuan, \
               (SELECT CAST(COALESCE(SUM(g.investment_yuan), 0) AS BIGINT) FROM project_progress g WHERE g.project_id = p.id) AS completed, \
               i.to_raise_yuan, i.note \
             FROM financing_promotion_items i JOIN projects p ON p.id = i.project_id JOIN org_units t ON t.id = p.township_id \
             WHERE i.promotion_id = $1 ORDER BY i.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let interests = sqlx::query(
            "SELECT x.item_id, u.code, u.name, x.signed_yuan, x.note, x.updated_on FROM financing_promotion_interests x \
             JOIN financing_promotion_items i ON i.id = x.item_id JOIN org_units u ON u.id = x.unit_id \
             WHERE i.promotion_id = $1 ORDER BY u.sort_order, u.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let mut out = vec![];
        for it in &items {
            let item_id: i64 = it.try_get("id")?;
            let mut mine = vec![];
            for x in &interests {
                if x.try_get::<i64, _>("item_id")? == item_id {
                    mine.push(Interest {
                        unit_code: x.try_get("code")?,
                        unit_name: x.try_get("name")?,
                        signed_yuan: x.try_get("signed_yuan")?,
                        note: x.try_get("note")?,
                        updated_on: day(x.try_get("updated_on")?),
                    });
                }
            }
            out.push(PromotionItem {
                id: item_id,
                project_code: it.try_get("code")?,
                project_name: it.try_get("name")?,
                enterprise_name: it.try_get("enterprise_name")?,
                township_name: it.try_get("township_name")?,
                key_project: it.try_get::<i64, _>("key_project")? != 0,
                planned_investment_yuan: it.try_get("planned_investment_yuan")?,
                completed_yuan: it.try_get("completed")?,
                to_raise_yuan: it.try_get("to_raise_yuan")?,
                note: it.try_get("note")?,
                interests: mine,
            });
        }
        Ok(Some(Promotion {
            id,
            title: r.try_get("title")?,
            meeting_on: r.try_get::<Option<String>, _>("meeting_on")?.map(day),
            note: r.try_get("note")?,
            published_on,
            created_by: r.try_get("created_by")?,
            items: out,
        }))
    }

    /// Starts a list (a draft until published).
    pub async fn create_financing_promotion(
        &self,
        v: &Viewer,
        title: &str,
        meeting_on: Option<NaiveDate>,
        note: &str,
    ) -> Result<i64> {
        office_only(v)?;
        let title = title.trim();
        let mut errs = vec![];
        if title.is_empty() || title.chars().count() > 100 {
            errs.push(FieldError::new("title", "请填写标题（不超过 100 字）"));
        }
        if note.chars().count() > 2000 {
            errs.push(FieldError::new("note", "说明不能超过 2000 字"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO financing_promotions (title, meeting_on, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(title)
        .bind(meeting_on.map(|d| d.to_string()))
        .bind(note.trim())
        .bind(&v.actor.name)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::record(
            &mut tx,
            &v.actor,
            "financing_promotion",
            &id.to_string(),
            "create",
            None,
            Some(&serde_json::json!({"title": title, "meeting_on": meeting_on})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn promotion_exists(&self, id: i64) -> Result<()> {
        sqlx::query("SELECT id FROM financing_promotions WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .map(|_| ())
            .ok_or_else(|| StoreError::NotFound(format!("编号为 {id} 的推介清单")))
    }

    /// Adds projects by code; the amount to raise defaults to the planned
    /// investment less the investment completed. All or none; gives how
    /// many were added.
    pub async fn add_financing_promotion_projects(
        &self,
        v: &Viewer,
        id: i64,
        codes: &[String],
        to_raise_yuan: Option<i64>,
        note: &str,
    ) -> Result<usize> {
        office_only(v)?;
        self.promotion_exists(id).await?;
        let mut errs = vec![];
        if codes.is_empty() {
            errs.push(FieldError::new("projects", "请填写项目编号"));
        }
        if let Some(a) = to_raise_yuan
            && !(1..=MAX_YUAN).contains(&a)
        {
            errs.push(FieldError::new(
                "to_raise_yuan",
                "融资缺口应为 1 元至 1000 亿元的整数",
            ));
        }
        if note.chars().count() > 500 {
            errs.push(FieldError::new("note", "说明不能超过 500 字"));
        }
        let mut rows = vec![];
        for code in codes {
            let r = sqlx::query(
                "SELECT p.id, p.planned_investment_yuan, \
                   (SELECT CAST(COALESCE(SUM(g.investment_yuan), 0) AS BIGINT) FROM project_progress g WHERE g.project_id = p.id) AS completed, \
                   (SELECT COUNT(*) FROM financing_promotion_items i WHERE i.promotion_id = $2 AND i.project_id = p.id) AS listed \
                 FROM projects p WHERE p.code = $1",
            )
            .bind(code.trim())
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
            match r {
                None => errs.push(FieldError::new(
                    "projects",
                    format!("没有编号为“{}”的项目", code.trim()),
                )),
                Some(r) if r.try_get::<i64, _>("listed")? > 0 => errs.push(FieldError::new(
                    "projects",
                    format!("项目“{}”已在清单中", code.trim()),
                )),
                Some(r) => {
                    let left = r.try_get::<i64, _>("planned_investment_yuan")?
                        - r.try_get::<i64, _>("completed")?;
                    let amount = to_raise_yuan.unwrap_or(left);
                    if amount < 1 {
                        errs.push(FieldError::new(
                            "to_raise_yuan",
                            format!("项目“{}”的计划投资已全部完成，请填写融资缺口", code.trim()),
                        ));
                    }
                    rows.push((r.try_get::<i64, _>("id")?, amount, code.trim().to_string()));
                }
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        for (project_id, amount, code) in &rows {
            sqlx::query("INSERT INTO financing_promotion_items (promotion_id, project_id, to_raise_yuan, note) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(project_id)
                .bind(amount)
                .bind(note.trim())
                .execute(&mut *tx)
                .await
                .map_err(|e| crate::conflict_on_unique(e, "项目已在清单中"))?;
            audit::record(
                &mut tx,
                &v.actor,
                "financing_promotion",
                &id.to_string(),
                "add_project",
                None,
                Some(&serde_json::json!({"project": code, "to_raise_yuan": amount})),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    /// The key projects not yet in production with investment still to
    /// raise and not yet on the list: what "add the key projects" adds.
    pub async fn financing_promotion_candidates(&self, id: i64) -> Result<Vec<String>> {
        sqlx::query(
            "SELECT p.code FROM projects p WHERE p.key_project = 1 AND p.in_production_on IS NULL \
               AND p.planned_investment_yuan > (SELECT CAST(COALESCE(SUM(g.investment_yuan), 0) AS BIGINT) FROM project_progress g WHERE g.project_id = p.id) \
               AND NOT EXISTS (SELECT 1 FROM financing_promotion_items i WHERE i.promotion_id = $1 AND i.project_id = p.id) \
             ORDER BY p.planned_investment_yuan DESC, p.code LIMIT 200",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| Ok(r.try_get("code")?))
        .collect()
    }

    /// Takes a project off a list (with the interests recorded on it).
    pub async fn remove_financing_promotion_item(
        &self,
        v: &Viewer,
        id: i64,
        item_id: i64,
    ) -> Result<()> {
        office_only(v)?;
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM financing_promotion_interests WHERE item_id = $1 AND item_id IN (SELECT id FROM financing_promotion_items WHERE promotion_id = $2)")
            .bind(item_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let n = sqlx::query(
            "DELETE FROM financing_promotion_items WHERE id = $1 AND promotion_id = $2",
        )
        .bind(item_id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "该项目已不在清单中")?;
        audit::record(
            &mut tx,
            &v.actor,
            "financing_promotion",
            &id.to_string(),
            "remove_project",
            None,
            Some(&serde_json::json!({"item": item_id})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Publishes a list to the institutions.
    pub async fn publish_financing_promotion(
        &self,
        v: &Viewer,
        id: i64,
        today: NaiveDate,
    ) -> Result<()> {
        office_only(v)?;
        self.promotion_exists(id).await?;
        let items: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM financing_promotion_items WHERE promotion_id = $1",
        )
        .bind(id)
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        if items == 0 {
            return Err(StoreError::Conflict("清单中还没有项目，不能发布".into()));
        }
        let mut tx = self.begin().await?;
        let n = sqlx::query("UPDATE financing_promotions SET published_on = $2, version = version + 1 WHERE id = $1 AND published_on IS NULL")
            .bind(id)
            .bind(today.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "清单已经发布")?;
        audit::record(
            &mut tx,
            &v.actor,
            "financing_promotion",
            &id.to_string(),
            "publish",
            None,
            Some(&serde_json::json!({"on": today})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An institution records (or updates) its interest in a listed project
    /// of a published list, with the amount signed so far.
    pub async fn record_financing_interest(
        &self,
        v: &Viewer,
        item_id: i64,
        signed_yuan: i64,
        note: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let unit = self.institution_of(v).await?;
        let published: Option<Option<String>> = sqlx::query(
            "SELECT p.published_on FROM financing_promotion_items i JOIN financing_promotions p ON p.id = i.promotion_id WHERE i.id = $1",
        )
        .bind(item_id)
        .fetch_optional(self.pool())
        .await?
        .map(|r| r.try_get("published_on"))
        .transpose()?;
        match published {
            None => return Err(StoreError::NotFound(format!("推介项目 {item_id}"))),
            Some(None) => return Err(StoreError::NotFound(format!("推介项目 {item_id}"))),
            Some(Some(_)) => {}
        }
        let mut errs = vec![];
        if !(0..=MAX_YUAN).contains(&signed_yuan) {
            errs.push(FieldError::new(
                "signed_yuan",
                "签约金额应为 0 至 1000 亿元的整数（0 表示有意向、未签约）",
            ));
        }
        if note.chars().count() > 500 {
            errs.push(FieldError::new("note", "说明不能超过 500 字"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        let n = sqlx::query("UPDATE financing_promotion_interests SET signed_yuan = $3, note = $4, updated_on = $5, updated_by = $6 WHERE item_id = $1 AND unit_id = $2")
            .bind(item_id)
            .bind(unit.1)
            .bind(signed_yuan)
            .bind(note.trim())
            .bind(today.to_string())
            .bind(&v.actor.name)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            sqlx::query("INSERT INTO financing_promotion_interests (item_id, unit_id, signed_yuan, note, updated_on, updated_by) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(item_id)
                .bind(unit.1)
                .bind(signed_yuan)
                .bind(note.trim())
                .bind(today.to_string())
                .bind(&v.actor.name)
                .execute(&mut *tx)
                .await
                .map_err(|e| crate::conflict_on_unique(e, "同时有其他人登记，请刷新后再试"))?;
        }
        audit::record(
            &mut tx,
            &v.actor,
            "financing_promotion_item",
            &item_id.to_string(),
            "interest",
            None,
            Some(&serde_json::json!({"institution": unit.0, "signed_yuan": signed_yuan})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
