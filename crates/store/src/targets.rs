//! What the KPI engine reads: the facts of projects, parcels and investment.

use crate::projects::date;
use crate::{Result, Store};
use domain::enterprises::{BrandLevel, BrandStatus};
use domain::projects::{Period, ProjectKind};
use domain::targets::{
    BrandFacts, EnterpriseFacts, Facts, InvestmentFacts, ParcelFacts, ProjectFacts, StatFacts,
};
use sqlx::Row;

impl Store {
    /// The facts, loaded once and kept until the next write: reading the
    /// dashboard does not rescan the tables on every request.
    pub async fn kpi_facts_cached(&self) -> Result<std::sync::Arc<Facts>> {
        let generation = self.generation.load(std::sync::atomic::Ordering::SeqCst);
        if let Some((g, f)) = self.facts.lock().expect("facts cache").as_ref()
            && *g == generation
        {
            return Ok(f.clone());
        }
        let f = std::sync::Arc::new(self.kpi_facts().await?);
        // Keep it only if no write happened while loading.
        if self.generation.load(std::sync::atomic::Ordering::SeqCst) == generation {
            *self.facts.lock().expect("facts cache") = Some((generation, f.clone()));
        }
        Ok(f)
    }

    /// Loads the facts the target formulas need, in three queries.
    pub async fn kpi_facts(&self) -> Result<Facts> {
        let projects = sqlx::query(
            "SELECT p.id, p.kind, p.key_project, p.land_area_millimu, p.reserved_on, p.approved_on, p.land_supplied_on, p.started_on, \
             p.in_production_on, p.planned_completion_year, t.code AS township, u.code AS unit \
             FROM projects p JOIN org_units t ON t.id = p.township_id LEFT JOIN org_units u ON u.id = p.responsible_unit_id",
        )
        .fetch_all(self.pool())
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
                planned_completion_year: r.try_get::<Option<i64>, _>("planned_completion_year")?.map(|y| y as i32),
                township: r.try_get("township")?,
                unit: r.try_get::<Option<String>, _>("unit")?.unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let parcels =
            sqlx::query("SELECT l.id, l.area_millimu, l.expropriated_on, l.supplied_on, t.code AS township FROM land_parcels l JOIN org_units t ON t.id = l.township_id")
                .fetch_all(self.pool())
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
                .collect::<Result<Vec<_>>>()?;
        let investments =
            sqlx::query("SELECT project_id, period, investment_yuan FROM project_progress")
                .fetch_all(self.pool())
                .await?
                .iter()
                .filter_map(|r| {
                    let period: String = r.try_get("period").ok()?;
                    Some(Ok(InvestmentFacts {
                        project_id: r.try_get("project_id").ok()?,
                        period: Period::parse(&period).ok()?,
                        yuan: r.try_get("investment_yuan").ok()?,
                    }))
                })
                .collect::<Result<Vec<_>>>()?;
        let mut enterprises: std::collections::BTreeMap<i64, EnterpriseFacts> =
            sqlx::query("SELECT e.id, t.code AS township FROM enterprises e JOIN org_units t ON t.id = e.township_id")
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
        for r in
            sqlx::query("SELECT enterprise_id, year FROM enterprise_years WHERE above_scale = 1")
                .fetch_all(self.pool())
                .await?
        {
            if let Some(e) = enterprises.get_mut(&r.try_get::<i64, _>("enterprise_id")?) {
                e.above_scale_years
                    .push(r.try_get::<i64, _>("year")? as i32);
            }
        }
        let stats = sqlx::query("SELECT enterprise_id, period, output_value_yuan, sales_value_yuan FROM enterprise_stats")
            .fetch_all(self.pool())
            .await?
            .iter()
            .filter_map(|r| {
                let period: String = r.try_get("period").ok()?;
                Some(StatFacts {
                    enterprise_id: r.try_get("enterprise_id").ok()?,
                    period: Period::parse(&period).ok()?,
                    output_value_yuan: r.try_get("output_value_yuan").ok()?,
                    sales_value_yuan: r.try_get("sales_value_yuan").ok()?,
                })
            })
            .collect();
        let brands = sqlx::query("SELECT id, level, status, granted_on FROM brands")
            .fetch_all(self.pool())
            .await?
            .iter()
            .filter_map(|r| {
                Some(BrandFacts {
                    id: r.try_get("id").ok()?,
                    level: BrandLevel::parse(&r.try_get::<String, _>("level").ok()?)?,
                    status: BrandStatus::parse(&r.try_get::<String, _>("status").ok()?)?,
                    granted_on: date(r.try_get("granted_on").ok()?),
                })
            })
            .collect();
        Ok(Facts {
            projects,
            parcels,
            investments,
            enterprises: enterprises.into_values().collect(),
            stats,
            brands,
            folded: Default::default(),
        })
    }
}
