use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub(crate) fn project(code: &str) -> Project {
    Project {
        code: code.into(),
        national_code: String::new(),
        name: "年产10万台阀门生产线".into(),
        enterprise_credit_code: String::new(),
        enterprise_name: String::new(),
        township_code: "yongzhong".into(),
        kind: ProjectKind::Industrial,
        key_project: false,
        planned_investment_yuan: 50_000_000,
        land_area_millimu: 12_500,
        responsible_unit_code: "drc".into(),
        responsible_person: String::new(),
        responsible_phone: String::new(),
        pre_phase_funding_yuan: 0,
        notes: String::new(),
        dates: Dates::default(),
        variance_note: String::new(),
        planned_completion_year: None,
        status: ProjectStatus::Active,
        status_on: None,
        status_reason: String::new(),
    }
}

#[test]
fn stage_is_the_furthest_milestone_reached_by_the_date() {
    let mut p = project("P1");
    p.dates.actual[Milestone::Reserved.index()] = Some(d("2006-01-10"));
    p.dates.actual[Milestone::LandSupplied.index()] = Some(d("2006-03-01"));
    p.dates.actual[Milestone::Started.index()] = Some(d("2006-05-01"));
    assert_eq!(p.dates.stage_at(d("2006-01-09")), None);
    assert_eq!(p.dates.stage_at(d("2006-01-10")), Some(Milestone::Reserved));
    assert_eq!(
        p.dates.stage_at(d("2006-04-30")),
        Some(Milestone::LandSupplied)
    );
    assert_eq!(p.dates.stage_at(d("2006-05-01")), Some(Milestone::Started));
    assert_eq!(p.dates.next_milestone(), Some(Milestone::Completed));
}

#[test]
fn actual_dates_keep_their_order() {
    let mut p = project("P1");
    p.dates.actual[Milestone::LandSupplied.index()] = Some(d("2006-03-01"));
    p.dates.actual[Milestone::Started.index()] = Some(d("2006-02-01"));
    let e = p.check();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].field, "started_on");
    assert!(e[0].message.contains("早于供地日期"), "{}", e[0].message);
    // Same day is fine; gaps (unset milestones) are fine.
    p.dates.actual[Milestone::Started.index()] = Some(d("2006-03-01"));
    p.dates.actual[Milestone::InProduction.index()] = Some(d("2006-12-31"));
    assert!(p.check().is_empty());
}

#[test]
fn late_milestones_need_a_variance_note() {
    let mut p = project("P1");
    p.dates.planned[Milestone::Started.index()] = Some(d("2006-03-01"));
    p.dates.actual[Milestone::Started.index()] = Some(d("2006-04-01"));
    let e = p.check();
    assert_eq!(e[0].field, "variance_note");
    p.variance_note = "拆迁滞后".into();
    assert!(p.check().is_empty());
    assert_eq!(p.dates.late(), vec![Milestone::Started]);
}

#[test]
fn overdue_milestones() {
    let mut p = project("P1");
    p.dates.planned[Milestone::Completed.index()] = Some(d("2006-06-30"));
    assert!(p.dates.overdue(d("2006-06-30")).is_empty());
    assert_eq!(p.dates.overdue(d("2006-07-01")), vec![Milestone::Completed]);
}

#[test]
fn every_field_error_is_reported() {
    let mut p = project("bad code!");
    p.name = " ".into();
    p.land_area_millimu = -1;
    p.status = ProjectStatus::Cancelled;
    p.responsible_phone = "call me".into();
    let fields: Vec<String> = p.check().into_iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            "code",
            "name",
            "land_area_millimu",
            "status_on",
            "status_reason",
            "responsible_phone"
        ]
    );
}

#[test]
fn industrial_land_needs_an_area_but_tech_renovation_may_have_none() {
    let mut p = project("P1");
    p.land_area_millimu = 0;
    p.dates.actual[Milestone::LandSupplied.index()] = Some(d("2006-03-01"));
    assert_eq!(p.check()[0].field, "land_area_millimu");
    p.kind = ProjectKind::TechRenovation;
    assert!(p.check().is_empty());
}

#[test]
fn periods_and_dates_parse() {
    assert_eq!(Period::parse("2006-03").unwrap().to_string(), "2006-03");
    assert_eq!(Period::parse("2006/3").unwrap().to_string(), "2006-03");
    assert!(Period::parse("2006-13").is_err());
    assert!(Period::parse("06-01").is_err());
    assert_eq!(parse_date("2006/3/5").unwrap(), d("2006-03-05"));
    assert_eq!(parse_date("2006年3月5日").unwrap(), d("2006-03-05"));
    assert!(parse_date("2006-02-30").is_err());
    assert!(parse_date("yesterday").is_err());
}
