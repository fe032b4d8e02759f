//! The joint meeting (联席会议): scheduling, the agenda (escalated requests
//! and lagging projects), attending units, decisions, action items (rows of
//! `requests` of kind `action_item`, so they follow the request flow and show
//! in unit queues and overdue lists) and marking a meeting held. Only the
//! campaign office writes; every write records an audit row in its transaction.

use crate::audit;
use crate::projects::date;
use crate::requests::write::NewActionItem;
use crate::requests::{Filter, RequestRecord, Viewer};
use crate::{Result, Store, StoreError, now_text};
use chrono::NaiveDate;
use domain::meetings::lagging::{Lag, lagging};
use domain::meetings::{MeetingInput, MeetingStatus, check_decision, check_mark_held, check_note};
use domain::requests::Status;
use domain::users::{FieldError, Role};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

/// A stored meeting.
#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    pub id: i64,
    pub title: String,
    pub held_on: NaiveDate,
    /// `HH:MM` or empty.
    pub start_time: String,
    pub place: String,
    pub chair: String,
    pub status: MeetingStatus,
    pub summary: String,
    /// The meeting's number in its year (第N期), by date.
    pub number: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A meeting in the list, with its counts.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingRow {
    pub meeting: Meeting,
    pub agenda_count: i64,
    pub decision_count: i64,
    pub action_count: i64,
    /// Action items not yet closed or withdrawn.
    pub open_action_count: i64,
}

/// One topic on the agenda: an escalated request or a lagging project.
#[derive(Debug, Clone, Serialize)]
pub struct AgendaItem {
    pub id: i64,
    pub position: i64,
    pub request_id: Option<i64>,
    pub request_code: Option<String>,
    pub request_title: Option<String>,
    pub request_status: Option<Status>,
    pub enterprise_name: Option<String>,
    pub project_id: Option<i64>,
    pub project_code: Option<String>,
    pub project_name: Option<String>,
    pub note: String,
}

impl AgendaItem {
    /// The topic in one line, as the minutes state it.
    pub fn label(&self) -> String {
        let note = if self.note.is_empty() {
            String::new()
        } else {
            format!("：{}", self.note)
        };
        match (&self.request_title, &self.project_name) {
            (Some(t), _) => format!(
                "{}{}（诉求 {}）{note}",
                self.enterprise_name
                    .as_deref()
                    .map(|e| format!("{e}反映的"))
                    .unwrap_or_default(),
                t,
                self.request_code.as_deref().unwrap_or_default()
            ),
            (None, Some(p)) => format!(
                "{p}项目推进滞后（项目 {}）{note}",
                self.project_code.as_deref().unwrap_or_default()
            ),
            (None, None) => note.trim_start_matches('：').to_string(),
        }
    }
}

/// An attending unit.
#[derive(Debug, Clone, Serialize)]
pub struct Attendee {
    pub code: String,
    pub name: String,
}

/// A decision (会议议定事项), maybe about one agenda item.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub id: i64,
    pub position: i64,
    pub agenda_id: Option<i64>,
    pub text: String,
}

/// A meeting with everything its page and minutes show.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingDetail {
    pub meeting: Meeting,
    pub agenda: Vec<AgendaItem>,
    pub attendees: Vec<Attendee>,
    pub decisions: Vec<Decision>,
    /// The action items the viewer may see, newest first.
    pub action_items: Vec<RequestRecord>,
}

/// A project lagging today, and why (see `domain::meetings::lagging`).
#[derive(Debug, Clone, Serialize)]
pub struct LaggingProject {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub township_name: String,
    pub unit_name: String,
    pub lag: Lag,
}

/// Which meetings a list shows.
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub status: Option<MeetingStatus>,
    pub year: Option<i32>,
    /// Title, place or chair contains.
    pub q: Option<String>,
}

/// Where an agenda item comes from.
#[derive(Debug, Clone)]
pub enum AgendaSource {
    /// A request now escalated to the joint meeting, by id.
    Request(i64),
    /// A lagging project, by code.
    Project(String),
}

const MEETING_SELECT: &str = "SELECT m.id, m.title, m.held_on, m.start_time, m.place, m.chair, m.status, m.summary, \
     m.created_by, m.created_at, m.updated_at, \
     (SELECT COUNT(*) FROM meetings o WHERE substr(o.held_on, 1, 4) = substr(m.held_on, 1, 4) \
      AND (o.held_on < m.held_on OR (o.held_on = m.held_on AND o.id <= m.id))) AS number \
     FROM meetings m ";

fn meeting_from_row(r: &sqlx::any::AnyRow) -> Result<Meeting> {
    Ok(Meeting {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        held_on: date(r.try_get("held_on")?).unwrap_or_default(),
        start_time: r.try_get("start_time")?,
        place: r.try_get("place")?,
        chair: r.try_get("chair")?,
        status: MeetingStatus::parse(&r.try_get::<String, _>("status")?)
            .unwrap_or(MeetingStatus::Planned),
        summary: r.try_get("summary")?,
        number: r.try_get("number")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

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
        let mut tx = self.pool().begin().await?;
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
        let mut tx = self.pool().begin().await?;
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

    /// One meeting.
    pub async fn meeting(&self, id: i64) -> Result<Option<Meeting>> {
        let sql = format!("{MEETING_SELECT} WHERE m.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(meeting_from_row).transpose()
    }

    async fn meeting_or_missing(&self, id: i64) -> Result<Meeting> {
        self.meeting(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("编号为 {id} 的联席会议")))
    }

    /// The meetings matching the filter, newest first, with their counts.
    pub async fn meetings(&self, f: &MeetingFilter) -> Result<Vec<MeetingRow>> {
        let sql = format!(
            "SELECT x.*, \
             (SELECT COUNT(*) FROM meeting_agenda a WHERE a.meeting_id = x.id) AS agenda_count, \
             (SELECT COUNT(*) FROM meeting_decisions d WHERE d.meeting_id = x.id) AS decision_count, \
             (SELECT COUNT(*) FROM requests r WHERE r.meeting_id = x.id AND r.kind = 'action_item') AS action_count, \
             (SELECT COUNT(*) FROM requests r WHERE r.meeting_id = x.id AND r.kind = 'action_item' \
              AND r.status NOT IN ('closed', 'withdrawn')) AS open_action_count \
             FROM ({MEETING_SELECT} WHERE ($1 IS NULL OR m.status = $1) AND ($2 IS NULL OR substr(m.held_on, 1, 4) = $2) \
             AND ($3 IS NULL OR m.title LIKE $3 OR m.place LIKE $3 OR m.chair LIKE $3)) x \
             ORDER BY x.held_on DESC, x.id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(f.status.map(|s| s.as_str()))
            .bind(f.year.map(|y| format!("{y:04}")))
            .bind(
                f.q.as_ref()
                    .map(|q| q.trim())
                    .filter(|q| !q.is_empty())
                    .map(|q| format!("%{q}%")),
            )
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(MeetingRow {
                    meeting: meeting_from_row(r)?,
                    agenda_count: r.try_get("agenda_count")?,
                    decision_count: r.try_get("decision_count")?,
                    action_count: r.try_get("action_count")?,
                    open_action_count: r.try_get("open_action_count")?,
                })
            })
            .collect()
    }

    /// A meeting with its agenda, attendees, decisions and the action items
    /// the viewer may see.
    pub async fn meeting_detail(&self, v: &Viewer, id: i64) -> Result<Option<MeetingDetail>> {
        let Some(meeting) = self.meeting(id).await? else {
            return Ok(None);
        };
        let agenda = sqlx::query(
            "SELECT a.id, a.position, a.request_id, r.code AS request_code, r.title AS request_title, r.status AS request_status, \
             e.name AS enterprise_name, a.project_id, p.code AS project_code, p.name AS project_name, a.note \
             FROM meeting_agenda a LEFT JOIN requests r ON r.id = a.request_id LEFT JOIN enterprises e ON e.id = r.enterprise_id \
             LEFT JOIN projects p ON p.id = a.project_id WHERE a.meeting_id = $1 ORDER BY a.position, a.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(AgendaItem {
                id: r.try_get("id")?,
                position: r.try_get("position")?,
                request_id: r.try_get("request_id")?,
                request_code: r.try_get("request_code")?,
                request_title: r.try_get("request_title")?,
                request_status: r
                    .try_get::<Option<String>, _>("request_status")?
                    .and_then(|s| Status::parse(&s)),
                enterprise_name: r.try_get("enterprise_name")?,
                project_id: r.try_get("project_id")?,
                project_code: r.try_get("project_code")?,
                project_name: r.try_get("project_name")?,
                note: r.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let attendees = sqlx::query(
            "SELECT u.code, u.name FROM meeting_attendees a JOIN org_units u ON u.id = a.unit_id \
             WHERE a.meeting_id = $1 ORDER BY u.sort_order, u.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(Attendee {
                code: r.try_get("code")?,
                name: r.try_get("name")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let decisions = sqlx::query(
            "SELECT id, position, agenda_id, text FROM meeting_decisions WHERE meeting_id = $1 ORDER BY position, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(Decision {
                id: r.try_get("id")?,
                position: r.try_get("position")?,
                agenda_id: r.try_get("agenda_id")?,
                text: r.try_get("text")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let action_items = self
            .requests(
                v,
                &Filter {
                    meeting_id: Some(id),
                    kind: Some(domain::requests::Kind::ActionItem),
                    ..Filter::default()
                },
            )
            .await?;
        Ok(Some(MeetingDetail {
            meeting,
            agenda,
            attendees,
            decisions,
            action_items,
        }))
    }

    /// The active projects lagging on `today`, by code (see
    /// `domain::meetings::lagging` for the rule).
    pub async fn lagging_projects(&self, today: NaiveDate) -> Result<Vec<LaggingProject>> {
        let cal = self.calendar().await?;
        let approvals = self.approvals(None).await?;
        Ok(self
            .projects()
            .await?
            .into_iter()
            .filter_map(|r| {
                let items: Vec<_> = approvals
                    .iter()
                    .filter(|a| a.project_code == r.project.code)
                    .map(|a| a.approval.clone())
                    .collect();
                let lag = lagging(r.project.status, &r.project.dates, &items, &cal, today)?;
                Some(LaggingProject {
                    id: r.id,
                    code: r.project.code,
                    name: r.project.name,
                    township_name: r.township_name,
                    unit_name: r.unit_name,
                    lag,
                })
            })
            .collect())
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
        let mut tx = self.pool().begin().await?;
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
        let mut tx = self.pool().begin().await?;
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
        let mut tx = self.pool().begin().await?;
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
        let mut tx = self.pool().begin().await?;
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
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE meetings SET status = 'held', updated_at = $1 WHERE id = $2 AND status = 'planned'")
            .bind(now_text())
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?;
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
