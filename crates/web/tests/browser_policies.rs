//! A real browser at phone width: an enterprise finds a policy that
//! concerns it in its inbox, reads it (counted as read) and asks about it;
//! the question is a request in the policy category, linked to the policy.

mod common;

use common::driver::Driver;
use common::{PASSWORD, enterprise_user, spawn_app};
use store::testing::A;

/// Waits up to 10 s for the element `id` to show `text` (read through a script).
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
async fn an_enterprise_reads_a_policy_and_asks_about_it_on_a_phone() {
    let app = spawn_app().await;
    common::enterprises_a_b(&app).await;
    enterprise_user(&app, "oulong", "企业联系人", A).await;
    let office = store::requests::Viewer::office("t");
    let p = app
        .store
        .create_policy(
            &office,
            &store::policies::NewPolicy {
                title: "永中街道工业企业用地优惠政策".into(),
                document_number: "永街〔2006〕3号".into(),
                issuing_body: "永中街道办事处".into(),
                issued_on: Some(chrono::NaiveDate::from_ymd_opt(2006, 5, 25).unwrap()),
                body: "一、适用范围\n二、优惠内容".into(),
                categories: vec!["energy_land".into()],
                applies_to: domain::policies::AppliesTo {
                    townships: vec!["yongzhong".into()],
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let p = app
        .store
        .publish_policy(
            &office,
            p.id,
            chrono::NaiveDate::from_ymd_opt(2006, 5, 26).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(p.matched, 1, "A is in yongzhong, B is not");

    let d = Driver::start().await;
    d.resize(390, 844).await;
    d.login_as(&app.url(""), "oulong", PASSWORD).await;
    d.goto(&app.url("/inbox")).await;
    wait_for(&d, "inbox-policies", "永中街道工业企业用地优惠政策").await;
    wait_for(&d, "inbox-policies", "未读").await;
    // The page fits the phone: no horizontal scrolling.
    let wide = d
        .execute("return document.documentElement.scrollWidth > window.innerWidth + 1;")
        .await;
    assert_eq!(
        wide,
        serde_json::json!(false),
        "the inbox scrolls sideways at 390 px"
    );
    d.click("#inbox-policies a").await;
    wait_for(&d, "body", "优惠内容").await;
    d.type_into(
        "#ask-form textarea[name=question]",
        "本企业厂房扩建是否适用？",
    )
    .await;
    d.click("#ask").await;
    d.wait_url(|u| u.contains("/requests/")).await;
    wait_for(&d, "asked-policy", "查看政策").await;
    let wide = d
        .execute("return document.documentElement.scrollWidth > window.innerWidth + 1;")
        .await;
    assert_eq!(
        wide,
        serde_json::json!(false),
        "the request scrolls sideways at 390 px"
    );
    d.screenshot("policy-question-phone").await;
    d.quit().await;

    let (list, _) = app.store.policies(&office, 0, 10).await.unwrap();
    assert_eq!(list[0].read, 1, "opening it counted as read");
}
