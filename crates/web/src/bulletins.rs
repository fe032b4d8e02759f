//! Bulletins (通报): composed from live data at an as-of date (every target,
//! the best and the lagging townships and units, the overdue projects), with
//! room for the office's own paragraphs; previewed as HTML, downloaded as a
//! GB/T 9704 .docx, and once issued numbered, stored and never changed.

use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::Chrome;
use crate::targets::as_of_for;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use domain::targets::{Dimension, Status, breakdown};
pub use office::docx::{Block, OfficialDoc};
use serde::Deserialize;
use std::collections::HashMap;
use store::bulletins::{Bulletin, NewBulletin};
use store::campaigns::Campaign;
use store::{Actor, Store};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/bulletins", get(list).post(issue))
        .route("/bulletins/preview", get(preview))
        .route("/bulletins/draft.docx", get(draft_docx))
        .route("/bulletins/{id}", get(show))
        .route("/bulletins/{id}/docx", get(issued_docx))
}

/// Renders a composed bulletin as .docx.
pub fn render(doc: &OfficialDoc) -> Result<Vec<u8>, String> {
    office::docx::official_document(doc).map_err(|e| e.to_string())
}

/// A date as official documents write it: 2006年6月30日.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Composes the bulletin at `as_of` from the data. `intro` and `closing` are
/// the office's own paragraphs (blank lines separate paragraphs).
pub async fn compose(
    store: &Store,
    c: &Campaign,
    as_of: NaiveDate,
    issued_on: NaiveDate,
    intro: &str,
    closing: &str,
) -> Result<OfficialDoc, AppError> {
    let facts = store.kpi_facts_cached().await?;
    let evaluated = crate::targets::evaluate_with(store, c, as_of, &facts).await?;
    let units: HashMap<String, String> = store
        .units()
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect();
    let name = |code: &str| units.get(code).cloned().unwrap_or_else(|| code.to_string());
    let paragraphs = |text: &str| -> Vec<Block> {
        text.split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| Block::Paragraph(p.replace('\n', "")))
            .collect()
    };
    let mut body = paragraphs(intro);
    let tp = domain::campaign::time_progress(c.year, as_of);
    let on_track = evaluated
        .iter()
        .filter(|e| e.outcome.status == Status::OnTrack)
        .count();
    let behind: Vec<&str> = evaluated
        .iter()
        .filter(|e| e.outcome.status == Status::Behind)
        .map(|e| e.target.name.as_str())
        .collect();
    let no_data = evaluated
        .iter()
        .filter(|e| e.outcome.status == Status::NoData)
        .count();
    body.push(Block::Heading1("一、主要目标完成情况".into()));
    let mut summary = format!(
        "截至{}，全年时间过半程度（序时进度）为{}。{}项主要目标中，{}项达到序时进度或目标要求",
        chinese_date(as_of),
        domain::format::percent(tp.days_elapsed, tp.days_in_year, 1).unwrap_or_default(),
        evaluated.len(),
        on_track
    );
    if !behind.is_empty() {
        summary.push_str(&format!(
            "，{}项滞后（{}）",
            behind.len(),
            behind.join("、")
        ));
    }
    if no_data > 0 {
        summary.push_str(&format!("，{no_data}项暂无数据"));
    }
    summary.push('。');
    body.push(Block::Paragraph(summary));
    body.push(Block::Table {
        headers: ["目标", "目标值", "完成情况", "状态"]
            .map(String::from)
            .to_vec(),
        rows: evaluated
            .iter()
            .map(|e| {
                let detail = e.detail();
                let done = if detail.is_empty() {
                    e.actual_display()
                } else {
                    format!("{}（{}）", e.actual_display(), detail)
                };
                vec![
                    e.target.name.clone(),
                    e.target.value_display(),
                    done,
                    e.status_label().to_string(),
                ]
            })
            .collect(),
    });
    body.push(Block::Heading1("二、各镇街和责任单位推进情况".into()));
    let mut any = false;
    for e in evaluated.iter().filter(|e| {
        matches!(
            e.target.formula,
            domain::campaign::Formula::CohortRate { .. } | domain::campaign::Formula::Growth { .. }
        )
    }) {
        for (dim, what) in [(Dimension::Township, "镇街"), (Dimension::Unit, "责任单位")] {
            let parts = breakdown(
                &e.target.formula,
                e.target.value,
                c.year,
                as_of,
                &facts,
                dim,
            );
            if parts.len() < 2 {
                continue;
            }
            let best: Vec<String> = parts
                .iter()
                .filter(|p| !p.lagging && p.actual.is_some())
                .take(3)
                .map(|p| name(&p.group))
                .collect();
            let lagging: Vec<String> = parts
                .iter()
                .filter(|p| p.lagging)
                .map(|p| name(&p.group))
                .collect();
            if best.is_empty() && lagging.is_empty() {
                continue;
            }
            any = true;
            let mut text = format!("{}：按{what}看，", e.target.name);
            if !best.is_empty() {
                text.push_str(&format!("{}完成较好", best.join("、")));
            }
            if !lagging.is_empty() {
                text.push_str(&format!(
                    "{}{}低于目标要求，需加快推进",
                    if best.is_empty() { "" } else { "；" },
                    lagging.join("、")
                ));
            }
            text.push('。');
            body.push(Block::Paragraph(text));
        }
    }
    if !any {
        body.push(Block::Paragraph(
            "暂无可按镇街、责任单位比较的比率类目标数据。".into(),
        ));
    }
    body.push(Block::Heading1("三、节点逾期的项目".into()));
    let overdue: Vec<(String, String, String, String)> = store
        .projects()
        .await?
        .into_iter()
        .filter(|r| r.project.status == domain::projects::ProjectStatus::Active)
        .filter_map(|r| {
            let late = r.project.dates.overdue(as_of);
            (!late.is_empty()).then(|| {
                (
                    r.project.name.clone(),
                    r.township_name.clone(),
                    r.unit_name.clone(),
                    late.iter()
                        .map(|m| m.label())
                        .collect::<Vec<_>>()
                        .join("、"),
                )
            })
        })
        .collect();
    if overdue.is_empty() {
        body.push(Block::Paragraph(format!(
            "截至{}，没有计划节点逾期未完成的项目。",
            chinese_date(as_of)
        )));
    } else {
        body.push(Block::Paragraph(format!(
            "截至{}，共有{}个项目的计划节点逾期未完成{}：",
            chinese_date(as_of),
            overdue.len(),
            if overdue.len() > 30 {
                "，列出前30个"
            } else {
                ""
            }
        )));
        body.push(Block::Table {
            headers: ["项目", "镇街", "责任单位", "逾期节点"]
                .map(String::from)
                .to_vec(),
            rows: overdue
                .into_iter()
                .take(30)
                .map(|(a, b, c, d)| vec![a, b, c, d])
                .collect(),
        });
    }
    let closing_blocks = paragraphs(closing);
    if !closing_blocks.is_empty() {
        body.push(Block::Heading1("四、下一步工作要求".into()));
        body.extend(closing_blocks);
    }
    Ok(OfficialDoc {
        issuer_mark: c.bulletin_issuer.clone(),
        doc_number: String::new(),
        title: format!("关于{}目标推进情况的通报", c.short_title),
        addressee: c.bulletin_addressee.clone(),
        body,
        signer: c.bulletin_issuer.clone(),
        date: chinese_date(issued_on),
        copy_to: c.bulletin_copy_to.clone(),
        printer: c.bulletin_issuer.clone(),
        print_date: format!("{}印发", chinese_date(issued_on)),
    })
}

/// An office document of the campaign, dated `issued_on`, from an opening
/// and numbered sections as the domain composes them (the number is filled
/// in when it is issued).
pub(crate) fn office_document(
    c: &Campaign,
    title: String,
    opening: Vec<String>,
    sections: Vec<domain::meetings::minutes::Section>,
    issued_on: NaiveDate,
) -> OfficialDoc {
    let mut body: Vec<Block> = opening.into_iter().map(Block::Paragraph).collect();
    for s in sections {
        body.push(Block::Heading1(s.heading));
        body.extend(s.paragraphs.into_iter().map(Block::Paragraph));
        if let Some((headers, rows)) = s.table {
            body.push(Block::Table { headers, rows });
        }
    }
    OfficialDoc {
        issuer_mark: c.bulletin_issuer.clone(),
        doc_number: format!(
            "{}〔{}〕（签发时编号）号",
            c.bulletin_prefix,
            issued_on.year()
        ),
        title,
        addressee: c.bulletin_addressee.clone(),
        body,
        signer: c.bulletin_issuer.clone(),
        date: chinese_date(issued_on),
        copy_to: c.bulletin_copy_to.clone(),
        printer: c.bulletin_issuer.clone(),
        print_date: format!("{}印发", chinese_date(issued_on)),
    }
}

/// Issues a bulletin: numbers it, renders the .docx with the number, stores both.
pub async fn issue_bulletin(
    store: &Store,
    actor: &Actor,
    c: &Campaign,
    as_of: NaiveDate,
    issued_on: NaiveDate,
    intro: &str,
    closing: &str,
) -> Result<Bulletin, AppError> {
    let doc = compose(store, c, as_of, issued_on, intro, closing).await?;
    let title = format!(
        "关于{}目标推进情况的通报（截至{}）",
        c.short_title,
        chinese_date(as_of)
    );
    issue_document(
        store,
        actor,
        c,
        store::bulletins::KIND_BULLETIN,
        &title,
        as_of,
        issued_on,
        doc,
        None,
    )
    .await
}

/// Issues a composed document of the office (a bulletin or a supervision
/// notice): numbers it in the campaign's one sequence of the year, renders
/// the .docx with the number, and stores both, frozen.
#[allow(clippy::too_many_arguments)]
pub async fn issue_document(
    store: &Store,
    actor: &Actor,
    c: &Campaign,
    kind: &str,
    title: &str,
    as_of: NaiveDate,
    issued_on: NaiveDate,
    doc: OfficialDoc,
    issues: Option<store::bulletins::Issues>,
) -> Result<Bulletin, AppError> {
    let render = move |number: &str| -> Result<(String, Vec<u8>), String> {
        let d = OfficialDoc {
            doc_number: number.to_string(),
            ..doc.clone()
        };
        let bytes = office::docx::official_document(&d).map_err(|e| e.to_string())?;
        Ok((serde_json::to_string(&d).map_err(|e| e.to_string())?, bytes))
    };
    Ok(store
        .issue_bulletin(
            actor,
            &NewBulletin {
                kind,
                campaign_id: c.id,
                year: issued_on.year(),
                prefix: &c.bulletin_prefix,
                title,
                as_of: &as_of.to_string(),
                render: &render,
                issues,
            },
        )
        .await?)
}

#[derive(Deserialize)]
pub(crate) struct DraftQuery {
    pub as_of: Option<String>,
    pub issued_on: Option<String>,
    #[serde(default)]
    pub intro: String,
    #[serde(default)]
    pub closing: String,
}

pub(crate) async fn current(st: &Shared) -> Result<Campaign, AppError> {
    st.store
        .current_campaign()
        .await?
        .ok_or_else(|| AppError::NotFound("年度活动（请先载入活动模板）".into()))
}

fn dates(c: &Campaign, q: &DraftQuery) -> Result<(NaiveDate, NaiveDate), AppError> {
    let as_of = as_of_for(c, q.as_of.as_deref())?;
    let issued_on = match q
        .issued_on
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => domain::projects::parse_date(s).map_err(AppError::BadRequest)?,
        None => as_of,
    };
    Ok((as_of, issued_on))
}

#[derive(Template, WebTemplate)]
#[template(path = "bulletins/list.html")]
struct ListPage {
    chrome: Chrome,
    bulletins: Vec<Bulletin>,
    as_of: NaiveDate,
    can_issue: bool,
}

async fn list(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
) -> Result<ListPage, AppError> {
    let c = current(&st).await?;
    Ok(ListPage {
        can_issue: page.is_admin(),
        chrome: page.chrome("bulletins"),
        bulletins: st.store.bulletins(c.id).await?,
        as_of: as_of_for(&c, None)?,
    })
}

/// Where a kind of the office's documents lives: bulletins (通报) and
/// supervision notices (督查通报) share one page for a draft or an issued one.
pub struct DocumentSite {
    /// The list's path; drafts and issued documents live below it.
    pub base: &'static str,
    /// The navigation entry.
    pub nav: &'static str,
    /// The trail above the document: (path, label).
    pub crumbs: &'static [(&'static str, &'static str)],
}

/// The bulletins' place.
pub const BULLETINS: DocumentSite = DocumentSite {
    base: "/bulletins",
    nav: "bulletins",
    crumbs: &[("/bulletins", "通报")],
};

/// A draft (with its issue form) or an issued document, as a page.
#[derive(Template, WebTemplate)]
#[template(path = "bulletins/document.html")]
pub struct DocumentPage {
    chrome: Chrome,
    site: &'static DocumentSite,
    doc: OfficialDoc,
    draft: Option<DraftLinks>,
    issued: Option<Bulletin>,
}

struct DraftLinks {
    as_of: String,
    issued_on: String,
    intro: String,
    closing: String,
    query: String,
    can_issue: bool,
}

impl DocumentPage {
    /// A draft composed at `as_of`, to be issued on `issued_on`.
    pub fn draft(
        page: &Page,
        site: &'static DocumentSite,
        doc: OfficialDoc,
        as_of: NaiveDate,
        issued_on: NaiveDate,
        intro: String,
        closing: String,
    ) -> DocumentPage {
        let query = format!(
            "as_of={as_of}&issued_on={issued_on}&intro={}&closing={}",
            crate::org::urlencode(&intro),
            crate::org::urlencode(&closing)
        );
        DocumentPage {
            chrome: page.chrome(site.nav),
            site,
            doc,
            draft: Some(DraftLinks {
                as_of: as_of.to_string(),
                issued_on: issued_on.to_string(),
                intro,
                closing,
                query,
                can_issue: page.is_admin(),
            }),
            issued: None,
        }
    }

    /// An issued document as it was stored.
    pub fn issued(
        page: &Page,
        site: &'static DocumentSite,
        b: Bulletin,
    ) -> Result<DocumentPage, AppError> {
        let doc: OfficialDoc =
            serde_json::from_str(&b.content_json).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(DocumentPage {
            chrome: page.chrome(site.nav),
            site,
            doc,
            draft: None,
            issued: Some(b),
        })
    }
}

async fn preview(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<DraftQuery>,
) -> Result<DocumentPage, AppError> {
    let c = current(&st).await?;
    let (as_of, issued_on) = dates(&c, &q)?;
    let mut doc = compose(&st.store, &c, as_of, issued_on, &q.intro, &q.closing).await?;
    doc.doc_number = format!(
        "{}〔{}〕（签发时编号）号",
        c.bulletin_prefix,
        issued_on.year()
    );
    Ok(DocumentPage::draft(
        &page, &BULLETINS, doc, as_of, issued_on, q.intro, q.closing,
    ))
}

async fn draft_docx(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, AppError> {
    let c = current(&st).await?;
    let (as_of, issued_on) = dates(&c, &q)?;
    let doc = compose(&st.store, &c, as_of, issued_on, &q.intro, &q.closing).await?;
    let bytes =
        office::docx::official_document(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(docx_download(
        bytes,
        &format!("bulletin-draft-{as_of}.docx"),
        &format!("通报（草稿）{as_of}.docx"),
    ))
}

/// A .docx as a download, with an ASCII and a Chinese file name.
pub(crate) fn docx_download(bytes: Vec<u8>, file_name: &str, chinese_name: &str) -> Response {
    use axum::http::header;
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{file_name}\"; filename*=UTF-8''{}",
                    crate::org::urlencode(chinese_name)
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn issue(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(q): Form<DraftQuery>,
) -> Result<Response, AppError> {
    let c = current(&st).await?;
    let (as_of, issued_on) = dates(&c, &q)?;
    let b = issue_bulletin(
        &st.store,
        &page.user.actor(),
        &c,
        as_of,
        issued_on,
        &q.intro,
        &q.closing,
    )
    .await?;
    Ok(Redirect::to(&format!("/bulletins/{}", b.id)).into_response())
}

async fn show(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<DocumentPage, AppError> {
    let b = st
        .store
        .bulletin(id)
        .await?
        .filter(|b| b.kind == store::bulletins::KIND_BULLETIN)
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的通报")))?;
    DocumentPage::issued(&page, &BULLETINS, b)
}

async fn issued_docx(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let b = st
        .store
        .bulletin(id)
        .await?
        .filter(|b| b.kind == store::bulletins::KIND_BULLETIN)
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的通报")))?;
    let bytes = st
        .store
        .bulletin_docx(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的通报")))?;
    Ok(docx_download(
        bytes,
        &format!("bulletin-{}-{}.docx", b.year, b.seq),
        &format!("{}.docx", b.doc_number),
    ))
}
