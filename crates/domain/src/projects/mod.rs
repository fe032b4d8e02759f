//! Industrial projects: the record, its milestones from reserve to production,
//! the rules that keep the dates honest, and the stage derived from them.

pub mod approvals;
pub mod fields;

use crate::users::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What sort of project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    /// A new industrial project (工业项目).
    Industrial,
    /// A technical-renovation project (技改项目); may have no land.
    TechRenovation,
}

impl ProjectKind {
    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectKind::Industrial => "industrial",
            ProjectKind::TechRenovation => "tech_renovation",
        }
    }
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            ProjectKind::Industrial => "工业项目",
            ProjectKind::TechRenovation => "技改项目",
        }
    }
    /// Parses the identifier or the Chinese label.
    pub fn parse(s: &str) -> Option<ProjectKind> {
        match s.trim() {
            "industrial" | "工业项目" | "工业" => Some(ProjectKind::Industrial),
            "tech_renovation" | "技改项目" | "技改" => Some(ProjectKind::TechRenovation),
            _ => None,
        }
    }
}

/// The milestones of a project, in the order they must happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Milestone {
    Reserved,
    Approved,
    LandSupplied,
    SiteEntered,
    Started,
    Completed,
    InProduction,
}

impl Milestone {
    /// Every milestone, in order.
    pub const ALL: [Milestone; 7] = [
        Milestone::Reserved,
        Milestone::Approved,
        Milestone::LandSupplied,
        Milestone::SiteEntered,
        Milestone::Started,
        Milestone::Completed,
        Milestone::InProduction,
    ];

    /// The stable identifier, also the stem of the date fields (`reserved_on`).
    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::Reserved => "reserved",
            Milestone::Approved => "approved",
            Milestone::LandSupplied => "land_supplied",
            Milestone::SiteEntered => "site_entered",
            Milestone::Started => "started",
            Milestone::Completed => "completed",
            Milestone::InProduction => "in_production",
        }
    }

    /// The milestone in Chinese (the event).
    pub fn label(self) -> &'static str {
        match self {
            Milestone::Reserved => "入库储备",
            Milestone::Approved => "立项（备案）",
            Milestone::LandSupplied => "供地",
            Milestone::SiteEntered => "进场",
            Milestone::Started => "开工",
            Milestone::Completed => "竣工",
            Milestone::InProduction => "投产",
        }
    }

    /// The stage a project is in once this milestone is its furthest.
    pub fn stage_label(self) -> &'static str {
        match self {
            Milestone::Reserved => "储备",
            Milestone::Approved => "前期（已立项）",
            Milestone::LandSupplied => "已供地",
            Milestone::SiteEntered => "已进场",
            Milestone::Started => "在建",
            Milestone::Completed => "已竣工",
            Milestone::InProduction => "已投产",
        }
    }

    /// Parses the identifier.
    pub fn parse(s: &str) -> Option<Milestone> {
        Milestone::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Index in `ALL`.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Planned and actual dates per milestone (indexed by `Milestone::index`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dates {
    pub planned: [Option<NaiveDate>; 7],
    pub actual: [Option<NaiveDate>; 7],
}

impl Dates {
    /// The actual date of a milestone.
    pub fn actual(&self, m: Milestone) -> Option<NaiveDate> {
        self.actual[m.index()]
    }
    /// The planned date of a milestone.
    pub fn planned(&self, m: Milestone) -> Option<NaiveDate> {
        self.planned[m.index()]
    }
    /// The furthest milestone reached on or before `on`; None before the first.
    pub fn stage_at(&self, on: NaiveDate) -> Option<Milestone> {
        Milestone::ALL
            .into_iter()
            .rev()
            .find(|m| self.actual(*m).is_some_and(|d| d <= on))
    }
    /// The next milestone not yet reached (after the furthest one set).
    pub fn next_milestone(&self) -> Option<Milestone> {
        let furthest = Milestone::ALL
            .into_iter()
            .rev()
            .find(|m| self.actual(*m).is_some());
        match furthest {
            None => Some(Milestone::Reserved),
            Some(m) => Milestone::ALL.get(m.index() + 1).copied(),
        }
    }
    /// Milestones whose actual date came after the planned one.
    pub fn late(&self) -> Vec<Milestone> {
        Milestone::ALL
            .into_iter()
            .filter(|m| matches!((self.planned(*m), self.actual(*m)), (Some(p), Some(a)) if a > p))
            .collect()
    }
    /// Milestones past their planned date on `today` and still not reached.
    pub fn overdue(&self, today: NaiveDate) -> Vec<Milestone> {
        Milestone::ALL
            .into_iter()
            .filter(|m| self.actual(*m).is_none() && self.planned(*m).is_some_and(|p| p < today))
            .collect()
    }
}

/// Whether the project goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Active,
    Suspended,
    Cancelled,
}

impl ProjectStatus {
    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Active => "active",
            ProjectStatus::Suspended => "suspended",
            ProjectStatus::Cancelled => "cancelled",
        }
    }
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            ProjectStatus::Active => "正常推进",
            ProjectStatus::Suspended => "暂缓",
            ProjectStatus::Cancelled => "已取消",
        }
    }
    /// Parses the identifier or the Chinese label.
    pub fn parse(s: &str) -> Option<ProjectStatus> {
        match s.trim() {
            "" | "active" | "正常推进" | "正常" => Some(ProjectStatus::Active),
            "suspended" | "暂缓" => Some(ProjectStatus::Suspended),
            "cancelled" | "已取消" | "取消" => Some(ProjectStatus::Cancelled),
            _ => None,
        }
    }
}

/// A project as entered (from a form, the API or a spreadsheet row), parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    pub code: String,
    pub national_code: String,
    pub name: String,
    pub enterprise_credit_code: String,
    pub enterprise_name: String,
    pub township_code: String,
    pub kind: ProjectKind,
    pub key_project: bool,
    pub planned_investment_yuan: i64,
    pub land_area_millimu: i64,
    pub responsible_unit_code: String,
    pub responsible_person: String,
    pub responsible_phone: String,
    pub pre_phase_funding_yuan: i64,
    pub notes: String,
    pub dates: Dates,
    pub variance_note: String,
    pub planned_completion_year: Option<i32>,
    pub status: ProjectStatus,
    pub status_on: Option<NaiveDate>,
    pub status_reason: String,
}

/// Checks a project code: 1 to 40 characters of letters, digits, '-', '_' and '.'.
pub fn check_code(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("项目编号不能为空".into());
    }
    if s.chars().count() > 40 {
        return Err("项目编号不能超过 40 个字符".into());
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(format!("项目编号“{s}”只能包含字母、数字、“-”、“_”和“.”"));
    }
    Ok(s.to_string())
}

impl Project {
    /// Checks the rules that tie fields together; every problem is reported.
    /// Field names are the API's (`started_on`, `land_area_millimu` ...).
    pub fn check(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if let Err(m) = check_code(&self.code) {
            e.push(FieldError::new("code", m));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 200 {
            e.push(FieldError::new("name", "项目名称须为 1 到 200 个字符"));
        }
        if self.national_code.chars().count() > 40 {
            e.push(FieldError::new(
                "national_code",
                "全国项目代码不能超过 40 个字符",
            ));
        }
        for (field, v) in [
            ("planned_investment_yuan", self.planned_investment_yuan),
            ("land_area_millimu", self.land_area_millimu),
            ("pre_phase_funding_yuan", self.pre_phase_funding_yuan),
        ] {
            if v < 0 {
                e.push(FieldError::new(field, "不能为负数"));
            }
        }
        if self.kind == ProjectKind::Industrial
            && self.land_area_millimu == 0
            && self.dates.actual(Milestone::LandSupplied).is_some()
        {
            e.push(FieldError::new(
                "land_area_millimu",
                "已供地的工业项目须填写用地面积",
            ));
        }
        // Actual dates keep the milestones' order, for those that are set.
        let mut last: Option<(Milestone, NaiveDate)> = None;
        for m in Milestone::ALL {
            if let Some(d) = self.dates.actual(m) {
                if let Some((pm, pd)) = last
                    && d < pd
                {
                    e.push(FieldError::new(
                        &format!("{}_on", m.as_str()),
                        format!("{}日期 {d} 早于{}日期 {pd}", m.label(), pm.label()),
                    ));
                }
                last = Some((m, d));
            }
        }
        if !self.dates.late().is_empty() && self.variance_note.trim().is_empty() {
            let names: Vec<&str> = self.dates.late().iter().map(|m| m.label()).collect();
            e.push(FieldError::new(
                "variance_note",
                format!("{}的实际日期晚于计划日期，须填写延误原因", names.join("、")),
            ));
        }
        if let Some(y) = self.planned_completion_year
            && !(1990..=2100).contains(&y)
        {
            e.push(FieldError::new(
                "planned_completion_year",
                "计划竣工年度须在 1990 到 2100 之间",
            ));
        }
        if self.status != ProjectStatus::Active {
            if self.status_on.is_none() {
                e.push(FieldError::new(
                    "status_on",
                    format!("{}的项目须填写日期", self.status.label()),
                ));
            }
            if self.status_reason.trim().is_empty() {
                e.push(FieldError::new(
                    "status_reason",
                    format!("{}的项目须填写原因", self.status.label()),
                ));
            }
        }
        if !self.responsible_phone.is_empty()
            && !self
                .responsible_phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')'))
        {
            e.push(FieldError::new(
                "responsible_phone",
                "联系电话只能包含数字、“-”、“+”、空格和括号",
            ));
        }
        e
    }
}

/// A period: a month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    /// Parses `YYYY-MM` (also accepts `YYYY-M` and `YYYY/MM`).
    pub fn parse(s: &str) -> Result<Period, String> {
        let s = s.trim();
        let (y, m) = s
            .split_once(['-', '/'])
            .ok_or_else(|| format!("“{s}”不是 YYYY-MM 格式的月份"))?;
        let year: i32 = y
            .parse()
            .map_err(|_| format!("“{s}”不是 YYYY-MM 格式的月份"))?;
        let month: u32 = m
            .parse()
            .map_err(|_| format!("“{s}”不是 YYYY-MM 格式的月份"))?;
        if y.len() != 4 || !(1..=12).contains(&month) {
            return Err(format!("“{s}”不是 YYYY-MM 格式的月份"));
        }
        Ok(Period { year, month })
    }
    /// The month containing a date.
    pub fn of(d: NaiveDate) -> Period {
        use chrono::Datelike;
        Period {
            year: d.year(),
            month: d.month(),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Parses a date as people and spreadsheets write it: `2006-03-05`,
/// `2006/3/5`, `2006.3.5` or `2006年3月5日`.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s
        .trim()
        .replace(['/', '.', '年', '月'], "-")
        .replace('日', "");
    let parts: Vec<&str> = t.split('-').collect();
    if parts.len() == 3
        && let (Ok(y), Ok(m), Ok(d)) = (
            parts[0].parse::<i32>(),
            parts[1].parse::<u32>(),
            parts[2].parse::<u32>(),
        )
        && parts[0].len() == 4
        && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
    {
        return Ok(date);
    }
    Err(format!("“{}”不是有效日期（应为 YYYY-MM-DD）", s.trim()))
}

#[cfg(test)]
mod tests;
