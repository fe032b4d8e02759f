//! Two people acting at the same instant, on whichever backend
//! `TEST_DATABASE_URL` names: every state change is decided against the
//! state it started from, so exactly one of two racing writes succeeds and
//! the other is told to refresh (409); new codes never collide (no 500).

use domain::requests::Status;
use domain::users::Role;
use store::requests::Viewer;
use store::requests::write::{ActInput, NewRequest};
use store::testing::{A, act, d, enterprise_a, enterprise_b, store_with_enterprises, viewer};
use store::{Store, StoreError};

const ROUNDS: usize = 8;

fn land_request(title: &str) -> NewRequest {
    NewRequest {
        category: "land".into(),
        title: title.into(),
        description: "二期厂房需要 20 亩工业用地。".into(),
        ..NewRequest::default()
    }
}

async fn submitted(store: &Store, title: &str) -> i64 {
    let ent = viewer(Role::Enterprise, None, Some(A));
    store
        .submit_request(&ent, &land_request(title), &[], d("2026-03-02"))
        .await
        .unwrap()
        .id
}

/// Runs two writes at once and returns both results.
async fn race<T: Send + 'static>(
    a: impl std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
    b: impl std::future::Future<Output = Result<T, StoreError>> + Send + 'static,
) -> (Result<T, StoreError>, Result<T, StoreError>) {
    let (a, b) = tokio::join!(tokio::spawn(a), tokio::spawn(b));
    (a.unwrap(), b.unwrap())
}

/// One succeeded, the other was refused as a conflict (never a database error).
fn one_wins<T>(results: (Result<T, StoreError>, Result<T, StoreError>)) {
    match results {
        (Ok(_), Err(StoreError::Conflict(_))) | (Err(StoreError::Conflict(_)), Ok(_)) => {}
        (Ok(_), Ok(_)) => panic!("both racing writes succeeded"),
        (Err(e), _) | (_, Err(e)) => panic!("a racing write failed otherwise: {e:?}"),
    }
}

async fn act_at(
    store: &Store,
    v: &Viewer,
    id: i64,
    input: ActInput,
    on: &str,
) -> Result<(), StoreError> {
    store.act_on_request(v, id, &input, d(on)).await.map(|_| ())
}

async fn events_named(store: &Store, id: i64, action: &str) -> usize {
    let office = viewer(Role::Admin, None, None);
    store
        .request_detail(&office, id)
        .await
        .unwrap()
        .unwrap()
        .events
        .iter()
        .filter(|e| e.action == action)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_clerks_accepting_at_once_accept_once() {
    let store = store_with_enterprises(&[enterprise_a(), enterprise_b()]).await;
    let land = viewer(Role::Unit, Some("land"), None);
    for i in 0..ROUNDS {
        let id = submitted(&store, &format!("用地{i}")).await;
        let (s1, s2, l1, l2) = (store.clone(), store.clone(), land.clone(), land.clone());
        one_wins(
            race(
                async move { act_at(&s1, &l1, id, act("accept", ""), "2026-03-02").await },
                async move { act_at(&s2, &l2, id, act("accept", ""), "2026-03-02").await },
            )
            .await,
        );
        assert_eq!(events_named(&store, id, "accept").await, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_closed_or_withdrawn_request_does_not_come_back() {
    let store = store_with_enterprises(&[enterprise_a(), enterprise_b()]).await;
    let land = viewer(Role::Unit, Some("land"), None);
    let ent = viewer(Role::Enterprise, None, Some(A));
    for i in 0..ROUNDS {
        let id = submitted(&store, &format!("撤回{i}")).await;
        // The enterprise withdraws while the unit accepts.
        let (s1, s2, e1, l2) = (store.clone(), store.clone(), ent.clone(), land.clone());
        let results = race(
            async move { act_at(&s1, &e1, id, act("withdraw", "已自行解决"), "2026-03-02").await },
            async move { act_at(&s2, &l2, id, act("accept", ""), "2026-03-02").await },
        )
        .await;
        let office = viewer(Role::Admin, None, None);
        let now = store.request(&office, id).await.unwrap().unwrap();
        let accepts = events_named(&store, id, "accept").await;
        let withdrawals = events_named(&store, id, "withdraw").await;
        match results {
            (Ok(()), Err(StoreError::Conflict(_))) => {
                assert_eq!(
                    (now.status, accepts, withdrawals),
                    (Status::Withdrawn, 0, 1)
                )
            }
            (Err(StoreError::Conflict(_)), Ok(())) => {
                assert_eq!((now.status, accepts, withdrawals), (Status::Accepted, 1, 0))
            }
            // The acceptance finished before the withdrawal read the request:
            // withdrawn after acceptance, in that order, each once.
            (Ok(()), Ok(())) => {
                assert_eq!(
                    (now.status, accepts, withdrawals),
                    (Status::Withdrawn, 1, 1)
                )
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rating_is_recorded_once() {
    let store = store_with_enterprises(&[enterprise_a(), enterprise_b()]).await;
    let land = viewer(Role::Unit, Some("land"), None);
    let ent = viewer(Role::Enterprise, None, Some(A));
    for i in 0..ROUNDS {
        let id = submitted(&store, &format!("评价{i}")).await;
        act_at(&store, &land, id, act("accept", ""), "2026-03-02")
            .await
            .unwrap();
        act_at(
            &store,
            &land,
            id,
            act("resolve", "已协调解决"),
            "2026-03-03",
        )
        .await
        .unwrap();
        let rate = |level: &str| ActInput {
            rating: Some(level.into()),
            ..act("rate", "")
        };
        let (s1, s2, e1, e2) = (store.clone(), store.clone(), ent.clone(), ent.clone());
        let (r1, r2) = (rate("satisfied"), rate("very_satisfied"));
        one_wins(
            race(
                async move { act_at(&s1, &e1, id, r1, "2026-03-04").await },
                async move { act_at(&s2, &e2, id, r2, "2026-03-04").await },
            )
            .await,
        );
        let office = viewer(Role::Admin, None, None);
        let detail = store.request_detail(&office, id).await.unwrap().unwrap();
        assert_eq!(detail.ratings.len(), 1);
        assert_eq!(detail.record.status, Status::Closed);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_extension_is_decided_once() {
    let store = store_with_enterprises(&[enterprise_a(), enterprise_b()]).await;
    let land = viewer(Role::Unit, Some("land"), None);
    let office = viewer(Role::Admin, None, None);
    for i in 0..ROUNDS {
        let id = submitted(&store, &format!("延期{i}")).await;
        act_at(&store, &land, id, act("accept", ""), "2026-03-02")
            .await
            .unwrap();
        // Two asks at once: one application.
        let (s1, s2, l1, l2) = (store.clone(), store.clone(), land.clone(), land.clone());
        one_wins(
            race(
                async move {
                    s1.ask_extension(&l1, id, 5, "需要补充材料", d("2026-03-03"))
                        .await
                },
                async move {
                    s2.ask_extension(&l2, id, 9, "需要补充材料", d("2026-03-03"))
                        .await
                },
            )
            .await,
        );
        // Approved and refused at once: exactly one decision, and the
        // request's extension agrees with it.
        let (s1, s2, o1, o2) = (store.clone(), store.clone(), office.clone(), office.clone());
        one_wins(
            race(
                async move {
                    s1.decide_extension(&o1, id, true, "", d("2026-03-04"))
                        .await
                },
                async move {
                    s2.decide_extension(&o2, id, false, "理由不充分", d("2026-03-04"))
                        .await
                },
            )
            .await,
        );
        let detail = store.request_detail(&office, id).await.unwrap().unwrap();
        let ext = detail.extension.expect("one application");
        match ext.status.as_str() {
            "approved" => assert!(detail.record.extension_days > 0),
            "refused" => assert_eq!(detail.record.extension_days, 0),
            other => panic!("{other}"),
        }
        let decisions = events_named(&store, id, "extension_approved").await
            + events_named(&store, id, "extension_refused").await;
        assert_eq!(decisions, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_submissions_get_distinct_codes() {
    let store = store_with_enterprises(&[enterprise_a(), enterprise_b()]).await;
    let mut set = tokio::task::JoinSet::new();
    for i in 0..24 {
        let store = store.clone();
        set.spawn(async move {
            let ent = viewer(Role::Enterprise, None, Some(A));
            store
                .submit_request(
                    &ent,
                    &land_request(&format!("同时提交{i}")),
                    &[],
                    d("2026-03-02"),
                )
                .await
        });
    }
    let mut codes = vec![];
    while let Some(r) = set.join_next().await {
        codes.push(r.unwrap().expect("every submission succeeds").code);
    }
    codes.sort();
    let expected: Vec<String> = (1..=24).map(|n| format!("SQ2026-{n:05}")).collect();
    assert_eq!(codes, expected);
}

/// Two people entering the same month's investment at once (a form and an
/// import): both are written in turn, no error, no double row.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_progress_for_one_month_is_written_in_turn() {
    use domain::projects::Period;
    use domain::users::Scope;
    use store::projects::ProgressEntry;
    let store = store_with_enterprises(&[enterprise_a()]).await;
    let sys = store::Actor::system("测试");
    store
        .upsert_projects(&sys, &Scope::All, &[store::testing::project("BF-001")])
        .await
        .unwrap();
    for round in 0..ROUNDS as i64 {
        let entry = |yuan: i64| ProgressEntry {
            project_code: "BF-001".into(),
            period: Period {
                year: 2006,
                month: 1 + round as u32,
            },
            investment_yuan: yuan,
            note: String::new(),
        };
        let (s1, s2) = (store.clone(), store.clone());
        let (e1, e2) = (entry(1_000 + round), entry(2_000 + round));
        let (a, b) = race(
            async move {
                s1.set_progress(&store::Actor::system("甲"), &Scope::All, &[e1])
                    .await
            },
            async move {
                s2.set_progress(&store::Actor::system("乙"), &Scope::All, &[e2])
                    .await
            },
        )
        .await;
        a.expect("first writer");
        b.expect("second writer");
        let p = store.project("BF-001").await.unwrap().unwrap();
        let months = store.progress(p.id).await.unwrap();
        assert_eq!(months.len(), round as usize + 1, "one row per month");
    }
}
