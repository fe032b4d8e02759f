//! The questionnaire (评议问卷) an enterprise answers for itself and a
//! township's user for its township: every evaluated unit on five levels
//! with a comment, the units that handled the enterprise's requests this
//! year first; answers can be changed while the round is open.

use super::{respondent_of, round_or_404};
use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::evaluation::{Group, Level, RoundStatus};
use domain::users::FieldError;
use serde::Deserialize;
use std::collections::HashMap;
use store::evaluations::write::NewBallot;
use store::evaluations::{BallotFilter, Round};
use store::requests::Viewer;

/// One unit on the questionnaire.
pub struct Item {
    pub code: String,
    pub name: String,
    /// Handled the enterprise's requests this year.
    pub served: bool,
    pub level: String,
    pub comment: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "evaluations/questionnaire.html")]
pub struct QuestionnairePage {
    chrome: Chrome,
    round: Option<Round>,
    respondent_name: String,
    items: Vec<Item>,
    levels: Vec<Level>,
    answered: usize,
    errors: Vec<FieldError>,
    saved: Option<usize>,
}

impl QuestionnairePage {
    fn open(&self) -> bool {
        self.round
            .as_ref()
            .is_some_and(|r| r.status == RoundStatus::Open)
    }
}

async fn who(st: &Shared, page: &crate::auth::Page) -> Result<(Group, String, String), AppError> {
    let grassroots = st.store.grassroots_units().await?;
    let (group, code) = respondent_of(&page.user, &grassroots).ok_or_else(|| {
        AppError::Denied(
            "评议问卷由企业和镇街（园区）填写；活动办公室请在评议页面录入纸质评议票".into(),
        )
    })?;
    let name = match group {
        Group::Enterprise => st
            .store
            .enterprise(&code)
            .await?
            .map(|e| e.name)
            .unwrap_or_else(|| code.clone()),
        Group::Grassroots => grassroots
            .iter()
            .find(|u| u.code == code)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.clone()),
    };
    Ok((group, code, name))
}

/// The open round's questionnaire, or a page saying none is open.
pub async fn current(
    State(st): State<Shared>,
    page: Can<need::AnswerEvaluations>,
) -> Result<Response, AppError> {
    let (_, _, name) = who(&st, &page).await?;
    let open = st
        .store
        .rounds(None)
        .await?
        .into_iter()
        .find(|r| r.round.status == RoundStatus::Open);
    match open {
        Some(r) => {
            Ok(Redirect::to(&format!("/evaluations/{}/questionnaire", r.round.id)).into_response())
        }
        None => Ok(QuestionnairePage {
            chrome: page.chrome("questionnaire"),
            round: None,
            respondent_name: name,
            items: vec![],
            levels: Level::ALL.to_vec(),
            answered: 0,
            errors: vec![],
            saved: None,
        }
        .into_response()),
    }
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    saved: Option<usize>,
}

async fn questionnaire(
    st: &Shared,
    page: &crate::auth::Page,
    id: i64,
    entered: Option<&HashMap<String, String>>,
    errors: Vec<FieldError>,
    saved: Option<usize>,
) -> Result<QuestionnairePage, AppError> {
    let round = round_or_404(st, id).await?;
    let (group, code, name) = who(st, page).await?;
    let c = st
        .store
        .campaign(round.campaign_id)
        .await?
        .ok_or_else(|| AppError::NotFound("评议所属的年度活动".into()))?;
    let served = match group {
        Group::Enterprise => st.store.units_serving(&code, c.year).await?,
        Group::Grassroots => vec![],
    };
    let (mine, _) = st
        .store
        .ballots(
            id,
            &BallotFilter {
                group: Some(group),
                respondent: Some(code),
                limit: 1000,
                ..BallotFilter::default()
            },
        )
        .await?;
    let answered = mine.len();
    let mut items: Vec<Item> = st
        .store
        .evaluated_units(&round)
        .await?
        .into_iter()
        .map(|u| {
            let b = mine.iter().find(|b| b.unit_code == u.code);
            let (level, comment) = match entered {
                Some(f) => (
                    f.get(&format!("level.{}", u.code))
                        .cloned()
                        .unwrap_or_default(),
                    f.get(&format!("comment.{}", u.code))
                        .cloned()
                        .unwrap_or_default(),
                ),
                None => (
                    b.map(|b| b.level.as_str().to_string()).unwrap_or_default(),
                    b.map(|b| b.comment.clone()).unwrap_or_default(),
                ),
            };
            Item {
                served: served.contains(&u.code),
                code: u.code,
                name: u.name,
                level,
                comment,
            }
        })
        .collect();
    // The units that handled this enterprise's requests first, most first.
    items.sort_by_key(|i| {
        served
            .iter()
            .position(|c| *c == i.code)
            .unwrap_or(usize::MAX)
    });
    Ok(QuestionnairePage {
        chrome: page.chrome("questionnaire"),
        round: Some(round),
        respondent_name: name,
        items,
        levels: Level::ALL.to_vec(),
        answered,
        errors,
        saved,
    })
}

pub async fn page(
    State(st): State<Shared>,
    page: Can<need::AnswerEvaluations>,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<QuestionnairePage, AppError> {
    questionnaire(&st, &page, id, None, vec![], q.saved).await
}

/// Saves the levels given (units left blank are not rated).
pub async fn answer(
    State(st): State<Shared>,
    page: Can<need::AnswerEvaluations>,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (group, _, _) = who(&st, &page).await?;
    let round = round_or_404(&st, id).await?;
    let units = st.store.evaluated_units(&round).await?;
    let mut ballots = vec![];
    let mut errs = vec![];
    for u in &units {
        let level = f
            .get(&format!("level.{}", u.code))
            .map(|s| s.trim())
            .unwrap_or("");
        let comment = f
            .get(&format!("comment.{}", u.code))
            .map(|s| s.trim())
            .unwrap_or("");
        match (level, Level::parse(level)) {
            ("", _) if comment.is_empty() => {}
            ("", _) => errs.push(FieldError::new(
                &format!("level.{}", u.code),
                format!("填写了对{}的意见，请同时选择评价等级", u.name),
            )),
            (_, Some(level)) => ballots.push(NewBallot::of(group, "", &u.code, level, comment)),
            (_, None) => errs.push(FieldError::new(
                &format!("level.{}", u.code),
                "评价等级无效",
            )),
        }
    }
    if errs.is_empty() && ballots.is_empty() {
        errs.push(FieldError::new("body", "请至少对一个单位选择评价等级"));
    }
    let result = if errs.is_empty() {
        st.store
            .submit_ballots(&Viewer::of(&page.user), id, &ballots, "online")
            .await
    } else {
        Err(store::StoreError::Invalid(errs))
    };
    match result {
        Ok(n) => {
            Ok(Redirect::to(&format!("/evaluations/{id}/questionnaire?saved={n}")).into_response())
        }
        Err(store::StoreError::Invalid(errs)) => {
            let p = questionnaire(&st, &page, id, Some(&f), errs, None).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
