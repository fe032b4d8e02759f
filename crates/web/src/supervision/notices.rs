//! The supervision notice (督查通报): composed from the overdue requests at an
//! as-of date (by unit, the units with the most, every item), with the
//! office's own opening and closing paragraphs; previewed as HTML, drafted as
//! a GB/T 9704 .docx, and once issued numbered in the bulletins' sequence,
//! stored with kind 'supervision' and never changed.

use super::{UnitGroup, by_unit, opt_date};
use crate::Shared;
use crate::auth::{Can, need};
use crate::bulletins::{
    Block, DocumentPage, DocumentSite, DraftQuery, OfficialDoc, chinese_date, current,
    docx_download,
};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use store::Store;
use store::bulletins::{Bulletin, KIND_SUPERVISION};
use store::campaigns::Campaign;
use store::requests::Viewer;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/supervision/notices", get(list).post(issue))
        .route("/supervision/notices/preview", get(preview))
        .route("/supervision/notices/draft.docx", get(draft_docx))
        .route("/supervision/notices/{id}", get(show))
        .route("/supervision/notices/{id}/docx", get(issued_docx))
}

const TITLE: &str = "关于企业诉求办理超期情况的督查通报";

/// 一, 二, … 九十九 for headings.
fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n].into(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[n % 10]),
        20..=99 => format!("{}十{}", D[n / 10], D[n % 10]),
        _ => n.to_string(),
    }
}

/// The units with the most overdue items: the first three, and any tied with the third.
fn most_overdue(groups: &[UnitGroup]) -> Vec<&UnitGroup> {
    let Some(third) = groups.get(2.min(groups.len().saturating_sub(1))) else {
        return vec![];
    };
    groups.iter().filter(|g| g.count >= third.count).collect()
}

/// Composes the notice at `as_of` from the requests as they stand now.
pub async fn compose(
    store: &Store,
    c: &Campaign,
    as_of: NaiveDate,
    issued_on: NaiveDate,
    intro: &str,
    closing: &str,
) -> Result<OfficialDoc, AppError> {
    let items = store
        .overdue_requests(&Viewer::office("督查通报"), None, None, as_of)
        .await?;
    let groups = by_unit(items);
    let paragraphs = |text: &str| -> Vec<Block> {
        text.split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| Block::Paragraph(p.replace(['\r', '\n'], "")))
            .collect()
    };
    let mut body = paragraphs(intro);
    let mut section = 0;
    let mut heading = |body: &mut Vec<Block>, text: &str| {
        section += 1;
        body.push(Block::Heading1(format!(
            "{}、{text}",
            chinese_number(section)
        )));
    };
    heading(&mut body, "总体情况");
    let total: usize = groups.iter().map(|g| g.count).sum();
    if total == 0 {
        body.push(Block::Paragraph(format!(
            "截至{}，各单位承办的企业诉求和会议交办事项均在办理时限内，没有超期未办的事项。",
            chinese_date(as_of)
        )));
    } else {
        let (a, r, s) = groups.iter().fold((0, 0, 0), |(a, r, s), g| {
            (a + g.accept, r + g.reply, s + g.resolve)
        });
        let top: Vec<String> = most_overdue(&groups)
            .iter()
            .map(|g| format!("{}（{}件）", g.name, g.count))
            .collect();
        body.push(Block::Paragraph(format!(
            "截至{}，共有{total}件企业诉求和会议交办事项超过办理时限未完成，涉及{}个承办单位。其中受理超期{a}件、首次答复超期{r}件、办结超期{s}件（一件事项可能有多个环节超期）。超期事项较多的单位是：{}。",
            chinese_date(as_of),
            groups.len(),
            top.join("、")
        )));
        body.push(Block::Table {
            headers: [
                "承办单位",
                "超期件数",
                "受理超期",
                "答复超期",
                "办结超期",
                "最长超期（工作日）",
            ]
            .map(String::from)
            .to_vec(),
            rows: groups
                .iter()
                .map(|g| {
                    vec![
                        g.name.clone(),
                        g.count.to_string(),
                        g.accept.to_string(),
                        g.reply.to_string(),
                        g.resolve.to_string(),
                        g.most_late.to_string(),
                    ]
                })
                .collect(),
        });
        heading(&mut body, "超期事项清单");
        for (n, g) in groups.iter().enumerate() {
            body.push(Block::Heading2(format!(
                "（{}）{}（{}件）",
                chinese_number(n + 1),
                g.name,
                g.count
            )));
            body.push(Block::Table {
                headers: ["编号", "事项", "企业", "超期环节及时限", "超期工作日"]
                    .map(String::from)
                    .to_vec(),
                rows: g
                    .items
                    .iter()
                    .map(|i| {
                        vec![
                            i.record.code.clone(),
                            format!("{}（{}）", i.record.title, i.record.category_name),
                            i.record
                                .enterprise_name
                                .clone()
                                .unwrap_or_else(|| "会议交办".into()),
                            i.steps
                                .iter()
                                .map(|s| format!("{}（{}）", s.step, s.due))
                                .collect::<Vec<_>>()
                                .join("、"),
                            i.working_days_late().to_string(),
                        ]
                    })
                    .collect(),
            });
        }
    }
    let closing_blocks = paragraphs(closing);
    if !closing_blocks.is_empty() {
        heading(&mut body, "下一步工作要求");
        body.extend(closing_blocks);
    }
    Ok(OfficialDoc {
        issuer_mark: c.bulletin_issuer.clone(),
        doc_number: String::new(),
        title: TITLE.into(),
        addressee: c.bulletin_addressee.clone(),
        body,
        signer: c.bulletin_issuer.clone(),
        date: chinese_date(issued_on),
        copy_to: c.bulletin_copy_to.clone(),
        printer: c.bulletin_issuer.clone(),
        print_date: format!("{}印发", chinese_date(issued_on)),
    })
}

/// The as-of date (default today, not later than today) and the date the
/// notice bears (default the as-of date).
fn dates(q: &DraftQuery) -> Result<(NaiveDate, NaiveDate), AppError> {
    let today = crate::layout::today();
    let mut errs = vec![];
    let as_of = opt_date(&q.as_of, "as_of", "截至日期", &mut errs).unwrap_or(today);
    let issued_on = opt_date(&q.issued_on, "issued_on", "成文日期", &mut errs).unwrap_or(as_of);
    if as_of > today {
        errs.push(domain::users::FieldError::new(
            "as_of",
            "截至日期不能晚于今天：督查通报按当前的办理情况统计",
        ));
    }
    if errs.is_empty() {
        Ok((as_of, issued_on))
    } else {
        Err(AppError::Invalid(errs))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "supervision/notices.html")]
struct ListPage {
    chrome: Chrome,
    notices: Vec<Bulletin>,
    today: NaiveDate,
    can_issue: bool,
}

async fn list(State(st): State<Shared>, page: Can<need::Oversee>) -> Result<ListPage, AppError> {
    let c = current(&st).await?;
    Ok(ListPage {
        can_issue: page.is_admin(),
        notices: st.store.bulletins_of_kind(c.id, KIND_SUPERVISION).await?,
        today: crate::layout::today(),
        chrome: page.chrome("supervision"),
    })
}

/// The notices' place.
const NOTICES: DocumentSite = DocumentSite {
    base: "/supervision/notices",
    nav: "supervision",
    crumbs: &[
        ("/supervision", "督查催办"),
        ("/supervision/notices", "督查通报"),
    ],
};

async fn preview(
    State(st): State<Shared>,
    page: Can<need::Oversee>,
    Query(q): Query<DraftQuery>,
) -> Result<DocumentPage, AppError> {
    let c = current(&st).await?;
    let (as_of, issued_on) = dates(&q)?;
    let mut doc = compose(&st.store, &c, as_of, issued_on, &q.intro, &q.closing).await?;
    doc.doc_number = format!(
        "{}〔{}〕（签发时编号）号",
        c.bulletin_prefix,
        issued_on.year()
    );
    Ok(DocumentPage::draft(
        &page, &NOTICES, doc, as_of, issued_on, q.intro, q.closing,
    ))
}

async fn draft_docx(
    State(st): State<Shared>,
    _page: Can<need::Oversee>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, AppError> {
    let c = current(&st).await?;
    let (as_of, issued_on) = dates(&q)?;
    let doc = compose(&st.store, &c, as_of, issued_on, &q.intro, &q.closing).await?;
    let bytes = crate::bulletins::render(&doc).map_err(AppError::Internal)?;
    Ok(docx_download(
        bytes,
        &format!("supervision-draft-{as_of}.docx"),
        &format!("督查通报（草稿）{as_of}.docx"),
    ))
}

async fn issue(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(q): Form<DraftQuery>,
) -> Result<Response, AppError> {
    let c = current(&st).await?;
    let (as_of, issued_on) = dates(&q)?;
    let doc = compose(&st.store, &c, as_of, issued_on, &q.intro, &q.closing).await?;
    let b = crate::bulletins::issue_document(
        &st.store,
        &page.user.actor(),
        &c,
        KIND_SUPERVISION,
        &format!("{TITLE}（截至{}）", chinese_date(as_of)),
        as_of,
        issued_on,
        doc,
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/supervision/notices/{}", b.id)).into_response())
}

async fn issued(st: &Shared, id: i64) -> Result<Bulletin, AppError> {
    st.store
        .bulletin(id)
        .await?
        .filter(|b| b.kind == KIND_SUPERVISION)
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的督查通报")))
}

async fn show(
    State(st): State<Shared>,
    page: Can<need::Oversee>,
    Path(id): Path<i64>,
) -> Result<DocumentPage, AppError> {
    let b = issued(&st, id).await?;
    DocumentPage::issued(&page, &NOTICES, b)
}

async fn issued_docx(
    State(st): State<Shared>,
    _page: Can<need::Oversee>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let b = issued(&st, id).await?;
    let bytes = st
        .store
        .bulletin_docx(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的督查通报")))?;
    Ok(docx_download(
        bytes,
        &format!("supervision-{}-{}.docx", b.year, b.seq),
        &format!("{}.docx", b.doc_number),
    ))
}

#[cfg(test)]
mod tests {
    use super::chinese_number;

    #[test]
    fn numbers_for_headings() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(14), "十四");
        assert_eq!(chinese_number(30), "三十");
        assert_eq!(chinese_number(25), "二十五");
    }
}
