//! The 通报 of a final round's results and awards, composed from the frozen
//! results: the method in a paragraph, the ranking with every component, the
//! award list with amounts and its total, and the units with 样本不足. A pure
//! function, so the HTML preview and the .docx say the same.

use super::Settings;
use super::round::{RoundResults, prize_label};
use crate::meetings::minutes::{Section, chinese_date, chinese_number};
use chrono::NaiveDate;

/// What the 通报 is made from.
#[derive(Debug, Clone)]
pub struct NoticeInput<'a> {
    /// The campaign's short title, e.g. "“两个年”活动".
    pub campaign: &'a str,
    pub year: i32,
    pub round_title: &'a str,
    pub settings: &'a Settings,
    pub results: &'a RoundResults,
    /// Respondents who answered, per group (enterprises, grassroots units).
    pub respondents: (i64, i64),
    /// Valid ballots, per group.
    pub ballots: (i64, i64),
    /// The first day of the 公示 and its last day.
    pub notice: Option<(NaiveDate, NaiveDate)>,
}

/// The composed 通报.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub opening: Vec<String>,
    pub sections: Vec<Section>,
}

fn opt(s: Option<super::Score>) -> String {
    s.map_or_else(|| "—".into(), |x| x.display())
}

/// 30,000 → "30000"; whole yuan as the award list writes them.
fn yuan(n: i64) -> String {
    n.to_string()
}

/// Composes the 通报.
pub fn compose(i: &NoticeInput) -> Notice {
    let s = i.settings;
    let w = s.weights;
    let r = i.results;
    let title = format!(
        "关于{}年度{}评议结果及优质服务单位评选结果的通报",
        i.year, i.campaign
    );
    let mut opening = vec![format!(
        "根据{}工作安排，{}年度组织开展了“{}”。本次评议共收回企业评议票 {} 张（{} 家企业）、基层评议票 {} 张（{} 个镇街、园区），并结合各单位办理企业诉求情况和承担目标任务完成情况进行综合评定。",
        i.campaign,
        i.year,
        i.round_title,
        i.ballots.0,
        i.respondents.0,
        i.ballots.1,
        i.respondents.1
    )];
    if let Some((from, to)) = i.notice {
        opening.push(format!(
            "评议结果已于{}至{}公示，现将评议结果和优质服务单位评选结果通报如下：",
            chinese_date(from),
            chinese_date(to)
        ));
    } else {
        opening.push("现将评议结果和优质服务单位评选结果通报如下：".into());
    }
    let mut sections = vec![];
    let mut n = 0;
    let mut next = |h: &str| {
        n += 1;
        format!("{}、{h}", chinese_number(n))
    };
    sections.push(Section {
        heading: next("评议办法"),
        paragraphs: vec![format!(
            "评议票分非常满意、满意、基本满意、不满意、非常不满意五档，分别计 {}、{}、{}、{}、{} 分。企业评议、基层评议分别在有效票不少于 {} 张、{} 张时计分，有效票达到 {} 张及以上的去掉一个最高分和一个最低分后取平均分。服务得分取该单位当年办理企业诉求的按时办结率和满意率（样本均不少于 5 件）的平均值；目标得分为其承担的目标任务中已完成的比例。综合得分按企业评议 {}%、基层评议 {}%、服务 {}%、目标 {}% 的权重，对已有得分的部分加权平均；企业评议票不足的单位不参加排名（样本不足）。被一票否决的单位保留名次，不参加评奖。",
            s.level_scores.very_satisfied,
            s.level_scores.satisfied,
            s.level_scores.basic,
            s.level_scores.dissatisfied,
            s.level_scores.very_dissatisfied,
            s.min_ballots.enterprise,
            s.min_ballots.grassroots,
            s.trim_from,
            w.enterprise,
            w.grassroots,
            w.service,
            w.targets
        )],
        table: None,
    });
    let ranked: Vec<_> = r.units.iter().filter(|u| u.rank.is_some()).collect();
    sections.push(Section {
        heading: next("评议结果"),
        paragraphs: vec![format!("参加排名的单位共 {} 个，名次如下：", ranked.len())],
        table: Some((
            [
                "名次",
                "单位",
                "企业评议",
                "基层评议",
                "服务",
                "目标",
                "综合得分",
                "备注",
            ]
            .map(String::from)
            .to_vec(),
            ranked
                .iter()
                .map(|u| {
                    vec![
                        u.rank.map(|x| x.to_string()).unwrap_or_default(),
                        u.name.clone(),
                        format!("{}（{}票）", opt(u.enterprise), u.enterprise_ballots),
                        if u.grassroots.is_some() {
                            format!("{}（{}票）", opt(u.grassroots), u.grassroots_ballots)
                        } else {
                            "—".into()
                        },
                        opt(u.service),
                        opt(u.targets),
                        opt(u.composite),
                        match (&u.veto, u.prize) {
                            (Some(_), _) => "一票否决".into(),
                            (None, Some(p)) => prize_label(p).into(),
                            _ => String::new(),
                        },
                    ]
                })
                .collect(),
        )),
    });
    let winners: Vec<_> = r.units.iter().filter(|u| u.prize.is_some()).collect();
    let mut award = vec![];
    for p in 1..=3u8 {
        let names: Vec<&str> = winners
            .iter()
            .filter(|u| u.prize == Some(p))
            .map(|u| u.name.as_str())
            .collect();
        if !names.is_empty() {
            award.push(format!(
                "{}（{} 个，每个单位奖励 {} 元）：{}。",
                prize_label(p),
                names.len(),
                yuan(r.amounts[usize::from(p) - 1]),
                names.join("、")
            ));
        }
    }
    if award.is_empty() {
        award.push("本次评议无单位获奖。".into());
    } else {
        award.push(format!("奖励金额合计 {} 元。", yuan(r.total_awarded_yuan)));
    }
    sections.push(Section {
        heading: next("优质服务单位"),
        paragraphs: award,
        table: (!winners.is_empty()).then(|| {
            (
                ["奖项", "单位", "名次", "综合得分", "奖励金额（元）"]
                    .map(String::from)
                    .to_vec(),
                winners
                    .iter()
                    .map(|u| {
                        vec![
                            prize_label(u.prize.unwrap_or(3)).into(),
                            u.name.clone(),
                            u.rank.map(|x| x.to_string()).unwrap_or_default(),
                            opt(u.composite),
                            yuan(u.amount_yuan),
                        ]
                    })
                    .collect(),
            )
        }),
    });
    let vetoed: Vec<String> = r
        .units
        .iter()
        .filter_map(|u| u.veto.as_ref().map(|why| format!("{}（{}）", u.name, why)))
        .collect();
    if !vetoed.is_empty() {
        sections.push(Section {
            heading: next("一票否决"),
            paragraphs: vec![format!(
                "以下单位因一票否决事项不参加本年度评奖：{}。",
                vetoed.join("；")
            )],
            table: None,
        });
    }
    let unranked: Vec<_> = r.units.iter().filter(|u| u.rank.is_none()).collect();
    if !unranked.is_empty() {
        sections.push(Section {
            heading: next("样本不足的单位"),
            paragraphs: vec![format!(
                "以下单位企业评议有效票少于 {} 张，不参加排名：{}。",
                s.min_ballots.enterprise,
                unranked
                    .iter()
                    .map(|u| format!("{}（{}票）", u.name, u.enterprise_ballots))
                    .collect::<Vec<_>>()
                    .join("、")
            )],
            table: None,
        });
    }
    sections.push(Section {
        heading: next("有关要求"),
        paragraphs: vec![
            "希望受表彰的单位珍惜荣誉，再接再厉；各单位要对照评议中企业和基层反映的意见建议，认真梳理、限期整改，进一步提升服务企业、服务项目的质量和效率。".into(),
        ],
        table: None,
    });
    Notice {
        title,
        opening,
        sections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::round::{UnitFacts, evaluate_round};

    #[test]
    fn the_notice_lists_the_ranking_the_awards_and_the_units_short_of_ballots() {
        let mut facts: Vec<UnitFacts> = (0..4)
            .map(|i| UnitFacts {
                unit: format!("u{i}"),
                name: format!("第{i}局"),
                enterprise_scores: vec![100 - 10 * i; 6],
                ..UnitFacts::default()
            })
            .collect();
        facts[3].enterprise_scores.truncate(2);
        facts[1].veto = Some("发生重大安全事故".into());
        let s = Settings::default();
        let r = evaluate_round(&facts, &s, [30_000, 20_000, 10_000]);
        let n = compose(&NoticeInput {
            campaign: "“两个年”活动",
            year: 2006,
            round_title: "2006年度部门服务评议",
            settings: &s,
            results: &r,
            respondents: (6, 0),
            ballots: (20, 0),
            notice: None,
        });
        let text = format!("{n:?}");
        assert!(n.title.contains("2006年度"));
        assert!(
            text.contains("一等奖（2 个，每个单位奖励 30000 元）：第0局、第2局。"),
            "{text}"
        );
        assert!(text.contains("奖励金额合计 60000 元"), "{text}");
        assert!(text.contains("第1局（发生重大安全事故）"), "{text}");
        assert!(text.contains("第3局（2票）"), "{text}");
        assert_eq!(n.sections[0].heading, "一、评议办法");
    }
}
