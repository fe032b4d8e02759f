//! What the KPI engine reads: the facts of projects, parcels and investment.

use crate::StoreError;
use crate::projects::date;
use crate::{Result, Store};
use domain::campaign::Formula;
use domain::enterprises::{BrandLevel, BrandStatus};
use domain::projects::{Period, ProjectKind};
use domain::targets::fast::Aggregates;
use domain::targets::live::MonthFigures;
use domain::targets::{
    BrandFacts, EnterpriseFacts, Facts, InvestmentFacts, ParcelFacts, ProjectFacts, StatFacts,
};
use sqlx::Row;
use std::sync::Arc;
use std::sync::atomic::Ordering::SeqCst;

/// The facts kept in memory and the aggregates built from them.
#[derive(Default)]
pub(crate) struct KpiCache {
    /// Serialises loading the facts and applying writes to them.
    gate: tokio::sync::Mutex<()>,
    state: std::sync::Mutex<KpiState>,
    /// The `data_version` the facts in memory reflect; -1 before any load.
    /// Every write the targets read increases the row by one; a row that
    /// moved by more than this process's own writes means another process
    /// (the CLI import, a second server) wrote, and the facts are reloaded.
    seen_version: std::sync::atomic::AtomicI64,
    /// When the row was last read (milliseconds since the Unix epoch).
    checked_at_ms: std::sync::atomic::AtomicI64,
}

/// How often a reader looks at the `data_version` row: writes of another
/// process show within this time.
const FOLLOW_EVERY_MS: i64 = 300;

impl std::fmt::Debug for KpiCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KpiCache")
    }
}

#[derive(Default)]
struct KpiState {
    facts: Option<Arc<Facts>>,
    /// Built lazily per campaign year and set of formulas, for `facts`.
    aggregates: Vec<(i32, Vec<Formula>, Arc<Aggregates>)>,
}

/// What a write changed, for the facts kept in memory.
#[derive(Debug, Clone)]
pub(crate) enum Change {
    /// Every enterprise's statistics of these months.
    StatsPeriods(Vec<String>),
    /// The statistics of one month of a few enterprises (by id).
    StatsOf(String, Vec<i64>),
    /// Enterprises by credit code.
    Enterprises(Vec<String>),
    /// Projects (with their monthly investment) by code.
    Projects(Vec<String>),
    /// Land parcels by code.
    Parcels(Vec<String>),
    Brands,
    /// Too much to follow: reload everything on the next read.
    Everything,
}

/// A change read back from the database, ready to apply in memory.
enum Delta {
    Stats(Period, Vec<MonthFigures>),
    StatsOf(Period, Vec<i64>, Vec<MonthFigures>),
    Enterprises(Vec<EnterpriseFacts>),
    Projects(Vec<ProjectFacts>, Vec<InvestmentFacts>),
    Parcels(Vec<ParcelFacts>),
    Brands(Vec<BrandFacts>),
}

/// `$1, $2, …` for an IN list of `n` bound keys.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

const KEYS_PER_QUERY: usize = 500;

impl Store {
    /// The facts, loaded once and then kept up to date by every write
    /// (`changed`): reading the dashboard does not rescan the tables, and a
    /// write costs a re-read of only what it touched.
    pub async fn kpi_facts_cached(&self) -> Result<Arc<Facts>> {
        self.follow_other_writers().await?;
        if let Some(f) = self.kpi.state.lock().expect("kpi state").facts.clone() {
            return Ok(f);
        }
        let _gate = self.kpi.gate.lock().await;
        self.facts_under_gate().await
    }

    /// The facts, loading them if needed; the caller holds the gate.
    async fn facts_under_gate(&self) -> Result<Arc<Facts>> {
        if let Some(f) = self.kpi.state.lock().expect("kpi state").facts.clone() {
            return Ok(f);
        }
        // Read before the facts: a write made during the load moves the row
        // past it and the next read loads again.
        let version = self.data_version().await?;
        let mut f = self.kpi_facts().await?;
        let f = tokio::task::spawn_blocking(move || {
            f.fold_and_drop_rows();
            Arc::new(f)
        })
        .await
        .map_err(|e| StoreError::Conflict(format!("汇总统计失败：{e}")))?;
        let mut st = self.kpi.state.lock().expect("kpi state");
        st.facts = Some(f.clone());
        st.aggregates.clear();
        self.kpi.seen_version.store(version, SeqCst);
        Ok(f)
    }

    async fn data_version(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT version FROM data_version WHERE id = 1")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Drops what is kept in memory when another process wrote since it was
    /// loaded. Reads the `data_version` row at most every `FOLLOW_EVERY_MS`.
    pub async fn follow_other_writers(&self) -> Result<()> {
        let now = chrono::Utc::now().timestamp_millis();
        let last = self.kpi.checked_at_ms.load(SeqCst);
        if now - last < FOLLOW_EVERY_MS
            || self
                .kpi
                .checked_at_ms
                .compare_exchange(last, now, SeqCst, SeqCst)
                .is_err()
        {
            return Ok(());
        }
        let version = self.data_version().await?;
        if version == self.kpi.seen_version.load(SeqCst) {
            return Ok(());
        }
        let _gate = self.kpi.gate.lock().await;
        if version != self.kpi.seen_version.load(SeqCst) {
            let mut st = self.kpi.state.lock().expect("kpi state");
            if st.facts.take().is_some() {
                tracing::info!("其他进程写入了数据（版本 {version}），重新载入指标数据");
            }
            st.aggregates.clear();
            drop(st);
            self.touched();
        }
        Ok(())
    }

    /// Counts this process's own write in the `data_version` row (the caller
    /// holds the gate). When the row moved by more than one, another process
    /// wrote too: what is kept is dropped and loaded again on the next read.
    async fn count_own_write(&self) {
        let bumped: Result<i64> = sqlx::query_scalar(
            "UPDATE data_version SET version = version + 1 WHERE id = 1 RETURNING version",
        )
        .fetch_one(self.pool())
        .await
        .map_err(Into::into);
        let seen = self.kpi.seen_version.load(SeqCst);
        match bumped {
            Ok(v) if v == seen + 1 => self.kpi.seen_version.store(v, SeqCst),
            _ => {
                let mut st = self.kpi.state.lock().expect("kpi state");
                st.facts = None;
                st.aggregates.clear();
                self.kpi.seen_version.store(-1, SeqCst);
            }
        }
    }

    fn aggregates_kept(&self, year: i32, formulas: &[Formula]) -> Option<Arc<Aggregates>> {
        self.kpi
            .state
            .lock()
            .expect("kpi state")
            .aggregates
            .iter()
            .find(|(y, f, _)| *y == year && f.as_slice() == formulas)
            .map(|(_, _, a)| a.clone())
    }

    /// The dashboard's aggregates for campaign `year` and its `formulas`,
    /// built once per version of the facts, off the async threads. One
    /// request builds them while the others wait for it (after a write, 32
    /// clients must not each build the same aggregates).
    pub async fn kpi_aggregates(&self, year: i32, formulas: &[Formula]) -> Result<Arc<Aggregates>> {
        self.follow_other_writers().await?;
        if let Some(a) = self.aggregates_kept(year, formulas) {
            return Ok(a);
        }
        let _gate = self.kpi.gate.lock().await;
        if let Some(a) = self.aggregates_kept(year, formulas) {
            return Ok(a);
        }
        let facts = self.facts_under_gate().await?;
        let fs = formulas.to_vec();
        let a = tokio::task::spawn_blocking(move || Arc::new(Aggregates::build(&facts, year, &fs)))
            .await
            .map_err(|e| StoreError::Conflict(format!("汇总失败：{e}")))?;
        // The gate is held: the facts are those the aggregates came from.
        self.kpi.state.lock().expect("kpi state").aggregates.push((
            year,
            formulas.to_vec(),
            a.clone(),
        ));
        Ok(a)
    }

    /// Applies a committed write to the facts kept in memory (re-reading the
    /// records it touched), then marks the facts as changed. On any error the
    /// kept facts are dropped and the next read loads them again.
    pub(crate) async fn changed(&self, changes: Vec<Change>) {
        let _gate = self.kpi.gate.lock().await;
        if changes.is_empty() || self.kpi.state.lock().expect("kpi state").facts.is_none() {
            // Nothing the facts hold changed (e.g. a target's value, a file
            // sent again), or nothing is kept yet.
            self.count_own_write().await;
            self.touched();
            return;
        }
        let deltas = if changes.iter().any(|c| matches!(c, Change::Everything)) {
            Err(None)
        } else {
            self.read_deltas(&changes).await.map_err(Some)
        };
        let old = {
            let mut st = self.kpi.state.lock().expect("kpi state");
            st.aggregates.clear();
            st.facts.take()
        };
        match (deltas, old) {
            (Ok(deltas), Some(old)) => {
                let new = tokio::task::spawn_blocking(move || {
                    let mut f = Arc::try_unwrap(old).unwrap_or_else(|shared| (*shared).clone());
                    for d in deltas {
                        match d {
                            Delta::Stats(p, rows) => f.set_stats_month(p, &rows),
                            Delta::StatsOf(p, ids, rows) => f.set_stats_of(p, &ids, &rows),
                            Delta::Enterprises(v) => f.upsert_enterprises(v),
                            Delta::Projects(p, i) => f.upsert_projects(p, i),
                            Delta::Parcels(v) => f.upsert_parcels(v),
                            Delta::Brands(v) => f.set_brands(v),
                        }
                    }
                    Arc::new(f)
                })
                .await;
                if let Ok(new) = new {
                    self.kpi.state.lock().expect("kpi state").facts = Some(new);
                }
            }
            (Err(Some(e)), _) => {
                tracing::warn!("重新读取写入的数据失败，下次读取时全部重新载入：{e}");
            }
            _ => {}
        }
        self.count_own_write().await;
        self.touched();
    }

    async fn read_deltas(&self, changes: &[Change]) -> Result<Vec<Delta>> {
        let mut out = Vec::new();
        for c in changes {
            match c {
                Change::StatsPeriods(periods) => {
                    for p in periods {
                        let period = Period::parse(p).map_err(StoreError::Conflict)?;
                        let rows = sqlx::query(
                            "SELECT enterprise_id, output_value_yuan, sales_value_yuan FROM enterprise_stats WHERE period = $1",
                        )
                        .bind(p)
                        .fetch_all(self.pool())
                        .await?
                        .iter()
                        .map(|r| {
                            Ok(MonthFigures {
                                enterprise_id: r.try_get("enterprise_id")?,
                                output_value_yuan: r.try_get("output_value_yuan")?,
                                sales_value_yuan: r.try_get("sales_value_yuan")?,
                            })
                        })
                        .collect::<Result<Vec<_>>>()?;
                        out.push(Delta::Stats(period, rows));
                    }
                }
                Change::StatsOf(p, ids) => {
                    let period = Period::parse(p).map_err(StoreError::Conflict)?;
                    let mut rows = Vec::new();
                    for chunk in ids.chunks(KEYS_PER_QUERY) {
                        // Ids are numbers read from the database.
                        let list = chunk
                            .iter()
                            .map(|i| i.to_string())
                            .collect::<Vec<_>>()
                            .join(", ");
                        let sql = format!(
                            "SELECT enterprise_id, output_value_yuan, sales_value_yuan FROM enterprise_stats \
                             WHERE period = $1 AND enterprise_id IN ({list})"
                        );
                        for r in sqlx::query(sqlx::AssertSqlSafe(sql))
                            .bind(p)
                            .fetch_all(self.pool())
                            .await?
                        {
                            rows.push(MonthFigures {
                                enterprise_id: r.try_get("enterprise_id")?,
                                output_value_yuan: r.try_get("output_value_yuan")?,
                                sales_value_yuan: r.try_get("sales_value_yuan")?,
                            });
                        }
                    }
                    out.push(Delta::StatsOf(period, ids.clone(), rows));
                }
                Change::Enterprises(codes) => {
                    let mut v = Vec::new();
                    for chunk in codes.chunks(KEYS_PER_QUERY) {
                        v.extend(
                            self.load_enterprises(
                                &format!("WHERE e.credit_code IN ({})", placeholders(chunk.len())),
                                chunk,
                            )
                            .await?,
                        );
                    }
                    out.push(Delta::Enterprises(v));
                }
                Change::Projects(codes) => {
                    let (mut p, mut i) = (Vec::new(), Vec::new());
                    for chunk in codes.chunks(KEYS_PER_QUERY) {
                        let projects = self
                            .load_projects(
                                &format!("WHERE p.code IN ({})", placeholders(chunk.len())),
                                chunk,
                            )
                            .await?;
                        let ids = projects
                            .iter()
                            .map(|p| p.id.to_string())
                            .collect::<Vec<_>>()
                            .join(", ");
                        if !ids.is_empty() {
                            i.extend(
                                self.load_investments(&format!("WHERE project_id IN ({ids})"))
                                    .await?,
                            );
                        }
                        p.extend(projects);
                    }
                    out.push(Delta::Projects(p, i));
                }
                Change::Parcels(codes) => {
                    let mut v = Vec::new();
                    for chunk in codes.chunks(KEYS_PER_QUERY) {
                        v.extend(
                            self.load_parcels(
                                &format!("WHERE l.code IN ({})", placeholders(chunk.len())),
                                chunk,
                            )
                            .await?,
                        );
                    }
                    out.push(Delta::Parcels(v));
                }
                Change::Brands => out.push(Delta::Brands(self.load_brands().await?)),
                Change::Everything => {}
            }
        }
        Ok(out)
    }

    /// Loads every fact the target formulas need.
    pub async fn kpi_facts(&self) -> Result<Facts> {
        Ok(Facts {
            projects: self.load_projects("", &[]).await?,
            parcels: self.load_parcels("", &[]).await?,
            investments: self.load_investments("").await?,
            enterprises: self.load_enterprises("", &[]).await?,
            stats: self.load_stats().await?,
            brands: self.load_brands().await?,
            folded: Default::default(),
        })
    }

    async fn load_projects(&self, filter: &str, keys: &[String]) -> Result<Vec<ProjectFacts>> {
        let sql = format!(
            "SELECT p.id, p.kind, p.key_project, p.land_area_millimu, p.reserved_on, p.approved_on, p.land_supplied_on, p.started_on, \
             p.in_production_on, p.planned_completion_year, t.code AS township, u.code AS unit \
             FROM projects p JOIN org_units t ON t.id = p.township_id LEFT JOIN org_units u ON u.id = p.responsible_unit_id {filter}"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for k in keys {
            q = q.bind(k.as_str());
        }
        q.fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(ProjectFacts {
                    id: r.try_get("id")?,
                    kind: ProjectKind::parse(&r.try_get::<String, _>("kind")?),
                    key_project: r.try_get::<i64, _>("key_project")? != 0,
                    land_area_millimu: r.try_get("land_area_millimu")?,
                    reserved_on: date(r.try_get("reserved_on")?),
                    approved_on: date(r.try_get("approved_on")?),
                    land_supplied_on: date(r.try_get("land_supplied_on")?),
                    started_on: date(r.try_get("started_on")?),
                    in_production_on: date(r.try_get("in_production_on")?),
                    planned_completion_year: r
                        .try_get::<Option<i64>, _>("planned_completion_year")?
                        .map(|y| y as i32),
                    township: r.try_get("township")?,
                    unit: r.try_get::<Option<String>, _>("unit")?.unwrap_or_default(),
                })
            })
            .collect()
    }

    async fn load_parcels(&self, filter: &str, keys: &[String]) -> Result<Vec<ParcelFacts>> {
        let sql = format!(
            "SELECT l.id, l.area_millimu, l.expropriated_on, l.supplied_on, t.code AS township \
             FROM land_parcels l JOIN org_units t ON t.id = l.township_id {filter}"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for k in keys {
            q = q.bind(k.as_str());
        }
        q.fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(ParcelFacts {
                    id: r.try_get("id")?,
                    area_millimu: r.try_get("area_millimu")?,
                    expropriated_on: date(r.try_get("expropriated_on")?),
                    supplied_on: date(r.try_get("supplied_on")?),
                    township: r.try_get("township")?,
                })
            })
            .collect()
    }

    /// `filter` holds only numbers (project ids) written by this module.
    async fn load_investments(&self, filter: &str) -> Result<Vec<InvestmentFacts>> {
        let sql =
            format!("SELECT project_id, period, investment_yuan FROM project_progress {filter}");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(InvestmentFacts {
                    project_id: r.try_get("project_id")?,
                    period: period_of(r)?,
                    yuan: r.try_get("investment_yuan")?,
                })
            })
            .collect()
    }

    /// Enterprises sorted by id, with their above-size years.
    async fn load_enterprises(
        &self,
        filter: &str,
        keys: &[String],
    ) -> Result<Vec<EnterpriseFacts>> {
        let sql = format!(
            "SELECT e.id, t.code AS township FROM enterprises e JOIN org_units t ON t.id = e.township_id {filter}"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for k in keys {
            q = q.bind(k.as_str());
        }
        let mut enterprises: std::collections::BTreeMap<i64, EnterpriseFacts> = q
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    EnterpriseFacts {
                        id: r.try_get("id")?,
                        above_scale_years: vec![],
                        township: r.try_get("township")?,
                    },
                ))
            })
            .collect::<Result<_>>()?;
        let years = if filter.is_empty() {
            "SELECT enterprise_id, year FROM enterprise_years WHERE above_scale = 1".to_string()
        } else {
            // Only ids read above (numbers).
            let ids = enterprises
                .keys()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            if ids.is_empty() {
                return Ok(vec![]);
            }
            format!(
                "SELECT enterprise_id, year FROM enterprise_years WHERE above_scale = 1 AND enterprise_id IN ({ids})"
            )
        };
        for r in sqlx::query(sqlx::AssertSqlSafe(years))
            .fetch_all(self.pool())
            .await?
        {
            if let Some(e) = enterprises.get_mut(&r.try_get::<i64, _>("enterprise_id")?) {
                e.above_scale_years
                    .push(r.try_get::<i64, _>("year")? as i32);
            }
        }
        Ok(enterprises.into_values().collect())
    }

    async fn load_stats(&self) -> Result<Vec<StatFacts>> {
        sqlx::query(
            "SELECT enterprise_id, period, output_value_yuan, sales_value_yuan FROM enterprise_stats",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(StatFacts {
                enterprise_id: r.try_get("enterprise_id")?,
                period: period_of(r)?,
                output_value_yuan: r.try_get("output_value_yuan")?,
                sales_value_yuan: r.try_get("sales_value_yuan")?,
            })
        })
        .collect()
    }

    async fn load_brands(&self) -> Result<Vec<BrandFacts>> {
        sqlx::query("SELECT id, level, status, granted_on FROM brands")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                let (level, status): (String, String) = (r.try_get("level")?, r.try_get("status")?);
                Ok(BrandFacts {
                    id: r.try_get("id")?,
                    level: BrandLevel::parse(&level).ok_or_else(|| {
                        StoreError::Conflict(format!("品牌记录的级别“{level}”无法识别"))
                    })?,
                    status: BrandStatus::parse(&status).ok_or_else(|| {
                        StoreError::Conflict(format!("品牌记录的状态“{status}”无法识别"))
                    })?,
                    granted_on: date(r.try_get("granted_on")?),
                })
            })
            .collect()
    }
}

/// A row's `period` (YYYY-MM); a bad one is an error, never a row left out
/// (a figure silently smaller would be worse than no figure).
fn period_of(r: &sqlx::any::AnyRow) -> Result<Period> {
    let p: String = r.try_get("period")?;
    Period::parse(&p).map_err(|e| StoreError::Conflict(format!("月份“{p}”无法识别：{e}")))
}
