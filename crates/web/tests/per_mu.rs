//! The per-mu evaluation through a spawned server, on the backend
//! TEST_DATABASE_URL names: annual data by API (absent kept, null cleared,
//! every bad field named) and prefilled from the monthly statistics, the
//! worked example's benchmark and scores, the lifecycle's refusals, a veto
//! from the credit-events API, objections scoped to the enterprise itself,
//! the import naming bad cells, and the results document.

mod common;

use common::{PASSWORD, TestApp, get_json, post, spawn_app, text};
use domain::users::parse_new_user;
use serde_json::{Value, json};
use store::Actor;

/// Six demo enterprises (valid codes), manufacturing, old, the first three above size in 2006.
async fn firms(app: &TestApp) -> Vec<String> {
    let demo = domain::demo::enterprises::longwan_2006_enterprises();
    let mut six: Vec<_> = demo.enterprises.into_iter().take(6).collect();
    for (k, e) in six.iter_mut().enumerate() {
        e.industry_code = "3443".into();
        e.established_on = chrono::NaiveDate::from_ymd_opt(2000, 1, 1);
        e.above_scale_years = Some(if k < 3 { vec![2006] } else { vec![] });
    }
    app.store
        .upsert_enterprises(&Actor::system("test"), &six)
        .await
        .unwrap();
    six.iter()
        .map(|e| e.credit_code.as_str().to_string())
        .collect()
}

async fn action(app: &TestApp, token: &str, id: i64, a: &str, on: Option<&str>) -> (u16, Value) {
    let mut body = json!({"action": a});
    if let Some(on) = on {
        body["on"] = json!(on);
    }
    post(
        &reqwest::Client::new(),
        app.url(&format!("/api/v1/per-mu/evaluations/{id}/actions")),
        token,
        body,
    )
    .await
}

fn item<'a>(r: &'a Value, code: &str) -> &'a Value {
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["credit_code"] == code)
        .unwrap_or_else(|| panic!("{code} in {r}"))
}

#[tokio::test]
async fn the_worked_example_through_the_api_with_lifecycle_veto_and_objections() {
    let app = spawn_app().await;
    let c = firms(&app).await;
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    let url = |p: &str| app.url(p);

    // Every bad field is named; nothing is written.
    let (s, e) = post(
        &http,
        url("/api/v1/per-mu/data"),
        &admin,
        json!([
            {"credit_code": c[0], "year": 2006, "land_millimu": 20000, "energy_kgce": -5},
            {"credit_code": "91330000000000000X", "year": 1999, "tax_yuan": 1.5},
        ]),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    let t = e.to_string();
    for f in [
        "[0].energy_kgce",
        "[1].credit_code",
        "[1].year",
        "[1].tax_yuan",
    ] {
        assert!(t.contains(f), "{f} in {t}");
    }
    // The worked example: tax 3,000,000 / 600,000 / 9,000,000 on 20 / 10 / 15 mu.
    let (s, r) = post(&http, url("/api/v1/per-mu/data"), &admin, json!([
        {"credit_code": c[0], "year": 2006, "land_millimu": 20000, "tax_yuan": 3000000, "emission_kg": 7},
        {"credit_code": c[1], "year": 2006, "land_millimu": 10000, "tax_yuan": 600000},
        {"credit_code": c[2], "year": 2006, "land_millimu": 15000, "tax_yuan": 9000000},
        {"credit_code": c[3], "year": 2006, "land_millimu": 2999, "tax_yuan": 100},
    ])).await;
    assert_eq!((s, r["written"].as_i64()), (200, Some(4)), "{r}");
    // Absent keeps, null clears.
    let (s, _) = post(
        &http,
        url("/api/v1/per-mu/data"),
        &admin,
        json!({"credit_code": c[0], "year": 2006, "emission_kg": null}),
    )
    .await;
    assert_eq!(s, 200);
    let d = app.store.per_mu_data(&c[0], 2006).await.unwrap().unwrap();
    assert_eq!(
        (d.entered.tax_yuan, d.entered.emission_kg),
        (Some(3_000_000), None)
    );

    let (s, r) = post(
        &http,
        url("/api/v1/per-mu/evaluations"),
        &admin,
        json!({"year": 2006, "settings": {"weights_above": {"tax_per_mu": 30}}}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_i64().unwrap();
    assert_eq!(
        post(
            &http,
            url("/api/v1/per-mu/evaluations"),
            &admin,
            json!({"year": 2006})
        )
        .await
        .0,
        409,
        "one per year"
    );
    assert_eq!(
        action(&app, &admin, id, "publish", None).await.0,
        409,
        "nothing computed yet"
    );
    assert_eq!(action(&app, &admin, id, "compute", None).await.0, 200);
    let (s, r) = get_json(
        &app,
        &admin,
        &format!("/api/v1/per-mu/evaluations/{id}/results"),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["benchmarks"]["above"]["tax_per_mu"], 280000.0);
    assert_eq!(item(&r, &c[0])["total_score"], 16.0714);
    assert_eq!(item(&r, &c[1])["total_score"], 6.4286);
    assert_eq!(item(&r, &c[2])["total_score"], 45.0);
    assert_eq!(item(&r, &c[2])["rank"], 1);
    assert_eq!(item(&r, &c[2])["class"], "B", "n = 3: no A");
    assert_eq!(item(&r, &c[1])["class"], "D");
    assert_eq!(item(&r, &c[0])["indicators"]["tax_per_mu"], 150000.0);
    assert_eq!(item(&r, &c[0])["scores"]["tax_per_mu"], 16.0714);
    // Below 3 mu and without land: not listed.
    assert_eq!(r["items"].as_array().unwrap().len(), 3, "{r}");

    // A veto in the year: B becomes C.
    let (s, e) = post(&http, url("/api/v1/credit-events"), &admin, json!([
        {"credit_code": c[2], "date": "2006-08-01", "kind": "veto", "title": "发生较大安全生产事故", "source": "区安监局"},
        {"credit_code": c[2], "date": "2006-13-01", "kind": "fine", "title": ""},
    ])).await;
    assert_eq!(s, 422, "{e}");
    assert!(
        e.to_string().contains("[1].date")
            && e.to_string().contains("[1].kind")
            && e.to_string().contains("[1].title"),
        "{e}"
    );
    let (s, _) = post(&http, url("/api/v1/credit-events"), &admin,
        json!({"credit_code": c[2], "date": "2006-08-01", "kind": "veto", "title": "发生较大安全生产事故", "source": "区安监局"})).await;
    assert_eq!(s, 201);
    action(&app, &admin, id, "compute", None).await;
    let (_, r) = get_json(
        &app,
        &admin,
        &format!("/api/v1/per-mu/evaluations/{id}/results"),
    )
    .await;
    assert_eq!(
        (
            item(&r, &c[2])["class"].as_str(),
            item(&r, &c[2])["rank"].as_i64()
        ),
        (Some("C"), Some(1))
    );

    // 公示 today; the enterprise sees its own sheet, not another's, and objects.
    assert_eq!(
        action(&app, &admin, id, "publish", Some("2999-01-01"))
            .await
            .0,
        409
    );
    assert_eq!(action(&app, &admin, id, "publish", None).await.0, 200);
    for (u, code) in [("yiqiye", &c[0]), ("bingqiye", &c[1])] {
        app.store
            .create_user(
                &Actor::system("t"),
                &parse_new_user(u, u, "enterprise", None, Some(code)).unwrap(),
                PASSWORD,
            )
            .await
            .unwrap();
    }
    let (yc, csrf) = app.login("yiqiye").await;
    let (s, page) = text(&yc, url(&format!("/per-mu/{id}/enterprises/{}", c[0]))).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("16.0714") && page.contains("objection-form"),
        "its sheet with the form"
    );
    assert_eq!(
        text(&yc, url(&format!("/per-mu/{id}/enterprises/{}", c[1])))
            .await
            .0,
        403
    );
    assert_eq!(
        text(&yc, url(&format!("/per-mu/{id}"))).await.0,
        403,
        "not the whole list"
    );
    let form = || {
        reqwest::multipart::Form::new()
            .text("reason", "用地面积应为 18 亩，附土地证")
            .part(
                "attachment",
                reqwest::multipart::Part::bytes(b"%PDF-1.4 land".to_vec()).file_name("土地证.pdf"),
            )
    };
    let r = yc
        .post(url(&format!(
            "/per-mu/{id}/enterprises/{}/objection?csrf={csrf}",
            c[1]
        )))
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "not for another enterprise");
    let r = yc
        .post(url(&format!(
            "/per-mu/{id}/enterprises/{}/objection?csrf={csrf}",
            c[0]
        )))
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let objections = app.store.per_mu_objections(id, None).await.unwrap();
    assert_eq!(objections.len(), 1);
    let oid = objections[0].id;
    // The other enterprise cannot download the attachment; the first can.
    let (bc, _) = app.login("bingqiye").await;
    assert_eq!(
        bc.get(url(&format!("/per-mu/objections/{oid}/file")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        yc.get(url(&format!("/per-mu/objections/{oid}/file")))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    // Final waits for the end of the 公示 (and the objection).
    let (s, e) = action(&app, &admin, id, "finalize", None).await;
    assert_eq!(s, 409, "{e}");
    // The office corrects the land and recomputes, then answers.
    post(
        &http,
        url("/api/v1/per-mu/data"),
        &admin,
        json!({"credit_code": c[0], "year": 2006, "land_millimu": 18000}),
    )
    .await;
    assert_eq!(
        action(&app, &admin, id, "compute", None).await.0,
        200,
        "recompute during the 公示"
    );
    let (ac, acsrf) = app.login("admin").await;
    let r = ac
        .post(url(&format!("/per-mu/{id}/objections/{oid}/answer")))
        .form(&[
            ("csrf", acsrf.as_str()),
            ("status", "corrected"),
            ("answer", "已按土地证更正为 18 亩并重新计算"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, r) = get_json(
        &app,
        &admin,
        &format!("/api/v1/per-mu/evaluations/{id}/results"),
    )
    .await;
    // Tax now 12,600,000 / 43 mu; c[0]: 30 × (3,000,000/18) / (12,600,000/43) = 17.0635 (rounded).
    assert_eq!(item(&r, &c[0])["total_score"], 17.0635, "{r}");
    let (s, page) = text(&yc, url(&format!("/per-mu/{id}/enterprises/{}", c[0]))).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("已按土地证更正"),
        "the enterprise sees the answer"
    );
    // The results document waits for final.
    assert_eq!(text(&ac, url(&format!("/per-mu/{id}/notice"))).await.0, 409);
}

#[tokio::test]
async fn monthly_statistics_prefill_and_a_past_notice_lets_the_office_finalize() {
    let app = spawn_app().await;
    let c = firms(&app).await;
    let admin = app.token("admin").await;
    let http = reqwest::Client::new();
    // Two months of statistics for c[0]: tax summed, land of the last month, employees averaged.
    for (period, tax, land, emp) in [
        ("2006-01", 100_000, 15_000, 40),
        ("2006-02", 50_000, 16_000, 41),
    ] {
        let (s, e) = post(&http, app.url("/api/v1/enterprise-stats"), &admin, json!({
            "credit_code": c[0], "period": period, "output_value_yuan": 1_000_000, "sales_value_yuan": 900_000,
            "tax_yuan": tax, "land_millimu": land, "employees": emp, "electricity_kwh": 1000, "energy_kgce": 10
        })).await;
        assert!(s < 300, "{s} {e}");
    }
    let d = app.store.per_mu_data(&c[0], 2006).await.unwrap().unwrap();
    assert_eq!(
        (d.used.tax_yuan, d.used.land_millimu, d.used.employees),
        (Some(150_000), Some(16_000), Some(41))
    );
    assert_eq!(d.months, 2);
    let (_, r) = post(
        &http,
        app.url("/api/v1/per-mu/evaluations"),
        &admin,
        json!({"year": 2006}),
    )
    .await;
    let id = r["id"].as_i64().unwrap();
    action(&app, &admin, id, "compute", None).await;
    let (_, r) = get_json(
        &app,
        &admin,
        &format!("/api/v1/per-mu/evaluations/{id}/results"),
    )
    .await;
    // Alone in the above group: the benchmark is its own figure, every item the weight
    // (missing denominators) or capped at 1 × weight.
    assert_eq!(item(&r, &c[0])["class"], "D", "n = 1");
    assert_eq!(
        r["benchmarks"]["above"]["tax_per_mu"],
        150_000.0 * 1000.0 / 16_000.0
    );
    let (s, _) = action(&app, &admin, id, "publish", Some("2026-01-05")).await;
    assert_eq!(s, 200);
    let (s, r) = action(&app, &admin, id, "finalize", None).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("final")), "{r}");
    assert_eq!(
        action(&app, &admin, id, "compute", None).await.0,
        409,
        "frozen"
    );
    // The documents of a final evaluation.
    let (ac, csrf) = app.login("admin").await;
    let list = ac
        .get(app.url(&format!("/per-mu/{id}/class-list.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    let r = ac
        .post(app.url(&format!("/per-mu/{id}/notice")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let docx = ac
        .get(app.url(&format!("/per-mu/{id}/notice.docx")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let xml = common::document_xml(&docx);
    assert!(
        xml.contains("亩均效益综合评价结果") && xml.contains("D 类"),
        "the results document"
    );
    // The enterprise profile shows the class history.
    let (_, page) = text(&ac, app.url(&format!("/enterprises/{}", c[0]))).await;
    assert!(page.contains("class-history") && page.contains("倒逼整治"));
}

#[tokio::test]
async fn the_import_names_bad_cells_and_writes_all_or_nothing() {
    let app = spawn_app().await;
    let c = firms(&app).await;
    let (ac, csrf) = app.login("admin").await;
    let t = ac
        .get(app.url("/per-mu/data/template.xlsx?year=2006"))
        .send()
        .await
        .unwrap();
    assert_eq!(t.status(), 200);
    let book = |rows: &[[&str; 5]]| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("亩均数据").unwrap();
        for (k, h) in [
            "统一社会信用代码",
            "年度",
            "用地面积（亩）",
            "实缴税金（元）",
            "综合能耗（千克标准煤）",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(0, k as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (k, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, k as u16, *v).unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    };
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("亩均.xlsx"),
        );
        ac.post(app.url(&format!("/per-mu/data/import?csrf={csrf}")))
            .multipart(form)
            .send()
    };
    let bad = book(&[
        [&c[0], "2006", "12.5", "100000", "50"],
        [&c[1], "2006", "abc", "100000", "-3"],
        ["91330000000000000X", "2006", "10", "1", "1"],
    ]);
    let r = upload(bad).await.unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("第 3 行“用地面积（亩）”")
            && body.contains("第 3 行“综合能耗（千克标准煤）”"),
        "{body}"
    );
    assert!(
        app.store
            .per_mu_data(&c[0], 2006)
            .await
            .unwrap()
            .unwrap()
            .entered
            .land_millimu
            .is_none(),
        "nothing written"
    );
    let r = upload(book(&[
        [&c[0], "2006", "12.5", "", "50"],
        ["91330000000000000X", "2006", "10", "1", "1"],
    ]))
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("第 3 行“统一社会信用代码”")
    );
    let r = upload(book(&[[&c[0], "2006", "12.5", "", "50"]]))
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let d = app.store.per_mu_data(&c[0], 2006).await.unwrap().unwrap();
    assert_eq!(
        (
            d.entered.land_millimu,
            d.entered.tax_yuan,
            d.entered.energy_kgce
        ),
        (Some(12_500), None, Some(50))
    );
    // 清空 clears.
    let r = upload(book(&[[&c[0], "2006", "", "", "清空"]]))
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let d = app.store.per_mu_data(&c[0], 2006).await.unwrap().unwrap();
    assert_eq!(
        (d.entered.land_millimu, d.entered.energy_kgce),
        (Some(12_500), None)
    );
}
