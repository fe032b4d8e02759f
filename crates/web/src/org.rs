//! Org units (list with filters, sorting, paging and export; detail; edit)
//! and the working groups page.

use crate::Shared;
use crate::api::UnitJson;
use crate::auth::{ApiCan, Can, need};
use crate::error::{ApiError, AppError};
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Form, Json, Router};
use domain::org::UnitKind;
use domain::users::FieldError;
use office::xlsx::{Cell, Sheet};
use serde::Deserialize;
use serde_json::Value;
use store::campaigns::Target;
use store::org::{GroupUnit, NewUnit, Unit, UnitEdit, WorkingGroup};
use store::users::User;
use utoipa::ToSchema;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/units", get(units))
        .route("/units/export.xlsx", get(units_export))
        .route("/units/new", get(new_page).post(create))
        .route("/units/{code}", get(unit_detail))
        .route("/units/{code}/edit", get(unit_edit_page).post(unit_edit))
        .route("/working-groups", get(groups))
}

pub fn api_router() -> Router<Shared> {
    Router::new()
        .route("/v1/units", post(api_create))
        .route("/v1/units/{code}", put(api_update))
}

/// Filters and sort of the unit list, kept in the URL so a view can be shared and exported.
#[derive(Deserialize, Default, Clone)]
pub struct UnitQuery {
    pub kind: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: Option<i64>,
    pub placeholder: Option<String>,
    /// "active" (the default), "retired" or "all".
    pub status: Option<String>,
}

impl UnitQuery {
    /// The query string without the page, for links and export.
    pub fn params(&self) -> String {
        let mut p = Vec::new();
        for (k, v) in [
            ("kind", &self.kind),
            ("q", &self.q),
            ("sort", &self.sort),
            ("placeholder", &self.placeholder),
            ("status", &self.status),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                p.push(format!("{k}={}", urlencode(v)));
            }
        }
        p.join("&")
    }
    pub fn kind_is(&self, k: &str) -> bool {
        self.kind.as_deref() == Some(k)
    }
    pub fn sort_is(&self, s: &str) -> bool {
        self.sort.as_deref().unwrap_or("order") == s
    }
    pub fn text(&self) -> &str {
        self.q.as_deref().unwrap_or("")
    }
    pub fn status_is(&self, st: &str) -> bool {
        self.status
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("active")
            == st
    }
    pub fn only_placeholders(&self) -> bool {
        self.placeholder.as_deref() == Some("1")
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Applies the filters and sort to the units, in memory (a district has tens
/// to a few hundred units).
fn filter_units(all: Vec<Unit>, q: &UnitQuery) -> Result<Vec<Unit>, AppError> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            k.parse::<UnitKind>()
                .map_err(|e| AppError::BadRequest(e.to_string()))?,
        ),
        None => None,
    };
    let text = q.text().trim().to_lowercase();
    let mut v: Vec<Unit> = all
        .into_iter()
        .filter(|u| kind.is_none_or(|k| u.kind == k))
        .filter(|u| {
            text.is_empty()
                || u.name.to_lowercase().contains(&text)
                || u.code.to_lowercase().contains(&text)
        })
        .filter(|u| !q.only_placeholders() || u.placeholder)
        .filter(|u| {
            match q
                .status
                .as_deref()
                .filter(|s| !s.is_empty())
                .unwrap_or("active")
            {
                "retired" => !u.active,
                "all" => true,
                _ => u.active,
            }
        })
        .collect();
    match q.sort.as_deref().unwrap_or("order") {
        "order" => {}
        "code" => v.sort_by(|a, b| a.code.cmp(&b.code)),
        "name" => v.sort_by(|a, b| a.name.cmp(&b.name)),
        "kind" => v.sort_by_key(|u| UnitKind::ALL.iter().position(|k| *k == u.kind)),
        other => {
            return Err(AppError::BadRequest(format!(
                "不支持按“{other}”排序（可选 order、code、name、kind）"
            )));
        }
    }
    Ok(v)
}

#[derive(Template, WebTemplate)]
#[template(path = "org/units.html")]
struct UnitsPage {
    chrome: Chrome,
    units: Vec<Unit>,
    query: UnitQuery,
    paging: Paging,
    kinds: Vec<(&'static str, &'static str)>,
    can_edit: bool,
}

const PER_PAGE: i64 = 50;

async fn units(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(q): Query<UnitQuery>,
) -> Result<UnitsPage, AppError> {
    let all = filter_units(st.store.units().await?, &q)?;
    let paging = Paging::new(q.page, PER_PAGE, all.len() as i64);
    let units = all
        .into_iter()
        .skip(paging.offset() as usize)
        .take(PER_PAGE as usize)
        .collect();
    Ok(UnitsPage {
        can_edit: page.is_admin(),
        chrome: page.chrome("units"),
        units,
        query: q,
        paging,
        kinds: UnitKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
    })
}

/// The filtered, sorted list as .xlsx: every matching unit, not just one page.
async fn units_export(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Query(q): Query<UnitQuery>,
) -> Result<Response, AppError> {
    let units = filter_units(st.store.units().await?, &q)?;
    let sheet = Sheet {
        name: "组织单位".into(),
        headers: [
            "代码",
            "名称",
            "类型",
            "上级单位",
            "占位待更名",
            "状态",
            "备注",
        ]
        .map(String::from)
        .to_vec(),
        rows: units
            .iter()
            .map(|u| {
                vec![
                    Cell::from(u.code.as_str()),
                    u.name.as_str().into(),
                    u.kind.label().into(),
                    u.parent_code.clone().unwrap_or_default().into(),
                    (if u.placeholder { "是" } else { "否" }).into(),
                    (if u.active { "在用" } else { "已停用" }).into(),
                    u.note.as_str().into(),
                ]
            })
            .collect(),
    };
    let bytes = crate::layout::write_xlsx(&[sheet])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "units.xlsx",
        "组织单位.xlsx",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "org/unit.html")]
struct UnitPage {
    chrome: Chrome,
    unit: Unit,
    member_position: Option<usize>,
    groups: Vec<(String, &'static str)>,
    targets: Vec<Target>,
    users: Vec<User>,
    can_edit: bool,
}

async fn unit_detail(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Path(code): Path<String>,
) -> Result<UnitPage, AppError> {
    let unit = st
        .store
        .unit(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("单位“{code}”")))?;
    let (mut member_position, mut groups, mut targets) = (None, vec![], vec![]);
    if let Some(c) = st.store.current_campaign().await? {
        member_position = st
            .store
            .campaign_members(c.id)
            .await?
            .iter()
            .position(|m| m.code == code)
            .map(|i| i + 1);
        for g in st.store.working_groups(c.id).await? {
            let in_group = |v: &Vec<GroupUnit>| v.iter().any(|u| u.code == code);
            if in_group(&g.leads) {
                groups.push((g.name.clone(), "牵头单位"));
            } else if in_group(&g.participants) {
                groups.push((g.name.clone(), "参与单位"));
            }
        }
        targets = st
            .store
            .targets(c.id)
            .await?
            .into_iter()
            .filter(|t| t.responsible_units.iter().any(|(c, _)| *c == code))
            .collect();
    }
    let users = if page.is_admin() {
        st.store
            .users()
            .await?
            .into_iter()
            .filter(|u| u.unit_code.as_deref() == Some(code.as_str()))
            .collect()
    } else {
        vec![]
    };
    Ok(UnitPage {
        can_edit: page.is_admin(),
        chrome: page.chrome("units"),
        unit,
        member_position,
        groups,
        targets,
        users,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "org/unit_edit.html")]
struct UnitEditPage {
    chrome: Chrome,
    /// None: a new unit.
    unit: Option<Unit>,
    code: String,
    name: String,
    kind: String,
    note: String,
    parent: String,
    active: bool,
    errors: Vec<FieldError>,
    kinds: Vec<(&'static str, &'static str)>,
    /// Possible parents: the active units (other than this one).
    parents: Vec<(String, String)>,
}

impl UnitEditPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    UnitKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

impl UnitEditPage {
    async fn new(
        st: &Shared,
        chrome: Chrome,
        unit: Option<Unit>,
        f: UnitForm,
        errors: Vec<FieldError>,
    ) -> Result<UnitEditPage, AppError> {
        let me = unit.as_ref().map(|u| u.code.clone());
        let parents = st
            .store
            .active_units()
            .await?
            .into_iter()
            .filter(|u| Some(&u.code) != me.as_ref())
            .map(|u| (u.code, u.name))
            .collect();
        Ok(UnitEditPage {
            chrome,
            unit,
            code: f.code,
            name: f.name,
            kind: f.kind,
            note: f.note,
            parent: f.parent,
            active: f.active.is_some(),
            errors,
            kinds: kinds(),
            parents,
        })
    }
}

async fn unit_or_404(st: &Shared, code: &str) -> Result<Unit, AppError> {
    st.store
        .unit(code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("单位“{code}”")))
}

async fn unit_edit_page(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(code): Path<String>,
) -> Result<UnitEditPage, AppError> {
    let unit = unit_or_404(&st, &code).await?;
    let f = UnitForm {
        code: unit.code.clone(),
        name: unit.name.clone(),
        kind: unit.kind.as_str().into(),
        note: unit.note.clone(),
        parent: unit.parent_code.clone().unwrap_or_default(),
        active: unit.active.then(|| "1".into()),
    };
    UnitEditPage::new(&st, page.chrome("units"), Some(unit), f, vec![]).await
}

async fn new_page(
    State(st): State<Shared>,
    page: Can<need::Administer>,
) -> Result<UnitEditPage, AppError> {
    let f = UnitForm {
        kind: UnitKind::FinancialInstitution.as_str().into(),
        active: Some("1".into()),
        ..UnitForm::default()
    };
    UnitEditPage::new(&st, page.chrome("units"), None, f, vec![]).await
}

#[derive(Deserialize, Default)]
struct UnitForm {
    #[serde(default)]
    code: String,
    name: String,
    kind: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    parent: String,
    /// A checkbox: present when ticked.
    active: Option<String>,
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

async fn create(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(f): Form<UnitForm>,
) -> Result<Response, AppError> {
    let new = NewUnit {
        code: f.code.clone(),
        name: f.name.clone(),
        kind: f.kind.clone(),
        parent: some(&f.parent),
        note: f.note.clone(),
    };
    match st.store.add_unit(&page.user.actor(), &new).await {
        Ok(u) => Ok(Redirect::to(&format!("/units/{}", urlencode(&u.code))).into_response()),
        Err(store::StoreError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            UnitEditPage::new(&st, page.chrome("units"), None, f, errors).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn unit_edit(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(code): Path<String>,
    Form(f): Form<UnitForm>,
) -> Result<Response, AppError> {
    let edit = UnitEdit {
        name: f.name.clone(),
        kind: f.kind.clone(),
        note: f.note.clone(),
        parent: some(&f.parent),
        active: f.active.is_some(),
    };
    match st.store.update_unit(&page.user.actor(), &code, &edit).await {
        Ok(_) => Ok(Redirect::to(&format!("/units/{}", urlencode(&code))).into_response()),
        Err(store::StoreError::Invalid(errors)) => {
            let unit = unit_or_404(&st, &code).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                UnitEditPage::new(&st, page.chrome("units"), Some(unit), f, errors).await?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A unit to add.
#[derive(Deserialize, ToSchema)]
pub struct UnitIn {
    code: String,
    name: String,
    /// township, sub_district, development_zone, department, financial_institution,
    /// power_company, industry_association or other.
    kind: String,
    /// The parent unit's code.
    parent: Option<String>,
    note: Option<String>,
}

/// Changes to a unit: the fields given replace the stored ones.
#[derive(Deserialize, ToSchema)]
pub struct UnitPut {
    name: Option<String>,
    kind: Option<String>,
    /// The parent unit's code; an empty string makes the unit top-level.
    parent: Option<String>,
    note: Option<String>,
    /// false retires the unit (refused while it still handles open requests).
    active: Option<bool>,
}

fn body<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, AppError> {
    serde_json::from_value(v).map_err(|e| AppError::BadRequest(format!("请求内容无效：{e}")))
}

/// Adds an org unit (the office).
#[utoipa::path(post, path = "/api/v1/units", tag = "organisation", request_body = UnitIn, security(("bearer" = [])),
    responses((status = 201, body = UnitJson)))]
pub async fn api_create(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Json(v): Json<Value>,
) -> Result<(StatusCode, Json<UnitJson>), ApiError> {
    let i: UnitIn = body(v)?;
    let unit = st
        .store
        .add_unit(
            &u.0.actor(),
            &NewUnit {
                code: i.code,
                name: i.name,
                kind: i.kind,
                parent: i.parent,
                note: i.note.unwrap_or_default(),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(unit.into())))
}

/// Renames, re-kinds, re-parents or retires an org unit (the office).
#[utoipa::path(put, path = "/api/v1/units/{code}", tag = "organisation", request_body = UnitPut,
    params(("code" = String, Path, description = "The unit's code")), security(("bearer" = [])),
    responses((status = 200, body = UnitJson)))]
pub async fn api_update(
    State(st): State<Shared>,
    u: ApiCan<need::Administer>,
    Path(code): Path<String>,
    Json(v): Json<Value>,
) -> Result<Json<UnitJson>, ApiError> {
    let i: UnitPut = body(v)?;
    let before = unit_or_404(&st, &code).await?;
    let edit = UnitEdit {
        name: i.name.unwrap_or(before.name),
        kind: i.kind.unwrap_or_else(|| before.kind.as_str().into()),
        note: i.note.unwrap_or(before.note),
        parent: match i.parent {
            Some(p) => some(&p),
            None => before.parent_code,
        },
        active: i.active.unwrap_or(before.active),
    };
    Ok(Json(
        st.store
            .update_unit(&u.0.actor(), &code, &edit)
            .await?
            .into(),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "org/groups.html")]
struct GroupsPage {
    chrome: Chrome,
    groups: Vec<WorkingGroup>,
    campaign_title: String,
}

async fn groups(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
) -> Result<GroupsPage, AppError> {
    let (groups, campaign_title) = match st.store.current_campaign().await? {
        Some(c) => (st.store.working_groups(c.id).await?, c.short_title),
        None => (vec![], String::new()),
    };
    Ok(GroupsPage {
        chrome: page.chrome("groups"),
        groups,
        campaign_title,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(code: &str, name: &str, kind: UnitKind, placeholder: bool) -> Unit {
        Unit {
            id: 0,
            code: code.into(),
            name: name.into(),
            kind,
            parent_code: None,
            placeholder,
            note: String::new(),
            active: true,
        }
    }

    #[test]
    fn filters_and_sorts() {
        let all = vec![
            u("b", "乙", UnitKind::Township, false),
            u("a", "甲", UnitKind::Department, false),
            u("c", "金融机构（一）", UnitKind::FinancialInstitution, true),
        ];
        let q = UnitQuery {
            kind: Some("township".into()),
            ..Default::default()
        };
        assert_eq!(filter_units(all.clone(), &q).unwrap().len(), 1);
        let q = UnitQuery {
            sort: Some("code".into()),
            ..Default::default()
        };
        assert_eq!(filter_units(all.clone(), &q).unwrap()[0].code, "a");
        let q = UnitQuery {
            q: Some("金融".into()),
            ..Default::default()
        };
        assert_eq!(filter_units(all.clone(), &q).unwrap()[0].code, "c");
        let q = UnitQuery {
            placeholder: Some("1".into()),
            ..Default::default()
        };
        assert_eq!(filter_units(all.clone(), &q).unwrap().len(), 1);
        let q = UnitQuery {
            kind: Some("castle".into()),
            ..Default::default()
        };
        assert!(filter_units(all.clone(), &q).is_err());
        let q = UnitQuery {
            sort: Some("size".into()),
            ..Default::default()
        };
        assert!(filter_units(all, &q).is_err());
        let q = UnitQuery {
            kind: Some("township".into()),
            q: Some("永 中".into()),
            ..Default::default()
        };
        assert_eq!(q.params(), "kind=township&q=%E6%B0%B8%20%E4%B8%AD");
    }
}
