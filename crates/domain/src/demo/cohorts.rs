//! The two land cohorts of target 8: the 123 projects supplied land before 2006
//! and not started (8a), the 1550 mu expropriated but not supplied (8b), and the
//! projects supplied land in 2006 from it (8c).

use super::build::{Builder, investment_for_land, set};
use super::rng::{add_days, between, in_month, scale_to, spread, year_end, ymd};
use crate::projects::Milestone::{
    Approved, Completed, InProduction, LandSupplied, Reserved, SiteEntered, Started,
};
use crate::projects::{ProjectKind, ProjectStatus};
use chrono::{Datelike, NaiveDate};

/// The document's 8a cohort: 123 projects, 1455.739 mu.
pub(super) const COHORT_2005_COUNT: usize = 123;
pub(super) const COHORT_2005_AREA: i64 = 1_455_739;
/// The document's 8b cohort: 1550 mu.
pub(super) const EXPROPRIATED_AREA: i64 = 1_550_000;
/// Of it, supplied in 2006 (88%).
const EXPROPRIATED_SUPPLIED_2006: i64 = 1_364_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Starts,
    StartsThenSuspended,
    Suspended,
    Cancelled,
    Laggard,
}

/// A project that started on time entered the site on time too.
fn site_plan(
    planned_site: NaiveDate,
    site: Option<NaiveDate>,
    start: Option<NaiveDate>,
    planned_start: NaiveDate,
) -> NaiveDate {
    match (site, start) {
        (Some(x), Some(s)) if s <= planned_start => planned_site.max(x),
        _ => planned_site,
    }
}

impl Builder {
    /// Planned completion in `year` (March to November): (completed, in production).
    pub(super) fn planned_finish(&mut self, year: i32) -> (NaiveDate, NaiveDate) {
        let m = self.rng.range(3, 11) as u32;
        let c = in_month(&mut self.rng, year, m);
        (c, add_days(c, self.rng.range(15, 45)))
    }

    /// 2007 mostly, 2008 for the rest: sets the year and the planned dates.
    fn plan_completion_later(&mut self, p: &mut crate::projects::Project, share_2007: u64) {
        let year = if self.rng.chance(share_2007) {
            2007
        } else {
            2008
        };
        let (c, i) = self.planned_finish(year);
        p.planned_completion_year = Some(year);
        set(p, Completed, Some(c), None);
        set(p, InProduction, Some(i), None);
    }

    /// 8a: 123 projects supplied land in 2003-2005, not started by 2006-01-01;
    /// 111 start in 2006 with the monthly rhythm, the rest lag, one of them
    /// is suspended, two are suspended before starting and one is cancelled.
    pub(super) fn cohort_2005_land(&mut self) {
        const N: usize = COHORT_2005_COUNT;
        let mut lands: Vec<NaiveDate> = (0..N)
            .map(|i| {
                let y = match i {
                    0..8 => 2003,
                    8..43 => 2004,
                    _ => 2005,
                };
                between(&mut self.rng, ymd(y, 3, 1), ymd(y, 12, 30))
            })
            .collect();
        lands.sort();
        let raw: Vec<i64> = (0..N)
            .map(|_| {
                if self.rng.chance(6) {
                    self.rng.range(30_000, 58_000)
                } else {
                    self.rng.range(3_250, 20_000)
                }
            })
            .collect();
        let areas = scale_to(&raw, COHORT_2005_AREA);
        let mut fates = vec![Fate::Starts; 110];
        fates.push(Fate::StartsThenSuspended);
        fates.extend([Fate::Suspended, Fate::Suspended, Fate::Cancelled]);
        fates.extend([Fate::Laggard; 9]);
        self.rng.shuffle(&mut fates);
        let mut starts = spread(
            &mut self.rng,
            2006,
            [3, 2, 10, 14, 14, 12, 11, 10, 10, 9, 9, 7],
        );
        // The one suspended after starting started early, in March.
        let early = starts.remove(5);
        self.rng.shuffle(&mut starts);

        for i in 0..N {
            let land = lands[i];
            let approved = add_days(land, -self.rng.range(15, 120));
            let reserved = add_days(approved, -self.rng.range(30, 360));
            let mut p = self.project(ProjectKind::Industrial, reserved.year());
            p.land_area_millimu = areas[i];
            p.planned_investment_yuan = investment_for_land(&mut self.rng, areas[i]);
            p.key_project = p.planned_investment_yuan >= 90_000_000;
            p.notes = "2005年底前供地未开工项目".into();
            set(&mut p, Reserved, Some(reserved), Some(reserved));
            set(&mut p, Approved, Some(approved), Some(approved));
            let planned_land = if self.rng.chance(8) {
                add_days(land, -self.rng.range(30, 120))
            } else {
                land
            };
            set(&mut p, LandSupplied, Some(planned_land), Some(land));
            let fate = fates[i];
            let start =
                matches!(fate, Fate::Starts | Fate::StartsThenSuspended).then(|| match fate {
                    Fate::StartsThenSuspended => early,
                    _ => starts.pop().expect("a start date per starter"),
                });
            // The start deadline the office set for 2006 (督办时限).
            let planned_start = match start {
                Some(s) => add_days(s, self.rng.range(-20, 75)).max(ymd(2006, 2, 15)),
                None => between(&mut self.rng, ymd(2006, 3, 1), ymd(2006, 9, 30)),
            };
            let site = match start {
                Some(s) => Some(add_days(s, -self.rng.range(5, 40)).max(land)),
                None if fate == Fate::Laggard && self.rng.chance(40) => {
                    Some(between(&mut self.rng, ymd(2006, 3, 1), ymd(2006, 11, 30)))
                }
                None => None,
            };
            let planned_site = add_days(planned_start, -self.rng.range(7, 30));
            let planned_site = site_plan(planned_site, site, start, planned_start);
            set(&mut p, SiteEntered, Some(planned_site), site);
            set(&mut p, Started, Some(planned_start), start);
            self.plan_completion_later(&mut p, 75);
            match fate {
                Fate::Starts => {}
                Fate::StartsThenSuspended => {
                    let s = start.expect("started");
                    p.status = ProjectStatus::Suspended;
                    p.status_on = Some(add_days(s, self.rng.range(45, 120)));
                    p.status_reason = "企业涉及民间借贷纠纷，工程停工".into();
                }
                Fate::Suspended => {
                    p.status = ProjectStatus::Suspended;
                    p.status_on = Some(between(&mut self.rng, ymd(2006, 4, 1), ymd(2006, 11, 30)));
                    p.status_reason = self
                        .rng
                        .pick(&[
                            "企业资金链紧张，申请暂缓建设",
                            "产品市场变化，企业调整投资计划",
                        ])
                        .to_string();
                }
                Fate::Cancelled => {
                    p.status = ProjectStatus::Cancelled;
                    p.status_on = Some(between(&mut self.rng, ymd(2006, 6, 1), ymd(2006, 10, 31)));
                    p.status_reason = "企业放弃投资，土地依法收回".into();
                }
                Fate::Laggard => {
                    let why = self.rng.pick(&[
                        "拆迁进度滞后",
                        "规划设计方案调整",
                        "企业资金未及时到位",
                        "环评审批延迟",
                    ]);
                    p.variance_note = format!("{why}，区活动办已发督办单");
                }
            }
            if land >= ymd(2004, 1, 1) && self.rng.chance(28) {
                let expropriated = add_days(land, -self.rng.range(60, 400));
                let (t, a, c) = (p.township_code.clone(), p.land_area_millimu, p.code.clone());
                self.parcel(&t, a, expropriated, Some((&c, land)), "");
            }
            self.projects.push(p);
        }
    }

    /// 8b and 8c: 1550 mu expropriated before 2006 and not supplied (72
    /// parcels), 1364 mu of it supplied in 2006 to 64 projects; 4 more projects
    /// supplied from land expropriated in 2006; about four in five start.
    pub(super) fn supplied_2006(&mut self) {
        let supplies = spread(&mut self.rng, 2006, [2, 2, 5, 6, 7, 7, 7, 7, 7, 7, 6, 5]);
        let n = supplies.len();
        let mut second_half: Vec<usize> =
            (0..n).filter(|&i| supplies[i] >= ymd(2006, 7, 1)).collect();
        self.rng.shuffle(&mut second_half);
        let from_new_land = &second_half[..4];
        let raw: Vec<i64> = (0..n - 4).map(|_| self.rng.range(6_000, 40_000)).collect();
        let mut areas = scale_to(&raw, EXPROPRIATED_SUPPLIED_2006).into_iter();
        // 0: normal, 1: laggard, 2: suspended.
        let mut fates = vec![0u8; n];
        fates[..3].fill(1);
        fates[3] = 2;
        self.rng.shuffle(&mut fates);

        for (i, &supply) in supplies.iter().enumerate() {
            let new_land = from_new_land.contains(&i);
            let area = if new_land {
                self.rng.range(8_000, 25_000)
            } else {
                areas.next().expect("an area per old parcel")
            };
            let approved = add_days(supply, -self.rng.range(20, 150));
            let reserved = add_days(approved, -self.rng.range(30, 300));
            let mut p = self.project(ProjectKind::Industrial, reserved.year());
            p.land_area_millimu = area;
            p.planned_investment_yuan = investment_for_land(&mut self.rng, area);
            p.key_project = reserved.year() < 2006 && p.planned_investment_yuan >= 90_000_000;
            set(&mut p, Reserved, Some(reserved), Some(reserved));
            set(&mut p, Approved, Some(approved), Some(approved));
            let planned_land = if self.rng.chance(12) {
                add_days(supply, -self.rng.range(20, 90))
            } else {
                supply
            };
            set(&mut p, LandSupplied, Some(planned_land), Some(supply));
            let planned_start = add_days(supply, self.rng.range(35, 100));
            let planned_site = add_days(planned_start, -self.rng.range(5, 20)).max(planned_land);
            let lag = match fates[i] {
                0 => Some(self.rng.range(20, 75)),
                1 => Some(self.rng.range(150, 260)),
                _ => None,
            };
            let start = lag
                .map(|l| add_days(supply, l))
                .filter(|s| *s <= year_end());
            let site = start.map(|s| add_days(s, -self.rng.range(3, 20)).max(supply));
            let planned_site = site_plan(planned_site, site, start, planned_start);
            set(&mut p, SiteEntered, Some(planned_site), site);
            set(&mut p, Started, Some(planned_start), start);
            self.plan_completion_later(&mut p, 70);
            if fates[i] == 2 {
                p.status = ProjectStatus::Suspended;
                p.status_on = Some(add_days(supply, self.rng.range(30, 90)).min(year_end()));
                p.status_reason = "企业股东变更，项目方案重新论证".into();
            }
            let (t, c) = (p.township_code.clone(), p.code.clone());
            if new_land {
                let x = add_days(supply, -self.rng.range(30, 150)).max(ymd(2006, 1, 5));
                self.parcel(&t, area, x, Some((&c, supply)), "2006年新征用地");
            } else {
                let x = between(&mut self.rng, ymd(2004, 3, 1), ymd(2005, 12, 20));
                self.parcel(&t, area, x, Some((&c, supply)), "2005年底前已征未供");
            }
            self.projects.push(p);
        }

        // What is left of the 1550 mu at year end, and new land still waiting.
        let raw: Vec<i64> = (0..8).map(|_| self.rng.range(10_000, 40_000)).collect();
        for area in scale_to(&raw, EXPROPRIATED_AREA - EXPROPRIATED_SUPPLIED_2006) {
            let t = *self.rng.weighted(&super::names::TOWNSHIPS);
            let x = between(&mut self.rng, ymd(2004, 1, 1), ymd(2005, 12, 20));
            let why = *self.rng.pick(&[
                "2005年底前已征未供；村民安置补偿未落实",
                "2005年底前已征未供；规划调整待定",
                "2005年底前已征未供；拟挂牌出让",
                "2005年底前已征未供；待项目落地",
            ]);
            self.parcel(t, area, x, None, why);
        }
        for _ in 0..3 {
            let t = *self.rng.weighted(&super::names::TOWNSHIPS);
            let x = between(&mut self.rng, ymd(2006, 3, 1), ymd(2006, 11, 30));
            let area = self.rng.range(8_000, 30_000);
            self.parcel(t, area, x, None, "2006年新征，待供地");
        }
    }
}
