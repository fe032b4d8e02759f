//! One enterprise's evaluation sheet (亩均效益评价表): its figures with
//! their sources, each indicator against the group's benchmark with a small
//! SVG bar, the item scores, total, rank and class; its objections. An
//! enterprise user sees only its own sheet, once the results are published,
//! and objects during the 公示 with a reason and an attachment; the office
//! handles each objection.

use super::{evaluation_or_404, indicator_display, points};
use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::per_mu::data::Source;
use domain::per_mu::{Evaluated, Field, Q, Status};
use domain::users::Role;
use std::collections::HashMap;
use store::per_mu::{AnnualData, PerMuEvaluation, PerMuObjection};
use store::requests::Viewer;

/// One indicator line of the sheet.
pub struct ItemLine {
    pub label: &'static str,
    pub formula: &'static str,
    pub value: String,
    pub benchmark: String,
    pub weight: i64,
    pub score: String,
    /// The bar's width (0..=150 for x/B from 0 to the cap) and the benchmark mark at 100.
    pub bar: i64,
}

/// One figure with its source.
pub struct FigureLine {
    pub label: &'static str,
    pub unit: &'static str,
    pub value: String,
    pub source: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "per_mu/sheet.html")]
pub struct SheetPage {
    chrome: Chrome,
    e: PerMuEvaluation,
    r: Evaluated,
    items: Vec<ItemLine>,
    figures: Vec<FigureLine>,
    total: String,
    objections: Vec<PerMuObjection>,
    can_object: bool,
    saved: bool,
}

impl SheetPage {
    fn pts(&self, v: &i64) -> String {
        points(*v)
    }
}

/// Who may read the sheet: campaign readers always, the enterprise itself once published.
fn may_read(page: &Page, e: &PerMuEvaluation, code: &str) -> Result<(), AppError> {
    match page.user.role {
        Role::Admin | Role::Leader | Role::Unit => Ok(()),
        Role::Enterprise if page.user.enterprise_code.as_deref() == Some(code) => {
            if e.status == Status::Draft {
                Err(AppError::Denied("评价结果公示后企业才能查看".into()))
            } else {
                Ok(())
            }
        }
        Role::Enterprise | Role::Expert => {
            Err(AppError::Denied("企业只能查看本企业的评价结果".into()))
        }
    }
}

fn bar(x: &Option<Q>, b: &Option<Q>) -> i64 {
    match (x, b) {
        (Some(x), Some(b)) if !b.is_zero() => x
            .div(b)
            .map(|r| {
                r.max(Q::zero())
                    .min(Q::whole(3))
                    .mul(&Q::whole(100))
                    .round4()
                    / 10_000
            })
            .unwrap_or(0)
            .min(150),
        _ => 0,
    }
}

#[derive(serde::Deserialize, Default)]
pub struct SheetQuery {
    saved: Option<String>,
}

pub async fn page(
    State(st): State<Shared>,
    page: Page,
    Path((id, code)): Path<(i64, String)>,
    axum::extract::Query(q): axum::extract::Query<SheetQuery>,
) -> Result<SheetPage, AppError> {
    let e = evaluation_or_404(&st, id).await?;
    may_read(&page, &e, &code)?;
    let r = st.store.per_mu_result(id, &code).await?.ok_or_else(|| {
        AppError::NotFound(format!(
            "企业“{code}”在 {} 年度评价中的结果（不在评价范围内或尚未计算）",
            e.year
        ))
    })?;
    let bench = e.benchmarks.as_ref().and_then(|b| b.get(&r.group));
    let items = e
        .settings
        .weights(r.group)
        .iter()
        .map(|(i, w)| {
            let x = r.indicators.get(i).cloned().flatten();
            let b = bench.and_then(|b| b.get(i)).and_then(|b| b.value.clone());
            ItemLine {
                label: i.label(),
                formula: i.formula(),
                value: indicator_display(*i, &x),
                benchmark: indicator_display(*i, &b),
                weight: *w,
                score: r
                    .scores
                    .get(i)
                    .map(|q| points(q.round4()))
                    .unwrap_or_else(|| "—".into()),
                bar: bar(&x, &b),
            }
        })
        .collect();
    let data: Option<AnnualData> = st.store.per_mu_data(&code, e.year).await?;
    let figures = Field::ALL
        .iter()
        .map(|f| {
            let v = r.data.get(*f);
            let source = data
                .as_ref()
                .and_then(|d| d.sources.iter().find(|(x, _)| x == f).map(|(_, s)| *s))
                .unwrap_or(Source::Missing);
            FigureLine {
                label: f.label(),
                unit: f.unit(),
                value: v.map(|v| f.display(v)).unwrap_or_else(|| "—".into()),
                source: if v.is_some() {
                    source.label()
                } else {
                    Source::Missing.label()
                },
            }
        })
        .collect();
    let own = page.user.enterprise_code.as_deref() == Some(code.as_str());
    let objections = match page.user.role {
        Role::Enterprise if !own => vec![],
        _ => st.store.per_mu_objections(id, Some(&code)).await?,
    };
    let today = crate::layout::today();
    Ok(SheetPage {
        can_object: (own || page.is_admin())
            && e.status == Status::Publicized
            && e.notice_ends_on.is_some_and(|end| today <= end),
        chrome: page.chrome("per-mu"),
        total: r.total.map(points).unwrap_or_else(|| "—".into()),
        items,
        figures,
        objections,
        saved: q.saved.is_some(),
        r,
        e,
    })
}

/// An objection with a reason and maybe one attachment (multipart form).
pub async fn object(
    State(st): State<Shared>,
    page: Can<need::ActOnRequests>,
    Path((id, code)): Path<(i64, String)>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let mut reason = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("上传失败：{e}")))?
    {
        match field.name() {
            Some("reason") => {
                reason = field
                    .text()
                    .await
                    .map_err(|e| AppError::BadRequest(format!("上传失败：{e}")))?
            }
            Some("attachment") => {
                let name = field.file_name().unwrap_or("").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::BadRequest(format!("上传失败：{e}")))?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    st.store
        .lodge_per_mu_objection(
            &Viewer::of(&page.user),
            id,
            &code,
            &reason,
            file.as_ref().map(|(n, b)| (n.as_str(), b.as_slice())),
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/per-mu/{id}/enterprises/{code}?saved=1")).into_response())
}

/// The office handles an objection: corrected (after correcting the data and
/// recomputing) or rejected, with an answer.
pub async fn answer(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path((id, oid)): Path<(i64, i64)>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    st.store
        .answer_per_mu_objection(
            &page.user.actor(),
            id,
            oid,
            get("status").trim(),
            &get("answer"),
        )
        .await?;
    Ok(Redirect::to(&format!("/per-mu/{id}?done=answer#objections")).into_response())
}

/// An objection's attachment: the office, leaders and units, or the enterprise itself.
pub async fn file(
    State(st): State<Shared>,
    page: Page,
    Path(oid): Path<i64>,
) -> Result<Response, AppError> {
    let (name, content_type, bytes, code) = st
        .store
        .per_mu_objection_file(oid)
        .await?
        .ok_or_else(|| AppError::NotFound("该异议的附件".into()))?;
    if !page
        .user
        .role
        .reads_enterprise(page.user.enterprise_code.as_deref(), &code)
    {
        return Err(AppError::Forbidden);
    }
    use axum::http::header;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename*=UTF-8''{}",
                    crate::org::urlencode(&name)
                ),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
        ],
        bytes,
    )
        .into_response())
}
