//! The KPI engine: a target's actual value at an as-of date, computed exactly
//! from the records (DOMAIN.md "Target formulas"), with the records behind
//! every figure so pages can drill down.
//!
//! Let Y be the campaign year, S = Y-01-01 and A the as-of date. A date counts
//! when it is set and <= A. Cohorts are fixed at S and never shrink: cancelled
//! or suspended projects stay in them.

use crate::campaign::{
    Cohort, CountOf, EnterpriseScope, Formula, RateBasis, StatMeasure, TargetValue, ValueUnit,
    time_progress,
};
use crate::enterprises::{BrandLevel, BrandStatus};
use crate::projects::{Period, ProjectKind};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

mod breakdown;
pub mod fast;
#[cfg(test)]
mod fast_tests;
pub mod index;
pub mod live;
#[cfg(test)]
mod tests;

pub use breakdown::{Dimension, Part, breakdown};

/// What the engine needs of a project.
#[derive(Debug, Clone, Default)]
pub struct ProjectFacts {
    pub id: i64,
    pub kind: Option<ProjectKind>,
    pub key_project: bool,
    pub land_area_millimu: i64,
    pub reserved_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub land_supplied_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub in_production_on: Option<NaiveDate>,
    pub planned_completion_year: Option<i32>,
    /// The township's code, for breakdowns.
    pub township: String,
    /// The responsible unit's code, for breakdowns ("" when none).
    pub unit: String,
}

/// What the engine needs of a land parcel.
#[derive(Debug, Clone, Default)]
pub struct ParcelFacts {
    pub id: i64,
    pub area_millimu: i64,
    pub expropriated_on: Option<NaiveDate>,
    pub supplied_on: Option<NaiveDate>,
    /// The township's code, for breakdowns.
    pub township: String,
}

/// One month's investment completed on one project.
#[derive(Debug, Clone)]
pub struct InvestmentFacts {
    pub project_id: i64,
    pub period: Period,
    pub yuan: i64,
}

/// What the engine needs of an enterprise.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFacts {
    pub id: i64,
    /// The years in which it was above designated size (规模以上).
    pub above_scale_years: Vec<i32>,
    /// The township's code, for breakdowns.
    pub township: String,
}

/// One enterprise's statistics for one month (the latest revision).
#[derive(Debug, Clone)]
pub struct StatFacts {
    pub enterprise_id: i64,
    pub period: Period,
    pub output_value_yuan: i64,
    pub sales_value_yuan: i64,
}

/// What the engine needs of a brand.
#[derive(Debug, Clone)]
pub struct BrandFacts {
    pub id: i64,
    pub level: BrandLevel,
    pub status: BrandStatus,
    pub granted_on: Option<NaiveDate>,
}

/// The records the engine reads.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub projects: Vec<ProjectFacts>,
    pub parcels: Vec<ParcelFacts>,
    pub investments: Vec<InvestmentFacts>,
    pub enterprises: Vec<EnterpriseFacts>,
    pub stats: Vec<StatFacts>,
    pub brands: Vec<BrandFacts>,
    /// `stats` folded per enterprise and year, built on first use.
    pub folded: std::sync::OnceLock<Vec<index::EnterpriseYear>>,
}

impl Facts {
    /// The statistics per enterprise and year (built once).
    pub fn enterprise_years(&self) -> &[index::EnterpriseYear] {
        self.folded.get_or_init(|| index::fold(&self.stats))
    }

    /// Whether any monthly statistics exist (the rows, or their folding when
    /// the rows themselves were dropped after folding).
    pub fn has_stats(&self) -> bool {
        !self.stats.is_empty() || !self.enterprise_years().is_empty()
    }
}

const NO_STATS: &str = "尚无企业月度统计数据";

/// Why a growth has no value (a zero base).
fn growth_note(has_stats: bool, year: i32, month: u32) -> String {
    if has_stats {
        format!(
            "上年同期（{}年1-{month}月）基数为零，增长率无从计算",
            year - 1
        )
    } else {
        NO_STATS.into()
    }
}

/// What kind of records a figure is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Projects,
    Parcels,
    Enterprises,
    Brands,
}

/// A computed actual value, exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actual {
    /// num/den; growth is also kept as a ratio (current/base - 1 = (cur-base)/base).
    Ratio {
        num: i64,
        den: i64,
    },
    Yuan(i64),
    Count(i64),
}

impl Actual {
    /// As a float for JSON (a ratio as a fraction).
    pub fn as_f64(self) -> f64 {
        match self {
            Actual::Ratio { num, den } => num as f64 / den as f64,
            Actual::Yuan(v) | Actual::Count(v) => v as f64,
        }
    }
}

/// Whether a target keeps up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A cumulative target keeping up with time progress, or a rate at or above target.
    OnTrack,
    Behind,
    /// No value: no data, or an empty denominator.
    NoData,
}

impl Status {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Status::OnTrack => "进度正常",
            Status::Behind => "滞后",
            Status::NoData => "暂无数据",
        }
    }
}

/// The engine's answer for one target at one date.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub actual: Option<Actual>,
    /// Count numerator and denominator (for rates).
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// Land-area numerator and denominator (for cohorts over land).
    pub area_numerator_millimu: Option<i64>,
    pub area_denominator_millimu: Option<i64>,
    pub status: Status,
    /// The target is met already.
    pub achieved: bool,
    /// The time progress this target is judged against (days, or months for monthly sums).
    pub time_progress: (i64, i64),
    /// Why there is no value, or a data-quality warning.
    pub note: Option<String>,
    /// The document's declared cohort size differs from the data's.
    pub cohort_warning: Option<String>,
    pub subject: Subject,
    /// Records in the denominator (the cohort, or every record summed or counted).
    pub members: Vec<i64>,
    /// Records in the numerator (for rates).
    pub reached: Vec<i64>,
}

fn on_or_before(d: Option<NaiveDate>, a: NaiveDate) -> bool {
    d.is_some_and(|d| d <= a)
}

fn within(d: Option<NaiveDate>, s: NaiveDate, a: NaiveDate) -> bool {
    d.is_some_and(|d| s <= d && d <= a)
}

/// Computes a target's outcome at `as_of` in campaign year `year`.
/// `as_of` is clamped into the year.
pub fn evaluate(
    formula: &Formula,
    target: TargetValue,
    year: i32,
    as_of: NaiveDate,
    facts: &Facts,
) -> Outcome {
    let s = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let a = as_of.clamp(
        s,
        NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year"),
    );
    let days = time_progress(year, a);
    let days = (days.days_elapsed, days.days_in_year);
    let months = (a.month() as i64, 12);
    let mut o = Outcome {
        actual: None,
        numerator: None,
        denominator: None,
        area_numerator_millimu: None,
        area_denominator_millimu: None,
        status: Status::NoData,
        achieved: false,
        time_progress: days,
        note: None,
        cohort_warning: None,
        subject: Subject::Projects,
        members: vec![],
        reached: vec![],
    };
    match formula {
        Formula::Growth { measure, scope } => {
            o.subject = Subject::Enterprises;
            o.time_progress = months;
            growth(&mut o, *measure, *scope, year, a, facts);
        }
        Formula::Count {
            of: CountOf::EnterprisesSalesAtLeast,
            threshold_yuan,
        } => {
            // Sales summed over P(A) = Y-01 .. month(A), per enterprise.
            o.subject = Subject::Enterprises;
            o.time_progress = months;
            let m = a.month();
            let t = threshold_yuan.unwrap_or(i64::MAX);
            // Enterprise-years are sorted by enterprise, so members come out sorted.
            o.members = facts
                .enterprise_years()
                .iter()
                .filter(|r| r.year == year && r.any_to(m) && r.sales_to(m) >= t)
                .map(|r| r.enterprise_id)
                .collect();
            o.actual = Some(Actual::Count(o.members.len() as i64));
            if !facts.has_stats() {
                o.note = Some(NO_STATS.into());
            }
        }
        Formula::Count {
            of: CountOf::ChinaWellKnownGranted,
            ..
        } => {
            o.subject = Subject::Brands;
            o.members = facts
                .brands
                .iter()
                .filter(|b| {
                    b.level == BrandLevel::ChinaWellKnown
                        && b.status == BrandStatus::Granted
                        && within(b.granted_on, s, a)
                })
                .map(|b| b.id)
                .collect();
            o.actual = Some(Actual::Count(o.members.len() as i64));
        }
        Formula::Sum { .. } => {
            // Monthly investment in P(A) = Y-01 .. month(A).
            o.time_progress = months;
            let last = Period::of(a);
            let mut total = 0i64;
            let mut ids = Vec::new();
            for i in &facts.investments {
                if i.period.year == year && i.period <= last {
                    total = total.saturating_add(i.yuan);
                    ids.push(i.project_id);
                }
            }
            ids.sort_unstable();
            ids.dedup();
            o.members = ids;
            o.actual = Some(Actual::Yuan(total));
        }
        Formula::Count { of, .. } => {
            let hit = |p: &ProjectFacts| match of {
                CountOf::KeyProjectsReserved => p.key_project && within(p.reserved_on, s, a),
                CountOf::TechRenovationApproved => {
                    p.kind == Some(ProjectKind::TechRenovation) && within(p.approved_on, s, a)
                }
                _ => false,
            };
            o.members = facts
                .projects
                .iter()
                .filter(|p| hit(p))
                .map(|p| p.id)
                .collect();
            o.actual = Some(Actual::Count(o.members.len() as i64));
        }
        Formula::CohortRate {
            cohort,
            declared_count,
            declared_area_millimu,
        } => {
            cohort_rate(
                &mut o,
                *cohort,
                *declared_count,
                *declared_area_millimu,
                s,
                a,
                facts,
            );
        }
    }
    judge(&mut o, formula, target);
    o
}

/// Growth of a summed monthly measure over P(A) against the same months of
/// the year before; for `AboveScale`, the enterprises above designated size
/// in the campaign year, for both years (同口径).
fn growth(
    o: &mut Outcome,
    measure: StatMeasure,
    scope: EnterpriseScope,
    year: i32,
    a: NaiveDate,
    facts: &Facts,
) {
    let m = a.month();
    let in_scope: Option<std::collections::HashSet<i64>> = match scope {
        EnterpriseScope::All => None,
        EnterpriseScope::AboveScale => Some(
            facts
                .enterprises
                .iter()
                .filter(|e| e.above_scale_years.contains(&year))
                .map(|e| e.id)
                .collect(),
        ),
    };
    let (mut cur, mut base) = (0i64, 0i64);
    let mut ids = std::collections::BTreeSet::new();
    for r in facts.enterprise_years() {
        if (r.year != year && r.year != year - 1)
            || !r.any_to(m)
            || in_scope
                .as_ref()
                .is_some_and(|s| !s.contains(&r.enterprise_id))
        {
            continue;
        }
        let v = match measure {
            StatMeasure::OutputValue => r.output_to(m),
            StatMeasure::SalesValue => r.sales_to(m),
        };
        if r.year == year {
            cur = cur.saturating_add(v);
        } else {
            base = base.saturating_add(v);
        }
        ids.insert(r.enterprise_id);
    }
    o.members = ids.into_iter().collect();
    o.numerator = Some(cur);
    o.denominator = Some(base);
    if base == 0 {
        o.note = Some(growth_note(facts.has_stats(), year, m));
    } else {
        o.actual = Some(Actual::Ratio {
            num: cur.saturating_sub(base),
            den: base,
        });
    }
}

fn cohort_rate(
    o: &mut Outcome,
    cohort: Cohort,
    declared_count: Option<i64>,
    declared_area: Option<i64>,
    s: NaiveDate,
    a: NaiveDate,
    facts: &Facts,
) {
    // (id, area, reached)
    let rows: Vec<(i64, i64, bool)> = match cohort {
        Cohort::LandSuppliedBeforeYearNotStarted => facts
            .projects
            .iter()
            .filter(|p| {
                p.land_supplied_on.is_some_and(|d| d < s) && p.started_on.is_none_or(|d| d >= s)
            })
            .map(|p| (p.id, p.land_area_millimu, on_or_before(p.started_on, a)))
            .collect(),
        Cohort::ExpropriatedNotSupplied => {
            o.subject = Subject::Parcels;
            facts
                .parcels
                .iter()
                .filter(|p| {
                    p.expropriated_on.is_some_and(|d| d < s) && p.supplied_on.is_none_or(|d| d >= s)
                })
                .map(|p| (p.id, p.area_millimu, on_or_before(p.supplied_on, a)))
                .collect()
        }
        Cohort::LandSuppliedInYear => facts
            .projects
            .iter()
            .filter(|p| within(p.land_supplied_on, s, a))
            .map(|p| (p.id, p.land_area_millimu, on_or_before(p.started_on, a)))
            .collect(),
        Cohort::PlannedCompletionInYear => facts
            .projects
            .iter()
            .filter(|p| p.planned_completion_year == Some(s.year()))
            .map(|p| {
                (
                    p.id,
                    p.land_area_millimu,
                    on_or_before(p.in_production_on, a),
                )
            })
            .collect(),
    };
    let count = rows.len() as i64;
    let reached = rows.iter().filter(|r| r.2).count() as i64;
    let area = rows.iter().fold(0i64, |t, r| t.saturating_add(r.1));
    let area_reached = rows
        .iter()
        .filter(|r| r.2)
        .fold(0i64, |t, r| t.saturating_add(r.1));
    o.members = rows.iter().map(|r| r.0).collect();
    o.reached = rows.iter().filter(|r| r.2).map(|r| r.0).collect();
    cohort_figures(
        o,
        cohort,
        declared_count,
        declared_area,
        (count, area),
        (reached, area_reached),
    );
}

/// A cohort rate's figures from (count, area) of the cohort and of those
/// reached: the rate by the cohort's basis, the note when it is empty, the
/// warning when the document declared another size.
fn cohort_figures(
    o: &mut Outcome,
    cohort: Cohort,
    declared_count: Option<i64>,
    declared_area: Option<i64>,
    (count, area): (i64, i64),
    (reached, area_reached): (i64, i64),
) {
    o.numerator = Some(reached);
    o.denominator = Some(count);
    if matches!(
        cohort,
        Cohort::LandSuppliedBeforeYearNotStarted | Cohort::ExpropriatedNotSupplied
    ) {
        o.area_numerator_millimu = Some(area_reached);
        o.area_denominator_millimu = Some(area);
    }
    let (num, den) = match cohort.basis() {
        RateBasis::Count => (reached, count),
        RateBasis::Area => (area_reached, area),
    };
    if den == 0 {
        o.note = Some(match cohort.basis() {
            RateBasis::Count => "队列为空：没有符合条件的记录，比率无从计算".into(),
            RateBasis::Area => "队列面积为零：没有符合条件的地块，供地率无从计算".into(),
        });
    } else {
        o.actual = Some(Actual::Ratio { num, den });
    }
    let mut warn = Vec::new();
    if let Some(n) = declared_count
        && n != count
    {
        warn.push(format!("文件申报 {n} 个，数据中为 {count} 个"));
    }
    if let Some(m) = declared_area
        && m != area
    {
        warn.push(format!(
            "文件申报 {} 亩，数据中为 {} 亩",
            crate::format::mu(m),
            crate::format::mu(area)
        ));
    }
    if !warn.is_empty() {
        o.cohort_warning = Some(format!("队列规模与文件不一致：{}", warn.join("；")));
    }
}

/// Sets status and achieved, exactly (no floating point).
fn judge(o: &mut Outcome, formula: &Formula, target: TargetValue) {
    let Some(actual) = o.actual else {
        o.status = Status::NoData;
        return;
    };
    let t = target.value as i128;
    match (actual, target.unit) {
        (Actual::Ratio { num, den }, ValueUnit::Ratio) => {
            // num/den >= t/10000
            o.achieved = num as i128 * 10_000 >= t * den as i128;
            o.status = if o.achieved {
                Status::OnTrack
            } else {
                Status::Behind
            };
        }
        (Actual::Yuan(v) | Actual::Count(v), _) if formula.is_cumulative() => {
            o.achieved = v as i128 >= t;
            // actual/target >= elapsed/total  <=>  actual*total >= target*elapsed
            let (e, n) = o.time_progress;
            let keeps_up = v as i128 * n as i128 >= t * e as i128;
            o.status = if o.achieved || keeps_up {
                Status::OnTrack
            } else {
                Status::Behind
            };
        }
        _ => o.status = Status::NoData,
    }
}

/// One group's share of an enterprise figure (e.g. a township's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFigure {
    pub group: String,
    /// This year's sum over P(A) (growth) or the number of records (counts).
    pub current: i64,
    /// Last year's sum over the same months (growth only).
    pub base: i64,
}

impl GroupFigure {
    /// The group's growth, None with a zero base.
    pub fn growth(&self) -> Option<(i64, i64)> {
        (self.base != 0).then_some((self.current.saturating_sub(self.base), self.base))
    }
}

/// Splits an enterprise target's figure by group (`group_of` maps an
/// enterprise id to its group, e.g. its township): the same records and
/// scope as `evaluate`, so the groups add up to the total.
pub fn enterprise_breakdown(
    formula: &Formula,
    year: i32,
    as_of: NaiveDate,
    facts: &Facts,
    group_of: impl Fn(i64) -> String,
) -> Vec<GroupFigure> {
    let s = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let a = as_of.clamp(
        s,
        NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year"),
    );
    let mut by: std::collections::BTreeMap<String, GroupFigure> = std::collections::BTreeMap::new();
    let mut add = |id: i64, current: i64, base: i64| {
        let group = group_of(id);
        let g = by.entry(group.clone()).or_insert(GroupFigure {
            group,
            current: 0,
            base: 0,
        });
        g.current = g.current.saturating_add(current);
        g.base = g.base.saturating_add(base);
    };
    match formula {
        Formula::Growth { measure, scope } => {
            let in_scope: Option<std::collections::HashSet<i64>> = match scope {
                EnterpriseScope::All => None,
                EnterpriseScope::AboveScale => Some(
                    facts
                        .enterprises
                        .iter()
                        .filter(|e| e.above_scale_years.contains(&year))
                        .map(|e| e.id)
                        .collect(),
                ),
            };
            let m = a.month();
            for r in facts.enterprise_years() {
                if (r.year != year && r.year != year - 1)
                    || !r.any_to(m)
                    || in_scope
                        .as_ref()
                        .is_some_and(|s| !s.contains(&r.enterprise_id))
                {
                    continue;
                }
                let v = match measure {
                    StatMeasure::OutputValue => r.output_to(m),
                    StatMeasure::SalesValue => r.sales_to(m),
                };
                if r.year == year {
                    add(r.enterprise_id, v, 0);
                } else {
                    add(r.enterprise_id, 0, v);
                }
            }
        }
        Formula::Count {
            of: CountOf::EnterprisesSalesAtLeast,
            ..
        } => {
            let t = TargetValue {
                unit: ValueUnit::Count,
                value: 0,
            };
            for id in evaluate(formula, t, year, a, facts).members {
                add(id, 1, 0);
            }
        }
        _ => {}
    }
    by.into_values().collect()
}
