//! The 资助计划: the awards of a programme as an official document, composed
//! here for the .docx (the office-document layout renders it).

use crate::format::{money, yuan_grouped};
use crate::meetings::minutes::Section;

/// An award as the document lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub rank: i64,
    pub code: String,
    pub enterprise: String,
    pub project: String,
    /// The score as shown (2 decimals).
    pub score: String,
    pub award_yuan: i64,
}

/// Title, opening and sections; `final_` false marks it as the 公示 draft.
pub fn document(
    programme: &str,
    budget_yuan: i64,
    final_: bool,
    lines: &[Line],
) -> (String, Vec<String>, Vec<Section>) {
    let total: i64 = lines.iter().map(|l| l.award_yuan).sum();
    let title = if final_ {
        format!("关于下达{programme}资助计划的通知")
    } else {
        format!("{programme}拟资助项目公示")
    };
    let opening = vec![format!(
        "根据{programme}申报指南，经企业申报、形式审查、专家评审和综合排序{}，确定 {} 个项目给予资助，资助金额合计 {}（{} 元），专项资金预算 {}。",
        if final_ { "并经公示无异议" } else { "" },
        lines.len(),
        money(total),
        yuan_grouped(total),
        money(budget_yuan),
    )];
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                l.rank.to_string(),
                l.code.clone(),
                l.enterprise.clone(),
                l.project.clone(),
                l.score.clone(),
                yuan_grouped(l.award_yuan),
            ]
        })
        .collect();
    let mut sections = vec![Section {
        heading: "一、资助项目及金额".into(),
        paragraphs: vec![],
        table: Some((
            ["名次", "申报编号", "企业", "项目", "得分", "资助金额（元）"]
                .map(String::from)
                .to_vec(),
            rows,
        )),
    }];
    sections.push(Section {
        heading: "二、资金拨付和绩效管理".into(),
        paragraphs: vec![
            "资助资金按项目建设进度分期拨付，累计拨付不超过资助金额。项目完成后，受资助企业应填报绩效自评（预算执行 10 分、产出 50 分、效益 30 分、满意度 10 分）；自评为“差”的，列入资金追回审查。".into(),
        ],
        table: None,
    });
    (title, opening, sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_and_titles() {
        let l = Line {
            rank: 1,
            code: "ZX1-0001".into(),
            enterprise: "甲".into(),
            project: "技改".into(),
            score: "88.50".into(),
            award_yuan: 1_234_567,
        };
        let (t, o, s) = document(
            "2006年工业技改专项资金",
            5_000_000,
            true,
            std::slice::from_ref(&l),
        );
        assert_eq!(t, "关于下达2006年工业技改专项资金资助计划的通知");
        assert!(o[0].contains("1,234,567 元"), "{}", o[0]);
        assert!(o[0].contains("公示无异议"));
        assert_eq!(s[0].table.as_ref().unwrap().1[0][5], "1,234,567");
        let (t, o, _) = document("X", 1, false, &[l]);
        assert!(t.contains("公示") && !o[0].contains("公示无异议"));
    }
}
