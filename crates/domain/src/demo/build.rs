//! The builder shared by the groups: code counters, a fresh project with its
//! enterprise, place and contact, and the finishing touches (variance notes).

use super::names::{Namer, TOWNSHIPS};
use super::rng::Rng;
use crate::land::Parcel;
use crate::projects::{Dates, Milestone, Project, ProjectKind, ProjectStatus};
use chrono::NaiveDate;
use std::collections::BTreeMap;

pub(super) struct Builder {
    pub(super) rng: Rng,
    namer: Namer,
    counters: BTreeMap<String, u32>,
    pub(super) projects: Vec<Project>,
    pub(super) parcels: Vec<Parcel>,
}

/// Sets one milestone's dates.
pub(super) fn set(
    p: &mut Project,
    m: Milestone,
    planned: Option<NaiveDate>,
    actual: Option<NaiveDate>,
) {
    p.dates.planned[m.index()] = planned;
    p.dates.actual[m.index()] = actual;
}

/// Planned investment for an industrial project: 1.2 to 2.6 million yuan a mu,
/// in 100,000s, within 5 million .. 300 million.
pub(super) fn investment_for_land(rng: &mut Rng, area_millimu: i64) -> i64 {
    let per_mu = rng.range(1_200_000, 2_600_000);
    let v = area_millimu * per_mu / 1000;
    (v / 100_000 * 100_000).clamp(5_000_000, 300_000_000)
}

impl Builder {
    pub(super) fn new(seed: u64) -> Builder {
        Builder {
            rng: Rng::new(seed),
            namer: Namer::default(),
            counters: BTreeMap::new(),
            projects: Vec::new(),
            parcels: Vec::new(),
        }
    }

    /// The next code under a prefix: "LW2005-037", "JG2006-012", "DK2005-014".
    pub(super) fn code(&mut self, prefix: &str, year: i32) -> String {
        let key = format!("{prefix}{year}");
        let n = self.counters.entry(key.clone()).or_insert(0);
        *n += 1;
        format!("{key}-{n:03}")
    }

    /// A fresh active project with its enterprise, place and contact; no dates,
    /// no money, no land yet. Industrial codes start "LW", renovations "JG".
    pub(super) fn project(&mut self, kind: ProjectKind, year: i32) -> Project {
        let rng = &mut self.rng;
        let industry = Namer::industry(rng);
        let enterprise_name = self.namer.enterprise(rng, industry);
        let name = match kind {
            ProjectKind::Industrial => Namer::industrial_name(rng, &enterprise_name, industry),
            ProjectKind::TechRenovation => Namer::renovation_name(rng, &enterprise_name, industry),
        };
        let township = *rng.weighted(&TOWNSHIPS);
        let unit = match kind {
            ProjectKind::Industrial => *rng.weighted(&[
                (township, 40),
                ("drc", 20),
                ("land", 15),
                ("economy", 15),
                ("construction", 10),
            ]),
            ProjectKind::TechRenovation => *rng.weighted(&[("economy", 60), ("science", 40)]),
        };
        let responsible_person = Namer::person(rng);
        let responsible_phone = Namer::phone(rng);
        let code = self.code(
            match kind {
                ProjectKind::Industrial => "LW",
                ProjectKind::TechRenovation => "JG",
            },
            year,
        );
        Project {
            code,
            national_code: String::new(),
            name,
            enterprise_credit_code: String::new(),
            enterprise_name,
            township_code: township.to_string(),
            kind,
            key_project: false,
            planned_investment_yuan: 0,
            land_area_millimu: 0,
            responsible_unit_code: unit.to_string(),
            responsible_person,
            responsible_phone,
            pre_phase_funding_yuan: 0,
            notes: String::new(),
            dates: Dates::default(),
            variance_note: String::new(),
            planned_completion_year: None,
            status: ProjectStatus::Active,
            status_on: None,
            status_reason: String::new(),
        }
    }

    /// A parcel expropriated on `expropriated_on`, coded by that year.
    pub(super) fn parcel(
        &mut self,
        township: &str,
        area_millimu: i64,
        expropriated_on: NaiveDate,
        supplied: Option<(&str, NaiveDate)>,
        notes: &str,
    ) {
        use chrono::Datelike;
        let code = self.code("DK", expropriated_on.year());
        self.parcels.push(Parcel {
            code,
            township_code: township.to_string(),
            area_millimu,
            expropriated_on: Some(expropriated_on),
            supplied_on: supplied.map(|s| s.1),
            project_code: supplied.map(|s| s.0.to_string()).unwrap_or_default(),
            notes: notes.to_string(),
        });
    }

    /// Gives every project that is late on a milestone a reason, and sorts.
    pub(super) fn finish(&mut self) {
        for p in &mut self.projects {
            let late = p.dates.late();
            if let Some(first) = late.first()
                && p.variance_note.is_empty()
            {
                let reasons: &[&str] = match first {
                    Milestone::Reserved | Milestone::Approved => {
                        &["环评审批延迟", "立项材料补充完善", "项目选址调整"]
                    }
                    Milestone::LandSupplied => {
                        &["征地拆迁进度滞后", "土地报批手续延迟", "地块内杆线迁移滞后"]
                    }
                    Milestone::SiteEntered | Milestone::Started => &[
                        "拆迁进度滞后",
                        "环评审批延迟",
                        "施工图审查未完成",
                        "施工许可证办理延迟",
                        "企业资金未及时到位",
                        "规划设计方案调整",
                    ],
                    Milestone::Completed | Milestone::InProduction => &[
                        "设备到货延迟",
                        "消防验收延迟",
                        "配套电力增容未到位",
                        "企业调整产品方案",
                    ],
                };
                p.variance_note = self.rng.pick(reasons).to_string();
            }
        }
        self.projects.sort_by(|a, b| a.code.cmp(&b.code));
        self.parcels.sort_by(|a, b| a.code.cmp(&b.code));
    }
}
