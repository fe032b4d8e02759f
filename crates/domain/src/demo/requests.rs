//! Demo enterprise requests: a year of them up to a given day, across the
//! categories and the units the routing rules send them to. Each request is a
//! script of dated steps; the loader plays the steps that fall on or before
//! that day, so recent requests are still open and some are overdue. Units
//! have their own pace (the construction bureau is slow, the tax bureau
//! quick), so the statistics per unit differ. Deterministic for a given day.

use super::rng::Rng;
use crate::calendar::Calendar;
use chrono::{Datelike, NaiveDate, TimeDelta};

/// Who takes a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// The enterprise that raised the request.
    Enterprise,
    /// The unit holding the request.
    Unit,
    /// The campaign office.
    Office,
}

/// One step of a demo request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub on: NaiveDate,
    pub who: Who,
    /// An action of the status flow, or "extension" / "extension_approve" / "visit".
    pub action: &'static str,
    pub note: String,
    /// The unit for a transfer.
    pub unit: Option<&'static str>,
    /// The rating for "rate".
    pub rating: Option<&'static str>,
}

/// A demo request and its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRequest {
    /// Index into the demo enterprises.
    pub enterprise: usize,
    pub category: &'static str,
    pub title: String,
    pub description: String,
    pub submitted_on: NaiveDate,
    /// Filed by staff after a visit on this day.
    pub visit_on: Option<NaiveDate>,
    pub steps: Vec<Step>,
}

const TOPICS: &[(&str, &[(&str, &str)])] = &[
    (
        "land",
        &[
            (
                "二期厂房建设用地指标",
                "企业订单增长，计划新建二期厂房，需工业用地约 {n} 亩，请协调用地指标。",
            ),
            (
                "已征土地尚未交付",
                "去年签约的地块至今未交付，影响项目开工，请协调尽快供地。",
            ),
        ],
    ),
    (
        "financing",
        &[
            (
                "流动资金贷款续贷",
                "原有 {n} 百万元流动资金贷款即将到期，银行续贷审批较慢，请协调。",
            ),
            (
                "技改项目融资担保",
                "技改项目需融资，缺少担保，请推荐担保机构。",
            ),
        ],
    ),
    (
        "power",
        &[
            (
                "高峰时段限电影响生产",
                "有序用电期间高峰时段限电，影响连续生产，请调整用电计划。",
            ),
            (
                "新增变压器增容",
                "新生产线投产需增容 {n} 百千伏安，请加快办理。",
            ),
        ],
    ),
    (
        "approvals",
        &[
            (
                "环评审批进度",
                "扩建项目环评已报送，审批进度较慢，请协调加快。",
            ),
            ("施工许可办理", "厂房施工许可材料已齐，请协调尽快核发。"),
        ],
    ),
    (
        "talent_labour",
        &[
            (
                "技术工人招聘困难",
                "数控技工缺口约 {n} 人，请协助对接职业院校。",
            ),
            (
                "外来员工子女入学",
                "部分外来员工子女入学困难，影响员工稳定。",
            ),
        ],
    ),
    (
        "tax",
        &[
            (
                "出口退税进度",
                "出口退税到账较慢，占用流动资金，请协调加快。",
            ),
            (
                "研发费用加计扣除",
                "对研发费用加计扣除政策口径不清，请予辅导。",
            ),
        ],
    ),
    (
        "policy",
        &[
            (
                "技改补助政策咨询",
                "今年技改投入约 {n} 百万元，请告知补助申报条件和时间。",
            ),
            ("品牌培育扶持", "企业申报著名商标，请告知扶持政策。"),
        ],
    ),
    (
        "infrastructure",
        &[
            ("厂区道路积水", "厂区门口道路雨天积水严重，影响货车进出。"),
            ("工业区污水管网接入", "新厂房污水管网尚未接入，请协调。"),
        ],
    ),
    (
        "environment_safety",
        &[
            (
                "危废处置渠道",
                "企业危险废物处置渠道不畅，请协调有资质单位。",
            ),
            ("安全生产标准化辅导", "申请安全生产标准化评审，请安排辅导。"),
        ],
    ),
    (
        "other",
        &[("厂区周边治安", "厂区周边夜间治安状况较差，请协调加强巡逻。")],
    ),
];

/// The unit each category is routed to by the default rules, and its pace:
/// extra working days it takes beyond a brisk answer.
fn pace(category: &str) -> i64 {
    match category {
        "infrastructure" => 9, // the construction bureau is slow
        "land" => 5,
        "approvals" => 3,
        "tax" => 0,
        _ => 2,
    }
}

/// A year of demo requests ending on `today`, for `enterprises` enterprises.
pub fn requests(today: NaiveDate, enterprises: usize, cal: &Calendar) -> Vec<DemoRequest> {
    let mut rng = Rng::new(0x4C57_5E27_1CE5 ^ today.num_days_from_ce() as u64);
    let start = today - TimeDelta::days(365);
    let mut out = vec![];
    let mut day = start;
    while day <= today {
        // About five requests a week, none on Sundays.
        let n = if day.weekday() == chrono::Weekday::Sun {
            0
        } else {
            rng.below(2) as usize
        };
        for _ in 0..n {
            out.push(one(&mut rng, day, today, enterprises, cal));
        }
        day += TimeDelta::days(1);
    }
    // The demo's enterprise user belongs to the first enterprise: give it a
    // share of the requests so its own view tells a story.
    for r in out.iter_mut().step_by(12) {
        r.enterprise = 0;
    }
    out
}

fn one(
    rng: &mut Rng,
    submitted_on: NaiveDate,
    today: NaiveDate,
    enterprises: usize,
    cal: &Calendar,
) -> DemoRequest {
    let (category, topics) = *rng.weighted(&[
        (TOPICS[0], 14),
        (TOPICS[1], 14),
        (TOPICS[2], 12),
        (TOPICS[3], 12),
        (TOPICS[4], 10),
        (TOPICS[5], 9),
        (TOPICS[6], 10),
        (TOPICS[7], 7),
        (TOPICS[8], 8),
        (TOPICS[9], 4),
    ]);
    let (title, text) = *rng.pick(topics);
    let description = text.replace("{n}", &rng.range(3, 40).to_string());
    let wd = |d: NaiveDate, n: i64| cal.add_working_days_provisional(d, n).0;
    let slow = pace(category);
    let mut steps = vec![];
    let mut at = submitted_on;
    let push =
        |steps: &mut Vec<Step>, on: NaiveDate, who: Who, action: &'static str, note: &str| {
            steps.push(Step {
                on,
                who,
                action,
                note: note.into(),
                unit: None,
                rating: None,
            });
        };
    let visit_on = rng.chance(15).then_some(submitted_on);
    let routed = crate::requests::routing::LONGWAN_DEFAULTS
        .iter()
        .find(|r| r.0 == category)
        .map(|r| r.2);
    if routed.is_none() {
        // No rule: the office assigns it the same day.
        steps.push(Step {
            on: at,
            who: Who::Office,
            action: "assign",
            note: String::new(),
            unit: Some("economy"),
            rating: None,
        });
    }
    // 1 in 10 went to the wrong unit first.
    if rng.chance(10) {
        at = wd(at, rng.range(0, 1));
        let to = if routed.unwrap_or("economy") == "economy" {
            "drc"
        } else {
            "economy"
        };
        steps.push(Step {
            on: at,
            who: Who::Unit,
            action: "transfer",
            note: "不属于本单位职责，转请相关单位办理".into(),
            unit: Some(to),
            rating: None,
        });
    }
    let fate = *rng.weighted(&[
        ("normal", 62),
        ("reopen", 9),
        ("escalate", 7),
        ("withdraw", 5),
        ("extension", 7),
        ("stuck", 6),
    ]);
    if fate == "withdraw" {
        push(
            &mut steps,
            wd(at, rng.range(1, 4)),
            Who::Enterprise,
            "withdraw",
            "问题已自行解决",
        );
        return DemoRequest {
            enterprise: rng.below(enterprises as u64) as usize,
            category,
            title: title.into(),
            description,
            submitted_on,
            visit_on,
            steps,
        };
    }
    // Acceptance: usually within a day; a slow unit sometimes takes longer.
    at = wd(
        at,
        if rng.chance(80) {
            rng.range(0, 1)
        } else {
            rng.range(1, 1 + slow / 2)
        },
    );
    if fate == "stuck" && rng.chance(50) {
        // Never accepted: the oldest of these are overdue today.
        return DemoRequest {
            enterprise: rng.below(enterprises as u64) as usize,
            category,
            title: title.into(),
            description,
            submitted_on,
            visit_on,
            steps,
        };
    }
    push(&mut steps, at, Who::Unit, "accept", "");
    at = wd(at, rng.range(1, 2 + slow / 3));
    push(
        &mut steps,
        at,
        Who::Unit,
        "reply",
        "已受理，正在与有关方面协调，将尽快答复办理结果。",
    );
    if fate == "stuck" {
        return DemoRequest {
            enterprise: rng.below(enterprises as u64) as usize,
            category,
            title: title.into(),
            description,
            submitted_on,
            visit_on,
            steps,
        };
    }
    if fate == "extension" {
        push(
            &mut steps,
            wd(at, 2),
            Who::Unit,
            "extension",
            "需报上级部门审批，申请延期",
        );
        push(
            &mut steps,
            wd(at, 3),
            Who::Office,
            "extension_approve",
            "同意延期",
        );
        at = wd(at, 6);
    }
    if fate == "escalate" {
        at = wd(at, rng.range(2, 5));
        push(
            &mut steps,
            at,
            Who::Unit,
            "escalate",
            "涉及多个部门，本单位难以单独解决，提请联席会议协调",
        );
        if rng.chance(50) {
            return DemoRequest {
                enterprise: rng.below(enterprises as u64) as usize,
                category,
                title: title.into(),
                description,
                submitted_on,
                visit_on,
                steps,
            };
        }
        at = wd(at, rng.range(5, 10));
        push(
            &mut steps,
            at,
            Who::Office,
            "resolve",
            "经联席会议协调，问题已解决。",
        );
    } else {
        at = wd(at, rng.range(3, 10 + slow));
        push(
            &mut steps,
            at,
            Who::Unit,
            "resolve",
            "经协调，问题已解决，请企业评价。",
        );
    }
    let rate_on = wd(at, rng.range(1, 3));
    if fate == "reopen" {
        steps.push(Step {
            on: rate_on,
            who: Who::Enterprise,
            action: "rate",
            note: "问题没有真正解决".into(),
            unit: None,
            rating: Some("unsatisfied"),
        });
        let visit = wd(rate_on, rng.range(1, 3));
        push(
            &mut steps,
            visit,
            Who::Unit,
            "visit",
            "回访企业，了解未解决的原因，重新制定办理方案。",
        );
        let again = wd(visit, rng.range(3, 8));
        push(
            &mut steps,
            again,
            Who::Unit,
            "resolve",
            "重新办理，问题已解决。",
        );
        steps.push(Step {
            on: wd(again, 1),
            who: Who::Enterprise,
            action: "rate",
            note: String::new(),
            unit: None,
            rating: Some("basic"),
        });
    } else if rng.chance(85) {
        let rating = *rng.weighted(&[
            ("very_satisfied", 45),
            ("satisfied", 40),
            ("basic", 12),
            ("unsatisfied", 3),
        ]);
        steps.push(Step {
            on: rate_on,
            who: Who::Enterprise,
            action: "rate",
            note: String::new(),
            unit: None,
            rating: Some(rating),
        });
    }
    let _ = today;
    DemoRequest {
        enterprise: rng.below(enterprises as u64) as usize,
        category,
        title: title.into(),
        description,
        submitted_on,
        visit_on,
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_of_requests_deterministic_and_ordered() {
        let cal = Calendar::builtin();
        let today: NaiveDate = "2026-11-26".parse().unwrap();
        let a = requests(today, 60, &cal);
        assert_eq!(a, requests(today, 60, &cal));
        assert!(a.len() > 150 && a.len() < 320, "{}", a.len());
        for r in &a {
            assert!(r.enterprise < 60);
            assert!(r.submitted_on <= today && r.submitted_on >= today - TimeDelta::days(365));
            let mut last = r.submitted_on;
            for s in &r.steps {
                assert!(s.on >= last, "{r:?}");
                last = s.on;
            }
        }
        let categories: std::collections::BTreeSet<_> = a.iter().map(|r| r.category).collect();
        assert_eq!(categories.len(), 10);
    }
}
