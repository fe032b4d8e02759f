//! The working-day calendar: the years known with their source and counts,
//! one year as twelve month grids with its TOML text to edit, and adding a
//! year the State Council has published since.

use super::{blank_year_toml, missing_next_year, save_year, year_in_range};
use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Weekday};
use domain::calendar::Calendar;
use domain::users::FieldError;
use serde::Deserialize;
use store::StoreError;
use store::requests::config::CalendarYearInfo;

#[derive(Template, WebTemplate)]
#[template(path = "settings/calendar.html")]
pub struct ListPage {
    chrome: Chrome,
    years: Vec<CalendarYearInfo>,
    missing_year: Option<i32>,
    can_edit: bool,
    suggest: i32,
}

#[derive(Deserialize)]
pub struct ListQuery {
    /// Open this year (the "录入或修改" form).
    year: Option<String>,
}

pub async fn list(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    if let Some(y) = q.year.as_deref().and_then(|y| y.trim().parse::<i32>().ok()) {
        year_in_range(y)?;
        return Ok(Redirect::to(&format!("/settings/calendar/{y}")).into_response());
    }
    let today = crate::layout::today();
    let missing_year = missing_next_year(&st, today).await?;
    let years = st.store.calendar_years().await?;
    Ok(ListPage {
        chrome: page.chrome("settings"),
        suggest: missing_year.unwrap_or_else(|| today.year() + 1),
        missing_year,
        can_edit: page.is_admin(),
        years,
    }
    .into_response())
}

/// One day in a month grid.
pub struct Day {
    pub day: u32,
    /// holiday, workday (make-up), weekend or "".
    pub class: &'static str,
    pub title: &'static str,
}

/// A month as weeks from Monday; None pads the first and last week.
pub struct Month {
    pub month: u32,
    pub weeks: Vec<Vec<Option<Day>>>,
}

fn months(cal: &Calendar, year: i32) -> Vec<Month> {
    let y = cal.year(year);
    (1..=12)
        .filter_map(|m| {
            let first = NaiveDate::from_ymd_opt(year, m, 1)?;
            let mut cells: Vec<Option<Day>> = (0..first.weekday().num_days_from_monday())
                .map(|_| None)
                .collect();
            let mut d = first;
            while d.month() == m {
                let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
                let (class, title) = match y {
                    Some(y) if y.holidays.contains(&d) => ("holiday", "放假"),
                    Some(y) if y.workdays.contains(&d) => ("workday", "调休上班"),
                    _ if weekend => ("weekend", "周末"),
                    _ => ("", "工作日"),
                };
                cells.push(Some(Day {
                    day: d.day(),
                    class,
                    title,
                }));
                d = d.succ_opt()?;
            }
            while !cells.len().is_multiple_of(7) {
                cells.push(None);
            }
            let mut weeks = vec![];
            let mut it = cells.into_iter().peekable();
            while it.peek().is_some() {
                weeks.push(it.by_ref().take(7).collect());
            }
            Some(Month { month: m, weeks })
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/calendar_year.html")]
pub struct YearPage {
    chrome: Chrome,
    year: i32,
    info: Option<CalendarYearInfo>,
    months: Vec<Month>,
    toml: String,
    errors: Vec<FieldError>,
    can_edit: bool,
    saved: bool,
}

impl YearPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
}

#[derive(Deserialize)]
pub struct YearQuery {
    saved: Option<String>,
}

async fn year_view(
    st: &Shared,
    page: &Page,
    year: i32,
    text: Option<String>,
    errors: Vec<FieldError>,
    saved: bool,
) -> Result<YearPage, AppError> {
    let cal = st.store.calendar().await?;
    let info = st
        .store
        .calendar_years()
        .await?
        .into_iter()
        .find(|y| y.year == year);
    Ok(YearPage {
        chrome: page.chrome("settings"),
        year,
        months: months(&cal, year),
        toml: text
            .or_else(|| cal.year_toml(year))
            .unwrap_or_else(|| blank_year_toml(year)),
        info,
        errors,
        can_edit: page.is_admin(),
        saved,
    })
}

pub async fn year_page(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(year): Path<i32>,
    Query(q): Query<YearQuery>,
) -> Result<YearPage, AppError> {
    year_in_range(year)?;
    year_view(&st, &page, year, None, vec![], q.saved.is_some()).await
}

#[derive(Deserialize)]
pub struct SaveForm {
    toml: String,
}

pub async fn save(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(year): Path<i32>,
    Form(f): Form<SaveForm>,
) -> Result<Response, AppError> {
    year_in_range(year)?;
    match save_year(&st, &page.user.actor(), year, &f.toml).await {
        Ok(_) => Ok(Redirect::to(&format!("/settings/calendar/{year}?saved=1")).into_response()),
        Err(StoreError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            year_view(&st, &page, year, Some(f.toml), errors, false).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
