//! The storage story of enterprise requests, on whichever backend
//! `TEST_DATABASE_URL` names: intake and routing, the checked flow, scoping,
//! deadlines on the official calendar, the extension, ratings and visits.

use domain::requests::Status;
use domain::users::Role;
use store::requests::Filter;
use store::requests::write::{NewRequest, NewVisit};
use store::testing::{A, B, act, d, enterprise_a, enterprise_b, store_with_enterprises, viewer};
use store::{Actor, StoreError};

#[tokio::test]
async fn a_request_goes_round_the_loop() {
    let store = store_with_enterprises(&[enterprise_a(), enterprise_b()]).await;
    let office = viewer(Role::Admin, None, None);
    let ent_a = viewer(Role::Enterprise, None, Some(A));
    let ent_b = viewer(Role::Enterprise, None, Some(B));
    let land = viewer(Role::Unit, Some("land"), None);
    let economy = viewer(Role::Unit, Some("economy"), None);

    // Intake: bad input names the fields; nothing is written.
    let bad = store
        .submit_request(
            &ent_a,
            &NewRequest {
                category: "nope".into(),
                ..NewRequest::default()
            },
            &[("x.exe".into(), b"MZ".to_vec())],
            d("2026-02-12"),
        )
        .await
        .unwrap_err();
    let StoreError::Invalid(errs) = bad else {
        panic!("{bad}")
    };
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["title", "description", "category", "attachments"]);
    assert!(
        store
            .requests(&office, &Filter::default())
            .await
            .unwrap()
            .is_empty()
    );

    // Submitted on Thu 2026-02-12, just before the Spring Festival; routed by rule to the land bureau.
    let r = store
        .submit_request(
            &ent_a,
            &NewRequest {
                enterprise: B.into(), // ignored: an enterprise files for itself
                category: "land".into(),
                title: "新厂房用地指标".into(),
                description: "二期厂房需要 20 亩工业用地。".into(),
                ..NewRequest::default()
            },
            &[("图纸.pdf".into(), b"%PDF-1.4 test".to_vec())],
            d("2026-02-12"),
        )
        .await
        .unwrap();
    assert_eq!(r.code, "SQ2026-00001");
    assert_eq!(r.enterprise_code.as_deref(), Some(A));
    assert_eq!(r.status, Status::Assigned);
    assert_eq!(r.unit_code.as_deref(), Some("land"));
    assert_eq!(
        r.working_group_code.as_deref(),
        Some("investment-construction")
    );
    assert_eq!(
        (r.accept_due, r.reply_due, r.resolve_due),
        (
            Some(d("2026-02-13")),
            Some(d("2026-02-24")),
            Some(d("2026-03-11"))
        )
    );

    // Scoping: B and the economy bureau see nothing; the land bureau sees it.
    assert!(store.request(&ent_b, r.id).await.unwrap().is_none());
    assert!(store.request(&economy, r.id).await.unwrap().is_none());
    assert_eq!(
        store
            .requests(&land, &Filter::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .attachment(&ent_b, store.attachments(r.id).await.unwrap()[0].id)
            .await
            .unwrap()
            .is_none()
    );
    let (info, bytes) = store
        .attachment(&ent_a, store.attachments(r.id).await.unwrap()[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((info.filename.as_str(), bytes.len()), ("图纸.pdf", 13));

    // Only the responsible unit accepts; the wrong actor is forbidden, the wrong status a conflict.
    let e = store
        .act_on_request(&economy, r.id, &act("accept", ""), d("2026-02-13"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}"); // cannot even see it
    let e = store
        .act_on_request(&ent_a, r.id, &act("accept", ""), d("2026-02-13"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = store
        .act_on_request(&land, r.id, &act("resolve", "x"), d("2026-02-13"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");

    // Transfer to economy with a reason: the accept clock restarts, the others do not.
    let e = store
        .act_on_request(&land, r.id, &act("transfer", ""), d("2026-02-13"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    let mut t = act("transfer", "属于融资问题");
    t.unit = Some("economy".into());
    let r2 = store
        .act_on_request(&land, r.id, &t, d("2026-02-13"))
        .await
        .unwrap();
    assert_eq!(
        (r2.status, r2.unit_code.as_deref()),
        (Status::Transferred, Some("economy"))
    );
    assert_eq!(
        r2.accept_due,
        Some(d("2026-02-14")),
        "make-up Saturday counts"
    );
    assert_eq!(r2.reply_due, Some(d("2026-02-24")));
    // The land bureau still sees what it handled; economy now sees it too.
    assert!(store.request(&land, r.id).await.unwrap().is_some());
    assert!(store.request(&economy, r.id).await.unwrap().is_some());

    store
        .act_on_request(&economy, r.id, &act("accept", ""), d("2026-02-14"))
        .await
        .unwrap();
    // Overdue for the first reply on 02-25 (due 02-24).
    let overdue = store
        .requests(
            &office,
            &Filter {
                overdue_at: Some(d("2026-02-25")),
                ..Filter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(overdue.len(), 1);
    assert!(overdue[0].overdue(d("2026-02-25")));
    assert!(!overdue[0].overdue(d("2026-02-24")));

    // One extension, approved by the office, moves the resolution deadline by 5 working days.
    store
        .ask_extension(&economy, r.id, 5, "需协调银行授信", d("2026-02-25"))
        .await
        .unwrap();
    let again = store
        .ask_extension(&economy, r.id, 5, "再延", d("2026-02-25"))
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)), "{again}");
    assert!(matches!(
        store
            .decide_extension(&economy, r.id, true, "", d("2026-02-26"))
            .await
            .unwrap_err(),
        StoreError::Forbidden(_)
    ));
    store
        .decide_extension(&office, r.id, true, "同意", d("2026-02-26"))
        .await
        .unwrap();
    let r3 = store.request(&office, r.id).await.unwrap().unwrap();
    assert_eq!(r3.resolve_due, Some(d("2026-03-18")));

    store
        .act_on_request(
            &economy,
            r.id,
            &act("reply", "已对接农商行"),
            d("2026-02-27"),
        )
        .await
        .unwrap();
    store
        .act_on_request(
            &economy,
            r.id,
            &act("resolve", "授信 500 万元已到位"),
            d("2026-03-02"),
        )
        .await
        .unwrap();
    // An unsatisfied rating reopens it and asks for a follow-up visit.
    let mut rate = act("rate", "利率偏高");
    rate.rating = Some("unsatisfied".into());
    let r4 = store
        .act_on_request(&ent_a, r.id, &rate, d("2026-03-03"))
        .await
        .unwrap();
    assert_eq!(r4.status, Status::Reopened);
    assert!(r4.follow_up_due);
    assert_eq!(
        r4.resolve_due,
        Some(d("2026-03-31")),
        "15 + 5 working days after 03-03"
    );
    store
        .add_visit(
            &economy,
            &NewVisit {
                enterprise: A.into(),
                visited_on: "2026-03-04".into(),
                visitors: "经贸局 张三".into(),
                findings: "企业希望降低利率".into(),
                follow_up_of: Some(r.id),
            },
        )
        .await
        .unwrap();
    assert!(
        !store
            .request(&office, r.id)
            .await
            .unwrap()
            .unwrap()
            .follow_up_due
    );
    store
        .act_on_request(
            &economy,
            r.id,
            &act("resolve", "已协调贴息"),
            d("2026-03-10"),
        )
        .await
        .unwrap();
    let mut rate = act("rate", "");
    rate.rating = Some("very_satisfied".into());
    let done = store
        .act_on_request(&ent_a, r.id, &rate, d("2026-03-11"))
        .await
        .unwrap();
    assert_eq!(done.status, Status::Closed);
    let detail = store.request_detail(&ent_a, r.id).await.unwrap().unwrap();
    let actions: Vec<&str> = detail.events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "submit",
            "assign",
            "transfer",
            "accept",
            "extension_asked",
            "extension_approved",
            "reply",
            "resolve",
            "rate",
            "follow_up_visit",
            "resolve",
            "rate"
        ]
    );
    assert_eq!(detail.ratings.len(), 2);
    // Closed: nothing can happen any more.
    let e = store
        .act_on_request(&office, r.id, &act("withdraw", "x"), d("2026-03-12"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
}

#[tokio::test]
async fn the_office_edits_the_calendar_and_open_deadlines_follow() {
    let store = store_with_enterprises(&[enterprise_a()]).await;
    let sys = Actor::system("测试");
    let ent_a = viewer(Role::Enterprise, None, Some(A));
    // Mon 2026-12-28: 15 working days run into 2027, which has no calendar yet.
    let r = store
        .submit_request(
            &ent_a,
            &NewRequest {
                category: "tax".into(),
                title: "出口退税".into(),
                description: "退税进度慢".into(),
                ..NewRequest::default()
            },
            &[],
            d("2026-12-28"),
        )
        .await
        .unwrap();
    assert!(r.provisional);
    assert_eq!(r.resolve_due, Some(d("2027-01-18")));
    // The office enters 2027 with 1-01 and a made-up 1-04 holiday (a test calendar).
    let bad = store
        .save_calendar_year(
            &sys,
            "year = 2027\nsource = \"x\"\nholidays = []\nworkdays = [\"2027-01-05\"]",
        )
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("不是周末"), "{bad}");
    store
        .save_calendar_year(&sys, "year = 2027\nsource = \"测试\"\nholidays = [\"2027-01-01\", \"2027-01-04\"]\nworkdays = []")
        .await
        .unwrap();
    let r = store.request(&ent_a, r.id).await.unwrap().unwrap();
    assert!(!r.provisional);
    assert_eq!(r.resolve_due, Some(d("2027-01-20")));
    assert!(
        store
            .calendar_years()
            .await
            .unwrap()
            .iter()
            .any(|y| y.year == 2027 && y.edited_by.is_some())
    );
}
