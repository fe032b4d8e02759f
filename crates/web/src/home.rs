//! The home page: the current campaign, its targets and the time progress.

use crate::Shared;
use crate::auth::Page;
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::NaiveDate;
use domain::campaign::time_progress;
use domain::format::percent;
use store::campaigns::{Campaign, Target};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct Home {
    chrome: Chrome,
    campaign: Option<Campaign>,
    targets: Vec<Target>,
    as_of: NaiveDate,
    time_progress: String,
}

/// Today, clamped into the campaign year (a past campaign is read at its last day).
pub fn default_as_of(year: i32) -> NaiveDate {
    let today = chrono::Local::now().date_naive();
    let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid year");
    let end = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid year");
    today.clamp(start, end)
}

async fn home(State(st): State<Shared>, page: Page) -> Result<Home, AppError> {
    let campaign = st.store.current_campaign().await?;
    let (targets, as_of, tp) = match &campaign {
        Some(c) => {
            let as_of = default_as_of(c.year);
            let tp = time_progress(c.year, as_of);
            (
                st.store.targets(c.id).await?,
                as_of,
                percent(tp.days_elapsed, tp.days_in_year, 1).unwrap_or_default(),
            )
        }
        None => (vec![], chrono::Local::now().date_naive(), String::new()),
    };
    Ok(Home {
        chrome: page.chrome("home"),
        campaign,
        targets,
        as_of,
        time_progress: tp,
    })
}

/// Liveness and database check for load balancers and monitoring.
async fn healthz(State(st): State<Shared>) -> Result<&'static str, AppError> {
    st.store.ping().await?;
    Ok("ok")
}
