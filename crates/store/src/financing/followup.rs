//! Overdue steps — the chosen institution late to contact the enterprise or
//! to decide — and the office's reminders (催办) of them, on the same
//! working-day calendar as requests.

use super::{NeedRecord, day};
use crate::audit;
use crate::requests::Viewer;
use crate::{Result, Store, StoreError, now_text};
use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::financing::{Facts, State, Step};
use domain::users::{FieldError, Role};
use serde::Serialize;
use sqlx::Row;

/// A reminder (催办) of an overdue step.
#[derive(Debug, Clone, Serialize)]
pub struct Reminder {
    pub unit_code: String,
    pub unit_name: String,
    pub step: Step,
    pub note: String,
    pub reminded_on: NaiveDate,
    pub reminded_by: String,
}

/// A need with a step past its due date.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueNeed {
    pub need: NeedRecord,
    pub state: State,
    pub step: Step,
    pub due: NaiveDate,
    /// Working days since the due date.
    pub days_late: i64,
}

impl OverdueNeed {
    /// The institution that owes the step: (code, name).
    pub fn institution(&self) -> (String, String) {
        let code = self
            .state
            .chosen
            .as_ref()
            .map(|c| c.0.clone())
            .unwrap_or_default();
        let name = self
            .need
            .claims
            .iter()
            .find(|c| c.unit_code == code)
            .map(|c| c.unit_name.clone())
            .unwrap_or_else(|| code.clone());
        (code, name)
    }
}

impl Store {
    /// The reminders of a need, oldest first.
    pub async fn financing_reminders(&self, need_id: i64) -> Result<Vec<Reminder>> {
        sqlx::query(
            "SELECT u.code, u.name, r.step, r.note, r.reminded_on, r.reminded_by FROM financing_reminders r \
             JOIN org_units u ON u.id = r.unit_id WHERE r.need_id = $1 ORDER BY r.id",
        )
        .bind(need_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(Reminder {
                unit_code: r.try_get("code")?,
                unit_name: r.try_get("name")?,
                step: Step::parse(&r.try_get::<String, _>("step")?).unwrap_or(Step::Contact),
                note: r.try_get("note")?,
                reminded_on: day(r.try_get("reminded_on")?),
                reminded_by: r.try_get("reminded_by")?,
            })
        })
        .collect()
    }

    /// The needs with a step overdue on `today`, longest late first: for
    /// the office and leaders all, for an institution's user those its
    /// institution owes, for an enterprise its own. The candidates (claimed
    /// and undecided) are read in one query with what the rules need.
    pub async fn financing_overdue(
        &self,
        v: &Viewer,
        cal: &Calendar,
        today: NaiveDate,
    ) -> Result<Vec<OverdueNeed>> {
        let rows = sqlx::query(
            "SELECT n.id, n.posted_on, n.chosen_on, c.code AS chosen_code, e.credit_code, \
               (SELECT MIN(o.on_date) FROM financing_outcomes o WHERE o.need_id = n.id AND o.kind = 'contact') AS contact_on, \
               (SELECT u.code FROM financing_claims k JOIN org_units u ON u.id = k.unit_id WHERE k.need_id = n.id AND k.position = 1) AS first_code, \
               (SELECT k.claimed_on FROM financing_claims k WHERE k.need_id = n.id AND k.position = 1) AS first_on \
             FROM financing_needs n JOIN enterprises e ON e.id = n.enterprise_id LEFT JOIN org_units c ON c.id = n.chosen_unit_id \
             WHERE EXISTS (SELECT 1 FROM financing_claims k WHERE k.need_id = n.id) \
               AND NOT EXISTS (SELECT 1 FROM financing_outcomes o WHERE o.need_id = n.id AND o.kind <> 'contact')",
        )
        .fetch_all(self.pool())
        .await?;
        let mut late = vec![];
        for r in &rows {
            let first: Option<(String, NaiveDate)> = r
                .try_get::<Option<String>, _>("first_code")?
                .zip(r.try_get::<Option<String>, _>("first_on")?.map(day));
            let chosen: Option<String> = r.try_get("chosen_code")?;
            let facts = Facts {
                posted_on: day(r.try_get("posted_on")?),
                claims: first.into_iter().collect(),
                choice: chosen.zip(r.try_get::<Option<String>, _>("chosen_on")?.map(day)),
                contact_on: r.try_get::<Option<String>, _>("contact_on")?.map(day),
                decision: None,
                loan: false,
            };
            let s = domain::financing::state(&facts, cal, today);
            let Some((step, due)) = s.overdue_step() else {
                continue;
            };
            let owner = s.chosen.as_ref().map(|c| c.0.as_str());
            let credit_code: String = r.try_get("credit_code")?;
            let visible = match v.role {
                Role::Unit => owner.is_some() && owner == v.unit_code.as_deref(),
                Role::Enterprise => v.enterprise_code.as_deref() == Some(credit_code.as_str()),
                _ => true,
            };
            if visible {
                let days_late = cal.working_days_between_provisional(due, today);
                late.push((r.try_get::<i64, _>("id")?, s, step, due, days_late));
            }
        }
        late.sort_by_key(|x| (std::cmp::Reverse(x.4), x.0));
        let mut out = vec![];
        for (id, state, step, due, days_late) in late {
            out.push(OverdueNeed {
                need: self.need_or_missing(id).await?,
                state,
                step,
                due,
                days_late,
            });
        }
        Ok(out)
    }

    /// The office reminds (催办) the chosen institution of the overdue step
    /// of each need, all or none; gives how many were reminded. A need with
    /// no overdue step is refused with the reason.
    pub async fn remind_financing(
        &self,
        v: &Viewer,
        ids: &[i64],
        note: &str,
        cal: &Calendar,
        today: NaiveDate,
    ) -> Result<usize> {
        if v.role != Role::Admin {
            return Err(StoreError::Forbidden("只有活动办公室可以催办".into()));
        }
        let note = note.trim();
        if note.chars().count() > 500 {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "note",
                "催办意见不能超过 500 个字",
            )]));
        }
        let text = if note.is_empty() {
            "请抓紧办理".to_string()
        } else {
            note.to_string()
        };
        let mut targets = vec![];
        for &id in ids {
            let n = self.need_or_missing(id).await?;
            let s = domain::financing::state(&n.facts(), cal, today);
            let Some((step, due)) = s.overdue_step() else {
                return Err(StoreError::Conflict(format!(
                    "融资需求 {id}（{}）没有逾期环节，无需催办",
                    n.enterprise_name
                )));
            };
            let unit = s.chosen.map(|c| c.0).unwrap_or_default();
            targets.push((id, step, due, unit));
        }
        let mut tx = self.begin().await?;
        for (id, step, due, unit) in &targets {
            sqlx::query(
                "INSERT INTO financing_reminders (need_id, unit_id, step, note, reminded_on, reminded_by, created_at) \
                 VALUES ($1, (SELECT id FROM org_units WHERE code = $2), $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(unit)
            .bind(step.as_str())
            .bind(&text)
            .bind(today.to_string())
            .bind(&v.actor.name)
            .bind(now_text())
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                &v.actor,
                "financing_need",
                &id.to_string(),
                "remind",
                None,
                Some(&serde_json::json!({"institution": unit, "step": step.as_str(), "due": due, "note": text})),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(targets.len())
    }
}
