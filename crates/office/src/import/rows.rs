//! One data row turned into a project, a progress entry, a parcel or a month's
//! statistics of an enterprise. A bad
//! cell is recorded against its field and a neutral value used instead, so the
//! rest of the row is still read and every problem is found.
//!
//! Projects, parcels and statistics are patches (`domain::patch`): a column
//! left out or an empty cell is not sent (the stored value stays), a cell
//! reading 清空 is sent empty. Only the row's key must be filled here; a new
//! record's other required fields are checked when it is merged.

use super::ProgressInput;
use super::cells;
use super::columns::{Column, Kind};
use calamine::Data;
use chrono::NaiveDate;
use domain::enterprises::CreditCode;
use domain::enterprises::input::Stat;
use domain::format::{check_millimu, check_yuan};
use domain::land::Parcel;
use domain::patch::{CLEAR, Patch};
use domain::projects::{Dates, Milestone, Period, Project, ProjectKind, ProjectStatus, check_code};
use domain::users::FieldError;

const EMPTY: &Data = &Data::Empty;

/// The cells of one row by field, and the problems found so far.
pub(crate) struct Row<'a> {
    cells: Vec<(&'static Column, &'a Data)>,
    /// The fields of the non-empty cells, and of those the ones reading 清空.
    sent: Vec<&'static str>,
    cleared: Vec<&'static str>,
    pub errors: Vec<FieldError>,
}

impl<'a> Row<'a> {
    /// A row from its cells, each with its column; a 清空 cell is read as
    /// empty and remembered as cleared.
    pub fn new(mut cells: Vec<(&'static Column, &'a Data)>) -> Self {
        let mut sent = Vec::new();
        let mut cleared = Vec::new();
        for (c, d) in &mut cells {
            if cells::is_blank(d) {
                continue;
            }
            sent.push(c.field);
            if matches!(d, Data::String(s) if s.trim() == CLEAR) {
                cleared.push(c.field);
                *d = EMPTY;
            }
        }
        Row {
            cells,
            sent,
            cleared,
            errors: Vec::new(),
        }
    }

    /// The record with what this row sent.
    pub fn patch<T>(&self, record: T) -> Patch<T> {
        Patch::only(
            record,
            self.sent.iter().copied(),
            self.cleared.iter().copied(),
        )
    }

    fn cell(&self, field: &str) -> &'a Data {
        self.cells
            .iter()
            .find(|(c, _)| c.field == field)
            .map_or(EMPTY, |(_, d)| d)
    }

    /// Whether a field already has a problem.
    pub fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// Records a problem.
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// Key cells left empty, and required cells cleared.
    pub fn check_required(&mut self, is_key: impl Fn(&str) -> bool) {
        let problems: Vec<(&'static Column, bool)> = self
            .cells
            .iter()
            .filter(|(c, d)| c.required && cells::is_blank(d))
            .filter_map(|(c, _)| {
                if self.cleared.contains(&c.field) {
                    Some((*c, true))
                } else if is_key(c.field) {
                    Some((*c, false))
                } else {
                    None
                }
            })
            .collect();
        for (c, cleared) in problems {
            if cleared {
                self.error(c.field, format!("{}是必填项，不能清空", c.header));
            } else {
                self.error(c.field, format!("{}不能为空", c.header));
            }
        }
    }

    /// The header of a field's column, to name it in messages.
    fn label(&self, field: &str) -> &'static str {
        self.cells
            .iter()
            .find(|(c, _)| c.field == field)
            .map_or("", |(c, _)| c.header)
    }

    fn take<T: Default>(&mut self, field: &str, r: Result<T, String>) -> T {
        r.unwrap_or_else(|m| {
            if !self.has_error(field) {
                self.error(field, m);
            }
            T::default()
        })
    }

    /// Trimmed text, no longer than the column allows.
    pub fn text(&mut self, field: &str) -> String {
        let r = cells::text(self.cell(field));
        let v = self.take(field, r);
        let max = self.cells.iter().find_map(|(c, _)| match c.kind {
            Kind::Text(max) if c.field == field => Some(max),
            _ => None,
        });
        if let Some(max) = max
            && v.chars().count() > max
        {
            self.error(field, format!("不能超过 {max} 个字符"));
        }
        v
    }

    /// Whole yuan, at most `MAX_YUAN`; 0 when empty.
    pub fn money(&mut self, field: &str) -> i64 {
        let label = self.label(field);
        let r = cells::whole(self.cell(field))
            .and_then(|v| v.map(|v| check_yuan(label, v)).transpose());
        self.take(field, r).unwrap_or(0)
    }

    /// A whole number of another unit; 0 when empty.
    pub fn count(&mut self, field: &str) -> i64 {
        let r = cells::count(self.cell(field));
        self.take(field, r).unwrap_or(0)
    }

    /// Thousandths of a mu, at most `MAX_MILLIMU`; 0 when empty.
    pub fn mu(&mut self, field: &str) -> i64 {
        let label = self.label(field);
        let r = cells::thousandths(self.cell(field))
            .and_then(|v| v.map(|v| check_millimu(label, v)).transpose());
        self.take(field, r).unwrap_or(0)
    }

    pub fn date(&mut self, field: &str) -> Option<NaiveDate> {
        let r = cells::date(self.cell(field));
        self.take(field, r)
    }

    pub fn period(&mut self, field: &str) -> Option<Period> {
        let r = cells::period(self.cell(field));
        self.take(field, r)
    }

    pub fn flag(&mut self, field: &str) -> bool {
        let r = cells::flag(self.cell(field));
        self.take(field, r)
    }

    pub fn year(&mut self, field: &str) -> Option<i32> {
        let r = cells::year(self.cell(field));
        self.take(field, r)
    }
}

/// A project from a 项目 row.
pub(crate) fn project(r: &mut Row) -> Patch<Project> {
    let kind_text = r.text("kind");
    let kind = match ProjectKind::parse(&kind_text) {
        Some(k) => k,
        None => {
            if !kind_text.is_empty() {
                r.error(
                    "kind",
                    format!("项目类型“{kind_text}”无效，应为 工业项目 或 技改项目"),
                );
            }
            // The kind with fewer rules, so no problem is made up.
            ProjectKind::TechRenovation
        }
    };
    let status_text = r.text("status");
    let status = ProjectStatus::parse(&status_text).unwrap_or_else(|| {
        r.error(
            "status",
            format!("状态“{status_text}”无效，应为 正常推进、暂缓 或 已取消"),
        );
        ProjectStatus::Active
    });
    let mut dates = Dates::default();
    for m in Milestone::ALL {
        dates.actual[m.index()] = r.date(&format!("{}_on", m.as_str()));
    }
    for m in Milestone::ALL {
        dates.planned[m.index()] = r.date(&format!("planned_{}_on", m.as_str()));
    }
    let p = Project {
        code: r.text("code"),
        national_code: r.text("national_code"),
        name: r.text("name"),
        enterprise_credit_code: r.text("enterprise_credit_code"),
        enterprise_name: r.text("enterprise_name"),
        township_code: r.text("township_code"),
        kind,
        key_project: r.flag("key_project"),
        planned_investment_yuan: r.money("planned_investment_yuan"),
        land_area_millimu: r.mu("land_area_millimu"),
        responsible_unit_code: r.text("responsible_unit_code"),
        responsible_person: r.text("responsible_person"),
        responsible_phone: r.text("responsible_phone"),
        pre_phase_funding_yuan: r.money("pre_phase_funding_yuan"),
        notes: r.text("notes"),
        dates,
        variance_note: r.text("variance_note"),
        planned_completion_year: r.year("planned_completion_year"),
        status,
        status_on: r.date("status_on"),
        status_reason: r.text("status_reason"),
    };
    r.patch(p)
}

/// The rules a 项目 row can break alone: its code (the rest is checked on
/// the project as merged with what is stored).
pub(crate) fn check_project(p: &Patch<Project>) -> Vec<FieldError> {
    match check_code(&p.record.code) {
        Ok(_) => vec![],
        Err(m) => vec![FieldError::new("code", m)],
    }
}

/// The rules a 地块 row can break alone: its code.
pub(crate) fn check_parcel(p: &Patch<Parcel>) -> Vec<FieldError> {
    match check_code(&p.record.code) {
        Ok(_) => vec![],
        Err(m) => vec![FieldError::new("code", m.replace("项目编号", "地块编号"))],
    }
}

/// A progress entry from a 月度进展 row.
pub(crate) fn progress(r: &mut Row) -> ProgressInput {
    let project_code = r.text("project_code");
    let period = r.period("period");
    let investment_yuan = r.money("investment_completed_yuan");
    let note = r.text("note");
    ProgressInput {
        project_code,
        // An empty month is reported as a required cell; the value is not used.
        period: period.unwrap_or(Period {
            year: 1970,
            month: 1,
        }),
        investment_yuan,
        note,
    }
}

/// The rules of a progress entry.
pub(crate) fn check_progress(p: &ProgressInput) -> Vec<FieldError> {
    let mut e = Vec::new();
    if let Err(m) = check_code(&p.project_code) {
        e.push(FieldError::new("project_code", m));
    }
    if p.investment_yuan < 0 {
        e.push(FieldError::new(
            "investment_completed_yuan",
            "完成投资不能为负数",
        ));
    }
    e
}

/// A parcel from a 地块 row.
pub(crate) fn parcel(r: &mut Row) -> Patch<Parcel> {
    let p = Parcel {
        code: r.text("code"),
        township_code: r.text("township_code"),
        area_millimu: r.mu("area_millimu"),
        expropriated_on: r.date("expropriated_on"),
        supplied_on: r.date("supplied_on"),
        project_code: r.text("project_code"),
        notes: r.text("notes"),
    };
    r.patch(p)
}

/// A 月度统计 row: the statistics, and whether its code could be read (if not,
/// `stat` holds a stand-in code that must not count as a duplicate).
pub(crate) struct StatRow {
    pub stat: Patch<Stat>,
    pub code_ok: bool,
}

/// The statistics of one enterprise and month from a 月度统计 row.
pub(crate) fn stat(r: &mut Row) -> StatRow {
    let raw = r.text("credit_code");
    let code = if raw.is_empty() || r.has_error("credit_code") {
        None
    } else {
        CreditCode::parse(&raw)
            .map_err(|m| r.error("credit_code", m))
            .ok()
    };
    let period = r.period("period");
    let code_ok = code.is_some();
    let stat = Stat {
        // Stand-ins: a missing or bad cell is reported; the value is not used.
        credit_code: code
            .unwrap_or_else(|| CreditCode::parse("000000000000000000").expect("a valid code")),
        period: period.unwrap_or(Period {
            year: 1970,
            month: 1,
        }),
        output_value_yuan: r.money("output_value_yuan"),
        sales_value_yuan: r.money("sales_value_yuan"),
        electricity_kwh: r.count("electricity_kwh"),
        energy_kgce: r.count("energy_kgce"),
        tax_yuan: r.money("tax_yuan"),
        employees: r.count("employees"),
        land_millimu: r.mu("land_millimu"),
    };
    StatRow {
        stat: r.patch(stat),
        code_ok,
    }
}

/// The rules of a month's statistics: no amount is negative.
pub(crate) fn check_stat(row: &StatRow) -> Vec<FieldError> {
    let s = &row.stat.record;
    [
        ("output_value_yuan", s.output_value_yuan),
        ("sales_value_yuan", s.sales_value_yuan),
        ("electricity_kwh", s.electricity_kwh),
        ("energy_kgce", s.energy_kgce),
        ("tax_yuan", s.tax_yuan),
        ("employees", s.employees),
        ("land_millimu", s.land_millimu),
    ]
    .into_iter()
    .filter(|(_, v)| *v < 0)
    .map(|(f, _)| FieldError::new(f, "不能为负数"))
    .collect()
}
