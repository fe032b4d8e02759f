//! Campaigns as data: the year, the source document, the targets with their
//! formulas, the award scheme; and the built-in templates that hold them.

mod target;
pub mod template;
mod time;

pub use target::{
    Cohort, CountOf, EnterpriseScope, Formula, RateBasis, StatMeasure, SumMeasure, TargetValue,
    ValueUnit,
};
pub use time::{TimeProgress, time_progress};

use serde::{Deserialize, Serialize};

/// One prize level of the award scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardTier {
    /// 1 for first prize, 2 for second ...
    pub rank: i64,
    /// The prize's name, e.g. 一等奖.
    pub name: String,
    /// How many units win it; None for "若干名", set by the office at evaluation.
    pub winners: Option<i64>,
    /// Prize money per winning unit, whole yuan.
    pub amount_yuan: i64,
}

/// Checks an award tier's numbers.
pub fn check_award_tier(t: &AwardTier) -> Result<(), String> {
    if t.name.trim().is_empty() {
        return Err("奖项名称不能为空".into());
    }
    if t.winners.is_some_and(|n| !(0..=1000).contains(&n)) {
        return Err(format!("{}的名额须在 0 到 1000 之间", t.name));
    }
    if t.amount_yuan < 0 {
        return Err(format!("{}的奖金不能为负数", t.name));
    }
    Ok(())
}
