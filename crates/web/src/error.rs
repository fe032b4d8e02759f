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
    /// A stable code: not_found, unauthorized, forbidden, bad_request, invalid, conflict, internal.
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
