//! Financing (银企对接), exactly as RULES.md section 4: a need is open for
//! claims for 3 working days, the first 3 institutions win, the enterprise
//! chooses (the first claimant when the window ends without a choice), the
//! chosen institution records contact within 5 working days of the choice
//! and a decision within 20 working days of contact. Dates count on the
//! official calendar, like request deadlines; a step past its due date is
//! overdue from the next day.

pub mod promotion;
pub mod stats;
#[cfg(test)]
mod tests;

use crate::calendar::Calendar;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Working days a need is open for claims.
pub const CLAIM_DAYS: i64 = 3;
/// Institutions that may claim a need.
pub const MAX_CLAIMS: usize = 3;
/// Working days from the choice to contact.
pub const CONTACT_DAYS: i64 = 5;
/// Working days from contact to a decision.
pub const DECISION_DAYS: i64 = 20;

/// What the money is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    WorkingCapital,
    TechRenovation,
    Construction,
    Other,
}

impl Purpose {
    pub const ALL: [Purpose; 4] = [
        Purpose::WorkingCapital,
        Purpose::TechRenovation,
        Purpose::Construction,
        Purpose::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::WorkingCapital => "working_capital",
            Purpose::TechRenovation => "tech_renovation",
            Purpose::Construction => "construction",
            Purpose::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Purpose::WorkingCapital => "流动资金",
            Purpose::TechRenovation => "技术改造",
            Purpose::Construction => "项目建设",
            Purpose::Other => "其他",
        }
    }
    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim() || p.label() == s.trim())
    }
}

/// A step the chosen institution records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Contact,
    Credit,
    Loan,
    Decline,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 4] = [
        OutcomeKind::Contact,
        OutcomeKind::Credit,
        OutcomeKind::Loan,
        OutcomeKind::Decline,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Contact => "contact",
            OutcomeKind::Credit => "credit",
            OutcomeKind::Loan => "loan",
            OutcomeKind::Decline => "decline",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            OutcomeKind::Contact => "已对接",
            OutcomeKind::Credit => "授信",
            OutcomeKind::Loan => "放贷",
            OutcomeKind::Decline => "不予支持",
        }
    }
    pub fn parse(s: &str) -> Option<OutcomeKind> {
        OutcomeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }
    /// A decision: credit, loan or decline.
    pub fn decides(self) -> bool {
        self != OutcomeKind::Contact
    }
}

/// The last day claims are accepted: the 3rd working day after posting.
pub fn claim_deadline(cal: &Calendar, posted_on: NaiveDate) -> NaiveDate {
    cal.add_working_days_provisional(posted_on, CLAIM_DAYS).0
}

/// What is known of a need to derive where it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub posted_on: NaiveDate,
    /// Claimants in claim order: (institution code, claimed on).
    pub claims: Vec<(String, NaiveDate)>,
    /// An explicit choice: (institution, on).
    pub choice: Option<(String, NaiveDate)>,
    /// The first contact recorded.
    pub contact_on: Option<NaiveDate>,
    /// The first decision recorded: (kind, on).
    pub decision: Option<(OutcomeKind, NaiveDate)>,
    /// A loan was made.
    pub loan: bool,
}

/// Where a need stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Open for claims.
    Open,
    /// The window ended with no claim.
    Unclaimed,
    /// An institution is chosen; contact is due.
    Chosen,
    /// Contacted; a decision is due.
    Contacted,
    /// Credit granted or a loan made.
    Financed,
    Declined,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Unclaimed => "unclaimed",
            Status::Chosen => "chosen",
            Status::Contacted => "contacted",
            Status::Financed => "financed",
            Status::Declined => "declined",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "认领中",
            Status::Unclaimed => "无人认领",
            Status::Chosen => "待对接",
            Status::Contacted => "已对接待决定",
            Status::Financed => "已授信或放贷",
            Status::Declined => "不予支持",
        }
    }
}

/// A need's derived state on `today`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct State {
    pub status: Status,
    pub claim_deadline: NaiveDate,
    /// The chosen institution and the day of the choice (explicit, or the
    /// first claimant on the day the window ended).
    pub chosen: Option<(String, NaiveDate)>,
    pub contact_due: Option<NaiveDate>,
    pub decision_due: Option<NaiveDate>,
    /// A step is past its due date.
    pub overdue: bool,
}

/// A step the chosen institution owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Contact,
    Decision,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Contact => "contact",
            Step::Decision => "decision",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Step::Contact => "对接",
            Step::Decision => "作出决定",
        }
    }
    pub fn parse(s: &str) -> Option<Step> {
        [Step::Contact, Step::Decision]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

impl State {
    /// The step past its due date, with that date, when one is.
    pub fn overdue_step(&self) -> Option<(Step, NaiveDate)> {
        if !self.overdue {
            return None;
        }
        match self.status {
            Status::Chosen => self.contact_due.map(|d| (Step::Contact, d)),
            Status::Contacted => self.decision_due.map(|d| (Step::Decision, d)),
            _ => None,
        }
    }
}

/// Derives a need's state.
pub fn state(f: &Facts, cal: &Calendar, today: NaiveDate) -> State {
    let claim_deadline = claim_deadline(cal, f.posted_on);
    let chosen = f.choice.clone().or_else(|| {
        (today > claim_deadline)
            .then(|| f.claims.first().map(|(c, _)| (c.clone(), claim_deadline)))
            .flatten()
    });
    let contact_due = chosen
        .as_ref()
        .map(|(_, on)| cal.add_working_days_provisional(*on, CONTACT_DAYS).0);
    let decision_due = f
        .contact_on
        .map(|on| cal.add_working_days_provisional(on, DECISION_DAYS).0);
    let status = match (&f.decision, f.contact_on, &chosen) {
        (Some((OutcomeKind::Decline, _)), _, _) => Status::Declined,
        (Some(_), _, _) => Status::Financed,
        (None, Some(_), _) => Status::Contacted,
        (None, None, Some(_)) => Status::Chosen,
        (None, None, None) if today > claim_deadline => Status::Unclaimed,
        _ => Status::Open,
    };
    let overdue = match status {
        Status::Chosen => contact_due.is_some_and(|d| today > d),
        Status::Contacted => decision_due.is_some_and(|d| today > d),
        _ => false,
    };
    State {
        status,
        claim_deadline,
        chosen,
        contact_due,
        decision_due,
        overdue,
    }
}

/// May `institution` claim now? The reason (in Chinese) when not.
pub fn may_claim(
    f: &Facts,
    cal: &Calendar,
    today: NaiveDate,
    institution: &str,
) -> Result<(), String> {
    let deadline = claim_deadline(cal, f.posted_on);
    if f.claims.iter().any(|(c, _)| c == institution) {
        return Err("本机构已认领该融资需求".into());
    }
    if f.choice.is_some() {
        return Err("企业已选定对接机构，不再接受认领".into());
    }
    if today > deadline {
        return Err(format!("认领期已于 {deadline} 结束"));
    }
    if f.claims.len() >= MAX_CLAIMS {
        return Err(format!("已有 {MAX_CLAIMS} 家机构认领，名额已满"));
    }
    Ok(())
}

/// May the enterprise (or the office) choose `institution` now?
pub fn may_choose(
    f: &Facts,
    cal: &Calendar,
    today: NaiveDate,
    institution: &str,
) -> Result<(), String> {
    if f.choice.is_some() {
        return Err("已经选定对接机构".into());
    }
    if today > claim_deadline(cal, f.posted_on) {
        return Err("认领期已结束，已按规则由最先认领的机构对接".into());
    }
    if !f.claims.iter().any(|(c, _)| c == institution) {
        return Err("只能在认领的机构中选择".into());
    }
    Ok(())
}
