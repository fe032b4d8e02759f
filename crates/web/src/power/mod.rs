//! The orderly-power plan (有序用电): power accounts (list, form, import),
//! the periods and their plans (a plan's page with the slot × class chart,
//! levels in their colours, the assignments, issue, actual loads, xlsx by
//! account and feeder), the period summary, an enterprise's own notices
//! with acknowledgement (`notices`), and the API (`api`). The assignment
//! rules are `domain::power`; the period is computed in the store.

mod api;
mod notices;
mod pages;

pub use api::*;
pub use notices::unacknowledged;

use crate::Shared;
use axum::Router;
use axum::routing::{get, post};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/power", get(pages::periods))
        .route("/power/plans", post(pages::create))
        .route("/power/plans/{id}", get(pages::plan))
        .route("/power/plans/{id}/issue", post(pages::issue))
        .route("/power/plans/{id}/edit", post(pages::edit))
        .route("/power/plans/{id}/actuals", post(pages::actual))
        .route(
            "/power/plans/{id}/actuals/import",
            post(pages::import_actuals),
        )
        .route("/power/plans/{id}/export.xlsx", get(pages::export))
        .route("/power/plans/{id}/ack", post(notices::acknowledge))
        .route("/power/summary", get(pages::summary))
        .route("/power/summary.xlsx", get(pages::summary_export))
        .route(
            "/power/accounts",
            get(pages::accounts).post(pages::save_account),
        )
        .route(
            "/power/accounts/template.xlsx",
            get(pages::accounts_template),
        )
        .route("/power/accounts/import", post(pages::import_accounts))
        .route("/power/notices", get(notices::page))
}
