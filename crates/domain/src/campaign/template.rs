//! Campaign templates: a whole campaign's configuration (units, leadership,
//! working groups, targets, awards, the source document) as one TOML file.
//! The built-in ones live in `data/templates/` and are compiled in.

use super::{AwardTier, Formula, TargetValue, ValueUnit, check_award_tier};
use crate::org::{UnitCode, UnitKind, parse_unit_name};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashSet;

/// A parsed, checked template.
#[derive(Debug, Clone)]
pub struct Template {
    pub campaign: CampaignSpec,
    pub bulletin: BulletinSpec,
    pub leadership: LeadershipSpec,
    pub units: Vec<UnitSpec>,
    pub working_groups: Vec<GroupSpec>,
    pub targets: Vec<TargetSpec>,
    pub awards: Vec<AwardTier>,
    /// The source document, verbatim.
    pub source_text: String,
}

/// The campaign's identity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignSpec {
    /// The template's stable code, e.g. `longwan-2006`.
    pub code: String,
    pub year: i32,
    pub title: String,
    pub short_title: String,
    pub issuing_body: String,
    #[serde(default)]
    pub document_number: String,
    pub issued_on: NaiveDate,
    /// GB/T 2260 code of the district.
    pub division_code: String,
}

/// How the office's bulletins (通报) are headed and addressed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulletinSpec {
    /// 发文机关标志, e.g. 龙湾区“两个年”活动领导小组办公室.
    pub issuer_mark: String,
    /// The document number's prefix, e.g. 龙两个年办 (giving 龙两个年办〔2006〕3号).
    pub number_prefix: String,
    /// 主送机关.
    pub addressee: String,
    /// 抄送.
    #[serde(default)]
    pub copy_to: String,
}

/// The leadership group and the joint meeting.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadershipSpec {
    /// The post that heads the group, e.g. 区长.
    pub head: String,
    pub deputies: Vec<String>,
    /// Unit codes of the member units, in the document's order.
    pub members: Vec<String>,
    /// The unit that houses the group's and the joint meeting's office.
    pub office_unit: String,
    pub joint_meeting: String,
}

/// An org unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitSpec {
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub parent: Option<String>,
    /// A stand-in the office is expected to rename.
    #[serde(default)]
    pub placeholder: bool,
    /// Where the name comes from, or what to check.
    #[serde(default)]
    pub note: String,
}

/// A working group.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    pub code: String,
    pub name: String,
    pub duties: String,
    pub leads: Vec<String>,
    pub participants: Vec<String>,
}

/// A target as written in the template.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpecRaw {
    code: String,
    name: String,
    #[serde(default)]
    description: String,
    formula: Formula,
    target: String,
    #[serde(default)]
    count_word: String,
    working_group: String,
    #[serde(default)]
    responsible_units: Vec<String>,
}

/// A checked target.
#[derive(Debug, Clone)]
pub struct TargetSpec {
    pub code: String,
    pub name: String,
    pub description: String,
    pub formula: Formula,
    pub value: TargetValue,
    /// The measure word after a count: 个, 项, 家, 件.
    pub count_word: String,
    pub working_group: String,
    pub responsible_units: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    campaign: CampaignSpec,
    #[serde(default)]
    bulletin: BulletinSpec,
    leadership: LeadershipSpec,
    units: Vec<UnitSpec>,
    working_groups: Vec<GroupSpec>,
    targets: Vec<TargetSpecRaw>,
    awards: Vec<AwardTier>,
}

/// The built-in templates: (code, TOML, source document).
const BUILTIN: &[(&str, &str, &str)] = &[(
    "longwan-2006",
    include_str!("../../../../data/templates/longwan-2006.toml"),
    include_str!("../../../../data/templates/longwan-2006.source.txt"),
)];

/// The codes of the built-in templates.
pub fn builtin_codes() -> Vec<&'static str> {
    BUILTIN.iter().map(|b| b.0).collect()
}

/// Loads a built-in template by code.
pub fn builtin(code: &str) -> Result<Template, String> {
    let (_, toml_text, source) = BUILTIN.iter().find(|b| b.0 == code).ok_or_else(|| {
        format!(
            "没有名为“{code}”的内置模板（可用：{}）",
            builtin_codes().join("、")
        )
    })?;
    parse(toml_text, source)
}

/// Parses and checks a template; every problem found is reported at once.
pub fn parse(toml_text: &str, source_text: &str) -> Result<Template, String> {
    let raw: Raw = toml::from_str(toml_text).map_err(|e| format!("模板格式错误：{e}"))?;
    let mut errs: Vec<String> = Vec::new();

    let mut unit_codes = HashSet::new();
    for u in &raw.units {
        if !unit_codes.insert(u.code.as_str().to_string()) {
            errs.push(format!("单位代码“{}”重复", u.code));
        }
        if let Err(e) = parse_unit_name(&u.name) {
            errs.push(format!("单位“{}”：{e}", u.code));
        }
    }
    let known = |c: &str, what: &str, errs: &mut Vec<String>| {
        if !unit_codes.contains(c) {
            errs.push(format!("{what}引用了未定义的单位代码“{c}”"));
        }
    };
    for u in &raw.units {
        if let Some(p) = &u.parent {
            known(p, &format!("单位“{}”的上级", u.code), &mut errs);
        }
    }
    for m in &raw.leadership.members {
        known(m, "领导小组成员", &mut errs);
    }
    known(&raw.leadership.office_unit, "办公室所在单位", &mut errs);

    let mut group_codes = HashSet::new();
    for g in &raw.working_groups {
        if !group_codes.insert(g.code.clone()) {
            errs.push(format!("工作小组代码“{}”重复", g.code));
        }
        if g.leads.is_empty() {
            errs.push(format!("工作小组“{}”没有牵头单位", g.name));
        }
        for c in g.leads.iter().chain(&g.participants) {
            known(c, &format!("工作小组“{}”", g.name), &mut errs);
        }
    }

    let mut targets = Vec::new();
    let mut target_codes = HashSet::new();
    for t in raw.targets {
        if !target_codes.insert(t.code.clone()) {
            errs.push(format!("目标代码“{}”重复", t.code));
        }
        if let Err(e) = t.formula.check() {
            errs.push(format!("目标“{}”：{e}", t.code));
        }
        if !group_codes.contains(&t.working_group) {
            errs.push(format!(
                "目标“{}”引用了未定义的工作小组“{}”",
                t.code, t.working_group
            ));
        }
        for c in &t.responsible_units {
            known(c, &format!("目标“{}”", t.code), &mut errs);
        }
        let unit: ValueUnit = t.formula.value_unit();
        match TargetValue::parse(unit, &t.target) {
            Ok(value) => targets.push(TargetSpec {
                code: t.code,
                name: t.name,
                description: t.description,
                formula: t.formula,
                value,
                count_word: t.count_word,
                working_group: t.working_group,
                responsible_units: t.responsible_units,
            }),
            Err(e) => errs.push(format!("目标“{}”的目标值：{e}", t.code)),
        }
    }
    for a in &raw.awards {
        if let Err(e) = check_award_tier(a) {
            errs.push(e);
        }
    }
    if !(1900..=2200).contains(&raw.campaign.year) {
        errs.push(format!(
            "活动年度 {} 不在 1900 到 2200 之间",
            raw.campaign.year
        ));
    }
    if !errs.is_empty() {
        return Err(errs.join("；"));
    }
    Ok(Template {
        campaign: raw.campaign,
        bulletin: raw.bulletin,
        leadership: raw.leadership,
        units: raw.units,
        working_groups: raw.working_groups,
        targets,
        awards: raw.awards,
        source_text: source_text.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::{Cohort, CountOf};

    #[test]
    fn unknown_template_is_named() {
        let e = builtin("nowhere-1999").unwrap_err();
        assert!(e.contains("longwan-2006"), "{e}");
    }

    #[test]
    fn bad_references_are_all_reported() {
        let t = r#"
awards = []
[campaign]
code = "x"
year = 2006
title = "t"
short_title = "t"
issuing_body = "b"
issued_on = "2006-04-27"
division_code = "330303"
[leadership]
head = "区长"
deputies = []
members = ["a", "ghost"]
office_unit = "a"
joint_meeting = "j"
[[units]]
code = "a"
name = "甲"
kind = "department"
[[working_groups]]
code = "g"
name = "组"
duties = "d"
leads = []
participants = ["phantom"]
[[targets]]
code = "t1"
name = "n"
formula = { kind = "count", of = "key_projects_reserved" }
target = "-3"
working_group = "g"
"#;
        let e = parse(t, "").unwrap_err();
        assert!(e.contains("ghost"), "{e}");
        assert!(e.contains("没有牵头单位"), "{e}");
        assert!(e.contains("phantom"), "{e}");
        assert!(e.contains("目标值"), "{e}");
    }

    /// The built-in 2006 template reproduces the seed document exactly.
    #[test]
    fn longwan_2006_matches_the_document() {
        let t = builtin("longwan-2006").unwrap();
        assert_eq!(t.campaign.year, 2006);
        assert_eq!(t.campaign.issued_on.to_string(), "2006-04-27");
        let name = |c: &str| {
            t.units
                .iter()
                .find(|u| u.code.as_str() == c)
                .unwrap()
                .name
                .clone()
        };
        let members: Vec<String> = t.leadership.members.iter().map(|c| name(c)).collect();
        let expected = "区府办、区发改局、区经贸(交通)局、区科技局、区财政局(地税分局)、区人事劳动局、区建设局、区统计局、区环保局、区安监局、区行政审批管理办公室、区外经贸局、区协作办、区新闻中心、区公安分局、区国税分局、区工商分局、区规划分局、区国土资源分局、区房管分局、区供电分局、永强供电公司、区质监分局、区社保分局、区消防大队";
        assert_eq!(members.join("、"), expected);
        assert_eq!(members.len(), 25);
        assert!(
            t.source_text.contains(expected),
            "member list is verbatim from the source"
        );
        assert_eq!(name(&t.leadership.office_unit), "区经贸(交通)局");

        let groups: Vec<&str> = t.working_groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(
            groups,
            [
                "金融电力服务组",
                "税务政策调研组",
                "品牌战略推进组",
                "产业提升服务组",
                "投资建设服务组"
            ]
        );
        let leads = |i: usize| {
            t.working_groups[i]
                .leads
                .iter()
                .map(|c| name(c))
                .collect::<Vec<_>>()
        };
        assert_eq!(leads(0), ["区经贸(交通)局"]);
        assert_eq!(leads(1), ["区国税分局", "区财政局(地税分局)"]);
        assert_eq!(leads(2), ["区工商分局", "区质监分局"]);
        assert_eq!(leads(3), ["区经贸(交通)局"]);
        assert_eq!(leads(4), ["区发改局", "区经贸(交通)局"]);
        for g in &t.working_groups {
            assert!(
                t.source_text.contains(&g.duties),
                "duties of {} are verbatim",
                g.name
            );
        }
        // Working group 5 includes every township, sub-district and development zone.
        let territorial: Vec<_> = t.units.iter().filter(|u| u.kind.is_territorial()).collect();
        assert!(territorial.len() >= 8);
        for u in &territorial {
            assert!(
                t.working_groups[4]
                    .participants
                    .contains(&u.code.as_str().to_string()),
                "{}",
                u.name
            );
        }

        let codes: Vec<&str> = t.targets.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "total_output_growth",
                "above_scale_output_growth",
                "industrial_investment",
                "key_projects_reserved",
                "tech_renovation_approvals",
                "billion_sales_enterprises",
                "china_well_known_trademarks",
                "cohort_2005_land_started",
                "expropriated_land_supplied",
                "land_supplied_2006_started",
                "planned_2006_completed"
            ]
        );
        let v = |c: &str| t.targets.iter().find(|t| t.code == c).unwrap();
        assert_eq!(v("total_output_growth").value.value, 1400);
        assert_eq!(v("above_scale_output_growth").value.value, 2000);
        assert_eq!(v("industrial_investment").value.value, 2_310_000_000);
        assert_eq!(v("key_projects_reserved").value.value, 10);
        assert_eq!(v("tech_renovation_approvals").value.value, 50);
        assert_eq!(v("billion_sales_enterprises").value.value, 1);
        assert_eq!(
            v("billion_sales_enterprises").formula,
            Formula::Count {
                of: CountOf::EnterprisesSalesAtLeast,
                threshold_yuan: Some(1_000_000_000)
            }
        );
        assert_eq!(v("china_well_known_trademarks").value.value, 1);
        assert_eq!(v("cohort_2005_land_started").value.value, 10000);
        assert_eq!(
            v("cohort_2005_land_started").formula,
            Formula::CohortRate {
                cohort: Cohort::LandSuppliedBeforeYearNotStarted,
                declared_count: Some(123),
                declared_area_millimu: Some(1_455_739)
            }
        );
        assert_eq!(v("expropriated_land_supplied").value.value, 9000);
        assert_eq!(
            v("expropriated_land_supplied").formula,
            Formula::CohortRate {
                cohort: Cohort::ExpropriatedNotSupplied,
                declared_count: None,
                declared_area_millimu: Some(1_550_000)
            }
        );
        assert_eq!(v("land_supplied_2006_started").value.value, 8000);
        assert_eq!(v("planned_2006_completed").value.value, 9000);
        assert_eq!(
            v("planned_2006_completed").formula,
            Formula::CohortRate {
                cohort: Cohort::PlannedCompletionInYear,
                declared_count: Some(50),
                declared_area_millimu: None
            }
        );

        let awards: Vec<_> = t
            .awards
            .iter()
            .map(|a| (a.rank, a.winners, a.amount_yuan))
            .collect();
        assert_eq!(
            awards,
            [
                (1, Some(2), 30_000),
                (2, Some(3), 20_000),
                (3, None, 10_000)
            ]
        );
    }
}
