//! Hand-computed cases of RULES.md section 5.

use super::*;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn ok_facts() -> Facts {
    Facts {
        project_found: true,
        project_approved: true,
        per_mu_class: Some("B".into()),
        credit_rating: Some("AA".into()),
        vetoes: vec![],
    }
}

#[test]
fn each_eligibility_rule_alone() {
    let on = d("2026-05-10");
    let r = Rules::default();
    assert!(eligibility(&r, &ok_facts(), on).is_empty());
    let missing = Facts {
        project_found: false,
        ..ok_facts()
    };
    assert_eq!(eligibility(&r, &missing, on).len(), 1);
    let unapproved = Facts {
        project_approved: false,
        ..ok_facts()
    };
    assert!(eligibility(&r, &unapproved, on)[0].contains("立项"));
    let off = Rules {
        project_approved: false,
        ..r
    };
    assert!(
        eligibility(&off, &unapproved, on).is_empty(),
        "a rule turned off"
    );
    let class_d = Facts {
        per_mu_class: Some("D".into()),
        ..ok_facts()
    };
    assert!(eligibility(&r, &class_d, on)[0].contains("D 类"));
    for (rating, fails) in [("C", true), ("D", true), ("B", false), ("A", false)] {
        let f = Facts {
            credit_rating: Some(rating.into()),
            ..ok_facts()
        };
        assert_eq!(!eligibility(&r, &f, on).is_empty(), fails, "{rating}");
    }
    // A veto exactly two years before counts; a day earlier does not.
    let veto = |day: &str| Facts {
        vetoes: vec![d(day)],
        ..ok_facts()
    };
    assert_eq!(eligibility(&r, &veto("2024-05-10"), on).len(), 1);
    assert!(eligibility(&r, &veto("2024-05-09"), on).is_empty());
    assert!(
        eligibility(&r, &veto("2026-05-11"), on).is_empty(),
        "after the submission"
    );
    // All four fail together, each with its reason.
    let all = Facts {
        project_found: true,
        project_approved: false,
        per_mu_class: Some("D".into()),
        credit_rating: Some("C".into()),
        vetoes: vec![d("2025-01-01")],
    };
    assert_eq!(eligibility(&r, &all, on).len(), 4);
}

#[test]
fn marks_stay_within_the_sheet() {
    let c = default_criteria();
    assert_eq!(c.iter().map(|x| x.max).sum::<i64>(), 100);
    assert_eq!(check_marks(&c, &[2000, 3500, 2500, 2000]), Ok(10_000));
    assert!(check_marks(&c, &[2001, 0, 0, 0]).is_err());
    assert!(check_marks(&c, &[1, 2, 3]).is_err());
    assert!(check_marks(&c, &[-1, 0, 0, 0]).is_err());
}

#[test]
fn trimming_from_five_experts() {
    // 3 experts: plain mean.
    assert_eq!(
        application_score(&[8000, 7000, 9000], 0),
        Some(Score::new(8000, 100))
    );
    // 4 experts: plain mean, 81.25.
    assert_eq!(
        application_score(&[8000, 7000, 9000, 8500], 0),
        Some(Score::new(32_500, 400))
    );
    // 5 experts: drop 95 and 60 → mean of 80, 70, 85 = 78.33…
    let s = application_score(&[8000, 7000, 9500, 8500, 6000], 0).unwrap();
    assert_eq!(s, Score::new(23_500, 300));
    assert_eq!(s.display(), "78.33");
    // The deduction comes off the mean: 78.33… − 5 = 73.33….
    assert_eq!(
        application_score(&[8000, 7000, 9500, 8500, 6000], 500),
        Some(Score::new(23_500 - 1500, 300))
    );
    // Too few experts: no score.
    assert_eq!(application_score(&[8000, 9000], 0), None);
    assert_eq!(application_score(&[100, 100, 100], 500), Some(Score::ZERO));
}

fn cand(id: i64, code: &str, at: &str, score: i64, ask: i64, inv: i64) -> Candidate {
    Candidate {
        id,
        code: code.into(),
        submitted_at: at.into(),
        score: Score::new(score.into(), 100),
        amount_yuan: ask,
        eligible_investment_yuan: inv,
    }
}

#[test]
fn the_budget_walk_and_ties() {
    let s = Support {
        budget_yuan: 2_000_000,
        share_bp: 1000,
        cap_yuan: 1_500_000,
        passing: 6000,
    };
    let c = vec![
        // 10% of 8,000,005 = 800,000 (rounded down), below the ask.
        cand(
            1,
            "A-003",
            "2026-05-02T10:00:00Z",
            9000,
            1_000_000,
            8_000_005,
        ),
        // Same score, submitted earlier: ranked first; capped at 1.5M.
        cand(
            2,
            "A-004",
            "2026-05-01T10:00:00Z",
            9000,
            2_000_000,
            30_000_000,
        ),
        // Same score and time as #1: the code decides.
        cand(3, "A-002", "2026-05-02T10:00:00Z", 9000, 500_000, 9_000_000),
        // Below the passing score: not ranked.
        cand(4, "A-001", "2026-05-01T09:00:00Z", 5999, 100_000, 1_000_000),
        cand(5, "A-005", "2026-05-03T10:00:00Z", 7000, 100_000, 1_000_000),
    ];
    let a = rank_and_award(&c, &s);
    let got: Vec<(i64, i64, i64)> = a.iter().map(|x| (x.id, x.rank, x.award_yuan)).collect();
    // 1.5M to #2, then 500k left: #3 asks 500k (share 900k) → 500k; the budget is spent.
    assert_eq!(
        got,
        vec![(2, 1, 1_500_000), (3, 2, 500_000), (1, 3, 0), (5, 4, 0)]
    );
    let total: i64 = a.iter().map(|x| x.award_yuan).sum();
    assert!(total <= s.budget_yuan);
    // Mid-award: the budget runs out inside one award.
    let s2 = Support {
        budget_yuan: 1_700_000,
        ..s
    };
    let a = rank_and_award(&c, &s2);
    assert_eq!(a[1].award_yuan, 200_000);
    assert_eq!(a[2].award_yuan, 0);
}

#[test]
fn grades_and_bounds() {
    assert_eq!(performance([10, 50, 30, 10]), Ok((100, Grade::Excellent)));
    assert_eq!(performance([10, 45, 25, 10]), Ok((90, Grade::Excellent)));
    assert_eq!(performance([10, 44, 25, 10]), Ok((89, Grade::Good)));
    assert_eq!(performance([5, 40, 20, 5]), Ok((70, Grade::Fair)));
    assert_eq!(performance([5, 30, 20, 4]), Ok((59, Grade::Poor)));
    assert!(performance([11, 0, 0, 0]).is_err());
}

#[test]
fn lifecycle_refusals() {
    assert_eq!(Action::Close.next(Status::Open), Ok(Status::Closed));
    assert!(Action::Rank.next(Status::Open).is_err());
    assert_eq!(Action::Rank.next(Status::Scoring), Ok(Status::Ranked));
    assert!(Action::Finalize.next(Status::Ranked).is_err());
    assert!(Action::Publish.next(Status::Final).is_err());
}

#[test]
fn decimals_parse_exactly() {
    assert_eq!(parse_scaled("18.5", 2), Some(1850));
    assert_eq!(parse_scaled("0.1", 4), Some(1000));
    assert_eq!(parse_scaled("20", 2), Some(2000));
    assert_eq!(parse_scaled("1.005", 2), None);
    assert_eq!(parse_scaled("x", 2), None);
}
