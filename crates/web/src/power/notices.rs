//! An enterprise's own orderly-power notices: the issued plans it sheds in,
//! with only its accounts' slots and kW, and the acknowledgement (签收).

use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::power::time_text;
use store::power::PlanRecord;
use store::requests::Viewer;

#[derive(Template, WebTemplate)]
#[template(path = "power/notices.html")]
pub struct NoticesPage {
    chrome: Chrome,
    notices: Vec<(PlanRecord, bool)>,
}

impl NoticesPage {
    fn t(&self, m: &i64) -> String {
        time_text(*m)
    }
}

/// The enterprise user's notices (others: 403).
pub async fn page(
    State(st): State<Shared>,
    page: Can<need::ActOnRequests>,
) -> Result<NoticesPage, AppError> {
    let code = page
        .user
        .enterprise_code
        .clone()
        .ok_or_else(|| AppError::Denied("有序用电通知由企业查看和签收".into()))?;
    Ok(NoticesPage {
        chrome: page.chrome("power"),
        notices: st.store.power_notices(&code).await?,
    })
}

pub async fn acknowledge(
    State(st): State<Shared>,
    page: Can<need::ActOnRequests>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    st.store
        .acknowledge_power_plan(&Viewer::of(&page.user), id)
        .await?;
    Ok(Redirect::to("/power/notices#acknowledged").into_response())
}

/// The issued plans an enterprise user has not acknowledged: (id, title).
pub async fn unacknowledged(
    st: &Shared,
    u: &store::users::User,
) -> Result<Vec<(i64, String)>, AppError> {
    let Some(code) = u.enterprise_code.as_deref() else {
        return Ok(vec![]);
    };
    if u.role != domain::users::Role::Enterprise {
        return Ok(vec![]);
    }
    Ok(st
        .store
        .power_notices(code)
        .await?
        .into_iter()
        .filter(|(_, acked)| !acked)
        .map(|(p, _)| (p.id, format!("{} {}", p.period, p.date)))
        .collect())
}
