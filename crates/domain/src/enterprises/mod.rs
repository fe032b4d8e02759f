//! Enterprises: the unified social credit code (GB 32100-2015) and the old
//! organisation code (GB 11714), industries (GB/T 4754-2017), cultivation
//! tiers, brands.

pub mod industry;
pub mod input;

use serde::{Deserialize, Serialize};
use std::fmt;

/// The alphabet of the unified social credit code: digits and capitals
/// without I, O, S, V and Z (31 characters, valued 0-30).
const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// An enterprise identifier: an 18-character unified social credit code, or
/// for old records a 9-character organisation code. Only valid codes exist.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses and checks a code (upper-cases it; accepts "XXXXXXXX-X" for an
    /// organisation code).
    pub fn parse(s: &str) -> Result<CreditCode, String> {
        let c: String = s.trim().to_uppercase();
        match c.chars().count() {
            18 => check_uscc(&c).map(|_| CreditCode(c)),
            9 => check_org_code(&c).map(|_| CreditCode(c)),
            10 if c.as_bytes()[8] == b'-' => {
                let joined = format!("{}{}", &c[..8], &c[9..]);
                check_org_code(&joined).map(|_| CreditCode(joined))
            }
            n => Err(format!(
                "“{}”不是有效的统一社会信用代码（应为 18 位）或组织机构代码（9 位），实际 {n} 位",
                s.trim()
            )),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// An old 9-character organisation code rather than a USCC.
    pub fn is_org_code(&self) -> bool {
        self.0.len() == 9
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CreditCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        CreditCode::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// GB 32100-2015: weights 3^(i-1) mod 31 for positions 1-17; the check
/// character is 31 - (sum mod 31), where 31 becomes 0.
fn check_uscc(c: &str) -> Result<(), String> {
    let mut sum = 0u32;
    let mut weight = 1u32;
    let chars: Vec<char> = c.chars().collect();
    for (i, ch) in chars.iter().enumerate() {
        let Some(v) = USCC_ALPHABET.find(*ch) else {
            return Err(format!(
                "统一社会信用代码“{c}”第 {} 位“{ch}”不是允许的字符（数字或除 I、O、S、V、Z 以外的大写字母）",
                i + 1
            ));
        };
        if i < 17 {
            sum += v as u32 * weight;
            weight = weight * 3 % 31;
        }
    }
    let check = (31 - sum % 31) % 31;
    let expected = USCC_ALPHABET.as_bytes()[check as usize] as char;
    if chars[17] != expected {
        return Err(format!(
            "统一社会信用代码“{c}”校验位错误（应为“{expected}”）"
        ));
    }
    Ok(())
}

/// GB 11714: weights 3,7,9,10,5,8,4,2; check = 11 - (sum mod 11), 10 is X, 11 is 0.
fn check_org_code(c: &str) -> Result<(), String> {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let chars: Vec<char> = c.chars().collect();
    let mut sum = 0;
    for (i, ch) in chars[..8].iter().enumerate() {
        let v = ch
            .to_digit(36)
            .filter(|_| ch.is_ascii_alphanumeric())
            .ok_or_else(|| format!("组织机构代码“{c}”第 {} 位“{ch}”无效", i + 1))?;
        sum += v * W[i];
    }
    let expected = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).expect("single digit"),
    };
    if chars[8] != expected {
        return Err(format!("组织机构代码“{c}”校验位错误（应为“{expected}”）"));
    }
    Ok(())
}

/// Cultivation tier in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    None,
    LargeGroup,
    GrowthSme,
    IndustryLeader,
}

impl Tier {
    pub const ALL: [Tier; 4] = [
        Tier::None,
        Tier::LargeGroup,
        Tier::GrowthSme,
        Tier::IndustryLeader,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::None => "none",
            Tier::LargeGroup => "large_group",
            Tier::GrowthSme => "growth_sme",
            Tier::IndustryLeader => "industry_leader",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Tier::None => "无",
            Tier::LargeGroup => "大企业大集团",
            Tier::GrowthSme => "成长型中小企业",
            Tier::IndustryLeader => "行业龙头企业",
        }
    }
    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim() || t.label() == s.trim())
    }
}

/// A brand's level, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrandLevel {
    County,
    City,
    Provincial,
    ChinaWellKnown,
}

impl BrandLevel {
    pub const ALL: [BrandLevel; 4] = [
        BrandLevel::County,
        BrandLevel::City,
        BrandLevel::Provincial,
        BrandLevel::ChinaWellKnown,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            BrandLevel::County => "county",
            BrandLevel::City => "city",
            BrandLevel::Provincial => "provincial",
            BrandLevel::ChinaWellKnown => "china_well_known",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            BrandLevel::County => "区（县）级知名商标",
            BrandLevel::City => "市级知名商标",
            BrandLevel::Provincial => "省著名商标",
            BrandLevel::ChinaWellKnown => "中国驰名商标",
        }
    }
    pub fn parse(s: &str) -> Option<BrandLevel> {
        BrandLevel::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim() || t.label() == s.trim())
    }
    /// The next level up, for the reserve echelon.
    pub fn next(self) -> Option<BrandLevel> {
        BrandLevel::ALL.get(self as usize + 1).copied()
    }
}

/// Where a brand application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrandStatus {
    Cultivating,
    Applied,
    Granted,
    Lapsed,
}

impl BrandStatus {
    pub const ALL: [BrandStatus; 4] = [
        BrandStatus::Cultivating,
        BrandStatus::Applied,
        BrandStatus::Granted,
        BrandStatus::Lapsed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            BrandStatus::Cultivating => "cultivating",
            BrandStatus::Applied => "applied",
            BrandStatus::Granted => "granted",
            BrandStatus::Lapsed => "lapsed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            BrandStatus::Cultivating => "培育中",
            BrandStatus::Applied => "已申报",
            BrandStatus::Granted => "已认定",
            BrandStatus::Lapsed => "已失效",
        }
    }
    pub fn parse(s: &str) -> Option<BrandStatus> {
        BrandStatus::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim() || t.label() == s.trim())
    }
}

/// A name reduced for near-duplicate detection: no spaces or brackets, and
/// without the common company-form suffixes.
pub fn name_key(name: &str) -> String {
    let mut k: String = name
        .chars()
        .filter(|c| !c.is_whitespace() && !"()（）".contains(*c))
        .collect();
    for suffix in [
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "集团",
        "公司",
        "厂",
    ] {
        if let Some(s) = k.strip_suffix(suffix) {
            k = s.to_string();
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_own_examples() {
        // GB 32100-2015's worked example, and GB 11714's.
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(CreditCode::parse("D2143569X").is_ok());
        assert_eq!(
            CreditCode::parse("D2143569-X").unwrap().as_str(),
            "D2143569X"
        );
        assert!(
            CreditCode::parse("d2143569x").is_ok(),
            "lower case is accepted and upper-cased"
        );
    }

    #[test]
    fn real_codes_and_mistakes() {
        assert!(CreditCode::parse("91330000142916567N").is_ok());
        assert!(
            CreditCode::parse("142916567").is_ok(),
            "its embedded organisation code"
        );
        let e = CreditCode::parse("91350100M000100Y44").unwrap_err();
        assert!(e.contains("校验位错误（应为“3”）"), "{e}");
        let e = CreditCode::parse("91350100M0001O0Y43").unwrap_err();
        assert!(e.contains("第 14 位“O”"), "{e}");
        assert!(
            CreditCode::parse("D2143569Y")
                .unwrap_err()
                .contains("应为“X”")
        );
        assert!(
            CreditCode::parse("12345")
                .unwrap_err()
                .contains("实际 5 位")
        );
    }

    #[test]
    fn check_character_zero_when_remainder_is_zero() {
        // Find a body whose weighted sum is 0 mod 31: all zeros.
        assert!(CreditCode::parse("000000000000000000").is_ok());
    }

    #[test]
    fn near_duplicate_names() {
        assert_eq!(
            name_key("温州 龙湾阀门有限公司"),
            name_key("温州龙湾阀门厂")
        );
        assert_eq!(name_key("浙江（温州）泵业股份有限公司"), "浙江温州泵业");
        assert_eq!(
            BrandLevel::Provincial.next(),
            Some(BrandLevel::ChinaWellKnown)
        );
        assert_eq!(Tier::parse("成长型中小企业"), Some(Tier::GrowthSme));
    }
}

/// The kind of a credit event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditKind {
    /// 荣誉.
    Honour,
    /// 处罚.
    Penalty,
    /// 重大安全、环境事故等: no per-mu class A or B in its year.
    Veto,
}

impl CreditKind {
    pub const ALL: [CreditKind; 3] = [CreditKind::Honour, CreditKind::Penalty, CreditKind::Veto];

    pub fn as_str(self) -> &'static str {
        match self {
            CreditKind::Honour => "honour",
            CreditKind::Penalty => "penalty",
            CreditKind::Veto => "veto",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CreditKind::Honour => "荣誉",
            CreditKind::Penalty => "处罚",
            CreditKind::Veto => "重大事故（否决）",
        }
    }

    /// The key or the Chinese label.
    pub fn parse(s: &str) -> Option<CreditKind> {
        let s = s.trim();
        CreditKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label() == s || (s == "否决" && *k == CreditKind::Veto))
    }
}
