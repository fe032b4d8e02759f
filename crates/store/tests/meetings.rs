//! The storage story of the joint meeting, on whichever backend
//! `TEST_DATABASE_URL` names: scheduling with field errors, the agenda from
//! escalated requests and lagging projects, attendees, decisions, action items
//! that follow the request flow into the unit's queue, marking held, the list.

use domain::meetings::{MeetingInput, MeetingStatus};
use domain::projects::{Milestone, Project, ProjectStatus};
use domain::requests::{Kind, Status};
use domain::users::{Role, Scope};
use store::audit::AuditFilter;
use store::meetings::{AgendaSource, MeetingFilter};
use store::requests::Filter;
use store::requests::write::{NewActionItem, NewRequest};
use store::testing::{A, act, d, enterprise_a, store_with_enterprises, viewer};
use store::{Actor, StoreError};

fn project(code: &str, name: &str, status: ProjectStatus, planned_start: Option<&str>) -> Project {
    let mut p = store::testing::project(code);
    p.name = name.into();
    p.dates.planned[Milestone::Started.index()] = planned_start.map(d);
    p.status = status;
    if status != ProjectStatus::Active {
        p.status_on = Some(d("2026-01-15"));
        p.status_reason = "资金未到位".into();
    }
    p
}

fn input(title: &str, held_on: &str) -> MeetingInput {
    MeetingInput {
        title: title.into(),
        held_on: held_on.into(),
        start_time: "09:30".into(),
        place: "区行政中心301会议室".into(),
        chair: "张副区长".into(),
        summary: String::new(),
    }
}

#[tokio::test]
async fn a_meeting_from_agenda_to_action_items() {
    let store = store_with_enterprises(&[enterprise_a()]).await;
    let sys = Actor::system("测试");
    store
        .upsert_projects(
            &sys,
            &Scope::All,
            &[
                project(
                    "P1",
                    "阀门生产线",
                    ProjectStatus::Active,
                    Some("2026-02-01"),
                ),
                project("P2", "泵业扩建", ProjectStatus::Active, Some("2026-12-01")),
                project(
                    "P3",
                    "暂缓项目",
                    ProjectStatus::Suspended,
                    Some("2026-01-01"),
                ),
            ],
        )
        .await
        .unwrap();
    let office = viewer(Role::Admin, None, None);
    let leader = viewer(Role::Leader, None, None);
    let land = viewer(Role::Unit, Some("land"), None);
    let economy = viewer(Role::Unit, Some("economy"), None);
    let ent = viewer(Role::Enterprise, None, Some(A));

    // Two requests: one the land bureau puts before the joint meeting, one not.
    let new = |title: &str| NewRequest {
        category: "land".into(),
        title: title.into(),
        description: "二期厂房需要 20 亩工业用地。".into(),
        ..NewRequest::default()
    };
    let hard = store
        .submit_request(&ent, &new("新厂房用地指标"), &[], d("2026-03-02"))
        .await
        .unwrap();
    let easy = store
        .submit_request(&ent, &new("围墙审批"), &[], d("2026-03-02"))
        .await
        .unwrap();
    store
        .act_on_request(
            &land,
            hard.id,
            &act("escalate", "指标需全区统筹"),
            d("2026-03-03"),
        )
        .await
        .unwrap();

    // Scheduling: only the office; bad input names the fields and writes nothing.
    let e = store
        .schedule_meeting(&land, &input("第一次联席会议", "2026-03-05"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");
    let e = store
        .schedule_meeting(&office, &MeetingInput::default())
        .await
        .unwrap_err();
    let StoreError::Invalid(errs) = e else {
        panic!("{e}")
    };
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["title", "held_on", "place"]);
    assert!(
        store
            .meetings(&MeetingFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    let m = store
        .schedule_meeting(&office, &input("2026年第一次联席会议", "2026-03-05"))
        .await
        .unwrap();
    assert_eq!((m.status, m.number), (MeetingStatus::Planned, 1));

    // The agenda: only escalated requests and lagging projects, each once.
    let today = d("2026-03-04");
    let e = store
        .add_agenda_item(&office, m.id, &AgendaSource::Request(easy.id), "", today)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f[0].field == "request_id"),
        "{e}"
    );
    let req_item = store
        .add_agenda_item(&office, m.id, &AgendaSource::Request(hard.id), "", today)
        .await
        .unwrap();
    let e = store
        .add_agenda_item(&office, m.id, &AgendaSource::Request(hard.id), "", today)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    let lagging: Vec<String> = store
        .lagging_projects(today)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.code)
        .collect();
    assert_eq!(lagging, ["P1"], "P2 is on time, P3 suspended");
    for code in ["P2", "P9"] {
        let e = store
            .add_agenda_item(
                &office,
                m.id,
                &AgendaSource::Project(code.into()),
                "",
                today,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid(f) if f[0].field == "project_code"),
            "{e}"
        );
    }
    let proj_item = store
        .add_agenda_item(
            &office,
            m.id,
            &AgendaSource::Project("P1".into()),
            "",
            today,
        )
        .await
        .unwrap();

    // Attendees: unknown units are named; the list replaces the previous one.
    let e = store
        .set_attendees(&office, m.id, &["economy".into(), "nope".into()])
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f[0].message.contains("nope")),
        "{e}"
    );
    store
        .set_attendees(&office, m.id, &["drc".into(), "land".into()])
        .await
        .unwrap();
    store
        .set_attendees(&office, m.id, &["economy".into(), "land".into()])
        .await
        .unwrap();

    // Decisions, one about the escalated request; an agenda item of another meeting is refused.
    let other = store
        .schedule_meeting(&office, &input("用地专题会议", "2026-06-01"))
        .await
        .unwrap();
    let e = store
        .add_decision(&office, other.id, "x", Some(req_item))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f[0].field == "agenda_id"),
        "{e}"
    );
    let e = store
        .add_decision(&office, m.id, "  ", None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f[0].field == "text"),
        "{e}"
    );
    let dec = store
        .add_decision(
            &office,
            m.id,
            "由国土资源分局统筹解决甲公司20亩用地指标",
            Some(req_item),
        )
        .await
        .unwrap();
    assert_eq!(dec.position, 1);
    let e = store
        .add_decision(&economy, m.id, "越权", None)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e}");

    // An action item: a request of kind action_item with the unit's clock.
    let item = NewActionItem {
        meeting_id: m.id,
        title: "落实甲公司20亩用地指标".into(),
        description: "按会议议定，4月底前完成指标调剂。".into(),
        unit: "land".into(),
        due: d("2026-04-30"),
        category: "other".into(),
    };
    let e = store
        .add_meeting_action_item(
            &office,
            &NewActionItem {
                meeting_id: 9999,
                ..item.clone()
            },
            today,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e}");
    let ai = store
        .add_meeting_action_item(&office, &item, today)
        .await
        .unwrap();
    assert_eq!(
        (ai.kind, ai.status, ai.meeting_id, ai.unit_code.as_deref()),
        (Kind::ActionItem, Status::Assigned, Some(m.id), Some("land"))
    );
    assert_eq!(ai.resolve_due, Some(d("2026-04-30")));
    // It is in the land bureau's queue, not in the economy bureau's.
    let queue = store.requests(&land, &Filter::default()).await.unwrap();
    assert!(queue.iter().any(|r| r.id == ai.id));
    assert!(
        store
            .requests(&economy, &Filter::default())
            .await
            .unwrap()
            .iter()
            .all(|r| r.id != ai.id)
    );

    // The detail: names for the agenda, attendees in unit order, the items per viewer.
    let detail = store.meeting_detail(&office, m.id).await.unwrap().unwrap();
    let labels: Vec<String> = detail.agenda.iter().map(|a| a.label()).collect();
    assert_eq!(labels.len(), 2);
    assert!(
        labels[0].contains("温州甲阀门有限公司") && labels[0].contains("新厂房用地指标"),
        "{labels:?}"
    );
    assert!(
        labels[1].contains("阀门生产线") && labels[1].contains("开工计划 2026-02-01 逾期未完成"),
        "{labels:?}"
    );
    assert_eq!(detail.agenda[0].request_status, Some(Status::Escalated));
    let codes: Vec<&str> = detail.attendees.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes.len(), 2);
    assert!(codes.contains(&"economy") && codes.contains(&"land"));
    assert_eq!(detail.decisions.len(), 1);
    assert_eq!(detail.action_items.len(), 1);
    assert_eq!(
        store
            .meeting_detail(&leader, m.id)
            .await
            .unwrap()
            .unwrap()
            .action_items
            .len(),
        1
    );
    assert!(
        store
            .meeting_detail(&economy, m.id)
            .await
            .unwrap()
            .unwrap()
            .action_items
            .is_empty()
    );
    assert!(store.meeting_detail(&office, 9999).await.unwrap().is_none());

    // The agenda item a decision cites stays; the other can go.
    let e = store
        .remove_agenda_item(&office, m.id, req_item)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    store
        .remove_agenda_item(&office, m.id, proj_item)
        .await
        .unwrap();

    // Held: not before its date; then the agenda is fixed, decisions go on.
    let e = store
        .mark_meeting_held(&office, m.id, d("2026-03-04"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    let e = store
        .mark_meeting_held(&office, other.id, d("2026-06-01"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Conflict(s) if s.contains("出席单位")),
        "{e}"
    );
    let held = store
        .mark_meeting_held(&office, m.id, d("2026-03-05"))
        .await
        .unwrap();
    assert_eq!(held.status, MeetingStatus::Held);
    let e = store
        .add_agenda_item(
            &office,
            m.id,
            &AgendaSource::Project("P1".into()),
            "",
            d("2026-03-05"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    store
        .add_decision(&office, m.id, "经贸局做好跟踪服务", None)
        .await
        .unwrap();

    // The action item follows the request flow: accept, reply, resolve, the office closes.
    for (who, a, note, on) in [
        (&land, "accept", "", "2026-03-06"),
        (&land, "reply", "正在调剂指标", "2026-03-09"),
        (&land, "resolve", "指标已下达", "2026-04-20"),
        (&office, "close", "", "2026-04-21"),
    ] {
        store
            .act_on_request(who, ai.id, &act(a, note), d(on))
            .await
            .unwrap_or_else(|e| panic!("{a}: {e}"));
    }
    let detail = store.meeting_detail(&office, m.id).await.unwrap().unwrap();
    assert_eq!(detail.action_items[0].status, Status::Closed);
    assert_eq!(detail.decisions.len(), 2);
    assert_eq!(detail.agenda.len(), 1);

    // Edit: the fields are checked again.
    let e = store
        .update_meeting(&office, other.id, &input("", "2026-06-01"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e}");
    let other = store
        .update_meeting(&office, other.id, &input("用地专题会议", "2026-02-20"))
        .await
        .unwrap();
    assert_eq!(other.number, 1, "now the year's first meeting");

    // The list: newest first, with counts and filters.
    let all = store.meetings(&MeetingFilter::default()).await.unwrap();
    let ids: Vec<i64> = all.iter().map(|r| r.meeting.id).collect();
    assert_eq!(ids, [m.id, other.id]);
    assert_eq!(
        (
            all[0].meeting.number,
            all[0].agenda_count,
            all[0].decision_count,
            all[0].action_count,
            all[0].open_action_count
        ),
        (2, 1, 2, 1, 0)
    );
    let held_only = store
        .meetings(&MeetingFilter {
            status: Some(MeetingStatus::Held),
            ..MeetingFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(held_only.len(), 1);
    let by_text = store
        .meetings(&MeetingFilter {
            q: Some("专题".into()),
            year: Some(2026),
            ..MeetingFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(by_text.len(), 1);
    assert!(
        store
            .meetings(&MeetingFilter {
                year: Some(2025),
                ..MeetingFilter::default()
            })
            .await
            .unwrap()
            .is_empty()
    );

    // Every write is in the audit log.
    let (log, _) = store
        .audit_log(
            &AuditFilter {
                entity: Some("meeting".into()),
                entity_key: Some(m.id.to_string()),
            },
            0,
            100,
        )
        .await
        .unwrap();
    let mut actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    actions.sort();
    actions.dedup();
    assert_eq!(
        actions,
        [
            "agenda_add",
            "agenda_remove",
            "attendees",
            "decision",
            "held",
            "schedule"
        ]
    );
}
