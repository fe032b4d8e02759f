//! A real browser runs a financing need: the enterprise posts it, a bank
//! claims it, the enterprise chooses the bank, the bank records contact and
//! a loan, and the enterprise sees it financed.

mod common;

use common::driver::Driver;
use common::{PASSWORD, enterprise_user, spawn_app};
use domain::users::parse_new_user;
use store::Actor;
use store::testing::A;

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
    assert!(d.text("#empty").await.contains("目前没有融资需求"));
    d.type_into("input[name=amount_yuan]", "5000000").await;
    d.execute("document.querySelector('select[name=purpose]').value = 'tech_renovation';")
        .await;
    d.type_into("input[name=term_months]", "24").await;
    d.type_into("input[name=collateral]", "厂房抵押").await;
    d.click("#post-need").await;
    let url = d.wait_url(|u| u.contains("/financing/")).await;
    assert_eq!(d.text("#status").await, "认领中");

    d.login_as(&base, "yinhang", PASSWORD).await;
    d.goto(&app.url("/financing")).await;
    assert!(d.text("#needs").await.contains("技术改造"));
    d.goto(&url).await;
    d.click("#claim").await;
    d.find("#timeline").await;
    assert!(d.text("#timeline").await.contains("认领"));

    d.login_as(&base, "oulong", PASSWORD).await;
    d.goto(&url).await;
    d.click("#choose").await;
    d.find("#timeline").await;
    assert_eq!(d.text("#status").await, "待对接");

    d.login_as(&base, "yinhang", PASSWORD).await;
    d.goto(&url).await;
    d.click("#record").await;
    d.find("#amount").await;
    assert_eq!(d.text("#status").await, "已对接待决定");
    d.execute("document.getElementById('kind').value = 'loan';")
        .await;
    d.type_into("#amount", "3000000").await;
    d.click("#record").await;
    d.wait_url(|u| u.ends_with(url.rsplit('/').next().unwrap()))
        .await;
    for _ in 0..50 {
        if d.text("#status").await == "已授信或放贷" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(d.text("#status").await, "已授信或放贷");
    d.screenshot("financing-need").await;

    d.login_as(&base, "oulong", PASSWORD).await;
    d.goto(&url).await;
    assert!(d.text("#timeline").await.contains("放贷"));
    d.quit().await;
}
