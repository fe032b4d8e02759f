//! Writing requests: intake with routing, the checked actions, the one
//! extension, and visits. Every write records its event and an audit row in
//! the same transaction; nothing is half-written.

use super::{RequestRecord, Viewer};
use crate::audit;
use crate::{Result, Store, StoreError, now_text};
use chrono::{Datelike, NaiveDate};
use domain::calendar::Calendar;
use domain::requests::flow::{self, Action};
use domain::requests::routing::{self, Rule};
use domain::requests::{Kind, Satisfaction, Status, attachment};
use domain::users::{FieldError, Role};
use sha2::Digest;
use sqlx::{Any, Row, Transaction};

/// A new request as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewRequest {
    /// The enterprise's unified social credit code (an enterprise user's own
    /// is used whatever is sent).
    #[serde(default)]
    pub enterprise: String,
    /// A category code, e.g. `land`.
    pub category: String,
    pub title: String,
    pub description: String,
    /// The project it concerns, by project code.
    #[serde(default)]
    pub project: Option<String>,
    /// The visit it came from.
    #[serde(default)]
    pub visit_id: Option<i64>,
}

/// A new action item decided by the joint meeting.
#[derive(Debug, Clone)]
pub struct NewActionItem {
    pub meeting_id: i64,
    pub title: String,
    pub description: String,
    pub unit: String,
    pub due: NaiveDate,
    /// The category whose accept and reply limits apply.
    pub category: String,
}

/// An action on a request.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ActInput {
    /// assign, accept, transfer, reply, resolve, reject, rate, close, escalate, withdraw.
    pub action: String,
    /// The reason, the reply or the resolution (required for transfer, reply,
    /// resolve, reject, escalate and withdraw).
    #[serde(default)]
    pub note: String,
    /// The unit for assign and transfer (an org unit code).
    #[serde(default)]
    pub unit: Option<String>,
    /// The working group for assign (optional).
    #[serde(default)]
    pub working_group: Option<String>,
    /// For rate: very_satisfied, satisfied, basic, unsatisfied, very_unsatisfied.
    #[serde(default)]
    pub rating: Option<String>,
}

/// A visit (走访) to an enterprise.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewVisit {
    pub enterprise: String,
    pub visited_on: String,
    pub visitors: String,
    pub findings: String,
    /// The request this visit follows up (after an unsatisfied rating).
    #[serde(default)]
    pub follow_up_of: Option<i64>,
}

/// A stored visit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VisitRecord {
    pub id: i64,
    pub enterprise_code: String,
    pub enterprise_name: String,
    pub visited_on: String,
    pub visitors: String,
    pub findings: String,
    pub follow_up_of: Option<i64>,
    pub created_by: String,
}

/// A refusal of the flow: 403 because of who acts, 409 because of the state.
fn refused(e: flow::Refusal) -> StoreError {
    if e.by_actor {
        StoreError::Forbidden(e.message)
    } else {
        StoreError::Conflict(e.message)
    }
}

fn invalid(field: &str, msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![FieldError::new(field, msg)])
}

async fn id_of(
    tx: &mut Transaction<'_, Any>,
    sql: &'static str,
    code: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(sql)
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?)
}

/// The next code of a year: SQ2026-00001 for requests, JB2026-00001 for action items.
async fn next_code(tx: &mut Transaction<'_, Any>, kind: Kind, year: i32) -> Result<String> {
    let prefix = format!(
        "{}{year}-",
        if kind == Kind::Enterprise { "SQ" } else { "JB" }
    );
    // One statement takes the number: the row lock (PostgreSQL) or the write
    // lock (SQLite) lets only one transaction at a time increase it. The
    // first use of a prefix starts from the codes already stored.
    let n: i64 = sqlx::query_scalar(
        "INSERT INTO code_sequences (prefix, last) VALUES ($1, \
         (SELECT COALESCE(MAX(CAST(SUBSTR(code, 8) AS BIGINT)), 0) FROM requests WHERE code LIKE $2) + 1) \
         ON CONFLICT (prefix) DO UPDATE SET last = code_sequences.last + 1 RETURNING last",
    )
    .bind(&prefix)
    .bind(format!("{prefix}%"))
    .fetch_one(&mut **tx)
    .await?;
    debug_assert_eq!(prefix.len(), 7, "SUBSTR(code, 8) reads after SQ2026-");
    Ok(format!("{prefix}{n:05}"))
}

/// Records one step of a request's history.
#[allow(clippy::too_many_arguments)]
pub(super) async fn event(
    tx: &mut Transaction<'_, Any>,
    request_id: i64,
    actor: &crate::Actor,
    on: NaiveDate,
    action: &str,
    from: Option<Status>,
    to: Status,
    unit_id: Option<i64>,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO request_events (request_id, at, on_date, actor_user_id, actor_name, action, from_status, to_status, unit_id, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(request_id)
    .bind(now_text())
    .bind(on.to_string())
    .bind(actor.user_id)
    .bind(&actor.name)
    .bind(action)
    .bind(from.map(|s| s.as_str()))
    .bind(to.as_str())
    .bind(unit_id)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What a writer sees when someone else changed the request first.
pub(crate) const CHANGED_MEANWHILE: &str = "该诉求已被他人处理，请刷新后再操作";

/// Claims a request for a write: bumps its version only if it is still the
/// version `r` was read at. Zero rows means someone else wrote first, and the
/// whole transaction is refused with a conflict.
async fn claim(tx: &mut Transaction<'_, Any>, id: i64, version: i64) -> Result<()> {
    let n = sqlx::query("UPDATE requests SET version = version + 1 WHERE id = $1 AND version = $2")
        .bind(id)
        .bind(version)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    crate::one_row_or_conflict(n, CHANGED_MEANWHILE)
}

/// Writes a record's dates, status and deadlines back, if the request is
/// still at the version the record was read at (see `claim`).
async fn save(
    tx: &mut Transaction<'_, Any>,
    r: &RequestRecord,
    unit_id: Option<i64>,
    group_id: Option<i64>,
    cal: &Calendar,
) -> Result<()> {
    let d = r.deadlines(cal);
    let t = |x: Option<NaiveDate>| x.map(|d| d.to_string());
    let n = sqlx::query(
        "UPDATE requests SET status = $1, unit_id = $2, working_group_id = $3, first_assigned_on = $4, assigned_on = $5, \
         accepted_on = $6, replied_on = $7, resolved_on = $8, closed_on = $9, reopened_on = $10, accept_due = $11, \
         reply_due = $12, resolve_due = $13, provisional = $14, extension_days = $15, rating = $16, reopen_count = $17, \
         updated_at = $18, version = version + 1 WHERE id = $19 AND version = $20",
    )
    .bind(r.status.as_str())
    .bind(unit_id)
    .bind(group_id)
    .bind(t(r.first_assigned_on))
    .bind(t(r.assigned_on))
    .bind(t(r.accepted_on))
    .bind(t(r.replied_on))
    .bind(t(r.resolved_on))
    .bind(t(r.closed_on))
    .bind(t(r.reopened_on))
    .bind(t(d.map(|d| d.accept_due)))
    .bind(t(d.map(|d| d.reply_due)))
    .bind(t(d.map(|d| d.resolve_due)))
    .bind(d.is_some_and(|d| d.provisional) as i64)
    .bind(r.extension_days)
    .bind(r.rating.map(|s| s.as_str()))
    .bind(r.reopen_count)
    .bind(now_text())
    .bind(r.id)
    .bind(r.version)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    crate::one_row_or_conflict(n, CHANGED_MEANWHILE)
}

impl Store {
    /// Files a request: checks it, stores its attachments, and routes it to a
    /// unit by the rules (else it waits for the office). `today` is the day
    /// of submission.
    pub async fn submit_request(
        &self,
        v: &Viewer,
        input: &NewRequest,
        files: &[(String, Vec<u8>)],
        today: NaiveDate,
    ) -> Result<RequestRecord> {
        self.submit_request_about(v, input, files, today, None)
            .await
    }

    /// Files a request, linked to the policy it asks about when one is given
    /// (the link is written with the request, in its transaction).
    pub async fn submit_request_about(
        &self,
        v: &Viewer,
        input: &NewRequest,
        files: &[(String, Vec<u8>)],
        today: NaiveDate,
        policy_id: Option<i64>,
    ) -> Result<RequestRecord> {
        let enterprise_code = match v.role {
            Role::Enterprise => v
                .enterprise_code
                .clone()
                .ok_or_else(|| StoreError::Forbidden("该企业账号没有关联企业".into()))?,
            Role::Admin | Role::Unit => input.enterprise.trim().to_string(),
            Role::Leader | Role::Expert => {
                return Err(StoreError::Forbidden(
                    "领导和评审专家账号不能提交诉求".into(),
                ));
            }
        };
        let mut errs = domain::requests::check_text(&input.title, &input.description);
        let enterprise = if enterprise_code.is_empty() {
            errs.push(FieldError::new("enterprise", "请选择企业"));
            None
        } else {
            let e = self.enterprise(&enterprise_code).await?;
            if e.is_none() {
                errs.push(FieldError::new(
                    "enterprise",
                    format!("没有统一社会信用代码为“{enterprise_code}”的企业"),
                ));
            }
            e
        };
        let category = self
            .request_categories()
            .await?
            .into_iter()
            .find(|c| c.code == input.category && c.active);
        if category.is_none() {
            errs.push(FieldError::new("category", "请选择诉求类别"));
        }
        let project_id = match input
            .project
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(code) => {
                let id: Option<i64> = sqlx::query_scalar("SELECT id FROM projects WHERE code = $1")
                    .bind(code)
                    .fetch_optional(self.pool())
                    .await?;
                if id.is_none() {
                    errs.push(FieldError::new("project", format!("没有项目编号“{code}”")));
                }
                id
            }
            None => None,
        };
        if let Some(visit) = input.visit_id {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT v.id FROM visits v JOIN enterprises e ON e.id = v.enterprise_id WHERE v.id = $1 AND e.credit_code = $2",
            )
            .bind(visit)
            .bind(&enterprise_code)
            .fetch_optional(self.pool())
            .await?;
            if found.is_none() {
                errs.push(FieldError::new(
                    "visit_id",
                    format!("没有该企业的走访记录 {visit}"),
                ));
            }
        }
        if files.len() > attachment::MAX_FILES {
            errs.push(FieldError::new(
                "attachments",
                format!("附件最多 {} 个", attachment::MAX_FILES),
            ));
        }
        let mut checked = vec![];
        for (name, bytes) in files {
            match attachment::check(name, bytes) {
                Ok(ct) => checked.push((attachment::safe_name(name), ct, bytes)),
                Err(e) => errs.push(FieldError::new("attachments", e)),
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let (enterprise, category) = (enterprise.expect("checked"), category.expect("checked"));
        let rules: Vec<Rule> = self
            .request_routes()
            .await?
            .into_iter()
            .map(|r| r.rule)
            .collect();
        let route =
            routing::route(&rules, &category.code, Some(&enterprise.township_code)).cloned();
        let cal = self.calendar().await?;
        let mut tx = self.begin().await?;
        let code = next_code(&mut tx, Kind::Enterprise, today.year()).await?;
        let enterprise_id: i64 = id_of(
            &mut tx,
            "SELECT id FROM enterprises WHERE credit_code = $1",
            &enterprise.credit_code,
        )
        .await?
        .expect("checked");
        let now = now_text();
        let id: i64 = sqlx::query_scalar(
                "INSERT INTO requests (code, kind, enterprise_id, project_id, category_id, title, description, status, visit_id, \
                 filed_by_staff, submitted_on, created_by_user_id, created_at, updated_at, policy_id) \
                 VALUES ($1, 'enterprise', $2, $3, $4, $5, $6, 'submitted', $7, $8, $9, $10, $11, $11, $12) RETURNING id",
            )
            .bind(&code)
            .bind(enterprise_id)
            .bind(project_id)
            .bind(category.id)
            .bind(input.title.trim())
            .bind(input.description.trim())
            .bind(input.visit_id)
            .bind((v.role != Role::Enterprise) as i64)
            .bind(today.to_string())
            .bind(v.actor.user_id)
            .bind(&now)
            .bind(policy_id)
            .fetch_one(&mut *tx)
            .await?;
        for (name, ct, bytes) in &checked {
            sqlx::query(
                    "INSERT INTO request_attachments (request_id, filename, content_type, size_bytes, sha256, data, uploaded_by, uploaded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id)
                .bind(name)
                .bind(*ct)
                .bind(bytes.len() as i64)
                .bind(hex(&sha2::Sha256::digest(bytes)))
                .bind(bytes.to_vec())
                .bind(&v.actor.name)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
        }
        let note = if v.role == Role::Enterprise {
            String::new()
        } else {
            format!("代企业填报（{}）", enterprise.name)
        };
        event(
            &mut tx,
            id,
            &v.actor,
            today,
            "submit",
            None,
            Status::Submitted,
            None,
            &note,
        )
        .await?;
        audit::record(
                &mut tx,
                &v.actor,
                "request",
                &code,
                "submit",
                None,
                Some(&serde_json::json!({"title": input.title.trim(), "category": category.code, "enterprise": enterprise.credit_code, "attachments": checked.len()})),
            )
            .await?;
        if let Some(rule) = &route {
            let unit_id = id_of(
                &mut tx,
                "SELECT id FROM org_units WHERE code = $1",
                &rule.unit,
            )
            .await?;
            let group_id = match &rule.working_group {
                Some(g) => {
                    id_of(&mut tx, "SELECT id FROM working_groups WHERE code = $1", g).await?
                }
                None => None,
            };
            let mut r = blank(id, &code, category.limits, today);
            r.status = Status::Assigned;
            r.first_assigned_on = Some(today);
            r.assigned_on = Some(today);
            save(&mut tx, &r, unit_id, group_id, &cal).await?;
            let system = crate::Actor::system("按分派规则");
            event(
                &mut tx,
                id,
                &system,
                today,
                "assign",
                Some(Status::Submitted),
                Status::Assigned,
                unit_id,
                "按分派规则自动分派",
            )
            .await?;
        }
        tx.commit().await?;
        Ok(self.request_any(id).await?.expect("just written"))
    }

    /// Creates an action item of a joint meeting, assigned to `unit` with a
    /// fixed resolution date.
    pub async fn add_action_item(
        &self,
        v: &Viewer,
        item: &NewActionItem,
        today: NaiveDate,
    ) -> Result<RequestRecord> {
        if v.role != Role::Admin {
            return Err(StoreError::Forbidden(
                "只有活动办公室可以交办会议事项".into(),
            ));
        }
        let mut errs = domain::requests::check_text(&item.title, &item.description);
        let unit = self.unit(&item.unit).await?;
        if unit.is_none() {
            errs.push(FieldError::new("unit", format!("没有单位“{}”", item.unit)));
        }
        if item.due < today {
            errs.push(FieldError::new("due", "完成时限不能早于今天"));
        }
        let category = self
            .request_categories()
            .await?
            .into_iter()
            .find(|c| c.code == item.category);
        if category.is_none() {
            errs.push(FieldError::new("category", "请选择类别"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let (unit, category) = (unit.expect("checked"), category.expect("checked"));
        let cal = self.calendar().await?;
        let mut tx = self.begin().await?;
        let code = next_code(&mut tx, Kind::ActionItem, today.year()).await?;
        let now = now_text();
        let id: i64 = sqlx::query_scalar(
                "INSERT INTO requests (code, kind, category_id, title, description, status, meeting_id, filed_by_staff, submitted_on, \
                 fixed_resolve_due, created_by_user_id, created_at, updated_at) \
                 VALUES ($1, 'action_item', $2, $3, $4, 'submitted', $5, 1, $6, $7, $8, $9, $9) RETURNING id",
            )
            .bind(&code)
            .bind(category.id)
            .bind(item.title.trim())
            .bind(item.description.trim())
            .bind(item.meeting_id)
            .bind(today.to_string())
            .bind(item.due.to_string())
            .bind(v.actor.user_id)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
        let mut r = blank(id, &code, category.limits, today);
        r.kind = Kind::ActionItem;
        r.status = Status::Assigned;
        r.first_assigned_on = Some(today);
        r.assigned_on = Some(today);
        r.fixed_resolve_due = Some(item.due);
        save(&mut tx, &r, Some(unit.id), None, &cal).await?;
        event(
            &mut tx,
            id,
            &v.actor,
            today,
            "assign",
            None,
            Status::Assigned,
            Some(unit.id),
            &format!("联席会议交办，限 {} 前办结", item.due),
        )
        .await?;
        audit::record(&mut tx, &v.actor, "request", &code, "action_item", None, Some(&serde_json::json!({"meeting": item.meeting_id, "unit": item.unit, "due": item.due}))).await?;
        tx.commit().await?;
        Ok(self.request_any(id).await?.expect("just written"))
    }

    /// Applies a checked action to a request on `today`.
    pub async fn act_on_request(
        &self,
        v: &Viewer,
        id: i64,
        input: &ActInput,
        today: NaiveDate,
    ) -> Result<RequestRecord> {
        let Some(mut r) = self.request(v, id).await? else {
            return Err(StoreError::NotFound(format!("诉求 {id}")));
        };
        let action = match input.action.as_str() {
            "assign" => Action::Assign,
            "accept" => Action::Accept,
            "transfer" => Action::Transfer,
            "reply" => Action::Reply,
            "resolve" => Action::Resolve,
            "reject" => Action::Reject,
            "rate" => Action::Rate(
                input
                    .rating
                    .as_deref()
                    .and_then(Satisfaction::parse)
                    .ok_or_else(|| invalid("rating", "请选择满意程度"))?,
            ),
            "close" => Action::Close,
            "escalate" => Action::Escalate,
            "withdraw" => Action::Withdraw,
            other => return Err(invalid("action", format!("未知的操作“{other}”"))),
        };
        let actor = v.actor_for(&r);
        let to = flow::next(r.status, &action, actor, r.kind).map_err(refused)?;
        let note = input.note.trim();
        if action.needs_note() && note.is_empty() {
            let what = match action {
                Action::Reply => "请填写答复内容",
                Action::Resolve => "请填写办理结果",
                _ => "请填写理由",
            };
            return Err(invalid("note", what));
        }
        if note.chars().count() > 5000 {
            return Err(invalid("note", "内容不能超过 5000 个字"));
        }
        let (mut unit_id, mut group_id) = (r.unit_id, r.working_group_id);
        if matches!(action, Action::Assign | Action::Transfer) {
            let code = input
                .unit
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .ok_or_else(|| invalid("unit", "请选择承办单位"))?;
            let unit = self
                .unit(code)
                .await?
                .ok_or_else(|| invalid("unit", format!("没有单位“{code}”")))?;
            if action == Action::Transfer && r.unit_code.as_deref() == Some(code) {
                return Err(invalid("unit", "不能转办给本单位"));
            }
            unit_id = Some(unit.id);
            if action == Action::Assign {
                group_id = match input
                    .working_group
                    .as_deref()
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                {
                    Some(g) => Some(
                        sqlx::query_scalar("SELECT id FROM working_groups WHERE code = $1")
                            .bind(g)
                            .fetch_optional(self.pool())
                            .await?
                            .ok_or_else(|| {
                                invalid("working_group", format!("没有工作小组“{g}”"))
                            })?,
                    ),
                    None => None,
                };
            }
            r.first_assigned_on = r.first_assigned_on.or(Some(today));
            r.assigned_on = Some(today);
            r.accepted_on = None;
        }
        let from = r.status;
        match &action {
            Action::Accept => r.accepted_on = Some(today),
            Action::Reply => r.replied_on = r.replied_on.or(Some(today)),
            Action::Resolve => {
                r.resolved_on = Some(today);
                r.replied_on = r.replied_on.or(Some(today));
                r.accepted_on = r.accepted_on.or(Some(today));
            }
            Action::Reject => {
                r.reopened_on = Some(today);
                r.resolved_on = None;
                r.reopen_count += 1;
            }
            Action::Rate(level) => {
                r.rating = Some(*level);
                if level.reopens() {
                    r.reopened_on = Some(today);
                    r.resolved_on = None;
                    r.reopen_count += 1;
                } else {
                    r.closed_on = Some(today);
                }
            }
            Action::Close | Action::Withdraw => r.closed_on = Some(today),
            Action::Assign | Action::Transfer | Action::Escalate => {}
        }
        r.status = to;
        let cal = self.calendar().await?;
        let mut tx = self.begin().await?;
        save(&mut tx, &r, unit_id, group_id, &cal).await?;
        if let Action::Rate(level) = &action {
            sqlx::query("INSERT INTO request_ratings (request_id, level, comment, rated_by, rated_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(r.id)
                .bind(level.as_str())
                .bind(note)
                .bind(&v.actor.name)
                .bind(now_text())
                .execute(&mut *tx)
                .await?;
        }
        let note_text = match &action {
            Action::Rate(level) if note.is_empty() => level.label().to_string(),
            Action::Rate(level) => format!("{}：{note}", level.label()),
            _ => note.to_string(),
        };
        event(
            &mut tx,
            r.id,
            &v.actor,
            today,
            action.as_str(),
            Some(from),
            to,
            unit_id,
            &note_text,
        )
        .await?;
        audit::record(
            &mut tx,
            &v.actor,
            "request",
            &r.code,
            action.as_str(),
            Some(&serde_json::json!({"status": from.as_str()})),
            Some(
                &serde_json::json!({"status": to.as_str(), "unit": input.unit, "note": note_text}),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(self.request_any(id).await?.expect("exists"))
    }

    /// The responsible unit asks for its one extension of the resolution limit.
    pub async fn ask_extension(
        &self,
        v: &Viewer,
        id: i64,
        days: i64,
        reason: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let r = self
            .request(v, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("诉求 {id}")))?;
        let asked: Option<i64> =
            sqlx::query_scalar("SELECT id FROM request_extensions WHERE request_id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        flow::may_ask_extension(r.status, v.actor_for(&r), asked.is_some()).map_err(refused)?;
        let mut errs = vec![];
        if !(1..=30).contains(&days) {
            errs.push(FieldError::new("days", "延期天数应为 1 至 30 个工作日"));
        }
        if reason.trim().is_empty() {
            errs.push(FieldError::new("reason", "请填写延期理由"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        const ONCE: &str = "每件诉求只能申请一次延期";
        let unit_id = r.unit_id;
        let mut tx = self.begin().await?;
        claim(&mut tx, id, r.version).await?;
        sqlx::query("INSERT INTO request_extensions (request_id, unit_id, days, reason, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(unit_id)
            .bind(days)
            .bind(reason.trim())
            .bind(&v.actor.name)
            .bind(now_text())
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::conflict_on_unique(e, ONCE))?;
        event(
            &mut tx,
            id,
            &v.actor,
            today,
            "extension_asked",
            Some(r.status),
            r.status,
            unit_id,
            &format!("申请延期 {days} 个工作日：{}", reason.trim()),
        )
        .await?;
        audit::record(
            &mut tx,
            &v.actor,
            "request",
            &r.code,
            "extension_asked",
            None,
            Some(&serde_json::json!({"days": days, "reason": reason.trim()})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The office approves or refuses a pending extension.
    pub async fn decide_extension(
        &self,
        v: &Viewer,
        id: i64,
        approve: bool,
        note: &str,
        today: NaiveDate,
    ) -> Result<()> {
        let mut r = self
            .request(v, id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("诉求 {id}")))?;
        let pending: Option<i64> = sqlx::query_scalar(
            "SELECT days FROM request_extensions WHERE request_id = $1 AND status = 'pending'",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        flow::may_decide_extension(v.actor_for(&r), pending.is_some()).map_err(refused)?;
        let days = pending.expect("checked");
        if !approve && note.trim().is_empty() {
            return Err(invalid("note", "不予延期时请说明理由"));
        }
        let cal = self.calendar().await?;
        let (unit_id, group_id) = (r.unit_id, r.working_group_id);
        let mut tx = self.begin().await?;
        // Decided once: a second decision made at the same time finds the
        // application no longer pending and changes nothing.
        let n = sqlx::query("UPDATE request_extensions SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE request_id = $5 AND status = 'pending'")
            .bind(if approve { "approved" } else { "refused" })
            .bind(&v.actor.name)
            .bind(now_text())
            .bind(note.trim())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        crate::one_row_or_conflict(n, "该延期申请已被他人审批，请刷新")?;
        if approve {
            r.extension_days = days;
            save(&mut tx, &r, unit_id, group_id, &cal).await?;
        } else {
            claim(&mut tx, id, r.version).await?;
        }
        let action = if approve {
            "extension_approved"
        } else {
            "extension_refused"
        };
        event(
            &mut tx,
            id,
            &v.actor,
            today,
            action,
            Some(r.status),
            r.status,
            unit_id,
            note.trim(),
        )
        .await?;
        audit::record(
            &mut tx,
            &v.actor,
            "request",
            &r.code,
            action,
            None,
            Some(&serde_json::json!({"days": days, "note": note.trim()})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a visit to an enterprise (staff only). A visit that follows up
    /// a reopened request is recorded on that request too.
    pub async fn add_visit(&self, v: &Viewer, input: &NewVisit) -> Result<VisitRecord> {
        if !v.is_staff() {
            return Err(StoreError::Forbidden(
                "只有活动办公室和成员单位可以登记走访".into(),
            ));
        }
        let mut errs = vec![];
        let e = self.enterprise(input.enterprise.trim()).await?;
        if e.is_none() {
            errs.push(FieldError::new(
                "enterprise",
                format!("没有统一社会信用代码为“{}”的企业", input.enterprise.trim()),
            ));
        }
        let on = domain::projects::parse_date(input.visited_on.trim());
        if on.is_err() {
            errs.push(FieldError::new("visited_on", "走访日期格式应为 YYYY-MM-DD"));
        }
        if input.visitors.trim().is_empty() {
            errs.push(FieldError::new("visitors", "请填写走访人员"));
        }
        if input.findings.trim().is_empty() {
            errs.push(FieldError::new("findings", "请填写走访了解到的情况"));
        }
        let follow = match input.follow_up_of {
            Some(rid) => match self.request(v, rid).await? {
                Some(r) if r.enterprise_code == e.as_ref().map(|e| e.credit_code.clone()) => {
                    Some(r)
                }
                _ => {
                    errs.push(FieldError::new(
                        "follow_up_of",
                        "回访的诉求不存在或不属于该企业",
                    ));
                    None
                }
            },
            None => None,
        };
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let (e, on) = (e.expect("checked"), on.expect("checked"));
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO visits (enterprise_id, visited_on, visitors, findings, follow_up_of, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(e.id)
        .bind(on.to_string())
        .bind(input.visitors.trim())
        .bind(input.findings.trim())
        .bind(input.follow_up_of)
        .bind(&v.actor.name)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?;
        if let Some(r) = &follow {
            let unit_id = r.unit_id;
            event(
                &mut tx,
                r.id,
                &v.actor,
                on,
                "follow_up_visit",
                Some(r.status),
                r.status,
                unit_id,
                input.findings.trim(),
            )
            .await?;
        }
        audit::record(&mut tx, &v.actor, "visit", &id.to_string(), "create", None, Some(&serde_json::json!({"enterprise": e.credit_code, "visited_on": on, "follow_up_of": input.follow_up_of}))).await?;
        tx.commit().await?;
        Ok(VisitRecord {
            id,
            enterprise_code: e.credit_code,
            enterprise_name: e.name,
            visited_on: on.to_string(),
            visitors: input.visitors.trim().into(),
            findings: input.findings.trim().into(),
            follow_up_of: input.follow_up_of,
            created_by: v.actor.name.clone(),
        })
    }

    /// Visits, newest first; of one enterprise when given.
    pub async fn visits(&self, enterprise: Option<&str>) -> Result<Vec<VisitRecord>> {
        sqlx::query(
            "SELECT v.id, e.credit_code, e.name, v.visited_on, v.visitors, v.findings, v.follow_up_of, v.created_by \
             FROM visits v JOIN enterprises e ON e.id = v.enterprise_id WHERE ($1 IS NULL OR e.credit_code = $1) \
             ORDER BY v.visited_on DESC, v.id DESC",
        )
        .bind(enterprise)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(VisitRecord {
                id: r.try_get("id")?,
                enterprise_code: r.try_get("credit_code")?,
                enterprise_name: r.try_get("name")?,
                visited_on: r.try_get("visited_on")?,
                visitors: r.try_get("visitors")?,
                findings: r.try_get("findings")?,
                follow_up_of: r.try_get("follow_up_of")?,
                created_by: r.try_get("created_by")?,
            })
        })
        .collect()
    }
}

/// A record with only what `save` needs, for a request just inserted.
fn blank(id: i64, code: &str, limits: domain::requests::Limits, today: NaiveDate) -> RequestRecord {
    RequestRecord {
        id,
        code: code.into(),
        kind: Kind::Enterprise,
        enterprise_code: None,
        enterprise_name: None,
        township_code: None,
        project_code: None,
        project_name: None,
        category_code: String::new(),
        category_name: String::new(),
        limits,
        title: String::new(),
        description: String::new(),
        status: Status::Submitted,
        unit_id: None,
        unit_code: None,
        unit_name: None,
        working_group_id: None,
        working_group_code: None,
        working_group_name: None,
        visit_id: None,
        meeting_id: None,
        policy_id: None,
        filed_by_staff: false,
        submitted_on: today,
        first_assigned_on: None,
        assigned_on: None,
        accepted_on: None,
        replied_on: None,
        resolved_on: None,
        closed_on: None,
        reopened_on: None,
        fixed_resolve_due: None,
        accept_due: None,
        reply_due: None,
        resolve_due: None,
        provisional: false,
        extension_days: 0,
        rating: None,
        reopen_count: 0,
        follow_up_due: false,
        version: 0,
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
