//! The office's settings through the pages and the API: the calendar (an
//! invalid text writes nothing; entering next year recounts a provisional
//! deadline), category limits, routing rules; and visits with their roles.

mod common;

use common::{TestApp, enterprise_user, post, spawn_app, text, viewer_of};
use serde_json::json;
use store::Actor;
use store::requests::Viewer;
use store::requests::write::NewRequest;
use store::testing::{A, d, enterprise_a};

async fn setup(app: &TestApp) -> Viewer {
    app.store
        .upsert_enterprises(&Actor::system("test"), &[enterprise_a()])
        .await
        .unwrap();
    enterprise_user(app, "qiye_a", "企业联系人", A).await;
    viewer_of(app, "qiye_a").await
}

fn request(category: &str) -> NewRequest {
    NewRequest {
        category: category.into(),
        title: "测试诉求".into(),
        description: "需要协调解决的困难。".into(),
        ..NewRequest::default()
    }
}

async fn form(c: &reqwest::Client, url: String, fields: &[(&str, &str)]) -> (u16, String) {
    let r = c.post(url).form(fields).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A test-only 2027 arrangement (not the State Council's, which is unknown).
const TEST_2027: &str =
    "year = 2027\nsource = \"测试用安排\"\nholidays = [\"2027-01-01\"]\nworkdays = []\n";

#[tokio::test]
async fn the_calendar_is_edited_checked_and_recounts_deadlines() {
    let app = spawn_app().await;
    let ent = setup(&app).await;
    let (admin, csrf) = app.login("admin").await;

    let (s, page) = text(&admin, app.url("/settings/calendar")).await;
    assert_eq!(s, 200);
    assert!(page.contains("国务院办公厅关于2026年部分节假日安排的通知"));
    assert!(page.contains("href=\"/settings/calendar/2025\""));
    let (s, page) = text(&admin, app.url("/settings/calendar/2026")).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("class=\"holiday\" title=\"放假\">15</td>"),
        "Spring Festival"
    );
    assert!(page.contains("class=\"workday\""), "make-up days coloured");
    assert!(page.contains("year = 2026"));

    // Submitted Mon 2026-12-28: the resolution limit runs into 2027, provisional.
    let req = app
        .store
        .submit_request(&ent, &request("land"), &[], d("2026-12-28"))
        .await
        .unwrap();
    assert!(req.provisional);
    assert_eq!(
        req.resolve_due,
        Some(d("2027-01-18")),
        "ordinary weeks assumed"
    );

    // An invalid text: the field error on the page, nothing written.
    let (s, page) = form(
        &admin,
        app.url("/settings/calendar/2027"),
        &[
            ("csrf", &csrf),
            (
                "toml",
                "year = 2027\nsource = \"x\"\nholidays = [\"2027-13-01\"]\nworkdays = []",
            ),
        ],
    )
    .await;
    assert_eq!(s, 422, "{page}");
    assert!(page.contains("id=\"toml-error\""), "{page}");
    assert!(page.contains("日历格式错误"), "{page}");
    assert!(
        page.contains("2027-13-01"),
        "the text is kept for correction"
    );
    assert!(app.store.calendar().await.unwrap().year(2027).is_none());
    // Another year's text under 2027 is refused too, as is the blank form.
    let (s, page) = form(
        &admin,
        app.url("/settings/calendar/2027"),
        &[
            ("csrf", &csrf),
            ("toml", &TEST_2027.replace("2027", "2028")),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(page.contains("与所编辑的年份 2027 不一致"), "{page}");
    let token = app.token("admin").await;
    let c = reqwest::Client::new();
    let r = c
        .put(app.url("/api/v1/calendar/2027"))
        .bearer_auth(&token)
        .json(&json!({"toml": "year = 2027\nsource = \"\"\nholidays = []\nworkdays = []"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "toml");
    assert!(app.store.calendar().await.unwrap().year(2027).is_none());
    let cal: serde_json::Value = c
        .get(app.url("/api/v1/calendar"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let years: Vec<i64> = cal["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, [2006, 2025, 2026]);

    // Only the office writes.
    let unit = app.token("tudi").await;
    let r = c
        .put(app.url("/api/v1/calendar/2027"))
        .bearer_auth(&unit)
        .json(&json!({ "toml": TEST_2027 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Entering 2027 recounts the provisional deadline on the new calendar.
    let r = c
        .put(app.url("/api/v1/calendar/2027"))
        .bearer_auth(&token)
        .json(&json!({ "toml": TEST_2027 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let y: serde_json::Value = r.json().await.unwrap();
    assert_eq!(y["holidays"], json!(["2027-01-01"]));
    assert!(y["edited_by"].as_str().unwrap().contains("admin"));
    let after = app
        .store
        .request(&Viewer::office("test"), req.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!after.provisional);
    assert_eq!(
        after.resolve_due,
        Some(d("2027-01-19")),
        "New Year's Day off"
    );
    let (_, page) = text(&admin, app.url("/settings/calendar")).await;
    assert!(page.contains("测试用安排"));
    assert!(page.contains("（admin） 修改于"), "{page}");
    let (_, page) = text(&admin, app.url("/settings/calendar/2027")).await;
    assert!(page.contains("class=\"holiday\" title=\"放假\">1</td>"));

    // Roles: staff read, enterprises are refused.
    let (tudi, _) = app.login("tudi").await;
    let (s, page) = text(&tudi, app.url("/settings/calendar/2026")).await;
    assert_eq!(s, 200);
    assert!(!page.contains("name=\"toml\""), "read-only for units");
    let (qiye, _) = app.login("qiye_a").await;
    assert_eq!(text(&qiye, app.url("/settings/calendar")).await.0, 403);
    assert_eq!(text(&qiye, app.url("/settings/routes")).await.0, 403);
}

#[tokio::test]
async fn category_limits_and_routes_are_set_by_the_office() {
    let app = spawn_app().await;
    let ent = setup(&app).await;
    let (admin, csrf) = app.login("admin").await;

    // Limits out of order: the field error, nothing saved.
    let (s, page) = form(
        &admin,
        app.url("/settings/request-categories/land"),
        &[
            ("csrf", &csrf),
            ("name", "用地"),
            ("accept_days", "5"),
            ("reply_days", "3"),
            ("resolve_days", "15"),
            ("active", "1"),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(
        page.contains("时限应满足：受理 ≤ 首次答复 ≤ 办结"),
        "{page}"
    );
    assert!(page.contains("value=\"5\""), "the entered value is kept");
    let (s, page) = form(
        &admin,
        app.url("/settings/request-categories/land"),
        &[
            ("csrf", &csrf),
            ("name", "用地"),
            ("accept_days", "一"),
            ("reply_days", "3"),
            ("resolve_days", "15"),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(page.contains("受理时限须为整数（工作日）"));
    let land = |cats: Vec<store::requests::config::CategoryRecord>| {
        cats.into_iter().find(|c| c.code == "land").unwrap()
    };
    assert_eq!(
        land(app.store.request_categories().await.unwrap())
            .limits
            .accept_days,
        1
    );
    let (s, _) = form(
        &admin,
        app.url("/settings/request-categories/land"),
        &[
            ("csrf", &csrf),
            ("name", "用地保障"),
            ("accept_days", "2"),
            ("reply_days", "5"),
            ("resolve_days", "20"),
            ("active", "1"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let c = land(app.store.request_categories().await.unwrap());
    assert_eq!(
        (
            c.name.as_str(),
            c.limits.accept_days,
            c.limits.reply_days,
            c.limits.resolve_days,
            c.active
        ),
        ("用地保障", 2, 5, 20, true)
    );
    // The API checks every item before saving any.
    let token = app.token("admin").await;
    let (s, body) = {
        let r = reqwest::Client::new()
            .put(app.url("/api/v1/request-categories"))
            .bearer_auth(&token)
            .json(&json!([
                {"code": "tax", "name": "税收", "accept_days": 1, "reply_days": 2, "resolve_days": 10, "active": true},
                {"code": "power", "name": "用电", "accept_days": 3, "reply_days": 3, "resolve_days": 2, "active": true}
            ]))
            .send()
            .await
            .unwrap();
        (
            r.status().as_u16(),
            r.json::<serde_json::Value>().await.unwrap(),
        )
    };
    assert_eq!(s, 422);
    assert_eq!(body["fields"][0]["field"], "[1].resolve_days");
    let tax = app
        .store
        .request_categories()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code == "tax")
        .unwrap();
    assert_eq!(tax.limits.resolve_days, 15, "nothing saved");
    let (unit_client, unit_csrf) = app.login("jingmao").await;
    let (s, _) = form(
        &unit_client,
        app.url("/settings/request-categories/land"),
        &[
            ("csrf", &unit_csrf),
            ("name", "x"),
            ("accept_days", "1"),
            ("reply_days", "1"),
            ("resolve_days", "1"),
        ],
    )
    .await;
    assert_eq!(s, 403);

    // Routes: "other" has no rule, so a request waits for the office ...
    let r = app
        .store
        .submit_request(&ent, &request("other"), &[], d("2026-03-02"))
        .await
        .unwrap();
    assert_eq!(r.unit_code, None);
    // ... until the office sets one; a township rule then wins for its township.
    let (s, page) = form(
        &admin,
        app.url("/settings/routes"),
        &[("csrf", &csrf), ("category", "other"), ("unit", "")],
    )
    .await;
    assert_eq!(s, 422);
    assert!(page.contains("没有单位"), "{page}");
    let (s, _) = form(
        &admin,
        app.url("/settings/routes"),
        &[
            ("csrf", &csrf),
            ("category", "other"),
            ("township", ""),
            ("working_group", "industry-upgrading"),
            ("unit", "economy"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let r = app
        .store
        .submit_request(&ent, &request("other"), &[], d("2026-03-02"))
        .await
        .unwrap();
    assert_eq!(r.unit_code.as_deref(), Some("economy"));
    let (status, routes) = post(
        &reqwest::Client::new(),
        app.url("/api/v1/request-routes"),
        &token,
        json!({"category": "other", "township": "yongzhong", "unit": "land"}),
    )
    .await;
    assert_eq!(status, 200);
    let township_rule = routes
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category"] == "other" && r["township"] == "yongzhong")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = app
        .store
        .submit_request(&ent, &request("other"), &[], d("2026-03-02"))
        .await
        .unwrap();
    assert_eq!(
        r.unit_code.as_deref(),
        Some("land"),
        "enterprise in yongzhong"
    );
    let del = reqwest::Client::new()
        .delete(app.url(&format!("/api/v1/request-routes/{township_rule}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 204);
    let (_, page) = text(&admin, app.url("/settings/routes")).await;
    assert!(page.contains("经贸"), "{page}");
    let general = app
        .store
        .request_routes()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.rule.category == "other")
        .unwrap()
        .id;
    let (s, _) = form(
        &admin,
        app.url(&format!("/settings/routes/{general}/delete")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(s, 303);
    let r = app
        .store
        .submit_request(&ent, &request("other"), &[], d("2026-03-02"))
        .await
        .unwrap();
    assert_eq!(r.unit_code, None, "back to the office");
    // Leaders read the rules; enterprises do not.
    let (leader, _) = app.login("leader").await;
    let (s, page) = text(&leader, app.url("/settings/routes")).await;
    assert_eq!(s, 200);
    assert!(!page.contains("id=\"set-route\""));
    let q = app.token("qiye_a").await;
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/request-routes"))
        .bearer_auth(&q)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn visits_are_recorded_by_staff_and_listed() {
    let app = spawn_app().await;
    setup(&app).await;
    let (jm, csrf) = app.login("jingmao").await;
    let (s, page) = text(&jm, app.url("/visits")).await;
    assert_eq!(s, 200);
    assert!(page.contains("还没有走访记录"));

    let (s, page) = form(
        &jm,
        app.url("/visits"),
        &[
            ("csrf", &csrf),
            ("enterprise", A),
            ("visited_on", "2026-03-05"),
            ("visitors", "张三"),
            ("findings", ""),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(page.contains("请填写走访了解到的情况"), "{page}");
    let r = jm
        .post(app.url("/visits"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("enterprise", A),
            ("visited_on", "2026-03-05"),
            ("visitors", "张三、李四"),
            ("findings", "二期厂房用地指标尚未落实。"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let id = app.store.visits(Some(A)).await.unwrap()[0].id;
    assert_eq!(to, format!("/visits?saved={id}"));
    let (_, page) = text(&jm, app.url(&to)).await;
    assert!(page.contains("根据走访登记诉求"));
    assert!(
        page.contains(&format!("/requests/new?enterprise={A}&visit_id={id}")),
        "{page}"
    );

    // Through the API, then filters and export.
    let token = app.token("admin").await;
    let (s, v) = post(
        &reqwest::Client::new(),
        app.url("/api/v1/visits"),
        &token,
        json!({"enterprise": A, "visited_on": "2026-04-10", "visitors": "王五", "findings": "用电增容已报装。"}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let (_, page) = text(&jm, app.url("/visits?from=2026-04-01&to=2026-04-30")).await;
    assert!(
        page.contains("用电增容已报装") && !page.contains("二期厂房"),
        "{page}"
    );
    let (_, page) = text(&jm, app.url("/visits?enterprise=乙泵业")).await;
    assert!(page.contains("没有符合筛选条件的走访记录"));
    let (s, _) = text(&jm, app.url("/visits?from=2026-13-01")).await;
    assert_eq!(s, 422);
    let x = jm
        .get(app.url("/visits/export.xlsx?enterprise=甲阀门"))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), 200);
    assert!(
        x.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
    let list: serde_json::Value = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/visits?enterprise={A}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    // The enterprise's profile lists its visits.
    let (_, page) = text(&jm, app.url(&format!("/enterprises/{A}"))).await;
    assert!(page.contains("二期厂房用地指标尚未落实"), "{page}");

    // Enterprises neither read nor record visits; leaders read only.
    let (qiye, qcsrf) = app.login("qiye_a").await;
    assert_eq!(text(&qiye, app.url("/visits")).await.0, 403);
    let (s, _) = form(
        &qiye,
        app.url("/visits"),
        &[
            ("csrf", &qcsrf),
            ("enterprise", A),
            ("visited_on", "2026-03-05"),
            ("visitors", "x"),
            ("findings", "y"),
        ],
    )
    .await;
    assert_eq!(s, 403);
    let q = app.token("qiye_a").await;
    let (s, _) = post(
        &reqwest::Client::new(),
        app.url("/api/v1/visits"),
        &q,
        json!({"enterprise": A, "visited_on": "2026-03-05", "visitors": "x", "findings": "y"}),
    )
    .await;
    assert_eq!(s, 403);
    let (leader, _) = app.login("leader").await;
    let (s, page) = text(&leader, app.url("/visits")).await;
    assert_eq!(s, 200);
    assert!(!page.contains("href=\"/visits/new\""));
    assert_eq!(text(&leader, app.url("/visits/new")).await.0, 403);

    // Documented.
    let doc: serde_json::Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for p in [
        "/api/v1/visits",
        "/api/v1/calendar",
        "/api/v1/calendar/{year}",
        "/api/v1/request-categories",
        "/api/v1/request-routes",
        "/api/v1/request-routes/{id}",
    ] {
        assert!(doc["paths"][p].is_object(), "{p}");
    }
}
