//! User management: admins create, disable and reset; leaders read.

use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::users::{FieldError, Role, parse_new_user};
use serde::Deserialize;
use store::org::Unit;
use store::users::User;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/new", get(new_page))
        .route("/users/{id}/active", post(set_active))
        .route("/users/{id}/password", post(set_password))
}

#[derive(Template, WebTemplate)]
#[template(path = "users/list.html")]
struct ListPage {
    chrome: Chrome,
    users: Vec<User>,
    can_edit: bool,
    notice: Option<String>,
}

#[derive(Deserialize)]
struct ListQuery {
    notice: Option<String>,
}

async fn list(
    State(st): State<Shared>,
    page: Can<need::Oversee>,
    Query(q): Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let notice = match q.notice.as_deref() {
        Some("created") => Some("用户已创建。".to_string()),
        Some("password") => Some("密码已重设，该用户的登录会话已全部结束。".to_string()),
        Some("active") => Some("账号状态已更新。".to_string()),
        _ => None,
    };
    Ok(ListPage {
        can_edit: page.is_admin(),
        chrome: page.chrome("users"),
        users: st.store.users().await?,
        notice,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "users/new.html")]
struct NewPage {
    chrome: Chrome,
    units: Vec<Unit>,
    roles: Vec<(&'static str, &'static str)>,
    form: UserForm,
    errors: Vec<FieldError>,
}

impl NewPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        crate::layout::error_for(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    enterprise_code: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct NewQuery {
    unit: Option<String>,
}

fn roles() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect()
}

async fn new_page(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Query(q): Query<NewQuery>,
) -> Result<NewPage, AppError> {
    let form = UserForm {
        role: if q.unit.is_some() {
            "unit".into()
        } else {
            String::new()
        },
        unit_code: q.unit.unwrap_or_default(),
        ..Default::default()
    };
    Ok(NewPage {
        chrome: page.chrome("users"),
        units: st.store.active_units().await?,
        roles: roles(),
        form,
        errors: vec![],
    })
}

async fn create(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Form(f): Form<UserForm>,
) -> Result<Response, AppError> {
    let parsed = parse_new_user(
        &f.username,
        &f.display_name,
        &f.role,
        Some(&f.unit_code),
        Some(&f.enterprise_code),
    );
    let result = match parsed {
        Ok(nu) => st
            .store
            .create_user(&page.user.actor(), &nu, &f.password)
            .await
            .map_err(|e| match e {
                store::StoreError::Invalid(errs) => Ok(errs),
                other => Err(other),
            }),
        Err(mut errs) => {
            if let Err(m) = domain::users::check_password(&f.password) {
                errs.push(FieldError::new("password", m));
            }
            Err(Ok(errs))
        }
    };
    match result {
        Ok(_) => Ok(Redirect::to("/users?notice=created").into_response()),
        Err(Ok(errors)) => {
            let form = UserForm {
                password: String::new(),
                ..f
            };
            let p = NewPage {
                chrome: page.chrome("users"),
                units: st.store.active_units().await?,
                roles: roles(),
                form,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
        Err(Err(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ActiveForm {
    active: String,
}

async fn set_active(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, AppError> {
    st.store
        .set_user_active(&page.user.actor(), id, f.active == "1")
        .await?;
    Ok(Redirect::to("/users?notice=active").into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    password: String,
}

async fn set_password(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    Path(id): Path<i64>,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    st.store
        .set_password(&page.user.actor(), id, &f.password)
        .await?;
    Ok(Redirect::to("/users?notice=password").into_response())
}
