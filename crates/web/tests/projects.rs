//! Projects, parcels, progress and the dashboard through the HTTP API and the
//! pages: all-or-nothing upserts, idempotency, scoping, exact figures.

mod common;

use common::{post, spawn_app};
use serde_json::{Value, json};

fn project(code: &str, township: &str, unit: &str) -> Value {
    json!({"code": code, "name": format!("项目{code}"), "township_code": township, "kind": "industrial", "responsible_unit_code": unit})
}

/// A small pipeline whose 2006 figures are computed by hand in the test.
fn pipeline() -> Value {
    json!([
        // 8a cohort: land before 2006, not started by 2006-01-01.
        {"code": "A1", "name": "甲", "township_code": "yongzhong", "kind": "industrial", "land_area_millimu": 1000, "land_supplied_on": "2005-03-01", "started_on": "2006-04-01", "responsible_unit_code": "drc"},
        {"code": "A2", "name": "乙", "township_code": "yongzhong", "kind": "industrial", "land_area_millimu": 3000, "land_supplied_on": "2005-12-31", "responsible_unit_code": "drc",
         "status": "cancelled", "status_on": "2006-05-01", "status_reason": "企业撤资"},
        // started before 2006: not in 8a.
        {"code": "A3", "name": "丙", "township_code": "shacheng", "kind": "industrial", "land_area_millimu": 2000, "land_supplied_on": "2005-01-01", "started_on": "2005-06-01", "responsible_unit_code": "land"},
        // 8c: land in 2006; 8d: planned to complete in 2006.
        {"code": "B1", "name": "丁", "township_code": "shacheng", "kind": "industrial", "land_area_millimu": 5000, "land_supplied_on": "2006-02-01", "started_on": "2006-06-30",
         "planned_completion_year": 2006, "in_production_on": null, "key_project": true, "reserved_on": "2006-01-01", "responsible_unit_code": "land"},
        {"code": "B2", "name": "戊", "township_code": "shacheng", "kind": "industrial", "land_area_millimu": 5000, "land_supplied_on": "2006-03-01",
         "planned_completion_year": 2006, "responsible_unit_code": "land"},
        // Technical renovation approvals.
        {"code": "T1", "name": "技改一", "township_code": "etdz", "kind": "tech_renovation", "approved_on": "2006-06-30", "planned_completion_year": 2006,
         "in_production_on": "2006-06-30", "completed_on": "2006-06-30", "responsible_unit_code": "economy"},
        {"code": "T2", "name": "技改二", "township_code": "etdz", "kind": "tech_renovation", "approved_on": "2006-07-01", "responsible_unit_code": "economy"}
    ])
}

#[tokio::test]
async fn dashboard_figures_are_exact_and_follow_the_data() {
    let app = spawn_app().await;
    let c = reqwest::Client::new();
    let admin = app.token("admin").await;
    let (s, r) = post(&c, app.url("/api/v1/projects"), &admin, pipeline()).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r, json!({"created": 7, "updated": 0, "unchanged": 0}));
    let (s, r) = post(
        &c,
        app.url("/api/v1/land-parcels"),
        &admin,
        json!([
            {"code": "D1", "township_code": "shacheng", "area_millimu": 1_000_000, "expropriated_on": "2005-05-01", "supplied_on": "2006-02-01", "project_code": "B1"},
            {"code": "D2", "township_code": "tianhe", "area_millimu": 550_000, "expropriated_on": "2005-08-01"},
            {"code": "D3", "township_code": "tianhe", "area_millimu": 70_000, "expropriated_on": "2006-01-01"}
        ]),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    for (code, period, yuan) in [
        ("B1", "2006-01", 100_000_000),
        ("B1", "2006-06", 50_000_000),
        ("A1", "2006-07", 7),
        ("A1", "2005-12", 999),
    ] {
        let (s, r) = post(
            &c,
            app.url(&format!("/api/v1/projects/{code}/progress")),
            &admin,
            json!({"period": period, "investment_completed_yuan": yuan}),
        )
        .await;
        assert_eq!(s, 200, "{r}");
    }
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
    let dash = |as_of: &'static str| {
        let c = c.clone();
        let url = app.url(&format!("/api/v1/campaigns/{cid}/dashboard?as_of={as_of}"));
        let admin = admin.clone();
        async move {
            c.get(url)
                .bearer_auth(admin)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let d = dash("2006-06-30").await;
    assert_eq!(d["as_of"], "2006-06-30");
    let t = |code: &str| {
        d["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(t("industrial_investment")["actual_value"], 150_000_000.0);
    assert_eq!(t("industrial_investment")["time_progress"], 0.5);
    assert_eq!(t("key_projects_reserved")["actual_value"], 1.0);
    assert_eq!(t("tech_renovation_approvals")["actual_value"], 1.0);
    let a = t("cohort_2005_land_started");
    assert_eq!(
        (a["numerator"].as_i64(), a["denominator"].as_i64()),
        (Some(1), Some(2)),
        "{a}"
    );
    assert_eq!(
        (
            a["area_numerator_millimu"].as_i64(),
            a["area_denominator_millimu"].as_i64()
        ),
        (Some(1000), Some(4000))
    );
    assert_eq!(a["actual_value"], 0.5);
    assert_eq!(a["status"], "behind");
    assert!(
        a["cohort_warning"]
            .as_str()
            .unwrap()
            .contains("文件申报 123 个，数据中为 2 个")
    );
    let b = t("expropriated_land_supplied");
    assert_eq!(
        (
            b["area_numerator_millimu"].as_i64(),
            b["area_denominator_millimu"].as_i64()
        ),
        (Some(1_000_000), Some(1_550_000))
    );
    assert_eq!(b["cohort_warning"], Value::Null);
    let c8 = t("land_supplied_2006_started");
    assert_eq!(
        (c8["numerator"].as_i64(), c8["denominator"].as_i64()),
        (Some(1), Some(2))
    );
    let d8 = t("planned_2006_completed");
    assert_eq!(
        (d8["numerator"].as_i64(), d8["denominator"].as_i64()),
        (Some(1), Some(3))
    );
    assert_eq!(t("total_output_growth")["actual_value"], Value::Null);
    assert!(t("total_output_growth")["note"].is_string());

    // A day earlier, the milestones on 06-30 do not count yet.
    let d = dash("2006-06-29").await;
    let t = |code: &str| {
        d["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(t("land_supplied_2006_started")["numerator"], 0);
    assert_eq!(t("tech_renovation_approvals")["actual_value"], 0.0);

    // An empty cohort has no value.
    let bad = c
        .get(app.url(&format!("/api/v1/campaigns/{cid}/dashboard?as_of=June")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    // Drill-down lists the records behind the figure.
    let (page, _) = app.login("admin").await;
    let html = page
        .get(app.url("/projects?target=cohort_2005_land_started&as_of=2006-06-30"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("A1") && html.contains("A2") && !html.contains("\"/projects/A3\""),
        "cohort members only"
    );
    let html = page
        .get(app.url("/projects?target=cohort_2005_land_started&as_of=2006-06-30&part=reached"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("/projects/A1") && !html.contains("/projects/A2"));
    let html = page
        .get(app.url("/land-parcels?target=expropriated_land_supplied&as_of=2006-06-30"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("/land-parcels/D1")
            && html.contains("/land-parcels/D2")
            && !html.contains("/land-parcels/D3")
    );
    let home = page
        .get(app.url("/?as_of=2006-06-30"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("1.5亿元"), "investment on the home page");
    assert!(
        home.contains("/projects?target=industrial_investment&#38;as_of=2006-06-30"),
        "the figure links to its records"
    );
}

#[tokio::test]
async fn upserts_are_all_or_nothing_and_idempotent() {
    let app = spawn_app().await;
    let c = reqwest::Client::new();
    let admin = app.token("admin").await;
    let bad = json!([
        project("OK1", "yongzhong", "drc"),
        {"code": "X1", "name": "x", "township_code": "atlantis", "kind": "industrial"},
        {"code": "X2", "name": "x", "township_code": "drc", "kind": "industrial", "land_area_millimu": -5},
        {"code": "X3", "name": "x", "township_code": "yongzhong", "kind": "industrial", "land_supplied_on": "2006-03-01", "started_on": "2006-02-01", "land_area_millimu": 5},
        project("OK1", "yongzhong", "drc")
    ]);
    let (s, r) = post(&c, app.url("/api/v1/projects"), &admin, bad).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    // A partial update is merged with the stored project before the rules
    // run, so rules and references are checked in the same pass.
    assert_eq!(
        fields,
        [
            "[1].township_code",
            "[2].land_area_millimu",
            "[2].township_code",
            "[3].started_on",
            "[4].code"
        ],
        "every problem of every item in one answer"
    );
    let list: Value = c
        .get(app.url("/api/v1/projects"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0, "nothing written");

    let refs = json!([
        project("OK1", "yongzhong", "drc"),
        project("X1", "atlantis", "drc"),
        project("X2", "drc", "nobody"),
        project("OK1", "yongzhong", "drc")
    ]);
    let (s, r) = post(&c, app.url("/api/v1/projects"), &admin, refs).await;
    assert_eq!(s, 422);
    let msgs: Vec<String> = r["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}={}",
                f["field"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        msgs.contains(&"[1].township_code=没有代码为“atlantis”的镇、街道或开发区".to_string()),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"[2].township_code=“drc”不是镇、街道或开发区".to_string()),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"[2].responsible_unit_code=没有代码为“nobody”的单位".to_string()),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("[3].code=") && m.contains("重复")),
        "{msgs:?}"
    );

    let good = json!([
        project("OK1", "yongzhong", "drc"),
        project("OK2", "puzhou", "land")
    ]);
    assert_eq!(
        post(&c, app.url("/api/v1/projects"), &admin, good.clone())
            .await
            .1,
        json!({"created": 2, "updated": 0, "unchanged": 0})
    );
    assert_eq!(
        post(&c, app.url("/api/v1/projects"), &admin, good).await.1,
        json!({"created": 0, "updated": 0, "unchanged": 2})
    );
    let one = json!({"code": "OK2", "name": "改名", "township_code": "puzhou", "kind": "tech_renovation", "responsible_unit_code": "land"});
    assert_eq!(
        post(&c, app.url("/api/v1/projects"), &admin, one).await.1,
        json!({"created": 0, "updated": 1, "unchanged": 0})
    );
    let got: Value = c
        .get(app.url("/api/v1/projects/OK2"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (got["name"].as_str(), got["kind"].as_str()),
        (Some("改名"), Some("tech_renovation"))
    );
    let list: Value = c
        .get(app.url("/api/v1/projects?kind=tech_renovation"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);

    // Progress: a correction replaces the month and keeps the old figure in the audit log.
    let url = app.url("/api/v1/projects/OK1/progress");
    assert_eq!(
        post(
            &c,
            url.clone(),
            &admin,
            json!({"period": "2006-03", "investment_completed_yuan": 500})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        post(
            &c,
            url.clone(),
            &admin,
            json!({"period": "2006-03", "investment_completed_yuan": 500})
        )
        .await
        .1["unchanged"],
        1
    );
    assert_eq!(
        post(
            &c,
            url.clone(),
            &admin,
            json!({"period": "2006-03", "investment_completed_yuan": 800, "note": "更正"})
        )
        .await
        .1["updated"],
        1
    );
    let (s, r) = post(&c, url.clone(), &admin, json!([{"period": "2006-13", "investment_completed_yuan": 1}, {"period": "2006-04", "investment_completed_yuan": -1}])).await;
    assert_eq!(s, 422);
    assert_eq!(r["fields"][0]["field"], "[0].period");
    let (log, _) = app
        .store
        .audit_log(
            &store::audit::AuditFilter {
                entity: Some("project_progress".into()),
                entity_key: None,
            },
            0,
            10,
        )
        .await
        .unwrap();
    assert_eq!(log[0].before.as_ref().unwrap()["investment_yuan"], 500);
    assert_eq!(log[0].after.as_ref().unwrap()["investment_yuan"], 800);
}

#[tokio::test]
async fn unit_users_edit_only_their_own_projects() {
    let app = spawn_app().await;
    let c = reqwest::Client::new();
    let admin = app.token("admin").await;
    post(
        &c,
        app.url("/api/v1/projects"),
        &admin,
        json!([
            project("DRC1", "yongzhong", "drc"),
            project("LAND1", "yongzhong", "land")
        ]),
    )
    .await;
    let tudi = app.token("tudi").await; // a unit user of 区国土资源分局 (land)
    let (s, r) = post(&c, app.url("/api/v1/projects"), &tudi, json!({"code": "DRC1", "name": "改", "township_code": "yongzhong", "kind": "industrial", "responsible_unit_code": "drc"})).await;
    assert_eq!(s, 403, "{r}");
    let (s, _) = post(&c, app.url("/api/v1/projects"), &tudi, json!({"code": "DRC1", "name": "改", "township_code": "yongzhong", "kind": "industrial", "responsible_unit_code": "land"})).await;
    assert_eq!(s, 403, "cannot take over another unit's project");
    let (s, r) = post(&c, app.url("/api/v1/projects"), &tudi, json!({"code": "LAND1", "name": "国土项目", "township_code": "yongzhong", "kind": "industrial", "responsible_unit_code": "land"})).await;
    assert_eq!((s, r["updated"].as_i64()), (200, Some(1)));
    assert_eq!(
        post(
            &c,
            app.url("/api/v1/projects/DRC1/progress"),
            &tudi,
            json!({"period": "2006-01", "investment_completed_yuan": 1})
        )
        .await
        .0,
        403
    );
    let leader = app.token("leader").await;
    assert_eq!(
        post(
            &c,
            app.url("/api/v1/projects"),
            &leader,
            project("L1", "yongzhong", "drc")
        )
        .await
        .0,
        403,
        "leaders edit nothing"
    );
    assert_eq!(
        c.get(app.url("/api/v1/projects/DRC1"))
            .bearer_auth(&leader)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // The same through the pages.
    let (page, csrf) = app.login("tudi").await;
    let html = page
        .get(app.url("/projects/DRC1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !html.contains("/projects/DRC1/edit"),
        "no edit button on another unit's project"
    );
    assert_eq!(
        page.get(app.url("/projects/DRC1/edit"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let r = page
        .post(app.url("/projects/DRC1/milestone"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("milestone", "started"),
            ("date", "2006-05-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = page
        .post(app.url("/projects/LAND1/milestone"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("milestone", "reserved"),
            ("date", "2006-05-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = page
        .get(app.url("/projects/LAND1?recorded=reserved"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已记录节点：入库储备"));
    assert!(
        html.contains("国土分局联络员"),
        "the timeline history names who recorded it"
    );
    // Out of order is refused with the reason.
    let r = page
        .post(app.url("/projects/LAND1/milestone"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("milestone", "approved"),
            ("date", "2006-04-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("早于入库储备日期"));
}

#[tokio::test]
async fn project_pages_create_list_and_export() {
    let app = spawn_app().await;
    let (page, csrf) = app.login("jingmao").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("code", "JM-1"),
        ("name", "泵业技改"),
        ("township_code", "yaoxi"),
        ("kind", "tech_renovation"),
        ("land_area_mu", "12.345"),
        ("responsible_unit_code", "economy"),
        ("planned_started_on", "2006-03-01"),
        ("started_on", "2006-04-01"),
        ("status", "active"),
    ];
    let r = page
        .post(app.url("/projects"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "late without a variance note");
    assert!(r.text().await.unwrap().contains("须填写延误原因"));
    let mut ok = form.to_vec();
    ok.push(("variance_note", "设备到货延迟"));
    let r = page
        .post(app.url("/projects"))
        .form(&ok)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let p = app.store.project("JM-1").await.unwrap().unwrap();
    assert_eq!(
        p.project.land_area_millimu, 12_345,
        "mu kept exactly in thousandths"
    );
    let list = page
        .get(app.url("/projects?township=yaoxi&kind=tech_renovation"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("JM-1") && list.contains("共 1 个项目"));
    assert_eq!(
        page.get(app.url("/projects?stage=flying"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    let x = page
        .get(app.url("/projects/export.xlsx?township=yaoxi"))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), 200);
    assert_eq!(&x.bytes().await.unwrap()[..2], b"PK");
    let r = page
        .post(app.url("/projects"))
        .form(&ok)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "duplicate code");
    // Parcels through the pages.
    let r = page
        .post(app.url("/land-parcels"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "DK-9"),
            ("township_code", "yaoxi"),
            ("area_mu", "1.5"),
            ("expropriated_on", "2005-01-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        403,
        "a unit user edits only parcels in its own township"
    );
    let (admin, csrf) = app.login("admin").await;
    let r = admin
        .post(app.url("/land-parcels"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "DK-9"),
            ("township_code", "yaoxi"),
            ("area_mu", "1.5"),
            ("expropriated_on", "2005-01-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = admin
        .get(app.url("/land-parcels/DK-9"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("1.5 亩"));
}
