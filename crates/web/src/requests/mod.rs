//! Enterprise service requests: the list and queues, the intake form, a
//! request's page with the actions its viewer may take, attachment download
//! (`pages`), and the JSON API (`api`).

mod api;
mod pages;
pub(crate) use pages::{UPLOAD_LIMIT, attachment_response, form_with_files};

pub use api::api_router;
pub(crate) use api::*;

use crate::Shared;
use axum::Router;
use domain::requests::flow::{self, Action};
use domain::requests::{Satisfaction, Status};
use store::requests::{RequestRecord, Viewer};

pub fn router() -> Router<Shared> {
    pages::router()
}

/// The actions this viewer may take on this request now (the same check the
/// store makes), so a page never offers what would be refused.
pub fn allowed_actions(v: &Viewer, r: &RequestRecord) -> Vec<&'static str> {
    let actor = v.actor_for(r);
    [
        Action::Assign,
        Action::Accept,
        Action::Transfer,
        Action::Reply,
        Action::Resolve,
        Action::Reject,
        Action::Rate(Satisfaction::Satisfied),
        Action::Close,
        Action::Escalate,
        Action::Withdraw,
    ]
    .into_iter()
    .filter(|a| flow::next(r.status, a, actor, r.kind).is_ok())
    .map(|a| a.as_str())
    .collect()
}

/// The status's CSS class for the badge.
pub fn status_class(s: Status) -> &'static str {
    match s {
        Status::Closed => "ok",
        Status::Withdrawn => "nodata",
        Status::Escalated | Status::Reopened => "behind",
        _ => "",
    }
}
