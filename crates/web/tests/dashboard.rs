//! The leaders' dashboard: breakdowns that add up, laggards, comparison, export.

mod common;

use common::spawn_app;
use serde_json::{Value, json};

#[tokio::test]
async fn the_dashboard_splits_figures_by_township_and_unit() {
    let app = spawn_app().await;
    let c = reqwest::Client::new();
    let admin = app.token("admin").await;
    let projects = json!([
        {"code": "S1", "name": "一", "township_code": "yongzhong", "kind": "industrial", "land_area_millimu": 1000, "land_supplied_on": "2006-02-01", "started_on": "2006-03-01", "responsible_unit_code": "drc"},
        {"code": "S2", "name": "二", "township_code": "yongzhong", "kind": "industrial", "land_area_millimu": 1000, "land_supplied_on": "2006-02-01", "responsible_unit_code": "land"},
        {"code": "S3", "name": "三", "township_code": "shacheng", "kind": "industrial", "land_area_millimu": 1000, "land_supplied_on": "2006-04-01", "started_on": "2006-05-01", "responsible_unit_code": "land"}
    ]);
    let r = c
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&admin)
        .json(&projects)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
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
            "/api/v1/campaigns/{cid}/dashboard?as_of=2006-06-30"
        )))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let t = d["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "land_supplied_2006_started")
        .unwrap();
    assert_eq!(
        (t["numerator"].as_i64(), t["denominator"].as_i64()),
        (Some(2), Some(3))
    );
    let towns = t["breakdowns"]["township"].as_array().unwrap();
    assert_eq!(towns.len(), 2);
    assert_eq!(
        (
            towns[0]["group"].as_str(),
            towns[0]["numerator"].as_i64(),
            towns[0]["denominator"].as_i64()
        ),
        (Some("shacheng"), Some(1), Some(1))
    );
    assert_eq!(
        (towns[1]["group"].as_str(), towns[1]["lagging"].as_bool()),
        (Some("yongzhong"), Some(true)),
        "1/2 is below 80%"
    );
    let units = t["breakdowns"]["unit"].as_array().unwrap();
    assert_eq!(
        units
            .iter()
            .map(|u| u["denominator"].as_i64().unwrap())
            .sum::<i64>(),
        3,
        "the parts add up"
    );

    // A read after a write shows the write (results are cached per version of the data).
    let again: Value = c
        .get(app.url(&format!(
            "/api/v1/campaigns/{cid}/dashboard?as_of=2006-06-30"
        )))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again, d, "a repeated read answers the same");
    let started = json!({"code": "S2", "name": "二", "township_code": "yongzhong", "kind": "industrial", "land_area_millimu": 1000, "land_supplied_on": "2006-02-01", "started_on": "2006-06-01", "responsible_unit_code": "land"});
    assert_eq!(
        c.post(app.url("/api/v1/projects"))
            .bearer_auth(&admin)
            .json(&started)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let after: Value = c
        .get(app.url(&format!(
            "/api/v1/campaigns/{cid}/dashboard?as_of=2006-06-30"
        )))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let t = after["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "land_supplied_2006_started")
        .unwrap();
    assert_eq!(t["numerator"], 3, "the write is seen at once");

    let (page, _) = app.login("leader").await;
    let html = page
        .get(app.url("/dashboard?as_of=2006-06-30&compare=2006-03-31"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("对比日期 2006-03-31"));
    assert!(
        html.contains("<svg") && html.contains("polyline"),
        "a monthly chart"
    );
    assert!(
        html.contains("沙城镇") && html.contains("永中街道"),
        "townships by name"
    );
    assert!(html.contains("class=\"lagging\""), "laggards are marked");
    let x = page
        .get(app.url("/dashboard/export.xlsx?as_of=2006-06-30"))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), 200);
    assert_eq!(&x.bytes().await.unwrap()[..2], b"PK");
    assert_eq!(
        page.get(app.url("/dashboard?as_of=someday"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    let (ent, _) = app.login("qiye").await;
    assert_eq!(
        ent.get(app.url("/dashboard"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}
