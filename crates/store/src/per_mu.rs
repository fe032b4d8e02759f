//! The per-mu evaluation (亩均效益综合评价): annual data with what the
//! monthly statistics prefill, evaluations per data year, their results
//! (one row per enterprise in scope, filtered and paged here), adjustments
//! and objections. Reads here; writes, and the computation that gathers a
//! year's subjects for `domain::per_mu::evaluate`, in `per_mu/write.rs`.

pub mod write;

use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::per_mu::data::{Source, effective};
use domain::per_mu::rules::{Class, OutOfScope};
use domain::per_mu::{Benchmarks, Data, Evaluated, Field, GroupKind, Prefill, Settings, Status};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A stored evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct PerMuEvaluation {
    pub id: i64,
    pub year: i32,
    pub status: Status,
    pub settings: Settings,
    pub benchmarks: Option<Benchmarks>,
    pub out_of_scope: Vec<OutOfScope>,
    pub computed_at: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub notice_ends_on: Option<NaiveDate>,
    pub finalized_on: Option<NaiveDate>,
    pub bulletin_id: Option<i64>,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
}

/// One enterprise's annual data: entered, prefilled, and what is used.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualData {
    pub credit_code: String,
    pub name: String,
    pub year: i32,
    pub entered: Data,
    pub prefill: Data,
    pub used: Data,
    pub sources: Vec<(Field, Source)>,
    /// Months of statistics reported in the year.
    pub months: i64,
}

/// Which results a list shows.
#[derive(Debug, Clone, Default)]
pub struct ResultFilter {
    pub group: Option<GroupKind>,
    pub class: Option<Class>,
    pub township: Option<String>,
    /// GB/T 4754 code prefix.
    pub industry: Option<String>,
    /// Name or credit code contains.
    pub q: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// Class counts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClassCounts {
    /// (group, class, count).
    pub by_group: Vec<(GroupKind, Class, i64)>,
    /// (township code, township name, class, count).
    pub by_township: Vec<(String, String, Class, i64)>,
}

/// An objection lodged during the 公示.
#[derive(Debug, Clone, Serialize)]
pub struct PerMuObjection {
    pub id: i64,
    pub credit_code: String,
    pub name: String,
    pub reason: String,
    pub filename: Option<String>,
    pub lodged_by: String,
    pub lodged_at: String,
    /// open, corrected or rejected.
    pub status: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
}

impl PerMuObjection {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "corrected" => "已更正并重新计算",
            "rejected" => "不予采纳",
            _ => "待处理",
        }
    }
}

/// A class of an enterprise in a final evaluation (its class history).
#[derive(Debug, Clone, Serialize)]
pub struct ClassOfYear {
    pub evaluation_id: i64,
    pub year: i32,
    pub group: GroupKind,
    pub class: Class,
    pub rank: Option<i64>,
    pub total: Option<i64>,
    pub status: Status,
}

const EVAL_COLUMNS: &str = "id, year, status, settings_json, benchmarks_json, out_of_scope_json, computed_at, \
     published_on, notice_ends_on, finalized_on, bulletin_id, version, created_by, created_at";

fn date(r: &AnyRow, c: &str) -> Result<Option<NaiveDate>> {
    Ok(r.try_get::<Option<String>, _>(c)?
        .and_then(|s| s.parse().ok()))
}

fn broken(what: &str, e: serde_json::Error) -> StoreError {
    StoreError::Conflict(format!("亩均评价的{what}已损坏：{e}"))
}

fn eval_from_row(r: &AnyRow) -> Result<PerMuEvaluation> {
    let settings = serde_json::from_str(&r.try_get::<String, _>("settings_json")?)
        .map_err(|e| broken("设置", e))?;
    let benchmarks = match r.try_get::<Option<String>, _>("benchmarks_json")? {
        Some(s) => Some(serde_json::from_str(&s).map_err(|e| broken("基准值", e))?),
        None => None,
    };
    let out_of_scope = match r.try_get::<Option<String>, _>("out_of_scope_json")? {
        Some(s) => serde_json::from_str(&s).map_err(|e| broken("范围外名单", e))?,
        None => vec![],
    };
    Ok(PerMuEvaluation {
        id: r.try_get("id")?,
        year: r.try_get::<i64, _>("year")? as i32,
        status: Status::parse(&r.try_get::<String, _>("status")?).unwrap_or(Status::Draft),
        settings,
        benchmarks,
        out_of_scope,
        computed_at: r.try_get("computed_at")?,
        published_on: date(r, "published_on")?,
        notice_ends_on: date(r, "notice_ends_on")?,
        finalized_on: date(r, "finalized_on")?,
        bulletin_id: r.try_get("bulletin_id")?,
        version: r.try_get("version")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

pub(crate) fn data_from_row(r: &AnyRow, prefix: &str) -> Result<Data> {
    let mut d = Data::default();
    for f in Field::ALL {
        d.set(
            f,
            r.try_get::<Option<i64>, _>(format!("{prefix}{}", f.key()).as_str())?,
        );
    }
    Ok(d)
}

/// The SQL of the year's monthly sums of one enterprise `e` (bind $1 = "YYYY-01", $2 = "YYYY-12").
pub(crate) const PREFILL_COLUMNS: &str = "(SELECT COUNT(*) FROM enterprise_stats s WHERE s.enterprise_id = e.id AND s.period BETWEEN $1 AND $2) AS m_count, \
     (SELECT CAST(SUM(tax_yuan) AS BIGINT) FROM enterprise_stats s WHERE s.enterprise_id = e.id AND s.period BETWEEN $1 AND $2) AS m_tax, \
     (SELECT CAST(SUM(electricity_kwh) AS BIGINT) FROM enterprise_stats s WHERE s.enterprise_id = e.id AND s.period BETWEEN $1 AND $2) AS m_electricity, \
     (SELECT CAST(SUM(energy_kgce) AS BIGINT) FROM enterprise_stats s WHERE s.enterprise_id = e.id AND s.period BETWEEN $1 AND $2) AS m_energy, \
     (SELECT CAST(SUM(employees) AS BIGINT) FROM enterprise_stats s WHERE s.enterprise_id = e.id AND s.period BETWEEN $1 AND $2) AS m_employees, \
     (SELECT land_millimu FROM enterprise_stats s WHERE s.enterprise_id = e.id AND s.period BETWEEN $1 AND $2 ORDER BY s.period DESC LIMIT 1) AS m_land";

/// The prefill of a row read with `PREFILL_COLUMNS`.
pub(crate) fn prefill_from_row(r: &AnyRow) -> Result<(Prefill, i64)> {
    let n: i64 = r.try_get("m_count")?;
    let sum = |c: &str| -> Result<i64> { Ok(r.try_get::<Option<i64>, _>(c)?.unwrap_or(0)) };
    Ok((
        Prefill::from_totals(
            n,
            sum("m_tax")?,
            sum("m_electricity")?,
            sum("m_energy")?,
            sum("m_employees")?,
            sum("m_land")?,
        ),
        n,
    ))
}

pub(crate) fn months_of(year: i32) -> (String, String) {
    (format!("{year:04}-01"), format!("{year:04}-12"))
}

impl Store {
    /// One evaluation.
    pub async fn per_mu_evaluation(&self, id: i64) -> Result<Option<PerMuEvaluation>> {
        let sql = format!("SELECT {EVAL_COLUMNS} FROM per_mu_evaluations WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(eval_from_row).transpose()
    }

    /// One evaluation, or "not found" naming it.
    pub async fn per_mu_evaluation_or_missing(&self, id: i64) -> Result<PerMuEvaluation> {
        self.per_mu_evaluation(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("编号为 {id} 的亩均效益评价")))
    }

    /// Every evaluation, newest data year first.
    pub async fn per_mu_evaluations(&self) -> Result<Vec<PerMuEvaluation>> {
        let sql = format!("SELECT {EVAL_COLUMNS} FROM per_mu_evaluations ORDER BY year DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(eval_from_row).collect()
    }

    /// An enterprise's annual data for a year, with what the statistics give.
    pub async fn per_mu_data(&self, credit_code: &str, year: i32) -> Result<Option<AnnualData>> {
        let (from, to) = months_of(year);
        let cols: Vec<String> = Field::ALL
            .iter()
            .map(|f| format!("d.{0} AS d_{0}", f.key()))
            .collect();
        let sql = format!(
            "SELECT e.credit_code, e.name, {}, {PREFILL_COLUMNS} FROM enterprises e \
             LEFT JOIN per_mu_data d ON d.enterprise_id = e.id AND d.year = $3 WHERE e.credit_code = $4",
            cols.join(", ")
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&from)
            .bind(&to)
            .bind(year as i64)
            .bind(credit_code)
            .fetch_optional(self.pool())
            .await?;
        let Some(r) = row else { return Ok(None) };
        let entered = data_from_row(&r, "d_")?;
        let (prefill, months) = prefill_from_row(&r)?;
        let (used, sources) = effective(&entered, &prefill);
        Ok(Some(AnnualData {
            credit_code: r.try_get("credit_code")?,
            name: r.try_get("name")?,
            year,
            entered,
            prefill: prefill.0,
            used,
            sources,
            months,
        }))
    }

    /// The annual data of a year for the enterprises whose name or credit
    /// code contains `q`, by credit code, paged; and how many match.
    pub async fn per_mu_data_list(
        &self,
        year: i32,
        q: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AnnualData>, i64)> {
        let (from, to) = months_of(year);
        let like = q.map(|q| format!("%{}%", q.trim()));
        let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM enterprises e WHERE ($1 IS NULL OR e.name LIKE $1 OR e.credit_code LIKE $1)")
            .bind(like.clone())
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let cols: Vec<String> = Field::ALL
            .iter()
            .map(|f| format!("d.{0} AS d_{0}", f.key()))
            .collect();
        let sql = format!(
            "SELECT e.credit_code, e.name, {}, {PREFILL_COLUMNS} FROM enterprises e \
             LEFT JOIN per_mu_data d ON d.enterprise_id = e.id AND d.year = $3 \
             WHERE ($4 IS NULL OR e.name LIKE $4 OR e.credit_code LIKE $4) ORDER BY e.credit_code LIMIT $5 OFFSET $6",
            cols.join(", ")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&from)
            .bind(&to)
            .bind(year as i64)
            .bind(like)
            .bind(limit.clamp(1, 5000))
            .bind(offset.max(0))
            .fetch_all(self.pool())
            .await?;
        let list = rows
            .iter()
            .map(|r| {
                let entered = data_from_row(r, "d_")?;
                let (prefill, months) = prefill_from_row(r)?;
                let (used, sources) = effective(&entered, &prefill);
                Ok(AnnualData {
                    credit_code: r.try_get("credit_code")?,
                    name: r.try_get("name")?,
                    year,
                    entered,
                    prefill: prefill.0,
                    used,
                    sources,
                    months,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((list, total))
    }

    /// The results of an evaluation matching the filter: each group in
    /// rank order (class T last), paged; and how many match.
    pub async fn per_mu_results(&self, id: i64, f: &ResultFilter) -> Result<(Vec<Evaluated>, i64)> {
        let industry = f.industry.as_ref().map(|i| format!("{}%", i.trim()));
        let q = f.q.as_ref().map(|q| format!("%{}%", q.trim()));
        let filter = "FROM per_mu_results r JOIN enterprises e ON e.id = r.enterprise_id WHERE r.evaluation_id = $1 \
             AND ($2 IS NULL OR r.grp = $2) AND ($3 IS NULL OR r.class = $3) AND ($4 IS NULL OR r.township_code = $4) \
             AND ($5 IS NULL OR r.industry_code LIKE $5) AND ($6 IS NULL OR e.name LIKE $6 OR e.credit_code LIKE $6)";
        let bind = |sql: String| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(f.group.map(GroupKind::as_str))
                .bind(f.class.map(Class::as_str))
                .bind(f.township.clone())
                .bind(industry.clone())
                .bind(q.clone())
        };
        let total: i64 = bind(format!("SELECT COUNT(*) AS n {filter}"))
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let rows = bind(format!(
            "SELECT r.detail_json {filter} ORDER BY r.grp, CASE WHEN r.rank IS NULL THEN 1 ELSE 0 END, r.rank, e.credit_code \
             LIMIT $7 OFFSET $8"
        ))
        .bind(f.limit.clamp(1, 5000))
        .bind(f.offset.max(0))
        .fetch_all(self.pool())
        .await?;
        let list = rows
            .iter()
            .map(|r| {
                serde_json::from_str(&r.try_get::<String, _>("detail_json")?)
                    .map_err(|e| broken("结果", e))
            })
            .collect::<Result<Vec<Evaluated>>>()?;
        Ok((list, total))
    }

    /// One enterprise's result in an evaluation.
    pub async fn per_mu_result(&self, id: i64, credit_code: &str) -> Result<Option<Evaluated>> {
        let row = sqlx::query(
            "SELECT r.detail_json FROM per_mu_results r JOIN enterprises e ON e.id = r.enterprise_id \
             WHERE r.evaluation_id = $1 AND e.credit_code = $2",
        )
        .bind(id)
        .bind(credit_code)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            serde_json::from_str(&r.try_get::<String, _>("detail_json")?)
                .map_err(|e| broken("结果", e))
        })
        .transpose()
    }

    /// Class counts per group and per township.
    pub async fn per_mu_counts(&self, id: i64) -> Result<ClassCounts> {
        let by_group = sqlx::query(
            "SELECT grp, class, COUNT(*) AS n FROM per_mu_results WHERE evaluation_id = $1 GROUP BY grp, class ORDER BY grp, class",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                GroupKind::parse(&r.try_get::<String, _>("grp")?).unwrap_or(GroupKind::Below),
                Class::parse(&r.try_get::<String, _>("class")?).unwrap_or(Class::T),
                r.try_get("n")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
        let by_township = sqlx::query(
            "SELECT r.township_code, u.name, r.class, COUNT(*) AS n FROM per_mu_results r \
             JOIN org_units u ON u.code = r.township_code WHERE r.evaluation_id = $1 \
             GROUP BY r.township_code, u.name, u.sort_order, r.class ORDER BY u.sort_order, r.township_code, r.class",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("township_code")?,
                r.try_get("name")?,
                Class::parse(&r.try_get::<String, _>("class")?).unwrap_or(Class::T),
                r.try_get("n")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(ClassCounts {
            by_group,
            by_township,
        })
    }

    /// The objections of an evaluation (of one enterprise, or all), oldest first.
    pub async fn per_mu_objections(
        &self,
        id: i64,
        credit_code: Option<&str>,
    ) -> Result<Vec<PerMuObjection>> {
        let rows = sqlx::query(
            "SELECT o.id, e.credit_code, e.name, o.reason, o.filename, o.lodged_by, o.lodged_at, o.status, o.answer, \
             o.answered_by, o.answered_at FROM per_mu_objections o JOIN enterprises e ON e.id = o.enterprise_id \
             WHERE o.evaluation_id = $1 AND ($2 IS NULL OR e.credit_code = $2) ORDER BY o.id",
        )
        .bind(id)
        .bind(credit_code)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PerMuObjection {
                    id: r.try_get("id")?,
                    credit_code: r.try_get("credit_code")?,
                    name: r.try_get("name")?,
                    reason: r.try_get("reason")?,
                    filename: r.try_get("filename")?,
                    lodged_by: r.try_get("lodged_by")?,
                    lodged_at: r.try_get("lodged_at")?,
                    status: r.try_get("status")?,
                    answer: r.try_get("answer")?,
                    answered_by: r.try_get("answered_by")?,
                    answered_at: r.try_get("answered_at")?,
                })
            })
            .collect()
    }

    /// An objection's attachment: (file name, content type, bytes, the enterprise's credit code).
    pub async fn per_mu_objection_file(
        &self,
        objection_id: i64,
    ) -> Result<Option<(String, String, Vec<u8>, String)>> {
        let row = sqlx::query(
            "SELECT o.filename, o.content_type, o.data, e.credit_code FROM per_mu_objections o \
             JOIN enterprises e ON e.id = o.enterprise_id WHERE o.id = $1 AND o.data IS NOT NULL",
        )
        .bind(objection_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok((
                r.try_get::<Option<String>, _>("filename")?
                    .unwrap_or_default(),
                r.try_get::<Option<String>, _>("content_type")?
                    .unwrap_or_default(),
                r.try_get::<Option<Vec<u8>>, _>("data")?.unwrap_or_default(),
                r.try_get("credit_code")?,
            ))
        })
        .transpose()
    }

    /// An enterprise's classes, newest year first (computed or final).
    pub async fn per_mu_history(&self, credit_code: &str) -> Result<Vec<ClassOfYear>> {
        let rows = sqlx::query(
            "SELECT v.id, v.year, v.status, r.grp, r.class, r.rank, r.total FROM per_mu_results r \
             JOIN per_mu_evaluations v ON v.id = r.evaluation_id JOIN enterprises e ON e.id = r.enterprise_id \
             WHERE e.credit_code = $1 ORDER BY v.year DESC",
        )
        .bind(credit_code)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ClassOfYear {
                    evaluation_id: r.try_get("id")?,
                    year: r.try_get::<i64, _>("year")? as i32,
                    status: Status::parse(&r.try_get::<String, _>("status")?)
                        .unwrap_or(Status::Draft),
                    group: GroupKind::parse(&r.try_get::<String, _>("grp")?)
                        .unwrap_or(GroupKind::Below),
                    class: Class::parse(&r.try_get::<String, _>("class")?).unwrap_or(Class::T),
                    rank: r.try_get("rank")?,
                    total: r.try_get("total")?,
                })
            })
            .collect()
    }
}
