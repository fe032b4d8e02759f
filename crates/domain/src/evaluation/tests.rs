//! Hand-computed cases of RULES.md section 1.

use super::*;

fn s(n: i128, d: i128) -> Score {
    Score::new(n, d)
}

#[test]
fn trimming_starts_at_exactly_five_ballots() {
    // Five: the highest (100) and the lowest (0) go; (80 + 80 + 60) / 3.
    assert_eq!(group_score(&[100, 80, 80, 60, 0], 5, 5), Some(s(220, 3)));
    assert_eq!(s(220, 3).display(), "73.33");
    // Four grassroots ballots (minimum 3): nothing dropped.
    assert_eq!(group_score(&[100, 80, 60, 0], 3, 5), Some(s(60, 1)));
    // Below the minimum: none.
    assert_eq!(group_score(&[100, 100, 100, 100], 5, 5), None);
    assert_eq!(group_score(&[], 1, 5), None);
    // Only one of equal extremes is dropped.
    assert_eq!(group_score(&[100, 100, 100, 0, 0], 5, 5), Some(s(200, 3)));
}

#[test]
fn the_service_score_takes_the_parts_with_a_sample_of_five() {
    let share = |count, sample| Share { count, sample };
    assert_eq!(service_score(share(7, 10), share(9, 10)), Some(s(80, 1)));
    // The satisfied share has 4 ratings: only on-time counts (4 of 5).
    assert_eq!(service_score(share(4, 5), share(3, 4)), Some(s(80, 1)));
    assert_eq!(service_score(share(1, 3), share(6, 6)), Some(s(100, 1)));
    assert_eq!(service_score(share(2, 4), share(0, 0)), None);
    // Exact: 100 × 2/3 and 100 × 5/6 → (200/3 + 250/3) / 2 = 75.
    assert_eq!(service_score(share(4, 6), share(5, 6)), Some(s(75, 1)));
}

#[test]
fn the_targets_score_is_the_share_achieved() {
    assert_eq!(targets_score(2, 3), Some(s(200, 3)));
    assert_eq!(targets_score(0, 4), Some(Score::ZERO));
    assert_eq!(targets_score(0, 0), None);
}

#[test]
fn the_composite_weighs_the_available_components_only() {
    let w = Settings::default().weights;
    let c = Components {
        enterprise: Some(s(220, 3)),
        grassroots: None,
        service: Some(s(80, 1)),
        targets: Some(s(200, 3)),
    };
    // (50 × 220/3 + 20 × 80 + 10 × 200/3) / (50 + 20 + 10) = 445/6.
    assert_eq!(composite(&c, &w), Some(s(445, 6)));
    assert_eq!(s(445, 6).display(), "74.17");
    assert_eq!(composite(&Components::default(), &w), None);
}

fn unit(code: &str, e: Option<Score>, svc: Option<Score>, ballots: i64) -> UnitInput {
    UnitInput {
        unit: code.into(),
        components: Components {
            enterprise: e,
            grassroots: None,
            service: svc,
            targets: None,
        },
        enterprise_ballots: ballots,
        vetoed: false,
    }
}

fn order(r: &Results) -> Vec<(&str, Option<usize>, Option<Prize>)> {
    r.units
        .iter()
        .map(|u| (u.unit.as_str(), u.rank, u.prize))
        .collect()
}

const AMOUNTS: [i64; 3] = [30_000, 20_000, 10_000];

#[test]
fn ties_are_broken_by_enterprise_then_service_then_ballots_then_document_order() {
    // a and b: the same composite (50×80 + 20×60 = 50×70 + 20×85 = 5200, /70),
    // a with the higher enterprise score. c and d: equal in everything but
    // the ballots; e and f equal in everything: document order.
    let units = vec![
        unit("b", Some(s(70, 1)), Some(s(85, 1)), 9),
        unit("a", Some(s(80, 1)), Some(s(60, 1)), 5),
        unit("f", Some(s(50, 1)), None, 6),
        unit("d", Some(s(60, 1)), Some(s(60, 1)), 6),
        unit("c", Some(s(60, 1)), Some(s(60, 1)), 7),
        unit("e", Some(s(50, 1)), None, 6),
    ];
    let r = rank_and_award(&units, &Settings::default(), AMOUNTS);
    let codes: Vec<&str> = r.units.iter().map(|u| u.unit.as_str()).collect();
    assert_eq!(codes, ["a", "b", "c", "d", "f", "e"]);
    assert_eq!(r.units[0].composite, r.units[1].composite);
}

#[test]
fn service_none_ranks_after_a_service_score_on_equal_composite_and_enterprise() {
    // The composite of x (E only) is 70; of y (E 70, S 70) also 70.
    let units = vec![
        unit("x", Some(s(70, 1)), None, 10),
        unit("y", Some(s(70, 1)), Some(s(70, 1)), 5),
    ];
    let r = rank_and_award(&units, &Settings::default(), AMOUNTS);
    assert_eq!(r.units[0].unit, "y");
}

#[test]
fn a_vetoed_unit_in_the_prize_zone_is_ranked_but_skipped() {
    let mut units: Vec<UnitInput> = (0..5)
        .map(|i| unit(&format!("u{i}"), Some(s(90 - 10 * i, 1)), None, 5))
        .collect();
    units[0].vetoed = true;
    let settings = Settings {
        prizes: PrizeCounts {
            first_count: 2,
            second_count: 1,
            third_count: 1,
        },
        ..Settings::default()
    };
    let r = rank_and_award(&units, &settings, AMOUNTS);
    assert_eq!(
        order(&r),
        [
            ("u0", Some(1), None),
            ("u1", Some(2), Some(1)),
            ("u2", Some(3), Some(1)),
            ("u3", Some(4), Some(2)),
            ("u4", Some(5), Some(3)),
        ]
    );
    assert_eq!(r.total_awarded_yuan, 2 * 30_000 + 20_000 + 10_000);
}

#[test]
fn a_third_prize_count_larger_than_the_units_left_gives_what_there_is() {
    let units: Vec<UnitInput> = (0..4)
        .map(|i| unit(&format!("u{i}"), Some(s(90 - i, 1)), None, 5))
        .collect();
    let r = rank_and_award(&units, &Settings::default(), AMOUNTS);
    let prizes: Vec<Option<Prize>> = r.units.iter().map(|u| u.prize).collect();
    assert_eq!(prizes, [Some(1), Some(1), Some(2), Some(2)]);
    assert_eq!(r.total_awarded_yuan, 100_000);
}

#[test]
fn a_unit_without_enterprise_ballots_is_unranked_and_listed_last() {
    let mut no_votes = unit("quiet", None, Some(s(100, 1)), 0);
    no_votes.components.grassroots = Some(s(100, 1));
    let units = vec![no_votes, unit("loud", Some(s(10, 1)), None, 5)];
    let r = rank_and_award(&units, &Settings::default(), AMOUNTS);
    assert_eq!(
        order(&r),
        [("loud", Some(1), Some(1)), ("quiet", None, None)]
    );
    // Its composite is still computed and shown.
    assert_eq!(r.units[1].composite, Some(s(100, 1)));
}

#[test]
fn the_minimum_composite_keeps_low_scores_from_prizes() {
    let units = vec![
        unit("hi", Some(s(81, 1)), None, 5),
        unit("lo", Some(s(7999, 100)), None, 5),
    ];
    let settings = Settings {
        min_prize_score: Some(80),
        ..Settings::default()
    };
    let r = rank_and_award(&units, &settings, AMOUNTS);
    assert_eq!(order(&r), [("hi", Some(1), Some(1)), ("lo", Some(2), None)]);
}

#[test]
fn settings_are_checked_field_by_field() {
    assert!(Settings::default().check().is_empty());
    let mut bad = Settings::default();
    bad.weights.enterprise = 0;
    bad.level_scores.basic = 90;
    bad.trim_from = 2;
    let fields: Vec<String> = bad.check().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["weights.enterprise", "level_scores", "trim_from"]);
}

#[test]
fn scores_compare_exactly_and_round_only_for_display() {
    assert_eq!(s(2, 6), s(1, 3));
    assert!(s(1, 3) < s(333_334, 1_000_000));
    assert_eq!(s(1, 8).display(), "0.13");
    assert_eq!(s(100, 1).display(), "100.00");
    assert_eq!(Score::mean(&[s(1, 3), s(2, 3)]), Some(s(1, 2)));
}
