//! The office's settings for requests: the working-day calendar per year
//! (`calendar`), the categories with their limits and the routing rules
//! (`rules`), and the same as JSON (`api`). The office (admin) writes, every
//! write is audited by the store; other staff read; enterprises are refused.

mod api;
mod calendar;
mod rules;

pub use api::*;

use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use axum::Router;
use axum::routing::{delete, get, post};
use chrono::{Datelike, NaiveDate};
use domain::calendar::Calendar;
use domain::users::FieldError;
use store::{Actor, StoreError};

pub fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/settings",
            get(|_: Can<need::ReadCampaign>| async {
                axum::response::Redirect::to("/settings/calendar")
            }),
        )
        .route("/settings/calendar", get(calendar::list))
        .route(
            "/settings/calendar/{year}",
            get(calendar::year_page).post(calendar::save),
        )
        .route("/settings/request-categories", get(rules::categories))
        .route(
            "/settings/request-categories/{code}",
            post(rules::save_category),
        )
        .route(
            "/settings/routes",
            get(rules::routes).post(rules::set_route),
        )
        .route("/settings/routes/{id}/delete", post(rules::delete_route))
}

pub fn api_router() -> Router<Shared> {
    Router::new()
        .route("/v1/calendar", get(api::api_calendar))
        .route(
            "/v1/calendar/{year}",
            get(api::api_calendar_year).put(api::api_put_calendar_year),
        )
        .route(
            "/v1/request-categories",
            get(api::api_categories).put(api::api_put_categories),
        )
        .route(
            "/v1/request-routes",
            get(api::api_routes).post(api::api_set_route),
        )
        .route("/v1/request-routes/{id}", delete(api::api_delete_route))
}

/// Next year (from `today`), when the calendar does not know it yet.
pub async fn missing_next_year(st: &Shared, today: NaiveDate) -> Result<Option<i32>, AppError> {
    let next = today.year() + 1;
    let cal = st.store.calendar().await?;
    Ok(cal.year(next).is_none().then_some(next))
}

/// The warning shown while next year has no calendar.
pub fn missing_year_warning(year: i32) -> String {
    format!("{year} 年节假日安排尚未录入：跨入该年的截止日期暂按周一至周五计算（标注“暂定”）")
}

/// Staff (office, units, leaders) read the settings; enterprises do not.
/// The years one may enter.
fn year_in_range(year: i32) -> Result<(), AppError> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("{year} 年的工作日历")))
    }
}

/// Saves the TOML text of `year`: the text must be of that year.
async fn save_year(st: &Shared, actor: &Actor, year: i32, text: &str) -> Result<i32, StoreError> {
    let mut probe = Calendar::default();
    if let Ok(y) = probe.add_year_toml(text) {
        let msg = if y != year {
            Some(format!(
                "内容中的年份（year = {y}）与所编辑的年份 {year} 不一致"
            ))
        } else if probe.year(y).is_some_and(|d| d.holidays.is_empty()) {
            // Every published arrangement has holidays; an empty list is the
            // blank form saved by mistake, and would silently end "暂定".
            Some("请填写放假日期（holidays 不能为空）".into())
        } else {
            None
        };
        if let Some(m) = msg {
            return Err(StoreError::Invalid(vec![FieldError::new("toml", m)]));
        }
    }
    st.store.save_calendar_year(actor, text).await
}

/// The text offered for a year not yet entered: the shape, no invented dates.
fn blank_year_toml(year: i32) -> String {
    format!(
        "# 请按国务院办公厅关于{year}年部分节假日安排的通知填写：\n\
         # holidays 为放假日期（含周末），workdays 为调休上班的周末日期。\n\
         year = {year}\nsource = \"\"\n\
         holidays = [\n]\nworkdays = [\n]\n"
    )
}
