//! One error type for the web layer. Pages render it as a Chinese error page,
//! the API as JSON; internal causes are logged with the request id, never shown.

use crate::middleware::current_request_id;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::users::FieldError;
use serde::Serialize;
use store::StoreError;

/// What went wrong, in terms a user can act on.
#[derive(Debug)]
pub enum AppError {
    NotFound(String),
    Unauthorized,
    Forbidden,
    /// Forbidden, saying why.
    Denied(String),
    BadRequest(String),
    Invalid(Vec<FieldError>),
    Conflict(String),
    Internal(String),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Denied(_) => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden | AppError::Denied(_) => "forbidden",
            AppError::BadRequest(_) => "bad_request",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::Internal(_) => "internal",
        }
    }

    /// The message shown to the user, in Chinese.
    pub fn message(&self) -> String {
        match self {
            AppError::NotFound(what) => format!("找不到{what}"),
            AppError::Unauthorized => "请先登录".into(),
            AppError::Forbidden => "您没有执行此操作的权限".into(),
            AppError::BadRequest(m) | AppError::Conflict(m) | AppError::Denied(m) => m.clone(),
            AppError::Invalid(errs) => {
                let parts: Vec<String> = errs
                    .iter()
                    .map(|e| format!("{}：{}", e.field, e.message))
                    .collect();
                format!("输入有误：{}", parts.join("；"))
            }
            AppError::Internal(_) => {
                "服务器内部错误，请稍后重试；如果问题持续，请把请求编号告诉管理员".into()
            }
        }
    }

    fn log(&self) {
        if let AppError::Internal(cause) = self {
            tracing::error!(request_id = %current_request_id(), "{cause}");
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(w) => AppError::NotFound(w),
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Invalid(errs) => AppError::Invalid(errs),
            e @ StoreError::OutOfScope(_) => AppError::Denied(e.to_string()),
            StoreError::Forbidden(m) => AppError::Denied(m),
            StoreError::InvalidRows(rows) => AppError::Invalid(
                rows.into_iter()
                    .map(|r| FieldError::new(&format!("[{}].{}", r.row, r.field), r.message))
                    .collect(),
            ),
            // A reference to a row that does not exist (an unknown id in a
            // body) is the caller's mistake, not the server's.
            StoreError::Db(d)
                if d.as_database_error()
                    .is_some_and(|d| d.is_foreign_key_violation()) =>
            {
                AppError::Invalid(vec![FieldError::new("body", "引用的记录不存在")])
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: u16,
    message: String,
    request_id: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let page = ErrorPage {
            status: self.status().as_u16(),
            message: self.message(),
            request_id: current_request_id(),
        };
        let body = page.render().unwrap_or_else(|_| self.message());
        (self.status(), Html(body)).into_response()
    }
}

/// The same error, answered as JSON for the API.
#[derive(Debug)]
pub struct ApiError(pub AppError);

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code: not_found, unauthorized, forbidden, bad_request, invalid, conflict,
    /// method_not_allowed, too_large, unsupported_media_type, internal.
    pub error: String,
    /// The message, in Chinese.
    pub message: String,
    /// Every field error, for 422 answers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldErrorBody>,
    pub request_id: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub message: String,
}

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let fields = match &e {
            AppError::Invalid(errs) => errs
                .iter()
                .map(|f| FieldErrorBody {
                    field: f.field.clone(),
                    message: f.message.clone(),
                })
                .collect(),
            _ => vec![],
        };
        let body = ErrorBody {
            error: e.code().into(),
            message: e.message(),
            fields,
            request_id: current_request_id(),
        };
        (e.status(), axum::Json(body)).into_response()
    }
}

/// Makes every error answered under `/api` the JSON [`ErrorBody`], whoever
/// produced it: axum's own rejections (bad JSON, bad query or path, a wrong
/// content type, a body too large) and its 405 are plain English text, so
/// they are rewritten here with a Chinese message and the request id. The
/// status is kept.
pub async fn api_json_errors(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path();
    let is_api = path == "/api" || path.starts_with("/api/");
    let method = req.method().clone();
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let plain = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    let detail = if plain {
        let bytes = axum::body::to_bytes(resp.into_body(), 64 * 1024)
            .await
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).trim().to_string()
    } else {
        String::new()
    };
    let with_detail = |m: &str| {
        if detail.is_empty() {
            m.to_string()
        } else {
            format!("{m}（{detail}）")
        }
    };
    let (code, message, fields) = match status {
        StatusCode::BAD_REQUEST => ("bad_request", with_detail("请求格式有误"), vec![]),
        StatusCode::UNAUTHORIZED => ("unauthorized", "请先登录".to_string(), vec![]),
        StatusCode::FORBIDDEN => ("forbidden", with_detail("您没有执行此操作的权限"), vec![]),
        StatusCode::NOT_FOUND => ("not_found", "找不到该接口".to_string(), vec![]),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            format!("该接口不支持 {method} 方法"),
            vec![],
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "请求内容过大".to_string(), vec![]),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "请求体须为 JSON，并带 Content-Type: application/json".to_string(),
            vec![],
        ),
        StatusCode::UNPROCESSABLE_ENTITY => {
            let field = json_error_path(&detail).unwrap_or_else(|| "body".into());
            let message = with_detail("请求内容有误");
            (
                "invalid",
                message.clone(),
                vec![FieldErrorBody { field, message }],
            )
        }
        s if s.is_server_error() => {
            tracing::error!(request_id = %current_request_id(), "{detail}");
            (
                "internal",
                AppError::Internal(String::new()).message(),
                vec![],
            )
        }
        _ => ("bad_request", with_detail("请求未能完成"), vec![]),
    };
    let body = ErrorBody {
        error: code.into(),
        message,
        fields,
        request_id: current_request_id(),
    };
    (status, axum::Json(body)).into_response()
}

/// The field named in axum's JSON data error, such as `attachments[0].name`
/// in "Failed to deserialize the JSON body into the target type:
/// attachments[0].name: invalid type: …", or `title` in "missing field `title`".
fn json_error_path(detail: &str) -> Option<String> {
    let rest = detail.split_once("target type: ")?.1;
    if let Some(i) = rest.find("missing field `") {
        let name = &rest[i + "missing field `".len()..];
        let name = name.split('`').next()?;
        let prefix = rest[..i].trim_end_matches([' ', ':']);
        let prefix = prefix.trim_end_matches(".");
        return Some(if prefix.is_empty() || prefix == "." {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        });
    }
    let (path, _) = rest.split_once(": ")?;
    (!path.contains(' ')).then(|| path.to_string())
}
