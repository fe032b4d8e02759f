//! The demo's power accounts (用电户): one per demo enterprise, two for the
//! largest; peak load from its 2006 electricity, a security load of 5–15%,
//! a few important users (protected) and high-consumption (restricted)
//! ones; feeders by township. Deterministic.

use super::enterprises::EnterpriseDemo;
use super::rng::Rng;
use crate::power::Account;

/// The demo accounts.
pub fn accounts(d: &EnterpriseDemo) -> Vec<Account> {
    let mut rng = Rng::new(0x5057_2006);
    let mut out = vec![];
    for (n, e) in d.enterprises.iter().enumerate() {
        let kwh: i64 = d
            .stats
            .iter()
            .filter(|s| s.credit_code == e.credit_code && s.period.year == 2006)
            .map(|s| s.electricity_kwh)
            .sum();
        // About 3,600 full-load hours a year.
        let peak = (kwh / 3_600).max(80);
        let parts = if n < 3 { 2 } else { 1 };
        for k in 0..parts {
            let p = peak / parts;
            out.push(Account {
                account_no: format!("3303{:06}{}", 100_000 + n * 37, k),
                credit_code: e.credit_code.as_str().to_string(),
                feeder: format!("10kV {}{}线", e.township_code, 1 + n % 4),
                contract_kw: p * 13 / 10,
                peak_kw: p,
                security_kw: p * rng.range(5, 15) / 100,
                protected: n == 7 || n == 19,
                restricted: n % 11 == 5,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn accounts_pass_their_own_checks() {
        let d = super::super::enterprises::longwan_2006_enterprises();
        let a = super::accounts(&d);
        assert_eq!(a.len(), 63);
        assert!(
            a.iter().all(|x| x.check().is_empty()),
            "{:?}",
            a.iter().find(|x| !x.check().is_empty())
        );
        assert!(a.iter().any(|x| x.protected) && a.iter().any(|x| x.restricted));
    }
}
