//! A real browser runs the year-end evaluation: an enterprise answers the
//! questionnaire, the office closes the round, publishes it (a 公示 posted
//! on paper earlier), finalizes it and sees the prizes on the results page.

mod common;

use common::driver::Driver;
use common::{PASSWORD, enterprise_user, spawn_app};
use serde_json::json;
use store::Actor;

#[tokio::test]
async fn an_enterprise_answers_and_the_office_finalizes_the_awards() {
    let app = spawn_app().await;
    let e = domain::demo::enterprises::longwan_2006_enterprises();
    let six: Vec<_> = e.enterprises.into_iter().take(6).collect();
    app.store
        .upsert_enterprises(&Actor::system("test"), &six)
        .await
        .unwrap();
    let codes: Vec<String> = six
        .iter()
        .map(|x| x.credit_code.as_str().to_string())
        .collect();
    enterprise_user(&app, "oulong", "企业联系人", &codes[0]).await;
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    let r: serde_json::Value = http
        .post(app.url("/api/v1/evaluations"))
        .bearer_auth(&admin)
        .json(&json!({"title": "2006年度部门服务评议", "settings": {"weights": {"targets": 0}}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = r["id"].as_i64().unwrap();
    // Paper ballots from five other enterprises: the DRC well ahead of the land bureau.
    let mut ballots = vec![];
    for c in &codes[1..] {
        ballots.push(json!({"group": "enterprise", "respondent": c, "unit": "drc", "level": "very_satisfied"}));
        ballots.push(
            json!({"group": "enterprise", "respondent": c, "unit": "land", "level": "satisfied"}),
        );
    }
    let d = Driver::start().await;
    let base = app.url("");

    // The office opens the round on its page.
    d.login_as(&base, "admin", PASSWORD).await;
    d.goto(&app.url(&format!("/evaluations/{id}"))).await;
    d.click("#action-open").await;
    d.find("#flash").await;
    assert_eq!(d.text("#status").await, "评议中");
    let s = http
        .post(app.url(&format!("/api/v1/evaluations/{id}/ballots")))
        .bearer_auth(&admin)
        .json(&ballots)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(s, 201);

    // The enterprise finds the questionnaire in its inbox and answers.
    d.login_as(&base, "oulong", PASSWORD).await;
    d.goto(&app.url("/inbox")).await;
    assert!(
        d.text("#questionnaire-reminder")
            .await
            .contains("2006年度部门服务评议")
    );
    d.click("#questionnaire-reminder a").await;
    d.find("#questionnaire").await;
    d.click("#q-drc input[value=very_satisfied]").await;
    d.type_into("#q-drc textarea", "项目审批很快").await;
    d.click("#q-land input[value=basic]").await;
    d.screenshot("evaluation-questionnaire").await;
    d.click("#submit-questionnaire").await;
    assert!(d.text("#saved").await.contains("已保存 2 个单位"));

    // The office closes, publishes a 公示 posted in January, finalizes.
    d.login_as(&base, "admin", PASSWORD).await;
    d.goto(&app.url(&format!("/evaluations/{id}"))).await;
    d.click("#action-close").await;
    d.find("#action-publish").await;
    d.execute("document.querySelector('input[name=on]').value = '2026-01-05';")
        .await;
    d.click("#action-publish").await;
    d.find("#action-finalize").await;
    d.click("#action-finalize").await;
    d.find("#notice-link").await;
    assert_eq!(d.text("#status").await, "已定稿");
    let results = d.text("#results-table").await;
    assert!(
        results.contains("区发改局") && results.contains("一等奖"),
        "{results}"
    );
    // DRC: six ballots of 100 → 100; land: five of 80 and one 60 → trimmed 80.
    assert!(
        results.contains("100.00") && results.contains("80.00"),
        "{results}"
    );
    assert!(results.contains("30,000"), "{results}");
    assert!(
        d.text("#total-awarded").await.contains("60,000"),
        "two first prizes of 30,000"
    );
    d.screenshot("evaluation-results").await;
    // The 通报 is issued from the final round.
    d.click("#notice-link").await;
    d.click("#issue").await;
    assert!(d.text("#issued").await.contains("号"));
    d.screenshot("evaluation-notice").await;
    d.quit().await;
}
