//! Enterprise records as entered (API, forms, spreadsheets), parsed: every
//! problem is reported with its field.

use super::{BrandLevel, BrandStatus, CreditCode, industry};
use crate::format::{check_millimu, check_yuan};
use crate::patch::{Mergeable, Patch};
use crate::projects::Period;
use crate::projects::fields::Fields;
use crate::users::FieldError;
use chrono::NaiveDate;
use serde::Serialize;

/// An enterprise's registry entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enterprise {
    pub credit_code: CreditCode,
    pub name: String,
    pub former_names: Vec<String>,
    pub township_code: String,
    pub industry_code: String,
    pub address: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub established_on: Option<NaiveDate>,
    /// Years in which it is above designated size; None leaves them as stored.
    pub above_scale_years: Option<Vec<i32>>,
}

/// One month's statistics of one enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stat {
    pub credit_code: CreditCode,
    pub period: Period,
    pub output_value_yuan: i64,
    pub sales_value_yuan: i64,
    pub electricity_kwh: i64,
    pub energy_kgce: i64,
    pub tax_yuan: i64,
    pub employees: i64,
    pub land_millimu: i64,
}

/// A brand or trademark of an enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Brand {
    pub credit_code: CreditCode,
    pub name: String,
    pub level: BrandLevel,
    pub status: BrandStatus,
    pub applied_on: Option<NaiveDate>,
    pub granted_on: Option<NaiveDate>,
}

fn code(f: &mut Fields, field: &str) -> Option<CreditCode> {
    let raw = f.text(field, 40);
    if raw.is_empty() {
        f.error(field, "统一社会信用代码不能为空");
        return None;
    }
    CreditCode::parse(&raw).map_err(|m| f.error(field, m)).ok()
}

/// An enterprise from named fields: `credit_code, name, township_code,
/// industry_code, address, contact_person, contact_phone, established_on,
/// former_names` (separated by 、 or ;) and `above_scale_years` (a list, given
/// by the caller as "2005,2006"; "无" for none; absent to leave as stored).
pub fn enterprise_from_fields(mut f: Fields) -> Result<Enterprise, Vec<FieldError>> {
    let credit_code = code(&mut f, "credit_code");
    let name = f.text("name", 200);
    if name.is_empty() {
        f.error("name", "企业名称不能为空");
    }
    let township_code = f.text("township_code", 40);
    if township_code.is_empty() {
        f.error("township_code", "所在镇（街道）不能为空");
    }
    let industry_code = f.text("industry_code", 10);
    if let Err(m) = industry::parse(&industry_code) {
        f.error("industry_code", m);
    }
    let former_names = f
        .text("former_names", 1000)
        .split(['、', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let years_text = f.raw("above_scale_years");
    let above_scale_years = match years_text {
        None => None,
        Some(t) if t == "无" || t == "none" => Some(vec![]),
        Some(t) => {
            let mut ys = Vec::new();
            for part in t
                .split([',', '，', '、', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                match part.parse::<i32>() {
                    Ok(y) if (1990..=2100).contains(&y) => ys.push(y),
                    _ => f.error(
                        "above_scale_years",
                        format!("“{part}”不是 1990 到 2100 之间的年份"),
                    ),
                }
            }
            ys.sort_unstable();
            ys.dedup();
            Some(ys)
        }
    };
    let e = Enterprise {
        name,
        former_names,
        township_code,
        industry_code,
        address: f.text("address", 300),
        contact_person: f.text("contact_person", 50),
        contact_phone: f.text("contact_phone", 40),
        established_on: f.date("established_on"),
        above_scale_years,
        credit_code: credit_code
            .unwrap_or_else(|| CreditCode::parse("000000000000000000").expect("valid")),
    };
    if f.errors.is_empty() {
        Ok(e)
    } else {
        Err(f.errors)
    }
}

/// A month's statistics, each field checked alone; `required` fields must be
/// given.
fn parse_stat(f: &mut Fields, required: &[&str]) -> Stat {
    let credit_code = code(f, "credit_code");
    let period_text = f.text("period", 10);
    let period = Period::parse(&period_text)
        .map_err(|m| f.error("period", m))
        .ok();
    let amount = |f: &mut Fields, k: &str, label: &str| {
        if required.contains(&k) && f.raw(k).is_none() {
            f.error(k, "不能为空");
        }
        let v = f.int(k);
        if v < 0 {
            f.error(k, "不能为负数");
        }
        let limit = match k {
            "land_millimu" => check_millimu(label, v),
            "electricity_kwh" | "energy_kgce" | "employees" => Ok(v),
            _ => check_yuan(label, v),
        };
        limit.unwrap_or_else(|m| {
            f.error(k, m);
            0
        })
    };
    Stat {
        output_value_yuan: amount(f, "output_value_yuan", "工业总产值"),
        sales_value_yuan: amount(f, "sales_value_yuan", "销售产值"),
        electricity_kwh: amount(f, "electricity_kwh", "用电量"),
        energy_kgce: amount(f, "energy_kgce", "综合能耗"),
        tax_yuan: amount(f, "tax_yuan", "税收"),
        employees: amount(f, "employees", "从业人员"),
        land_millimu: amount(f, "land_millimu", "用地面积"),
        credit_code: credit_code
            .clone()
            .unwrap_or_else(|| CreditCode::parse("000000000000000000").expect("valid")),
        period: period.unwrap_or(Period {
            year: 2000,
            month: 1,
        }),
    }
}

/// A month's statistics from named fields (`credit_code, period,
/// output_value_yuan, sales_value_yuan, electricity_kwh, energy_kgce,
/// tax_yuan, employees, land_millimu`); amounts are non-negative integers.
pub fn stat_from_fields(mut f: Fields) -> Result<Stat, Vec<FieldError>> {
    let s = parse_stat(&mut f, &["output_value_yuan", "sales_value_yuan"]);
    if f.errors.is_empty() {
        Ok(s)
    } else {
        Err(f.errors)
    }
}

/// The figures sent for a month, for a partial update: absent figures keep
/// those of the latest revision, 清空 sets an optional one to 0 (a new month
/// still needs its output and sales values, checked when merged).
pub fn stat_patch_from_fields(f: Fields) -> Result<Patch<Stat>, Vec<FieldError>> {
    let names: Vec<String> = Stat::FIELDS.iter().map(|f| f.0.to_string()).collect();
    let (mut f, sent, cleared) = f.sent(&names);
    let s = parse_stat(&mut f, &[]);
    f.into_patch(s, &sent, &cleared)
}

/// A brand from named fields: `enterprise_credit_code, name, level, status,
/// applied_on, granted_on`. A granted brand needs its grant date.
pub fn brand_from_fields(mut f: Fields) -> Result<Brand, Vec<FieldError>> {
    let credit_code = code(&mut f, "enterprise_credit_code");
    let name = f.text("name", 100);
    if name.is_empty() {
        f.error("name", "品牌（商标）名称不能为空");
    }
    let level_text = f.text("level", 40);
    let level = BrandLevel::parse(&level_text);
    if level.is_none() {
        f.error(
            "level",
            format!("级别“{level_text}”无效，应为 county、city、provincial 或 china_well_known"),
        );
    }
    let status_text = f.text("status", 40);
    let status = if status_text.is_empty() {
        Some(BrandStatus::Cultivating)
    } else {
        BrandStatus::parse(&status_text)
    };
    if status.is_none() {
        f.error(
            "status",
            format!("状态“{status_text}”无效，应为 cultivating、applied、granted 或 lapsed"),
        );
    }
    let applied_on = f.date("applied_on");
    let granted_on = f.date("granted_on");
    if status == Some(BrandStatus::Granted) && granted_on.is_none() {
        f.error("granted_on", "已认定的品牌须填写认定日期");
    }
    if let (Some(a), Some(g)) = (applied_on, granted_on)
        && g < a
    {
        f.error("granted_on", format!("认定日期 {g} 早于申报日期 {a}"));
    }
    match (credit_code, level, status, f.errors.is_empty()) {
        (Some(credit_code), Some(level), Some(status), true) => Ok(Brand {
            credit_code,
            name,
            level,
            status,
            applied_on,
            granted_on,
        }),
        _ => Err(f.errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn get<'a>(m: &'a HashMap<&str, &str>) -> impl Fn(&str) -> Option<String> + 'a {
        |k| m.get(k).map(|s| s.to_string())
    }

    #[test]
    fn an_enterprise_and_its_errors() {
        let m = HashMap::from([
            ("credit_code", "91350100M000100Y43"),
            ("name", "温州某阀门有限公司"),
            ("township_code", "yongzhong"),
            ("industry_code", "3443"),
            ("above_scale_years", "2006, 2005"),
            ("former_names", "某阀门厂、某阀门公司"),
        ]);
        let e = enterprise_from_fields(Fields::new(get(&m))).unwrap();
        assert_eq!(e.above_scale_years, Some(vec![2005, 2006]));
        assert_eq!(e.former_names.len(), 2);
        let m = HashMap::from([
            ("credit_code", "91350100M000100Y44"),
            ("industry_code", "99"),
            ("above_scale_years", "二〇〇六"),
        ]);
        let f: Vec<String> = enterprise_from_fields(Fields::new(get(&m)))
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            f,
            [
                "credit_code",
                "name",
                "township_code",
                "industry_code",
                "above_scale_years"
            ]
        );
    }

    #[test]
    fn stats_and_brands() {
        let m = HashMap::from([
            ("credit_code", "91350100M000100Y43"),
            ("period", "2006-13"),
            ("output_value_yuan", "-1"),
        ]);
        let f: Vec<String> = stat_from_fields(Fields::new(get(&m)))
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(f, ["period", "output_value_yuan", "sales_value_yuan"]);
        let m = HashMap::from([
            ("enterprise_credit_code", "91350100M000100Y43"),
            ("name", "某牌"),
            ("level", "china_well_known"),
            ("status", "granted"),
        ]);
        assert_eq!(
            brand_from_fields(Fields::new(get(&m))).unwrap_err()[0].field,
            "granted_on"
        );
    }
}
