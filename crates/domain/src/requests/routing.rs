//! Routing: rules map a category, and optionally a township, to the working
//! group responsible and the unit that handles the request. A rule for the
//! township wins over the category's general rule.

use serde::{Deserialize, Serialize};

/// One routing rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub category: String,
    /// Only for requests of enterprises in this township (None: any).
    pub township: Option<String>,
    pub working_group: Option<String>,
    pub unit: String,
}

/// The rule for a request of `category` from an enterprise in `township`.
pub fn route<'a>(rules: &'a [Rule], category: &str, township: Option<&str>) -> Option<&'a Rule> {
    rules
        .iter()
        .find(|r| {
            r.category == category && r.township.is_some() && r.township.as_deref() == township
        })
        .or_else(|| {
            rules
                .iter()
                .find(|r| r.category == category && r.township.is_none())
        })
}

/// The rules a new database starts with for the Longwan template's units:
/// (category, working group, unit).
pub const LONGWAN_DEFAULTS: &[(&str, &str, &str)] = &[
    ("land", "investment-construction", "land"),
    ("financing", "finance-power", "economy"),
    ("power", "finance-power", "power-branch"),
    ("approvals", "investment-construction", "approvals"),
    ("talent_labour", "industry-upgrading", "personnel-labour"),
    ("tax", "tax-policy", "state-tax"),
    ("policy", "industry-upgrading", "economy"),
    ("infrastructure", "investment-construction", "construction"),
    ("environment_safety", "industry-upgrading", "environment"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_township_rule_wins_over_the_general_one() {
        let rules = vec![
            Rule {
                category: "land".into(),
                township: None,
                working_group: Some("investment-construction".into()),
                unit: "land".into(),
            },
            Rule {
                category: "land".into(),
                township: Some("etdz".into()),
                working_group: None,
                unit: "etdz".into(),
            },
        ];
        assert_eq!(route(&rules, "land", Some("etdz")).unwrap().unit, "etdz");
        assert_eq!(route(&rules, "land", Some("haibin")).unwrap().unit, "land");
        assert_eq!(route(&rules, "land", None).unwrap().unit, "land");
        assert!(route(&rules, "tax", Some("etdz")).is_none());
    }
}
