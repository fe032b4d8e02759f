//! The per-mu efficiency evaluation of enterprises (亩均效益综合评价),
//! exactly as RULES.md section 2: the annual data and what the monthly
//! statistics prefill (`data.rs`), the settings, the scope and groups, the
//! ratio-of-sums benchmarks, the capped item scores, the ranking at 4
//! decimals and the class cut-offs with the veto (`rules.rs`), exact big
//! fractions (`q.rs`), and the lifecycle draft → 公示 → final.

pub mod data;
pub mod notice;
mod q;
pub mod rules;
#[cfg(test)]
mod tests;

pub use data::{Data, Field, Prefill, Source};
pub use q::Q;
pub use rules::{Benchmarks, Class, Evaluated, Subject, evaluate};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The two groups of enterprises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Above designated size in the data year (规上).
    Above,
    /// The rest (规下).
    Below,
}

impl GroupKind {
    pub const ALL: [GroupKind; 2] = [GroupKind::Above, GroupKind::Below];
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Above => "above",
            GroupKind::Below => "below",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            GroupKind::Above => "规上工业企业",
            GroupKind::Below => "规下工业企业",
        }
    }
    pub fn parse(s: &str) -> Option<GroupKind> {
        GroupKind::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// An indicator: a numerator over a denominator of the annual data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    TaxPerMu,
    VaPerMu,
    VaPerEnergy,
    VaPerEmission,
    LabourProductivity,
    RdRatio,
    TaxPerKwh,
}

impl Indicator {
    pub const ALL: [Indicator; 7] = [
        Indicator::TaxPerMu,
        Indicator::VaPerMu,
        Indicator::VaPerEnergy,
        Indicator::VaPerEmission,
        Indicator::LabourProductivity,
        Indicator::RdRatio,
        Indicator::TaxPerKwh,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::TaxPerMu => "tax_per_mu",
            Indicator::VaPerMu => "va_per_mu",
            Indicator::VaPerEnergy => "va_per_energy",
            Indicator::VaPerEmission => "va_per_emission",
            Indicator::LabourProductivity => "labour_productivity",
            Indicator::RdRatio => "rd_ratio",
            Indicator::TaxPerKwh => "tax_per_kwh",
        }
    }

    pub fn parse(s: &str) -> Option<Indicator> {
        Indicator::ALL.into_iter().find(|i| i.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Indicator::TaxPerMu => "亩均税收",
            Indicator::VaPerMu => "亩均增加值",
            Indicator::VaPerEnergy => "单位能耗增加值",
            Indicator::VaPerEmission => "单位排放增加值",
            Indicator::LabourProductivity => "全员劳动生产率",
            Indicator::RdRatio => "研发经费占比",
            Indicator::TaxPerKwh => "单位电耗税收",
        }
    }

    /// The unit a value is shown in.
    pub fn unit(self) -> &'static str {
        match self {
            Indicator::TaxPerMu | Indicator::VaPerMu => "元/亩",
            Indicator::VaPerEnergy => "元/千克标准煤",
            Indicator::VaPerEmission => "元/千克",
            Indicator::LabourProductivity => "元/人",
            Indicator::RdRatio => "",
            Indicator::TaxPerKwh => "元/千瓦时",
        }
    }

    /// The formula in words, for the 计算说明.
    pub fn formula(self) -> &'static str {
        match self {
            Indicator::TaxPerMu => "实缴税金 ÷ 用地面积（亩）",
            Indicator::VaPerMu => "工业增加值 ÷ 用地面积（亩）",
            Indicator::VaPerEnergy => "工业增加值 ÷ 综合能耗",
            Indicator::VaPerEmission => "工业增加值 ÷ 主要污染物排放当量",
            Indicator::LabourProductivity => "工业增加值 ÷ 年平均职工人数",
            Indicator::RdRatio => "研发经费支出 ÷ 主营业务收入",
            Indicator::TaxPerKwh => "实缴税金 ÷ 用电量",
        }
    }

    /// The numerator and denominator fields; land is in thousandths of a
    /// mu, so per-mu numerators are scaled by 1000.
    pub fn parts(self) -> (Field, Field, i64) {
        match self {
            Indicator::TaxPerMu => (Field::Tax, Field::Land, 1000),
            Indicator::VaPerMu => (Field::ValueAdded, Field::Land, 1000),
            Indicator::VaPerEnergy => (Field::ValueAdded, Field::Energy, 1),
            Indicator::VaPerEmission => (Field::ValueAdded, Field::Emission, 1),
            Indicator::LabourProductivity => (Field::ValueAdded, Field::Employees, 1),
            Indicator::RdRatio => (Field::RdExpense, Field::Revenue, 1),
            Indicator::TaxPerKwh => (Field::Tax, Field::Electricity, 1),
        }
    }
}

/// The percentages of the class cut-offs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shares {
    /// floor(a × n / 100) enterprises are A.
    pub a: i64,
    /// floor(ab × n / 100) are A or B.
    pub ab: i64,
    /// ceil(d × n / 100) are D.
    pub d: i64,
}

/// An evaluation's settings, stored with it and frozen with its results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The weight of each indicator in the above-size group.
    pub weights_above: BTreeMap<Indicator, i64>,
    /// The weight of each indicator in the below-size group.
    pub weights_below: BTreeMap<Indicator, i64>,
    /// The cap of x / B, as a decimal ("1.5"; a JSON number is accepted).
    #[serde(deserialize_with = "decimal_text")]
    pub cap: String,
    pub shares: Shares,
    /// The smallest land of a below-size enterprise in scope (thousandths of a mu).
    pub min_land_below_millimu: i64,
    /// Benchmarks the office enters instead of the computed ones, as
    /// decimals in the indicator's unit (rd_ratio as a fraction, e.g. "0.03";
    /// JSON numbers are accepted).
    #[serde(default, deserialize_with = "decimal_map")]
    pub benchmarks_above: BTreeMap<Indicator, String>,
    #[serde(default, deserialize_with = "decimal_map")]
    pub benchmarks_below: BTreeMap<Indicator, String>,
    /// Working days the 公示 lasts.
    pub notice_days: i64,
}

/// A decimal given as text or as a JSON number, kept as its text.
#[derive(Deserialize)]
#[serde(untagged)]
enum DecimalIn {
    Text(String),
    Number(serde_json::Number),
}

impl DecimalIn {
    fn text(self) -> String {
        match self {
            DecimalIn::Text(s) => s,
            DecimalIn::Number(n) => n.to_string(),
        }
    }
}

fn decimal_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(DecimalIn::deserialize(d)?.text())
}

fn decimal_map<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<Indicator, String>, D::Error> {
    Ok(BTreeMap::<Indicator, DecimalIn>::deserialize(d)?
        .into_iter()
        .map(|(k, v)| (k, v.text()))
        .collect())
}

impl Default for Settings {
    fn default() -> Self {
        use Indicator::*;
        Settings {
            weights_above: BTreeMap::from([
                (TaxPerMu, 30),
                (VaPerMu, 20),
                (VaPerEnergy, 20),
                (VaPerEmission, 10),
                (LabourProductivity, 10),
                (RdRatio, 10),
            ]),
            weights_below: BTreeMap::from([(TaxPerMu, 50), (TaxPerKwh, 50)]),
            cap: "1.5".into(),
            shares: Shares {
                a: 20,
                ab: 60,
                d: 5,
            },
            min_land_below_millimu: 3000,
            benchmarks_above: BTreeMap::new(),
            benchmarks_below: BTreeMap::new(),
            notice_days: 5,
        }
    }
}

impl Settings {
    /// The weights of a group.
    pub fn weights(&self, g: GroupKind) -> &BTreeMap<Indicator, i64> {
        match g {
            GroupKind::Above => &self.weights_above,
            GroupKind::Below => &self.weights_below,
        }
    }

    /// The benchmark overrides of a group.
    pub fn overrides(&self, g: GroupKind) -> &BTreeMap<Indicator, String> {
        match g {
            GroupKind::Above => &self.benchmarks_above,
            GroupKind::Below => &self.benchmarks_below,
        }
    }

    /// Every problem at once, in Chinese, by field.
    pub fn check(&self) -> Vec<crate::users::FieldError> {
        use crate::users::FieldError;
        let mut e = vec![];
        for (name, w) in [
            ("weights_above", &self.weights_above),
            ("weights_below", &self.weights_below),
        ] {
            if w.values().any(|x| !(0..=100).contains(x)) {
                e.push(FieldError::new(name, "权重应为 0 至 100 的整数"));
            }
            if w.values().all(|x| *x == 0) {
                e.push(FieldError::new(name, "至少一项指标的权重大于 0"));
            }
        }
        match Q::parse_decimal(&self.cap) {
            Some(c) if c >= Q::whole(1) && c <= Q::whole(10) => {}
            _ => e.push(FieldError::new(
                "cap",
                "封顶倍数应为 1 至 10 之间的小数，如 1.5",
            )),
        }
        let s = self.shares;
        if !(0..=100).contains(&s.a)
            || !(0..=100).contains(&s.ab)
            || !(0..=100).contains(&s.d)
            || s.a > s.ab
            || s.ab + s.d > 100
        {
            e.push(FieldError::new(
                "shares",
                "分类比例应为 0 至 100，A 类不超过 A、B 类合计，A、B 类合计加 D 类不超过 100",
            ));
        }
        if !(0..=1_000_000_000).contains(&self.min_land_below_millimu) {
            e.push(FieldError::new(
                "min_land_below_millimu",
                "规下企业最小用地面积应在 0 至 100 万亩之间",
            ));
        }
        for (name, o) in [
            ("benchmarks_above", &self.benchmarks_above),
            ("benchmarks_below", &self.benchmarks_below),
        ] {
            for (i, v) in o {
                if Q::parse_decimal(v).is_none() {
                    e.push(FieldError::new(
                        &format!("{name}.{}", i.as_str()),
                        format!("{}的基准值“{v}”不是数字", i.label()),
                    ));
                }
            }
        }
        if !(1..=30).contains(&self.notice_days) {
            e.push(FieldError::new(
                "notice_days",
                "公示期应为 1 至 30 个工作日",
            ));
        }
        e
    }
}

/// Where an evaluation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Publicized,
    Final,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Publicized => "publicized",
            Status::Final => "final",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Publicized => "公示中",
            Status::Final => "已定稿",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        [Status::Draft, Status::Publicized, Status::Final]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A step of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Compute the results (draft, or during the 公示 after a correction).
    Compute,
    Publish,
    Finalize,
}

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "compute" => Some(Action::Compute),
            "publish" => Some(Action::Publish),
            "finalize" => Some(Action::Finalize),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Compute => "compute",
            Action::Publish => "publish",
            Action::Finalize => "finalize",
        }
    }
}

/// Checks an action: `computed` tells whether results exist, `on` is the
/// 公示's first day for publish (never in the future), `notice_end` its last
/// day, `open_objections` the objections not yet handled.
pub fn check_action(
    status: Status,
    action: Action,
    computed: bool,
    today: chrono::NaiveDate,
    on: chrono::NaiveDate,
    notice_end: Option<chrono::NaiveDate>,
    open_objections: i64,
) -> Result<Status, String> {
    match (status, action) {
        (Status::Final, _) => Err("评价已定稿，结果已冻结".into()),
        (_, Action::Compute) => Ok(status),
        (Status::Draft, Action::Publish) if !computed => Err("请先计算评价结果再公示".into()),
        (Status::Draft, Action::Publish) if on > today => Err(format!("公示日期 {on} 晚于今天")),
        (Status::Draft, Action::Publish) => Ok(Status::Publicized),
        (Status::Publicized, Action::Publish) => Err("评价已在公示中".into()),
        (Status::Draft, Action::Finalize) => Err("评价须先公示，公示期满后才能定稿".into()),
        (Status::Publicized, Action::Finalize) => match notice_end {
            Some(end) if today <= end => Err(format!(
                "公示期到 {end} 结束，期间可以提出异议；公示期满后才能定稿"
            )),
            _ if open_objections > 0 => Err(format!(
                "还有 {open_objections} 条异议未处理，处理后才能定稿"
            )),
            _ => Ok(Status::Final),
        },
    }
}
