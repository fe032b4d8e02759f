//! What the office keeps as data for requests: categories with their limits,
//! routing rules, and the working-day calendar (the built-in years, with the
//! office's edits and added years stored in the database).

use crate::audit::{self, Actor};
use crate::{Result, Store, StoreError, now_text};
use domain::calendar::Calendar;
use domain::requests::Limits;
use domain::requests::routing::{LONGWAN_DEFAULTS, Rule};
use domain::users::FieldError;
use serde::Serialize;
use sqlx::Row;

/// A category as stored.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub limits: Limits,
    pub active: bool,
}

/// A routing rule with names.
#[derive(Debug, Clone, Serialize)]
pub struct RouteRecord {
    pub id: i64,
    pub rule: Rule,
    pub category_name: String,
    pub township_name: Option<String>,
    pub working_group_name: Option<String>,
    pub unit_name: String,
}

/// A year of the calendar and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarYearInfo {
    pub year: i32,
    pub source: String,
    pub holidays: usize,
    pub workdays: usize,
    /// Edited or added by the office (else built in).
    pub edited_by: Option<String>,
    pub edited_at: Option<String>,
}

impl Store {
    /// The categories, in their order.
    pub async fn request_categories(&self) -> Result<Vec<CategoryRecord>> {
        sqlx::query(
            "SELECT id, code, name, accept_days, reply_days, resolve_days, active FROM request_categories ORDER BY sort_order, id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(CategoryRecord {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                limits: Limits {
                    accept_days: r.try_get("accept_days")?,
                    reply_days: r.try_get("reply_days")?,
                    resolve_days: r.try_get("resolve_days")?,
                },
                active: r.try_get::<i64, _>("active")? != 0,
            })
        })
        .collect()
    }

    /// Changes a category's name, limits and whether new requests may use it.
    /// Open requests of the category get their deadlines recounted.
    pub async fn update_category(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        limits: &Limits,
        active: bool,
    ) -> Result<()> {
        let mut errs = limits.check();
        if name.trim().is_empty() {
            errs.push(FieldError::new("name", "请填写类别名称"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let before = self
            .request_categories()
            .await?
            .into_iter()
            .find(|c| c.code == code)
            .ok_or_else(|| StoreError::NotFound(format!("诉求类别“{code}”")))?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE request_categories SET name = $1, accept_days = $2, reply_days = $3, resolve_days = $4, active = $5 WHERE code = $6",
        )
        .bind(name.trim())
        .bind(limits.accept_days)
        .bind(limits.reply_days)
        .bind(limits.resolve_days)
        .bind(active as i64)
        .bind(code)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "request_category",
            code,
            "update",
            Some(&serde_json::to_value(&before).unwrap_or_default()),
            Some(&serde_json::json!({"name": name.trim(), "limits": limits, "active": active})),
        )
        .await?;
        tx.commit().await?;
        self.recount_deadlines().await
    }

    /// Every working group as (code, name), for pickers.
    pub async fn working_group_names(&self) -> Result<Vec<(String, String)>> {
        sqlx::query("SELECT code, name FROM working_groups ORDER BY campaign_id DESC, sort_order")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("code")?, r.try_get("name")?)))
            .collect()
    }

    /// The routing rules.
    pub async fn request_routes(&self) -> Result<Vec<RouteRecord>> {
        sqlx::query(
            "SELECT rr.id, c.code AS category, c.name AS category_name, t.code AS township, t.name AS township_name, \
             g.code AS grp, g.name AS group_name, u.code AS unit, u.name AS unit_name \
             FROM request_routes rr JOIN request_categories c ON c.id = rr.category_id \
             LEFT JOIN org_units t ON t.id = rr.township_id LEFT JOIN working_groups g ON g.id = rr.working_group_id \
             JOIN org_units u ON u.id = rr.unit_id ORDER BY c.sort_order, t.code IS NOT NULL, t.code",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(RouteRecord {
                id: r.try_get("id")?,
                rule: Rule {
                    category: r.try_get("category")?,
                    township: r.try_get("township")?,
                    working_group: r.try_get("grp")?,
                    unit: r.try_get("unit")?,
                },
                category_name: r.try_get("category_name")?,
                township_name: r.try_get("township_name")?,
                working_group_name: r.try_get("group_name")?,
                unit_name: r.try_get("unit_name")?,
            })
        })
        .collect()
    }

    /// Sets the rule for a category (and township): replaces an existing one.
    pub async fn set_request_route(&self, actor: &Actor, rule: &Rule) -> Result<()> {
        let mut errs = vec![];
        let cat: Option<i64> =
            sqlx::query_scalar("SELECT id FROM request_categories WHERE code = $1")
                .bind(&rule.category)
                .fetch_optional(self.pool())
                .await?;
        if cat.is_none() {
            errs.push(FieldError::new(
                "category",
                format!("没有诉求类别“{}”", rule.category),
            ));
        }
        let unit = self.unit(&rule.unit).await?;
        if unit.is_none() {
            errs.push(FieldError::new("unit", format!("没有单位“{}”", rule.unit)));
        }
        let township = match &rule.township {
            Some(t) => match self.unit(t).await? {
                Some(u) if u.kind.is_territorial() => Some(u.id),
                _ => {
                    errs.push(FieldError::new(
                        "township",
                        format!("“{t}”不是镇街或开发区"),
                    ));
                    None
                }
            },
            None => None,
        };
        let group: Option<i64> = match &rule.working_group {
            Some(g) => {
                let id = sqlx::query_scalar("SELECT id FROM working_groups WHERE code = $1")
                    .bind(g)
                    .fetch_optional(self.pool())
                    .await?;
                if id.is_none() {
                    errs.push(FieldError::new(
                        "working_group",
                        format!("没有工作小组“{g}”"),
                    ));
                }
                id
            }
            None => None,
        };
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        sqlx::query(
            "DELETE FROM request_routes WHERE category_id = $1 AND COALESCE(township_id, 0) = $2",
        )
        .bind(cat)
        .bind(township.unwrap_or(0))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO request_routes (category_id, township_id, working_group_id, unit_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(cat)
        .bind(township)
        .bind(group)
        .bind(unit.map(|u| u.id))
        .execute(&mut *tx)
        .await?;
        let key = format!(
            "{}/{}",
            rule.category,
            rule.township.as_deref().unwrap_or("*")
        );
        audit::record(
            &mut tx,
            actor,
            "request_route",
            &key,
            "set",
            None,
            Some(&serde_json::to_value(rule).unwrap_or_default()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a routing rule.
    pub async fn delete_request_route(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("DELETE FROM request_routes WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("分派规则 {id}")));
        }
        audit::record(
            &mut tx,
            actor,
            "request_route",
            &id.to_string(),
            "delete",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds the default routes of the Longwan template for the units and
    /// groups that exist; keeps rules already set.
    pub async fn seed_request_routes(&self, actor: &Actor) -> Result<usize> {
        let existing = self.request_routes().await?;
        let mut n = 0;
        for (cat, group, unit) in LONGWAN_DEFAULTS {
            if existing
                .iter()
                .any(|r| r.rule.category == *cat && r.rule.township.is_none())
            {
                continue;
            }
            let rule = Rule {
                category: cat.to_string(),
                township: None,
                working_group: Some(group.to_string()),
                unit: unit.to_string(),
            };
            if self.set_request_route(actor, &rule).await.is_ok() {
                n += 1;
            }
        }
        Ok(n)
    }

    /// The working-day calendar: the built-in years with the office's edits.
    pub async fn calendar(&self) -> Result<Calendar> {
        let mut cal = Calendar::builtin();
        for r in sqlx::query("SELECT toml FROM calendar_years ORDER BY year")
            .fetch_all(self.pool())
            .await?
        {
            // Stored texts were checked when saved.
            let _ = cal.add_year_toml(&r.try_get::<String, _>("toml")?);
        }
        Ok(cal)
    }

    /// The years of the calendar with their sources.
    pub async fn calendar_years(&self) -> Result<Vec<CalendarYearInfo>> {
        let cal = self.calendar().await?;
        let edits: Vec<(i64, String, String)> =
            sqlx::query("SELECT year, updated_by, updated_at FROM calendar_years")
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| {
                    Ok((
                        r.try_get("year")?,
                        r.try_get("updated_by")?,
                        r.try_get("updated_at")?,
                    ))
                })
                .collect::<Result<_>>()?;
        Ok(cal
            .years()
            .into_iter()
            .filter_map(|y| {
                let info = cal.year(y)?;
                let edit = edits.iter().find(|e| e.0 == y as i64);
                Some(CalendarYearInfo {
                    year: y,
                    source: info.source.clone(),
                    holidays: info.holidays.len(),
                    workdays: info.workdays.len(),
                    edited_by: edit.map(|e| e.1.clone()),
                    edited_at: edit.map(|e| e.2.clone()),
                })
            })
            .collect())
    }

    /// Saves a year of the calendar from its TOML text (checked first), then
    /// recounts the deadlines of open requests.
    pub async fn save_calendar_year(&self, actor: &Actor, text: &str) -> Result<i32> {
        let mut probe = Calendar::default();
        let year = probe
            .add_year_toml(text)
            .map_err(|e| StoreError::Invalid(vec![FieldError::new("toml", e)]))?;
        if !(2000..=2100).contains(&year) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "toml",
                "年份应在 2000 至 2100 之间",
            )]));
        }
        let before = self.calendar().await?.year_toml(year);
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM calendar_years WHERE year = $1")
            .bind(year as i64)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO calendar_years (year, toml, updated_at, updated_by) VALUES ($1, $2, $3, $4)")
            .bind(year as i64)
            .bind(text)
            .bind(now_text())
            .bind(&actor.name)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "calendar_year",
            &year.to_string(),
            "save",
            before.map(serde_json::Value::String).as_ref(),
            Some(&serde_json::Value::String(text.to_string())),
        )
        .await?;
        tx.commit().await?;
        self.recount_deadlines().await?;
        Ok(year)
    }

    /// Recounts the deadlines of every open request (after the calendar or a
    /// category's limits changed).
    pub async fn recount_deadlines(&self) -> Result<()> {
        let cal = self.calendar().await?;
        let open = self
            .requests(
                &super::Viewer::office("重算时限"),
                &super::Filter::default(),
            )
            .await?
            .into_iter()
            .filter(|r| !r.status.is_final());
        let mut tx = self.begin().await?;
        for r in open {
            if let Some(d) = r.deadlines(&cal) {
                sqlx::query("UPDATE requests SET accept_due = $1, reply_due = $2, resolve_due = $3, provisional = $4, version = version + 1 WHERE id = $5")
                    .bind(d.accept_due.to_string())
                    .bind(d.reply_due.to_string())
                    .bind(d.resolve_due.to_string())
                    .bind(d.provisional as i64)
                    .bind(r.id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
