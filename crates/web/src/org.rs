//! Org units (list with filters, sorting, paging and export; detail; edit)
//! and the working groups page.

use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::{Chrome, Paging};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use domain::org::UnitKind;
use domain::users::FieldError;
use office::xlsx::{Cell, Sheet};
use serde::Deserialize;
use store::campaigns::Target;
use store::org::{GroupUnit, Unit, UnitEdit, WorkingGroup};
use store::users::User;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/units", get(units))
        .route("/units/export.xlsx", get(units_export))
        .route("/units/{code}", get(unit_detail))
        .route("/units/{code}/edit", get(unit_edit_page).post(unit_edit))
        .route("/working-groups", get(groups))
}

/// Filters and sort of the unit list, kept in the URL so a view can be shared and exported.
#[derive(Deserialize, Default, Clone)]
pub struct UnitQuery {
    pub kind: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: Option<i64>,
    pub placeholder: Option<String>,
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
        headers: ["代码", "名称", "类型", "上级单位", "占位待更名", "备注"]
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
    unit: Unit,
    name: String,
    kind: String,
    note: String,
    errors: Vec<FieldError>,
    kinds: Vec<(&'static str, &'static str)>,
}

impl UnitEditPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
}

async fn unit_edit_page(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(code): Path<String>,
) -> Result<UnitEditPage, AppError> {
    let unit = st
        .store
        .unit(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("单位“{code}”")))?;
    Ok(UnitEditPage {
        chrome: page.chrome("units"),
        name: unit.name.clone(),
        kind: unit.kind.as_str().into(),
        note: unit.note.clone(),
        unit,
        errors: vec![],
        kinds: UnitKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
    })
}

#[derive(Deserialize)]
struct UnitForm {
    name: String,
    kind: String,
    #[serde(default)]
    note: String,
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
    };
    match st.store.update_unit(&page.user.actor(), &code, &edit).await {
        Ok(_) => Ok(Redirect::to(&format!("/units/{}", urlencode(&code))).into_response()),
        Err(store::StoreError::Invalid(errors)) => {
            let unit = st
                .store
                .unit(&code)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("单位“{code}”")))?;
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                UnitEditPage {
                    chrome: page.chrome("units"),
                    unit,
                    name: f.name,
                    kind: f.kind,
                    note: f.note,
                    errors,
                    kinds: UnitKind::ALL
                        .iter()
                        .map(|k| (k.as_str(), k.label()))
                        .collect(),
                },
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
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
