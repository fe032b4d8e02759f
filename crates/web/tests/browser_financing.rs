//! A real browser runs a financing need: the enterprise posts it, a bank
//! claims it, the enterprise chooses the bank, the bank records contact and
//! a loan, and the enterprise sees it financed.

mod common;

use common::driver::Driver;
use common::{PASSWORD, enterprise_user, spawn_app};
use domain::users::parse_new_user;
use store::Actor;
use store::testing::A;

/// Waits up to 10 s for the page (after a navigation) to show `text` in
/// the element `id`; reads through a script, so a page being replaced
/// never leaves a stale element behind.
async fn wait_for(d: &Driver, id: &str, text: &str) {
    let script = format!("var e = document.getElementById('{id}'); return e ? e.innerText : '';");
    let mut seen = String::new();
    for _ in 0..100 {
        seen = d.execute(&script).await.as_str().unwrap_or("").to_string();
        if seen.contains(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("#{id} never showed “{text}”: {seen}");
}

#[tokio::test]
async fn post_claim_choose_and_loan() {
    let app = spawn_app().await;
    common::enterprises_a_b(&app).await;
    enterprise_user(&app, "oulong", "企业联系人", A).await;
    app.store
        .create_user(
            &Actor::system("t"),
            &parse_new_user("yinhang", "银行客户经理", "unit", Some("bank-1"), None).unwrap(),
            PASSWORD,
        )
        .await
        .unwrap();
    let d = Driver::start().await;
    let base = app.url("");
    d.login_as(&base, "oulong", PASSWORD).await;
    d.goto(&app.url("/financing")).await;
    wait_for(&d, "empty", "目前没有融资需求").await;
    d.type_into("input[name=amount_yuan]", "5000000").await;
    d.execute("document.querySelector('select[name=purpose]').value = 'tech_renovation';")
        .await;
    d.type_into("input[name=term_months]", "24").await;
    d.type_into("input[name=collateral]", "厂房抵押").await;
    d.click("#post-need").await;
    let url = d.wait_url(|u| u.contains("/financing/")).await;
    wait_for(&d, "status", "认领中").await;

    d.login_as(&base, "yinhang", PASSWORD).await;
    d.goto(&app.url("/financing")).await;
    wait_for(&d, "needs", "技术改造").await;
    d.goto(&url).await;
    d.click("#claim").await;
    wait_for(&d, "timeline", "认领").await;

    d.login_as(&base, "oulong", PASSWORD).await;
    d.goto(&url).await;
    d.click("#choose").await;
    wait_for(&d, "status", "待对接").await;

    d.login_as(&base, "yinhang", PASSWORD).await;
    d.goto(&url).await;
    d.click("#record").await;
    wait_for(&d, "status", "已对接待决定").await;
    // The form after contact offers the decisions, with the amount field.
    d.find("#amount").await;
    d.execute("document.getElementById('kind').value = 'loan';")
        .await;
    d.type_into("#amount", "3000000").await;
    d.click("#record").await;
    wait_for(&d, "status", "已授信或放贷").await;
    d.screenshot("financing-need").await;

    d.login_as(&base, "oulong", PASSWORD).await;
    d.goto(&url).await;
    wait_for(&d, "timeline", "放贷").await;
    d.quit().await;
}
