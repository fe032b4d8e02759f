//! A real browser (headless Chromium through chromedriver, spoken to in plain
//! W3C WebDriver JSON) logs in and sees the eleven targets.
//! chromedriver and chromium must be installed (`.ci/run` installs them); a
//! missing browser fails the test rather than skipping it.

mod common;

use common::driver::Driver;
use common::{PASSWORD, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_user_logs_in_and_sees_the_eleven_targets() {
    let app = spawn_app().await;
    let d = Driver::start().await;
    d.goto(&app.url("/")).await;
    assert!(
        d.current_url().await.contains("/login?next=/"),
        "sent to the login page"
    );
    d.type_into("#username", "leader").await;
    d.type_into("#password", "not-the-password").await;
    d.click("#login-submit").await;
    assert!(d.text(".alert").await.contains("用户名或密码错误"));

    d.type_into("#password", PASSWORD).await;
    d.click("#login-submit").await;
    d.wait_url(|u| u == app.url("/")).await;
    d.find("#targets").await;
    let rows = d.find_all("#targets tbody tr").await;
    assert_eq!(rows.len(), 11, "eleven targets");
    let table = d.text("#targets").await;
    for name in [
        "全社会工业总产值同比增长",
        "工业性投资",
        "已征未供工业用地供地率",
        "计划2006年竣工项目竣工投产率",
    ] {
        assert!(table.contains(name), "{name} shown");
    }
    assert!(table.contains("23.1亿元") && table.contains("暂无数据"));

    // The working groups and the member units are in the navigation's menus.
    d.click("#menu-setup").await;
    d.click("a[href='/working-groups']").await;
    d.find("section.group").await;
    assert_eq!(d.find_all("section.group").await.len(), 5);
    d.click("#menu-targets").await;
    d.click("a[href='/campaign']").await;
    d.find("#members li").await;
    assert_eq!(d.find_all("#members li").await.len(), 25);
    d.quit().await;
}

#[tokio::test]
async fn recording_a_milestone_moves_the_dashboard() {
    let app = spawn_app().await;
    // One project of the 8c cohort: land supplied in 2006, not started.
    let token = app.token("admin").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&token)
        .json(
            &json!({"code": "C8-1", "name": "八丙项目", "township_code": "yongzhong",
                      "kind": "industrial", "land_area_millimu": 10_000,
                      "land_supplied_on": "2006-02-01", "responsible_unit_code": "drc"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    let d = Driver::start().await;
    d.goto(&app.url("/login")).await;
    d.type_into("#username", "admin").await;
    d.type_into("#password", PASSWORD).await;
    d.click("#login-submit").await;
    d.wait_url(|u| u == app.url("/")).await;

    let row = "tr[data-code='land_supplied_2006_started']";
    d.goto(&app.url("/?as_of=2006-12-31")).await;
    let before = d.text(row).await;
    assert!(before.contains("0/1"), "none started yet: {before}");

    d.goto(&app.url("/projects/C8-1")).await;
    d.click("#milestone option[value='started']").await;
    d.execute("document.getElementById('milestone-date').value='2006-05-01'")
        .await;
    assert_eq!(
        d.execute("return document.getElementById('milestone').value")
            .await,
        "started"
    );
    d.click("#record-milestone").await;
    d.wait_url(|u| u.contains("/projects/C8-1?recorded=started"))
        .await;
    let notice = d.text("p.notice").await;
    assert!(notice.contains("已记录节点：开工"), "{notice}");

    d.goto(&app.url("/?as_of=2006-12-31")).await;
    let after = d.text(row).await;
    assert!(
        after.contains("1/1") && after.contains("100%"),
        "the cohort is now started: {after}"
    );
    d.quit().await;
}

#[tokio::test]
async fn the_enterprise_list_leads_to_a_profile_with_its_statistics() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let c = reqwest::Client::new();
    let r = c
        .post(app.url("/api/v1/enterprises"))
        .bearer_auth(&token)
        .json(&json!({"credit_code": "91350100M000100Y43", "name": "温州瓯龙阀门有限公司", "township_code": "yongzhong",
                      "industry_code": "3443", "above_scale_years": [2005, 2006]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let stats: Vec<_> = (1..=12)
        .flat_map(|m| {
            [2005, 2006].map(|y| json!({"credit_code": "91350100M000100Y43", "period": format!("{y}-{m:02}"),
                                        "output_value_yuan": if y == 2005 { 10_000_000 } else { 12_000_000 }, "sales_value_yuan": 9_000_000}))
        })
        .collect();
    let r = c
        .post(app.url("/api/v1/enterprise-stats"))
        .bearer_auth(&token)
        .json(&stats)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let d = Driver::start().await;
    d.goto(&app.url("/login")).await;
    d.type_into("#username", "admin").await;
    d.type_into("#password", PASSWORD).await;
    d.click("#login-submit").await;
    d.wait_url(|u| u == app.url("/")).await;
    let growth = d.text("tr[data-code='total_output_growth']").await;
    assert!(growth.contains("20%"), "12 vs 10 million a month: {growth}");

    d.goto(&app.url("/enterprises")).await;
    d.click("#enterprises a[href='/enterprises/91350100M000100Y43']")
        .await;
    d.wait_url(|u| u.ends_with("/enterprises/91350100M000100Y43"))
        .await;
    d.find("svg rect").await;
    assert_eq!(d.find_all("svg rect").await.len(), 24, "24 months charted");
    assert_eq!(d.find_all("#stats tbody tr").await.len(), 24);
    assert!(
        d.text("#stats").await.contains("20%"),
        "year-on-year growth per month"
    );
    d.quit().await;
}
