//! The home page: the current campaign, its targets and the time progress.

use crate::Shared;
use crate::auth::Page;
use crate::error::AppError;
use crate::layout::Chrome;
use crate::targets::{DashboardQuery, Evaluated, as_of_for, evaluate_all};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use chrono::NaiveDate;
use domain::campaign::time_progress;
use domain::format::percent;
use store::campaigns::Campaign;

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
    targets: Vec<Evaluated>,
    as_of: NaiveDate,
    time_progress: String,
    year_start: String,
    year_end: String,
}

async fn home(
    State(st): State<Shared>,
    page: Page,
    Query(q): Query<DashboardQuery>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    // An expert's home is the programmes to score.
    if page.user.role == domain::users::Role::Expert {
        return Ok(axum::response::Redirect::to("/fiscal").into_response());
    }
    // An enterprise's home is its own requests: raise one, follow them.
    if !page.can(domain::users::Permission::ReadCampaign) {
        return Ok(axum::response::Redirect::to("/requests").into_response());
    }
    Ok(campaign_home(&st, &page, &q).await?.into_response())
}

async fn campaign_home(st: &Shared, page: &Page, q: &DashboardQuery) -> Result<Home, AppError> {
    let campaign = st.store.current_campaign().await?;
    let Some(c) = campaign else {
        let today = crate::layout::today();
        return Ok(Home {
            chrome: page.chrome("home"),
            campaign: None,
            targets: vec![],
            as_of: today,
            time_progress: String::new(),
            year_start: String::new(),
            year_end: String::new(),
        });
    };
    let as_of = as_of_for(&c, q.as_of.as_deref())?;
    let tp = time_progress(c.year, as_of);
    Ok(Home {
        chrome: page.chrome("home"),
        targets: evaluate_all(st, &c, as_of).await?,
        as_of,
        time_progress: percent(tp.days_elapsed, tp.days_in_year, 1).unwrap_or_default(),
        year_start: format!("{}-01-01", c.year),
        year_end: format!("{}-12-31", c.year),
        campaign: Some(c),
    })
}

/// Liveness and database check for load balancers and monitoring.
async fn healthz(State(st): State<Shared>) -> Result<&'static str, AppError> {
    st.store.ping().await?;
    Ok("ok")
}
