//! The fiscal-support pages. Forms post to these routes and come back to
//! the page they were sent from; every rule is the store's.

use super::may_read_results;
use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::fiscal::{PERFORMANCE_MAX, Status, parse_scaled};
use domain::users::{FieldError, Role};
use office::xlsx::{Cell, Sheet};
use std::collections::HashMap;
use store::fiscal::{
    Application, ApplicationFilter, AttachmentMeta, NewApplication, NewProgramme, Objection,
    Payment, Performance, Programme, ScoreRow,
};
use store::requests::Viewer;

type Fields = HashMap<String, String>;

fn get(f: &Fields, k: &str) -> String {
    f.get(k).map(|v| v.trim().to_string()).unwrap_or_default()
}

fn invalid(field: &str, msg: &str) -> AppError {
    AppError::Invalid(vec![FieldError::new(field, msg)])
}

fn yuan_field(f: &Fields, k: &str) -> Result<i64, AppError> {
    let t = get(f, k).replace(',', "");
    if t.is_empty() {
        return Err(invalid(k, "请填写金额（元）"));
    }
    t.parse().map_err(|_| invalid(k, "金额应为整数（元）"))
}

fn date_field(f: &Fields, k: &str) -> Result<Option<NaiveDate>, AppError> {
    match get(f, k).as_str() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| invalid(k, "日期格式应为 YYYY-MM-DD")),
    }
}

fn yuan(v: i64) -> String {
    domain::format::money(v)
}

#[derive(Template, WebTemplate)]
#[template(path = "fiscal/list.html")]
pub struct ListPage {
    chrome: Chrome,
    programmes: Vec<Programme>,
    is_admin: bool,
    today: NaiveDate,
}

impl ListPage {
    fn money<T: std::borrow::Borrow<i64>>(&self, v: T) -> String {
        yuan(*v.borrow())
    }
    fn accepting(&self, p: &Programme) -> bool {
        p.status == Status::Open && self.today >= p.opens_on && self.today <= p.closes_on
    }
}

pub async fn list(State(st): State<Shared>, page: Page) -> Result<ListPage, AppError> {
    let programmes = st.store.fiscal_programmes(&Viewer::of(&page.user)).await?;
    Ok(ListPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("fiscal"),
        programmes,
        today: crate::layout::today(),
    })
}

pub async fn create(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let share = match get(&f, "support_share_percent").as_str() {
        "" => None,
        t => Some(
            parse_scaled(t, 2)
                .ok_or_else(|| invalid("support_share", "扶持比例应为百分数，最多两位小数"))?,
        ),
    };
    let p = NewProgramme {
        title: get(&f, "title"),
        budget_yuan: yuan_field(&f, "budget_yuan")?,
        opens_on: date_field(&f, "opens_on")?,
        closes_on: date_field(&f, "closes_on")?,
        share_bp: share,
        cap_yuan: match get(&f, "cap_yuan").as_str() {
            "" => None,
            _ => Some(yuan_field(&f, "cap_yuan")?),
        },
        passing: match get(&f, "passing_score").as_str() {
            "" => None,
            t => Some(
                parse_scaled(t, 2)
                    .ok_or_else(|| invalid("passing_score", "合格分应为数字，最多两位小数"))?,
            ),
        },
        criteria: None,
        rules: None,
        publicity_days: match get(&f, "publicity_days").as_str() {
            "" => None,
            t => Some(
                t.parse()
                    .map_err(|_| invalid("publicity_days", "公示期应为整数（工作日）"))?,
            ),
        },
    };
    let id = st
        .store
        .create_fiscal_programme(&Viewer::of(&page.user), &p)
        .await?;
    Ok(Redirect::to(&format!("/fiscal/{id}")).into_response())
}

/// A row of the ranking with the budget line: awards and the running total.
pub struct RankRow {
    pub a: Application,
    pub cumulative: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "fiscal/programme.html")]
pub struct ProgrammePage {
    chrome: Chrome,
    p: Programme,
    apps: Vec<Application>,
    ranking: Vec<RankRow>,
    objections: Vec<Objection>,
    is_admin: bool,
    is_expert: bool,
    is_enterprise: bool,
    accepting: bool,
    results: bool,
    publicity_ends: Option<NaiveDate>,
    experts_text: String,
}

impl ProgrammePage {
    fn money<T: std::borrow::Borrow<i64>>(&self, v: T) -> String {
        yuan(*v.borrow())
    }
    fn share_text(&self) -> String {
        domain::format::percent_bp(self.p.share_bp)
    }
    fn passing_text(&self) -> String {
        domain::fiscal::Score::new(self.p.passing.into(), 100).display()
    }
    fn pending(&self) -> usize {
        self.apps
            .iter()
            .filter(|a| a.status == domain::fiscal::AppStatus::Submitted)
            .count()
    }
}

pub async fn programme(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<ProgrammePage, AppError> {
    let v = Viewer::of(&page.user);
    let p = st.store.fiscal_programme(&v, id).await?;
    let (apps, _) = st
        .store
        .fiscal_applications(
            &v,
            id,
            &ApplicationFilter {
                limit: 1000,
                ..ApplicationFilter::default()
            },
        )
        .await?;
    let results = may_read_results(&page.user, &p).is_ok();
    let ranking = if results {
        let mut total = 0;
        st.store
            .fiscal_results(id)
            .await?
            .into_iter()
            .map(|a| {
                total += a.award_yuan.unwrap_or(0);
                RankRow {
                    a,
                    cumulative: total,
                }
            })
            .collect()
    } else {
        vec![]
    };
    let today = crate::layout::today();
    let cal = st.store.calendar().await?;
    Ok(ProgrammePage {
        is_admin: page.is_admin(),
        is_expert: page.user.role == Role::Expert,
        is_enterprise: page.user.role == Role::Enterprise,
        accepting: p.status == Status::Open && today >= p.opens_on && today <= p.closes_on,
        objections: st.store.fiscal_objections(id).await?,
        publicity_ends: p
            .published_on
            .map(|d| domain::fiscal::publicity_ends(&cal, d, p.publicity_days)),
        experts_text: p
            .experts
            .iter()
            .map(|e| e.0.clone())
            .collect::<Vec<_>>()
            .join(" "),
        chrome: page.chrome("fiscal"),
        p,
        apps,
        ranking,
        results,
    })
}

pub async fn experts(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let names: Vec<String> = get(&f, "experts")
        .split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    st.store
        .set_fiscal_experts(&Viewer::of(&page.user), id, &names)
        .await?;
    Ok(Redirect::to(&format!("/fiscal/{id}")).into_response())
}

pub async fn action(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let on = date_field(&f, "on")?.unwrap_or_else(crate::layout::today);
    let cal = st.store.calendar().await?;
    st.store
        .fiscal_programme_action(&Viewer::of(&page.user), id, &get(&f, "action"), on, &cal)
        .await?;
    Ok(Redirect::to(&format!("/fiscal/{id}")).into_response())
}

fn new_application(f: &Fields, files: Vec<(String, Vec<u8>)>) -> Result<NewApplication, AppError> {
    Ok(NewApplication {
        enterprise: get(f, "enterprise"),
        project: get(f, "project"),
        eligible_investment_yuan: yuan_field(f, "eligible_investment_yuan")?,
        amount_yuan: yuan_field(f, "amount_yuan")?,
        description: get(f, "description"),
        files,
    })
}

pub async fn apply(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let (f, files) = crate::requests::form_with_files(&mut form).await?;
    let a = st
        .store
        .submit_fiscal_application(
            &Viewer::of(&page.user),
            id,
            &new_application(&f, files)?,
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/fiscal/applications/{}", a.id)).into_response())
}

pub async fn resubmit(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let (f, files) = crate::requests::form_with_files(&mut form).await?;
    st.store
        .resubmit_fiscal_application(
            &Viewer::of(&page.user),
            id,
            &new_application(&f, files)?,
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/fiscal/applications/{id}")).into_response())
}

pub async fn objection(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    st.store
        .file_fiscal_objection(
            &Viewer::of(&page.user),
            id,
            &store::fiscal::NewObjection {
                application: Some(get(&f, "application")),
                author: get(&f, "author"),
                contact: get(&f, "contact"),
                body: get(&f, "body"),
            },
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/fiscal/{id}#objections")).into_response())
}

pub async fn answer(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path((id, oid)): Path<(i64, i64)>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    st.store
        .answer_fiscal_objection(
            &Viewer::of(&page.user),
            id,
            oid,
            &get(&f, "answer"),
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/fiscal/{id}#objections")).into_response())
}

/// The ranking as .xlsx: every ranked application with its score, award and payments.
pub async fn results_xlsx(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = st
        .store
        .fiscal_programme(&Viewer::of(&page.user), id)
        .await?;
    may_read_results(&page.user, &p)?;
    let rows = st
        .store
        .fiscal_results(id)
        .await?
        .iter()
        .map(|a| {
            vec![
                Cell::Int(a.rank.unwrap_or(0)),
                a.code.as_str().into(),
                a.enterprise_name.as_str().into(),
                a.credit_code.as_str().into(),
                a.project_code.as_str().into(),
                a.project_name.clone().unwrap_or_default().into(),
                Cell::Number(a.score.map(|s| s.to_f64()).unwrap_or(0.0)),
                a.score_text().into(),
                Cell::Number(a.deduction as f64 / 100.0),
                a.eligible_investment_yuan.into(),
                a.amount_yuan.into(),
                a.award_yuan.unwrap_or(0).into(),
                a.paid_yuan.into(),
            ]
        })
        .collect();
    let sheet = Sheet {
        name: "排序及资助".into(),
        headers: [
            "名次",
            "申报编号",
            "企业",
            "统一社会信用代码",
            "项目编号",
            "项目名称",
            "得分",
            "得分（两位小数）",
            "环保扣分",
            "符合条件的投资（元）",
            "申请金额（元）",
            "资助金额（元）",
            "已拨付（元）",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    };
    let bytes = crate::layout::write_xlsx(&[sheet])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        &format!("fiscal-{id}-results.xlsx"),
        &format!("{} 排序及资助.xlsx", p.title),
    ))
}

/// The 资助计划 as an official document (GB/T 9704 layout), once ranked.
pub async fn plan_docx(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let p = st
        .store
        .fiscal_programme(&Viewer::of(&page.user), id)
        .await?;
    may_read_results(&page.user, &p)?;
    let campaign = st
        .store
        .current_campaign()
        .await?
        .ok_or_else(|| AppError::NotFound("当前活动".into()))?;
    let lines: Vec<domain::fiscal::plan::Line> = st
        .store
        .fiscal_results(id)
        .await?
        .into_iter()
        .filter(|a| a.award_yuan.unwrap_or(0) > 0)
        .map(|a| domain::fiscal::plan::Line {
            rank: a.rank.unwrap_or(0),
            code: a.code.clone(),
            enterprise: a.enterprise_name.clone(),
            project: a.project_name.clone().unwrap_or(a.project_code.clone()),
            score: a.score_text(),
            award_yuan: a.award_yuan.unwrap_or(0),
        })
        .collect();
    let on = p
        .finalized_on
        .or(p.published_on)
        .or(p.ranked_on)
        .unwrap_or_else(crate::layout::today);
    let (title, opening, sections) =
        domain::fiscal::plan::document(&p.title, p.budget_yuan, p.status == Status::Final, &lines);
    let doc = crate::bulletins::office_document(&campaign, title, opening, sections, on);
    let bytes =
        office::docx::official_document(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::bulletins::docx_download(
        bytes,
        &format!("fiscal-{id}-plan.docx"),
        &format!("{} 资助计划.docx", p.title),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "fiscal/application.html")]
pub struct ApplicationPage {
    chrome: Chrome,
    a: Application,
    p: Programme,
    scores: Vec<ScoreRow>,
    mine: Option<ScoreRow>,
    attachments: Vec<AttachmentMeta>,
    payments: Vec<Payment>,
    performance: Option<Performance>,
    is_admin: bool,
    is_expert: bool,
    is_owner: bool,
    perf_max: Vec<(&'static str, i64)>,
}

impl ApplicationPage {
    fn money(&self, v: &i64) -> String {
        yuan(*v)
    }
    fn points(&self, v: &i64) -> String {
        domain::fiscal::Score::new((*v).into(), 100).display()
    }
    /// The expert's own mark on criterion `i`, to prefill the form.
    fn my_mark(&self, i: &usize) -> String {
        self.mine
            .as_ref()
            .filter(|m| !m.conflict)
            .and_then(|m| m.marks.get(*i))
            .map(|v| domain::fiscal::Score::new((*v).into(), 100).display())
            .unwrap_or_default()
    }
    fn may_score(&self) -> bool {
        self.is_expert && matches!(self.p.status, Status::Closed | Status::Scoring)
    }
}

pub async fn application(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<ApplicationPage, AppError> {
    let v = Viewer::of(&page.user);
    let a = st.store.fiscal_application(&v, id).await?;
    let p = st.store.fiscal_programme(&v, a.programme_id).await?;
    let scores = st.store.fiscal_scores(&v, &a).await?;
    let mine = scores
        .iter()
        .find(|s| s.username == page.user.username)
        .cloned();
    Ok(ApplicationPage {
        is_admin: page.is_admin(),
        is_expert: page.user.role == Role::Expert,
        is_owner: page.user.enterprise_code.as_deref() == Some(a.credit_code.as_str()),
        attachments: st.store.fiscal_attachments(id).await?,
        payments: st.store.fiscal_payments(id).await?,
        performance: st.store.fiscal_performance(id).await?,
        chrome: page.chrome("fiscal"),
        perf_max: PERFORMANCE_MAX.to_vec(),
        scores,
        mine,
        a,
        p,
    })
}

pub async fn review(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    st.store
        .review_fiscal_application(
            &Viewer::of(&page.user),
            id,
            &get(&f, "decision"),
            &get(&f, "reason"),
        )
        .await?;
    Ok(Redirect::to(&format!("/fiscal/applications/{id}")).into_response())
}

pub async fn score(
    State(st): State<Shared>,
    page: Can<need::ScoreApplications>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let v = Viewer::of(&page.user);
    let marks = if get(&f, "conflict") == "1" {
        None
    } else {
        let a = st.store.fiscal_application(&v, id).await?;
        let p = st.store.fiscal_programme(&v, a.programme_id).await?;
        let mut m = vec![];
        for (i, c) in p.criteria.iter().enumerate() {
            let key = format!("c{i}");
            let t = get(&f, &key);
            m.push(parse_scaled(&t, 2).ok_or_else(|| {
                invalid(
                    &key,
                    &format!("“{}”应为 0 至 {} 的分数，最多两位小数", c.name, c.max),
                )
            })?);
        }
        Some(m)
    };
    st.store
        .score_fiscal_application(&v, id, marks.as_deref())
        .await?;
    Ok(Redirect::to(&format!("/fiscal/applications/{id}")).into_response())
}

pub async fn deduction(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    let points = parse_scaled(&get(&f, "points"), 2)
        .ok_or_else(|| invalid("points", "扣分应为数字，最多两位小数"))?;
    st.store
        .set_fiscal_deduction(&Viewer::of(&page.user), id, points, &get(&f, "reason"))
        .await?;
    Ok(Redirect::to(&format!("/fiscal/applications/{id}")).into_response())
}

pub async fn payment(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    st.store
        .record_fiscal_payment(
            &Viewer::of(&page.user),
            id,
            yuan_field(&f, "amount_yuan")?,
            date_field(&f, "paid_on")?.unwrap_or_else(crate::layout::today),
            &get(&f, "note"),
        )
        .await?;
    Ok(Redirect::to(&format!("/fiscal/applications/{id}")).into_response())
}

pub async fn performance(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, AppError> {
    if !matches!(page.user.role, Role::Enterprise | Role::Admin) {
        return Err(AppError::Denied(
            "绩效自评由受资助企业或活动办公室填报".into(),
        ));
    }
    let mut parts = [0i64; 4];
    for (i, (name, _)) in PERFORMANCE_MAX.iter().enumerate() {
        let key = format!("p{i}");
        parts[i] = get(&f, &key)
            .parse()
            .map_err(|_| invalid(&key, &format!("“{name}”应为整数分")))?;
    }
    st.store
        .file_fiscal_performance(
            &Viewer::of(&page.user),
            id,
            parts,
            &get(&f, "note"),
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/fiscal/applications/{id}")).into_response())
}

pub async fn attachment(
    State(st): State<Shared>,
    page: Page,
    Path((id, aid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (meta, bytes) = st
        .store
        .fiscal_attachment(&Viewer::of(&page.user), id, aid)
        .await?;
    Ok(crate::requests::attachment_response(
        &meta.filename,
        &meta.content_type,
        bytes,
    ))
}
