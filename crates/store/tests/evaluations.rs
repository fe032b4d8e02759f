//! The evaluation's storage on whichever backend `TEST_DATABASE_URL` names:
//! ballots replace earlier ones per respondent and unit (also when two
//! arrive at once), no ballot lands after the round is closed, a veto given
//! while results are being frozen makes the final a conflict, and a final
//! round refuses every change.

use domain::calendar::Calendar;
use domain::evaluation::{Action, Group, Level, RoundResults, Settings};
use domain::users::Role;
use store::evaluations::write::NewBallot;
use store::testing::{A, B, d, enterprise_a, enterprise_b, store_with_enterprises, viewer};
use store::{Actor, Store, StoreError};

async fn open_round(store: &Store) -> i64 {
    let c = store.current_campaign().await.unwrap().unwrap();
    let sys = Actor::system("测试");
    let r = store
        .create_round(&sys, c.id, "测试评议", &Settings::default())
        .await
        .unwrap();
    let cal = Calendar::builtin();
    let today = d("2026-11-30");
    store
        .round_action(&sys, r.id, Action::Open, today, today, &cal, None)
        .await
        .unwrap();
    r.id
}

fn ballot(respondent: &str, unit: &str, level: Level) -> NewBallot {
    NewBallot::of(Group::Enterprise, respondent, unit, level, "")
}

#[tokio::test]
async fn a_later_ballot_replaces_the_earlier_also_when_both_arrive_at_once() {
    let store = store_with_enterprises(&[enterprise_a(), enterprise_b()]).await;
    let id = open_round(&store).await;
    let office = viewer(Role::Admin, None, None);
    for _ in 0..4 {
        let (s1, s2, o1, o2) = (store.clone(), store.clone(), office.clone(), office.clone());
        let (a, b) = tokio::join!(
            tokio::spawn(async move {
                s1.submit_ballots(&o1, id, &[ballot(A, "drc", Level::Satisfied)], "api")
                    .await
            }),
            tokio::spawn(async move {
                s2.submit_ballots(&o2, id, &[ballot(A, "drc", Level::Basic)], "api")
                    .await
            })
        );
        assert_eq!(a.unwrap().unwrap(), 1);
        assert_eq!(b.unwrap().unwrap(), 1);
    }
    let levels = store.ballot_levels(id).await.unwrap();
    assert_eq!(levels.iter().map(|l| l.count).sum::<i64>(), 1, "{levels:?}");
    // The same ballot twice in one submission is refused, naming the second.
    let e = store
        .submit_ballots(
            &office,
            id,
            &[
                ballot(B, "drc", Level::Satisfied),
                ballot(B, "drc", Level::Basic),
            ],
            "api",
        )
        .await
        .unwrap_err();
    match e {
        StoreError::Invalid(errs) => assert_eq!(errs[0].field, "[1].unit", "{errs:?}"),
        e => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn ballots_racing_the_close_are_stored_or_refused_and_none_after_it() {
    let store = store_with_enterprises(&[enterprise_a(), enterprise_b()]).await;
    let id = open_round(&store).await;
    let office = viewer(Role::Admin, None, None);
    let units = ["drc", "economy", "land", "finance", "science", "statistics"];
    let mut tasks = vec![];
    for (i, u) in units.iter().enumerate() {
        let (s, o) = (store.clone(), office.clone());
        let u = u.to_string();
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(i as u64 * 3)).await;
            s.submit_ballots(&o, id, &[ballot(A, &u, Level::Satisfied)], "api")
                .await
        }));
    }
    let s = store.clone();
    let close = tokio::spawn(async move {
        let cal = Calendar::builtin();
        let today = d("2026-11-30");
        s.round_action(
            &Actor::system("测试"),
            id,
            Action::Close,
            today,
            today,
            &cal,
            None,
        )
        .await
    });
    let mut written = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(n) => written += n as i64,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("a ballot failed otherwise: {e:?}"),
        }
    }
    close.await.unwrap().unwrap();
    let stored: i64 = store
        .ballot_levels(id)
        .await
        .unwrap()
        .iter()
        .map(|l| l.count)
        .sum();
    assert_eq!(stored, written, "every accepted ballot is stored, no other");
    let late = store
        .submit_ballots(&office, id, &[ballot(B, "drc", Level::Satisfied)], "api")
        .await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
}

#[tokio::test]
async fn a_change_after_the_results_were_computed_makes_the_final_a_conflict() {
    let store = store_with_enterprises(&[enterprise_a()]).await;
    let id = open_round(&store).await;
    let sys = Actor::system("测试");
    let cal = Calendar::builtin();
    let today = d("2026-11-30");
    store
        .round_action(&sys, id, Action::Close, today, today, &cal, None)
        .await
        .unwrap();
    store
        .round_action(
            &sys,
            id,
            Action::Publish,
            today,
            d("2026-01-05"),
            &cal,
            None,
        )
        .await
        .unwrap();
    let computed_at = store.round_or_missing(id).await.unwrap().version;
    let results = RoundResults {
        units: vec![],
        total_awarded_yuan: 0,
        amounts: [30_000, 20_000, 10_000],
    };
    // A veto given after the results were computed.
    store
        .set_veto(&sys, id, "drc", "重大安全事故")
        .await
        .unwrap();
    let e = store
        .round_action(
            &sys,
            id,
            Action::Finalize,
            today,
            today,
            &cal,
            Some((&results, computed_at)),
        )
        .await;
    assert!(matches!(e, Err(StoreError::Conflict(_))), "{e:?}");
    let now = store.round_or_missing(id).await.unwrap().version;
    let r = store
        .round_action(
            &sys,
            id,
            Action::Finalize,
            today,
            today,
            &cal,
            Some((&results, now)),
        )
        .await
        .unwrap();
    assert_eq!(r.results.unwrap(), results);
    // Final: frozen.
    for e in [
        store.set_veto(&sys, id, "economy", "理由").await,
        store.lift_veto(&sys, id, "drc").await,
    ] {
        assert!(matches!(e, Err(StoreError::Conflict(_))), "{e:?}");
    }
    let e = store
        .update_round_settings(&sys, id, &Settings::default())
        .await;
    assert!(matches!(e, Err(StoreError::Conflict(_))), "{e:?}");
}
