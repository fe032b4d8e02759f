//! Financing through a spawned server, on the backend TEST_DATABASE_URL
//! names: an enterprise posts a need, institutions claim, the enterprise
//! chooses, only the chosen institution records contact and a loan, a
//! decline needs a reason, an enterprise cannot read another's need, and
//! the statistics count it.

mod common;

use common::{PASSWORD, enterprise_user, get_json, post, spawn_app};
use domain::users::parse_new_user;
use serde_json::json;
use store::Actor;
use store::testing::{A, B};

#[tokio::test]
async fn post_claim_choose_contact_and_loan() {
    let app = spawn_app().await;
    common::enterprises_a_b(&app).await;
    enterprise_user(&app, "jia.qiye", "甲", A).await;
    enterprise_user(&app, "yi.qiye", "乙", B).await;
    for (u, bank) in [
        ("bank1", "bank-1"),
        ("bank2", "bank-2"),
        ("bank3", "bank-3"),
    ] {
        app.store
            .create_user(
                &Actor::system("t"),
                &parse_new_user(u, u, "unit", Some(bank), None).unwrap(),
                PASSWORD,
            )
            .await
            .unwrap();
    }
    let http = reqwest::Client::new();
    let jia = app.token("jia.qiye").await;
    let (s, e) = post(
        &http,
        app.url("/api/v1/financing/needs"),
        &jia,
        json!({"amount_yuan": 0, "purpose": "loan", "term_months": 12}),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    assert!(
        e.to_string().contains("amount_yuan") && e.to_string().contains("purpose"),
        "{e}"
    );
    let (s, n) = post(&http, app.url("/api/v1/financing/needs"), &jia,
        json!({"amount_yuan": 5_000_000, "purpose": "tech_renovation", "term_months": 24, "collateral": "厂房抵押"})).await;
    assert_eq!(s, 201, "{n}");
    let id = n["id"].as_i64().unwrap();
    assert_eq!(n["status"], "open");
    assert!(n["claim_deadline"].as_str().unwrap() > n["posted_on"].as_str().unwrap());
    // Another enterprise cannot read it; a department cannot claim it.
    let yi = app.token("yi.qiye").await;
    assert_eq!(
        get_json(&app, &yi, &format!("/api/v1/financing/needs/{id}"))
            .await
            .0,
        403
    );
    let tudi = app.token("tudi").await;
    assert_eq!(
        post(
            &http,
            app.url(&format!("/api/v1/financing/needs/{id}/claims")),
            &tudi,
            json!({})
        )
        .await
        .0,
        403
    );
    let banks: Vec<String> = futures_tokens(&app, &["bank1", "bank2", "bank3"]).await;
    for b in &banks {
        let (s, r) = post(
            &http,
            app.url(&format!("/api/v1/financing/needs/{id}/claims")),
            b,
            json!({}),
        )
        .await;
        assert_eq!(s, 201, "{r}");
    }
    let (s, e) = post(
        &http,
        app.url(&format!("/api/v1/financing/needs/{id}/claims")),
        &banks[0],
        json!({}),
    )
    .await;
    assert_eq!(s, 409, "a second claim: {e}");
    // The institutions see it with the enterprise's standing.
    let (_, list) = get_json(&app, &banks[1], "/api/v1/financing/needs").await;
    assert_eq!(list[0]["id"], id, "{list}");
    // The enterprise chooses bank-2; only bank-2 records.
    let (s, r) = post(
        &http,
        app.url(&format!("/api/v1/financing/needs/{id}/choose")),
        &jia,
        json!({"institution": "bank-2"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["chosen_institution"], "bank-2");
    assert!(r["contact_due"].is_string());
    assert_eq!(
        post(
            &http,
            app.url(&format!("/api/v1/financing/needs/{id}/outcomes")),
            &banks[0],
            json!({"kind": "contact"})
        )
        .await
        .0,
        403
    );
    let (s, e) = post(
        &http,
        app.url(&format!("/api/v1/financing/needs/{id}/outcomes")),
        &banks[1],
        json!({"kind": "loan", "amount_yuan": 1}),
    )
    .await;
    assert_eq!(s, 409, "contact first: {e}");
    assert_eq!(
        post(
            &http,
            app.url(&format!("/api/v1/financing/needs/{id}/outcomes")),
            &banks[1],
            json!({"kind": "contact"})
        )
        .await
        .0,
        201
    );
    let (s, e) = post(
        &http,
        app.url(&format!("/api/v1/financing/needs/{id}/outcomes")),
        &banks[1],
        json!({"kind": "decline"}),
    )
    .await;
    assert_eq!(s, 422, "a decline needs a reason: {e}");
    assert!(e.to_string().contains("reason"));
    let (s, r) = post(&http, app.url(&format!("/api/v1/financing/needs/{id}/outcomes")), &banks[1],
        json!({"kind": "loan", "amount_yuan": 3_000_000, "rate": "5.58%", "guarantor": "温州市融资担保公司"})).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["status"], "financed");
    assert!(r["decision_due"].is_string());
    let admin = app.token("admin").await;
    let (s, st) = get_json(&app, &admin, "/api/v1/financing/stats?by=institution").await;
    assert_eq!(s, 200, "{st}");
    let b2 = st["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["group"] == "bank-2")
        .unwrap();
    assert!(b2["name"].as_str().unwrap().contains("（二）"), "{b2}");
    assert_eq!(
        (
            b2["needs"].as_i64(),
            b2["claimed"].as_i64(),
            b2["loans"].as_i64(),
            b2["loan_yuan"].as_i64()
        ),
        (Some(1), Some(1), Some(1), Some(3_000_000)),
        "{st}"
    );
    assert_eq!(b2["success"]["rate"], 1.0);
    assert_eq!(st["total"]["needs"], 1);
    let (s, _) = get_json(&app, &admin, "/api/v1/financing/stats?by=bank").await;
    assert_eq!(s, 422);
}

async fn futures_tokens(app: &common::TestApp, users: &[&str]) -> Vec<String> {
    let mut out = vec![];
    for u in users {
        out.push(app.token(u).await);
    }
    out
}

async fn bank_users(app: &common::TestApp) {
    for (u, bank) in [("bank1", "bank-1"), ("bank2", "bank-2")] {
        app.store
            .create_user(
                &Actor::system("t"),
                &parse_new_user(u, u, "unit", Some(bank), None).unwrap(),
                PASSWORD,
            )
            .await
            .unwrap();
    }
}

async fn put(
    http: &reqwest::Client,
    url: String,
    token: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = http
        .put(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (
        r.status().as_u16(),
        r.json().await.unwrap_or(serde_json::Value::Null),
    )
}

/// The office adds a bank, renames a placeholder, and retires a unit: a
/// retired institution's users can no longer claim; a unit with open
/// requests cannot be retired; a unit cannot move under its own child.
#[tokio::test]
async fn units_are_added_renamed_and_retired() {
    let app = spawn_app().await;
    common::enterprises_a_b(&app).await;
    enterprise_user(&app, "jia.qiye", "甲", A).await;
    bank_users(&app).await;
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let (s, u) = post(&http, app.url("/api/v1/units"), &admin,
        json!({"code": "bank-czb", "name": "浙商银行温州龙湾支行", "kind": "financial_institution"})).await;
    assert_eq!(s, 201, "{u}");
    assert_eq!(u["active"], true);
    let (s, e) = post(
        &http,
        app.url("/api/v1/units"),
        &admin,
        json!({"code": "bank czb", "name": "", "kind": "bank", "parent": "nowhere"}),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    for f in ["code", "name", "kind", "parent"] {
        assert!(e.to_string().contains(&format!("\"{f}\"")), "{f}: {e}");
    }
    let (s, e) = post(
        &http,
        app.url("/api/v1/units"),
        &admin,
        json!({"code": "bank-czb", "name": "重复", "kind": "financial_institution"}),
    )
    .await;
    assert_eq!(s, 422, "a second unit with the code: {e}");
    // Rename the placeholder and put the new bank under it; then the
    // placeholder cannot move under the new bank.
    let (s, u) = put(
        &http,
        app.url("/api/v1/units/bank-1"),
        &admin,
        json!({"name": "中国工商银行温州龙湾支行"}),
    )
    .await;
    assert_eq!(s, 200, "{u}");
    assert_eq!(u["placeholder"], false);
    assert_eq!(u["kind"], "financial_institution");
    let (s, u) = put(
        &http,
        app.url("/api/v1/units/bank-czb"),
        &admin,
        json!({"parent": "bank-1"}),
    )
    .await;
    assert_eq!((s, u["parent_code"].as_str()), (200, Some("bank-1")), "{u}");
    let (s, e) = put(
        &http,
        app.url("/api/v1/units/bank-1"),
        &admin,
        json!({"parent": "bank-czb"}),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    let (s, _) = put(
        &http,
        app.url("/api/v1/units/nowhere"),
        &admin,
        json!({"name": "x"}),
    )
    .await;
    assert_eq!(s, 404);
    let bank1 = app.token("bank1").await;
    let (s, _) = put(
        &http,
        app.url("/api/v1/units/bank-1"),
        &bank1,
        json!({"name": "x"}),
    )
    .await;
    assert_eq!(s, 403, "only the office manages units");
    // Retire bank-2: its user may no longer claim; it leaves the list of active units.
    let (s, u) = put(
        &http,
        app.url("/api/v1/units/bank-2"),
        &admin,
        json!({"active": false}),
    )
    .await;
    assert_eq!((s, u["active"].as_bool()), (200, Some(false)), "{u}");
    let jia = app.token("jia.qiye").await;
    let (_, n) = post(
        &http,
        app.url("/api/v1/financing/needs"),
        &jia,
        json!({"amount_yuan": 1_000_000, "purpose": "other", "term_months": 6}),
    )
    .await;
    let bank2 = app.token("bank2").await;
    let (s, e) = post(
        &http,
        app.url(&format!("/api/v1/financing/needs/{}/claims", n["id"])),
        &bank2,
        json!({}),
    )
    .await;
    assert_eq!(s, 403, "{e}");
    assert!(e.to_string().contains("停用"), "{e}");
    let (c, _) = app.login("admin").await;
    let (s, page) = common::text(&c, app.url("/units?status=retired")).await;
    assert_eq!(s, 200);
    assert!(page.contains("已停用") && page.contains("bank-2"), "{page}");
    let (_, page) = common::text(&c, app.url("/units")).await;
    assert!(!page.contains(">bank-2<"), "active units only by default");
    // The office posts a need from a visit: the form comes prefilled; the
    // visit must be the enterprise's.
    let (s, v) = post(&http, app.url("/api/v1/visits"), &admin,
        json!({"enterprise": A, "visited_on": "2026-03-02", "visitors": "经贸局 张", "findings": "技改缺资金 500 万"})).await;
    assert_eq!(s, 201, "{v}");
    let visit = v["id"].as_i64().unwrap();
    let (s, page) = common::text(&c, app.url(&format!("/financing/new?visit={visit}"))).await;
    assert_eq!(s, 200);
    assert!(page.contains(A) && page.contains("技改缺资金"), "{page}");
    let csrf = common::csrf_of(&page);
    let form = |enterprise: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("enterprise", enterprise.to_string()),
            ("visit", visit.to_string()),
            ("amount_yuan", "5,000,000".into()),
            ("purpose", "tech_renovation".into()),
            ("term_months", "24".into()),
        ]
    };
    let r = c
        .post(app.url("/financing"))
        .form(&form(B))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("走访记录不是这家企业的"));
    let r = c
        .post(app.url("/financing"))
        .form(&form(A))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // A unit holding an open request cannot be retired.
    let request = post(
        &http,
        app.url("/api/v1/requests"),
        &jia,
        json!({"title": "用地问题", "category": "land", "description": "厂房用地手续"}),
    )
    .await;
    assert_eq!(request.0, 201, "{}", request.1);
    if request.1["status"] == "submitted" {
        let rid = request.1["id"].as_i64().unwrap();
        let (s, r) = post(
            &http,
            app.url(&format!("/api/v1/requests/{rid}/actions")),
            &admin,
            json!({"action": "assign", "unit": "land"}),
        )
        .await;
        assert_eq!(s, 200, "{r}");
    }
    let (s, e) = put(
        &http,
        app.url("/api/v1/units/land"),
        &admin,
        json!({"active": false}),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    assert!(e.to_string().contains("未办结"), "{e}");
}

/// A contact past its due date is overdue for the office and the chosen
/// institution (not another), can be reminded by the office only, and the
/// reminder shows on the need; a need not overdue cannot be reminded.
#[tokio::test]
async fn overdue_steps_are_listed_and_reminded() {
    let app = spawn_app().await;
    common::enterprises_a_b(&app).await;
    enterprise_user(&app, "jia.qiye", "甲", A).await;
    bank_users(&app).await;
    let cal = app.store.calendar().await.unwrap();
    let today = common::today();
    let posted = today - chrono::Duration::days(40);
    let jia = common::viewer_of(&app, "jia.qiye").await;
    let need = app
        .store
        .post_financing_need(
            &jia,
            &store::financing::NewNeed {
                amount_yuan: 2_000_000,
                purpose: "working_capital".into(),
                term_months: 12,
                ..Default::default()
            },
            posted,
        )
        .await
        .unwrap();
    let b1 = common::viewer_of(&app, "bank1").await;
    let need = app
        .store
        .claim_financing_need(&b1, need.id, &cal, posted)
        .await
        .unwrap();
    // A fresh need, open for claims: nothing overdue there.
    let http = reqwest::Client::new();
    let jia_t = app.token("jia.qiye").await;
    let (_, fresh) = post(
        &http,
        app.url("/api/v1/financing/needs"),
        &jia_t,
        json!({"amount_yuan": 1_000_000, "purpose": "other", "term_months": 6}),
    )
    .await;
    let admin = app.token("admin").await;
    let (s, list) = get_json(&app, &admin, "/api/v1/financing/overdue").await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let due = domain::financing::state(&need.facts(), &cal, today)
        .contact_due
        .unwrap();
    assert_eq!(list[0]["id"], need.id);
    assert_eq!(list[0]["institution"], "bank-1");
    assert_eq!(list[0]["step"], "contact");
    assert_eq!(list[0]["due"], due.to_string());
    assert_eq!(
        list[0]["days_late"],
        cal.working_days_between_provisional(due, today)
    );
    let bank1 = app.token("bank1").await;
    let bank2 = app.token("bank2").await;
    assert_eq!(
        get_json(&app, &bank1, "/api/v1/financing/overdue")
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        get_json(&app, &bank2, "/api/v1/financing/overdue")
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        0,
        "another institution owes nothing"
    );
    // 催办: the office only; the fresh need has no overdue step.
    let url = |id: &serde_json::Value| app.url(&format!("/api/v1/financing/needs/{id}/reminders"));
    let (s, _) = post(&http, url(&json!(need.id)), &bank1, json!({})).await;
    assert_eq!(s, 403);
    let (s, e) = post(&http, url(&fresh["id"]), &admin, json!({})).await;
    assert_eq!(s, 409, "{e}");
    let (s, r) = post(
        &http,
        url(&json!(need.id)),
        &admin,
        json!({"note": "请三日内对接"}),
    )
    .await;
    assert_eq!((s, r["reminded"].as_i64()), (201, Some(1)), "{r}");
    let (_, n) = get_json(
        &app,
        &admin,
        &format!("/api/v1/financing/needs/{}", need.id),
    )
    .await;
    assert_eq!(n["reminders"][0]["institution"], "bank-1", "{n}");
    assert_eq!(n["reminders"][0]["step"], "contact");
    assert_eq!(n["reminders"][0]["note"], "请三日内对接");
    // The pages: the office's list by institution, the bank's inbox.
    let (c, _) = app.login("admin").await;
    let (s, page) = common::text(&c, app.url("/financing/overdue")).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("1 件逾期") && page.contains("已催办 1 次"),
        "{page}"
    );
    let (c, _) = app.login("bank1").await;
    let (_, page) = common::text(&c, app.url("/inbox")).await;
    assert!(page.contains("融资对接逾期"), "{page}");
    // Contact recorded late: no longer overdue.
    let (s, r) = post(
        &http,
        app.url(&format!("/api/v1/financing/needs/{}/outcomes", need.id)),
        &bank1,
        json!({"kind": "contact"}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let (_, list) = get_json(&app, &admin, "/api/v1/financing/overdue").await;
    assert_eq!(list.as_array().unwrap().len(), 0, "{list}");
    // A guaranteed loan: the guarantee needs its institution and is at most the loan.
    let loan = |g: serde_json::Value, guarantor: &str| json!({"kind": "loan", "amount_yuan": 1_500_000, "guarantor": guarantor, "guarantee_yuan": g});
    let out = app.url(&format!("/api/v1/financing/needs/{}/outcomes", need.id));
    let (s, e) = post(
        &http,
        out.clone(),
        &bank1,
        loan(json!(2_000_000), "担保公司"),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    assert!(e.to_string().contains("guarantee_yuan"));
    let (s, e) = post(&http, out.clone(), &bank1, loan(json!(1_000_000), "")).await;
    assert_eq!(s, 422, "{e}");
    assert!(e.to_string().contains("guarantor"));
    let (s, r) = post(
        &http,
        out,
        &bank1,
        loan(json!(1_000_000), "温州市融资担保公司"),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["outcomes"][1]["guarantee_yuan"], 1_000_000, "{r}");
}

/// The office drafts a promotion list (a project by code with its gap),
/// publishes it; a bank records interest and a signed amount; the list
/// exports as .xlsx and .docx; a draft is the office's only.
#[tokio::test]
async fn promotion_lists_interest_and_exports() {
    let app = spawn_app().await;
    bank_users(&app).await;
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    let (s, r) = post(&http, app.url("/api/v1/projects"), &admin,
        json!({"code": "TJ1", "name": "阀门智能化技改项目", "township_code": "yongzhong", "kind": "industrial",
               "key_project": true, "planned_investment_yuan": 80_000_000})).await;
    assert!((200..300).contains(&s), "{r}");
    let (c, csrf) = app.login("admin").await;
    let r = c
        .post(app.url("/financing/promotions"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "四季度推介清单"),
            ("meeting_on", "2026-12-10"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    // A draft: the bank cannot see it.
    let (b, bcsrf) = app.login("bank1").await;
    let (s, _) = common::text(&b, app.url(&at)).await;
    assert_eq!(s, 404);
    // An unknown code is refused by name; the key project is added with
    // the planned investment as its gap (nothing completed yet).
    let add = |codes: &str| {
        c.post(app.url(&format!("{at}/projects")))
            .form(&[("csrf", csrf.as_str()), ("codes", codes)])
            .send()
    };
    let r = add("TJ1, NOPE").await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("NOPE"));
    let r = add("TJ1").await.unwrap();
    assert_eq!(r.status(), 303);
    let office = store::requests::Viewer::office("t");
    let p = app
        .store
        .financing_promotion(&office, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.items[0].to_raise_yuan, 80_000_000);
    let r = c
        .post(app.url(&format!("{at}/publish")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let item = p.items[0].id;
    let r = b
        .post(app.url(&format!("{at}/items/{item}/interest")))
        .form(&[("csrf", bcsrf.as_str()), ("signed_yuan", "30,000,000")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (s, page) = common::text(&b, app.url(&at)).await;
    assert_eq!(s, 200);
    assert!(page.contains("签约 3000万元）"), "{page}");
    // A department is no institution.
    let (t, tcsrf) = app.login("tudi").await;
    let r = t
        .post(app.url(&format!("{at}/items/{item}/interest")))
        .form(&[("csrf", tcsrf.as_str()), ("signed_yuan", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let xlsx = c
        .get(app.url(&format!("{at}/export.xlsx")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = common::xlsx_text(&xlsx);
    assert!(
        text.contains("阀门智能化技改项目")
            && text.contains("80000000")
            && text.contains("30000000"),
        "{text}"
    );
    let docx = c
        .get(app.url(&format!("{at}/export.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(docx.status(), 200);
    let bytes = docx.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
    // The statistics page and its export answer for the year.
    let (s, page) = common::text(&c, app.url("/financing/stats?by=township")).await;
    assert_eq!(s, 200);
    assert!(page.contains("没有发布的融资需求"), "{page}");
    let (s, _) = common::text(
        &c,
        app.url("/financing/stats?from=2026-12-01&to=2026-01-01"),
    )
    .await;
    assert_eq!(s, 422);
}
