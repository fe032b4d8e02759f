//! The storage story: what the product does with its database, told once and
//! run on whichever backend `TEST_DATABASE_URL` names (SQLite by default;
//! `.ci/run` runs it again on PostgreSQL).

use domain::campaign::template;
use domain::users::{Role, parse_new_user};
use store::audit::AuditFilter;
use store::campaigns::TargetEdit;
use store::org::UnitEdit;
use store::users::{LoginError, SessionKind};
use store::{Actor, StoreError, testing::fresh_store};

#[tokio::test]
async fn foundation_story() {
    let store = fresh_store().await;
    let system = Actor::system("测试");

    // An empty database has no campaign; loading the template fills it.
    assert!(store.current_campaign().await.unwrap().is_none());
    let t = template::builtin("longwan-2006").unwrap();
    let id = store.load_template(&system, &t).await.unwrap();
    let again = store.load_template(&system, &t).await.unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)), "{again}");

    let c = store.campaign(id).await.unwrap().unwrap();
    assert_eq!(c.year, 2006);
    assert_eq!(c.office_unit_name.as_deref(), Some("区经贸(交通)局"));
    assert_eq!(c.leader_head, "区长");
    let members = store.campaign_members(id).await.unwrap();
    assert_eq!(members.len(), 25);
    assert_eq!(members[0].name, "区府办");
    assert_eq!(members[24].name, "区消防大队");
    assert!(
        store
            .campaign_source(id)
            .await
            .unwrap()
            .unwrap()
            .contains("二OO六年四月二十七日")
    );

    let groups = store.working_groups(id).await.unwrap();
    assert_eq!(groups.len(), 5);
    assert_eq!(
        groups[1]
            .leads
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>(),
        ["区国税分局", "区财政局(地税分局)"]
    );

    let targets = store.targets(id).await.unwrap();
    assert_eq!(targets.len(), 11);
    assert_eq!(targets[2].code, "industrial_investment");
    assert_eq!(targets[2].value.value, 2_310_000_000);
    assert_eq!(targets[2].value_display(), "23.1亿元");
    assert_eq!(targets[7].value_display(), "100%");

    let awards = store.award_tiers(id).await.unwrap();
    assert_eq!(awards.len(), 3);
    assert_eq!(awards[2].winners, None);

    // Editing a target: bad input is refused field by field, nothing written.
    let bad = TargetEdit {
        name: "".into(),
        description: "".into(),
        target_value: "abc".into(),
        working_group_code: "nope".into(),
    };
    match store
        .update_target(&system, id, "industrial_investment", &bad)
        .await
    {
        Err(StoreError::Invalid(errs)) => {
            let f: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(f, ["name", "target_value", "working_group_code"]);
        }
        other => panic!("expected field errors, got {other:?}"),
    }
    assert_eq!(
        store.targets(id).await.unwrap()[2].value.value,
        2_310_000_000
    );
    let good = TargetEdit {
        name: "工业性投资".into(),
        description: "全年工业性投资".into(),
        target_value: "2,400,000,000".into(),
        working_group_code: "investment-construction".into(),
    };
    let t2 = store
        .update_target(&system, id, "industrial_investment", &good)
        .await
        .unwrap();
    assert_eq!(t2.value.value, 2_400_000_000);
    assert_eq!(
        store.targets(id).await.unwrap()[2].value.value,
        2_400_000_000
    );

    // Renaming a placeholder unit makes it a real one, and is audited.
    let u = store.unit("bank-1").await.unwrap().unwrap();
    assert!(u.placeholder);
    let edit = UnitEdit {
        name: "工商银行龙湾支行".into(),
        kind: "financial_institution".into(),
        note: "".into(),
        parent: None,
        active: true,
    };
    let u = store.update_unit(&system, "bank-1", &edit).await.unwrap();
    assert!(!u.placeholder);
    let bad = UnitEdit {
        name: " ".into(),
        kind: "castle".into(),
        note: "".into(),
        parent: Some("nowhere".into()),
        active: true,
    };
    assert!(
        matches!(store.update_unit(&system, "bank-1", &bad).await, Err(StoreError::Invalid(e)) if e.len() == 3)
    );

    // A new unit under a parent; the parent cannot then move under it; a
    // retired unit leaves the pickers but keeps its records.
    let sub = store
        .add_unit(
            &system,
            &store::org::NewUnit {
                code: "bank-1-yz".into(),
                name: "工商银行永中分理处".into(),
                kind: "financial_institution".into(),
                parent: Some("bank-1".into()),
                note: String::new(),
            },
        )
        .await
        .unwrap();
    assert_eq!(sub.parent_code.as_deref(), Some("bank-1"));
    assert!(sub.active);
    let dup = store
        .add_unit(
            &system,
            &store::org::NewUnit {
                code: "bank-1-yz".into(),
                name: "另一个".into(),
                kind: "department".into(),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(dup, Err(StoreError::Invalid(e)) if e[0].field == "code"));
    let cycle = UnitEdit {
        parent: Some("bank-1-yz".into()),
        ..edit.clone()
    };
    assert!(
        matches!(store.update_unit(&system, "bank-1", &cycle).await, Err(StoreError::Invalid(e)) if e[0].field == "parent")
    );
    let retire = UnitEdit {
        name: sub.name.clone(),
        kind: "financial_institution".into(),
        note: String::new(),
        parent: Some("bank-1".into()),
        active: false,
    };
    assert!(
        !store
            .update_unit(&system, "bank-1-yz", &retire)
            .await
            .unwrap()
            .active
    );
    assert!(
        store
            .active_units()
            .await
            .unwrap()
            .iter()
            .all(|u| u.code != "bank-1-yz")
    );
    assert!(
        store
            .units()
            .await
            .unwrap()
            .iter()
            .any(|u| u.code == "bank-1-yz")
    );

    // Users, login, lock-out and sessions.
    let pw = store.ensure_admin(Some("correct horse")).await.unwrap();
    assert_eq!(pw, Some(("correct horse".to_string(), false)));
    assert_eq!(
        store.ensure_admin(None).await.unwrap(),
        None,
        "only on an empty user table"
    );
    let admin = store
        .authenticate("admin", "correct horse")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(admin.role, Role::Admin);
    let nu = parse_new_user("wang.jm", "王经贸", "unit", Some("economy"), None).unwrap();
    let wang = store
        .create_user(&admin.actor(), &nu, "password1")
        .await
        .unwrap();
    assert_eq!(wang.unit_name.as_deref(), Some("区经贸(交通)局"));
    let dup = store
        .create_user(&admin.actor(), &nu, "password1")
        .await
        .unwrap_err();
    assert!(
        matches!(dup, StoreError::Invalid(ref e) if e[0].field == "username"),
        "{dup}"
    );
    let ghost = parse_new_user("li.si", "李", "unit", Some("atlantis"), None).unwrap();
    assert!(matches!(
        store.create_user(&admin.actor(), &ghost, "password1").await,
        Err(StoreError::Invalid(_))
    ));

    for _ in 0..4 {
        assert_eq!(
            store
                .authenticate("wang.jm", "wrong")
                .await
                .unwrap()
                .unwrap_err(),
            LoginError::BadCredentials
        );
    }
    assert!(matches!(
        store.authenticate("wang.jm", "wrong").await.unwrap(),
        Err(LoginError::Locked { .. })
    ));
    assert!(
        matches!(
            store.authenticate("wang.jm", "password1").await.unwrap(),
            Err(LoginError::Locked { .. })
        ),
        "locked even with the right password"
    );
    store
        .set_password(&admin.actor(), wang.id, "password2")
        .await
        .unwrap();
    assert!(
        store
            .authenticate("wang.jm", "password2")
            .await
            .unwrap()
            .is_ok()
    );
    assert_eq!(
        store
            .authenticate("nobody", "x")
            .await
            .unwrap()
            .unwrap_err(),
        LoginError::BadCredentials
    );

    let token = store
        .create_session(wang.id, SessionKind::Api)
        .await
        .unwrap();
    assert_eq!(
        store.session_user(&token).await.unwrap().unwrap().username,
        "wang.jm"
    );
    assert!(store.session_user("forged").await.unwrap().is_none());
    store
        .set_user_active(&admin.actor(), wang.id, false)
        .await
        .unwrap();
    assert!(
        store.session_user(&token).await.unwrap().is_none(),
        "disabling ends sessions"
    );
    assert_eq!(
        store
            .authenticate("wang.jm", "password2")
            .await
            .unwrap()
            .unwrap_err(),
        LoginError::Inactive
    );
    let web = store
        .create_session(admin.id, SessionKind::Web)
        .await
        .unwrap();
    store.delete_session(&web).await.unwrap();
    assert!(store.session_user(&web).await.unwrap().is_none());

    // The audit trail saw every write, with before and after.
    let (log, total) = store
        .audit_log(&AuditFilter::default(), 0, 100)
        .await
        .unwrap();
    assert!(total >= 6, "{total}");
    let target_change = log.iter().find(|e| e.entity == "target").unwrap();
    assert_eq!(
        target_change.before.as_ref().unwrap()["target_value"],
        "2310000000"
    );
    assert_eq!(
        target_change.after.as_ref().unwrap()["target_value"],
        "2400000000"
    );
    let (units_only, n) = store
        .audit_log(
            &AuditFilter {
                entity: Some("org_unit".into()),
                entity_key: None,
            },
            0,
            10,
        )
        .await
        .unwrap();
    // The rename of bank-1, the new unit and its retirement.
    assert_eq!(n, 3);
    assert!(units_only.iter().all(|e| e.actor_name == "系统（测试）"));
    store.close().await;
}
