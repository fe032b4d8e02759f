//! Cross-cutting layers: request ids and security headers.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::atomic::{AtomicU64, Ordering};

tokio::task_local! {
    /// The id of the request being handled, for logs and error pages.
    pub static REQUEST_ID: String;
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The current request's id, if inside a request.
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(|s| s.clone())
        .unwrap_or_else(|_| "-".into())
}

/// Gives each request an id, visible in logs, error pages and the
/// `X-Request-Id` header.
pub async fn request_id(req: Request, next: Next) -> Response {
    let id = format!(
        "{:x}-{:04x}",
        chrono::Utc::now().timestamp(),
        NEXT_ID.fetch_add(1, Ordering::Relaxed) & 0xffff
    );
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let mut resp = REQUEST_ID.scope(id.clone(), next.run(req)).await;
    tracing::debug!(request_id = %id, %method, %path, status = resp.status().as_u16(), "request");
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// Sets the security headers on every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    resp
}
