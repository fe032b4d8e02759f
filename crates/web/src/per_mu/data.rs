//! The annual data of the per-mu evaluation: the list of a year (what is
//! entered, what the monthly statistics give, paged), one enterprise's form,
//! the template prefilled with what is known, and the import (all or
//! nothing, every bad cell named; an empty cell or a missing column keeps
//! the stored value).

use super::patch_of;
use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use domain::per_mu::Field;
use domain::per_mu::data::{Change, DataPatch, Source};
use domain::users::FieldError;
use serde::Deserialize;
use std::collections::HashMap;
use store::per_mu::AnnualData;

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct DataQuery {
    year: Option<i32>,
    q: Option<String>,
    page: Option<i64>,
    saved: Option<usize>,
}

impl DataQuery {
    fn year(&self) -> i32 {
        self.year
            .filter(|y| (2000..=2100).contains(y))
            .unwrap_or_else(|| crate::layout::today().year() - 1)
    }
    pub fn q(&self) -> &str {
        self.q.as_deref().map(str::trim).unwrap_or("")
    }
}

/// A figure for people with its source mark.
pub fn shown(d: &AnnualData, f: &Field) -> (String, &'static str) {
    let source = d
        .sources
        .iter()
        .find(|(x, _)| x == f)
        .map_or(Source::Missing, |(_, s)| *s);
    (
        d.used
            .get(*f)
            .map(|v| f.display(v))
            .unwrap_or_else(|| "—".into()),
        source.label(),
    )
}

impl DataPage {
    fn shown(&self, d: &AnnualData, f: &Field) -> (String, &'static str) {
        shown(d, f)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "per_mu/data.html")]
pub struct DataPage {
    chrome: Chrome,
    year: i32,
    q: String,
    rows: Vec<AnnualData>,
    paging: Paging,
    fields: Vec<Field>,
    saved: Option<usize>,
    is_admin: bool,
}

pub async fn list(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<DataQuery>,
) -> Result<DataPage, AppError> {
    let year = q.year();
    let filter = Some(q.q()).filter(|s| !s.is_empty());
    let (_, total) = st.store.per_mu_data_list(year, filter, 0, 1).await?;
    let paging = Paging::new(q.page, PER_PAGE, total);
    let (rows, _) = st
        .store
        .per_mu_data_list(year, filter, paging.offset(), PER_PAGE)
        .await?;
    Ok(DataPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("per-mu"),
        year,
        q: q.q().to_string(),
        rows,
        paging,
        fields: Field::ALL.to_vec(),
        saved: q.saved,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "per_mu/form.html")]
pub struct FormPage {
    chrome: Chrome,
    d: AnnualData,
    fields: Vec<Field>,
    values: HashMap<String, String>,
    errors: Vec<FieldError>,
}

impl FormPage {
    fn v(&self, f: &Field) -> String {
        match self.values.get(f.key()) {
            Some(v) => v.clone(),
            None => match self.d.entered.get(*f) {
                Some(v) if *f == Field::Land => domain::format::mu(v),
                Some(v) => v.to_string(),
                None => String::new(),
            },
        }
    }
    fn prefill(&self, f: &Field) -> String {
        self.d
            .prefill
            .get(*f)
            .map(|v| f.display(v))
            .unwrap_or_default()
    }
    fn error_for(&self, f: &Field) -> Option<&str> {
        crate::layout::error_for(&self.errors, f.key())
    }
}

async fn annual(st: &Shared, code: &str, year: i32) -> Result<AnnualData, AppError> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::NotFound(format!("{year} 年度的数据")));
    }
    st.store
        .per_mu_data(code, year)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("企业“{code}”")))
}

pub async fn form(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path((code, year)): Path<(String, i32)>,
) -> Result<FormPage, AppError> {
    Ok(FormPage {
        chrome: page.chrome("per-mu"),
        d: annual(&st, &code, year).await?,
        fields: Field::ALL.to_vec(),
        values: HashMap::new(),
        errors: vec![],
    })
}

/// Saves the form: an emptied field clears the entered figure (the monthly
/// statistics then give it, if they hold it).
pub async fn save(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path((code, year)): Path<(String, i32)>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let d = annual(&st, &code, year).await?;
    let mut errs = vec![];
    let mut p = patch_of(
        code.clone(),
        year,
        |f| {
            values
                .get(f.key())
                .map(|v| serde_json::Value::String(v.clone()))
        },
        "",
        &mut errs,
    );
    // On the form an empty field means "not entered".
    for (f, c) in p.changes.iter_mut() {
        if values.get(f.key()).is_some_and(|v| v.trim().is_empty()) {
            *c = Change::Clear;
        }
    }
    let result = if errs.is_empty() {
        st.store
            .upsert_per_mu_data(&page.user.actor(), &[p])
            .await
            .map(|_| ())
    } else {
        Err(store::StoreError::Invalid(errs))
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/per-mu/data?year={year}&q={code}&saved=1")).into_response())
        }
        Err(store::StoreError::Invalid(errors)) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            FormPage {
                chrome: page.chrome("per-mu"),
                d,
                fields: Field::ALL.to_vec(),
                errors: errors
                    .into_iter()
                    .map(|e| FieldError::new(e.field.trim_start_matches("[0]."), e.message))
                    .collect(),
                values,
            },
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

/// The template of a year, one row per enterprise with the figures known
/// (entered, else from the monthly statistics).
pub async fn template(
    State(st): State<Shared>,
    _page: Can<need::Administer>,
    Query(q): Query<DataQuery>,
) -> Result<Response, AppError> {
    let year = q.year();
    let mut rows = vec![];
    loop {
        let (page, total) = st
            .store
            .per_mu_data_list(year, None, rows.len() as i64, 5000)
            .await?;
        let done = page.is_empty();
        rows.extend(page.into_iter().map(|d| office::per_mu::TemplateRow {
            credit_code: d.credit_code,
            name: d.name,
            values: Field::ALL.map(|f| d.used.get(f)),
        }));
        if done || rows.len() as i64 >= total {
            break;
        }
    }
    let bytes =
        office::per_mu::template(year, &rows).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "per-mu-data-template.xlsx",
        &format!("{year}年度亩均数据导入模板.xlsx"),
    ))
}

/// Imports the workbook: every row or none.
pub async fn import(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let bytes = crate::imports::uploaded_bytes(&mut form).await?;
    let rows = office::per_mu::read(&bytes).map_err(crate::imports::cell_errors)?;
    let patches: Vec<DataPatch> = rows
        .iter()
        .map(|r| DataPatch {
            credit_code: r.credit_code.clone(),
            year: r.year,
            changes: Field::ALL
                .iter()
                .zip(r.values.iter())
                .map(|(f, v)| {
                    (
                        *f,
                        match v {
                            office::per_mu::Value::Keep => Change::Keep,
                            office::per_mu::Value::Clear => Change::Clear,
                            office::per_mu::Value::Set(x) => Change::Set(*x),
                        },
                    )
                })
                .collect(),
        })
        .collect();
    let year = rows.first().map(|r| r.year).unwrap_or(2006);
    let n = st
        .store
        .upsert_per_mu_data(&page.user.actor(), &patches)
        .await
        .map_err(|e| match e {
            store::StoreError::Invalid(errs) => AppError::Invalid(
                errs.into_iter()
                    .map(|f| {
                        let (i, field) = f
                            .field
                            .trim_start_matches('[')
                            .split_once("].")
                            .map(|(i, f)| (i.parse::<usize>().ok(), f.to_string()))
                            .unwrap_or((None, f.field.clone()));
                        let column = match Field::parse(&field) {
                            Some(x) => office::per_mu::header(x.key()),
                            None if field == "year" => "年度",
                            None => "统一社会信用代码",
                        };
                        let at = match i.and_then(|i| rows.get(i)) {
                            Some(r) => format!("第 {} 行“{column}”", r.row),
                            None => f.field.clone(),
                        };
                        FieldError::new(&at, f.message)
                    })
                    .collect(),
            ),
            e => e.into(),
        })?;
    Ok(Redirect::to(&format!("/per-mu/data?year={year}&saved={n}")).into_response())
}
