//! A round's lifecycle: draft → open (ballots accepted) → closed → 公示
//! (results and award list published for N working days; objections) →
//! final (frozen). Each step is one action, checked here.

use crate::calendar::Calendar;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a round stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Draft,
    Open,
    Closed,
    /// 公示: results published, objections accepted until the notice ends.
    Publicized,
    /// Frozen: the results and the settings they were computed with.
    Final,
}

impl RoundStatus {
    pub const ALL: [RoundStatus; 5] = [
        RoundStatus::Draft,
        RoundStatus::Open,
        RoundStatus::Closed,
        RoundStatus::Publicized,
        RoundStatus::Final,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Draft => "draft",
            RoundStatus::Open => "open",
            RoundStatus::Closed => "closed",
            RoundStatus::Publicized => "publicized",
            RoundStatus::Final => "final",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RoundStatus::Draft => "草稿",
            RoundStatus::Open => "评议中",
            RoundStatus::Closed => "已截止",
            RoundStatus::Publicized => "公示中",
            RoundStatus::Final => "已定稿",
        }
    }

    pub fn parse(s: &str) -> Option<RoundStatus> {
        RoundStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The settings may change (not once the round is closed).
    pub fn settings_editable(self) -> bool {
        matches!(self, RoundStatus::Draft | RoundStatus::Open)
    }

    /// Vetoes may be given or lifted (any time before final).
    pub fn vetoes_editable(self) -> bool {
        self != RoundStatus::Final
    }

    /// The results are published (units see them, objections are possible).
    pub fn published(self) -> bool {
        matches!(self, RoundStatus::Publicized | RoundStatus::Final)
    }
}

/// A step of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Open,
    Close,
    Publish,
    Finalize,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::Open,
        Action::Close,
        Action::Publish,
        Action::Finalize,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Open => "open",
            Action::Close => "close",
            Action::Publish => "publish",
            Action::Finalize => "finalize",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Action::Open => "开始评议",
            Action::Close => "截止评议",
            Action::Publish => "公示结果",
            Action::Finalize => "定稿",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The status the action leaves from.
    pub fn from(self) -> RoundStatus {
        match self {
            Action::Open => RoundStatus::Draft,
            Action::Close => RoundStatus::Open,
            Action::Publish => RoundStatus::Closed,
            Action::Finalize => RoundStatus::Publicized,
        }
    }

    /// The status the action leads to.
    pub fn to(self) -> RoundStatus {
        match self {
            Action::Open => RoundStatus::Open,
            Action::Close => RoundStatus::Closed,
            Action::Publish => RoundStatus::Publicized,
            Action::Finalize => RoundStatus::Final,
        }
    }
}

/// The last day of a 公示 published on `on` for `days` working days (`on`
/// not counted); objections are accepted until the end of that day. A year
/// without a calendar counts as ordinary weeks (as request deadlines do).
pub fn notice_ends(cal: &Calendar, on: NaiveDate, days: i64) -> NaiveDate {
    cal.add_working_days_provisional(on, days).0
}

/// Checks an action on a round in `status` on day `today`: `on` is the day
/// the action takes effect (the 公示's first day for `publish`, never in the
/// future); `notice_end` the last day of the 公示 for `finalize`.
pub fn check(
    status: RoundStatus,
    action: Action,
    today: NaiveDate,
    on: NaiveDate,
    notice_end: Option<NaiveDate>,
) -> Result<RoundStatus, String> {
    if status != action.from() {
        return Err(format!(
            "评议当前为“{}”，不能{}（只能在“{}”时{}）",
            status.label(),
            action.label(),
            action.from().label(),
            action.label()
        ));
    }
    if on > today {
        return Err(format!("日期 {on} 晚于今天，不能{}", action.label()));
    }
    if action == Action::Finalize {
        match notice_end {
            Some(end) if today > end => {}
            Some(end) => {
                return Err(format!(
                    "公示期到 {end} 结束，期间可以提出异议；公示期满后才能定稿"
                ));
            }
            None => return Err("评议没有公示日期，不能定稿".into()),
        }
    }
    Ok(action.to())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn each_action_leaves_from_one_status_only() {
        let t = d("2026-12-01");
        for a in Action::ALL {
            for s in RoundStatus::ALL {
                let r = check(s, a, t, t, Some(d("2026-11-20")));
                assert_eq!(r.is_ok(), s == a.from(), "{s:?} {a:?}: {r:?}");
            }
        }
        assert!(
            check(RoundStatus::Final, Action::Open, t, t, None)
                .unwrap_err()
                .contains("已定稿")
        );
    }

    #[test]
    fn a_notice_is_never_dated_in_the_future_and_final_waits_for_its_end() {
        let t = d("2026-12-01");
        assert!(
            check(
                RoundStatus::Closed,
                Action::Publish,
                t,
                d("2026-12-02"),
                None
            )
            .is_err()
        );
        assert!(
            check(
                RoundStatus::Closed,
                Action::Publish,
                t,
                d("2026-11-02"),
                None
            )
            .is_ok()
        );
        // The last day of the notice still takes objections.
        let end = Some(d("2026-12-01"));
        assert!(check(RoundStatus::Publicized, Action::Finalize, t, t, end).is_err());
        assert!(
            check(
                RoundStatus::Publicized,
                Action::Finalize,
                d("2026-12-02"),
                d("2026-12-02"),
                end
            )
            .is_ok()
        );
    }

    #[test]
    fn the_notice_ends_five_working_days_after_it_is_posted() {
        let cal = Calendar::builtin();
        // Friday 2026-11-27: Mon 30, Tue 1, Wed 2, Thu 3, Fri 4.
        assert_eq!(notice_ends(&cal, d("2026-11-27"), 5), d("2026-12-04"));
    }
}
