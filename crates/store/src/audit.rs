//! The audit trail: every write records who, when, which record and what changed.

use crate::{Result, Store, now_text};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

/// Who makes a change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    /// The system itself (start-up, `tuijin init`, the command line).
    pub fn system(what: &str) -> Actor {
        Actor {
            user_id: None,
            name: format!("系统（{what}）"),
        }
    }
}

/// One audit row.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor_name: String,
    pub entity: String,
    pub entity_key: String,
    pub action: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Writes an audit row inside the caller's transaction.
pub(crate) async fn record(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    entity: &str,
    key: &str,
    action: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, actor_name, entity, entity_key, action, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now_text())
    .bind(actor.user_id)
    .bind(&actor.name)
    .bind(entity)
    .bind(key)
    .bind(action)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Filters for the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_key: Option<String>,
}

macro_rules! audit_where {
    () => {
        "WHERE ($1 IS NULL OR entity = $1) AND ($2 IS NULL OR entity_key = $2)"
    };
}

impl Store {
    /// A page of the audit log, newest first, and the total count.
    pub async fn audit_log(
        &self,
        f: &AuditFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, i64)> {
        let total: i64 = sqlx::query(concat!("SELECT COUNT(*) FROM audit_log ", audit_where!()))
            .bind(f.entity.clone())
            .bind(f.entity_key.clone())
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        let rows = sqlx::query(concat!(
            "SELECT id, at, actor_name, entity, entity_key, action, before_json, after_json FROM audit_log ",
            audit_where!(),
            " ORDER BY id DESC LIMIT $3 OFFSET $4"
        ))
        .bind(f.entity.clone())
        .bind(f.entity_key.clone())
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        let entries = rows
            .into_iter()
            .map(|r| -> Result<AuditEntry> {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor_name: r.try_get("actor_name")?,
                    entity: r.try_get("entity")?,
                    entity_key: r.try_get("entity_key")?,
                    action: r.try_get("action")?,
                    before: parse(r.try_get("before_json")?),
                    after: parse(r.try_get("after_json")?),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((entries, total))
    }
}
