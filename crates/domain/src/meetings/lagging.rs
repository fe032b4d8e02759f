//! Which projects are lagging (滞后) and so may be put before the joint meeting.
//!
//! The rule: a project still going on (status active — suspended and
//! cancelled projects are not chased) is lagging on a day when
//! - a milestone's planned date has passed and its actual date is still empty
//!   (the day after the planned date counts as late, as in `Dates::overdue`), or
//! - a green-channel approval item is past its statutory limit in working days
//!   and still not approved (`ApprovalState::Overdue`).
//!
//! An approval finished late, or a milestone reached after its plan, is history,
//! not a lag: the meeting acts on what is still behind.

use crate::calendar::Calendar;
use crate::projects::approvals::{Approval, ApprovalState};
use crate::projects::{Dates, ProjectStatus};
use chrono::NaiveDate;
use serde::Serialize;

/// Why a project is lagging, one line per reason, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lag {
    pub reasons: Vec<String>,
}

impl Lag {
    /// The reasons on one line.
    pub fn summary(&self) -> String {
        self.reasons.join("；")
    }
}

/// Whether a project with these dates and approval items is lagging on
/// `today`, and why.
pub fn lagging(
    status: ProjectStatus,
    dates: &Dates,
    approvals: &[Approval],
    cal: &Calendar,
    today: NaiveDate,
) -> Option<Lag> {
    if status != ProjectStatus::Active {
        return None;
    }
    let mut reasons: Vec<String> = dates
        .overdue(today)
        .into_iter()
        .map(|m| {
            format!(
                "{}计划 {} 逾期未完成",
                m.label(),
                dates.planned(m).map(|d| d.to_string()).unwrap_or_default()
            )
        })
        .collect();
    for a in approvals {
        if let s @ ApprovalState::Overdue { .. } = a.state(cal, today) {
            reasons.push(format!("{}{}", a.name, s.label()));
        }
    }
    (!reasons.is_empty()).then_some(Lag { reasons })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projects::Milestone;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn approval(submitted: Option<&str>, approved: Option<&str>) -> Approval {
        Approval {
            name: "环评审批".into(),
            department_code: "environment".into(),
            submitted_on: submitted.map(d),
            approved_on: approved.map(d),
            limit_working_days: 5,
        }
    }

    #[test]
    fn a_planned_milestone_passed_without_its_actual_date_lags() {
        let cal = Calendar::builtin();
        let mut dates = Dates::default();
        dates.planned[Milestone::Started.index()] = Some(d("2026-03-01"));
        // On the planned day itself it is not late yet.
        assert_eq!(
            lagging(ProjectStatus::Active, &dates, &[], &cal, d("2026-03-01")),
            None
        );
        let lag = lagging(ProjectStatus::Active, &dates, &[], &cal, d("2026-03-02")).unwrap();
        assert_eq!(lag.reasons, ["开工计划 2026-03-01 逾期未完成"]);
        // Reached, even late: no longer lagging.
        dates.actual[Milestone::Started.index()] = Some(d("2026-03-10"));
        assert_eq!(
            lagging(ProjectStatus::Active, &dates, &[], &cal, d("2026-04-01")),
            None
        );
    }

    #[test]
    fn an_approval_past_its_limit_lags_until_approved() {
        let cal = Calendar::builtin();
        let dates = Dates::default();
        // Friday 2006-01-20 + 5 working days: the limit is 2006-01-27.
        let pending = [approval(Some("2006-01-20"), None)];
        assert_eq!(
            lagging(
                ProjectStatus::Active,
                &dates,
                &pending,
                &cal,
                d("2006-01-27")
            ),
            None
        );
        let lag = lagging(
            ProjectStatus::Active,
            &dates,
            &pending,
            &cal,
            d("2006-02-06"),
        )
        .unwrap();
        assert!(lag.summary().starts_with("环评审批已超时"), "{lag:?}");
        let late_but_done = [approval(Some("2006-01-20"), Some("2006-02-01"))];
        assert_eq!(
            lagging(
                ProjectStatus::Active,
                &dates,
                &late_but_done,
                &cal,
                d("2006-02-06")
            ),
            None
        );
        let not_submitted = [approval(None, None)];
        assert_eq!(
            lagging(
                ProjectStatus::Active,
                &dates,
                &not_submitted,
                &cal,
                d("2006-02-06")
            ),
            None
        );
    }

    #[test]
    fn suspended_and_cancelled_projects_are_not_chased() {
        let cal = Calendar::builtin();
        let mut dates = Dates::default();
        dates.planned[Milestone::Completed.index()] = Some(d("2026-01-01"));
        for s in [ProjectStatus::Suspended, ProjectStatus::Cancelled] {
            assert_eq!(lagging(s, &dates, &[], &cal, d("2026-06-01")), None);
        }
        assert!(lagging(ProjectStatus::Active, &dates, &[], &cal, d("2026-06-01")).is_some());
    }
}
