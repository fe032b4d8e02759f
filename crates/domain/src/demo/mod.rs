//! The demo data: the 2006 Longwan pipeline of industrial projects, land
//! parcels and monthly investment, generated deterministically (a fixed-seed
//! splitmix64, no clock, no OS randomness) so every as-of date of 2006 tells a
//! story on the dashboard.
//!
//! The cohorts match the document exactly at 2006-01-01: 123 projects with
//! 1455.739 mu supplied before 2006 and not started (8a), 1550 mu expropriated
//! and not supplied (8b), 50 projects planned to complete in 2006 (8d). Through
//! 2006: slow in January-February around the Spring Festival, faster from
//! March; some targets lag time progress at mid-year; a few projects are
//! suspended or cancelled, inside the cohorts too.
//!
//! Groups (codes "LW<year>-nnn" for industrial projects by reserve year,
//! "JG<year>-nnn" for renovations by approval year, "DK<year>-nnn" for parcels
//! by expropriation year):
//! - 8a cohort: 123 projects, land 2003-2005; 111 start in 2006.
//! - 8b/8c: 72 parcels (1550 mu) expropriated before 2006; 64 supplied in 2006
//!   (1364 mu) to 64 projects, 4 more projects on land expropriated in 2006.
//! - 8d: 50 projects (8 renovations) started 2004-2005, planned for 2006.
//! - 35 projects building since 2004-2005, planned for 2007-2008.
//! - The reserve: 12 key projects reserved in 2006, 14 others (one cancelled),
//!   6 from 2005.
//! - 55 technical renovations approved in 2006.

mod build;
mod cohorts;
pub mod enterprises;
pub mod evaluation;
mod names;
pub mod per_mu;
mod pipeline;
pub mod power;
mod progress;
pub mod requests;
mod rng;
#[cfg(test)]
mod tests;

use crate::land::Parcel;
use crate::projects::{Milestone, Period, Project};
use crate::targets::{Facts, InvestmentFacts, ParcelFacts, ProjectFacts};
use std::collections::HashMap;

/// The seed of the demo; change it and every figure moves.
const SEED: u64 = 0x4C57_2006_0427;

/// The 2006 Longwan demo pipeline, generated deterministically (no randomness
/// from the OS: a small fixed-seed PRNG, splitmix64).
#[derive(Debug, Clone, PartialEq)]
pub struct DemoData {
    pub projects: Vec<Project>,
    pub parcels: Vec<Parcel>,
    /// (project code, month, investment completed that month in whole yuan, progress note)
    pub progress: Vec<(String, Period, i64, String)>,
}

/// Generates the demo: a few hundred projects, about a hundred parcels and
/// their monthly investment for 2005-2006, sorted by code (progress by month,
/// then code). Every actual date is on or before 2006-12-31.
pub fn longwan_2006() -> DemoData {
    let mut b = build::Builder::new(SEED);
    b.cohort_2005_land();
    b.supplied_2006();
    b.planned_2006();
    b.under_construction(35);
    b.reserve_2006();
    b.tech_renovation_2006();
    b.finish();
    let progress = progress::monthly(&b.projects, &mut b.rng);
    DemoData {
        projects: b.projects,
        parcels: b.parcels,
        progress,
    }
}

impl DemoData {
    /// The engine's view of the demo: project and parcel ids are their
    /// 1-based positions in `projects` and `parcels`.
    pub fn facts(&self) -> Facts {
        let ids: HashMap<&str, i64> = self
            .projects
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.as_str(), i as i64 + 1))
            .collect();
        Facts {
            projects: self
                .projects
                .iter()
                .enumerate()
                .map(|(i, p)| ProjectFacts {
                    id: i as i64 + 1,
                    kind: Some(p.kind),
                    key_project: p.key_project,
                    land_area_millimu: p.land_area_millimu,
                    reserved_on: p.dates.actual(Milestone::Reserved),
                    approved_on: p.dates.actual(Milestone::Approved),
                    land_supplied_on: p.dates.actual(Milestone::LandSupplied),
                    started_on: p.dates.actual(Milestone::Started),
                    in_production_on: p.dates.actual(Milestone::InProduction),
                    planned_completion_year: p.planned_completion_year,
                    township: p.township_code.clone(),
                    unit: p.responsible_unit_code.clone(),
                })
                .collect(),
            parcels: self
                .parcels
                .iter()
                .enumerate()
                .map(|(i, p)| ParcelFacts {
                    id: i as i64 + 1,
                    area_millimu: p.area_millimu,
                    expropriated_on: p.expropriated_on,
                    supplied_on: p.supplied_on,
                    township: p.township_code.clone(),
                })
                .collect(),
            investments: self
                .progress
                .iter()
                .map(|(code, period, yuan, _)| InvestmentFacts {
                    project_id: ids[code.as_str()],
                    period: *period,
                    yuan: *yuan,
                })
                .collect(),
            ..Default::default()
        }
    }
}
