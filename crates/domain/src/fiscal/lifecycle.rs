//! A programme's states (open → closed → scoring → ranked → 公示 → final)
//! and an application's (submitted → passed | returned → submitted … |
//! rejected).

use serde::{Deserialize, Serialize};

/// Where a programme stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Taking applications within its window.
    Open,
    /// The window closed; formal review goes on.
    Closed,
    /// Experts are scoring (from the first score).
    Scoring,
    /// Ranked and awarded within the budget.
    Ranked,
    /// In 公示: objections by name, answered by the office.
    Publicity,
    /// Final: frozen, the 资助计划 issued; payments and performance follow.
    Final,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Open,
        Status::Closed,
        Status::Scoring,
        Status::Ranked,
        Status::Publicity,
        Status::Final,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
            Status::Scoring => "scoring",
            Status::Ranked => "ranked",
            Status::Publicity => "publicity",
            Status::Final => "final",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "申报中",
            Status::Closed => "已截止（形式审查）",
            Status::Scoring => "专家评审中",
            Status::Ranked => "已排序",
            Status::Publicity => "公示中",
            Status::Final => "已定稿",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
    /// Ranks and awards are known.
    pub fn ranked(self) -> bool {
        matches!(self, Status::Ranked | Status::Publicity | Status::Final)
    }
}

/// What the office does to a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Close,
    Rank,
    Publish,
    Finalize,
}

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        match s.trim() {
            "close" => Some(Action::Close),
            "rank" => Some(Action::Rank),
            "publish" => Some(Action::Publish),
            "finalize" => Some(Action::Finalize),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Close => "close",
            Action::Rank => "rank",
            Action::Publish => "publish",
            Action::Finalize => "finalize",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Action::Close => "截止申报",
            Action::Rank => "排序并分配资金",
            Action::Publish => "公示",
            Action::Finalize => "定稿",
        }
    }
    /// The state the action leads to from `from`; the reason when it cannot.
    /// Ranking may be redone until the 公示.
    pub fn next(self, from: Status) -> Result<Status, String> {
        use Status::*;
        match (self, from) {
            (Action::Close, Open) => Ok(Closed),
            (Action::Rank, Closed | Scoring | Ranked) => Ok(Ranked),
            (Action::Publish, Ranked) => Ok(Publicity),
            (Action::Finalize, Publicity) => Ok(Final),
            (a, s) => Err(format!("专项资金“{}”状态下不能{}", s.label(), a.label())),
        }
    }
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppStatus {
    /// Waiting for formal review.
    Submitted,
    /// Returned for correction, with a reason; the enterprise resubmits.
    Returned,
    /// Passed formal review: the experts score it.
    Passed,
    /// Rejected, with a reason.
    Rejected,
}

impl AppStatus {
    pub const ALL: [AppStatus; 4] = [
        AppStatus::Submitted,
        AppStatus::Returned,
        AppStatus::Passed,
        AppStatus::Rejected,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AppStatus::Submitted => "submitted",
            AppStatus::Returned => "returned",
            AppStatus::Passed => "passed",
            AppStatus::Rejected => "rejected",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AppStatus::Submitted => "待形式审查",
            AppStatus::Returned => "退回修改",
            AppStatus::Passed => "形式审查通过",
            AppStatus::Rejected => "不予受理",
        }
    }
    pub fn parse(s: &str) -> Option<AppStatus> {
        AppStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
}
