//! Issued bulletins (通报) and supervision notices (督查通报): documents of
//! the office, numbered in one sequence per campaign and year, stored with
//! their content and their .docx, and never changed afterwards. `kind` tells
//! them apart ('bulletin' or 'supervision'); each list shows one kind.

use crate::audit::{self, Actor};
use crate::{Result, Store, StoreError, now_text};
use serde::Serialize;
use sqlx::Row;

/// The kind of a bulletin (通报).
pub const KIND_BULLETIN: &str = "bulletin";
/// The kind of a supervision notice (督查通报).
pub const KIND_SUPERVISION: &str = "supervision";
/// The kind of the 通报 of an evaluation's results and awards.
pub const KIND_EVALUATION: &str = "evaluation";
/// The kind of the results document of a per-mu evaluation.
pub const KIND_PER_MU: &str = "per_mu";

/// The final result a document issues, linked to it in the same transaction.
#[derive(Debug, Clone, Copy)]
pub enum Issues {
    /// An evaluation round (评议) and its 通报.
    Round(i64),
    /// A per-mu evaluation and its results document.
    PerMu(i64),
}

/// An issued bulletin (without its file).
#[derive(Debug, Clone, Serialize)]
pub struct Bulletin {
    pub id: i64,
    /// 'bulletin' (通报) or 'supervision' (督查通报).
    pub kind: String,
    pub year: i64,
    pub seq: i64,
    pub doc_number: String,
    pub title: String,
    pub as_of: String,
    pub content_json: String,
    pub issued_at: String,
    pub issued_by: String,
}

/// Renders a bulletin once its number is known: (content as JSON, .docx).
pub type Render<'a> = dyn Fn(&str) -> std::result::Result<(String, Vec<u8>), String> + Sync + 'a;

/// What is issued: the number is given by the store.
pub struct NewBulletin<'a> {
    /// 'bulletin' (通报) or 'supervision' (督查通报).
    pub kind: &'a str,
    pub campaign_id: i64,
    pub year: i32,
    pub prefix: &'a str,
    pub title: &'a str,
    pub as_of: &'a str,
    /// Builds the content and the file once the number is known.
    pub render: &'a Render<'a>,
    /// The final result this document issues: linked in the same
    /// transaction, and only once.
    pub issues: Option<Issues>,
}

impl Store {
    /// Issues a bulletin or a supervision notice: takes the next number of
    /// the year (〔year〕N号, one sequence for both kinds), renders it with
    /// that number and stores it, in one transaction.
    pub async fn issue_bulletin(&self, actor: &Actor, b: &NewBulletin<'_>) -> Result<Bulletin> {
        if !matches!(
            b.kind,
            KIND_BULLETIN | KIND_SUPERVISION | KIND_EVALUATION | KIND_PER_MU
        ) {
            return Err(StoreError::Conflict(format!("未知的公文类别“{}”", b.kind)));
        }
        let mut tx = self.begin().await?;
        let seq: i64 = sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM bulletins WHERE campaign_id = $1 AND year = $2")
            .bind(b.campaign_id)
            .bind(b.year as i64)
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>("next")?;
        let doc_number = format!("{}〔{}〕{}号", b.prefix, b.year, seq);
        let (content, docx) = (b.render)(&doc_number).map_err(StoreError::Conflict)?;
        let now = now_text();
        let id: i64 = sqlx::query(
            "INSERT INTO bulletins (campaign_id, year, seq, doc_number, title, as_of, content_json, docx, issued_at, issued_by, kind) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(b.campaign_id)
        .bind(b.year as i64)
        .bind(seq)
        .bind(&doc_number)
        .bind(b.title)
        .bind(b.as_of)
        .bind(&content)
        .bind(docx)
        .bind(&now)
        .bind(&actor.name)
        .bind(b.kind)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| crate::conflict_on_unique(e, "同时签发了另一份通报，请重试"))?
        .try_get("id")?;
        if let Some(link) = b.issues {
            let (table, key) = match link {
                Issues::Round(k) => ("evaluation_rounds", k),
                Issues::PerMu(k) => ("per_mu_evaluations", k),
            };
            let n = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET bulletin_id = $2, version = version + 1 WHERE id = $1 AND status = 'final' AND bulletin_id IS NULL"
            )))
            .bind(key)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            crate::one_row_or_conflict(n, "该评价尚未定稿，或其结果文件已经签发")?;
        }
        audit::record(
            &mut tx,
            actor,
            match b.kind {
                KIND_SUPERVISION => "supervision_notice",
                KIND_EVALUATION => "evaluation_notice",
                KIND_PER_MU => "per_mu_notice",
                _ => "bulletin",
            },
            &doc_number,
            "issue",
            None,
            Some(&serde_json::json!({"title": b.title, "as_of": b.as_of})),
        )
        .await?;
        tx.commit().await?;
        self.bulletin(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("刚签发的通报".into()))
    }

    /// The bulletins (通报) of a campaign, newest first; no supervision notices.
    pub async fn bulletins(&self, campaign_id: i64) -> Result<Vec<Bulletin>> {
        self.bulletins_of_kind(campaign_id, KIND_BULLETIN).await
    }

    /// The documents of one kind of a campaign, newest first.
    pub async fn bulletins_of_kind(&self, campaign_id: i64, kind: &str) -> Result<Vec<Bulletin>> {
        let rows = sqlx::query(
            "SELECT id, kind, year, seq, doc_number, title, as_of, content_json, issued_at, issued_by FROM bulletins WHERE campaign_id = $1 AND kind = $2 ORDER BY year DESC, seq DESC",
        )
        .bind(campaign_id)
        .bind(kind)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(bulletin_from_row).collect()
    }

    /// One bulletin or supervision notice (check `kind`).
    pub async fn bulletin(&self, id: i64) -> Result<Option<Bulletin>> {
        let row = sqlx::query("SELECT id, kind, year, seq, doc_number, title, as_of, content_json, issued_at, issued_by FROM bulletins WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(bulletin_from_row).transpose()
    }

    /// The stored .docx of a bulletin.
    pub async fn bulletin_docx(&self, id: i64) -> Result<Option<Vec<u8>>> {
        let row = sqlx::query("SELECT docx FROM bulletins WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.try_get("docx")).transpose()?)
    }
}

fn bulletin_from_row(r: &sqlx::any::AnyRow) -> Result<Bulletin> {
    Ok(Bulletin {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        year: r.try_get("year")?,
        seq: r.try_get("seq")?,
        doc_number: r.try_get("doc_number")?,
        title: r.try_get("title")?,
        as_of: r.try_get("as_of")?,
        content_json: r.try_get("content_json")?,
        issued_at: r.try_get("issued_at")?,
        issued_by: r.try_get("issued_by")?,
    })
}
