//! What waits for each user (待办), on whichever backend `TEST_DATABASE_URL`
//! names: a unit's rework and near deadlines, the office's pending extension
//! and escalated request, the enterprise's reply and resolution to rate, the
//! unit told of the extension decision, and "new" cleared by a look.

use domain::users::parse_new_user;
use store::requests::Viewer;
use store::requests::inbox::{Inbox, InboxKind};
use store::requests::write::NewRequest;
use store::testing::{A, act, d, enterprise_a, store_with_enterprises};
use store::users::User;
use store::{Actor, Store};

fn codes(inbox: &Inbox, kind: InboxKind) -> Vec<String> {
    inbox
        .groups
        .iter()
        .filter(|(k, _)| *k == kind)
        .flat_map(|(_, items)| items.iter().map(|i| i.code.clone()))
        .collect()
}

async fn user(store: &Store, username: &str) -> User {
    store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == username)
        .unwrap()
}

#[tokio::test]
async fn each_role_sees_what_waits_for_it() {
    let store = store_with_enterprises(&[enterprise_a()]).await;
    let sys = Actor::system("测试");
    store.ensure_admin(Some("test-password-1")).await.unwrap();
    for (u, role, unit, ent) in [
        ("tudi", "unit", Some("land"), None),
        ("qiye", "enterprise", None, Some(A)),
        ("lingdao", "leader", None, None),
    ] {
        store
            .create_user(
                &sys,
                &parse_new_user(u, u, role, unit, ent).unwrap(),
                "test-password-1",
            )
            .await
            .unwrap();
    }
    let (admin, land, ent, leader) = (
        user(&store, "admin").await,
        user(&store, "tudi").await,
        user(&store, "qiye").await,
        user(&store, "lingdao").await,
    );
    let (office_v, land_v, ent_v) = (Viewer::of(&admin), Viewer::of(&land), Viewer::of(&ent));
    let submit = |title: &'static str, on: &'static str| {
        let (store, ent_v) = (store.clone(), ent_v.clone());
        async move {
            store
                .submit_request(
                    &ent_v,
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
    let steps = |id: i64, v: Viewer, list: Vec<(&'static str, &'static str, &'static str)>| {
        let store = store.clone();
        async move {
            for (a, note, on) in list {
                let mut input = act(a, note);
                if a == "rate" {
                    input.rating = Some(note.into());
                    input.note = String::new();
                }
                store.act_on_request(&v, id, &input, d(on)).await.unwrap();
            }
        }
    };
    let handled = vec![
        ("accept", "", "2026-02-24"),
        ("reply", "正在办理", "2026-02-24"),
    ];
    // Reopened by an unsatisfied rating: rework, with a follow-up visit owed.
    let rework = submit("重新办理", "2026-02-24").await;
    let mut done = handled.clone();
    done.push(("resolve", "已办结", "2026-02-25"));
    steps(rework.id, land_v.clone(), done.clone()).await;
    steps(
        rework.id,
        ent_v.clone(),
        vec![("rate", "unsatisfied", "2026-02-26")],
    )
    .await;
    // Accepted Fri 02-27; its reply is due Mon 03-02 (Sat 02-28 is a make-up day).
    let soon = submit("即将到期", "2026-02-26").await;
    steps(soon.id, land_v.clone(), vec![("accept", "", "2026-02-27")]).await;
    let ext = submit("申请延期", "2026-02-24").await;
    steps(ext.id, land_v.clone(), handled.clone()).await;
    store
        .ask_extension(&land_v, ext.id, 5, "需要等待规划调整", d("2026-02-25"))
        .await
        .unwrap();
    let escalated = submit("提交联席会议", "2026-02-24").await;
    let mut up = handled.clone();
    up.push(("escalate", "涉及多个部门", "2026-02-25"));
    steps(escalated.id, land_v.clone(), up).await;
    let to_rate = submit("待评价", "2026-02-24").await;
    steps(to_rate.id, land_v.clone(), done).await;

    let today = d("2026-03-02");
    let inbox = store.inbox(&land, today).await.unwrap();
    assert_eq!(codes(&inbox, InboxKind::Rework), [rework.code.as_str()]);
    let item = &inbox
        .groups
        .iter()
        .find(|g| g.0 == InboxKind::Rework)
        .unwrap()
        .1[0];
    assert!(item.note.contains("需回访"), "{}", item.note);
    assert_eq!(codes(&inbox, InboxKind::DueSoon), [soon.code.as_str()]);
    assert_eq!(inbox.total, 2);
    assert_eq!(inbox.new, 2, "never looked");

    let inbox = store.inbox(&admin, today).await.unwrap();
    assert_eq!(
        codes(&inbox, InboxKind::ExtensionPending),
        [ext.code.as_str()]
    );
    assert_eq!(
        codes(&inbox, InboxKind::Escalated),
        [escalated.code.as_str()]
    );
    assert!(codes(&inbox, InboxKind::Overdue).is_empty());
    assert!(codes(&inbox, InboxKind::Unassigned).is_empty());

    let inbox = store.inbox(&ent, today).await.unwrap();
    assert_eq!(codes(&inbox, InboxKind::ToRate), [to_rate.code.as_str()]);
    assert_eq!(codes(&inbox, InboxKind::Replied), [ext.code.as_str()]);

    let inbox = store.inbox(&leader, today).await.unwrap();
    assert!(!inbox.applies && inbox.groups.is_empty());

    // A look clears "new"; the office's decision later is new again.
    store.mark_notifications_seen(land.id).await.unwrap();
    assert!(
        store
            .notifications_seen_at(land.id)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(store.inbox(&land, today).await.unwrap().new, 0);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    store
        .decide_extension(&office_v, ext.id, true, "", today)
        .await
        .unwrap();
    let inbox = store.inbox(&land, today).await.unwrap();
    let decided = &inbox
        .groups
        .iter()
        .find(|g| g.0 == InboxKind::ExtensionDecided)
        .unwrap()
        .1;
    assert_eq!(decided[0].code, ext.code);
    assert!(decided[0].note.contains("已批准延期 5 个工作日"));
    assert!(decided[0].is_new);
    assert_eq!(inbox.new, 1);
    assert!(
        codes(
            &store.inbox(&admin, today).await.unwrap(),
            InboxKind::ExtensionPending
        )
        .is_empty()
    );
    // Looking twice keeps one row per user.
    store.mark_notifications_seen(land.id).await.unwrap();
    assert_eq!(store.inbox(&land, today).await.unwrap().new, 0);
}
