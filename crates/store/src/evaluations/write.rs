//! Writes of the evaluation: creating a round and changing its settings,
//! the lifecycle, ballots (all or nothing, a later one replacing the
//! earlier), vetoes and objections. Each is one transaction checked against
//! the round's state (its status, or its `version` where the decision was
//! taken on what was read), with an audit row.

use super::{Round, group_str};
use crate::audit::{self, Actor};
use crate::requests::Viewer;
use crate::{Result, Store, StoreError, now_text, one_row_or_conflict};
use chrono::NaiveDate;
use domain::evaluation::lifecycle::{self, Action};
use domain::evaluation::{Group, Level, RoundResults, Settings};
use domain::users::{FieldError, Role};
use sqlx::Row;
use std::collections::HashMap;

/// A ballot as given, checked by the store with every other: `group` is
/// `enterprise` or `grassroots` (empty: the user's own group), `level` one
/// of the five level keys. The respondent may be left empty by an enterprise
/// or township user (it is then the user's own); codes or names are
/// accepted for the respondent and the unit.
#[derive(Debug, Clone, Default)]
pub struct NewBallot {
    pub group: String,
    pub respondent: String,
    pub unit: String,
    pub level: String,
    pub comment: String,
}

impl NewBallot {
    /// A ballot of known group and level.
    pub fn of(
        group: Group,
        respondent: &str,
        unit: &str,
        level: Level,
        comment: &str,
    ) -> NewBallot {
        NewBallot {
            group: group_str(group).into(),
            respondent: respondent.into(),
            unit: unit.into(),
            level: level.as_str().into(),
            comment: comment.into(),
        }
    }
}

/// The longest comment.
pub const COMMENT_MAX: usize = 500;

fn check_title(title: &str) -> Result<String> {
    let t = title.trim();
    if t.is_empty() || t.chars().count() > 100 {
        return Err(StoreError::Invalid(vec![FieldError::new(
            "title",
            "评议名称须为 1 到 100 个字",
        )]));
    }
    Ok(t.to_string())
}

impl Store {
    async fn check_settings(&self, campaign_id: i64, s: &Settings) -> Result<()> {
        let mut errs = s.check();
        let members: Vec<String> = self
            .campaign_members(campaign_id)
            .await?
            .into_iter()
            .map(|u| u.code)
            .collect();
        if let Some(as_of) = s.as_of {
            let c = self
                .campaign(campaign_id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("编号为 {campaign_id} 的年度活动")))?;
            if !(c.year..=c.year + 1).contains(&chrono::Datelike::year(&as_of)) {
                errs.push(FieldError::new(
                    "as_of",
                    format!("目标完成情况的截止日期应在 {} 年或次年内", c.year),
                ));
            }
        }
        for code in &s.excluded_units {
            if !members.contains(code) {
                errs.push(FieldError::new(
                    "excluded_units",
                    format!("“{code}”不是本年度活动的成员单位"),
                ));
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(errs))
        }
    }

    /// Creates a round in draft.
    pub async fn create_round(
        &self,
        actor: &Actor,
        campaign_id: i64,
        title: &str,
        settings: &Settings,
    ) -> Result<Round> {
        let title = check_title(title)?;
        self.check_settings(campaign_id, settings).await?;
        let json = serde_json::to_string(settings).expect("settings serialise");
        let now = now_text();
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO evaluation_rounds (campaign_id, title, status, settings_json, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'draft', $3, $4, $5, $5) RETURNING id",
        )
        .bind(campaign_id)
        .bind(&title)
        .bind(&json)
        .bind(&actor.name)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::record(
            &mut tx,
            actor,
            "evaluation",
            &id.to_string(),
            "create",
            None,
            Some(&serde_json::json!({"title": title, "settings": settings})),
        )
        .await?;
        tx.commit().await?;
        self.round_or_missing(id).await
    }

    /// Changes a round's settings while it is draft or open.
    pub async fn update_round_settings(
        &self,
        actor: &Actor,
        id: i64,
        s: &Settings,
    ) -> Result<Round> {
        let before = self.round_or_missing(id).await?;
        self.check_settings(before.campaign_id, s).await?;
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE evaluation_rounds SET settings_json = $2, version = version + 1, updated_at = $3 \
             WHERE id = $1 AND status IN ('draft', 'open')",
        )
        .bind(id)
        .bind(serde_json::to_string(s).expect("settings serialise"))
        .bind(now_text())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "评议已截止，设置不能再修改")?;
        audit::record(
            &mut tx,
            actor,
            "evaluation",
            &id.to_string(),
            "settings",
            Some(&serde_json::json!(before.settings)),
            Some(&serde_json::json!(s)),
        )
        .await?;
        tx.commit().await?;
        self.round_or_missing(id).await
    }

    /// Takes a step of the lifecycle on `on` (today unless given; the 公示
    /// may be dated in the past, never the future). `results` are the
    /// results to freeze, required to finalize; they must have been computed
    /// from the round at `expected_version`.
    #[allow(clippy::too_many_arguments)]
    pub async fn round_action(
        &self,
        actor: &Actor,
        id: i64,
        action: Action,
        today: NaiveDate,
        on: NaiveDate,
        cal: &domain::calendar::Calendar,
        results: Option<(&RoundResults, i64)>,
    ) -> Result<Round> {
        let r = self.round_or_missing(id).await?;
        let next = lifecycle::check(r.status, action, today, on, r.notice_ends_on)
            .map_err(StoreError::Conflict)?;
        let mut tx = self.begin().await?;
        let version = match (action, results) {
            (Action::Finalize, Some((_, v))) => v,
            (Action::Finalize, None) => {
                return Err(StoreError::Conflict("定稿需要先计算评议结果".into()));
            }
            _ => r.version,
        };
        if action == Action::Finalize {
            let open: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM evaluation_objections WHERE round_id = $1 AND answer IS NULL",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            if open > 0 {
                return Err(StoreError::Conflict(format!(
                    "还有 {open} 条异议未答复，答复后才能定稿"
                )));
            }
        }
        let (column, date) = match action {
            Action::Open => ("opened_on", on),
            Action::Close => ("closed_on", on),
            Action::Publish => ("published_on", on),
            Action::Finalize => ("finalized_on", on),
        };
        let notice_end = (action == Action::Publish)
            .then(|| lifecycle::notice_ends(cal, on, r.settings.notice_days).to_string());
        let results_json =
            results.map(|(x, _)| serde_json::to_string(x).expect("results serialise"));
        let sql = format!(
            "UPDATE evaluation_rounds SET status = $3, {column} = $4, \
             notice_ends_on = COALESCE($5, notice_ends_on), results_json = COALESCE($6, results_json), \
             version = version + 1, updated_at = $7 WHERE id = $1 AND version = $2 AND status = $8"
        );
        let n = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(version)
            .bind(next.as_str())
            .bind(date.to_string())
            .bind(notice_end)
            .bind(results_json)
            .bind(now_text())
            .bind(r.status.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "该评议已被他人修改，请刷新后再操作")?;
        audit::record(
            &mut tx,
            actor,
            "evaluation",
            &id.to_string(),
            action.as_str(),
            Some(&serde_json::json!({"status": r.status.as_str()})),
            Some(&serde_json::json!({"status": next.as_str(), "on": date.to_string()})),
        )
        .await?;
        tx.commit().await?;
        self.round_or_missing(id).await
    }

    /// Records ballots, all or nothing, while the round is open: every bad
    /// ballot is named by its index and field. The office names any
    /// respondent; an enterprise user answers for itself, a township user
    /// for its township. A ballot for the same respondent and unit replaces
    /// the earlier one. Returns how many were written.
    pub async fn submit_ballots(
        &self,
        v: &Viewer,
        round_id: i64,
        ballots: &[NewBallot],
        source: &str,
    ) -> Result<usize> {
        let round = self.round_or_missing(round_id).await?;
        let units: HashMap<String, (i64, String)> = self
            .evaluated_units(&round)
            .await?
            .into_iter()
            .flat_map(|u| {
                [
                    (u.code.clone(), (u.id, u.code.clone())),
                    (u.name.clone(), (u.id, u.code)),
                ]
            })
            .collect();
        let grassroots: HashMap<String, String> = self
            .grassroots_units()
            .await?
            .into_iter()
            .flat_map(|u| [(u.code.clone(), u.code.clone()), (u.name, u.code)])
            .collect();
        let own_grassroots = match (v.role, v.unit_code.as_deref()) {
            (Role::Unit, Some(u)) if grassroots.contains_key(u) => Some(u.to_string()),
            _ => None,
        };
        match v.role {
            Role::Admin | Role::Enterprise => {}
            Role::Unit if own_grassroots.is_some() => {}
            _ => {
                return Err(StoreError::Forbidden(
                    "只有企业、镇街（园区）和活动办公室可以填写评议票".into(),
                ));
            }
        }
        if ballots.is_empty() {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "body",
                "没有评议票",
            )]));
        }
        let mut errs = vec![];
        let mut rows: Vec<(Group, String, i64, Level, String)> = vec![];
        let mut seen: HashMap<(Group, String, i64), usize> = HashMap::new();
        for (i, b) in ballots.iter().enumerate() {
            let mut err =
                |field: &str, m: String| errs.push(FieldError::new(&format!("[{i}].{field}"), m));
            let group = match (b.group.trim(), v.role) {
                ("", Role::Enterprise) => Some(Group::Enterprise),
                ("", Role::Unit) => Some(Group::Grassroots),
                ("", _) => {
                    err(
                        "group",
                        "请填写评议组别：enterprise（企业）或 grassroots（基层）".into(),
                    );
                    None
                }
                (g, _) => {
                    let parsed = super::parse_group(g);
                    if parsed.is_none() {
                        err(
                            "group",
                            "评议组别应为 enterprise（企业）或 grassroots（基层）".into(),
                        );
                    }
                    parsed
                }
            };
            let group_ok = group.is_some();
            let group = group.unwrap_or(Group::Enterprise);
            let level = Level::parse(b.level.trim());
            if level.is_none() {
                err(
                    "level",
                    "评价等级应为 very_satisfied、satisfied、basic、dissatisfied 或 very_dissatisfied".into(),
                );
            }
            let given = b.respondent.trim();
            let respondent = match (v.role, group) {
                _ if !group_ok => None,
                (Role::Enterprise, Group::Enterprise) => {
                    let own = v.enterprise_code.clone().unwrap_or_default();
                    if !given.is_empty() && given != own {
                        err("respondent", "企业用户只能以本企业名义评议".into());
                    }
                    Some(own)
                }
                (Role::Enterprise, Group::Grassroots) => {
                    err("group", "企业用户的评议票属于企业评议（enterprise）".into());
                    None
                }
                (Role::Unit, Group::Grassroots) => {
                    let own = own_grassroots.clone().unwrap_or_default();
                    if !given.is_empty() && given != own && grassroots.get(given) != Some(&own) {
                        err("respondent", "镇街用户只能以本镇街名义评议".into());
                    }
                    Some(own)
                }
                (Role::Unit, Group::Enterprise) => {
                    err("group", "镇街用户的评议票属于基层评议（grassroots）".into());
                    None
                }
                (_, Group::Grassroots) if given.is_empty() => {
                    err("respondent", "请填写评议的镇街（代码或名称）".into());
                    None
                }
                (_, Group::Grassroots) => match grassroots.get(given) {
                    Some(code) => Some(code.clone()),
                    None => {
                        err("respondent", format!("“{given}”不是镇、街道或园区"));
                        None
                    }
                },
                (_, Group::Enterprise) if given.is_empty() => {
                    err(
                        "respondent",
                        "请填写评议企业的统一社会信用代码或名称".into(),
                    );
                    None
                }
                (_, Group::Enterprise) => {
                    let found = sqlx::query(
                        "SELECT credit_code FROM enterprises WHERE credit_code = $1 OR name = $1 ORDER BY credit_code LIMIT 2",
                    )
                    .bind(given)
                    .fetch_all(self.pool())
                    .await?;
                    match found.len() {
                        1 => Some(found[0].try_get::<String, _>("credit_code")?),
                        0 => {
                            err("respondent", format!("企业库中没有“{given}”"));
                            None
                        }
                        _ => {
                            err(
                                "respondent",
                                format!("有多家企业名为“{given}”，请填写统一社会信用代码"),
                            );
                            None
                        }
                    }
                }
            };
            let unit = match units.get(b.unit.trim()) {
                Some(u) => Some(u.0),
                None if b.unit.trim().is_empty() => {
                    err("unit", "请填写被评议单位".into());
                    None
                }
                None => {
                    err(
                        "unit",
                        format!("“{}”不是本次评议的被评议单位", b.unit.trim()),
                    );
                    None
                }
            };
            let comment = b.comment.trim().to_string();
            if comment.chars().count() > COMMENT_MAX {
                err("comment", format!("意见不能超过 {COMMENT_MAX} 个字"));
            }
            if let (Some(r), Some(u)) = (respondent, unit) {
                if let Some(first) = seen.insert((group, r.clone(), u), i) {
                    err(
                        "unit",
                        format!("与第 {} 条是同一评议人对同一单位的评议", first + 1),
                    );
                }
                if let Some(level) = level {
                    rows.push((group, r, u, level, comment));
                }
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let now = now_text();
        let mut tx = self.begin().await?;
        // Holds the round's row: a close waits for these ballots, and
        // ballots after a close are refused.
        let n = sqlx::query("UPDATE evaluation_rounds SET updated_at = updated_at WHERE id = $1 AND status = 'open'")
            .bind(round_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(format!(
                "评议“{}”当前不在评议期内，不接受评议票",
                round.title
            )));
        }
        for (group, respondent, unit, level, comment) in &rows {
            sqlx::query(
                "INSERT INTO evaluation_ballots (round_id, grp, respondent, unit_id, level, comment, source, entered_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (round_id, grp, respondent, unit_id) DO UPDATE SET level = excluded.level, \
                 comment = excluded.comment, source = excluded.source, entered_by = excluded.entered_by, updated_at = excluded.updated_at",
            )
            .bind(round_id)
            .bind(group_str(*group))
            .bind(respondent)
            .bind(unit)
            .bind(level.as_str())
            .bind(comment)
            .bind(source)
            .bind(&v.actor.name)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        audit::record(
            &mut tx,
            &v.actor,
            "evaluation",
            &round_id.to_string(),
            "ballots",
            None,
            Some(&serde_json::json!({"count": rows.len(), "source": source})),
        )
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    }

    /// Vetoes a unit (一票否决) with a reason, any time before final; a
    /// second veto of the same unit replaces the reason.
    pub async fn set_veto(
        &self,
        actor: &Actor,
        round_id: i64,
        unit: &str,
        reason: &str,
    ) -> Result<()> {
        let round = self.round_or_missing(round_id).await?;
        let reason = reason.trim();
        let mut errs = vec![];
        if reason.is_empty() || reason.chars().count() > 500 {
            errs.push(FieldError::new("reason", "否决理由须为 1 到 500 个字"));
        }
        let unit_id = self
            .evaluated_units(&round)
            .await?
            .into_iter()
            .find(|u| u.code == unit.trim())
            .map(|u| u.id);
        if unit_id.is_none() {
            errs.push(FieldError::new(
                "unit",
                format!("“{}”不是本次评议的被评议单位", unit.trim()),
            ));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        self.bump_unless_final(&mut tx, round_id).await?;
        sqlx::query("DELETE FROM evaluation_vetoes WHERE round_id = $1 AND unit_id = $2")
            .bind(round_id)
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO evaluation_vetoes (round_id, unit_id, reason, given_by, given_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(round_id)
        .bind(unit_id)
        .bind(reason)
        .bind(&actor.name)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "evaluation",
            &round_id.to_string(),
            "veto",
            None,
            Some(&serde_json::json!({"unit": unit.trim(), "reason": reason})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lifts a veto before final.
    pub async fn lift_veto(&self, actor: &Actor, round_id: i64, unit: &str) -> Result<()> {
        self.round_or_missing(round_id).await?;
        let mut tx = self.begin().await?;
        self.bump_unless_final(&mut tx, round_id).await?;
        let n = sqlx::query(
            "DELETE FROM evaluation_vetoes WHERE round_id = $1 AND unit_id = (SELECT id FROM org_units WHERE code = $2)",
        )
        .bind(round_id)
        .bind(unit.trim())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "对“{}”的一票否决",
                unit.trim()
            )));
        }
        audit::record(
            &mut tx,
            actor,
            "evaluation",
            &round_id.to_string(),
            "lift_veto",
            None,
            Some(&serde_json::json!({"unit": unit.trim()})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks the round changed (its results depend on it), refusing once final.
    async fn bump_unless_final(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        round_id: i64,
    ) -> Result<()> {
        let n = sqlx::query(
            "UPDATE evaluation_rounds SET version = version + 1, updated_at = $2 WHERE id = $1 AND status <> 'final'",
        )
        .bind(round_id)
        .bind(now_text())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "评议已定稿，结果不能再修改")
    }

    /// Lodges an objection during the 公示 (until the end of its last day):
    /// a unit for itself, the office for any evaluated unit.
    pub async fn lodge_objection(
        &self,
        v: &Viewer,
        round_id: i64,
        unit: &str,
        reason: &str,
        today: NaiveDate,
    ) -> Result<i64> {
        let round = self.round_or_missing(round_id).await?;
        let unit = unit.trim();
        match v.role {
            Role::Admin => {}
            Role::Unit if v.unit_code.as_deref() == Some(unit) => {}
            _ => {
                return Err(StoreError::Forbidden(
                    "只能对本单位的评议结果提出异议".into(),
                ));
            }
        }
        let unit_id = self
            .evaluated_units(&round)
            .await?
            .into_iter()
            .find(|u| u.code == unit)
            .map(|u| u.id)
            .ok_or_else(|| {
                StoreError::Invalid(vec![FieldError::new(
                    "unit",
                    format!("“{unit}”不是本次评议的被评议单位"),
                )])
            })?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 2000 {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "reason",
                "异议理由须为 1 到 2000 个字",
            )]));
        }
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE evaluation_rounds SET updated_at = updated_at WHERE id = $1 AND status = 'publicized' AND notice_ends_on >= $2",
        )
        .bind(round_id)
        .bind(today.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "只能在公示期内提出异议")?;
        let id: i64 = sqlx::query(
            "INSERT INTO evaluation_objections (round_id, unit_id, reason, lodged_by, lodged_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(round_id)
        .bind(unit_id)
        .bind(reason)
        .bind(&v.actor.name)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::record(
            &mut tx,
            &v.actor,
            "evaluation",
            &round_id.to_string(),
            "objection",
            None,
            Some(&serde_json::json!({"unit": unit, "reason": reason})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The office answers an objection (once), before final.
    pub async fn answer_objection(
        &self,
        actor: &Actor,
        round_id: i64,
        objection_id: i64,
        answer: &str,
    ) -> Result<()> {
        let answer = answer.trim();
        if answer.is_empty() || answer.chars().count() > 2000 {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "answer",
                "答复须为 1 到 2000 个字",
            )]));
        }
        let mut tx = self.begin().await?;
        self.bump_unless_final(&mut tx, round_id).await?;
        let n = sqlx::query(
            "UPDATE evaluation_objections SET answer = $3, answered_by = $4, answered_at = $5 \
             WHERE id = $1 AND round_id = $2 AND answer IS NULL",
        )
        .bind(objection_id)
        .bind(round_id)
        .bind(answer)
        .bind(&actor.name)
        .bind(now_text())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "该异议不存在或已答复")?;
        audit::record(
            &mut tx,
            actor,
            "evaluation",
            &round_id.to_string(),
            "answer_objection",
            None,
            Some(&serde_json::json!({"objection": objection_id, "answer": answer})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
