//! The orderly-power plan through a spawned server, on the backend
//! TEST_DATABASE_URL names: accounts by API (all or nothing, checks named),
//! the worked example with the final per-mu classes, rotation across the
//! period's plans and the recomputation of later drafts, issue,
//! acknowledgement and the summary.

mod common;

use common::{PASSWORD, TestApp, get_json, post, spawn_app, text};
use domain::users::parse_new_user;
use serde_json::{Value, json};
use store::Actor;

async fn firms(app: &TestApp) -> Vec<String> {
    let demo = domain::demo::enterprises::longwan_2006_enterprises();
    let mut four: Vec<_> = demo.enterprises.into_iter().take(4).collect();
    for e in four.iter_mut() {
        e.industry_code = "3443".into();
        e.established_on = chrono::NaiveDate::from_ymd_opt(2000, 1, 1);
        e.above_scale_years = Some(vec![2005]);
    }
    app.store
        .upsert_enterprises(&Actor::system("test"), &four)
        .await
        .unwrap();
    four.iter()
        .map(|e| e.credit_code.as_str().to_string())
        .collect()
}

fn assignments(slot: &Value) -> Vec<(String, i64)> {
    slot["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account_no"].as_str().unwrap().to_string(),
                a["shed_kw"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_worked_example_rotation_recomputation_and_acknowledgement() {
    let app = spawn_app().await;
    let c = firms(&app).await;
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    let url = |p: &str| app.url(p);

    // Final 2005 classes: c[0] A, c[1] and c[2] D-ish: give c[1], c[2] the lowest
    // tax per mu so they are the D and C of four.
    let data = json!([
        {"credit_code": c[0], "year": 2005, "land_millimu": 10000, "tax_yuan": 9000000, "electricity_kwh": 1000000},
        {"credit_code": c[1], "year": 2005, "land_millimu": 10000, "tax_yuan": 200000, "electricity_kwh": 10000000},
        {"credit_code": c[2], "year": 2005, "land_millimu": 10000, "tax_yuan": 100000, "electricity_kwh": 10000000},
        {"credit_code": c[3], "year": 2005, "land_millimu": 10000, "tax_yuan": 150000, "electricity_kwh": 1000000},
    ]);
    assert_eq!(
        post(&http, url("/api/v1/per-mu/data"), &admin, data)
            .await
            .0,
        200
    );
    let (_, r) = post(
        &http,
        url("/api/v1/per-mu/evaluations"),
        &admin,
        json!({"year": 2005, "settings": {"weights_above": {"tax_per_mu": 100}}}),
    )
    .await;
    let eid = r["id"].as_i64().unwrap();
    for (a, on) in [
        ("compute", None),
        ("publish", Some("2006-03-01")),
        ("finalize", None),
    ] {
        let mut b = json!({"action": a});
        if let Some(on) = on {
            b["on"] = json!(on);
        }
        let (s, e) = post(
            &http,
            url(&format!("/api/v1/per-mu/evaluations/{eid}/actions")),
            &admin,
            b,
        )
        .await;
        assert_eq!(s, 200, "{a}: {e}");
    }
    let (_, res) = get_json(
        &app,
        &admin,
        &format!("/api/v1/per-mu/evaluations/{eid}/results"),
    )
    .await;
    let class = |code: &str| {
        res["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["credit_code"] == code)
            .unwrap()["class"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // n = 4: A none, B 1 (c[0]), then C C D by tax per mu: c[3] 15,000, c[1] 20,000 … c[2] last.
    assert_eq!(
        (class(&c[0]), class(&c[2])),
        ("B".to_string(), "D".to_string()),
        "{res}"
    );

    // Accounts: checks named, all or nothing.
    let (s, e) = post(&http, url("/api/v1/power/accounts"), &admin, json!([
        {"account_no": "R", "credit_code": c[0], "feeder": "10kV 永中1线", "contract_kw": 300, "peak_kw": 300, "security_kw": 0, "restricted": true},
        {"account_no": "BAD", "credit_code": c[1], "contract_kw": 100, "peak_kw": 200, "security_kw": 300},
    ])).await;
    assert_eq!(s, 422, "{e}");
    assert!(
        e.to_string().contains("[1].security_kw") && e.to_string().contains("[1].peak_kw"),
        "{e}"
    );
    let (s, e) = post(&http, url("/api/v1/power/accounts"), &admin, json!([
        {"account_no": "R", "credit_code": c[0], "feeder": "10kV 永中1线", "contract_kw": 300, "peak_kw": 300, "security_kw": 0, "restricted": true},
        {"account_no": "D1", "credit_code": c[1], "feeder": "10kV 永中1线", "contract_kw": 600, "peak_kw": 550, "security_kw": 50},
        {"account_no": "D2", "credit_code": c[2], "feeder": "10kV 永中2线", "contract_kw": 400, "peak_kw": 400, "security_kw": 0},
        {"account_no": "P", "credit_code": c[3], "feeder": "10kV 永中2线", "contract_kw": 900, "peak_kw": 900, "security_kw": 0, "protected": true},
    ])).await;
    assert_eq!((s, e["written"].as_i64()), (200, Some(4)), "{e}");

    // Gap 1,000 of 8,000: R (restricted) 300, then D2 (class D) 400, then D1 (class C) the remaining 300.
    let (s, p1) = post(
        &http,
        url("/api/v1/power/plans"),
        &admin,
        json!({"period": "2006年夏季有序用电", "date": "2006-07-11",
        "slots": [{"start": "09:00", "end": "11:00", "gap_kw": 1000, "forecast_max_kw": 8000}]}),
    )
    .await;
    assert_eq!(s, 201, "{p1}");
    let slot = &p1["slots"][0];
    assert_eq!(slot["level"], "II");
    assert_eq!(
        assignments(slot),
        vec![("R".into(), 300), ("D2".into(), 400), ("D1".into(), 300)]
    );
    assert_eq!(slot["assignments"][0]["restricted"], true);
    assert_eq!(slot["uncovered_kw"], 0);

    // An earlier plan of the period (computed first): its shedding moves the later draft's rotation.
    let (s, p0) = post(
        &http,
        url("/api/v1/power/plans"),
        &admin,
        json!({"period": "2006年夏季有序用电", "date": "2006-07-10",
        "slots": [{"start": "09:00", "end": "10:00", "gap_kw": 2500, "forecast_max_kw": 10000}]}),
    )
    .await;
    assert_eq!(s, 201);
    // Everything sheddable: 300 + 400 + 500 = 1,200 of 2,500 (P is protected); level Ⅰ at exactly 25%.
    assert_eq!(
        (
            p0["slots"][0]["level"].as_str(),
            p0["slots"][0]["uncovered_kw"].as_i64()
        ),
        (Some("I"), Some(1300))
    );
    let (_, p1) = get_json(&app, &admin, &format!("/api/v1/power/plans/{}", p1["id"])).await;
    // R and D2 both shed 1 hour already; within their tiers nothing changes, but the order holds.
    assert_eq!(assignments(&p1["slots"][0])[0], ("R".to_string(), 300));

    // Issue the first day; the enterprise acknowledges from its notices.
    let (s, issued) = post(
        &http,
        url(&format!("/api/v1/power/plans/{}/issue", p0["id"])),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!((s, issued["status"].as_str()), (200, Some("issued")));
    assert_eq!(
        post(
            &http,
            url(&format!("/api/v1/power/plans/{}/issue", p0["id"])),
            &admin,
            json!({})
        )
        .await
        .0,
        409
    );
    app.store
        .create_user(
            &Actor::system("t"),
            &parse_new_user("d2qiye", "d2", "enterprise", None, Some(&c[2])).unwrap(),
            PASSWORD,
        )
        .await
        .unwrap();
    let token = app.token("d2qiye").await;
    let (_, n) = get_json(&app, &token, "/api/v1/notifications/count").await;
    assert_eq!(n["total"], 1, "the notice waits in the inbox: {n}");
    let (ec, csrf) = app.login("d2qiye").await;
    let (s, page) = text(&ec, url("/power/notices")).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("D2") && page.contains("400") && !page.contains(">D1<"),
        "only its own accounts"
    );
    let r = ec
        .post(url(&format!("/power/plans/{}/ack", p0["id"])))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, n) = get_json(&app, &token, "/api/v1/notifications/count").await;
    assert_eq!(n["total"], 0);
    // Actual loads from the filled export: all or nothing, rows named.
    let (ac, acsrf) = app.login("admin").await;
    let book = |rows: &[(&str, &str, &str)]| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("错峰安排").unwrap();
        for (k, h) in ["时段", "用户编号", "实际负荷（千瓦）"].iter().enumerate() {
            ws.write_string(0, k as u16, *h).unwrap();
        }
        for (r, (slot, no, kw)) in rows.iter().enumerate() {
            ws.write_string(r as u32 + 1, 0, *slot).unwrap();
            ws.write_string(r as u32 + 1, 1, *no).unwrap();
            ws.write_string(r as u32 + 1, 2, *kw).unwrap();
        }
        wb.save_to_buffer().unwrap()
    };
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("实际负荷.xlsx"),
        );
        ac.post(url(&format!(
            "/power/plans/{}/actuals/import?csrf={acsrf}",
            p0["id"]
        )))
        .multipart(form)
        .send()
    };
    let r = upload(book(&[
        ("09:00–10:00", "R", "300"),
        ("09:00–10:00", "P", "10"),
        ("13:00–14:00", "D2", "0"),
    ]))
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("第 3 行“用户编号”") && body.contains("第 4 行“时段”"),
        "{body}"
    );
    let r = upload(book(&[
        ("09:00–10:00", "R", "300"),
        ("09:00-10:00", "D2", "0"),
    ]))
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    // The summary: planned kWh per enterprise, acknowledgements, R kept running.
    let (s, page) = text(&ac, url("/power/summary?period=2006年夏季有序用电")).await;
    assert_eq!(s, 200);
    assert!(page.contains("id=\"summary\""), "{page}");
    let rows = app.store.power_summary("2006年夏季有序用电").await.unwrap();
    let r0 = rows.iter().find(|r| r.credit_code == c[0]).unwrap();
    assert_eq!((r0.not_complied, r0.planned_kw_min), (1, 300 * 60));
    let r2 = rows.iter().find(|r| r.credit_code == c[2]).unwrap();
    assert_eq!((r2.not_complied, r2.acknowledged), (0, 1));
    // The power company's export.
    let x = ac
        .get(url(&format!("/power/plans/{}/export.xlsx", p0["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), 200);
}

#[tokio::test]
async fn changing_an_earlier_plan_recomputes_the_later_drafts_but_not_issued_ones() {
    let app = spawn_app().await;
    let c = firms(&app).await;
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    let url = |p: &str| app.url(p);
    // Two unclassified accounts of the same tax per kWh (none): the account number decides.
    let (s, _) = post(&http, url("/api/v1/power/accounts"), &admin, json!([
        {"account_no": "A-1", "credit_code": c[0], "contract_kw": 100, "peak_kw": 100, "security_kw": 0},
        {"account_no": "A-2", "credit_code": c[1], "contract_kw": 100, "peak_kw": 100, "security_kw": 0},
    ])).await;
    assert_eq!(s, 200);
    let plan = |date: &str, gap: i64| {
        json!({"period": "夏季", "date": date,
        "slots": [{"start": "09:00", "end": "10:00", "gap_kw": gap, "forecast_max_kw": 10000}]})
    };
    let (_, first) = post(
        &http,
        url("/api/v1/power/plans"),
        &admin,
        plan("2006-07-10", 100),
    )
    .await;
    let (_, second) = post(
        &http,
        url("/api/v1/power/plans"),
        &admin,
        plan("2006-07-11", 100),
    )
    .await;
    let (_, third) = post(
        &http,
        url("/api/v1/power/plans"),
        &admin,
        plan("2006-07-12", 100),
    )
    .await;
    // Rotation: A-1, then A-2 (A-1 has shed), then A-1 again (equal energy: the number).
    assert_eq!(
        assignments(&first["slots"][0]),
        vec![("A-1".to_string(), 100)]
    );
    assert_eq!(
        assignments(&second["slots"][0]),
        vec![("A-2".to_string(), 100)]
    );
    assert_eq!(
        assignments(&third["slots"][0]),
        vec![("A-1".to_string(), 100)]
    );
    // Issue the third; then the first day's gap vanishes: the second day goes back to A-1,
    // the issued third keeps its assignment.
    assert_eq!(
        post(
            &http,
            url(&format!("/api/v1/power/plans/{}/issue", third["id"])),
            &admin,
            json!({})
        )
        .await
        .0,
        200
    );
    let r = http
        .put(url(&format!("/api/v1/power/plans/{}", first["id"])))
        .bearer_auth(&admin)
        .json(&json!({"slots": [{"start": "09:00", "end": "10:00", "gap_kw": 0, "forecast_max_kw": 10000}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, second) = get_json(
        &app,
        &admin,
        &format!("/api/v1/power/plans/{}", second["id"]),
    )
    .await;
    assert_eq!(
        assignments(&second["slots"][0]),
        vec![("A-1".to_string(), 100)]
    );
    let (_, third) = get_json(
        &app,
        &admin,
        &format!("/api/v1/power/plans/{}", third["id"]),
    )
    .await;
    assert_eq!(
        assignments(&third["slots"][0]),
        vec![("A-1".to_string(), 100)]
    );
    // An issued plan cannot change.
    let r = http
        .put(url(&format!("/api/v1/power/plans/{}", third["id"])))
        .bearer_auth(&admin)
        .json(&json!({"slots": [{"start": "09:00", "end": "10:00", "gap_kw": 5, "forecast_max_kw": 10000}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
}
