//! Bulletins: composed from live data, previewed, downloaded as .docx, and
//! once issued numbered in sequence and never changed.

mod common;

use common::spawn_app;
use serde_json::json;

#[tokio::test]
async fn bulletins_are_drafted_issued_in_sequence_and_frozen() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let c = reqwest::Client::new();
    let project = |started: Option<&str>| {
        json!({"code": "B1", "name": "逾期项目", "township_code": "yongzhong", "kind": "industrial", "land_area_millimu": 1000,
               "land_supplied_on": "2006-02-01", "planned_started_on": "2006-03-01", "started_on": started,
               "variance_note": if started.is_some() { "拆迁滞后" } else { "" }, "responsible_unit_code": "drc"})
    };
    let r = c
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&token)
        .json(&project(None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let (leader, leader_csrf) = app.login("leader").await;
    let html = leader
        .get(app.url("/bulletins/preview?as_of=2006-06-30&intro=%E4%B8%BA%E6%8E%A8%E8%BF%9B"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for want in [
        "龙湾区“两个年”活动领导小组办公室",
        "一、主要目标完成情况",
        "逾期项目",
        "开工",
        "为推进",
        "（签发时编号）",
    ] {
        assert!(html.contains(want), "{want} in the preview");
    }
    let draft = leader
        .get(app.url("/bulletins/draft.docx?as_of=2006-06-30"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        draft.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert_eq!(&draft.bytes().await.unwrap()[..2], b"PK");
    let r = leader
        .post(app.url("/bulletins"))
        .form(&[
            ("csrf", leader_csrf.as_str()),
            ("as_of", "2006-06-30"),
            ("issued_on", "2006-07-03"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "only the office issues");

    let (admin, csrf) = app.login("admin").await;
    let issue = |as_of: &'static str| {
        let admin = admin.clone();
        let csrf = csrf.clone();
        let url = app.url("/bulletins");
        async move {
            let r = admin
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("as_of", as_of),
                    ("issued_on", "2006-07-03"),
                    ("closing", "各单位要加快推进。"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303);
            r.headers()["location"].to_str().unwrap().to_string()
        }
    };
    let first = issue("2006-06-30").await;
    let second = issue("2006-07-31").await;
    let page = admin
        .get(app.url(&first))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("龙两个年办〔2006〕1号")
            && page.contains("四、下一步工作要求")
            && page.contains("2006年7月3日")
    );
    assert!(
        admin
            .get(app.url(&second))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("龙两个年办〔2006〕2号")
    );

    // Later data does not change an issued bulletin.
    let r = c
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&token)
        .json(&project(Some("2006-04-01")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let again = admin
        .get(app.url(&first))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        page,
        again.replace(&common::csrf_of(&again), &common::csrf_of(&page)),
        "the issued bulletin is frozen"
    );
    let fresh = admin
        .get(app.url("/bulletins/preview?as_of=2006-06-30"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !fresh.contains("逾期项目"),
        "while a new draft sees the new data"
    );
    let docx = admin
        .get(app.url(&format!("{first}/docx")))
        .send()
        .await
        .unwrap();
    assert_eq!(&docx.bytes().await.unwrap()[..2], b"PK");
    let list = admin
        .get(app.url("/bulletins"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("已签发（2）"));
}
