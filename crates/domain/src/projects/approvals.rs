//! The green channel (绿色通道): a project's approval items, each with a
//! statutory time limit in working days, and whether it is overdue.

use crate::calendar::Calendar;
use crate::users::FieldError;
use chrono::NaiveDate;
use serde::Serialize;

/// An approval item as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approval {
    pub name: String,
    /// The responsible department's unit code.
    pub department_code: String,
    pub submitted_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    /// The statutory time limit, in working days from submission.
    pub limit_working_days: i64,
}

/// Where an approval item stands on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ApprovalState {
    /// Not submitted yet: no clock runs.
    NotSubmitted,
    /// Submitted, within its limit.
    Pending { deadline: NaiveDate },
    /// Approved; `late` when after the deadline.
    Approved { deadline: NaiveDate, late: bool },
    /// Past its limit and not approved; how many working days over, when the
    /// calendar covers the whole stretch.
    Overdue {
        deadline: NaiveDate,
        working_days_over: Option<i64>,
    },
    /// The calendar does not cover the dates: said, not guessed.
    Unknown { reason: String },
}

impl ApprovalState {
    /// Past the limit, approved or not.
    pub fn flagged(&self) -> bool {
        matches!(
            self,
            ApprovalState::Overdue { .. } | ApprovalState::Approved { late: true, .. }
        )
    }
    /// The Chinese label.
    pub fn label(&self) -> String {
        match self {
            ApprovalState::NotSubmitted => "未报送".into(),
            ApprovalState::Pending { deadline } => format!("办理中（时限 {deadline}）"),
            ApprovalState::Approved { late: false, .. } => "已按时办结".into(),
            ApprovalState::Approved {
                deadline,
                late: true,
            } => format!("超时办结（时限 {deadline}）"),
            ApprovalState::Overdue {
                deadline,
                working_days_over: Some(n),
            } => format!("已超时 {n} 个工作日（时限 {deadline}）"),
            ApprovalState::Overdue {
                deadline,
                working_days_over: None,
            } => format!("已超时（时限 {deadline}）"),
            ApprovalState::Unknown { reason } => reason.clone(),
        }
    }
}

impl Approval {
    /// Checks the item's fields; every problem is reported.
    pub fn check(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if self.name.trim().is_empty() || self.name.chars().count() > 100 {
            e.push(FieldError::new("name", "审批事项名称须为 1 到 100 个字符"));
        }
        if self.department_code.trim().is_empty() {
            e.push(FieldError::new("department_code", "请选择负责部门"));
        }
        if !(1..=365).contains(&self.limit_working_days) {
            e.push(FieldError::new(
                "limit_working_days",
                "法定时限须为 1 到 365 个工作日",
            ));
        }
        if self.approved_on.is_some() && self.submitted_on.is_none() {
            e.push(FieldError::new(
                "submitted_on",
                "已办结的事项须填写报送日期",
            ));
        }
        if let (Some(s), Some(a)) = (self.submitted_on, self.approved_on)
            && a < s
        {
            e.push(FieldError::new(
                "approved_on",
                format!("办结日期 {a} 早于报送日期 {s}"),
            ));
        }
        e
    }

    /// Where the item stands on `today`: the deadline is the limit's last
    /// working day after submission.
    pub fn state(&self, cal: &Calendar, today: NaiveDate) -> ApprovalState {
        let Some(s) = self.submitted_on else {
            return ApprovalState::NotSubmitted;
        };
        let deadline = match cal.add_working_days(s, self.limit_working_days) {
            Ok(d) => d,
            Err(reason) => return ApprovalState::Unknown { reason },
        };
        match self.approved_on {
            Some(a) => ApprovalState::Approved {
                deadline,
                late: a > deadline,
            },
            // The deadline day itself is the last allowed; any later day is over,
            // counted in working days where the calendar reaches.
            None if today > deadline => match cal.working_days_between(deadline, today) {
                Ok(0) => ApprovalState::Pending { deadline },
                Ok(n) => ApprovalState::Overdue {
                    deadline,
                    working_days_over: Some(n),
                },
                Err(_) => ApprovalState::Overdue {
                    deadline,
                    working_days_over: None,
                },
            },
            None => ApprovalState::Pending { deadline },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn item(submitted: Option<&str>, approved: Option<&str>, limit: i64) -> Approval {
        Approval {
            name: "环评审批".into(),
            department_code: "environment".into(),
            submitted_on: submitted.map(d),
            approved_on: approved.map(d),
            limit_working_days: limit,
        }
    }

    #[test]
    fn states_across_the_spring_festival() {
        let cal = Calendar::builtin();
        // Submitted Fri 2006-01-20, 5 working days: 23, 24, 25, 26, 27 -> deadline 01-27.
        let a = item(Some("2006-01-20"), None, 5);
        assert_eq!(
            a.state(&cal, d("2006-01-27")),
            ApprovalState::Pending {
                deadline: d("2006-01-27")
            }
        );
        // 01-28 is a make-up Saturday: one working day over.
        assert_eq!(
            a.state(&cal, d("2006-01-28")),
            ApprovalState::Overdue {
                deadline: d("2006-01-27"),
                working_days_over: Some(1)
            }
        );
        // During the holiday no further days accrue.
        assert_eq!(
            a.state(&cal, d("2006-02-04")),
            ApprovalState::Overdue {
                deadline: d("2006-01-27"),
                working_days_over: Some(1)
            }
        );
        // Seen from a year the calendar does not cover, it is still overdue.
        assert_eq!(
            a.state(&cal, d("2020-01-01")),
            ApprovalState::Overdue {
                deadline: d("2006-01-27"),
                working_days_over: None
            }
        );
        assert!(a.state(&cal, d("2006-02-04")).flagged());
        let done = item(Some("2006-01-20"), Some("2006-01-27"), 5);
        assert_eq!(
            done.state(&cal, d("2006-03-01")),
            ApprovalState::Approved {
                deadline: d("2006-01-27"),
                late: false
            }
        );
        let late = item(Some("2006-01-20"), Some("2006-02-06"), 5);
        assert!(late.state(&cal, d("2006-03-01")).flagged());
        assert_eq!(
            item(None, None, 5).state(&cal, d("2006-03-01")),
            ApprovalState::NotSubmitted
        );
        assert!(matches!(
            item(Some("2012-01-04"), None, 5).state(&cal, d("2012-03-01")),
            ApprovalState::Unknown { .. }
        ));
    }

    #[test]
    fn field_checks() {
        let mut a = item(None, Some("2006-01-20"), 0);
        a.name = String::new();
        let f: Vec<String> = a.check().into_iter().map(|e| e.field).collect();
        assert_eq!(f, ["name", "limit_working_days", "submitted_on"]);
    }
}
