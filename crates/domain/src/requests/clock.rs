//! Deadlines in working days on the official calendar. The accept clock
//! starts when the request reaches its current unit (a transfer restarts only
//! this clock); the reply and resolution clocks start when the request first
//! reached any unit, so handing it on never buys time. An approved extension
//! adds working days to the resolution limit; a reopened request gets a fresh
//! resolution limit from the day it was reopened.

use crate::calendar::Calendar;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A category's time limits in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub accept_days: i64,
    pub reply_days: i64,
    pub resolve_days: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            accept_days: 1,
            reply_days: 3,
            resolve_days: 15,
        }
    }
}

impl Limits {
    /// Each limit between 1 and 250 working days, and in order.
    pub fn check(&self) -> Vec<crate::users::FieldError> {
        let mut e = vec![];
        for (f, v, label) in [
            ("accept_days", self.accept_days, "受理时限"),
            ("reply_days", self.reply_days, "首次答复时限"),
            ("resolve_days", self.resolve_days, "办结时限"),
        ] {
            if !(1..=250).contains(&v) {
                e.push(crate::users::FieldError::new(
                    f,
                    format!("{label}应为 1 至 250 个工作日"),
                ));
            }
        }
        if e.is_empty()
            && !(self.accept_days <= self.reply_days && self.reply_days <= self.resolve_days)
        {
            e.push(crate::users::FieldError::new(
                "resolve_days",
                "时限应满足：受理 ≤ 首次答复 ≤ 办结",
            ));
        }
        e
    }
}

/// When each step is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadlines {
    pub accept_due: NaiveDate,
    pub reply_due: NaiveDate,
    pub resolve_due: NaiveDate,
    /// Some day was counted on a year without a calendar (ordinary weeks
    /// assumed): the dates are provisional until the office enters that year.
    pub provisional: bool,
}

/// What the clock starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    /// The day the request first reached a unit.
    pub first_assigned_on: NaiveDate,
    /// The day it reached its current unit.
    pub assigned_on: NaiveDate,
    /// Working days added by an approved extension.
    pub extension_days: i64,
    /// The last day it was reopened, if ever.
    pub reopened_on: Option<NaiveDate>,
    /// A fixed resolution date (an action item's deadline set by the meeting).
    pub fixed_resolve_due: Option<NaiveDate>,
}

/// The deadlines of a request.
pub fn deadlines(cal: &Calendar, limits: &Limits, s: &Start) -> Deadlines {
    let (accept_due, p1) = cal.add_working_days_provisional(s.assigned_on, limits.accept_days);
    let (reply_due, p2) = cal.add_working_days_provisional(s.first_assigned_on, limits.reply_days);
    let (resolve_due, p3) = match (s.reopened_on, s.fixed_resolve_due) {
        (Some(r), _) => cal.add_working_days_provisional(r, limits.resolve_days + s.extension_days),
        (None, Some(d)) => cal.add_working_days_provisional(d, s.extension_days),
        (None, None) => cal.add_working_days_provisional(
            s.first_assigned_on,
            limits.resolve_days + s.extension_days,
        ),
    };
    Deadlines {
        accept_due,
        reply_due,
        resolve_due,
        provisional: p1 || p2 || p3,
    }
}

/// One step of a request at a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StepState {
    /// Done by its due date.
    OnTime { done_on: NaiveDate },
    /// Done after its due date.
    Late { done_on: NaiveDate },
    /// Not done; due today or later.
    Pending { due: NaiveDate },
    /// Not done and past its due date (overdue from the day after `due`).
    Overdue { due: NaiveDate },
}

impl StepState {
    /// The state of a step due on `due`, done on `done_on`, looked at on `today`.
    pub fn of(due: NaiveDate, done_on: Option<NaiveDate>, today: NaiveDate) -> StepState {
        match done_on {
            Some(d) if d <= due => StepState::OnTime { done_on: d },
            Some(d) => StepState::Late { done_on: d },
            None if today > due => StepState::Overdue { due },
            None => StepState::Pending { due },
        }
    }
    pub fn is_overdue(self) -> bool {
        matches!(self, StepState::Overdue { .. })
    }
    /// Whether the step counts in an on-time rate (done, or its time is up).
    pub fn decided(self) -> Option<bool> {
        match self {
            StepState::OnTime { .. } => Some(true),
            StepState::Late { .. } | StepState::Overdue { .. } => Some(false),
            StepState::Pending { .. } => None,
        }
    }
    pub fn label(self) -> String {
        match self {
            StepState::OnTime { done_on } => format!("{done_on} 按时完成"),
            StepState::Late { done_on } => format!("{done_on} 超时完成"),
            StepState::Pending { due } => format!("{due} 前完成"),
            StepState::Overdue { due } => format!("已超期（时限 {due}）"),
        }
    }
}

/// Whether `due` falls within the next `n` working days from `today`
/// (today included), for the "due soon" reminders.
pub fn due_within(cal: &Calendar, today: NaiveDate, due: NaiveDate, n: i64) -> bool {
    let (limit, _) = cal.add_working_days_provisional(today, n);
    due >= today && due <= limit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn start(first: &str) -> Start {
        Start {
            first_assigned_on: d(first),
            assigned_on: d(first),
            extension_days: 0,
            reopened_on: None,
            fixed_resolve_due: None,
        }
    }

    #[test]
    fn spring_festival_2026_hand_computed() {
        // Assigned Thu 2026-02-12. Working days after it: Fri 02-13 (1),
        // Sat 02-14 make-up (2), then the holiday 02-15..02-23, Tue 02-24 (3),
        // 02-25 (4), 02-26 (5), 02-27 (6), Sat 02-28 make-up (7), Mon 03-02 (8),
        // 03-03 (9), 03-04 (10), 03-05 (11), 03-06 (12), 03-09 (13), 03-10 (14),
        // 03-11 (15).
        let cal = Calendar::builtin();
        let dl = deadlines(&cal, &Limits::default(), &start("2026-02-12"));
        assert_eq!(dl.accept_due, d("2026-02-13"));
        assert_eq!(dl.reply_due, d("2026-02-24"));
        assert_eq!(dl.resolve_due, d("2026-03-11"));
        assert!(!dl.provisional);
    }

    #[test]
    fn national_day_2026_hand_computed() {
        // Assigned Fri 2026-09-18: Sun 09-20 make-up (1), Mon 09-21 (2),
        // Tue 09-22 (3). Assigned Wed 09-30: next is Thu 10-08 (1), Fri 10-09 (2),
        // Sat 10-10 make-up (3); 15 days: 10-08, 09, 10, 12, 13, 14, 15, 16,
        // 19, 20, 21, 22, 23, 26, 27 -> Tue 10-27.
        let cal = Calendar::builtin();
        let a = deadlines(&cal, &Limits::default(), &start("2026-09-18"));
        assert_eq!(
            (a.accept_due, a.reply_due),
            (d("2026-09-20"), d("2026-09-22"))
        );
        let b = deadlines(&cal, &Limits::default(), &start("2026-09-30"));
        assert_eq!(b.accept_due, d("2026-10-08"));
        assert_eq!(b.reply_due, d("2026-10-10"));
        assert_eq!(b.resolve_due, d("2026-10-27"));
    }

    #[test]
    fn national_day_2006_and_spring_festival_2006() {
        let cal = Calendar::builtin();
        // Fri 2006-09-29: Sat 09-30 make-up (1), Sun 10-08 make-up (2), Mon 10-09 (3).
        let a = deadlines(&cal, &Limits::default(), &start("2006-09-29"));
        assert_eq!(a.accept_due, d("2006-09-30"));
        assert_eq!(a.reply_due, d("2006-10-09"));
        // Fri 2006-01-27: Sat 01-28 make-up (1), Sun 02-05 make-up (2), Mon 02-06 (3).
        let b = deadlines(&cal, &Limits::default(), &start("2006-01-27"));
        assert_eq!(b.reply_due, d("2006-02-06"));
    }

    #[test]
    fn a_request_raised_on_a_holiday_starts_counting_on_the_next_working_day() {
        let cal = Calendar::builtin();
        // Raised on Sat 2026-10-03 (holiday): 10-08 is day 1.
        let a = deadlines(&cal, &Limits::default(), &start("2026-10-03"));
        assert_eq!(a.accept_due, d("2026-10-08"));
    }

    #[test]
    fn transfer_restarts_only_acceptance_and_extension_and_reopen_move_resolution() {
        let cal = Calendar::builtin();
        let mut s = start("2026-03-02"); // Monday
        s.assigned_on = d("2026-03-05"); // transferred on Thursday
        s.extension_days = 5;
        let dl = deadlines(&cal, &Limits::default(), &s);
        assert_eq!(dl.accept_due, d("2026-03-06"));
        assert_eq!(dl.reply_due, d("2026-03-05"));
        // 15 + 5 = 20 working days after Mon 03-02 -> Mon 03-30.
        assert_eq!(dl.resolve_due, d("2026-03-30"));
        s.extension_days = 0;
        s.reopened_on = Some(d("2026-04-01")); // Wed; 15 days skip Qingming 04-04..06
        // 04-02, 03, 07, 08, 09, 10, 13, 14, 15, 16, 17, 20, 21, 22, 23 -> Thu 04-23.
        assert_eq!(
            deadlines(&cal, &Limits::default(), &s).resolve_due,
            d("2026-04-23")
        );
    }

    #[test]
    fn a_deadline_in_an_unknown_year_is_provisional() {
        let cal = Calendar::builtin();
        let dl = deadlines(&cal, &Limits::default(), &start("2026-12-28"));
        assert!(dl.provisional);
        assert_eq!(dl.accept_due, d("2026-12-29"));
    }

    #[test]
    fn step_states() {
        let due = d("2026-03-11");
        assert_eq!(StepState::of(due, None, due), StepState::Pending { due });
        assert!(StepState::of(due, None, d("2026-03-12")).is_overdue());
        assert_eq!(
            StepState::of(due, Some(due), d("2026-05-01")).decided(),
            Some(true)
        );
        assert_eq!(
            StepState::of(due, Some(d("2026-03-12")), d("2026-05-01")).decided(),
            Some(false)
        );
        let cal = Calendar::builtin();
        // Fri 2026-09-18 + 2 working days -> Mon 09-21 (Sun 09-20 is a make-up day).
        assert!(due_within(&cal, d("2026-09-18"), d("2026-09-21"), 2));
        assert!(!due_within(&cal, d("2026-09-18"), d("2026-09-22"), 2));
        assert!(!due_within(&cal, d("2026-09-18"), d("2026-09-17"), 2));
    }

    #[test]
    fn limits_are_checked() {
        assert!(Limits::default().check().is_empty());
        let bad = Limits {
            accept_days: 0,
            reply_days: 3,
            resolve_days: 15,
        };
        assert_eq!(bad.check()[0].field, "accept_days");
        let unordered = Limits {
            accept_days: 5,
            reply_days: 3,
            resolve_days: 15,
        };
        assert!(unordered.check()[0].message.contains("受理 ≤ 首次答复"));
    }
}
