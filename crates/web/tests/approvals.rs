//! The green channel through the pages: items with working-day limits,
//! flagged when past them, on the project and in the list per department.

mod common;

use common::spawn_app;
use serde_json::json;

#[tokio::test]
async fn approval_items_past_their_limit_are_flagged() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&token)
        .json(&json!({"code": "GC1", "name": "绿色通道项目", "township_code": "yongzhong", "kind": "industrial", "responsible_unit_code": "drc"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (admin, csrf) = app.login("admin").await;
    let add = |name: &'static str, submitted: &'static str, limit: &'static str| {
        let admin = admin.clone();
        let csrf = csrf.clone();
        let url = app.url("/projects/GC1/approvals");
        async move {
            admin
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("name", name),
                    ("department_code", "environment"),
                    ("submitted_on", submitted),
                    ("limit_working_days", limit),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // Submitted Friday 2006-01-20 with 5 working days: the limit is 2006-01-27.
    assert_eq!(add("环评审批", "2006-01-20", "5").await, 303);
    assert_eq!(add("规划许可", "", "10").await, 303);
    assert_eq!(add("", "2006-01-20", "0").await, 422);

    let page = admin
        .get(app.url("/projects/GC1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("已超时（时限 2006-01-27）"), "{page}");
    assert!(page.contains("未报送"));

    // The department's list flags it; the department records the approval.
    let items = app.store.approvals(Some("GC1")).await.unwrap();
    let id = items
        .iter()
        .find(|i| i.approval.name == "环评审批")
        .unwrap()
        .id;
    let list = admin
        .get(app.url("/approvals?department=environment&overdue=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("环评审批") && !list.contains("规划许可"),
        "only the overdue item"
    );

    let (jm, jm_csrf) = app.login("jingmao").await; // neither the project's unit nor the department
    let r = jm
        .post(app.url(&format!("/approvals/{id}/dates")))
        .form(&[
            ("csrf", jm_csrf.as_str()),
            ("submitted_on", "2006-01-20"),
            ("approved_on", "2006-01-26"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = admin
        .post(app.url(&format!("/approvals/{id}/dates")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("submitted_on", "2006-01-20"),
            ("approved_on", "2006-01-19"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "approved before submitted");
    let r = admin
        .post(app.url(&format!("/approvals/{id}/dates")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("submitted_on", "2006-01-20"),
            ("approved_on", "2006-02-06"),
            ("back", "/projects/GC1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = admin
        .get(app.url("/projects/GC1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("超时办结（时限 2006-01-27）"),
        "approved after the Spring Festival: late"
    );
}
