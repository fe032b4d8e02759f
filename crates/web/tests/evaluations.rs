//! The year-end evaluation through a spawned server, on the backend
//! TEST_DATABASE_URL names: rounds and settings, ballots from the office,
//! enterprises and townships (all or nothing), the exact scores and prizes
//! of hand-computed cases, vetoes, objections in the 公示, the lifecycle's
//! refusals, who may read what, the questionnaire, the import and the 通报.

mod common;

use common::{PASSWORD, TestApp, get_json, post, spawn_app, text};
use domain::users::parse_new_user;
use serde_json::{Value, json};
use store::Actor;

/// The first six demo enterprises (valid credit codes) in the registry.
async fn six_enterprises(app: &TestApp) -> Vec<String> {
    let e = domain::demo::enterprises::longwan_2006_enterprises();
    let six: Vec<_> = e.enterprises.into_iter().take(6).collect();
    app.store
        .upsert_enterprises(&Actor::system("test"), &six)
        .await
        .unwrap();
    six.iter()
        .map(|x| x.credit_code.as_str().to_string())
        .collect()
}

async fn user(app: &TestApp, name: &str, role: &str, unit: Option<&str>, ent: Option<&str>) {
    app.store
        .create_user(
            &Actor::system("test"),
            &parse_new_user(name, name, role, unit, ent).unwrap(),
            PASSWORD,
        )
        .await
        .unwrap();
}

async fn put(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .put(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn delete(app: &TestApp, token: &str, path: &str) -> u16 {
    reqwest::Client::new()
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn action(app: &TestApp, token: &str, id: i64, a: &str, on: Option<&str>) -> (u16, Value) {
    let c = reqwest::Client::new();
    let mut body = json!({"action": a});
    if let Some(on) = on {
        body["on"] = json!(on);
    }
    post(
        &c,
        app.url(&format!("/api/v1/evaluations/{id}/actions")),
        token,
        body,
    )
    .await
}

fn ballots(group: &str, respondents: &[&str], unit: &str, levels: &[&str]) -> Vec<Value> {
    respondents
        .iter()
        .zip(levels)
        .map(|(r, l)| json!({"group": group, "respondent": r, "unit": unit, "level": l}))
        .collect()
}

fn unit<'a>(results: &'a Value, code: &str) -> &'a Value {
    results["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == code)
        .unwrap_or_else(|| panic!("{code} in {results}"))
}

fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9)
}

#[tokio::test]
async fn scores_prizes_vetoes_and_the_lifecycle_exactly_as_the_rules() {
    let app = spawn_app().await;
    let codes = six_enterprises(&app).await;
    let admin = app.token("admin").await;
    let c = reqwest::Client::new();
    let url = |p: &str| app.url(p);

    // A round whose targets weigh nothing (no statistics here), one prize each.
    let (s, r) = post(
        &c,
        url("/api/v1/evaluations"),
        &admin,
        json!({"title": "2006年度部门服务评议", "settings": {"weights": {"targets": 0},
               "prizes": {"first_count": 1, "second_count": 1, "third_count": 5}}}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_i64().unwrap();
    assert_eq!(r["status"], "draft");
    assert_eq!(
        r["settings"]["weights"]["enterprise"], 50,
        "defaults kept: {r}"
    );
    assert_eq!(r["settings"]["weights"]["targets"], 0);
    assert_eq!(r["settings"]["min_ballots"]["enterprise"], 5);

    // Bad settings are refused by field; unknown fields too.
    let (s, e) = put(
        &app,
        &admin,
        &format!("/api/v1/evaluations/{id}/settings"),
        json!({"trim_from": 1}),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    assert!(e.to_string().contains("trim_from"), "{e}");
    let (s, _) = put(
        &app,
        &admin,
        &format!("/api/v1/evaluations/{id}/settings"),
        json!({"weightz": 1}),
    )
    .await;
    assert_eq!(s, 422);

    // Ballots before the round opens: 409.
    let ballot =
        json!({"group": "enterprise", "respondent": codes[0], "unit": "drc", "level": "satisfied"});
    let (s, _) = post(
        &c,
        url(&format!("/api/v1/evaluations/{id}/ballots")),
        &admin,
        ballot.clone(),
    )
    .await;
    assert_eq!(s, 409);
    // Finalize from draft: 409.
    assert_eq!(action(&app, &admin, id, "finalize", None).await.0, 409);
    assert_eq!(action(&app, &admin, id, "open", None).await.0, 200);

    // All or nothing: one bad ballot (and one unknown unit) writes nothing and names both.
    let mut bad = ballots(
        "enterprise",
        &[&codes[0], &codes[1]],
        "drc",
        &["satisfied", "great"],
    );
    bad.push(
        json!({"group": "enterprise", "respondent": codes[2], "unit": "nowhere", "level": "basic"}),
    );
    let (s, e) = post(
        &c,
        url(&format!("/api/v1/evaluations/{id}/ballots")),
        &admin,
        json!(bad),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    let text_e = e.to_string();
    assert!(
        text_e.contains("[1].level") && text_e.contains("[2].unit"),
        "{e}"
    );
    let (_, r) = get_json(&app, &admin, &format!("/api/v1/evaluations/{id}")).await;
    assert_eq!(r["enterprise_ballots"], 0, "nothing written");

    // drc: enterprise 100, 80, 80, 60, 30, 0 → drop 100 and 0 → 62.5;
    // grassroots 80, 60, 60 → 200/3. economy: five 满意 → 80. land: 4 ballots.
    let e6: Vec<&str> = codes.iter().map(String::as_str).collect();
    let mut all = ballots(
        "enterprise",
        &e6,
        "drc",
        &[
            "very_satisfied",
            "satisfied",
            "satisfied",
            "basic",
            "dissatisfied",
            "very_dissatisfied",
        ],
    );
    all.extend(ballots(
        "grassroots",
        &["yongzhong", "haibin", "puzhou"],
        "drc",
        &["satisfied", "basic", "basic"],
    ));
    all.extend(ballots(
        "enterprise",
        &e6[..5],
        "economy",
        &["satisfied"; 5],
    ));
    all.extend(ballots(
        "enterprise",
        &e6[..4],
        "land",
        &["very_satisfied"; 4],
    ));
    let (s, r) = post(
        &c,
        url(&format!("/api/v1/evaluations/{id}/ballots")),
        &admin,
        json!(all),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["saved"], 18);
    // A later ballot replaces the earlier: still 18.
    let (s, _) = post(&c, url(&format!("/api/v1/evaluations/{id}/ballots")), &admin,
        json!({"group": "enterprise", "respondent": codes[0], "unit": "drc", "level": "very_satisfied", "comment": "服务很好"})).await;
    assert_eq!(s, 201);
    let (_, r) = get_json(&app, &admin, &format!("/api/v1/evaluations/{id}")).await;
    assert_eq!(
        (
            r["enterprise_ballots"].as_i64(),
            r["grassroots_ballots"].as_i64()
        ),
        (Some(15), Some(3)),
        "{r}"
    );

    // The enterprise user answers for itself only; a department user may not answer.
    user(&app, "qiye1", "enterprise", None, Some(&codes[0])).await;
    user(&app, "zhen", "unit", Some("yongzhong"), None).await;
    let qiye = app.token("qiye1").await;
    let (s, e) = post(
        &c,
        url(&format!("/api/v1/evaluations/{id}/ballots")),
        &qiye,
        json!({"respondent": codes[1], "unit": "economy", "level": "satisfied"}),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    let (s, _) = post(
        &c,
        url(&format!("/api/v1/evaluations/{id}/ballots")),
        &qiye,
        json!({"unit": "land", "level": "satisfied"}),
    )
    .await;
    assert_eq!(s, 201, "an enterprise omits the respondent");
    let tudi = app.token("tudi").await;
    let (s, _) = post(
        &c,
        url(&format!("/api/v1/evaluations/{id}/ballots")),
        &tudi,
        json!({"unit": "drc", "level": "satisfied"}),
    )
    .await;
    assert_eq!(s, 403, "a department does not answer");
    let zhen = app.token("zhen").await;
    let (s, e) = post(
        &c,
        url(&format!("/api/v1/evaluations/{id}/ballots")),
        &zhen,
        json!({"unit": "economy", "level": "satisfied", "comment": "配合及时"}),
    )
    .await;
    assert_eq!(s, 201, "a township answers for itself: {e}");

    // Results while open: the office reads them; a unit may not yet.
    let (s, res) = get_json(&app, &admin, &format!("/api/v1/evaluations/{id}/results")).await;
    assert_eq!(s, 200, "{res}");
    let drc = unit(&res, "drc");
    // codes[0] sent 非常满意 again for drc: replaced, the same score.
    assert!(close(&drc["enterprise"]["score"], 62.5), "{drc}");
    assert_eq!(drc["enterprise"]["ballots"], 6);
    assert!(close(&drc["grassroots"]["score"], 200.0 / 3.0), "{drc}");
    assert!(drc["service"]["score"].is_null(), "no requests in 2006");
    // (50 × 62.5 + 20 × 200/3) / 70 = 2675/42.
    assert!(close(&drc["composite"], 2675.0 / 42.0), "{drc}");
    let economy = unit(&res, "economy");
    // Enterprise 80 (5 ballots); grassroots 1 ballot < 3: none → composite 80.
    assert!(close(&economy["composite"], 80.0), "{economy}");
    assert_eq!(economy["rank"], 1);
    assert_eq!(economy["prize"], "first");
    assert_eq!(economy["amount_yuan"], 30000);
    assert_eq!(drc["rank"], 2);
    assert_eq!(drc["prize"], "second");
    let land = unit(&res, "land");
    // The enterprise user's ballot replaced its paper one: still 4, unranked.
    assert!(
        land["rank"].is_null() && land["enterprise"]["score"].is_null(),
        "{land}"
    );
    assert_eq!(res["total_awarded_yuan"], 50000);
    let jingmao = app.token("jingmao").await;
    assert_eq!(
        get_json(&app, &jingmao, &format!("/api/v1/evaluations/{id}/results"))
            .await
            .0,
        403
    );
    assert_eq!(
        get_json(&app, &jingmao, &format!("/api/v1/evaluations/{id}/ballots"))
            .await
            .0,
        403
    );

    // A vetoed unit inside the prize zone stays ranked; the prize passes on.
    let (s, _) = post(
        &c,
        url(&format!("/api/v1/evaluations/{id}/vetoes")),
        &admin,
        json!({"unit": "economy", "reason": "发生安全生产责任事故"}),
    )
    .await;
    assert_eq!(s, 201);
    let (_, res) = get_json(&app, &admin, &format!("/api/v1/evaluations/{id}/results")).await;
    assert_eq!(unit(&res, "economy")["rank"], 1);
    assert_eq!(unit(&res, "economy")["vetoed"], true);
    assert!(unit(&res, "economy")["prize"].is_null());
    assert_eq!(unit(&res, "drc")["prize"], "first");
    assert_eq!(res["total_awarded_yuan"], 30000);

    // Close: ballots refused; settings frozen; a future 公示 refused.
    assert_eq!(action(&app, &admin, id, "close", None).await.0, 200);
    let (s, _) = post(
        &c,
        url(&format!("/api/v1/evaluations/{id}/ballots")),
        &admin,
        ballot,
    )
    .await;
    assert_eq!(s, 409);
    assert_eq!(
        put(
            &app,
            &admin,
            &format!("/api/v1/evaluations/{id}/settings"),
            json!({"trim_from": 6})
        )
        .await
        .0,
        409
    );
    assert_eq!(
        action(&app, &admin, id, "publish", Some("2099-01-01"))
            .await
            .0,
        409
    );
    // A 公示 posted on paper long ago has ended: final at once.
    let (s, r) = action(&app, &admin, id, "publish", Some("2026-01-05")).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["notice_ends_on"], "2026-01-12");
    // Published: the unit reads the results and its own page, without respondents' names.
    assert_eq!(
        get_json(&app, &jingmao, &format!("/api/v1/evaluations/{id}/results"))
            .await
            .0,
        200
    );
    let (jc, _) = app.login("jingmao").await;
    let (s, page) = text(&jc, url(&format!("/evaluations/{id}/units/economy"))).await;
    assert_eq!(s, 200);
    assert!(page.contains("配合及时"), "its comments");
    let names = domain::demo::enterprises::longwan_2006_enterprises();
    assert!(
        !page.contains(names.enterprises[0].name.as_str()) && !page.contains("永中"),
        "no respondent names"
    );
    assert_eq!(
        text(&jc, url(&format!("/evaluations/{id}/units/drc")))
            .await
            .0,
        403
    );
    // The 公示 is over: no objection.
    let (s, _) = post(
        &c,
        url(&format!("/api/v1/evaluations/{id}/objections")),
        &jingmao,
        json!({"reason": "票数统计有误"}),
    )
    .await;
    assert_eq!(s, 409);
    assert_eq!(
        delete(
            &app,
            &admin,
            &format!("/api/v1/evaluations/{id}/vetoes/economy")
        )
        .await,
        200
    );
    assert_eq!(
        post(
            &c,
            url(&format!("/api/v1/evaluations/{id}/vetoes")),
            &admin,
            json!({"unit": "economy", "reason": "发生安全生产责任事故"})
        )
        .await
        .0,
        201
    );

    let (s, r) = action(&app, &admin, id, "finalize", None).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["status"], "final");
    // Frozen: vetoes refused, results as they were.
    assert_eq!(
        delete(
            &app,
            &admin,
            &format!("/api/v1/evaluations/{id}/vetoes/economy")
        )
        .await,
        409
    );
    let (_, res) = get_json(&app, &admin, &format!("/api/v1/evaluations/{id}/results")).await;
    assert_eq!(res["frozen"], true);
    assert_eq!(unit(&res, "drc")["prize"], "first");
    assert_eq!(res["total_awarded_yuan"], 30000);

    // The 通报: issued once, numbered, with the award list.
    let (ac, csrf) = app.login("admin").await;
    let (s, page) = text(&ac, url(&format!("/evaluations/{id}/notice"))).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("一等奖") && page.contains("签发并编号"),
        "a draft to issue"
    );
    let r = ac
        .post(url(&format!("/evaluations/{id}/notice")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = ac
        .post(url(&format!("/evaluations/{id}/notice")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "issued once");
    let docx = ac
        .get(url(&format!("/evaluations/{id}/notice.docx")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let xml = common::document_xml(&docx);
    assert!(
        xml.contains("〔") && xml.contains("1号"),
        "numbered in the office's sequence"
    );
    assert!(
        xml.contains("一等奖") && xml.contains("30000"),
        "the award list"
    );
    assert!(xml.contains("样本不足"), "the units short of ballots");
    let (_, r) = get_json(&app, &admin, &format!("/api/v1/evaluations/{id}")).await;
    assert!(r["bulletin_id"].as_i64().is_some(), "{r}");

    // The results export.
    let x = ac
        .get(url(&format!("/evaluations/{id}/results.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), 200);
}

#[tokio::test]
async fn objections_during_the_notice_hold_the_final_until_answered() {
    let app = spawn_app().await;
    let codes = six_enterprises(&app).await;
    let admin = app.token("admin").await;
    let c = reqwest::Client::new();
    let (_, r) = post(
        &c,
        app.url("/api/v1/evaluations"),
        &admin,
        json!({"title": "异议测试"}),
    )
    .await;
    let id = r["id"].as_i64().unwrap();
    action(&app, &admin, id, "open", None).await;
    let e: Vec<&str> = codes.iter().map(String::as_str).collect();
    let (s, _) = post(
        &c,
        app.url(&format!("/api/v1/evaluations/{id}/ballots")),
        &admin,
        json!(ballots("enterprise", &e[..5], "economy", &["basic"; 5])),
    )
    .await;
    assert_eq!(s, 201);
    action(&app, &admin, id, "close", None).await;
    let (s, r) = action(&app, &admin, id, "publish", None).await;
    assert_eq!(s, 200, "{r}");
    let jingmao = app.token("jingmao").await;
    // A unit objects for itself only.
    let (s, _) = post(
        &c,
        app.url(&format!("/api/v1/evaluations/{id}/objections")),
        &jingmao,
        json!({"unit": "drc", "reason": "不是本单位"}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, o) = post(
        &c,
        app.url(&format!("/api/v1/evaluations/{id}/objections")),
        &jingmao,
        json!({"reason": "有两张评议票为他单位误填"}),
    )
    .await;
    assert_eq!(s, 201, "{o}");
    // Final waits for the end of the 公示.
    let (s, e) = action(&app, &admin, id, "finalize", None).await;
    assert_eq!(s, 409);
    assert!(e["message"].as_str().unwrap().contains("公示期"), "{e}");
    let oid = o["id"].as_i64().unwrap();
    let (s, _) = post(
        &c,
        app.url(&format!("/api/v1/evaluations/{id}/objections/{oid}/answer")),
        &admin,
        json!({"answer": "经核查，评议票填写无误，维持结果"}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = post(
        &c,
        app.url(&format!("/api/v1/evaluations/{id}/objections/{oid}/answer")),
        &admin,
        json!({"answer": "再答一次"}),
    )
    .await;
    assert_eq!(s, 409, "answered once");
    let (ac, _) = app.login("admin").await;
    let (_, page) = text(&ac, app.url(&format!("/evaluations/{id}"))).await;
    assert!(page.contains("有两张评议票为他单位误填") && page.contains("维持结果"));
}

#[tokio::test]
async fn the_questionnaire_lists_its_units_saves_and_changes_answers_and_reminds() {
    let app = spawn_app().await;
    let codes = six_enterprises(&app).await;
    user(&app, "qiye1", "enterprise", None, Some(&codes[0])).await;
    let admin = app.token("admin").await;
    let c = reqwest::Client::new();
    let (_, r) = post(
        &c,
        app.url("/api/v1/evaluations"),
        &admin,
        json!({"title": "问卷测试"}),
    )
    .await;
    let id = r["id"].as_i64().unwrap();
    let (qc, csrf) = app.login("qiye1").await;
    let (s, page) = text(&qc, app.url("/questionnaire")).await;
    assert_eq!(s, 200);
    assert!(page.contains("目前没有进行中的评议"));
    action(&app, &admin, id, "open", None).await;
    // The inbox reminds the enterprise.
    let qiye = app.token("qiye1").await;
    let (_, n) = get_json(&app, &qiye, "/api/v1/notifications").await;
    assert_eq!(n["questionnaires"][0]["round_id"], id, "{n}");
    let (_, page) = text(&qc, app.url("/inbox")).await;
    assert!(page.contains("请填写评议问卷"));
    let r = qc.get(app.url("/questionnaire")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (s, page) = text(&qc, app.url(&format!("/evaluations/{id}/questionnaire"))).await;
    assert_eq!(s, 200);
    assert!(page.contains("level.drc") && page.contains("区发改局"));
    // A comment without a level is refused, naming the unit.
    let r = qc
        .post(app.url(&format!("/evaluations/{id}/questionnaire")))
        .form(&[("csrf", csrf.as_str()), ("comment.drc", "希望加快审批")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = qc
        .post(app.url(&format!("/evaluations/{id}/questionnaire")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("level.drc", "satisfied"),
            ("comment.drc", "希望加快审批"),
            ("level.land", "basic"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // Answered: no more reminder; the answers show and can change.
    let (_, n) = get_json(&app, &qiye, "/api/v1/notifications").await;
    assert_eq!(n["questionnaires"].as_array().unwrap().len(), 0, "{n}");
    let r = qc
        .post(app.url(&format!("/evaluations/{id}/questionnaire")))
        .form(&[("csrf", csrf.as_str()), ("level.drc", "very_satisfied")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, b) = get_json(
        &app,
        &admin,
        &format!("/api/v1/evaluations/{id}/ballots?respondent={}", codes[0]),
    )
    .await;
    assert_eq!(b["total"], 2, "{b}");
    let levels: Vec<&str> = b["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["level"].as_str().unwrap())
        .collect();
    assert!(
        levels.contains(&"very_satisfied") && levels.contains(&"basic"),
        "{b}"
    );
    assert_eq!(b["ballots"][0]["source"], "online");
    // A leader does not answer.
    let (lc, _) = app.login("leader").await;
    assert_eq!(
        text(&lc, app.url(&format!("/evaluations/{id}/questionnaire")))
            .await
            .0,
        403
    );
}

#[tokio::test]
async fn paper_ballots_import_all_or_nothing_naming_rows() {
    let app = spawn_app().await;
    let codes = six_enterprises(&app).await;
    let admin = app.token("admin").await;
    let c = reqwest::Client::new();
    let (_, r) = post(
        &c,
        app.url("/api/v1/evaluations"),
        &admin,
        json!({"title": "导入测试"}),
    )
    .await;
    let id = r["id"].as_i64().unwrap();
    action(&app, &admin, id, "open", None).await;
    let (ac, csrf) = app.login("admin").await;
    let t = ac
        .get(app.url(&format!("/evaluations/{id}/ballots/template.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(t.status(), 200);
    let book = |rows: &[[&str; 5]]| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("评议票").unwrap();
        for (c, h) in ["评议组别", "评议人", "被评议单位", "评价等级", "意见"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    };
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("评议票.xlsx"),
        );
        ac.post(app.url(&format!("/evaluations/{id}/ballots/import?csrf={csrf}")))
            .multipart(form)
            .send()
    };
    let bad = book(&[
        ["企业", &codes[0], "drc", "满意", ""],
        ["企业", "没有这家企业", "drc", "满意", ""],
        ["基层", "永中街道", "无此单位", "基本满意", ""],
    ]);
    let r = upload(bad).await.unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("第 3 行“评议人”") && body.contains("第 4 行“被评议单位”"),
        "{body}"
    );
    let (_, b) = get_json(&app, &admin, &format!("/api/v1/evaluations/{id}/ballots")).await;
    assert_eq!(b["total"], 0, "nothing written");
    let good = book(&[
        ["企业", &codes[0], "drc", "满意", "好"],
        ["基层", "yongzhong", "区发改局", "非常满意", ""],
    ]);
    let r = upload(good).await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let (_, b) = get_json(&app, &admin, &format!("/api/v1/evaluations/{id}/ballots")).await;
    assert_eq!(b["total"], 2, "{b}");
}
