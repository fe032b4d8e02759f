//! The checked writes of fiscal support: each in one transaction against
//! the state it started from (a programme's status is updated only from the
//! status it was read in; an application's from its status and version).

use super::{Application, Programme};
use crate::audit;
use crate::requests::Viewer;
use crate::{Result, Store, StoreError, now_text, one_row_or_conflict};
use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::fiscal::{Action, AppStatus, Candidate, Criterion, Facts, Rules, Status};
use domain::requests::attachment;
use domain::users::{FieldError, Role};
use sha2::Digest;
use sqlx::Row;

const MAX_YUAN: i64 = 100_000_000_000;

/// A programme to create.
#[derive(Debug, Clone, Default)]
pub struct NewProgramme {
    pub title: String,
    pub budget_yuan: i64,
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
    /// Basis points; default 10%.
    pub share_bp: Option<i64>,
    pub cap_yuan: Option<i64>,
    /// Hundredths; default 60.
    pub passing: Option<i64>,
    pub criteria: Option<Vec<Criterion>>,
    pub rules: Option<Rules>,
    /// Working days of the 公示 (default 7).
    pub publicity_days: Option<i64>,
}

/// A real-name objection.
#[derive(Debug, Clone, Default)]
pub struct NewObjection {
    /// The application's code, when it concerns one.
    pub application: Option<String>,
    pub author: String,
    pub contact: String,
    pub body: String,
}

/// An application to submit (or resubmit).
#[derive(Debug, Clone, Default)]
pub struct NewApplication {
    /// The enterprise's credit code (the office only; an enterprise applies for itself).
    pub enterprise: String,
    pub project: String,
    pub eligible_investment_yuan: i64,
    pub amount_yuan: i64,
    pub description: String,
    pub files: Vec<(String, Vec<u8>)>,
}

fn office_only(v: &Viewer) -> Result<()> {
    if v.role == Role::Admin {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "只有活动办公室可以管理专项资金".into(),
        ))
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Store {
    /// Creates a programme, open for applications in its window.
    pub async fn create_fiscal_programme(&self, v: &Viewer, p: &NewProgramme) -> Result<i64> {
        office_only(v)?;
        let mut errs = vec![];
        let title = p.title.trim();
        if title.is_empty() || title.chars().count() > 100 {
            errs.push(FieldError::new("title", "请填写名称（不超过 100 字）"));
        }
        if !(1..=MAX_YUAN).contains(&p.budget_yuan) {
            errs.push(FieldError::new(
                "budget_yuan",
                "预算应为 1 元至 1000 亿元的整数",
            ));
        }
        match (p.opens_on, p.closes_on) {
            (None, _) => errs.push(FieldError::new("opens_on", "请填写申报开始日期")),
            (_, None) => errs.push(FieldError::new("closes_on", "请填写申报截止日期")),
            (Some(a), Some(b)) if a > b => {
                errs.push(FieldError::new("closes_on", "截止日期不能早于开始日期"))
            }
            _ => {}
        }
        let share = p.share_bp.unwrap_or(domain::fiscal::DEFAULT_SHARE_BP);
        if !(1..=10_000).contains(&share) {
            errs.push(FieldError::new(
                "support_share",
                "扶持比例应在 0 与 1 之间（如 0.1 即 10%）",
            ));
        }
        let cap = p.cap_yuan.unwrap_or(domain::fiscal::DEFAULT_CAP_YUAN);
        if !(1..=MAX_YUAN).contains(&cap) {
            errs.push(FieldError::new(
                "cap_yuan",
                "单个项目扶持上限应为正整数（元）",
            ));
        }
        let criteria = p
            .criteria
            .clone()
            .unwrap_or_else(domain::fiscal::default_criteria);
        if criteria.is_empty() || criteria.len() > 20 {
            errs.push(FieldError::new("criteria", "评分表应有 1 至 20 项"));
        }
        for c in &criteria {
            if c.name.trim().is_empty()
                || c.name.chars().count() > 50
                || !(1..=100).contains(&c.max)
            {
                errs.push(FieldError::new(
                    "criteria",
                    "每个评分项须有名称（不超过 50 字）和 1 至 100 分的满分",
                ));
                break;
            }
        }
        // Clamped: a refused maximum must not overflow the sum.
        let full: i64 = criteria.iter().map(|c| c.max.clamp(0, 100)).sum();
        let passing = p.passing.unwrap_or(domain::fiscal::DEFAULT_PASSING);
        if passing < 0 || passing > full * 100 {
            errs.push(FieldError::new(
                "passing_score",
                format!("合格分应在 0 至 {full} 分之间"),
            ));
        }
        let publicity_days = p.publicity_days.unwrap_or(domain::fiscal::PUBLICITY_DAYS);
        if !(1..=30).contains(&publicity_days) {
            errs.push(FieldError::new(
                "publicity_days",
                "公示期应为 1 至 30 个工作日",
            ));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let rules = p.rules.unwrap_or_default();
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO fiscal_programmes (title, budget_yuan, opens_on, closes_on, share_bp, cap_yuan, passing, publicity_days, \
             rules, criteria, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12) RETURNING id",
        )
        .bind(title)
        .bind(p.budget_yuan)
        .bind(p.opens_on.map(|d| d.to_string()))
        .bind(p.closes_on.map(|d| d.to_string()))
        .bind(share)
        .bind(cap)
        .bind(passing)
        .bind(publicity_days)
        .bind(serde_json::to_string(&rules).unwrap_or_default())
        .bind(serde_json::to_string(&criteria).unwrap_or_default())
        .bind(&v.actor.name)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::record(&mut tx, &v.actor, "fiscal_programme", &id.to_string(), "create", None,
            Some(&serde_json::json!({"title": title, "budget_yuan": p.budget_yuan, "share_bp": share, "cap_yuan": cap, "passing": passing}))).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces a programme's experts (users with the role `expert`).
    pub async fn set_fiscal_experts(
        &self,
        v: &Viewer,
        id: i64,
        usernames: &[String],
    ) -> Result<Programme> {
        office_only(v)?;
        let p = self.fiscal_programme(v, id).await?;
        if p.status == Status::Final {
            return Err(StoreError::Conflict(
                "专项资金已定稿，不能再调整专家".into(),
            ));
        }
        let mut ids = vec![];
        let mut errs = vec![];
        for u in usernames {
            let r = sqlx::query("SELECT id, role, active FROM users WHERE username = $1")
                .bind(u.trim())
                .fetch_optional(self.pool())
                .await?;
            match r {
                Some(r)
                    if r.try_get::<String, _>("role")? == "expert"
                        && r.try_get::<i64, _>("active")? != 0 =>
                {
                    let uid: i64 = r.try_get("id")?;
                    if !ids.contains(&uid) {
                        ids.push(uid);
                    }
                }
                Some(_) => errs.push(FieldError::new(
                    "experts",
                    format!("“{}”不是在用的评审专家账号", u.trim()),
                )),
                None => errs.push(FieldError::new(
                    "experts",
                    format!("没有用户“{}”", u.trim()),
                )),
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM fiscal_experts WHERE programme_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for uid in &ids {
            sqlx::query("INSERT INTO fiscal_experts (programme_id, user_id) VALUES ($1, $2)")
                .bind(id)
                .bind(uid)
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut tx,
            &v.actor,
            "fiscal_programme",
            &id.to_string(),
            "experts",
            None,
            Some(&serde_json::json!({"experts": usernames})),
        )
        .await?;
        tx.commit().await?;
        self.fiscal_programme(v, id).await
    }

    /// What eligibility reads of the registry for an enterprise and project.
    async fn eligibility_facts(
        &self,
        enterprise_id: i64,
        credit_code: &str,
        project: &str,
    ) -> Result<Facts> {
        let pr =
            sqlx::query("SELECT approved_on, enterprise_credit_code FROM projects WHERE code = $1")
                .bind(project)
                .fetch_optional(self.pool())
                .await?;
        let (found, approved) = match pr {
            Some(r) => {
                let owner: String = r.try_get("enterprise_credit_code")?;
                let approved: Option<String> = r.try_get("approved_on")?;
                (owner.is_empty() || owner == credit_code, approved.is_some())
            }
            None => (false, false),
        };
        let class: Option<String> = sqlx::query(
            "SELECT r.class FROM per_mu_results r WHERE r.enterprise_id = $1 AND r.evaluation_id = \
             (SELECT id FROM per_mu_evaluations WHERE status = 'final' ORDER BY year DESC LIMIT 1)",
        )
        .bind(enterprise_id)
        .fetch_optional(self.pool())
        .await?
        .map(|r| r.try_get("class"))
        .transpose()?;
        let rating: Option<String> = sqlx::query(
            "SELECT rating FROM credit_ratings WHERE enterprise_id = $1 ORDER BY year DESC LIMIT 1",
        )
        .bind(enterprise_id)
        .fetch_optional(self.pool())
        .await?
        .map(|r| r.try_get("rating"))
        .transpose()?;
        let vetoes = sqlx::query(
            "SELECT on_date FROM credit_events WHERE enterprise_id = $1 AND kind = 'veto'",
        )
        .bind(enterprise_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .filter_map(|r| r.try_get::<String, _>("on_date").ok()?.parse().ok())
        .collect();
        Ok(Facts {
            project_found: found,
            project_approved: approved,
            per_mu_class: class,
            credit_rating: rating,
            vetoes,
        })
    }

    fn check_application(a: &NewApplication, errs: &mut Vec<FieldError>) {
        if a.project.trim().is_empty() {
            errs.push(FieldError::new("project", "请填写项目编号"));
        }
        if !(1..=MAX_YUAN).contains(&a.eligible_investment_yuan) {
            errs.push(FieldError::new(
                "eligible_investment_yuan",
                "符合条件的投资额应为 1 元至 1000 亿元的整数",
            ));
        }
        if !(1..=MAX_YUAN).contains(&a.amount_yuan) {
            errs.push(FieldError::new(
                "amount_yuan",
                "申请金额应为 1 元至 1000 亿元的整数",
            ));
        } else if a.amount_yuan > a.eligible_investment_yuan {
            errs.push(FieldError::new(
                "amount_yuan",
                "申请金额不能超过符合条件的投资额",
            ));
        }
        if a.description.chars().count() > 5000 {
            errs.push(FieldError::new("description", "项目说明不能超过 5000 字"));
        }
        if a.files.len() > attachment::MAX_FILES {
            errs.push(FieldError::new(
                "attachments",
                format!("附件最多 {} 个", attachment::MAX_FILES),
            ));
        }
        for (name, bytes) in &a.files {
            if let Err(e) = attachment::check(name, bytes) {
                errs.push(FieldError::new("attachments", e));
            }
        }
    }

    async fn store_files(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        v: &Viewer,
        id: i64,
        files: &[(String, Vec<u8>)],
    ) -> Result<()> {
        let now = now_text();
        for (name, bytes) in files {
            let ct = attachment::check(name, bytes)
                .map_err(|e| StoreError::Invalid(vec![FieldError::new("attachments", e)]))?;
            sqlx::query(
                "INSERT INTO fiscal_attachments (application_id, filename, content_type, size_bytes, sha256, data, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(attachment::safe_name(name))
            .bind(ct)
            .bind(bytes.len() as i64)
            .bind(hex(&sha2::Sha256::digest(bytes)))
            .bind(bytes.to_vec())
            .bind(&v.actor.name)
            .bind(&now)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Submits an application while the programme is open and `today` is in
    /// its window; eligibility is checked at once, with a reason per failed
    /// rule (an ineligible application is kept, for the office to reject).
    pub async fn submit_fiscal_application(
        &self,
        v: &Viewer,
        programme_id: i64,
        a: &NewApplication,
        today: NaiveDate,
    ) -> Result<Application> {
        let code = match v.role {
            Role::Enterprise => v.enterprise_code.clone().unwrap_or_default(),
            Role::Admin => a.enterprise.trim().to_string(),
            _ => {
                return Err(StoreError::Forbidden(
                    "专项资金由企业申报，或由活动办公室代为申报".into(),
                ));
            }
        };
        let p = self.fiscal_programme(v, programme_id).await?;
        if p.status != Status::Open {
            return Err(StoreError::Conflict(format!(
                "专项资金“{}”，不接受申报",
                p.status.label()
            )));
        }
        if today < p.opens_on || today > p.closes_on {
            return Err(StoreError::Conflict(format!(
                "申报期为 {} 至 {}，今天不在申报期内",
                p.opens_on, p.closes_on
            )));
        }
        let mut errs = vec![];
        let eid: Option<i64> = sqlx::query("SELECT id FROM enterprises WHERE credit_code = $1")
            .bind(&code)
            .fetch_optional(self.pool())
            .await?
            .map(|r| r.try_get("id"))
            .transpose()?;
        if eid.is_none() {
            errs.push(FieldError::new(
                "enterprise",
                if code.is_empty() {
                    "请填写企业的统一社会信用代码".to_string()
                } else {
                    format!("企业库中没有“{code}”")
                },
            ));
        }
        Self::check_application(a, &mut errs);
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let eid = eid.expect("checked");
        let facts = self.eligibility_facts(eid, &code, a.project.trim()).await?;
        let reasons = domain::fiscal::eligibility(&p.rules, &facts, today);
        let mut tx = self.begin().await?;
        let seq: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM fiscal_applications WHERE programme_id = $1")
                .bind(programme_id)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        let app_code = format!("ZX{programme_id}-{:04}", seq + 1);
        let id: i64 = sqlx::query(
            "INSERT INTO fiscal_applications (programme_id, code, enterprise_id, project_code, eligible_investment_yuan, amount_yuan, description, \
             status, eligible, reasons, submitted_at, submitted_on, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'submitted', $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(programme_id)
        .bind(&app_code)
        .bind(eid)
        .bind(a.project.trim())
        .bind(a.eligible_investment_yuan)
        .bind(a.amount_yuan)
        .bind(a.description.trim())
        .bind(reasons.is_empty() as i64)
        .bind(serde_json::to_string(&reasons).unwrap_or_default())
        .bind(now_text())
        .bind(today.to_string())
        .bind(&v.actor.name)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| crate::conflict_on_unique(e, "该企业已就这个项目申报过本专项资金"))?
        .try_get("id")?;
        Self::store_files(&mut tx, v, id, &a.files).await?;
        audit::record(&mut tx, &v.actor, "fiscal_application", &app_code, "submit", None,
            Some(&serde_json::json!({"enterprise": code, "project": a.project.trim(), "amount_yuan": a.amount_yuan, "reasons": reasons}))).await?;
        tx.commit().await?;
        self.fiscal_application(v, id).await
    }

    /// The enterprise corrects a returned application and submits it again
    /// (eligibility is checked anew; new files are added).
    pub async fn resubmit_fiscal_application(
        &self,
        v: &Viewer,
        id: i64,
        a: &NewApplication,
        today: NaiveDate,
    ) -> Result<Application> {
        let before = self.fiscal_application(v, id).await?;
        if !matches!(v.role, Role::Enterprise | Role::Admin) {
            return Err(StoreError::Forbidden(
                "只有申报企业或活动办公室可以修改申报".into(),
            ));
        }
        if before.status != AppStatus::Returned {
            return Err(StoreError::Conflict(format!(
                "申报状态为“{}”，只有退回修改的申报可以重新提交",
                before.status.label()
            )));
        }
        let p = self.fiscal_programme(v, before.programme_id).await?;
        if matches!(p.status, Status::Ranked | Status::Publicity | Status::Final) {
            return Err(StoreError::Conflict(
                "专项资金已排序，不能再修改申报".into(),
            ));
        }
        let mut errs = vec![];
        Self::check_application(a, &mut errs);
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let eid: i64 = sqlx::query("SELECT enterprise_id FROM fiscal_applications WHERE id = $1")
            .bind(id)
            .fetch_one(self.pool())
            .await?
            .try_get("enterprise_id")?;
        let facts = self
            .eligibility_facts(eid, &before.credit_code, a.project.trim())
            .await?;
        let reasons = domain::fiscal::eligibility(&p.rules, &facts, today);
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE fiscal_applications SET project_code = $2, eligible_investment_yuan = $3, amount_yuan = $4, description = $5, \
             status = 'submitted', eligible = $6, reasons = $7, submitted_at = $8, submitted_on = $9, version = version + 1 \
             WHERE id = $1 AND status = 'returned'",
        )
        .bind(id)
        .bind(a.project.trim())
        .bind(a.eligible_investment_yuan)
        .bind(a.amount_yuan)
        .bind(a.description.trim())
        .bind(reasons.is_empty() as i64)
        .bind(serde_json::to_string(&reasons).unwrap_or_default())
        .bind(now_text())
        .bind(today.to_string())
        .execute(&mut *tx)
        .await
        .map_err(|e| crate::conflict_on_unique(e, "该企业已就这个项目申报过本专项资金"))?
        .rows_affected();
        one_row_or_conflict(n, "申报刚被他人修改，请刷新后再试")?;
        Self::store_files(&mut tx, v, id, &a.files).await?;
        audit::record(&mut tx, &v.actor, "fiscal_application", &before.code, "resubmit", None,
            Some(&serde_json::json!({"project": a.project.trim(), "amount_yuan": a.amount_yuan, "reasons": reasons}))).await?;
        tx.commit().await?;
        self.fiscal_application(v, id).await
    }

    /// Formal review by the office: pass (only an eligible application),
    /// return for correction or reject (both with a reason).
    pub async fn review_fiscal_application(
        &self,
        v: &Viewer,
        id: i64,
        decision: &str,
        reason: &str,
    ) -> Result<Application> {
        office_only(v)?;
        let a = self.fiscal_application(v, id).await?;
        let to = match decision.trim() {
            "pass" => AppStatus::Passed,
            "return" => AppStatus::Returned,
            "reject" => AppStatus::Rejected,
            _ => {
                return Err(StoreError::Invalid(vec![FieldError::new(
                    "decision",
                    "审查结论应为 pass、return 或 reject",
                )]));
            }
        };
        let reason = reason.trim();
        if to != AppStatus::Passed && reason.is_empty() {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "reason",
                "退回或不予受理须说明理由",
            )]));
        }
        if reason.chars().count() > 1000 {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "reason",
                "理由不能超过 1000 字",
            )]));
        }
        if a.status != AppStatus::Submitted {
            return Err(StoreError::Conflict(format!(
                "申报状态为“{}”，不在待审查状态",
                a.status.label()
            )));
        }
        if to == AppStatus::Passed && !a.eligible {
            return Err(StoreError::Conflict(format!(
                "申报不符合条件，不能通过：{}",
                a.reasons.join("；")
            )));
        }
        let p = self.fiscal_programme(v, a.programme_id).await?;
        if p.status.ranked() {
            return Err(StoreError::Conflict("专项资金已排序，不能再审查".into()));
        }
        let mut tx = self.begin().await?;
        let n = sqlx::query("UPDATE fiscal_applications SET status = $2, review_reason = $3, version = version + 1 WHERE id = $1 AND status = 'submitted'")
            .bind(id)
            .bind(to.as_str())
            .bind(reason)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "申报刚被他人审查，请刷新后再试")?;
        audit::record(
            &mut tx,
            &v.actor,
            "fiscal_application",
            &a.code,
            "review",
            None,
            Some(&serde_json::json!({"decision": to.as_str(), "reason": reason})),
        )
        .await?;
        tx.commit().await?;
        self.fiscal_application(v, id).await
    }

    /// An assigned expert scores an application that passed formal review
    /// (marks in hundredths, within the sheet's maxima), or declares a
    /// conflict; a later answer replaces the earlier until the ranking. The
    /// first score moves a closed programme to scoring.
    pub async fn score_fiscal_application(
        &self,
        v: &Viewer,
        id: i64,
        marks: Option<&[i64]>,
    ) -> Result<Application> {
        if v.role != Role::Expert {
            return Err(StoreError::Forbidden(
                "只有分配到该专项资金的评审专家可以评分".into(),
            ));
        }
        let a = self.fiscal_application(v, id).await?;
        let p = self.fiscal_programme(v, a.programme_id).await?;
        if !matches!(p.status, Status::Closed | Status::Scoring) {
            return Err(StoreError::Conflict(format!(
                "专项资金“{}”，不能评分（申报截止后、排序前评分）",
                p.status.label()
            )));
        }
        let (conflict, marks, total) = match marks {
            None => (true, vec![], 0),
            Some(m) => {
                let total = domain::fiscal::check_marks(&p.criteria, m)
                    .map_err(|e| StoreError::Invalid(vec![FieldError::new("scores", e)]))?;
                (false, m.to_vec(), total)
            }
        };
        let uid = v
            .actor
            .user_id
            .ok_or_else(|| StoreError::Forbidden("评分须以专家本人账号登录".into()))?;
        let mut tx = self.begin().await?;
        let n = sqlx::query("UPDATE fiscal_programmes SET status = 'scoring', version = version + 1 WHERE id = $1 AND status IN ('closed', 'scoring')")
            .bind(p.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "专项资金状态刚有变化，请刷新后再试")?;
        sqlx::query("DELETE FROM fiscal_scores WHERE application_id = $1 AND user_id = $2")
            .bind(id)
            .bind(uid)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO fiscal_scores (application_id, user_id, conflict, marks, total, scored_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(uid)
            .bind(conflict as i64)
            .bind(serde_json::to_string(&marks).unwrap_or_default())
            .bind(total)
            .bind(now_text())
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            &v.actor,
            "fiscal_application",
            &a.code,
            if conflict { "conflict" } else { "score" },
            None,
            Some(&serde_json::json!({"marks": marks, "total": total})),
        )
        .await?;
        tx.commit().await?;
        self.fiscal_application(v, id).await
    }

    /// The office enters the environmental deduction (hundredths) with its reason, before the ranking is published.
    pub async fn set_fiscal_deduction(
        &self,
        v: &Viewer,
        id: i64,
        deduction: i64,
        reason: &str,
    ) -> Result<Application> {
        office_only(v)?;
        let a = self.fiscal_application(v, id).await?;
        let p = self.fiscal_programme(v, a.programme_id).await?;
        if matches!(p.status, Status::Publicity | Status::Final) {
            return Err(StoreError::Conflict("排序已公示，不能再调整扣分".into()));
        }
        if !(0..=10_000).contains(&deduction) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "deduction",
                "扣分应在 0 至 100 分之间",
            )]));
        }
        if deduction > 0 && reason.trim().is_empty() {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "deduction_reason",
                "扣分须说明理由",
            )]));
        }
        let mut tx = self.begin().await?;
        // Holds the programme's row: a 公示 starting at the same moment waits, or this is refused.
        let n = sqlx::query("UPDATE fiscal_programmes SET version = version + 1 WHERE id = $1 AND status NOT IN ('publicity', 'final')")
            .bind(p.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "排序已公示，不能再调整扣分")?;
        sqlx::query("UPDATE fiscal_applications SET deduction = $2, deduction_reason = $3, version = version + 1 WHERE id = $1")
            .bind(id)
            .bind(deduction)
            .bind(reason.trim())
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            &v.actor,
            "fiscal_application",
            &a.code,
            "deduction",
            None,
            Some(&serde_json::json!({"deduction": deduction, "reason": reason.trim()})),
        )
        .await?;
        tx.commit().await?;
        self.fiscal_application(v, id).await
    }

    /// Moves a programme on: close, rank (scores, ranks and awards written
    /// in one transaction; refused while an application that passed review
    /// has fewer than 3 scoring experts), publish (公示 from `on`),
    /// finalize (after the 公示 has run and every objection is answered).
    pub async fn fiscal_programme_action(
        &self,
        v: &Viewer,
        id: i64,
        action: &str,
        on: NaiveDate,
        cal: &Calendar,
    ) -> Result<Programme> {
        office_only(v)?;
        let act = Action::parse(action).ok_or_else(|| {
            StoreError::Invalid(vec![FieldError::new(
                "action",
                "操作应为 close、rank、publish 或 finalize",
            )])
        })?;
        let p = self.fiscal_programme(v, id).await?;
        let to = act.next(p.status).map_err(StoreError::Conflict)?;
        let mut tx = self.begin().await?;
        let n = sqlx::query("UPDATE fiscal_programmes SET status = $2, version = version + 1 WHERE id = $1 AND status = $3")
            .bind(id)
            .bind(to.as_str())
            .bind(p.status.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "专项资金状态刚有变化，请刷新后再试")?;
        match act {
            Action::Close => {}
            Action::Rank => {
                let pending: i64 = sqlx::query("SELECT COUNT(*) AS n FROM fiscal_applications WHERE programme_id = $1 AND status = 'submitted'")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("n")?;
                if pending > 0 {
                    return Err(StoreError::Conflict(format!(
                        "还有 {pending} 份申报未完成形式审查，不能排序"
                    )));
                }
                let apps = sqlx::query(
                    "SELECT id, code, submitted_at, amount_yuan, eligible_investment_yuan, deduction FROM fiscal_applications \
                     WHERE programme_id = $1 AND status = 'passed' ORDER BY code",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                let mut candidates = vec![];
                let mut short = vec![];
                let mut scores = vec![];
                for r in &apps {
                    let aid: i64 = r.try_get("id")?;
                    let code: String = r.try_get("code")?;
                    let totals: Vec<i64> = sqlx::query("SELECT total FROM fiscal_scores WHERE application_id = $1 AND conflict = 0")
                        .bind(aid)
                        .fetch_all(&mut *tx)
                        .await?
                        .iter()
                        .map(|x| x.try_get("total"))
                        .collect::<std::result::Result<_, _>>()?;
                    match domain::fiscal::application_score(&totals, r.try_get("deduction")?) {
                        None => short.push(format!("{code}（{} 位）", totals.len())),
                        Some(score) => {
                            scores.push((aid, score));
                            candidates.push(Candidate {
                                id: aid,
                                code,
                                submitted_at: r.try_get("submitted_at")?,
                                score,
                                amount_yuan: r.try_get("amount_yuan")?,
                                eligible_investment_yuan: r.try_get("eligible_investment_yuan")?,
                            });
                        }
                    }
                }
                if !short.is_empty() {
                    return Err(StoreError::Conflict(format!(
                        "每份申报至少需要 {} 位专家评分（回避的不计），以下申报不足：{}",
                        domain::fiscal::MIN_EXPERTS,
                        short.join("、")
                    )));
                }
                sqlx::query("UPDATE fiscal_applications SET score_num = NULL, score_den = NULL, rank = NULL, award_yuan = NULL WHERE programme_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for (aid, s) in &scores {
                    sqlx::query("UPDATE fiscal_applications SET score_num = $2, score_den = $3, award_yuan = 0 WHERE id = $1")
                        .bind(aid)
                        .bind(s.numerator() as i64)
                        .bind(s.denominator() as i64)
                        .execute(&mut *tx)
                        .await?;
                }
                let awards = domain::fiscal::rank_and_award(&candidates, &p.support());
                for a in &awards {
                    sqlx::query(
                        "UPDATE fiscal_applications SET rank = $2, award_yuan = $3 WHERE id = $1",
                    )
                    .bind(a.id)
                    .bind(a.rank)
                    .bind(a.award_yuan)
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query("UPDATE fiscal_programmes SET ranked_on = $2 WHERE id = $1")
                    .bind(id)
                    .bind(on.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            Action::Publish => {
                sqlx::query("UPDATE fiscal_programmes SET published_on = $2 WHERE id = $1")
                    .bind(id)
                    .bind(on.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
            Action::Finalize => {
                let published = p.published_on.unwrap_or(on);
                let ends = domain::fiscal::publicity_ends(cal, published, p.publicity_days);
                if on < ends {
                    return Err(StoreError::Conflict(format!(
                        "公示期至 {ends}（{} 个工作日），期满后才能定稿",
                        p.publicity_days
                    )));
                }
                let open: i64 = sqlx::query("SELECT COUNT(*) AS n FROM fiscal_objections WHERE programme_id = $1 AND answer IS NULL")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("n")?;
                if open > 0 {
                    return Err(StoreError::Conflict(format!(
                        "还有 {open} 条异议未答复，不能定稿"
                    )));
                }
                sqlx::query("UPDATE fiscal_programmes SET finalized_on = $2 WHERE id = $1")
                    .bind(id)
                    .bind(on.to_string())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        audit::record(
            &mut tx,
            &v.actor,
            "fiscal_programme",
            &id.to_string(),
            act.as_str(),
            None,
            Some(&serde_json::json!({"on": on, "status": to.as_str()})),
        )
        .await?;
        tx.commit().await?;
        self.fiscal_programme(v, id).await
    }

    /// A real-name objection during the 公示 (not by experts).
    pub async fn file_fiscal_objection(
        &self,
        v: &Viewer,
        programme_id: i64,
        o: &NewObjection,
        today: NaiveDate,
    ) -> Result<i64> {
        let (application, author, contact, body) = (
            o.application.as_deref(),
            o.author.as_str(),
            o.contact.as_str(),
            o.body.as_str(),
        );
        if v.role == Role::Expert {
            return Err(StoreError::Forbidden("评审专家不能提出异议".into()));
        }
        let p = self.fiscal_programme(v, programme_id).await?;
        if p.status != Status::Publicity {
            return Err(StoreError::Conflict("只能在公示期间提出异议".into()));
        }
        let mut errs = vec![];
        if author.trim().is_empty() || author.chars().count() > 50 {
            errs.push(FieldError::new("author", "异议须实名（姓名不超过 50 字）"));
        }
        if body.trim().is_empty() || body.chars().count() > 2000 {
            errs.push(FieldError::new("body", "请填写异议内容（不超过 2000 字）"));
        }
        if contact.chars().count() > 100 {
            errs.push(FieldError::new("contact", "联系方式不能超过 100 字"));
        }
        let app_id: Option<i64> = match application.map(str::trim).filter(|s| !s.is_empty()) {
            Some(code) => {
                let r = sqlx::query(
                    "SELECT id FROM fiscal_applications WHERE programme_id = $1 AND code = $2",
                )
                .bind(programme_id)
                .bind(code)
                .fetch_optional(self.pool())
                .await?;
                match r {
                    Some(r) => Some(r.try_get("id")?),
                    None => {
                        errs.push(FieldError::new(
                            "application",
                            format!("本专项资金没有申报“{code}”"),
                        ));
                        None
                    }
                }
            }
            None => None,
        };
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        // Holds the programme's row while still in 公示: a finalize at the same moment waits for it.
        let n = sqlx::query("UPDATE fiscal_programmes SET version = version + 1 WHERE id = $1 AND status = 'publicity'")
            .bind(programme_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "公示已结束，不能再提出异议")?;
        let id: i64 = sqlx::query(
            "INSERT INTO fiscal_objections (programme_id, application_id, author, contact, body, filed_on, filed_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(programme_id)
        .bind(app_id)
        .bind(author.trim())
        .bind(contact.trim())
        .bind(body.trim())
        .bind(today.to_string())
        .bind(&v.actor.name)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::record(
            &mut tx,
            &v.actor,
            "fiscal_programme",
            &programme_id.to_string(),
            "objection",
            None,
            Some(&serde_json::json!({"objection": id, "author": author.trim()})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The office answers an objection (once).
    pub async fn answer_fiscal_objection(
        &self,
        v: &Viewer,
        programme_id: i64,
        objection: i64,
        answer: &str,
        today: NaiveDate,
    ) -> Result<()> {
        office_only(v)?;
        if answer.trim().is_empty() || answer.chars().count() > 2000 {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "answer",
                "请填写答复（不超过 2000 字）",
            )]));
        }
        let mut tx = self.begin().await?;
        let n = sqlx::query("UPDATE fiscal_objections SET answer = $3, answered_by = $4, answered_on = $5 WHERE id = $1 AND programme_id = $2 AND answer IS NULL")
            .bind(objection)
            .bind(programme_id)
            .bind(answer.trim())
            .bind(&v.actor.name)
            .bind(today.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "该异议不存在或已答复")?;
        audit::record(
            &mut tx,
            &v.actor,
            "fiscal_programme",
            &programme_id.to_string(),
            "answer",
            None,
            Some(&serde_json::json!({"objection": objection})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records an instalment of a final award; the payments never exceed it.
    pub async fn record_fiscal_payment(
        &self,
        v: &Viewer,
        id: i64,
        amount_yuan: i64,
        paid_on: NaiveDate,
        note: &str,
    ) -> Result<Application> {
        office_only(v)?;
        let a = self.fiscal_application(v, id).await?;
        let p = self.fiscal_programme(v, a.programme_id).await?;
        if p.status != Status::Final {
            return Err(StoreError::Conflict("专项资金定稿后才能拨付".into()));
        }
        let award = a.award_yuan.unwrap_or(0);
        if amount_yuan < 1 {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "amount_yuan",
                "拨付金额应为正整数（元）",
            )]));
        }
        if note.chars().count() > 500 {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "note",
                "说明不能超过 500 字",
            )]));
        }
        let mut tx = self.begin().await?;
        // Holds the application's row, then checks the sum within the transaction.
        sqlx::query("UPDATE fiscal_applications SET version = version + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let paid: i64 = sqlx::query("SELECT CAST(COALESCE(SUM(amount_yuan), 0) AS BIGINT) AS n FROM fiscal_payments WHERE application_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if paid.saturating_add(amount_yuan) > award {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "amount_yuan",
                format!("累计拨付不能超过资助金额 {award} 元（已拨付 {paid} 元）"),
            )]));
        }
        sqlx::query("INSERT INTO fiscal_payments (application_id, amount_yuan, paid_on, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(amount_yuan)
            .bind(paid_on.to_string())
            .bind(note.trim())
            .bind(&v.actor.name)
            .bind(now_text())
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            &v.actor,
            "fiscal_application",
            &a.code,
            "payment",
            None,
            Some(&serde_json::json!({"amount_yuan": amount_yuan, "paid_on": paid_on})),
        )
        .await?;
        tx.commit().await?;
        self.fiscal_application(v, id).await
    }

    /// The enterprise (or the office) files the performance self-evaluation
    /// of an award; 差 flags the award for clawback review.
    pub async fn file_fiscal_performance(
        &self,
        v: &Viewer,
        id: i64,
        parts: [i64; 4],
        note: &str,
        today: NaiveDate,
    ) -> Result<Application> {
        if !matches!(v.role, Role::Enterprise | Role::Admin) {
            return Err(StoreError::Forbidden(
                "绩效自评由受资助企业或活动办公室填报".into(),
            ));
        }
        let a = self.fiscal_application(v, id).await?;
        let p = self.fiscal_programme(v, a.programme_id).await?;
        if p.status != Status::Final || a.award_yuan.unwrap_or(0) == 0 {
            return Err(StoreError::Conflict(
                "只有已定稿的资助项目可以填报绩效自评".into(),
            ));
        }
        let (total, grade) = domain::fiscal::performance(parts)
            .map_err(|e| StoreError::Invalid(vec![FieldError::new("scores", e)]))?;
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM fiscal_performance WHERE application_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO fiscal_performance (application_id, budget_execution, output, benefit, satisfaction, total, grade, note, filed_on, filed_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(parts[0])
        .bind(parts[1])
        .bind(parts[2])
        .bind(parts[3])
        .bind(total)
        .bind(grade.as_str())
        .bind(note.trim())
        .bind(today.to_string())
        .bind(&v.actor.name)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE fiscal_applications SET clawback = $2, version = version + 1 WHERE id = $1",
        )
        .bind(id)
        .bind((grade == domain::fiscal::Grade::Poor) as i64)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            &v.actor,
            "fiscal_application",
            &a.code,
            "performance",
            None,
            Some(&serde_json::json!({"parts": parts, "total": total, "grade": grade.as_str()})),
        )
        .await?;
        tx.commit().await?;
        self.fiscal_application(v, id).await
    }
}
