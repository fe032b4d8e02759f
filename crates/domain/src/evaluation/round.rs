//! A whole round's results from its facts: each unit's ballots, request
//! shares and targets become the component scores, the composite, the rank
//! and the prize. The result keeps every input figure beside each score, so
//! the award list can be traced and a final round frozen as it stands.

use super::{
    Components, Group, Prize, Score, Settings, Share, UnitInput, group_score, rank_and_award,
    service_score, targets_score,
};
use serde::{Deserialize, Serialize};

/// What is known of one evaluated unit, in the document's order of units.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFacts {
    pub unit: String,
    pub name: String,
    /// The scores of the valid enterprise ballots for the unit.
    pub enterprise_scores: Vec<i64>,
    /// The scores of the valid grassroots ballots for the unit.
    pub grassroots_scores: Vec<i64>,
    /// On-time resolutions among its enterprise requests of the year.
    pub on_time: Share,
    /// Satisfied ratings (非常满意, 满意, 基本满意) among the rated ones.
    pub satisfied: Share,
    /// Targets it is responsible for that are achieved at the as-of date.
    pub targets_achieved: i64,
    /// Targets it is responsible for.
    pub targets_count: i64,
    /// The veto's reason (一票否决), if vetoed.
    pub veto: Option<String>,
}

/// One unit's line of the results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow {
    pub unit: String,
    pub name: String,
    pub enterprise: Option<Score>,
    pub enterprise_ballots: i64,
    pub grassroots: Option<Score>,
    pub grassroots_ballots: i64,
    pub service: Option<Score>,
    pub on_time: Share,
    pub satisfied: Share,
    pub targets: Option<Score>,
    pub targets_achieved: i64,
    pub targets_count: i64,
    pub composite: Option<Score>,
    /// 1-based; none when unranked (样本不足).
    pub rank: Option<usize>,
    pub veto: Option<String>,
    /// 1 first, 2 second, 3 third.
    pub prize: Option<Prize>,
    pub amount_yuan: i64,
}

impl UnitRow {
    /// Unranked for want of enterprise ballots.
    pub fn too_few_ballots(&self) -> bool {
        self.rank.is_none()
    }

    /// The valid ballots of a group.
    pub fn ballots(&self, g: Group) -> i64 {
        match g {
            Group::Enterprise => self.enterprise_ballots,
            Group::Grassroots => self.grassroots_ballots,
        }
    }
}

/// The results of a round: ranked units first in rank order, then the
/// unranked in document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundResults {
    pub units: Vec<UnitRow>,
    pub total_awarded_yuan: i64,
    /// Yuan per unit of the first, second and third prize.
    pub amounts: [i64; 3],
}

/// The name of a prize: 一等奖, 二等奖, 三等奖.
pub fn prize_label(p: Prize) -> &'static str {
    match p {
        1 => "一等奖",
        2 => "二等奖",
        _ => "三等奖",
    }
}

/// The stable identifier of a prize in the API: first, second, third.
pub fn prize_key(p: Prize) -> &'static str {
    match p {
        1 => "first",
        2 => "second",
        _ => "third",
    }
}

/// Scores, ranks and awards a round exactly as RULES.md section 1.
pub fn evaluate_round(facts: &[UnitFacts], s: &Settings, amounts: [i64; 3]) -> RoundResults {
    let components: Vec<Components> = facts
        .iter()
        .map(|f| Components {
            enterprise: group_score(&f.enterprise_scores, s.min_ballots.enterprise, s.trim_from),
            grassroots: group_score(&f.grassroots_scores, s.min_ballots.grassroots, s.trim_from),
            service: service_score(f.on_time, f.satisfied),
            targets: targets_score(f.targets_achieved, f.targets_count),
        })
        .collect();
    let inputs: Vec<UnitInput> = facts
        .iter()
        .zip(&components)
        .map(|(f, c)| UnitInput {
            unit: f.unit.clone(),
            components: *c,
            enterprise_ballots: f.enterprise_scores.len() as i64,
            vetoed: f.veto.is_some(),
        })
        .collect();
    let ranked = rank_and_award(&inputs, s, amounts);
    let units = ranked
        .units
        .into_iter()
        .map(|r| {
            let i = facts
                .iter()
                .position(|f| f.unit == r.unit)
                .expect("every result is of a unit given");
            let (f, c) = (&facts[i], &components[i]);
            UnitRow {
                unit: r.unit,
                name: f.name.clone(),
                enterprise: c.enterprise,
                enterprise_ballots: f.enterprise_scores.len() as i64,
                grassroots: c.grassroots,
                grassroots_ballots: f.grassroots_scores.len() as i64,
                service: c.service,
                on_time: f.on_time,
                satisfied: f.satisfied,
                targets: c.targets,
                targets_achieved: f.targets_achieved,
                targets_count: f.targets_count,
                composite: r.composite,
                rank: r.rank,
                veto: f.veto.clone(),
                prize: r.prize,
                amount_yuan: r.amount_yuan,
            }
        })
        .collect();
    RoundResults {
        units,
        total_awarded_yuan: ranked.total_awarded_yuan,
        amounts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, e: &[i64], g: &[i64]) -> UnitFacts {
        UnitFacts {
            unit: code.into(),
            name: format!("{code}局"),
            enterprise_scores: e.to_vec(),
            grassroots_scores: g.to_vec(),
            ..UnitFacts::default()
        }
    }

    /// RULES.md's worked example, end to end.
    #[test]
    fn the_worked_example_scores_65_25() {
        let mut u = unit("a", &[100, 80, 80, 60, 30, 0], &[80, 60, 60]);
        u.on_time = Share {
            count: 7,
            sample: 10,
        };
        u.satisfied = Share {
            count: 4,
            sample: 4,
        };
        u.targets_achieved = 2;
        u.targets_count = 3;
        let r = evaluate_round(&[u.clone()], &Settings::default(), [30_000, 20_000, 10_000]);
        let row = &r.units[0];
        assert_eq!(row.enterprise, Some(Score::new(125, 2)));
        assert_eq!(row.grassroots, Some(Score::new(200, 3)));
        assert_eq!(row.service, Some(Score::whole(70)));
        assert_eq!(row.targets, Some(Score::new(200, 3)));
        assert_eq!(row.composite, Some(Score::new(261, 4)));
        assert_eq!(row.composite.unwrap().display(), "65.25");
        assert_eq!(
            (row.rank, row.prize, row.amount_yuan),
            (Some(1), Some(1), 30_000)
        );
        // With only 4 enterprise ballots the unit is unranked.
        u.enterprise_scores = vec![100, 80, 80, 60];
        let r = evaluate_round(&[u], &Settings::default(), [30_000, 20_000, 10_000]);
        assert!(r.units[0].too_few_ballots());
        assert_eq!(r.units[0].enterprise, None);
        assert_eq!(r.total_awarded_yuan, 0);
    }

    #[test]
    fn a_vetoed_unit_in_the_prize_zone_keeps_its_rank_and_passes_its_prize_on() {
        let mut units: Vec<UnitFacts> = (0..4)
            .map(|i| unit(&format!("u{i}"), &[100 - 10 * i; 5], &[]))
            .collect();
        units[0].veto = Some("发生重大安全事故".into());
        let mut s = Settings::default();
        s.prizes.first_count = 1;
        s.prizes.second_count = 1;
        s.prizes.third_count = 9;
        let r = evaluate_round(&units, &s, [30_000, 20_000, 10_000]);
        let got: Vec<_> = r
            .units
            .iter()
            .map(|u| (u.unit.as_str(), u.rank, u.prize))
            .collect();
        assert_eq!(
            got,
            vec![
                ("u0", Some(1), None),
                ("u1", Some(2), Some(1)),
                ("u2", Some(3), Some(2)),
                ("u3", Some(4), Some(3)),
            ]
        );
        // A third prize count larger than the units left: every one left gets it.
        assert_eq!(r.total_awarded_yuan, 60_000);
    }

    #[test]
    fn frozen_results_keep_exact_scores() {
        let r = evaluate_round(
            &[unit("a", &[100, 80, 80], &[])],
            &{
                let mut s = Settings::default();
                s.min_ballots.enterprise = 3;
                s
            },
            [1, 2, 3],
        );
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"260/3\""), "{json}");
        let back: RoundResults = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }
}
