//! Time progress (序时进度): the share of the campaign year elapsed at a date.

use chrono::{Datelike, NaiveDate};

/// The share of the year's days elapsed at `as_of`, kept as an exact fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeProgress {
    /// Days of the year elapsed, counting `as_of` itself.
    pub days_elapsed: i64,
    /// Days in the year (365 or 366).
    pub days_in_year: i64,
}

impl TimeProgress {
    /// As a float, for display and JSON.
    pub fn ratio(self) -> f64 {
        self.days_elapsed as f64 / self.days_in_year as f64
    }
}

/// Time progress of campaign year `year` at `as_of`, which is clamped into
/// the year: before it gives 0, after it gives the whole year.
pub fn time_progress(year: i32, as_of: NaiveDate) -> TimeProgress {
    let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    let days_in_year = (end - start).num_days() + 1;
    let days_elapsed = if as_of < start {
        0
    } else if as_of > end {
        days_in_year
    } else {
        as_of.ordinal() as i64
    };
    TimeProgress {
        days_elapsed,
        days_in_year,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn progress_through_the_year() {
        assert_eq!(time_progress(2006, d("2006-01-01")).days_elapsed, 1);
        let mid = time_progress(2006, d("2006-07-02"));
        assert_eq!((mid.days_elapsed, mid.days_in_year), (183, 365));
        assert_eq!(time_progress(2006, d("2006-12-31")).ratio(), 1.0);
        assert_eq!(time_progress(2008, d("2008-12-31")).days_in_year, 366);
        assert_eq!(time_progress(2006, d("2005-12-31")).days_elapsed, 0);
        assert_eq!(time_progress(2006, d("2007-03-01")).days_elapsed, 365);
    }
}
