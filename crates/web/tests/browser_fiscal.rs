//! A real browser runs a fiscal programme: the enterprise applies on the
//! programme's page, the office passes the formal review and closes the
//! call, three experts score on the application's page, the office ranks,
//! and the ranking shows the award within the budget.

mod common;

use common::driver::Driver;
use common::{PASSWORD, enterprise_user, spawn_app};
use domain::users::parse_new_user;
use store::Actor;
use store::testing::A;

/// Waits up to 10 s for the element `id` to show `text` (read through a
/// script: no stale element when a form posts back to the same page).
async fn wait_for(d: &Driver, id: &str, text: &str) {
    let script = format!("var e = document.getElementById('{id}'); return e ? e.innerText : '';");
    let mut seen = String::new();
    for _ in 0..100 {
        seen = d.execute(&script).await.as_str().unwrap_or("").to_string();
        if seen.contains(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("#{id} never showed “{text}”: {seen}");
}

#[tokio::test]
async fn apply_review_score_and_rank() {
    let app = spawn_app().await;
    common::enterprises_a_b(&app).await;
    enterprise_user(&app, "oulong", "企业联系人", A).await;
    for e in ["pingshen1", "pingshen2", "pingshen3"] {
        app.store
            .create_user(
                &Actor::system("t"),
                &parse_new_user(e, e, "expert", None, None).unwrap(),
                PASSWORD,
            )
            .await
            .unwrap();
    }
    let office = store::requests::Viewer::office("t");
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    let (s, r) = common::post(
        &http,
        app.url("/api/v1/projects"),
        &admin,
        serde_json::json!({
        "code": "JG1", "name": "阀门数控化改造", "township_code": "yongzhong", "kind": "industrial",
        "approved_on": "2026-02-01", "enterprise_credit_code": A}),
    )
    .await;
    assert!((200..300).contains(&s), "{r}");
    let today = common::today();
    let pid = app
        .store
        .create_fiscal_programme(
            &office,
            &store::fiscal::NewProgramme {
                title: "技改专项资金".into(),
                budget_yuan: 2_000_000,
                opens_on: Some(today),
                closes_on: Some(today + chrono::Duration::days(10)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    app.store
        .set_fiscal_experts(
            &office,
            pid,
            &["pingshen1".into(), "pingshen2".into(), "pingshen3".into()],
        )
        .await
        .unwrap();
    let programme = app.url(&format!("/fiscal/{pid}"));
    let d = Driver::start().await;
    let base = app.url("");

    // The enterprise applies on the programme's page.
    d.login_as(&base, "oulong", PASSWORD).await;
    d.goto(&programme).await;
    wait_for(&d, "no-apps", "本企业还没有申报").await;
    d.type_into("#apply-form input[name=project]", "JG1").await;
    d.type_into(
        "#apply-form input[name=eligible_investment_yuan]",
        "8000000",
    )
    .await;
    d.type_into("#apply-form input[name=amount_yuan]", "1000000")
        .await;
    d.click("#apply").await;
    let application = d.wait_url(|u| u.contains("/fiscal/applications/")).await;
    wait_for(&d, "eligibility", "符合全部申报条件").await;
    wait_for(&d, "status", "待形式审查").await;

    // The office passes it and closes the call.
    d.login_as(&base, "admin", PASSWORD).await;
    d.goto(&application).await;
    d.click("#review").await;
    wait_for(&d, "status", "形式审查通过").await;
    d.goto(&programme).await;
    d.click("#act").await;
    wait_for(&d, "status", "已截止").await;

    // Three experts score on the application's page.
    for (k, e) in ["pingshen1", "pingshen2", "pingshen3"].iter().enumerate() {
        d.login_as(&base, e, PASSWORD).await;
        d.goto(&application).await;
        for (i, v) in ["18", "30", "20", ["15", "16", "17"][k]].iter().enumerate() {
            d.type_into(&format!("#score-form input[name=c{i}]"), v)
                .await;
        }
        d.click("#score").await;
        wait_for(&d, "scores", "合计").await;
    }

    // The office ranks: 84 points, award min(1,000,000 ask, 10% of 8,000,000) = 800,000.
    d.login_as(&base, "admin", PASSWORD).await;
    d.goto(&programme).await;
    d.click("#act").await;
    wait_for(&d, "status", "已排序").await;
    wait_for(&d, "ranking", "84.00").await;
    wait_for(&d, "ranking", "80万元").await;
    d.screenshot("fiscal-ranking").await;
    d.quit().await;
}
