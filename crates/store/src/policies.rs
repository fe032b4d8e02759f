//! Policies: drafts, publishing (the matched enterprises computed from the
//! registry with `domain::policies::matches` and stored with their reasons,
//! in one transaction), reach (matched, read), an enterprise's own policies
//! and its questions about one (a request in the policy category, linked).

use crate::audit;
use crate::requests::Viewer;
use crate::{Result, Store, StoreError, now_text, one_row_or_conflict};
use chrono::NaiveDate;
use domain::policies::{AppliesTo, Enterprise, matches, policy_year};
use domain::users::{FieldError, Role};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A policy with its reach.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub id: i64,
    pub title: String,
    pub document_number: String,
    pub issuing_body: String,
    pub issued_on: NaiveDate,
    pub effective_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub body: String,
    pub interpretation: String,
    pub categories: Vec<String>,
    pub applies_to: AppliesTo,
    pub contact: String,
    pub published_on: Option<NaiveDate>,
    pub matched: i64,
    pub read: i64,
}

impl Policy {
    pub fn category_labels(&self) -> String {
        self.categories
            .iter()
            .map(|c| domain::policies::category_label(c))
            .collect::<Vec<_>>()
            .join("、")
    }
    pub fn expired(&self, today: NaiveDate) -> bool {
        !domain::policies::in_force(self.expires_on, today)
    }
}

/// A policy to create.
#[derive(Debug, Clone, Default)]
pub struct NewPolicy {
    pub title: String,
    pub document_number: String,
    pub issuing_body: String,
    pub issued_on: Option<NaiveDate>,
    pub effective_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub body: String,
    pub interpretation: String,
    pub categories: Vec<String>,
    pub applies_to: AppliesTo,
    pub contact: String,
}

/// A matched enterprise with its reasons.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    pub credit_code: String,
    pub name: String,
    pub township_name: String,
    pub industry_code: String,
    pub reasons: Vec<String>,
    pub read: bool,
}

const SELECT: &str = "SELECT p.id, p.title, p.document_number, p.issuing_body, p.issued_on, p.effective_on, p.expires_on, p.body, \
     p.interpretation, p.categories, p.applies_to, p.contact, p.published_on, \
     (SELECT COUNT(*) FROM policy_matches m WHERE m.policy_id = p.id) AS matched, \
     (SELECT COUNT(*) FROM policy_matches m WHERE m.policy_id = p.id AND m.read_at IS NOT NULL) AS read_count \
     FROM policies p";

fn day(s: String) -> NaiveDate {
    s.parse().unwrap_or_default()
}

fn from_row(r: &AnyRow) -> Result<Policy> {
    Ok(Policy {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        document_number: r.try_get("document_number")?,
        issuing_body: r.try_get("issuing_body")?,
        issued_on: day(r.try_get("issued_on")?),
        effective_on: r.try_get::<Option<String>, _>("effective_on")?.map(day),
        expires_on: r.try_get::<Option<String>, _>("expires_on")?.map(day),
        body: r.try_get("body")?,
        interpretation: r.try_get("interpretation")?,
        categories: serde_json::from_str(&r.try_get::<String, _>("categories")?)
            .unwrap_or_default(),
        applies_to: serde_json::from_str(&r.try_get::<String, _>("applies_to")?)
            .unwrap_or_default(),
        contact: r.try_get("contact")?,
        published_on: r.try_get::<Option<String>, _>("published_on")?.map(day),
        matched: r.try_get("matched")?,
        read: r.try_get("read_count")?,
    })
}

/// Enterprises read per round trip when matching.
const CHUNK: i64 = 5000;

impl Store {
    /// Checks and creates a draft policy (the office).
    pub async fn create_policy(&self, v: &Viewer, p: &NewPolicy) -> Result<Policy> {
        if v.role != Role::Admin {
            return Err(StoreError::Forbidden("政策由活动办公室发布".into()));
        }
        let mut errs = vec![];
        let text = |f: &str, t: &str, max: usize, errs: &mut Vec<FieldError>| {
            if t.trim().is_empty() || t.chars().count() > max {
                errs.push(FieldError::new(f, format!("请填写（不超过 {max} 字）")));
            }
        };
        text("title", &p.title, 200, &mut errs);
        text("document_number", &p.document_number, 100, &mut errs);
        text("issuing_body", &p.issuing_body, 100, &mut errs);
        text("body", &p.body, 20_000, &mut errs);
        if p.interpretation.chars().count() > 20_000 {
            errs.push(FieldError::new("interpretation", "解读不能超过 20000 字"));
        }
        if p.contact.chars().count() > 200 {
            errs.push(FieldError::new("contact", "联系方式不能超过 200 字"));
        }
        let Some(issued) = p.issued_on else {
            errs.push(FieldError::new("issued_on", "请填写发布日期（YYYY-MM-DD）"));
            return Err(StoreError::Invalid(errs));
        };
        let start = p.effective_on.unwrap_or(issued);
        if p.effective_on.is_some_and(|e| e < issued) {
            errs.push(FieldError::new("effective_on", "施行日期不能早于发布日期"));
        }
        if p.expires_on.is_some_and(|e| e < start) {
            errs.push(FieldError::new("expires_on", "失效日期不能早于施行日期"));
        }
        let mut categories = vec![];
        for (i, c) in p.categories.iter().enumerate() {
            match domain::policies::category(c) {
                Some(code) if !categories.contains(&code) => categories.push(code),
                Some(_) => {}
                None => errs.push(FieldError::new(
                    &format!("categories[{i}]"),
                    format!("没有“{c}”这一类别（可选：税收优惠、财政支持、费金减免、制度性交易成本、人工成本、融资成本、用能用地成本）"),
                )),
            }
        }
        let a = &p.applies_to;
        for (i, x) in a.industries.iter().enumerate() {
            let t = x.trim();
            let digits = t.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let letters = t.len() - digits.len();
            if t.is_empty()
                || letters > 1
                || !digits.chars().all(|c| c.is_ascii_digit())
                || digits.len() > 4
            {
                errs.push(FieldError::new(
                    &format!("applies_to.industries[{i}]"),
                    "行业代码前缀应为 1 至 4 位数字，可带门类字母（如 C、34、C3443）",
                ));
            }
        }
        for (i, t) in a.townships.iter().enumerate() {
            match self.unit(t.trim()).await? {
                Some(u)
                    if matches!(
                        u.kind,
                        domain::org::UnitKind::Township
                            | domain::org::UnitKind::SubDistrict
                            | domain::org::UnitKind::DevelopmentZone
                    ) => {}
                _ => errs.push(FieldError::new(
                    &format!("applies_to.townships[{i}]"),
                    format!("没有代码为“{}”的镇街或园区", t.trim()),
                )),
            }
        }
        for (i, t) in a.tiers.iter().enumerate() {
            if !matches!(t.trim(), "large_group" | "growth_sme" | "industry_leader") {
                errs.push(FieldError::new(
                    &format!("applies_to.tiers[{i}]"),
                    "培育层次应为 large_group、growth_sme 或 industry_leader",
                ));
            }
        }
        for (i, c) in a.per_mu_classes.iter().enumerate() {
            if !matches!(
                c.trim().to_ascii_uppercase().as_str(),
                "A" | "B" | "C" | "D"
            ) {
                errs.push(FieldError::new(
                    &format!("applies_to.per_mu_classes[{i}]"),
                    "亩均评价类别应为 A、B、C 或 D",
                ));
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let applies = AppliesTo {
            industries: a
                .industries
                .iter()
                .map(|x| x.trim().to_ascii_uppercase())
                .collect(),
            townships: a.townships.iter().map(|x| x.trim().to_string()).collect(),
            above_scale_only: a.above_scale_only,
            tiers: a.tiers.iter().map(|x| x.trim().to_string()).collect(),
            per_mu_classes: a
                .per_mu_classes
                .iter()
                .map(|x| x.trim().to_ascii_uppercase())
                .collect(),
        };
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO policies (title, document_number, issuing_body, issued_on, effective_on, expires_on, body, interpretation, \
             categories, applies_to, contact, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(p.title.trim())
        .bind(p.document_number.trim())
        .bind(p.issuing_body.trim())
        .bind(issued.to_string())
        .bind(p.effective_on.map(|d| d.to_string()))
        .bind(p.expires_on.map(|d| d.to_string()))
        .bind(p.body.trim())
        .bind(p.interpretation.trim())
        .bind(serde_json::to_string(&categories).unwrap_or_default())
        .bind(serde_json::to_string(&applies).unwrap_or_default())
        .bind(p.contact.trim())
        .bind(&v.actor.name)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::record(&mut tx, &v.actor, "policy", &id.to_string(), "create", None,
            Some(&serde_json::json!({"title": p.title.trim(), "document_number": p.document_number.trim()}))).await?;
        tx.commit().await?;
        self.policy_raw(id).await
    }

    async fn policy_raw(&self, id: i64) -> Result<Policy> {
        sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE p.id = $1")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .as_ref()
            .map(from_row)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("编号为 {id} 的政策")))
    }

    /// One policy: drafts for campaign readers only; an enterprise's opening
    /// of a policy that concerns it counts as read.
    pub async fn policy(&self, v: &Viewer, id: i64) -> Result<Policy> {
        let p = self.policy_raw(id).await?;
        if p.published_on.is_none() && !v.role.reads_campaign() {
            return Err(StoreError::NotFound(format!("编号为 {id} 的政策")));
        }
        if v.role == Role::Enterprise {
            let n = sqlx::query(
                "UPDATE policy_matches SET read_at = $3 WHERE policy_id = $1 AND read_at IS NULL \
                 AND enterprise_id = (SELECT id FROM enterprises WHERE credit_code = $2)",
            )
            .bind(id)
            .bind(v.enterprise_code.clone().unwrap_or_default())
            .bind(now_text())
            .execute(self.pool())
            .await?
            .rows_affected();
            if n > 0 {
                return self.policy_raw(id).await;
            }
        }
        Ok(p)
    }

    /// Policies, newest first: campaign readers all, others the published.
    pub async fn policies(
        &self,
        v: &Viewer,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<Policy>, i64)> {
        let all = v.role.reads_campaign() as i64;
        let total: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM policies WHERE published_on IS NOT NULL OR $1 = 1",
        )
        .bind(all)
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        let list = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE p.published_on IS NOT NULL OR $1 = 1 ORDER BY p.issued_on DESC, p.id DESC LIMIT $2 OFFSET $3"
        )))
        .bind(all)
        .bind(limit.clamp(1, 500))
        .bind(offset.max(0))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>>>()?;
        Ok((list, total))
    }

    /// The registry read in chunks, each enterprise matched against the
    /// policy: (enterprise id, the match). `f` takes each chunk's matches.
    async fn each_match(&self, p: &Policy, mut f: impl FnMut(Vec<(i64, Match)>)) -> Result<()> {
        let year = policy_year(p.issued_on, p.effective_on);
        let evaluation: Option<i64> = sqlx::query(
            "SELECT id FROM per_mu_evaluations WHERE status = 'final' ORDER BY year DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?
        .map(|r| r.try_get("id"))
        .transpose()?;
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(
                "SELECT e.id, e.credit_code, e.name, e.industry_code, t.code AS township_code, t.name AS township_name, \
                   COALESCE(y.above_scale, 0) AS above_scale, COALESCE(y.tier, 'none') AS tier, \
                   (SELECT r.class FROM per_mu_results r WHERE r.enterprise_id = e.id AND r.evaluation_id = $2) AS class \
                 FROM enterprises e JOIN org_units t ON t.id = e.township_id \
                 LEFT JOIN enterprise_years y ON y.enterprise_id = e.id AND y.year = $1 \
                 WHERE e.id > $3 ORDER BY e.id LIMIT $4",
            )
            .bind(i64::from(year))
            .bind(evaluation.unwrap_or(0))
            .bind(after)
            .bind(CHUNK)
            .fetch_all(self.pool())
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            let mut out = vec![];
            for r in &rows {
                let e = Enterprise {
                    industry_code: r.try_get("industry_code")?,
                    township_code: r.try_get("township_code")?,
                    township_name: r.try_get("township_name")?,
                    above_scale: r.try_get::<i64, _>("above_scale")? != 0,
                    tier: r.try_get("tier")?,
                    per_mu_class: r.try_get("class")?,
                };
                if let Some(reasons) = matches(&p.applies_to, &e, year) {
                    out.push((
                        r.try_get("id")?,
                        Match {
                            credit_code: r.try_get("credit_code")?,
                            name: r.try_get("name")?,
                            township_name: e.township_name.clone(),
                            industry_code: e.industry_code.clone(),
                            reasons,
                            read: false,
                        },
                    ));
                }
            }
            f(out);
            if (rows.len() as i64) < CHUNK {
                break;
            }
        }
        Ok(())
    }

    /// Publishes a draft: the matched enterprises with their reasons are
    /// stored with it in one transaction (and so reach their inboxes).
    pub async fn publish_policy(&self, v: &Viewer, id: i64, today: NaiveDate) -> Result<Policy> {
        if v.role != Role::Admin {
            return Err(StoreError::Forbidden("政策由活动办公室发布".into()));
        }
        let p = self.policy_raw(id).await?;
        if p.published_on.is_some() {
            return Err(StoreError::Conflict("政策已经发布".into()));
        }
        let mut all = vec![];
        self.each_match(&p, |chunk| all.extend(chunk)).await?;
        let mut tx = self.begin().await?;
        let n = sqlx::query("UPDATE policies SET published_on = $2, version = version + 1 WHERE id = $1 AND published_on IS NULL")
            .bind(id)
            .bind(today.to_string())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        one_row_or_conflict(n, "政策已经发布")?;
        for (eid, m) in &all {
            sqlx::query("INSERT INTO policy_matches (policy_id, enterprise_id, reasons) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(eid)
                .bind(serde_json::to_string(&m.reasons).unwrap_or_default())
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut tx,
            &v.actor,
            "policy",
            &id.to_string(),
            "publish",
            None,
            Some(&serde_json::json!({"on": today, "matched": all.len()})),
        )
        .await?;
        tx.commit().await?;
        self.policy_raw(id).await
    }

    /// The enterprises a policy concerns, by credit code, paged: those
    /// stored at publishing (with whether each has read it), or for a draft
    /// the registry matched now (a preview).
    pub async fn policy_matches(
        &self,
        id: i64,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<Match>, i64)> {
        let p = self.policy_raw(id).await?;
        let limit = limit.clamp(1, 10_000);
        let offset = offset.max(0);
        if p.published_on.is_some() {
            let rows = sqlx::query(
                "SELECT e.credit_code, e.name, t.name AS township_name, e.industry_code, m.reasons, m.read_at FROM policy_matches m \
                 JOIN enterprises e ON e.id = m.enterprise_id JOIN org_units t ON t.id = e.township_id \
                 WHERE m.policy_id = $1 ORDER BY e.credit_code LIMIT $2 OFFSET $3",
            )
            .bind(id)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?;
            let list = rows
                .iter()
                .map(|r| {
                    Ok(Match {
                        credit_code: r.try_get("credit_code")?,
                        name: r.try_get("name")?,
                        township_name: r.try_get("township_name")?,
                        industry_code: r.try_get("industry_code")?,
                        reasons: serde_json::from_str(&r.try_get::<String, _>("reasons")?)
                            .unwrap_or_default(),
                        read: r.try_get::<Option<String>, _>("read_at")?.is_some(),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            return Ok((list, p.matched));
        }
        let mut all = vec![];
        self.each_match(&p, |chunk| all.extend(chunk.into_iter().map(|x| x.1)))
            .await?;
        all.sort_by(|a, b| a.credit_code.cmp(&b.credit_code));
        let total = all.len() as i64;
        Ok((
            all.into_iter()
                .skip(offset as usize)
                .take(limit as usize)
                .collect(),
            total,
        ))
    }

    /// The published policies in force that concern an enterprise, unread
    /// first: (policy, read).
    pub async fn enterprise_policies(
        &self,
        credit_code: &str,
        today: NaiveDate,
    ) -> Result<Vec<(Policy, bool)>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} JOIN policy_matches x ON x.policy_id = p.id JOIN enterprises e ON e.id = x.enterprise_id \
             WHERE e.credit_code = $1 AND p.published_on IS NOT NULL AND (p.expires_on IS NULL OR p.expires_on >= $2) \
             ORDER BY (CASE WHEN x.read_at IS NULL THEN 0 ELSE 1 END), p.published_on DESC, p.id DESC LIMIT 200"
        )))
        .bind(credit_code)
        .bind(today.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut out = vec![];
        for r in &rows {
            let p = from_row(r)?;
            let read: Option<String> = sqlx::query("SELECT m.read_at FROM policy_matches m JOIN enterprises e ON e.id = m.enterprise_id WHERE m.policy_id = $1 AND e.credit_code = $2")
                .bind(p.id)
                .bind(credit_code)
                .fetch_one(self.pool())
                .await?
                .try_get("read_at")?;
            out.push((p, read.is_some()));
        }
        Ok(out)
    }

    /// An enterprise asks about a published policy: a request in the policy
    /// category, linked to it.
    pub async fn ask_about_policy(
        &self,
        v: &Viewer,
        id: i64,
        question: &str,
        today: NaiveDate,
    ) -> Result<crate::requests::RequestRecord> {
        let p = self.policy(v, id).await?;
        if p.published_on.is_none() {
            return Err(StoreError::Conflict("政策尚未发布".into()));
        }
        let input = crate::requests::write::NewRequest {
            enterprise: String::new(),
            category: "policy".into(),
            title: format!("咨询：{}", p.title.chars().take(60).collect::<String>()),
            description: format!(
                "关于《{}》（{}）：{}",
                p.title,
                p.document_number,
                question.trim()
            ),
            project: None,
            visit_id: None,
        };
        if question.trim().is_empty() {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "question",
                "请填写要咨询的问题",
            )]));
        }
        self.submit_request_about(v, &input, &[], today, Some(id))
            .await
    }
}
