//! The minutes (会议纪要) of a joint meeting, composed from its data: the
//! facts (time, place, chair, attending units), the topics, the numbered
//! decisions (会议议定事项) and the action items with their unit and deadline.
//! A pure function, so the .docx and the HTML preview show the same text.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// What the minutes are made from.
#[derive(Debug, Clone, Default)]
pub struct MinutesInput {
    pub title: String,
    pub held_on: NaiveDate,
    /// `HH:MM` or empty.
    pub start_time: String,
    pub place: String,
    pub chair: String,
    /// The office's own summary paragraph (blank lines separate paragraphs).
    pub summary: String,
    /// The meeting's number in its year (第N期).
    pub number: i64,
    /// Attending units' names, in order.
    pub attendees: Vec<String>,
    /// The topics, in order.
    pub agenda: Vec<String>,
    /// The decisions' texts, in order.
    pub decisions: Vec<String>,
    pub actions: Vec<ActionLine>,
    /// Who issues the minutes (the campaign office).
    pub issuer: String,
    /// The joint meeting's name, e.g. "“两个年”活动联席会议"; empty for the default.
    pub body: String,
}

/// An action item as the minutes list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionLine {
    pub title: String,
    pub unit: String,
    pub due: NaiveDate,
}

/// A numbered part of the minutes: a heading, then paragraphs and maybe a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// With its number, e.g. "一、会议议定事项".
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub table: Option<(Vec<String>, Vec<Vec<String>>)>,
}

/// The minutes, ready to render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Minutes {
    /// The red mark on top, e.g. "“两个年”活动联席会议纪要".
    pub mark: String,
    /// "2026年第1期".
    pub number: String,
    pub title: String,
    /// "时间：……", "地点：……", "主持：……", "出席单位：……".
    pub facts: Vec<String>,
    /// The opening paragraph(s).
    pub opening: Vec<String>,
    pub sections: Vec<Section>,
    pub signer: String,
    /// The date in Chinese, e.g. "2026年3月5日".
    pub date: String,
}

/// A date as official documents write it: 2026年3月5日.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 一, 二, … 九十九 (section and item numbers).
pub fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            if n.is_multiple_of(10) { "" } else { D[n % 10] }
        ),
        _ => n.to_string(),
    }
}

/// "第一次联席会议" → "第一次联席会议纪要"; "用地专题" → "用地专题会议纪要".
pub fn minutes_title(meeting_title: &str) -> String {
    let t = meeting_title.trim();
    if t.ends_with("纪要") {
        t.to_string()
    } else if t.ends_with("会议") {
        format!("{t}纪要")
    } else {
        format!("{t}会议纪要")
    }
}

/// Composes the minutes.
pub fn compose(m: &MinutesInput) -> Minutes {
    let when = if m.start_time.is_empty() {
        chinese_date(m.held_on)
    } else {
        format!("{} {}", chinese_date(m.held_on), m.start_time)
    };
    let or_blank = |s: &str| {
        if s.is_empty() {
            "（未填写）".to_string()
        } else {
            s.to_string()
        }
    };
    let attendees = if m.attendees.is_empty() {
        "（未登记）".to_string()
    } else {
        m.attendees.join("、")
    };
    let facts = vec![
        format!("时间：{when}"),
        format!("地点：{}", or_blank(&m.place)),
        format!("主持：{}", or_blank(&m.chair)),
        format!("出席单位：{attendees}"),
    ];
    let mut opening = vec![format!(
        "{}，{}在{}主持召开{}，{}参加会议。{}现将会议议定事项纪要如下：",
        chinese_date(m.held_on),
        if m.chair.is_empty() {
            "会议"
        } else {
            &m.chair
        },
        or_blank(&m.place),
        m.title,
        if m.attendees.is_empty() {
            "各有关单位".to_string()
        } else {
            m.attendees.join("、")
        },
        if m.agenda.is_empty() {
            String::new()
        } else {
            format!("会议研究了{}个议题。", m.agenda.len())
        }
    )];
    opening.extend(
        m.summary
            .split("\n\n")
            .map(|p| p.trim().replace('\n', ""))
            .filter(|p| !p.is_empty()),
    );
    let mut sections = Vec::new();
    let mut add = |title: &str, paragraphs: Vec<String>, table| {
        let n = sections.len() + 1;
        sections.push(Section {
            heading: format!("{}、{title}", chinese_number(n)),
            paragraphs,
            table,
        });
    };
    if !m.agenda.is_empty() {
        add(
            "会议议题",
            m.agenda
                .iter()
                .enumerate()
                .map(|(i, a)| format!("（{}）{a}", chinese_number(i + 1)))
                .collect(),
            None,
        );
    }
    add(
        "会议议定事项",
        if m.decisions.is_empty() {
            vec!["本次会议未形成议定事项。".to_string()]
        } else {
            m.decisions
                .iter()
                .enumerate()
                .map(|(i, d)| format!("{}．{d}", i + 1))
                .collect()
        },
        None,
    );
    if !m.actions.is_empty() {
        add(
            "交办事项",
            vec![format!(
                "以下{}项事项由责任单位在完成时限前办结，并通过平台报告办理情况，活动办公室跟踪督办。",
                m.actions.len()
            )],
            Some((
                ["序号", "事项", "责任单位", "完成时限"]
                    .map(String::from)
                    .to_vec(),
                m.actions
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        vec![
                            (i + 1).to_string(),
                            a.title.clone(),
                            a.unit.clone(),
                            chinese_date(a.due),
                        ]
                    })
                    .collect(),
            )),
        );
    }
    Minutes {
        mark: if m.body.trim().is_empty() {
            "联席会议纪要".into()
        } else {
            minutes_title(&m.body)
        },
        number: format!("{}年第{}期", m.held_on.year(), m.number.max(1)),
        title: minutes_title(&m.title),
        facts,
        opening,
        sections,
        signer: m.issuer.clone(),
        date: chinese_date(m.held_on),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn input() -> MinutesInput {
        MinutesInput {
            title: "2026年第一次联席会议".into(),
            held_on: d("2026-03-05"),
            start_time: "09:30".into(),
            place: "区行政中心301会议室".into(),
            chair: "张副区长".into(),
            summary: String::new(),
            number: 1,
            attendees: vec!["区经贸局".into(), "国土资源分局".into()],
            agenda: vec!["甲公司用地指标".into()],
            decisions: vec!["由国土分局牵头解决用地指标".into(), "经贸局跟踪".into()],
            actions: vec![ActionLine {
                title: "落实20亩用地指标".into(),
                unit: "国土资源分局".into(),
                due: d("2026-04-30"),
            }],
            issuer: "活动办公室".into(),
            body: "“两个年”活动联席会议".into(),
        }
    }

    #[test]
    fn numbers_in_chinese() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 23, 99]
            .into_iter()
            .map(chinese_number)
            .collect();
        assert_eq!(got, ["一", "九", "十", "十一", "二十", "二十三", "九十九"]);
    }

    #[test]
    fn the_minutes_carry_facts_decisions_and_actions() {
        let m = compose(&input());
        assert_eq!(m.title, "2026年第一次联席会议纪要");
        assert_eq!(minutes_title("用地专题"), "用地专题会议纪要");
        assert_eq!(m.number, "2026年第1期");
        assert_eq!(m.mark, "“两个年”活动联席会议纪要");
        assert_eq!(
            m.facts,
            [
                "时间：2026年3月5日 09:30",
                "地点：区行政中心301会议室",
                "主持：张副区长",
                "出席单位：区经贸局、国土资源分局"
            ]
        );
        let headings: Vec<&str> = m.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            ["一、会议议题", "二、会议议定事项", "三、交办事项"]
        );
        assert_eq!(
            m.sections[1].paragraphs,
            ["1．由国土分局牵头解决用地指标", "2．经贸局跟踪"]
        );
        let (_, rows) = m.sections[2].table.as_ref().unwrap();
        assert_eq!(
            rows[0],
            ["1", "落实20亩用地指标", "国土资源分局", "2026年4月30日"]
        );
    }

    #[test]
    fn without_agenda_or_actions_the_decisions_come_first() {
        let m = compose(&MinutesInput {
            title: "专题会议纪要".into(),
            agenda: vec![],
            actions: vec![],
            decisions: vec![],
            ..input()
        });
        assert_eq!(m.title, "专题会议纪要");
        assert_eq!(m.sections.len(), 1);
        assert_eq!(m.sections[0].heading, "一、会议议定事项");
        assert_eq!(m.sections[0].paragraphs, ["本次会议未形成议定事项。"]);
    }
}
