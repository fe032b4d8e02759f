//! What waits for each user (待办), computed from the live requests at a day:
//! for a unit, its new assignments, overdue items, rework and deadlines in
//! the next two working days; for the office, what no rule could route,
//! pending extensions, everything overdue and what went to the joint
//! meeting; for an enterprise, replies, resolutions to rate and other
//! changes on its own requests. Leaders act on none of these.
//!
//! "New" means changed (by someone else) since the user last opened the
//! inbox, or fallen overdue since then; the last look is kept per user.

use super::{Filter, RequestRecord, Viewer};
use crate::users::User;
use crate::{Result, Store, now_text};
use chrono::{Duration, NaiveDate};
use domain::requests::Status;
use domain::requests::clock::due_within;
use domain::users::Role;
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// Days an extension decision stays in the unit's inbox.
const DECISION_DAYS: i64 = 14;
/// Without a last look, an enterprise sees the changes of this many days.
const FIRST_LOOK_DAYS: i64 = 30;

/// Why an item waits for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxKind {
    /// Past a limit (units: their own; office: every unit's).
    Overdue,
    /// Assigned or transferred to the unit, not yet accepted.
    NewAssignment,
    /// Reopened after an unsatisfied rating: to handle again.
    Rework,
    /// The next step is due within two working days.
    DueSoon,
    /// The office decided the unit's extension request.
    ExtensionDecided,
    /// No routing rule matched: the office assigns it.
    Unassigned,
    /// A unit asks for an extension.
    ExtensionPending,
    /// Submitted to the joint meeting.
    Escalated,
    /// The unit replied to the enterprise's request.
    Replied,
    /// Resolved, waiting for the enterprise's rating.
    ToRate,
    /// Something else changed on the enterprise's request.
    Changed,
}

impl InboxKind {
    /// The order groups are shown in.
    pub const ALL: [InboxKind; 11] = [
        InboxKind::Overdue,
        InboxKind::Unassigned,
        InboxKind::ExtensionPending,
        InboxKind::NewAssignment,
        InboxKind::Rework,
        InboxKind::DueSoon,
        InboxKind::Escalated,
        InboxKind::ExtensionDecided,
        InboxKind::Replied,
        InboxKind::ToRate,
        InboxKind::Changed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            InboxKind::Overdue => "overdue",
            InboxKind::NewAssignment => "new_assignment",
            InboxKind::Rework => "rework",
            InboxKind::DueSoon => "due_soon",
            InboxKind::ExtensionDecided => "extension_decided",
            InboxKind::Unassigned => "unassigned",
            InboxKind::ExtensionPending => "extension_pending",
            InboxKind::Escalated => "escalated",
            InboxKind::Replied => "replied",
            InboxKind::ToRate => "to_rate",
            InboxKind::Changed => "changed",
        }
    }
    /// The group's heading.
    pub fn label(self) -> &'static str {
        match self {
            InboxKind::Overdue => "已超期",
            InboxKind::NewAssignment => "新分派待受理",
            InboxKind::Rework => "重新办理",
            InboxKind::DueSoon => "两个工作日内到期",
            InboxKind::ExtensionDecided => "延期申请已审批",
            InboxKind::Unassigned => "待分派（未匹配分派规则）",
            InboxKind::ExtensionPending => "延期申请待审批",
            InboxKind::Escalated => "已提交联席会议",
            InboxKind::Replied => "已答复",
            InboxKind::ToRate => "已办结待评价",
            InboxKind::Changed => "其他进展",
        }
    }
}

/// One thing waiting for the user.
#[derive(Debug, Clone, Serialize)]
pub struct InboxItem {
    pub kind: InboxKind,
    pub request_id: i64,
    pub code: String,
    pub title: String,
    pub enterprise_name: Option<String>,
    pub unit_name: Option<String>,
    pub status: Status,
    /// The step owed next and its due date.
    pub step: Option<&'static str>,
    pub due: Option<NaiveDate>,
    /// The due date was counted on a year without a calendar.
    pub provisional: bool,
    /// A short explanation (the extension asked, a follow-up visit owed, ...).
    pub note: String,
    /// The last change by someone else.
    pub changed_at: Option<String>,
    /// Changed or fallen due since the user last looked.
    pub is_new: bool,
}

/// Everything waiting for a user, grouped.
#[derive(Debug, Clone, Serialize)]
pub struct Inbox {
    /// False for leaders: they read, the inbox lists what to act on.
    pub applies: bool,
    pub groups: Vec<(InboxKind, Vec<InboxItem>)>,
    pub total: usize,
    pub new: usize,
    /// When the user last opened the inbox.
    pub seen_at: Option<String>,
}

fn item(kind: InboxKind, r: &RequestRecord, note: String) -> InboxItem {
    let next = r.next_due();
    InboxItem {
        kind,
        request_id: r.id,
        code: r.code.clone(),
        title: r.title.clone(),
        enterprise_name: r.enterprise_name.clone(),
        unit_name: r.unit_name.clone(),
        status: r.status,
        step: next.map(|n| n.0),
        due: next.map(|n| n.1),
        provisional: r.provisional,
        note,
        changed_at: None,
        is_new: false,
    }
}

fn follow_up_note(r: &RequestRecord) -> String {
    if r.follow_up_due {
        "企业不满意，需回访".into()
    } else {
        String::new()
    }
}

impl Store {
    /// When the user last opened the inbox.
    pub async fn notifications_seen_at(&self, user_id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT seen_at FROM notification_reads WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Records that the user looked at the inbox now. Not audited: it is a
    /// read receipt, not a change to the records.
    pub async fn mark_notifications_seen(&self, user_id: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO notification_reads (user_id, seen_at) VALUES ($1, $2) \
             ON CONFLICT (user_id) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(user_id)
        .bind(now_text())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The last change by anyone but `user_id`, per request.
    async fn last_changes(&self, user_id: i64) -> Result<HashMap<i64, String>> {
        sqlx::query(
            "SELECT request_id, MAX(at) AS at FROM request_events \
             WHERE actor_user_id IS NULL OR actor_user_id <> $1 GROUP BY request_id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("request_id")?, r.try_get("at")?)))
        .collect()
    }

    /// What waits for `user` on `today`.
    pub async fn inbox(&self, user: &User, today: NaiveDate) -> Result<Inbox> {
        let seen_at = self.notifications_seen_at(user.id).await?;
        if user.role == Role::Leader {
            return Ok(Inbox {
                applies: false,
                groups: vec![],
                total: 0,
                new: 0,
                seen_at,
            });
        }
        let viewer = Viewer::of(user);
        let records = self.requests(&viewer, &Filter::default()).await?;
        let by_id: HashMap<i64, &RequestRecord> = records.iter().map(|r| (r.id, r)).collect();
        let cal = self.calendar().await?;
        let changes = self.last_changes(user.id).await?;
        let mut items: Vec<InboxItem> = vec![];
        match user.role {
            Role::Unit => {
                let mine = |r: &&RequestRecord| {
                    r.unit_code.is_some() && r.unit_code == user.unit_code && r.status.with_unit()
                };
                for r in records.iter().filter(mine) {
                    let kind = if r.overdue(today) {
                        InboxKind::Overdue
                    } else if r.status.awaits_acceptance() {
                        InboxKind::NewAssignment
                    } else if r.status == Status::Reopened {
                        InboxKind::Rework
                    } else if r
                        .next_due()
                        .is_some_and(|(_, due)| due_within(&cal, today, due, 2))
                    {
                        InboxKind::DueSoon
                    } else {
                        continue;
                    };
                    items.push(item(kind, r, follow_up_note(r)));
                }
                let cutoff = (today - Duration::days(DECISION_DAYS)).to_string();
                let decided = sqlx::query(
                    "SELECT x.request_id, x.status, x.days, x.decision_note FROM request_extensions x \
                     JOIN org_units u ON u.id = x.unit_id \
                     WHERE u.code = $1 AND x.status <> 'pending' AND x.decided_at >= $2 ORDER BY x.decided_at DESC",
                )
                .bind(user.unit_code.as_deref().unwrap_or("\u{0}none"))
                .bind(cutoff)
                .fetch_all(self.pool())
                .await?;
                for x in decided {
                    let Some(r) = by_id.get(&x.try_get::<i64, _>("request_id")?) else {
                        continue;
                    };
                    if r.status.is_final() {
                        continue;
                    }
                    let days: i64 = x.try_get("days")?;
                    let note: String = x.try_get("decision_note")?;
                    let verdict = if x.try_get::<String, _>("status")? == "approved" {
                        format!("已批准延期 {days} 个工作日")
                    } else {
                        format!("不予延期（申请 {days} 个工作日）")
                    };
                    let note = if note.is_empty() {
                        verdict
                    } else {
                        format!("{verdict}：{note}")
                    };
                    items.push(item(InboxKind::ExtensionDecided, r, note));
                }
            }
            Role::Admin => {
                let pending = sqlx::query(
                    "SELECT request_id, days, reason FROM request_extensions WHERE status = 'pending' ORDER BY id",
                )
                .fetch_all(self.pool())
                .await?;
                for x in pending {
                    let Some(r) = by_id.get(&x.try_get::<i64, _>("request_id")?) else {
                        continue;
                    };
                    let days: i64 = x.try_get("days")?;
                    let reason: String = x.try_get("reason")?;
                    items.push(item(
                        InboxKind::ExtensionPending,
                        r,
                        format!("申请延期 {days} 个工作日：{reason}"),
                    ));
                }
                for r in &records {
                    let kind = if r.status == Status::Submitted {
                        InboxKind::Unassigned
                    } else if r.overdue(today) {
                        InboxKind::Overdue
                    } else if r.status == Status::Escalated {
                        InboxKind::Escalated
                    } else {
                        continue;
                    };
                    items.push(item(kind, r, follow_up_note(r)));
                }
            }
            Role::Enterprise => {
                let since = seen_at.clone().unwrap_or_else(|| {
                    crate::timestamp_text(chrono::Utc::now() - Duration::days(FIRST_LOOK_DAYS))
                });
                for r in &records {
                    let kind = if r.status == Status::Replied {
                        InboxKind::Replied
                    } else if r.status == Status::Resolved && r.rating.is_none() {
                        InboxKind::ToRate
                    } else if changes.get(&r.id).is_some_and(|at| *at > since) {
                        InboxKind::Changed
                    } else {
                        continue;
                    };
                    let note = match kind {
                        InboxKind::Replied => "请查看答复；如不认可可提出意见".into(),
                        InboxKind::ToRate => "请对办理结果作出评价".into(),
                        _ => format!("当前状态：{}", r.status.label()),
                    };
                    items.push(item(kind, r, note));
                }
            }
            Role::Leader | Role::Expert => {}
        }
        let seen_day = seen_at
            .as_deref()
            .and_then(|s| s.get(..10))
            .and_then(|s| s.parse::<NaiveDate>().ok());
        for i in &mut items {
            i.changed_at = changes.get(&i.request_id).cloned();
            let changed = match (&i.changed_at, &seen_at) {
                (Some(at), Some(seen)) => at > seen,
                (_, None) => true,
                (None, Some(_)) => false,
            };
            // Fallen overdue since the last look (overdue from the day after due).
            let fell_due = i.kind == InboxKind::Overdue
                && matches!((i.due, seen_day), (Some(due), Some(seen)) if due >= seen);
            i.is_new = changed || fell_due;
        }
        let total = items.len();
        let new = items.iter().filter(|i| i.is_new).count();
        let groups = InboxKind::ALL
            .into_iter()
            .filter_map(|k| {
                let mut g: Vec<InboxItem> = items.iter().filter(|i| i.kind == k).cloned().collect();
                g.sort_by(|a, b| {
                    (a.due.is_none(), a.due, a.request_id).cmp(&(
                        b.due.is_none(),
                        b.due,
                        b.request_id,
                    ))
                });
                (!g.is_empty()).then_some((k, g))
            })
            .collect();
        Ok(Inbox {
            applies: true,
            groups,
            total,
            new,
            seen_at,
        })
    }
}
