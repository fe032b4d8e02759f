//! Paper evaluation ballots (评议票): the downloadable template (sheet 评议票
//! and a 填写说明 sheet listing the evaluated units and the five levels), and
//! reading a filled workbook back, all or nothing, with every bad row and
//! column named. Respondents and units are kept as written (code or name): the
//! caller resolves them.
//!
//! Columns are found by their header in row 1 (any order; whitespace and a
//! trailing "*" ignored; other columns ignored). Rows blank in every ballot
//! column are skipped.

use crate::import::columns::normalize;
use crate::import::{CellError, HELP_SHEET};
use crate::xlsx::{self, Cell, Sheet, XlsxWriteError};
use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};
use domain::evaluation::{Group, Level};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Cursor;

/// The name of the ballots sheet.
pub const SHEET: &str = "评议票";

/// The longest comment (意见), in characters.
pub const MAX_COMMENT: usize = 500;

/// The columns in template order: header (without "*") and whether required.
const COLUMNS: [(&str, bool); 5] = [
    ("评议组别", true),
    ("评议人", true),
    ("被评议单位", true),
    ("评价等级", true),
    ("意见", false),
];
const GROUP: usize = 0;
const RESPONDENT: usize = 1;
const UNIT: usize = 2;
const LEVEL: usize = 3;
const COMMENT: usize = 4;

/// The 填写说明 sheet's texts: the four required columns, then the rules.
const HELP: [&str; 8] = [
    "必填。企业评议填“企业”，基层评议填“基层”（也可填“镇街”）。",
    "必填。企业评议填写企业的 18 位统一社会信用代码或企业名称；基层评议填写镇街的单位代码或名称。",
    "必填。填写下方所列被评议单位的代码或名称。",
    "必填。填写五个评价等级之一。",
    "每行填写一张评议票：一位评议人对一个被评议单位的评价；空行会被跳过。",
    "同一文件中，同一组别的同一评议人对同一被评议单位只能填写一行，重复即报错。",
    "请勿修改工作表名称“评议票”和第 1 行的列名；列的顺序可以调整，本说明工作表导入时忽略。",
    "导入前检查全部数据：只要有任何一行有错，整个文件都不会导入，并列出每个错误所在的行号和列。",
];

/// One ballot row as written (codes/names resolved by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotRow {
    /// Excel row number (header = 1).
    pub row: usize,
    pub group: Group,
    /// As written: an enterprise's credit code or name, a township's code or name.
    pub respondent: String,
    /// As written: the evaluated unit's code or name.
    pub unit: String,
    pub level: Level,
    /// May be empty.
    pub comment: String,
}

/// The template as .xlsx: sheet 评议票 (headers only) and 填写说明, which
/// explains each column and lists `units` (code, name) and the five levels.
pub fn template(units: &[(String, String)]) -> Result<Vec<u8>, XlsxWriteError> {
    let headers = COLUMNS
        .iter()
        .map(|(h, required)| format!("{h}{}", if *required { "*" } else { "" }))
        .collect();
    let labels: Vec<&str> = Level::ALL.iter().map(|l| l.label()).collect();
    let line = |a: &str, b: &str, c: &str| vec![Cell::from(a), Cell::from(b), Cell::from(c)];
    let comment = format!("选填，最多 {MAX_COMMENT} 字。");
    let levels = labels.join(" / ");
    let mut help: Vec<Vec<Cell>> = [
        ("评议组别*", "企业 / 基层", HELP[0]),
        ("评议人*", "", HELP[1]),
        ("被评议单位*", "", HELP[2]),
        ("评价等级*", levels.as_str(), HELP[3]),
        ("意见", "", comment.as_str()),
    ]
    .into_iter()
    .chain(HELP[4..].iter().map(|h| ("填写要求", "", *h)))
    .map(|(a, b, c)| line(a, b, c))
    .collect();
    help.extend(labels.iter().map(|l| line("评价等级", l, "")));
    help.extend(
        units
            .iter()
            .map(|(code, name)| line("被评议单位", code, name)),
    );
    xlsx::write(&[
        Sheet {
            name: SHEET.into(),
            headers,
            rows: Vec::new(),
        },
        Sheet {
            name: HELP_SHEET.into(),
            headers: vec!["项目".into(), "可填写的值".into(), "说明".into()],
            rows: help,
        },
    ])
}

/// Reads sheet 评议票 (or the only sheet besides 填写说明, whatever its name).
/// Any problem gives `Err` with every problem found, in row order.
pub fn read(bytes: &[u8]) -> Result<Vec<BallotRow>, Vec<CellError>> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| {
        vec![whole_file(
            "无法读取文件：请上传 Excel 文件（.xlsx、.xls）或 .ods 文件".into(),
        )]
    })?;
    let names = book.sheet_names();
    let others: Vec<&String> = names.iter().filter(|n| n.trim() != HELP_SHEET).collect();
    let name = match names.iter().find(|n| n.trim() == SHEET) {
        Some(n) => n.clone(),
        None if others.len() == 1 => others[0].clone(),
        None => {
            return Err(vec![whole_file(format!(
                "文件中没有名为“{SHEET}”的工作表：请下载评议票模板，将评议票填写在“{SHEET}”工作表中"
            ))]);
        }
    };
    let sheet = name.trim().to_string();
    let range = book
        .worksheet_range(&name)
        .map_err(|e| vec![error(&sheet, 0, "", format!("无法读取工作表：{e}"))])?;
    read_sheet(&sheet, &range)
}

/// The rows of one sheet, or every problem found.
fn read_sheet(sheet: &str, range: &Range<Data>) -> Result<Vec<BallotRow>, Vec<CellError>> {
    let no_data = || vec![error(sheet, 0, "", "没有评议票数据".into())];
    let (Some(start), Some(end)) = (range.start(), range.end()) else {
        return Err(no_data());
    };
    let mut errors = Vec::new();
    let mut at: [Option<u32>; 5] = [None; 5];
    for c in start.1..=end.1 {
        let raw = range.get_value((0, c)).and_then(|d| cell_text(d).ok());
        let key = normalize(&raw.unwrap_or_default());
        if let Some(i) = COLUMNS.iter().position(|(h, _)| *h == key) {
            if at[i].is_some() {
                errors.push(error(sheet, 1, key.as_str(), format!("列“{key}”重复")));
            } else {
                at[i] = Some(c);
            }
        }
    }
    for (i, (h, required)) in COLUMNS.iter().enumerate() {
        if *required && at[i].is_none() {
            errors.push(error(sheet, 1, h, format!("缺少必填列“{h}”，请使用模板")));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = Vec::new();
    let mut seen: HashMap<(Group, String, String), usize> = HashMap::new();
    for r in 1..=end.0 {
        let row = r as usize + 1;
        let cells: [Option<&Data>; 5] = at.map(|c| c.and_then(|c| range.get_value((r, c))));
        if cells.iter().all(|d| d.is_none_or(is_blank)) {
            continue;
        }
        let mut texts: [Option<String>; 5] = Default::default();
        let mut row_errors = Vec::new();
        for (i, d) in cells.iter().enumerate() {
            let (header, required) = COLUMNS[i];
            match check(i, d.unwrap_or(&Data::Empty), required) {
                Ok(t) => texts[i] = Some(t),
                Err(message) => row_errors.push(error(sheet, row, header, message)),
            }
        }
        let group = texts[GROUP].as_deref().map(parse_group);
        let level = texts[LEVEL].as_deref().map(parse_level);
        if let Some(Err(m)) = &group {
            row_errors.push(error(sheet, row, COLUMNS[GROUP].0, m.clone()));
        }
        if let Some(Err(m)) = &level {
            row_errors.push(error(sheet, row, COLUMNS[LEVEL].0, m.clone()));
        }
        let (group, level) = (group.and_then(Result::ok), level.and_then(Result::ok));
        if let (Some(g), Some(p), Some(u)) = (group, &texts[RESPONDENT], &texts[UNIT]) {
            match seen.entry((g, p.clone(), u.clone())) {
                Entry::Occupied(first) => row_errors.push(error(
                    sheet,
                    row,
                    "",
                    format!(
                        "与第 {} 行重复：同一评议人对同一被评议单位只能有一张评议票",
                        first.get()
                    ),
                )),
                Entry::Vacant(v) => {
                    v.insert(row);
                }
            }
        }
        row_errors.sort_by_key(|e| position(&at, &e.column));
        errors.extend(row_errors);
        if let (Some(group), Some(level), [_, Some(respondent), Some(unit), _, Some(comment)]) =
            (group, level, texts)
        {
            out.push(BallotRow {
                row,
                group,
                respondent,
                unit,
                level,
                comment,
            });
        }
    }
    if !errors.is_empty() {
        Err(errors)
    } else if out.is_empty() {
        Err(no_data())
    } else {
        Ok(out)
    }
}

/// Where a column stands in the sheet, so that a row's problems read left to
/// right; a whole-row problem comes last.
fn position(at: &[Option<u32>; 5], column: &str) -> u32 {
    COLUMNS
        .iter()
        .position(|(h, _)| *h == column)
        .and_then(|i| at[i])
        .unwrap_or(u32::MAX)
}

/// The trimmed text of cell `i`: no control characters (the comment may hold
/// tabs and line breaks), present if required, the comment not too long.
fn check(i: usize, d: &Data, required: bool) -> Result<String, String> {
    let t = cell_text(d)?;
    let multi_line = i == COMMENT;
    if t.chars()
        .any(|c| c.is_control() && !(multi_line && matches!(c, '\t' | '\r' | '\n')))
    {
        return Err("含有控制字符（不可见的特殊字符），请删除后重新填写".into());
    }
    if required && t.is_empty() {
        return Err("必须填写".into());
    }
    let n = t.chars().count();
    if i == COMMENT && n > MAX_COMMENT {
        return Err(format!("意见不能超过 {MAX_COMMENT} 字（现有 {n} 字）"));
    }
    Ok(t)
}

/// 企业/enterprise, 基层/镇街/grassroots (English in any case).
fn parse_group(s: &str) -> Result<Group, String> {
    match s.to_lowercase().as_str() {
        "企业" | "enterprise" => Ok(Group::Enterprise),
        "基层" | "镇街" | "grassroots" => Ok(Group::Grassroots),
        _ => Err(format!(
            "“{s}”不是有效的评议组别：应为“企业”或“基层”（也可填“镇街”）"
        )),
    }
}

/// A level's Chinese label, or its snake_case key in any case.
fn parse_level(s: &str) -> Result<Level, String> {
    Level::ALL
        .into_iter()
        .find(|l| l.label() == s)
        .or_else(|| Level::parse(&s.to_lowercase()))
        .ok_or_else(|| {
            let labels: Vec<&str> = Level::ALL.iter().map(|l| l.label()).collect();
            format!("“{s}”不是有效的评价等级：应为 {} 之一", labels.join("、"))
        })
}

/// Whether a cell holds nothing (empty, or only whitespace).
fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Trimmed text of a cell; whole numbers are written without ".0".
fn cell_text(d: &Data) -> Result<String, String> {
    match d {
        Data::Error(e) => Err(format!("单元格含错误值 {e}")),
        Data::Bool(b) => Ok(if *b { "是" } else { "否" }.into()),
        Data::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => {
            Ok(format!("{}", *f as i64))
        }
        d => Ok(d.to_string().trim().to_string()),
    }
}

fn error(sheet: &str, row: usize, column: &str, message: String) -> CellError {
    CellError {
        sheet: sheet.into(),
        row,
        column: column.into(),
        message,
    }
}

/// A problem with the whole file.
fn whole_file(message: String) -> CellError {
    error("", 0, "", message)
}

#[cfg(test)]
#[path = "ballots_tests.rs"]
mod tests;
