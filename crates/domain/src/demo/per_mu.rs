//! The demo's annual per-mu data for 2005 and 2006: what the monthly
//! statistics do not hold (land in use, value added, emissions, R&D and main
//! revenue), consistent with them (value added and revenue follow each
//! enterprise's output and sales of the year; tax, power, energy and
//! employees are left to the statistics). A few small enterprises have
//! under 3 mu and stay out of scope. Deterministic.

use super::enterprises::EnterpriseDemo;
use super::rng::Rng;
use crate::per_mu::Field;
use crate::per_mu::data::{Change, DataPatch};

/// The annual data rows of `years` for the demo enterprises.
pub fn annual_data(d: &EnterpriseDemo, years: &[i32]) -> Vec<DataPatch> {
    let mut rng = Rng::new(0x4D55_2006);
    let mut out = vec![];
    for (n, e) in d.enterprises.iter().enumerate() {
        let code = e.credit_code.as_str().to_string();
        // Land does not change between the two years.
        let small = n >= 35;
        let land = if small {
            if n % 7 == 0 {
                rng.range(1_500, 2_900)
            } else {
                rng.range(3_000, 12_000)
            }
        } else {
            rng.range(8_000, 90_000)
        };
        let va_share = rng.range(180, 320);
        let rd_share = rng.range(3, 45);
        let emission_factor = rng.range(2, 12);
        for &year in years {
            let (mut output, mut sales, mut energy) = (0i64, 0i64, 0i64);
            for s in d
                .stats
                .iter()
                .filter(|s| s.credit_code == e.credit_code && s.period.year == year)
            {
                output += s.output_value_yuan;
                sales += s.sales_value_yuan;
                energy += s.energy_kgce;
            }
            if output == 0 {
                continue;
            }
            let va = output * va_share / 1_000;
            out.push(DataPatch {
                credit_code: code.clone(),
                year,
                changes: vec![
                    (Field::Land, Change::Set(land)),
                    (Field::ValueAdded, Change::Set(va)),
                    (Field::Emission, Change::Set(energy * emission_factor / 100)),
                    (Field::RdExpense, Change::Set(sales * rd_share / 1_000)),
                    (Field::Revenue, Change::Set(sales)),
                ],
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_enterprise_gets_both_years_and_some_small_ones_stay_under_three_mu() {
        let d = super::super::enterprises::longwan_2006_enterprises();
        let rows = annual_data(&d, &[2005, 2006]);
        assert_eq!(rows.len(), 120);
        let land = |r: &DataPatch| match r.changes[0] {
            (Field::Land, Change::Set(v)) => v,
            _ => unreachable!(),
        };
        assert!(rows.iter().any(|r| land(r) < 3_000));
        assert_eq!(rows, annual_data(&d, &[2005, 2006]));
    }
}
