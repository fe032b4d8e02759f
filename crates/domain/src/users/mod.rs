//! Users and roles: who may read and change what.

use serde::{Deserialize, Serialize};

/// What a user is in the campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The campaign office: everything.
    Admin,
    /// Staff of one org unit: edits only what belongs to that unit.
    Unit,
    /// Leadership: reads everything, edits nothing.
    Leader,
    /// One enterprise: its own records only.
    Enterprise,
    /// An assessment expert (评审专家): scores the applications of the
    /// fiscal programmes assigned to them, nothing else.
    Expert,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Unit,
        Role::Leader,
        Role::Enterprise,
        Role::Expert,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Unit => "unit",
            Role::Leader => "leader",
            Role::Enterprise => "enterprise",
            Role::Expert => "expert",
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "活动办公室（管理员）",
            Role::Unit => "成员单位",
            Role::Leader => "领导",
            Role::Enterprise => "企业",
            Role::Expert => "评审专家",
        }
    }

    /// Parses the stored identifier.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// May read campaign-wide data (units, groups, targets, projects, ...).
    pub fn reads_campaign(self) -> bool {
        self.can(Permission::ReadCampaign)
    }

    /// May change the campaign's set-up (targets, units, users).
    pub fn administers(self) -> bool {
        self.can(Permission::Administer)
    }

    /// The one table of what each role may do; pages, the API and the
    /// navigation all ask here.
    pub fn can(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Leader => matches!(p, ReadCampaign | Oversee),
            Role::Unit => matches!(
                p,
                ReadCampaign | EditProjects | RecordVisits | ActOnRequests | AnswerEvaluations
            ),
            Role::Enterprise => matches!(p, ActOnRequests | AnswerEvaluations),
            Role::Expert => p == ScoreApplications,
        }
    }

    /// May read the records of the enterprise `code` (its page, statistics,
    /// credit, brands): campaign readers any, an enterprise user its own.
    pub fn reads_enterprise(self, own: Option<&str>, code: &str) -> bool {
        self.can(Permission::ReadCampaign) || (self == Role::Enterprise && own == Some(code))
    }
}

/// What a role may do. Record-level rules come on top: a unit user edits only
/// its own unit's projects ([`Scope`]), a request is seen by whoever stands
/// to it (`requests::Viewer`), an enterprise reads only its own enterprise
/// ([`Role::reads_enterprise`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read campaign-wide data: the campaign and its targets, the dashboard,
    /// bulletins, units and working groups, projects, parcels, approvals, the
    /// enterprise registry, visits, meetings, request statistics, settings.
    ReadCampaign,
    /// Read the oversight records: users, the audit trail, supervision of
    /// overdue requests and its notices.
    Oversee,
    /// Create and change projects, parcels and approvals (within the
    /// user's [`Scope`]) and import them.
    EditProjects,
    /// Record visits (走访) to enterprises.
    RecordVisits,
    /// File requests (诉求) and act on them by the status flow: an enterprise
    /// on its own, a unit on its queue, the office on all.
    ActOnRequests,
    /// Change the campaign's set-up: targets, awards, units, users, the
    /// enterprise registry, settings, meetings, bulletins, supervision.
    Administer,
    /// Answer the year-end evaluation (评议): an enterprise for itself, a
    /// township's user for its township (a record-level rule), the office
    /// for paper ballots.
    AnswerEvaluations,
    /// Score the fiscal-support applications of the programmes an expert
    /// is assigned to (a record-level rule); only experts (and the office).
    ScoreApplications,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 8] = [
        Permission::ReadCampaign,
        Permission::Oversee,
        Permission::EditProjects,
        Permission::RecordVisits,
        Permission::ActOnRequests,
        Permission::Administer,
        Permission::AnswerEvaluations,
        Permission::ScoreApplications,
    ];
}

/// What a user may change: everything, or only what belongs to one org unit
/// (projects and parcels whose township or responsible unit is that unit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Unit(String),
    Nothing,
}

impl Scope {
    /// The scope of a role (with the user's unit code for `unit` users).
    pub fn of(role: Role, unit_code: Option<&str>) -> Scope {
        match (role, unit_code) {
            (Role::Admin, _) => Scope::All,
            (Role::Unit, Some(u)) => Scope::Unit(u.to_string()),
            _ => Scope::Nothing,
        }
    }
    /// May this user change a record of this township and responsible unit?
    pub fn covers(&self, township_code: &str, responsible_unit_code: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Unit(u) => u == township_code || u == responsible_unit_code,
            Scope::Nothing => false,
        }
    }
}

/// A validated new user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The org unit a `unit` user belongs to (its code).
    pub unit_code: Option<String>,
    /// The enterprise an `enterprise` user represents (its credit code).
    pub enterprise_code: Option<String>,
}

/// A field error: the field's name and a message in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    /// A new field error.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Checks a username: 3 to 32 characters of a-z, 0-9, '.', '_' and '-'.
pub fn check_username(s: &str) -> Result<String, String> {
    let s = s.trim();
    let n = s.chars().count();
    if !(3..=32).contains(&n) {
        return Err("用户名长度须为 3 到 32 个字符".into());
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
    {
        return Err("用户名只能包含小写字母、数字、“.”、“_”和“-”".into());
    }
    Ok(s.to_string())
}

/// Checks a password: at least 8 characters, at most 128.
pub fn check_password(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if n < 8 {
        return Err("密码至少 8 个字符".into());
    }
    if n > 128 {
        return Err("密码不能超过 128 个字符".into());
    }
    Ok(())
}

/// Parses and checks the fields of a new user, collecting every error.
pub fn parse_new_user(
    username: &str,
    display_name: &str,
    role: &str,
    unit_code: Option<&str>,
    enterprise_code: Option<&str>,
) -> Result<NewUser, Vec<FieldError>> {
    let mut errs = Vec::new();
    let username = check_username(username)
        .map_err(|m| errs.push(FieldError::new("username", m)))
        .ok();
    let display_name = display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > 50 {
        errs.push(FieldError::new("display_name", "姓名须为 1 到 50 个字符"));
    }
    let role = Role::parse(role);
    if role.is_none() {
        errs.push(FieldError::new(
            "role",
            "角色须为 admin、unit、leader、enterprise 或 expert",
        ));
    }
    let unit_code = unit_code
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let enterprise_code = enterprise_code
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if role == Some(Role::Unit) && unit_code.is_none() {
        errs.push(FieldError::new("unit_code", "成员单位用户必须选择所属单位"));
    }
    if role == Some(Role::Enterprise) && enterprise_code.is_none() {
        errs.push(FieldError::new(
            "enterprise_code",
            "企业用户必须填写统一社会信用代码",
        ));
    }
    match (username, role) {
        (Some(username), Some(role)) if errs.is_empty() => Ok(NewUser {
            username,
            display_name,
            role,
            unit_code: if role == Role::Unit { unit_code } else { None },
            enterprise_code: if role == Role::Enterprise {
                enterprise_code
            } else {
                None
            },
        }),
        _ => Err(errs),
    }
}

/// How long an account stays locked after `failures` consecutive failed logins,
/// in seconds: nothing for the first four, then 1, 2, 4 ... minutes, at most an hour.
pub fn lockout_seconds(failures: i64) -> i64 {
    if failures < 5 {
        0
    } else {
        (60i64 << (failures - 5).min(6)).min(3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(check_username("admin").is_ok());
        assert!(check_username("ab").is_err());
        assert!(check_username("Admin").is_err());
        assert!(check_username("张三").is_err());
    }

    #[test]
    fn new_user_collects_every_error() {
        let e = parse_new_user("x", "", "root", None, None).unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "display_name", "role"]);
        let e = parse_new_user("wang", "王", "unit", None, None).unwrap_err();
        assert_eq!(e[0].field, "unit_code");
        let u = parse_new_user("wang", "王", "unit", Some("jmj"), Some("x")).unwrap();
        assert_eq!(u.unit_code.as_deref(), Some("jmj"));
        assert_eq!(u.enterprise_code, None);
    }

    #[test]
    fn lockout_grows_and_caps() {
        assert_eq!(lockout_seconds(4), 0);
        assert_eq!(lockout_seconds(5), 60);
        assert_eq!(lockout_seconds(6), 120);
        assert_eq!(lockout_seconds(50), 3600);
    }

    #[test]
    fn scopes() {
        assert!(Scope::of(Role::Admin, None).covers("a", "b"));
        let s = Scope::of(Role::Unit, Some("land"));
        assert!(s.covers("yongzhong", "land"));
        assert!(s.covers("land", ""));
        assert!(!s.covers("yongzhong", "drc"));
        assert!(!Scope::of(Role::Leader, None).covers("a", "b"));
        assert_eq!(Scope::of(Role::Unit, None), Scope::Nothing);
    }

    #[test]
    fn permissions_of_each_role() {
        use Permission::*;
        let granted = |r: Role| -> Vec<Permission> {
            Permission::ALL.into_iter().filter(|p| r.can(*p)).collect()
        };
        assert_eq!(granted(Role::Admin), Permission::ALL);
        assert_eq!(granted(Role::Leader), [ReadCampaign, Oversee]);
        assert_eq!(
            granted(Role::Unit),
            [
                ReadCampaign,
                EditProjects,
                RecordVisits,
                ActOnRequests,
                AnswerEvaluations
            ]
        );
        assert_eq!(
            granted(Role::Enterprise),
            [ActOnRequests, AnswerEvaluations]
        );
        // Who may change projects is who has a scope.
        for r in Role::ALL {
            assert_eq!(
                r.can(EditProjects),
                Scope::of(r, Some("land")) != Scope::Nothing,
                "{r:?}"
            );
        }
    }

    #[test]
    fn enterprises_read_only_their_own() {
        let own = Some("A");
        assert!(Role::Enterprise.reads_enterprise(own, "A"));
        assert!(!Role::Enterprise.reads_enterprise(own, "B"));
        assert!(!Role::Enterprise.reads_enterprise(None, "A"));
        assert!(Role::Leader.reads_enterprise(None, "B"));
        assert!(Role::Unit.reads_enterprise(None, "B"));
        // Staff with an enterprise code stored by mistake gain nothing from it.
        assert!(Role::Admin.reads_enterprise(Some("A"), "B"));
    }

    #[test]
    fn roles() {
        assert!(Role::Leader.reads_campaign());
        assert!(!Role::Leader.administers());
        assert!(!Role::Enterprise.reads_campaign());
        assert_eq!(Role::parse("unit"), Some(Role::Unit));
    }
}
