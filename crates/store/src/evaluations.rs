//! The year-end evaluation (评议): rounds with their settings, the ballots,
//! vetoes and objections (reads here, writes in `write`). The scores are
//! computed by `domain::evaluation` from what these reads give; a final
//! round keeps its results as they stood (`results_json`).

pub mod write;

use crate::org::Unit;
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::evaluation::{Group, Level, RoundResults, RoundStatus, Settings};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// A stored round.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub id: i64,
    pub campaign_id: i64,
    pub title: String,
    pub status: RoundStatus,
    pub settings: Settings,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    /// The first day of the 公示.
    pub published_on: Option<NaiveDate>,
    /// Its last day (objections until the end of it).
    pub notice_ends_on: Option<NaiveDate>,
    pub finalized_on: Option<NaiveDate>,
    /// The frozen results of a final round.
    pub results: Option<RoundResults>,
    /// The issued 通报.
    pub bulletin_id: Option<i64>,
    pub version: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A round in the list, with its ballots.
#[derive(Debug, Clone, Serialize)]
pub struct RoundRow {
    pub round: Round,
    pub enterprise_ballots: i64,
    pub grassroots_ballots: i64,
}

/// One ballot as stored, with the names behind the codes.
#[derive(Debug, Clone, Serialize)]
pub struct BallotRecord {
    pub id: i64,
    pub group: Group,
    pub respondent: String,
    pub respondent_name: String,
    pub unit_code: String,
    pub unit_name: String,
    pub level: Level,
    pub comment: String,
    /// online, paper, import or api.
    pub source: String,
    pub entered_by: String,
    pub updated_at: String,
}

/// Which ballots a list shows.
#[derive(Debug, Clone, Default)]
pub struct BallotFilter {
    pub unit: Option<String>,
    pub group: Option<Group>,
    pub respondent: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// A veto (一票否决).
#[derive(Debug, Clone, Serialize)]
pub struct Veto {
    pub unit_code: String,
    pub unit_name: String,
    pub reason: String,
    pub given_by: String,
    pub given_at: String,
}

/// An objection lodged during the 公示, and the office's answer.
#[derive(Debug, Clone, Serialize)]
pub struct Objection {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub reason: String,
    pub lodged_by: String,
    pub lodged_at: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
}

/// Ballots received per unit and group.
#[derive(Debug, Clone, Serialize)]
pub struct UnitProgress {
    pub code: String,
    pub name: String,
    pub enterprise: i64,
    pub grassroots: i64,
}

/// Who has answered a round so far.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub units: Vec<UnitProgress>,
    pub enterprise_ballots: i64,
    pub grassroots_ballots: i64,
    /// Enterprises that gave at least one ballot, of all registered.
    pub enterprises_answered: i64,
    pub enterprises_total: i64,
    /// Townships, sub-districts and zones that gave at least one ballot.
    pub grassroots_answered: i64,
    /// The grassroots units that have not answered (all of them: a few dozen).
    pub grassroots_missing: Vec<(String, String)>,
    /// The first enterprises (by name) that have not answered.
    pub enterprises_missing: Vec<(String, String)>,
}

/// How many valid ballots of each level a unit got from a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelCount {
    pub unit: String,
    pub group: Group,
    pub level: Level,
    pub count: i64,
}

/// The kinds of unit that answer as grassroots respondents.
pub const GRASSROOTS_KINDS: &str = "('township', 'sub_district', 'development_zone')";

pub(crate) fn group_str(g: Group) -> &'static str {
    match g {
        Group::Enterprise => "enterprise",
        Group::Grassroots => "grassroots",
    }
}

pub(crate) fn parse_group(s: &str) -> Option<Group> {
    match s {
        "enterprise" => Some(Group::Enterprise),
        "grassroots" => Some(Group::Grassroots),
        _ => None,
    }
}

fn opt_date(r: &AnyRow, col: &str) -> Result<Option<NaiveDate>> {
    Ok(r.try_get::<Option<String>, _>(col)?
        .and_then(|s| s.parse().ok()))
}

const ROUND_COLUMNS: &str = "id, campaign_id, title, status, settings_json, opened_on, closed_on, published_on, \
     notice_ends_on, finalized_on, results_json, bulletin_id, version, created_by, created_at, updated_at";

fn round_from_row(r: &AnyRow) -> Result<Round> {
    let bad =
        |what: &str, e: serde_json::Error| StoreError::Conflict(format!("评议{what}已损坏：{e}"));
    let settings: Settings = serde_json::from_str(&r.try_get::<String, _>("settings_json")?)
        .map_err(|e| bad("设置", e))?;
    let results = match r.try_get::<Option<String>, _>("results_json")? {
        Some(s) => Some(serde_json::from_str(&s).map_err(|e| bad("结果", e))?),
        None => None,
    };
    Ok(Round {
        id: r.try_get("id")?,
        campaign_id: r.try_get("campaign_id")?,
        title: r.try_get("title")?,
        status: RoundStatus::parse(&r.try_get::<String, _>("status")?)
            .unwrap_or(RoundStatus::Draft),
        settings,
        opened_on: opt_date(r, "opened_on")?,
        closed_on: opt_date(r, "closed_on")?,
        published_on: opt_date(r, "published_on")?,
        notice_ends_on: opt_date(r, "notice_ends_on")?,
        finalized_on: opt_date(r, "finalized_on")?,
        results,
        bulletin_id: r.try_get("bulletin_id")?,
        version: r.try_get("version")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn level_of(s: &str) -> Level {
    Level::parse(s).unwrap_or(Level::Basic)
}

impl Store {
    /// One round.
    pub async fn round(&self, id: i64) -> Result<Option<Round>> {
        let sql = format!("SELECT {ROUND_COLUMNS} FROM evaluation_rounds WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(round_from_row).transpose()
    }

    /// One round, or "not found" naming it.
    pub async fn round_or_missing(&self, id: i64) -> Result<Round> {
        self.round(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("编号为 {id} 的评议")))
    }

    /// The rounds of a campaign (or of all), newest first, with their ballots.
    pub async fn rounds(&self, campaign_id: Option<i64>) -> Result<Vec<RoundRow>> {
        let sql = format!(
            "SELECT {ROUND_COLUMNS}, \
             (SELECT COUNT(*) FROM evaluation_ballots b WHERE b.round_id = r.id AND b.grp = 'enterprise') AS e_ballots, \
             (SELECT COUNT(*) FROM evaluation_ballots b WHERE b.round_id = r.id AND b.grp = 'grassroots') AS g_ballots \
             FROM evaluation_rounds r WHERE ($1 IS NULL OR r.campaign_id = $1) ORDER BY r.created_at DESC, r.id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(campaign_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(RoundRow {
                    round: round_from_row(r)?,
                    enterprise_ballots: r.try_get("e_ballots")?,
                    grassroots_ballots: r.try_get("g_ballots")?,
                })
            })
            .collect()
    }

    /// The open rounds a respondent has not answered at all (its reminders).
    pub async fn rounds_awaiting(&self, group: Group, respondent: &str) -> Result<Vec<Round>> {
        let sql = format!(
            "SELECT {ROUND_COLUMNS} FROM evaluation_rounds r WHERE r.status = 'open' AND NOT EXISTS \
             (SELECT 1 FROM evaluation_ballots b WHERE b.round_id = r.id AND b.grp = $1 AND b.respondent = $2) \
             ORDER BY r.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(group_str(group))
            .bind(respondent)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(round_from_row).collect()
    }

    /// The units a round evaluates: the campaign's member units in the
    /// document's order, less those the settings leave out.
    pub async fn evaluated_units(&self, round: &Round) -> Result<Vec<Unit>> {
        Ok(self
            .campaign_members(round.campaign_id)
            .await?
            .into_iter()
            .filter(|u| !round.settings.excluded_units.contains(&u.code))
            .collect())
    }

    /// The grassroots respondents: townships, sub-districts and zones.
    pub async fn grassroots_units(&self) -> Result<Vec<Unit>> {
        Ok(self
            .units()
            .await?
            .into_iter()
            .filter(|u| u.kind.is_territorial())
            .collect())
    }

    /// Ballots per unit, group and level (what the scores are computed from).
    pub async fn ballot_levels(&self, round_id: i64) -> Result<Vec<LevelCount>> {
        let rows = sqlx::query(
            "SELECT u.code, b.grp, b.level, COUNT(*) AS n FROM evaluation_ballots b JOIN org_units u ON u.id = b.unit_id \
             WHERE b.round_id = $1 GROUP BY u.code, b.grp, b.level ORDER BY u.code, b.grp, b.level",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LevelCount {
                    unit: r.try_get("code")?,
                    group: parse_group(&r.try_get::<String, _>("grp")?)
                        .unwrap_or(Group::Enterprise),
                    level: level_of(&r.try_get::<String, _>("level")?),
                    count: r.try_get("n")?,
                })
            })
            .collect()
    }

    /// The ballots matching the filter, newest first, paged; and how many match.
    pub async fn ballots(
        &self,
        round_id: i64,
        f: &BallotFilter,
    ) -> Result<(Vec<BallotRecord>, i64)> {
        let filter = "FROM evaluation_ballots b JOIN org_units u ON u.id = b.unit_id \
             LEFT JOIN enterprises e ON b.grp = 'enterprise' AND e.credit_code = b.respondent \
             LEFT JOIN org_units t ON b.grp = 'grassroots' AND t.code = b.respondent \
             WHERE b.round_id = $1 AND ($2 IS NULL OR u.code = $2) AND ($3 IS NULL OR b.grp = $3) \
             AND ($4 IS NULL OR b.respondent = $4)";
        let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n {filter}"
        )))
        .bind(round_id)
        .bind(f.unit.as_deref())
        .bind(f.group.map(group_str))
        .bind(f.respondent.as_deref())
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        let sql = format!(
            "SELECT b.id, b.grp, b.respondent, COALESCE(e.name, t.name, b.respondent) AS respondent_name, \
             u.code AS unit_code, u.name AS unit_name, b.level, b.comment, b.source, b.entered_by, b.updated_at \
             {filter} ORDER BY b.updated_at DESC, b.id DESC LIMIT $5 OFFSET $6"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(round_id)
            .bind(f.unit.as_deref())
            .bind(f.group.map(group_str))
            .bind(f.respondent.as_deref())
            .bind(f.limit.clamp(1, 1000))
            .bind(f.offset.max(0))
            .fetch_all(self.pool())
            .await?;
        let list = rows
            .iter()
            .map(|r| {
                Ok(BallotRecord {
                    id: r.try_get("id")?,
                    group: parse_group(&r.try_get::<String, _>("grp")?)
                        .unwrap_or(Group::Enterprise),
                    respondent: r.try_get("respondent")?,
                    respondent_name: r.try_get("respondent_name")?,
                    unit_code: r.try_get("unit_code")?,
                    unit_name: r.try_get("unit_name")?,
                    level: level_of(&r.try_get::<String, _>("level")?),
                    comment: r.try_get("comment")?,
                    source: r.try_get("source")?,
                    entered_by: r.try_get("entered_by")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((list, total))
    }

    /// What the round has received: per unit, per group, who has answered.
    pub async fn round_progress(&self, round: &Round) -> Result<Progress> {
        let units = self.evaluated_units(round).await?;
        let mut per: HashMap<String, (i64, i64)> = HashMap::new();
        for c in self.ballot_levels(round.id).await? {
            let e = per.entry(c.unit).or_default();
            match c.group {
                Group::Enterprise => e.0 += c.count,
                Group::Grassroots => e.1 += c.count,
            }
        }
        let answered = |grp: &'static str| {
            sqlx::query("SELECT COUNT(DISTINCT respondent) AS n FROM evaluation_ballots WHERE round_id = $1 AND grp = $2")
                .bind(round.id)
                .bind(grp)
        };
        let enterprises_answered: i64 = answered("enterprise")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let grassroots_answered: i64 = answered("grassroots")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let enterprises_total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM enterprises")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let grassroots_missing = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT code, name FROM org_units u WHERE u.kind IN {GRASSROOTS_KINDS} AND NOT EXISTS \
             (SELECT 1 FROM evaluation_ballots b WHERE b.round_id = $1 AND b.grp = 'grassroots' AND b.respondent = u.code) \
             ORDER BY u.sort_order, u.id"
        )))
        .bind(round.id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("code")?, r.try_get("name")?)))
        .collect::<Result<Vec<_>>>()?;
        let enterprises_missing = sqlx::query(
            "SELECT credit_code, name FROM enterprises e WHERE NOT EXISTS \
             (SELECT 1 FROM evaluation_ballots b WHERE b.round_id = $1 AND b.grp = 'enterprise' AND b.respondent = e.credit_code) \
             ORDER BY name LIMIT 50",
        )
        .bind(round.id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("credit_code")?, r.try_get("name")?)))
        .collect::<Result<Vec<_>>>()?;
        let units: Vec<UnitProgress> = units
            .into_iter()
            .map(|u| {
                let (e, g) = per.get(&u.code).copied().unwrap_or_default();
                UnitProgress {
                    code: u.code,
                    name: u.name,
                    enterprise: e,
                    grassroots: g,
                }
            })
            .collect();
        Ok(Progress {
            enterprise_ballots: units.iter().map(|u| u.enterprise).sum(),
            grassroots_ballots: units.iter().map(|u| u.grassroots).sum(),
            units,
            enterprises_answered,
            enterprises_total,
            grassroots_answered,
            grassroots_missing,
            enterprises_missing,
        })
    }

    /// The vetoes of a round.
    pub async fn vetoes(&self, round_id: i64) -> Result<Vec<Veto>> {
        let rows = sqlx::query(
            "SELECT u.code, u.name, v.reason, v.given_by, v.given_at FROM evaluation_vetoes v \
             JOIN org_units u ON u.id = v.unit_id WHERE v.round_id = $1 ORDER BY v.given_at, u.code",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Veto {
                    unit_code: r.try_get("code")?,
                    unit_name: r.try_get("name")?,
                    reason: r.try_get("reason")?,
                    given_by: r.try_get("given_by")?,
                    given_at: r.try_get("given_at")?,
                })
            })
            .collect()
    }

    /// The objections of a round (of one unit, or all), oldest first.
    pub async fn objections(&self, round_id: i64, unit: Option<&str>) -> Result<Vec<Objection>> {
        let rows = sqlx::query(
            "SELECT o.id, u.code, u.name, o.reason, o.lodged_by, o.lodged_at, o.answer, o.answered_by, o.answered_at \
             FROM evaluation_objections o JOIN org_units u ON u.id = o.unit_id \
             WHERE o.round_id = $1 AND ($2 IS NULL OR u.code = $2) ORDER BY o.id",
        )
        .bind(round_id)
        .bind(unit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Objection {
                    id: r.try_get("id")?,
                    unit_code: r.try_get("code")?,
                    unit_name: r.try_get("name")?,
                    reason: r.try_get("reason")?,
                    lodged_by: r.try_get("lodged_by")?,
                    lodged_at: r.try_get("lodged_at")?,
                    answer: r.try_get("answer")?,
                    answered_by: r.try_get("answered_by")?,
                    answered_at: r.try_get("answered_at")?,
                })
            })
            .collect()
    }

    /// The units that handled an enterprise's requests submitted in `year`,
    /// most requests first (the questionnaire lists them first).
    pub async fn units_serving(&self, credit_code: &str, year: i32) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT u.code, COUNT(*) AS n FROM requests r JOIN enterprises e ON e.id = r.enterprise_id \
             JOIN org_units u ON u.id = r.unit_id WHERE e.credit_code = $1 AND substr(r.submitted_on, 1, 4) = $2 \
             GROUP BY u.code ORDER BY n DESC, u.code",
        )
        .bind(credit_code)
        .bind(year.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok(r.try_get("code")?)).collect()
    }
}
