//! Hand-computed cases of RULES.md section 2.

use super::rules::{Class, Subject, class_at, evaluate};
use super::*;
use chrono::NaiveDate;
use std::collections::BTreeMap;

fn only_tax(w: i64) -> Settings {
    Settings {
        weights_above: BTreeMap::from([(Indicator::TaxPerMu, w)]),
        weights_below: BTreeMap::from([(Indicator::TaxPerMu, 50), (Indicator::TaxPerKwh, 50)]),
        ..Settings::default()
    }
}

fn firm(code: &str, above: bool, tax: i64, mu: i64) -> Subject {
    Subject {
        credit_code: code.into(),
        name: format!("企业{code}"),
        township: "yongzhong".into(),
        industry_code: "3443".into(),
        above,
        established_on: NaiveDate::from_ymd_opt(2000, 1, 1),
        data: Data {
            land_millimu: Some(mu * 1000),
            tax_yuan: Some(tax),
            ..Data::default()
        },
        ..Subject::default()
    }
}

fn by_code<'a>(o: &'a rules::Outcome, code: &str) -> &'a Evaluated {
    o.items.iter().find(|e| e.credit_code == code).unwrap()
}

#[test]
fn the_worked_example_benchmark_is_a_ratio_of_sums_and_the_cap_holds() {
    let subjects = [
        firm("a", true, 3_000_000, 20),
        firm("b", true, 600_000, 10),
        firm("c", true, 9_000_000, 15),
    ];
    let o = evaluate(2006, &subjects, &only_tax(30));
    let b = &o.benchmarks[&GroupKind::Above][&Indicator::TaxPerMu];
    // 12,600,000 yuan / 45 mu = 280,000 yuan per mu.
    assert_eq!(b.value.clone().unwrap(), Q::whole(280_000));
    assert_eq!(b.value.clone().unwrap().display(2), "280000.00");
    // 30 × 150000/280000 = 16.0714; 30 × 60000/280000 = 6.4286; 30 × min(2.1429, 1.5) = 45.
    assert_eq!(by_code(&o, "a").total, Some(160_714));
    assert_eq!(by_code(&o, "b").total, Some(64_286));
    assert_eq!(by_code(&o, "c").total, Some(450_000));
    let ranks: Vec<_> = o
        .items
        .iter()
        .map(|e| (e.credit_code.as_str(), e.rank))
        .collect();
    assert_eq!(ranks, vec![("c", Some(1)), ("a", Some(2)), ("b", Some(3))]);
    // n = 3: n_A = 0, n_AB = 1, n_D = 1.
    let classes: Vec<_> = o.items.iter().map(|e| e.class).collect();
    assert_eq!(classes, vec![Class::B, Class::C, Class::D]);
    // A higher cap lets c score more.
    let mut s = only_tax(30);
    s.cap = "3".into();
    let o = evaluate(2006, &subjects, &s);
    // 30 × 600000/280000 = 64.2857.
    assert_eq!(by_code(&o, "c").total, Some(642_857));
}

#[test]
fn a_missing_or_zero_denominator_scores_the_weight_and_negative_tax_scores_nothing() {
    let mut s = only_tax(30);
    s.weights_above.insert(Indicator::VaPerEnergy, 20);
    let mut a = firm("a", true, 1_000_000, 10);
    a.data.value_added_yuan = Some(2_000_000);
    a.data.energy_kgce = Some(1_000);
    let mut b = firm("b", true, -500_000, 10);
    b.data.value_added_yuan = Some(1_000_000);
    b.data.energy_kgce = Some(0);
    let mut c = firm("c", true, 2_000_000, 20);
    c.data.value_added_yuan = Some(3_000_000);
    c.data.energy_kgce = None;
    let o = evaluate(2006, &[a, b, c], &s);
    // Tax: (1,000,000 − 500,000 + 2,000,000) / 40 mu = 62,500 per mu.
    let bench = &o.benchmarks[&GroupKind::Above];
    assert_eq!(
        bench[&Indicator::TaxPerMu].value.clone().unwrap(),
        Q::whole(62_500)
    );
    // Energy: the sums take every ranked enterprise (missing counts 0): 6,000,000 / 1,000.
    assert_eq!(
        bench[&Indicator::VaPerEnergy].value.clone().unwrap(),
        Q::whole(6_000)
    );
    // a: tax 100,000/62,500 = 1.6 → capped 1.5 → 45; energy 2,000/6,000 → 20/3.
    assert_eq!(by_code(&o, "a").scores[&Indicator::TaxPerMu], Q::whole(45));
    assert_eq!(by_code(&o, "a").total, Some(516_667));
    // b: negative tax → 0; zero energy → the weight, 20.
    assert_eq!(by_code(&o, "b").scores[&Indicator::TaxPerMu], Q::zero());
    assert_eq!(by_code(&o, "b").indicators[&Indicator::VaPerEnergy], None);
    assert_eq!(by_code(&o, "b").total, Some(200_000));
    // c: tax 100,000/62,500 → 45; missing energy → 20.
    assert_eq!(by_code(&o, "c").total, Some(650_000));
    // A benchmark of zero gives everyone the weight.
    let o = evaluate(
        2006,
        &[firm("z", true, 0, 10), firm("y", true, 0, 5)],
        &only_tax(30),
    );
    assert!(o.items.iter().all(|e| e.total == Some(300_000)));
}

#[test]
fn scope_the_three_mu_line_class_t_and_industry() {
    let s = Settings::default();
    let mut new = firm("new", true, 100, 10);
    new.established_on = NaiveDate::from_ymd_opt(2005, 1, 1);
    let mut old = firm("old", true, 100, 10);
    old.established_on = NaiveDate::from_ymd_opt(2004, 12, 31);
    let mut shop = firm("shop", true, 100, 10);
    shop.industry_code = "5211".into();
    let mut mine = firm("mine", true, 100, 10);
    mine.industry_code = "0610".into();
    let mut small = firm("small", false, 100, 0);
    small.data.land_millimu = Some(2_999);
    let mut three = firm("three", false, 100, 0);
    three.data.land_millimu = Some(3_000);
    let mut no_land = firm("noland", true, 100, 0);
    no_land.data.land_millimu = None;
    let o = evaluate(2006, &[new, old, shop, mine, small, three, no_land], &s);
    let listed: Vec<_> = o
        .items
        .iter()
        .map(|e| (e.credit_code.as_str(), e.group, e.class))
        .collect();
    assert!(
        listed.contains(&("new", GroupKind::Above, Class::T)),
        "{listed:?}"
    );
    assert!(
        listed
            .iter()
            .any(|(c, g, k)| *c == "old" && *g == GroupKind::Above && *k != Class::T)
    );
    assert!(listed.iter().any(|(c, _, _)| *c == "mine"));
    assert!(
        listed
            .iter()
            .any(|(c, g, _)| *c == "three" && *g == GroupKind::Below)
    );
    let out: Vec<_> = o
        .out_of_scope
        .iter()
        .map(|x| x.credit_code.as_str())
        .collect();
    assert_eq!(out, vec!["shop", "small", "noland"]);
    let t = by_code(&o, "new");
    assert_eq!((t.rank, t.total), (None, None));
    // Class T does not count in the benchmark: old alone sets it.
    assert_eq!(
        o.benchmarks[&GroupKind::Above][&Indicator::TaxPerMu].numerator_sum,
        2 * 100 * 1000
    );
}

#[test]
fn ties_go_to_tax_per_mu_then_credit_code() {
    // Equal totals at 4 decimals (all capped at 45), different tax per mu.
    let mut s = only_tax(30);
    s.benchmarks_above.insert(Indicator::TaxPerMu, "1".into());
    let o = evaluate(
        2006,
        &[
            firm("b", true, 500, 1),
            firm("c", true, 900, 1),
            firm("a", true, 500, 1),
        ],
        &s,
    );
    let order: Vec<_> = o.items.iter().map(|e| e.credit_code.as_str()).collect();
    assert_eq!(order, vec!["c", "a", "b"]);
    assert!(o.benchmarks[&GroupKind::Above][&Indicator::TaxPerMu].overridden);
}

#[test]
fn the_class_cut_offs_by_position() {
    let s = Shares {
        a: 20,
        ab: 60,
        d: 5,
    };
    let classes = |n: usize| -> String { (1..=n).map(|r| class_at(r, n, &s).as_str()).collect() };
    assert_eq!(classes(1), "D");
    assert_eq!(classes(2), "BD");
    assert_eq!(classes(5), "ABBCD");
    assert_eq!(
        classes(19),
        format!("AAA{}{}D", "B".repeat(8), "C".repeat(7))
    );
    assert_eq!(
        classes(20),
        format!("AAAA{}{}D", "B".repeat(8), "C".repeat(7))
    );
    assert_eq!(
        classes(21),
        format!("AAAA{}{}DD", "B".repeat(8), "C".repeat(7))
    );
}

#[test]
fn a_veto_in_the_year_turns_a_or_b_into_c_and_leaves_d() {
    let subjects: Vec<Subject> = (0..5)
        .map(|i| {
            let mut f = firm(&format!("f{i}"), true, 1_000_000 - i * 100_000, 10);
            if i == 0 || i == 4 {
                f.veto = Some("重大安全事故".into());
            }
            f
        })
        .collect();
    let o = evaluate(2006, &subjects, &only_tax(30));
    let classes: Vec<_> = o
        .items
        .iter()
        .map(|e| (e.credit_code.as_str(), e.class))
        .collect();
    assert_eq!(
        classes,
        vec![
            ("f0", Class::C),
            ("f1", Class::B),
            ("f2", Class::B),
            ("f3", Class::C),
            ("f4", Class::D)
        ]
    );
    assert_eq!(by_code(&o, "f0").rank, Some(1), "the veto keeps the rank");
}

#[test]
fn bonus_and_deduction_move_the_total_never_below_zero() {
    let mut a = firm("a", true, 100, 10);
    a.bonus = 25_000;
    a.bonus_reason = "获评省级绿色工厂".into();
    let mut b = firm("b", true, 100, 10);
    b.deduction = 400_000;
    b.deduction_reason = "环保整改未完成".into();
    let o = evaluate(2006, &[a, b], &only_tax(30));
    assert_eq!(by_code(&o, "a").total, Some(325_000));
    assert_eq!(by_code(&o, "b").total, Some(0));
}

#[test]
fn settings_take_decimals_as_text_or_numbers() {
    let s: Settings = serde_json::from_value(serde_json::json!({
        "weights_above": {"tax_per_mu": 30}, "weights_below": {"tax_per_mu": 50},
        "cap": 2, "shares": {"a": 20, "ab": 60, "d": 5}, "min_land_below_millimu": 3000,
        "benchmarks_above": {"tax_per_mu": 280000.5}, "notice_days": 5
    }))
    .unwrap();
    assert_eq!(s.cap, "2");
    assert_eq!(s.benchmarks_above[&Indicator::TaxPerMu], "280000.5");
    assert!(s.check().is_empty());
}

#[test]
fn the_lifecycle_waits_for_results_the_notice_and_the_objections() {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let t = d("2007-03-10");
    assert!(check_action(Status::Draft, Action::Publish, false, t, t, None, 0).is_err());
    assert!(
        check_action(
            Status::Draft,
            Action::Publish,
            true,
            t,
            d("2007-03-11"),
            None,
            0
        )
        .is_err()
    );
    assert_eq!(
        check_action(Status::Draft, Action::Publish, true, t, t, None, 0),
        Ok(Status::Publicized)
    );
    assert!(check_action(Status::Publicized, Action::Finalize, true, t, t, Some(t), 0).is_err());
    assert!(
        check_action(
            Status::Publicized,
            Action::Finalize,
            true,
            t,
            t,
            Some(d("2007-03-09")),
            1
        )
        .is_err()
    );
    assert_eq!(
        check_action(
            Status::Publicized,
            Action::Finalize,
            true,
            t,
            t,
            Some(d("2007-03-09")),
            0
        ),
        Ok(Status::Final)
    );
    assert_eq!(
        check_action(Status::Publicized, Action::Compute, true, t, t, None, 0),
        Ok(Status::Publicized)
    );
    assert!(check_action(Status::Final, Action::Compute, true, t, t, None, 0).is_err());
    assert!(Settings::default().check().is_empty());
    let bad = Settings {
        cap: "x".into(),
        shares: Shares {
            a: 70,
            ab: 60,
            d: 5,
        },
        ..Settings::default()
    };
    assert_eq!(bad.check().len(), 2);
}
