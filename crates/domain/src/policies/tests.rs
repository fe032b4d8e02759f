//! Matching on hand-built enterprises: each rule alone and combined.

use super::*;

fn ent(industry: &str, township: &str, above: bool, tier: &str, class: Option<&str>) -> Enterprise {
    Enterprise {
        industry_code: industry.into(),
        township_code: township.into(),
        township_name: format!("{township}镇"),
        above_scale: above,
        tier: tier.into(),
        per_mu_class: class.map(String::from),
    }
}

#[test]
fn an_empty_rule_list_matches_everyone() {
    let e = ent("3443", "yongzhong", false, "none", None);
    assert_eq!(
        matches(&AppliesTo::default(), &e, 2006),
        Some(vec!["政策适用于全部企业".to_string()])
    );
}

#[test]
fn each_rule_alone() {
    let e = ent("3443", "yongzhong", true, "industry_leader", Some("B"));
    let only = |a: AppliesTo| matches(&a, &e, 2006);
    // Industries: a prefix, the full code, a section letter; values OR.
    for (p, hit) in [
        ("34", true),
        ("3443", true),
        ("C", true),
        ("C34", true),
        ("35", false),
        ("A", false),
        ("344", true),
        ("3444", false),
    ] {
        let a = AppliesTo {
            industries: vec![p.into()],
            ..Default::default()
        };
        assert_eq!(only(a).is_some(), hit, "{p}");
    }
    let a = AppliesTo {
        industries: vec!["18".into(), "34".into()],
        ..Default::default()
    };
    assert!(only(a).unwrap()[0].contains("34"));
    // Townships.
    let a = AppliesTo {
        townships: vec!["haicheng".into(), "yongzhong".into()],
        ..Default::default()
    };
    assert_eq!(only(a).unwrap(), vec!["所在镇街：yongzhong镇".to_string()]);
    assert!(
        only(AppliesTo {
            townships: vec!["haicheng".into()],
            ..Default::default()
        })
        .is_none()
    );
    // Above size, in the policy's year.
    assert!(
        only(AppliesTo {
            above_scale_only: true,
            ..Default::default()
        })
        .unwrap()[0]
            .contains("2006 年为规模以上")
    );
    let small = ent("3443", "yongzhong", false, "none", None);
    assert!(
        matches(
            &AppliesTo {
                above_scale_only: true,
                ..Default::default()
            },
            &small,
            2006
        )
        .is_none()
    );
    // Tiers.
    assert!(
        only(AppliesTo {
            tiers: vec!["industry_leader".into()],
            ..Default::default()
        })
        .unwrap()[0]
            .contains("行业龙头企业")
    );
    assert!(
        only(AppliesTo {
            tiers: vec!["growth_sme".into()],
            ..Default::default()
        })
        .is_none()
    );
    // Per-mu classes; an enterprise not evaluated matches no class.
    assert!(
        only(AppliesTo {
            per_mu_classes: vec!["a".into(), "B".into()],
            ..Default::default()
        })
        .is_some()
    );
    assert!(
        only(AppliesTo {
            per_mu_classes: vec!["D".into()],
            ..Default::default()
        })
        .is_none()
    );
    assert!(
        matches(
            &AppliesTo {
                per_mu_classes: vec!["B".into()],
                ..Default::default()
            },
            &small,
            2006
        )
        .is_none()
    );
}

#[test]
fn rules_combine_with_and() {
    let e = ent("3443", "yongzhong", true, "growth_sme", Some("A"));
    let a = AppliesTo {
        industries: vec!["34".into()],
        townships: vec!["yongzhong".into()],
        above_scale_only: true,
        tiers: vec!["growth_sme".into(), "industry_leader".into()],
        per_mu_classes: vec!["A".into()],
    };
    assert_eq!(matches(&a, &e, 2006).unwrap().len(), 5);
    // One rule failing fails the whole.
    let other = ent("3443", "haicheng", true, "growth_sme", Some("A"));
    assert!(matches(&a, &other, 2006).is_none());
}

#[test]
fn years_categories_and_expiry() {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    assert_eq!(policy_year(d("2005-12-20"), Some(d("2006-01-01"))), 2006);
    assert_eq!(policy_year(d("2005-12-20"), None), 2005);
    assert_eq!(category("税收优惠"), Some("tax"));
    assert_eq!(category("energy_land"), Some("energy_land"));
    assert_eq!(category("别的"), None);
    assert!(in_force(Some(d("2006-12-31")), d("2006-12-31")));
    assert!(!in_force(Some(d("2006-12-31")), d("2007-01-01")));
    assert!(in_force(None, d("2030-01-01")));
}
