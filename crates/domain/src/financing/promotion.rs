//! The promotion list (推介) as a document for a 银企对接会: the projects
//! seeking finance with the investment still to raise and the interest
//! recorded, in the order the office listed them.

use crate::format::money;
use crate::meetings::minutes::Section;
use chrono::NaiveDate;

/// A project on the list, as the document shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub project_code: String,
    pub project_name: String,
    pub enterprise: String,
    pub township: String,
    pub planned_yuan: i64,
    pub completed_yuan: i64,
    pub to_raise_yuan: i64,
    pub note: String,
    /// (institution, signed yuan; 0 for interest only).
    pub interests: Vec<(String, i64)>,
}

/// The document's title, opening paragraphs and sections.
pub fn document(
    title: &str,
    meeting_on: Option<NaiveDate>,
    note: &str,
    lines: &[Line],
) -> (String, Vec<String>, Vec<Section>) {
    let to_raise: i64 = lines.iter().map(|l| l.to_raise_yuan).sum();
    let signed: i64 = lines
        .iter()
        .flat_map(|l| l.interests.iter().map(|i| i.1))
        .sum();
    let interested = lines.iter().filter(|l| !l.interests.is_empty()).count();
    let mut opening = vec![format!(
        "为推动银企对接、支持重点工业项目建设，现将{}寻求融资的 {} 个项目推介如下，融资缺口合计 {}。请各金融机构主动对接，登记合作意向和签约金额。",
        meeting_on
            .map(|d| format!(
                "提交{}银企对接会",
                crate::meetings::minutes::chinese_date(d)
            ))
            .unwrap_or_default(),
        lines.len(),
        money(to_raise),
    )];
    if !note.trim().is_empty() {
        opening.push(note.trim().to_string());
    }
    let table = (
        [
            "序号",
            "项目",
            "企业",
            "镇街",
            "计划投资",
            "已完成投资",
            "融资缺口",
            "意向机构及签约",
        ]
        .map(String::from)
        .to_vec(),
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let interests = if l.interests.is_empty() {
                    "—".to_string()
                } else {
                    l.interests
                        .iter()
                        .map(|(n, y)| {
                            if *y > 0 {
                                format!("{n}（签约 {}）", money(*y))
                            } else {
                                format!("{n}（有意向）")
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("；")
                };
                vec![
                    (i + 1).to_string(),
                    format!("{}（{}）", l.project_name, l.project_code),
                    l.enterprise.clone(),
                    l.township.clone(),
                    money(l.planned_yuan),
                    money(l.completed_yuan),
                    money(l.to_raise_yuan),
                    interests,
                ]
            })
            .collect(),
    );
    let sections = vec![
        Section {
            heading: "一、推介项目".into(),
            paragraphs: vec![],
            table: Some(table),
        },
        Section {
            heading: "二、对接情况".into(),
            paragraphs: vec![format!(
                "截至目前，{} 个项目已有金融机构登记意向，签约金额合计 {}，占融资缺口的 {}。",
                interested,
                money(signed),
                crate::format::percent(signed, to_raise, 1).unwrap_or_else(|| "—".into()),
            )],
            table: None,
        },
    ];
    (title.trim().to_string(), opening, sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_and_interest() {
        let l = |code: &str, raise: i64, interests: Vec<(String, i64)>| Line {
            project_code: code.into(),
            project_name: format!("项目{code}"),
            enterprise: "企业".into(),
            township: "永中街道".into(),
            planned_yuan: raise * 2,
            completed_yuan: raise,
            to_raise_yuan: raise,
            note: String::new(),
            interests,
        };
        let lines = vec![
            l(
                "P1",
                30_000_000,
                vec![("工行".into(), 10_000_000), ("农行".into(), 0)],
            ),
            l("P2", 10_000_000, vec![]),
        ];
        let (title, opening, sections) = document("2026年重点项目推介清单", None, "", &lines);
        assert_eq!(title, "2026年重点项目推介清单");
        assert!(opening[0].contains("2 个项目"), "{}", opening[0]);
        let table = sections[0].table.as_ref().unwrap();
        assert_eq!(table.1.len(), 2);
        assert!(table.1[0][7].contains("工行（签约"));
        assert!(table.1[0][7].contains("农行（有意向）"));
        assert_eq!(table.1[1][7], "—");
        assert!(sections[1].paragraphs[0].contains("1 个项目"));
        assert!(
            sections[1].paragraphs[0].contains("占融资缺口的 25%"),
            "{}",
            sections[1].paragraphs[0]
        );
    }
}
