//! Supervision: the reminder list of overdue requests by unit, 催办 recorded
//! on the request, the supervision notice numbered in the bulletins' sequence
//! and frozen, the statistics on a hand-computed set, and who may see what.

mod common;

use chrono::Datelike;
use common::{TestApp, document_xml, enterprises_a_b, spawn_app, text, today};
use domain::users::Role;
use serde_json::Value;
use store::requests::Viewer;
use store::requests::write::{ActInput, NewRequest};
use store::testing::{A, B, d, viewer};

/// Submits a request for enterprise `e` in `category` on `on` (routed by the default rules).
async fn submit(app: &TestApp, e: &str, category: &str, title: &str, on: &str) -> i64 {
    app.store
        .submit_request(
            &viewer(Role::Enterprise, None, Some(e)),
            &NewRequest {
                category: category.into(),
                title: title.into(),
                description: "情况说明".into(),
                ..NewRequest::default()
            },
            &[],
            d(on),
        )
        .await
        .unwrap()
        .id
}

async fn act(app: &TestApp, v: &Viewer, id: i64, action: &str, rating: Option<&str>, on: &str) {
    app.store
        .act_on_request(
            v,
            id,
            &ActInput {
                action: action.into(),
                note: "办理情况".into(),
                rating: rating.map(Into::into),
                ..ActInput::default()
            },
            d(on),
        )
        .await
        .unwrap();
}

async fn code_of(app: &TestApp, id: i64) -> String {
    app.store
        .request(&Viewer::office("测试"), id)
        .await
        .unwrap()
        .unwrap()
        .code
}

#[tokio::test]
async fn overdue_requests_are_listed_by_unit_urged_and_noticed() {
    let app = spawn_app().await;
    enterprises_a_b(&app).await;
    // Mon 2026-01-05, never accepted: every step overdue (land bureau).
    let r1 = submit(&app, A, "land", "二期用地指标", "2026-01-05").await;
    // Accepted on time, never answered: reply and resolution overdue (land bureau).
    let r2 = submit(&app, B, "land", "土地证办理", "2026-01-06").await;
    let land = viewer(Role::Unit, Some("land"), None);
    act(&app, &land, r2, "accept", None, "2026-01-06").await;
    // Never accepted (economy bureau).
    let r3 = submit(&app, A, "financing", "流动资金贷款", "2026-01-07").await;
    // Submitted today: nothing is late yet.
    let today = today();
    let r4 = submit(&app, B, "tax", "出口退税", &today.to_string()).await;
    let (c1, c2, c3, c4) = (
        code_of(&app, r1).await,
        code_of(&app, r2).await,
        code_of(&app, r3).await,
        code_of(&app, r4).await,
    );
    // The land bureau asks for an extension of r2.
    app.store
        .ask_extension(&land, r2, 5, "需等待省厅批复", d("2026-01-07"))
        .await
        .unwrap();

    let (admin, csrf) = app.login("admin").await;
    let (s, html) = text(&admin, app.url("/supervision")).await;
    assert_eq!(s, 200);
    for want in [
        &c1,
        &c2,
        &c3,
        "温州甲阀门有限公司",
        "用地",
        "首次答复",
        "需等待省厅批复",
    ] {
        assert!(html.contains(want), "{want} on the reminder list");
    }
    assert!(!html.contains(&c4), "a request not yet late is not listed");
    assert!(
        html.contains(&format!("href=\"/requests/{r2}\"")),
        "pending extension links to the request"
    );
    // Grouped by unit, the unit with the most first.
    let land_at = html
        .find("id=\"unit-land\"")
        .expect("the land bureau's group");
    let economy_at = html
        .find("id=\"unit-economy\"")
        .expect("the economy bureau's group");
    assert!(land_at < economy_at);
    let land_group = &html[land_at..economy_at];
    assert!(land_group.contains(&c1) && land_group.contains(&c2) && !land_group.contains(&c3));
    assert!(land_group.contains("2 件超期"));
    // Filters by unit and category; export.
    let (_, only_economy) = text(&admin, app.url("/supervision?unit=economy")).await;
    assert!(only_economy.contains(&c3) && !only_economy.contains(&c1));
    let (_, only_land) = text(&admin, app.url("/supervision?category=land")).await;
    assert!(only_land.contains(&c1) && !only_land.contains(&c3));
    let (_, none) = text(&admin, app.url("/supervision?category=power")).await;
    assert!(none.contains("id=\"empty\""));
    let x = admin
        .get(app.url("/supervision/export.xlsx?unit=land"))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), 200);
    assert_eq!(&x.bytes().await.unwrap()[..2], b"PK");

    // 催办 one request, then all of the land bureau's: events, no status change.
    let status_before = app
        .store
        .request(&Viewer::office("t"), r1)
        .await
        .unwrap()
        .unwrap()
        .status;
    let r = admin
        .post(app.url(&format!("/supervision/requests/{r1}/urge")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("note", "请于本周内受理"),
            ("back", "/supervision?unit=land"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/supervision?unit=land");
    let r = admin
        .post(app.url("/supervision/units/land/urge"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let detail = app
        .store
        .request_detail(&Viewer::office("t"), r1)
        .await
        .unwrap()
        .unwrap();
    let urges: Vec<_> = detail
        .events
        .iter()
        .filter(|e| e.action == "urge")
        .collect();
    assert_eq!(urges.len(), 2);
    assert_eq!(urges[0].note, "请于本周内受理");
    assert_eq!(urges[0].action_label(), "催办");
    assert_eq!(detail.record.status, status_before);
    let (_, html) = text(&admin, app.url("/supervision")).await;
    assert!(html.contains("已催办 2 次") && html.contains("已催办 1 次"));
    let r3_urges = app
        .store
        .request_detail(&Viewer::office("t"), r3)
        .await
        .unwrap()
        .unwrap()
        .events
        .iter()
        .filter(|e| e.action == "urge")
        .count();
    assert_eq!(r3_urges, 0, "only the land bureau's items were urged");

    // Roles: the leader reads without buttons; units and enterprises may not.
    let (leader, leader_csrf) = app.login("leader").await;
    let (s, html) = text(&leader, app.url("/supervision")).await;
    assert_eq!(s, 200);
    assert!(html.contains(&c1) && !html.contains("催办该单位"));
    let r = leader
        .post(app.url(&format!("/supervision/requests/{r1}/urge")))
        .form(&[("csrf", leader_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    for who in ["jingmao", "qiye"] {
        let (c, _) = app.login(who).await;
        for path in [
            "/supervision",
            "/supervision/export.xlsx",
            "/supervision/notices",
            "/supervision/notices/preview",
        ] {
            assert_eq!(text(&c, app.url(path)).await.0, 403, "{who} on {path}");
        }
    }
    assert!(text(&admin, app.url("/")).await.1.contains("督查催办"));

    // The API.
    let token = app.token("admin").await;
    let api: Value = reqwest::Client::new()
        .get(app.url("/api/v1/supervision/overdue"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["total"], 3);
    assert_eq!(api["by_unit"][0]["unit_code"], "land");
    assert_eq!(api["by_unit"][0]["count"], 2);
    let first = &api["items"][0];
    assert_eq!(first["code"], c1.as_str(), "the most late first");
    assert_eq!(first["steps"][0]["step"], "受理");
    assert_eq!(first["steps"][0]["due"], "2026-01-06");
    assert_eq!(first["urge_count"], 2);
    let unit_token = app.token("jingmao").await;
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/supervision/overdue"))
        .bearer_auth(&unit_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // A bulletin first, then the supervision notice takes the next number of the year.
    let r = admin
        .post(app.url("/bulletins"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("as_of", "2006-06-30"),
            ("issued_on", &format!("{}-01-02", today.year())),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let bulletin_url = r.headers()["location"].to_str().unwrap().to_string();
    let (s, preview) = text(
        &leader,
        app.url("/supervision/notices/preview?intro=%E4%B8%BA%E5%8A%A0%E5%BC%BA%E7%9D%A3%E6%9F%A5"),
    )
    .await;
    assert_eq!(s, 200);
    for want in [
        "关于企业诉求办理超期情况的督查通报",
        "为加强督查",
        "一、总体情况",
        "共有3件",
        "超期事项较多的单位是：区国土资源分局（2件）",
        "（一）区国土资源分局（2件）",
        &c1,
        &c3,
        "（签发时编号）",
    ] {
        assert!(preview.contains(want), "{want} in the notice preview");
    }
    assert!(!preview.contains("签发并编号"), "leaders do not issue");
    let draft = leader
        .get(app.url("/supervision/notices/draft.docx"))
        .send()
        .await
        .unwrap();
    assert_eq!(draft.status(), 200);
    let xml = document_xml(&draft.bytes().await.unwrap());
    assert!(xml.contains("督查通报") && xml.contains(&c1));
    let r = admin
        .post(app.url("/supervision/notices"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("as_of", &today.to_string()),
            ("issued_on", &today.to_string()),
            ("closing", "各单位要对超期事项逐件销号。"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let notice_url = r.headers()["location"].to_str().unwrap().to_string();
    assert!(notice_url.starts_with("/supervision/notices/"));
    let (_, notice) = text(&admin, app.url(&notice_url)).await;
    let number = format!("龙两个年办〔{}〕2号", today.year());
    assert!(notice.contains(&number), "numbered after the bulletin");
    assert!(notice.contains("三、下一步工作要求") && notice.contains(&c2));
    let docx = admin
        .get(app.url(&format!("{notice_url}/docx")))
        .send()
        .await
        .unwrap();
    let xml = document_xml(&docx.bytes().await.unwrap());
    assert!(xml.contains("督查通报") && xml.contains(&number));

    // Later work does not change the issued notice; a new draft sees it.
    let economy = viewer(Role::Unit, Some("economy"), None);
    act(&app, &economy, r3, "accept", None, &today.to_string()).await;
    act(&app, &economy, r3, "resolve", None, &today.to_string()).await;
    let (_, again) = text(&admin, app.url(&notice_url)).await;
    assert_eq!(
        notice,
        again.replace(&common::csrf_of(&again), &common::csrf_of(&notice)),
        "the issued notice is frozen"
    );
    let (_, fresh) = text(&admin, app.url("/supervision/notices/preview")).await;
    assert!(fresh.contains("共有2件") && !fresh.contains(&c3));
    // The draft page (shared with bulletins) links and posts to the notices.
    assert!(
        fresh.contains("action=\"/supervision/notices\"")
            && fresh.contains("href=\"/supervision/notices/draft.docx?")
    );
    assert!(!fresh.contains("href=\"/bulletins/draft.docx"));

    // Each list shows its own kind only.
    let (_, bulletins) = text(&admin, app.url("/bulletins")).await;
    assert!(bulletins.contains("已签发（1）") && !bulletins.contains("督查通报（截至"));
    let (_, notices) = text(&admin, app.url("/supervision/notices")).await;
    assert!(notices.contains("已签发（1）") && notices.contains(&number));
    let notice_id = notice_url.rsplit('/').next().unwrap();
    let bulletin_id = bulletin_url.rsplit('/').next().unwrap();
    assert_eq!(
        text(&admin, app.url(&format!("/bulletins/{notice_id}")))
            .await
            .0,
        404
    );
    assert_eq!(
        text(
            &admin,
            app.url(&format!("/supervision/notices/{bulletin_id}"))
        )
        .await
        .0,
        404
    );

    // A future as-of date is refused with the field named; an absurd one
    // is out of the bounds of any supervision date.
    let soon = common::today() + chrono::Duration::days(30);
    let (s, html) = text(
        &admin,
        app.url(&format!("/supervision/notices/preview?as_of={soon}")),
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("截至日期不能晚于今天"));
    let (s, html) = text(
        &admin,
        app.url("/supervision/notices/preview?as_of=2999-01-01"),
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("截至日期须在"), "{html}");
}

#[tokio::test]
async fn statistics_match_a_hand_computed_set() {
    let app = spawn_app().await;
    enterprises_a_b(&app).await;
    let economy = viewer(Role::Unit, Some("economy"), None);
    let land = viewer(Role::Unit, Some("land"), None);
    let ent_a = viewer(Role::Enterprise, None, Some(A));
    // Three financing requests for the economy bureau, submitted Mon 2026-03-02:
    // accept due 03-03, reply due 03-05, resolve due 03-23.
    // e1: all on time, resolved 03-06 (4 working days), rated 非常满意.
    let e1 = submit(&app, A, "financing", "贷款一", "2026-03-02").await;
    act(&app, &economy, e1, "accept", None, "2026-03-02").await;
    act(&app, &economy, e1, "reply", None, "2026-03-04").await;
    act(&app, &economy, e1, "resolve", None, "2026-03-06").await;
    act(
        &app,
        &ent_a,
        e1,
        "rate",
        Some("very_satisfied"),
        "2026-03-09",
    )
    .await;
    // e2: accepted late (03-04), replied on time (03-04), resolved late 03-30
    // (20 working days), rated 基本满意.
    let e2 = submit(&app, A, "financing", "贷款二", "2026-03-02").await;
    act(&app, &economy, e2, "accept", None, "2026-03-04").await;
    act(&app, &economy, e2, "reply", None, "2026-03-04").await;
    act(&app, &economy, e2, "resolve", None, "2026-03-30").await;
    act(&app, &ent_a, e2, "rate", Some("basic"), "2026-03-31").await;
    // e3: never accepted: every step overdue now, still open.
    submit(&app, A, "financing", "贷款三", "2026-03-02").await;
    // One land request (below any sensible minimum), and one outside the period.
    let l1 = submit(&app, A, "land", "用地", "2026-03-03").await;
    act(&app, &land, l1, "accept", None, "2026-03-03").await;
    submit(&app, A, "financing", "四月的贷款", "2026-04-01").await;

    let token = app.token("leader").await;
    let get = |q: &'static str| {
        let url = app.url(&format!("/api/v1/requests/stats?{q}"));
        let token = token.clone();
        async move {
            let r = reqwest::Client::new()
                .get(url)
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (s, j) = get("from=2026-03-01&to=2026-03-31&by=unit&min_count=3").await;
    assert_eq!(s, 200, "{j}");
    let row = |k: &str| {
        j["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == k)
            .unwrap_or_else(|| panic!("row {k} in {j}"))
            .clone()
    };
    let e = row("economy");
    assert_eq!(e["received"], 3);
    let share = |v: &Value| (v["num"].as_i64().unwrap(), v["den"].as_i64().unwrap());
    assert_eq!(share(&e["accepted_on_time"]), (1, 3));
    assert_eq!(share(&e["replied_on_time"]), (2, 3));
    assert_eq!(share(&e["resolved_on_time"]), (1, 3));
    assert_eq!(share(&e["resolved"]), (2, 3));
    assert_eq!(e["median_handling_working_days"], 12.0);
    assert_eq!(e["handling_sample"], 2);
    assert_eq!(e["overdue_now"], 1);
    assert_eq!(e["open_now"], 1);
    assert_eq!(share(&e["satisfied"]), (2, 2));
    assert_eq!(e["average_score"], 4.0);
    assert_eq!(e["rank"], 1);
    let l = row("land");
    assert_eq!(
        (l["received"].as_i64(), l["rank"].is_null()),
        (Some(1), true)
    );
    assert_eq!(j["total"]["received"], 4);
    // The default minimum (5) ranks nobody here; by category groups by category.
    let (_, j5) = get("from=2026-03-01&to=2026-03-31").await;
    assert!(
        j5["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["rank"].is_null())
    );
    let (_, jc) = get("from=2026-03-01&to=2026-04-30&by=category&min_count=1").await;
    let fin = jc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "financing")
        .unwrap()
        .clone();
    assert_eq!(
        (fin["received"].as_i64(), fin["name"].as_str()),
        (Some(4), Some("融资"))
    );
    let (s, bad) = get("from=2026-03-31&to=2026-03-01&by=township").await;
    assert_eq!(s, 422);
    let fields: Vec<&str> = bad["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["to", "by"]);

    // The page: figures with their samples, 样本不足 below the minimum; the unit's own row highlighted.
    let (leader, _) = app.login("leader").await;
    let (s, html) = text(
        &leader,
        app.url("/requests/stats?from=2026-03-01&to=2026-03-31&min_count=3"),
    )
    .await;
    assert_eq!(s, 200);
    for want in [
        "33.3%（1/3）",
        "66.6%（2/3）",
        "100.0%（2/2）",
        "12（2 件）",
        "4.00",
        "样本不足",
        "全区合计",
    ] {
        assert!(html.contains(want), "{want} on the statistics page");
    }
    let (jingmao, _) = app.login("jingmao").await;
    let (s, html) = text(
        &jingmao,
        app.url("/requests/stats?from=2026-03-01&to=2026-03-31"),
    )
    .await;
    assert_eq!(s, 200);
    assert!(html.contains("class=\"mine\" data-key=\"economy\""));
    let x = leader
        .get(app.url("/requests/stats/export.xlsx?from=2026-03-01&to=2026-03-31"))
        .send()
        .await
        .unwrap();
    assert_eq!(x.status(), 200);
    assert_eq!(&x.bytes().await.unwrap()[..2], b"PK");
    let (qiye, _) = app.login("qiye").await;
    assert_eq!(text(&qiye, app.url("/requests/stats")).await.0, 403);
    let (_, empty) = text(
        &leader,
        app.url("/requests/stats?from=2025-01-01&to=2025-12-31"),
    )
    .await;
    assert!(empty.contains("id=\"empty\""));
    // The OpenAPI document names both endpoints.
    let doc = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(doc.contains("/api/v1/requests/stats") && doc.contains("/api/v1/supervision/overdue"));
}
