//! The rest of the pipeline: the 50 projects planned to complete in 2006 (8d),
//! projects under construction since 2004-2005, the 2006 reserve (key and
//! other) and the 2006 technical renovations.

use super::build::{Builder, investment_for_land, set};
use super::rng::{add_days, between, round_to, spread, year_end, ymd};
use crate::projects::Milestone::{
    Approved, Completed, InProduction, LandSupplied, Reserved, SiteEntered, Started,
};
use crate::projects::{Project, ProjectKind, ProjectStatus};
use chrono::{Datelike, NaiveDate};

/// The document's 8d cohort: 50 projects.
pub(super) const PLANNED_2006_COUNT: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    InProduction(NaiveDate),
    CompletedOnly,
    Building,
    Suspended,
}

impl Builder {
    /// An industrial project started on `started`, with land, approval and
    /// reserve before it, and its area and investment.
    fn started_industrial(&mut self, started: NaiveDate, area: i64) -> Project {
        let land = add_days(started, -self.rng.range(20, 120));
        let approved = add_days(land, -self.rng.range(15, 90));
        let reserved = add_days(approved, -self.rng.range(30, 300));
        let site = add_days(started, -self.rng.range(3, 20)).max(land);
        let mut p = self.project(ProjectKind::Industrial, reserved.year());
        p.land_area_millimu = area;
        p.planned_investment_yuan = investment_for_land(&mut self.rng, area);
        p.key_project = p.planned_investment_yuan >= 100_000_000;
        set(&mut p, Reserved, Some(reserved), Some(reserved));
        set(&mut p, Approved, Some(approved), Some(approved));
        set(&mut p, LandSupplied, Some(land), Some(land));
        let planned_start = if self.rng.chance(12) {
            add_days(started, -self.rng.range(20, 90))
        } else {
            started
        };
        set(
            &mut p,
            SiteEntered,
            Some(site.min(planned_start)),
            Some(site),
        );
        set(&mut p, Started, Some(planned_start), Some(started));
        p
    }

    /// 8d: 50 projects planned to complete in 2006 (42 industrial, 8
    /// renovations), started in 2004-2005; 44 in production by year end.
    pub(super) fn planned_2006(&mut self) {
        let mut fates: Vec<Fate> =
            spread(&mut self.rng, 2006, [1, 1, 2, 3, 4, 5, 4, 4, 5, 5, 5, 5])
                .into_iter()
                .map(Fate::InProduction)
                .collect();
        fates.extend([Fate::CompletedOnly, Fate::CompletedOnly]);
        fates.extend([Fate::Building; 3]);
        fates.push(Fate::Suspended);
        assert_eq!(fates.len(), PLANNED_2006_COUNT);
        self.rng.shuffle(&mut fates);
        let mut kinds = vec![ProjectKind::TechRenovation; 8];
        kinds.extend([ProjectKind::Industrial; 42]);
        self.rng.shuffle(&mut kinds);

        for (fate, kind) in fates.into_iter().zip(kinds) {
            let mut p = match kind {
                ProjectKind::Industrial => {
                    let started = between(&mut self.rng, ymd(2004, 6, 1), ymd(2005, 10, 31));
                    let area = self.rng.range(6_000, 40_000);
                    self.started_industrial(started, area)
                }
                ProjectKind::TechRenovation => {
                    let approved = between(&mut self.rng, ymd(2005, 1, 10), ymd(2005, 9, 30));
                    let reserved = add_days(approved, -self.rng.range(20, 90));
                    let started = add_days(approved, self.rng.range(15, 60));
                    let mut p = self.project(kind, approved.year());
                    p.planned_investment_yuan =
                        round_to(self.rng.range(5_000_000, 40_000_000), 100_000);
                    set(&mut p, Reserved, Some(reserved), Some(reserved));
                    set(&mut p, Approved, Some(approved), Some(approved));
                    set(&mut p, Started, Some(started), Some(started));
                    p
                }
            };
            p.planned_completion_year = Some(2006);
            let (planned_done, done, running) = match fate {
                Fate::InProduction(d) => {
                    let c = add_days(d, -self.rng.range(10, 45)).max(ymd(2006, 1, 1));
                    let pc = add_days(c, self.rng.range(-30, 60))
                        .clamp(ymd(2006, 1, 10), ymd(2006, 12, 20));
                    (pc, Some((c, d)), None)
                }
                Fate::CompletedOnly => {
                    let c = between(&mut self.rng, ymd(2006, 11, 1), ymd(2006, 12, 28));
                    let pc = between(&mut self.rng, ymd(2006, 8, 1), ymd(2006, 10, 31));
                    (pc, None, Some(c))
                }
                Fate::Building | Fate::Suspended => {
                    let pc = between(&mut self.rng, ymd(2006, 6, 1), ymd(2006, 10, 31));
                    (pc, None, None)
                }
            };
            let planned_prod = add_days(planned_done, self.rng.range(10, 40));
            set(
                &mut p,
                Completed,
                Some(planned_done),
                done.map(|x| x.0).or(running),
            );
            set(&mut p, InProduction, Some(planned_prod), done.map(|x| x.1));
            match fate {
                Fate::Building => {
                    p.variance_note = self
                        .rng
                        .pick(&[
                            "设备到货延迟，预计2007年一季度竣工",
                            "厂房主体施工滞后，企业已增加施工力量",
                            "配套电力增容未到位，影响设备安装",
                        ])
                        .to_string();
                }
                Fate::Suspended => {
                    p.status = ProjectStatus::Suspended;
                    p.status_on = Some(between(&mut self.rng, ymd(2006, 6, 15), ymd(2006, 8, 31)));
                    p.status_reason = "受原材料涨价影响，企业资金紧张，暂缓建设".into();
                    p.variance_note = "企业资金紧张，工程暂停".into();
                }
                _ => {}
            }
            self.projects.push(p);
        }
    }

    /// Projects started in 2004-2005 still building, planned for 2007-2008.
    pub(super) fn under_construction(&mut self, n: usize) {
        for _ in 0..n {
            let started = between(&mut self.rng, ymd(2004, 9, 1), ymd(2005, 12, 20));
            let area = self.rng.range(8_000, 50_000);
            let mut p = self.started_industrial(started, area);
            let year = if self.rng.chance(70) { 2007 } else { 2008 };
            let (c, i) = self.planned_finish(year);
            p.planned_completion_year = Some(year);
            set(&mut p, Completed, Some(c), None);
            set(&mut p, InProduction, Some(i), None);
            self.projects.push(p);
        }
    }

    /// A project in the reserve (pre-phase) since `reserved`: maybe approved,
    /// with planned dates from land supply to production.
    fn reserve(&mut self, reserved: NaiveDate, key: bool) -> Project {
        let mut p = self.project(ProjectKind::Industrial, reserved.year());
        p.key_project = key;
        let area = if key {
            self.rng.range(40_000, 120_000)
        } else {
            self.rng.range(5_000, 30_000)
        };
        p.land_area_millimu = area;
        p.planned_investment_yuan = if key {
            round_to(self.rng.range(100_000_000, 300_000_000), 1_000_000)
        } else {
            investment_for_land(&mut self.rng, area)
        };
        p.pre_phase_funding_yuan = round_to(
            if key {
                self.rng.range(500_000, 3_000_000)
            } else {
                self.rng.range(100_000, 800_000)
            },
            10_000,
        );
        let planned_approved = add_days(reserved, self.rng.range(60, 150));
        let approved =
            Some(add_days(reserved, self.rng.range(30, 150))).filter(|d| *d <= year_end());
        set(&mut p, Reserved, Some(reserved), Some(reserved));
        set(&mut p, Approved, Some(planned_approved), approved);
        let planned_land = add_days(ymd(2007, 1, 1), self.rng.range(0, 240));
        let planned_start = add_days(planned_land, self.rng.range(45, 100));
        set(&mut p, LandSupplied, Some(planned_land), None);
        set(&mut p, Started, Some(planned_start), None);
        let year = if planned_start.month() < 5 && self.rng.chance(30) {
            2007
        } else {
            2008
        };
        let (c, i) = self.planned_finish(year);
        let c = c.max(add_days(planned_start, 120));
        set(&mut p, Completed, Some(c), None);
        set(&mut p, InProduction, Some(i.max(add_days(c, 20))), None);
        p.planned_completion_year = Some(c.year());
        p
    }

    /// The 2006 reserve: 12 key projects (5 by mid-year) with named staff and
    /// pre-phase funding, 14 other projects reserved in 2006 (one cancelled),
    /// and 6 reserved in 2005 still in pre-phase.
    pub(super) fn reserve_2006(&mut self) {
        for d in spread(&mut self.rng, 2006, [0, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1]) {
            let mut p = self.reserve(d, true);
            p.notes = "2006年储备落实重点工业项目".into();
            self.projects.push(p);
        }
        for (i, d) in spread(&mut self.rng, 2006, [1, 0, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1])
            .into_iter()
            .enumerate()
        {
            let mut p = self.reserve(d, false);
            if i == 3 {
                p.status = ProjectStatus::Cancelled;
                p.status_on = Some(add_days(d, self.rng.range(90, 150)).min(year_end()));
                p.status_reason = "企业另择址投资，项目撤销".into();
            }
            self.projects.push(p);
        }
        for i in 0..6 {
            let d = between(&mut self.rng, ymd(2005, 3, 1), ymd(2005, 11, 30));
            let p = self.reserve(d, i == 0);
            self.projects.push(p);
        }
    }

    /// 55 technical renovations approved in 2006 (22 by mid-year), most
    /// started and some already producing by year end.
    pub(super) fn tech_renovation_2006(&mut self) {
        for approved in spread(&mut self.rng, 2006, [2, 1, 4, 5, 5, 5, 5, 5, 6, 6, 6, 5]) {
            let reserved = add_days(approved, -self.rng.range(10, 60));
            let mut p = self.project(ProjectKind::TechRenovation, approved.year());
            p.planned_investment_yuan = round_to(self.rng.range(5_000_000, 45_000_000), 100_000);
            p.notes = "2006年技改立项".into();
            set(&mut p, Reserved, Some(reserved), Some(reserved));
            set(&mut p, Approved, Some(approved), Some(approved));
            let planned_start = add_days(approved, 35);
            let started = Some(add_days(approved, self.rng.range(10, 45)))
                .filter(|d| *d <= year_end() && !self.rng.chance(8));
            set(&mut p, Started, Some(planned_start), started);
            let planned_done = add_days(planned_start, self.rng.range(160, 260));
            let done = started
                .map(|s| add_days(s, self.rng.range(100, 220)))
                .filter(|d| *d <= ymd(2006, 12, 20));
            let producing = done
                .map(|d| add_days(d, self.rng.range(5, 25)))
                .filter(|d| *d <= year_end());
            set(&mut p, Completed, Some(planned_done), done);
            set(
                &mut p,
                InProduction,
                Some(add_days(planned_done, 15)),
                producing,
            );
            // Only the 50 of 8d plan to complete in 2006.
            p.planned_completion_year = (planned_done.year() > 2006).then_some(planned_done.year());
            self.projects.push(p);
        }
    }
}
