//! Hand-computed plans of RULES.md section 3.

use super::*;

fn acc(no: &str, code: &str, peak: i64, security: i64) -> Account {
    Account {
        account_no: no.into(),
        credit_code: code.into(),
        feeder: "10kV 永中线".into(),
        contract_kw: peak,
        peak_kw: peak,
        security_kw: security,
        protected: false,
        restricted: false,
    }
}

fn standing(class: Option<Class>, tax: i64, kwh: i64) -> Standing {
    Standing {
        class,
        tax_yuan: Some(tax),
        electricity_kwh: Some(kwh),
    }
}

fn slot(start: &str, end: &str, gap: i64, max: i64) -> Slot {
    Slot {
        start: parse_time(start).unwrap(),
        end: parse_time(end).unwrap(),
        gap_kw: gap,
        forecast_max_kw: max,
    }
}

fn shed(r: &SlotResult) -> Vec<(&str, i64)> {
    r.assignments
        .iter()
        .map(|a| (a.account_no.as_str(), a.shed_kw))
        .collect()
}

#[test]
fn the_worked_example_restricted_first_then_d_by_tax_per_kwh() {
    let mut r = acc("R", "r", 300, 0);
    r.restricted = true;
    let accounts = [
        r,
        acc("D1", "d1", 500, 0),
        acc("D2", "d2", 400, 0),
        acc("C1", "c1", 600, 0),
    ];
    let st = HashMap::from([
        ("r".to_string(), standing(Some(Class::A), 1, 1)),
        ("d1".to_string(), standing(Some(Class::D), 2, 100)),
        ("d2".to_string(), standing(Some(Class::D), 1, 100)),
        ("c1".to_string(), standing(Some(Class::C), 1, 100)),
    ]);
    let out = assign(
        &[slot("09:00", "11:00", 1000, 8000)],
        &accounts,
        &st,
        &mut HashMap::new(),
    );
    assert_eq!(shed(&out[0]), vec![("R", 300), ("D2", 400), ("D1", 300)]);
    assert_eq!((out[0].shed_kw, out[0].uncovered_kw), (1000, 0));
    // 1,000 / 8,000 = 12.5%: level Ⅱ.
    assert_eq!(out[0].level, Level::II);
    assert_eq!(
        (
            out[0].assignments[0].class.as_str(),
            out[0].assignments[0].restricted
        ),
        ("A", true)
    );
}

#[test]
fn protected_accounts_and_security_loads_are_never_shed() {
    let mut p = acc("P", "p", 900, 0);
    p.protected = true;
    let accounts = [p, acc("S", "s", 500, 450), acc("X", "x", 100, 0)];
    let st = HashMap::from([("p".to_string(), standing(Some(Class::D), 0, 1))]);
    let out = assign(
        &[slot("08:00", "09:00", 1000, 10000)],
        &accounts,
        &st,
        &mut HashMap::new(),
    );
    // P is protected; S may shed 50 (500 − 450); X 100. Unclassified go before nothing else here.
    assert_eq!(shed(&out[0]), vec![("S", 50), ("X", 100)]);
    assert_eq!(
        out[0].uncovered_kw, 850,
        "a gap larger than everything sheddable"
    );
}

#[test]
fn the_classes_go_d_c_unclassified_b_a() {
    let accounts = [
        acc("A1", "a", 10, 0),
        acc("B1", "b", 10, 0),
        acc("T1", "t", 10, 0),
        acc("N1", "n", 10, 0),
        acc("C1", "c", 10, 0),
        acc("D1", "d", 10, 0),
    ];
    let st = HashMap::from([
        ("a".to_string(), standing(Some(Class::A), 1, 1)),
        ("b".to_string(), standing(Some(Class::B), 1, 1)),
        ("t".to_string(), standing(Some(Class::T), 1, 1)),
        ("c".to_string(), standing(Some(Class::C), 1, 1)),
        ("d".to_string(), standing(Some(Class::D), 1, 1)),
    ]);
    let out = assign(
        &[slot("08:00", "09:00", 60, 1000)],
        &accounts,
        &st,
        &mut HashMap::new(),
    );
    let order: Vec<_> = out[0]
        .assignments
        .iter()
        .map(|a| a.account_no.as_str())
        .collect();
    // T (class T, tax 1) and N (unclassified, no tax: none first) share a tier.
    assert_eq!(order, vec!["D1", "C1", "N1", "T1", "B1", "A1"]);
}

#[test]
fn restricted_accounts_go_first_and_among_them_the_classes_still_count() {
    let mut ra = acc("RA", "a", 100, 0);
    ra.restricted = true;
    let mut rd = acc("RD", "d", 100, 0);
    rd.restricted = true;
    let accounts = [acc("D1", "d", 100, 0), ra, rd];
    let st = HashMap::from([
        ("a".to_string(), standing(Some(Class::A), 1, 1)),
        ("d".to_string(), standing(Some(Class::D), 1, 1)),
    ]);
    let out = assign(
        &[slot("08:00", "09:00", 300, 1000)],
        &accounts,
        &st,
        &mut HashMap::new(),
    );
    let order: Vec<_> = out[0]
        .assignments
        .iter()
        .map(|a| a.account_no.as_str())
        .collect();
    assert_eq!(order, vec!["RD", "RA", "D1"]);
}

#[test]
fn rotation_by_energy_already_shed_across_slots_and_plans() {
    let accounts = [acc("D1", "d1", 100, 0), acc("D2", "d2", 100, 0)];
    let st = HashMap::from([
        ("d1".to_string(), standing(Some(Class::D), 1, 100)),
        ("d2".to_string(), standing(Some(Class::D), 2, 100)),
    ]);
    let mut energy = HashMap::new();
    // Slot 1: D1 (lower tax per kWh) sheds; slot 2: D2 has shed less, so it goes first.
    let day1 = assign(
        &[
            slot("14:00", "16:00", 100, 1000),
            slot("10:00", "11:00", 100, 1000),
        ],
        &accounts,
        &st,
        &mut energy,
    );
    assert_eq!(shed(&day1[0]), vec![("D1", 100)], "10:00 first");
    assert_eq!(shed(&day1[1]), vec![("D2", 100)]);
    assert_eq!((energy["D1"], energy["D2"]), (100 * 60, 100 * 120));
    // The next plan of the period: D1 has shed 100 kWh, D2 200 kWh: D1 first.
    let day2 = assign(
        &[slot("10:00", "12:00", 150, 1000)],
        &accounts,
        &st,
        &mut energy,
    );
    assert_eq!(shed(&day2[0]), vec![("D1", 100), ("D2", 50)]);
}

#[test]
fn a_tie_on_tax_per_kwh_goes_to_the_account_number() {
    let accounts = [acc("B-2", "x", 100, 0), acc("B-1", "y", 100, 0)];
    // 1/100 and 2/200: the same tax per kWh.
    let st = HashMap::from([
        ("x".to_string(), standing(Some(Class::C), 1, 100)),
        ("y".to_string(), standing(Some(Class::C), 2, 200)),
    ]);
    let out = assign(
        &[slot("08:00", "09:00", 50, 1000)],
        &accounts,
        &st,
        &mut HashMap::new(),
    );
    assert_eq!(shed(&out[0]), vec![("B-1", 50)]);
}

#[test]
fn level_boundaries_at_exactly_5_10_and_20_percent() {
    assert_eq!(level(50, 1000), Level::IV);
    assert_eq!(level(51, 1000), Level::III);
    assert_eq!(level(100, 1000), Level::III);
    assert_eq!(level(101, 1000), Level::II);
    assert_eq!(level(200, 1000), Level::II);
    assert_eq!(level(201, 1000), Level::I);
    assert_eq!(level(0, 1000), Level::IV);
}

#[test]
fn times_accounts_and_slots_are_checked() {
    assert_eq!(parse_time("09:30"), Some(570));
    assert_eq!(parse_time("24:00"), Some(1440));
    for bad in ["24:01", "9:3", "09-30", "ab:cd", ""] {
        assert_eq!(parse_time(bad), None, "{bad}");
    }
    let mut a = acc("X1", "x", 100, 150);
    a.contract_kw = 90;
    let fields: Vec<_> = a.check().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, vec!["security_kw", "peak_kw"]);
    let e = check_slots(&[
        slot("09:00", "11:00", 10, 100),
        slot("10:00", "12:00", 10, 100),
    ]);
    assert_eq!(e.len(), 1, "{e:?}");
}
