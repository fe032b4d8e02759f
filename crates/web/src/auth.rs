//! Who is asking: sessions from the cookie or a bearer token, resolved once per
//! request; CSRF (double-submit cookie) on every form POST; the login and
//! logout pages; the extractors `Page` (pages) and `ApiUser` (API), and their
//! permission-checking forms `Can<P>` and `ApiCan<P>`.

use crate::Shared;
use crate::error::{ApiError, AppError};
use askama::Template;
use askama_web::WebTemplate;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use domain::users::Permission;
use serde::Deserialize;
use std::marker::PhantomData;
use std::ops::Deref;
use store::users::{LoginError, SessionKind, User, random_token};

pub const SESSION_COOKIE: &str = "tuijin_session";
pub const CSRF_COOKIE: &str = "tuijin_csrf";

/// The signed-in user of this request, if any, and its CSRF token.
#[derive(Clone)]
pub struct Session {
    pub user: Option<User>,
    pub csrf: String,
}

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie is ASCII")
}

/// Resolves the session, enforces CSRF on form posts and JSON-only writes
/// on cookie-authenticated API calls.
pub async fn authenticate(State(st): State<Shared>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|s| s.trim().to_string());
    let token = bearer
        .clone()
        .or_else(|| cookie(&parts.headers, SESSION_COOKIE));
    let user = match &token {
        Some(t) => match st.store.session_user(t).await {
            Ok(u) => u,
            Err(e) => return AppError::from(e).into_response(),
        },
        None => None,
    };
    if let Some(u) = &user
        && u.role == domain::users::Role::Expert
        && !expert_may_open(parts.uri.path())
    {
        let e = AppError::Denied("评审专家账号只能使用专项资金评审功能".into());
        return if parts.uri.path().starts_with("/api/") {
            ApiError(e).into_response()
        } else {
            e.into_response()
        };
    }
    let existing_csrf = cookie(&parts.headers, CSRF_COOKIE).filter(|c| c.len() >= 32);
    let new_csrf = existing_csrf.is_none();
    let csrf = existing_csrf.unwrap_or_else(random_token);
    let is_api = parts.uri.path().starts_with("/api/");
    let writes = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);

    let body = if writes && !is_api {
        // Form posts must carry the token from our cookie, in the form or the
        // query. Only url-encoded forms are read here (they are small); any
        // other body, such as a multipart upload, carries the token in the
        // query and streams on untouched, under its route's own size limit.
        let from_query = parts
            .uri
            .query()
            .and_then(|q| form_value(q.as_bytes(), "csrf"));
        let is_form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let (body, from_form) = if is_form {
            let bytes = match to_bytes(body, 4 * 1024 * 1024).await {
                Ok(b) => b,
                Err(_) => return AppError::BadRequest("请求内容过大".into()).into_response(),
            };
            let token = form_value(&bytes, "csrf");
            (Body::from(bytes), token)
        } else {
            (body, None)
        };
        let sent = from_form.or(from_query);
        if new_csrf || sent.as_deref() != Some(csrf.as_str()) {
            return (
                StatusCode::FORBIDDEN,
                AppError::BadRequest(
                    "页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试".into(),
                ),
            )
                .into_response();
        }
        body
    } else {
        if writes && is_api && bearer.is_none() && token.is_some() {
            let json = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json"));
            if !json {
                return ApiError(AppError::BadRequest(
                    "使用会话 Cookie 调用接口时，写操作须以 application/json 提交".into(),
                ))
                .into_response();
            }
        }
        body
    };

    parts.extensions.insert(Session {
        user,
        csrf: csrf.clone(),
    });
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    if new_csrf && !is_api {
        resp.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &csrf, None, st.secure_cookies),
        );
    }
    resp
}

/// The paths an expert may open: the fiscal programmes (pages and API),
/// the home page (which sends it there), its own session and the assets.
pub fn expert_may_open(path: &str) -> bool {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    path == "/"
        || under("/fiscal")
        || under("/api/v1/fiscal")
        || under("/static")
        || matches!(
            path,
            "/healthz"
                | "/login"
                | "/logout"
                | "/api/v1/login"
                | "/api/v1/me"
                | "/api/openapi.json"
        )
}

fn form_value(bytes: &[u8], key: &str) -> Option<String> {
    serde_urlencoded_pairs(bytes)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

fn serde_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    let s = String::from_utf8_lossy(bytes);
    s.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A signed-in user on a page; without one, the visitor is sent to the login page.
pub struct Page {
    pub user: User,
    pub csrf: String,
}

impl Page {
    /// Does the user's role grant `p`?
    pub fn can(&self, p: Permission) -> bool {
        self.user.role.can(p)
    }
    /// Goes on only when the user's role grants `p` (otherwise 403). For a
    /// whole route, prefer the extractor [`Can`], which checks before the
    /// body is read.
    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.can(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
    /// Goes on only when the user may read the enterprise `code`: campaign
    /// readers any, an enterprise user its own (otherwise 403).
    pub fn require_enterprise(&self, code: &str) -> Result<(), AppError> {
        if self
            .user
            .role
            .reads_enterprise(self.user.enterprise_code.as_deref(), code)
        {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
    pub fn is_admin(&self) -> bool {
        self.can(Permission::Administer)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let session = parts.extensions.get::<Session>().cloned();
        match session {
            Some(Session {
                user: Some(user),
                csrf,
                ..
            }) => Ok(Page { user, csrf }),
            _ => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let to = format!("/login?next={}", encode(next));
                Err(Redirect::to(&to).into_response())
            }
        }
    }
}

/// A signed-in user on the API; without one, 401.
pub struct ApiUser(pub User);

impl ApiUser {
    /// Goes on only when the user's role grants `p` (otherwise 403). For a
    /// whole endpoint, prefer the extractor [`ApiCan`].
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.0.role.can(p) {
            Ok(())
        } else {
            Err(ApiError(AppError::Forbidden))
        }
    }
    /// Goes on only when the user may read the enterprise `code` (see
    /// [`Page::require_enterprise`]).
    pub fn require_enterprise(&self, code: &str) -> Result<(), ApiError> {
        if self
            .0
            .role
            .reads_enterprise(self.0.enterprise_code.as_deref(), code)
        {
            Ok(())
        } else {
            Err(ApiError(AppError::Forbidden))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Session>() {
            Some(Session { user: Some(u), .. }) => Ok(ApiUser(u.clone())),
            _ => Err(ApiError(AppError::Unauthorized)),
        }
    }
}

/// A permission as a type, so that a handler names what it needs in its
/// signature (`page: Can<need::Administer>`) and the check runs before the
/// request body is read: a refused user gets 403 whatever it sent.
pub trait Need {
    const PERMISSION: Permission;
}

/// The permissions of `domain::users::Permission` as types for [`Can`] and
/// [`ApiCan`].
pub mod need {
    use super::{Need, Permission};
    macro_rules! needs {
        ($($name:ident),*) => {$(
            #[doc = concat!("Needs `Permission::", stringify!($name), "`.")]
            pub struct $name;
            impl Need for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )*};
    }
    needs!(
        ReadCampaign,
        Oversee,
        EditProjects,
        RecordVisits,
        ActOnRequests,
        Administer,
        AnswerEvaluations,
        ScoreApplications
    );
}

/// A signed-in user on a page whose role grants `P`; a visitor without a
/// session goes to the login page, a user without the permission gets 403.
/// Only extraction makes one (the marker field is private).
pub struct Can<P>(pub Page, PhantomData<P>);

impl<P> Deref for Can<P> {
    type Target = Page;
    fn deref(&self) -> &Page {
        &self.0
    }
}

impl<S: Send + Sync, P: Need> FromRequestParts<S> for Can<P> {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let page = Page::from_request_parts(parts, s).await?;
        page.require(P::PERMISSION)
            .map_err(IntoResponse::into_response)?;
        Ok(Can(page, PhantomData))
    }
}

/// A signed-in API user whose role grants `P`: 401 without a session, 403
/// without the permission. `.0` is the user, as in [`ApiUser`] (destructure
/// with `ApiCan { 0: u, .. }`); only extraction makes one.
pub struct ApiCan<P>(pub User, PhantomData<P>);

impl<P> ApiCan<P> {
    /// The user as a plain [`ApiUser`].
    pub fn api_user(&self) -> ApiUser {
        ApiUser(self.0.clone())
    }
    /// The same user holding `Q` as well (checked: 403 without it).
    pub fn with<Q: Need>(&self) -> Result<ApiCan<Q>, ApiError> {
        self.api_user().require(Q::PERMISSION)?;
        Ok(ApiCan(self.0.clone(), PhantomData))
    }
}

impl<S: Send + Sync, P: Need> FromRequestParts<S> for ApiCan<P> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        let u = ApiUser::from_request_parts(parts, s).await?;
        u.require(P::PERMISSION)?;
        Ok(ApiCan(u.0, PhantomData))
    }
}

/// The CSRF token of a visitor who may not be signed in (the login form).
pub struct Csrf(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Csrf {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Csrf(
            parts
                .extensions
                .get::<Session>()
                .map(|s| s.csrf.clone())
                .unwrap_or_default(),
        ))
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Only local paths are followed after login, never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        // A control character (CR/LF) would break the Location header.
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/".into(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(Csrf(csrf): Csrf, Query(q): Query<NextQuery>) -> LoginPage {
    LoginPage {
        csrf,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    }
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// One message for an unknown account, a wrong password and a locked account,
/// so that a guesser learns nothing about which accounts exist or are locked.
const LOGIN_REFUSED: &str =
    "用户名或密码错误。连续输错 5 次后账号将暂时锁定，锁定期间无法登录，请稍后再试或联系活动办公室";

fn login_error_text(e: &LoginError) -> String {
    match e {
        LoginError::BadCredentials | LoginError::Locked { .. } => LOGIN_REFUSED.into(),
        LoginError::Inactive => "该账号已停用，请联系活动办公室".into(),
    }
}

async fn login(
    State(st): State<Shared>,
    Csrf(csrf): Csrf,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(f.next.as_deref());
    match st.store.authenticate(&f.username, &f.password).await? {
        Ok(user) => {
            let token = st.store.create_session(user.id, SessionKind::Web).await?;
            let mut resp = Redirect::to(&next).into_response();
            resp.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &token, Some(12 * 3600), st.secure_cookies),
            );
            Ok(resp)
        }
        Err(e) => {
            let page = LoginPage {
                csrf,
                next,
                username: f.username,
                error: Some(login_error_text(&e)),
            };
            Ok((StatusCode::UNAUTHORIZED, page).into_response())
        }
    }
}

async fn logout(State(st): State<Shared>, headers: HeaderMap) -> Result<Response, AppError> {
    if let Some(t) = cookie(&headers, SESSION_COOKIE) {
        st.store.delete_session(&t).await?;
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), st.secure_cookies),
    );
    Ok(resp)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApiLogin {
    pub username: String,
    pub password: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    /// Send as `Authorization: Bearer <token>`; valid for 30 days.
    pub token: String,
}

/// Exchanges a username and password for an API token.
pub async fn api_login(
    State(st): State<Shared>,
    Json(l): Json<ApiLogin>,
) -> Result<Response, ApiError> {
    match st.store.authenticate(&l.username, &l.password).await? {
        Ok(user) => Ok(Json(ApiToken {
            token: st.store.create_session(user.id, SessionKind::Api).await?,
        })
        .into_response()),
        Err(e) => {
            let body = crate::error::ErrorBody {
                error: "unauthorized".into(),
                message: login_error_text(&e),
                fields: vec![],
                request_id: crate::middleware::current_request_id(),
            };
            Ok((StatusCode::UNAUTHORIZED, Json(body)).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(
            safe_next(Some("/units?kind=township")),
            "/units?kind=township"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x=1")), "/");
    }

    #[test]
    fn form_decoding() {
        assert_eq!(
            form_value(b"a=1&csrf=x%2By+z", "csrf").as_deref(),
            Some("x+y z")
        );
        assert_eq!(decode("%E5%8C%BA"), "区");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%中"), "%中");
    }
}
