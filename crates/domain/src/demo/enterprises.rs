//! The demo district's enterprises: valves, pumps, shoes, garments and
//! electrical equipment, with two years of monthly statistics whose totals
//! tell the 2006 story (total output up about 15%, above-size output up about
//! 20% on the same scope, one enterprise crossing 1 billion yuan of sales in
//! December, the first China Well-Known trademark in November), a brand
//! echelon and some credit records. Deterministic.

use super::rng::Rng;
use crate::enterprises::input::{Brand, Enterprise, Stat};
use crate::enterprises::{BrandLevel, BrandStatus, CreditCode, Tier};
use crate::projects::Period;
use chrono::NaiveDate;

/// A credit record line: a rating for a year, or a dated event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditItem {
    Rating {
        year: i32,
        rating: String,
        source: String,
    },
    Event {
        on: NaiveDate,
        kind: String,
        description: String,
        source: String,
    },
}

/// The enterprise side of the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseDemo {
    pub enterprises: Vec<Enterprise>,
    /// (credit code, year, tier)
    pub tiers: Vec<(CreditCode, i32, Tier)>,
    pub stats: Vec<Stat>,
    pub brands: Vec<Brand>,
    pub credit: Vec<(CreditCode, CreditItem)>,
}

const TOWNS: [&str; 11] = [
    "yongzhong",
    "puzhou",
    "haibin",
    "yongxing",
    "haicheng",
    "zhuangyuan",
    "yaoxi",
    "shacheng",
    "tianhe",
    "lingkun",
    "etdz",
];
const INDUSTRIES: [(&str, &str); 5] = [
    ("3443", "阀门"),
    ("3441", "泵业"),
    ("1952", "鞋业"),
    ("1810", "服饰"),
    ("3823", "电气"),
];
const WORDS: [&str; 30] = [
    "龙湾",
    "永强",
    "瓯江",
    "东海",
    "华鑫",
    "天正",
    "金瑞",
    "海泰",
    "宏达",
    "恒通",
    "立信",
    "中瑞",
    "博远",
    "康利",
    "新世纪",
    "正大",
    "远东",
    "精工",
    "力帆",
    "汇丰",
    "明珠",
    "振华",
    "国丰",
    "天成",
    "大通",
    "万盛",
    "鸿运",
    "江南",
    "信达",
    "凯旋",
];
/// Month weights of output (per mille of an average month): the Spring Festival dip.
const SEASON: [i64; 12] = [
    900, 620, 1010, 1030, 1040, 1050, 1020, 1010, 1060, 1070, 1080, 1110,
];

/// A valid unified social credit code for the n-th demo enterprise: 91 +
/// 330303 (Longwan) + an organisation code with its own check character.
pub fn credit_code(n: u32) -> CreditCode {
    const ALPHA: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let body = format!("MA{:06}", 100_000 + n);
    let w = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(w)
        .map(|(c, w)| c.to_digit(36).expect("alnum") * w)
        .sum();
    let org_check = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).expect("digit"),
    };
    let first17 = format!("91330303{body}{org_check}");
    let mut s = 0u32;
    let mut weight = 1u32;
    for c in first17.bytes() {
        s += ALPHA.iter().position(|a| *a == c).expect("in alphabet") as u32 * weight;
        weight = weight * 3 % 31;
    }
    let check = ALPHA[((31 - s % 31) % 31) as usize] as char;
    CreditCode::parse(&format!("{first17}{check}")).expect("a valid demo code")
}

/// Groups of the story: kept above size, newly above size, dropped below, small.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Kept,
    Rising,
    Dropped,
    Small,
}

/// Generates the enterprises, statistics, brands and credit records.
pub fn longwan_2006_enterprises() -> EnterpriseDemo {
    let mut rng = Rng::new(0x4C57_2006_E17E);
    let mut d = EnterpriseDemo {
        enterprises: vec![],
        tiers: vec![],
        stats: vec![],
        brands: vec![],
        credit: vec![],
    };
    for n in 0..60u32 {
        let group = match n {
            0..=23 => Group::Kept,
            24..=29 => Group::Rising,
            30..=34 => Group::Dropped,
            _ => Group::Small,
        };
        let (industry, word) = INDUSTRIES[n as usize % INDUSTRIES.len()];
        let code = credit_code(n);
        let name = format!(
            "温州{}{}{}有限公司",
            WORDS[n as usize % WORDS.len()],
            if n >= 30 { "实业" } else { "" },
            word
        );
        let above = match group {
            Group::Kept => vec![2005, 2006],
            Group::Rising => vec![2006],
            Group::Dropped => vec![2005],
            Group::Small => vec![],
        };
        d.enterprises.push(Enterprise {
            credit_code: code.clone(),
            name,
            former_names: if n % 17 == 3 {
                vec![format!("温州{}{}厂", WORDS[n as usize % WORDS.len()], word)]
            } else {
                vec![]
            },
            township_code: TOWNS[(n as usize * 7) % TOWNS.len()].into(),
            industry_code: industry.into(),
            address: format!(
                "温州市龙湾区{}工业区{}号",
                WORDS[(n as usize + 5) % WORDS.len()],
                10 + n
            ),
            contact_person: format!(
                "{}经理",
                ["王", "李", "张", "陈", "林", "黄", "周", "吴"][n as usize % 8]
            ),
            contact_phone: format!("0577-8689{:04}", 1000 + n * 37),
            established_on: NaiveDate::from_ymd_opt(1990 + (n as i32 % 15), 1 + n % 12, 1 + n % 28),
            above_scale_years: Some(above),
        });
        // Average monthly output in 2005 and the growth into 2006 (per mille).
        let (base, growth) = match group {
            _ if n == 0 => (76_000_000, 1_190),
            Group::Kept => (rng.range(6_000_000, 40_000_000), rng.range(1_080, 1_260)),
            Group::Rising => (rng.range(1_200_000, 1_600_000), rng.range(1_900, 2_400)),
            Group::Dropped => (rng.range(3_000_000, 8_000_000), rng.range(400, 600)),
            Group::Small => (rng.range(300_000, 1_500_000), rng.range(980, 1_080)),
        };
        for (year, level) in [(2005, base), (2006, base * growth / 1_000)] {
            for m in 1..=12u32 {
                let noise = rng.range(970, 1_030);
                let output = level * SEASON[m as usize - 1] / 1_000 * noise / 1_000;
                let sales = output * rng.range(950, 985) / 1_000;
                d.stats.push(Stat {
                    credit_code: code.clone(),
                    period: Period { year, month: m },
                    output_value_yuan: output,
                    sales_value_yuan: sales,
                    electricity_kwh: output / 12,
                    energy_kgce: output / 900,
                    tax_yuan: output * 4 / 100,
                    employees: (level / 60_000).clamp(20, 3_000),
                    land_millimu: 0,
                });
            }
        }
        let tier = match n {
            0..=2 => Tier::LargeGroup,
            3..=6 => Tier::IndustryLeader,
            24..=31 => Tier::GrowthSme,
            _ => Tier::None,
        };
        if tier != Tier::None {
            d.tiers.push((code.clone(), 2006, tier));
        }
    }
    brands(&mut d);
    credit(&mut d);
    d
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a valid demo date")
}

fn brands(d: &mut EnterpriseDemo) {
    use BrandLevel::*;
    use BrandStatus::*;
    #[allow(clippy::type_complexity)]
    let list: [(
        u32,
        &str,
        BrandLevel,
        BrandStatus,
        Option<&str>,
        Option<&str>,
    ); 16] = [
        (
            0,
            "瓯龙",
            ChinaWellKnown,
            Granted,
            Some("2005-09-01"),
            Some("2006-11-18"),
        ),
        (0, "瓯龙", Provincial, Granted, None, Some("2002-12-20")),
        (1, "永强", ChinaWellKnown, Applied, Some("2006-08-15"), None),
        (1, "永强", Provincial, Granted, None, Some("2003-12-18")),
        (2, "东海", Provincial, Granted, None, Some("2004-12-16")),
        (3, "华鑫", Provincial, Applied, Some("2006-05-10"), None),
        (3, "华鑫", City, Granted, None, Some("2003-06-01")),
        (4, "天正", City, Granted, None, Some("2005-06-01")),
        (5, "金瑞", City, Applied, Some("2006-04-01"), None),
        (6, "海泰", County, Granted, None, Some("2004-10-01")),
        (7, "宏达", County, Granted, None, Some("2005-10-01")),
        (8, "恒通", City, Cultivating, None, None),
        (9, "立信", County, Cultivating, None, None),
        (10, "中瑞", County, Applied, Some("2006-09-01"), None),
        (11, "博远", County, Lapsed, None, Some("2001-10-01")),
        (12, "康利", Provincial, Cultivating, None, None),
    ];
    for (n, name, level, status, applied, granted) in list {
        d.brands.push(Brand {
            credit_code: credit_code(n),
            name: name.into(),
            level,
            status,
            applied_on: applied.map(day),
            granted_on: granted.map(day),
        });
    }
}

fn credit(d: &mut EnterpriseDemo) {
    for n in 0..12u32 {
        let rating = ["AAA", "AA", "AA", "A"][n as usize % 4];
        d.credit.push((
            credit_code(n),
            CreditItem::Rating {
                year: 2006,
                rating: rating.into(),
                source: "区工商分局企业信用评价".into(),
            },
        ));
    }
    let events = [
        (
            0,
            "2006-03-15",
            "honour",
            "浙江省“守合同重信用”单位",
            "浙江省工商行政管理局",
        ),
        (
            2,
            "2006-05-20",
            "honour",
            "温州市纳税信用A级企业",
            "区国税分局",
        ),
        (
            31,
            "2006-06-08",
            "penalty",
            "废水超标排放，责令限期整改并处罚款",
            "区环保局",
        ),
        (
            40,
            "2006-09-12",
            "penalty",
            "安全生产隐患未按期整改",
            "区安监局",
        ),
        (
            1,
            "2006-07-15",
            "veto",
            "发生一起较大火灾事故，造成重大财产损失",
            "区安监局",
        ),
    ];
    for (n, on, kind, desc, source) in events {
        d.credit.push((
            credit_code(n),
            CreditItem::Event {
                on: day(on),
                kind: kind.into(),
                description: desc.into(),
                source: source.into(),
            },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::template::builtin;
    use crate::targets::{Actual, BrandFacts, EnterpriseFacts, Facts, StatFacts, evaluate};

    fn facts(d: &EnterpriseDemo) -> Facts {
        let id = |c: &CreditCode| {
            d.enterprises
                .iter()
                .position(|e| &e.credit_code == c)
                .expect("known") as i64
                + 1
        };
        Facts {
            enterprises: d
                .enterprises
                .iter()
                .enumerate()
                .map(|(i, e)| EnterpriseFacts {
                    id: i as i64 + 1,
                    above_scale_years: e.above_scale_years.clone().unwrap_or_default(),
                    township: e.township_code.clone(),
                })
                .collect(),
            stats: d
                .stats
                .iter()
                .map(|s| StatFacts {
                    enterprise_id: id(&s.credit_code),
                    period: s.period,
                    output_value_yuan: s.output_value_yuan,
                    sales_value_yuan: s.sales_value_yuan,
                })
                .collect(),
            brands: d
                .brands
                .iter()
                .enumerate()
                .map(|(i, b)| BrandFacts {
                    id: i as i64 + 1,
                    level: b.level,
                    status: b.status,
                    granted_on: b.granted_on,
                })
                .collect(),
            ..Default::default()
        }
    }

    fn value(code: &str, on: &str, f: &Facts) -> Option<Actual> {
        let t = builtin("longwan-2006")
            .unwrap()
            .targets
            .into_iter()
            .find(|t| t.code == code)
            .unwrap();
        evaluate(&t.formula, t.value, 2006, on.parse().unwrap(), f).actual
    }

    fn ratio(a: Option<Actual>) -> f64 {
        match a {
            Some(Actual::Ratio { num, den }) => num as f64 / den as f64,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_enterprise_story() {
        let d = longwan_2006_enterprises();
        assert_eq!(d, longwan_2006_enterprises(), "deterministic");
        assert_eq!(d.enterprises.len(), 60);
        let f = facts(&d);
        let total = ratio(value("total_output_growth", "2006-12-31", &f));
        let above = ratio(value("above_scale_output_growth", "2006-12-31", &f));
        assert!((0.13..0.17).contains(&total), "total output growth {total}");
        assert!((0.18..0.25).contains(&above), "above-size growth {above}");
        assert!(above > total);
        assert_eq!(
            value("billion_sales_enterprises", "2006-11-30", &f),
            Some(Actual::Count(0))
        );
        assert_eq!(
            value("billion_sales_enterprises", "2006-12-31", &f),
            Some(Actual::Count(1))
        );
        assert_eq!(
            value("china_well_known_trademarks", "2006-11-17", &f),
            Some(Actual::Count(0))
        );
        assert_eq!(
            value("china_well_known_trademarks", "2006-12-31", &f),
            Some(Actual::Count(1))
        );
        let names: std::collections::HashSet<_> = d
            .enterprises
            .iter()
            .map(|e| (&e.township_code, crate::enterprises::name_key(&e.name)))
            .collect();
        assert_eq!(names.len(), 60, "no near-duplicate names in one township");
    }
}
