//! The official working-day calendar: weekends, public holidays on weekdays,
//! and make-up working days (调休) on weekends, kept as data per year in
//! `data/calendar/YEAR.toml`. Deadlines in working days are counted here.
//! A year without a calendar is refused, never guessed.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The built-in years: (year, TOML).
const BUILTIN: &[(i32, &str)] = &[
    (2006, include_str!("../../../../data/calendar/2006.toml")),
    (2025, include_str!("../../../../data/calendar/2025.toml")),
    (2026, include_str!("../../../../data/calendar/2026.toml")),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    source: String,
    holidays: Vec<NaiveDate>,
    workdays: Vec<NaiveDate>,
}

/// One year's exceptions to the Monday-to-Friday week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Year {
    pub source: String,
    pub holidays: BTreeSet<NaiveDate>,
    pub workdays: BTreeSet<NaiveDate>,
}

/// The calendar: the years it knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, Year>,
}

fn weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl Calendar {
    /// The years shipped with the product.
    pub fn builtin() -> Calendar {
        // Parsed once: every deadline recount and green-channel page starts here.
        static PARSED: std::sync::LazyLock<Calendar> = std::sync::LazyLock::new(|| {
            let mut c = Calendar::default();
            for (_, text) in BUILTIN {
                c.add_year_toml(text).expect("built-in calendars are valid");
            }
            c
        });
        PARSED.clone()
    }

    /// Adds (or replaces) a year from its TOML text, checking that every date
    /// lies in that year, holidays are not weekend-only noise on make-up days,
    /// and make-up days fall on weekends.
    pub fn add_year_toml(&mut self, text: &str) -> Result<i32, String> {
        let f: YearFile =
            toml::from_str(text).map_err(|e: toml::de::Error| {
                let line = e
                    .span()
                    .map(|sp| text[..sp.start.min(text.len())].matches('\n').count() + 1);
                format!(
                    "日历格式错误{}：应为 year、source、holidays、workdays 四项，日期写作 \"YYYY-MM-DD\"（解析器提示：{}）",
                    line.map(|l| format!("（第 {l} 行）")).unwrap_or_default(),
                    e.message()
                )
            })?;
        for d in f.holidays.iter().chain(&f.workdays) {
            if d.year() != f.year {
                return Err(format!("{d} 不在 {} 年内", f.year));
            }
        }
        if let Some(d) = f.workdays.iter().find(|d| !weekend(**d)) {
            return Err(format!("调休上班日 {d} 不是周末"));
        }
        if let Some(d) = f.workdays.iter().find(|d| f.holidays.contains(d)) {
            return Err(format!("{d} 同时列为放假日和上班日"));
        }
        let year = f.year;
        self.years.insert(
            year,
            Year {
                source: f.source,
                holidays: f.holidays.into_iter().collect(),
                workdays: f.workdays.into_iter().collect(),
            },
        );
        Ok(year)
    }

    /// The years this calendar knows.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// Whether `d` is a working day; an error for a year with no calendar.
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, String> {
        let y = self.years.get(&d.year()).ok_or_else(|| {
            format!(
                "没有 {} 年的工作日历，无法计算工作日（请由活动办公室补充该年度的节假日安排）",
                d.year()
            )
        })?;
        Ok(y.workdays.contains(&d) || (!weekend(d) && !y.holidays.contains(&d)))
    }

    /// The `n`th working day after `from` (n = 0 gives `from` itself).
    pub fn add_working_days(&self, from: NaiveDate, n: i64) -> Result<NaiveDate, String> {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d.checked_add_days(Days::new(1)).ok_or("日期超出范围")?;
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// Working days after `from` up to and including `to` (0 when to <= from).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<i64, String> {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = d.checked_add_days(Days::new(1)).ok_or("日期超出范围")?;
            if self.is_working_day(d)? {
                n += 1;
            }
        }
        Ok(n)
    }
}

impl Calendar {
    /// The exceptions of one year, when known.
    pub fn year(&self, year: i32) -> Option<&Year> {
        self.years.get(&year)
    }

    /// One year as the TOML text it is kept in (for editing).
    pub fn year_toml(&self, year: i32) -> Option<String> {
        let y = self.years.get(&year)?;
        let list = |s: &BTreeSet<NaiveDate>| {
            s.iter()
                .map(|d| format!("  \"{d}\","))
                .collect::<Vec<_>>()
                .join("\n")
        };
        Some(format!(
            "year = {year}\nsource = {}\nholidays = [\n{}\n]\nworkdays = [\n{}\n]\n",
            toml_string(&y.source),
            list(&y.holidays),
            list(&y.workdays)
        ))
    }

    fn working_or_assumed(&self, d: NaiveDate) -> (bool, bool) {
        match self.is_working_day(d) {
            Ok(w) => (w, false),
            Err(_) => (!weekend(d), true),
        }
    }

    /// Like `add_working_days`, but a year without a calendar is counted as
    /// an ordinary Monday-to-Friday year; the flag is true when that was
    /// assumed, so the deadline can be shown as provisional (暂定) until the
    /// office enters that year. A request must not be refused because the
    /// State Council has not yet published next year's holidays.
    pub fn add_working_days_provisional(&self, from: NaiveDate, n: i64) -> (NaiveDate, bool) {
        let mut d = from;
        let mut left = n;
        let mut assumed = false;
        while left > 0 {
            d = match d.checked_add_days(Days::new(1)) {
                Some(x) => x,
                None => break,
            };
            let (w, a) = self.working_or_assumed(d);
            assumed |= a;
            if w {
                left -= 1;
            }
        }
        (d, assumed)
    }

    /// Working days after `from` up to and including `to`, assuming ordinary
    /// weeks for years without a calendar (see `add_working_days_provisional`).
    pub fn working_days_between_provisional(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = match d.checked_add_days(Days::new(1)) {
                Some(x) => x,
                None => break,
            };
            if self.working_or_assumed(d).0 {
                n += 1;
            }
        }
        n
    }
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn spring_festival_2006_with_its_make_up_days() {
        let c = Calendar::builtin();
        // Saturday 2006-01-28 is a make-up working day; the holiday runs 01-29 .. 02-04;
        // Sunday 02-05 is a make-up working day.
        assert!(c.is_working_day(d("2006-01-28")).unwrap());
        assert!(
            !c.is_working_day(d("2006-01-30")).unwrap(),
            "Monday in the holiday"
        );
        assert!(c.is_working_day(d("2006-02-05")).unwrap(), "make-up Sunday");
        // Submitted Friday 01-27: 1 -> Sat 01-28, 2 -> Sun 02-05, 3 -> Mon 02-06.
        assert_eq!(
            c.add_working_days(d("2006-01-27"), 1).unwrap(),
            d("2006-01-28")
        );
        assert_eq!(
            c.add_working_days(d("2006-01-27"), 2).unwrap(),
            d("2006-02-05")
        );
        assert_eq!(
            c.add_working_days(d("2006-01-27"), 3).unwrap(),
            d("2006-02-06")
        );
        assert_eq!(
            c.working_days_between(d("2006-01-27"), d("2006-02-06"))
                .unwrap(),
            3
        );
    }

    #[test]
    fn national_day_2006() {
        let c = Calendar::builtin();
        // Friday 09-29 + 1 -> Saturday 09-30 (make-up), + 2 -> Sunday 10-08 (make-up), + 3 -> Mon 10-09.
        assert_eq!(
            c.add_working_days(d("2006-09-29"), 1).unwrap(),
            d("2006-09-30")
        );
        assert_eq!(
            c.add_working_days(d("2006-09-29"), 2).unwrap(),
            d("2006-10-08")
        );
        assert_eq!(
            c.add_working_days(d("2006-09-29"), 3).unwrap(),
            d("2006-10-09")
        );
        // An ordinary week: Monday + 5 working days -> next Monday.
        assert_eq!(
            c.add_working_days(d("2006-03-06"), 5).unwrap(),
            d("2006-03-13")
        );
        assert_eq!(
            c.add_working_days(d("2006-03-06"), 0).unwrap(),
            d("2006-03-06")
        );
    }

    #[test]
    fn spring_festival_and_national_day_2026() {
        let c = Calendar::builtin();
        // Friday 2026-02-13 + 1 -> Sat 02-14 (make-up); + 2 -> Tue 02-24 (after the 9-day holiday).
        assert_eq!(
            c.add_working_days(d("2026-02-13"), 1).unwrap(),
            d("2026-02-14")
        );
        assert_eq!(
            c.add_working_days(d("2026-02-13"), 2).unwrap(),
            d("2026-02-24")
        );
        assert!(
            c.is_working_day(d("2026-02-28")).unwrap(),
            "make-up Saturday"
        );
        // Friday 09-18 + 1 -> Sun 09-20 (make-up); 09-30 + 1 -> Thu 10-08; 10-09 + 1 -> Sat 10-10.
        assert_eq!(
            c.add_working_days(d("2026-09-18"), 1).unwrap(),
            d("2026-09-20")
        );
        assert_eq!(
            c.add_working_days(d("2026-09-30"), 1).unwrap(),
            d("2026-10-08")
        );
        assert_eq!(
            c.add_working_days(d("2026-10-09"), 1).unwrap(),
            d("2026-10-10")
        );
    }

    #[test]
    fn a_year_without_a_calendar_is_refused() {
        let c = Calendar::builtin();
        let e = c.add_working_days(d("2012-05-01"), 3).unwrap_err();
        assert!(e.contains("没有 2012 年的工作日历"), "{e}");
        // Crossing into an unknown year is refused too.
        assert!(c.add_working_days(d("2006-12-29"), 5).is_err());
    }

    #[test]
    fn bad_calendar_files_are_refused() {
        let mut c = Calendar::default();
        let e = c
            .add_year_toml(
                "year = 2027\nsource = \"x\"\nholidays = [\"2027-13-01\"]\nworkdays = []",
            )
            .unwrap_err();
        assert!(e.contains("第 3 行") && e.contains("YYYY-MM-DD"), "{e}");
        assert!(
            c.add_year_toml(
                "year = 2007\nsource = \"x\"\nholidays = [\"2006-01-01\"]\nworkdays = []"
            )
            .is_err()
        );
        assert!(
            c.add_year_toml(
                "year = 2007\nsource = \"x\"\nholidays = []\nworkdays = [\"2007-01-03\"]"
            )
            .unwrap_err()
            .contains("不是周末")
        );
    }

    #[test]
    fn a_year_round_trips_through_its_toml_text() {
        let c = Calendar::builtin();
        let text = c.year_toml(2026).unwrap();
        let mut d2 = Calendar::default();
        assert_eq!(d2.add_year_toml(&text).unwrap(), 2026);
        assert_eq!(d2.year(2026), c.year(2026));
    }

    #[test]
    fn provisional_counting_assumes_ordinary_weeks_only_where_unknown() {
        let c = Calendar::builtin();
        // Known year: the same as the strict count.
        assert_eq!(
            c.add_working_days_provisional(d("2026-09-30"), 1),
            (d("2026-10-08"), false)
        );
        // Thu 2026-12-31 + 2: Fri 2027-01-01 (assumed working), Mon 2027-01-04.
        assert_eq!(
            c.add_working_days_provisional(d("2026-12-31"), 2),
            (d("2027-01-04"), true)
        );
        assert_eq!(
            c.working_days_between_provisional(d("2026-02-13"), d("2026-02-24")),
            2
        );
    }

    #[test]
    fn spring_festival_2025_make_up_sunday_and_saturday() {
        let c = Calendar::builtin();
        // Fri 2025-01-24 + 1 -> Sun 01-26 (make-up); + 2 -> Mon 01-27; + 3 -> Wed 02-05.
        assert_eq!(
            c.add_working_days(d("2025-01-24"), 1).unwrap(),
            d("2025-01-26")
        );
        assert_eq!(
            c.add_working_days(d("2025-01-24"), 3).unwrap(),
            d("2025-02-05")
        );
        assert!(
            c.is_working_day(d("2025-02-08")).unwrap(),
            "make-up Saturday"
        );
        // National Day: Sat 09-27 + 1 -> Sun 09-28 (make-up); Tue 09-30 + 1 -> Thu 10-09.
        assert_eq!(
            c.add_working_days(d("2025-09-27"), 1).unwrap(),
            d("2025-09-28")
        );
        assert_eq!(
            c.add_working_days(d("2025-09-30"), 1).unwrap(),
            d("2025-10-09")
        );
    }
}
