//! Bounds on what a request may carry, checked once for every route before
//! any handler runs: no control characters (NUL breaks PostgreSQL; none has a
//! place in a field), and text no longer than a person would type. The path,
//! every query parameter, url-encoded form fields and the strings of a JSON
//! body are checked; a breach is a 422 naming the field. Multipart uploads
//! are left to their handlers.

use crate::error::{ApiError, AppError};
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::users::FieldError;

/// Most characters in one query parameter (searches, codes, dates, filters).
pub const QUERY_MAX: usize = 200;
/// Most characters in a `title` or `name` field of a form or JSON body.
pub const TITLE_MAX: usize = 200;
/// Most characters in any other text field of a form or JSON body.
pub const TEXT_MAX: usize = 20_000;
/// Most bytes of a JSON or form body read for the check: above the largest
/// route limit (a request's attachments in base64), so each route's own
/// limit is what a caller meets.
const BODY_READ_MAX: usize = 80 * 1024 * 1024;

/// Refuses a request whose path, query, form or JSON body breaks the bounds.
pub async fn check_input(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let refuse = |errs: Vec<FieldError>| {
        let e = AppError::Invalid(errs);
        if is_api {
            ApiError(e).into_response()
        } else {
            e.into_response()
        }
    };
    let mut errs = Vec::new();
    let path = percent_encoding::percent_decode_str(req.uri().path()).decode_utf8_lossy();
    if path.chars().any(char::is_control) {
        errs.push(FieldError::new("path", "地址中不能含控制字符"));
    }
    if let Some(q) = req.uri().query() {
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            // The login page's `next` may carry anything; it is only ever
            // followed when it is a safe local path.
            check_text(&k, &v, QUERY_MAX, k == "next", &mut errs);
        }
    }
    if !errs.is_empty() {
        return refuse(errs);
    }
    let kind = body_kind(&req);
    if kind == BodyKind::Other {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, BODY_READ_MAX).await {
        Ok(b) => b,
        Err(_) => {
            let e = AppError::BadRequest("请求内容过大或不完整".into());
            let status = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
            return if is_api {
                (status, ApiError(e)).into_response()
            } else {
                (status, e).into_response()
            };
        }
    };
    match kind {
        BodyKind::Form => {
            for (k, v) in form_urlencoded::parse(&bytes) {
                check_text(&k, &v, body_limit(&k), true, &mut errs);
            }
        }
        BodyKind::Json => {
            // A body that is not JSON is left to the extractor to refuse.
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                check_json("", &v, &mut errs);
            }
        }
        BodyKind::Other => {}
    }
    if !errs.is_empty() {
        return refuse(errs);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[derive(PartialEq, Clone, Copy)]
enum BodyKind {
    Form,
    Json,
    Other,
}

fn body_kind(req: &Request) -> BodyKind {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.starts_with("application/x-www-form-urlencoded") {
        BodyKind::Form
    } else if ct.starts_with("application/json")
        || (ct.starts_with("application/") && ct.contains("+json"))
    {
        BodyKind::Json
    } else {
        BodyKind::Other
    }
}

/// The limit for a body field, by the last part of its name.
fn body_limit(field: &str) -> usize {
    let last = field.rsplit(['.', ']']).next().unwrap_or(field);
    if last.ends_with("_base64") {
        usize::MAX
    } else if last == "title" || last == "name" {
        TITLE_MAX
    } else {
        TEXT_MAX
    }
}

fn check_json(path: &str, v: &serde_json::Value, errs: &mut Vec<FieldError>) {
    match v {
        serde_json::Value::String(s) => {
            let field = if path.is_empty() { "body" } else { path };
            check_text(field, s, body_limit(field), true, errs);
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check_json(&format!("{path}[{i}]"), item, errs);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, item) in map {
                check_text(k, k, TITLE_MAX, false, errs);
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                check_json(&p, item, errs);
            }
        }
        _ => {}
    }
}

/// Checks one field's text: no control characters (tab, CR and LF allowed
/// where `multi_line`), at most `max` characters.
fn check_text(field: &str, s: &str, max: usize, multi_line: bool, errs: &mut Vec<FieldError>) {
    let field: String = field.chars().filter(|c| !c.is_control()).take(80).collect();
    let bad = s
        .chars()
        .any(|c| c.is_control() && !(multi_line && matches!(c, '\t' | '\r' | '\n')));
    if bad {
        errs.push(FieldError::new(&field, "不能含控制字符（如 NUL）"));
    } else if max != usize::MAX && s.chars().count() > max {
        errs.push(FieldError::new(&field, format!("不能超过 {max} 个字符")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errs_of(v: serde_json::Value) -> Vec<String> {
        let mut errs = vec![];
        check_json("", &v, &mut errs);
        errs.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn json_strings_are_checked_by_path() {
        let long = "长".repeat(TITLE_MAX + 1);
        let v = serde_json::json!({
            "title": long,
            "description": "第一行\n第二行\t",
            "attachments": [{"name": "a\u{0}b", "content_base64": "x".repeat(TEXT_MAX + 1)}],
        });
        assert_eq!(errs_of(v), vec!["attachments[0].name", "title"]);
        assert!(errs_of(serde_json::json!({"note": "x".repeat(TEXT_MAX)})).is_empty());
        assert_eq!(
            errs_of(serde_json::json!({"note": "x".repeat(TEXT_MAX + 1)})),
            vec!["note"]
        );
    }

    #[test]
    fn one_line_fields_refuse_line_breaks() {
        let mut errs = vec![];
        check_text("q", "a\r\nb", QUERY_MAX, false, &mut errs);
        check_text("note", "a\r\nb", TEXT_MAX, true, &mut errs);
        check_text("note", "a\u{7f}b", TEXT_MAX, true, &mut errs);
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["q", "note"]);
    }
}
