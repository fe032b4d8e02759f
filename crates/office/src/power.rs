//! The power company's workbook of power accounts (用电户) for the
//! orderly-power plan (有序用电): the downloadable template (sheet 用电户 and a
//! 填写说明 sheet), and reading a filled workbook back, all or nothing, with
//! every bad row and column named. Each row is checked by
//! `domain::power::Account::check`; credit codes are only checked for length
//! here: the caller finds the enterprises.
//!
//! Columns are found by their header in row 1 (any order; whitespace and a
//! trailing "*" ignored; the power company's other names for a column
//! accepted; other columns ignored). Rows blank in every known column are
//! skipped. A problem names the column by its header as written in the file
//! (without the "*"), or by the template's header when the column is absent.
//!
//! Also the executed plan read back (`read_actuals`): the 错峰安排 sheet as
//! the plan page downloads it, with 实际负荷（千瓦） filled in by the office.

use crate::import::columns::normalize;
use crate::import::{CellError, HELP_SHEET};
use crate::xlsx::XlsxWriteError;
use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};
use domain::power::{Account, parse_time};
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Cursor;

/// The name of the accounts sheet.
pub const SHEET: &str = "用电户";

/// The largest load or capacity accepted, in kW.
const MAX_KW: i64 = 10_000_000;

/// The length of a unified social credit code.
const CODE_LEN: usize = 18;

/// One column: the template's header (without "*"), the other headers
/// accepted, whether it is required, the `Account` field it fills, its width
/// in the template and what the 填写说明 says of it.
struct Column {
    header: &'static str,
    also: &'static [&'static str],
    required: bool,
    field: &'static str,
    width: f64,
    help: &'static str,
}

const FLAG_FORMS: &str = "填“是”或“否”（也可填 Y/N、1/0、true/false），留空视为“否”";

/// The columns in template order.
const COLUMNS: [Column; 8] = [
    Column {
        header: "用户编号",
        also: &["户号"],
        required: true,
        field: "account_no",
        width: 20.0,
        help: "必填。供电公司的用户编号，1 到 40 位字母、数字或“-”；导入时按用户编号识别用电户。本列为文本格式，请勿改为数字格式（否则开头的 0 或末几位可能丢失）。",
    },
    Column {
        header: "统一社会信用代码",
        also: &[],
        required: true,
        field: "credit_code",
        width: 22.0,
        help: "必填。用电户所属企业的 18 位统一社会信用代码，企业须已在系统企业库中。本列为文本格式，请勿改为数字格式。",
    },
    Column {
        header: "线路",
        also: &["供电线路", "馈线"],
        required: false,
        field: "feeder",
        width: 24.0,
        help: "选填。供电线路（馈线）名称，最多 100 个字。",
    },
    Column {
        header: "合同容量（千瓦）",
        also: &["合同容量", "合同容量（kW）"],
        required: true,
        field: "contract_kw",
        width: 18.0,
        help: "必填。合同容量，以千瓦为单位的整数。",
    },
    Column {
        header: "典型负荷（千瓦）",
        also: &["最大负荷（千瓦）", "典型负荷"],
        required: true,
        field: "peak_kw",
        width: 18.0,
        help: "必填。典型（最大）用电负荷，以千瓦为单位的整数，不能大于合同容量。",
    },
    Column {
        header: "保安负荷（千瓦）",
        also: &["保安负荷"],
        required: false,
        field: "security_kw",
        width: 18.0,
        help: "选填，留空按 0 计。保安负荷（任何时候都不安排错峰的负荷），以千瓦为单位的整数，不能大于典型负荷。",
    },
    Column {
        header: "重要用户",
        also: &["保护", "不参与错峰"],
        required: false,
        field: "protected",
        width: 12.0,
        help: "选填。重要用户整户不参与错峰。",
    },
    Column {
        header: "限制类",
        also: &["高耗能", "限制淘汰类"],
        required: false,
        field: "restricted",
        width: 12.0,
        help: "选填。高耗能、限制类或淘汰类用户，错峰时最先安排。",
    },
];
const ACCOUNT_NO: usize = 0;
const CREDIT_CODE: usize = 1;
const FEEDER: usize = 2;
const CONTRACT: usize = 3;
const PEAK: usize = 4;
const SECURITY: usize = 5;
const PROTECTED: usize = 6;
const RESTRICTED: usize = 7;

/// The 填写说明 sheet's rules, after one line per column.
const RULES: [&str; 6] = [
    "每行填写一个用电户；同一文件中同一用户编号只能填写一行，重复即报错。空行会被跳过。",
    "导入时逐行检查负荷：保安负荷 ≤ 典型负荷 ≤ 合同容量，不满足即报错。",
    "千瓦数均填写整数，不要带小数，不能为负数，不能超过 10,000,000 千瓦；数字中可以带千位分隔符（如 1,250）。",
    "导入按用户编号更新：用户编号已存在的用电户以本行为准整行覆盖（留空的保安负荷按 0、留空的重要用户和限制类按“否”写入），不存在的新增；文件中没有的用电户保持不变。",
    "请勿修改工作表名称“用电户”；第 1 行的列名也可以使用上面所列的其他写法，列的顺序可以调整，其他列导入时忽略，本说明工作表导入时忽略。",
    "导入前检查全部数据：只要有任何一行有错，整个文件都不会导入，并列出每个错误所在的行号和列。",
];

/// One account as read, with its Excel row number (header = 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub row: usize,
    pub account: Account,
}

/// The template as .xlsx: sheet 用电户 (the headers, required ones marked
/// "*"; the account number, credit code and feeder columns formatted as
/// text, the loads as whole numbers) and a 填写说明 sheet explaining each
/// column, that security ≤ peak ≤ contract is checked, and that the import is
/// all or nothing and updates or adds accounts by 用户编号.
pub fn template() -> Result<Vec<u8>, XlsxWriteError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let whole = Format::new().set_num_format("#,##0");

    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    for (i, col) in COLUMNS.iter().enumerate() {
        let c = i as u16;
        ws.write_string_with_format(0, c, starred(col), &bold)?;
        ws.set_column_width(c, col.width)?;
        match i {
            ACCOUNT_NO | CREDIT_CODE | FEEDER => {
                ws.set_column_format(c, &text)?;
            }
            CONTRACT | PEAK | SECURITY => {
                ws.set_column_format(c, &whole)?;
            }
            _ => {}
        }
    }
    ws.set_freeze_panes(1, 0)?;

    let ws = wb.add_worksheet();
    ws.set_name(HELP_SHEET)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (c, (h, w)) in [("列名", 20.0), ("可填写的值", 22.0), ("说明", 90.0)]
        .into_iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
        ws.set_column_width(c as u16, w)?;
    }
    let mut lines: Vec<(String, String, String)> = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, col)| {
            let values = match i {
                CONTRACT | PEAK | SECURITY => format!("0 至 {MAX_KW} 的整数"),
                PROTECTED | RESTRICTED => "是 / 否".into(),
                _ => String::new(),
            };
            let mut help = col.help.to_string();
            if matches!(i, PROTECTED | RESTRICTED) {
                help = format!("{help}{FLAG_FORMS}。");
            }
            if !col.also.is_empty() {
                let names: Vec<String> = col.also.iter().map(|a| format!("“{a}”")).collect();
                help = format!("{help}列名也可写作{}。", names.join("、"));
            }
            (starred(col), values, help)
        })
        .collect();
    lines.extend(
        RULES
            .iter()
            .enumerate()
            .map(|(i, r)| ("填写要求".into(), String::new(), format!("{}. {r}", i + 1))),
    );
    for (r, (a, b, c)) in lines.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string_with_format(r, 0, a, &wrap)?;
        ws.write_string_with_format(r, 1, b, &wrap)?;
        ws.write_string_with_format(r, 2, c, &wrap)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(wb.save_to_buffer()?)
}

/// A column's template header: "*" after a required one.
fn starred(col: &Column) -> String {
    format!("{}{}", col.header, if col.required { "*" } else { "" })
}

/// Reads sheet 用电户 (or the only sheet besides 填写说明, whatever its name).
/// Any problem gives `Err` with every problem found, in row order.
pub fn read(bytes: &[u8]) -> Result<Vec<AccountRow>, Vec<CellError>> {
    let (sheet, range) = open_sheet(
        bytes,
        SHEET,
        &format!(
            "文件中没有名为“{SHEET}”的工作表：请下载用电户模板，将用电户填写在“{SHEET}”工作表中"
        ),
    )?;
    read_sheet(&sheet, &range)
}

/// The sheet named `wanted` (or the only sheet besides 填写说明, whatever its
/// name) as its trimmed name and its cells; `missing` when there is neither.
fn open_sheet(
    bytes: &[u8],
    wanted: &str,
    missing: &str,
) -> Result<(String, Range<Data>), Vec<CellError>> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| {
        vec![whole_file(
            "无法读取文件：请上传 Excel 文件（.xlsx、.xls）或 .ods 文件".into(),
        )]
    })?;
    let names = book.sheet_names();
    let others: Vec<&String> = names.iter().filter(|n| n.trim() != HELP_SHEET).collect();
    let name = match names.iter().find(|n| n.trim() == wanted) {
        Some(n) => n.clone(),
        None if others.len() == 1 => others[0].clone(),
        None => return Err(vec![whole_file(missing.into())]),
    };
    let sheet = name.trim().to_string();
    let range = book
        .worksheet_range(&name)
        .map_err(|e| vec![error(&sheet, 0, "", format!("无法读取工作表：{e}"))])?;
    Ok((sheet, range))
}

/// A header made comparable: `normalize`d, ASCII letters in lower case.
fn key(header: &str) -> String {
    normalize(header).to_lowercase()
}

/// A column to find by its header: the header (without "*"), the other
/// headers accepted, whether it is required.
type Head = (&'static str, &'static [&'static str], bool);

/// The column a header names, if any.
fn column_of(heads: &[Head], header: &str) -> Option<usize> {
    let k = key(header);
    if k.is_empty() {
        return None;
    }
    heads
        .iter()
        .position(|(h, also, _)| key(h) == k || also.iter().any(|a| key(a) == k))
}

/// Where the columns were found, in the order they were asked for.
struct Found {
    /// Each column's index in the sheet, `None` if absent.
    at: Vec<Option<u32>>,
    /// Each column's header as written (trimmed, without the "*"), or the
    /// header asked for when absent: problems name the column by it.
    names: Vec<String>,
}

/// Finds the columns `heads` in row 1. A repeated column or a missing
/// required one is an error on row 1; `hint` ends the message of a missing
/// one.
fn find_columns(
    sheet: &str,
    range: &Range<Data>,
    heads: &[Head],
    hint: &str,
) -> Result<Found, Vec<CellError>> {
    let mut errors = Vec::new();
    let mut at: Vec<Option<u32>> = vec![None; heads.len()];
    let mut names: Vec<String> = heads.iter().map(|(h, _, _)| h.to_string()).collect();
    if let (Some(start), Some(end)) = (range.start(), range.end()) {
        for c in start.1..=end.1 {
            let raw = range
                .get_value((0, c))
                .and_then(|d| cell_text(d).ok())
                .unwrap_or_default();
            let written = raw.trim_end_matches(['*', '＊']).trim().to_string();
            let Some(i) = column_of(heads, &raw) else {
                continue;
            };
            if at[i].is_some() {
                let message = if key(&written) == key(&names[i]) {
                    format!("列“{written}”重复")
                } else {
                    format!("列“{written}”与列“{}”重复：只能保留一列", names[i])
                };
                errors.push(error(sheet, 1, &written, message));
            } else {
                at[i] = Some(c);
                names[i] = written;
            }
        }
    }
    for (i, (h, also, required)) in heads.iter().enumerate() {
        if *required && at[i].is_none() {
            let message = if also.is_empty() {
                format!("缺少必填列“{h}”，{hint}")
            } else {
                let also: Vec<String> = also.iter().map(|a| format!("“{a}”")).collect();
                format!("缺少必填列“{h}”（也可写作{}），{hint}", also.join("、"))
            };
            errors.push(error(sheet, 1, h, message));
        }
    }
    if errors.is_empty() {
        Ok(Found { at, names })
    } else {
        Err(errors)
    }
}

/// The rows of one sheet, or every problem found.
fn read_sheet(sheet: &str, range: &Range<Data>) -> Result<Vec<AccountRow>, Vec<CellError>> {
    let no_data = || vec![error(sheet, 0, "", "没有用电户数据".into())];
    let Some(end) = range.end() else {
        return Err(no_data());
    };
    let heads = COLUMNS.map(|col| (col.header, col.also, col.required));
    let Found { at, names } = find_columns(sheet, range, &heads, "请使用模板")?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in 1..=end.0 {
        let row = r as usize + 1;
        let cells: [&Data; 8] = std::array::from_fn(|i| {
            at[i]
                .and_then(|c| range.get_value((r, c)))
                .unwrap_or(&Data::Empty)
        });
        if cells.iter().all(|d| is_blank(d)) {
            continue;
        }
        let (account, mut row_errors) = parse_row(&cells);
        if !row_errors.iter().any(|(i, _)| *i == Some(ACCOUNT_NO)) {
            match seen.entry(account.account_no.clone()) {
                Entry::Occupied(first) => row_errors.push((
                    Some(ACCOUNT_NO),
                    format!("与第 {} 行重复：同一用户编号只能填写一行", first.get()),
                )),
                Entry::Vacant(v) => {
                    v.insert(row);
                }
            }
        }
        // Left to right as the columns stand in the sheet; whole-row last.
        row_errors.sort_by_key(|(i, _)| i.and_then(|i| at[i]).unwrap_or(u32::MAX));
        if row_errors.is_empty() {
            out.push(AccountRow { row, account });
        }
        errors.extend(row_errors.into_iter().map(|(i, m)| {
            let column = i.map_or("", |i| names[i].as_str());
            error(sheet, row, column, m)
        }));
    }
    if !errors.is_empty() {
        Err(errors)
    } else if out.is_empty() {
        Err(no_data())
    } else {
        Ok(out)
    }
}

/// One row's account and its problems, each with its column (`None` for the
/// whole row). A cell that cannot be read is reported once: the account is
/// checked with a stand-in value for it that raises nothing of its own, and
/// whatever the check still says of that column is dropped.
fn parse_row(cells: &[&Data; 8]) -> (Account, Vec<(Option<usize>, String)>) {
    let mut errors: Vec<(Option<usize>, String)> = Vec::new();
    let mut failed = [false; 8];
    let mut take = Taker {
        failed: &mut failed,
        errors: &mut errors,
    };
    let account_no = take.cell(ACCOUNT_NO, code(cells[ACCOUNT_NO], "用户编号"));
    let credit_code = take.cell(CREDIT_CODE, credit_code(cells[CREDIT_CODE]));
    let feeder = take.cell(FEEDER, text(cells[FEEDER]));
    let contract = take.cell(CONTRACT, kw(cells[CONTRACT], true));
    let peak = take.cell(PEAK, kw(cells[PEAK], true));
    let security = take.cell(SECURITY, kw(cells[SECURITY], false));
    let protected = take.cell(PROTECTED, flag(cells[PROTECTED]));
    let restricted = take.cell(RESTRICTED, flag(cells[RESTRICTED]));
    // Stand-ins: no security, a peak equal to the security, the largest
    // contract; so security ≤ peak ≤ contract holds for a stand-in.
    let security_kw = security.flatten().unwrap_or(0);
    let account = Account {
        account_no: account_no.unwrap_or_default(),
        credit_code: credit_code.unwrap_or_default(),
        feeder: feeder.unwrap_or_default(),
        contract_kw: contract.flatten().unwrap_or(MAX_KW),
        peak_kw: peak.flatten().unwrap_or(security_kw),
        security_kw,
        protected: protected.unwrap_or(false),
        restricted: restricted.unwrap_or(false),
    };
    for e in account.check() {
        let i = COLUMNS.iter().position(|col| col.field == e.field);
        if !i.is_some_and(|i| failed[i]) {
            errors.push((i, e.message));
        }
    }
    (account, errors)
}

/// Collects a row's unreadable cells and their problems.
struct Taker<'a> {
    failed: &'a mut [bool; 8],
    errors: &'a mut Vec<(Option<usize>, String)>,
}

impl Taker<'_> {
    /// The value of cell `i`, or `None` with its problem noted.
    fn cell<T>(&mut self, i: usize, r: Result<T, String>) -> Option<T> {
        r.map_err(|m| {
            self.failed[i] = true;
            self.errors.push((Some(i), m));
        })
        .ok()
    }
}

/// The name of the plan's sheet, as the plan is downloaded.
pub const ACTUALS_SHEET: &str = "错峰安排";

/// The columns of the filled plan read back (other columns ignored).
const ACTUAL_HEADS: [Head; 3] = [
    ("时段", &[], true),
    ("用户编号", &["户号"], true),
    ("实际负荷（千瓦）", &["实际负荷", "实际负荷（kW）"], true),
];
const A_SLOT: usize = 0;
const A_ACCOUNT: usize = 1;
const A_KW: usize = 2;

/// The characters accepted between a slot's start and end: en dash (as the
/// plan is downloaded), hyphen, tilde (ASCII and full-width), em dash.
const SLOT_DASHES: [char; 5] = ['–', '-', '~', '～', '—'];

/// One actual load as read, with its Excel row number (header = 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActualRow {
    pub row: usize,
    pub account_no: String,
    /// minutes since midnight of the slot's start
    pub start: i64,
    /// minutes since midnight of the slot's end (24:00 is 1440)
    pub end: i64,
    pub actual_kw: i64,
}

/// Reads the filled plan: the rows whose 实际负荷（千瓦） is filled (rows with
/// an empty 实际负荷 are skipped, not errors).
///
/// Sheet 错峰安排 (or the only sheet besides 填写说明, whatever its name);
/// columns 时段 ("09:00–11:30"; hyphen, tilde or em dash also accepted),
/// 用户编号 and 实际负荷（千瓦） (a whole number from 0 to 10,000,000) found by
/// their header in any order, other columns ignored. The same account in the
/// same slot twice is an error on the later row. Any problem gives `Err` with
/// every problem found, in row order; no filled row gives 没有填写实际负荷.
pub fn read_actuals(bytes: &[u8]) -> Result<Vec<ActualRow>, Vec<CellError>> {
    let (sheet, range) = open_sheet(
        bytes,
        ACTUALS_SHEET,
        &format!(
            "文件中没有名为“{ACTUALS_SHEET}”的工作表：请在方案页面下载错峰安排，将实际负荷填写在“{ACTUALS_SHEET}”工作表中"
        ),
    )?;
    read_actuals_sheet(&sheet, &range)
}

/// The filled rows of the plan's sheet, or every problem found.
fn read_actuals_sheet(sheet: &str, range: &Range<Data>) -> Result<Vec<ActualRow>, Vec<CellError>> {
    let nothing = || vec![error(sheet, 0, "", "没有填写实际负荷".into())];
    let Some(end) = range.end() else {
        return Err(nothing());
    };
    let Found { at, names } = find_columns(
        sheet,
        range,
        &ACTUAL_HEADS,
        "请使用从方案页面下载的错峰安排",
    )?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashMap<(String, i64, i64), usize> = HashMap::new();
    for r in 1..=end.0 {
        let row = r as usize + 1;
        let cells: [&Data; 3] = std::array::from_fn(|i| {
            at[i]
                .and_then(|c| range.get_value((r, c)))
                .unwrap_or(&Data::Empty)
        });
        if is_blank(cells[A_KW]) {
            continue;
        }
        let mut row_errors: Vec<(usize, String)> = Vec::new();
        let slot = noted(&mut row_errors, A_SLOT, slot_cell(cells[A_SLOT]));
        let account_no = noted(&mut row_errors, A_ACCOUNT, account_cell(cells[A_ACCOUNT]));
        let actual_kw = noted(&mut row_errors, A_KW, kw(cells[A_KW], true)).flatten();
        if let (Some((start, end)), Some(no)) = (slot, &account_no) {
            match seen.entry((no.clone(), start, end)) {
                Entry::Occupied(first) => row_errors.push((
                    A_ACCOUNT,
                    format!(
                        "与第 {} 行重复：同一用户编号在同一时段只能填写一行",
                        first.get()
                    ),
                )),
                Entry::Vacant(v) => {
                    v.insert(row);
                }
            }
        }
        // Left to right as the columns stand in the sheet.
        row_errors.sort_by_key(|(i, _)| at[*i]);
        match (slot, account_no, actual_kw) {
            (Some((start, end)), Some(account_no), Some(actual_kw)) if row_errors.is_empty() => {
                out.push(ActualRow {
                    row,
                    account_no,
                    start,
                    end,
                    actual_kw,
                });
            }
            _ => errors.extend(
                row_errors
                    .into_iter()
                    .map(|(i, m)| error(sheet, row, &names[i], m)),
            ),
        }
    }
    if !errors.is_empty() {
        Err(errors)
    } else if out.is_empty() {
        Err(nothing())
    } else {
        Ok(out)
    }
}

/// The value of column `i`'s cell, or `None` with its problem noted.
fn noted<T>(errors: &mut Vec<(usize, String)>, i: usize, r: Result<T, String>) -> Option<T> {
    r.map_err(|m| errors.push((i, m))).ok()
}

/// A slot "09:00–11:30" as minutes since midnight of its start and end.
fn slot_cell(d: &Data) -> Result<(i64, i64), String> {
    let t = text(d)?;
    if t.is_empty() {
        return Err("必须填写".into());
    }
    let bad = || format!("“{t}”不是时段：请按“09:00–11:30”的格式填写开始和结束时间");
    let (a, b) = t.split_once(SLOT_DASHES).ok_or_else(bad)?;
    let (Some(start), Some(end)) = (parse_time(a), parse_time(b)) else {
        return Err(bad());
    };
    if end <= start {
        return Err(format!("“{t}”的结束时间应晚于开始时间"));
    }
    Ok((start, end))
}

/// An account number: present, not a number too long to keep its digits,
/// 1 to 40 letters, digits or "-".
fn account_cell(d: &Data) -> Result<String, String> {
    let no = code(d, "用户编号")?;
    let stand_in = Account {
        account_no: no.clone(),
        credit_code: String::new(),
        feeder: String::new(),
        contract_kw: 0,
        peak_kw: 0,
        security_kw: 0,
        protected: false,
        restricted: false,
    };
    match stand_in
        .check()
        .into_iter()
        .find(|e| e.field == "account_no")
    {
        Some(e) => Err(e.message),
        None => Ok(no),
    }
}

const CONTROL: &str = "含有控制字符（不可见的特殊字符），请删除后重新填写";

/// Optional text: trimmed, no control characters.
fn text(d: &Data) -> Result<String, String> {
    let t = cell_text(d)?;
    if t.chars().any(char::is_control) {
        return Err(CONTROL.into());
    }
    Ok(t)
}

/// A required code: present, and not a number too long to keep its digits.
fn code(d: &Data, what: &str) -> Result<String, String> {
    if let Data::Float(f) = d
        && f.abs() >= 1e15
    {
        // Excel keeps 15 significant digits: the last ones are already lost.
        return Err(format!(
            "{what}被存成了数字，末几位可能已丢失：请将该列设为文本格式后重新填写"
        ));
    }
    let t = text(d)?;
    if t.is_empty() {
        return Err("必须填写".into());
    }
    Ok(t)
}

/// The trimmed credit code: present, 18 characters.
fn credit_code(d: &Data) -> Result<String, String> {
    let t = code(d, "统一社会信用代码")?;
    let n = t.chars().count();
    if n != CODE_LEN {
        return Err(format!("统一社会信用代码应为 {CODE_LEN} 位（现为 {n} 位）"));
    }
    Ok(t)
}

/// A whole number of kW from 0 to `MAX_KW`; `None` when blank and not
/// required. Text may hold thousands separators and end in 千瓦 or kW.
fn kw(d: &Data, required: bool) -> Result<Option<i64>, String> {
    let not_whole = |shown: &str| format!("“{shown}”不是整数：请填写以千瓦为单位的整数");
    let not_a_number = |shown: &str| format!("“{shown}”不是数字：请填写以千瓦为单位的整数");
    let too_large = || format!("超出上限：不能超过 {MAX_KW} 千瓦");
    if is_blank(d) {
        return if required {
            Err("必须填写".into())
        } else {
            Ok(None)
        };
    }
    let v = match d {
        Data::Error(e) => return Err(format!("单元格含错误值 {e}")),
        Data::Int(i) => *i,
        Data::Float(x) if !x.is_finite() => return Err(not_a_number(&x.to_string())),
        Data::Float(x) if x.fract() != 0.0 => return Err(not_whole(&number_text(*x))),
        Data::Float(x) if *x < 0.0 => return Err("不能为负数".into()),
        Data::Float(x) if *x > MAX_KW as f64 => return Err(too_large()),
        Data::Float(x) => *x as i64,
        Data::String(s) => {
            let shown = s.trim();
            if shown.chars().any(char::is_control) {
                return Err(CONTROL.into());
            }
            let Some((negative, int, frac)) = decimal(shown) else {
                return Err(not_a_number(shown));
            };
            if !frac.is_empty() {
                return Err(not_whole(shown));
            }
            if negative && int != "0" {
                return Err("不能为负数".into());
            }
            // More digits than MAX_KW has is too large (and could overflow).
            if int.len() > 8 {
                return Err(too_large());
            }
            int.parse::<i64>().unwrap_or(0)
        }
        d => return Err(not_a_number(&cell_text(d).unwrap_or_default())),
    };
    if v < 0 {
        return Err("不能为负数".into());
    }
    if v > MAX_KW {
        return Err(too_large());
    }
    Ok(Some(v))
}

/// Reads "1,250", "-3", "12.50", "800 千瓦" or "800kW" (thousands separators,
/// spaces and the unit ignored) as its sign, its integer digits without
/// leading zeros and its fraction digits without trailing zeros; `None` if
/// not a number.
fn decimal(s: &str) -> Option<(bool, String, String)> {
    let t: String = s
        .chars()
        .filter(|c| !matches!(c, ',' | '，') && !c.is_whitespace())
        .collect();
    let lower = t.to_lowercase();
    let t = ["千瓦", "kw"]
        .iter()
        .find_map(|u| lower.strip_suffix(u))
        .unwrap_or(&lower);
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) {
        return None;
    }
    let int = int.trim_start_matches('0');
    Some((
        negative,
        if int.is_empty() { "0" } else { int }.to_string(),
        frac.trim_end_matches('0').to_string(),
    ))
}

/// 是/否, Y/N, yes/no, 1/0, true/false (any case), a TRUE/FALSE cell; blank is 否.
fn flag(d: &Data) -> Result<bool, String> {
    let t = text(d)?;
    match t.to_lowercase().as_str() {
        "是" | "y" | "yes" | "1" | "true" => Ok(true),
        "否" | "n" | "no" | "0" | "false" | "" => Ok(false),
        _ => Err(format!("“{t}”无法识别：{FLAG_FORMS}")),
    }
}

/// A number as people write it: whole numbers without ".0".
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
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
        Data::Float(f) => Ok(number_text(*f)),
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
#[path = "power_tests.rs"]
mod tests;
