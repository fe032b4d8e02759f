//! The rules of RULES.md section 2 on a year's subjects: scope and groups,
//! class T, ratio-of-sums benchmarks, capped item scores with the
//! missing-denominator rule, bonus and deduction, the ranking at 4 decimals
//! with its tie-breaks, the class cut-offs and the veto.

use super::{Data, GroupKind, Indicator, Q, Settings};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An enterprise as the evaluation sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    pub credit_code: String,
    pub name: String,
    /// The township's code.
    pub township: String,
    /// GB/T 4754 code.
    pub industry_code: String,
    /// Above designated size in the data year.
    pub above: bool,
    pub established_on: Option<NaiveDate>,
    /// The figures used (entered, else prefilled).
    pub data: Data,
    /// A veto credit event dated in the data year (its description).
    pub veto: Option<String>,
    /// The office's bonus and deduction, in ten-thousandths of a point, with reasons.
    pub bonus: i64,
    pub bonus_reason: String,
    pub deduction: i64,
    pub deduction_reason: String,
}

/// A class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Class {
    A,
    B,
    C,
    D,
    /// 暂不评价: established on or after 1 January of the year before.
    T,
}

impl Class {
    pub const ALL: [Class; 5] = [Class::A, Class::B, Class::C, Class::D, Class::T];
    pub fn as_str(self) -> &'static str {
        match self {
            Class::A => "A",
            Class::B => "B",
            Class::C => "C",
            Class::D => "D",
            Class::T => "T",
        }
    }
    pub fn parse(s: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.as_str() == s)
    }
    /// What the class means.
    pub fn label(self) -> &'static str {
        match self {
            Class::A => "优先发展",
            Class::B => "提升发展",
            Class::C => "调控帮扶",
            Class::D => "倒逼整治",
            Class::T => "暂不评价",
        }
    }
}

/// A group's benchmark of one indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benchmark {
    /// None when no denominator was reported.
    pub value: Option<Q>,
    /// The sums it was computed from (scaled numerators, as in `Indicator::parts`).
    pub numerator_sum: i128,
    pub denominator_sum: i128,
    /// Entered by the office instead of computed.
    pub overridden: bool,
}

/// The benchmarks of both groups.
pub type Benchmarks = BTreeMap<GroupKind, BTreeMap<Indicator, Benchmark>>;

/// One enterprise's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluated {
    pub credit_code: String,
    pub name: String,
    pub township: String,
    pub industry_code: String,
    pub group: GroupKind,
    pub class: Class,
    /// Within the group; none for class T.
    pub rank: Option<usize>,
    /// Rounded half up, in ten-thousandths; none for class T.
    pub total: Option<i64>,
    /// x of each indicator of the group; none when its denominator is missing or zero.
    pub indicators: BTreeMap<Indicator, Option<Q>>,
    /// Each item's exact score (none for class T).
    pub scores: BTreeMap<Indicator, Q>,
    pub data: Data,
    pub veto: Option<String>,
    pub bonus: i64,
    pub bonus_reason: String,
    pub deduction: i64,
    pub deduction_reason: String,
}

/// An enterprise left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutOfScope {
    pub credit_code: String,
    pub name: String,
    pub reason: String,
}

/// The whole year: benchmarks, the results (each group in rank order, then
/// class T), and who is out of scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub benchmarks: Benchmarks,
    pub items: Vec<Evaluated>,
    pub out_of_scope: Vec<OutOfScope>,
}

/// Mining and manufacturing: GB/T 4754 divisions 06 to 43.
pub fn industrial(industry_code: &str) -> bool {
    industry_code
        .get(..2)
        .and_then(|d| d.parse::<u32>().ok())
        .is_some_and(|d| (6..=43).contains(&d))
}

fn scope(s: &Subject, settings: &Settings) -> Result<GroupKind, String> {
    if !industrial(&s.industry_code) {
        return Err(format!(
            "行业代码 {} 不属于采矿业、制造业（06-43 大类）",
            s.industry_code
        ));
    }
    let land = s.data.land_millimu.unwrap_or(0);
    if land <= 0 {
        return Err("没有用地面积".into());
    }
    if !s.above && land < settings.min_land_below_millimu {
        return Err(format!(
            "规下企业用地 {} 亩，不足 {} 亩",
            crate::format::mu(land),
            crate::format::mu(settings.min_land_below_millimu)
        ));
    }
    Ok(if s.above {
        GroupKind::Above
    } else {
        GroupKind::Below
    })
}

/// The numerator (scaled) and denominator of an indicator; missing counts as 0.
fn parts(d: &Data, i: Indicator) -> (i128, i128) {
    let (n, den, scale) = i.parts();
    (
        i128::from(d.get(n).unwrap_or(0)) * i128::from(scale),
        i128::from(d.get(den).unwrap_or(0)),
    )
}

/// x = numerator / denominator; none when the denominator is missing or zero.
fn x(d: &Data, i: Indicator) -> Option<Q> {
    let (n, den) = parts(d, i);
    Q::new(n, den)
}

/// The class of position `r` (from 1) among `n` ranked.
pub fn class_at(r: usize, n: usize, s: &super::Shares) -> Class {
    let n = n as i64;
    let r = r as i64;
    let n_a = s.a * n / 100;
    let n_ab = s.ab * n / 100;
    let n_d = (s.d * n + 99) / 100;
    if r <= n_a {
        Class::A
    } else if r <= n_ab {
        Class::B
    } else if r > n - n_d {
        Class::D
    } else {
        Class::C
    }
}

/// Evaluates data year `year`.
pub fn evaluate(year: i32, subjects: &[Subject], s: &Settings) -> Outcome {
    let new_from = NaiveDate::from_ymd_opt(year - 1, 1, 1).expect("a valid year");
    let cap = Q::parse_decimal(&s.cap).unwrap_or_else(|| Q::new(3, 2).expect("3/2"));
    let mut out_of_scope = vec![];
    let mut ranked: BTreeMap<GroupKind, Vec<&Subject>> = BTreeMap::new();
    let mut newcomers: Vec<(&Subject, GroupKind)> = vec![];
    for sub in subjects {
        match scope(sub, s) {
            Err(reason) => out_of_scope.push(OutOfScope {
                credit_code: sub.credit_code.clone(),
                name: sub.name.clone(),
                reason,
            }),
            Ok(g) if sub.established_on.is_some_and(|d| d >= new_from) => newcomers.push((sub, g)),
            Ok(g) => ranked.entry(g).or_default().push(sub),
        }
    }
    let mut benchmarks: Benchmarks = BTreeMap::new();
    for g in GroupKind::ALL {
        let members = ranked.get(&g).map(Vec::as_slice).unwrap_or(&[]);
        let mut per = BTreeMap::new();
        for &i in s.weights(g).keys() {
            let (mut n, mut d) = (0i128, 0i128);
            for m in members {
                let (a, b) = parts(&m.data, i);
                n += a;
                d += b;
            }
            let entered = s.overrides(g).get(&i).and_then(|v| Q::parse_decimal(v));
            per.insert(
                i,
                Benchmark {
                    overridden: entered.is_some(),
                    value: entered.or_else(|| Q::new(n, d)),
                    numerator_sum: n,
                    denominator_sum: d,
                },
            );
        }
        benchmarks.insert(g, per);
    }
    let mut items = vec![];
    for (g, members) in &ranked {
        let weights = s.weights(*g);
        let bench = &benchmarks[g];
        let mut scored: Vec<(Evaluated, Q)> = members
            .iter()
            .map(|m| {
                let mut indicators = BTreeMap::new();
                let mut scores = BTreeMap::new();
                let mut total = Q::zero();
                for (&i, &w) in weights {
                    let xi = x(&m.data, i);
                    let b = bench[&i].value.clone().filter(|b| !b.is_zero());
                    let item = match (&xi, b) {
                        (Some(xv), Some(bv)) => {
                            let ratio = xv.div(&bv).expect("B is not zero");
                            Q::whole(w).mul(&ratio.max(Q::zero()).min(cap.clone()))
                        }
                        // A missing or zero denominator, or no benchmark: the average.
                        _ => Q::whole(w),
                    };
                    total = total.add(&item);
                    indicators.insert(i, xi);
                    scores.insert(i, item);
                }
                let adjust = Q::new(m.bonus - m.deduction, 10_000).expect("10000");
                let total = total.add(&adjust).max(Q::zero());
                let tax = x(&m.data, Indicator::TaxPerMu).unwrap_or_else(Q::zero);
                (
                    Evaluated {
                        credit_code: m.credit_code.clone(),
                        name: m.name.clone(),
                        township: m.township.clone(),
                        industry_code: m.industry_code.clone(),
                        group: *g,
                        class: Class::C,
                        rank: None,
                        total: Some(total.round4()),
                        indicators,
                        scores,
                        data: m.data,
                        veto: m.veto.clone(),
                        bonus: m.bonus,
                        bonus_reason: m.bonus_reason.clone(),
                        deduction: m.deduction,
                        deduction_reason: m.deduction_reason.clone(),
                    },
                    tax,
                )
            })
            .collect();
        scored.sort_by(|(a, ta), (b, tb)| {
            b.total
                .cmp(&a.total)
                .then_with(|| tb.cmp(ta))
                .then_with(|| a.credit_code.cmp(&b.credit_code))
        });
        let n = scored.len();
        for (pos, (mut e, _)) in scored.into_iter().enumerate() {
            e.rank = Some(pos + 1);
            e.class = class_at(pos + 1, n, &s.shares);
            if e.veto.is_some() && matches!(e.class, Class::A | Class::B) {
                e.class = Class::C;
            }
            items.push(e);
        }
    }
    for (m, g) in newcomers {
        let indicators = s.weights(g).keys().map(|&i| (i, x(&m.data, i))).collect();
        items.push(Evaluated {
            credit_code: m.credit_code.clone(),
            name: m.name.clone(),
            township: m.township.clone(),
            industry_code: m.industry_code.clone(),
            group: g,
            class: Class::T,
            rank: None,
            total: None,
            indicators,
            scores: BTreeMap::new(),
            data: m.data,
            veto: m.veto.clone(),
            bonus: 0,
            bonus_reason: String::new(),
            deduction: 0,
            deduction_reason: String::new(),
        });
    }
    Outcome {
        benchmarks,
        items,
        out_of_scope,
    }
}
