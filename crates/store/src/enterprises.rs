//! Enterprises: the registry (upsert by credit code), per-year attributes,
//! monthly statistics with revisions, brands and credit records.

use crate::audit::{self, Actor};
use crate::projects::{Part, RowError, UnitIndex, UpsertReport};
use crate::{Result, Store, StoreError, now_text};
use domain::enterprises::input::{Brand, Enterprise, Stat};
use domain::enterprises::{BrandLevel, BrandStatus, Tier, name_key};
use domain::patch::Patch;
use domain::users::FieldError;
use serde::Serialize;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// Rows per multi-row INSERT of statistics (11 parameters each, well under
/// SQLite's and PostgreSQL's limits on bound parameters).
const STATS_CHUNK: usize = 500;

/// A stored enterprise with what lists and the profile show.
#[derive(Debug, Clone, Serialize)]
pub struct EnterpriseRecord {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub former_names: Vec<String>,
    pub township_code: String,
    pub township_name: String,
    pub industry_code: String,
    pub address: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub established_on: Option<String>,
    /// Year -> (above designated size, tier, unit scope).
    pub years: Vec<YearAttrs>,
    pub brand_count: i64,
}

/// An enterprise's attributes in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearAttrs {
    pub year: i32,
    pub above_scale: bool,
    pub tier: Tier,
    pub unit_scope: String,
}

impl EnterpriseRecord {
    /// Above designated size in `year`.
    pub fn above_scale_in(&self, year: i32) -> bool {
        self.years.iter().any(|y| y.year == year && y.above_scale)
    }
    /// The cultivation tier in `year`.
    pub fn tier_in(&self, year: i32) -> Tier {
        self.years
            .iter()
            .find(|y| y.year == year)
            .map(|y| y.tier)
            .unwrap_or(Tier::None)
    }
}

/// Which stored months an export takes.
#[derive(Debug, Clone, Default)]
pub struct StatsFilter {
    /// The enterprise's township (unit code).
    pub township: Option<String>,
    pub from: Option<domain::projects::Period>,
    pub to: Option<domain::projects::Period>,
}

/// A stored month of statistics (the latest revision).
#[derive(Debug, Clone, Serialize)]
pub struct StatRow {
    pub period: String,
    pub output_value_yuan: i64,
    pub sales_value_yuan: i64,
    pub electricity_kwh: i64,
    pub energy_kgce: i64,
    pub tax_yuan: i64,
    pub employees: i64,
    pub land_millimu: i64,
    pub revision: i64,
    pub updated_at: String,
    pub updated_by: String,
}

/// A stored brand.
#[derive(Debug, Clone, Serialize)]
pub struct BrandRecord {
    pub id: i64,
    pub credit_code: String,
    pub enterprise_name: String,
    pub township_code: String,
    pub name: String,
    pub level: BrandLevel,
    pub status: BrandStatus,
    pub applied_on: Option<String>,
    pub granted_on: Option<String>,
}

/// A credit event: honour, penalty or veto (`domain::enterprises::CreditKind`).
#[derive(Debug, Clone, Serialize)]
pub struct CreditEvent {
    pub on_date: String,
    /// honour, penalty or veto.
    pub kind: String,
    pub description: String,
    pub source: String,
}

impl CreditEvent {
    /// The kind in Chinese.
    pub fn kind_label(&self) -> &str {
        domain::enterprises::CreditKind::parse(&self.kind).map_or(self.kind.as_str(), |k| k.label())
    }
}

/// A credit event to add (the API's shape): `kind` is honour, penalty or
/// veto (or its Chinese label), `date` YYYY-MM-DD.
#[derive(Debug, Clone, Default)]
pub struct NewCreditEvent {
    pub credit_code: String,
    pub date: String,
    pub kind: String,
    pub title: String,
    pub source: String,
}

/// An enterprise's credit record.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CreditRecord {
    /// (year, rating, source)
    pub ratings: Vec<(i64, String, String)>,
    pub events: Vec<CreditEvent>,
}

/// What an enterprise upsert did, with near-duplicate warnings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EnterpriseReport {
    pub report: UpsertReport,
    pub warnings: Vec<String>,
}

/// Up to this many statistics rows are written with per-row look-ups.
const FEW_STATS: usize = 500;

impl Store {
    /// Every enterprise, by name.
    pub async fn enterprises(&self) -> Result<Vec<EnterpriseRecord>> {
        self.enterprises_where(None).await
    }

    /// One enterprise by credit code.
    pub async fn enterprise(&self, code: &str) -> Result<Option<EnterpriseRecord>> {
        Ok(self.enterprises_where(Some(code)).await?.into_iter().next())
    }

    async fn enterprises_where(&self, code: Option<&str>) -> Result<Vec<EnterpriseRecord>> {
        let rows = sqlx::query(
            "SELECT e.id, e.credit_code, e.name, e.former_names, t.code AS township_code, t.name AS township_name, e.industry_code, \
             e.address, e.contact_person, e.contact_phone, e.established_on, \
             (SELECT COUNT(*) FROM brands b WHERE b.enterprise_id = e.id) AS brand_count \
             FROM enterprises e JOIN org_units t ON t.id = e.township_id WHERE ($1 IS NULL OR e.credit_code = $1) ORDER BY e.name",
        )
        .bind(code)
        .fetch_all(self.pool())
        .await?;
        let years = sqlx::query(
            "SELECT y.enterprise_id, y.year, y.above_scale, y.tier, y.unit_scope FROM enterprise_years y \
             JOIN enterprises e ON e.id = y.enterprise_id WHERE ($1 IS NULL OR e.credit_code = $1) ORDER BY y.year",
        )
        .bind(code)
        .fetch_all(self.pool())
        .await?;
        let mut by_id: HashMap<i64, Vec<YearAttrs>> = HashMap::new();
        for y in &years {
            by_id
                .entry(y.try_get("enterprise_id")?)
                .or_default()
                .push(YearAttrs {
                    year: y.try_get::<i64, _>("year")? as i32,
                    above_scale: y.try_get::<i64, _>("above_scale")? != 0,
                    tier: Tier::parse(&y.try_get::<String, _>("tier")?).unwrap_or(Tier::None),
                    unit_scope: y.try_get("unit_scope")?,
                });
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let former: String = r.try_get("former_names")?;
                Ok(EnterpriseRecord {
                    id,
                    credit_code: r.try_get("credit_code")?,
                    name: r.try_get("name")?,
                    former_names: former
                        .split('、')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                    township_code: r.try_get("township_code")?,
                    township_name: r.try_get("township_name")?,
                    industry_code: r.try_get("industry_code")?,
                    address: r.try_get("address")?,
                    contact_person: r.try_get("contact_person")?,
                    contact_phone: r.try_get("contact_phone")?,
                    established_on: r.try_get("established_on")?,
                    years: by_id.remove(&id).unwrap_or_default(),
                    brand_count: r.try_get("brand_count")?,
                })
            })
            .collect()
    }

    /// Creates or updates enterprises by credit code, all or nothing. A name
    /// close to another enterprise's in the same township is a warning, not an error.
    pub async fn upsert_enterprises(
        &self,
        actor: &Actor,
        rows: &[Enterprise],
    ) -> Result<EnterpriseReport> {
        let units = UnitIndex::load(self).await?;
        let existing: HashMap<String, EnterpriseRecord> = self
            .enterprises()
            .await?
            .into_iter()
            .map(|e| (e.credit_code.clone(), e))
            .collect();
        let mut errs = Vec::new();
        let mut seen = HashSet::new();
        let mut plans = Vec::new();
        let mut warnings = Vec::new();
        let mut keys: HashMap<(String, String), String> = existing
            .values()
            .map(|e| {
                (
                    (e.township_code.clone(), name_key(&e.name)),
                    e.credit_code.clone(),
                )
            })
            .collect();
        for (i, e) in rows.iter().enumerate() {
            let code = e.credit_code.as_str().to_string();
            if !seen.insert(code.clone()) {
                errs.push(RowError::new(
                    Part::Projects,
                    i,
                    "credit_code",
                    format!("统一社会信用代码“{code}”在本批数据中重复"),
                ));
            }
            match units.township(&e.township_code) {
                Ok(t) => plans.push((e, t)),
                Err(m) => errs.push(RowError::new(Part::Projects, i, "township_code", m)),
            }
            if let Some(other) = keys.get(&(e.township_code.clone(), name_key(&e.name)))
                && other != &code
            {
                warnings.push(format!(
                    "第 {} 条“{}”与同一镇街已有企业（{other}）名称相近，请确认不是同一家企业",
                    i + 1,
                    e.name
                ));
            }
            keys.insert((e.township_code.clone(), name_key(&e.name)), code);
        }
        if !errs.is_empty() {
            return Err(StoreError::InvalidRows(errs));
        }
        let now = now_text();
        let mut report = UpsertReport::default();
        let mut tx = self.begin().await?;
        for (e, township_id) in plans {
            let old = existing.get(e.credit_code.as_str());
            let former = e.former_names.join("、");
            let est = e.established_on.map(|d| d.to_string());
            let same = old.is_some_and(|o| {
                o.name == e.name
                    && o.former_names == e.former_names
                    && o.township_code == e.township_code
                    && o.industry_code == e.industry_code
                    && o.address == e.address
                    && o.contact_person == e.contact_person
                    && o.contact_phone == e.contact_phone
                    && o.established_on == est
                    && e.above_scale_years.as_ref().is_none_or(|ys| {
                        let have: Vec<i32> = o
                            .years
                            .iter()
                            .filter(|y| y.above_scale)
                            .map(|y| y.year)
                            .collect();
                        &have == ys
                    })
            });
            if same {
                report.unchanged += 1;
                continue;
            }
            let id: i64 = match old {
                Some(o) => {
                    sqlx::query(
                        "UPDATE enterprises SET name = $1, former_names = $2, township_id = $3, industry_code = $4, address = $5, \
                         contact_person = $6, contact_phone = $7, established_on = $8, updated_at = $9 WHERE id = $10",
                    )
                    .bind(&e.name)
                    .bind(&former)
                    .bind(township_id)
                    .bind(&e.industry_code)
                    .bind(&e.address)
                    .bind(&e.contact_person)
                    .bind(&e.contact_phone)
                    .bind(est.clone())
                    .bind(&now)
                    .bind(o.id)
                    .execute(&mut *tx)
                    .await?;
                    report.updated += 1;
                    o.id
                }
                None => {
                    report.created += 1;
                    sqlx::query(
                        "INSERT INTO enterprises (credit_code, name, former_names, township_id, industry_code, address, contact_person, \
                         contact_phone, established_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
                    )
                    .bind(e.credit_code.as_str())
                    .bind(&e.name)
                    .bind(&former)
                    .bind(township_id)
                    .bind(&e.industry_code)
                    .bind(&e.address)
                    .bind(&e.contact_person)
                    .bind(&e.contact_phone)
                    .bind(est.clone())
                    .bind(&now)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("id")?
                }
            };
            if let Some(years) = &e.above_scale_years {
                sqlx::query("UPDATE enterprise_years SET above_scale = 0 WHERE enterprise_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for y in years {
                    sqlx::query(
                        "INSERT INTO enterprise_years (enterprise_id, year, above_scale) VALUES ($1, $2, 1) \
                         ON CONFLICT (enterprise_id, year) DO UPDATE SET above_scale = 1",
                    )
                    .bind(id)
                    .bind(*y as i64)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            let before = old.map(|o| serde_json::to_value(o).unwrap_or_default());
            audit::record(
                &mut tx,
                actor,
                "enterprise",
                e.credit_code.as_str(),
                if old.is_some() { "update" } else { "create" },
                before.as_ref(),
                Some(&serde_json::to_value(e).unwrap_or_default()),
            )
            .await?;
        }
        tx.commit().await?;
        self.changed(vec![crate::targets::Change::Enterprises(
            rows.iter()
                .map(|e| e.credit_code.as_str().to_string())
                .collect(),
        )])
        .await;
        Ok(EnterpriseReport { report, warnings })
    }

    /// Sets an enterprise's tier and unit scope for a year (above-size flag kept).
    pub async fn set_enterprise_year(
        &self,
        actor: &Actor,
        code: &str,
        year: i32,
        tier: Tier,
        unit_scope: &str,
    ) -> Result<()> {
        let e = self
            .enterprise(code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("企业“{code}”")))?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO enterprise_years (enterprise_id, year, tier, unit_scope) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (enterprise_id, year) DO UPDATE SET tier = $3, unit_scope = $4",
        )
        .bind(e.id)
        .bind(year as i64)
        .bind(tier.as_str())
        .bind(unit_scope.trim())
        .execute(&mut *tx)
        .await?;
        let before = e
            .years
            .iter()
            .find(|y| y.year == year)
            .map(|y| serde_json::json!({"tier": y.tier.as_str(), "unit_scope": y.unit_scope}));
        audit::record(
            &mut tx,
            actor,
            "enterprise_year",
            &format!("{code}/{year}"),
            "update",
            before.as_ref(),
            Some(&serde_json::json!({"tier": tier.as_str(), "unit_scope": unit_scope.trim()})),
        )
        .await?;
        tx.commit().await?;
        self.changed(vec![]).await;
        Ok(())
    }

    /// Writes monthly statistics, all or nothing. A month sent again with
    /// other figures becomes a new revision; the old figures are kept.
    /// One audit row records the batch. Every figure is sent: see
    /// `merge_stats` for rows that send only some.
    pub async fn upsert_stats(&self, actor: &Actor, rows: &[Stat]) -> Result<UpsertReport> {
        let patches: Vec<Patch<Stat>> = rows.iter().cloned().map(Patch::full).collect();
        self.merge_stats(actor, &patches).await
    }

    /// Writes monthly statistics sent as patches, all or nothing: a month
    /// already stored becomes a new revision holding the latest revision's
    /// figures with the sent ones replaced (the others kept); a new month
    /// needs its required figures.
    pub async fn merge_stats(
        &self,
        actor: &Actor,
        patches: &[Patch<Stat>],
    ) -> Result<UpsertReport> {
        let rows: Vec<&Stat> = patches.iter().map(|p| &p.record).collect();
        // A few rows (an API call) look up only their enterprises and stored
        // months; a file reads each whole table or month once.
        let few = rows.len() <= FEW_STATS;
        let mut ids: HashMap<String, i64> = HashMap::new();
        if few {
            let mut codes: Vec<&str> = rows.iter().map(|s| s.credit_code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            let sql = format!(
                "SELECT id, credit_code FROM enterprises WHERE credit_code IN ({})",
                (1..=codes.len())
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for c in &codes {
                q = q.bind(*c);
            }
            for r in q.fetch_all(self.pool()).await? {
                ids.insert(r.try_get("credit_code")?, r.try_get("id")?);
            }
        } else {
            ids = sqlx::query("SELECT id, credit_code FROM enterprises")
                .fetch_all(self.pool())
                .await?
                .iter()
                .map(|r| Ok((r.try_get("credit_code")?, r.try_get("id")?)))
                .collect::<Result<_>>()?;
        }
        let mut errs = Vec::new();
        let mut seen = HashSet::new();
        for (i, s) in rows.iter().enumerate() {
            if !ids.contains_key(s.credit_code.as_str()) {
                errs.push(RowError::new(
                    Part::Progress,
                    i,
                    "credit_code",
                    format!("企业“{}”尚未登记", s.credit_code),
                ));
            }
            if !seen.insert((s.credit_code.as_str(), s.period)) {
                errs.push(RowError::new(
                    Part::Progress,
                    i,
                    "period",
                    format!("企业“{}”的 {} 在本批数据中重复", s.credit_code, s.period),
                ));
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::InvalidRows(errs));
        }
        // The lock first (as `apply_batch`): two corrections of one month
        // merge in turn, each onto what the other wrote.
        let mut tx = self.begin().await?;
        Store::take_turn(&mut tx).await?;
        // The stored figures of the periods touched, in one query per period.
        let mut periods: Vec<String> = rows.iter().map(|s| s.period.to_string()).collect();
        periods.sort();
        periods.dedup();
        let mut stored: HashMap<(i64, String), (Vec<i64>, i64)> = HashMap::new();
        for p in &periods {
            // Ids are numbers read from the database.
            let only = if few {
                let list: Vec<String> = rows
                    .iter()
                    .filter(|s| s.period.to_string() == *p)
                    .filter_map(|s| ids.get(s.credit_code.as_str()).map(|i| i.to_string()))
                    .collect();
                format!(" AND enterprise_id IN ({})", list.join(", "))
            } else {
                String::new()
            };
            let sql = format!(
                "SELECT enterprise_id, output_value_yuan, sales_value_yuan, electricity_kwh, energy_kgce, tax_yuan, employees, land_millimu, revision \
                 FROM enterprise_stats WHERE period = $1{only}"
            );
            for r in sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(p)
                .fetch_all(self.pool())
                .await?
            {
                let vals = [
                    "output_value_yuan",
                    "sales_value_yuan",
                    "electricity_kwh",
                    "energy_kgce",
                    "tax_yuan",
                    "employees",
                    "land_millimu",
                ]
                .iter()
                .map(|c| r.try_get::<i64, _>(*c))
                .collect::<Result<Vec<_>, _>>()?;
                stored.insert(
                    (r.try_get("enterprise_id")?, p.clone()),
                    (vals, r.try_get("revision")?),
                );
            }
        }
        // Each patch merged with the latest revision.
        let mut merged = Vec::with_capacity(patches.len());
        for (i, patch) in patches.iter().enumerate() {
            let s = &patch.record;
            let id = ids[s.credit_code.as_str()];
            let old = stored.get(&(id, s.period.to_string())).map(|(v, _)| Stat {
                credit_code: s.credit_code.clone(),
                period: s.period,
                output_value_yuan: v[0],
                sales_value_yuan: v[1],
                electricity_kwh: v[2],
                energy_kgce: v[3],
                tax_yuan: v[4],
                employees: v[5],
                land_millimu: v[6],
            });
            match patch.merge(old.as_ref()) {
                Ok(m) => merged.push(m),
                Err(e) => errs.extend(
                    e.into_iter()
                        .map(|e| RowError::new(Part::Progress, i, &e.field, e.message)),
                ),
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::InvalidRows(errs));
        }
        let now = now_text();
        let mut report = UpsertReport::default();
        let mut fresh: Vec<(i64, String, Vec<i64>)> = Vec::new();
        for s in &merged {
            let id = ids[s.credit_code.as_str()];
            let period = s.period.to_string();
            let vals = vec![
                s.output_value_yuan,
                s.sales_value_yuan,
                s.electricity_kwh,
                s.energy_kgce,
                s.tax_yuan,
                s.employees,
                s.land_millimu,
            ];
            match stored.get(&(id, period.clone())) {
                Some((old, _)) if *old == vals => report.unchanged += 1,
                Some((old, rev)) => {
                    sqlx::query(
                        "INSERT INTO enterprise_stat_revisions (enterprise_id, period, revision, output_value_yuan, sales_value_yuan, electricity_kwh, \
                         energy_kgce, tax_yuan, employees, land_millimu, replaced_at, replaced_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    )
                    .bind(id)
                    .bind(&period)
                    .bind(*rev)
                    .bind(old[0])
                    .bind(old[1])
                    .bind(old[2])
                    .bind(old[3])
                    .bind(old[4])
                    .bind(old[5])
                    .bind(old[6])
                    .bind(&now)
                    .bind(&actor.name)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "UPDATE enterprise_stats SET output_value_yuan = $1, sales_value_yuan = $2, electricity_kwh = $3, energy_kgce = $4, tax_yuan = $5, \
                         employees = $6, land_millimu = $7, revision = $8, updated_at = $9, updated_by = $10 WHERE enterprise_id = $11 AND period = $12",
                    )
                    .bind(vals[0])
                    .bind(vals[1])
                    .bind(vals[2])
                    .bind(vals[3])
                    .bind(vals[4])
                    .bind(vals[5])
                    .bind(vals[6])
                    .bind(rev + 1)
                    .bind(&now)
                    .bind(&actor.name)
                    .bind(id)
                    .bind(&period)
                    .execute(&mut *tx)
                    .await?;
                    report.updated += 1;
                }
                None => {
                    fresh.push((id, period, vals));
                    report.created += 1;
                }
            }
        }
        // New months go in as multi-row INSERTs: a 100,000-row file is a few
        // hundred statements, not 100,000 round trips. The figures are i64 and
        // the period is a checked `YYYY-MM`, so they are written into the
        // statement as literals; only the two strings from outside are bound.
        // (Binding thousands of parameters per statement is what made this slow.)
        for chunk in fresh.chunks(STATS_CHUNK) {
            let mut sql = String::with_capacity(chunk.len() * 96);
            sql.push_str(
                "INSERT INTO enterprise_stats (enterprise_id, period, output_value_yuan, sales_value_yuan, electricity_kwh, energy_kgce, tax_yuan, \
                 employees, land_millimu, revision, updated_at, updated_by) VALUES ",
            );
            for (i, (id, period, vals)) in chunk.iter().enumerate() {
                debug_assert!(
                    period.len() == 7 && period.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                );
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!(
                    "({id}, '{period}', {}, {}, {}, {}, {}, {}, {}, 1, $1, $2)",
                    vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6]
                ));
            }
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(now.as_str())
                .bind(actor.name.as_str())
                .execute(&mut *tx)
                .await?;
        }
        if report.created + report.updated > 0 {
            let summary = serde_json::json!({"rows": rows.len(), "created": report.created, "revised": report.updated, "unchanged": report.unchanged, "periods": periods});
            audit::record(
                &mut tx,
                actor,
                "enterprise_stats",
                &periods.join(","),
                "import",
                None,
                Some(&summary),
            )
            .await?;
        }
        tx.commit().await?;
        // Only what was written is read back into the facts kept in memory:
        // a whole month when many enterprises sent it, else those enterprises.
        let mut changes = Vec::new();
        if report.created + report.updated > 0 {
            for p in periods {
                let of: Vec<i64> = rows
                    .iter()
                    .filter(|s| s.period.to_string() == p)
                    .map(|s| ids[s.credit_code.as_str()])
                    .collect();
                changes.push(if of.len() > 2_000 {
                    crate::targets::Change::StatsPeriods(vec![p])
                } else {
                    crate::targets::Change::StatsOf(p, of)
                });
            }
        }
        self.changed(changes).await;
        Ok(report)
    }

    /// One page of stored months (their latest revision) for an export, in
    /// (credit code, month) order, starting after `after`; `limit` rows at
    /// most. Filters: the enterprise's township code, months from/to.
    pub async fn stats_page(
        &self,
        f: &StatsFilter,
        after: Option<&(String, String)>,
        limit: i64,
    ) -> Result<Vec<(Stat, String)>> {
        let mut sql = String::from(
            "SELECT e.credit_code, e.name, s.period, s.output_value_yuan, s.sales_value_yuan, s.electricity_kwh, \
             s.energy_kgce, s.tax_yuan, s.employees, s.land_millimu \
             FROM enterprise_stats s JOIN enterprises e ON e.id = s.enterprise_id \
             JOIN org_units u ON u.id = e.township_id WHERE 1 = 1",
        );
        let mut binds: Vec<String> = Vec::new();
        let param = |binds: &mut Vec<String>, v: String| {
            binds.push(v);
            format!("${}", binds.len())
        };
        if let Some(t) = &f.township {
            let p = param(&mut binds, t.clone());
            sql.push_str(&format!(" AND u.code = {p}"));
        }
        if let Some(from) = f.from {
            let p = param(&mut binds, from.to_string());
            sql.push_str(&format!(" AND s.period >= {p}"));
        }
        if let Some(to) = f.to {
            let p = param(&mut binds, to.to_string());
            sql.push_str(&format!(" AND s.period <= {p}"));
        }
        if let Some((code, period)) = after {
            let a = param(&mut binds, code.clone());
            let b = param(&mut binds, code.clone());
            let c = param(&mut binds, period.clone());
            sql.push_str(&format!(
                " AND (e.credit_code > {a} OR (e.credit_code = {b} AND s.period > {c}))"
            ));
        }
        // The limit is a number, not text from outside.
        sql.push_str(&format!(
            " ORDER BY e.credit_code, s.period LIMIT {}",
            limit.max(1)
        ));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b.as_str());
        }
        q.fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                let code: String = r.try_get("credit_code")?;
                let period: String = r.try_get("period")?;
                let stat = Stat {
                    credit_code: domain::enterprises::CreditCode::parse(&code).map_err(|m| {
                        StoreError::Invalid(vec![FieldError::new("credit_code", m)])
                    })?,
                    period: domain::projects::Period::parse(&period)
                        .map_err(|m| StoreError::Invalid(vec![FieldError::new("period", m)]))?,
                    output_value_yuan: r.try_get("output_value_yuan")?,
                    sales_value_yuan: r.try_get("sales_value_yuan")?,
                    electricity_kwh: r.try_get("electricity_kwh")?,
                    energy_kgce: r.try_get("energy_kgce")?,
                    tax_yuan: r.try_get("tax_yuan")?,
                    employees: r.try_get("employees")?,
                    land_millimu: r.try_get("land_millimu")?,
                };
                Ok((stat, r.try_get("name")?))
            })
            .collect()
    }

    /// An enterprise's monthly statistics, by period.
    pub async fn stats_of(&self, enterprise_id: i64) -> Result<Vec<StatRow>> {
        let rows =
            sqlx::query("SELECT * FROM enterprise_stats WHERE enterprise_id = $1 ORDER BY period")
                .bind(enterprise_id)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|r| {
                Ok(StatRow {
                    period: r.try_get("period")?,
                    output_value_yuan: r.try_get("output_value_yuan")?,
                    sales_value_yuan: r.try_get("sales_value_yuan")?,
                    electricity_kwh: r.try_get("electricity_kwh")?,
                    energy_kgce: r.try_get("energy_kgce")?,
                    tax_yuan: r.try_get("tax_yuan")?,
                    employees: r.try_get("employees")?,
                    land_millimu: r.try_get("land_millimu")?,
                    revision: r.try_get("revision")?,
                    updated_at: r.try_get("updated_at")?,
                    updated_by: r.try_get("updated_by")?,
                })
            })
            .collect()
    }

    /// Creates or updates brands by (enterprise, name, level), all or nothing.
    pub async fn upsert_brands(&self, actor: &Actor, rows: &[Brand]) -> Result<UpsertReport> {
        let ents: HashMap<String, i64> = self
            .enterprises()
            .await?
            .into_iter()
            .map(|e| (e.credit_code, e.id))
            .collect();
        let mut errs = Vec::new();
        for (i, b) in rows.iter().enumerate() {
            if !ents.contains_key(b.credit_code.as_str()) {
                errs.push(RowError::new(
                    Part::Projects,
                    i,
                    "enterprise_credit_code",
                    format!("企业“{}”尚未登记", b.credit_code),
                ));
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::InvalidRows(errs));
        }
        let existing: HashMap<(String, String, BrandLevel), BrandRecord> = self
            .brands()
            .await?
            .into_iter()
            .map(|b| ((b.credit_code.clone(), b.name.clone(), b.level), b))
            .collect();
        let now = now_text();
        let mut report = UpsertReport::default();
        let mut tx = self.begin().await?;
        for b in rows {
            let key = (b.credit_code.as_str().to_string(), b.name.clone(), b.level);
            let d = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
            let after = serde_json::to_value(b).unwrap_or_default();
            match existing.get(&key) {
                Some(o)
                    if o.status == b.status
                        && o.applied_on == d(b.applied_on)
                        && o.granted_on == d(b.granted_on) =>
                {
                    report.unchanged += 1
                }
                Some(o) => {
                    sqlx::query("UPDATE brands SET status = $1, applied_on = $2, granted_on = $3, updated_at = $4 WHERE id = $5")
                        .bind(b.status.as_str())
                        .bind(d(b.applied_on))
                        .bind(d(b.granted_on))
                        .bind(&now)
                        .bind(o.id)
                        .execute(&mut *tx)
                        .await?;
                    audit::record(
                        &mut tx,
                        actor,
                        "brand",
                        &format!("{}/{}", b.credit_code, b.name),
                        "update",
                        Some(&serde_json::to_value(o).unwrap_or_default()),
                        Some(&after),
                    )
                    .await?;
                    report.updated += 1;
                }
                None => {
                    sqlx::query("INSERT INTO brands (enterprise_id, name, level, status, applied_on, granted_on, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .bind(ents[b.credit_code.as_str()])
                        .bind(&b.name)
                        .bind(b.level.as_str())
                        .bind(b.status.as_str())
                        .bind(d(b.applied_on))
                        .bind(d(b.granted_on))
                        .bind(&now)
                        .execute(&mut *tx)
                        .await?;
                    audit::record(
                        &mut tx,
                        actor,
                        "brand",
                        &format!("{}/{}", b.credit_code, b.name),
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
        self.changed(vec![crate::targets::Change::Brands]).await;
        Ok(report)
    }

    /// Every brand, highest level first.
    pub async fn brands(&self) -> Result<Vec<BrandRecord>> {
        let rows = sqlx::query(
            "SELECT b.id, e.credit_code, e.name AS enterprise_name, t.code AS township_code, b.name, b.level, b.status, b.applied_on, b.granted_on \
             FROM brands b JOIN enterprises e ON e.id = b.enterprise_id JOIN org_units t ON t.id = e.township_id ORDER BY b.id",
        )
        .fetch_all(self.pool())
        .await?;
        let mut v = rows
            .iter()
            .map(|r| {
                Ok(BrandRecord {
                    id: r.try_get("id")?,
                    credit_code: r.try_get("credit_code")?,
                    enterprise_name: r.try_get("enterprise_name")?,
                    township_code: r.try_get("township_code")?,
                    name: r.try_get("name")?,
                    level: BrandLevel::parse(&r.try_get::<String, _>("level")?)
                        .unwrap_or(BrandLevel::County),
                    status: BrandStatus::parse(&r.try_get::<String, _>("status")?)
                        .unwrap_or(BrandStatus::Cultivating),
                    applied_on: r.try_get("applied_on")?,
                    granted_on: r.try_get("granted_on")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        v.sort_by(|a, b| {
            b.level
                .cmp(&a.level)
                .then(a.enterprise_name.cmp(&b.enterprise_name))
        });
        Ok(v)
    }

    /// Records a yearly credit rating or a dated credit event.
    pub async fn add_credit(
        &self,
        actor: &Actor,
        code: &str,
        rating: Option<(i32, &str)>,
        event: Option<&CreditEvent>,
        source: &str,
    ) -> Result<()> {
        let e = self
            .enterprise(code)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("企业“{code}”")))?;
        let mut tx = self.begin().await?;
        if let Some((year, r)) = rating {
            sqlx::query("INSERT INTO credit_ratings (enterprise_id, year, rating, source) VALUES ($1, $2, $3, $4) ON CONFLICT (enterprise_id, year) DO UPDATE SET rating = $3, source = $4")
                .bind(e.id)
                .bind(year as i64)
                .bind(r)
                .bind(source)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(ev) = event {
            sqlx::query("INSERT INTO credit_events (enterprise_id, on_date, kind, description, source) VALUES ($1, $2, $3, $4, $5)")
                .bind(e.id)
                .bind(&ev.on_date)
                .bind(&ev.kind)
                .bind(&ev.description)
                .bind(&ev.source)
                .execute(&mut *tx)
                .await?;
        }
        audit::record(&mut tx, actor, "credit", code, "add", None, Some(&serde_json::json!({"rating": rating.map(|(y, r)| format!("{y}:{r}")), "event": event}))).await?;
        tx.commit().await?;
        self.changed(vec![]).await;
        Ok(())
    }

    /// An enterprise's credit ratings and events.
    pub async fn credit_of(&self, enterprise_id: i64) -> Result<CreditRecord> {
        let ratings = sqlx::query("SELECT year, rating, source FROM credit_ratings WHERE enterprise_id = $1 ORDER BY year DESC")
            .bind(enterprise_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("year")?, r.try_get("rating")?, r.try_get("source")?)))
            .collect::<Result<Vec<_>>>()?;
        let events = sqlx::query("SELECT on_date, kind, description, source FROM credit_events WHERE enterprise_id = $1 ORDER BY on_date DESC")
            .bind(enterprise_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok(CreditEvent { on_date: r.try_get("on_date")?, kind: r.try_get("kind")?, description: r.try_get("description")?, source: r.try_get("source")? }))
            .collect::<Result<Vec<_>>>()?;
        Ok(CreditRecord { ratings, events })
    }

    /// Adds credit events, all or nothing: every bad one named by index and field.
    pub async fn add_credit_events(
        &self,
        actor: &Actor,
        events: &[NewCreditEvent],
    ) -> Result<usize> {
        use domain::enterprises::CreditKind;
        let mut errs = vec![];
        let mut rows = vec![];
        for (i, e) in events.iter().enumerate() {
            let mut err = |f: &str, m: String| errs.push(FieldError::new(&format!("[{i}].{f}"), m));
            let id: Option<i64> = sqlx::query("SELECT id FROM enterprises WHERE credit_code = $1")
                .bind(e.credit_code.trim())
                .fetch_optional(self.pool())
                .await?
                .map(|r| r.try_get("id"))
                .transpose()?;
            if id.is_none() {
                err(
                    "credit_code",
                    format!("企业库中没有“{}”", e.credit_code.trim()),
                );
            }
            let date = domain::projects::parse_date(&e.date)
                .map_err(|m| err("date", m))
                .ok();
            let kind = CreditKind::parse(&e.kind);
            if kind.is_none() {
                err(
                    "kind",
                    "类别应为 honour（荣誉）、penalty（处罚）或 veto（重大安全、环境事故等）"
                        .into(),
                );
            }
            let title = e.title.trim();
            if title.is_empty() || title.chars().count() > 200 {
                err("title", "事由须为 1 到 200 个字".into());
            }
            if let (Some(id), Some(date), Some(kind)) = (id, date, kind) {
                rows.push((
                    id,
                    date,
                    kind,
                    title.to_string(),
                    e.source.trim().to_string(),
                    e.credit_code.trim(),
                ));
            }
        }
        if events.is_empty() {
            errs.push(FieldError::new("body", "没有信用事件"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        for (id, date, kind, title, source, code) in &rows {
            sqlx::query("INSERT INTO credit_events (enterprise_id, on_date, kind, description, source) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(date.to_string())
                .bind(kind.as_str())
                .bind(title)
                .bind(source)
                .execute(&mut *tx)
                .await?;
            audit::record(&mut tx, actor, "enterprise", code, "credit_event", None,
                Some(&serde_json::json!({"date": date.to_string(), "kind": kind.as_str(), "title": title, "source": source}))).await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }
}
