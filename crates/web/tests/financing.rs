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
