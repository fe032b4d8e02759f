//! The orderly-power plan (有序用电), exactly as RULES.md section 3: power
//! accounts and what each may shed, the warning level of a slot, and the
//! assignment of the gap to accounts (restricted first, then the per-mu
//! classes D, C, T/unclassified, B, A; rotation by the energy already shed
//! in the period; tax per kWh; account number; the last account sheds only
//! what is still needed). Energy is kept in kW·minutes, exactly.

#[cfg(test)]
mod tests;

use crate::per_mu::rules::Class;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;

/// A power account (用户编号) of an enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub account_no: String,
    pub credit_code: String,
    pub feeder: String,
    pub contract_kw: i64,
    pub peak_kw: i64,
    /// 保安负荷: never shed.
    pub security_kw: i64,
    /// The whole account is never shed.
    pub protected: bool,
    /// 高耗能、限制类/淘汰类: shed first.
    pub restricted: bool,
}

impl Account {
    /// What it may shed: peak − security, 0 when protected.
    pub fn sheddable_kw(&self) -> i64 {
        if self.protected {
            0
        } else {
            (self.peak_kw - self.security_kw).max(0)
        }
    }

    /// Every problem at once, in Chinese, by field.
    pub fn check(&self) -> Vec<crate::users::FieldError> {
        use crate::users::FieldError;
        let mut e = vec![];
        let no = self.account_no.trim();
        if no.is_empty()
            || no.chars().count() > 40
            || !no.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            e.push(FieldError::new(
                "account_no",
                "用户编号应为 1 到 40 位字母、数字或“-”",
            ));
        }
        for (f, v, label) in [
            ("contract_kw", self.contract_kw, "合同容量"),
            ("peak_kw", self.peak_kw, "典型负荷"),
            ("security_kw", self.security_kw, "保安负荷"),
        ] {
            if !(0..=10_000_000).contains(&v) {
                e.push(FieldError::new(
                    f,
                    format!("{label}应为 0 至 10000000 千瓦"),
                ));
            }
        }
        if self.security_kw > self.peak_kw {
            e.push(FieldError::new("security_kw", "保安负荷不能大于典型负荷"));
        }
        if self.peak_kw > self.contract_kw {
            e.push(FieldError::new("peak_kw", "典型负荷不能大于合同容量"));
        }
        if self.feeder.chars().count() > 100 {
            e.push(FieldError::new("feeder", "线路名称不能超过 100 个字"));
        }
        e
    }
}

/// The warning level of a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Level {
    I,
    II,
    III,
    IV,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::I => "I",
            Level::II => "II",
            Level::III => "III",
            Level::IV => "IV",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        [Level::I, Level::II, Level::III, Level::IV]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
    /// Ⅰ级（红色） …
    pub fn label(self) -> &'static str {
        match self {
            Level::I => "Ⅰ级（红色）",
            Level::II => "Ⅱ级（橙色）",
            Level::III => "Ⅲ级（黄色）",
            Level::IV => "Ⅳ级（蓝色）",
        }
    }
    /// The colour shown.
    pub fn colour(self) -> &'static str {
        match self {
            Level::I => "#dc2626",
            Level::II => "#f97316",
            Level::III => "#eab308",
            Level::IV => "#2563eb",
        }
    }
}

/// The level of a gap against the forecast maximum (exact): Ⅰ > 20%,
/// Ⅱ > 10% to 20%, Ⅲ > 5% to 10%, Ⅳ <= 5%.
pub fn level(gap_kw: i64, forecast_max_kw: i64) -> Level {
    let g = i128::from(gap_kw) * 100;
    let f = i128::from(forecast_max_kw.max(1));
    if g > 20 * f {
        Level::I
    } else if g > 10 * f {
        Level::II
    } else if g > 5 * f {
        Level::III
    } else {
        Level::IV
    }
}

/// A time slot of a plan: minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub start: i64,
    pub end: i64,
    pub gap_kw: i64,
    pub forecast_max_kw: i64,
}

/// Parses "HH:MM" (00:00 to 24:00) into minutes.
pub fn parse_time(s: &str) -> Option<i64> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty()
        || h.len() > 2
        || m.len() != 2
        || !h.chars().chain(m.chars()).all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    ((0..60).contains(&m) && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
}

/// Minutes as "HH:MM".
pub fn time_text(m: i64) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Checks a day's slots: each well formed, in time order, not overlapping.
pub fn check_slots(slots: &[Slot]) -> Vec<crate::users::FieldError> {
    use crate::users::FieldError;
    let mut e = vec![];
    if slots.is_empty() {
        e.push(FieldError::new("slots", "至少需要一个时段"));
    }
    let mut sorted: Vec<(usize, &Slot)> = slots.iter().enumerate().collect();
    sorted.sort_by_key(|(_, s)| s.start);
    for (i, s) in slots.iter().enumerate() {
        if s.end <= s.start {
            e.push(FieldError::new(
                &format!("slots[{i}].end"),
                "结束时间应晚于开始时间",
            ));
        }
        if !(0..=100_000_000).contains(&s.gap_kw) {
            e.push(FieldError::new(
                &format!("slots[{i}].gap_kw"),
                "缺口应为 0 至 1 亿千瓦",
            ));
        }
        if !(1..=1_000_000_000).contains(&s.forecast_max_kw) {
            e.push(FieldError::new(
                &format!("slots[{i}].forecast_max_kw"),
                "预测最高负荷应为正数",
            ));
        }
    }
    for w in sorted.windows(2) {
        if w[1].1.start < w[0].1.end {
            e.push(FieldError::new(
                &format!("slots[{}].start", w[1].0),
                "时段不能重叠",
            ));
        }
    }
    e
}

/// What the assignment knows of an account's enterprise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Standing {
    /// The class in the last final per-mu evaluation; none when unclassified.
    pub class: Option<Class>,
    /// Tax and electricity of that evaluation's data (for tax per kWh).
    pub tax_yuan: Option<i64>,
    pub electricity_kwh: Option<i64>,
}

impl Standing {
    /// The class's place: 1 D, 2 C, 3 T or unclassified, 4 B, 5 A.
    fn tier(&self) -> u8 {
        match self.class {
            Some(Class::D) => 1,
            Some(Class::C) => 2,
            Some(Class::T) | None => 3,
            Some(Class::B) => 4,
            Some(Class::A) => 5,
        }
    }
    /// Tax per kWh as a fraction; none when unknown.
    fn tax_per_kwh(&self) -> Option<(i128, i128)> {
        match (self.tax_yuan, self.electricity_kwh) {
            (Some(t), Some(e)) if e > 0 => Some((i128::from(t), i128::from(e))),
            _ => None,
        }
    }
}

/// One account's share of a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub account_no: String,
    pub credit_code: String,
    /// The enterprise's class letter, or "" when unclassified.
    pub class: String,
    /// Shed first as a restricted account.
    pub restricted: bool,
    pub shed_kw: i64,
}

/// A slot's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotResult {
    pub slot: Slot,
    pub level: Level,
    pub shed_kw: i64,
    pub uncovered_kw: i64,
    pub assignments: Vec<Assignment>,
}

fn cmp_tax(a: Option<(i128, i128)>, b: Option<(i128, i128)>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some((n1, d1)), Some((n2, d2))) => (n1 * d2).cmp(&(n2 * d1)),
    }
}

/// Assigns a plan's slots (in time order) to the accounts. `shed_so_far`
/// is each account's energy already shed in the period (kW·minutes, by
/// account number) and is updated with this plan's shedding.
pub fn assign(
    slots: &[Slot],
    accounts: &[Account],
    standing: &HashMap<String, Standing>,
    shed_so_far: &mut HashMap<String, i64>,
) -> Vec<SlotResult> {
    let none = Standing::default();
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|&i| (slots[i].start, i));
    let mut out = vec![];
    for i in order {
        let slot = slots[i];
        let mut candidates: Vec<&Account> =
            accounts.iter().filter(|a| a.sheddable_kw() > 0).collect();
        candidates.sort_by(|a, b| {
            let (sa, sb) = (
                standing.get(&a.credit_code).unwrap_or(&none),
                standing.get(&b.credit_code).unwrap_or(&none),
            );
            // Restricted first; then the class (also among the restricted).
            (!a.restricted, sa.tier())
                .cmp(&(!b.restricted, sb.tier()))
                .then_with(|| {
                    shed_so_far
                        .get(&a.account_no)
                        .copied()
                        .unwrap_or(0)
                        .cmp(&shed_so_far.get(&b.account_no).copied().unwrap_or(0))
                })
                .then_with(|| cmp_tax(sa.tax_per_kwh(), sb.tax_per_kwh()))
                .then_with(|| a.account_no.cmp(&b.account_no))
        });
        let mut left = slot.gap_kw;
        let mut assignments = vec![];
        for a in candidates {
            if left <= 0 {
                break;
            }
            let shed = a.sheddable_kw().min(left);
            left -= shed;
            let s = standing.get(&a.credit_code).unwrap_or(&none);
            assignments.push(Assignment {
                account_no: a.account_no.clone(),
                credit_code: a.credit_code.clone(),
                class: s.class.map(|c| c.as_str().to_string()).unwrap_or_default(),
                restricted: a.restricted,
                shed_kw: shed,
            });
        }
        let minutes = slot.end - slot.start;
        for x in &assignments {
            *shed_so_far.entry(x.account_no.clone()).or_insert(0) += x.shed_kw * minutes;
        }
        let shed: i64 = assignments.iter().map(|x| x.shed_kw).sum();
        out.push(SlotResult {
            slot,
            level: level(slot.gap_kw, slot.forecast_max_kw),
            shed_kw: shed,
            uncovered_kw: (slot.gap_kw - shed).max(0),
            assignments,
        });
    }
    out
}
