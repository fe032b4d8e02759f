//! The joint meeting (联席会议): the reads every page uses (here) and the
//! writes (`write`): scheduling, the agenda (escalated requests and lagging
//! projects), attending units, decisions, action items (rows of `requests` of
//! kind `action_item`, so they follow the request flow and show in unit queues
//! and overdue lists) and marking a meeting held. Only the campaign office
//! writes; every write records an audit row in its transaction.

pub mod write;

use crate::projects::date;
use crate::requests::{Filter, RequestRecord, Viewer};
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::meetings::MeetingStatus;
use domain::meetings::lagging::{Lag, lagging};
use domain::requests::Status;
use serde::Serialize;
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

impl Store {
    /// One meeting.
    pub async fn meeting(&self, id: i64) -> Result<Option<Meeting>> {
        let sql = format!("{MEETING_SELECT} WHERE m.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(meeting_from_row).transpose()
    }

    pub(crate) async fn meeting_or_missing(&self, id: i64) -> Result<Meeting> {
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
}
