//! The dashboard's fast path: the facts folded once into small aggregates for
//! one campaign year (per township and unit: monthly sums, day-by-day counts
//! and cohort histograms), so every target and its breakdowns at any as-of
//! date are sums over a few hundred numbers instead of a scan of millions of
//! rows. The figures are exactly those of `evaluate` and `breakdown` (the
//! reference engine, which stays the oracle: see the tests below); only the
//! record lists (`members`, `reached`) are left empty: drill-downs compute
//! them on the reference path when someone asks for one.

use super::breakdown::{Dimension, Part, finish, subject_of};
use super::{Actual, Facts, Outcome, Status, Subject, judge};
use crate::campaign::{
    Cohort, CountOf, EnterpriseScope, Formula, RateBasis, StatMeasure, TargetValue, time_progress,
};
use crate::enterprises::{BrandLevel, BrandStatus};
use crate::projects::ProjectKind;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// Index of a day in the campaign year: 0 before 1 January, 1..=366 the
/// ordinal, `NEVER` after the year or unset.
const NEVER: usize = 367;
const DAYS: usize = 368;

/// From this many enterprise-years on, they are folded on a second thread
/// (always in this crate's tests, so that both ways are tested).
#[cfg(not(test))]
const PARALLEL_FROM: usize = 50_000;
#[cfg(test)]
const PARALLEL_FROM: usize = 1;

/// Counts and land areas by day of the year, cumulated once built.
#[derive(Debug, Clone)]
struct DayHist {
    count: Vec<i64>,
    area: Vec<i64>,
}

impl DayHist {
    fn new() -> DayHist {
        DayHist {
            count: vec![0; DAYS],
            area: vec![0; DAYS],
        }
    }
    fn add(&mut self, day: usize, area: i64) {
        self.count[day] += 1;
        self.area[day] = self.area[day].saturating_add(area);
    }
    fn cumulate(&mut self) {
        for i in 1..DAYS {
            self.count[i] += self.count[i - 1];
            self.area[i] = self.area[i].saturating_add(self.area[i - 1]);
        }
    }
    /// (count, area) with day index <= `day`.
    fn upto(&self, day: usize) -> (i64, i64) {
        (self.count[day], self.area[day])
    }
    /// (count, area) of every day, NEVER included.
    fn total(&self) -> (i64, i64) {
        (self.count[DAYS - 1], self.area[DAYS - 1])
    }
}

/// Monthly sums of one scope of enterprises in one township and year,
/// cumulated: `x[m-1]` is the sum over months 1..=m.
#[derive(Debug, Clone, Default)]
struct Months {
    output: [i64; 12],
    sales: [i64; 12],
    /// Enterprise-years with a row in months 1..=m.
    present: [i64; 12],
}

impl Months {
    fn cumulate(&mut self) {
        for i in 1..12 {
            self.output[i] = self.output[i].saturating_add(self.output[i - 1]);
            self.sales[i] = self.sales[i].saturating_add(self.sales[i - 1]);
            self.present[i] += self.present[i - 1];
        }
    }
}

/// Sums and row counts by month (cumulated), for investment.
#[derive(Debug, Clone, Default)]
struct Money {
    yuan: [i64; 12],
    rows: [i64; 12],
}

/// One group's (township's or unit's) aggregates.
#[derive(Debug, Clone)]
struct Group {
    /// [slot][scope]: slot 0 the year before, 1 the campaign year; scope 0
    /// all enterprises, 1 those above designated size in the campaign year.
    enterprises: [[Months; 2]; 2],
    /// Per sales threshold (same order as `Aggregates::thresholds`): enterprises
    /// reaching it by month m (cumulated sums are not monotone in general, so
    /// this is a count per month, not a prefix).
    reaching: Vec<[i64; 12]>,
    investment: Money,
    key_reserved: DayHist,
    tech_approved: DayHist,
    /// Cohorts: the members' total and those reached by day.
    supplied_before_reached: DayHist,
    expropriated_reached: DayHist,
    /// Land supplied in the year: members by supply day, reached by
    /// max(supply day, start day).
    supplied_in_year: DayHist,
    supplied_in_year_reached: DayHist,
    planned_reached: DayHist,
}

impl Group {
    fn new(thresholds: usize) -> Group {
        Group {
            enterprises: Default::default(),
            reaching: vec![[0; 12]; thresholds],
            investment: Money::default(),
            key_reserved: DayHist::new(),
            tech_approved: DayHist::new(),
            supplied_before_reached: DayHist::new(),
            expropriated_reached: DayHist::new(),
            supplied_in_year: DayHist::new(),
            supplied_in_year_reached: DayHist::new(),
            planned_reached: DayHist::new(),
        }
    }
    fn cumulate(&mut self) {
        for slot in &mut self.enterprises {
            for scope in slot {
                scope.cumulate();
            }
        }
        for i in 1..12 {
            self.investment.yuan[i] =
                self.investment.yuan[i].saturating_add(self.investment.yuan[i - 1]);
            self.investment.rows[i] += self.investment.rows[i - 1];
        }
        for h in [
            &mut self.key_reserved,
            &mut self.tech_approved,
            &mut self.supplied_before_reached,
            &mut self.expropriated_reached,
            &mut self.supplied_in_year,
            &mut self.supplied_in_year_reached,
            &mut self.planned_reached,
        ] {
            h.cumulate();
        }
    }
}

/// A small, fast string interner for township and unit codes.
#[derive(Default)]
struct Names<'a> {
    index: HashMap<&'a str, u32, Fnv>,
    names: Vec<&'a str>,
}

impl<'a> Names<'a> {
    fn id(&mut self, s: &'a str) -> u32 {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = self.names.len() as u32;
        self.names.push(s);
        self.index.insert(s, i);
        i
    }
}

/// FNV-1a: codes are short and few, so this beats SipHash by far.
#[derive(Default, Clone, Copy)]
struct Fnv;
struct FnvHasher(u64);
impl std::hash::BuildHasher for Fnv {
    type Hasher = FnvHasher;
    fn build_hasher(&self) -> FnvHasher {
        FnvHasher(0xcbf2_9ce4_8422_2325)
    }
}
impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Record id -> a small value; a dense vector when ids are dense (they are
/// database ids), a hash map otherwise. A later duplicate id wins, as in a
/// `HashMap` collected from the same records.
enum IdMap<T: Copy> {
    Dense { min: i64, v: Vec<Option<T>> },
    Sparse(HashMap<i64, T>),
}

impl<T: Copy> IdMap<T> {
    fn new(items: impl Iterator<Item = (i64, T)> + Clone) -> IdMap<T> {
        let (mut min, mut max, mut n) = (i64::MAX, i64::MIN, 0usize);
        for (id, _) in items.clone() {
            min = min.min(id);
            max = max.max(id);
            n += 1;
        }
        if n > 0 && (max - min) as u128 <= 4 * n as u128 + 1024 {
            let mut v = vec![None; (max - min + 1) as usize];
            for (id, t) in items {
                v[(id - min) as usize] = Some(t);
            }
            IdMap::Dense { min, v }
        } else {
            IdMap::Sparse(items.collect())
        }
    }
    fn get(&self, id: i64) -> Option<T> {
        match self {
            IdMap::Dense { min, v } => {
                let i = id.checked_sub(*min)?;
                if i < 0 {
                    return None;
                }
                v.get(i as usize).copied().flatten()
            }
            IdMap::Sparse(m) => m.get(&id).copied(),
        }
    }
}

/// Everything the dashboard of one campaign year needs, by township and unit.
#[derive(Debug, Clone)]
pub struct Aggregates {
    year: i32,
    /// By township (every record is in exactly one, "" when unknown) and by
    /// responsible unit (projects only), indexed like `names`.
    towns: Vec<Group>,
    units: Vec<Group>,
    names: Vec<String>,
    /// The sales thresholds of `enterprises_sales_at_least` counted.
    thresholds: Vec<i64>,
    /// Granted China Well-Known brands by grant day.
    well_known: DayHist,
    has_stats: bool,
}

/// Day index of `d` in `year`.
fn day(d: Option<NaiveDate>, year: i32) -> usize {
    match d {
        None => NEVER,
        Some(d) if d.year() < year => 0,
        Some(d) if d.year() > year => NEVER,
        Some(d) => d.ordinal() as usize,
    }
}

impl Aggregates {
    /// Folds the facts for campaign `year`; `formulas` are the campaign's
    /// (for the sales thresholds to count).
    pub fn build(facts: &Facts, year: i32, formulas: &[Formula]) -> Aggregates {
        let mut thresholds: Vec<i64> = formulas
            .iter()
            .filter_map(|f| match f {
                Formula::Count {
                    of: CountOf::EnterprisesSalesAtLeast,
                    threshold_yuan,
                } => Some(threshold_yuan.unwrap_or(i64::MAX)),
                _ => None,
            })
            .collect();
        thresholds.sort_unstable();
        thresholds.dedup();
        let s = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
        let mut names = Names::default();
        let none = names.id("");
        // Intern every group first, so the groups can be allocated once.
        let p_groups: Vec<(u32, u32)> = facts
            .projects
            .iter()
            .map(|p| (names.id(&p.township), names.id(&p.unit)))
            .collect();
        let l_groups: Vec<u32> = facts
            .parcels
            .iter()
            .map(|p| names.id(&p.township))
            .collect();
        let e_groups: Vec<u32> = facts
            .enterprises
            .iter()
            .map(|e| names.id(&e.township))
            .collect();
        let mut towns = vec![Group::new(thresholds.len()); names.names.len()];
        let mut units = vec![Group::new(0); names.names.len()];

        // Enterprises: township and scope by id. At province scale this is
        // most of the work, so it runs on a second thread beside the projects.
        let enterprise_part = |mut groups: Vec<Group>| -> Vec<Group> {
            let enterprise = IdMap::new(
                facts
                    .enterprises
                    .iter()
                    .zip(&e_groups)
                    .map(|(e, g)| (e.id, (*g, e.above_scale_years.contains(&year)))),
            );
            for ey in facts.enterprise_years() {
                let slot = if ey.year == year {
                    1
                } else if ey.year == year - 1 {
                    0
                } else {
                    continue;
                };
                let (g, above) = enterprise.get(ey.enterprise_id).unwrap_or((none, false));
                let first = ey.months.trailing_zeros() as usize;
                let group = &mut groups[g as usize];
                for scope in 0..=usize::from(above) {
                    let m = &mut group.enterprises[slot][scope];
                    for i in 0..12 {
                        m.output[i] = m.output[i].saturating_add(ey.output[i]);
                        m.sales[i] = m.sales[i].saturating_add(ey.sales[i]);
                    }
                    if first < 12 {
                        m.present[first] += 1;
                    }
                }
                if slot == 1 && !thresholds.is_empty() {
                    let mut sales = 0i64;
                    for i in 0..12 {
                        sales = sales.saturating_add(ey.sales[i]);
                        if i >= first {
                            for (k, t) in thresholds.iter().enumerate() {
                                if sales >= *t {
                                    group.reaching[k][i] += 1;
                                }
                            }
                        }
                    }
                }
            }
            groups
        };
        let many = facts.enterprise_years().len() >= PARALLEL_FROM;
        let fresh = towns.clone();
        let enterprise_part = &enterprise_part;
        std::thread::scope(|scope| {
            let (enterprises, fresh) = if many {
                (Some(scope.spawn(move || enterprise_part(fresh))), None)
            } else {
                (None, Some(fresh))
            };
            // Projects.
            let project = IdMap::new(
                facts
                    .projects
                    .iter()
                    .zip(&p_groups)
                    .map(|(p, g)| (p.id, *g)),
            );
            for (p, (town, unit)) in facts.projects.iter().zip(&p_groups) {
                for group in [&mut towns[*town as usize], &mut units[*unit as usize]] {
                    let a = p.land_area_millimu;
                    if p.key_project && p.reserved_on.is_some_and(|d| d >= s) {
                        group.key_reserved.add(day(p.reserved_on, year), a);
                    }
                    if p.kind == Some(ProjectKind::TechRenovation)
                        && p.approved_on.is_some_and(|d| d >= s)
                    {
                        group.tech_approved.add(day(p.approved_on, year), a);
                    }
                    if p.land_supplied_on.is_some_and(|d| d < s)
                        && p.started_on.is_none_or(|d| d >= s)
                    {
                        group
                            .supplied_before_reached
                            .add(day(p.started_on, year), a);
                    }
                    if p.land_supplied_on.is_some_and(|d| d >= s) {
                        let supplied = day(p.land_supplied_on, year);
                        group.supplied_in_year.add(supplied, a);
                        group
                            .supplied_in_year_reached
                            .add(supplied.max(day(p.started_on, year)), a);
                    }
                    if p.planned_completion_year == Some(year) {
                        group.planned_reached.add(day(p.in_production_on, year), a);
                    }
                }
            }
            for i in &facts.investments {
                if i.period.year != year {
                    continue;
                }
                let (town, unit) = project.get(i.project_id).unwrap_or((none, none));
                let m = i.period.month as usize - 1;
                for inv in [
                    &mut towns[town as usize].investment,
                    &mut units[unit as usize].investment,
                ] {
                    inv.yuan[m] = inv.yuan[m].saturating_add(i.yuan);
                    inv.rows[m] += 1;
                }
            }

            // Parcels.
            for (p, g) in facts.parcels.iter().zip(&l_groups) {
                if p.expropriated_on.is_some_and(|d| d < s) && p.supplied_on.is_none_or(|d| d >= s)
                {
                    towns[*g as usize]
                        .expropriated_reached
                        .add(day(p.supplied_on, year), p.area_millimu);
                }
            }
            let e = match enterprises {
                Some(h) => h.join().expect("enterprise aggregates"),
                None => enterprise_part(fresh.unwrap_or_default()),
            };
            for (t, mut e) in towns.iter_mut().zip(e) {
                t.enterprises = std::mem::take(&mut e.enterprises);
                t.reaching = std::mem::take(&mut e.reaching);
            }
        });

        let mut well_known = DayHist::new();
        for b in &facts.brands {
            if b.level == BrandLevel::ChinaWellKnown
                && b.status == BrandStatus::Granted
                && b.granted_on.is_some_and(|d| d >= s)
            {
                well_known.add(day(b.granted_on, year), 0);
            }
        }
        well_known.cumulate();
        for g in towns.iter_mut().chain(units.iter_mut()) {
            g.cumulate();
        }
        Aggregates {
            year,
            names: names.names.iter().map(|s| s.to_string()).collect(),
            towns,
            units,
            thresholds,
            well_known,
            has_stats: facts.has_stats(),
        }
    }

    /// The campaign year these aggregates are for.
    pub fn year(&self) -> i32 {
        self.year
    }

    fn clamp(&self, as_of: NaiveDate) -> NaiveDate {
        as_of.clamp(
            NaiveDate::from_ymd_opt(self.year, 1, 1).expect("valid year"),
            NaiveDate::from_ymd_opt(self.year, 12, 31).expect("valid year"),
        )
    }

    /// The groups of `dim` for this formula's subject; None when the
    /// dimension does not apply (parcels and enterprises have no unit).
    fn groups_of(&self, formula: &Formula, dim: Dimension) -> Option<&[Group]> {
        match (subject_of(formula), dim) {
            (Subject::Projects, Dimension::Township)
            | (Subject::Parcels, Dimension::Township)
            | (Subject::Enterprises, Dimension::Township) => Some(&self.towns),
            (Subject::Projects, Dimension::Unit) => Some(&self.units),
            _ => None,
        }
    }

    /// One group's raw figure for a formula at `a`, as the reference
    /// breakdown would build it before judging: None when the group has no
    /// record in the figure.
    fn figure(&self, formula: &Formula, a: NaiveDate, g: &Group) -> Figure {
        let m = a.month() as usize - 1;
        let d = a.ordinal() as usize;
        match formula {
            Formula::Growth { measure, scope } => {
                let sc = usize::from(*scope == EnterpriseScope::AboveScale);
                let (cur, base) = (&g.enterprises[1][sc], &g.enterprises[0][sc]);
                let v = |x: &Months| match measure {
                    StatMeasure::OutputValue => x.output[m],
                    StatMeasure::SalesValue => x.sales[m],
                };
                Figure::Growth {
                    present: cur.present[m] + base.present[m],
                    cur: v(cur),
                    base: v(base),
                }
            }
            Formula::Count {
                of: CountOf::EnterprisesSalesAtLeast,
                threshold_yuan,
            } => {
                let t = threshold_yuan.unwrap_or(i64::MAX);
                let k = self.thresholds.iter().position(|x| *x == t);
                Figure::Count(k.map(|k| g.reaching[k][m]).unwrap_or(0))
            }
            Formula::Count {
                of: CountOf::ChinaWellKnownGranted,
                ..
            } => Figure::Count(0),
            Formula::Sum { .. } => Figure::Sum {
                rows: g.investment.rows[m],
                yuan: g.investment.yuan[m],
            },
            Formula::Count { of, .. } => Figure::Count(match of {
                CountOf::KeyProjectsReserved => g.key_reserved.upto(d).0,
                CountOf::TechRenovationApproved => g.tech_approved.upto(d).0,
                _ => 0,
            }),
            Formula::CohortRate { cohort, .. } => {
                let (total, reached) = match cohort {
                    Cohort::LandSuppliedBeforeYearNotStarted => (
                        g.supplied_before_reached.total(),
                        g.supplied_before_reached.upto(d),
                    ),
                    Cohort::ExpropriatedNotSupplied => (
                        g.expropriated_reached.total(),
                        g.expropriated_reached.upto(d),
                    ),
                    Cohort::LandSuppliedInYear => (
                        g.supplied_in_year.upto(d),
                        g.supplied_in_year_reached.upto(d),
                    ),
                    Cohort::PlannedCompletionInYear => {
                        (g.planned_reached.total(), g.planned_reached.upto(d))
                    }
                };
                Figure::Cohort { total, reached }
            }
        }
    }

    /// A target's outcome at `as_of`, exactly as `evaluate` computes it,
    /// without the record lists.
    pub fn outcome(&self, formula: &Formula, target: TargetValue, as_of: NaiveDate) -> Outcome {
        let year = self.year;
        let a = self.clamp(as_of);
        let days = time_progress(year, a);
        let months = (a.month() as i64, 12);
        let mut o = Outcome {
            actual: None,
            numerator: None,
            denominator: None,
            area_numerator_millimu: None,
            area_denominator_millimu: None,
            status: Status::NoData,
            achieved: false,
            time_progress: (days.days_elapsed, days.days_in_year),
            note: None,
            cohort_warning: None,
            subject: subject_of(formula),
            members: vec![],
            reached: vec![],
        };
        let mut sum = Figure::empty(formula);
        for g in &self.towns {
            sum.add(self.figure(formula, a, g));
        }
        match (formula, sum) {
            (Formula::Growth { .. }, Figure::Growth { cur, base, .. }) => {
                o.time_progress = months;
                o.numerator = Some(cur);
                o.denominator = Some(base);
                if base == 0 {
                    o.note = Some(super::growth_note(self.has_stats, year, a.month()));
                } else {
                    o.actual = Some(Actual::Ratio {
                        num: cur - base,
                        den: base,
                    });
                }
            }
            (
                Formula::Count {
                    of: CountOf::EnterprisesSalesAtLeast,
                    ..
                },
                Figure::Count(n),
            ) => {
                o.time_progress = months;
                o.actual = Some(Actual::Count(n));
                if !self.has_stats {
                    o.note = Some(super::NO_STATS.into());
                }
            }
            (
                Formula::Count {
                    of: CountOf::ChinaWellKnownGranted,
                    ..
                },
                _,
            ) => {
                o.actual = Some(Actual::Count(self.well_known.upto(a.ordinal() as usize).0));
            }
            (Formula::Sum { .. }, Figure::Sum { yuan, .. }) => {
                o.time_progress = months;
                o.actual = Some(Actual::Yuan(yuan));
            }
            (Formula::Count { .. }, Figure::Count(n)) => o.actual = Some(Actual::Count(n)),
            (
                Formula::CohortRate {
                    cohort,
                    declared_count,
                    declared_area_millimu,
                },
                Figure::Cohort { total, reached },
            ) => super::cohort_figures(
                &mut o,
                *cohort,
                *declared_count,
                *declared_area_millimu,
                total,
                reached,
            ),
            _ => {}
        }
        judge(&mut o, formula, target);
        o
    }

    /// A target split by `dim`, exactly as `breakdown` computes it.
    pub fn breakdown(
        &self,
        formula: &Formula,
        target: TargetValue,
        as_of: NaiveDate,
        dim: Dimension,
    ) -> Vec<Part> {
        let Some(groups) = self.groups_of(formula, dim) else {
            return vec![];
        };
        let a = self.clamp(as_of);
        let mut parts = Vec::new();
        for (g, name) in groups.iter().zip(&self.names) {
            let group = name.clone();
            let part = match self.figure(formula, a, g) {
                Figure::Growth { present, cur, base } => (present > 0).then(|| Part {
                    group,
                    actual: (base != 0).then_some(Actual::Ratio {
                        num: cur - base,
                        den: base,
                    }),
                    numerator: Some(cur),
                    denominator: Some(base),
                    lagging: false,
                }),
                Figure::Sum { rows, yuan } => (rows > 0).then_some(Part {
                    group,
                    actual: Some(Actual::Yuan(yuan)),
                    numerator: None,
                    denominator: None,
                    lagging: false,
                }),
                Figure::Count(n) => (n > 0).then_some(Part {
                    group,
                    actual: Some(Actual::Count(n)),
                    numerator: None,
                    denominator: None,
                    lagging: false,
                }),
                Figure::Cohort { total, reached } => (total.0 > 0).then(|| {
                    let by_area = matches!(formula, Formula::CohortRate { cohort, .. } if cohort.basis() == RateBasis::Area);
                    let (n, d) = if by_area {
                        (reached.1, total.1)
                    } else {
                        (reached.0, total.0)
                    };
                    Part {
                        group,
                        actual: (d != 0).then_some(Actual::Ratio { num: n, den: d }),
                        numerator: Some(n),
                        denominator: Some(d),
                        lagging: false,
                    }
                }),
            };
            parts.extend(part);
        }
        finish(&mut parts, target);
        parts
    }
}

/// One group's figure, or their sum.
#[derive(Debug, Clone, Copy)]
enum Figure {
    Growth {
        present: i64,
        cur: i64,
        base: i64,
    },
    Sum {
        rows: i64,
        yuan: i64,
    },
    Count(i64),
    /// (count, area) of the cohort and of those reached.
    Cohort {
        total: (i64, i64),
        reached: (i64, i64),
    },
}

impl Figure {
    fn empty(formula: &Formula) -> Figure {
        match formula {
            Formula::Growth { .. } => Figure::Growth {
                present: 0,
                cur: 0,
                base: 0,
            },
            Formula::Sum { .. } => Figure::Sum { rows: 0, yuan: 0 },
            Formula::Count { .. } => Figure::Count(0),
            Formula::CohortRate { .. } => Figure::Cohort {
                total: (0, 0),
                reached: (0, 0),
            },
        }
    }
    fn add(&mut self, other: Figure) {
        match (self, other) {
            (
                Figure::Growth { present, cur, base },
                Figure::Growth {
                    present: p,
                    cur: c,
                    base: b,
                },
            ) => {
                *present += p;
                *cur = cur.saturating_add(c);
                *base = base.saturating_add(b);
            }
            (Figure::Sum { rows, yuan }, Figure::Sum { rows: r, yuan: y }) => {
                *rows += r;
                *yuan = yuan.saturating_add(y);
            }
            (Figure::Count(n), Figure::Count(m)) => *n += m,
            (
                Figure::Cohort { total, reached },
                Figure::Cohort {
                    total: t,
                    reached: r,
                },
            ) => {
                total.0 += t.0;
                total.1 = total.1.saturating_add(t.1);
                reached.0 += r.0;
                reached.1 = reached.1.saturating_add(r.1);
            }
            _ => {}
        }
    }
}
