//! The bounds of what a request may carry, and the API's errors: every
//! error under /api is the JSON error body with a request id, whoever
//! refused the request; control characters, over-long text, unknown
//! references and absurd dates are 422, never 500.

mod common;

use common::{PASSWORD, client, csrf_of, get_json, post, spawn_app};
use serde_json::{Value, json};

/// Sends a request and gives the status and the body as JSON, asserting the
/// body is the API's error body (with a request id) when the status is 4xx.
async fn error_of(r: reqwest::RequestBuilder) -> (u16, Value) {
    let r = r.send().await.expect("the request is sent");
    let status = r.status().as_u16();
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let body = r.text().await.unwrap();
    assert!(ct.starts_with("application/json"), "{status} {ct}: {body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["error"].is_string() && v["message"].is_string(), "{v}");
    assert_eq!(v["request_id"], id.as_str(), "{v}");
    (status, v)
}

fn fields(v: &Value) -> Vec<String> {
    v["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn axum_rejections_under_api_are_the_json_error() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let c = reqwest::Client::new();

    // Bad JSON: 400.
    let (s, v) = error_of(
        c.post(app.url("/api/v1/requests"))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body("{\"title\": "),
    )
    .await;
    assert_eq!((s, v["error"].as_str()), (400, Some("bad_request")), "{v}");
    // No JSON content type: 415.
    let (s, v) = error_of(
        c.post(app.url("/api/v1/requests"))
            .bearer_auth(&admin)
            .body("{}"),
    )
    .await;
    assert_eq!(s, 415, "{v}");
    // JSON of the wrong shape: 422 naming the field.
    let (s, v) = error_of(
        c.post(app.url("/api/v1/requests/1/actions"))
            .bearer_auth(&admin)
            .json(&json!({"action": 5})),
    )
    .await;
    assert_eq!((s, fields(&v)), (422, vec!["action".to_string()]), "{v}");
    let (s, v) = error_of(
        c.post(app.url("/api/v1/requests/1/actions"))
            .bearer_auth(&admin)
            .json(&json!({})),
    )
    .await;
    assert_eq!((s, fields(&v)), (422, vec!["action".to_string()]), "{v}");
    // A query or path that does not parse: 400.
    let (s, v) = error_of(
        c.get(app.url("/api/v1/requests?meeting_id=abc"))
            .bearer_auth(&admin),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = error_of(c.get(app.url("/api/v1/requests/abc")).bearer_auth(&admin)).await;
    assert_eq!(s, 400, "{v}");
    // Unknown paths and methods.
    for path in ["/api/v1/nope", "/api", "/api/v2/me"] {
        let (s, v) = error_of(c.get(app.url(path)).bearer_auth(&admin)).await;
        assert_eq!((s, v["error"].as_str()), (404, Some("not_found")), "{path}");
    }
    let (s, v) = error_of(c.delete(app.url("/api/v1/me")).bearer_auth(&admin)).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (405, Some("method_not_allowed")),
        "{v}"
    );
    // Pages keep their HTML error page.
    let r = c.get(app.url("/no-such-page")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn control_characters_and_long_text_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let c = reqwest::Client::new();

    // A NUL in a query, a path or a JSON string.
    let (s, v) = error_of(
        c.get(app.url("/api/v1/requests?q=a%00b"))
            .bearer_auth(&admin),
    )
    .await;
    assert_eq!((s, fields(&v)), (422, vec!["q".to_string()]), "{v}");
    let (s, v) = error_of(c.get(app.url("/api/v1/projects/a%00b")).bearer_auth(&admin)).await;
    assert_eq!((s, fields(&v)), (422, vec!["path".to_string()]), "{v}");
    let (s, v) = error_of(
        c.post(app.url("/api/v1/requests"))
            .bearer_auth(&admin)
            .json(&json!({"category": "land", "title": "a\u{0}b", "description": "第一行\r\n\t第二行"})),
    )
    .await;
    assert_eq!((s, fields(&v)), (422, vec!["title".to_string()]), "{v}");
    // A search of 50,000 characters; a title over its limit; a note over its.
    let long = "x".repeat(50_000);
    let (s, v) = error_of(
        c.get(app.url("/api/v1/requests"))
            .query(&[("q", long.as_str())])
            .bearer_auth(&admin),
    )
    .await;
    assert_eq!((s, fields(&v)), (422, vec!["q".to_string()]), "{v}");
    let ok = "查".repeat(200);
    let (s, v) = get_json(&app, &admin, &format!("/api/v1/requests?q={ok}")).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = post(
        &c,
        app.url("/api/v1/meetings"),
        &admin,
        json!({"title": "会".repeat(201), "held_on": "2026-01-05", "place": "区府", "summary": "x".repeat(20_001)}),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    let mut f = fields(&v);
    f.sort();
    assert_eq!(f, vec!["summary", "title"], "{v}");

    // Pages: the same bounds, as the HTML error page.
    let (pc, _) = app.login("admin").await;
    let r = pc.get(app.url("/requests?q=a%00b")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("q：不能含控制字符"), "{html}");
    let r = pc
        .get(app.url("/projects"))
        .query(&[("q", long.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // A url-encoded form with a NUL (the login form).
    let c2 = client();
    let csrf = csrf_of(
        &c2.get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let r = c2
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "ad\0min"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("username：不能含控制字符"));
}

#[tokio::test]
async fn line_breaks_in_the_login_next_go_home() {
    let app = spawn_app().await;
    let c = client();
    let r = c
        .get(app.url("/login?next=/%0D%0ASet-Cookie:%20x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("name=\"next\" value=\"/\""), "{html}");
    let csrf = csrf_of(&html);
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "admin"),
            ("password", PASSWORD),
            ("next", "/units\r\nSet-Cookie: x=1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn unknown_references_are_422() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let c = reqwest::Client::new();
    let (s, v) = post(
        &c,
        app.url("/api/v1/enterprises"),
        &admin,
        json!([{"credit_code": "913303007040010003", "name": "温州甲阀门有限公司", "township_code": "yongzhong", "industry_code": "3443"}]),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = error_of(c.post(app.url("/api/v1/requests")).bearer_auth(&admin).json(&json!({
        "enterprise": "913303007040010003", "category": "land", "title": "用地", "description": "需要用地",
        "visit_id": 987654
    })))
    .await;
    assert_eq!((s, fields(&v)), (422, vec!["visit_id".to_string()]), "{v}");
    let (s, v) = error_of(c.post(app.url("/api/v1/requests")).bearer_auth(&admin).json(&json!({
        "enterprise": "913303007040010003", "category": "land", "title": "用地", "description": "需要用地",
        "project": "NO-SUCH-PROJECT"
    })))
    .await;
    assert_eq!(s, 422, "{v}");
}

#[tokio::test]
async fn absurd_dates_are_refused_or_clamped_at_once() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let c = reqwest::Client::new();
    for path in [
        "/api/v1/supervision/overdue?as_of=9999-12-31",
        "/api/v1/requests/stats?to=9999-12-31",
        "/api/v1/requests/stats?from=0001-01-01",
    ] {
        let (s, v) = error_of(c.get(app.url(path)).bearer_auth(&admin)).await;
        assert_eq!(s, 422, "{path}: {v}");
        assert!(fields(&v)[0] == "as_of" || fields(&v)[0] == "to" || fields(&v)[0] == "from");
    }
    // A dashboard's as-of date is clamped into the campaign year.
    let (s, v) = get_json(&app, &admin, "/api/v1/campaigns").await;
    assert_eq!(s, 200);
    let id = v[0]["id"].as_i64().unwrap();
    let (s, v) = get_json(
        &app,
        &admin,
        &format!("/api/v1/campaigns/{id}/dashboard?as_of=9999-12-31"),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["as_of"], "2006-12-31");
}

#[tokio::test]
async fn the_openapi_document_is_served() {
    let app = spawn_app().await;
    let r = reqwest::get(app.url("/api/openapi.json")).await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        v["openapi"]
    );
    let ops = &v["paths"]["/api/v1/requests/attachments/{id}"]["get"];
    assert_eq!(ops["parameters"][0]["in"], "path");
    let q = &v["paths"]["/api/v1/requests"]["get"]["parameters"];
    assert!(
        q.as_array().unwrap().iter().all(|p| p["in"] == "query"),
        "{q}"
    );
}

/// Extreme numbers found by schemathesis: a page number near i64::MAX and an
/// area of i64::MIN are answered, never a panic.
#[tokio::test]
async fn extreme_numbers_are_answered_not_panicked_on() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    for path in [
        "/api/v1/enterprises?page=5044501622786915328&per_page=14693",
        "/api/v1/projects?page=9223372036854775807",
    ] {
        let (s, v) = get_json(&app, &admin, path).await;
        assert_eq!(s, 200, "{path}: {v}");
        assert_eq!(v["items"].as_array().map(Vec::len), Some(0), "{path}: {v}");
    }
    let (s, v) = error_of(
        client()
            .post(app.url("/api/v1/land-parcels"))
            .bearer_auth(&admin)
            .json(&serde_json::json!({"code": "DK-X", "township_code": "yongzhong", "area_millimu": i64::MIN})),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    // The newer bodies with numbers at the ends of i64: refused by field, never a panic.
    for (path, body) in [
        (
            "/api/v1/per-mu/data",
            serde_json::json!({"credit_code": "x", "year": 2006, "tax_yuan": i64::MIN, "energy_kgce": i64::MAX}),
        ),
        (
            "/api/v1/per-mu/evaluations",
            serde_json::json!({"year": i64::MIN}),
        ),
        (
            "/api/v1/power/accounts",
            serde_json::json!({"account_no": "A1", "credit_code": "x", "contract_kw": i64::MIN, "peak_kw": i64::MAX, "security_kw": i64::MIN}),
        ),
        (
            "/api/v1/power/plans",
            serde_json::json!({"period": "p", "date": "2006-07-01",
            "slots": [{"start": "09:00", "end": "10:00", "gap_kw": i64::MAX, "forecast_max_kw": i64::MIN}]}),
        ),
        (
            "/api/v1/evaluations",
            serde_json::json!({"title": "t", "settings": {"min_ballots": {"enterprise": i64::MIN}, "trim_from": i64::MAX}}),
        ),
    ] {
        let (s, v) = error_of(client().post(app.url(path)).bearer_auth(&admin).json(&body)).await;
        assert_eq!(s, 422, "{path}: {v}");
    }
}
