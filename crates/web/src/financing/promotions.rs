//! Project promotion (推介) pages: the office drafts a list from the project
//! registry (by code, or every key project still raising money), publishes
//! it; institutions record interest and signed amounts; the list exports as
//! .xlsx and as a .docx handout for a 银企对接会 (composed in
//! `domain::financing::promotion`).

use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::financing::promotion::{Line, document};
use domain::users::{FieldError, Role};
use office::xlsx::{Cell, Sheet};
use serde::Deserialize;
use store::financing::{Promotion, PromotionSummary};
use store::requests::Viewer;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "financing/promotions.html")]
pub struct ListPage {
    chrome: Chrome,
    rows: Vec<PromotionSummary>,
    paging: Paging,
    is_admin: bool,
}

impl ListPage {
    fn yuan(&self, v: &i64) -> String {
        domain::format::money(*v)
    }
}

pub async fn list(
    State(st): State<Shared>,
    page: Page,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let v = Viewer::of(&page.user);
    let (_, total) = st.store.financing_promotions(&v, 0, 1).await?;
    let paging = Paging::new(q.page, 30, total);
    let (rows, _) = st
        .store
        .financing_promotions(&v, paging.offset(), 30)
        .await?;
    Ok(ListPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("financing"),
        rows,
        paging,
    })
}

fn optional_date(s: &str, field: &str) -> Result<Option<NaiveDate>, AppError> {
    match s.trim() {
        "" => Ok(None),
        x => x.parse().map(Some).map_err(|_| {
            AppError::Invalid(vec![FieldError::new(field, "日期格式应为 YYYY-MM-DD")])
        }),
    }
}

#[derive(Deserialize)]
pub struct CreateForm {
    title: String,
    #[serde(default)]
    meeting_on: String,
    #[serde(default)]
    note: String,
}

pub async fn create(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(f): Form<CreateForm>,
) -> Result<Response, AppError> {
    let id = st
        .store
        .create_financing_promotion(
            &Viewer::of(&page.user),
            &f.title,
            optional_date(&f.meeting_on, "meeting_on")?,
            &f.note,
        )
        .await?;
    Ok(Redirect::to(&format!("/financing/promotions/{id}")).into_response())
}

async fn promotion_or_404(st: &Shared, v: &Viewer, id: i64) -> Result<Promotion, AppError> {
    st.store
        .financing_promotion(v, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的推介清单")))
}

#[derive(Template, WebTemplate)]
#[template(path = "financing/promotion.html")]
pub struct DetailPage {
    chrome: Chrome,
    p: Promotion,
    is_admin: bool,
    /// The viewer's institution (financial institution users).
    institution: Option<String>,
    /// Key projects still raising money and not yet listed (the office, drafts).
    candidates: usize,
}

impl DetailPage {
    fn yuan(&self, v: &i64) -> String {
        domain::format::money(*v)
    }
    fn to_raise_total(&self) -> String {
        domain::format::money(self.p.to_raise_yuan())
    }
    fn signed_total(&self) -> String {
        domain::format::money(self.p.signed_yuan())
    }
    /// The viewer's institution's signed amount on an item (to prefill its form).
    fn mine(&self, item: &store::financing::PromotionItem) -> String {
        self.institution
            .as_ref()
            .and_then(|c| item.interests.iter().find(|i| &i.unit_code == c))
            .map(|i| i.signed_yuan.to_string())
            .unwrap_or_default()
    }
}

pub async fn detail(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<DetailPage, AppError> {
    let v = Viewer::of(&page.user);
    let p = promotion_or_404(&st, &v, id).await?;
    let institution = match (&page.user.role, &page.user.unit_code) {
        (Role::Unit, Some(code)) => st
            .store
            .unit(code)
            .await?
            .filter(|u| u.kind == domain::org::UnitKind::FinancialInstitution && u.active)
            .map(|u| u.code),
        _ => None,
    };
    let candidates = if page.is_admin() {
        st.store.financing_promotion_candidates(id).await?.len()
    } else {
        0
    };
    Ok(DetailPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("financing"),
        p,
        institution,
        candidates,
    })
}

#[derive(Deserialize)]
pub struct ProjectsForm {
    /// Project codes separated by spaces, commas or new lines; empty with
    /// `key=1`: every key project still raising money.
    #[serde(default)]
    codes: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    to_raise_yuan: String,
    #[serde(default)]
    note: String,
}

pub async fn add_projects(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<ProjectsForm>,
) -> Result<Response, AppError> {
    let codes: Vec<String> = if f.key == "1" {
        st.store.financing_promotion_candidates(id).await?
    } else {
        f.codes
            .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    };
    let to_raise = match f.to_raise_yuan.trim().replace(',', "").as_str() {
        "" => None,
        x => Some(x.parse().map_err(|_| {
            AppError::Invalid(vec![FieldError::new(
                "to_raise_yuan",
                "融资缺口应为整数（元）",
            )])
        })?),
    };
    st.store
        .add_financing_promotion_projects(&Viewer::of(&page.user), id, &codes, to_raise, &f.note)
        .await?;
    Ok(Redirect::to(&format!("/financing/promotions/{id}")).into_response())
}

pub async fn remove_item(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path((id, item)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    st.store
        .remove_financing_promotion_item(&Viewer::of(&page.user), id, item)
        .await?;
    Ok(Redirect::to(&format!("/financing/promotions/{id}")).into_response())
}

pub async fn publish(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    st.store
        .publish_financing_promotion(&Viewer::of(&page.user), id, crate::layout::today())
        .await?;
    Ok(Redirect::to(&format!("/financing/promotions/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct InterestForm {
    #[serde(default)]
    signed_yuan: String,
    #[serde(default)]
    note: String,
}

pub async fn interest(
    State(st): State<Shared>,
    page: Page,
    Path((id, item)): Path<(i64, i64)>,
    Form(f): Form<InterestForm>,
) -> Result<Response, AppError> {
    let signed = match f.signed_yuan.trim().replace(',', "").as_str() {
        "" => 0,
        x => x.parse().map_err(|_| {
            AppError::Invalid(vec![FieldError::new(
                "signed_yuan",
                "签约金额应为整数（元）",
            )])
        })?,
    };
    st.store
        .record_financing_interest(
            &Viewer::of(&page.user),
            item,
            signed,
            &f.note,
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/financing/promotions/{id}")).into_response())
}

/// The list as .xlsx: one row per project, whole yuan.
pub async fn export_xlsx(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = promotion_or_404(&st, &Viewer::of(&page.user), id).await?;
    let rows = p
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            vec![
                Cell::Int(i as i64 + 1),
                it.project_code.as_str().into(),
                it.project_name.as_str().into(),
                it.enterprise_name.as_str().into(),
                it.township_name.as_str().into(),
                (if it.key_project { "是" } else { "否" }).into(),
                it.planned_investment_yuan.into(),
                it.completed_yuan.into(),
                it.to_raise_yuan.into(),
                it.interests
                    .iter()
                    .map(|x| x.unit_name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
                    .into(),
                it.signed_yuan().into(),
                it.note.as_str().into(),
            ]
        })
        .collect();
    let sheet = Sheet {
        name: "推介项目".into(),
        headers: [
            "序号",
            "项目编号",
            "项目名称",
            "企业",
            "镇街",
            "重点项目",
            "计划投资（元）",
            "已完成投资（元）",
            "融资缺口（元）",
            "意向机构",
            "签约金额（元）",
            "说明",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    };
    let bytes = crate::layout::write_xlsx(&[sheet])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        &format!("promotion-{id}.xlsx"),
        &format!("{}.xlsx", p.title),
    ))
}

/// The list as a .docx handout for a 银企对接会, in the office's document layout.
pub async fn export_docx(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = promotion_or_404(&st, &Viewer::of(&page.user), id).await?;
    let campaign = st
        .store
        .current_campaign()
        .await?
        .ok_or_else(|| AppError::NotFound("当前活动".into()))?;
    let lines: Vec<Line> = p
        .items
        .iter()
        .map(|it| Line {
            project_code: it.project_code.clone(),
            project_name: it.project_name.clone(),
            enterprise: it.enterprise_name.clone(),
            township: it.township_name.clone(),
            planned_yuan: it.planned_investment_yuan,
            completed_yuan: it.completed_yuan,
            to_raise_yuan: it.to_raise_yuan,
            note: it.note.clone(),
            interests: it
                .interests
                .iter()
                .map(|x| (x.unit_name.clone(), x.signed_yuan))
                .collect(),
        })
        .collect();
    let (title, opening, sections) = document(&p.title, p.meeting_on, &p.note, &lines);
    let on = p.published_on.unwrap_or_else(crate::layout::today);
    let mut doc = crate::bulletins::office_document(&campaign, title, opening, sections, on);
    // A handout for the meeting, not a numbered document.
    doc.doc_number = String::new();
    let bytes =
        office::docx::official_document(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::bulletins::docx_download(
        bytes,
        &format!("promotion-{id}.docx"),
        &format!("{}.docx", p.title),
    ))
}
