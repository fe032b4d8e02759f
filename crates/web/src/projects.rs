//! Projects: the list (filters, sorting, paging, export of what is shown),
//! the project page (timeline, progress, parcels), forms, the one-click
//! milestone action, monthly progress; and the projects API.

mod api;
pub(crate) mod api_support {
    //! JSON body helpers shared by the upsert endpoints.
    pub(crate) use super::api::{as_text, items, patch_text, prefixed, store_rows};
}
mod form;
mod list;

pub use api::{
    __path_api_get, __path_api_list, __path_api_progress, __path_api_upsert, ProgressIn, ProjectIn,
    ProjectJson, UpsertJson,
};

use crate::Shared;
use axum::Router;
use axum::routing::{get, post};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/projects", get(list::list).post(form::create))
        .route("/projects/export.xlsx", get(list::export))
        .route("/projects/new", get(form::new_page))
        .route("/projects/{code}", get(form::detail))
        .route(
            "/projects/{code}/edit",
            get(form::edit_page).post(form::edit),
        )
        .route("/projects/{code}/milestone", post(form::milestone))
        .route("/projects/{code}/progress", post(form::progress))
}

pub fn api_router() -> Router<Shared> {
    Router::new()
        .route("/v1/projects", get(api::api_list).post(api::api_upsert))
        .route("/v1/projects/{code}", get(api::api_get))
        .route("/v1/projects/{code}/progress", post(api::api_progress))
}
