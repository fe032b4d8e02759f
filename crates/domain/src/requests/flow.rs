//! The status flow of a request. A status changes only through `next`, which
//! checks the action against the status and against who acts.
//!
//! submitted -> assigned -> accepted -> replied -> resolved -> closed, with
//! transferred (a unit hands it to another), escalated (to the joint meeting),
//! reopened (the enterprise rejects the answer or rates it unsatisfied) and
//! withdrawn (the enterprise or the office takes it back).

use super::{Kind, Satisfaction};
use serde::{Deserialize, Serialize};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    Assigned,
    Transferred,
    Accepted,
    Replied,
    Resolved,
    Closed,
    Reopened,
    Escalated,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Submitted,
        Status::Assigned,
        Status::Transferred,
        Status::Accepted,
        Status::Replied,
        Status::Resolved,
        Status::Closed,
        Status::Reopened,
        Status::Escalated,
        Status::Withdrawn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Assigned => "assigned",
            Status::Transferred => "transferred",
            Status::Accepted => "accepted",
            Status::Replied => "replied",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Reopened => "reopened",
            Status::Escalated => "escalated",
            Status::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Submitted => "待分派",
            Status::Assigned => "待受理",
            Status::Transferred => "已转办待受理",
            Status::Accepted => "办理中",
            Status::Replied => "已答复",
            Status::Resolved => "已办结待评价",
            Status::Closed => "已关闭",
            Status::Reopened => "重新办理",
            Status::Escalated => "已提交联席会议",
            Status::Withdrawn => "已撤回",
        }
    }
    /// Closed and withdrawn requests are finished; nothing runs late any more.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Withdrawn)
    }
    /// The unit holds it and has not yet accepted it.
    pub fn awaits_acceptance(self) -> bool {
        matches!(self, Status::Assigned | Status::Transferred)
    }
    /// The unit still owes work on it (acceptance, reply or resolution).
    pub fn with_unit(self) -> bool {
        matches!(
            self,
            Status::Assigned
                | Status::Transferred
                | Status::Accepted
                | Status::Replied
                | Status::Reopened
                | Status::Escalated
        )
    }
}

/// Who acts, relative to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The campaign office (admin users).
    Office,
    /// The unit the request is with now.
    ResponsibleUnit,
    /// Any other unit.
    OtherUnit,
    /// The enterprise that raised it.
    OwnEnterprise,
    /// Another enterprise, a leader, anyone else.
    Other,
    /// The routing rules at intake.
    System,
}

/// An action on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Give it to a unit (routing at intake, or the office's override).
    Assign,
    Accept,
    /// Hand it to another unit, with a reason.
    Transfer,
    Reply,
    Resolve,
    /// The enterprise rejects the reply or the resolution.
    Reject,
    /// The enterprise rates the resolution.
    Rate(Satisfaction),
    /// The office closes a resolved request (an action item, or one the
    /// enterprise did not rate).
    Close,
    /// Put it before the joint meeting.
    Escalate,
    Withdraw,
}

impl Action {
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Assign => "assign",
            Action::Accept => "accept",
            Action::Transfer => "transfer",
            Action::Reply => "reply",
            Action::Resolve => "resolve",
            Action::Reject => "reject",
            Action::Rate(_) => "rate",
            Action::Close => "close",
            Action::Escalate => "escalate",
            Action::Withdraw => "withdraw",
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            Action::Assign => "分派",
            Action::Accept => "受理",
            Action::Transfer => "转办",
            Action::Reply => "答复",
            Action::Resolve => "办结",
            Action::Reject => "不认可答复",
            Action::Rate(_) => "评价",
            Action::Close => "关闭",
            Action::Escalate => "提交联席会议",
            Action::Withdraw => "撤回",
        }
    }
    /// Whether the action needs a written note (reason, reply text).
    pub fn needs_note(&self) -> bool {
        matches!(
            self,
            Action::Transfer
                | Action::Reply
                | Action::Resolve
                | Action::Reject
                | Action::Escalate
                | Action::Withdraw
        )
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// In Chinese, for the user.
    pub message: String,
    /// Refused because of who acts (as opposed to the request's status).
    pub by_actor: bool,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The status after `action`, or why it is refused.
pub fn next(status: Status, action: &Action, actor: Actor, kind: Kind) -> Result<Status, Refusal> {
    use Actor as A;
    use Status as S;
    let refuse = |why: &str, by_actor: bool| {
        Err(Refusal {
            message: format!("“{}”的诉求不能{}：{why}", status.label(), action.label()),
            by_actor,
        })
    };
    let allowed_from: &[Status] = match action {
        Action::Assign => &[
            S::Submitted,
            S::Assigned,
            S::Transferred,
            S::Accepted,
            S::Replied,
            S::Reopened,
            S::Escalated,
        ],
        Action::Accept => &[S::Assigned, S::Transferred],
        Action::Transfer => &[S::Assigned, S::Transferred, S::Accepted],
        Action::Reply => &[S::Accepted, S::Reopened],
        Action::Resolve => &[S::Accepted, S::Replied, S::Reopened, S::Escalated],
        Action::Reject => &[S::Replied, S::Resolved],
        Action::Rate(_) => &[S::Resolved],
        Action::Close => &[S::Resolved],
        Action::Escalate => &[
            S::Assigned,
            S::Transferred,
            S::Accepted,
            S::Replied,
            S::Reopened,
        ],
        Action::Withdraw => &[
            S::Submitted,
            S::Assigned,
            S::Transferred,
            S::Accepted,
            S::Replied,
            S::Reopened,
            S::Escalated,
        ],
    };
    if !allowed_from.contains(&status) {
        return refuse("当前状态不允许此操作", false);
    }
    let who_ok = match action {
        Action::Assign => matches!(actor, A::Office | A::System),
        Action::Accept | Action::Transfer | Action::Reply => actor == A::ResponsibleUnit,
        // The office may also record a resolution reached at the joint meeting.
        Action::Resolve => matches!(actor, A::ResponsibleUnit | A::Office),
        Action::Reject | Action::Rate(_) => actor == A::OwnEnterprise,
        Action::Close => actor == A::Office,
        Action::Escalate => matches!(actor, A::ResponsibleUnit | A::Office),
        Action::Withdraw => matches!(actor, A::OwnEnterprise | A::Office),
    };
    if !who_ok {
        return refuse(
            match action {
                Action::Assign | Action::Close => "只有活动办公室可以操作",
                Action::Accept | Action::Transfer | Action::Reply => "只有当前承办单位可以操作",
                Action::Resolve | Action::Escalate => "只有当前承办单位或活动办公室可以操作",
                Action::Reject | Action::Rate(_) => "只有提出诉求的企业可以操作",
                Action::Withdraw => "只有提出诉求的企业或活动办公室可以操作",
            },
            true,
        );
    }
    if kind == Kind::ActionItem && matches!(action, Action::Reject | Action::Rate(_)) {
        return refuse("会议交办事项没有企业评价，由活动办公室关闭", false);
    }
    Ok(match action {
        Action::Assign => S::Assigned,
        Action::Accept => S::Accepted,
        Action::Transfer => S::Transferred,
        Action::Reply => S::Replied,
        Action::Resolve => S::Resolved,
        Action::Reject => S::Reopened,
        Action::Rate(level) if level.reopens() => S::Reopened,
        Action::Rate(_) | Action::Close => S::Closed,
        Action::Escalate => S::Escalated,
        Action::Withdraw => S::Withdrawn,
    })
}

/// Whether `actor` may ask for the one extension of a request in `status`
/// (`asked`: one was asked before). The store checks it before writing and
/// the page shows the form only when it holds.
pub fn may_ask_extension(status: Status, actor: Actor, asked: bool) -> Result<(), Refusal> {
    if actor != Actor::ResponsibleUnit {
        return Err(Refusal {
            message: "只有当前承办单位可以申请延期".into(),
            by_actor: true,
        });
    }
    if asked {
        return Err(Refusal {
            message: "每件诉求只能申请一次延期".into(),
            by_actor: false,
        });
    }
    if !matches!(
        status,
        Status::Accepted | Status::Replied | Status::Reopened | Status::Escalated
    ) {
        return Err(Refusal {
            message: format!("“{}”的诉求不能申请延期：请先受理", status.label()),
            by_actor: false,
        });
    }
    Ok(())
}

/// Whether `actor` may decide an extension (`pending`: one awaits a decision).
pub fn may_decide_extension(actor: Actor, pending: bool) -> Result<(), Refusal> {
    if actor != Actor::Office {
        return Err(Refusal {
            message: "只有活动办公室可以审批延期".into(),
            by_actor: true,
        });
    }
    if !pending {
        return Err(Refusal {
            message: "没有待审批的延期申请".into(),
            by_actor: false,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_actions() -> Vec<Action> {
        vec![
            Action::Assign,
            Action::Accept,
            Action::Transfer,
            Action::Reply,
            Action::Resolve,
            Action::Reject,
            Action::Rate(Satisfaction::Satisfied),
            Action::Rate(Satisfaction::VeryUnsatisfied),
            Action::Close,
            Action::Escalate,
            Action::Withdraw,
        ]
    }

    /// The one actor allowed for each action, for the matrix below.
    fn rightful(a: &Action) -> Actor {
        match a {
            Action::Assign | Action::Close => Actor::Office,
            Action::Reject | Action::Rate(_) | Action::Withdraw => Actor::OwnEnterprise,
            _ => Actor::ResponsibleUnit,
        }
    }

    #[test]
    fn the_happy_path() {
        let k = Kind::Enterprise;
        let mut s = Status::Submitted;
        for (a, who, want) in [
            (Action::Assign, Actor::System, Status::Assigned),
            (Action::Accept, Actor::ResponsibleUnit, Status::Accepted),
            (Action::Reply, Actor::ResponsibleUnit, Status::Replied),
            (Action::Resolve, Actor::ResponsibleUnit, Status::Resolved),
            (
                Action::Rate(Satisfaction::Satisfied),
                Actor::OwnEnterprise,
                Status::Closed,
            ),
        ] {
            s = next(s, &a, who, k).unwrap();
            assert_eq!(s, want);
        }
    }

    #[test]
    fn every_transition_allowed_and_refused() {
        use Status as S;
        // The full table: (from, action) -> to, for the rightful actor.
        let expected = |from: Status, a: &Action| -> Option<Status> {
            Some(match (from, a) {
                (
                    S::Submitted
                    | S::Assigned
                    | S::Transferred
                    | S::Accepted
                    | S::Replied
                    | S::Reopened
                    | S::Escalated,
                    Action::Assign,
                ) => S::Assigned,
                (S::Assigned | S::Transferred, Action::Accept) => S::Accepted,
                (S::Assigned | S::Transferred | S::Accepted, Action::Transfer) => S::Transferred,
                (S::Accepted | S::Reopened, Action::Reply) => S::Replied,
                (S::Accepted | S::Replied | S::Reopened | S::Escalated, Action::Resolve) => {
                    S::Resolved
                }
                (S::Replied | S::Resolved, Action::Reject) => S::Reopened,
                (S::Resolved, Action::Rate(l)) if l.reopens() => S::Reopened,
                (S::Resolved, Action::Rate(_)) => S::Closed,
                (S::Resolved, Action::Close) => S::Closed,
                (
                    S::Assigned | S::Transferred | S::Accepted | S::Replied | S::Reopened,
                    Action::Escalate,
                ) => S::Escalated,
                (
                    S::Submitted
                    | S::Assigned
                    | S::Transferred
                    | S::Accepted
                    | S::Replied
                    | S::Reopened
                    | S::Escalated,
                    Action::Withdraw,
                ) => S::Withdrawn,
                _ => return None,
            })
        };
        let mut allowed = 0;
        for from in Status::ALL {
            for a in all_actions() {
                let got = next(from, &a, rightful(&a), Kind::Enterprise);
                match expected(from, &a) {
                    Some(to) => {
                        assert_eq!(got, Ok(to), "{from:?} --{a:?}-->");
                        allowed += 1;
                    }
                    None => {
                        let e = got.unwrap_err();
                        assert!(
                            !e.by_actor && e.message.contains("当前状态不允许"),
                            "{from:?} {a:?}: {e}"
                        );
                    }
                }
            }
        }
        assert_eq!(allowed, 7 + 2 + 3 + 2 + 4 + 2 + 2 + 1 + 5 + 7);
        // Nothing leaves a final status.
        for a in all_actions() {
            assert!(next(S::Closed, &a, rightful(&a), Kind::Enterprise).is_err());
            assert!(next(S::Withdrawn, &a, rightful(&a), Kind::Enterprise).is_err());
        }
    }

    #[test]
    fn the_wrong_actor_is_refused() {
        let k = Kind::Enterprise;
        let e = next(Status::Assigned, &Action::Accept, Actor::OtherUnit, k).unwrap_err();
        assert!(e.by_actor && e.message.contains("只有当前承办单位"), "{e}");
        assert!(
            next(
                Status::Submitted,
                &Action::Assign,
                Actor::ResponsibleUnit,
                k
            )
            .is_err()
        );
        assert!(
            next(
                Status::Resolved,
                &Action::Rate(Satisfaction::Basic),
                Actor::Other,
                k
            )
            .is_err()
        );
        assert!(
            next(
                Status::Resolved,
                &Action::Rate(Satisfaction::Basic),
                Actor::Office,
                k
            )
            .is_err()
        );
        assert!(
            next(
                Status::Accepted,
                &Action::Withdraw,
                Actor::ResponsibleUnit,
                k
            )
            .is_err()
        );
        assert!(next(Status::Accepted, &Action::Withdraw, Actor::Office, k).is_ok());
        assert!(next(Status::Accepted, &Action::Escalate, Actor::Office, k).is_ok());
        assert!(next(Status::Escalated, &Action::Resolve, Actor::Office, k).is_ok());
        assert!(next(Status::Resolved, &Action::Close, Actor::ResponsibleUnit, k).is_err());
    }

    #[test]
    fn an_unsatisfied_rating_reopens_and_action_items_are_not_rated() {
        let k = Kind::Enterprise;
        for l in Satisfaction::ALL {
            let s = next(Status::Resolved, &Action::Rate(l), Actor::OwnEnterprise, k).unwrap();
            assert_eq!(s == Status::Reopened, l.reopens(), "{l:?}");
        }
        let e = next(
            Status::Resolved,
            &Action::Rate(Satisfaction::Satisfied),
            Actor::OwnEnterprise,
            Kind::ActionItem,
        )
        .unwrap_err();
        assert!(e.message.contains("会议交办事项"), "{e}");
        assert_eq!(
            next(
                Status::Resolved,
                &Action::Close,
                Actor::Office,
                Kind::ActionItem
            ),
            Ok(Status::Closed)
        );
    }

    #[test]
    fn the_extension_is_asked_once_by_the_responsible_unit_and_decided_by_the_office() {
        use Actor as A;
        assert!(may_ask_extension(Status::Accepted, A::ResponsibleUnit, false).is_ok());
        assert!(may_ask_extension(Status::Escalated, A::ResponsibleUnit, false).is_ok());
        let twice = may_ask_extension(Status::Accepted, A::ResponsibleUnit, true).unwrap_err();
        assert!(!twice.by_actor && twice.message.contains("一次"));
        assert!(
            !may_ask_extension(Status::Assigned, A::ResponsibleUnit, false)
                .unwrap_err()
                .by_actor
        );
        assert!(
            !may_ask_extension(Status::Closed, A::ResponsibleUnit, false)
                .unwrap_err()
                .by_actor
        );
        for other in [
            A::Office,
            A::OtherUnit,
            A::OwnEnterprise,
            A::Other,
            A::System,
        ] {
            assert!(
                may_ask_extension(Status::Accepted, other, false)
                    .unwrap_err()
                    .by_actor
            );
        }
        assert!(may_decide_extension(A::Office, true).is_ok());
        assert!(!may_decide_extension(A::Office, false).unwrap_err().by_actor);
        assert!(
            may_decide_extension(A::ResponsibleUnit, true)
                .unwrap_err()
                .by_actor
        );
    }
}
