//! Policies through a spawned server, on the backend TEST_DATABASE_URL names:
//! matching on a hand-built registry (each rule alone and combined, the
//! policy's year for year-bound attributes), publishing into the matched
//! enterprises' inboxes, read counts, a question filed as a linked request,
//! and expiry.

mod common;

use common::{enterprise_user, get_json, post, spawn_app};
use serde_json::{Value, json};
use store::Actor;
use store::testing::{A, B};

fn policy(applies_to: Value) -> Value {
    json!({"title": "关于支持阀门产业技术改造的若干意见", "document_number": "龙政发〔2006〕8号",
           "issuing_body": "龙湾区人民政府", "issued_on": "2005-12-20", "effective_on": "2006-01-01",
           "body": "一、……\n二、……", "interpretation": "本意见适用于……", "categories": ["财政支持", "tax"],
           "applies_to": applies_to, "contact": "区经贸局 86900000"})
}

#[tokio::test]
async fn matching_publishing_reading_and_asking() {
    let app = spawn_app().await;
    // A: 3443 in yongzhong, above size in 2006 (not 2005), an industry leader
    // in 2006. B: 1810 in haibin, never above size.
    let mut a = store::testing::enterprise_a();
    a.above_scale_years = Some(vec![2006]);
    let mut b = store::testing::enterprise_b();
    b.industry_code = "1810".into();
    app.store
        .upsert_enterprises(&Actor::system("t"), &[a, b])
        .await
        .unwrap();
    app.store
        .set_enterprise_year(
            &Actor::system("t"),
            A,
            2006,
            domain::enterprises::Tier::IndustryLeader,
            "",
        )
        .await
        .unwrap();
    enterprise_user(&app, "jia.qiye", "甲", A).await;
    enterprise_user(&app, "yi.qiye", "乙", B).await;
    let http = reqwest::Client::new();
    let admin = app.token("admin").await;
    // Refused with the fields named.
    let mut bad = policy(
        json!({"industries": ["3x"], "townships": ["nowhere"], "tiers": ["big"], "per_mu_classes": ["E"]}),
    );
    bad["categories"] = json!(["别的"]);
    bad["expires_on"] = json!("2005-01-01");
    let (s, e) = post(&http, app.url("/api/v1/policies"), &admin, bad).await;
    assert_eq!(s, 422, "{e}");
    for f in [
        "categories[0]",
        "applies_to.industries[0]",
        "applies_to.townships[0]",
        "applies_to.tiers[0]",
        "applies_to.per_mu_classes[0]",
        "expires_on",
    ] {
        assert!(e.to_string().contains(&format!("\"{f}\"")), "{f}: {e}");
    }
    // Each rule alone and combined, read through the draft's preview.
    let matched = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| m["credit_code"].as_str().unwrap().to_string())
            .collect()
    };
    let mut ids = vec![];
    for (rules, want) in [
        (json!({}), vec![B, A]),
        (json!({"industries": ["34"]}), vec![A]),
        (json!({"industries": ["C"]}), vec![B, A]),
        (json!({"industries": ["18", "39"]}), vec![B]),
        (json!({"townships": ["haibin"]}), vec![B]),
        (json!({"above_scale_only": true}), vec![A]),
        (json!({"tiers": ["industry_leader"]}), vec![A]),
        (json!({"per_mu_classes": ["A", "B"]}), vec![]),
        (
            json!({"industries": ["34"], "townships": ["haibin"]}),
            vec![],
        ),
        (
            json!({"industries": ["34", "18"], "townships": ["yongzhong", "haibin"], "above_scale_only": true}),
            vec![A],
        ),
    ] {
        let (s, p) = post(
            &http,
            app.url("/api/v1/policies"),
            &admin,
            policy(rules.clone()),
        )
        .await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(p["status"], "draft");
        assert_eq!(p["categories"], json!(["fiscal", "tax"]));
        let id = p["id"].as_i64().unwrap();
        let (s, m) = get_json(&app, &admin, &format!("/api/v1/policies/{id}/matches")).await;
        assert_eq!(s, 200, "{m}");
        let mut want: Vec<String> = want.iter().map(|x| x.to_string()).collect();
        want.sort();
        assert_eq!(matched(&m), want, "{rules}");
        ids.push(id);
    }
    // The year-bound attribute is read for the year it takes effect: a 2005 policy finds nobody above size.
    let mut y2005 = policy(json!({"above_scale_only": true}));
    y2005["effective_on"] = Value::Null;
    let (_, p) = post(&http, app.url("/api/v1/policies"), &admin, y2005).await;
    let (_, m) = get_json(
        &app,
        &admin,
        &format!("/api/v1/policies/{}/matches", p["id"]),
    )
    .await;
    assert_eq!(m.as_array().unwrap().len(), 0, "{m}");
    // A draft is not the enterprises' to read.
    let jia = app.token("jia.qiye").await;
    let yi = app.token("yi.qiye").await;
    assert_eq!(
        get_json(&app, &jia, &format!("/api/v1/policies/{}", ids[1]))
            .await
            .0,
        404
    );
    assert_eq!(
        get_json(&app, &jia, &format!("/api/v1/policies/{}/matches", ids[1]))
            .await
            .0,
        403
    );
    // Publish the combined one: A only, with one reason per rule.
    let combined = *ids.last().unwrap();
    let (s, p) = post(
        &http,
        app.url(&format!("/api/v1/policies/{combined}/publish")),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(
        (
            p["status"].as_str(),
            p["matched"].as_i64(),
            p["read"].as_i64()
        ),
        (Some("published"), Some(1), Some(0))
    );
    let (_, m) = get_json(
        &app,
        &admin,
        &format!("/api/v1/policies/{combined}/matches"),
    )
    .await;
    assert_eq!(m[0]["reasons"].as_array().unwrap().len(), 3, "{m}");
    assert_eq!(m[0]["read"], false);
    let (s, _) = post(
        &http,
        app.url(&format!("/api/v1/policies/{combined}/publish")),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(s, 409, "published twice");
    // In A's inbox, not B's; opening it counts as read (once).
    let (ca, _) = app.login("jia.qiye").await;
    let (_, inbox) = common::text(&ca, app.url("/inbox")).await;
    assert!(
        inbox.contains("关于支持阀门产业技术改造的若干意见") && inbox.contains("未读"),
        "{inbox}"
    );
    let (cb, _) = app.login("yi.qiye").await;
    let (_, inbox) = common::text(&cb, app.url("/inbox")).await;
    assert!(!inbox.contains("关于支持阀门产业技术改造的若干意见"));
    let (s, page) = common::text(&ca, app.url(&format!("/policies/{combined}"))).await;
    assert_eq!(s, 200);
    assert!(page.contains("咨询这项政策"));
    get_json(&app, &jia, &format!("/api/v1/policies/{combined}")).await;
    let (_, p) = get_json(&app, &admin, &format!("/api/v1/policies/{combined}")).await;
    assert_eq!(
        (p["matched"].as_i64(), p["read"].as_i64()),
        (Some(1), Some(1)),
        "{p}"
    );
    // B opening it (not concerned) changes nothing.
    get_json(&app, &yi, &format!("/api/v1/policies/{combined}")).await;
    let (_, p) = get_json(&app, &admin, &format!("/api/v1/policies/{combined}")).await;
    assert_eq!(p["read"], 1);
    // A asks about it: a request in the policy category, linked.
    let csrf = common::csrf_of(&page);
    let r = ca
        .post(app.url(&format!("/policies/{combined}/ask")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("question", "本企业是否可以申报？"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let rid = to.rsplit('/').next().unwrap();
    let (_, req) = get_json(&app, &jia, &format!("/api/v1/requests/{rid}")).await;
    assert_eq!(req["request"]["category"], "policy", "{req}");
    assert_eq!(req["request"]["policy_id"], combined, "{req}");
    assert!(
        req["request"]["description"]
            .as_str()
            .unwrap()
            .contains("龙政发〔2006〕8号"),
        "{req}"
    );
    // An expired policy leaves the inbox and is marked.
    let mut old = policy(json!({}));
    old["title"] = json!("已经失效的旧政策");
    old["expires_on"] = json!("2006-12-31");
    let (_, p) = post(&http, app.url("/api/v1/policies"), &admin, old).await;
    let (_, p) = post(
        &http,
        app.url(&format!("/api/v1/policies/{}/publish", p["id"])),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(
        (p["matched"].as_i64(), p["expired"].as_bool()),
        (Some(2), Some(true)),
        "{p}"
    );
    let (_, inbox) = common::text(&ca, app.url("/inbox")).await;
    assert!(!inbox.contains("已经失效的旧政策"));
    let (_, list) = common::text(&ca, app.url("/policies")).await;
    assert!(
        list.contains("已经失效的旧政策") && list.contains("已失效"),
        "{list}"
    );
}
