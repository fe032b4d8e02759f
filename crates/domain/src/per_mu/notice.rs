//! The results document of a final per-mu evaluation (评价结果通知): the
//! scope and method with every benchmark (the 计算说明), the class counts of
//! each group, and the A and D lists by name; the full list goes out as the
//! xlsx. A pure function, so the preview and the .docx say the same.

use super::rules::{Benchmark, Class};
use super::{GroupKind, Indicator, Q, Settings};
use crate::meetings::minutes::{Section, chinese_number};
use std::collections::BTreeMap;

/// An enterprise named in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub group: GroupKind,
    pub rank: Option<usize>,
    /// Ten-thousandths of a point.
    pub total: Option<i64>,
}

/// What the document is made from.
#[derive(Debug, Clone)]
pub struct NoticeInput<'a> {
    pub year: i32,
    pub settings: &'a Settings,
    pub benchmarks: &'a BTreeMap<GroupKind, BTreeMap<Indicator, Benchmark>>,
    /// (group, class, count).
    pub counts: &'a [(GroupKind, Class, i64)],
    pub class_a: &'a [Named],
    pub class_d: &'a [Named],
    /// The 公示's first and last day, as written (e.g. 2007年3月1日).
    pub notice: Option<(String, String)>,
}

/// The composed document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub opening: Vec<String>,
    pub sections: Vec<Section>,
}

fn points(tt: i64) -> String {
    format!("{}.{:04}", tt / 10_000, tt % 10_000)
}

fn value(i: Indicator, q: &Option<Q>) -> String {
    match q {
        None => "—".into(),
        Some(q) if i == Indicator::RdRatio => format!("{}%", q.mul(&Q::whole(100)).display(2)),
        Some(q) => format!("{}{}", q.display(2), i.unit()),
    }
}

/// Composes the document.
pub fn compose(i: &NoticeInput) -> Notice {
    let s = i.settings;
    let title = format!("关于公布{}年度工业企业亩均效益综合评价结果的通知", i.year);
    let opening = vec![format!(
        "为推进工业经济转型升级，引导土地、能源等要素向优质高效企业集中，根据亩均效益综合评价办法，对全区工业企业{}年度亩均效益进行了综合评价{}。现将评价结果公布如下：",
        i.year,
        i.notice
            .as_ref()
            .map(|(a, b)| format!("，评价结果已于{a}至{b}公示"))
            .unwrap_or_default()
    )];
    let mut n = 0;
    let mut next = |h: &str| {
        n += 1;
        format!("{}、{h}", chinese_number(n))
    };
    let mut sections = vec![Section {
        heading: next("评价范围和方法"),
        paragraphs: vec![
            format!(
                "评价范围为行业属于采矿业、制造业（国民经济行业分类 06-43 大类）且有用地的工业企业，其中规模以下企业用地不少于 {} 亩；{}年1月1日及以后成立的企业暂不评价（T 类）。规模以上和规模以下企业分组评价。",
                crate::format::mu(s.min_land_below_millimu),
                i.year - 1
            ),
            format!(
                "各项指标得分 = 权重 × min(max(企业指标值 ÷ 基准值, 0), {})；企业该项指标分母缺失或为 0、或基准值为 0 时，该项得权重分。基准值为参评企业该指标分子合计除以分母合计。综合得分为各项得分之和加减活动办公室核定的加减分，四舍五入保留 4 位小数排序；得分相同的，亩均税收高者在前。各组按名次前 {}% 为 A 类（优先发展），前 {}% 中其余为 B 类（提升发展），末 {}%（向上取整）为 D 类（倒逼整治），其余为 C 类（调控帮扶）；当年发生重大安全、环境事故等否决事项的企业不得评为 A、B 类。",
                s.cap, s.shares.a, s.shares.ab, s.shares.d
            ),
        ],
        table: Some((
            ["分组", "指标", "计算方法", "权重", "基准值"]
                .map(String::from)
                .to_vec(),
            GroupKind::ALL
                .iter()
                .flat_map(|g| {
                    s.weights(*g).iter().map(move |(ind, w)| {
                        let b = i.benchmarks.get(g).and_then(|b| b.get(ind));
                        vec![
                            g.label().to_string(),
                            ind.label().to_string(),
                            ind.formula().to_string(),
                            w.to_string(),
                            b.map(|b| value(*ind, &b.value))
                                .unwrap_or_else(|| "—".into())
                                + if b.is_some_and(|b| b.overridden) {
                                    "（设定）"
                                } else {
                                    ""
                                },
                        ]
                    })
                })
                .collect(),
        )),
    }];
    let count = |g: GroupKind, c: Class| {
        i.counts
            .iter()
            .find(|(x, y, _)| *x == g && *y == c)
            .map_or(0, |t| t.2)
    };
    sections.push(Section {
        heading: next("评价结果"),
        paragraphs: GroupKind::ALL
            .iter()
            .map(|g| {
                let ranked: i64 = [Class::A, Class::B, Class::C, Class::D].iter().map(|c| count(*g, *c)).sum();
                format!(
                    "{}参评 {} 家：A 类 {} 家，B 类 {} 家，C 类 {} 家，D 类 {} 家；暂不评价（T 类）{} 家。",
                    g.label(),
                    ranked,
                    count(*g, Class::A),
                    count(*g, Class::B),
                    count(*g, Class::C),
                    count(*g, Class::D),
                    count(*g, Class::T)
                )
            })
            .collect(),
        table: None,
    });
    for (list, what) in [
        (i.class_a, "A 类（优先发展）企业名单"),
        (i.class_d, "D 类（倒逼整治）企业名单"),
    ] {
        sections.push(Section {
            heading: next(what),
            paragraphs: if list.is_empty() {
                vec!["无。".into()]
            } else {
                vec![]
            },
            table: (!list.is_empty()).then(|| {
                (
                    ["序号", "企业名称", "分组", "组内名次", "综合得分"]
                        .map(String::from)
                        .to_vec(),
                    list.iter()
                        .enumerate()
                        .map(|(k, e)| {
                            vec![
                                (k + 1).to_string(),
                                e.name.clone(),
                                e.group.label().to_string(),
                                e.rank.map(|r| r.to_string()).unwrap_or_default(),
                                e.total.map(points).unwrap_or_default(),
                            ]
                        })
                        .collect(),
                )
            }),
        });
    }
    sections.push(Section {
        heading: next("结果运用"),
        paragraphs: vec![
            "评价结果作为用地、用能、用电、排污等要素配置和财政扶持的依据：A 类企业优先保障，B 类企业提升发展，C 类企业调控帮扶，D 类企业倒逼整治；有序用电按 D、C、B、A 类顺序安排错峰避峰。全部企业的分类名单另附（Excel），供供电、税务等部门使用。".into(),
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
    use crate::per_mu::rules::Subject;
    use crate::per_mu::{Data, evaluate};

    #[test]
    fn the_document_lists_the_benchmarks_the_counts_and_the_a_and_d_firms() {
        let subjects: Vec<Subject> = (0..5)
            .map(|k| Subject {
                credit_code: format!("c{k}"),
                name: format!("企业{k}"),
                industry_code: "3443".into(),
                above: true,
                data: Data {
                    land_millimu: Some(10_000),
                    tax_yuan: Some(1_000_000 * (k + 1)),
                    ..Data::default()
                },
                ..Subject::default()
            })
            .collect();
        let s = Settings::default();
        let o = evaluate(2006, &subjects, &s);
        let named = |c: Class| -> Vec<Named> {
            o.items
                .iter()
                .filter(|e| e.class == c)
                .map(|e| Named {
                    name: e.name.clone(),
                    group: e.group,
                    rank: e.rank,
                    total: e.total,
                })
                .collect()
        };
        let counts: Vec<_> = Class::ALL
            .iter()
            .map(|c| {
                (
                    GroupKind::Above,
                    *c,
                    o.items.iter().filter(|e| e.class == *c).count() as i64,
                )
            })
            .collect();
        let n = compose(&NoticeInput {
            year: 2006,
            settings: &s,
            benchmarks: &o.benchmarks,
            counts: &counts,
            class_a: &named(Class::A),
            class_d: &named(Class::D),
            notice: None,
        });
        let text = format!("{n:?}");
        assert!(n.title.contains("2006年度"));
        assert!(
            text.contains("规上工业企业参评 5 家：A 类 1 家，B 类 2 家，C 类 1 家，D 类 1 家"),
            "{text}"
        );
        assert!(text.contains("企业4") && text.contains("企业0"), "{text}");
        // Tax: 15,000,000 yuan / 50 mu = 300,000 yuan per mu.
        assert!(text.contains("300000.00元/亩"), "{text}");
    }
}
