//! Enterprises through the API and pages: all-or-nothing upserts, credit-code
//! checks, revisions, the four enterprise targets, and what an enterprise
//! user may see.

mod common;

use common::{enterprise_user, post, spawn_app};
use serde_json::{Value, json};

const A: &str = "91350100M000100Y43";
const B: &str = "91330000142916567N";

#[tokio::test]
async fn enterprises_statistics_brands_and_their_targets() {
    let app = spawn_app().await;
    let c = reqwest::Client::new();
    let admin = app.token("admin").await;
    let url = app.url("/api/v1/enterprises");

    let (s, r) = post(&c, url.clone(), &admin, json!([
        {"credit_code": "91350100M000100Y44", "name": "错码", "township_code": "yongzhong", "industry_code": "3443"},
        {"credit_code": B, "name": "乙", "township_code": "yongzhong", "industry_code": "99"}
    ])).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["[0].credit_code", "[1].industry_code"]);
    assert!(
        r["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("校验位错误")
    );

    let (s, r) = post(&c, url.clone(), &admin, json!([
        {"credit_code": A, "name": "温州甲阀门有限公司", "township_code": "yongzhong", "industry_code": "3443", "above_scale_years": [2005, 2006]},
        {"credit_code": B, "name": "温州甲阀门厂", "township_code": "yongzhong", "industry_code": "3441", "above_scale_years": []}
    ])).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        (
            r["created"].as_i64(),
            r["warnings"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );

    let stats = json!([
        {"credit_code": A, "period": "2005-01", "output_value_yuan": 200, "sales_value_yuan": 0},
        {"credit_code": A, "period": "2006-01", "output_value_yuan": 230, "sales_value_yuan": 1_000_000_000, "employees": 120},
        {"credit_code": B, "period": "2005-01", "output_value_yuan": 100, "sales_value_yuan": 0},
        {"credit_code": B, "period": "2006-01", "output_value_yuan": 100, "sales_value_yuan": 0}
    ]);
    let (s, r) = post(
        &c,
        app.url("/api/v1/enterprise-stats"),
        &admin,
        stats.clone(),
    )
    .await;
    assert_eq!((s, r["created"].as_i64()), (200, Some(4)), "{r}");
    assert_eq!(
        post(&c, app.url("/api/v1/enterprise-stats"), &admin, stats)
            .await
            .1["unchanged"],
        4
    );
    let (s, r) = post(&c, app.url("/api/v1/enterprise-stats"), &admin, json!({"credit_code": "D2143569X", "period": "2006-01", "output_value_yuan": 1, "sales_value_yuan": 1})).await;
    assert_eq!(s, 422, "an enterprise that is not registered: {r}");
    let (s, _) = post(&c, app.url("/api/v1/enterprise-stats"), &admin, json!({"credit_code": A, "period": "2006-01", "output_value_yuan": 240, "sales_value_yuan": 1_000_000_000})).await;
    assert_eq!(s, 200, "a revision");

    let (s, r) = post(&c, app.url("/api/v1/brands"), &admin, json!({"enterprise_credit_code": A, "name": "甲牌", "level": "china_well_known", "status": "granted"})).await;
    assert_eq!(
        (s, r["fields"][0]["field"].as_str()),
        (422, Some("granted_on"))
    );
    let (s, _) = post(&c, app.url("/api/v1/brands"), &admin, json!({"enterprise_credit_code": A, "name": "甲牌", "level": "china_well_known", "status": "granted", "granted_on": "2006-01-20"})).await;
    assert_eq!(s, 200);

    let cid = c
        .get(app.url("/api/v1/campaigns"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()[0]["id"]
        .as_i64()
        .unwrap();
    let d: Value = c
        .get(app.url(&format!(
            "/api/v1/campaigns/{cid}/dashboard?as_of=2006-01-31"
        )))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let t = |code: &str| {
        d["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == code)
            .unwrap()
            .clone()
    };
    // Total: 340 vs 300; above size in 2006 (A only), both years: 240 vs 200.
    assert_eq!(
        (
            t("total_output_growth")["numerator"].as_i64(),
            t("total_output_growth")["denominator"].as_i64()
        ),
        (Some(340), Some(300))
    );
    assert_eq!(t("above_scale_output_growth")["actual_value"], 0.2);
    assert_eq!(
        t("above_scale_output_growth")["achieved"],
        true,
        "exactly 20% meets the target"
    );
    assert_eq!(t("billion_sales_enterprises")["actual_value"], 1.0);
    assert_eq!(t("china_well_known_trademarks")["actual_value"], 1.0);
    assert_eq!(
        t("billion_sales_enterprises")["drilldown"],
        "/enterprises?target=billion_sales_enterprises&as_of=2006-01-31"
    );

    // Pages.
    let (page, _) = app.login("leader").await;
    let html = page
        .get(app.url("/enterprises?target=billion_sales_enterprises&as_of=2006-01-31"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("温州甲阀门有限公司") && !html.contains("温州甲阀门厂"));
    let html = page
        .get(app.url("/enterprises?above=1&year=2006"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("共 1 家企业"));
    let html = page
        .get(app.url(&format!("/enterprises/{A}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("第 2 版") && html.contains("<svg"),
        "the revision and the chart"
    );
    assert!(html.contains("20%"), "year-on-year growth of January");
    let html = page
        .get(app.url("/brands"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("甲牌") && html.contains("中国驰名商标"));
    let x = page
        .get(app.url("/enterprises/export.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(&x.bytes().await.unwrap()[..2], b"PK");

    // Who may write: admins only; a unit user gets 403.
    let unit = app.token("jingmao").await;
    assert_eq!(post(&c, url.clone(), &unit, json!({"credit_code": A, "name": "x", "township_code": "yongzhong", "industry_code": "3443"})).await.0, 403);
}

#[tokio::test]
async fn an_enterprise_user_sees_only_its_own_enterprise() {
    let app = spawn_app().await;
    let c = reqwest::Client::new();
    let admin = app.token("admin").await;
    let (s, _) = post(
        &c,
        app.url("/api/v1/enterprises"),
        &admin,
        json!([
            {"credit_code": A, "name": "甲", "township_code": "yongzhong", "industry_code": "3443"},
            {"credit_code": B, "name": "乙", "township_code": "puzhou", "industry_code": "1952"}
        ]),
    )
    .await;
    assert_eq!(s, 200);
    enterprise_user(&app, "jia.qiye", "甲企业", A).await;
    let token = app.token("jia.qiye").await;
    // The registry is campaign-wide data: an enterprise reads its own entry only.
    assert_eq!(
        c.get(app.url("/api/v1/enterprises"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        c.get(app.url(&format!("/api/v1/enterprises/{B}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        c.get(app.url(&format!("/api/v1/enterprises/{A}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (page, _) = app.login("jia.qiye").await;
    assert_eq!(
        page.get(app.url(&format!("/enterprises/{B}")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        page.get(app.url(&format!("/enterprises/{A}")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        page.get(app.url("/enterprises"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // Its navigation leads to its own page, not to the registry.
    let html = page
        .get(app.url("/requests"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("href=\"/enterprises/{A}\"")),
        "{html}"
    );
    assert!(!html.contains("href=\"/projects\"") && !html.contains("href=\"/enterprises\""));
    assert_eq!(
        page.get(app.url("/brands")).send().await.unwrap().status(),
        403
    );
}
