//! The orderly-power plan (有序用电): power accounts, plans per period and
//! day with their slots and assignments (computed by `domain::power::assign`
//! over the period's plans in date order, issued plans fixed), issue,
//! acknowledgements and actual loads, and the period summary.

use crate::audit::{self, Actor};
use crate::requests::Viewer;
use crate::{Result, Store, StoreError, now_text, one_row_or_conflict};
use domain::per_mu::Evaluated;
use domain::power::{Account, Level, Slot, Standing, assign, check_slots, level};
use domain::users::{FieldError, Role};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// A stored account with its enterprise.
#[derive(Debug, Clone, Serialize)]
pub struct AccountRecord {
    pub id: i64,
    pub account: Account,
    pub name: String,
    pub township: String,
}

/// One account's share of a slot, as stored.
#[derive(Debug, Clone, Serialize)]
pub struct AssignmentRecord {
    pub account_no: String,
    pub credit_code: String,
    pub name: String,
    pub feeder: String,
    pub class: String,
    pub restricted: bool,
    pub shed_kw: i64,
    pub actual_kw: Option<i64>,
}

/// A slot with its assignments.
#[derive(Debug, Clone, Serialize)]
pub struct SlotRecord {
    pub id: i64,
    pub slot: Slot,
    pub level: Level,
    pub shed_kw: i64,
    pub uncovered_kw: i64,
    pub assignments: Vec<AssignmentRecord>,
}

/// A plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRecord {
    pub id: i64,
    pub period: String,
    pub date: String,
    /// draft or issued.
    pub status: String,
    pub computed_at: Option<String>,
    pub issued_at: Option<String>,
    pub slots: Vec<SlotRecord>,
}

impl PlanRecord {
    pub fn issued(&self) -> bool {
        self.status == "issued"
    }
    /// The worst level of its slots.
    pub fn level(&self) -> Level {
        self.slots
            .iter()
            .map(|s| s.level)
            .min()
            .unwrap_or(Level::IV)
    }
    pub fn gap_kw(&self) -> i64 {
        self.slots.iter().map(|s| s.gap_kw()).max().unwrap_or(0)
    }
    pub fn uncovered_kw(&self) -> i64 {
        self.slots.iter().map(|s| s.uncovered_kw).max().unwrap_or(0)
    }
}

impl SlotRecord {
    pub fn gap_kw(&self) -> i64 {
        self.slot.gap_kw
    }
}

/// Shed energy per enterprise in a period.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    pub credit_code: String,
    pub name: String,
    pub class: String,
    /// Planned shed energy, kW·minutes.
    pub planned_kw_min: i64,
    /// Hours with a shed assignment (minutes).
    pub minutes: i64,
    /// Issued plans it was in and acknowledged.
    pub plans: i64,
    pub acknowledged: i64,
    /// Slots whose recorded load was above peak − shed (did not comply).
    pub not_complied: i64,
}

fn account_from_row(r: &AnyRow) -> Result<AccountRecord> {
    Ok(AccountRecord {
        id: r.try_get("id")?,
        account: Account {
            account_no: r.try_get("account_no")?,
            credit_code: r.try_get("credit_code")?,
            feeder: r.try_get("feeder")?,
            contract_kw: r.try_get("contract_kw")?,
            peak_kw: r.try_get("peak_kw")?,
            security_kw: r.try_get("security_kw")?,
            protected: r.try_get::<i64, _>("protected")? != 0,
            restricted: r.try_get::<i64, _>("restricted")? != 0,
        },
        name: r.try_get("name")?,
        township: r.try_get("township")?,
    })
}

const ACCOUNT_SELECT: &str = "SELECT a.id, a.account_no, e.credit_code, a.feeder, a.contract_kw, a.peak_kw, a.security_kw, \
     a.protected, a.restricted, e.name, t.name AS township FROM power_accounts a JOIN enterprises e ON e.id = a.enterprise_id \
     JOIN org_units t ON t.id = e.township_id";

impl Store {
    /// Upserts accounts by account number, all or nothing: every bad one named.
    pub async fn upsert_power_accounts(
        &self,
        actor: &Actor,
        accounts: &[Account],
    ) -> Result<usize> {
        let mut errs = vec![];
        let mut ids = vec![];
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, a) in accounts.iter().enumerate() {
            for e in a.check() {
                errs.push(FieldError::new(&format!("[{i}].{}", e.field), e.message));
            }
            let id: Option<i64> = sqlx::query("SELECT id FROM enterprises WHERE credit_code = $1")
                .bind(a.credit_code.trim())
                .fetch_optional(self.pool())
                .await?
                .map(|r| r.try_get("id"))
                .transpose()?;
            if id.is_none() {
                errs.push(FieldError::new(
                    &format!("[{i}].credit_code"),
                    format!("企业库中没有“{}”", a.credit_code.trim()),
                ));
            }
            if let Some(first) = seen.insert(a.account_no.trim().to_string(), i) {
                errs.push(FieldError::new(
                    &format!("[{i}].account_no"),
                    format!("与第 {} 条是同一用户编号", first + 1),
                ));
            }
            ids.push(id);
        }
        if accounts.is_empty() {
            errs.push(FieldError::new("body", "没有用电户"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let now = now_text();
        let mut tx = self.begin().await?;
        for (a, id) in accounts.iter().zip(ids) {
            sqlx::query(
                "INSERT INTO power_accounts (account_no, enterprise_id, feeder, contract_kw, peak_kw, security_kw, protected, restricted, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (account_no) DO UPDATE SET enterprise_id = excluded.enterprise_id, \
                 feeder = excluded.feeder, contract_kw = excluded.contract_kw, peak_kw = excluded.peak_kw, security_kw = excluded.security_kw, \
                 protected = excluded.protected, restricted = excluded.restricted, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(a.account_no.trim())
            .bind(id)
            .bind(a.feeder.trim())
            .bind(a.contract_kw)
            .bind(a.peak_kw)
            .bind(a.security_kw)
            .bind(i64::from(a.protected))
            .bind(i64::from(a.restricted))
            .bind(&now)
            .bind(&actor.name)
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                actor,
                "power_account",
                a.account_no.trim(),
                "upsert",
                None,
                Some(&serde_json::json!(a)),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(accounts.len())
    }

    /// Accounts whose number, enterprise or feeder contains `q`, by number, paged; and the count.
    pub async fn power_accounts(
        &self,
        q: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AccountRecord>, i64)> {
        let like = q.map(|q| format!("%{}%", q.trim()));
        let filter = "WHERE ($1 IS NULL OR a.account_no LIKE $1 OR e.name LIKE $1 OR e.credit_code LIKE $1 OR a.feeder LIKE $1)";
        let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM power_accounts a JOIN enterprises e ON e.id = a.enterprise_id {filter}"
        )))
        .bind(like.clone())
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ACCOUNT_SELECT} {filter} ORDER BY a.account_no LIMIT $2 OFFSET $3"
        )))
        .bind(like)
        .bind(limit.clamp(1, 5000))
        .bind(offset.max(0))
        .fetch_all(self.pool())
        .await?;
        Ok((
            rows.iter().map(account_from_row).collect::<Result<_>>()?,
            total,
        ))
    }

    /// The accounts of an enterprise.
    pub async fn power_accounts_of(&self, credit_code: &str) -> Result<Vec<AccountRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ACCOUNT_SELECT} WHERE e.credit_code = $1 ORDER BY a.account_no"
        )))
        .bind(credit_code)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(account_from_row).collect()
    }

    /// Each enterprise's standing in the last final per-mu evaluation.
    async fn power_standing(&self) -> Result<HashMap<String, Standing>> {
        let rows = sqlx::query(
            "SELECT r.detail_json FROM per_mu_results r WHERE r.evaluation_id = \
             (SELECT id FROM per_mu_evaluations WHERE status = 'final' ORDER BY year DESC LIMIT 1)",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = HashMap::new();
        for r in rows {
            let e: Evaluated = serde_json::from_str(&r.try_get::<String, _>("detail_json")?)
                .map_err(|x| StoreError::Conflict(format!("亩均评价结果已损坏：{x}")))?;
            out.insert(
                e.credit_code.clone(),
                Standing {
                    class: Some(e.class),
                    tax_yuan: e.data.tax_yuan,
                    electricity_kwh: e.data.electricity_kwh,
                },
            );
        }
        Ok(out)
    }

    /// Creates the plan of a period's day with its slots and computes the
    /// period's plans that are not issued, in date order.
    pub async fn create_power_plan(
        &self,
        actor: &Actor,
        period: &str,
        date: &str,
        slots: &[Slot],
    ) -> Result<PlanRecord> {
        let mut errs = check_slots(slots);
        let period = period.trim();
        if period.is_empty() || period.chars().count() > 100 {
            errs.push(FieldError::new(
                "period",
                "请填写有序用电时期（如 2006年夏季有序用电），不超过 100 字",
            ));
        }
        let date = match domain::projects::parse_date(date) {
            Ok(d) => Some(d),
            Err(m) => {
                errs.push(FieldError::new("date", m));
                None
            }
        };
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let date = date.expect("checked").to_string();
        let now = now_text();
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO power_plans (period, plan_date, status, created_by, created_at) VALUES ($1, $2, 'draft', $3, $4) RETURNING id",
        )
        .bind(period)
        .bind(&date)
        .bind(&actor.name)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| crate::conflict_on_unique(e, format!("“{period}”已有 {date} 的方案")))?
        .try_get("id")?;
        for s in slots {
            sqlx::query("INSERT INTO power_slots (plan_id, start_min, end_min, gap_kw, forecast_max_kw, level) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id)
                .bind(s.start)
                .bind(s.end)
                .bind(s.gap_kw)
                .bind(s.forecast_max_kw)
                .bind(level(s.gap_kw, s.forecast_max_kw).as_str())
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut tx,
            actor,
            "power_plan",
            &id.to_string(),
            "create",
            None,
            Some(&serde_json::json!({"period": period, "date": date, "slots": slots})),
        )
        .await?;
        tx.commit().await?;
        self.compute_power_period(actor, period).await?;
        self.power_plan(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("刚建立的方案".into()))
    }

    /// Replaces a draft plan's slots and recomputes the period.
    pub async fn update_power_plan(
        &self,
        actor: &Actor,
        id: i64,
        slots: &[Slot],
    ) -> Result<PlanRecord> {
        let errs = check_slots(slots);
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let plan = self
            .power_plan(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("编号为 {id} 的有序用电方案")))?;
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE power_plans SET version = version + 1 WHERE id = $1 AND status = 'draft'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "方案已下达，不能再修改")?;
        sqlx::query("DELETE FROM power_assignments WHERE plan_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM power_slots WHERE plan_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for s in slots {
            sqlx::query("INSERT INTO power_slots (plan_id, start_min, end_min, gap_kw, forecast_max_kw, level) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id)
                .bind(s.start)
                .bind(s.end)
                .bind(s.gap_kw)
                .bind(s.forecast_max_kw)
                .bind(level(s.gap_kw, s.forecast_max_kw).as_str())
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut tx,
            actor,
            "power_plan",
            &id.to_string(),
            "update",
            None,
            Some(&serde_json::json!({"slots": slots})),
        )
        .await?;
        tx.commit().await?;
        self.compute_power_period(actor, &plan.period).await?;
        self.power_plan(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("方案".into()))
    }

    /// Computes the period's draft plans in date order: issued plans keep
    /// their assignments and count in the rotation; a draft plan takes the
    /// energy shed by every earlier plan of the period. One transaction.
    pub async fn compute_power_period(&self, actor: &Actor, period: &str) -> Result<()> {
        let accounts: Vec<AccountRecord> = {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{ACCOUNT_SELECT} ORDER BY a.account_no"
            )))
            .fetch_all(self.pool())
            .await?;
            rows.iter().map(account_from_row).collect::<Result<_>>()?
        };
        let ids: HashMap<String, i64> = accounts
            .iter()
            .map(|a| (a.account.account_no.clone(), a.id))
            .collect();
        let list: Vec<Account> = accounts.into_iter().map(|a| a.account).collect();
        let standing = self.power_standing().await?;
        let mut tx = self.begin().await?;
        Store::take_turn(&mut tx).await?;
        let plans = sqlx::query(
            "SELECT id, status FROM power_plans WHERE period = $1 ORDER BY plan_date, id",
        )
        .bind(period)
        .fetch_all(&mut *tx)
        .await?;
        let mut energy: HashMap<String, i64> = HashMap::new();
        for p in plans {
            let (pid, status): (i64, String) = (p.try_get("id")?, p.try_get("status")?);
            if status == "issued" {
                for r in sqlx::query(
                    "SELECT a.account_no, x.shed_kw, s.end_min - s.start_min AS minutes FROM power_assignments x \
                     JOIN power_accounts a ON a.id = x.account_id JOIN power_slots s ON s.id = x.slot_id WHERE x.plan_id = $1",
                )
                .bind(pid)
                .fetch_all(&mut *tx)
                .await?
                {
                    let (no, kw, min): (String, i64, i64) = (r.try_get("account_no")?, r.try_get("shed_kw")?, r.try_get("minutes")?);
                    *energy.entry(no).or_insert(0) += kw * min;
                }
                continue;
            }
            let slot_rows = sqlx::query("SELECT id, start_min, end_min, gap_kw, forecast_max_kw FROM power_slots WHERE plan_id = $1 ORDER BY start_min, id")
                .bind(pid)
                .fetch_all(&mut *tx)
                .await?;
            let mut slots = vec![];
            let mut slot_ids = vec![];
            for r in &slot_rows {
                slot_ids.push(r.try_get::<i64, _>("id")?);
                slots.push(Slot {
                    start: r.try_get("start_min")?,
                    end: r.try_get("end_min")?,
                    gap_kw: r.try_get("gap_kw")?,
                    forecast_max_kw: r.try_get("forecast_max_kw")?,
                });
            }
            let results = assign(&slots, &list, &standing, &mut energy);
            sqlx::query("DELETE FROM power_assignments WHERE plan_id = $1")
                .bind(pid)
                .execute(&mut *tx)
                .await?;
            // `assign` keeps time order, as the slots were read.
            for (sid, r) in slot_ids.iter().zip(&results) {
                sqlx::query("UPDATE power_slots SET level = $2, shed_kw = $3, uncovered_kw = $4 WHERE id = $1")
                    .bind(sid)
                    .bind(r.level.as_str())
                    .bind(r.shed_kw)
                    .bind(r.uncovered_kw)
                    .execute(&mut *tx)
                    .await?;
                for (k, a) in r.assignments.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO power_assignments (slot_id, plan_id, account_id, position, class, restricted, shed_kw) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(sid)
                    .bind(pid)
                    .bind(ids[&a.account_no])
                    .bind(k as i64)
                    .bind(&a.class)
                    .bind(i64::from(a.restricted))
                    .bind(a.shed_kw)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            sqlx::query(
                "UPDATE power_plans SET computed_at = $2, version = version + 1 WHERE id = $1",
            )
            .bind(pid)
            .bind(now_text())
            .execute(&mut *tx)
            .await?;
        }
        audit::record(
            &mut tx,
            actor,
            "power_period",
            period,
            "compute",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One plan with its slots and assignments.
    pub async fn power_plan(&self, id: i64) -> Result<Option<PlanRecord>> {
        let Some(p) = sqlx::query("SELECT id, period, plan_date, status, computed_at, issued_at FROM power_plans WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let slot_rows = sqlx::query(
            "SELECT id, start_min, end_min, gap_kw, forecast_max_kw, level, shed_kw, uncovered_kw FROM power_slots WHERE plan_id = $1 ORDER BY start_min, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let assignment_rows = sqlx::query(
            "SELECT x.slot_id, a.account_no, e.credit_code, e.name, a.feeder, x.class, x.restricted, x.shed_kw, x.actual_kw FROM power_assignments x \
             JOIN power_accounts a ON a.id = x.account_id JOIN enterprises e ON e.id = a.enterprise_id WHERE x.plan_id = $1 ORDER BY x.slot_id, x.position",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let mut by_slot: HashMap<i64, Vec<AssignmentRecord>> = HashMap::new();
        for r in &assignment_rows {
            by_slot
                .entry(r.try_get("slot_id")?)
                .or_default()
                .push(AssignmentRecord {
                    account_no: r.try_get("account_no")?,
                    credit_code: r.try_get("credit_code")?,
                    name: r.try_get("name")?,
                    feeder: r.try_get("feeder")?,
                    class: r.try_get("class")?,
                    restricted: r.try_get::<i64, _>("restricted")? != 0,
                    shed_kw: r.try_get("shed_kw")?,
                    actual_kw: r.try_get("actual_kw")?,
                });
        }
        let slots = slot_rows
            .iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                Ok(SlotRecord {
                    id,
                    slot: Slot {
                        start: r.try_get("start_min")?,
                        end: r.try_get("end_min")?,
                        gap_kw: r.try_get("gap_kw")?,
                        forecast_max_kw: r.try_get("forecast_max_kw")?,
                    },
                    level: Level::parse(&r.try_get::<String, _>("level")?).unwrap_or(Level::IV),
                    shed_kw: r.try_get("shed_kw")?,
                    uncovered_kw: r.try_get("uncovered_kw")?,
                    assignments: by_slot.remove(&id).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(PlanRecord {
            id: p.try_get("id")?,
            period: p.try_get("period")?,
            date: p.try_get("plan_date")?,
            status: p.try_get("status")?,
            computed_at: p.try_get("computed_at")?,
            issued_at: p.try_get("issued_at")?,
            slots,
        }))
    }

    /// The plans (of one period, or all), newest date first.
    pub async fn power_plans(&self, period: Option<&str>) -> Result<Vec<PlanRecord>> {
        let ids: Vec<i64> = sqlx::query("SELECT id FROM power_plans WHERE ($1 IS NULL OR period = $1) ORDER BY plan_date DESC, id DESC LIMIT 500")
            .bind(period)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<std::result::Result<_, _>>()?;
        let mut out = vec![];
        for id in ids {
            if let Some(p) = self.power_plan(id).await? {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Issues a draft plan: its assignments are fixed and reach the enterprises.
    pub async fn issue_power_plan(&self, actor: &Actor, id: i64) -> Result<PlanRecord> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("UPDATE power_plans SET status = 'issued', issued_at = $2, issued_by = $3, version = version + 1 \
             WHERE id = $1 AND status = 'draft' AND computed_at IS NOT NULL")
            .bind(id)
            .bind(now_text())
            .bind(&actor.name)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "方案不存在、尚未计算或已经下达")?;
        audit::record(
            &mut tx,
            actor,
            "power_plan",
            &id.to_string(),
            "issue",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        self.power_plan(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("方案".into()))
    }

    /// An enterprise acknowledges an issued plan (once; again changes nothing).
    pub async fn acknowledge_power_plan(&self, v: &Viewer, id: i64) -> Result<()> {
        let code = match (v.role, &v.enterprise_code) {
            (Role::Enterprise, Some(c)) => c.clone(),
            _ => {
                return Err(StoreError::Forbidden(
                    "只有企业签收本企业的有序用电通知".into(),
                ));
            }
        };
        let mut tx = self.begin().await?;
        let eid: Option<i64> = sqlx::query(
            "SELECT DISTINCT a.enterprise_id FROM power_assignments x JOIN power_accounts a ON a.id = x.account_id \
             JOIN enterprises e ON e.id = a.enterprise_id JOIN power_plans p ON p.id = x.plan_id \
             WHERE x.plan_id = $1 AND e.credit_code = $2 AND p.status = 'issued'",
        )
        .bind(id)
        .bind(&code)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("enterprise_id"))
        .transpose()?;
        let eid = eid.ok_or_else(|| StoreError::NotFound("本企业在该方案中的错峰安排".into()))?;
        sqlx::query(
            "INSERT INTO power_acks (plan_id, enterprise_id, acknowledged_at, acknowledged_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (plan_id, enterprise_id) DO NOTHING",
        )
        .bind(id)
        .bind(eid)
        .bind(now_text())
        .bind(&v.actor.name)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            &v.actor,
            "power_plan",
            &id.to_string(),
            "acknowledge",
            None,
            Some(&serde_json::json!({"enterprise": code})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The credit codes that acknowledged a plan.
    pub async fn power_acks(&self, id: i64) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT e.credit_code FROM power_acks k JOIN enterprises e ON e.id = k.enterprise_id WHERE k.plan_id = $1")
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok(r.try_get("credit_code")?)).collect()
    }

    /// Records the actual load of an account in a slot of an issued plan.
    pub async fn record_power_actual(
        &self,
        actor: &Actor,
        slot_id: i64,
        account_no: &str,
        actual_kw: i64,
    ) -> Result<()> {
        if !(0..=10_000_000).contains(&actual_kw) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "actual_kw",
                "实际负荷应为 0 至 10000000 千瓦",
            )]));
        }
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE power_assignments SET actual_kw = $3 WHERE slot_id = $1 AND account_id = (SELECT id FROM power_accounts WHERE account_no = $2) \
             AND EXISTS (SELECT 1 FROM power_plans p WHERE p.id = power_assignments.plan_id AND p.status = 'issued')",
        )
        .bind(slot_id)
        .bind(account_no.trim())
        .bind(actual_kw)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "该时段没有这个用户编号的错峰安排，或方案尚未下达")?;
        audit::record(
            &mut tx,
            actor,
            "power_actual",
            &format!("{slot_id}/{}", account_no.trim()),
            "record",
            None,
            Some(&serde_json::json!({"actual_kw": actual_kw})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records several actual loads of an issued plan at once, all or nothing:
    /// (slot id, account number, kW).
    pub async fn record_power_actuals(
        &self,
        actor: &Actor,
        plan_id: i64,
        rows: &[(i64, String, i64)],
    ) -> Result<usize> {
        if let Some((_, no, _)) = rows
            .iter()
            .find(|(_, _, kw)| !(0..=10_000_000).contains(kw))
        {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "actual_kw",
                format!("用户编号 {no} 的实际负荷应为 0 至 10000000 千瓦"),
            )]));
        }
        let mut tx = self.begin().await?;
        for (slot, no, kw) in rows {
            let n = sqlx::query(
                "UPDATE power_assignments SET actual_kw = $4 WHERE plan_id = $1 AND slot_id = $2 \
                 AND account_id = (SELECT id FROM power_accounts WHERE account_no = $3) \
                 AND EXISTS (SELECT 1 FROM power_plans p WHERE p.id = $1 AND p.status = 'issued')",
            )
            .bind(plan_id)
            .bind(slot)
            .bind(no)
            .bind(kw)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            one_row_or_conflict(
                n,
                &format!("用户编号 {no} 在该时段没有错峰安排，或方案尚未下达"),
            )?;
        }
        audit::record(
            &mut tx,
            actor,
            "power_plan",
            &plan_id.to_string(),
            "actuals",
            None,
            Some(&serde_json::json!({"rows": rows.len()})),
        )
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    }

    /// The issued plans an enterprise sheds in, newest first, with only its
    /// own accounts' assignments; and whether it acknowledged each.
    pub async fn power_notices(&self, credit_code: &str) -> Result<Vec<(PlanRecord, bool)>> {
        let ids: Vec<i64> = sqlx::query(
            "SELECT DISTINCT p.id, p.plan_date FROM power_plans p JOIN power_assignments x ON x.plan_id = p.id \
             JOIN power_accounts a ON a.id = x.account_id JOIN enterprises e ON e.id = a.enterprise_id \
             WHERE p.status = 'issued' AND e.credit_code = $1 ORDER BY p.plan_date DESC, p.id DESC LIMIT 100",
        )
        .bind(credit_code)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<std::result::Result<_, _>>()?;
        let mut out = vec![];
        for id in ids {
            if let Some(mut p) = self.power_plan(id).await? {
                for s in &mut p.slots {
                    s.assignments.retain(|a| a.credit_code == credit_code);
                }
                p.slots.retain(|s| !s.assignments.is_empty());
                let acked = self.power_acks(id).await?.iter().any(|c| c == credit_code);
                out.push((p, acked));
            }
        }
        Ok(out)
    }

    /// The period summary per enterprise over its issued plans.
    pub async fn power_summary(&self, period: &str) -> Result<Vec<SummaryRow>> {
        let rows = sqlx::query(
            "SELECT e.credit_code, e.name, MIN(x.class) AS class, CAST(SUM(x.shed_kw * (s.end_min - s.start_min)) AS BIGINT) AS kwm, \
             CAST(SUM(s.end_min - s.start_min) AS BIGINT) AS minutes, COUNT(DISTINCT x.plan_id) AS plans, \
             CAST(SUM(CASE WHEN x.actual_kw IS NOT NULL AND x.actual_kw > a.peak_kw - x.shed_kw THEN 1 ELSE 0 END) AS BIGINT) AS not_complied \
             FROM power_assignments x JOIN power_slots s ON s.id = x.slot_id JOIN power_plans p ON p.id = x.plan_id \
             JOIN power_accounts a ON a.id = x.account_id JOIN enterprises e ON e.id = a.enterprise_id \
             WHERE p.period = $1 AND p.status = 'issued' GROUP BY e.credit_code, e.name ORDER BY kwm DESC, e.credit_code",
        )
        .bind(period)
        .fetch_all(self.pool())
        .await?;
        let acks: HashMap<String, i64> = sqlx::query(
            "SELECT e.credit_code, COUNT(*) AS n FROM power_acks k JOIN power_plans p ON p.id = k.plan_id \
             JOIN enterprises e ON e.id = k.enterprise_id WHERE p.period = $1 GROUP BY e.credit_code",
        )
        .bind(period)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("credit_code")?, r.try_get("n")?)))
        .collect::<Result<_>>()?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get("credit_code")?;
                Ok(SummaryRow {
                    acknowledged: acks.get(&code).copied().unwrap_or(0),
                    name: r.try_get("name")?,
                    class: r.try_get("class")?,
                    planned_kw_min: r.try_get::<Option<i64>, _>("kwm")?.unwrap_or(0),
                    minutes: r.try_get::<Option<i64>, _>("minutes")?.unwrap_or(0),
                    plans: r.try_get("plans")?,
                    not_complied: r.try_get::<Option<i64>, _>("not_complied")?.unwrap_or(0),
                    credit_code: code,
                })
            })
            .collect()
    }

    /// The periods with plans, newest first.
    pub async fn power_periods(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT period, MAX(plan_date) AS last FROM power_plans GROUP BY period ORDER BY last DESC")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| Ok(r.try_get("period")?)).collect()
    }
}
