//! Monthly statistics folded per enterprise and year: the growth and sales
//! formulas read 12 months of an enterprise at once instead of one row per
//! month, which at province scale is millions of rows. Built once per set of
//! facts; exact (the same sums as the rows).

use super::StatFacts;

/// One enterprise's twelve months of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseYear {
    pub enterprise_id: i64,
    pub year: i32,
    pub output: [i64; 12],
    pub sales: [i64; 12],
    /// Bit m-1 set when month m has a row.
    pub months: u16,
}

impl EnterpriseYear {
    /// Sum of the first `m` months (1..=12).
    pub fn output_to(&self, m: u32) -> i64 {
        sum(&self.output[..m as usize])
    }
    pub fn sales_to(&self, m: u32) -> i64 {
        sum(&self.sales[..m as usize])
    }
    /// Has a row in one of the first `m` months.
    pub fn any_to(&self, m: u32) -> bool {
        self.months & ((1u16 << m) - 1) != 0
    }
}

/// A sum of amounts that stops at `i64::MAX` rather than wrapping.
pub fn sum(v: &[i64]) -> i64 {
    v.iter().fold(0i64, |a, b| a.saturating_add(*b))
}

/// Folds the rows (one per enterprise and month) into enterprise-years.
pub fn fold(stats: &[StatFacts]) -> Vec<EnterpriseYear> {
    let mut keyed: std::collections::HashMap<(i64, i32), EnterpriseYear> =
        std::collections::HashMap::new();
    for s in stats {
        let e = keyed
            .entry((s.enterprise_id, s.period.year))
            .or_insert_with(|| EnterpriseYear {
                enterprise_id: s.enterprise_id,
                year: s.period.year,
                output: [0; 12],
                sales: [0; 12],
                months: 0,
            });
        let i = s.period.month as usize - 1;
        e.output[i] = e.output[i].saturating_add(s.output_value_yuan);
        e.sales[i] = e.sales[i].saturating_add(s.sales_value_yuan);
        e.months |= 1 << i;
    }
    let mut v: Vec<EnterpriseYear> = keyed.into_values().collect();
    v.sort_by_key(|e| (e.enterprise_id, e.year));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projects::Period;

    #[test]
    fn folding_keeps_every_sum() {
        let row = |e, y, m, o, s| StatFacts {
            enterprise_id: e,
            period: Period { year: y, month: m },
            output_value_yuan: o,
            sales_value_yuan: s,
        };
        let f = fold(&[
            row(2, 2006, 3, 30, 3),
            row(1, 2006, 1, 10, 1),
            row(1, 2006, 2, 20, 2),
            row(1, 2005, 12, 5, 0),
        ]);
        assert_eq!(f.len(), 3);
        assert_eq!((f[0].enterprise_id, f[0].year), (1, 2005));
        assert_eq!(
            (f[1].output_to(1), f[1].output_to(2), f[1].sales_to(12)),
            (10, 30, 3)
        );
        assert!(!f[2].any_to(2) && f[2].any_to(3));
        assert_eq!(f[0].months, 1 << 11);
    }
}
