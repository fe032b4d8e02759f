//! Province-scale data for benchmarks: hundreds of thousands of enterprises
//! and projects with millions of monthly rows, generated deterministically
//! and written with multi-row INSERTs (no per-row audit: one audit row says
//! what was generated). Every record is valid by the domain's rules.

use crate::audit::{self, Actor};
use crate::{Result, Store, StoreError, now_text};
use sqlx::Row;

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub enterprises: u32,
    /// Months of statistics per enterprise, ending December of the campaign year.
    pub months: u32,
    pub projects: u32,
    pub parcels: u32,
}

impl Scale {
    /// 200,000 enterprises × 24 months (4.8 million rows), 100,000 projects, 20,000 parcels.
    pub const PROVINCE: Scale = Scale {
        enterprises: 200_000,
        months: 24,
        projects: 100_000,
        parcels: 20_000,
    };
    /// A small version of the same shape, for tests.
    pub const SMALL: Scale = Scale {
        enterprises: 300,
        months: 24,
        projects: 200,
        parcels: 50,
    };
}

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generated {
    pub enterprises: u64,
    pub stats: u64,
    pub projects: u64,
    pub parcels: u64,
    pub progress: u64,
}

/// splitmix64: the same seed gives the same data on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
}

/// A valid unified social credit code for the n-th generated enterprise.
fn credit_code(n: u32) -> String {
    const ALPHA: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let body = format!("P{:07}", n);
    let w = [3u32, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(w)
        .map(|(c, w)| c.to_digit(36).unwrap_or(0) * w)
        .sum();
    let org = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap_or('0'),
    };
    let first17 = format!("91330300{body}{org}");
    let (mut s, mut weight) = (0u32, 1u32);
    for c in first17.bytes() {
        s += ALPHA.iter().position(|a| *a == c).unwrap_or(0) as u32 * weight;
        weight = weight * 3 % 31;
    }
    format!("{first17}{}", ALPHA[((31 - s % 31) % 31) as usize] as char)
}

const CHUNK: usize = 1000;

impl Store {
    /// Fills the database with generated data for the current campaign's year.
    /// Refused when the database already holds enterprises or projects.
    pub async fn generate_province(
        &self,
        actor: &Actor,
        scale: Scale,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<Generated> {
        let campaign = self
            .current_campaign()
            .await?
            .ok_or_else(|| StoreError::Conflict("数据库中没有活动：请先载入活动模板".into()))?;
        let busy: i64 = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM enterprises) + (SELECT COUNT(*) FROM projects) AS n",
        )
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        if busy > 0 {
            return Err(StoreError::Conflict(
                "数据库中已有企业或项目：省级规模数据只写入只有活动模板的空库".into(),
            ));
        }
        let towns: Vec<i64> = self
            .units()
            .await?
            .into_iter()
            .filter(|u| u.kind.is_territorial())
            .map(|u| u.id)
            .collect();
        let units: Vec<i64> = self
            .units()
            .await?
            .into_iter()
            .filter(|u| u.kind == domain::org::UnitKind::Department)
            .map(|u| u.id)
            .collect();
        if towns.is_empty() || units.is_empty() {
            return Err(StoreError::Conflict("活动模板中没有镇街或部门".into()));
        }
        let y = campaign.year;
        let now = now_text();
        let mut rng = Rng(0x50_524F_5649_4E43);
        let mut g = Generated::default();
        let mut tx = self.begin().await?;

        // Enterprises and their above-size years (about a fifth are above size).
        let industries = [
            "3443", "3441", "1952", "1810", "3823", "3311", "2929", "3891",
        ];
        for start in (0..scale.enterprises).step_by(CHUNK) {
            let end = (start + CHUNK as u32).min(scale.enterprises);
            let mut sql = String::from(
                "INSERT INTO enterprises (credit_code, name, former_names, township_id, industry_code, created_at, updated_at) VALUES ",
            );
            for n in start..end {
                if n > start {
                    sql.push_str(", ");
                }
                let t = towns[n as usize % towns.len()];
                let ind = industries[n as usize % industries.len()];
                sql.push_str(&format!(
                    "('{}', '生成企业{n}有限公司', '', {t}, '{ind}', '{now}', '{now}')",
                    credit_code(n)
                ));
            }
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await?;
            g.enterprises += (end - start) as u64;
            progress(&format!("企业 {}/{}", g.enterprises, scale.enterprises));
        }
        let first_id: i64 = sqlx::query("SELECT MIN(id) AS id FROM enterprises")
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        for start in (0..scale.enterprises).step_by(CHUNK) {
            let end = (start + CHUNK as u32).min(scale.enterprises);
            let mut sql = String::from(
                "INSERT INTO enterprise_years (enterprise_id, year, above_scale, tier, unit_scope) VALUES ",
            );
            let mut any = false;
            for n in start..end {
                if n % 5 != 0 {
                    continue;
                }
                if any {
                    sql.push_str(", ");
                }
                any = true;
                let id = first_id + n as i64;
                sql.push_str(&format!(
                    "({id}, {}, 1, 'none', ''), ({id}, {y}, 1, 'none', '')",
                    y - 1
                ));
            }
            if any {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut *tx)
                    .await?;
            }
        }

        // Monthly statistics: the months ending December of the campaign year.
        let months: Vec<(i32, u32)> = (0..scale.months)
            .map(|k| {
                let back = scale.months - 1 - k;
                let total = y * 12 + 11 - back as i32;
                (total.div_euclid(12), total.rem_euclid(12) as u32 + 1)
            })
            .collect();
        let mut rows = 0usize;
        let mut sql = String::new();
        for n in 0..scale.enterprises {
            let id = first_id + n as i64;
            let base = 200_000 + rng.below(5_000_000) as i64 * if n % 5 == 0 { 10 } else { 1 };
            for (yy, m) in &months {
                let growth = if *yy == y {
                    1_000 + rng.below(300) as i64
                } else {
                    1_000
                };
                let output = base * growth / 1_000;
                if rows == 0 {
                    sql = String::from(
                        "INSERT INTO enterprise_stats (enterprise_id, period, output_value_yuan, sales_value_yuan, electricity_kwh, energy_kgce, tax_yuan, employees, land_millimu, revision, updated_at, updated_by) VALUES ",
                    );
                } else {
                    sql.push_str(", ");
                }
                sql.push_str(&format!(
                    "({id}, '{yy:04}-{m:02}', {output}, {}, {}, {}, {}, 50, 0, 1, '{now}', '{}')",
                    output * 97 / 100,
                    output / 12,
                    output / 900,
                    output / 25,
                    actor.name.replace('\'', "")
                ));
                rows += 1;
                if rows == CHUNK {
                    sqlx::query(sqlx::AssertSqlSafe(std::mem::take(&mut sql)))
                        .execute(&mut *tx)
                        .await?;
                    g.stats += rows as u64;
                    rows = 0;
                    if g.stats % 200_000 == 0 {
                        progress(&format!(
                            "月度统计 {}/{}",
                            g.stats,
                            scale.enterprises as u64 * scale.months as u64
                        ));
                    }
                }
            }
        }
        if rows > 0 {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await?;
            g.stats += rows as u64;
        }

        // Projects: reserved in the year before or the campaign year, some supplied
        // land before the year, most moving on through the year.
        let d = |m: u32, day: u32, yy: i32| format!("'{yy:04}-{m:02}-{day:02}'");
        for start in (0..scale.projects).step_by(CHUNK) {
            let end = (start + CHUNK as u32).min(scale.projects);
            let mut sql = String::from(
                "INSERT INTO projects (code, name, township_id, kind, key_project, planned_investment_yuan, land_area_millimu, responsible_unit_id, \
                 reserved_on, approved_on, land_supplied_on, started_on, in_production_on, planned_completion_year, created_at, updated_at) VALUES ",
            );
            for n in start..end {
                if n > start {
                    sql.push_str(", ");
                }
                let t = towns[n as usize % towns.len()];
                let u = units[n as usize % units.len()];
                let tech = n % 4 == 0;
                let key = n % 50 == 2;
                let area = if tech {
                    0
                } else {
                    3_000 + rng.below(40_000) as i64
                };
                // Dates keep the milestones' order by construction.
                let cohort = if key { 1 } else { n % 3 }; // 0: land before the year, 1: land in the year, 2: planned to complete
                let (reserved, approved, land, start_month) = if tech {
                    let m = 1 + n % 11;
                    (d(m, 5, y), d(m, 10, y), "NULL".to_string(), m + 1)
                } else if cohort == 0 {
                    let m = 1 + n % 9;
                    (
                        d(m, 5, y - 1),
                        d(m, 10, y - 1),
                        d(11, 20, y - 1),
                        1 + n % 11,
                    )
                } else {
                    let (ry, rm) = if key {
                        (y, 1 + n % 2)
                    } else {
                        (y - 1, 1 + n % 11)
                    };
                    let lm = 3 + n % 8;
                    (d(rm, 5, ry), d(rm, 10, ry), d(lm, 15, y), lm + 1)
                };
                let started = if rng.below(100) < 70 {
                    d(start_month.min(12), 20, y)
                } else {
                    "NULL".into()
                };
                let in_production = if started != "NULL" && rng.below(100) < 30 {
                    d(12, 28, y)
                } else {
                    "NULL".into()
                };
                let year_planned = if cohort == 2 {
                    y.to_string()
                } else {
                    (y + 1).to_string()
                };
                sql.push_str(&format!(
                    "('PV{n:07}', '生成项目{n}', {t}, '{}', {}, {}, {area}, {u}, {reserved}, {approved}, {land}, {started}, {in_production}, {year_planned}, '{now}', '{now}')",
                    if tech { "tech_renovation" } else { "industrial" },
                    key as i64,
                    5_000_000 + rng.below(200_000_000) as i64,
                ));
            }
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await?;
            g.projects += (end - start) as u64;
        }
        progress(&format!("项目 {}", g.projects));
        let first_project: i64 = sqlx::query("SELECT MIN(id) AS id FROM projects")
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
        // Monthly investment: six months per project.
        for start in (0..scale.projects).step_by(CHUNK / 6) {
            let end = (start + (CHUNK / 6) as u32).min(scale.projects);
            let mut sql = String::from(
                "INSERT INTO project_progress (project_id, period, investment_yuan, note, updated_at, updated_by) VALUES ",
            );
            for n in start..end {
                for k in 0..6u32 {
                    if n > start || k > 0 {
                        sql.push_str(", ");
                    }
                    let m = 1 + (n + k * 2) % 12;
                    sql.push_str(&format!(
                        "({}, '{y:04}-{m:02}', {}, '', '{now}', '生成')",
                        first_project + n as i64,
                        100_000 + rng.below(3_000_000)
                    ));
                }
            }
            // Two of six months may coincide: keep the first figure.
            let sql = format!("{sql} ON CONFLICT (project_id, period) DO NOTHING");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await?;
        }
        g.progress = sqlx::query("SELECT COUNT(*) AS n FROM project_progress")
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>("n")? as u64;
        // Parcels: expropriated before the year, half supplied during it.
        for start in (0..scale.parcels).step_by(CHUNK) {
            let end = (start + CHUNK as u32).min(scale.parcels);
            let mut sql = String::from(
                "INSERT INTO land_parcels (code, township_id, area_millimu, expropriated_on, supplied_on, notes, created_at, updated_at) VALUES ",
            );
            for n in start..end {
                if n > start {
                    sql.push_str(", ");
                }
                let supplied = if n % 2 == 0 {
                    d(1 + n % 12, 10, y)
                } else {
                    "NULL".into()
                };
                sql.push_str(&format!(
                    "('PD{n:07}', {}, {}, {}, {supplied}, '', '{now}', '{now}')",
                    towns[n as usize % towns.len()],
                    5_000 + rng.below(80_000),
                    d(6, 1, y - 1)
                ));
            }
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await?;
            g.parcels += (end - start) as u64;
        }
        audit::record(
            &mut tx,
            actor,
            "province_demo",
            &campaign.code,
            "generate",
            None,
            Some(&serde_json::json!({"enterprises": g.enterprises, "stats": g.stats, "projects": g.projects, "parcels": g.parcels, "progress": g.progress})),
        )
        .await?;
        tx.commit().await?;
        self.changed(vec![crate::targets::Change::Everything]).await;
        Ok(g)
    }
}

#[cfg(test)]
mod tests {
    use super::credit_code;

    #[test]
    fn generated_credit_codes_are_valid() {
        for n in [0, 1, 99_999, 199_999] {
            let c = credit_code(n);
            assert!(domain::enterprises::CreditCode::parse(&c).is_ok(), "{c}");
        }
    }
}
