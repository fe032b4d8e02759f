//! The fast path against the reference engine: on varied generated facts
//! (unknown townships and enterprises, zero and negative figures, enterprises
//! switching above-size status between years, dates on S, on A and on month
//! boundaries, empty cohorts, zero bases) every outcome and every breakdown
//! must be equal, also after writes applied to facts kept in memory.

use super::fast::Aggregates;
use super::live::MonthFigures;
use super::*;
use crate::campaign::template::builtin;
use crate::campaign::{CountOf, EnterpriseScope, StatMeasure, TargetValue, ValueUnit};
use crate::enterprises::{BrandLevel, BrandStatus};
use crate::projects::Period;

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
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    /// A date in 2004..2008 (edges often), or none.
    fn date(&mut self) -> Option<NaiveDate> {
        const EDGES: [&str; 10] = [
            "2005-12-31",
            "2006-01-01",
            "2006-01-31",
            "2006-02-01",
            "2006-02-28",
            "2006-03-01",
            "2006-06-30",
            "2006-07-01",
            "2006-12-31",
            "2007-01-01",
        ];
        match self.below(10) {
            0 | 1 => None,
            2 | 3 => Some(EDGES[self.below(10) as usize].parse().unwrap()),
            _ => Some(
                NaiveDate::from_ymd_opt(2004, 6, 1).unwrap()
                    + chrono::Duration::days(self.below(1000) as i64),
            ),
        }
    }
}

const TOWNS: [&str; 4] = ["t1", "t2", "t3", ""];
const UNITS: [&str; 4] = ["u1", "u2", "t1", ""];

fn stat(e: i64, y: i32, m: u32, o: i64, s: i64) -> StatFacts {
    StatFacts {
        enterprise_id: e,
        period: Period { year: y, month: m },
        output_value_yuan: o,
        sales_value_yuan: s,
    }
}

fn generate(seed: u64) -> Facts {
    let mut r = Rng(seed);
    let mut f = Facts::default();
    let n = 1 + r.below(60) as i64;
    for id in 1..=n {
        f.projects.push(ProjectFacts {
            id,
            kind: Some(if r.chance(40) {
                ProjectKind::TechRenovation
            } else {
                ProjectKind::Industrial
            }),
            key_project: r.chance(50),
            land_area_millimu: r.below(5000) as i64,
            reserved_on: r.date(),
            approved_on: r.date(),
            land_supplied_on: r.date(),
            started_on: r.date(),
            in_production_on: r.date(),
            planned_completion_year: [None, Some(2005), Some(2006), Some(2007)]
                [r.below(4) as usize],
            township: r.pick(&TOWNS).into(),
            unit: r.pick(&UNITS).into(),
        });
        for _ in 0..r.below(5) {
            f.investments.push(InvestmentFacts {
                // Sometimes a project that is not loaded.
                project_id: id + if r.chance(5) { 1000 } else { 0 },
                period: Period {
                    year: 2005 + r.below(3) as i32,
                    month: 1 + r.below(12) as u32,
                },
                yuan: r.below(1000) as i64,
            });
        }
    }
    for id in 1..=r.below(30) as i64 {
        f.parcels.push(ParcelFacts {
            id,
            area_millimu: r.below(3000) as i64,
            expropriated_on: r.date(),
            supplied_on: r.date(),
            township: r.pick(&TOWNS).into(),
        });
    }
    let ne = r.below(80) as i64;
    for id in 1..=ne {
        // Some enterprises are not registered: their statistics count in
        // "all" but not above size, under no township.
        if !r.chance(90) {
            continue;
        }
        let mut years = Vec::new();
        for y in [2005, 2006, 2007] {
            if r.chance(50) {
                years.push(y);
            }
        }
        f.enterprises.push(EnterpriseFacts {
            id,
            above_scale_years: years,
            township: r.pick(&TOWNS).into(),
        });
    }
    let threshold = 1000;
    for id in 1..=ne {
        for y in [2005, 2006, 2007] {
            if r.chance(30) {
                continue;
            }
            for m in 1..=12 {
                if r.chance(30) {
                    continue;
                }
                let big = if r.chance(10) { threshold / 2 } else { 0 };
                let neg = if r.chance(3) { -300 } else { 0 };
                f.stats.push(stat(
                    id,
                    y,
                    m,
                    r.below(100) as i64 * i64::from(!r.chance(20)),
                    r.below(200) as i64 + big + neg,
                ));
            }
        }
    }
    for id in 1..=r.below(6) as i64 {
        f.brands.push(BrandFacts {
            id,
            level: BrandLevel::ALL[r.below(4) as usize],
            status: BrandStatus::ALL[r.below(4) as usize],
            granted_on: r.date(),
        });
    }
    f
}

/// The template's targets plus variants the template does not use.
fn formulas() -> Vec<(Formula, TargetValue)> {
    let mut v: Vec<(Formula, TargetValue)> = builtin("longwan-2006")
        .unwrap()
        .targets
        .into_iter()
        .map(|t| (t.formula, t.value))
        .collect();
    let ratio = TargetValue {
        unit: ValueUnit::Ratio,
        value: 1000,
    };
    for measure in [StatMeasure::OutputValue, StatMeasure::SalesValue] {
        for scope in [EnterpriseScope::All, EnterpriseScope::AboveScale] {
            v.push((Formula::Growth { measure, scope }, ratio));
        }
    }
    for t in [Some(0), Some(1000), Some(1), None] {
        v.push((
            Formula::Count {
                of: CountOf::EnterprisesSalesAtLeast,
                threshold_yuan: t,
            },
            TargetValue {
                unit: ValueUnit::Count,
                value: 3,
            },
        ));
    }
    v
}

fn as_of_dates(seed: u64) -> Vec<NaiveDate> {
    let mut r = Rng(seed ^ 0xabc);
    let mut v: Vec<NaiveDate> = [
        "2005-06-01",
        "2006-01-01",
        "2006-01-31",
        "2006-02-01",
        "2006-02-28",
        "2006-03-01",
        "2006-06-30",
        "2006-12-31",
        "2007-03-01",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    for _ in 0..3 {
        v.push(
            NaiveDate::from_ymd_opt(2006, 1, 1).unwrap()
                + chrono::Duration::days(r.below(365) as i64),
        );
    }
    v
}

/// Everything but the record lists, which the fast path leaves empty.
fn figures(o: &Outcome) -> String {
    let mut o = o.clone();
    o.members.clear();
    o.reached.clear();
    format!("{o:?}")
}

fn assert_same(reference: &Facts, fast_facts: &Facts, seed: u64) {
    let all = formulas();
    let fs: Vec<Formula> = all.iter().map(|(f, _)| f.clone()).collect();
    let agg = Aggregates::build(fast_facts, 2006, &fs);
    for a in as_of_dates(seed) {
        for (f, t) in &all {
            let want = evaluate(f, *t, 2006, a, reference);
            let got = agg.outcome(f, *t, a);
            assert_eq!(figures(&got), figures(&want), "seed {seed}, {f:?} at {a}");
            for dim in [Dimension::Township, Dimension::Unit] {
                assert_eq!(
                    agg.breakdown(f, *t, a, dim),
                    breakdown(f, *t, 2006, a, reference, dim),
                    "seed {seed}, {f:?} by {dim:?} at {a}"
                );
            }
        }
    }
}

#[test]
fn the_fast_path_equals_the_reference_engine() {
    assert_same(&Facts::default(), &Facts::default(), 0);
    for seed in 1..150 {
        let f = generate(seed);
        assert_same(&f, &f, seed);
    }
}

#[test]
fn zero_bases_and_no_statistics_give_the_same_notes() {
    let mut f = generate(7);
    f.stats.retain(|s| s.period.year != 2005);
    assert_same(&f, &f, 7);
    let mut f = generate(8);
    f.stats.clear();
    assert_same(&f, &f, 8);
}

/// Builds facts as a fresh load would give them.
fn fresh(mut f: Facts) -> Facts {
    f.folded = Default::default();
    f.enterprises.sort_by_key(|e| e.id);
    f
}

#[test]
fn writes_applied_in_memory_equal_a_fresh_load() {
    for seed in 1..60 {
        let mut r = Rng(seed * 31);
        let before = generate(seed);
        let mut live = before.clone();
        live.fold_and_drop_rows();
        let mut after = before.clone();

        // A month of statistics sent again: some revised, some new, some gone.
        let period = Period {
            year: [2005, 2006, 2007][r.below(3) as usize],
            month: 1 + r.below(12) as u32,
        };
        let mut month: Vec<MonthFigures> = Vec::new();
        after.stats.retain(|s| s.period != period || r.chance(80));
        for s in after.stats.iter_mut().filter(|s| s.period == period) {
            if r.chance(50) {
                s.output_value_yuan += 7;
                s.sales_value_yuan = 5000;
            }
        }
        for id in 1..5 {
            if !after
                .stats
                .iter()
                .any(|s| s.enterprise_id == id && s.period == period)
            {
                after
                    .stats
                    .push(stat(id, period.year, period.month, 11, 2000));
            }
        }
        for s in after.stats.iter().filter(|s| s.period == period) {
            month.push(MonthFigures {
                enterprise_id: s.enterprise_id,
                output_value_yuan: s.output_value_yuan,
                sales_value_yuan: s.sales_value_yuan,
            });
        }
        live.set_stats_month(period, &month);

        // A few enterprises' figures of another month: revised, removed, new.
        let other = Period {
            year: 2006,
            month: 1 + r.below(12) as u32,
        };
        if other != period {
            let ids = [1i64, 2, 3, 600];
            after.stats.retain(|s| {
                !(s.period == other && (s.enterprise_id == 2 || s.enterprise_id == 600))
            });
            for id in [1i64, 3] {
                after
                    .stats
                    .retain(|s| !(s.period == other && s.enterprise_id == id));
                after
                    .stats
                    .push(stat(id, other.year, other.month, 5 * id, 1_000_000 + id));
            }
            let rows: Vec<MonthFigures> = after
                .stats
                .iter()
                .filter(|s| s.period == other && ids.contains(&s.enterprise_id))
                .map(|s| MonthFigures {
                    enterprise_id: s.enterprise_id,
                    output_value_yuan: s.output_value_yuan,
                    sales_value_yuan: s.sales_value_yuan,
                })
                .collect();
            live.set_stats_of(other, &ids, &rows);
        }

        // Enterprises change township or above-size years; one is new.
        let mut changed = Vec::new();
        for e in after.enterprises.iter_mut() {
            if r.chance(20) {
                e.township = r.pick(&TOWNS).into();
                e.above_scale_years = if r.chance(50) { vec![2006] } else { vec![2005] };
                changed.push(e.clone());
            }
        }
        let new = EnterpriseFacts {
            id: 500,
            above_scale_years: vec![2005, 2006],
            township: "t9".into(),
        };
        after.enterprises.push(new.clone());
        after.stats.push(stat(500, 2006, 1, 3, 3));
        after.stats.push(stat(500, 2005, 1, 2, 2));
        changed.push(new);
        live.upsert_enterprises(changed);
        live.set_stats_month(
            Period {
                year: 2006,
                month: 1,
            },
            &after
                .stats
                .iter()
                .filter(|s| s.period.year == 2006 && s.period.month == 1)
                .map(|s| MonthFigures {
                    enterprise_id: s.enterprise_id,
                    output_value_yuan: s.output_value_yuan,
                    sales_value_yuan: s.sales_value_yuan,
                })
                .collect::<Vec<_>>(),
        );
        live.set_stats_month(
            Period {
                year: 2005,
                month: 1,
            },
            &after
                .stats
                .iter()
                .filter(|s| s.period.year == 2005 && s.period.month == 1)
                .map(|s| MonthFigures {
                    enterprise_id: s.enterprise_id,
                    output_value_yuan: s.output_value_yuan,
                    sales_value_yuan: s.sales_value_yuan,
                })
                .collect::<Vec<_>>(),
        );

        // Projects change dates and townships, with new investment; one is new.
        let mut projects = Vec::new();
        for p in after.projects.iter_mut() {
            if r.chance(25) {
                p.started_on = r.date();
                p.land_supplied_on = r.date();
                p.township = r.pick(&TOWNS).into();
                p.unit = r.pick(&UNITS).into();
                projects.push(p.clone());
            }
        }
        let np = ProjectFacts {
            id: 900,
            key_project: true,
            reserved_on: Some("2006-02-01".parse().unwrap()),
            township: "t2".into(),
            ..Default::default()
        };
        after.projects.push(np.clone());
        projects.push(np);
        let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
        after.investments.retain(|i| !ids.contains(&i.project_id));
        let mut inv = Vec::new();
        for id in &ids {
            inv.push(InvestmentFacts {
                project_id: *id,
                period: Period {
                    year: 2006,
                    month: 1 + r.below(12) as u32,
                },
                yuan: 77,
            });
        }
        after.investments.extend(inv.clone());
        live.upsert_projects(projects, inv);

        // Parcels and brands.
        let mut parcels = Vec::new();
        for p in after.parcels.iter_mut() {
            if r.chance(30) {
                p.supplied_on = r.date();
                parcels.push(p.clone());
            }
        }
        live.upsert_parcels(parcels);
        after.brands.push(BrandFacts {
            id: 99,
            level: BrandLevel::ChinaWellKnown,
            status: BrandStatus::Granted,
            granted_on: Some("2006-05-01".parse().unwrap()),
        });
        live.set_brands(after.brands.clone());

        let reference = fresh(after);
        assert_same(&reference, &live, seed);
        // The in-memory facts also drive the reference engine (drill-downs).
        assert_same(&reference, &reference, seed);
        for (f, t) in formulas() {
            let a: NaiveDate = "2006-08-15".parse().unwrap();
            let mut x = evaluate(&f, t, 2006, a, &live);
            let mut y = evaluate(&f, t, 2006, a, &reference);
            x.members.sort_unstable();
            y.members.sort_unstable();
            x.reached.sort_unstable();
            y.reached.sort_unstable();
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "seed {seed} {f:?}");
        }
    }
}

#[test]
fn sums_of_huge_amounts_stop_at_the_maximum_instead_of_wrapping() {
    let inv = |id, m| InvestmentFacts {
        project_id: id,
        period: Period {
            year: 2006,
            month: m,
        },
        yuan: i64::MAX,
    };
    let f = Facts {
        investments: vec![inv(1, 1), inv(2, 2), inv(3, 2)],
        stats: vec![
            stat(1, 2006, 1, i64::MAX, i64::MAX),
            stat(1, 2006, 2, i64::MAX, i64::MAX),
            stat(2, 2006, 1, i64::MAX, i64::MAX),
            stat(1, 2005, 1, 1, 1),
        ],
        ..Default::default()
    };
    let a: NaiveDate = "2006-03-31".parse().unwrap();
    let all = formulas();
    let fs: Vec<Formula> = all.iter().map(|(f, _)| f.clone()).collect();
    let agg = Aggregates::build(&f, 2006, &fs);
    let mut sums = 0;
    for (formula, t) in &all {
        let want = evaluate(formula, *t, 2006, a, &f);
        assert_eq!(figures(&agg.outcome(formula, *t, a)), figures(&want));
        for v in [want.numerator, want.denominator].into_iter().flatten() {
            assert!(v >= 0, "{formula:?}: {v} wrapped");
        }
        match want.actual {
            Some(Actual::Yuan(y)) => {
                assert_eq!(y, i64::MAX, "{formula:?}");
                sums += 1;
            }
            Some(Actual::Ratio { num, den }) => assert!(num >= 0 && den > 0, "{formula:?}"),
            _ => {}
        }
        for dim in [Dimension::Township, Dimension::Unit] {
            for part in breakdown(formula, *t, 2006, a, &f, dim) {
                if let Some(Actual::Yuan(y)) = part.actual {
                    assert!(y >= 0, "{formula:?} by {dim:?}: {y} wrapped");
                }
            }
        }
    }
    assert!(sums > 0, "no summed target among the formulas");
}
