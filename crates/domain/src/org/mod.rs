//! The organisation as data: org units and their kinds, working groups.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What sort of body an org unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Township,
    SubDistrict,
    DevelopmentZone,
    Department,
    FinancialInstitution,
    PowerCompany,
    IndustryAssociation,
    Other,
}

impl UnitKind {
    /// Every kind, in the order lists show them.
    pub const ALL: [UnitKind; 8] = [
        UnitKind::Department,
        UnitKind::PowerCompany,
        UnitKind::FinancialInstitution,
        UnitKind::IndustryAssociation,
        UnitKind::Township,
        UnitKind::SubDistrict,
        UnitKind::DevelopmentZone,
        UnitKind::Other,
    ];

    /// The stable identifier stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Township => "township",
            UnitKind::SubDistrict => "sub_district",
            UnitKind::DevelopmentZone => "development_zone",
            UnitKind::Department => "department",
            UnitKind::FinancialInstitution => "financial_institution",
            UnitKind::PowerCompany => "power_company",
            UnitKind::IndustryAssociation => "industry_association",
            UnitKind::Other => "other",
        }
    }

    /// The Chinese label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Township => "镇",
            UnitKind::SubDistrict => "街道",
            UnitKind::DevelopmentZone => "开发区",
            UnitKind::Department => "部门",
            UnitKind::FinancialInstitution => "金融机构",
            UnitKind::PowerCompany => "供电企业",
            UnitKind::IndustryAssociation => "行业协会",
            UnitKind::Other => "其他",
        }
    }

    /// Townships, sub-districts and development zones own ground: projects
    /// and enterprises are attached to them.
    pub fn is_territorial(self) -> bool {
        matches!(
            self,
            UnitKind::Township | UnitKind::SubDistrict | UnitKind::DevelopmentZone
        )
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An identifier that is not one of the known unit kinds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的单位类型“{0}”")]
pub struct UnknownUnitKind(pub String);

impl FromStr for UnitKind {
    type Err = UnknownUnitKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UnitKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownUnitKind(s.to_string()))
    }
}

/// A unit's role in a working group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupRole {
    Lead,
    Participant,
}

impl GroupRole {
    /// The stable identifier stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupRole::Lead => "lead",
            GroupRole::Participant => "participant",
        }
    }
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            GroupRole::Lead => "牵头单位",
            GroupRole::Participant => "参与单位",
        }
    }
    /// Parses the stored identifier.
    pub fn parse(s: &str) -> Option<GroupRole> {
        match s {
            "lead" => Some(GroupRole::Lead),
            "participant" => Some(GroupRole::Participant),
            _ => None,
        }
    }
}

/// A unit code: ASCII letters, digits, '-' and '_', 1 to 40 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct UnitCode(String);

/// Why a unit code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitCodeError {
    #[error("单位代码不能为空")]
    Empty,
    #[error("单位代码不能超过 40 个字符")]
    TooLong,
    #[error("单位代码只能包含字母、数字、“-”和“_”")]
    BadChar,
}

impl UnitCode {
    /// Parses a unit code.
    pub fn parse(s: &str) -> Result<UnitCode, UnitCodeError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(UnitCodeError::Empty);
        }
        if s.chars().count() > 40 {
            return Err(UnitCodeError::TooLong);
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(UnitCodeError::BadChar);
        }
        Ok(UnitCode(s.to_string()))
    }
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for UnitCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        UnitCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A unit name: 1 to 100 characters after trimming.
pub fn parse_unit_name(s: &str) -> Result<String, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("单位名称不能为空");
    }
    if s.chars().count() > 100 {
        return Err("单位名称不能超过 100 个字符");
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_kind_round_trips() {
        for k in UnitKind::ALL {
            assert_eq!(k.as_str().parse::<UnitKind>().unwrap(), k);
        }
        assert!("county".parse::<UnitKind>().is_err());
    }

    #[test]
    fn territorial_kinds() {
        assert!(UnitKind::Township.is_territorial());
        assert!(UnitKind::DevelopmentZone.is_territorial());
        assert!(!UnitKind::Department.is_territorial());
    }

    #[test]
    fn unit_codes() {
        assert_eq!(UnitCode::parse(" jmj ").unwrap().as_str(), "jmj");
        assert_eq!(UnitCode::parse(""), Err(UnitCodeError::Empty));
        assert_eq!(UnitCode::parse("经贸"), Err(UnitCodeError::BadChar));
        assert_eq!(
            UnitCode::parse(&"a".repeat(41)),
            Err(UnitCodeError::TooLong)
        );
    }

    #[test]
    fn unit_names() {
        assert!(parse_unit_name("  ").is_err());
        assert_eq!(
            parse_unit_name(" 区经贸(交通)局 ").unwrap(),
            "区经贸(交通)局"
        );
    }
}
