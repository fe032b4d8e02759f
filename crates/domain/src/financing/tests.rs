//! Hand-computed cases of RULES.md section 4 on the 2026 calendar.

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn facts(posted: &str, claims: &[(&str, &str)]) -> Facts {
    Facts {
        posted_on: d(posted),
        claims: claims
            .iter()
            .map(|(c, on)| (c.to_string(), d(on)))
            .collect(),
        ..Facts::default()
    }
}

#[test]
fn the_claim_window_spans_three_working_days_across_the_national_day() {
    let cal = Calendar::builtin();
    // Posted Tuesday 29 September: 30 September, then 8 and 9 October (1–7 are holidays).
    assert_eq!(claim_deadline(&cal, d("2026-09-29")), d("2026-10-09"));
    let f = facts("2026-09-29", &[]);
    assert!(
        may_claim(&f, &cal, d("2026-10-09"), "bank-1").is_ok(),
        "the last day still counts"
    );
    let e = may_claim(&f, &cal, d("2026-10-10"), "bank-1").unwrap_err();
    assert!(e.contains("2026-10-09"), "{e}");
    assert_eq!(state(&f, &cal, d("2026-10-09")).status, Status::Open);
    assert_eq!(state(&f, &cal, d("2026-10-10")).status, Status::Unclaimed);
}

#[test]
fn the_fourth_claim_and_a_second_claim_are_refused_with_the_reason() {
    let cal = Calendar::builtin();
    let f = facts(
        "2026-03-02",
        &[
            ("bank-1", "2026-03-02"),
            ("bank-2", "2026-03-03"),
            ("bank-3", "2026-03-03"),
        ],
    );
    assert!(
        may_claim(&f, &cal, d("2026-03-04"), "bank-4")
            .unwrap_err()
            .contains("名额已满")
    );
    assert!(
        may_claim(&f, &cal, d("2026-03-04"), "bank-2")
            .unwrap_err()
            .contains("已认领")
    );
}

#[test]
fn without_a_choice_the_first_claimant_is_chosen_when_the_window_ends() {
    let cal = Calendar::builtin();
    let f = facts(
        "2026-09-29",
        &[("bank-2", "2026-09-30"), ("bank-1", "2026-10-08")],
    );
    let s = state(&f, &cal, d("2026-10-09"));
    assert_eq!(
        (s.status, s.chosen.clone()),
        (Status::Open, None),
        "still open on its last day"
    );
    let s = state(&f, &cal, d("2026-10-10"));
    assert_eq!(s.chosen, Some(("bank-2".into(), d("2026-10-09"))));
    // Contact within 5 working days of 9 October: 10 (a make-up Saturday), 12, 13, 14, 15.
    assert_eq!(s.contact_due, Some(d("2026-10-15")));
    assert_eq!(s.status, Status::Chosen);
    assert!(!state(&f, &cal, d("2026-10-15")).overdue);
    assert!(state(&f, &cal, d("2026-10-16")).overdue);
    // An explicit choice is only among the claimants and only in the window.
    assert!(may_choose(&f, &cal, d("2026-10-08"), "bank-1").is_ok());
    assert!(may_choose(&f, &cal, d("2026-10-08"), "bank-3").is_err());
    assert!(may_choose(&f, &cal, d("2026-10-10"), "bank-1").is_err());
}

#[test]
fn a_decision_is_due_twenty_working_days_after_contact_across_may_day() {
    let cal = Calendar::builtin();
    let mut f = facts("2026-04-20", &[("bank-1", "2026-04-20")]);
    f.choice = Some(("bank-1".into(), d("2026-04-21")));
    f.contact_on = Some(d("2026-04-30"));
    let s = state(&f, &cal, d("2026-05-06"));
    assert_eq!(s.status, Status::Contacted);
    // 1–5 May are holidays, 9 May a make-up Saturday: the 20th working day is 1 June.
    assert_eq!(s.decision_due, Some(d("2026-06-01")));
    assert!(!state(&f, &cal, d("2026-06-01")).overdue);
    assert!(state(&f, &cal, d("2026-06-02")).overdue);
    f.decision = Some((OutcomeKind::Loan, d("2026-05-20")));
    f.loan = true;
    let s = state(&f, &cal, d("2026-06-02"));
    assert_eq!((s.status, s.overdue), (Status::Financed, false));
    f.decision = Some((OutcomeKind::Decline, d("2026-05-20")));
    assert_eq!(state(&f, &cal, d("2026-06-02")).status, Status::Declined);
}

#[test]
fn purposes_and_outcomes_parse_from_keys_and_labels() {
    assert_eq!(
        Purpose::parse("working_capital"),
        Some(Purpose::WorkingCapital)
    );
    assert_eq!(Purpose::parse("技术改造"), Some(Purpose::TechRenovation));
    assert_eq!(Purpose::parse("loan"), None);
    assert!(OutcomeKind::Loan.decides() && !OutcomeKind::Contact.decides());
}

#[test]
fn the_overdue_step_names_what_is_late() {
    let cal = Calendar::builtin();
    let posted = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let mut f = Facts {
        posted_on: posted,
        claims: vec![("bank-1".into(), posted)],
        ..Facts::default()
    };
    // Window ends 03-05; the first claimant is chosen that day; contact due 03-12.
    let s = state(&f, &cal, NaiveDate::from_ymd_opt(2026, 3, 12).unwrap());
    assert_eq!(s.overdue_step(), None);
    let s = state(&f, &cal, NaiveDate::from_ymd_opt(2026, 3, 13).unwrap());
    assert_eq!(
        s.overdue_step(),
        Some((Step::Contact, NaiveDate::from_ymd_opt(2026, 3, 12).unwrap()))
    );
    f.contact_on = Some(NaiveDate::from_ymd_opt(2026, 3, 13).unwrap());
    let s = state(&f, &cal, NaiveDate::from_ymd_opt(2026, 3, 16).unwrap());
    assert_eq!(s.overdue_step(), None);
    // 20 working days after 03-13, past the Qingming holiday, are well before 04-20.
    let s = state(&f, &cal, NaiveDate::from_ymd_opt(2026, 4, 20).unwrap());
    assert_eq!(s.overdue_step().map(|x| x.0), Some(Step::Decision));
    assert_eq!(Step::parse("decision"), Some(Step::Decision));
}
