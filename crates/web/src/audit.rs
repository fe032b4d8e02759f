//! The audit log page: who changed what, when, before and after.

use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;
use store::AuditEntry;
use store::audit::AuditFilter;

pub fn router() -> Router<Shared> {
    Router::new().route("/audit", get(list))
}

#[derive(Deserialize)]
struct AuditQuery {
    entity: Option<String>,
    key: Option<String>,
    page: Option<i64>,
}

/// What each audited entity is called in Chinese.
pub const ENTITIES: [(&str, &str); 5] = [
    ("campaign", "活动"),
    ("target", "目标"),
    ("award_tier", "奖项"),
    ("org_unit", "组织单位"),
    ("user", "用户"),
];

#[derive(Template, WebTemplate)]
#[template(path = "audit/list.html")]
struct AuditPage {
    chrome: Chrome,
    entries: Vec<AuditEntry>,
    paging: Paging,
    entity: String,
    key: String,
    entities: Vec<(&'static str, &'static str)>,
}

impl AuditPage {
    fn params(&self) -> String {
        format!("entity={}&key={}", self.entity, self.key)
    }
    fn entity_label(&self, e: &str) -> String {
        ENTITIES
            .iter()
            .find(|(k, _)| *k == e)
            .map(|(_, l)| l.to_string())
            .unwrap_or_else(|| e.to_string())
    }
    fn json(&self, v: &Option<serde_json::Value>) -> String {
        v.as_ref()
            .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
            .unwrap_or_default()
    }
}

const PER_PAGE: i64 = 50;

async fn list(
    State(st): State<Shared>,
    page: Can<need::Oversee>,
    Query(q): Query<AuditQuery>,
) -> Result<AuditPage, AppError> {
    let filter = AuditFilter {
        entity: q.entity.clone().filter(|s| !s.is_empty()),
        entity_key: q.key.clone().filter(|s| !s.is_empty()),
    };
    let (_, total) = st.store.audit_log(&filter, 0, 0).await?;
    let paging = Paging::new(q.page, PER_PAGE, total);
    let (entries, _) = st
        .store
        .audit_log(&filter, paging.offset(), PER_PAGE)
        .await?;
    Ok(AuditPage {
        chrome: page.chrome("audit"),
        entries,
        paging,
        entity: filter.entity.unwrap_or_default(),
        key: filter.entity_key.unwrap_or_default(),
        entities: ENTITIES.to_vec(),
    })
}
