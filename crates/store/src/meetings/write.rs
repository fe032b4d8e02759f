//! Writing meetings: only the campaign office; every write checks its input,
//! owns its transaction and records an audit row in it.

use super::{AgendaSource, Decision, Meeting};
use crate::audit;
use crate::requests::write::NewActionItem;
use crate::requests::{RequestRecord, Viewer};
use crate::{Result, Store, StoreError, now_text};
use chrono::NaiveDate;
use domain::meetings::{MeetingInput, check_decision, check_mark_held, check_note};
use domain::requests::Status;
use domain::users::{FieldError, Role};
use serde_json::json;
use sqlx::Row;

fn office_only(v: &Viewer) -> Result<()> {
    if v.role == Role::Admin {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "只有活动办公室可以安排和记录联席会议".into(),
        ))
    }
}

fn meeting_json(m: &Meeting) -> serde_json::Value {
    json!({"title": m.title, "held_on": m.held_on, "start_time": m.start_time, "place": m.place,
           "chair": m.chair, "status": m.status.as_str(), "summary": m.summary})
}

impl Store {
    /// Schedules a meeting (status planned).
    pub async fn schedule_meeting(&self, v: &Viewer, input: &MeetingInput) -> Result<Meeting> {
        office_only(v)?;
        let f = input.check().map_err(StoreError::Invalid)?;
        let now = now_text();
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (title, held_on, start_time, place, chair, status, summary, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'planned', $6, $7, $8, $8) RETURNING id",
        )
        .bind(&f.title)
        .bind(f.held_on.to_string())
        .bind(&f.start_time)
        .bind(&f.place)
        .bind(&f.chair)
        .bind(&f.summary)
        .bind(&v.actor.name)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            &v.actor,
            "meeting",
            &id.to_string(),
            "schedule",
            None,
            Some(
                &json!({"title": f.title, "held_on": f.held_on, "start_time": f.start_time,
                         "place": f.place, "chair": f.chair, "summary": f.summary}),
            ),
        )
        .await?;
        tx.commit().await?;
        self.meeting_or_missing(id).await
    }

    /// Changes a meeting's title, date, time, place, chair or summary.
    pub async fn update_meeting(
        &self,
        v: &Viewer,
        id: i64,
        input: &MeetingInput,
    ) -> Result<Meeting> {
        office_only(v)?;
        let before = self.meeting_or_missing(id).await?;
        let f = input.check().map_err(StoreError::Invalid)?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE meetings SET title = $1, held_on = $2, start_time = $3, place = $4, chair = $5, summary = $6, \
             updated_at = $7 WHERE id = $8",
        )
        .bind(&f.title)
        .bind(f.held_on.to_string())
        .bind(&f.start_time)
        .bind(&f.place)
        .bind(&f.chair)
        .bind(&f.summary)
        .bind(now_text())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            &v.actor,
            "meeting",
            &id.to_string(),
            "update",
            Some(&meeting_json(&before)),
            Some(
                &json!({"title": f.title, "held_on": f.held_on, "start_time": f.start_time,
                         "place": f.place, "chair": f.chair, "summary": f.summary}),
            ),
        )
        .await?;
        tx.commit().await?;
        self.meeting_or_missing(id).await
    }

    /// Puts a topic on a planned meeting's agenda: a request escalated to the
    /// joint meeting, or a project lagging on `today`. An empty note on a
    /// project keeps the reasons it lags, as they stood.
    pub async fn add_agenda_item(
        &self,
        v: &Viewer,
        meeting_id: i64,
        source: &AgendaSource,
        note: &str,
        today: NaiveDate,
    ) -> Result<i64> {
        office_only(v)?;
        let m = self.meeting_or_missing(meeting_id).await?;
        if !m.status.agenda_open() {
            return Err(StoreError::Conflict("会议已召开，议题不能再变更".into()));
        }
        let mut note = check_note(note).map_err(|e| StoreError::Invalid(vec![e]))?;
        let (request_id, project_id, key) = match source {
            AgendaSource::Request(rid) => {
                let r = self.request(v, *rid).await?.ok_or_else(|| {
                    StoreError::Invalid(vec![FieldError::new(
                        "request_id",
                        format!("没有编号为 {rid} 的诉求"),
                    )])
                })?;
                if r.status != Status::Escalated {
                    return Err(StoreError::Invalid(vec![FieldError::new(
                        "request_id",
                        format!(
                            "诉求 {} 当前为“{}”，只有已提交联席会议的诉求可以列入议题",
                            r.code,
                            r.status.label()
                        ),
                    )]));
                }
                (Some(r.id), None, format!("request:{}", r.code))
            }
            AgendaSource::Project(code) => {
                let Some(p) = self
                    .lagging_projects(today)
                    .await?
                    .into_iter()
                    .find(|p| &p.code == code)
                else {
                    let field = FieldError::new(
                        "project_code",
                        if self.project(code).await?.is_some() {
                            format!("项目“{code}”目前没有滞后，不能列入议题")
                        } else {
                            format!("没有项目“{code}”")
                        },
                    );
                    return Err(StoreError::Invalid(vec![field]));
                };
                if note.is_empty() {
                    note = p.lag.summary();
                }
                (None, Some(p.id), format!("project:{code}"))
            }
        };
        let mut tx = self.begin().await?;
        still_planned(&mut tx, meeting_id).await?;
        let dup: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM meeting_agenda WHERE meeting_id = $1 AND (request_id = $2 OR project_id = $3)",
        )
        .bind(meeting_id)
        .bind(request_id)
        .bind(project_id)
        .fetch_one(&mut *tx)
        .await?;
        if dup > 0 {
            return Err(StoreError::Conflict("该议题已在本次会议议程中".into()));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meeting_agenda (meeting_id, position, request_id, project_id, note) \
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM meeting_agenda WHERE meeting_id = $1), $2, $3, $4) RETURNING id",
        )
        .bind(meeting_id)
        .bind(request_id)
        .bind(project_id)
        .bind(&note)
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            &v.actor,
            "meeting",
            &meeting_id.to_string(),
            "agenda_add",
            None,
            Some(&json!({"agenda_id": id, "item": key, "note": note})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Takes a topic off a planned meeting's agenda (not once a decision cites it).
    pub async fn remove_agenda_item(
        &self,
        v: &Viewer,
        meeting_id: i64,
        agenda_id: i64,
    ) -> Result<()> {
        office_only(v)?;
        let m = self.meeting_or_missing(meeting_id).await?;
        if !m.status.agenda_open() {
            return Err(StoreError::Conflict("会议已召开，议题不能再变更".into()));
        }
        let mut tx = self.begin().await?;
        still_planned(&mut tx, meeting_id).await?;
        let Some(row) = sqlx::query(
            "SELECT request_id, project_id, note FROM meeting_agenda WHERE id = $1 AND meeting_id = $2",
        )
        .bind(agenda_id)
        .bind(meeting_id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Err(StoreError::NotFound(format!("议题 {agenda_id}")));
        };
        let cited: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM meeting_decisions WHERE agenda_id = $1")
                .bind(agenda_id)
                .fetch_one(&mut *tx)
                .await?;
        if cited > 0 {
            return Err(StoreError::Conflict(
                "已有议定事项关联该议题，不能移出议程".into(),
            ));
        }
        sqlx::query("DELETE FROM meeting_agenda WHERE id = $1")
            .bind(agenda_id)
            .execute(&mut *tx)
            .await?;
        let before = json!({"agenda_id": agenda_id,
            "request_id": row.try_get::<Option<i64>, _>("request_id")?,
            "project_id": row.try_get::<Option<i64>, _>("project_id")?,
            "note": row.try_get::<String, _>("note")?});
        audit::record(
            &mut tx,
            &v.actor,
            "meeting",
            &meeting_id.to_string(),
            "agenda_remove",
            Some(&before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets the attending units (org unit codes), replacing the previous list.
    pub async fn set_attendees(&self, v: &Viewer, meeting_id: i64, units: &[String]) -> Result<()> {
        office_only(v)?;
        self.meeting_or_missing(meeting_id).await?;
        let all = self.units().await?;
        let mut ids = Vec::new();
        let mut errs = Vec::new();
        for code in units {
            match all.iter().find(|u| &u.code == code) {
                Some(u) if !ids.contains(&u.id) => ids.push(u.id),
                Some(_) => {}
                None => errs.push(FieldError::new("units", format!("没有单位“{code}”"))),
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        let before: Vec<String> = sqlx::query_scalar(
            "SELECT u.code FROM meeting_attendees a JOIN org_units u ON u.id = a.unit_id WHERE a.meeting_id = $1 ORDER BY u.code",
        )
        .bind(meeting_id)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM meeting_attendees WHERE meeting_id = $1")
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?;
        for id in &ids {
            sqlx::query("INSERT INTO meeting_attendees (meeting_id, unit_id) VALUES ($1, $2)")
                .bind(meeting_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let mut after: Vec<&String> = units.iter().collect();
        after.sort();
        after.dedup();
        audit::record(
            &mut tx,
            &v.actor,
            "meeting",
            &meeting_id.to_string(),
            "attendees",
            Some(&json!(before)),
            Some(&json!(after)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a decision, optionally about one of the meeting's agenda items.
    pub async fn add_decision(
        &self,
        v: &Viewer,
        meeting_id: i64,
        text: &str,
        agenda_id: Option<i64>,
    ) -> Result<Decision> {
        office_only(v)?;
        self.meeting_or_missing(meeting_id).await?;
        let text = check_decision(text).map_err(|e| StoreError::Invalid(vec![e]))?;
        let mut tx = self.begin().await?;
        if let Some(a) = agenda_id {
            let ok: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM meeting_agenda WHERE id = $1 AND meeting_id = $2",
            )
            .bind(a)
            .bind(meeting_id)
            .fetch_one(&mut *tx)
            .await?;
            if ok == 0 {
                return Err(StoreError::Invalid(vec![FieldError::new(
                    "agenda_id",
                    "所选议题不属于本次会议",
                )]));
            }
        }
        let row = sqlx::query(
            "INSERT INTO meeting_decisions (meeting_id, agenda_id, position, text) \
             VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM meeting_decisions WHERE meeting_id = $1), $3) \
             RETURNING id, position",
        )
        .bind(meeting_id)
        .bind(agenda_id)
        .bind(&text)
        .fetch_one(&mut *tx)
        .await?;
        let d = Decision {
            id: row.try_get("id")?,
            position: row.try_get("position")?,
            agenda_id,
            text,
        };
        audit::record(
            &mut tx,
            &v.actor,
            "meeting",
            &meeting_id.to_string(),
            "decision",
            None,
            Some(&json!({"decision_id": d.id, "agenda_id": agenda_id, "text": d.text})),
        )
        .await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Assigns an action item of a meeting to a unit with a deadline; it is
    /// then a request of kind action_item with the usual flow.
    pub async fn add_meeting_action_item(
        &self,
        v: &Viewer,
        item: &NewActionItem,
        today: NaiveDate,
    ) -> Result<RequestRecord> {
        office_only(v)?;
        self.meeting_or_missing(item.meeting_id).await?;
        self.add_action_item(v, item, today).await
    }

    /// Records that a meeting took place (its date reached, units attending).
    pub async fn mark_meeting_held(
        &self,
        v: &Viewer,
        meeting_id: i64,
        today: NaiveDate,
    ) -> Result<Meeting> {
        office_only(v)?;
        let m = self.meeting_or_missing(meeting_id).await?;
        let attendees: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM meeting_attendees WHERE meeting_id = $1")
                .bind(meeting_id)
                .fetch_one(self.pool())
                .await?;
        check_mark_held(m.status, m.held_on, attendees as usize, today)
            .map_err(StoreError::Conflict)?;
        let mut tx = self.begin().await?;
        let n = sqlx::query("UPDATE meetings SET status = 'held', updated_at = $1 WHERE id = $2 AND status = 'planned'")
            .bind(now_text())
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        crate::one_row_or_conflict(n, "该会议已被他人标记为已召开，请刷新")?;
        audit::record(
            &mut tx,
            &v.actor,
            "meeting",
            &meeting_id.to_string(),
            "held",
            Some(&json!({"status": "planned"})),
            Some(&json!({"status": "held"})),
        )
        .await?;
        tx.commit().await?;
        self.meeting_or_missing(meeting_id).await
    }
}

/// Holds a meeting's row for this transaction if it is still planned: a
/// topic added while someone marks the meeting held either lands before or
/// is refused, never after.
async fn still_planned(tx: &mut sqlx::Transaction<'_, sqlx::Any>, meeting_id: i64) -> Result<()> {
    let n = sqlx::query(
        "UPDATE meetings SET updated_at = updated_at WHERE id = $1 AND status = 'planned'",
    )
    .bind(meeting_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    crate::one_row_or_conflict(n, "会议已召开，议题不能再变更")
}
