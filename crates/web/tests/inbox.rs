//! 待办 through the pages and the API: what waits for a unit (a new
//! assignment, an overdue item), for an enterprise (a reply to its own
//! request, nothing of another's), for the office (what no rule routes), and
//! the badge count agreeing with the page.

mod common;

use common::{TestApp, enterprise_user, enterprises_a_b, spawn_app, text, today, viewer_of};
use store::requests::write::{ActInput, NewRequest};
use store::testing::{A, B, d};

/// Two enterprises, each with its own account (qiye_a, qiye_b).
async fn enterprises(app: &TestApp) {
    enterprises_a_b(app).await;
    for (u, code) in [("qiye_a", A), ("qiye_b", B)] {
        enterprise_user(app, u, "企业联系人", code).await;
    }
}

fn request(category: &str, title: &str) -> NewRequest {
    NewRequest {
        category: category.into(),
        title: title.into(),
        description: "需要协调解决的困难。".into(),
        ..NewRequest::default()
    }
}

/// The part of the page inside `<section id="kind">`.
fn section<'a>(html: &'a str, kind: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{kind}\">"))
        .unwrap_or_else(|| panic!("no section {kind} in {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

#[tokio::test]
async fn each_user_sees_what_waits_for_them() {
    let app = spawn_app().await;
    enterprises(&app).await;
    let ent_a = viewer_of(&app, "qiye_a").await;
    let economy = viewer_of(&app, "jingmao").await;

    // Submitted 2026-01-05 and never accepted: overdue for the land bureau.
    let old = app
        .store
        .submit_request(
            &ent_a,
            &request("land", "老厂房用地手续"),
            &[],
            d("2026-01-05"),
        )
        .await
        .unwrap();
    assert_eq!(old.unit_code.as_deref(), Some("land"));
    // Submitted today: a new assignment, not yet due.
    let fresh = app
        .store
        .submit_request(&ent_a, &request("land", "新增用地指标"), &[], today())
        .await
        .unwrap();
    // A financing request the economy bureau has replied to.
    let replied = app
        .store
        .submit_request(
            &ent_a,
            &request("financing", "流动资金贷款"),
            &[],
            d("2026-01-05"),
        )
        .await
        .unwrap();
    for (action, note) in [("accept", ""), ("reply", "已对接三家银行，下周安排面谈。")]
    {
        app.store
            .act_on_request(
                &economy,
                replied.id,
                &ActInput {
                    action: action.into(),
                    note: note.into(),
                    ..ActInput::default()
                },
                today(),
            )
            .await
            .unwrap();
    }
    // No rule for "other": it waits for the office.
    let unrouted = app
        .store
        .submit_request(&ent_a, &request("other", "厂区门口道路积水"), &[], today())
        .await
        .unwrap();
    assert_eq!(unrouted.unit_code, None);

    // The land bureau: the overdue item and the new assignment, both new to it.
    let (tudi, _) = app.login("tudi").await;
    let (s, page) = text(&tudi, app.url("/inbox")).await;
    assert_eq!(s, 200);
    let overdue = section(&page, "overdue");
    assert!(
        overdue.contains(&old.code) && overdue.contains("老厂房用地手续"),
        "{overdue}"
    );
    assert!(overdue.contains(&format!("/requests/{}", old.id)));
    let assigned = section(&page, "new_assignment");
    assert!(assigned.contains(&fresh.code), "{assigned}");
    assert!(
        !assigned.contains(&old.code),
        "each request in one group only"
    );
    assert!(!page.contains(&replied.code), "another unit's request");
    assert!(page.contains("tag-new"));
    assert!(
        page.contains("共 <strong id=\"inbox-total\">2</strong> 项"),
        "{page}"
    );
    // The badge agrees with the page; the look was recorded, so nothing is new now.
    let count: serde_json::Value = tudi
        .get(app.url("/api/v1/notifications/count"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(count["total"], 2);
    assert_eq!(count["new"], 0);
    let (_, again) = text(&tudi, app.url("/inbox")).await;
    assert!(!again.contains("tag-new"), "seen items are no longer new");

    // The same through the API with a token.
    let token = app.token("tudi").await;
    let list: serde_json::Value = reqwest::Client::new()
        .get(app.url("/api/v1/notifications"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);
    let kinds: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["overdue", "new_assignment"]);
    assert_eq!(list["items"][0]["url"], format!("/requests/{}", old.id));

    // Enterprise A: the reply to its own request, and its other requests'
    // routing as changes; the badge (fetched before the look) agrees.
    let (qa, _) = app.login("qiye_a").await;
    let count: serde_json::Value = qa
        .get(app.url("/api/v1/notifications/count"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (_, page) = text(&qa, app.url("/inbox")).await;
    let r = section(&page, "replied");
    assert!(
        r.contains(&replied.code) && r.contains("流动资金贷款"),
        "{r}"
    );
    assert!(section(&page, "changed").contains(&old.code));
    let shown = page.matches("<tr>").count() - page.matches("<thead><tr>").count();
    assert_eq!(count["total"].as_u64().unwrap() as usize, shown, "{page}");
    // Once looked at, the changes are acknowledged; the reply still waits.
    let (_, page) = text(&qa, app.url("/inbox")).await;
    assert!(section(&page, "replied").contains(&replied.code));
    assert!(!page.contains("<section id=\"changed\">"), "{page}");

    // Enterprise B sees nothing of A's.
    let (qb, _) = app.login("qiye_b").await;
    let (_, page) = text(&qb, app.url("/inbox")).await;
    for r in [&old, &fresh, &replied, &unrouted] {
        assert!(!page.contains(&r.code), "B must not see {}", r.code);
    }
    assert!(page.contains("目前没有等待您处理的事项"), "{page}");

    // The office: what no rule routed, and every unit's overdue items.
    let (admin, _) = app.login("admin").await;
    let (_, page) = text(&admin, app.url("/inbox")).await;
    assert!(section(&page, "unassigned").contains(&unrouted.code));
    assert!(section(&page, "overdue").contains(&old.code));
    let next = chrono::Datelike::year(&today()) + 1;
    if app.store.calendar().await.unwrap().year(next).is_none() {
        assert!(
            page.contains(&format!(
                "{next} 年节假日安排尚未录入：跨入该年的截止日期暂按周一至周五计算（标注“暂定”）"
            )),
            "the office is warned on its inbox"
        );
    }

    // Leaders act on none of it, and are told why.
    let (leader, _) = app.login("leader").await;
    let (s, page) = text(&leader, app.url("/inbox")).await;
    assert_eq!(s, 200);
    assert!(page.contains("领导账号没有待办事项"), "{page}");
    let count: serde_json::Value = leader
        .get(app.url("/api/v1/notifications/count"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(count["total"], 0);

    // Without a session: the page sends to login, the API answers 401.
    let anon = common::client();
    let r = anon.get(app.url("/inbox")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let r = anon
        .get(app.url("/api/v1/notifications/count"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Documented.
    let doc: serde_json::Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/notifications"].is_object());
    assert!(doc["paths"]["/api/v1/notifications/count"].is_object());
}
