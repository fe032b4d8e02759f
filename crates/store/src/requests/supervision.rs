//! Supervision (督查催办): the requests past a limit with how many working
//! days each step is late, the office's reminders (催办) recorded on the
//! request as events, and the extensions waiting for the office.

use super::{RequestRecord, Viewer};
use crate::audit;
use crate::projects::date;
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::requests::StepState;
use domain::users::{FieldError, Role};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// A step past its limit.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueStep {
    /// 受理, 首次答复 or 办结.
    pub step: &'static str,
    pub due: NaiveDate,
    /// Working days after the due date up to the as-of date.
    pub working_days_late: i64,
}

/// An overdue request with its late steps and the reminders it has had.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueItem {
    pub record: RequestRecord,
    pub steps: Vec<OverdueStep>,
    pub urge_count: i64,
    pub last_urged_on: Option<NaiveDate>,
}

impl OverdueItem {
    /// The most working days any step is late.
    pub fn working_days_late(&self) -> i64 {
        self.steps
            .iter()
            .map(|s| s.working_days_late)
            .max()
            .unwrap_or(0)
    }
    /// The late steps, e.g. "首次答复、办结".
    pub fn steps_label(&self) -> String {
        self.steps
            .iter()
            .map(|s| s.step)
            .collect::<Vec<_>>()
            .join("、")
    }
    /// Whether the named step is late.
    pub fn has_step(&self, step: &str) -> bool {
        self.steps.iter().any(|s| s.step == step)
    }
}

/// An extension a unit asked for, waiting for the office.
#[derive(Debug, Clone, Serialize)]
pub struct PendingExtension {
    pub request_id: i64,
    pub code: String,
    pub title: String,
    pub unit_code: String,
    pub unit_name: String,
    pub days: i64,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
}

impl Store {
    /// The requests the viewer may see with a step past its limit at `as_of`,
    /// of one unit and category when given; by unit code, then the most late
    /// first. `as_of` reads the requests as they stand now: one finished
    /// since is not listed.
    pub async fn overdue_requests(
        &self,
        v: &Viewer,
        unit: Option<&str>,
        category: Option<&str>,
        as_of: NaiveDate,
    ) -> Result<Vec<OverdueItem>> {
        let records = self
            .requests(
                v,
                &super::Filter {
                    unit: unit.map(Into::into),
                    category: category.map(Into::into),
                    overdue_at: Some(as_of),
                    ..super::Filter::default()
                },
            )
            .await?;
        let cal = self.calendar().await?;
        let urges = self.urges().await?;
        let mut items: Vec<OverdueItem> = records
            .into_iter()
            .filter(|r| r.overdue(as_of))
            .map(|record| {
                let s = record.steps(as_of);
                let steps = [
                    ("受理", s.accept),
                    ("首次答复", s.reply),
                    ("办结", s.resolve),
                ]
                .into_iter()
                .filter_map(|(step, st)| match st {
                    Some(StepState::Overdue { due }) => Some(OverdueStep {
                        step,
                        due,
                        working_days_late: cal.working_days_between_provisional(due, as_of),
                    }),
                    _ => None,
                })
                .collect();
                let (urge_count, last_urged_on) =
                    urges.get(&record.id).copied().unwrap_or((0, None));
                OverdueItem {
                    record,
                    steps,
                    urge_count,
                    last_urged_on,
                }
            })
            .collect();
        items.sort_by(|a, b| {
            a.record
                .unit_code
                .cmp(&b.record.unit_code)
                .then_with(|| b.working_days_late().cmp(&a.working_days_late()))
                .then_with(|| a.record.code.cmp(&b.record.code))
        });
        Ok(items)
    }

    /// How often each request was urged, and when last.
    async fn urges(&self) -> Result<HashMap<i64, (i64, Option<NaiveDate>)>> {
        sqlx::query(
            "SELECT request_id, COUNT(*) AS n, MAX(on_date) AS last FROM request_events WHERE action = 'urge' GROUP BY request_id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<i64, _>("request_id")?,
                (r.try_get::<i64, _>("n")?, date(r.try_get("last")?)),
            ))
        })
        .collect()
    }

    /// The office urges (催办) the responsible unit on one request: an event
    /// on the request and an audit row; the status does not change.
    pub async fn urge_request(
        &self,
        v: &Viewer,
        id: i64,
        note: &str,
        today: NaiveDate,
    ) -> Result<()> {
        self.urge_requests(v, &[id], note, today).await.map(|_| ())
    }

    /// Urges several requests at once (a unit's overdue items), all or none.
    /// Gives how many were urged.
    pub async fn urge_requests(
        &self,
        v: &Viewer,
        ids: &[i64],
        note: &str,
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
        let mut targets = vec![];
        for &id in ids {
            let r = self
                .request(v, id)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("诉求 {id}")))?;
            if !r.status.with_unit() {
                return Err(StoreError::Conflict(format!(
                    "诉求 {} 的状态是“{}”，不在承办单位手中，无需催办",
                    r.code,
                    r.status.label()
                )));
            }
            let unit_id = match &r.unit_code {
                Some(c) => self.unit(c).await?.map(|u| u.id),
                None => None,
            };
            targets.push((r, unit_id));
        }
        let text = if note.is_empty() {
            "请抓紧办理".to_string()
        } else {
            note.to_string()
        };
        let mut tx = self.begin().await?;
        for (r, unit_id) in &targets {
            super::write::event(
                &mut tx,
                r.id,
                &v.actor,
                today,
                "urge",
                Some(r.status),
                r.status,
                *unit_id,
                &text,
            )
            .await?;
            audit::record(
                &mut tx,
                &v.actor,
                "request",
                &r.code,
                "urge",
                None,
                Some(&serde_json::json!({"unit": r.unit_code, "note": text, "on": today})),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(targets.len())
    }

    /// Extensions waiting for the office: all for the office and leaders,
    /// a unit's own for a unit, none for an enterprise. Oldest first.
    pub async fn pending_extensions(&self, v: &Viewer) -> Result<Vec<PendingExtension>> {
        let unit = match v.role {
            Role::Admin | Role::Leader => None,
            Role::Unit => Some(v.unit_code.clone().unwrap_or_else(|| "\u{0}none".into())),
            Role::Enterprise | Role::Expert => return Ok(vec![]),
        };
        sqlx::query(
            "SELECT r.id, r.code, r.title, u.code AS unit_code, u.name AS unit_name, x.days, x.reason, x.requested_by, x.requested_at \
             FROM request_extensions x JOIN requests r ON r.id = x.request_id JOIN org_units u ON u.id = x.unit_id \
             WHERE x.status = 'pending' AND ($1 IS NULL OR u.code = $1) ORDER BY x.requested_at, x.id",
        )
        .bind(unit)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(PendingExtension {
                request_id: r.try_get("id")?,
                code: r.try_get("code")?,
                title: r.try_get("title")?,
                unit_code: r.try_get("unit_code")?,
                unit_name: r.try_get("unit_name")?,
                days: r.try_get("days")?,
                reason: r.try_get("reason")?,
                requested_by: r.try_get("requested_by")?,
                requested_at: r.try_get("requested_at")?,
            })
        })
        .collect()
    }
}
