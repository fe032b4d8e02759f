//! Financing statistics for a period, per institution or per township and
//! for the district: needs, claimed, contact on time, credits and loans
//! (count, yuan), success (needs with a loan / needs decided) and the median
//! working days from posting to the first loan. Shares stay exact fractions.
//!
//! Per township a need counts in its enterprise's township. Per institution
//! a need counts for every institution that claimed it ("needs"); "claimed"
//! are those of them it was chosen for, and the steps (contact, credit, loan,
//! decision) count for the chosen institution only.

use crate::calendar::Calendar;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the statistics read of one need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatNeed {
    pub township: String,
    pub claimants: Vec<String>,
    pub chosen: Option<String>,
    pub posted_on: NaiveDate,
    pub contact_due: Option<NaiveDate>,
    pub contact_on: Option<NaiveDate>,
    pub credits: Vec<i64>,
    /// (yuan, on).
    pub loans: Vec<(i64, NaiveDate)>,
    pub decided: bool,
}

/// An exact share.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    pub num: i64,
    pub den: i64,
}

/// One group's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatRow {
    pub group: String,
    pub needs: i64,
    pub claimed: i64,
    pub contact_on_time: Share,
    pub credits: i64,
    pub credit_yuan: i64,
    pub loans: i64,
    pub loan_yuan: i64,
    pub success: Share,
    /// Working days from posting to the first loan, in halves (the median of
    /// an even count is the mean of the middle two).
    pub median_halfdays_to_loan: Option<i64>,
    #[serde(skip)]
    days: Vec<i64>,
}

fn add_steps(row: &mut StatRow, n: &StatNeed, cal: &Calendar, today: NaiveDate) {
    // Contact on time: of the needs whose contact is recorded or due before today.
    if let Some(due) = n.contact_due {
        match n.contact_on {
            Some(on) => {
                row.contact_on_time.den += 1;
                if on <= due {
                    row.contact_on_time.num += 1;
                }
            }
            None if today > due => row.contact_on_time.den += 1,
            None => {}
        }
    }
    row.credits += n.credits.len() as i64;
    row.credit_yuan += n.credits.iter().sum::<i64>();
    row.loans += n.loans.len() as i64;
    row.loan_yuan += n.loans.iter().map(|l| l.0).sum::<i64>();
    if n.decided {
        row.success.den += 1;
        if !n.loans.is_empty() {
            row.success.num += 1;
        }
    }
    if let Some(first) = n.loans.iter().map(|l| l.1).min() {
        row.days
            .push(cal.working_days_between_provisional(n.posted_on, first));
    }
}

fn finish(mut row: StatRow) -> StatRow {
    row.days.sort_unstable();
    let k = row.days.len();
    row.median_halfdays_to_loan = match k {
        0 => None,
        _ if k % 2 == 1 => Some(row.days[k / 2] * 2),
        _ => Some(row.days[k / 2 - 1] + row.days[k / 2]),
    };
    row
}

/// The figures per institution (`by_institution`) or per township, and the district total.
pub fn compute(
    needs: &[StatNeed],
    by_institution: bool,
    cal: &Calendar,
    today: NaiveDate,
) -> (Vec<StatRow>, StatRow) {
    let mut groups: BTreeMap<String, StatRow> = BTreeMap::new();
    let mut total = StatRow {
        group: "全区合计".into(),
        ..StatRow::default()
    };
    for n in needs {
        total.needs += 1;
        if !n.claimants.is_empty() {
            total.claimed += 1;
        }
        add_steps(&mut total, n, cal, today);
        if by_institution {
            for c in &n.claimants {
                let row = groups.entry(c.clone()).or_insert_with(|| StatRow {
                    group: c.clone(),
                    ..StatRow::default()
                });
                row.needs += 1;
                if n.chosen.as_deref() == Some(c.as_str()) {
                    row.claimed += 1;
                    add_steps(row, n, cal, today);
                }
            }
        } else {
            let row = groups.entry(n.township.clone()).or_insert_with(|| StatRow {
                group: n.township.clone(),
                ..StatRow::default()
            });
            row.needs += 1;
            if !n.claimants.is_empty() {
                row.claimed += 1;
            }
            add_steps(row, n, cal, today);
        }
    }
    (groups.into_values().map(finish).collect(), finish(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn hand_computed_figures_per_institution_and_township() {
        let cal = Calendar::builtin();
        let today = d("2026-06-30");
        let needs = [
            // Contact on time, a loan 10 working days after posting.
            StatNeed {
                township: "yongzhong".into(),
                claimants: vec!["bank-1".into(), "bank-2".into()],
                chosen: Some("bank-1".into()),
                posted_on: d("2026-03-02"),
                contact_due: Some(d("2026-03-12")),
                contact_on: Some(d("2026-03-10")),
                credits: vec![5_000_000],
                loans: vec![(3_000_000, d("2026-03-16"))],
                decided: true,
            },
            // Contact late, declined.
            StatNeed {
                township: "yongzhong".into(),
                claimants: vec!["bank-2".into()],
                chosen: Some("bank-2".into()),
                posted_on: d("2026-04-01"),
                contact_due: Some(d("2026-04-13")),
                contact_on: Some(d("2026-04-14")),
                decided: true,
                ..StatNeed::default()
            },
            // Unclaimed.
            StatNeed {
                township: "haibin".into(),
                posted_on: d("2026-05-06"),
                ..StatNeed::default()
            },
            // Contact overdue, nothing decided.
            StatNeed {
                township: "haibin".into(),
                claimants: vec!["bank-1".into()],
                chosen: Some("bank-1".into()),
                posted_on: d("2026-06-01"),
                contact_due: Some(d("2026-06-15")),
                ..StatNeed::default()
            },
        ];
        let (rows, total) = compute(&needs, true, &cal, today);
        let b1 = rows.iter().find(|r| r.group == "bank-1").unwrap();
        assert_eq!((b1.needs, b1.claimed), (2, 2));
        assert_eq!(b1.contact_on_time, Share { num: 1, den: 2 });
        assert_eq!(
            (b1.loans, b1.loan_yuan, b1.credit_yuan),
            (1, 3_000_000, 5_000_000)
        );
        assert_eq!(b1.success, Share { num: 1, den: 1 });
        // 2 March to 16 March: 10 working days.
        assert_eq!(b1.median_halfdays_to_loan, Some(20));
        let b2 = rows.iter().find(|r| r.group == "bank-2").unwrap();
        assert_eq!(
            (b2.needs, b2.claimed),
            (2, 1),
            "claimed two, chosen for one"
        );
        assert_eq!(b2.contact_on_time, Share { num: 0, den: 1 });
        assert_eq!(b2.success, Share { num: 0, den: 1 });
        assert_eq!((total.needs, total.claimed), (4, 3));
        assert_eq!(total.contact_on_time, Share { num: 1, den: 3 });
        assert_eq!(total.success, Share { num: 1, den: 2 });
        let (rows, _) = compute(&needs, false, &cal, today);
        let y = rows.iter().find(|r| r.group == "yongzhong").unwrap();
        assert_eq!((y.needs, y.claimed, y.loans), (2, 2, 1));
        let h = rows.iter().find(|r| r.group == "haibin").unwrap();
        assert_eq!(
            (h.needs, h.claimed, h.median_halfdays_to_loan),
            (2, 1, None)
        );
    }
}
