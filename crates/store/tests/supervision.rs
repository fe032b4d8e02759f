//! Supervision in storage, on whichever backend `TEST_DATABASE_URL` names:
//! overdue steps with working days late on the official calendar, 催办 as an
//! event that changes no status, who may urge, pending extensions, and the
//! supervision notices kept apart from bulletins in one number sequence.

use domain::requests::Status;
use domain::users::Role;
use store::bulletins::{KIND_BULLETIN, KIND_SUPERVISION, NewBulletin};
use store::requests::write::{ActInput, NewRequest};
use store::testing::{A, d, enterprise_a, store_with_enterprises, viewer};
use store::{Actor, StoreError};

#[tokio::test]
async fn overdue_steps_are_counted_in_working_days_and_urged() {
    let store = store_with_enterprises(&[enterprise_a()]).await;
    let sys = Actor::system("测试");
    let office = viewer(Role::Admin, None, None);
    let leader = viewer(Role::Leader, None, None);
    let land = viewer(Role::Unit, Some("land"), None);
    let ent = viewer(Role::Enterprise, None, Some(A));
    let submit = |title: &'static str, on: &'static str| {
        let (store, ent) = (store.clone(), ent.clone());
        async move {
            store
                .submit_request(
                    &ent,
                    &NewRequest {
                        category: "land".into(),
                        title: title.into(),
                        description: "说明".into(),
                        ..NewRequest::default()
                    },
                    &[],
                    d(on),
                )
                .await
                .unwrap()
        }
    };
    // Thu 2026-02-12, before the Spring Festival: accept due 02-13, reply 02-24, resolve 03-11.
    let r = submit("用地指标", "2026-02-12").await;
    let other = submit("土地证", "2026-02-24").await;
    // At Wed 02-25: acceptance late by Sat 02-14 (make-up), 02-24, 02-25 = 3
    // working days; the first reply by 1; resolution not yet due.
    let items = store
        .overdue_requests(&office, None, None, d("2026-02-25"))
        .await
        .unwrap();
    assert_eq!(items.len(), 1, "the request of 02-24 is not late yet");
    let steps: Vec<_> = items[0]
        .steps
        .iter()
        .map(|s| (s.step, s.due, s.working_days_late))
        .collect();
    assert_eq!(
        steps,
        [
            ("受理", d("2026-02-13"), 3),
            ("首次答复", d("2026-02-24"), 1)
        ]
    );
    assert_eq!(items[0].working_days_late(), 3);
    assert_eq!(items[0].steps_label(), "受理、首次答复");
    assert!(
        store
            .overdue_requests(&office, Some("economy"), None, d("2026-02-25"))
            .await
            .unwrap()
            .is_empty()
    );

    // Only the office urges; a leader or a unit may not.
    for v in [&leader, &land] {
        let e = store
            .urge_request(v, r.id, "", d("2026-02-25"))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    }
    let long = "催".repeat(501);
    assert!(matches!(
        store
            .urge_request(&office, r.id, &long, d("2026-02-25"))
            .await
            .unwrap_err(),
        StoreError::Invalid(_)
    ));
    store
        .urge_requests(&office, &[r.id, other.id], "", d("2026-02-25"))
        .await
        .unwrap();
    store
        .urge_request(&office, r.id, "请今日受理", d("2026-02-26"))
        .await
        .unwrap();
    let detail = store.request_detail(&office, r.id).await.unwrap().unwrap();
    assert_eq!(detail.record.status, Status::Assigned, "no status change");
    let urges: Vec<(&str, &str)> = detail
        .events
        .iter()
        .filter(|e| e.action == "urge")
        .map(|e| (e.note.as_str(), e.action_label()))
        .collect();
    assert_eq!(urges, [("请抓紧办理", "催办"), ("请今日受理", "催办")]);
    let item = &store
        .overdue_requests(&office, None, None, d("2026-02-26"))
        .await
        .unwrap()[0];
    assert_eq!(
        (item.urge_count, item.last_urged_on),
        (2, Some(d("2026-02-26")))
    );

    // A withdrawn request is no one's to urge; nothing of a batch is written then.
    store
        .act_on_request(
            &ent,
            other.id,
            &ActInput {
                action: "withdraw".into(),
                note: "已自行解决".into(),
                ..ActInput::default()
            },
            d("2026-02-26"),
        )
        .await
        .unwrap();
    let e = store
        .urge_requests(&office, &[r.id, other.id], "", d("2026-02-27"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert_eq!(
        store
            .overdue_requests(&office, None, None, d("2026-02-27"))
            .await
            .unwrap()[0]
            .urge_count,
        2
    );

    // Pending extensions: the office and leaders see all, a unit its own.
    store
        .act_on_request(
            &land,
            r.id,
            &ActInput {
                action: "accept".into(),
                ..ActInput::default()
            },
            d("2026-02-27"),
        )
        .await
        .unwrap();
    store
        .ask_extension(&land, r.id, 5, "等待批复", d("2026-02-27"))
        .await
        .unwrap();
    let pending = store.pending_extensions(&leader).await.unwrap();
    assert_eq!(
        (pending.len(), pending[0].request_id, pending[0].days),
        (1, r.id, 5)
    );
    assert_eq!(store.pending_extensions(&land).await.unwrap().len(), 1);
    let economy = viewer(Role::Unit, Some("economy"), None);
    assert!(store.pending_extensions(&economy).await.unwrap().is_empty());
    assert!(store.pending_extensions(&ent).await.unwrap().is_empty());
    store
        .decide_extension(&office, r.id, true, "同意", d("2026-02-28"))
        .await
        .unwrap();
    assert!(store.pending_extensions(&office).await.unwrap().is_empty());

    // Bulletins and supervision notices share the numbers, not the lists.
    let c = store.current_campaign().await.unwrap().unwrap();
    let render = |n: &str| Ok((format!("{{\"n\":\"{n}\"}}"), b"PK".to_vec()));
    for (kind, title) in [
        (KIND_BULLETIN, "通报"),
        (KIND_SUPERVISION, "督查通报"),
        (KIND_BULLETIN, "通报二"),
    ] {
        store
            .issue_bulletin(
                &sys,
                &NewBulletin {
                    kind,
                    campaign_id: c.id,
                    year: 2026,
                    prefix: "龙两个年办",
                    title,
                    as_of: "2026-02-28",
                    render: &render,
                    issues: None,
                },
            )
            .await
            .unwrap();
    }
    let bulletins = store.bulletins(c.id).await.unwrap();
    let notices = store
        .bulletins_of_kind(c.id, KIND_SUPERVISION)
        .await
        .unwrap();
    let seqs = |b: &[store::bulletins::Bulletin]| b.iter().map(|b| b.seq).collect::<Vec<_>>();
    assert_eq!((seqs(&bulletins), seqs(&notices)), (vec![3, 1], vec![2]));
    assert_eq!(notices[0].doc_number, "龙两个年办〔2026〕2号");
    assert!(matches!(
        store
            .issue_bulletin(
                &sys,
                &NewBulletin {
                    kind: "memo",
                    campaign_id: c.id,
                    year: 2026,
                    prefix: "x",
                    title: "x",
                    as_of: "2026-02-28",
                    render: &render,
                    issues: None,
                },
            )
            .await
            .unwrap_err(),
        StoreError::Conflict(_)
    ));
}
