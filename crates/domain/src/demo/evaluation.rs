//! The demo's year-end evaluation ballots: each demo enterprise rates some
//! member units, each township, sub-district and zone rates every one, with
//! levels leaning by unit so the ranking tells a story (a clear first, close
//! seconds, two units short of enterprise ballots), and a few comments.
//! Deterministic: the same seed gives the same ballots.

use super::rng::Rng;
use crate::evaluation::{Group, Level};

/// One demo ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoBallot {
    pub group: Group,
    pub respondent: String,
    pub unit: String,
    pub level: Level,
    pub comment: String,
}

const PRAISE: [&str; 4] = [
    "上门服务及时，帮助解决了实际困难",
    "办事效率高，材料一次告知",
    "政策解读清楚，联系人随叫随到",
    "协调有力，项目推进明显加快",
];
const CRITICISM: [&str; 3] = [
    "审批环节多，办理时间偏长",
    "反映的问题答复不够及时",
    "部门之间衔接不够，来回跑",
];

/// Ballots from `enterprises` (credit codes) and `grassroots` (unit codes)
/// for `units` (member unit codes, in order). The last two units get fewer
/// than five enterprise ballots (样本不足).
pub fn ballots(
    seed: u64,
    enterprises: &[String],
    grassroots: &[String],
    units: &[String],
) -> Vec<DemoBallot> {
    let mut rng = Rng::new(seed);
    let n = units.len();
    // A lean per unit: 0 (best) .. 3 (worst).
    let lean: Vec<u64> = (0..n).map(|i| [0, 1, 1, 2, 1, 2, 3, 1][i % 8]).collect();
    let level = |rng: &mut Rng, lean: u64| {
        let roll = rng.below(100) + lean * 12;
        match roll {
            0..=34 => Level::VerySatisfied,
            35..=74 => Level::Satisfied,
            75..=94 => Level::Basic,
            95..=109 => Level::Dissatisfied,
            _ => Level::VeryDissatisfied,
        }
    };
    let comment = |rng: &mut Rng, l: Level| {
        if !rng.chance(25) {
            return String::new();
        }
        match l {
            Level::VerySatisfied | Level::Satisfied => rng.pick(&PRAISE).to_string(),
            Level::Basic => String::new(),
            _ => rng.pick(&CRITICISM).to_string(),
        }
    };
    let mut out = vec![];
    for (k, e) in enterprises.iter().enumerate() {
        for (i, u) in units.iter().enumerate() {
            // The last two units: only the first three enterprises answer.
            let rated = if i + 2 >= n { k < 3 } else { rng.chance(35) };
            if !rated {
                continue;
            }
            let l = level(&mut rng, lean[i]);
            out.push(DemoBallot {
                group: Group::Enterprise,
                respondent: e.clone(),
                unit: u.clone(),
                level: l,
                comment: comment(&mut rng, l),
            });
        }
    }
    for g in grassroots {
        for (i, u) in units.iter().enumerate() {
            let l = level(&mut rng, lean[i]);
            out.push(DemoBallot {
                group: Group::Grassroots,
                respondent: g.clone(),
                unit: u.clone(),
                level: l,
                comment: comment(&mut rng, l),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_hundred_ballots_and_two_units_short_of_enterprise_ballots() {
        let e: Vec<String> = (0..60).map(|i| format!("E{i}")).collect();
        let g: Vec<String> = (0..11).map(|i| format!("G{i}")).collect();
        let u: Vec<String> = (0..25).map(|i| format!("U{i}")).collect();
        let b = ballots(7, &e, &g, &u);
        assert!((400..1200).contains(&b.len()), "{}", b.len());
        assert_eq!(b, ballots(7, &e, &g, &u), "deterministic");
        let enterprise_for = |unit: &str| {
            b.iter()
                .filter(|x| x.group == Group::Enterprise && x.unit == unit)
                .count()
        };
        assert_eq!(enterprise_for("U24"), 3);
        assert_eq!(enterprise_for("U23"), 3);
        assert!(enterprise_for("U0") >= 5);
        assert!(b.iter().any(|x| !x.comment.is_empty()));
    }
}
