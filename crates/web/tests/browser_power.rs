//! A real browser: an enterprise finds an issued orderly-power plan in its
//! inbox, reads its slots and kW, and acknowledges; the office sees it.

mod common;

use common::driver::Driver;
use common::{PASSWORD, enterprise_user, spawn_app};
use serde_json::json;
use store::Actor;

#[tokio::test]
async fn an_enterprise_acknowledges_its_power_notice() {
    let app = spawn_app().await;
    let demo = domain::demo::enterprises::longwan_2006_enterprises();
    let two: Vec<_> = demo.enterprises.into_iter().take(2).collect();
    app.store
        .upsert_enterprises(&Actor::system("test"), &two)
        .await
        .unwrap();
    let codes: Vec<String> = two
        .iter()
        .map(|e| e.credit_code.as_str().to_string())
        .collect();
    enterprise_user(&app, "oulong", "企业联系人", &codes[0]).await;
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    let post = |path: &str, body: serde_json::Value| {
        http.post(app.url(path))
            .bearer_auth(&admin)
            .json(&body)
            .send()
    };
    let s = post("/api/v1/power/accounts", json!([
        {"account_no": "330300001", "credit_code": codes[0], "feeder": "10kV 永中1线", "contract_kw": 800, "peak_kw": 600, "security_kw": 100},
        {"account_no": "330300002", "credit_code": codes[1], "feeder": "10kV 永中2线", "contract_kw": 800, "peak_kw": 600, "security_kw": 100},
    ])).await.unwrap().status();
    assert_eq!(s, 200);
    let plan: serde_json::Value = post(
        "/api/v1/power/plans",
        json!({"period": "2006年夏季有序用电", "date": "2006-07-12",
        "slots": [{"start": "09:00", "end": "11:00", "gap_kw": 700, "forecast_max_kw": 3000}]}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let id = plan["id"].as_i64().unwrap();
    assert_eq!(
        post(&format!("/api/v1/power/plans/{id}/issue"), json!({}))
            .await
            .unwrap()
            .status(),
        200
    );

    let d = Driver::start().await;
    let base = app.url("");
    d.login_as(&base, "oulong", PASSWORD).await;
    d.goto(&app.url("/inbox")).await;
    assert!(
        d.text("#power-reminder")
            .await
            .contains("2006年夏季有序用电")
    );
    d.click("#power-reminder a").await;
    let notice = d.text(&format!("#notice-{id}")).await;
    assert!(
        notice.contains("09:00–11:00") && notice.contains("330300001") && notice.contains("500"),
        "{notice}"
    );
    d.screenshot("power-notice").await;
    d.click(&format!("#ack-{id}")).await;
    // The same address reloads: read through a script until the new page says so.
    let script =
        format!("var e = document.getElementById('notice-{id}'); return e ? e.innerText : '';");
    let mut acked = false;
    for _ in 0..100 {
        if d.execute(&script)
            .await
            .as_str()
            .unwrap_or("")
            .contains("已签收")
        {
            acked = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(acked, "the notice shows 已签收");

    d.login_as(&base, "admin", PASSWORD).await;
    d.goto(&app.url(&format!("/power/plans/{id}"))).await;
    assert!(
        d.text("#slots").await.contains("Ⅰ级"),
        "700 of 3,000 is over 20%"
    );
    d.screenshot("power-plan").await;
    let page = d.execute("return document.body.innerText").await;
    assert!(page.as_str().unwrap().contains("已签收"));
    d.quit().await;
}
