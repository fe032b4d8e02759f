//! Fiscal support (财政专项资金择优扶持): programmes, their experts,
//! applications with eligibility and attachments, scores, the ranking and
//! awards, objections, payments and performance. The rules are
//! `domain::fiscal`; the checked writes are in `write.rs`.
//!
//! Who sees what: the office and leaders everything; a member unit the
//! programmes and, once ranked, the results; an enterprise the programmes
//! and its own applications; an expert only the programmes assigned to it,
//! and of those only the applications that passed formal review, with its
//! own scores until the ranking.

mod write;

pub use write::{NewApplication, NewObjection, NewProgramme};

use crate::requests::Viewer;
use crate::{Result, Store, StoreError};
use chrono::NaiveDate;
use domain::fiscal::{AppStatus, Criterion, Grade, Rules, Score, Status};
use domain::users::Role;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A programme (专项资金).
#[derive(Debug, Clone, Serialize)]
pub struct Programme {
    pub id: i64,
    pub title: String,
    pub budget_yuan: i64,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// Support share of the eligible investment, in basis points.
    pub share_bp: i64,
    pub cap_yuan: i64,
    /// Passing score in hundredths.
    pub passing: i64,
    pub publicity_days: i64,
    pub rules: Rules,
    pub criteria: Vec<Criterion>,
    pub status: Status,
    pub ranked_on: Option<NaiveDate>,
    pub published_on: Option<NaiveDate>,
    pub finalized_on: Option<NaiveDate>,
    /// Assigned experts: (username, display name).
    pub experts: Vec<(String, String)>,
    /// Applications and the sum awarded.
    pub applications: i64,
    pub awarded_yuan: i64,
}

impl Programme {
    pub fn support(&self) -> domain::fiscal::Support {
        domain::fiscal::Support {
            budget_yuan: self.budget_yuan,
            share_bp: self.share_bp,
            cap_yuan: self.cap_yuan,
            passing: self.passing,
        }
    }
}

/// An attachment's description (its bytes are read on their own).
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentMeta {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// An application.
#[derive(Debug, Clone, Serialize)]
pub struct Application {
    pub id: i64,
    pub programme_id: i64,
    pub code: String,
    pub credit_code: String,
    pub enterprise_name: String,
    pub project_code: String,
    pub project_name: Option<String>,
    pub eligible_investment_yuan: i64,
    pub amount_yuan: i64,
    pub description: String,
    pub status: AppStatus,
    pub eligible: bool,
    pub reasons: Vec<String>,
    pub review_reason: String,
    pub submitted_at: String,
    pub submitted_on: NaiveDate,
    /// Environmental deduction, hundredths of a point.
    pub deduction: i64,
    pub deduction_reason: String,
    #[serde(skip)]
    pub score: Option<Score>,
    pub rank: Option<i64>,
    pub award_yuan: Option<i64>,
    pub clawback: bool,
    pub paid_yuan: i64,
    /// The performance self-evaluation: (total, grade).
    pub performance: Option<(i64, Grade)>,
    /// Experts who scored (not counting conflicts) and declared a conflict.
    pub scored: i64,
    pub conflicts: i64,
}

impl Application {
    pub fn score_text(&self) -> String {
        self.score.map(Score::display).unwrap_or_else(|| "—".into())
    }
}

/// One expert's marks on an application.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreRow {
    pub username: String,
    pub display_name: String,
    pub conflict: bool,
    /// Per criterion, hundredths of a point.
    pub marks: Vec<i64>,
    pub total: i64,
    pub scored_at: String,
}

/// An objection during the 公示, by name.
#[derive(Debug, Clone, Serialize)]
pub struct Objection {
    pub id: i64,
    pub application_code: Option<String>,
    pub author: String,
    pub contact: String,
    pub body: String,
    pub filed_on: NaiveDate,
    pub filed_by: String,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_on: Option<NaiveDate>,
}

/// A payment instalment.
#[derive(Debug, Clone, Serialize)]
pub struct Payment {
    pub id: i64,
    pub amount_yuan: i64,
    pub paid_on: NaiveDate,
    pub note: String,
    pub recorded_by: String,
}

/// The performance self-evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Performance {
    pub parts: [i64; 4],
    pub total: i64,
    pub grade: Grade,
    pub note: String,
    pub filed_on: NaiveDate,
    pub filed_by: String,
}

fn day(s: String) -> NaiveDate {
    s.parse().unwrap_or_default()
}

const PROGRAMME_SELECT: &str = "SELECT p.id, p.title, p.budget_yuan, p.opens_on, p.closes_on, p.share_bp, p.cap_yuan, p.passing, \
     p.publicity_days, p.rules, p.criteria, p.status, p.ranked_on, p.published_on, p.finalized_on, \
     (SELECT COUNT(*) FROM fiscal_applications a WHERE a.programme_id = p.id) AS applications, \
     (SELECT CAST(COALESCE(SUM(a.award_yuan), 0) AS BIGINT) FROM fiscal_applications a WHERE a.programme_id = p.id) AS awarded \
     FROM fiscal_programmes p";

const APPLICATION_SELECT: &str = "SELECT a.id, a.programme_id, a.code, e.credit_code, e.name AS enterprise_name, a.project_code, \
     (SELECT pr.name FROM projects pr WHERE pr.code = a.project_code) AS project_name, \
     a.eligible_investment_yuan, a.amount_yuan, a.description, a.status, a.eligible, a.reasons, a.review_reason, \
     a.submitted_at, a.submitted_on, a.deduction, a.deduction_reason, a.score_num, a.score_den, a.rank, a.award_yuan, a.clawback, \
     (SELECT CAST(COALESCE(SUM(y.amount_yuan), 0) AS BIGINT) FROM fiscal_payments y WHERE y.application_id = a.id) AS paid, \
     (SELECT f.total FROM fiscal_performance f WHERE f.application_id = a.id) AS perf_total, \
     (SELECT f.grade FROM fiscal_performance f WHERE f.application_id = a.id) AS perf_grade, \
     (SELECT COUNT(*) FROM fiscal_scores s WHERE s.application_id = a.id AND s.conflict = 0) AS scored, \
     (SELECT COUNT(*) FROM fiscal_scores s WHERE s.application_id = a.id AND s.conflict = 1) AS conflicts \
     FROM fiscal_applications a JOIN enterprises e ON e.id = a.enterprise_id";

fn grade_of(s: &str) -> Grade {
    match s {
        "excellent" => Grade::Excellent,
        "good" => Grade::Good,
        "fair" => Grade::Fair,
        _ => Grade::Poor,
    }
}

fn application_from_row(r: &AnyRow) -> Result<Application> {
    let num: Option<i64> = r.try_get("score_num")?;
    let den: Option<i64> = r.try_get("score_den")?;
    let perf_total: Option<i64> = r.try_get("perf_total")?;
    let perf_grade: Option<String> = r.try_get("perf_grade")?;
    Ok(Application {
        id: r.try_get("id")?,
        programme_id: r.try_get("programme_id")?,
        code: r.try_get("code")?,
        credit_code: r.try_get("credit_code")?,
        enterprise_name: r.try_get("enterprise_name")?,
        project_code: r.try_get("project_code")?,
        project_name: r.try_get("project_name")?,
        eligible_investment_yuan: r.try_get("eligible_investment_yuan")?,
        amount_yuan: r.try_get("amount_yuan")?,
        description: r.try_get("description")?,
        status: AppStatus::parse(&r.try_get::<String, _>("status")?)
            .unwrap_or(AppStatus::Submitted),
        eligible: r.try_get::<i64, _>("eligible")? != 0,
        reasons: serde_json::from_str(&r.try_get::<String, _>("reasons")?).unwrap_or_default(),
        review_reason: r.try_get("review_reason")?,
        submitted_at: r.try_get("submitted_at")?,
        submitted_on: day(r.try_get("submitted_on")?),
        deduction: r.try_get("deduction")?,
        deduction_reason: r.try_get("deduction_reason")?,
        score: match (num, den) {
            (Some(n), Some(d)) if d > 0 => Some(Score::new(n.into(), d.into())),
            _ => None,
        },
        rank: r.try_get("rank")?,
        award_yuan: r.try_get("award_yuan")?,
        clawback: r.try_get::<i64, _>("clawback")? != 0,
        paid_yuan: r.try_get("paid")?,
        performance: perf_total.zip(perf_grade.as_deref().map(grade_of)),
        scored: r.try_get("scored")?,
        conflicts: r.try_get("conflicts")?,
    })
}

/// Which applications a list shows.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub status: Option<AppStatus>,
    pub offset: i64,
    pub limit: i64,
}

impl Store {
    async fn programme_from_row(&self, r: &AnyRow) -> Result<Programme> {
        let id: i64 = r.try_get("id")?;
        let experts = sqlx::query(
            "SELECT u.username, u.display_name FROM fiscal_experts x JOIN users u ON u.id = x.user_id \
             WHERE x.programme_id = $1 ORDER BY u.username",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|x| Ok((x.try_get("username")?, x.try_get("display_name")?)))
        .collect::<Result<Vec<_>>>()?;
        Ok(Programme {
            id,
            title: r.try_get("title")?,
            budget_yuan: r.try_get("budget_yuan")?,
            opens_on: day(r.try_get("opens_on")?),
            closes_on: day(r.try_get("closes_on")?),
            share_bp: r.try_get("share_bp")?,
            cap_yuan: r.try_get("cap_yuan")?,
            passing: r.try_get("passing")?,
            publicity_days: r.try_get("publicity_days")?,
            rules: serde_json::from_str(&r.try_get::<String, _>("rules")?).unwrap_or_default(),
            criteria: serde_json::from_str(&r.try_get::<String, _>("criteria")?)
                .unwrap_or_else(|_| domain::fiscal::default_criteria()),
            status: Status::parse(&r.try_get::<String, _>("status")?).unwrap_or(Status::Open),
            ranked_on: r.try_get::<Option<String>, _>("ranked_on")?.map(day),
            published_on: r.try_get::<Option<String>, _>("published_on")?.map(day),
            finalized_on: r.try_get::<Option<String>, _>("finalized_on")?.map(day),
            experts,
            applications: r.try_get("applications")?,
            awarded_yuan: r.try_get("awarded")?,
        })
    }

    /// Is this user an expert assigned to the programme?
    pub(crate) async fn is_programme_expert(&self, v: &Viewer, programme_id: i64) -> Result<bool> {
        Ok(sqlx::query(
            "SELECT 1 AS x FROM fiscal_experts x WHERE x.programme_id = $1 AND x.user_id = $2",
        )
        .bind(programme_id)
        .bind(v.actor.user_id.unwrap_or(0))
        .fetch_optional(self.pool())
        .await?
        .is_some())
    }

    /// The programmes a viewer may see, newest first: an expert its
    /// assigned ones, everyone else all.
    pub async fn fiscal_programmes(&self, v: &Viewer) -> Result<Vec<Programme>> {
        let rows = if v.role == Role::Expert {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "{PROGRAMME_SELECT} WHERE p.id IN (SELECT x.programme_id FROM fiscal_experts x WHERE x.user_id = $1) \
                 ORDER BY p.id DESC LIMIT 200"
            )))
            .bind(v.actor.user_id.unwrap_or(0))
            .fetch_all(self.pool())
            .await?
        } else {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "{PROGRAMME_SELECT} ORDER BY p.id DESC LIMIT 200"
            )))
            .fetch_all(self.pool())
            .await?
        };
        let mut out = vec![];
        for r in &rows {
            out.push(self.programme_from_row(r).await?);
        }
        Ok(out)
    }

    /// One programme; an expert not assigned to it is refused.
    pub async fn fiscal_programme(&self, v: &Viewer, id: i64) -> Result<Programme> {
        let r = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PROGRAMME_SELECT} WHERE p.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("编号为 {id} 的专项资金")))?;
        if v.role == Role::Expert && !self.is_programme_expert(v, id).await? {
            return Err(StoreError::Forbidden(
                "评审专家只能查看分配给本人的专项资金".into(),
            ));
        }
        self.programme_from_row(&r).await
    }

    /// The applications of a programme a viewer may see: an enterprise its
    /// own, an expert (assigned) those that passed formal review, the others
    /// all; in code order, paged.
    pub async fn fiscal_applications(
        &self,
        v: &Viewer,
        programme_id: i64,
        f: &ApplicationFilter,
    ) -> Result<(Vec<Application>, i64)> {
        self.fiscal_programme(v, programme_id).await?;
        let own = match v.role {
            Role::Enterprise => Some(v.enterprise_code.clone().unwrap_or_default()),
            _ => None,
        };
        let status = match v.role {
            Role::Expert => Some(AppStatus::Passed.as_str().to_string()),
            _ => f.status.map(|s| s.as_str().to_string()),
        };
        let filter = "WHERE a.programme_id = $1 AND ($2 IS NULL OR e.credit_code = $2) AND ($3 IS NULL OR a.status = $3)";
        let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM fiscal_applications a JOIN enterprises e ON e.id = a.enterprise_id {filter}"
        )))
        .bind(programme_id)
        .bind(own.clone())
        .bind(status.clone())
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{APPLICATION_SELECT} {filter} ORDER BY a.code LIMIT $4 OFFSET $5"
        )))
        .bind(programme_id)
        .bind(own)
        .bind(status)
        .bind(f.limit.clamp(1, 1000))
        .bind(f.offset.max(0))
        .fetch_all(self.pool())
        .await?;
        let list = rows
            .iter()
            .map(application_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok((list, total))
    }

    /// The ranked applications of a programme, by rank (the results).
    pub async fn fiscal_results(&self, programme_id: i64) -> Result<Vec<Application>> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "{APPLICATION_SELECT} WHERE a.programme_id = $1 AND a.rank IS NOT NULL ORDER BY a.rank LIMIT 5000"
        )))
        .bind(programme_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(application_from_row)
        .collect()
    }

    /// One application, if the viewer may read it (else 403; 404 when none).
    pub async fn fiscal_application(&self, v: &Viewer, id: i64) -> Result<Application> {
        let a = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{APPLICATION_SELECT} WHERE a.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(application_from_row)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("编号为 {id} 的申报")))?;
        let ok = match v.role {
            Role::Enterprise => v.enterprise_code.as_deref() == Some(a.credit_code.as_str()),
            Role::Expert => {
                a.status == AppStatus::Passed && self.is_programme_expert(v, a.programme_id).await?
            }
            _ => true,
        };
        if !ok {
            return Err(StoreError::Forbidden(
                "无权查看该申报（企业只能查看本企业的申报，评审专家只能查看分配给本人且通过形式审查的申报）".into(),
            ));
        }
        Ok(a)
    }

    /// The experts' marks on an application: the office and leaders all; an
    /// expert its own until the programme is ranked, then all; nobody else.
    pub async fn fiscal_scores(&self, v: &Viewer, a: &Application) -> Result<Vec<ScoreRow>> {
        let p = self.fiscal_programme(v, a.programme_id).await?;
        let only = match v.role {
            Role::Admin | Role::Leader => None,
            Role::Expert if p.status.ranked() => None,
            Role::Expert => Some(v.actor.user_id.unwrap_or(0)),
            _ => return Ok(vec![]),
        };
        sqlx::query(
            "SELECT u.username, u.display_name, s.conflict, s.marks, s.total, s.scored_at FROM fiscal_scores s \
             JOIN users u ON u.id = s.user_id WHERE s.application_id = $1 AND ($2 IS NULL OR s.user_id = $2) ORDER BY u.username",
        )
        .bind(a.id)
        .bind(only)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(ScoreRow {
                username: r.try_get("username")?,
                display_name: r.try_get("display_name")?,
                conflict: r.try_get::<i64, _>("conflict")? != 0,
                marks: serde_json::from_str(&r.try_get::<String, _>("marks")?).unwrap_or_default(),
                total: r.try_get("total")?,
                scored_at: r.try_get("scored_at")?,
            })
        })
        .collect()
    }

    /// An application's attachments.
    pub async fn fiscal_attachments(&self, application_id: i64) -> Result<Vec<AttachmentMeta>> {
        sqlx::query("SELECT id, filename, content_type, size_bytes FROM fiscal_attachments WHERE application_id = $1 ORDER BY id")
            .bind(application_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(AttachmentMeta {
                    id: r.try_get("id")?,
                    filename: r.try_get("filename")?,
                    content_type: r.try_get("content_type")?,
                    size_bytes: r.try_get("size_bytes")?,
                })
            })
            .collect()
    }

    /// One attachment's bytes, if the viewer may read its application.
    pub async fn fiscal_attachment(
        &self,
        v: &Viewer,
        application_id: i64,
        id: i64,
    ) -> Result<(AttachmentMeta, Vec<u8>)> {
        self.fiscal_application(v, application_id).await?;
        let r = sqlx::query("SELECT id, filename, content_type, size_bytes, data FROM fiscal_attachments WHERE id = $1 AND application_id = $2")
            .bind(id)
            .bind(application_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("附件 {id}")))?;
        Ok((
            AttachmentMeta {
                id: r.try_get("id")?,
                filename: r.try_get("filename")?,
                content_type: r.try_get("content_type")?,
                size_bytes: r.try_get("size_bytes")?,
            },
            r.try_get("data")?,
        ))
    }

    /// The objections of a programme, oldest first.
    pub async fn fiscal_objections(&self, programme_id: i64) -> Result<Vec<Objection>> {
        sqlx::query(
            "SELECT o.id, a.code, o.author, o.contact, o.body, o.filed_on, o.filed_by, o.answer, o.answered_by, o.answered_on \
             FROM fiscal_objections o LEFT JOIN fiscal_applications a ON a.id = o.application_id WHERE o.programme_id = $1 ORDER BY o.id",
        )
        .bind(programme_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(Objection {
                id: r.try_get("id")?,
                application_code: r.try_get("code")?,
                author: r.try_get("author")?,
                contact: r.try_get("contact")?,
                body: r.try_get("body")?,
                filed_on: day(r.try_get("filed_on")?),
                filed_by: r.try_get("filed_by")?,
                answer: r.try_get("answer")?,
                answered_by: r.try_get("answered_by")?,
                answered_on: r.try_get::<Option<String>, _>("answered_on")?.map(day),
            })
        })
        .collect()
    }

    /// The payments of an application, in order.
    pub async fn fiscal_payments(&self, application_id: i64) -> Result<Vec<Payment>> {
        sqlx::query("SELECT id, amount_yuan, paid_on, note, recorded_by FROM fiscal_payments WHERE application_id = $1 ORDER BY paid_on, id")
            .bind(application_id)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(Payment {
                    id: r.try_get("id")?,
                    amount_yuan: r.try_get("amount_yuan")?,
                    paid_on: day(r.try_get("paid_on")?),
                    note: r.try_get("note")?,
                    recorded_by: r.try_get("recorded_by")?,
                })
            })
            .collect()
    }

    /// The performance self-evaluation of an application, if filed.
    pub async fn fiscal_performance(&self, application_id: i64) -> Result<Option<Performance>> {
        sqlx::query("SELECT budget_execution, output, benefit, satisfaction, total, grade, note, filed_on, filed_by FROM fiscal_performance WHERE application_id = $1")
            .bind(application_id)
            .fetch_optional(self.pool())
            .await?
            .map(|r| {
                Ok(Performance {
                    parts: [
                        r.try_get("budget_execution")?,
                        r.try_get("output")?,
                        r.try_get("benefit")?,
                        r.try_get("satisfaction")?,
                    ],
                    total: r.try_get("total")?,
                    grade: grade_of(&r.try_get::<String, _>("grade")?),
                    note: r.try_get("note")?,
                    filed_on: day(r.try_get("filed_on")?),
                    filed_by: r.try_get("filed_by")?,
                })
            })
            .transpose()
    }
}
