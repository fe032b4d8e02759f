//! The 通报 of a final round's results and awards: composed by
//! `domain::evaluation::notice` from the frozen results, previewed, issued
//! once in the office's sequence of documents (kind 'evaluation') and then
//! shown and downloaded as stored.

use super::round_or_404;
use crate::Shared;
use crate::auth::{Can, need};
use crate::bulletins::docx_download;
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::evaluation::RoundStatus;
use domain::evaluation::notice::{NoticeInput, compose};
use office::docx::OfficialDoc;
use store::bulletins::{Bulletin, KIND_EVALUATION};
use store::evaluations::Round;

/// The 通报 as an official document, dated `issued_on`.
async fn document(
    st: &Shared,
    round: &Round,
    issued_on: chrono::NaiveDate,
) -> Result<OfficialDoc, AppError> {
    let results = round
        .results
        .as_ref()
        .ok_or_else(|| AppError::Conflict("评议定稿后才能签发通报".into()))?;
    let c = st
        .store
        .campaign(round.campaign_id)
        .await?
        .ok_or_else(|| AppError::NotFound("评议所属的年度活动".into()))?;
    let p = st.store.round_progress(round).await?;
    let n = compose(&NoticeInput {
        campaign: &c.short_title,
        year: c.year,
        round_title: &round.title,
        settings: &round.settings,
        results,
        respondents: (p.enterprises_answered, p.grassroots_answered),
        ballots: (p.enterprise_ballots, p.grassroots_ballots),
        notice: round.published_on.zip(round.notice_ends_on),
    });
    Ok(crate::bulletins::office_document(
        &c, n.title, n.opening, n.sections, issued_on,
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/notice.html")]
pub struct NoticePage {
    chrome: Chrome,
    round: Round,
    doc: OfficialDoc,
    issued: Option<Bulletin>,
    can_issue: bool,
}

async fn issued(st: &Shared, round: &Round) -> Result<Option<Bulletin>, AppError> {
    Ok(match round.bulletin_id {
        Some(id) => st.store.bulletin(id).await?,
        None => None,
    })
}

/// The issued 通报, or the draft of a final round's.
pub async fn show(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<NoticePage, AppError> {
    let round = round_or_404(&st, id).await?;
    if round.status != RoundStatus::Final {
        return Err(AppError::Conflict("评议定稿后才能生成通报".into()));
    }
    let b = issued(&st, &round).await?;
    let doc = match &b {
        Some(b) => {
            serde_json::from_str(&b.content_json).map_err(|e| AppError::Internal(e.to_string()))?
        }
        None => document(&st, &round, crate::layout::today()).await?,
    };
    Ok(NoticePage {
        can_issue: page.is_admin() && b.is_none(),
        chrome: page.chrome("evaluations"),
        round,
        doc,
        issued: b,
    })
}

/// Issues the 通报 of a final round once, dated `issued_on` (numbered in
/// that year's sequence of the office): rendered, stored and linked to the
/// round in one transaction.
pub async fn issue_notice(
    st: &Shared,
    actor: &store::Actor,
    id: i64,
    issued_on: chrono::NaiveDate,
) -> Result<Bulletin, AppError> {
    let round = round_or_404(st, id).await?;
    if round.bulletin_id.is_some() {
        return Err(AppError::Conflict("该评议的通报已经签发".into()));
    }
    let c = st
        .store
        .campaign(round.campaign_id)
        .await?
        .ok_or_else(|| AppError::NotFound("评议所属的年度活动".into()))?;
    if issued_on > crate::layout::today() {
        return Err(AppError::Conflict("通报的成文日期不能晚于今天".into()));
    }
    let doc = document(st, &round, issued_on).await?;
    let title = doc.title.clone();
    crate::bulletins::issue_document(
        &st.store,
        actor,
        &c,
        KIND_EVALUATION,
        &title,
        round.finalized_on.unwrap_or(issued_on),
        issued_on,
        doc,
        Some(store::bulletins::Issues::Round(round.id)),
    )
    .await
}

pub async fn issue(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    issue_notice(&st, &page.user.actor(), id, crate::layout::today()).await?;
    Ok(Redirect::to(&format!("/evaluations/{id}/notice")).into_response())
}

/// The .docx: the issued file, or the draft of a final round.
pub async fn docx(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let round = round_or_404(&st, id).await?;
    if let Some(b) = issued(&st, &round).await? {
        let bytes = st
            .store
            .bulletin_docx(b.id)
            .await?
            .ok_or_else(|| AppError::NotFound("通报文件".into()))?;
        return Ok(docx_download(
            bytes,
            &format!("evaluation-{}-{}.docx", b.year, b.seq),
            &format!("{}.docx", b.doc_number),
        ));
    }
    if round.status != RoundStatus::Final {
        return Err(AppError::Conflict("评议定稿后才能生成通报".into()));
    }
    let doc = document(&st, &round, crate::layout::today()).await?;
    let bytes =
        office::docx::official_document(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(docx_download(
        bytes,
        &format!("evaluation-{id}-draft.docx"),
        &format!("{}通报（草稿）.docx", round.title),
    )
    .into_response())
}
