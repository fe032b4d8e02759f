//! The demo checked with the real engine and the template's targets.

use super::*;
use crate::campaign::template::builtin;
use crate::projects::{ProjectKind, ProjectStatus, check_code};
use crate::targets::{Actual, Outcome, Status, evaluate};
use chrono::NaiveDate;
use std::collections::HashSet;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn eval(code: &str, as_of: &str, f: &Facts) -> Outcome {
    let t = builtin("longwan-2006")
        .unwrap()
        .targets
        .into_iter()
        .find(|t| t.code == code)
        .unwrap();
    evaluate(&t.formula, t.value, 2006, d(as_of), f)
}

/// num/den in thousandths.
fn rate(o: &Outcome) -> i64 {
    match o.actual {
        Some(Actual::Ratio { num, den }) => num * 1000 / den,
        other => panic!("not a ratio: {other:?}"),
    }
}

fn count(o: &Outcome) -> i64 {
    match o.actual {
        Some(Actual::Count(n)) => n,
        other => panic!("not a count: {other:?}"),
    }
}

fn yuan(o: &Outcome) -> i64 {
    match o.actual {
        Some(Actual::Yuan(n)) => n,
        other => panic!("not a sum: {other:?}"),
    }
}

const RATES: [&str; 4] = [
    "cohort_2005_land_started",
    "expropriated_land_supplied",
    "land_supplied_2006_started",
    "planned_2006_completed",
];

#[test]
fn cohorts_match_the_document_exactly() {
    let f = longwan_2006().facts();
    for as_of in ["2006-01-01", "2006-06-30", "2006-12-31"] {
        let o = eval("cohort_2005_land_started", as_of, &f);
        assert_eq!(o.denominator, Some(123));
        assert_eq!(o.area_denominator_millimu, Some(1_455_739));
        assert_eq!(o.cohort_warning, None);
        let o = eval("expropriated_land_supplied", as_of, &f);
        assert_eq!(o.area_denominator_millimu, Some(1_550_000));
        assert_eq!(o.cohort_warning, None);
        let o = eval("planned_2006_completed", as_of, &f);
        assert_eq!(o.denominator, Some(50));
        assert_eq!(o.cohort_warning, None);
    }
    // Nothing is reached before the year's events.
    assert_eq!(
        eval("cohort_2005_land_started", "2006-01-01", &f).numerator,
        Some(0)
    );
}

#[test]
fn year_end_rates_tell_the_story() {
    let f = longwan_2006().facts();
    let a = eval("cohort_2005_land_started", "2006-12-31", &f);
    assert_eq!(
        a.numerator,
        Some(111),
        "about 90%, not all: laggards remain"
    );
    assert!((880..=920).contains(&rate(&a)));
    let b = rate(&eval("expropriated_land_supplied", "2006-12-31", &f));
    assert!((850..=930).contains(&b), "8b {b}");
    let c = rate(&eval("land_supplied_2006_started", "2006-12-31", &f));
    assert!((750..=850).contains(&c), "8c {c}");
    let o = eval("planned_2006_completed", "2006-12-31", &f);
    assert!((850..=920).contains(&rate(&o)), "8d {}", rate(&o));
}

#[test]
fn mid_year_lags_time_progress() {
    let f = longwan_2006().facts();
    for code in RATES {
        let o = eval(code, "2006-06-30", &f);
        assert_eq!(o.status, Status::Behind, "{code}");
        assert!(rate(&o) < rate(&eval(code, "2006-12-31", &f)), "{code}");
    }
    let o = eval("tech_renovation_approvals", "2006-06-30", &f);
    assert_eq!(o.status, Status::Behind);
    let o = eval("industrial_investment", "2006-06-30", &f);
    assert_eq!(o.status, Status::Behind);
}

#[test]
fn key_projects_and_tech_renovation_approvals() {
    let f = longwan_2006().facts();
    assert_eq!(count(&eval("key_projects_reserved", "2006-06-30", &f)), 5);
    assert_eq!(count(&eval("key_projects_reserved", "2006-12-31", &f)), 12);
    assert_eq!(
        count(&eval("tech_renovation_approvals", "2006-06-30", &f)),
        22
    );
    assert_eq!(
        count(&eval("tech_renovation_approvals", "2006-12-31", &f)),
        55
    );
}

#[test]
fn investment_reaches_the_target_by_december() {
    let data = longwan_2006();
    let f = data.facts();
    let year = yuan(&eval("industrial_investment", "2006-12-31", &f));
    assert!((2_200_000_000..=2_400_000_000).contains(&year), "{year}");
    let half = yuan(&eval("industrial_investment", "2006-06-30", &f));
    assert!(
        half * 100 / year < 50,
        "slower first half: {half} of {year}"
    );
    // Spring Festival: January and February are the slowest months.
    let month = |m| -> i64 {
        data.progress
            .iter()
            .filter(|r| {
                r.1 == Period {
                    year: 2006,
                    month: m,
                }
            })
            .map(|r| r.2)
            .sum()
    };
    assert!(month(2) < month(1) && month(1) < month(3));
    // 2005 rows exist for the projects building then.
    assert!(data.progress.iter().any(|r| r.1.year == 2005));
    assert!(data.progress.iter().all(|r| r.2 > 0 && r.2 % 10_000 == 0));
}

#[test]
fn every_record_passes_its_check_and_links_up() {
    let data = longwan_2006();
    let end = d("2006-12-31");
    let mut codes = HashSet::new();
    for p in &data.projects {
        assert!(p.check().is_empty(), "{}: {:?}", p.code, p.check());
        assert!(codes.insert(p.code.clone()), "duplicate {}", p.code);
        assert_eq!(check_code(&p.code).as_deref(), Ok(p.code.as_str()));
        assert!(
            p.dates.actual.iter().flatten().all(|a| *a <= end),
            "{}",
            p.code
        );
        assert!(p.enterprise_credit_code.is_empty() && !p.enterprise_name.is_empty());
        assert!((5_000_000..=300_000_000).contains(&p.planned_investment_yuan));
        assert!(p.responsible_phone.starts_with("0577-86") && p.responsible_phone.len() == 13);
        assert!(p.status_on.is_none_or(|s| s <= end));
    }
    let mut parcel_codes = HashSet::new();
    for x in &data.parcels {
        assert!(x.check().is_empty(), "{}: {:?}", x.code, x.check());
        assert!(parcel_codes.insert(x.code.clone()), "duplicate {}", x.code);
        if let Some(on) = x.supplied_on {
            let p = data
                .projects
                .iter()
                .find(|p| p.code == x.project_code)
                .unwrap();
            assert_eq!(p.dates.actual(Milestone::LandSupplied), Some(on));
            assert_eq!(p.land_area_millimu, x.area_millimu);
            assert_eq!(p.township_code, x.township_code);
        }
    }
    for (code, period, _, note) in &data.progress {
        let p = data.projects.iter().find(|p| &p.code == code).unwrap();
        let start = p.dates.actual(Milestone::Started).unwrap();
        assert!(*period >= Period::of(start) && period.year >= 2005 && period.year <= 2006);
        assert!(!note.is_empty());
    }
    assert!((250..=450).contains(&data.projects.len()));
    assert!((60..=120).contains(&data.parcels.len()));
}

#[test]
fn realistic_places_units_and_years() {
    let data = longwan_2006();
    let places = [
        "yongzhong",
        "puzhou",
        "haibin",
        "yongxing",
        "haicheng",
        "zhuangyuan",
        "yaoxi",
        "shacheng",
        "tianhe",
        "lingkun",
        "etdz",
    ];
    let units = ["drc", "economy", "land", "construction", "science"];
    let mut seen = HashSet::new();
    for p in &data.projects {
        assert!(places.contains(&p.township_code.as_str()));
        assert!(
            units.contains(&p.responsible_unit_code.as_str())
                || p.responsible_unit_code == p.township_code
        );
        seen.insert(p.township_code.as_str());
        if p.kind == ProjectKind::TechRenovation {
            assert!(p.code.starts_with("JG") && p.name.ends_with("技术改造项目"));
        } else {
            assert!(p.code.starts_with("LW") && p.name.contains("年产"));
        }
        assert!(matches!(
            p.planned_completion_year,
            None | Some(2006..=2008)
        ));
    }
    assert_eq!(seen.len(), places.len(), "every place has projects");
    let planned_2006 = data
        .projects
        .iter()
        .filter(|p| p.planned_completion_year == Some(2006))
        .count();
    assert_eq!(planned_2006, 50);
    assert!(data.projects.iter().any(|p| !p.variance_note.is_empty()));
}

#[test]
fn suspended_and_cancelled_projects_stay_in_their_cohorts() {
    let data = longwan_2006();
    let f = data.facts();
    let halted: HashSet<i64> = data
        .projects
        .iter()
        .enumerate()
        .filter(|(_, p)| p.status != ProjectStatus::Active)
        .map(|(i, _)| i as i64 + 1)
        .collect();
    assert!((4..=10).contains(&halted.len()));
    assert!(
        data.projects
            .iter()
            .any(|p| p.status == ProjectStatus::Cancelled)
    );
    for code in [
        "cohort_2005_land_started",
        "land_supplied_2006_started",
        "planned_2006_completed",
    ] {
        let o = eval(code, "2006-12-31", &f);
        assert!(o.members.iter().any(|id| halted.contains(id)), "{code}");
    }
}

/// Its speed is measured by `tuijin bench` (a timed test would be flaky).
#[test]
fn deterministic() {
    assert_eq!(longwan_2006(), longwan_2006());
}
