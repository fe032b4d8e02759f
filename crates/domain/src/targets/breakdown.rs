//! A target's figure split by township or by responsible unit: the same
//! records as `evaluate`, grouped, so the parts add up to the whole. Where a
//! part can be judged on its own (rates and growth against the target), the
//! parts below the target are the laggards.

use super::{Actual, Facts, Outcome, Subject, evaluate};
use crate::campaign::{Formula, TargetValue, ValueUnit};
use crate::projects::Period;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// How to split a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Township,
    /// The responsible unit of projects (parcels and enterprises have none).
    Unit,
}

/// One group's part of a figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The township's or unit's code ("" for records without one).
    pub group: String,
    pub actual: Option<Actual>,
    /// For rates: reached and cohort counts (or areas when the rate is by area);
    /// for growth: this year's and last year's sums.
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// Below the target, where a part can be judged on its own.
    pub lagging: bool,
}

/// Splits a target's outcome by `dim`; empty when the dimension does not apply
/// (e.g. parcels by unit). Parts are ranked best first.
pub fn breakdown(
    formula: &Formula,
    target: TargetValue,
    year: i32,
    as_of: NaiveDate,
    facts: &Facts,
    dim: Dimension,
) -> Vec<Part> {
    let key: HashMap<i64, &str> = match (subject_of(formula), dim) {
        (Subject::Projects, Dimension::Township) => facts
            .projects
            .iter()
            .map(|p| (p.id, p.township.as_str()))
            .collect(),
        (Subject::Projects, Dimension::Unit) => facts
            .projects
            .iter()
            .map(|p| (p.id, p.unit.as_str()))
            .collect(),
        (Subject::Parcels, Dimension::Township) => facts
            .parcels
            .iter()
            .map(|p| (p.id, p.township.as_str()))
            .collect(),
        (Subject::Enterprises, Dimension::Township) => facts
            .enterprises
            .iter()
            .map(|e| (e.id, e.township.as_str()))
            .collect(),
        _ => return vec![],
    };
    let group = |id: &i64| key.get(id).copied().unwrap_or("").to_string();
    let mut parts: Vec<Part> = match formula {
        Formula::Growth { .. } => {
            super::enterprise_breakdown(formula, year, as_of, facts, |id| group(&id))
                .into_iter()
                .map(|g| {
                    let actual = g.growth().map(|(num, den)| Actual::Ratio { num, den });
                    Part {
                        group: g.group,
                        actual,
                        numerator: Some(g.current),
                        denominator: Some(g.base),
                        lagging: false,
                    }
                })
                .collect()
        }
        Formula::Sum { .. } => {
            let last = Period::of(as_of.clamp(
                NaiveDate::from_ymd_opt(year, 1, 1).expect("year"),
                NaiveDate::from_ymd_opt(year, 12, 31).expect("year"),
            ));
            let mut sums: BTreeMap<String, i64> = BTreeMap::new();
            for i in facts
                .investments
                .iter()
                .filter(|i| i.period.year == year && i.period <= last)
            {
                let sum = sums.entry(group(&i.project_id)).or_default();
                *sum = sum.saturating_add(i.yuan);
            }
            sums.into_iter()
                .map(|(g, v)| Part {
                    group: g,
                    actual: Some(Actual::Yuan(v)),
                    numerator: None,
                    denominator: None,
                    lagging: false,
                })
                .collect()
        }
        Formula::Count { .. } => {
            let o: Outcome = evaluate(formula, target, year, as_of, facts);
            let mut counts: BTreeMap<String, i64> = BTreeMap::new();
            for id in &o.members {
                *counts.entry(group(id)).or_default() += 1;
            }
            counts
                .into_iter()
                .map(|(g, v)| Part {
                    group: g,
                    actual: Some(Actual::Count(v)),
                    numerator: None,
                    denominator: None,
                    lagging: false,
                })
                .collect()
        }
        Formula::CohortRate { cohort, .. } => {
            let o: Outcome = evaluate(formula, target, year, as_of, facts);
            let by_area = cohort.basis() == crate::campaign::RateBasis::Area;
            let weight: HashMap<i64, i64> = if by_area {
                facts
                    .parcels
                    .iter()
                    .map(|p| (p.id, p.area_millimu))
                    .collect()
            } else {
                o.members.iter().map(|id| (*id, 1)).collect()
            };
            let reached: std::collections::HashSet<i64> = o.reached.iter().copied().collect();
            let mut acc: BTreeMap<String, (i64, i64)> = BTreeMap::new();
            for id in &o.members {
                let w = weight.get(id).copied().unwrap_or(0);
                let e = acc.entry(group(id)).or_default();
                e.1 = e.1.saturating_add(w);
                if reached.contains(id) {
                    e.0 = e.0.saturating_add(w);
                }
            }
            acc.into_iter()
                .map(|(g, (n, d))| Part {
                    group: g,
                    actual: (d != 0).then_some(Actual::Ratio { num: n, den: d }),
                    numerator: Some(n),
                    denominator: Some(d),
                    lagging: false,
                })
                .collect()
        }
    };
    finish(&mut parts, target);
    parts
}

/// Judges the parts against the target and ranks them best first.
pub(super) fn finish(parts: &mut [Part], target: TargetValue) {
    for p in parts.iter_mut() {
        // Rates and growth are judged against the target, exactly.
        if let (Some(Actual::Ratio { num, den }), ValueUnit::Ratio) = (p.actual, target.unit) {
            p.lagging = (num as i128) * 10_000 < target.value as i128 * den as i128;
        }
    }
    parts.sort_by(|a, b| {
        rank(b)
            .partial_cmp(&rank(a))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.group.cmp(&b.group))
    });
}

/// The records a formula is computed from.
pub fn subject_of(formula: &Formula) -> Subject {
    use crate::campaign::{Cohort, CountOf};
    match formula {
        Formula::Growth { .. }
        | Formula::Count {
            of: CountOf::EnterprisesSalesAtLeast,
            ..
        } => Subject::Enterprises,
        Formula::Count {
            of: CountOf::ChinaWellKnownGranted,
            ..
        } => Subject::Brands,
        Formula::CohortRate {
            cohort: Cohort::ExpropriatedNotSupplied,
            ..
        } => Subject::Parcels,
        _ => Subject::Projects,
    }
}

fn rank(p: &Part) -> f64 {
    p.actual.map(Actual::as_f64).unwrap_or(f64::NEG_INFINITY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::template::builtin;
    use crate::targets::{InvestmentFacts, ParcelFacts, ProjectFacts};

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

    fn p(id: i64, town: &str, unit: &str) -> ProjectFacts {
        ProjectFacts {
            id,
            township: town.into(),
            unit: unit.into(),
            land_area_millimu: 1000,
            ..Default::default()
        }
    }

    #[test]
    fn cohort_rates_split_by_township_and_unit_add_up() {
        let f = Facts {
            projects: vec![
                ProjectFacts {
                    land_supplied_on: Some(d("2006-02-01")),
                    started_on: Some(d("2006-03-01")),
                    ..p(1, "a", "drc")
                },
                ProjectFacts {
                    land_supplied_on: Some(d("2006-02-01")),
                    ..p(2, "a", "land")
                },
                ProjectFacts {
                    land_supplied_on: Some(d("2006-02-01")),
                    started_on: Some(d("2006-03-01")),
                    ..p(3, "b", "land")
                },
            ],
            ..Default::default()
        };
        let (formula, value) = target("land_supplied_2006_started");
        let by_town = breakdown(
            &formula,
            value,
            2006,
            d("2006-06-30"),
            &f,
            Dimension::Township,
        );
        assert_eq!(by_town.len(), 2);
        assert_eq!(
            (
                by_town[0].group.as_str(),
                by_town[0].numerator,
                by_town[0].denominator,
                by_town[0].lagging
            ),
            ("b", Some(1), Some(1), false)
        );
        assert_eq!(
            (
                by_town[1].group.as_str(),
                by_town[1].numerator,
                by_town[1].denominator,
                by_town[1].lagging
            ),
            ("a", Some(1), Some(2), true),
            "50% < 80%"
        );
        let by_unit = breakdown(&formula, value, 2006, d("2006-06-30"), &f, Dimension::Unit);
        assert_eq!(
            by_unit.iter().map(|p| p.denominator.unwrap()).sum::<i64>(),
            3
        );
    }

    #[test]
    fn the_subject_of_every_template_target_matches_evaluate() {
        for t in builtin("longwan-2006").unwrap().targets {
            let o = evaluate(
                &t.formula,
                t.value,
                2006,
                d("2006-06-30"),
                &Facts::default(),
            );
            assert_eq!(subject_of(&t.formula), o.subject, "{}", t.code);
        }
    }

    #[test]
    fn land_by_area_and_investment_by_township() {
        let parcel = |id, town: &str, area, s: Option<&str>| ParcelFacts {
            id,
            area_millimu: area,
            expropriated_on: Some(d("2005-01-01")),
            supplied_on: s.map(d),
            township: town.into(),
        };
        let f = Facts {
            parcels: vec![
                parcel(1, "a", 900, Some("2006-02-01")),
                parcel(2, "a", 100, None),
                parcel(3, "b", 500, None),
            ],
            projects: vec![p(1, "a", "drc"), p(2, "b", "drc")],
            investments: vec![
                InvestmentFacts {
                    project_id: 1,
                    period: Period {
                        year: 2006,
                        month: 1,
                    },
                    yuan: 10,
                },
                InvestmentFacts {
                    project_id: 2,
                    period: Period {
                        year: 2006,
                        month: 2,
                    },
                    yuan: 30,
                },
                InvestmentFacts {
                    project_id: 2,
                    period: Period {
                        year: 2006,
                        month: 7,
                    },
                    yuan: 99,
                },
            ],
            ..Default::default()
        };
        let (formula, value) = target("expropriated_land_supplied");
        let parts = breakdown(
            &formula,
            value,
            2006,
            d("2006-06-30"),
            &f,
            Dimension::Township,
        );
        assert_eq!(
            (
                parts[0].group.as_str(),
                parts[0].numerator,
                parts[0].denominator
            ),
            ("a", Some(900), Some(1000))
        );
        assert!(!parts[0].lagging, "90% meets 90%");
        assert!(parts[1].lagging);
        assert!(
            breakdown(&formula, value, 2006, d("2006-06-30"), &f, Dimension::Unit).is_empty(),
            "parcels have no unit"
        );
        let (formula, value) = target("industrial_investment");
        let parts = breakdown(
            &formula,
            value,
            2006,
            d("2006-06-30"),
            &f,
            Dimension::Township,
        );
        assert_eq!(
            parts
                .iter()
                .map(|p| (p.group.as_str(), p.actual))
                .collect::<Vec<_>>(),
            [("b", Some(Actual::Yuan(30))), ("a", Some(Actual::Yuan(10)))]
        );
    }
}
