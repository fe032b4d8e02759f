//! A server follows the writes of another process on the same database (the
//! CLI import, a second server) through the `data_version` row, without a
//! restart; on whichever backend `TEST_DATABASE_URL` names.

use domain::enterprises::input::Brand;
use domain::enterprises::{BrandLevel, BrandStatus, CreditCode};
use std::time::Duration;
use store::testing::{A, enterprise_a, fresh_database_url};
use store::{Actor, Store};

#[tokio::test]
async fn a_write_of_another_process_reaches_the_facts_kept_in_memory() {
    // Two pools with caches of their own: as two processes would have.
    let url = fresh_database_url().await;
    let server = Store::connect(&url).await.unwrap();
    let other = Store::connect(&url).await.unwrap();
    let sys = Actor::system("测试");
    let template = domain::campaign::template::builtin("longwan-2006").unwrap();
    server.load_template(&sys, &template).await.unwrap();
    server
        .upsert_enterprises(&sys, &[enterprise_a()])
        .await
        .unwrap();
    let before = server.kpi_facts_cached().await.unwrap();
    assert!(before.brands.is_empty());

    let brand = Brand {
        credit_code: CreditCode::parse(A).unwrap(),
        name: "测试牌".into(),
        level: BrandLevel::ChinaWellKnown,
        status: BrandStatus::Granted,
        applied_on: None,
        granted_on: Some("2006-03-01".parse().unwrap()),
    };
    other
        .upsert_brands(&Actor::system("命令行导入"), &[brand])
        .await
        .unwrap();
    // Within a second, the server's next read shows the other's write.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let after = server.kpi_facts_cached().await.unwrap();
    assert_eq!(after.brands.len(), 1);

    // Nothing changed since: what is kept is kept.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let kept = server.kpi_facts_cached().await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&after, &kept));
}
