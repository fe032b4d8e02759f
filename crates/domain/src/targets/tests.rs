//! Hand-computed cases for every project and land formula, with the edges:
//! empty cohorts, dates exactly on S and on A, cancelled projects in a cohort.

use super::*;
use crate::campaign::template::builtin;
use crate::projects::Period;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn target(code: &str) -> (Formula, TargetValue) {
    let t = builtin("longwan-2006")
        .unwrap()
        .targets
        .into_iter()
        .find(|t| t.code == code)
        .unwrap();
    (t.formula, t.value)
}

fn eval(code: &str, as_of: &str, f: &Facts) -> Outcome {
    let (formula, value) = target(code);
    evaluate(&formula, value, 2006, d(as_of), f)
}

fn p(id: i64) -> ProjectFacts {
    ProjectFacts {
        id,
        kind: Some(ProjectKind::Industrial),
        land_area_millimu: 10_000,
        ..Default::default()
    }
}

#[test]
fn investment_sums_months_of_the_year_up_to_the_as_of_month() {
    let inv = |id, y, m, yuan| InvestmentFacts {
        project_id: id,
        period: Period { year: y, month: m },
        yuan,
    };
    let f = Facts {
        investments: vec![
            inv(1, 2005, 12, 999),
            inv(1, 2006, 1, 100),
            inv(2, 2006, 3, 250),
            inv(1, 2006, 4, 7),
            inv(2, 2007, 1, 5),
        ],
        ..Default::default()
    };
    let o = eval("industrial_investment", "2006-03-31", &f);
    assert_eq!(o.actual, Some(Actual::Yuan(350)));
    assert_eq!(o.members, vec![1, 2]);
    assert_eq!(o.time_progress, (3, 12), "monthly measure: month(A)/12");
    // The first day of April already counts April's figure.
    assert_eq!(
        eval("industrial_investment", "2006-04-01", &f).actual,
        Some(Actual::Yuan(357))
    );
    // 350 yuan of 2.31 billion is far behind a quarter of the year.
    assert_eq!(
        eval("industrial_investment", "2006-03-31", &f).status,
        Status::Behind
    );
    // No investment rows: the sum is 0, a real value.
    let o = eval("industrial_investment", "2006-06-30", &Facts::default());
    assert_eq!(o.actual, Some(Actual::Yuan(0)));
}

#[test]
fn cumulative_status_against_time_progress() {
    // 10 key projects by year end; at 2006-07-02 (day 183 of 365), 5 is on track
    // (5*365 = 1825 >= 10*183 = 1830? no: behind), 6 is on track.
    let key = |id, on: &str| ProjectFacts {
        key_project: true,
        reserved_on: Some(d(on)),
        ..p(id)
    };
    let five: Vec<_> = (1..=5).map(|i| key(i, "2006-02-01")).collect();
    let o = eval(
        "key_projects_reserved",
        "2006-07-02",
        &Facts {
            projects: five.clone(),
            ..Default::default()
        },
    );
    assert_eq!(o.actual, Some(Actual::Count(5)));
    assert_eq!(o.time_progress, (183, 365));
    assert_eq!(o.status, Status::Behind);
    let mut six = five;
    six.push(key(6, "2006-07-02"));
    let o = eval(
        "key_projects_reserved",
        "2006-07-02",
        &Facts {
            projects: six,
            ..Default::default()
        },
    );
    assert_eq!(o.status, Status::OnTrack);
    assert!(!o.achieved);
}

#[test]
fn key_projects_count_reserved_in_the_year_up_to_a() {
    let f = Facts {
        projects: vec![
            ProjectFacts {
                key_project: true,
                reserved_on: Some(d("2005-12-31")),
                ..p(1)
            },
            ProjectFacts {
                key_project: true,
                reserved_on: Some(d("2006-01-01")),
                ..p(2)
            },
            ProjectFacts {
                key_project: true,
                reserved_on: Some(d("2006-05-10")),
                ..p(3)
            },
            ProjectFacts {
                key_project: false,
                reserved_on: Some(d("2006-02-01")),
                ..p(4)
            },
            ProjectFacts {
                key_project: true,
                reserved_on: None,
                ..p(5)
            },
        ],
        ..Default::default()
    };
    assert_eq!(
        eval("key_projects_reserved", "2006-05-09", &f).members,
        vec![2]
    );
    assert_eq!(
        eval("key_projects_reserved", "2006-05-10", &f).members,
        vec![2, 3],
        "a date on A counts"
    );
}

#[test]
fn tech_renovation_approvals() {
    let tr = |id, on: &str| ProjectFacts {
        kind: Some(ProjectKind::TechRenovation),
        approved_on: Some(d(on)),
        ..p(id)
    };
    let f = Facts {
        projects: vec![
            tr(1, "2006-01-01"),
            tr(2, "2006-12-31"),
            tr(3, "2005-11-01"),
            ProjectFacts {
                approved_on: Some(d("2006-03-01")),
                ..p(4)
            },
        ],
        ..Default::default()
    };
    assert_eq!(
        eval("tech_renovation_approvals", "2006-12-31", &f).actual,
        Some(Actual::Count(2))
    );
    assert_eq!(
        eval("tech_renovation_approvals", "2006-12-30", &f).actual,
        Some(Actual::Count(1))
    );
}

#[test]
fn cohort_2005_land_started_by_count_and_area() {
    let f = Facts {
        projects: vec![
            // In the cohort: land before S, not started by S.
            ProjectFacts {
                land_supplied_on: Some(d("2005-03-01")),
                land_area_millimu: 1_000,
                ..p(1)
            },
            ProjectFacts {
                land_supplied_on: Some(d("2005-12-31")),
                started_on: Some(d("2006-01-01")),
                land_area_millimu: 2_000,
                ..p(2)
            },
            ProjectFacts {
                land_supplied_on: Some(d("2004-06-01")),
                started_on: Some(d("2006-08-01")),
                land_area_millimu: 4_000,
                ..p(3)
            },
            // Out: started before S; land on S; no land.
            ProjectFacts {
                land_supplied_on: Some(d("2005-01-01")),
                started_on: Some(d("2005-12-31")),
                ..p(4)
            },
            ProjectFacts {
                land_supplied_on: Some(d("2006-01-01")),
                ..p(5)
            },
            p(6),
        ],
        ..Default::default()
    };
    let o = eval("cohort_2005_land_started", "2006-06-30", &f);
    assert_eq!(o.members, vec![1, 2, 3]);
    assert_eq!(o.reached, vec![2]);
    assert_eq!((o.numerator, o.denominator), (Some(1), Some(3)));
    assert_eq!(
        (o.area_numerator_millimu, o.area_denominator_millimu),
        (Some(2_000), Some(7_000))
    );
    assert_eq!(o.actual, Some(Actual::Ratio { num: 1, den: 3 }));
    assert_eq!(o.status, Status::Behind, "target is 100%");
    let warning = o.cohort_warning.unwrap();
    assert!(
        warning.contains("文件申报 123 个，数据中为 3 个"),
        "{warning}"
    );
    assert!(
        warning.contains("文件申报 1455.739 亩，数据中为 7 亩"),
        "{warning}"
    );
    let o = eval("cohort_2005_land_started", "2006-08-01", &f);
    assert_eq!((o.numerator, o.denominator), (Some(2), Some(3)));
}

#[test]
fn cancelled_projects_stay_in_their_cohort() {
    // The engine sees no status at all: a cancelled project is a project.
    let f = Facts {
        projects: vec![
            ProjectFacts {
                planned_completion_year: Some(2006),
                ..p(1)
            },
            ProjectFacts {
                planned_completion_year: Some(2006),
                in_production_on: Some(d("2006-10-01")),
                ..p(2)
            },
        ],
        ..Default::default()
    };
    let o = eval("planned_2006_completed", "2006-12-31", &f);
    assert_eq!(o.actual, Some(Actual::Ratio { num: 1, den: 2 }));
    assert!(
        o.cohort_warning
            .unwrap()
            .contains("文件申报 50 个，数据中为 2 个")
    );
}

#[test]
fn expropriated_land_supplied_by_area() {
    let parcel = |id, area, x: &str, s: Option<&str>| ParcelFacts {
        id,
        area_millimu: area,
        expropriated_on: Some(d(x)),
        supplied_on: s.map(d),
        township: String::new(),
    };
    let f = Facts {
        parcels: vec![
            parcel(1, 900_000, "2005-05-01", Some("2006-03-01")),
            parcel(2, 650_000, "2004-01-01", None),
            parcel(3, 100_000, "2005-01-01", Some("2005-12-31")), // supplied before S: out
            parcel(4, 100_000, "2006-01-01", None),               // expropriated on S: out
            parcel(5, 0, "2005-01-01", Some("2006-01-01")),
        ],
        ..Default::default()
    };
    let o = eval("expropriated_land_supplied", "2006-03-01", &f);
    assert_eq!(o.subject, Subject::Parcels);
    assert_eq!(o.members, vec![1, 2, 5]);
    assert_eq!(
        (o.area_numerator_millimu, o.area_denominator_millimu),
        (Some(900_000), Some(1_550_000))
    );
    assert_eq!((o.numerator, o.denominator), (Some(2), Some(3)));
    assert_eq!(
        o.actual,
        Some(Actual::Ratio {
            num: 900_000,
            den: 1_550_000
        })
    );
    assert_eq!(o.cohort_warning, None, "1550 mu as declared");
    assert_eq!(o.status, Status::Behind);
    let o = eval("expropriated_land_supplied", "2006-02-28", &f);
    assert_eq!(o.area_numerator_millimu, Some(0));
    // 90% exactly is achieved: 1,395,000 / 1,550,000.
    let f = Facts {
        parcels: vec![
            parcel(1, 1_395_000, "2005-05-01", Some("2006-03-01")),
            parcel(2, 155_000, "2005-05-01", None),
        ],
        ..Default::default()
    };
    let o = eval("expropriated_land_supplied", "2006-03-01", &f);
    assert!(o.achieved);
    assert_eq!(o.status, Status::OnTrack);
}

#[test]
fn land_supplied_in_year_started_rate_and_the_empty_cohort() {
    let o = eval(
        "land_supplied_2006_started",
        "2006-06-30",
        &Facts::default(),
    );
    assert_eq!(
        o.actual, None,
        "an empty denominator has no value, never 0% or 100%"
    );
    assert_eq!(o.status, Status::NoData);
    assert!(o.note.unwrap().contains("队列为空"));
    let f = Facts {
        projects: vec![
            ProjectFacts {
                land_supplied_on: Some(d("2006-01-01")),
                started_on: Some(d("2006-02-01")),
                ..p(1)
            },
            ProjectFacts {
                land_supplied_on: Some(d("2006-04-01")),
                ..p(2)
            },
            ProjectFacts {
                land_supplied_on: Some(d("2006-04-01")),
                started_on: Some(d("2006-07-01")),
                ..p(3)
            },
            ProjectFacts {
                land_supplied_on: Some(d("2006-07-01")),
                started_on: Some(d("2006-07-01")),
                ..p(4)
            },
            ProjectFacts {
                land_supplied_on: Some(d("2005-12-31")),
                started_on: Some(d("2006-02-01")),
                ..p(5)
            },
        ],
        ..Default::default()
    };
    let o = eval("land_supplied_2006_started", "2006-06-30", &f);
    assert_eq!((o.numerator, o.denominator), (Some(1), Some(3)));
    let o = eval("land_supplied_2006_started", "2006-07-01", &f);
    assert_eq!((o.numerator, o.denominator), (Some(3), Some(4)));
    assert_eq!(o.status, Status::Behind, "75% < 80%");
}

#[test]
fn as_of_is_clamped_into_the_year() {
    let f = Facts {
        projects: vec![ProjectFacts {
            key_project: true,
            reserved_on: Some(d("2006-12-31")),
            ..p(1)
        }],
        ..Default::default()
    };
    let o = eval("key_projects_reserved", "2026-11-26", &f);
    assert_eq!(o.actual, Some(Actual::Count(1)));
    assert_eq!(o.time_progress, (365, 365));
}

fn stat(e: i64, y: i32, m: u32, output: i64, sales: i64) -> StatFacts {
    StatFacts {
        enterprise_id: e,
        period: Period { year: y, month: m },
        output_value_yuan: output,
        sales_value_yuan: sales,
    }
}

#[test]
fn growth_targets_without_a_base_have_no_value() {
    for code in ["total_output_growth", "above_scale_output_growth"] {
        let o = eval(code, "2006-06-30", &Facts::default());
        assert_eq!(o.actual, None);
        assert_eq!(o.status, Status::NoData);
        assert!(o.note.unwrap().contains("尚无企业月度统计数据"));
    }
    let f = Facts {
        stats: vec![stat(1, 2006, 1, 100, 0)],
        ..Default::default()
    };
    let o = eval("total_output_growth", "2006-06-30", &f);
    assert_eq!(o.actual, None);
    assert!(o.note.unwrap().contains("基数为零"));
}

#[test]
fn total_output_growth_over_the_same_months() {
    let f = Facts {
        enterprises: vec![
            EnterpriseFacts {
                id: 1,
                above_scale_years: vec![2006],
                ..Default::default()
            },
            EnterpriseFacts {
                id: 2,
                above_scale_years: vec![2005],
                ..Default::default()
            },
        ],
        stats: vec![
            stat(1, 2005, 1, 100, 0),
            stat(1, 2005, 2, 100, 0),
            stat(1, 2005, 3, 999, 0), // after month(A) last year: out
            stat(2, 2005, 2, 300, 0),
            stat(1, 2006, 1, 150, 0),
            stat(1, 2006, 2, 150, 0),
            stat(2, 2006, 2, 280, 0),
            stat(2, 2006, 3, 777, 0),  // after month(A): out
            stat(2, 2004, 2, 5000, 0), // two years back: out
        ],
        ..Default::default()
    };
    // 2006-02: current 150+150+280 = 580, base 100+100+300 = 500: +16%.
    let o = eval("total_output_growth", "2006-02-28", &f);
    assert_eq!((o.numerator, o.denominator), (Some(580), Some(500)));
    assert_eq!(o.actual, Some(Actual::Ratio { num: 80, den: 500 }));
    assert!(o.achieved, "16% >= 14%");
    assert_eq!(o.time_progress, (2, 12));
    // Same scope: only enterprise 1 (above size in 2006), both years: 300 vs 200 = +50%.
    let o = eval("above_scale_output_growth", "2006-02-01", &f);
    assert_eq!((o.numerator, o.denominator), (Some(300), Some(200)));
    assert_eq!(o.members, vec![1]);
    assert_eq!(o.status, Status::OnTrack);
    // Exactly 20% is achieved: 240 vs 200.
    let f2 = Facts {
        enterprises: vec![EnterpriseFacts {
            id: 1,
            above_scale_years: vec![2006],
            ..Default::default()
        }],
        stats: vec![stat(1, 2005, 1, 200, 0), stat(1, 2006, 1, 240, 0)],
        ..Default::default()
    };
    assert!(eval("above_scale_output_growth", "2006-01-31", &f2).achieved);
    // A decline is a real, negative value.
    let f3 = Facts {
        stats: vec![stat(1, 2005, 1, 200, 0), stat(1, 2006, 1, 150, 0)],
        ..Default::default()
    };
    assert_eq!(
        eval("total_output_growth", "2006-01-31", &f3).actual,
        Some(Actual::Ratio { num: -50, den: 200 })
    );
}

#[test]
fn billion_sales_enterprises_sum_the_year_so_far() {
    let f = Facts {
        stats: vec![
            stat(1, 2006, 1, 0, 600_000_000),
            stat(1, 2006, 6, 0, 400_000_000),
            stat(2, 2006, 1, 0, 999_999_999),
            stat(3, 2005, 12, 0, 2_000_000_000),
        ],
        ..Default::default()
    };
    assert_eq!(
        eval("billion_sales_enterprises", "2006-05-31", &f).actual,
        Some(Actual::Count(0))
    );
    let o = eval("billion_sales_enterprises", "2006-06-01", &f);
    assert_eq!(o.members, vec![1], "exactly 1,000,000,000 counts");
    assert!(o.achieved);
}

#[test]
fn china_well_known_trademarks_granted_in_the_year() {
    use crate::enterprises::{BrandLevel, BrandStatus};
    let b = |id, level, status, on: &str| BrandFacts {
        id,
        level,
        status,
        granted_on: Some(d(on)),
    };
    let f = Facts {
        brands: vec![
            b(
                1,
                BrandLevel::ChinaWellKnown,
                BrandStatus::Granted,
                "2006-11-20",
            ),
            b(
                2,
                BrandLevel::ChinaWellKnown,
                BrandStatus::Granted,
                "2005-12-31",
            ),
            b(
                3,
                BrandLevel::Provincial,
                BrandStatus::Granted,
                "2006-03-01",
            ),
            b(
                4,
                BrandLevel::ChinaWellKnown,
                BrandStatus::Applied,
                "2006-03-01",
            ),
        ],
        ..Default::default()
    };
    assert_eq!(
        eval("china_well_known_trademarks", "2006-11-19", &f).actual,
        Some(Actual::Count(0))
    );
    let o = eval("china_well_known_trademarks", "2006-11-20", &f);
    assert_eq!(o.members, vec![1]);
    assert!(o.achieved);
}

#[test]
fn enterprise_figures_split_by_township_add_up() {
    let f = Facts {
        stats: vec![
            stat(1, 2005, 1, 100, 0),
            stat(1, 2006, 1, 130, 0),
            stat(2, 2005, 1, 300, 0),
            stat(2, 2006, 1, 300, 0),
            stat(3, 2006, 1, 50, 0),
        ],
        ..Default::default()
    };
    let (formula, _) = target("total_output_growth");
    let town = |id: i64| {
        if id == 2 {
            "puzhou".to_string()
        } else {
            "yongzhong".to_string()
        }
    };
    let g = enterprise_breakdown(&formula, 2006, d("2006-01-31"), &f, town);
    assert_eq!(g.len(), 2);
    assert_eq!(
        (g[0].group.as_str(), g[0].current, g[0].base),
        ("puzhou", 300, 300)
    );
    assert_eq!(
        (g[1].group.as_str(), g[1].current, g[1].base),
        ("yongzhong", 180, 100)
    );
    assert_eq!(g[1].growth(), Some((80, 100)));
    let total = eval("total_output_growth", "2006-01-31", &f);
    assert_eq!(total.numerator, Some(g.iter().map(|x| x.current).sum()));
    assert_eq!(total.denominator, Some(g.iter().map(|x| x.base).sum()));
}
