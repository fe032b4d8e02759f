//! HTTP tests through a spawned server: login, pages, scoping, the API.

mod common;

use common::{PASSWORD, client, csrf_of, spawn_app};
use serde_json::Value;

#[tokio::test]
async fn login_shows_the_campaign_with_eleven_targets() {
    let app = spawn_app().await;
    let c = client();
    // Without a session, pages send you to the login page.
    let r = c.get(app.url("/units?kind=township")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "/login?next=/units%3Fkind%3Dtownship"
    );
    let set_cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        set_cookie.starts_with("tuijin_csrf=")
            && set_cookie.contains("HttpOnly")
            && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );

    let r = c.get(app.url("/login")).send().await.unwrap();
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    let csrf = csrf_of(&r.text().await.unwrap());

    // A form post without the CSRF token is refused.
    let r = c
        .post(app.url("/login"))
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A wrong password says so, in Chinese.
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "admin"),
            ("password", "nope"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("用户名或密码错误"));

    let r = c
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "admin"),
            ("password", PASSWORD),
            ("next", "/campaign"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/campaign");
    let session_cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(session_cookie.starts_with("tuijin_session=") && session_cookie.contains("HttpOnly"));

    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        home.matches("<tr data-code=").count(),
        11,
        "eleven targets on the home page"
    );
    assert!(home.contains("23.1亿元"));
    assert!(
        home.contains("暂无数据"),
        "no invented numbers before there is data"
    );

    let campaign = c
        .get(app.url("/campaign"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(campaign.contains("成员单位（25 个，按文件顺序）"));
    assert!(campaign.contains("区消防大队"));
    assert!(campaign.contains("若干名"));
    let groups = c
        .get(app.url("/working-groups"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(groups.matches("class=\"card group\"").count(), 5);
    let source = c
        .get(app.url("/campaign/source"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(source.contains("二OO六年四月二十七日"));

    // Logout ends the session.
    let r = c
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(c.get(app.url("/")).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn admins_edit_targets_with_field_errors_and_an_audit_trail() {
    let app = spawn_app().await;
    let (admin, csrf) = app.login("admin").await;
    let url = app.url("/campaign/targets/expropriated_land_supplied/edit");
    let bad = [
        ("csrf", csrf.as_str()),
        ("name", ""),
        ("target_value", "九成"),
        ("working_group_code", "investment-construction"),
    ];
    let r = admin.post(&url).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("目标名称须为 1 到 100 个字符"), "{body}");
    assert!(body.contains("不是有效的数字"), "{body}");

    let good = [
        ("csrf", csrf.as_str()),
        ("name", "已征未供工业用地供地率"),
        ("description", "供地率达92%以上"),
        ("target_value", "92%"),
        ("working_group_code", "investment-construction"),
    ];
    let r = admin.post(&url).form(&good).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = admin
        .get(app.url("/campaign/targets/expropriated_land_supplied"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<dd id=\"target-value\">92%</dd>"), "{page}");
    let audit = admin
        .get(app.url("/audit?entity=target"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("expropriated_land_supplied"));
    assert!(
        audit.contains("&#34;target_value&#34;: &#34;0.9&#34;")
            || audit.contains("\"target_value\": \"0.9\""),
        "{audit}"
    );

    // A unit user and a leader may read but not edit.
    for who in ["jingmao", "leader"] {
        let (c, csrf) = app.login(who).await;
        assert_eq!(
            c.get(app.url("/campaign/targets/industrial_investment"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        assert_eq!(
            c.get(&url).send().await.unwrap().status(),
            403,
            "{who} edit page"
        );
        let mut f = good.to_vec();
        f[0] = ("csrf", csrf.as_str());
        assert_eq!(
            c.post(&url).form(&f).send().await.unwrap().status(),
            403,
            "{who} edit post"
        );
        assert_eq!(
            c.get(app.url("/units/bank-1/edit"))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
    }
    let (unit, _) = app.login("jingmao").await;
    assert_eq!(
        unit.get(app.url("/audit")).send().await.unwrap().status(),
        403
    );
    assert_eq!(
        unit.get(app.url("/users")).send().await.unwrap().status(),
        403
    );
}

#[tokio::test]
async fn units_filter_export_and_rename() {
    let app = spawn_app().await;
    let (admin, csrf) = app.login("admin").await;
    let towns = admin
        .get(app.url("/units?kind=township"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(towns.contains("状元镇") && !towns.contains("区府办"));
    let r = admin
        .get(app.url("/units?kind=castle"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("未知的单位类型“castle”"));

    let r = admin
        .get(app.url("/units/export.xlsx?kind=department"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");

    let r = admin
        .post(app.url("/units/bank-1/edit"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", ""),
            ("kind", "financial_institution"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = admin
        .post(app.url("/units/bank-1/edit"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "农业银行龙湾支行"),
            ("kind", "financial_institution"),
            ("note", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let detail = admin
        .get(app.url("/units/bank-1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("农业银行龙湾支行") && !detail.contains("占位，待更名"));
    assert_eq!(
        admin
            .get(app.url("/units/nowhere"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn admins_manage_users() {
    let app = spawn_app().await;
    let (admin, csrf) = app.login("admin").await;
    let r = admin
        .post(app.url("/users"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "X"),
            ("display_name", ""),
            ("role", "unit"),
            ("unit_code", ""),
            ("password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    for msg in [
        "用户名长度须为 3 到 32 个字符",
        "姓名须为 1 到 50 个字符",
        "成员单位用户必须选择所属单位",
        "密码至少 8 个字符",
    ] {
        assert!(body.contains(msg), "{msg}");
    }
    let r = admin
        .post(app.url("/users"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "zhang.tj"),
            ("display_name", "张统计"),
            ("role", "unit"),
            ("unit_code", "statistics"),
            ("password", "newpassword"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (c, _) = app.login_with("zhang.tj", "newpassword").await;
    assert_eq!(c.get(app.url("/")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_account() {
    let app = spawn_app().await;
    let c = client();
    let csrf = csrf_of(
        &c.get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let post = |user: &'static str, password: &'static str| {
        let (c, csrf) = (c.clone(), csrf.clone());
        let url = app.url("/login");
        async move {
            let r = c
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("username", user),
                    ("password", password),
                ])
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let message = |page: &str| {
        let start = page.find("用户名或密码错误").expect("the refusal message");
        page[start..].split('<').next().unwrap().to_string()
    };
    let (status, first) = post("tudi", "wrong-password").await;
    assert_eq!(status, 401);
    let wrong = message(&first);
    for _ in 0..4 {
        post("tudi", "wrong-password").await;
    }
    let (_, locked_right) = post("tudi", PASSWORD).await;
    let (_, locked_wrong) = post("tudi", "wrong-password").await;
    let (_, unknown) = post("nobody-here", "wrong-password").await;
    // A locked account, a wrong password and an unknown account read alike.
    assert_eq!(
        message(&locked_right),
        wrong,
        "the right password does not open a locked account"
    );
    assert_eq!(message(&locked_wrong), wrong);
    assert_eq!(message(&unknown), wrong);
    assert_eq!(
        api_login(&app, "tudi", PASSWORD).await,
        401,
        "the API is locked too"
    );
}

async fn api_login(app: &common::TestApp, username: &str, password: &str) -> u16 {
    client()
        .post(app.url("/api/v1/login"))
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Forty guesses sent at once are counted as forty sequential ones: only the
/// first five passwords are checked, then the account is locked.
#[tokio::test]
async fn parallel_guesses_lock_as_sequential_ones() {
    let app = spawn_app().await;
    let mut guesses = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let url = app.url("/api/v1/login");
        guesses.spawn(async move {
            client()
                .post(url)
                .json(&serde_json::json!({"username": "tudi", "password": "wrong-password"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    while let Some(status) = guesses.join_next().await {
        assert_eq!(status.unwrap(), 401);
    }
    let checked = app.store.failed_logins("tudi").await.unwrap();
    assert_eq!(
        checked,
        Some(5),
        "guesses past the lock are neither checked nor counted"
    );
    assert_eq!(api_login(&app, "tudi", PASSWORD).await, 401);
}

#[tokio::test]
async fn api_authenticates_and_answers_by_role() {
    let app = spawn_app().await;
    let c = client();
    let r = c.get(app.url("/api/v1/units")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "unauthorized");
    let r = c
        .post(app.url("/api/v1/login"))
        .json(&serde_json::json!({"username": "admin", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let token = app.token("leader").await;
    let get = |path: &str, token: &str| c.get(app.url(path)).bearer_auth(token).send();
    let campaigns: Value = get("/api/v1/campaigns", &token)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(campaigns.as_array().unwrap().len(), 1);
    let camp = &campaigns[0];
    assert_eq!(camp["year"], 2006);
    assert_eq!(camp["member_unit_codes"].as_array().unwrap().len(), 25);
    assert_eq!(camp["awards"][0]["amount_yuan"], 30000);
    assert_eq!(camp["awards"][2]["winners"], Value::Null);
    let id = camp["id"].as_i64().unwrap();

    let targets: Value = get(&format!("/api/v1/campaigns/{id}/targets"), &token)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let targets = targets.as_array().unwrap();
    assert_eq!(targets.len(), 11);
    let by = |code: &str| targets.iter().find(|t| t["code"] == code).unwrap().clone();
    assert_eq!(by("total_output_growth")["target_value"], 0.14);
    assert_eq!(by("total_output_growth")["unit"], "ratio");
    assert_eq!(by("industrial_investment")["target_value"], 2_310_000_000.0);
    assert_eq!(by("industrial_investment")["unit"], "yuan");
    assert_eq!(by("tech_renovation_approvals")["kind"], "count");
    assert_eq!(
        by("cohort_2005_land_started")["formula"]["declared_area_millimu"],
        1_455_739
    );
    assert_eq!(by("planned_2006_completed")["target_value"], 0.9);
    assert_eq!(
        get("/api/v1/campaigns/999/targets", &token)
            .await
            .unwrap()
            .status(),
        404
    );

    let groups: Value = get("/api/v1/working-groups", &token)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(groups.as_array().unwrap().len(), 5);
    assert_eq!(groups[4]["lead_units"][0]["code"], "drc");
    let towns: Value = get("/api/v1/units?kind=township", &token)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        towns
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["kind"] == "township")
    );
    assert_eq!(
        get("/api/v1/units?kind=castle", &token)
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        get("/api/v1/users", &token).await.unwrap().status(),
        200,
        "leaders read users"
    );

    // Wrong role: 403.
    let unit = app.token("jingmao").await;
    assert_eq!(get("/api/v1/users", &unit).await.unwrap().status(), 403);
    let ent = app.token("qiye").await;
    assert_eq!(get("/api/v1/campaigns", &ent).await.unwrap().status(), 403);
    let me: Value = get("/api/v1/me", &ent).await.unwrap().json().await.unwrap();
    assert_eq!(me["role"], "enterprise");
    assert_eq!(
        get("/api/v1/me", "forged-token").await.unwrap().status(),
        401
    );
    assert_eq!(get("/api/v1/nothing", &token).await.unwrap().status(), 404);

    // The OpenAPI document describes the API; health answers.
    let doc: Value = c
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for p in [
        "/api/v1/login",
        "/api/v1/units",
        "/api/v1/working-groups",
        "/api/v1/campaigns",
        "/api/v1/campaigns/{id}/targets",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} documented");
    }
    assert_eq!(
        c.get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
}
