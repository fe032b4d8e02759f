//! Reading one cell as a value: text, whole yuan, thousandths of a mu, a date,
//! a month, a flag or a year. Cells may hold what Excel, WPS or LibreOffice
//! saved (numbers, date cells, ISO dates) or text typed by people. Empty cells
//! give `None` (or the neutral value); a problem gives a Chinese message.

use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use chrono::NaiveDate;
use domain::format::parse_scaled;
use domain::projects::{Period, parse_date};

/// Whether a cell holds nothing (empty, or only whitespace).
pub fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A number as people write it: whole numbers without decimals (a phone number
/// stays `13805770001`, not `1.3805770001e10`), others in their shortest form.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn error_value(d: &Data) -> Option<String> {
    match d {
        Data::Error(e) => Some(format!("单元格含错误值 {e}")),
        _ => None,
    }
}

/// The date of an Excel date cell.
fn excel_date(dt: &ExcelDateTime) -> Result<NaiveDate, String> {
    if dt.is_duration() {
        return Err("应填写日期，而不是时长".into());
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32)
        .ok_or_else(|| format!("{y}-{m}-{d} 不是有效日期"))
}

/// A plain number taken as an Excel serial date (a date cell that lost its
/// format); only 1990 to 2100 are believed.
fn serial_date(f: f64) -> Result<NaiveDate, String> {
    if (32874.0..73416.0).contains(&f) {
        excel_date(&ExcelDateTime::new(f, ExcelDateTimeType::DateTime, false))
    } else {
        Err(format!(
            "“{}”不是有效日期（应为 YYYY-MM-DD）",
            number_text(f)
        ))
    }
}

/// Trimmed text of any cell; numbers are written without a needless ".0" and
/// dates as YYYY-MM-DD.
pub fn text(d: &Data) -> Result<String, String> {
    if let Some(e) = error_value(d) {
        return Err(e);
    }
    Ok(match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => excel_date(dt)?.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_string(),
    })
}

/// Whole yuan: `1,234` is accepted, `12.5` is not.
pub fn whole(d: &Data) -> Result<Option<i64>, String> {
    integer(d, "（金额以元为单位，填写整数）")
}

/// A whole number of some other unit (kilowatt-hours, people ...).
pub fn count(d: &Data) -> Result<Option<i64>, String> {
    integer(d, "（应填写整数）")
}

/// A whole number; `hint` says what to write instead.
fn integer(d: &Data, hint: &str) -> Result<Option<i64>, String> {
    if let Some(e) = error_value(d) {
        return Err(e);
    }
    match d {
        _ if is_blank(d) => Ok(None),
        Data::Int(i) => Ok(Some(*i)),
        Data::Float(f) => {
            if !f.is_finite() || f.fract() != 0.0 {
                Err(format!("“{}”不是整数{hint}", number_text(*f)))
            } else if f.abs() >= 1e15 {
                Err(format!("“{}”超出范围", number_text(*f)))
            } else {
                Ok(Some(*f as i64))
            }
        }
        Data::String(s) => {
            let t: String = s
                .trim()
                .chars()
                .filter(|c| !matches!(c, ',' | '，' | ' '))
                .collect();
            let t = t.strip_suffix('元').unwrap_or(&t);
            // "1234.00" is still a whole number.
            let int = match t.split_once('.') {
                Some((i, f)) if !f.is_empty() && f.bytes().all(|b| b == b'0') => i,
                _ => t,
            };
            let digits = int.strip_prefix('-').unwrap_or(int);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("“{}”不是整数{hint}", s.trim()));
            }
            int.parse::<i64>()
                .map(Some)
                .map_err(|_| format!("“{}”超出范围", s.trim()))
        }
        _ => Err(format!("“{}”不是整数", text(d).unwrap_or_default())),
    }
}

/// A decimal with at most three places as an exact integer of thousandths
/// (mu to thousandths of a mu): 1455.739 → 1455739. A number cell is read from
/// the shortest text that gives back the same f64, never by multiplying.
pub fn thousandths(d: &Data) -> Result<Option<i64>, String> {
    if let Some(e) = error_value(d) {
        return Err(e);
    }
    let s = match d {
        _ if is_blank(d) => return Ok(None),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.is_finite() => format!("{f}"),
        Data::String(s) => s.trim().replace([',', '，'], ""),
        _ => return Err(format!("“{}”不是数字", text(d).unwrap_or_default())),
    };
    match s.strip_prefix('-') {
        Some(rest) => parse_scaled(rest, 3).map(|v| Some(-v)),
        None => parse_scaled(&s, 3).map(Some),
    }
}

/// A date: an Excel date cell, an ISO date (LibreOffice), text such as
/// 2006-03-05, 2006/3/5 or 2006年3月5日, or a serial number that lost its format.
pub fn date(d: &Data) -> Result<Option<NaiveDate>, String> {
    if let Some(e) = error_value(d) {
        return Err(e);
    }
    match d {
        _ if is_blank(d) => Ok(None),
        Data::DateTime(dt) => excel_date(dt).map(Some),
        Data::DateTimeIso(s) => parse_date(s.split('T').next().unwrap_or(s)).map(Some),
        Data::Float(f) => serial_date(*f).map(Some),
        Data::Int(i) => serial_date(*i as f64).map(Some),
        Data::String(s) => {
            let s = s.trim();
            // "2006-03-05 00:00:00" as text: keep the date.
            let s = match s.split_once(' ') {
                Some((day, time)) if time.contains(':') => day,
                _ => s,
            };
            parse_date(s).map(Some)
        }
        _ => Err(format!(
            "“{}”不是有效日期（应为 YYYY-MM-DD）",
            text(d).unwrap_or_default()
        )),
    }
}

/// A month: 2006-03, 2006/3, 2006年3月, or any date in it (a date cell too).
pub fn period(d: &Data) -> Result<Option<Period>, String> {
    if let Data::String(s) = d {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        if let Ok(p) = Period::parse(s) {
            return Ok(Some(p));
        }
        let t = s.replace('年', "-");
        let t = t.trim_end_matches('月');
        if let Ok(p) = Period::parse(t) {
            return Ok(Some(p));
        }
        return parse_date(s)
            .map(|d| Some(Period::of(d)))
            .map_err(|_| format!("“{s}”不是有效月份（应为 YYYY-MM，如 2006-03）"));
    }
    date(d).map(|d| d.map(Period::of))
}

/// 是/否, Y/N, 1/0, true/false (any case); empty is 否.
pub fn flag(d: &Data) -> Result<bool, String> {
    if let Some(e) = error_value(d) {
        return Err(e);
    }
    match d {
        Data::Bool(b) => Ok(*b),
        Data::Int(1) => Ok(true),
        Data::Int(0) => Ok(false),
        Data::Float(f) if *f == 1.0 => Ok(true),
        Data::Float(f) if *f == 0.0 => Ok(false),
        _ => {
            let s = text(d)?;
            match s.to_lowercase().as_str() {
                "" | "否" | "n" | "no" | "0" | "false" => Ok(false),
                "是" | "y" | "yes" | "1" | "true" => Ok(true),
                _ => Err(format!("“{s}”应为 是 或 否")),
            }
        }
    }
}

/// A year such as 2006 (text may end in 年).
pub fn year(d: &Data) -> Result<Option<i32>, String> {
    let s = text(d)?;
    if s.is_empty() {
        return Ok(None);
    }
    s.trim_end_matches('年')
        .trim()
        .parse::<i32>()
        .map(Some)
        .map_err(|_| format!("“{s}”不是年份（应为四位数字，如 2006）"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Data {
        Data::String(v.into())
    }

    #[test]
    fn numbers_as_text() {
        assert_eq!(text(&Data::Float(13805770001.0)).unwrap(), "13805770001");
        assert_eq!(text(&Data::Float(12.5)).unwrap(), "12.5");
        assert_eq!(text(&s("  a  ")).unwrap(), "a");
    }

    #[test]
    fn money() {
        assert_eq!(whole(&Data::Float(50_000_000.0)), Ok(Some(50_000_000)));
        assert_eq!(whole(&s("1,234")), Ok(Some(1234)));
        assert_eq!(whole(&s("1234.00")), Ok(Some(1234)));
        assert_eq!(whole(&s("-5")), Ok(Some(-5)));
        assert_eq!(whole(&Data::Empty), Ok(None));
        assert!(whole(&Data::Float(12.5)).is_err());
        assert!(whole(&s("12.5")).is_err());
        assert!(whole(&s("lots")).is_err());
        assert_eq!(count(&s("1,234")), Ok(Some(1234)));
        assert_eq!(
            count(&Data::Float(12.5)),
            Err("“12.5”不是整数（应填写整数）".into())
        );
    }

    #[test]
    fn mu_exact() {
        assert_eq!(thousandths(&Data::Float(1455.739)), Ok(Some(1_455_739)));
        assert_eq!(thousandths(&Data::Float(0.001)), Ok(Some(1)));
        assert_eq!(thousandths(&Data::Float(0.1 + 0.2)).ok(), None);
        assert_eq!(thousandths(&s("1,550")), Ok(Some(1_550_000)));
        assert_eq!(thousandths(&s("-5")), Ok(Some(-5000)));
        assert!(thousandths(&s("1.2345")).is_err());
    }

    #[test]
    fn dates() {
        let d = |y, m, d| Ok(Some(NaiveDate::from_ymd_opt(y, m, d).unwrap()));
        assert_eq!(date(&s("2006/3/5")), d(2006, 3, 5));
        assert_eq!(date(&s("2006年3月5日")), d(2006, 3, 5));
        assert_eq!(date(&s("2006-03-05 00:00:00")), d(2006, 3, 5));
        assert_eq!(date(&Data::DateTimeIso("2006-03-05".into())), d(2006, 3, 5));
        assert_eq!(
            date(&Data::DateTimeIso("2006-03-05T00:00:00".into())),
            d(2006, 3, 5)
        );
        // 38781 is 2006-03-05 in the 1900 system.
        let dt = ExcelDateTime::new(38781.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(date(&Data::DateTime(dt)), d(2006, 3, 5));
        let dt = ExcelDateTime::new(38781.0 - 1462.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(date(&Data::DateTime(dt)), d(2006, 3, 5));
        assert_eq!(date(&Data::Float(38781.0)), d(2006, 3, 5));
        assert!(date(&Data::Float(2006.0)).is_err());
        assert!(date(&s("2006-02-30")).is_err());
    }

    #[test]
    fn months_flags_years() {
        let p = Ok(Some(Period {
            year: 2006,
            month: 3,
        }));
        assert_eq!(period(&s("2006-03")), p);
        assert_eq!(period(&s("2006年3月")), p);
        assert_eq!(period(&s("2006-03-15")), p);
        assert_eq!(period(&Data::DateTimeIso("2006-03-01".into())), p);
        assert!(period(&s("March")).is_err());
        assert_eq!(flag(&s("是")), Ok(true));
        assert_eq!(flag(&s("N")), Ok(false));
        assert_eq!(flag(&Data::Empty), Ok(false));
        assert_eq!(flag(&Data::Float(1.0)), Ok(true));
        assert!(flag(&s("也许")).is_err());
        assert_eq!(year(&Data::Float(2006.0)), Ok(Some(2006)));
        assert_eq!(year(&s("2006年")), Ok(Some(2006)));
        assert!(year(&s("明年")).is_err());
    }
}
