//! Enterprise requests through the API and the pages: intake with routing and
//! attachments, every role's view, the checked actions (allowed, forbidden,
//! refused by status), the rating that reopens, and the OpenAPI entries.

mod common;

use common::{enterprise_user, get_json, post, spawn_app};
use serde_json::{Value, json};
use store::testing::{A, B};

async fn setup() -> (common::TestApp, String) {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let (s, _) = post(
        &reqwest::Client::new(),
        app.url("/api/v1/enterprises"),
        &admin,
        json!([
            {"credit_code": A, "name": "温州甲阀门有限公司", "township_code": "yongzhong", "industry_code": "3443"},
            {"credit_code": B, "name": "温州乙泵业有限公司", "township_code": "haibin", "industry_code": "3441"}
        ]),
    )
    .await;
    assert_eq!(s, 200);
    for (u, code) in [("jia.qiye", A), ("yi.qiye", B)] {
        enterprise_user(&app, u, "企业联系人", code).await;
    }
    (app, admin)
}

#[tokio::test]
async fn a_request_through_the_api_with_every_refusal() {
    let (app, admin) = setup().await;
    let c = reqwest::Client::new();
    let jia = app.token("jia.qiye").await;
    let yi = app.token("yi.qiye").await;
    let tudi = app.token("tudi").await; // land bureau
    let jingmao = app.token("jingmao").await; // economy bureau
    let leader = app.token("leader").await;

    // Bad input: every field named, nothing written.
    let (s, r) = post(&c, app.url("/api/v1/requests"), &jia, json!({
        "category": "", "title": "", "description": "", "attachments": [{"name": "a.exe", "content_base64": "TVo="}]
    })).await;
    assert_eq!(s, 422, "{r}");
    let fields: Vec<&str> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "description", "category", "attachments"]);

    // A request with a PDF, routed by rule to the land bureau.
    let pdf = base64_of(b"%PDF-1.4 drawing");
    let (s, r) = post(&c, app.url("/api/v1/requests"), &jia, json!({
        "enterprise": B, "category": "land", "title": "二期用地指标", "description": "需要 20 亩工业用地",
        "attachments": [{"name": "厂区图.pdf", "content_base64": pdf}]
    })).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(
        r["enterprise_credit_code"], A,
        "an enterprise files for itself"
    );
    assert_eq!(
        (r["status"].as_str(), r["unit_code"].as_str()),
        (Some("assigned"), Some("land"))
    );
    assert!(r["accept_due"].is_string() && r["resolve_due"].is_string());
    let id = r["id"].as_i64().unwrap();

    // The office files one for B (tax -> state tax bureau).
    let (s, rb) = post(
        &c,
        app.url("/api/v1/requests"),
        &admin,
        json!({
            "enterprise": B, "category": "tax", "title": "出口退税", "description": "退税慢"
        }),
    )
    .await;
    assert_eq!(s, 201, "{rb}");
    let id_b = rb["id"].as_i64().unwrap();
    // A leader cannot file.
    let (s, _) = post(
        &c,
        app.url("/api/v1/requests"),
        &leader,
        json!({"enterprise": B, "category": "tax", "title": "x", "description": "y"}),
    )
    .await;
    assert_eq!(s, 403);

    // Scoping: each sees only what is theirs.
    let count = |v: &Value| v.as_array().unwrap().len();
    assert_eq!(count(&get_json(&app, &jia, "/api/v1/requests").await.1), 1);
    assert_eq!(count(&get_json(&app, &yi, "/api/v1/requests").await.1), 1);
    assert_eq!(count(&get_json(&app, &tudi, "/api/v1/requests").await.1), 1);
    assert_eq!(
        count(&get_json(&app, &jingmao, "/api/v1/requests").await.1),
        0
    );
    assert_eq!(
        count(&get_json(&app, &leader, "/api/v1/requests").await.1),
        2
    );
    assert_eq!(
        get_json(&app, &yi, &format!("/api/v1/requests/{id}"))
            .await
            .0,
        404
    );
    assert_eq!(
        get_json(&app, &jia, &format!("/api/v1/requests/{id_b}"))
            .await
            .0,
        404
    );
    let (s, d) = get_json(&app, &jia, &format!("/api/v1/requests/{id}")).await;
    assert_eq!(s, 200);
    let att = d["attachments"][0][0].as_i64().unwrap();
    let dl = c
        .get(app.url(&format!("/api/v1/requests/attachments/{att}")))
        .bearer_auth(&jia)
        .send()
        .await
        .unwrap();
    assert_eq!(dl.status(), 200);
    assert!(
        dl.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(dl.bytes().await.unwrap().as_ref(), b"%PDF-1.4 drawing");
    let dl = c
        .get(app.url(&format!("/api/v1/requests/attachments/{att}")))
        .bearer_auth(&jingmao)
        .send()
        .await
        .unwrap();
    assert_eq!(dl.status(), 404);

    // The checked flow: wrong actor 403, wrong status 409, missing note 422.
    let act = |who: &str, body: Value| {
        let (c, url, who) = (
            c.clone(),
            app.url(&format!("/api/v1/requests/{id}/actions")),
            who.to_string(),
        );
        async move { post(&c, url, &who, body).await }
    };
    assert_eq!(act(&jia, json!({"action": "accept"})).await.0, 403);
    assert_eq!(act(&leader, json!({"action": "accept"})).await.0, 403);
    assert_eq!(act(&jingmao, json!({"action": "accept"})).await.0, 404);
    assert_eq!(
        act(&tudi, json!({"action": "resolve", "note": "x"}))
            .await
            .0,
        409
    );
    assert_eq!(act(&tudi, json!({"action": "fly"})).await.0, 422);
    let (s, r) = act(&tudi, json!({"action": "accept"})).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("accepted")));
    assert_eq!(act(&tudi, json!({"action": "accept"})).await.0, 409);
    let (s, r) = act(&tudi, json!({"action": "reply"})).await;
    assert_eq!(s, 422);
    assert_eq!(r["fields"][0]["field"], "note");
    assert_eq!(
        act(
            &tudi,
            json!({"action": "reply", "note": "已列入下批供地计划"})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        act(&jia, json!({"action": "rate", "rating": "satisfied"}))
            .await
            .0,
        409
    );
    assert_eq!(
        act(&tudi, json!({"action": "resolve", "note": "已供地 20 亩"}))
            .await
            .0,
        200
    );
    let (s, r) = act(
        &jia,
        json!({"action": "rate", "rating": "very_unsatisfied", "note": "面积不够"}),
    )
    .await;
    assert_eq!(
        (s, r["status"].as_str(), r["follow_up_due"].as_bool()),
        (200, Some("reopened"), Some(true))
    );
    assert_eq!(
        act(&tudi, json!({"action": "resolve", "note": "追加 5 亩"}))
            .await
            .0,
        200
    );
    let (s, r) = act(&jia, json!({"action": "rate", "rating": "satisfied"})).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("closed")));
    assert_eq!(
        act(&admin, json!({"action": "withdraw", "note": "x"}))
            .await
            .0,
        409
    );
    let (_, d) = get_json(&app, &jia, &format!("/api/v1/requests/{id}")).await;
    let actions: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "submit", "assign", "accept", "reply", "resolve", "rate", "resolve", "rate"
        ]
    );

    // The office reassigns B's request; the economy bureau asks for an extension, the office approves.
    let url_b = app.url(&format!("/api/v1/requests/{id_b}/actions"));
    assert_eq!(
        post(
            &c,
            url_b.clone(),
            &admin,
            json!({"action": "assign", "unit": "economy"})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        post(&c, url_b.clone(), &jingmao, json!({"action": "accept"}))
            .await
            .0,
        200
    );
    let ext = app.url(&format!("/api/v1/requests/{id_b}/extension"));
    let (s, r) = post(&c, ext.clone(), &jingmao, json!({"days": 0, "reason": ""})).await;
    assert_eq!(s, 422, "{r}");
    let r = c
        .post(ext.clone())
        .bearer_auth(&jingmao)
        .json(&json!({"days": 5, "reason": "需省厅批复"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let before = get_json(&app, &admin, &format!("/api/v1/requests/{id_b}"))
        .await
        .1["request"]["resolve_due"]
        .clone();
    let dec = app.url(&format!("/api/v1/requests/{id_b}/extension/decision"));
    assert_eq!(
        c.post(dec.clone())
            .bearer_auth(&jingmao)
            .json(&json!({"approve": true}))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        c.post(dec.clone())
            .bearer_auth(&admin)
            .json(&json!({"approve": true}))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let after = get_json(&app, &admin, &format!("/api/v1/requests/{id_b}"))
        .await
        .1["request"]["resolve_due"]
        .clone();
    assert!(
        after.as_str().unwrap() > before.as_str().unwrap(),
        "{before} -> {after}"
    );

    // The OpenAPI document lists the endpoints.
    let doc = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for p in [
        "/api/v1/requests",
        "/api/v1/requests/{id}/actions",
        "/api/v1/requests/{id}/extension/decision",
    ] {
        assert!(doc.contains(p), "{p}");
    }
}

#[tokio::test]
async fn the_pages_submit_show_and_act() {
    let (app, _) = setup().await;
    let (jia, _) = app.login("jia.qiye").await;
    let home = jia.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        (
            home.status().as_u16(),
            home.headers()["location"].to_str().unwrap()
        ),
        (303, "/requests"),
        "an enterprise's home is its requests"
    );
    let html = jia
        .get(app.url("/requests"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("本企业还没有提出诉求"),
        "the empty state explains"
    );
    let form = jia
        .get(app.url("/requests/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = common::csrf_of(&form);
    let submit = |title: &'static str, file: (&'static str, &'static [u8])| {
        let part = reqwest::multipart::Part::bytes(file.1.to_vec()).file_name(file.0);
        let f = reqwest::multipart::Form::new()
            .text("category", "power")
            .text("title", title)
            .text("description", "高峰时段限电影响生产")
            .part("attachments", part);
        jia.post(app.url(&format!("/requests/new?csrf={csrf}")))
            .multipart(f)
            .send()
    };
    let r = submit("限电", ("恶意.exe", b"MZ")).await.unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("类型不允许"), "{body}");
    assert!(body.contains("value=\"限电\""), "what was typed is kept");
    assert!(
        app.store
            .requests(&store::requests::Viewer::office("t"), &Default::default())
            .await
            .unwrap()
            .is_empty()
    );
    let r = submit("限电", ("说明.txt", "高峰限电".as_bytes()))
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let page = jia
        .get(app.url(&loc))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("待受理") && page.contains("区供电分局") && page.contains("说明.txt"),
        "{page}"
    );
    assert!(
        !page.contains("id=\"accept\""),
        "an enterprise is not offered acceptance"
    );
    // The power branch has no user in the test app; the office reassigns to the economy bureau.
    let (admin, acsrf) = app.login("admin").await;
    let r = admin
        .post(app.url(&format!("{loc}/act")))
        .form(&[
            ("csrf", acsrf.as_str()),
            ("action", "assign"),
            ("unit", "economy"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (jm, jcsrf) = app.login("jingmao").await;
    let queue = jm
        .get(app.url("/requests"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(queue.contains("限电"), "the unit's queue shows it");
    let page = jm
        .get(app.url(&loc))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"accept\""));
    // Replying before accepting is refused on the page with the reason.
    let r = jm
        .post(app.url(&format!("{loc}/act")))
        .form(&[("csrf", jcsrf.as_str()), ("action", "reply"), ("note", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("当前状态不允许"));
    // Without the CSRF token nothing happens.
    let r = jm
        .post(app.url(&format!("{loc}/act")))
        .form(&[("action", "accept")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Attachments at their limits: one just over 10 MB is refused by name; four of
    // 8.5 MB (34 MB together, more than the server's general body limit) are accepted.
    let big = |name: &str, len: usize| {
        let mut b = b"%PDF-1.4 ".to_vec();
        b.resize(len, b'x');
        reqwest::multipart::Part::bytes(b).file_name(name.to_string())
    };
    let form = |parts: Vec<reqwest::multipart::Part>| {
        let mut f = reqwest::multipart::Form::new()
            .text("category", "land")
            .text("title", "用地材料")
            .text("description", "附上全部图纸");
        for p in parts {
            f = f.part("attachments", p);
        }
        f
    };
    let r = jia
        .post(app.url(&format!("/requests/new?csrf={csrf}")))
        .multipart(form(vec![big("太大.pdf", 10 * 1024 * 1024 + 1)]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("“太大.pdf”有 10.0 MB，超过 10 MB 的上限")
    );
    let parts = (1..=4)
        .map(|i| big(&format!("图纸{i}.pdf"), 8 * 1024 * 1024 + 512 * 1024))
        .collect();
    let r = jia
        .post(app.url(&format!("/requests/new?csrf={csrf}")))
        .multipart(form(parts))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // Another enterprise cannot open it.
    let (yi, _) = app.login("yi.qiye").await;
    assert_eq!(yi.get(app.url(&loc)).send().await.unwrap().status(), 404);
    // Export of the list.
    let x = jm
        .get(app.url("/requests/export.xlsx?view=all"))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), 200);
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
}

fn base64_of(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}
