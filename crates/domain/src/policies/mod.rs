//! Policies that reach the right enterprises (产业引导政策、惠企政策), as
//! RULES.md section 6 defines: who a policy applies to — GB/T 4754 code
//! prefixes, townships, above-size only, cultivation tiers, per-mu classes —
//! with every rule empty matching everyone, rules combined with AND and the
//! values of one rule with OR. Year-bound attributes (above size, tier) are
//! read for the year the policy takes effect (effective_on, else issued_on);
//! the per-mu class from the last final evaluation. Each match carries its
//! reasons.

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The categories of a policy: (code, label).
pub const CATEGORIES: [(&str, &str); 7] = [
    ("tax", "税收优惠"),
    ("fiscal", "财政支持"),
    ("fees", "费金减免"),
    ("institutional", "制度性交易成本"),
    ("labour", "人工成本"),
    ("financing", "融资成本"),
    ("energy_land", "用能用地成本"),
];

/// A category's code from its code or its Chinese label.
pub fn category(s: &str) -> Option<&'static str> {
    let s = s.trim();
    CATEGORIES
        .iter()
        .find(|(c, l)| *c == s || *l == s)
        .map(|(c, _)| *c)
}

/// A category's Chinese label.
pub fn category_label(code: &str) -> &str {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or(code)
}

/// Who a policy applies to. Every rule left empty (or false) matches everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppliesTo {
    /// GB/T 4754 code prefixes ("34", "3443"), or a section letter ("C").
    pub industries: Vec<String>,
    /// Township (org unit) codes.
    pub townships: Vec<String>,
    /// Only enterprises above designated size in the policy's year.
    pub above_scale_only: bool,
    /// Cultivation tiers in the policy's year: large_group, growth_sme, industry_leader.
    pub tiers: Vec<String>,
    /// Classes in the last final per-mu evaluation: A, B, C, D.
    pub per_mu_classes: Vec<String>,
}

impl AppliesTo {
    /// No rule at all: everyone.
    pub fn is_everyone(&self) -> bool {
        self.industries.is_empty()
            && self.townships.is_empty()
            && !self.above_scale_only
            && self.tiers.is_empty()
            && self.per_mu_classes.is_empty()
    }
}

/// What matching reads of an enterprise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enterprise {
    pub industry_code: String,
    pub township_code: String,
    pub township_name: String,
    /// In the policy's year.
    pub above_scale: bool,
    /// In the policy's year ("none" when not in a tier).
    pub tier: String,
    /// In the last final per-mu evaluation.
    pub per_mu_class: Option<String>,
}

/// The year whose attributes a policy reads: the year it takes effect.
pub fn policy_year(issued_on: NaiveDate, effective_on: Option<NaiveDate>) -> i32 {
    use chrono::Datelike;
    effective_on.unwrap_or(issued_on).year()
}

/// The divisions (first two digits) of each GB/T 4754-2017 section.
const SECTIONS: [(char, u32, u32); 20] = [
    ('A', 1, 5),
    ('B', 6, 12),
    ('C', 13, 43),
    ('D', 44, 46),
    ('E', 47, 50),
    ('F', 51, 52),
    ('G', 53, 60),
    ('H', 61, 62),
    ('I', 63, 65),
    ('J', 66, 69),
    ('K', 70, 70),
    ('L', 71, 72),
    ('M', 73, 75),
    ('N', 76, 79),
    ('O', 80, 82),
    ('P', 83, 83),
    ('Q', 84, 85),
    ('R', 86, 90),
    ('S', 91, 96),
    ('T', 97, 97),
];

/// Does an industry code fall under a prefix? A prefix is digits ("34",
/// "3443"), optionally after its section letter ("C34"), or a section
/// letter alone ("C": divisions 13–43).
pub fn industry_under(code: &str, prefix: &str) -> bool {
    let code = code
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let prefix = prefix.trim().to_ascii_uppercase();
    let digits = prefix.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if digits.is_empty() {
        let Some(letter) = prefix.chars().next() else {
            return false;
        };
        let Ok(division) = code.get(..2).unwrap_or("").parse::<u32>() else {
            return false;
        };
        return SECTIONS
            .iter()
            .any(|(l, from, to)| *l == letter && (*from..=*to).contains(&division));
    }
    code.starts_with(digits)
}

/// The reasons an enterprise matches (in Chinese), or none when it does not.
pub fn matches(a: &AppliesTo, e: &Enterprise, year: i32) -> Option<Vec<String>> {
    if a.is_everyone() {
        return Some(vec!["政策适用于全部企业".into()]);
    }
    let mut reasons = vec![];
    if !a.industries.is_empty() {
        let hit = a
            .industries
            .iter()
            .find(|p| industry_under(&e.industry_code, p))?;
        reasons.push(format!("行业代码 {} 属于 {}", e.industry_code, hit.trim()));
    }
    if !a.townships.is_empty() {
        a.townships.iter().find(|t| t.trim() == e.township_code)?;
        reasons.push(format!("所在镇街：{}", e.township_name));
    }
    if a.above_scale_only {
        if !e.above_scale {
            return None;
        }
        reasons.push(format!("{year} 年为规模以上企业"));
    }
    if !a.tiers.is_empty() {
        a.tiers.iter().find(|t| t.trim() == e.tier)?;
        let label = crate::enterprises::Tier::parse(&e.tier)
            .map(|t| t.label())
            .unwrap_or("");
        reasons.push(format!("{year} 年培育层次：{label}"));
    }
    if !a.per_mu_classes.is_empty() {
        let class = e.per_mu_class.as_deref()?;
        a.per_mu_classes
            .iter()
            .find(|c| c.trim().eq_ignore_ascii_case(class))?;
        reasons.push(format!("最近一次亩均效益综合评价为 {class} 类"));
    }
    Some(reasons)
}

/// Is the policy in force on `day` (not yet expired)?
pub fn in_force(expires_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    expires_on.is_none_or(|e| day <= e)
}
