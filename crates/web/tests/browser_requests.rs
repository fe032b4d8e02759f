//! A real browser follows an enterprise request round the loop: the
//! enterprise submits it with an attachment, the office assigns it, the unit
//! accepts, replies and resolves, and the enterprise rates it.

mod common;

use common::driver::Driver;
use common::{PASSWORD, enterprise_user, spawn_app};
use serde_json::json;

const A: &str = "91350100M000100Y43";

#[tokio::test]
async fn submit_assign_reply_and_rate() {
    let app = spawn_app().await;
    let admin = app.token("admin").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/enterprises"))
        .bearer_auth(&admin)
        .json(&json!({"credit_code": A, "name": "温州瓯龙阀门有限公司", "township_code": "yongzhong", "industry_code": "3443"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    enterprise_user(&app, "oulong", "瓯龙阀门", A).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("情况说明.txt");
    std::fs::write(&file, "厂区周边夜间治安较差").unwrap();

    let d = Driver::start().await;
    let base = app.url("");
    // The enterprise raises a difficulty ("other" has no routing rule: it waits for the office).
    d.login_as(&base, "oulong", PASSWORD).await;
    d.goto(&app.url("/requests")).await;
    assert!(d.text("#empty").await.contains("还没有提出诉求"));
    d.click("#new-request").await;
    d.find("#request-form").await;
    d.execute("document.getElementById('category').value = 'other';")
        .await;
    d.type_into("#title", "厂区周边治安").await;
    d.type_into("#description", "夜间有外来人员翻墙，请协调加强巡逻。")
        .await;
    d.type_into("#attachments", file.to_str().unwrap()).await;
    d.click("#submit").await;
    let url = d
        .wait_url(|u| u.contains("/requests/") && !u.ends_with("/new"))
        .await;
    wait_status(&d, "待分派").await;
    assert!(d.text("#attachments").await.contains("情况说明.txt"));

    // The office assigns it to the economy bureau.
    d.login_as(&base, "admin", PASSWORD).await;
    d.goto(&url).await;
    d.execute("document.getElementById('assign-unit').value = 'economy';")
        .await;
    d.click("#assign").await;
    wait_status(&d, "待受理").await;
    assert!(d.text("#unit").await.contains("区经贸(交通)局"));

    // The unit finds it in its queue, accepts, replies and resolves.
    d.login_as(&base, "jingmao", PASSWORD).await;
    d.goto(&app.url("/requests")).await;
    assert!(d.text("#requests").await.contains("厂区周边治安"));
    d.goto(&url).await;
    d.click("#accept").await;
    d.find("#reply").await;
    wait_status(&d, "办理中").await;
    d.type_into("#reply-note", "已联系派出所，本周起加强夜间巡逻。")
        .await;
    d.click("#reply").await;
    d.find("#resolve").await;
    wait_status(&d, "已答复").await;
    d.type_into("#reply-note", "派出所已在厂区周边增设巡逻点。")
        .await;
    d.click("#resolve").await;
    wait_status(&d, "已办结待评价").await;

    // The enterprise sees the answer and rates it.
    d.login_as(&base, "oulong", PASSWORD).await;
    d.goto(&url).await;
    assert!(d.text("#events").await.contains("已联系派出所"));
    d.click("#rating-satisfied").await;
    d.click("#rate").await;
    wait_status(&d, "已关闭").await;
    let events = d.text("#events").await;
    for step in ["提交", "分派", "受理", "答复", "办结", "评价"] {
        assert!(events.contains(step), "{step} in {events}");
    }
    d.quit().await;
}

/// Waits up to 10 s for the request's status badge to read `want` (a form
/// posts and redirects back to the same address, so the URL cannot tell).
async fn wait_status(d: &Driver, want: &str) {
    let mut last = String::new();
    for _ in 0..100 {
        let v = d
            .execute("var e = document.getElementById('status'); return e ? e.textContent : '';")
            .await;
        last = v.as_str().unwrap_or_default().trim().to_string();
        if last == want {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("status stayed {last}, wanted {want}")
}
