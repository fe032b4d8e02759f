//! Reading an import workbook (sheets 项目, 月度进展, 地块) into domain records,
//! and the downloadable template; likewise the statistics office's workbook of
//! enterprise monthly statistics (sheet 月度统计, `read_stats`) and its own
//! template. All or nothing: a workbook with any bad cell gives every problem
//! found, each with its sheet, row and column.
//!
//! Columns are found by their header in row 1 (any order; whitespace and a
//! trailing "*" ignored); empty rows are skipped. Rows are patches: an empty
//! cell or a column left out keeps what is stored, 清空 clears (see `rows`).
//! Refused, naming the place: a sheet with another name that holds anything
//! (the 填写说明 sheet is ignored), a hidden sheet, data under a blank header
//! cell, a merged header cell, and a workbook with no expected sheet. Hidden
//! rows (.xlsx) are imported and listed in `notices`.
//! Unit names in 所在镇街 and 责任单位 are kept as written: the caller maps them
//! to codes.

mod cells;
pub(crate) mod columns;
mod hidden;
mod rows;
#[cfg(test)]
mod sheet_tests;
mod template;
#[cfg(test)]
mod tests;

use calamine::{Data, Dimensions, Range, Reader, SheetVisible, Sheets, open_workbook_auto_from_rs};
use columns::Column;
use domain::enterprises::input::Stat;
use domain::land::Parcel;
use domain::patch::Patch;
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

/// What a workbook holds, each item with its Excel row number, and notices
/// for the user (hidden rows that were read).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workbook {
    pub projects: Vec<(usize, Patch<Project>)>,
    pub progress: Vec<(usize, ProgressInput)>,
    pub parcels: Vec<(usize, Patch<Parcel>)>,
    pub notices: Vec<String>,
}

/// What a statistics workbook holds: each row with its Excel row number, and
/// notices (hidden rows that were read).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsBook {
    pub rows: Vec<(usize, Patch<Stat>)>,
    pub notices: Vec<String>,
}

/// The sheet of instructions in a template, ignored on import.
pub const HELP_SHEET: &str = "填写说明";

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
    let mut errors = Vec::new();
    let expected: Vec<&str> = Sheet::ALL.iter().map(|s| s.name()).collect();
    let names = survey(&mut book, &expected, &mut errors);
    let hidden = hidden::hidden_rows(bytes);
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
        let merged = merged_cells(&mut book, name);
        let mut s = SheetReader {
            sheet,
            name: sheet.name(),
            range: &range,
            merged: &merged,
            errors: &mut errors,
            keep_bad_rows,
        };
        match sheet {
            Sheet::Projects => {
                out.projects = s.read(rows::project, rows::check_project, |p| {
                    let c = &p.record.code;
                    (c.clone(), "code", format!("项目编号“{c}”"))
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
                out.parcels = s.read(rows::parcel, rows::check_parcel, |p| {
                    let c = &p.record.code;
                    (c.clone(), "code", format!("地块编号“{c}”"))
                })
            }
            // Not in `Sheet::ALL`: read by `read_stats` only.
            Sheet::Stats => {}
        }
        out.notices
            .extend(hidden_notice(sheet.name(), &range, hidden.get(name)));
    }
    if !found {
        let expected: Vec<String> = expected.iter().map(|s| format!("“{s}”")).collect();
        errors.push(whole_file(format!(
            "文件中没有可导入的工作表：工作表名称应为 {}",
            expected.join("、")
        )));
    }
    (out, errors)
}

/// The visible sheets' names; a hidden sheet, or a sheet named other than
/// `expected` (and 填写说明) that holds anything, is an error.
fn survey(
    book: &mut Sheets<Cursor<&[u8]>>,
    expected: &[&str],
    errors: &mut Vec<CellError>,
) -> Vec<String> {
    let sheets = book.sheets_metadata().to_vec();
    let mut names = Vec::new();
    let wanted: Vec<String> = expected.iter().map(|s| format!("“{s}”")).collect();
    for s in sheets {
        let shown = s.name.trim();
        if s.visible != SheetVisible::Visible {
            errors.push(sheet_error(
                shown,
                format!("工作表“{shown}”是隐藏的工作表：隐藏的内容不会导入，请取消隐藏并核对后重新导入，或删除该工作表"),
            ));
            continue;
        }
        if shown == HELP_SHEET {
            continue;
        }
        if !expected.contains(&shown) {
            let holds_data = book
                .worksheet_range(&s.name)
                .map(|r| r.used_cells().any(|(_, _, d)| !cells::is_blank(d)))
                .unwrap_or(true);
            if holds_data {
                errors.push(sheet_error(
                    shown,
                    format!(
                        "工作表“{shown}”不是可导入的工作表：工作表名称应为 {}（“{HELP_SHEET}”会被忽略），请改名或删除该工作表",
                        wanted.join("、")
                    ),
                ));
            }
            continue;
        }
        names.push(s.name.clone());
    }
    names
}

/// The merged cells of a sheet (.xlsx and .xls; other formats give none).
fn merged_cells(book: &mut Sheets<Cursor<&[u8]>>, name: &str) -> Vec<Dimensions> {
    match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A notice listing the hidden rows of a sheet that hold data.
fn hidden_notice(sheet: &str, range: &Range<Data>, hidden: Option<&Vec<usize>>) -> Option<String> {
    let rows: Vec<String> = hidden?
        .iter()
        .filter(|&&r| r >= 2)
        .filter(|&&r| {
            let (Some(start), Some(end)) = (range.start(), range.end()) else {
                return false;
            };
            let i = (r - 1) as u32;
            (start.1..=end.1).any(|c| range.get_value((i, c)).is_some_and(|d| !cells::is_blank(d)))
        })
        .map(|r| r.to_string())
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(format!(
        "“{sheet}”工作表的第 {} 行是隐藏行，已照常导入，请核对",
        rows.join("、")
    ))
}

/// The letters of a column (0 → A, 26 → AA).
pub fn column_letter(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Reads the statistics office's workbook: the rows of its 月度统计 sheet (or
/// of its only sheet, whatever its name), each with its Excel row number. One
/// row per enterprise and month; amounts are non-negative whole numbers, 用地
/// 面积 is in thousandths of a mu. Any problem gives `Err` with every problem
/// found, in row order; a (code, month) given twice is an error on the second
/// row. Another sheet holding data, or a hidden sheet, is refused.
pub fn read_stats(bytes: &[u8]) -> Result<StatsBook, Vec<CellError>> {
    let mut book = open(bytes).map_err(|e| vec![e])?;
    let all = book.sheet_names();
    let wanted = Sheet::Stats.name();
    let name = match all.iter().find(|n| n.trim() == wanted) {
        Some(n) => n.clone(),
        None if all.len() == 1 => all[0].clone(),
        None => {
            return Err(vec![whole_file(format!(
                "文件中没有名为“{wanted}”的工作表：请将统计数据填写在“{wanted}”工作表中（可下载统计导入模板）"
            ))]);
        }
    };
    let shown = name.trim().to_string();
    let mut errors = Vec::new();
    survey(&mut book, &[shown.as_str()], &mut errors);
    let range = book
        .worksheet_range(&name)
        .map_err(|e| vec![unreadable_sheet(&shown, e)])?;
    let merged = merged_cells(&mut book, &name);
    let rows = SheetReader {
        sheet: Sheet::Stats,
        name: &shown,
        range: &range,
        merged: &merged,
        errors: &mut errors,
        keep_bad_rows: false,
    }
    .read(rows::stat, rows::check_stat, |s| {
        let r = &s.stat.record;
        let key = if s.code_ok {
            format!("{}\u{0}{}", r.credit_code, r.period)
        } else {
            String::new()
        };
        (
            key,
            "period",
            format!("企业“{}”{}的统计", r.credit_code, r.period),
        )
    });
    if errors.is_empty() {
        let hidden = hidden::hidden_rows(bytes);
        Ok(StatsBook {
            rows: rows.into_iter().map(|(r, s)| (r, s.stat)).collect(),
            notices: hidden_notice(&shown, &range, hidden.get(&name))
                .into_iter()
                .collect(),
        })
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

/// A problem with a whole sheet.
fn sheet_error(sheet: &str, message: String) -> CellError {
    CellError {
        sheet: sheet.into(),
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
    /// The sheet's merged cells.
    merged: &'a [Dimensions],
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
        let mut refused = false;
        for m in self.merged.iter().filter(|m| m.start.0 == 0) {
            let at = format!(
                "{}{}:{}{}",
                column_letter(m.start.1),
                m.start.0 + 1,
                column_letter(m.end.1),
                m.end.0 + 1
            );
            self.push(
                1,
                "",
                format!("表头 {at} 是合并单元格：请取消合并，每列在第 1 行填写一个列名（见模板）"),
            );
            refused = true;
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
                // Data under a blank header would be dropped without a word.
                let first = (1..=end.0).find(|&r| {
                    self.range
                        .get_value((r, c))
                        .is_some_and(|d| !cells::is_blank(d))
                });
                let in_merge = self
                    .merged
                    .iter()
                    .any(|m| m.start.0 == 0 && m.start.1 <= c && c <= m.end.1);
                if let (Some(r), false) = (first, in_merge) {
                    let letter = column_letter(c);
                    self.push(
                        1,
                        "",
                        format!(
                            "第 {letter} 列没有列名（{letter}1 为空），但第 {} 行起有数据：请填写列名（见模板）或删除该列的数据",
                            r + 1
                        ),
                    );
                    refused = true;
                }
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
        let sheet = self.sheet;
        let missing: Vec<&'static str> = defs
            .iter()
            .filter(|d| columns::is_key(sheet, d.field))
            .filter(|d| !found.iter().any(|(_, f)| f.field == d.field))
            .map(|d| {
                self.push(1, d.header, format!("缺少必填列“{}”", d.header));
                d.field
            })
            .collect();
        if refused {
            return None;
        }
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
            let sheet = self.sheet;
            row.check_required(|f| columns::is_key(sheet, f));
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
