//! Exports in the import template's shape: the same sheet names and headers
//! (required ones marked "*"), amounts and areas as numbers, dates as real
//! date cells, choices as the labels the template asks for. So a file
//! exported, edited and imported again changes only what was edited: its
//! empty cells keep what is stored.

use crate::import::Sheet as Kind;
use crate::import::columns::{self, Column, header_text};
use crate::xlsx::{Cell, Sheet, SheetWriter, XlsxWriteError};
use domain::enterprises::input::Stat;
use domain::land::Parcel;
use domain::projects::{Milestone, Project};

/// The headers of a sheet, exactly as in the template.
pub fn headers(sheet: Kind) -> Vec<String> {
    columns::columns(sheet).iter().map(header_text).collect()
}

/// A thousandths value (mu) as the decimal number the template asks for.
fn mu(millimu: i64) -> Cell {
    Cell::Number(millimu as f64 / 1000.0)
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// A project's cell in a column. Township and unit are written as given:
/// the caller puts the names people read (the import takes names or codes).
fn project_cell(p: &Project, c: &Column) -> Cell {
    let date = |field: &str| -> Option<Cell> {
        let (planned, m) = match field.strip_prefix("planned_") {
            Some(rest) => (true, rest),
            None => (false, field),
        };
        let m = Milestone::parse(m.strip_suffix("_on")?)?;
        Some(Cell::from(if planned {
            p.dates.planned(m)
        } else {
            p.dates.actual(m)
        }))
    };
    match c.field {
        "code" => text(&p.code),
        "national_code" => text(&p.national_code),
        "name" => text(&p.name),
        "enterprise_credit_code" => text(&p.enterprise_credit_code),
        "enterprise_name" => text(&p.enterprise_name),
        "township_code" => text(&p.township_code),
        "kind" => text(p.kind.label()),
        "key_project" => text(if p.key_project { "是" } else { "否" }),
        "planned_investment_yuan" => Cell::Int(p.planned_investment_yuan),
        "land_area_millimu" => mu(p.land_area_millimu),
        "responsible_unit_code" => text(&p.responsible_unit_code),
        "responsible_person" => text(&p.responsible_person),
        "responsible_phone" => text(&p.responsible_phone),
        "pre_phase_funding_yuan" => Cell::Int(p.pre_phase_funding_yuan),
        "notes" => text(&p.notes),
        "variance_note" => text(&p.variance_note),
        "planned_completion_year" => p
            .planned_completion_year
            .map_or(text(""), |y| Cell::Int(y as i64)),
        "status" => text(p.status.label()),
        "status_on" => Cell::from(p.status_on),
        "status_reason" => text(&p.status_reason),
        f => date(f).unwrap_or_else(|| text("")),
    }
}

fn parcel_cell(p: &Parcel, c: &Column) -> Cell {
    match c.field {
        "code" => text(&p.code),
        "township_code" => text(&p.township_code),
        "area_millimu" => mu(p.area_millimu),
        "expropriated_on" => Cell::from(p.expropriated_on),
        "supplied_on" => Cell::from(p.supplied_on),
        "project_code" => text(&p.project_code),
        "notes" => text(&p.notes),
        _ => text(""),
    }
}

fn stat_cell(s: &Stat, enterprise_name: &str, c: &Column) -> Cell {
    match c.field {
        "credit_code" => text(s.credit_code.as_str()),
        "enterprise_name" => text(enterprise_name),
        "period" => text(&s.period.to_string()),
        "output_value_yuan" => Cell::Int(s.output_value_yuan),
        "sales_value_yuan" => Cell::Int(s.sales_value_yuan),
        "electricity_kwh" => Cell::Int(s.electricity_kwh),
        "energy_kgce" => Cell::Int(s.energy_kgce),
        "tax_yuan" => Cell::Int(s.tax_yuan),
        "employees" => Cell::Int(s.employees),
        "land_millimu" => mu(s.land_millimu),
        _ => text(""),
    }
}

/// The 项目 sheet holding these projects.
pub fn projects(projects: &[Project]) -> Sheet {
    let cols = columns::columns(Kind::Projects);
    Sheet {
        name: Kind::Projects.name().into(),
        headers: headers(Kind::Projects),
        rows: projects
            .iter()
            .map(|p| cols.iter().map(|c| project_cell(p, c)).collect())
            .collect(),
    }
}

/// The 地块 sheet holding these parcels.
pub fn parcels(parcels: &[Parcel]) -> Sheet {
    let cols = columns::columns(Kind::Parcels);
    Sheet {
        name: Kind::Parcels.name().into(),
        headers: headers(Kind::Parcels),
        rows: parcels
            .iter()
            .map(|p| cols.iter().map(|c| parcel_cell(p, c)).collect())
            .collect(),
    }
}

/// The 月度统计 workbook, written a row at a time.
pub struct StatsExport(SheetWriter);

impl StatsExport {
    /// An empty 月度统计 sheet with the template's headers.
    pub fn new() -> Result<Self, XlsxWriteError> {
        let widths: Vec<f64> = columns::columns(Kind::Stats)
            .iter()
            .map(|c| (c.header.chars().count() * 2 + 4) as f64)
            .collect();
        SheetWriter::new(Kind::Stats.name(), &headers(Kind::Stats), &widths).map(StatsExport)
    }

    /// Adds one enterprise's month.
    pub fn push(&mut self, s: &Stat, enterprise_name: &str) -> Result<(), XlsxWriteError> {
        let row: Vec<Cell> = columns::columns(Kind::Stats)
            .iter()
            .map(|c| stat_cell(s, enterprise_name, c))
            .collect();
        self.0.push(&row)
    }

    /// The .xlsx file.
    pub fn finish(self) -> Result<Vec<u8>, XlsxWriteError> {
        self.0.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{read, read_stats};
    use crate::xlsx::write;
    use chrono::NaiveDate;
    use domain::enterprises::CreditCode;
    use domain::projects::{Dates, Period, ProjectKind, ProjectStatus};

    fn project() -> Project {
        let mut dates = Dates::default();
        dates.actual[Milestone::Reserved.index()] = NaiveDate::from_ymd_opt(2006, 1, 5);
        dates.planned[Milestone::Started.index()] = NaiveDate::from_ymd_opt(2006, 6, 1);
        Project {
            code: "LW-1".into(),
            national_code: "2006-330303-34-03-000001".into(),
            name: "阀门项目".into(),
            enterprise_credit_code: "91350100M000100Y43".into(),
            enterprise_name: "龙湾阀门".into(),
            township_code: "永中街道".into(),
            kind: ProjectKind::Industrial,
            key_project: true,
            planned_investment_yuan: 39_800_000,
            land_area_millimu: 1_455_739,
            responsible_unit_code: "区发改局".into(),
            responsible_person: "张三".into(),
            responsible_phone: "13805770001".into(),
            pre_phase_funding_yuan: 120_000,
            notes: "备注".into(),
            dates,
            variance_note: String::new(),
            planned_completion_year: Some(2007),
            status: ProjectStatus::Suspended,
            status_on: NaiveDate::from_ymd_opt(2006, 7, 1),
            status_reason: "资金".into(),
        }
    }

    #[test]
    fn an_exported_workbook_reads_back_as_the_same_records() {
        let p = project();
        let parcel = Parcel {
            code: "DK-1".into(),
            township_code: "永中街道".into(),
            area_millimu: 1,
            expropriated_on: NaiveDate::from_ymd_opt(2005, 1, 1),
            supplied_on: None,
            project_code: "LW-1".into(),
            notes: String::new(),
        };
        let bytes = write(&[
            projects(std::slice::from_ref(&p)),
            parcels(std::slice::from_ref(&parcel)),
        ])
        .unwrap();
        let wb = read(&bytes).unwrap();
        assert_eq!(wb.projects[0].1.record, p);
        assert_eq!(wb.parcels[0].1.record, parcel);
        // Empty cells are not sent: they keep what is stored.
        assert!(!wb.parcels[0].1.sent.has("supplied_on"));
        assert_eq!(headers(Kind::Projects)[0], "项目编号*");
    }

    #[test]
    fn statistics_export_reads_back() {
        let s = Stat {
            credit_code: CreditCode::parse("91350100M000100Y43").unwrap(),
            period: Period {
                year: 2006,
                month: 3,
            },
            output_value_yuan: 9_999_999_999_999,
            sales_value_yuan: 900,
            electricity_kwh: 50,
            energy_kgce: 0,
            tax_yuan: 30,
            employees: 12,
            land_millimu: 12_500,
        };
        let mut x = StatsExport::new().unwrap();
        x.push(&s, "甲").unwrap();
        let book = read_stats(&x.finish().unwrap()).unwrap();
        assert_eq!(book.rows.len(), 1);
        assert_eq!(book.rows[0].1.record, s);
    }
}
