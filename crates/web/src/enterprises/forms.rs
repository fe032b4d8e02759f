//! Admin forms: create and edit an enterprise, set a year's tier, add credit records.

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
use domain::enterprises::Tier;
use domain::enterprises::input::enterprise_from_fields;
use domain::projects::fields::Fields;
use domain::users::FieldError;
use std::collections::HashMap;
use store::StoreError;
use store::enterprises::CreditEvent;
use store::org::Unit;

#[derive(Template, WebTemplate)]
#[template(path = "enterprises/form.html")]
pub struct FormPage {
    chrome: Chrome,
    editing: Option<String>,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
    townships: Vec<Unit>,
}

impl FormPage {
    fn v(&self, name: &str) -> &str {
        crate::layout::value(&self.values, name)
    }
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
}

async fn form_page(
    st: &Shared,
    page: &Page,
    editing: Option<String>,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<FormPage, AppError> {
    Ok(FormPage {
        chrome: page.chrome("enterprises"),
        editing,
        values,
        errors,
        townships: st
            .store
            .units()
            .await?
            .into_iter()
            .filter(|u| u.kind.is_territorial())
            .collect(),
    })
}

pub async fn new_page(
    State(st): State<Shared>,
    page: Can<need::Administer>,
) -> Result<FormPage, AppError> {
    form_page(&st, &page, None, HashMap::new(), vec![]).await
}

pub async fn edit_page(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(code): Path<String>,
) -> Result<FormPage, AppError> {
    let e = st
        .store
        .enterprise(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("企业“{code}”")))?;
    let values = HashMap::from([
        ("credit_code".to_string(), e.credit_code.clone()),
        ("name".into(), e.name.clone()),
        ("former_names".into(), e.former_names.join("、")),
        ("township_code".into(), e.township_code.clone()),
        ("industry_code".into(), e.industry_code.clone()),
        ("address".into(), e.address.clone()),
        ("contact_person".into(), e.contact_person.clone()),
        ("contact_phone".into(), e.contact_phone.clone()),
        (
            "established_on".into(),
            e.established_on.clone().unwrap_or_default(),
        ),
        (
            "above_scale_years".into(),
            e.years
                .iter()
                .filter(|y| y.above_scale)
                .map(|y| y.year.to_string())
                .collect::<Vec<_>>()
                .join(","),
        ),
    ]);
    form_page(&st, &page, Some(code), values, vec![]).await
}

async fn save(
    st: &Shared,
    page: &Page,
    editing: Option<String>,
    mut values: HashMap<String, String>,
) -> Result<Response, AppError> {
    if let Some(c) = &editing {
        values.insert("credit_code".into(), c.clone());
    }
    // An empty list of years is a real answer on the form: not above size in any year.
    let parsed = enterprise_from_fields(Fields::new(|k| match (k, values.get(k)) {
        ("above_scale_years", None) => Some("无".into()),
        ("above_scale_years", Some(s)) if s.trim().is_empty() => Some("无".into()),
        (_, v) => v.cloned(),
    }));
    let result = match parsed {
        Ok(e)
            if editing.is_none()
                && st.store.enterprise(e.credit_code.as_str()).await?.is_some() =>
        {
            Err(vec![FieldError::new(
                "credit_code",
                format!("统一社会信用代码“{}”已登记", e.credit_code),
            )])
        }
        Ok(e) => match st
            .store
            .upsert_enterprises(&page.user.actor(), std::slice::from_ref(&e))
            .await
        {
            Ok(r) => Ok((e.credit_code.to_string(), r.warnings)),
            Err(StoreError::InvalidRows(rows)) => Err(rows
                .into_iter()
                .map(|r| FieldError::new(&r.field, r.message))
                .collect()),
            Err(e) => return Err(e.into()),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok((code, warnings)) => {
            let w = if warnings.is_empty() {
                String::new()
            } else {
                format!("?warning={}", crate::org::urlencode(&warnings.join("；")))
            };
            Ok(Redirect::to(&format!("/enterprises/{code}{w}")).into_response())
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(st, page, editing, values, errors).await?,
        )
            .into_response()),
    }
}

pub async fn create(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save(&st, &page, None, values).await
}

pub async fn edit(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(code): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    save(&st, &page, Some(code), values).await
}

#[derive(serde::Deserialize)]
pub struct YearForm {
    year: String,
    tier: String,
    #[serde(default)]
    unit_scope: String,
}

/// Sets the cultivation tier (and unit scope) of a year.
pub async fn set_year(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(code): Path<String>,
    Form(f): Form<YearForm>,
) -> Result<Response, AppError> {
    let mut errs = Vec::new();
    let year = f
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1990..=2100).contains(y));
    if year.is_none() {
        errs.push(FieldError::new("year", "年度须为 1990 到 2100 之间的整数"));
    }
    let tier = Tier::parse(&f.tier);
    if tier.is_none() {
        errs.push(FieldError::new(
            "tier",
            format!("未知的培育层级“{}”", f.tier),
        ));
    }
    let (Some(year), Some(tier)) = (year, tier) else {
        return Err(AppError::Invalid(errs));
    };
    st.store
        .set_enterprise_year(&page.user.actor(), &code, year, tier, &f.unit_scope)
        .await?;
    Ok(Redirect::to(&format!("/enterprises/{code}#years")).into_response())
}

#[derive(serde::Deserialize)]
pub struct CreditForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    on_date: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    source: String,
}

/// Adds a yearly credit rating or a dated honour or penalty.
pub async fn add_credit(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(code): Path<String>,
    Form(f): Form<CreditForm>,
) -> Result<Response, AppError> {
    let mut errs = Vec::new();
    let rating = if f.rating.trim().is_empty() {
        None
    } else {
        match f.year.trim().parse::<i32>() {
            Ok(y) if (1990..=2100).contains(&y) => Some((y, f.rating.trim().to_string())),
            _ => {
                errs.push(FieldError::new(
                    "year",
                    "信用等级须注明年度（1990 到 2100）",
                ));
                None
            }
        }
    };
    let event = if f.description.trim().is_empty() {
        None
    } else {
        match domain::projects::parse_date(&f.on_date) {
            Ok(d) if domain::enterprises::CreditKind::parse(&f.kind).is_some() => {
                Some(CreditEvent {
                    on_date: d.to_string(),
                    kind: domain::enterprises::CreditKind::parse(&f.kind)
                        .map(|k| k.as_str().to_string())
                        .unwrap_or_default(),
                    description: f.description.trim().into(),
                    source: f.source.trim().into(),
                })
            }
            Ok(_) => {
                errs.push(FieldError::new(
                    "kind",
                    "类别须为 荣誉、处罚 或 重大事故（否决）",
                ));
                None
            }
            Err(m) => {
                errs.push(FieldError::new("on_date", m));
                None
            }
        }
    };
    if rating.is_none() && event.is_none() && errs.is_empty() {
        errs.push(FieldError::new("rating", "请填写信用等级或信用事件"));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    st.store
        .add_credit(
            &page.user.actor(),
            &code,
            rating.as_ref().map(|(y, r)| (*y, r.as_str())),
            event.as_ref(),
            f.source.trim(),
        )
        .await?;
    Ok(Redirect::to(&format!("/enterprises/{code}#credit")).into_response())
}
