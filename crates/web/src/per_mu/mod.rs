//! The per-mu efficiency evaluation (亩均效益综合评价): the annual data
//! (`data`: list, form, template, import), the evaluations and an
//! evaluation's page with its 计算说明 and ranked table (`pages`), one
//! enterprise's sheet and its objections (`sheet`), the results document
//! (`notice`) and the API (`api`). The rules are `domain::per_mu`; the
//! computation runs in the store (`Store::compute_per_mu`).

mod api;
mod data;
mod notice;
mod pages;
mod sheet;

pub use api::*;
pub use notice::issue_notice;
pub use pages::act;

use crate::Shared;
use crate::error::AppError;
use axum::Router;
use axum::routing::{get, post};
use domain::per_mu::data::{Change, DataPatch};
use domain::per_mu::{Field, Indicator, Q};
use store::per_mu::PerMuEvaluation;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/per-mu", get(pages::list).post(pages::create))
        .route("/per-mu/data", get(data::list))
        .route("/per-mu/data/template.xlsx", get(data::template))
        .route("/per-mu/data/import", post(data::import))
        .route(
            "/per-mu/data/{code}/{year}",
            get(data::form).post(data::save),
        )
        .route("/per-mu/{id}", get(pages::show))
        .route("/per-mu/{id}/settings", post(pages::settings))
        .route("/per-mu/{id}/actions", post(pages::action))
        .route("/per-mu/{id}/adjustments", post(pages::adjust))
        .route("/per-mu/{id}/results.xlsx", get(pages::export))
        .route("/per-mu/{id}/class-list.xlsx", get(pages::class_list))
        .route("/per-mu/{id}/enterprises/{code}", get(sheet::page))
        .route(
            "/per-mu/{id}/enterprises/{code}/objection",
            post(sheet::object),
        )
        .route("/per-mu/{id}/objections/{oid}/answer", post(sheet::answer))
        .route("/per-mu/objections/{oid}/file", get(sheet::file))
        .route("/per-mu/{id}/notice", get(notice::show).post(notice::issue))
        .route("/per-mu/{id}/notice.docx", get(notice::docx))
}

pub(crate) async fn evaluation_or_404(st: &Shared, id: i64) -> Result<PerMuEvaluation, AppError> {
    Ok(st.store.per_mu_evaluation_or_missing(id).await?)
}

/// An indicator's value for people: rd_ratio as a percentage, the rest with 2 decimals.
pub fn indicator_display(i: Indicator, v: &Option<Q>) -> String {
    match v {
        None => "—".into(),
        Some(q) if i == Indicator::RdRatio => format!("{}%", q.mul(&Q::whole(100)).display(2)),
        Some(q) => q.display(2),
    }
}

/// A score in ten-thousandths for people: "16.0714".
pub fn points(tt: i64) -> String {
    let sign = if tt < 0 { "-" } else { "" };
    let a = tt.unsigned_abs();
    format!("{sign}{}.{:04}", a / 10_000, a % 10_000)
}

/// A patch from the figures of a form or JSON object: absent keeps, empty
/// keeps (JSON null or 清空 clears), a number sets; every bad one named.
pub(crate) fn patch_of(
    credit_code: String,
    year: i32,
    get: impl Fn(Field) -> Option<serde_json::Value>,
    field_prefix: &str,
    errs: &mut Vec<domain::users::FieldError>,
) -> DataPatch {
    let mut changes = vec![];
    for f in Field::ALL {
        let name = format!("{field_prefix}{}", f.key());
        let change = match get(f) {
            None => Change::Keep,
            Some(serde_json::Value::Null) => Change::Clear,
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => Change::Keep,
            Some(serde_json::Value::String(s)) if s.trim() == domain::patch::CLEAR => Change::Clear,
            Some(serde_json::Value::String(s)) if f == Field::Land => {
                match domain::format::parse_scaled(s.trim(), 3) {
                    Ok(v) => Change::Set(v),
                    Err(_) => {
                        errs.push(domain::users::FieldError::new(
                            &name,
                            "用地面积应为亩数，最多 3 位小数",
                        ));
                        Change::Keep
                    }
                }
            }
            Some(serde_json::Value::String(s)) => match s.trim().replace(',', "").parse::<i64>() {
                Ok(v) => Change::Set(v),
                Err(_) => {
                    errs.push(domain::users::FieldError::new(
                        &name,
                        format!("{}应为整数", f.label()),
                    ));
                    Change::Keep
                }
            },
            Some(serde_json::Value::Number(n)) => match n.as_i64() {
                Some(v) => Change::Set(v),
                None => {
                    errs.push(domain::users::FieldError::new(
                        &name,
                        format!("{}应为整数", f.label()),
                    ));
                    Change::Keep
                }
            },
            Some(_) => {
                errs.push(domain::users::FieldError::new(
                    &name,
                    format!("{}应为整数或 null", f.label()),
                ));
                Change::Keep
            }
        };
        if let Change::Set(v) = change
            && let Err(m) = f.check(v)
        {
            errs.push(domain::users::FieldError::new(&name, m));
        }
        changes.push((f, change));
    }
    DataPatch {
        credit_code,
        year,
        changes,
    }
}
