//! The generated benchmark data obeys the domain's rules and gives every
//! target something to compute, on both backends.

use domain::campaign::template;
use domain::targets::evaluate;
use store::province::Scale;
use store::{Actor, testing::fresh_store};

#[tokio::test]
async fn generated_data_is_valid_and_complete() {
    let store = fresh_store().await;
    let sys = Actor::system("测试");
    let t = template::builtin("longwan-2006").unwrap();
    store.load_template(&sys, &t).await.unwrap();
    let g = store
        .generate_province(&sys, Scale::SMALL, &|_| {})
        .await
        .unwrap();
    assert_eq!(
        (g.enterprises, g.stats, g.projects, g.parcels),
        (300, 7200, 200, 50)
    );
    for p in store.projects().await.unwrap() {
        assert!(
            p.project.check().is_empty(),
            "{}: {:?}",
            p.project.code,
            p.project.check()
        );
    }
    for p in store.parcels().await.unwrap() {
        assert!(p.parcel.check().is_empty(), "{}", p.parcel.code);
    }
    let facts = store.kpi_facts().await.unwrap();
    for tg in &t.targets {
        let o = evaluate(
            &tg.formula,
            tg.value,
            2006,
            "2006-12-31".parse().unwrap(),
            &facts,
        );
        if tg.code != "china_well_known_trademarks" {
            assert!(o.actual.is_some(), "{} has a value: {:?}", tg.code, o.note);
        }
    }
    assert!(
        store
            .generate_province(&sys, Scale::SMALL, &|_| {})
            .await
            .is_err(),
        "only into an empty registry"
    );
    // The cache follows writes.
    let before = store.kpi_facts_cached().await.unwrap();
    assert!(std::sync::Arc::ptr_eq(
        &before,
        &store.kpi_facts_cached().await.unwrap()
    ));
    store
        .upsert_parcels(&sys, &domain::users::Scope::All, &[])
        .await
        .unwrap();
    assert!(
        !std::sync::Arc::ptr_eq(&before, &store.kpi_facts_cached().await.unwrap()),
        "a write refreshes the facts"
    );
    store.close().await;
}
