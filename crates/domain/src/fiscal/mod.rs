//! Fiscal support chosen on merit (财政专项资金择优扶持), exactly as RULES.md
//! section 5: eligibility from the registry with a reason per failed rule,
//! the expert score (trimmed mean from 5 experts, at least 3, less the
//! environmental deduction), the ranking with its tie-breaks and the budget
//! walk in whole yuan, the 公示 window and the performance grade.
//!
//! Scores are exact fractions (`evaluation::Score`): per-criterion marks are
//! kept in hundredths of a point, so no float decides a rank.

pub mod lifecycle;
pub mod plan;
#[cfg(test)]
mod tests;

pub use crate::evaluation::Score;
use chrono::NaiveDate;
pub use lifecycle::{Action, AppStatus, Status};
use serde::{Deserialize, Serialize};

/// Default support share: 10% of the eligible investment, in basis points.
pub const DEFAULT_SHARE_BP: i64 = 1000;
/// Default cap per project.
pub const DEFAULT_CAP_YUAN: i64 = 1_500_000;
/// Default passing score, in hundredths.
pub const DEFAULT_PASSING: i64 = 6000;
/// Working days of the 公示, unless a programme sets its own.
pub const PUBLICITY_DAYS: i64 = 7;
/// At least this many experts must score an application.
pub const MIN_EXPERTS: usize = 3;
/// From this many experts on, one highest and one lowest total are dropped.
pub const TRIM_FROM: usize = 5;

/// The eligibility rules of a programme, each on or off (all on by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rules {
    /// The project exists in the registry and is approved (立项).
    pub project_approved: bool,
    /// The enterprise is not class D in the last final per-mu evaluation.
    pub not_class_d: bool,
    /// Its latest credit rating is not C or D.
    pub rating_not_c_or_d: bool,
    /// No veto credit event in the 2 years before the submission.
    pub no_veto_in_2_years: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            project_approved: true,
            not_class_d: true,
            rating_not_c_or_d: true,
            no_veto_in_2_years: true,
        }
    }
}

/// What eligibility reads of the registry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The project is in the registry and belongs to the enterprise.
    pub project_found: bool,
    pub project_approved: bool,
    /// The class in the last final per-mu evaluation.
    pub per_mu_class: Option<String>,
    pub credit_rating: Option<String>,
    /// Dates of the enterprise's veto credit events.
    pub vetoes: Vec<NaiveDate>,
}

/// The reasons (in Chinese) an application fails the rules on `on`; none: eligible.
pub fn eligibility(rules: &Rules, f: &Facts, on: NaiveDate) -> Vec<String> {
    let mut out = vec![];
    if !f.project_found {
        out.push("项目不在项目库中，或不属于申报企业".to_string());
    } else if rules.project_approved && !f.project_approved {
        out.push("项目尚未立项（审批、核准或备案）".to_string());
    }
    if rules.not_class_d && f.per_mu_class.as_deref() == Some("D") {
        out.push("企业在最近一次亩均效益综合评价中为 D 类".to_string());
    }
    if rules.rating_not_c_or_d
        && let Some(r) = f.credit_rating.as_deref()
        && matches!(r.trim(), "C" | "D")
    {
        out.push(format!("企业最新信用等级为 {r}"));
    }
    if rules.no_veto_in_2_years {
        let since = on.checked_sub_months(chrono::Months::new(24)).unwrap_or(on);
        if let Some(d) = f.vetoes.iter().filter(|d| **d >= since && **d <= on).max() {
            out.push(format!("企业近两年内有一票否决事项（{d}）"));
        }
    }
    out
}

/// A criterion of the score sheet: its name and maximum, in points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    pub max: i64,
}

/// The default score sheet (sum 100).
pub fn default_criteria() -> Vec<Criterion> {
    [
        ("企业发展能力", 20),
        ("技术创新性", 35),
        ("产品市场", 25),
        ("经济社会效益", 20),
    ]
    .into_iter()
    .map(|(n, m)| Criterion {
        name: n.into(),
        max: m,
    })
    .collect()
}

/// Checks one expert's marks (hundredths of a point) against the sheet;
/// gives the total in hundredths, or the reason.
pub fn check_marks(criteria: &[Criterion], marks: &[i64]) -> Result<i64, String> {
    if marks.len() != criteria.len() {
        return Err(format!(
            "应按评分表的 {} 项逐项打分，实际 {} 项",
            criteria.len(),
            marks.len()
        ));
    }
    for (c, m) in criteria.iter().zip(marks) {
        if *m < 0 || *m > c.max * 100 {
            return Err(format!("“{}”的得分应在 0 至 {} 分之间", c.name, c.max));
        }
    }
    Ok(marks.iter().sum())
}

/// An application's score from its scoring experts' totals (hundredths),
/// less the deduction (hundredths): the mean after dropping one highest and
/// one lowest total when there are at least 5; none below 3 experts. Never
/// below zero.
pub fn application_score(totals: &[i64], deduction: i64) -> Option<Score> {
    if totals.len() < MIN_EXPERTS {
        return None;
    }
    let mut t = totals.to_vec();
    t.sort_unstable();
    let kept = if t.len() >= TRIM_FROM {
        &t[1..t.len() - 1]
    } else {
        &t[..]
    };
    let k = kept.len() as i128;
    let sum: i128 = kept.iter().map(|&x| i128::from(x)).sum();
    let num = (sum - i128::from(deduction) * k).max(0);
    Some(Score::new(num, 100 * k))
}

/// An application as the ranking reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub code: String,
    /// When it was (last) submitted, as sortable text (RFC 3339).
    pub submitted_at: String,
    pub score: Score,
    pub amount_yuan: i64,
    pub eligible_investment_yuan: i64,
}

/// The support rule of a programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    pub budget_yuan: i64,
    /// Share of the eligible investment, in basis points.
    pub share_bp: i64,
    pub cap_yuan: i64,
    /// Passing score, in hundredths.
    pub passing: i64,
}

/// A ranked application and its award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Awarded {
    pub id: i64,
    pub rank: i64,
    pub award_yuan: i64,
}

/// Ranks the candidates with a passing score (score desc, then earlier
/// submission, then code) and walks the ranking with the remaining budget:
/// award = min(ask, share × eligible investment rounded down, cap,
/// remaining); the walk stops when the budget is spent (later ones get 0).
pub fn rank_and_award(candidates: &[Candidate], s: &Support) -> Vec<Awarded> {
    let passing = Score::new(i128::from(s.passing), 100);
    let mut ranked: Vec<&Candidate> = candidates.iter().filter(|c| c.score >= passing).collect();
    ranked.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.submitted_at.cmp(&b.submitted_at))
            .then_with(|| a.code.cmp(&b.code))
    });
    let mut left = s.budget_yuan.max(0);
    ranked
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let by_share =
                (i128::from(c.eligible_investment_yuan) * i128::from(s.share_bp) / 10_000) as i64;
            let award = c.amount_yuan.min(by_share).min(s.cap_yuan).min(left).max(0);
            left -= award;
            Awarded {
                id: c.id,
                rank: i as i64 + 1,
                award_yuan: award,
            }
        })
        .collect()
}

/// The last day of a 公示 of `days` working days that starts on
/// `published_on`: the `days`-th working day after it (finalizing is
/// allowed from that day).
pub fn publicity_ends(
    cal: &crate::calendar::Calendar,
    published_on: NaiveDate,
    days: i64,
) -> NaiveDate {
    cal.add_working_days_provisional(published_on, days).0
}

/// The performance grade of a self-evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Excellent,
    Good,
    Fair,
    Poor,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Good => "good",
            Grade::Fair => "fair",
            Grade::Poor => "poor",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优",
            Grade::Good => "良",
            Grade::Fair => "中",
            Grade::Poor => "差",
        }
    }
}

/// The maxima of the performance self-evaluation: budget execution,
/// output, benefit, satisfaction.
pub const PERFORMANCE_MAX: [(&str, i64); 4] =
    [("预算执行", 10), ("产出", 50), ("效益", 30), ("满意度", 10)];

/// The total and grade of a self-evaluation (whole points within the
/// maxima): 优 >= 90, 良 >= 80, 中 >= 60, 差 < 60 (差 marks the award for
/// clawback review).
pub fn performance(parts: [i64; 4]) -> Result<(i64, Grade), String> {
    for ((name, max), v) in PERFORMANCE_MAX.iter().zip(parts) {
        if !(0..=*max).contains(&v) {
            return Err(format!("“{name}”应在 0 至 {max} 分之间"));
        }
    }
    let total: i64 = parts.iter().sum();
    let grade = match total {
        90.. => Grade::Excellent,
        80..=89 => Grade::Good,
        60..=79 => Grade::Fair,
        _ => Grade::Poor,
    };
    Ok((total, grade))
}

/// A decimal in text (e.g. "18.5", "0.1") as an integer in 1/`scale`
/// units, exactly; none when it has more places than the scale allows.
pub fn parse_scaled(text: &str, places: u32) -> Option<i64> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > places as usize {
        return None;
    }
    let scale = 10i64.pow(places);
    let i: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let f: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<width$}", width = places as usize)
            .parse()
            .ok()?
    };
    let v = i.checked_mul(scale)?.checked_add(f)?;
    Some(if neg { -v } else { v })
}
