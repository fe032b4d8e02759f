//! Fiscal support through a spawned server, on the backend TEST_DATABASE_URL
//! names: a programme, eligibility with a reason per rule, formal review
//! (return and resubmit), expert scoring with a conflict and the trimmed
//! mean, too few experts refused, an expert outside the programme refused,
//! the ranking with a tie and the budget running out, the 公示 with an
//! objection, final, payments within the award and the performance grade.

mod common;

use common::{PASSWORD, enterprise_user, get_json, post, spawn_app};
use domain::users::parse_new_user;
use serde_json::{Value, json};
use store::Actor;
use store::testing::{A, B};

async fn user(app: &common::TestApp, name: &str, role: &str) {
    app.store
        .create_user(
            &Actor::system("t"),
            &parse_new_user(name, name, role, None, None).unwrap(),
            PASSWORD,
        )
        .await
        .unwrap();
}

async fn put(http: &reqwest::Client, url: String, token: &str, body: Value) -> (u16, Value) {
    let r = http
        .put(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_programme_from_call_to_payment() {
    let app = spawn_app().await;
    common::enterprises_a_b(&app).await;
    enterprise_user(&app, "jia.qiye", "甲", A).await;
    enterprise_user(&app, "yi.qiye", "乙", B).await;
    for e in ["ex1", "ex2", "ex3", "ex4", "ex5", "ex6"] {
        user(&app, e, "expert").await;
    }
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let today = common::today();
    // Projects: two approved (A's and B's), one not approved.
    for (code, owner, approved) in [("FA1", A, true), ("FB1", B, true), ("FA2", A, false)] {
        let mut p = json!({"code": code, "name": format!("技改{code}"), "township_code": "yongzhong",
            "kind": "industrial", "enterprise_credit_code": owner});
        if approved {
            p["approved_on"] = json!("2026-01-10");
        }
        let (s, r) = post(&http, app.url("/api/v1/projects"), &admin, p).await;
        assert!((200..300).contains(&s), "{r}");
    }
    let (s, e) = post(&http, app.url("/api/v1/fiscal/programmes"), &admin,
        json!({"title": "", "budget_yuan": 0, "opens_on": "2026-05-01", "closes_on": "2026-04-01", "support_share": 1.5,
               "publicity_days": 0})).await;
    assert_eq!(s, 422, "{e}");
    for f in [
        "title",
        "budget_yuan",
        "closes_on",
        "support_share",
        "publicity_days",
    ] {
        assert!(e.to_string().contains(&format!("\"{f}\"")), "{f}: {e}");
    }
    let (s, p) = post(
        &http,
        app.url("/api/v1/fiscal/programmes"),
        &admin,
        json!({
        "title": "技改专项资金", "budget_yuan": 700_000,
        "opens_on": (today - chrono::Duration::days(5)).to_string(),
        "closes_on": (today + chrono::Duration::days(5)).to_string(),
        "support_share": 0.1, "cap_yuan": 500_000, "passing_score": 60}),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    let pid = p["id"].as_i64().unwrap();
    assert_eq!(p["status"], "open");
    assert_eq!(p["criteria"].as_array().unwrap().len(), 4);
    let url = |path: &str| app.url(&format!("/api/v1/fiscal{path}"));
    // Experts: only users with the role expert.
    let (s, e) = put(
        &http,
        url(&format!("/programmes/{pid}/experts")),
        &admin,
        json!({"experts": ["ex1", "jia.qiye"]}),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    let (s, _) = put(
        &http,
        url(&format!("/programmes/{pid}/experts")),
        &admin,
        json!({"experts": ["ex1", "ex2", "ex3", "ex4", "ex5"]}),
    )
    .await;
    assert_eq!(s, 200);
    // Applications: A's approved project; A's unapproved one (ineligible,
    // with the reason); B's, with a rating of C (ineligible) — then B's
    // rating is fixed and it is returned and resubmitted.
    let jia = app.token("jia.qiye").await;
    let yi = app.token("yi.qiye").await;
    let apply = |project: &str, inv: i64, ask: i64| json!({"project": project, "eligible_investment_yuan": inv, "amount_yuan": ask});
    let (s, a1) = post(
        &http,
        url(&format!("/programmes/{pid}/applications")),
        &jia,
        apply("FA1", 4_000_000, 450_000),
    )
    .await;
    assert_eq!(s, 201, "{a1}");
    assert_eq!(
        (
            a1["eligible"].as_bool(),
            a1["reasons"].as_array().unwrap().len()
        ),
        (Some(true), 0),
        "{a1}"
    );
    let (s, a2) = post(
        &http,
        url(&format!("/programmes/{pid}/applications")),
        &jia,
        apply("FA2", 1_000_000, 100_000),
    )
    .await;
    assert_eq!(s, 201, "{a2}");
    assert_eq!(a2["eligible"], false);
    assert!(a2["reasons"][0].as_str().unwrap().contains("立项"), "{a2}");
    app.store
        .add_credit(&Actor::system("t"), B, Some((2026, "C")), None, "测试")
        .await
        .unwrap();
    let (s, a3) = post(
        &http,
        url(&format!("/programmes/{pid}/applications")),
        &yi,
        apply("FB1", 9_000_000, 900_000),
    )
    .await;
    assert_eq!(s, 201, "{a3}");
    assert!(
        a3["reasons"][0].as_str().unwrap().contains("信用等级为 C"),
        "{a3}"
    );
    // Another's project is not the enterprise's.
    let (_, a4) = post(
        &http,
        url(&format!("/programmes/{pid}/applications")),
        &yi,
        apply("FA1", 1_000_000, 1),
    )
    .await;
    assert_eq!(a4["eligible"], false, "{a4}");
    // The experts' names are the office's, not the enterprises'.
    let (_, seen) = get_json(&app, &jia, &format!("/api/v1/fiscal/programmes/{pid}")).await;
    assert_eq!(seen["experts"], json!([]), "{seen}");
    let (_, seen) = get_json(&app, &admin, &format!("/api/v1/fiscal/programmes/{pid}")).await;
    assert_eq!(seen["experts"].as_array().unwrap().len(), 5);
    // An enterprise cannot read another's application.
    let id = |v: &Value| v["id"].as_i64().unwrap();
    assert_eq!(
        get_json(
            &app,
            &yi,
            &format!("/api/v1/fiscal/applications/{}", id(&a1))
        )
        .await
        .0,
        403
    );
    // Review: an ineligible one cannot pass; return needs a reason.
    let review = |aid: i64| url(&format!("/applications/{aid}/review"));
    let (s, e) = post(&http, review(id(&a2)), &admin, json!({"decision": "pass"})).await;
    assert_eq!(s, 409, "{e}");
    let (s, _) = post(
        &http,
        review(id(&a2)),
        &admin,
        json!({"decision": "reject"}),
    )
    .await;
    assert_eq!(s, 422);
    let (s, _) = post(
        &http,
        review(id(&a2)),
        &admin,
        json!({"decision": "reject", "reason": "项目未立项"}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = post(
        &http,
        review(id(&a4)),
        &admin,
        json!({"decision": "reject", "reason": "非本企业项目"}),
    )
    .await;
    assert_eq!(s, 200);
    let (s, r) = post(
        &http,
        review(id(&a3)),
        &admin,
        json!({"decision": "return", "reason": "请补充信用修复证明"}),
    )
    .await;
    assert_eq!((s, r["status"].as_str()), (200, Some("returned")), "{r}");
    app.store
        .add_credit(&Actor::system("t"), B, Some((2027, "A")), None, "测试")
        .await
        .unwrap();
    let v = common::viewer_of(&app, "yi.qiye").await;
    let a3r = app
        .store
        .resubmit_fiscal_application(
            &v,
            id(&a3),
            &store::fiscal::NewApplication {
                project: "FB1".into(),
                eligible_investment_yuan: 9_000_000,
                amount_yuan: 900_000,
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    assert!(a3r.eligible && a3r.status == domain::fiscal::AppStatus::Submitted);
    for a in [id(&a1), id(&a3)] {
        let (s, r) = post(&http, review(a), &admin, json!({"decision": "pass"})).await;
        assert_eq!(s, 200, "{r}");
    }
    // Scoring before the window closes is refused; then close.
    let e1 = app.token("ex1").await;
    let score = |aid: i64| url(&format!("/applications/{aid}/scores"));
    let (s, _) = post(
        &http,
        score(id(&a1)),
        &e1,
        json!({"scores": [18, 30, 20, 15]}),
    )
    .await;
    assert_eq!(s, 409);
    let action = url(&format!("/programmes/{pid}/actions"));
    let (s, _) = post(&http, action.clone(), &admin, json!({"action": "rank"})).await;
    assert_eq!(s, 409, "ranking an open programme");
    let (s, _) = post(&http, action.clone(), &admin, json!({"action": "close"})).await;
    assert_eq!(s, 200);
    // An expert not assigned reads nothing of it.
    let e6 = app.token("ex6").await;
    assert_eq!(
        get_json(&app, &e6, &format!("/api/v1/fiscal/programmes/{pid}"))
            .await
            .0,
        403
    );
    assert_eq!(
        get_json(
            &app,
            &e6,
            &format!("/api/v1/fiscal/applications/{}", id(&a1))
        )
        .await
        .0,
        403
    );
    assert_eq!(
        post(&http, score(id(&a1)), &e6, json!({"scores": [1, 1, 1, 1]}))
            .await
            .0,
        403
    );
    // An assigned expert sees only the applications that passed.
    let (_, list) = get_json(
        &app,
        &e1,
        &format!("/api/v1/fiscal/programmes/{pid}/applications"),
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    // Marks beyond a maximum are refused; a unit user cannot score.
    let (s, e) = post(
        &http,
        score(id(&a1)),
        &e1,
        json!({"scores": [21, 30, 20, 15]}),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    let tudi = app.token("tudi").await;
    assert_eq!(
        post(
            &http,
            score(id(&a1)),
            &tudi,
            json!({"scores": [1, 1, 1, 1]})
        )
        .await
        .0,
        403
    );
    // a1: five experts (totals 83, 70, 95, 85, 60) → drop 95 and 60 → 79.33…
    for (e, marks) in [
        ("ex1", json!([18, 30, 20, 15])),
        ("ex2", json!([15, 25, 15, 15])),
        ("ex3", json!([20, 35, 25, 15])),
        ("ex4", json!([20, 30, 20, 15])),
        ("ex5", json!([10, 20, 15, 15])),
    ] {
        let t = app.token(e).await;
        let (s, r) = post(&http, score(id(&a1)), &t, json!({"scores": marks})).await;
        assert_eq!(s, 200, "{e}: {r}");
    }
    // a3: e1 declares a conflict; two experts only → ranking refused.
    assert_eq!(
        post(&http, score(id(&a3)), &e1, json!({"conflict": true}))
            .await
            .0,
        200
    );
    for e in ["ex2", "ex3"] {
        let t = app.token(e).await;
        assert_eq!(
            post(
                &http,
                score(id(&a3)),
                &t,
                json!({"scores": [16, 28, 20, 15.5]})
            )
            .await
            .0,
            200
        );
    }
    let (s, e) = post(&http, action.clone(), &admin, json!({"action": "rank"})).await;
    assert_eq!(s, 409, "{e}");
    let code3 = a3["code"].as_str().unwrap();
    assert!(
        e.to_string().contains(code3) && e.to_string().contains("至少需要 3 位"),
        "{e}"
    );
    // Before the ranking an expert sees only its own marks (checked in the store).
    let e4 = app.token("ex4").await;
    assert_eq!(
        post(
            &http,
            score(id(&a3)),
            &e4,
            json!({"scores": [16, 28, 20, 15.5]})
        )
        .await
        .0,
        200
    );
    // a3: 79.5 each from 3 experts, less a deduction of 0.5 → 79.0.
    let (s, r) = post(
        &http,
        url(&format!("/applications/{}/deduction", id(&a3))),
        &admin,
        json!({"points": 0.5, "reason": "环评整改未完成"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = post(
        &http,
        action.clone(),
        &admin,
        json!({"action": "rank", "on": "2026-06-01"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["status"], "ranked");
    let (s, res) = get_json(
        &app,
        &admin,
        &format!("/api/v1/fiscal/programmes/{pid}/results"),
    )
    .await;
    assert_eq!(s, 200, "{res}");
    let items = res["items"].as_array().unwrap();
    // a1 79.33 first: min(450,000 ask, 400,000 share, 500,000 cap, 700,000 left) = 400,000;
    // a3 79.00 second: min(900,000, 900,000, 500,000, 300,000 left) = 300,000 — the budget runs out.
    assert_eq!(items[0]["id"], id(&a1));
    assert_eq!(items[0]["score_text"], "79.33");
    assert_eq!(
        (items[0]["rank"].as_i64(), items[0]["award_yuan"].as_i64()),
        (Some(1), Some(400_000))
    );
    assert_eq!(items[1]["id"], id(&a3));
    assert_eq!(items[1]["score_text"], "79.00");
    assert_eq!(items[1]["award_yuan"], 300_000);
    assert_eq!(res["total_awarded_yuan"], 700_000);
    assert_eq!(res["budget_yuan"], 700_000);
    // The enterprise reads the results only from the 公示.
    assert_eq!(
        get_json(
            &app,
            &jia,
            &format!("/api/v1/fiscal/programmes/{pid}/results")
        )
        .await
        .0,
        409
    );
    let (s, _) = post(
        &http,
        action.clone(),
        &admin,
        json!({"action": "publish", "on": "2026-06-01"}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        get_json(
            &app,
            &jia,
            &format!("/api/v1/fiscal/programmes/{pid}/results")
        )
        .await
        .0,
        200
    );
    // A real-name objection, then finalize: refused before the 公示 ends
    // (7 working days after 06-01: 06-10) and while it is unanswered.
    let (s, o) = post(
        &http,
        url(&format!("/programmes/{pid}/objections")),
        &yi,
        json!({"author": "李四", "body": "对评分有异议", "application": a1["code"]}),
    )
    .await;
    assert_eq!(s, 201, "{o}");
    let (s, e) = post(
        &http,
        action.clone(),
        &admin,
        json!({"action": "finalize", "on": "2026-06-09"}),
    )
    .await;
    assert_eq!(s, 409, "{e}");
    let (s, e) = post(
        &http,
        action.clone(),
        &admin,
        json!({"action": "finalize", "on": "2026-06-10"}),
    )
    .await;
    assert_eq!(s, 409, "unanswered: {e}");
    app.store
        .answer_fiscal_objection(
            &store::requests::Viewer::office("t"),
            pid,
            o["id"].as_i64().unwrap(),
            "经复核，评分无误",
            today,
        )
        .await
        .unwrap();
    let (s, r) = post(
        &http,
        action.clone(),
        &admin,
        json!({"action": "finalize", "on": "2026-06-10"}),
    )
    .await;
    assert_eq!((s, r["status"].as_str()), (200, Some("final")), "{r}");
    // Payments in instalments, never above the award.
    let pay = url(&format!("/applications/{}/payments", id(&a1)));
    assert_eq!(
        post(&http, pay.clone(), &admin, json!({"amount_yuan": 250_000}))
            .await
            .0,
        201
    );
    let (s, e) = post(&http, pay.clone(), &admin, json!({"amount_yuan": 150_001})).await;
    assert_eq!(s, 422, "{e}");
    let (s, r) = post(&http, pay, &admin, json!({"amount_yuan": 150_000})).await;
    assert_eq!((s, r["paid_yuan"].as_i64()), (201, Some(400_000)));
    // Performance: 差 flags the award for clawback review.
    let perf = url(&format!("/applications/{}/performance", id(&a1)));
    let (s, e) = post(
        &http,
        perf.clone(),
        &jia,
        json!({"budget_execution": 11, "output": 0, "benefit": 0, "satisfaction": 0}),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    let (s, r) = post(
        &http,
        perf,
        &jia,
        json!({"budget_execution": 5, "output": 30, "benefit": 20, "satisfaction": 4}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(
        (r["performance_grade"].as_str(), r["clawback"].as_bool()),
        (Some("poor"), Some(true))
    );
    // The pages and exports answer.
    let (c, _) = app.login("admin").await;
    let (s, page) = common::text(&c, app.url(&format!("/fiscal/{pid}"))).await;
    assert_eq!(s, 200);
    assert!(page.contains("79.33") && page.contains("已定稿"), "{page}");
    let x = c
        .get(app.url(&format!("/fiscal/{pid}/results.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), 200);
    let text = common::xlsx_text(&x.bytes().await.unwrap());
    assert!(text.contains("400000") && text.contains("300000"), "{text}");
    let d = c
        .get(app.url(&format!("/fiscal/{pid}/plan.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(d.status(), 200);
    let xml = common::document_xml(&d.bytes().await.unwrap());
    assert!(xml.contains("资助计划") && xml.contains("400,000"), "{xml}");
}

/// Ties: equal scores rank by earlier submission, then by code; below the
/// passing score nothing is ranked; with 4 experts nothing is trimmed.
#[tokio::test]
async fn ties_and_four_experts() {
    let app = spawn_app().await;
    common::enterprises_a_b(&app).await;
    for e in ["ex1", "ex2", "ex3", "ex4"] {
        user(&app, e, "expert").await;
    }
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    let today = common::today();
    for code in ["T1", "T2", "T3"] {
        let (s, r) = post(
            &http,
            app.url("/api/v1/projects"),
            &admin,
            json!({"code": code, "name": code,
            "township_code": "yongzhong", "kind": "industrial", "approved_on": "2026-01-10"}),
        )
        .await;
        assert!((200..300).contains(&s), "{r}");
    }
    let (_, p) = post(
        &http,
        app.url("/api/v1/fiscal/programmes"),
        &admin,
        json!({
        "title": "并列测试", "budget_yuan": 10_000_000,
        "opens_on": today.to_string(), "closes_on": today.to_string(),
        "support_share": 0.2, "cap_yuan": 1_500_000, "passing_score": 80}),
    )
    .await;
    let pid = p["id"].as_i64().unwrap();
    let url = |path: &str| app.url(&format!("/api/v1/fiscal{path}"));
    put(
        &http,
        url(&format!("/programmes/{pid}/experts")),
        &admin,
        json!({"experts": ["ex1", "ex2", "ex3", "ex4"]}),
    )
    .await;
    let mut ids = vec![];
    for (ent, project) in [(B, "T1"), (A, "T2"), (A, "T3")] {
        let (s, a) = post(&http, url(&format!("/programmes/{pid}/applications")), &admin,
            json!({"enterprise": ent, "project": project, "eligible_investment_yuan": 2_000_000, "amount_yuan": 1_000_000})).await;
        assert_eq!(s, 201, "{a}");
        post(
            &http,
            url(&format!("/applications/{}/review", a["id"])),
            &admin,
            json!({"decision": "pass"}),
        )
        .await;
        ids.push(a["id"].as_i64().unwrap());
    }
    post(
        &http,
        url(&format!("/programmes/{pid}/actions")),
        &admin,
        json!({"action": "close"}),
    )
    .await;
    // T1 and T2 tie at 85 (4 experts, no trimming: 80, 90, 85, 85);
    // T3 at 79.75 is below the passing score of 80.
    for (k, e) in ["ex1", "ex2", "ex3", "ex4"].iter().enumerate() {
        let t = app.token(e).await;
        let tie = [
            json!([20, 30, 15, 15]),
            json!([20, 35, 20, 15]),
            json!([20, 30, 20, 15]),
            json!([20, 30, 20, 15]),
        ][k]
            .clone();
        for a in &ids[..2] {
            let (s, r) = post(
                &http,
                url(&format!("/applications/{a}/scores")),
                &t,
                json!({"scores": tie}),
            )
            .await;
            assert_eq!(s, 200, "{r}");
        }
        let low = [
            json!([20, 30, 15, 15]),
            json!([20, 30, 15, 15]),
            json!([20, 30, 15, 14]),
            json!([20, 30, 15, 15]),
        ][k]
            .clone();
        post(
            &http,
            url(&format!("/applications/{}/scores", ids[2])),
            &t,
            json!({"scores": low}),
        )
        .await;
    }
    let (s, r) = post(
        &http,
        url(&format!("/programmes/{pid}/actions")),
        &admin,
        json!({"action": "rank"}),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (_, res) = get_json(
        &app,
        &admin,
        &format!("/api/v1/fiscal/programmes/{pid}/results"),
    )
    .await;
    let items = res["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{res}");
    // Equal scores: the earlier submission (T1, submitted first) ranks first.
    assert_eq!(
        (items[0]["id"].as_i64(), items[1]["id"].as_i64()),
        (Some(ids[0]), Some(ids[1]))
    );
    assert_eq!(items[0]["score_text"], "85.00");
    // 20% of 2,000,000 = 400,000 each.
    assert_eq!(
        (
            items[0]["award_yuan"].as_i64(),
            items[1]["award_yuan"].as_i64()
        ),
        (Some(400_000), Some(400_000))
    );
    let (_, low) = get_json(
        &app,
        &admin,
        &format!("/api/v1/fiscal/applications/{}", ids[2]),
    )
    .await;
    assert_eq!(
        (low["rank"].as_i64(), low["award_yuan"].as_i64()),
        (None, Some(0)),
        "{low}"
    );
    assert_eq!(low["score"], 79.75);
}
