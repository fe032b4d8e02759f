//! The year-end evaluation of the member units (评议) and the service awards
//! (优质服务单位), exactly as RULES.md section 1 fixes them: the component
//! scores, the weighted composite, the ranking with its tie-breaks and the
//! prize walk. Every score is an exact fraction (`Score`), so ties are real
//! ties and no float decides a rank; display rounds to 2 decimals.
//!
//! `score.rs` holds the exact fraction; `lifecycle.rs` a round's states;
//! `round.rs` a whole round's results from its facts; `notice.rs` the 通报
//! of the results; this file the rules.

pub mod lifecycle;
pub mod notice;
pub mod round;
mod score;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
pub use lifecycle::{Action, RoundStatus};
pub use round::{RoundResults, UnitFacts, UnitRow, evaluate_round};
pub use score::Score;
use serde::{Deserialize, Serialize};

/// The five levels of a ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    VerySatisfied,
    Satisfied,
    Basic,
    Dissatisfied,
    VeryDissatisfied,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::VerySatisfied,
        Level::Satisfied,
        Level::Basic,
        Level::Dissatisfied,
        Level::VeryDissatisfied,
    ];

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::VerySatisfied => "very_satisfied",
            Level::Satisfied => "satisfied",
            Level::Basic => "basic",
            Level::Dissatisfied => "dissatisfied",
            Level::VeryDissatisfied => "very_dissatisfied",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::VerySatisfied => "非常满意",
            Level::Satisfied => "满意",
            Level::Basic => "基本满意",
            Level::Dissatisfied => "不满意",
            Level::VeryDissatisfied => "非常不满意",
        }
    }
}

/// The two groups of respondents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Registered enterprises.
    Enterprise,
    /// Townships, sub-districts and development zones.
    Grassroots,
}

/// The weight of each component in the composite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub enterprise: i64,
    pub grassroots: i64,
    pub service: i64,
    pub targets: i64,
}

/// The score of each level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelScores {
    pub very_satisfied: i64,
    pub satisfied: i64,
    pub basic: i64,
    pub dissatisfied: i64,
    pub very_dissatisfied: i64,
}

impl LevelScores {
    pub fn of(&self, l: Level) -> i64 {
        match l {
            Level::VerySatisfied => self.very_satisfied,
            Level::Satisfied => self.satisfied,
            Level::Basic => self.basic,
            Level::Dissatisfied => self.dissatisfied,
            Level::VeryDissatisfied => self.very_dissatisfied,
        }
    }
}

/// The fewest valid ballots of a group for its score to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinBallots {
    pub enterprise: i64,
    pub grassroots: i64,
}

/// How many units win each prize.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrizeCounts {
    pub first_count: i64,
    pub second_count: i64,
    pub third_count: i64,
}

/// A round's settings, stored with it and frozen with its results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub weights: Weights,
    pub level_scores: LevelScores,
    pub min_ballots: MinBallots,
    /// From this many ballots on, one highest and one lowest are dropped.
    pub trim_from: i64,
    pub prizes: PrizeCounts,
    /// The lowest composite that may win a prize (none by default).
    pub min_prize_score: Option<i64>,
    /// The day the targets score is taken at (none: 31 December of the
    /// campaign year).
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
    /// Member units left out of this round (their codes).
    #[serde(default)]
    pub excluded_units: Vec<String>,
    /// Working days the 公示 lasts.
    #[serde(default = "default_notice_days")]
    pub notice_days: i64,
}

fn default_notice_days() -> i64 {
    5
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            weights: Weights {
                enterprise: 50,
                grassroots: 20,
                service: 20,
                targets: 10,
            },
            level_scores: LevelScores {
                very_satisfied: 100,
                satisfied: 80,
                basic: 60,
                dissatisfied: 30,
                very_dissatisfied: 0,
            },
            min_ballots: MinBallots {
                enterprise: 5,
                grassroots: 3,
            },
            trim_from: 5,
            prizes: PrizeCounts {
                first_count: 2,
                second_count: 3,
                third_count: 5,
            },
            min_prize_score: None,
            as_of: None,
            excluded_units: vec![],
            notice_days: default_notice_days(),
        }
    }
}

impl Settings {
    /// Every problem at once, in Chinese, by field.
    pub fn check(&self) -> Vec<crate::users::FieldError> {
        use crate::users::FieldError;
        let mut e = vec![];
        let w = self.weights;
        if [w.enterprise, w.grassroots, w.service, w.targets]
            .iter()
            .any(|x| !(0..=1000).contains(x))
        {
            e.push(FieldError::new("weights", "权重应为 0 至 1000 的整数"));
        }
        if w.enterprise == 0 {
            e.push(FieldError::new(
                "weights.enterprise",
                "企业评议的权重不能为 0：只有企业评议得分的单位参加排名",
            ));
        }
        let s = self.level_scores;
        let scores = [
            s.very_satisfied,
            s.satisfied,
            s.basic,
            s.dissatisfied,
            s.very_dissatisfied,
        ];
        if scores.iter().any(|x| !(0..=100).contains(x)) || scores.windows(2).any(|p| p[0] < p[1]) {
            e.push(FieldError::new(
                "level_scores",
                "各档分值应在 0 至 100 之间，且从非常满意到非常不满意不递增",
            ));
        }
        if self.min_ballots.enterprise < 1 || self.min_ballots.grassroots < 1 {
            e.push(FieldError::new("min_ballots", "最少有效票数至少为 1"));
        }
        if self.trim_from < 3 {
            e.push(FieldError::new(
                "trim_from",
                "去掉最高分和最低分的起始票数至少为 3",
            ));
        }
        let p = self.prizes;
        if [p.first_count, p.second_count, p.third_count]
            .iter()
            .any(|x| !(0..=100).contains(x))
        {
            e.push(FieldError::new("prizes", "各等奖名额应为 0 至 100"));
        }
        if self
            .min_prize_score
            .is_some_and(|m| !(0..=100).contains(&m))
        {
            e.push(FieldError::new(
                "min_prize_score",
                "获奖最低综合得分应为 0 至 100",
            ));
        }
        if !(1..=30).contains(&self.notice_days) {
            e.push(FieldError::new(
                "notice_days",
                "公示期应为 1 至 30 个工作日",
            ));
        }
        e
    }

    /// The day the targets score is taken at in a campaign of `year`.
    pub fn as_of_in(&self, year: i32) -> NaiveDate {
        self.as_of
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 12, 31).expect("a valid year"))
    }
}

/// The enterprise or grassroots score of a unit from its valid ballots'
/// scores: none below `min_ballots`; from `trim_from` ballots on, one highest
/// and one lowest dropped; the mean of the rest.
pub fn group_score(scores: &[i64], min_ballots: i64, trim_from: i64) -> Option<Score> {
    let n = scores.len() as i64;
    if n == 0 || n < min_ballots {
        return None;
    }
    let sum: i64 = scores.iter().sum();
    if n >= trim_from && n >= 3 {
        let (hi, lo) = (
            *scores.iter().max().expect("n > 0"),
            *scores.iter().min().expect("n > 0"),
        );
        Some(Score::new(i128::from(sum - hi - lo), i128::from(n - 2)))
    } else {
        Some(Score::new(i128::from(sum), i128::from(n)))
    }
}

/// A share with its sample: `count` of `sample`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Share {
    pub count: i64,
    pub sample: i64,
}

/// The smallest sample for a part of the service score.
pub const SERVICE_MIN_SAMPLE: i64 = 5;

/// The service score: the mean of the available parts among 100 × the
/// on-time resolution share and 100 × the satisfied share; a part is
/// available when its sample is at least 5. None when neither is.
pub fn service_score(on_time: Share, satisfied: Share) -> Option<Score> {
    let parts: Vec<Score> = [on_time, satisfied]
        .into_iter()
        .filter(|s| s.sample >= SERVICE_MIN_SAMPLE)
        .map(|s| Score::new(100 * i128::from(s.count), i128::from(s.sample)))
        .collect();
    Score::mean(&parts)
}

/// The targets score: 100 × achieved / count over the targets the unit is
/// responsible for; none when it is responsible for none.
pub fn targets_score(achieved: i64, count: i64) -> Option<Score> {
    (count > 0).then(|| Score::new(100 * i128::from(achieved), i128::from(count)))
}

/// A unit's four component scores (none where the rule says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Components {
    pub enterprise: Option<Score>,
    pub grassroots: Option<Score>,
    pub service: Option<Score>,
    pub targets: Option<Score>,
}

/// The weighted mean of the available components; none when none is
/// available or their weights add up to 0.
pub fn composite(c: &Components, w: &Weights) -> Option<Score> {
    let parts = [
        (c.enterprise, w.enterprise),
        (c.grassroots, w.grassroots),
        (c.service, w.service),
        (c.targets, w.targets),
    ];
    let mut num = Score::ZERO;
    let mut weights = 0i64;
    for (score, weight) in parts {
        if let Some(s) = score {
            num = num + s.times(i128::from(weight));
            weights += weight;
        }
    }
    (weights > 0).then(|| num.divided_by(i128::from(weights)))
}

/// One evaluated unit, in the document's order of member units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitInput {
    pub unit: String,
    pub components: Components,
    /// Valid enterprise ballots (a tie-break).
    pub enterprise_ballots: i64,
    /// Vetoed (一票否决): ranked and shown, but no prize.
    pub vetoed: bool,
}

/// A prize: 1 first, 2 second, 3 third.
pub type Prize = u8;

/// One unit's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitResult {
    pub unit: String,
    pub composite: Option<Score>,
    /// 1-based; none when unranked (no enterprise score: 样本不足).
    pub rank: Option<usize>,
    pub prize: Option<Prize>,
    pub amount_yuan: i64,
}

/// The results of a round: every unit in ranking order (ranked first, then
/// the unranked in document order) and the total awarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    pub units: Vec<UnitResult>,
    pub total_awarded_yuan: i64,
}

/// Ranks the units and walks the prizes. `units` are in the document's
/// order; `amounts` are the yuan per unit of the first, second and third
/// prize (the campaign's award scheme).
pub fn rank_and_award(units: &[UnitInput], s: &Settings, amounts: [i64; 3]) -> Results {
    let composites: Vec<Option<Score>> = units
        .iter()
        .map(|u| composite(&u.components, &s.weights))
        .collect();
    // Ranked: an enterprise score (and so a composite) is available.
    let mut ranked: Vec<usize> = (0..units.len())
        .filter(|&i| units[i].components.enterprise.is_some() && composites[i].is_some())
        .collect();
    ranked.sort_by(|&a, &b| {
        let (ua, ub) = (&units[a], &units[b]);
        composites[b]
            .cmp(&composites[a])
            .then(ub.components.enterprise.cmp(&ua.components.enterprise))
            // None last: Some(x) > None in Option's order, so b before a.
            .then(ub.components.service.cmp(&ua.components.service))
            .then(ub.enterprise_ballots.cmp(&ua.enterprise_ballots))
            .then(a.cmp(&b))
    });
    let quotas = [
        s.prizes.first_count.max(0) as usize,
        s.prizes.second_count.max(0) as usize,
        s.prizes.third_count.max(0) as usize,
    ];
    let mut tier = 0usize;
    let mut given = 0usize;
    let mut out = vec![];
    let mut total = 0i64;
    for (pos, &i) in ranked.iter().enumerate() {
        let u = &units[i];
        let eligible = !u.vetoed
            && s.min_prize_score
                .is_none_or(|m| composites[i].is_some_and(|c| c >= Score::whole(m)));
        let mut prize = None;
        if eligible {
            while tier < 3 && given >= quotas[tier] {
                tier += 1;
                given = 0;
            }
            if tier < 3 {
                prize = Some(tier as Prize + 1);
                given += 1;
            }
        }
        let amount = prize.map_or(0, |p| amounts[usize::from(p) - 1]);
        total += amount;
        out.push(UnitResult {
            unit: u.unit.clone(),
            composite: composites[i],
            rank: Some(pos + 1),
            prize,
            amount_yuan: amount,
        });
    }
    for (i, u) in units.iter().enumerate() {
        if !ranked.contains(&i) {
            out.push(UnitResult {
                unit: u.unit.clone(),
                composite: composites[i],
                rank: None,
                prize: None,
                amount_yuan: 0,
            });
        }
    }
    Results {
        units: out,
        total_awarded_yuan: total,
    }
}
