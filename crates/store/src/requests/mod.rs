//! Enterprise service requests: intake and routing, the checked status flow,
//! deadlines in working days, extensions, ratings and visits (`write`); the
//! office's categories, routes and working-day calendar (`config`); and the
//! reads every page and the statistics use (here).

pub mod config;
pub mod inbox;
pub mod supervision;
pub mod write;

use crate::projects::date;
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::requests::clock::{self, Limits, Start};
use domain::requests::stats::Fact;
use domain::requests::{Kind, Satisfaction, Status, StepState};
use domain::users::Role;
use serde::Serialize;
use sqlx::Row;

/// Who is looking or acting, as far as requests care.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub role: Role,
    pub unit_code: Option<String>,
    pub enterprise_code: Option<String>,
    pub actor: crate::Actor,
}

impl Viewer {
    /// The viewer of a signed-in user.
    pub fn of(u: &crate::users::User) -> Viewer {
        Viewer {
            role: u.role,
            unit_code: u.unit_code.clone(),
            enterprise_code: u.enterprise_code.clone(),
            actor: u.actor(),
        }
    }
    /// The office acting as itself from the command line or the demo.
    pub fn office(what: &str) -> Viewer {
        Viewer {
            role: Role::Admin,
            unit_code: None,
            enterprise_code: None,
            actor: crate::Actor::system(what),
        }
    }
    /// How this viewer stands to a request, for the status flow: the one
    /// rule both the store's checks and the pages' buttons use.
    pub fn actor_for(&self, r: &RequestRecord) -> domain::requests::Actor {
        use domain::requests::Actor;
        match self.role {
            Role::Admin => Actor::Office,
            Role::Unit if self.unit_code.is_some() && self.unit_code == r.unit_code => {
                Actor::ResponsibleUnit
            }
            Role::Unit => Actor::OtherUnit,
            Role::Enterprise
                if self.enterprise_code.is_some() && self.enterprise_code == r.enterprise_code =>
            {
                Actor::OwnEnterprise
            }
            _ => Actor::Other,
        }
    }

    /// Staff who may file a request for an enterprise or record a visit.
    pub fn is_staff(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Unit)
    }
}

/// A stored request with the names pages show.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub id: i64,
    pub code: String,
    pub kind: Kind,
    pub enterprise_code: Option<String>,
    pub enterprise_name: Option<String>,
    pub township_code: Option<String>,
    pub project_code: Option<String>,
    pub project_name: Option<String>,
    pub category_code: String,
    pub category_name: String,
    pub limits: Limits,
    pub title: String,
    pub description: String,
    pub status: Status,
    /// The unit it is with now (its id, for writes).
    #[serde(skip)]
    pub unit_id: Option<i64>,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    #[serde(skip)]
    pub working_group_id: Option<i64>,
    pub working_group_code: Option<String>,
    pub working_group_name: Option<String>,
    pub visit_id: Option<i64>,
    pub meeting_id: Option<i64>,
    /// The policy an enterprise asked about.
    pub policy_id: Option<i64>,
    pub filed_by_staff: bool,
    pub submitted_on: NaiveDate,
    pub first_assigned_on: Option<NaiveDate>,
    pub assigned_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub replied_on: Option<NaiveDate>,
    pub resolved_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub reopened_on: Option<NaiveDate>,
    pub fixed_resolve_due: Option<NaiveDate>,
    pub accept_due: Option<NaiveDate>,
    pub reply_due: Option<NaiveDate>,
    pub resolve_due: Option<NaiveDate>,
    pub provisional: bool,
    pub extension_days: i64,
    pub rating: Option<Satisfaction>,
    pub reopen_count: i64,
    /// Reopened by an unsatisfied rating and no follow-up visit recorded since.
    pub follow_up_due: bool,
    /// Increased by every write; a write names the version it decided on.
    #[serde(skip)]
    pub version: i64,
}

/// The three steps of a request at a day.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Steps {
    pub accept: Option<StepState>,
    pub reply: Option<StepState>,
    pub resolve: Option<StepState>,
}

impl Steps {
    pub fn any_overdue(&self) -> bool {
        [self.accept, self.reply, self.resolve]
            .into_iter()
            .flatten()
            .any(|s| s.is_overdue())
    }
}

impl RequestRecord {
    /// The state of each step on `today`. A withdrawn request's unfinished
    /// steps no longer count; a request not yet with a unit has no clock.
    pub fn steps(&self, today: NaiveDate) -> Steps {
        let live = !matches!(self.status, Status::Withdrawn);
        let step = |due: Option<NaiveDate>, done: Option<NaiveDate>| -> Option<StepState> {
            let due = due?;
            if done.is_none() && !live {
                return None;
            }
            Some(StepState::of(due, done, today))
        };
        // Once resolved or closed, nothing is waiting for acceptance or reply.
        let finished = matches!(self.status, Status::Resolved | Status::Closed);
        Steps {
            accept: step(
                self.accept_due,
                self.accepted_on.or(if finished {
                    self.resolved_on.or(self.closed_on)
                } else {
                    None
                }),
            ),
            reply: step(
                self.reply_due,
                self.replied_on.or(if finished {
                    self.resolved_on.or(self.closed_on)
                } else {
                    None
                }),
            ),
            resolve: step(
                self.resolve_due,
                self.resolved_on.or(if self.status == Status::Closed {
                    self.closed_on
                } else {
                    None
                }),
            ),
        }
    }

    /// Still open and some step past its limit.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status.with_unit() && self.steps(today).any_overdue()
    }

    /// The next step the unit owes and its due date, if any.
    pub fn next_due(&self) -> Option<(&'static str, NaiveDate)> {
        if !self.status.with_unit() {
            return None;
        }
        if self.status.awaits_acceptance() {
            return self.accept_due.map(|d| ("受理", d));
        }
        if self.replied_on.is_none() {
            return self.reply_due.map(|d| ("首次答复", d));
        }
        self.resolve_due.map(|d| ("办结", d))
    }

    /// Working days from first reaching a unit to resolution.
    pub fn handling_days(&self, cal: &Calendar) -> Option<i64> {
        let from = self.first_assigned_on?;
        let to = self.resolved_on?;
        Some(cal.working_days_between_provisional(from, to))
    }

    /// What the statistics read of this request, grouped by `key`.
    pub fn fact(&self, key: String, cal: &Calendar, today: NaiveDate) -> Fact {
        let s = self.steps(today);
        Fact {
            key,
            submitted_on: self.submitted_on,
            accept: s.accept,
            reply: s.reply,
            resolve: s.resolve,
            handling_days: self.handling_days(cal),
            rating: self.rating,
            overdue_now: self.overdue(today),
            open: !self.status.is_final(),
        }
    }

    /// The deadlines from this record's dates and limits.
    pub(crate) fn deadlines(&self, cal: &Calendar) -> Option<clock::Deadlines> {
        let first = self.first_assigned_on?;
        Some(clock::deadlines(
            cal,
            &self.limits,
            &Start {
                first_assigned_on: first,
                assigned_on: self.assigned_on.unwrap_or(first),
                extension_days: self.extension_days,
                reopened_on: self.reopened_on,
                fixed_resolve_due: self.fixed_resolve_due,
            },
        ))
    }
}

/// One step of a request's history.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub at: String,
    pub on_date: NaiveDate,
    pub actor_name: String,
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub unit_name: Option<String>,
    pub note: String,
}

impl Event {
    /// The action's Chinese label.
    pub fn action_label(&self) -> &'static str {
        match self.action.as_str() {
            "submit" => "提交",
            "assign" => "分派",
            "accept" => "受理",
            "transfer" => "转办",
            "reply" => "答复",
            "resolve" => "办结",
            "reject" => "不认可答复",
            "rate" => "评价",
            "close" => "关闭",
            "escalate" => "提交联席会议",
            "withdraw" => "撤回",
            "extension_asked" => "申请延期",
            "extension_approved" => "批准延期",
            "extension_refused" => "不予延期",
            "follow_up_visit" => "回访",
            "urge" => "催办",
            _ => "其他",
        }
    }
}

/// An attachment's description (the bytes are read only for download).
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentInfo {
    pub id: i64,
    pub request_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// The one extension a unit may ask for.
#[derive(Debug, Clone, Serialize)]
pub struct Extension {
    pub days: i64,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    pub status: String,
    pub decided_by: Option<String>,
    pub decision_note: String,
    pub unit_name: String,
}

impl Extension {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "pending" => "待审批",
            "approved" => "已批准",
            _ => "不予批准",
        }
    }
}

/// A rating as given.
#[derive(Debug, Clone, Serialize)]
pub struct Rating {
    pub level: Satisfaction,
    pub comment: String,
    pub rated_by: String,
    pub rated_at: String,
}

/// A request with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct RequestDetail {
    pub record: RequestRecord,
    pub events: Vec<Event>,
    pub attachments: Vec<AttachmentInfo>,
    pub extension: Option<Extension>,
    pub ratings: Vec<Rating>,
}

/// Which requests a list shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<Status>,
    pub unit: Option<String>,
    pub category: Option<String>,
    pub enterprise: Option<String>,
    pub kind: Option<Kind>,
    pub meeting_id: Option<i64>,
    /// Submitted on or after.
    pub from: Option<NaiveDate>,
    /// Submitted on or before.
    pub to: Option<NaiveDate>,
    /// Title, code or enterprise name contains.
    pub q: Option<String>,
    /// Only those with a step past its limit at this day.
    pub overdue_at: Option<NaiveDate>,
}

macro_rules! request_select {
    () => {
        "SELECT r.id, r.code, r.kind, e.credit_code, e.name AS enterprise_name, et.code AS township_code, \
         p.code AS project_code, p.name AS project_name, c.code AS category_code, c.name AS category_name, \
         c.accept_days, c.reply_days, c.resolve_days, r.title, r.description, r.status, \
         r.unit_id, u.code AS unit_code, u.name AS unit_name, r.working_group_id, g.code AS group_code, g.name AS group_name, \
         r.visit_id, r.meeting_id, r.policy_id, r.filed_by_staff, r.submitted_on, r.first_assigned_on, r.assigned_on, \
         r.accepted_on, r.replied_on, r.resolved_on, r.closed_on, r.reopened_on, r.fixed_resolve_due, \
         r.accept_due, r.reply_due, r.resolve_due, r.provisional, r.extension_days, r.rating, r.reopen_count, r.version, \
         CASE WHEN r.reopen_count > 0 AND r.rating IN ('unsatisfied', 'very_unsatisfied') AND r.status = 'reopened' \
              AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.follow_up_of = r.id AND v.visited_on >= r.reopened_on) \
              THEN 1 ELSE 0 END AS follow_up_due \
         FROM requests r JOIN request_categories c ON c.id = r.category_id \
         LEFT JOIN enterprises e ON e.id = r.enterprise_id LEFT JOIN org_units et ON et.id = e.township_id \
         LEFT JOIN projects p ON p.id = r.project_id LEFT JOIN org_units u ON u.id = r.unit_id \
         LEFT JOIN working_groups g ON g.id = r.working_group_id "
    };
}

pub(crate) fn record_from_row(r: &sqlx::any::AnyRow) -> Result<RequestRecord> {
    let status: String = r.try_get("status")?;
    let kind: String = r.try_get("kind")?;
    let d = |c: &str| -> Result<Option<NaiveDate>> { Ok(date(r.try_get(c)?)) };
    Ok(RequestRecord {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        kind: Kind::parse(&kind)
            .ok_or_else(|| StoreError::Conflict(format!("诉求记录的类别“{kind}”无法识别")))?,
        enterprise_code: r.try_get("credit_code")?,
        enterprise_name: r.try_get("enterprise_name")?,
        township_code: r.try_get("township_code")?,
        project_code: r.try_get("project_code")?,
        project_name: r.try_get("project_name")?,
        category_code: r.try_get("category_code")?,
        category_name: r.try_get("category_name")?,
        limits: Limits {
            accept_days: r.try_get("accept_days")?,
            reply_days: r.try_get("reply_days")?,
            resolve_days: r.try_get("resolve_days")?,
        },
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Conflict(format!("诉求记录的状态“{status}”无法识别")))?,
        unit_id: r.try_get("unit_id")?,
        unit_code: r.try_get("unit_code")?,
        unit_name: r.try_get("unit_name")?,
        working_group_id: r.try_get("working_group_id")?,
        working_group_code: r.try_get("group_code")?,
        working_group_name: r.try_get("group_name")?,
        visit_id: r.try_get("visit_id")?,
        meeting_id: r.try_get("meeting_id")?,
        policy_id: r.try_get("policy_id")?,
        filed_by_staff: r.try_get::<i64, _>("filed_by_staff")? != 0,
        submitted_on: d("submitted_on")?.unwrap_or_default(),
        first_assigned_on: d("first_assigned_on")?,
        assigned_on: d("assigned_on")?,
        accepted_on: d("accepted_on")?,
        replied_on: d("replied_on")?,
        resolved_on: d("resolved_on")?,
        closed_on: d("closed_on")?,
        reopened_on: d("reopened_on")?,
        fixed_resolve_due: d("fixed_resolve_due")?,
        accept_due: d("accept_due")?,
        reply_due: d("reply_due")?,
        resolve_due: d("resolve_due")?,
        provisional: r.try_get::<i64, _>("provisional")? != 0,
        extension_days: r.try_get("extension_days")?,
        rating: r
            .try_get::<Option<String>, _>("rating")?
            .and_then(|s| Satisfaction::parse(&s)),
        reopen_count: r.try_get("reopen_count")?,
        follow_up_due: r.try_get::<i64, _>("follow_up_due")? != 0,
        version: r.try_get("version")?,
    })
}

/// The SQL condition limiting requests to what a viewer may see, with its
/// one bound value: everything for the office and leaders; for a unit, the
/// requests with it now or that it handled before; for an enterprise, its own.
fn visibility(v: &Viewer) -> (&'static str, Option<String>) {
    match v.role {
        Role::Admin | Role::Leader => ("$1 IS NULL", None),
        // An expert sees no request.
        Role::Expert => ("($1 IS NULL AND 1 = 0)", None),
        Role::Unit => (
            "(u.code = $1 OR EXISTS (SELECT 1 FROM request_events ev JOIN org_units eu ON eu.id = ev.unit_id \
             WHERE ev.request_id = r.id AND eu.code = $1))",
            Some(v.unit_code.clone().unwrap_or_else(|| "\u{0}none".into())),
        ),
        Role::Enterprise => (
            "e.credit_code = $1",
            Some(
                v.enterprise_code
                    .clone()
                    .unwrap_or_else(|| "\u{0}none".into()),
            ),
        ),
    }
}

impl Store {
    /// The requests a viewer may see that match the filter, newest first.
    pub async fn requests(&self, v: &Viewer, f: &Filter) -> Result<Vec<RequestRecord>> {
        let (vis, vis_arg) = visibility(v);
        let sql = format!(
            "{} WHERE {vis} AND ($2 IS NULL OR r.status = $2) AND ($3 IS NULL OR u.code = $3) \
             AND ($4 IS NULL OR c.code = $4) AND ($5 IS NULL OR e.credit_code = $5) AND ($6 IS NULL OR r.kind = $6) \
             AND ($7 IS NULL OR r.meeting_id = $7) AND ($8 IS NULL OR r.submitted_on >= $8) \
             AND ($9 IS NULL OR r.submitted_on <= $9) \
             AND ($10 IS NULL OR r.title LIKE $10 OR r.code LIKE $10 OR e.name LIKE $10) \
             AND ($11 IS NULL OR (r.status IN ('assigned','transferred','accepted','replied','reopened','escalated') AND \
                  ((r.accepted_on IS NULL AND r.accept_due < $11) OR (r.replied_on IS NULL AND r.reply_due < $11) \
                   OR (r.resolved_on IS NULL AND r.resolve_due < $11)))) \
             ORDER BY r.submitted_on DESC, r.id DESC",
            request_select!()
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(vis_arg)
            .bind(f.status.map(|s| s.as_str()))
            .bind(f.unit.as_deref())
            .bind(f.category.as_deref())
            .bind(f.enterprise.as_deref())
            .bind(f.kind.map(|k| k.as_str()))
            .bind(f.meeting_id)
            .bind(f.from.map(|d| d.to_string()))
            .bind(f.to.map(|d| d.to_string()))
            .bind(
                f.q.as_ref()
                    .filter(|q| !q.trim().is_empty())
                    .map(|q| format!("%{}%", q.trim())),
            )
            .bind(f.overdue_at.map(|d| d.to_string()))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(record_from_row).collect()
    }

    /// One request, if the viewer may see it.
    pub async fn request(&self, v: &Viewer, id: i64) -> Result<Option<RequestRecord>> {
        let (vis, vis_arg) = visibility(v);
        let sql = format!("{} WHERE {vis} AND r.id = $2", request_select!());
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(vis_arg)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(record_from_row).transpose()
    }

    /// One request by id without a viewer (for the store's own writes).
    pub(crate) async fn request_any(&self, id: i64) -> Result<Option<RequestRecord>> {
        self.request(&Viewer::office("读取"), id).await
    }

    /// A request with its history, attachments, extension and ratings.
    pub async fn request_detail(&self, v: &Viewer, id: i64) -> Result<Option<RequestDetail>> {
        let Some(record) = self.request(v, id).await? else {
            return Ok(None);
        };
        let events = sqlx::query(
            "SELECT ev.at, ev.on_date, ev.actor_name, ev.action, ev.from_status, ev.to_status, u.name AS unit_name, ev.note \
             FROM request_events ev LEFT JOIN org_units u ON u.id = ev.unit_id WHERE ev.request_id = $1 ORDER BY ev.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(Event {
                at: r.try_get("at")?,
                on_date: date(r.try_get("on_date")?).unwrap_or_default(),
                actor_name: r.try_get("actor_name")?,
                action: r.try_get("action")?,
                from_status: r
                    .try_get::<Option<String>, _>("from_status")?
                    .and_then(|s| Status::parse(&s)),
                to_status: Status::parse(&r.try_get::<String, _>("to_status")?)
                    .unwrap_or(Status::Submitted),
                unit_name: r.try_get("unit_name")?,
                note: r.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let attachments = self.attachments(id).await?;
        let extension = sqlx::query(
            "SELECT x.days, x.reason, x.requested_by, x.requested_at, x.status, x.decided_by, x.decision_note, u.name AS unit_name \
             FROM request_extensions x JOIN org_units u ON u.id = x.unit_id WHERE x.request_id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .map(|r| -> Result<Extension> {
            Ok(Extension {
                days: r.try_get("days")?,
                reason: r.try_get("reason")?,
                requested_by: r.try_get("requested_by")?,
                requested_at: r.try_get("requested_at")?,
                status: r.try_get("status")?,
                decided_by: r.try_get("decided_by")?,
                decision_note: r.try_get("decision_note")?,
                unit_name: r.try_get("unit_name")?,
            })
        })
        .transpose()?;
        let ratings = sqlx::query(
            "SELECT level, comment, rated_by, rated_at FROM request_ratings WHERE request_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .filter_map(|r| {
            Some(Rating {
                level: Satisfaction::parse(&r.try_get::<String, _>("level").ok()?)?,
                comment: r.try_get("comment").ok()?,
                rated_by: r.try_get("rated_by").ok()?,
                rated_at: r.try_get("rated_at").ok()?,
            })
        })
        .collect();
        Ok(Some(RequestDetail {
            record,
            events,
            attachments,
            extension,
            ratings,
        }))
    }

    /// The attachments of a request (without their bytes).
    pub async fn attachments(&self, request_id: i64) -> Result<Vec<AttachmentInfo>> {
        sqlx::query(
            "SELECT id, request_id, filename, content_type, size_bytes, sha256, uploaded_by, uploaded_at \
             FROM request_attachments WHERE request_id = $1 ORDER BY id",
        )
        .bind(request_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(AttachmentInfo {
                id: r.try_get("id")?,
                request_id: r.try_get("request_id")?,
                filename: r.try_get("filename")?,
                content_type: r.try_get("content_type")?,
                size_bytes: r.try_get("size_bytes")?,
                sha256: r.try_get("sha256")?,
                uploaded_by: r.try_get("uploaded_by")?,
                uploaded_at: r.try_get("uploaded_at")?,
            })
        })
        .collect()
    }

    /// An attachment's description and bytes, if the viewer may see its request.
    pub async fn attachment(
        &self,
        v: &Viewer,
        attachment_id: i64,
    ) -> Result<Option<(AttachmentInfo, Vec<u8>)>> {
        let Some(r) = sqlx::query(
            "SELECT id, request_id, filename, content_type, size_bytes, sha256, uploaded_by, uploaded_at, data \
             FROM request_attachments WHERE id = $1",
        )
        .bind(attachment_id)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let info = AttachmentInfo {
            id: r.try_get("id")?,
            request_id: r.try_get("request_id")?,
            filename: r.try_get("filename")?,
            content_type: r.try_get("content_type")?,
            size_bytes: r.try_get("size_bytes")?,
            sha256: r.try_get("sha256")?,
            uploaded_by: r.try_get("uploaded_by")?,
            uploaded_at: r.try_get("uploaded_at")?,
        };
        if self.request(v, info.request_id).await?.is_none() {
            return Ok(None);
        }
        Ok(Some((info, r.try_get("data")?)))
    }
}
