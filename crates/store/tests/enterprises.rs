//! The enterprise registry's storage story, on whichever backend
//! `TEST_DATABASE_URL` names.

use domain::campaign::template;
use domain::enterprises::input::{Brand, Enterprise, Stat};
use domain::enterprises::{BrandLevel, BrandStatus, CreditCode, Tier};
use domain::patch::Patch;
use domain::projects::Period;
use domain::targets::{Actual, evaluate};
use store::testing::{A, B, enterprise, fresh_store};
use store::{Actor, StoreError};

fn ent(code: &str, name: &str, town: &str, years: &[i32]) -> Enterprise {
    Enterprise {
        above_scale_years: Some(years.to_vec()),
        ..enterprise(code, name, town)
    }
}

fn stat(code: &str, y: i32, m: u32, output: i64, sales: i64) -> Stat {
    Stat {
        credit_code: CreditCode::parse(code).unwrap(),
        period: Period { year: y, month: m },
        output_value_yuan: output,
        sales_value_yuan: sales,
        electricity_kwh: 0,
        energy_kgce: 0,
        tax_yuan: 0,
        employees: 10,
        land_millimu: 0,
    }
}

#[tokio::test]
async fn enterprises_stats_brands_and_their_targets() {
    let store = fresh_store().await;
    let sys = Actor::system("测试");
    let t = template::builtin("longwan-2006").unwrap();
    store.load_template(&sys, &t).await.unwrap();

    let r = store
        .upsert_enterprises(
            &sys,
            &[
                ent(A, "温州甲阀门有限公司", "yongzhong", &[2006]),
                ent(B, "温州甲阀门厂", "yongzhong", &[2005]),
            ],
        )
        .await
        .unwrap();
    assert_eq!(r.report.created, 2);
    assert_eq!(
        r.warnings.len(),
        1,
        "a near-duplicate name in the same township is warned about"
    );
    let again = store
        .upsert_enterprises(&sys, &[ent(A, "温州甲阀门有限公司", "yongzhong", &[2006])])
        .await
        .unwrap();
    assert_eq!(again.report.unchanged, 1);
    let bad = store
        .upsert_enterprises(&sys, &[ent(A, "x", "atlantis", &[])])
        .await
        .unwrap_err();
    assert!(
        matches!(bad, StoreError::InvalidRows(ref e) if e[0].field == "township_code"),
        "{bad}"
    );

    let rows = vec![
        stat(A, 2005, 1, 200, 0),
        stat(A, 2006, 1, 240, 1_000_000_000),
        stat(B, 2005, 1, 300, 0),
        stat(B, 2006, 1, 280, 0),
    ];
    assert_eq!(store.upsert_stats(&sys, &rows).await.unwrap().created, 4);
    assert_eq!(
        store.upsert_stats(&sys, &rows).await.unwrap().unchanged,
        4,
        "idempotent"
    );
    // A revision: the latest counts, the old figures are kept.
    let r = store
        .upsert_stats(&sys, &[stat(A, 2006, 1, 250, 1_000_000_000)])
        .await
        .unwrap();
    assert_eq!(r.updated, 1);
    let a = store.enterprise(A).await.unwrap().unwrap();
    let s = store.stats_of(a.id).await.unwrap();
    assert_eq!((s[1].output_value_yuan, s[1].revision), (250, 2));
    // A correction sending only the employees keeps the other figures of the
    // latest revision; a new month needs both output values.
    let mut only = stat(A, 2006, 1, 0, 0);
    only.employees = 12;
    let r = store
        .merge_stats(&sys, &[Patch::only(only.clone(), ["employees"], [])])
        .await
        .unwrap();
    assert_eq!(r.updated, 1);
    let s = store.stats_of(a.id).await.unwrap();
    assert_eq!(
        (
            s[1].output_value_yuan,
            s[1].sales_value_yuan,
            s[1].employees,
            s[1].revision
        ),
        (250, 1_000_000_000, 12, 3)
    );
    only.period = Period {
        year: 2006,
        month: 2,
    };
    let e = store
        .merge_stats(&sys, &[Patch::only(only, ["employees"], [])])
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::InvalidRows(ref r) if r[0].field == "output_value_yuan"),
        "{e:?}"
    );
    let unknown = store
        .upsert_stats(&sys, &[stat("D2143569X", 2006, 1, 1, 1)])
        .await
        .unwrap_err();
    assert!(matches!(unknown, StoreError::InvalidRows(_)));

    store
        .upsert_brands(
            &sys,
            &[Brand {
                credit_code: CreditCode::parse(A).unwrap(),
                name: "甲牌".into(),
                level: BrandLevel::ChinaWellKnown,
                status: BrandStatus::Granted,
                applied_on: None,
                granted_on: Some("2006-11-20".parse().unwrap()),
            }],
        )
        .await
        .unwrap();
    store
        .set_enterprise_year(&sys, A, 2006, Tier::IndustryLeader, "")
        .await
        .unwrap();
    assert_eq!(
        store.enterprise(A).await.unwrap().unwrap().tier_in(2006),
        Tier::IndustryLeader
    );
    assert!(
        store
            .enterprise(A)
            .await
            .unwrap()
            .unwrap()
            .above_scale_in(2006),
        "the tier keeps the above-size flag"
    );

    // The targets read what was stored.
    let facts = store.kpi_facts().await.unwrap();
    let target = |code: &str| t.targets.iter().find(|x| x.code == code).unwrap().clone();
    let on = "2006-12-31".parse().unwrap();
    let g = target("total_output_growth");
    let o = evaluate(&g.formula, g.value, 2006, on, &facts);
    assert_eq!(
        o.actual,
        Some(Actual::Ratio { num: 30, den: 500 }),
        "530 vs 500"
    );
    let g = target("above_scale_output_growth");
    let o = evaluate(&g.formula, g.value, 2006, on, &facts);
    assert_eq!(
        o.actual,
        Some(Actual::Ratio { num: 50, den: 200 }),
        "same scope: A only, 250 vs 200"
    );
    let g = target("billion_sales_enterprises");
    assert_eq!(
        evaluate(&g.formula, g.value, 2006, on, &facts).actual,
        Some(Actual::Count(1))
    );
    let g = target("china_well_known_trademarks");
    assert_eq!(
        evaluate(&g.formula, g.value, 2006, on, &facts).actual,
        Some(Actual::Count(1))
    );
    store.close().await;
}
