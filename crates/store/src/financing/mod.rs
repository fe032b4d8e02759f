//! Financing (银企对接): needs, claims, the choice and the chosen
//! institution's steps. Each write is one transaction checked against the
//! need's state with `domain::financing` (the claim window, three winners,
//! the choice among claimants, the chosen institution only). Overdue steps
//! and their reminders are `followup`; promotion lists `promotions`.

mod followup;
mod promotions;

pub use followup::{OverdueNeed, Reminder};
pub use promotions::{Interest, Promotion, PromotionItem, PromotionSummary};

use crate::audit;
use crate::requests::Viewer;
use crate::{Result, Store, StoreError, now_text, one_row_or_conflict};
use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::financing::{Facts, MAX_CLAIMS, OutcomeKind, Purpose, may_choose, may_claim};
use domain::users::{FieldError, Role};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A claim.
#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    pub unit_code: String,
    pub unit_name: String,
    pub claimed_on: NaiveDate,
}

/// A step of the chosen institution.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub kind: OutcomeKind,
    pub amount_yuan: Option<i64>,
    pub on: NaiveDate,
    pub rate: String,
    pub guarantor: String,
    /// The guaranteed part of a loan (with `guarantor`).
    pub guarantee_yuan: Option<i64>,
    pub reason: String,
    pub recorded_by: String,
}

/// A need with everything recorded on it.
#[derive(Debug, Clone, Serialize)]
pub struct NeedRecord {
    pub id: i64,
    pub credit_code: String,
    pub enterprise_name: String,
    pub township_code: String,
    pub township_name: String,
    pub industry_code: String,
    pub amount_yuan: i64,
    pub purpose: Purpose,
    pub term_months: i64,
    pub collateral: String,
    pub project_code: Option<String>,
    pub posted_on: NaiveDate,
    pub posted_by: String,
    pub claims: Vec<Claim>,
    pub choice: Option<(String, NaiveDate)>,
    pub outcomes: Vec<Outcome>,
    /// 催办 of overdue steps, oldest first.
    pub reminders: Vec<Reminder>,
    /// The enterprise's class in the last final per-mu evaluation.
    pub per_mu_class: Option<String>,
    /// Its latest credit rating.
    pub credit_rating: Option<String>,
}

impl NeedRecord {
    /// What the rules read.
    pub fn facts(&self) -> Facts {
        let first = |k: fn(OutcomeKind) -> bool| {
            self.outcomes
                .iter()
                .filter(|o| k(o.kind))
                .map(|o| (o.kind, o.on))
                .min_by_key(|x| x.1)
        };
        Facts {
            posted_on: self.posted_on,
            claims: self
                .claims
                .iter()
                .map(|c| (c.unit_code.clone(), c.claimed_on))
                .collect(),
            choice: self.choice.clone(),
            contact_on: first(|k| k == OutcomeKind::Contact).map(|x| x.1),
            decision: first(OutcomeKind::decides),
            loan: self.outcomes.iter().any(|o| o.kind == OutcomeKind::Loan),
        }
    }
}

/// A need to post.
#[derive(Debug, Clone, Default)]
pub struct NewNeed {
    /// The enterprise (the office names one; an enterprise user posts its own).
    pub enterprise: String,
    pub amount_yuan: i64,
    pub purpose: String,
    pub term_months: i64,
    pub collateral: String,
    pub project: Option<String>,
    pub visit_id: Option<i64>,
}

/// A visit as a need posted from it shows it.
#[derive(Debug, Clone, Serialize)]
pub struct VisitBrief {
    pub id: i64,
    pub credit_code: String,
    pub enterprise_name: String,
    pub visited_on: String,
    pub findings: String,
}

/// A step to record.
#[derive(Debug, Clone, Default)]
pub struct NewOutcome {
    pub kind: String,
    pub amount_yuan: Option<i64>,
    pub on: Option<NaiveDate>,
    pub rate: String,
    pub guarantor: String,
    pub guarantee_yuan: Option<i64>,
    pub reason: String,
}

/// Which needs a list shows.
#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    /// Posted on or after / on or before.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub offset: i64,
    pub limit: i64,
}

const NEED_SELECT: &str = "SELECT n.id, e.credit_code, e.name AS enterprise_name, t.code AS township_code, t.name AS township_name, \
     e.industry_code, n.amount_yuan, n.purpose, n.term_months, n.collateral, p.code AS project_code, n.posted_on, n.posted_by, \
     c.code AS chosen_code, n.chosen_on, \
     (SELECT r.class FROM per_mu_results r WHERE r.enterprise_id = e.id AND r.evaluation_id = \
       (SELECT id FROM per_mu_evaluations WHERE status = 'final' ORDER BY year DESC LIMIT 1)) AS per_mu_class, \
     (SELECT cr.rating FROM credit_ratings cr WHERE cr.enterprise_id = e.id ORDER BY cr.year DESC LIMIT 1) AS credit_rating \
     FROM financing_needs n JOIN enterprises e ON e.id = n.enterprise_id JOIN org_units t ON t.id = e.township_id \
     LEFT JOIN projects p ON p.id = n.project_id LEFT JOIN org_units c ON c.id = n.chosen_unit_id";

fn day(s: String) -> NaiveDate {
    s.parse().unwrap_or_default()
}

impl Store {
    async fn need_from_row(&self, r: &AnyRow) -> Result<NeedRecord> {
        let id: i64 = r.try_get("id")?;
        let claims = sqlx::query(
            "SELECT u.code, u.name, c.claimed_on FROM financing_claims c JOIN org_units u ON u.id = c.unit_id WHERE c.need_id = $1 ORDER BY c.position",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|x| Ok(Claim { unit_code: x.try_get("code")?, unit_name: x.try_get("name")?, claimed_on: day(x.try_get("claimed_on")?) }))
        .collect::<Result<Vec<_>>>()?;
        let outcomes = sqlx::query(
            "SELECT o.id, u.code, u.name, o.kind, o.amount_yuan, o.on_date, o.rate, o.guarantor, o.guarantee_yuan, o.reason, o.recorded_by \
             FROM financing_outcomes o JOIN org_units u ON u.id = o.unit_id WHERE o.need_id = $1 ORDER BY o.on_date, o.id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|x| {
            Ok(Outcome {
                id: x.try_get("id")?,
                unit_code: x.try_get("code")?,
                unit_name: x.try_get("name")?,
                kind: OutcomeKind::parse(&x.try_get::<String, _>("kind")?).unwrap_or(OutcomeKind::Contact),
                amount_yuan: x.try_get("amount_yuan")?,
                on: day(x.try_get("on_date")?),
                rate: x.try_get("rate")?,
                guarantor: x.try_get("guarantor")?,
                guarantee_yuan: x.try_get("guarantee_yuan")?,
                reason: x.try_get("reason")?,
                recorded_by: x.try_get("recorded_by")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let reminders = self.financing_reminders(id).await?;
        let chosen: Option<String> = r.try_get("chosen_code")?;
        Ok(NeedRecord {
            id,
            credit_code: r.try_get("credit_code")?,
            enterprise_name: r.try_get("enterprise_name")?,
            township_code: r.try_get("township_code")?,
            township_name: r.try_get("township_name")?,
            industry_code: r.try_get("industry_code")?,
            amount_yuan: r.try_get("amount_yuan")?,
            purpose: Purpose::parse(&r.try_get::<String, _>("purpose")?).unwrap_or(Purpose::Other),
            term_months: r.try_get("term_months")?,
            collateral: r.try_get("collateral")?,
            project_code: r.try_get("project_code")?,
            posted_on: day(r.try_get("posted_on")?),
            posted_by: r.try_get("posted_by")?,
            claims,
            choice: chosen.zip(r.try_get::<Option<String>, _>("chosen_on")?.map(day)),
            outcomes,
            reminders,
            per_mu_class: r.try_get("per_mu_class")?,
            credit_rating: r.try_get("credit_rating")?,
        })
    }

    /// One need.
    pub async fn financing_need(&self, id: i64) -> Result<Option<NeedRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{NEED_SELECT} WHERE n.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(r) => Ok(Some(self.need_from_row(&r).await?)),
            None => Ok(None),
        }
    }

    /// The needs a viewer may see, newest first, paged: the office and
    /// leaders all; an enterprise its own; an institution the needs posted
    /// since `open_since` (the window) and those it claimed.
    pub async fn financing_needs(
        &self,
        v: &Viewer,
        f: &NeedFilter,
        open_since: NaiveDate,
    ) -> Result<(Vec<NeedRecord>, i64)> {
        // Scoped by one of $3 (an enterprise's own) or $4 (an institution:
        // the needs posted since $5, and those it claimed); the office: all.
        let (own, institution) = match v.role {
            Role::Enterprise => (v.enterprise_code.clone().or(Some(String::new())), None),
            Role::Unit => (None, v.unit_code.clone().or(Some(String::new()))),
            _ => (None, None),
        };
        let filter = "WHERE ($1 IS NULL OR n.posted_on >= $1) AND ($2 IS NULL OR n.posted_on <= $2) \
             AND ($3 IS NULL OR e.credit_code = $3) \
             AND ($4 IS NULL OR n.posted_on >= $5 OR EXISTS (SELECT 1 FROM financing_claims k \
                  JOIN org_units ku ON ku.id = k.unit_id WHERE k.need_id = n.id AND ku.code = $4))";
        let bind = |sql: String| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(f.from.map(|d| d.to_string()))
                .bind(f.to.map(|d| d.to_string()))
                .bind(own.clone())
                .bind(institution.clone())
                .bind(open_since.to_string())
        };
        let total: i64 = bind(format!(
            "SELECT COUNT(*) AS n FROM financing_needs n JOIN enterprises e ON e.id = n.enterprise_id {filter}"
        ))
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        let rows = bind(format!(
            "{NEED_SELECT} {filter} ORDER BY n.posted_on DESC, n.id DESC LIMIT $6 OFFSET $7"
        ))
        .bind(f.limit.clamp(1, 1000))
        .bind(f.offset.max(0))
        .fetch_all(self.pool())
        .await?;
        let mut out = vec![];
        for r in &rows {
            out.push(self.need_from_row(r).await?);
        }
        Ok((out, total))
    }

    /// Posts a need on `today`.
    pub async fn post_financing_need(
        &self,
        v: &Viewer,
        n: &NewNeed,
        today: NaiveDate,
    ) -> Result<NeedRecord> {
        let code = match v.role {
            Role::Enterprise => v.enterprise_code.clone().unwrap_or_default(),
            Role::Admin => n.enterprise.trim().to_string(),
            _ => {
                return Err(StoreError::Forbidden(
                    "融资需求由企业本身或活动办公室发布".into(),
                ));
            }
        };
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
        if !(1..=100_000_000_000).contains(&n.amount_yuan) {
            errs.push(FieldError::new(
                "amount_yuan",
                "融资金额应为 1 元至 1000 亿元的整数",
            ));
        }
        let purpose = Purpose::parse(&n.purpose);
        if purpose.is_none() {
            errs.push(FieldError::new(
                "purpose",
                "用途应为 working_capital、tech_renovation、construction 或 other",
            ));
        }
        if !(1..=360).contains(&n.term_months) {
            errs.push(FieldError::new("term_months", "期限应为 1 至 360 个月"));
        }
        if n.collateral.chars().count() > 500 {
            errs.push(FieldError::new("collateral", "担保方式不能超过 500 字"));
        }
        let project: Option<i64> = match n
            .project
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(p) => {
                let id = sqlx::query("SELECT id FROM projects WHERE code = $1")
                    .bind(p)
                    .fetch_optional(self.pool())
                    .await?
                    .map(|r| r.try_get("id"))
                    .transpose()?;
                if id.is_none() {
                    errs.push(FieldError::new("project", format!("没有编号为“{p}”的项目")));
                }
                id
            }
            None => None,
        };
        if let Some(visit) = n.visit_id {
            match self.visit_brief(visit).await? {
                None => errs.push(FieldError::new(
                    "visit",
                    format!("没有编号为 {visit} 的走访记录"),
                )),
                Some(b) if b.credit_code != code => {
                    errs.push(FieldError::new("visit", "走访记录不是这家企业的"))
                }
                Some(_) => {}
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO financing_needs (enterprise_id, amount_yuan, purpose, term_months, collateral, project_id, visit_id, posted_on, posted_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(eid)
        .bind(n.amount_yuan)
        .bind(purpose.expect("checked").as_str())
        .bind(n.term_months)
        .bind(n.collateral.trim())
        .bind(project)
        .bind(n.visit_id)
        .bind(today.to_string())
        .bind(&v.actor.name)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::record(&mut tx, &v.actor, "financing_need", &id.to_string(), "post", None,
            Some(&serde_json::json!({"enterprise": code, "amount_yuan": n.amount_yuan, "purpose": n.purpose}))).await?;
        tx.commit().await?;
        self.financing_need(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("刚发布的融资需求".into()))
    }

    /// The visit a need is posted from: its enterprise, date and findings.
    pub async fn visit_brief(&self, id: i64) -> Result<Option<VisitBrief>> {
        sqlx::query(
            "SELECT v.id, e.credit_code, e.name, v.visited_on, v.findings FROM visits v \
             JOIN enterprises e ON e.id = v.enterprise_id WHERE v.id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .map(|r| {
            Ok(VisitBrief {
                id: r.try_get("id")?,
                credit_code: r.try_get("credit_code")?,
                enterprise_name: r.try_get("name")?,
                visited_on: r.try_get("visited_on")?,
                findings: r.try_get("findings")?,
            })
        })
        .transpose()
    }

    pub(crate) async fn need_or_missing(&self, id: i64) -> Result<NeedRecord> {
        self.financing_need(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("编号为 {id} 的融资需求")))
    }

    /// An institution's user claims a need (the first three win).
    pub async fn claim_financing_need(
        &self,
        v: &Viewer,
        id: i64,
        cal: &Calendar,
        today: NaiveDate,
    ) -> Result<NeedRecord> {
        let unit = self.institution_of(v).await?;
        let need = self.need_or_missing(id).await?;
        may_claim(&need.facts(), cal, today, &unit.0).map_err(StoreError::Conflict)?;
        let mut tx = self.begin().await?;
        let n = sqlx::query("UPDATE financing_needs SET version = version + 1 WHERE id = $1 AND chosen_unit_id IS NULL")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "企业已选定对接机构，不再接受认领")?;
        let count: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM financing_claims WHERE need_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        if count >= MAX_CLAIMS as i64 {
            return Err(StoreError::Conflict(format!(
                "已有 {MAX_CLAIMS} 家机构认领，名额已满"
            )));
        }
        sqlx::query("INSERT INTO financing_claims (need_id, unit_id, position, claimed_on, claimed_by) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(unit.1)
            .bind(count + 1)
            .bind(today.to_string())
            .bind(&v.actor.name)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::conflict_on_unique(e, "同时有其他机构认领，请刷新后再试"))?;
        audit::record(
            &mut tx,
            &v.actor,
            "financing_need",
            &id.to_string(),
            "claim",
            None,
            Some(&serde_json::json!({"institution": unit.0})),
        )
        .await?;
        tx.commit().await?;
        self.need_or_missing(id).await
    }

    /// The financial institution of a unit user: (code, id).
    pub(crate) async fn institution_of(&self, v: &Viewer) -> Result<(String, i64)> {
        let code = match (v.role, &v.unit_code) {
            (Role::Unit, Some(c)) => c.clone(),
            _ => {
                return Err(StoreError::Forbidden(
                    "只有金融机构的用户可以认领和记录对接结果".into(),
                ));
            }
        };
        let row = sqlx::query("SELECT id, kind, active FROM org_units WHERE code = $1")
            .bind(&code)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(r) if r.try_get::<i64, _>("active")? == 0 => Err(StoreError::Forbidden(
                "本机构已停用，不能再认领或记录对接结果".into(),
            )),
            Some(r) if r.try_get::<String, _>("kind")? == "financial_institution" => {
                Ok((code, r.try_get("id")?))
            }
            _ => Err(StoreError::Forbidden(
                "只有金融机构的用户可以认领和记录对接结果".into(),
            )),
        }
    }

    /// The enterprise (or the office) chooses one of the claimants.
    pub async fn choose_financing_institution(
        &self,
        v: &Viewer,
        id: i64,
        institution: &str,
        cal: &Calendar,
        today: NaiveDate,
    ) -> Result<NeedRecord> {
        let need = self.need_or_missing(id).await?;
        match v.role {
            Role::Admin => {}
            Role::Enterprise if v.enterprise_code.as_deref() == Some(need.credit_code.as_str()) => {
            }
            _ => {
                return Err(StoreError::Forbidden(
                    "只有发布需求的企业或活动办公室可以选定机构".into(),
                ));
            }
        }
        may_choose(&need.facts(), cal, today, institution.trim()).map_err(StoreError::Conflict)?;
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE financing_needs SET chosen_unit_id = (SELECT id FROM org_units WHERE code = $2), chosen_on = $3, version = version + 1 \
             WHERE id = $1 AND chosen_unit_id IS NULL",
        )
        .bind(id)
        .bind(institution.trim())
        .bind(today.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        one_row_or_conflict(n, "已经选定对接机构")?;
        audit::record(
            &mut tx,
            &v.actor,
            "financing_need",
            &id.to_string(),
            "choose",
            None,
            Some(&serde_json::json!({"institution": institution.trim()})),
        )
        .await?;
        tx.commit().await?;
        self.need_or_missing(id).await
    }

    /// The chosen institution records a step (contact first; a decline needs a reason).
    pub async fn record_financing_outcome(
        &self,
        v: &Viewer,
        id: i64,
        o: &NewOutcome,
        cal: &Calendar,
        today: NaiveDate,
    ) -> Result<NeedRecord> {
        let need = self.need_or_missing(id).await?;
        let unit = self.institution_of(v).await?;
        let state = domain::financing::state(&need.facts(), cal, today);
        if state.chosen.as_ref().map(|c| c.0.as_str()) != Some(unit.0.as_str()) {
            return Err(StoreError::Forbidden(
                "只有企业选定的机构可以记录对接结果".into(),
            ));
        }
        let mut errs = vec![];
        let kind = OutcomeKind::parse(&o.kind);
        if kind.is_none() {
            errs.push(FieldError::new(
                "kind",
                "类别应为 contact、credit、loan 或 decline",
            ));
        }
        let on = o.on.unwrap_or(today);
        if on > today {
            errs.push(FieldError::new("on", "日期不能晚于今天"));
        }
        if on < need.posted_on {
            errs.push(FieldError::new("on", "日期不能早于需求发布日期"));
        }
        match kind {
            Some(OutcomeKind::Credit | OutcomeKind::Loan)
                if !o
                    .amount_yuan
                    .is_some_and(|a| (1..=100_000_000_000).contains(&a)) =>
            {
                errs.push(FieldError::new(
                    "amount_yuan",
                    "授信或放贷须填写金额（1 元至 1000 亿元）",
                ))
            }
            Some(OutcomeKind::Decline) if o.reason.trim().is_empty() => {
                errs.push(FieldError::new("reason", "不予支持须说明理由"))
            }
            _ => {}
        }
        if let Some(g) = o.guarantee_yuan {
            if kind != Some(OutcomeKind::Loan) {
                errs.push(FieldError::new(
                    "guarantee_yuan",
                    "只有放贷可以登记担保金额",
                ));
            } else if o.guarantor.trim().is_empty() {
                errs.push(FieldError::new("guarantor", "担保贷款须填写担保机构"));
            } else if g < 1 || o.amount_yuan.is_some_and(|a| g > a) {
                errs.push(FieldError::new(
                    "guarantee_yuan",
                    "担保金额应为 1 元至贷款金额之间的整数",
                ));
            }
        }
        for (f, t) in [
            ("rate", &o.rate),
            ("guarantor", &o.guarantor),
            ("reason", &o.reason),
        ] {
            if t.chars().count() > 500 {
                errs.push(FieldError::new(f, "不能超过 500 字"));
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let kind = kind.expect("checked");
        let mut tx = self.begin().await?;
        // Holds the need's row, then decides on the steps recorded so far.
        sqlx::query("UPDATE financing_needs SET version = version + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let count = |k: &'static str| {
            sqlx::query(
                "SELECT COUNT(*) AS n FROM financing_outcomes WHERE need_id = $1 AND kind = $2",
            )
            .bind(id)
            .bind(k)
        };
        let contacts: i64 = count("contact").fetch_one(&mut *tx).await?.try_get("n")?;
        let declines: i64 = count("decline").fetch_one(&mut *tx).await?.try_get("n")?;
        if kind != OutcomeKind::Contact && contacts == 0 {
            return Err(StoreError::Conflict("请先记录与企业的对接".into()));
        }
        if kind == OutcomeKind::Contact && contacts > 0 {
            return Err(StoreError::Conflict("已经记录过对接".into()));
        }
        if declines > 0 {
            return Err(StoreError::Conflict("已记录不予支持".into()));
        }
        sqlx::query(
            "INSERT INTO financing_outcomes (need_id, unit_id, kind, amount_yuan, on_date, rate, guarantor, guarantee_yuan, reason, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(id)
        .bind(unit.1)
        .bind(kind.as_str())
        .bind(o.amount_yuan.filter(|_| matches!(kind, OutcomeKind::Credit | OutcomeKind::Loan)))
        .bind(on.to_string())
        .bind(o.rate.trim())
        .bind(o.guarantor.trim())
        .bind(o.guarantee_yuan.filter(|_| kind == OutcomeKind::Loan))
        .bind(o.reason.trim())
        .bind(&v.actor.name)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        audit::record(&mut tx, &v.actor, "financing_need", &id.to_string(), kind.as_str(), None,
            Some(&serde_json::json!({"amount_yuan": o.amount_yuan, "on": on.to_string(), "reason": o.reason.trim()}))).await?;
        tx.commit().await?;
        self.need_or_missing(id).await
    }
}
