//! Monthly investment completed on each project under construction: rows for
//! 2005 and 2006, from the start month to completion (or suspension), with the
//! monthly rhythm; 2006 is scaled to the year's total, month by month.

use super::rng::{Rng, round_to, year_end};
use crate::projects::{Milestone, Period, Project, ProjectKind, ProjectStatus};

/// Investment completed in 2006 before rounding each row to 10,000 yuan
/// (about 101% of the 2.31 billion target).
const TOTAL_2006: i64 = 2_338_000_000;

/// Each month's share of the 2006 total, in thousandths: 42.5% by June, so
/// the first half lags time progress and the last quarter catches up.
const MONTH_SHARE: [i64; 12] = [55, 40, 75, 80, 85, 90, 85, 80, 90, 100, 105, 115];

/// A project's monthly rhythm in percent: slow around the Spring Festival
/// (January-February), faster from March, strongest at year end.
const RHYTHM: [i64; 12] = [70, 55, 95, 100, 105, 105, 100, 95, 105, 110, 110, 120];

fn next(p: Period) -> Period {
    if p.month == 12 {
        Period {
            year: p.year + 1,
            month: 1,
        }
    } else {
        Period {
            year: p.year,
            month: p.month + 1,
        }
    }
}

fn months_between(a: Period, b: Period) -> i64 {
    (b.year - a.year) as i64 * 12 + b.month as i64 - a.month as i64
}

fn note(kind: ProjectKind, k: i64, period: Period, completion: bool, halted: bool) -> String {
    let stage = match (kind, k) {
        _ if halted => "项目暂缓，工程停工",
        (ProjectKind::Industrial, _) if completion => "竣工验收，设备试运行",
        (ProjectKind::TechRenovation, _) if completion => "技改完成，投入试生产",
        (ProjectKind::Industrial, 0) => "开工建设，场地平整及桩基施工",
        (ProjectKind::Industrial, 1..=2) => "桩基及基础施工",
        (ProjectKind::Industrial, 3..=5) => "厂房主体结构施工",
        (ProjectKind::Industrial, 6..=8) => "主体结顶，内外装修及配套工程",
        (ProjectKind::Industrial, _) => "设备采购及安装调试",
        (ProjectKind::TechRenovation, 0) => "技改设备采购",
        (ProjectKind::TechRenovation, 1) => "设备到货安装",
        (ProjectKind::TechRenovation, _) => "设备调试及试生产",
    };
    if k > 0 && period.month <= 2 && !halted {
        format!("春节前后务工人员返乡，进度放缓；{stage}")
    } else {
        stage.to_string()
    }
}

/// The monthly rows, sorted by month then project code.
pub(super) fn monthly(projects: &[Project], rng: &mut Rng) -> Vec<(String, Period, i64, String)> {
    let mut rows: Vec<(String, Period, i64, String)> = Vec::new();
    for p in projects {
        let Some(start) = p.dates.actual(Milestone::Started) else {
            continue;
        };
        let completed = p.dates.actual(Milestone::Completed);
        let halted = if p.status == ProjectStatus::Active {
            None
        } else {
            p.status_on
        };
        let stop = [completed, halted, Some(year_end())]
            .into_iter()
            .flatten()
            .min()
            .expect("year end");
        let planned_end = completed
            .or(p.dates.planned(Milestone::Completed))
            .unwrap_or(year_end());
        let span = months_between(Period::of(start), Period::of(planned_end)) + 1;
        let span = match p.kind {
            ProjectKind::Industrial => span.clamp(3, 30),
            ProjectKind::TechRenovation => span.clamp(2, 10),
        };
        let budget = p.planned_investment_yuan * 75 / 100;
        let base = budget / span;
        let mut spent = 0;
        let (first, last) = (Period::of(start), Period::of(stop));
        let mut period = first;
        while period <= last {
            let k = months_between(first, period);
            let raw = (base * RHYTHM[period.month as usize - 1] / 100 * rng.range(80, 120) / 100)
                .min(budget - spent);
            if raw < 10_000 {
                break;
            }
            spent += raw;
            if period.year >= 2005 {
                let completion = completed.is_some_and(|c| Period::of(c) == period);
                let halt = halted.is_some_and(|h| Period::of(h) == period);
                rows.push((
                    p.code.clone(),
                    period,
                    raw,
                    note(p.kind, k, period, completion, halt),
                ));
            }
            period = next(period);
        }
    }
    // Scale 2006 month by month to the year's profile.
    let mut raw_2006 = [0i64; 12];
    for r in rows.iter().filter(|r| r.1.year == 2006) {
        raw_2006[r.1.month as usize - 1] += r.2;
    }
    for r in &mut rows {
        let v = if r.1.year == 2006 {
            let m = r.1.month as usize - 1;
            let month_total = TOTAL_2006 as i128 * MONTH_SHARE[m] as i128 / 1000;
            (r.2 as i128 * month_total / raw_2006[m] as i128) as i64
        } else {
            r.2
        };
        r.2 = round_to(v, 10_000);
    }
    rows.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    rows
}
