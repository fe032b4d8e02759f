//! Tuijin's web layer: server-rendered pages (askama), the JSON API under
//! `/api/v1` with its OpenAPI document, login and sessions, and the embedded
//! assets. One module per concept; handlers are thin: extract, authorise,
//! call the store, render.

mod api;
mod approvals;
mod assets;
mod audit;
mod auth;
pub mod bulletins;
mod campaigns;
mod dashboard;
mod enterprises;
mod error;
pub mod evaluations;
mod financing;
mod fiscal;
mod home;
pub mod imports;
mod inbox;
mod land;
mod layout;
mod limits;
mod meetings;
mod middleware;
mod org;
pub mod per_mu;
mod policies;
mod power;
mod projects;
mod requests;
mod settings;
mod supervision;
pub mod targets;
mod users;
mod visits;

use axum::Router;
use std::sync::Arc;
use store::Store;
use tokio::net::TcpListener;

pub use error::AppError;
pub use layout::today;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Set the `Secure` flag on cookies (when served over HTTPS).
    pub secure_cookies: bool,
}

/// The whole application as a router.
pub fn app(state: AppState) -> Router {
    let state = Arc::new(state);
    Router::new()
        .merge(home::router())
        .merge(dashboard::router())
        .merge(bulletins::router())
        .merge(auth::router())
        .merge(org::router())
        .merge(projects::router())
        .merge(land::router())
        .merge(enterprises::router())
        .merge(imports::router())
        .merge(approvals::router())
        .merge(requests::router())
        .merge(meetings::router())
        .merge(supervision::router())
        .merge(evaluations::router())
        .merge(per_mu::router())
        .merge(power::router())
        .merge(financing::router())
        .merge(fiscal::router())
        .merge(policies::router())
        .merge(campaigns::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(inbox::router())
        .merge(settings::router())
        .merge(visits::router())
        .merge(assets::router())
        .nest("/api", api::router())
        .fallback(|| async { AppError::NotFound("该页面".into()) })
        .layer(axum::middleware::from_fn(limits::check_input))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn(error::api_json_errors))
        .layer(axum::middleware::from_fn(middleware::request_id))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::extract::DefaultBodyLimit::max(32 * 1024 * 1024))
        .with_state(state)
}

/// Serves the application on a bound listener until the process is stopped.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// The state handlers share.
pub type Shared = Arc<AppState>;
