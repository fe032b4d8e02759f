//! Statistics per unit and per category for a period: received, on-time
//! acceptance, reply and resolution rates, median handling time in working
//! days, overdue now, and satisfaction; with the sample sizes, and a ranking
//! that leaves out units below a minimum count so that a unit with two
//! requests is not first or last by chance.

use super::{Satisfaction, StepState};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the statistics read of one request.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The group key (a unit code, or a category code).
    pub key: String,
    pub submitted_on: NaiveDate,
    pub accept: Option<StepState>,
    pub reply: Option<StepState>,
    pub resolve: Option<StepState>,
    /// Working days from reaching a unit to resolution, when resolved.
    pub handling_days: Option<i64>,
    /// The latest rating.
    pub rating: Option<Satisfaction>,
    /// Some step is overdue now.
    pub overdue_now: bool,
    /// Still open (not closed, not withdrawn).
    pub open: bool,
}

/// An exact share: `num` of `den`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Share {
    pub num: i64,
    pub den: i64,
}

impl Share {
    fn add(&mut self, hit: bool) {
        self.den += 1;
        if hit {
            self.num += 1;
        }
    }
    /// The rate for display, or "—" with no sample.
    pub fn display(&self) -> String {
        if self.den == 0 {
            "—".into()
        } else {
            // One decimal, truncated toward zero: 99.96% shows as 99.9%, never 100%.
            let per_mille = self.num * 1000 / self.den;
            format!("{}.{}%", per_mille / 10, per_mille % 10)
        }
    }
    /// Compares two shares exactly (no floats). A share with no sample is lowest.
    pub fn cmp_rate(&self, other: &Share) -> std::cmp::Ordering {
        match (self.den, other.den) {
            (0, 0) => std::cmp::Ordering::Equal,
            (0, _) => std::cmp::Ordering::Less,
            (_, 0) => std::cmp::Ordering::Greater,
            _ => {
                (self.num as i128 * other.den as i128).cmp(&(other.num as i128 * self.den as i128))
            }
        }
    }
}

/// One row of the statistics.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Row {
    pub key: String,
    pub received: i64,
    pub accepted_on_time: Share,
    pub replied_on_time: Share,
    pub resolved_on_time: Share,
    /// Resolved, of those received.
    pub resolved: Share,
    /// Median working days to resolution, over `handling_sample` requests;
    /// halves are kept exactly (in tenths).
    pub median_handling_tenths: Option<i64>,
    pub handling_sample: i64,
    pub overdue_now: i64,
    pub open_now: i64,
    /// 非常满意, 满意 and 基本满意 of the rated.
    pub satisfied: Share,
    /// Sum of points (5..1) over `satisfied.den` ratings.
    pub points: i64,
    /// Rank by on-time resolution then satisfaction; None below the minimum count.
    pub rank: Option<usize>,
}

impl Row {
    pub fn median_display(&self) -> String {
        match self.median_handling_tenths {
            None => "—".into(),
            Some(t) if t % 10 == 0 => format!("{}", t / 10),
            Some(t) => format!("{}.{}", t / 10, t % 10),
        }
    }
    /// The average score, two decimals truncated, or "—".
    pub fn score_display(&self) -> String {
        if self.satisfied.den == 0 {
            return "—".into();
        }
        let h = self.points * 100 / self.satisfied.den;
        format!("{}.{:02}", h / 100, h % 100)
    }
}

/// The median of whole days, in tenths (the mean of the middle two when even).
pub fn median_tenths(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2] * 10
    } else {
        (values[n / 2 - 1] + values[n / 2]) * 5
    })
}

/// Statistics of the requests submitted in [from, to], grouped by key;
/// ranked among groups with at least `min_count` received.
pub fn compute(facts: &[Fact], from: NaiveDate, to: NaiveDate, min_count: i64) -> Vec<Row> {
    let mut groups: BTreeMap<&str, (Row, Vec<i64>)> = BTreeMap::new();
    for f in facts {
        if f.submitted_on < from || f.submitted_on > to {
            continue;
        }
        let (row, days) = groups.entry(&f.key).or_insert_with(|| {
            (
                Row {
                    key: f.key.clone(),
                    ..Row::default()
                },
                vec![],
            )
        });
        row.received += 1;
        for (share, step) in [
            (&mut row.accepted_on_time, f.accept),
            (&mut row.replied_on_time, f.reply),
            (&mut row.resolved_on_time, f.resolve),
        ] {
            if let Some(hit) = step.and_then(|s| s.decided()) {
                share.add(hit);
            }
        }
        row.resolved.add(f.handling_days.is_some());
        if let Some(d) = f.handling_days {
            days.push(d);
        }
        if f.overdue_now {
            row.overdue_now += 1;
        }
        if f.open {
            row.open_now += 1;
        }
        if let Some(r) = f.rating {
            row.satisfied.add(!r.reopens());
            row.points += r.points();
        }
    }
    let mut rows: Vec<Row> = groups
        .into_values()
        .map(|(mut row, mut days)| {
            row.handling_sample = days.len() as i64;
            row.median_handling_tenths = median_tenths(&mut days);
            row
        })
        .collect();
    let mut ranked: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].received >= min_count)
        .collect();
    ranked.sort_by(|&a, &b| {
        let (x, y) = (&rows[a], &rows[b]);
        y.resolved_on_time
            .cmp_rate(&x.resolved_on_time)
            .then_with(|| y.satisfied.cmp_rate(&x.satisfied))
            .then_with(|| x.key.cmp(&y.key))
    });
    for (pos, i) in ranked.into_iter().enumerate() {
        rows[i].rank = Some(pos + 1);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fact(key: &str, on: &str, resolved_on_time: Option<bool>, days: Option<i64>) -> Fact {
        let due = d("2026-03-31");
        Fact {
            key: key.into(),
            submitted_on: d(on),
            accept: Some(StepState::OnTime { done_on: d(on) }),
            reply: None,
            resolve: resolved_on_time.map(|ok| {
                if ok {
                    StepState::OnTime { done_on: due }
                } else {
                    StepState::Overdue { due }
                }
            }),
            handling_days: days,
            rating: None,
            overdue_now: resolved_on_time == Some(false),
            open: days.is_none(),
        }
    }

    #[test]
    fn medians_and_shares_are_exact() {
        assert_eq!(median_tenths(&mut []), None);
        assert_eq!(median_tenths(&mut [7]), Some(70));
        assert_eq!(median_tenths(&mut [9, 2, 4, 3]), Some(35));
        let s = Share { num: 2, den: 3 };
        assert_eq!(s.display(), "66.6%");
        assert_eq!(
            Share {
                num: 9999,
                den: 10000
            }
            .display(),
            "99.9%"
        );
        assert_eq!(Share::default().display(), "—");
        assert_eq!(
            Share { num: 1, den: 3 }.cmp_rate(&Share { num: 2, den: 6 }),
            std::cmp::Ordering::Equal
        );
    }

    #[test]
    fn small_units_are_shown_but_not_ranked_and_the_period_filters() {
        let mut facts = vec![];
        for i in 0..5 {
            facts.push(fact(
                "a",
                "2026-03-02",
                Some(i < 4),
                if i < 4 { Some(3 + i) } else { None },
            ));
            facts.push(fact("b", "2026-03-03", Some(true), Some(10)));
        }
        // c is perfect but has only 2.
        facts.push(fact("c", "2026-03-04", Some(true), Some(1)));
        facts.push(fact("c", "2026-03-04", Some(true), Some(1)));
        // Outside the period.
        facts.push(fact("a", "2026-05-01", Some(false), None));
        let rows = compute(&facts, d("2026-03-01"), d("2026-03-31"), 5);
        let by = |k: &str| rows.iter().find(|r| r.key == k).unwrap().clone();
        let (a, b, c) = (by("a"), by("b"), by("c"));
        assert_eq!(a.received, 5);
        assert_eq!(a.resolved_on_time, Share { num: 4, den: 5 });
        assert_eq!(a.median_handling_tenths, Some(45)); // 3,4,5,6
        assert_eq!(a.overdue_now, 1);
        assert_eq!((b.rank, a.rank, c.rank), (Some(1), Some(2), None));
        assert_eq!(c.received, 2);
    }

    #[test]
    fn satisfaction_counts_basic_as_satisfied() {
        let mut f = fact("a", "2026-03-02", Some(true), Some(2));
        let mut facts = vec![];
        for r in Satisfaction::ALL {
            f.rating = Some(r);
            facts.push(f.clone());
        }
        let rows = compute(&facts, d("2026-01-01"), d("2026-12-31"), 1);
        assert_eq!(rows[0].satisfied, Share { num: 3, den: 5 });
        assert_eq!(rows[0].score_display(), "3.00");
    }
}
