//! A real browser: an enterprise reads its per-mu evaluation sheet from its
//! profile during the 公示 and objects with a reason and an attachment; the
//! office sees the objection on the evaluation's page.

mod common;

use common::driver::Driver;
use common::{PASSWORD, enterprise_user, spawn_app};
use serde_json::json;
use store::Actor;

#[tokio::test]
async fn an_enterprise_reads_its_sheet_and_objects() {
    let app = spawn_app().await;
    let demo = domain::demo::enterprises::longwan_2006_enterprises();
    let mut three: Vec<_> = demo.enterprises.into_iter().take(3).collect();
    for e in three.iter_mut() {
        e.industry_code = "3443".into();
        e.above_scale_years = Some(vec![2006]);
    }
    app.store
        .upsert_enterprises(&Actor::system("test"), &three)
        .await
        .unwrap();
    let codes: Vec<String> = three
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
    let rows: Vec<_> = codes
        .iter()
        .zip([(20_000, 3_000_000), (10_000, 600_000), (15_000, 9_000_000)])
        .map(|(c, (land, tax))| json!({"credit_code": c, "year": 2006, "land_millimu": land, "tax_yuan": tax}))
        .collect();
    assert!(
        post("/api/v1/per-mu/data", json!(rows))
            .await
            .unwrap()
            .status()
            .is_success()
    );
    let r: serde_json::Value = post("/api/v1/per-mu/evaluations", json!({"year": 2006}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = r["id"].as_i64().unwrap();
    for a in ["compute", "publish"] {
        let s = post(
            &format!("/api/v1/per-mu/evaluations/{id}/actions"),
            json!({"action": a}),
        )
        .await
        .unwrap()
        .status();
        assert_eq!(s, 200, "{a}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("土地证.pdf");
    std::fs::write(&file, b"%PDF-1.4 land certificate").unwrap();

    let d = Driver::start().await;
    let base = app.url("");
    d.login_as(&base, "oulong", PASSWORD).await;
    d.goto(&app.url(&format!("/enterprises/{}", codes[0])))
        .await;
    assert!(d.text("#class-history").await.contains("2006"));
    d.click("#class-history a").await;
    d.find("#verdict").await;
    assert!(d.text("#class").await.contains("类"));
    assert!(d.text("#items").await.contains("亩均税收"));
    d.screenshot("per-mu-sheet").await;
    d.type_into("#reason", "用地面积应为 18 亩，附土地证").await;
    d.type_into("#attachment", file.to_str().unwrap()).await;
    d.click("#object").await;
    assert!(d.text("#saved").await.contains("异议已提交"));

    d.login_as(&base, "admin", PASSWORD).await;
    d.goto(&app.url(&format!("/per-mu/{id}"))).await;
    let table = d.text("#objection-table").await;
    assert!(
        table.contains("用地面积应为 18 亩") && table.contains("土地证.pdf"),
        "{table}"
    );
    assert!(d.text("#benchmarks").await.contains("280000.00"));
    d.screenshot("per-mu-evaluation").await;
    d.quit().await;
}
