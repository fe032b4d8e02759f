//! The joint meeting through the pages and the API: schedule, agenda from an
//! escalated request and a lagging project, attendees, decisions, an action
//! item that lands in the responsible unit's queue, minutes as .docx; and the
//! role matrix (the office writes, leaders and units read, enterprises may not).

mod common;

use common::{document_xml, post, spawn_app, today};
use domain::requests::{Kind, Status};
use domain::users::Role;
use serde_json::json;
use store::Actor;
use store::requests::Filter;
use store::requests::write::{ActInput, NewRequest};
use store::testing::{A, enterprise_a, viewer};

#[tokio::test]
async fn a_joint_meeting_from_agenda_to_minutes() {
    let app = spawn_app().await;
    let store = &app.store;
    // An enterprise's request the land bureau escalates to the joint meeting.
    store
        .upsert_enterprises(&Actor::system("测试"), &[enterprise_a()])
        .await
        .unwrap();
    let office = viewer(Role::Admin, None, None);
    let land = viewer(Role::Unit, Some("land"), None);
    let req = store
        .submit_request(
            &office,
            &NewRequest {
                enterprise: A.into(),
                category: "land".into(),
                title: "新厂房用地指标".into(),
                description: "二期厂房需要 20 亩工业用地。".into(),
                ..NewRequest::default()
            },
            &[],
            today(),
        )
        .await
        .unwrap();
    assert_eq!(req.unit_code.as_deref(), Some("land"));
    store
        .act_on_request(
            &land,
            req.id,
            &ActInput {
                action: "escalate".into(),
                note: "指标需全区统筹".into(),
                ..ActInput::default()
            },
            today(),
        )
        .await
        .unwrap();
    // A project whose planned start has passed: lagging.
    let token = app.token("admin").await;
    let api = reqwest::Client::new();
    let r = api
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&token)
        .json(&json!({"code": "M1", "name": "滞后的阀门项目", "township_code": "yongzhong", "kind": "industrial",
                      "planned_started_on": "2006-03-01", "responsible_unit_code": "drc"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let (admin, csrf) = app.login("admin").await;
    let page = |c: &reqwest::Client, path: &str| {
        let c = c.clone();
        let url = app.url(path);
        async move {
            let r = c.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (s, html) = page(&admin, "/meetings").await;
    assert_eq!(s, 200);
    assert!(html.contains("还没有安排过联席会议"), "empty state");
    assert!(html.contains("href=\"/meetings\""), "nav link");

    // Scheduling: the form names the fields in Chinese; then a meeting today.
    let r = admin
        .post(app.url("/meetings"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", ""),
            ("held_on", ""),
            ("place", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for want in ["会议名称须为", "请填写会议日期", "会议地点须为"] {
        assert!(html.contains(want), "{want}");
    }
    let today_s = today().to_string();
    let r = admin
        .post(app.url("/meetings"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "第一次联席会议"),
            ("held_on", today_s.as_str()),
            ("start_time", "09:30"),
            ("place", "区行政中心301会议室"),
            ("chair", "张副区长"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = at.trim_start_matches("/meetings/").parse().unwrap();

    // The picker offers the escalated request and the lagging project.
    let (_, html) = page(&admin, &at).await;
    assert!(
        html.contains(&format!("value=\"request:{}\"", req.id)),
        "{html}"
    );
    assert!(html.contains("value=\"project:M1\""));
    assert!(html.contains("开工计划 2006-03-01 逾期未完成"));
    let form = |path: String, fields: Vec<(&'static str, String)>| {
        let admin = admin.clone();
        let csrf = csrf.clone();
        let url = app.url(&path);
        async move {
            let mut f: Vec<(&str, String)> = vec![("csrf", csrf)];
            f.extend(fields);
            admin
                .post(url)
                .form(&f)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let agenda = format!("/meetings/{id}/agenda");
    assert_eq!(
        form(
            agenda.clone(),
            vec![("item", format!("request:{}", req.id))]
        )
        .await,
        303
    );
    assert_eq!(
        form(agenda.clone(), vec![("item", "project:M1".into())]).await,
        303
    );
    assert_eq!(
        form(
            agenda.clone(),
            vec![("item", format!("request:{}", req.id))]
        )
        .await,
        409,
        "once on the agenda"
    );
    assert_eq!(form(agenda, vec![("item", "".into())]).await, 422);
    assert_eq!(
        form(
            format!("/meetings/{id}/attendees"),
            vec![("units", "economy".into()), ("units", "land".into())]
        )
        .await,
        303
    );
    let detail = store.meeting_detail(&office, id).await.unwrap().unwrap();
    assert_eq!(detail.agenda.len(), 2);
    assert_eq!(detail.attendees.len(), 2);
    let agenda_id = detail.agenda[0].id;
    assert_eq!(
        form(
            format!("/meetings/{id}/decisions"),
            vec![
                ("text", "由国土资源分局统筹解决甲公司20亩用地指标".into()),
                ("agenda_id", agenda_id.to_string())
            ]
        )
        .await,
        303
    );
    let due = (today() + chrono::Duration::days(30)).to_string();
    assert_eq!(
        form(
            format!("/meetings/{id}/action-items"),
            vec![
                ("title", "落实甲公司用地指标".into()),
                ("description", "按会议议定完成指标调剂。".into()),
                ("unit", "land".into()),
                ("due", due.clone()),
                ("category", "land".into()),
            ]
        )
        .await,
        303
    );
    assert_eq!(
        form(
            format!("/meetings/{id}/action-items"),
            vec![
                ("title", "".into()),
                ("description", "".into()),
                ("unit", "nope".into()),
                ("due", "".into())
            ]
        )
        .await,
        422
    );

    // The API: a second decision and action item, and the meeting as JSON.
    let (s, d) = post(
        &api,
        app.url(&format!("/api/v1/meetings/{id}/decisions")),
        &token,
        json!({"text": "区经贸局做好跟踪服务"}),
    )
    .await;
    assert_eq!(s, 201, "{d}");
    let (s, item) = post(
        &api,
        app.url(&format!("/api/v1/meetings/{id}/action-items")),
        &token,
        json!({"title": "协调项目开工", "description": "协调 M1 项目尽快开工。", "unit": "economy", "due": due}),
    )
    .await;
    assert_eq!(s, 201, "{item}");
    assert_eq!(item["unit_code"], "economy");
    assert_eq!(item["status"], "assigned");
    let (s, e) = post(
        &api,
        app.url(&format!("/api/v1/meetings/{id}/action-items")),
        &token,
        json!({"title": "", "description": "x", "unit": "land", "due": "2000-01-01"}),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    let fields: Vec<&str> = e["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"title") && fields.contains(&"due"), "{e}");
    let m: serde_json::Value = api
        .get(app.url(&format!("/api/v1/meetings/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(m["meeting"]["status"], "planned");
    assert_eq!(m["decisions"].as_array().unwrap().len(), 2);
    assert_eq!(m["action_items"].as_array().unwrap().len(), 2);
    assert_eq!(m["attendees"].as_array().unwrap().len(), 2);
    assert!(
        m["agenda"][0]["label"]
            .as_str()
            .unwrap()
            .contains("新厂房用地指标")
    );

    // The action item is in the land bureau's queue, and on the meeting page with its status.
    let queue = store
        .requests(&land, &Filter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == Kind::ActionItem)
        .collect::<Vec<_>>();
    assert_eq!(queue.len(), 1);
    assert_eq!(
        (queue[0].status, queue[0].meeting_id),
        (Status::Assigned, Some(id))
    );
    let (tudi, _) = app.login("tudi").await;
    let (s, html) = page(&tudi, &at).await;
    assert_eq!(s, 200);
    assert!(html.contains(&format!("href=\"/requests/{}\"", queue[0].id)));
    assert!(html.contains("落实甲公司用地指标") && html.contains("待受理"));
    assert!(
        !html.contains("协调项目开工"),
        "the economy bureau's item is not the land bureau's"
    );
    assert!(!html.contains("action-item-form"), "units do not write");
    let (_, html) = page(&admin, &at).await;
    assert!(html.contains("落实甲公司用地指标") && html.contains("协调项目开工"));

    // Minutes: previewed any time; the .docx once the meeting is held.
    let (s, html) = page(&admin, &format!("/meetings/{id}/minutes")).await;
    assert_eq!(s, 200);
    for want in [
        "第一次联席会议纪要",
        "会议议定事项",
        "由国土资源分局统筹解决甲公司20亩用地指标",
        "主持：张副区长",
        "国土资源",
    ] {
        assert!(html.contains(want), "{want} in the minutes");
    }
    let r = admin
        .get(app.url(&format!("/meetings/{id}/minutes.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "not before the meeting is held");
    assert_eq!(form(format!("/meetings/{id}/held"), vec![]).await, 303);
    assert_eq!(
        form(format!("/meetings/{id}/held"), vec![]).await,
        409,
        "held once"
    );
    let (leader, _) = app.login("leader").await;
    let r = leader
        .get(app.url(&format!("/meetings/{id}/minutes.docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let xml = document_xml(&r.bytes().await.unwrap());
    for want in [
        "会议纪要",
        "会议议定事项",
        "由国土资源分局统筹解决甲公司20亩用地指标",
        "落实甲公司用地指标",
        "协调项目开工",
        "区行政中心301会议室",
    ] {
        assert!(xml.contains(want), "{want} in word/document.xml");
    }

    // The list shows it with its counts, and exports what it shows.
    let (_, html) = page(&leader, "/meetings?status=held").await;
    assert!(html.contains("第一次联席会议") && html.contains("已召开"));
    let (_, html) = page(&leader, "/meetings?q=nothing-like-this").await;
    assert!(html.contains("没有符合条件的会议"));
    let r = leader
        .get(app.url("/meetings/export.xlsx?status=held"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
    let list: serde_json::Value = api
        .get(app.url("/api/v1/meetings?status=held"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["action_count"], 2);
}

#[tokio::test]
async fn only_the_office_writes_and_enterprises_do_not_read() {
    let app = spawn_app().await;
    let admin_token = app.token("admin").await;
    let api = reqwest::Client::new();
    let (s, m) = post(
        &api,
        app.url("/api/v1/meetings"),
        &admin_token,
        json!({"title": "专题会议", "held_on": "2026-06-01", "place": "301会议室"}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let id = m["id"].as_i64().unwrap();
    let (s, e) = post(
        &api,
        app.url("/api/v1/meetings"),
        &admin_token,
        json!({"title": "", "held_on": "2026-13-01", "place": ""}),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(e["fields"].as_array().unwrap().len(), 3, "{e}");

    for user in ["leader", "jingmao"] {
        let token = app.token(user).await;
        let r = api
            .get(app.url(&format!("/api/v1/meetings/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{user} reads");
        for (path, body) in [
            (
                "/api/v1/meetings".to_string(),
                json!({"title": "x", "held_on": "2026-06-01", "place": "y"}),
            ),
            (
                format!("/api/v1/meetings/{id}/decisions"),
                json!({"text": "x"}),
            ),
            (
                format!("/api/v1/meetings/{id}/action-items"),
                json!({"title": "x", "description": "y", "unit": "land", "due": "2099-01-01"}),
            ),
        ] {
            let (s, _) = post(&api, app.url(&path), &token, body).await;
            assert_eq!(s, 403, "{user} may not POST {path}");
        }
        let (c, csrf) = app.login(user).await;
        assert_eq!(
            c.get(app.url(&format!("/meetings/{id}")))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        assert_eq!(
            c.get(app.url("/meetings/new"))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        for path in [
            "/meetings".to_string(),
            format!("/meetings/{id}/decisions"),
            format!("/meetings/{id}/attendees"),
            format!("/meetings/{id}/held"),
        ] {
            let r = c
                .post(app.url(&path))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("text", "x"),
                    ("title", "x"),
                    ("held_on", "2026-06-01"),
                    ("place", "y"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "{user} may not POST {path}");
        }
    }

    let token = app.token("qiye").await;
    for path in [
        "/api/v1/meetings".to_string(),
        format!("/api/v1/meetings/{id}"),
    ] {
        let r = api
            .get(app.url(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "enterprise may not read {path}");
    }
    let (c, _) = app.login("qiye").await;
    for path in [
        "/meetings".to_string(),
        format!("/meetings/{id}"),
        format!("/meetings/{id}/minutes"),
        format!("/meetings/{id}/minutes.docx"),
        "/meetings/export.xlsx".to_string(),
    ] {
        let r = c.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 403, "enterprise may not read {path}");
    }
    let home = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!home.contains("联席会议"), "no nav link for enterprises");
    let r = api.get(app.url("/api/v1/meetings")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let doc: serde_json::Value = api
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for p in [
        "/api/v1/meetings",
        "/api/v1/meetings/{id}",
        "/api/v1/meetings/{id}/decisions",
        "/api/v1/meetings/{id}/action-items",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} in the OpenAPI document");
    }
    assert!(doc["components"]["schemas"]["MeetingDetailJson"].is_object());
}
