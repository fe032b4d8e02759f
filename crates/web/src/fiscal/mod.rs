//! Fiscal support (财政专项资金择优扶持): the programmes, a programme's page
//! (settings, experts, the review queue, the ranking with the budget line,
//! objections), an application's page (status and reasons, review, expert
//! scoring, deduction, payments, performance), the results as .xlsx and the
//! 资助计划 as .docx (`pages`), and the API (`api`). The rules are
//! `domain::fiscal`; the checked writes `store::fiscal`.

mod api;
mod pages;

pub use api::*;

use crate::error::AppError;
use axum::Router;
use axum::routing::{get, post};
use domain::fiscal::Status;
use domain::users::Role;
use store::fiscal::Programme;
use store::users::User;

pub fn router() -> Router<crate::Shared> {
    Router::new()
        .route("/fiscal", get(pages::list).post(pages::create))
        .route("/fiscal/{id}", get(pages::programme))
        .route("/fiscal/{id}/experts", post(pages::experts))
        .route("/fiscal/{id}/actions", post(pages::action))
        .route(
            "/fiscal/{id}/apply",
            post(pages::apply).layer(axum::extract::DefaultBodyLimit::max(
                crate::requests::UPLOAD_LIMIT,
            )),
        )
        .route("/fiscal/{id}/objections", post(pages::objection))
        .route("/fiscal/{id}/objections/{oid}/answer", post(pages::answer))
        .route("/fiscal/{id}/results.xlsx", get(pages::results_xlsx))
        .route("/fiscal/{id}/plan.docx", get(pages::plan_docx))
        .route("/fiscal/applications/{id}", get(pages::application))
        .route("/fiscal/applications/{id}/review", post(pages::review))
        .route("/fiscal/applications/{id}/scores", post(pages::score))
        .route(
            "/fiscal/applications/{id}/deduction",
            post(pages::deduction),
        )
        .route(
            "/fiscal/applications/{id}/resubmit",
            post(pages::resubmit).layer(axum::extract::DefaultBodyLimit::max(
                crate::requests::UPLOAD_LIMIT,
            )),
        )
        .route("/fiscal/applications/{id}/payments", post(pages::payment))
        .route(
            "/fiscal/applications/{id}/performance",
            post(pages::performance),
        )
        .route(
            "/fiscal/applications/{id}/attachments/{aid}",
            get(pages::attachment),
        )
}

/// May the user read a programme's ranking and awards now? The office and
/// leaders once ranked; member units and assigned experts once ranked;
/// enterprises from the 公示.
pub(crate) fn may_read_results(u: &User, p: &Programme) -> Result<(), AppError> {
    let ok = match u.role {
        Role::Enterprise => matches!(p.status, Status::Publicity | Status::Final),
        _ => p.status.ranked(),
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "专项资金“{}”，排序结果尚未{}",
            p.status.label(),
            if u.role == Role::Enterprise {
                "公示"
            } else {
                "产生"
            }
        )))
    }
}
