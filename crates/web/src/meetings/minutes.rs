//! The minutes (会议纪要): composed by `domain::meetings::minutes` from the
//! meeting's data, laid out as an official document (GB/T 9704, like the
//! bulletins), previewed as HTML and downloaded as .docx once the meeting is held.

use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::meetings::minutes::{ActionLine, Minutes, MinutesInput, compose};
use office::docx::{Block, OfficialDoc};
use store::meetings::Meeting;
use store::requests::Viewer;

/// The minutes of a meeting as an official document.
pub fn official(m: &Minutes) -> OfficialDoc {
    let mut body: Vec<Block> = m.facts.iter().cloned().map(Block::Paragraph).collect();
    body.extend(m.opening.iter().cloned().map(Block::Paragraph));
    for s in &m.sections {
        body.push(Block::Heading1(s.heading.clone()));
        body.extend(s.paragraphs.iter().cloned().map(Block::Paragraph));
        if let Some((headers, rows)) = &s.table {
            body.push(Block::Table {
                headers: headers.clone(),
                rows: rows.clone(),
            });
        }
    }
    OfficialDoc {
        issuer_mark: m.mark.clone(),
        doc_number: m.number.clone(),
        title: m.title.clone(),
        addressee: String::new(),
        body,
        signer: m.signer.clone(),
        date: m.date.clone(),
        copy_to: String::new(),
        printer: m.signer.clone(),
        print_date: format!("{}印发", m.date),
    }
}

/// Composes a meeting's minutes from the stored data. The minutes are one
/// document for every attending unit, so they list every action item
/// whoever reads them.
pub async fn minutes_of(st: &Shared, id: i64) -> Result<(Meeting, Minutes), AppError> {
    let d = st
        .store
        .meeting_detail(&Viewer::office("会议纪要"), id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的联席会议")))?;
    let campaign = st.store.current_campaign().await?;
    let issuer = campaign
        .as_ref()
        .map(|c| c.bulletin_issuer.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "活动办公室".into());
    let body = campaign.map(|c| c.joint_meeting_name).unwrap_or_default();
    let mut actions: Vec<_> = d.action_items.iter().collect();
    actions.sort_by_key(|r| r.id);
    let input = MinutesInput {
        title: d.meeting.title.clone(),
        held_on: d.meeting.held_on,
        start_time: d.meeting.start_time.clone(),
        place: d.meeting.place.clone(),
        chair: d.meeting.chair.clone(),
        summary: d.meeting.summary.clone(),
        number: d.meeting.number,
        attendees: d.attendees.iter().map(|a| a.name.clone()).collect(),
        agenda: d.agenda.iter().map(|a| a.label()).collect(),
        decisions: d.decisions.iter().map(|x| x.text.clone()).collect(),
        actions: actions
            .into_iter()
            .map(|r| ActionLine {
                title: r.title.clone(),
                unit: r.unit_name.clone().unwrap_or_default(),
                due: r
                    .fixed_resolve_due
                    .or(r.resolve_due)
                    .unwrap_or(d.meeting.held_on),
            })
            .collect(),
        issuer,
        body,
    };
    Ok((d.meeting, compose(&input)))
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings/minutes.html")]
pub struct MinutesPage {
    chrome: Chrome,
    meeting: Meeting,
    doc: OfficialDoc,
}

pub async fn preview(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<MinutesPage, AppError> {
    let (meeting, m) = minutes_of(&st, id).await?;
    Ok(MinutesPage {
        chrome: page.chrome("meetings"),
        doc: official(&m),
        meeting,
    })
}

pub async fn docx(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (meeting, m) = minutes_of(&st, id).await?;
    if !meeting.status.minutes_final() {
        return Err(AppError::Conflict(
            "会议尚未召开：标记为已召开后才能导出会议纪要，召开前请先预览".into(),
        ));
    }
    let bytes = office::docx::official_document(&official(&m))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    use axum::http::header;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"minutes-{id}.docx\"; filename*=UTF-8''{}",
                    crate::org::urlencode(&format!("{}.docx", m.title))
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}
