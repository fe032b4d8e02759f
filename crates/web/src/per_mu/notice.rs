//! The results document of a final per-mu evaluation: composed by
//! `domain::per_mu::notice` from the frozen results, previewed, issued once
//! in the office's sequence (kind 'per_mu'), then shown and downloaded as
//! stored.

use super::evaluation_or_404;
use crate::Shared;
use crate::auth::{Can, need};
use crate::bulletins::{chinese_date, docx_download};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::per_mu::Status;
use domain::per_mu::notice::{Named, NoticeInput, compose};
use domain::per_mu::rules::Class;
use office::docx::OfficialDoc;
use store::bulletins::{Bulletin, Issues, KIND_PER_MU};
use store::per_mu::{PerMuEvaluation, ResultFilter};

async fn named(st: &Shared, id: i64, class: Class) -> Result<Vec<Named>, AppError> {
    let mut out = vec![];
    loop {
        let (page, total) = st
            .store
            .per_mu_results(
                id,
                &ResultFilter {
                    class: Some(class),
                    offset: out.len() as i64,
                    limit: 5000,
                    ..ResultFilter::default()
                },
            )
            .await?;
        let done = page.is_empty();
        out.extend(page.into_iter().map(|e| Named {
            name: e.name,
            group: e.group,
            rank: e.rank,
            total: e.total,
        }));
        if done || out.len() as i64 >= total {
            return Ok(out);
        }
    }
}

async fn document(
    st: &Shared,
    e: &PerMuEvaluation,
    issued_on: chrono::NaiveDate,
) -> Result<OfficialDoc, AppError> {
    if e.status != Status::Final {
        return Err(AppError::Conflict("评价定稿后才能生成结果文件".into()));
    }
    let c = crate::bulletins::current(st).await?;
    let counts = st.store.per_mu_counts(e.id).await?;
    let benchmarks = e.benchmarks.clone().unwrap_or_default();
    let n = compose(&NoticeInput {
        year: e.year,
        settings: &e.settings,
        benchmarks: &benchmarks,
        counts: &counts.by_group,
        class_a: &named(st, e.id, Class::A).await?,
        class_d: &named(st, e.id, Class::D).await?,
        notice: e
            .published_on
            .zip(e.notice_ends_on)
            .map(|(a, b)| (chinese_date(a), chinese_date(b))),
    });
    Ok(crate::bulletins::office_document(
        &c, n.title, n.opening, n.sections, issued_on,
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "per_mu/notice.html")]
pub struct NoticePage {
    chrome: Chrome,
    e: PerMuEvaluation,
    doc: OfficialDoc,
    issued: Option<Bulletin>,
    can_issue: bool,
}

async fn issued(st: &Shared, e: &PerMuEvaluation) -> Result<Option<Bulletin>, AppError> {
    Ok(match e.bulletin_id {
        Some(id) => st.store.bulletin(id).await?,
        None => None,
    })
}

pub async fn show(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<NoticePage, AppError> {
    let e = evaluation_or_404(&st, id).await?;
    let b = issued(&st, &e).await?;
    let doc = match &b {
        Some(b) => {
            serde_json::from_str(&b.content_json).map_err(|x| AppError::Internal(x.to_string()))?
        }
        None => document(&st, &e, crate::layout::today()).await?,
    };
    Ok(NoticePage {
        can_issue: page.is_admin() && b.is_none(),
        chrome: page.chrome("per-mu"),
        e,
        doc,
        issued: b,
    })
}

/// Issues the results document once, dated `issued_on`.
pub async fn issue_notice(
    st: &Shared,
    actor: &store::Actor,
    id: i64,
    issued_on: chrono::NaiveDate,
) -> Result<Bulletin, AppError> {
    let e = evaluation_or_404(st, id).await?;
    if e.bulletin_id.is_some() {
        return Err(AppError::Conflict("该评价的结果文件已经签发".into()));
    }
    let c = crate::bulletins::current(st).await?;
    let doc = document(st, &e, issued_on).await?;
    let title = doc.title.clone();
    crate::bulletins::issue_document(
        &st.store,
        actor,
        &c,
        KIND_PER_MU,
        &title,
        e.finalized_on.unwrap_or(issued_on),
        issued_on,
        doc,
        Some(Issues::PerMu(id)),
    )
    .await
}

pub async fn issue(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    issue_notice(&st, &page.user.actor(), id, crate::layout::today()).await?;
    Ok(Redirect::to(&format!("/per-mu/{id}/notice")).into_response())
}

pub async fn docx(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let e = evaluation_or_404(&st, id).await?;
    if let Some(b) = issued(&st, &e).await? {
        let bytes = st
            .store
            .bulletin_docx(b.id)
            .await?
            .ok_or_else(|| AppError::NotFound("结果文件".into()))?;
        return Ok(docx_download(
            bytes,
            &format!("per-mu-{}-{}.docx", b.year, b.seq),
            &format!("{}.docx", b.doc_number),
        ));
    }
    let doc = document(&st, &e, crate::layout::today()).await?;
    let bytes =
        office::docx::official_document(&doc).map_err(|x| AppError::Internal(x.to_string()))?;
    Ok(docx_download(
        bytes,
        &format!("per-mu-{}-draft.docx", e.year),
        &format!("{}年度亩均效益评价结果（草稿）.docx", e.year),
    ))
}
