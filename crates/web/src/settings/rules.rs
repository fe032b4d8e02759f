//! Request categories with their time limits in working days, and the
//! routing rules from category (and township) to working group and unit.

use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::requests::Limits;
use domain::requests::routing::Rule;
use domain::users::FieldError;
use std::collections::HashMap;
use store::StoreError;
use store::org::{Unit, WorkingGroup};
use store::requests::config::{CategoryRecord, RouteRecord};

/// A limit as typed: a whole number of working days, or a field error.
pub(super) fn days(text: &str, field: &str, label: &str, errs: &mut Vec<FieldError>) -> i64 {
    text.trim().parse::<i64>().unwrap_or_else(|_| {
        errs.push(FieldError::new(field, format!("{label}须为整数（工作日）")));
        0
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/categories.html")]
pub struct CategoriesPage {
    chrome: Chrome,
    categories: Vec<CategoryRecord>,
    can_edit: bool,
    /// The category whose save failed, with what was entered and why.
    failed: Option<(String, HashMap<String, String>, Vec<FieldError>)>,
}

impl CategoriesPage {
    /// A field's value: as entered when its save failed, else as stored.
    fn val(&self, c: &CategoryRecord, field: &str) -> String {
        if let Some((code, values, _)) = &self.failed
            && *code == c.code
        {
            return values.get(field).cloned().unwrap_or_default();
        }
        match field {
            "name" => c.name.clone(),
            "accept_days" => c.limits.accept_days.to_string(),
            "reply_days" => c.limits.reply_days.to_string(),
            "resolve_days" => c.limits.resolve_days.to_string(),
            _ => String::new(),
        }
    }
    fn err(&self, c: &CategoryRecord, field: &str) -> Option<&str> {
        match &self.failed {
            Some((code, _, errs)) if *code == c.code => crate::layout::error_for(errs, field),
            _ => None,
        }
    }
}

async fn categories_view(
    st: &Shared,
    page: &Page,
    failed: Option<(String, HashMap<String, String>, Vec<FieldError>)>,
) -> Result<CategoriesPage, AppError> {
    Ok(CategoriesPage {
        chrome: page.chrome("settings"),
        categories: st.store.request_categories().await?,
        can_edit: page.is_admin(),
        failed,
    })
}

pub async fn categories(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
) -> Result<CategoriesPage, AppError> {
    categories_view(&st, &page, None).await
}

pub async fn save_category(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(code): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let v = |k: &str| values.get(k).map(String::as_str).unwrap_or("");
    let mut errs = vec![];
    let limits = Limits {
        accept_days: days(v("accept_days"), "accept_days", "受理时限", &mut errs),
        reply_days: days(v("reply_days"), "reply_days", "首次答复时限", &mut errs),
        resolve_days: days(v("resolve_days"), "resolve_days", "办结时限", &mut errs),
    };
    let result = if errs.is_empty() {
        st.store
            .update_category(
                &page.user.actor(),
                &code,
                v("name"),
                &limits,
                v("active") == "1",
            )
            .await
    } else {
        Err(StoreError::Invalid(errs))
    };
    match result {
        Ok(()) => Ok(Redirect::to("/settings/request-categories").into_response()),
        Err(StoreError::Invalid(errs)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            categories_view(&st, &page, Some((code, values, errs))).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/routes.html")]
pub struct RoutesPage {
    chrome: Chrome,
    routes: Vec<RouteRecord>,
    categories: Vec<CategoryRecord>,
    townships: Vec<Unit>,
    units: Vec<Unit>,
    groups: Vec<WorkingGroup>,
    can_edit: bool,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
}

impl RoutesPage {
    fn v(&self, name: &str) -> &str {
        crate::layout::value(&self.values, name)
    }
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
}

async fn routes_view(
    st: &Shared,
    page: &Page,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<RoutesPage, AppError> {
    let units = st.store.active_units().await?;
    let groups = match st.store.current_campaign().await? {
        Some(c) => st.store.working_groups(c.id).await?,
        None => vec![],
    };
    Ok(RoutesPage {
        chrome: page.chrome("settings"),
        routes: st.store.request_routes().await?,
        categories: st.store.request_categories().await?,
        townships: units
            .iter()
            .filter(|u| u.kind.is_territorial())
            .cloned()
            .collect(),
        units,
        groups,
        can_edit: page.is_admin(),
        values,
        errors,
    })
}

pub async fn routes(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
) -> Result<RoutesPage, AppError> {
    routes_view(&st, &page, HashMap::new(), vec![]).await
}

fn opt(s: Option<&String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

pub async fn set_route(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let rule = Rule {
        category: opt(values.get("category")).unwrap_or_default(),
        township: opt(values.get("township")),
        working_group: opt(values.get("working_group")),
        unit: opt(values.get("unit")).unwrap_or_default(),
    };
    match st.store.set_request_route(&page.user.actor(), &rule).await {
        Ok(()) => Ok(Redirect::to("/settings/routes").into_response()),
        Err(StoreError::Invalid(errs)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            routes_view(&st, &page, values, errs).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_route(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    st.store
        .delete_request_route(&page.user.actor(), id)
        .await?;
    Ok(Redirect::to("/settings/routes").into_response())
}
