//! A target: a formula kind from a closed set, its parameters and its value.
//! The engine that computes actual values reads these; a target is data, so a
//! district sets its own.

use crate::format::{format_scaled, money, parse_scaled, percent_bp};
use serde::{Deserialize, Serialize};

/// A monthly enterprise statistic that a growth target sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatMeasure {
    OutputValue,
    SalesValue,
}

/// Which enterprises a growth target covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnterpriseScope {
    /// Every enterprise (全社会).
    All,
    /// Enterprises above designated size in the campaign year, for both years (同口径).
    AboveScale,
}

/// What a sum target adds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SumMeasure {
    /// Monthly investment completed on all projects (工业性投资).
    ProjectInvestment,
}

/// What a count target counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountOf {
    /// Key projects whose reserved date falls in the year up to the as-of date.
    KeyProjectsReserved,
    /// Technical-renovation projects approved in the year up to the as-of date.
    TechRenovationApproved,
    /// Enterprises whose sales summed over the year so far reach `threshold_yuan`.
    EnterprisesSalesAtLeast,
    /// China Well-Known trademarks granted in the year up to the as-of date.
    ChinaWellKnownGranted,
}

/// The fixed sets of projects or parcels a cohort rate is measured over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cohort {
    /// Projects supplied land before the year and not started by its first day.
    LandSuppliedBeforeYearNotStarted,
    /// Parcels expropriated before the year and not supplied by its first day.
    ExpropriatedNotSupplied,
    /// Projects supplied land in the year.
    LandSuppliedInYear,
    /// Projects planned to complete in the year.
    PlannedCompletionInYear,
}

/// Whether a cohort rate counts records or adds up land area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateBasis {
    Count,
    Area,
}

impl Cohort {
    /// The basis the target's rate is judged on.
    pub fn basis(self) -> RateBasis {
        match self {
            Cohort::ExpropriatedNotSupplied => RateBasis::Area,
            _ => RateBasis::Count,
        }
    }
}

/// A target's formula: the kind and its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Formula {
    /// Growth of a summed monthly measure against the same period last year.
    Growth {
        measure: StatMeasure,
        scope: EnterpriseScope,
    },
    /// A sum over the year so far.
    Sum { measure: SumMeasure },
    /// A count of records matching a filter.
    Count {
        of: CountOf,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        threshold_yuan: Option<i64>,
    },
    /// A rate over a cohort fixed at the year's first day; the document's
    /// declared cohort size is kept to compare with what the data finds.
    CohortRate {
        cohort: Cohort,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        declared_count: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        declared_area_millimu: Option<i64>,
    },
}

impl Formula {
    /// The kind's identifier: growth, sum, count or cohort_rate.
    pub fn kind(&self) -> &'static str {
        match self {
            Formula::Growth { .. } => "growth",
            Formula::Sum { .. } => "sum",
            Formula::Count { .. } => "count",
            Formula::CohortRate { .. } => "cohort_rate",
        }
    }

    /// The kind in Chinese.
    pub fn kind_label(&self) -> &'static str {
        match self {
            Formula::Growth { .. } => "同比增长",
            Formula::Sum { .. } => "累计总额",
            Formula::Count { .. } => "计数",
            Formula::CohortRate { .. } => "队列比率",
        }
    }

    /// The records the formula is computed from, for pages that have no data yet.
    pub fn data_needed(&self) -> &'static str {
        match self {
            Formula::Growth {
                scope: EnterpriseScope::All,
                ..
            } => "企业月度统计（本年与上年同期）",
            Formula::Growth {
                scope: EnterpriseScope::AboveScale,
                ..
            } => "规模以上企业名单及月度统计（本年与上年同期）",
            Formula::Sum { .. } => "项目月度完成投资",
            Formula::Count {
                of: CountOf::KeyProjectsReserved,
                ..
            } => "重点项目及其入库（储备）日期",
            Formula::Count {
                of: CountOf::TechRenovationApproved,
                ..
            } => "技改项目及其立项日期",
            Formula::Count {
                of: CountOf::EnterprisesSalesAtLeast,
                ..
            } => "企业月度销售产值",
            Formula::Count {
                of: CountOf::ChinaWellKnownGranted,
                ..
            } => "品牌培育库中的中国驰名商标及认定日期",
            Formula::CohortRate {
                cohort: Cohort::ExpropriatedNotSupplied,
                ..
            } => "地块的征收与供地日期",
            Formula::CohortRate {
                cohort: Cohort::PlannedCompletionInYear,
                ..
            } => "项目计划竣工年度与投产日期",
            Formula::CohortRate { .. } => "项目的供地与开工日期",
        }
    }

    /// The unit its value must be expressed in.
    pub fn value_unit(&self) -> ValueUnit {
        match self {
            Formula::Growth { .. } | Formula::CohortRate { .. } => ValueUnit::Ratio,
            Formula::Sum { .. } => ValueUnit::Yuan,
            Formula::Count { .. } => ValueUnit::Count,
        }
    }

    /// A cumulative target (sum, count) is on track when actual/target keeps
    /// up with time progress; a rate or growth when actual >= target.
    pub fn is_cumulative(&self) -> bool {
        matches!(self, Formula::Sum { .. } | Formula::Count { .. })
    }

    /// Checks the parameters that depend on one another.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Formula::Count {
                of: CountOf::EnterprisesSalesAtLeast,
                threshold_yuan,
            } => match threshold_yuan {
                Some(t) if *t > 0 => Ok(()),
                _ => Err("按销售额计数的目标须设定大于 0 的销售额门槛（threshold_yuan）".into()),
            },
            Formula::Count {
                threshold_yuan: Some(_),
                ..
            } => Err("只有按销售额计数的目标才设定销售额门槛".into()),
            Formula::CohortRate {
                declared_count,
                declared_area_millimu,
                ..
            } => {
                if declared_count.is_some_and(|n| n < 0)
                    || declared_area_millimu.is_some_and(|n| n < 0)
                {
                    Err("队列的申报规模不能为负数".into())
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }
}

/// The unit a target value is kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueUnit {
    /// A ratio, kept in basis points (1/10000): 14% is 1400.
    Ratio,
    /// Whole yuan.
    Yuan,
    /// A count of records.
    Count,
}

impl ValueUnit {
    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueUnit::Ratio => "ratio",
            ValueUnit::Yuan => "yuan",
            ValueUnit::Count => "count",
        }
    }
    /// Parses the identifier.
    pub fn parse(s: &str) -> Option<ValueUnit> {
        match s {
            "ratio" => Some(ValueUnit::Ratio),
            "yuan" => Some(ValueUnit::Yuan),
            "count" => Some(ValueUnit::Count),
            _ => None,
        }
    }
}

/// A target value, exact: basis points for ratios, whole yuan, or a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetValue {
    pub unit: ValueUnit,
    pub value: i64,
}

impl TargetValue {
    /// Parses what a person writes: "0.14" or "14%" for a ratio, an integer
    /// for yuan and counts. Values must not be negative.
    pub fn parse(unit: ValueUnit, s: &str) -> Result<TargetValue, String> {
        let s = s.trim().replace([',', '，'], "");
        let value = match unit {
            ValueUnit::Ratio => match s.strip_suffix('%') {
                Some(p) => parse_scaled(p, 2)?,
                None => parse_scaled(&s, 4)?,
            },
            ValueUnit::Yuan | ValueUnit::Count => s
                .parse::<i64>()
                .ok()
                .filter(|v| *v >= 0)
                .ok_or_else(|| format!("“{s}”须为非负整数"))?,
        };
        Ok(TargetValue { unit, value })
    }

    /// The value as a JSON number: a ratio as a fraction (0.14), else the integer.
    pub fn as_f64(self) -> f64 {
        match self.unit {
            ValueUnit::Ratio => self.value as f64 / 10_000.0,
            _ => self.value as f64,
        }
    }

    /// The value as a person edits it: "0.14", "2310000000", "10".
    pub fn edit_text(self) -> String {
        match self.unit {
            ValueUnit::Ratio => format_scaled(self.value, 4),
            _ => self.value.to_string(),
        }
    }

    /// For display: "14%", "23.1亿元", "10" followed by the count's measure word.
    pub fn display(self, count_word: &str) -> String {
        match self.unit {
            ValueUnit::Ratio => percent_bp(self.value),
            ValueUnit::Yuan => money(self.value),
            ValueUnit::Count => format!("{}{}", self.value, count_word),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_values_parse_exactly() {
        assert_eq!(
            TargetValue::parse(ValueUnit::Ratio, "0.14").unwrap().value,
            1400
        );
        assert_eq!(
            TargetValue::parse(ValueUnit::Ratio, "14%").unwrap().value,
            1400
        );
        assert_eq!(
            TargetValue::parse(ValueUnit::Ratio, "1").unwrap().value,
            10000
        );
        assert_eq!(
            TargetValue::parse(ValueUnit::Yuan, "2,310,000,000")
                .unwrap()
                .value,
            2_310_000_000
        );
        assert!(TargetValue::parse(ValueUnit::Count, "-1").is_err());
        assert!(TargetValue::parse(ValueUnit::Count, "1.5").is_err());
        assert!(TargetValue::parse(ValueUnit::Ratio, "0.14159").is_err());
        let v = TargetValue::parse(ValueUnit::Ratio, "0.9").unwrap();
        assert_eq!(v.display(""), "90%");
        assert_eq!(v.edit_text(), "0.9");
        assert_eq!(v.as_f64(), 0.9);
    }

    #[test]
    fn formulas_round_trip_json() {
        let f = Formula::CohortRate {
            cohort: Cohort::LandSuppliedBeforeYearNotStarted,
            declared_count: Some(123),
            declared_area_millimu: Some(1_455_739),
        };
        let j = serde_json::to_string(&f).unwrap();
        assert_eq!(
            j,
            r#"{"kind":"cohort_rate","cohort":"land_supplied_before_year_not_started","declared_count":123,"declared_area_millimu":1455739}"#
        );
        assert_eq!(serde_json::from_str::<Formula>(&j).unwrap(), f);
        assert!(serde_json::from_str::<Formula>(r#"{"kind":"median"}"#).is_err());
    }

    #[test]
    fn formula_checks() {
        let f = Formula::Count {
            of: CountOf::EnterprisesSalesAtLeast,
            threshold_yuan: None,
        };
        assert!(f.check().is_err());
        let f = Formula::Count {
            of: CountOf::KeyProjectsReserved,
            threshold_yuan: Some(5),
        };
        assert!(f.check().is_err());
        assert!(
            Formula::Sum {
                measure: SumMeasure::ProjectInvestment
            }
            .is_cumulative()
        );
        assert_eq!(Cohort::ExpropriatedNotSupplied.basis(), RateBasis::Area);
    }
}
