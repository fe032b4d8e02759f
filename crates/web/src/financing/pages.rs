//! The needs hall (institutions: open needs and their own; the office: all
//! with the overdue ones first; an enterprise: its own, with the form to
//! post one) and a need's timeline with the actions its viewer may take.

use super::{need_or_404, open_since, state_of};
use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::financing::{Purpose, State as NeedState};
use domain::users::Role;
use serde::Deserialize;
use std::collections::HashMap;
use store::financing::{NeedFilter, NeedRecord, NewNeed, NewOutcome, VisitBrief};
use store::requests::Viewer;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "financing/list.html")]
pub struct ListPage {
    chrome: Chrome,
    rows: Vec<(NeedRecord, NeedState)>,
    paging: Paging,
    posts: bool,
    is_admin: bool,
    purposes: Vec<Purpose>,
    enterprise: String,
    visit: Option<VisitBrief>,
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
    let since = open_since(&st).await?;
    let (_, total) = st
        .store
        .financing_needs(
            &v,
            &NeedFilter {
                limit: 1,
                ..NeedFilter::default()
            },
            since,
        )
        .await?;
    let paging = Paging::new(q.page, 50, total);
    let (list, _) = st
        .store
        .financing_needs(
            &v,
            &NeedFilter {
                offset: paging.offset(),
                limit: 50,
                ..NeedFilter::default()
            },
            since,
        )
        .await?;
    let mut rows = vec![];
    for n in list {
        let s = state_of(&st, &n).await?;
        rows.push((n, s));
    }
    // Overdue first, then the open ones, then by date (already newest first).
    rows.sort_by_key(|(_, s)| (!s.overdue, s.status != domain::financing::Status::Open));
    Ok(ListPage {
        posts: matches!(page.user.role, Role::Enterprise | Role::Admin),
        is_admin: page.is_admin(),
        chrome: page.chrome("financing"),
        rows,
        paging,
        purposes: Purpose::ALL.to_vec(),
        enterprise: String::new(),
        visit: None,
    })
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    visit: Option<i64>,
    enterprise: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "financing/new.html")]
pub struct NewPage {
    chrome: Chrome,
    is_admin: bool,
    purposes: Vec<Purpose>,
    enterprise: String,
    visit: Option<VisitBrief>,
}

/// The office posts a need for an enterprise, e.g. from a visit.
pub async fn new_need(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Query(q): Query<NewQuery>,
) -> Result<NewPage, AppError> {
    let visit = match q.visit {
        Some(id) => Some(
            st.store
                .visit_brief(id)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("编号为 {id} 的走访记录")))?,
        ),
        None => None,
    };
    Ok(NewPage {
        is_admin: true,
        chrome: page.chrome("financing"),
        purposes: Purpose::ALL.to_vec(),
        enterprise: visit
            .as_ref()
            .map(|v| v.credit_code.clone())
            .or(q.enterprise)
            .unwrap_or_default(),
        visit,
    })
}

pub async fn post_need(
    State(st): State<Shared>,
    page: Can<need::ActOnRequests>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let num = |k: &str| get(k).replace(',', "").parse::<i64>().unwrap_or(0);
    let n = st
        .store
        .post_financing_need(
            &Viewer::of(&page.user),
            &NewNeed {
                enterprise: get("enterprise"),
                amount_yuan: num("amount_yuan"),
                purpose: get("purpose"),
                term_months: num("term_months"),
                collateral: get("collateral"),
                project: Some(get("project")).filter(|p| !p.is_empty()),
                visit_id: match get("visit").as_str() {
                    "" => None,
                    v => Some(
                        v.parse()
                            .map_err(|_| AppError::BadRequest(format!("走访编号“{v}”无效")))?,
                    ),
                },
            },
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/financing/{}", n.id)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "financing/need.html")]
pub struct NeedPage {
    chrome: Chrome,
    n: NeedRecord,
    s: NeedState,
    /// The viewer's institution (financial institution users).
    institution: Option<String>,
    may_choose: bool,
    is_admin: bool,
}

impl NeedPage {
    fn yuan(&self, v: &i64) -> String {
        domain::format::money(*v)
    }
    fn claimed_by_me(&self) -> bool {
        self.institution
            .as_ref()
            .is_some_and(|i| self.n.claims.iter().any(|c| &c.unit_code == i))
    }
    fn chosen_is_me(&self) -> bool {
        self.institution.is_some()
            && self.s.chosen.as_ref().map(|c| &c.0) == self.institution.as_ref()
    }
    fn chosen_name(&self) -> String {
        self.s
            .chosen
            .as_ref()
            .and_then(|(c, _)| {
                self.n
                    .claims
                    .iter()
                    .find(|x| &x.unit_code == c)
                    .map(|x| x.unit_name.clone())
            })
            .unwrap_or_default()
    }
    fn contacted(&self) -> bool {
        self.n.facts().contact_on.is_some()
    }
}

pub async fn need(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<NeedPage, AppError> {
    let n = need_or_404(&st, &page.user, id).await?;
    let s = state_of(&st, &n).await?;
    let institution = match (&page.user.role, &page.user.unit_code) {
        (Role::Unit, Some(code)) => st
            .store
            .unit(code)
            .await?
            .filter(|u| u.kind == domain::org::UnitKind::FinancialInstitution)
            .map(|u| u.code),
        _ => None,
    };
    let may_choose = s.status == domain::financing::Status::Open
        && !n.claims.is_empty()
        && (page.is_admin()
            || page.user.enterprise_code.as_deref() == Some(n.credit_code.as_str()));
    Ok(NeedPage {
        is_admin: page.is_admin(),
        chrome: page.chrome("financing"),
        n,
        s,
        institution,
        may_choose,
    })
}

pub async fn claim(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let cal = st.store.calendar().await?;
    st.store
        .claim_financing_need(&Viewer::of(&page.user), id, &cal, crate::layout::today())
        .await?;
    Ok(Redirect::to(&format!("/financing/{id}")).into_response())
}

pub async fn choose(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let cal = st.store.calendar().await?;
    let i = f.get("institution").cloned().unwrap_or_default();
    st.store
        .choose_financing_institution(
            &Viewer::of(&page.user),
            id,
            &i,
            &cal,
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/financing/{id}")).into_response())
}

pub async fn outcome(
    State(st): State<Shared>,
    page: Page,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let get = |k: &str| f.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let on = match get("on").as_str() {
        "" => None,
        s => Some(s.parse().map_err(|_| {
            AppError::Invalid(vec![domain::users::FieldError::new(
                "on",
                "日期格式应为 YYYY-MM-DD",
            )])
        })?),
    };
    let cal = st.store.calendar().await?;
    st.store
        .record_financing_outcome(
            &Viewer::of(&page.user),
            id,
            &NewOutcome {
                kind: get("kind"),
                amount_yuan: get("amount_yuan").replace(',', "").parse().ok(),
                on,
                rate: get("rate"),
                guarantor: get("guarantor"),
                guarantee_yuan: match get("guarantee_yuan").replace(',', "").as_str() {
                    "" => None,
                    g => Some(g.parse().map_err(|_| {
                        AppError::Invalid(vec![domain::users::FieldError::new(
                            "guarantee_yuan",
                            "担保金额应为整数（元）",
                        )])
                    })?),
                },
                reason: get("reason"),
            },
            &cal,
            crate::layout::today(),
        )
        .await?;
    Ok(Redirect::to(&format!("/financing/{id}")).into_response())
}
