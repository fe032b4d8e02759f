//! Writes applied to the facts kept in memory give exactly the figures of a
//! fresh load, on both backends: statistics (a few enterprises, and a month
//! for every enterprise), enterprises changing township and above-size years,
//! projects, progress and parcels, brands.

use domain::campaign::template;
use domain::enterprises::input::{Brand, Enterprise, Stat};
use domain::enterprises::{BrandLevel, BrandStatus, CreditCode};
use domain::patch::Patch;
use domain::projects::Period;
use domain::targets::fast::Aggregates;
use domain::targets::{Dimension, Outcome, breakdown, evaluate};
use store::batch::Batch;
use store::projects::ProgressEntry;
use store::province::Scale;
use store::{Actor, testing::fresh_store};

fn stat(code: &str, y: i32, m: u32, output: i64, sales: i64) -> Stat {
    Stat {
        credit_code: CreditCode::parse(code).unwrap(),
        period: Period { year: y, month: m },
        output_value_yuan: output,
        sales_value_yuan: sales,
        electricity_kwh: 0,
        energy_kgce: 0,
        tax_yuan: 0,
        employees: 1,
        land_millimu: 0,
    }
}

fn figures(o: &Outcome) -> String {
    let mut o = o.clone();
    o.members.clear();
    o.reached.clear();
    format!("{o:?}")
}

#[tokio::test]
async fn writes_kept_in_memory_equal_a_fresh_load() {
    let store = fresh_store().await;
    let sys = Actor::system("测试");
    let t = template::builtin("longwan-2006").unwrap();
    store.load_template(&sys, &t).await.unwrap();
    store
        .generate_province(&sys, Scale::SMALL, &|_| {})
        .await
        .unwrap();
    let c = store.current_campaign().await.unwrap().unwrap();
    let targets = store.targets(c.id).await.unwrap();
    let formulas: Vec<_> = targets.iter().map(|t| t.formula.clone()).collect();
    // Loaded once; everything below is applied to it.
    store.kpi_facts_cached().await.unwrap();
    let first = store.kpi_aggregates(2006, &formulas).await.unwrap();

    let ents = store.enterprises().await.unwrap();
    // A few enterprises revise a month; one sends a month it had not.
    store
        .upsert_stats(
            &sys,
            &[
                stat(&ents[0].credit_code, 2006, 5, 7, 2_000_000_000),
                stat(&ents[1].credit_code, 2005, 5, 0, 0),
                stat(&ents[2].credit_code, 2006, 12, 123, 456),
            ],
        )
        .await
        .unwrap();
    // A month for every enterprise.
    let month: Vec<Stat> = ents
        .iter()
        .enumerate()
        .map(|(i, e)| stat(&e.credit_code, 2007, 1, i as i64, 2 * i as i64))
        .collect();
    assert_eq!(store.upsert_stats(&sys, &month).await.unwrap().created, 300);
    // Enterprises move township and change their above-size years.
    let towns: Vec<String> = ents.iter().map(|e| e.township_code.clone()).collect();
    let moved: Vec<Enterprise> = ents
        .iter()
        .take(20)
        .enumerate()
        .map(|(i, e)| Enterprise {
            credit_code: CreditCode::parse(&e.credit_code).unwrap(),
            name: e.name.clone(),
            former_names: e.former_names.clone(),
            township_code: towns[(i * 7 + 3) % towns.len()].clone(),
            industry_code: e.industry_code.clone(),
            address: String::new(),
            contact_person: String::new(),
            contact_phone: String::new(),
            established_on: None,
            above_scale_years: Some(if i % 2 == 0 { vec![2006] } else { vec![2005] }),
        })
        .collect();
    store.upsert_enterprises(&sys, &moved).await.unwrap();
    store
        .upsert_brands(
            &sys,
            &[Brand {
                credit_code: CreditCode::parse(&ents[3].credit_code).unwrap(),
                name: "测试牌".into(),
                level: BrandLevel::ChinaWellKnown,
                status: BrandStatus::Granted,
                applied_on: None,
                granted_on: Some("2006-03-01".parse().unwrap()),
            }],
        )
        .await
        .unwrap();
    // Projects change township, key flag and planned year; new progress;
    // parcels change township.
    let projects = store.projects().await.unwrap();
    let ptowns: Vec<String> = projects
        .iter()
        .map(|p| p.project.township_code.clone())
        .collect();
    let changed: Vec<_> = projects
        .iter()
        .take(30)
        .enumerate()
        .map(|(i, p)| {
            let mut p = p.project.clone();
            p.township_code = ptowns[(i * 5 + 1) % ptowns.len()].clone();
            p.key_project = !p.key_project;
            p
        })
        .collect();
    let progress: Vec<ProgressEntry> = projects
        .iter()
        .skip(10)
        .take(30)
        .map(|p| ProgressEntry {
            project_code: p.project.code.clone(),
            period: Period {
                year: 2006,
                month: 3,
            },
            investment_yuan: 1_234_567,
            note: String::new(),
        })
        .collect();
    let parcels = store.parcels().await.unwrap();
    let ltowns: Vec<String> = parcels
        .iter()
        .map(|p| p.parcel.township_code.clone())
        .collect();
    let moved_parcels: Vec<_> = parcels
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, p)| {
            let mut p = p.parcel.clone();
            p.township_code = ltowns[(i * 3 + 1) % ltowns.len()].clone();
            p
        })
        .collect();
    store
        .apply_batch(
            &sys,
            &domain::users::Scope::All,
            &Batch {
                projects: changed.into_iter().map(Patch::full).collect(),
                parcels: moved_parcels.into_iter().map(Patch::full).collect(),
                progress,
            },
        )
        .await
        .unwrap();

    let live = store.kpi_facts_cached().await.unwrap();
    let fresh = store.kpi_facts().await.unwrap();
    let agg = store.kpi_aggregates(2006, &formulas).await.unwrap();
    assert!(
        !std::sync::Arc::ptr_eq(&first, &agg),
        "rebuilt after writes"
    );
    let built = Aggregates::build(&live, 2006, &formulas);
    let mut moved_any = false;
    for a in ["2006-01-31", "2006-03-01", "2006-05-31", "2006-12-31"] {
        let a = a.parse().unwrap();
        for t in &targets {
            let want = evaluate(&t.formula, t.value, 2006, a, &fresh);
            moved_any |= figures(&want) != figures(&first.outcome(&t.formula, t.value, a));
            assert_eq!(
                figures(&agg.outcome(&t.formula, t.value, a)),
                figures(&want),
                "{} at {a}",
                t.code
            );
            assert_eq!(
                figures(&built.outcome(&t.formula, t.value, a)),
                figures(&want)
            );
            let mut x = evaluate(&t.formula, t.value, 2006, a, &live);
            let mut y = want.clone();
            for o in [&mut x, &mut y] {
                o.members.sort_unstable();
                o.reached.sort_unstable();
            }
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "{} records", t.code);
            for dim in [Dimension::Township, Dimension::Unit] {
                assert_eq!(
                    agg.breakdown(&t.formula, t.value, a, dim),
                    breakdown(&t.formula, t.value, 2006, a, &fresh, dim),
                    "{} by {dim:?} at {a}",
                    t.code
                );
            }
        }
    }
    assert!(moved_any, "the writes changed some figure");
    store.close().await;
}
