//! Reading an import workbook (sheets 项目, 月度进展, 地块) into domain records,
//! and the downloadable template; likewise the statistics office's workbook of
//! enterprise monthly statistics (sheet 月度统计, `read_stats`) and its own
//! template. All or nothing: a workbook with any bad cell gives every problem
//! found, each with its sheet, row and column.
//!
//! Columns are found by their header in row 1 (any order; whitespace and a
//! trailing "*" ignored); empty rows are skipped; other sheets are ignored.
//! Unit names in 所在镇街 and 责任单位 are kept as written: the caller maps them
//! to codes.

mod cells;
mod columns;
mod rows;
mod template;
#[cfg(test)]
mod tests;

use calamine::{Data, Range, Reader, Sheets, open_workbook_auto_from_rs};
use columns::Column;
use domain::enterprises::input::Stat;
use domain::land::Parcel;
use domain::projects::{Period, Project};
use domain::users::FieldError;
use rows::Row;
use std::collections::HashMap;
use std::io::Cursor;

pub use template::{stats_template, template};

/// One bad cell or row: sheet name, Excel row number as the user sees it
/// (header row = 1, first data row = 2), the column's Chinese header without
/// the "*" (or "" for a whole-row problem), and a Chinese message. A problem
/// with the whole file has sheet "" and row 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub sheet: String,
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// A monthly progress row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressInput {
    pub project_code: String,
    pub period: Period,
    pub investment_yuan: i64,
    pub note: String,
}

/// What a workbook holds, each item with its Excel row number.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workbook {
    pub projects: Vec<(usize, Project)>,
    pub progress: Vec<(usize, ProgressInput)>,
    pub parcels: Vec<(usize, Parcel)>,
}

/// The sheets an import workbook may hold, and the statistics workbook's one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sheet {
    Projects,
    Progress,
    Parcels,
    /// 月度统计: only in the statistics workbook (`read_stats`), never read by
    /// `read`.
    Stats,
}

impl Sheet {
    /// Every sheet of the project workbook (not `Stats`), in the order they are
    /// read and reported.
    pub const ALL: [Sheet; 3] = [Sheet::Projects, Sheet::Progress, Sheet::Parcels];

    /// The sheet's name in the workbook.
    pub fn name(self) -> &'static str {
        match self {
            Sheet::Projects => "项目",
            Sheet::Progress => "月度进展",
            Sheet::Parcels => "地块",
            Sheet::Stats => "月度统计",
        }
    }
}

/// The Chinese header (without "*") of the column of `sheet` that holds the
/// domain/API field `field` (`started_on`, `township_code`, `project_code`,
/// `period`, `investment_completed_yuan` ...), so that problems found later,
/// named by field, can be shown by column; "" when the sheet has no such column.
pub fn column_for(sheet: Sheet, field: &str) -> &'static str {
    columns::find(sheet, field).map_or("", |c| c.header)
}

/// Reads a workbook (.xlsx, .xls, .xlsb or .ods). Any problem gives `Err` with
/// every problem found, in sheet order then row order.
pub fn read(bytes: &[u8]) -> Result<Workbook, Vec<CellError>> {
    let (book, errors) = read_lenient(bytes, false);
    if errors.is_empty() {
        Ok(book)
    } else {
        Err(errors)
    }
}

/// Reads a workbook, returning what could be read together with every
/// problem. With `keep_bad_rows`, rows with problems are kept too (as far as
/// they could be read), so that the caller can check their references against
/// the database and report those problems in the same pass.
pub fn read_lenient(bytes: &[u8], keep_bad_rows: bool) -> (Workbook, Vec<CellError>) {
    let mut book = match open(bytes) {
        Ok(b) => b,
        Err(e) => return (Workbook::default(), vec![e]),
    };
    let names = book.sheet_names();
    let mut errors = Vec::new();
    let mut found = false;
    let mut out = Workbook::default();
    for sheet in Sheet::ALL {
        let Some(name) = names.iter().find(|n| n.trim() == sheet.name()) else {
            continue;
        };
        found = true;
        let range = match book.worksheet_range(name) {
            Ok(r) => r,
            Err(e) => {
                errors.push(unreadable_sheet(sheet.name(), e));
                continue;
            }
        };
        let mut s = SheetReader {
            sheet,
            name: sheet.name(),
            range: &range,
            errors: &mut errors,
            keep_bad_rows,
        };
        match sheet {
            Sheet::Projects => {
                out.projects = s.read(rows::project, Project::check, |p| {
                    (p.code.clone(), "code", format!("项目编号“{}”", p.code))
                })
            }
            Sheet::Progress => {
                out.progress = s.read(rows::progress, rows::check_progress, |p| {
                    let key = if p.project_code.is_empty() {
                        String::new()
                    } else {
                        format!("{}\u{0}{}", p.project_code, p.period)
                    };
                    (
                        key,
                        "period",
                        format!("项目“{}”{}的进展", p.project_code, p.period),
                    )
                })
            }
            Sheet::Parcels => {
                out.parcels = s.read(rows::parcel, Parcel::check, |p| {
                    (p.code.clone(), "code", format!("地块编号“{}”", p.code))
                })
            }
            // Not in `Sheet::ALL`: read by `read_stats` only.
            Sheet::Stats => {}
        }
    }
    if !found {
        let expected: Vec<String> = Sheet::ALL
            .iter()
            .map(|s| format!("“{}”", s.name()))
            .collect();
        errors.push(whole_file(format!(
            "文件中没有可导入的工作表：工作表名称应为 {}",
            expected.join("、")
        )));
    }
    (out, errors)
}

/// Reads the statistics office's workbook: the rows of its 月度统计 sheet (or
/// of its only sheet, whatever its name), each with its Excel row number. One
/// row per enterprise and month; amounts are non-negative whole numbers, 用地
/// 面积 is in thousandths of a mu. Any problem gives `Err` with every problem
/// found, in row order; a (code, month) given twice is an error on the second
/// row.
pub fn read_stats(bytes: &[u8]) -> Result<Vec<(usize, Stat)>, Vec<CellError>> {
    let mut book = open(bytes).map_err(|e| vec![e])?;
    let names = book.sheet_names();
    let wanted = Sheet::Stats.name();
    let name = match names.iter().find(|n| n.trim() == wanted) {
        Some(n) => n.clone(),
        None if names.len() == 1 => names[0].clone(),
        None => {
            return Err(vec![whole_file(format!(
                "文件中没有名为“{wanted}”的工作表：请将统计数据填写在“{wanted}”工作表中（可下载统计导入模板）"
            ))]);
        }
    };
    let shown = name.trim();
    let range = book
        .worksheet_range(&name)
        .map_err(|e| vec![unreadable_sheet(shown, e)])?;
    let mut errors = Vec::new();
    let rows = SheetReader {
        sheet: Sheet::Stats,
        name: shown,
        range: &range,
        errors: &mut errors,
        keep_bad_rows: false,
    }
    .read(rows::stat, rows::check_stat, |s| {
        let key = if s.code_ok {
            format!("{}\u{0}{}", s.stat.credit_code, s.stat.period)
        } else {
            String::new()
        };
        (
            key,
            "period",
            format!("企业“{}”{}的统计", s.stat.credit_code, s.stat.period),
        )
    });
    if errors.is_empty() {
        Ok(rows.into_iter().map(|(r, s)| (r, s.stat)).collect())
    } else {
        Err(errors)
    }
}

/// A problem with the whole file.
fn whole_file(message: String) -> CellError {
    CellError {
        sheet: String::new(),
        row: 0,
        column: String::new(),
        message,
    }
}

fn unreadable_sheet(sheet: &str, e: impl std::fmt::Display) -> CellError {
    CellError {
        sheet: sheet.into(),
        row: 0,
        column: String::new(),
        message: format!("无法读取工作表：{e}"),
    }
}

/// Opens a workbook of any supported format.
fn open(bytes: &[u8]) -> Result<Sheets<Cursor<&[u8]>>, CellError> {
    open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| {
        whole_file("无法读取文件：请上传 Excel 文件（.xlsx、.xls）或 .ods 文件".into())
    })
}

/// What the header row of a sheet says.
struct Header {
    /// The columns found, each with its absolute column index.
    found: Vec<(u32, &'static Column)>,
    /// The fields of the required columns that are missing.
    missing: Vec<&'static str>,
}

/// Reads the rows of one sheet, adding its problems to `errors`.
struct SheetReader<'a> {
    sheet: Sheet,
    /// The sheet's name as reported.
    name: &'a str,
    range: &'a Range<Data>,
    errors: &'a mut Vec<CellError>,
    keep_bad_rows: bool,
}

impl SheetReader<'_> {
    fn push(&mut self, row: usize, column: &str, message: impl Into<String>) {
        self.errors.push(CellError {
            sheet: self.name.into(),
            row,
            column: column.into(),
            message: message.into(),
        });
    }

    /// The columns found in the header row and the required columns missing;
    /// `None` when the rows cannot be read.
    fn header(&mut self) -> Option<Header> {
        let (Some(start), Some(end)) = (self.range.start(), self.range.end()) else {
            // An empty sheet holds nothing to import.
            return None;
        };
        if start.0 != 0 {
            self.push(1, "", "第 1 行应为列名（表头），请使用模板");
            return None;
        }
        let defs = columns::columns(self.sheet);
        let mut found: Vec<(u32, &'static Column)> = Vec::new();
        for c in start.1..=end.1 {
            let raw = self
                .range
                .get_value((0, c))
                .and_then(|d| cells::text(d).ok())
                .unwrap_or_default();
            let key = columns::normalize(&raw);
            if key.is_empty() {
                continue;
            }
            match defs.iter().find(|d| columns::normalize(d.header) == key) {
                None => self.push(1, &raw, format!("未知的列“{raw}”，请使用模板中的列名")),
                Some(d) if found.iter().any(|(_, f)| f.field == d.field) => {
                    self.push(1, d.header, format!("列“{}”重复", d.header))
                }
                Some(d) => found.push((c, d)),
            }
        }
        let missing: Vec<&'static str> = defs
            .iter()
            .filter(|d| d.required && !found.iter().any(|(_, f)| f.field == d.field))
            .map(|d| {
                self.push(1, d.header, format!("缺少必填列“{}”", d.header));
                d.field
            })
            .collect();
        Some(Header { found, missing })
    }

    /// Reads every non-empty row: `parse` builds the record, `check` gives its
    /// rules' problems, `key` its identity (for duplicates) with the field to
    /// blame and how to name it.
    fn read<T>(
        &mut self,
        parse: fn(&mut Row) -> T,
        check: fn(&T) -> Vec<FieldError>,
        key: fn(&T) -> (String, &'static str, String),
    ) -> Vec<(usize, T)> {
        let Some(Header {
            found: cols,
            missing,
        }) = self.header()
        else {
            return Vec::new();
        };
        let range = self.range;
        let (Some(start), Some(end)) = (range.start(), range.end()) else {
            return Vec::new();
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for r in 1..=end.0 {
            let excel_row = r as usize + 1;
            let blank =
                (start.1..=end.1).all(|c| range.get_value((r, c)).is_none_or(cells::is_blank));
            if blank {
                continue;
            }
            let cells: Vec<(&'static Column, &Data)> = cols
                .iter()
                .map(|(c, d)| (*d, range.get_value((r, *c)).unwrap_or(&Data::Empty)))
                .collect();
            let mut row = Row::new(cells);
            row.check_required();
            let item = parse(&mut row);
            for e in check(&item) {
                if !row.has_error(&e.field) {
                    row.errors.push(e);
                }
            }
            let (k, field, label) = key(&item);
            if !k.is_empty() && !row.has_error(field) {
                if let Some(first) = seen.get(&k) {
                    row.error(field, format!("{label}与第 {first} 行重复"));
                } else {
                    seen.insert(k, excel_row);
                }
            }
            // Problems in a missing column were reported once, at the header.
            row.errors.retain(|e| !missing.contains(&e.field.as_str()));
            if row.errors.is_empty() {
                out.push((excel_row, item));
                continue;
            }
            if self.keep_bad_rows {
                out.push((excel_row, item));
            }
            // Left to right as the user sees the columns; unknown fields last.
            let position = |field: &str| {
                cols.iter()
                    .find(|(_, d)| d.field == field)
                    .map_or(u32::MAX, |(c, _)| *c)
            };
            row.errors.sort_by_key(|e| position(&e.field));
            for e in row.errors {
                let column = column_for(self.sheet, &e.field);
                self.push(excel_row, column, e.message);
            }
        }
        out
    }
}
