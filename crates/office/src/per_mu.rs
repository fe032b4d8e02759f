//! The annual data of the per-mu efficiency evaluation (亩均效益综合评价
//! 年度数据): the downloadable template (sheet 亩均数据, prefilled with the known
//! values, and a 填写说明 sheet), and reading a filled workbook back, all or
//! nothing, with every bad row and column named. Credit codes are only
//! checked for length: the caller checks them and finds the enterprises.
//!
//! Columns are found by their header in row 1 (any order; whitespace and a
//! trailing "*" ignored; other columns ignored). Rows blank in every known
//! column are skipped. Each figure is a patch: an empty cell or a column left
//! out keeps the stored value, 清空 clears it, a number sets it.

use crate::import::columns::normalize;
use crate::import::{CellError, HELP_SHEET};
use crate::xlsx::XlsxWriteError;
use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};
use domain::format::{MAX_MILLIMU, MAX_YUAN};
use domain::patch::CLEAR;
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Cursor;

/// The name of the data sheet.
pub const SHEET: &str = "亩均数据";

/// The figures of a row, in this order.
pub const FIELDS: [&str; 9] = [
    "land_millimu",
    "tax_yuan",
    "value_added_yuan",
    "energy_kgce",
    "emission_kg",
    "employees",
    "rd_expense_yuan",
    "revenue_yuan",
    "electricity_kwh",
];

/// The largest figure accepted (land: `MAX_MILLIMU`): more is a typo.
const MAX_FIGURE: i64 = MAX_YUAN;

/// The earliest and latest year accepted.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The length of a unified social credit code.
const CODE_LEN: usize = 18;

/// How a figure is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// 亩 with up to 3 decimals, kept in thousandths of a mu.
    Mu,
    /// Whole yuan.
    Yuan,
    /// A whole number of another unit.
    Count,
}

/// A figure's column: field, header, unit name, how written, whether it may
/// be negative, and what the 填写说明 says of it.
struct Figure {
    field: &'static str,
    header: &'static str,
    unit_name: &'static str,
    unit: Unit,
    negative: bool,
    help: &'static str,
}

const FIGURES: [Figure; 9] = [
    Figure {
        field: "land_millimu",
        header: "用地面积（亩）",
        unit_name: "亩",
        unit: Unit::Mu,
        negative: false,
        help: "企业用地面积，以亩为单位，最多 3 位小数（精确到 0.001 亩），不能为负数。",
    },
    Figure {
        field: "tax_yuan",
        header: "实缴税金（元）",
        unit_name: "元",
        unit: Unit::Yuan,
        negative: true,
        help: "年度实缴税金，以元为单位的整数；退税多于缴税时可以填写负数。",
    },
    Figure {
        field: "value_added_yuan",
        header: "工业增加值（元）",
        unit_name: "元",
        unit: Unit::Yuan,
        negative: true,
        help: "年度工业增加值，以元为单位的整数；可以为负数。",
    },
    Figure {
        field: "energy_kgce",
        header: "综合能耗（千克标准煤）",
        unit_name: "千克标准煤",
        unit: Unit::Count,
        negative: false,
        help: "年度综合能耗，以千克标准煤为单位的整数（1 吨标准煤 = 1000 千克标准煤），不能为负数。",
    },
    Figure {
        field: "emission_kg",
        header: "主要污染物排放当量（千克）",
        unit_name: "千克",
        unit: Unit::Count,
        negative: false,
        help: "年度主要污染物排放当量，以千克为单位的整数，不能为负数。",
    },
    Figure {
        field: "employees",
        header: "年平均职工人数（人）",
        unit_name: "人",
        unit: Unit::Count,
        negative: false,
        help: "年平均职工人数，整数，不能为负数。",
    },
    Figure {
        field: "rd_expense_yuan",
        header: "研发经费支出（元）",
        unit_name: "元",
        unit: Unit::Yuan,
        negative: false,
        help: "年度研发经费支出，以元为单位的整数，不能为负数。",
    },
    Figure {
        field: "revenue_yuan",
        header: "主营业务收入（元）",
        unit_name: "元",
        unit: Unit::Yuan,
        negative: false,
        help: "年度主营业务收入，以元为单位的整数，不能为负数。",
    },
    Figure {
        field: "electricity_kwh",
        header: "用电量（千瓦时）",
        unit_name: "千瓦时",
        unit: Unit::Count,
        negative: false,
        help: "年度用电量，以千瓦时（度）为单位的整数，不能为负数。",
    },
];

/// The columns in template order: the three about the enterprise, then the
/// figures (`FIRST_FIGURE..`), each with its header (without "*") and whether
/// it is required.
const COLUMNS: [(&str, bool); 12] = [
    ("统一社会信用代码", true),
    ("年度", true),
    ("企业名称", false),
    (FIGURES[0].header, false),
    (FIGURES[1].header, false),
    (FIGURES[2].header, false),
    (FIGURES[3].header, false),
    (FIGURES[4].header, false),
    (FIGURES[5].header, false),
    (FIGURES[6].header, false),
    (FIGURES[7].header, false),
    (FIGURES[8].header, false),
];
const CODE: usize = 0;
const YEAR: usize = 1;
const NAME: usize = 2;
const FIRST_FIGURE: usize = 3;

/// The 填写说明 sheet's rules, after one line per column.
const RULES: [&str; 7] = [
    "每行填写一家企业一个年度的数据；同一文件中同一企业同一年度只能填写一行，重复即报错。空行会被跳过。",
    "数值单元格留空（或删掉该列）：保留系统中已有的数值；填写“清空”：清除系统中已有的数值；填写数字：以所填数字为准。",
    "除用地面积外，各项数值均填写整数，不要带小数；金额以元为单位（不是万元）。数字中可以带千位分隔符（如 1,234,567）。",
    "只有实缴税金和工业增加值可以为负数（如退税多于缴税），其余各项不能为负数。",
    "单项数值不能超过 10,000,000,000,000（10 万亿），用地面积不能超过 1,000,000 亩。",
    "请勿修改工作表名称“亩均数据”和第 1 行的列名；列的顺序可以调整，不需要的数值列可以删除，本说明工作表导入时忽略。",
    "导入前检查全部数据：只要有任何一行有错，整个文件都不会导入，并列出每个错误所在的行号和列。",
];

/// What a row does to a stored figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// Empty cell or column left out: the stored value stays.
    Keep,
    /// 清空: the stored value is removed.
    Clear,
    /// A number: land in thousandths of a mu, the others in their unit.
    Set(i64),
}

/// One row as written (the credit code is checked and resolved by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRow {
    /// Excel row number (header = 1).
    pub row: usize,
    /// Trimmed, 18 characters; the check digit is not checked here.
    pub credit_code: String,
    /// As written (trimmed), for messages; may be empty.
    pub name: String,
    pub year: i32,
    /// In `FIELDS` order.
    pub values: [Value; 9],
}

/// A prefilled row of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRow {
    pub credit_code: String,
    pub name: String,
    /// In `FIELDS` order; land in thousandths of a mu; `None` is left empty.
    pub values: [Option<i64>; 9],
}

/// The Chinese header of a field (for callers naming a cell), e.g.
/// `header("tax_yuan") == "实缴税金（元）"`; "" for an unknown field.
pub fn header(field: &str) -> &'static str {
    FIGURES
        .iter()
        .find(|f| f.field == field)
        .map_or("", |f| f.header)
}

/// The width of a text in Excel's character units (a CJK character is two).
fn width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

/// The template as .xlsx: sheet 亩均数据 with one row per enterprise of `rows`
/// for `year` (known values filled in, land in 亩 with 3 decimals; the credit
/// code column formatted as text so codes of digits keep every digit), and a
/// 填写说明 sheet explaining every column and the rules.
pub fn template(year: i32, rows: &[TemplateRow]) -> Result<Vec<u8>, XlsxWriteError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let whole = Format::new().set_num_format("0");
    let mu = Format::new().set_num_format("0.000");
    let amount = Format::new().set_num_format("#,##0");

    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    for (c, (h, required)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        let h = format!("{h}{}", if *required { "*" } else { "" });
        ws.write_string_with_format(0, c, &h, &bold)?;
        let (w, format) = match c as usize {
            CODE => (22.0, &text),
            YEAR => (8.0, &whole),
            NAME => (32.0, &text),
            i => (
                width(&h).max(14.0) + 2.0,
                match FIGURES[i - FIRST_FIGURE].unit {
                    Unit::Mu => &mu,
                    Unit::Yuan | Unit::Count => &amount,
                },
            ),
        };
        ws.set_column_width(c, w)?;
        ws.set_column_format(c, format)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, CODE as u16, &row.credit_code)?;
        ws.write_number(r, YEAR as u16, f64::from(year))?;
        if !row.name.is_empty() {
            ws.write_string(r, NAME as u16, &row.name)?;
        }
        for (i, (f, v)) in FIGURES.iter().zip(row.values).enumerate() {
            let Some(v) = v else { continue };
            // x / 1000 is the double nearest the decimal, so it reads back exactly.
            let n = match f.unit {
                Unit::Mu => v as f64 / 1000.0,
                Unit::Yuan | Unit::Count => v as f64,
            };
            ws.write_number(r, (FIRST_FIGURE + i) as u16, n)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;

    let ws = wb.add_worksheet();
    ws.set_name(HELP_SHEET)?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (c, (h, w)) in [("列名", 28.0), ("单位", 14.0), ("说明", 90.0)]
        .into_iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
        ws.set_column_width(c as u16, w)?;
    }
    let code_help = format!(
        "必填。企业的 {CODE_LEN} 位统一社会信用代码，企业按此代码识别。本列为文本格式，请勿改为数字格式（否则末几位会丢失）。"
    );
    let year_help = format!(
        "必填。数据所属年度，四位数字（{} 至 {}），如 {year}。",
        YEARS.start(),
        YEARS.end()
    );
    let mut lines: Vec<(String, &str, String)> = vec![
        ("统一社会信用代码*".into(), "", code_help),
        ("年度*".into(), "年", year_help),
        (
            "企业名称".into(),
            "",
            "选填，仅供核对；导入时按统一社会信用代码识别企业。".into(),
        ),
    ];
    lines.extend(
        FIGURES
            .iter()
            .map(|f| (f.header.to_string(), f.unit_name, f.help.to_string())),
    );
    lines.extend(
        RULES
            .iter()
            .enumerate()
            .map(|(i, r)| ("填写要求".to_string(), "", format!("{}. {r}", i + 1))),
    );
    for (r, (a, b, c)) in lines.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string_with_format(r, 0, a, &wrap)?;
        ws.write_string_with_format(r, 1, *b, &wrap)?;
        ws.write_string_with_format(r, 2, c, &wrap)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(wb.save_to_buffer()?)
}

/// Reads sheet 亩均数据 (or the only sheet besides 填写说明, whatever its
/// name). Any problem gives `Err` with every problem found, in row order.
pub fn read(bytes: &[u8]) -> Result<Vec<DataRow>, Vec<CellError>> {
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
                "文件中没有名为“{SHEET}”的工作表：请下载亩均数据模板，将数据填写在“{SHEET}”工作表中"
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
fn read_sheet(sheet: &str, range: &Range<Data>) -> Result<Vec<DataRow>, Vec<CellError>> {
    let no_data = || vec![error(sheet, 0, "", "没有数据".into())];
    let (Some(start), Some(end)) = (range.start(), range.end()) else {
        return Err(no_data());
    };
    let mut errors = Vec::new();
    let mut at: [Option<u32>; 12] = [None; 12];
    for c in start.1..=end.1 {
        let raw = range.get_value((0, c)).and_then(|d| cell_text(d).ok());
        let key = normalize(&raw.unwrap_or_default());
        if let Some(i) = COLUMNS.iter().position(|(h, _)| *h == key) {
            if at[i].is_some() {
                errors.push(error(sheet, 1, &key, format!("列“{key}”重复")));
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
    let mut seen: HashMap<(String, i32), usize> = HashMap::new();
    for r in 1..=end.0 {
        let row = r as usize + 1;
        let cells: [&Data; 12] = at.map(|c| {
            c.and_then(|c| range.get_value((r, c)))
                .unwrap_or(&Data::Empty)
        });
        if cells.iter().all(|d| is_blank(d)) {
            continue;
        }
        let mut row_errors: Vec<(usize, String)> = Vec::new();
        let code = credit_code(cells[CODE]).map_err(|m| row_errors.push((CODE, m)));
        let year = year(cells[YEAR]).map_err(|m| row_errors.push((YEAR, m)));
        // Informational: kept as written, whatever it holds.
        let name = cell_text(cells[NAME]).unwrap_or_default();
        let mut values = [Value::Keep; 9];
        for (i, f) in FIGURES.iter().enumerate() {
            match figure(f, cells[FIRST_FIGURE + i]) {
                Ok(v) => values[i] = v,
                Err(m) => row_errors.push((FIRST_FIGURE + i, m)),
            }
        }
        row_errors.sort_by_key(|(i, _)| at[*i]);
        errors.extend(
            row_errors
                .iter()
                .map(|(i, m)| error(sheet, row, COLUMNS[*i].0, m.clone())),
        );
        let (Ok(code), Ok(year)) = (code, year) else {
            continue;
        };
        match seen.entry((code.to_uppercase(), year)) {
            Entry::Occupied(first) => {
                errors.push(error(
                    sheet,
                    row,
                    COLUMNS[CODE].0,
                    format!("与第 {} 行重复：同一企业同一年度只能填写一行", first.get()),
                ));
                continue;
            }
            Entry::Vacant(v) => {
                v.insert(row);
            }
        }
        if row_errors.is_empty() {
            out.push(DataRow {
                row,
                credit_code: code,
                name,
                year,
                values,
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

const CONTROL: &str = "含有控制字符（不可见的特殊字符），请删除后重新填写";

/// The trimmed credit code: present, 18 characters, no control characters.
fn credit_code(d: &Data) -> Result<String, String> {
    if let Data::Float(f) = d
        && f.abs() >= 1e15
    {
        // Excel keeps 15 significant digits: the last ones are already lost.
        return Err(
            "统一社会信用代码被存成了数字，末几位可能已丢失：请将该列设为文本格式后重新填写".into(),
        );
    }
    let t = cell_text(d)?;
    if t.chars().any(char::is_control) {
        return Err(CONTROL.into());
    }
    if t.is_empty() {
        return Err("必须填写".into());
    }
    let n = t.chars().count();
    if n != CODE_LEN {
        return Err(format!("统一社会信用代码应为 {CODE_LEN} 位（现为 {n} 位）"));
    }
    Ok(t)
}

/// A year from 2000 to 2100 (text may end in 年).
fn year(d: &Data) -> Result<i32, String> {
    let t = cell_text(d)?;
    if t.chars().any(char::is_control) {
        return Err(CONTROL.into());
    }
    if t.is_empty() {
        return Err("必须填写".into());
    }
    t.trim_end_matches('年')
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| YEARS.contains(y))
        .ok_or_else(|| {
            format!(
                "“{t}”不是有效的年度：应为 {} 至 {} 之间的四位年份，如 2024",
                YEARS.start(),
                YEARS.end()
            )
        })
}

/// One figure cell: empty keeps, 清空 clears, a number sets.
fn figure(f: &Figure, d: &Data) -> Result<Value, String> {
    if let Data::Error(e) = d {
        return Err(format!("单元格含错误值 {e}"));
    }
    if let Data::String(s) = d {
        if s.chars().any(char::is_control) {
            return Err(CONTROL.into());
        }
        if s.trim() == CLEAR {
            return Ok(Value::Clear);
        }
    }
    if is_blank(d) {
        return Ok(Value::Keep);
    }
    let v = match f.unit {
        Unit::Mu => millimu(f, d)?,
        Unit::Yuan | Unit::Count => integer(f, d)?,
    };
    if v < 0 && !f.negative {
        return Err("不能为负数".into());
    }
    Ok(Value::Set(v))
}

/// Why a figure is refused as too large.
fn too_large(f: &Figure) -> String {
    match f.unit {
        Unit::Mu => "超出上限：用地面积不能超过 1,000,000 亩".into(),
        Unit::Yuan => "超出上限：金额不能超过 10,000,000,000,000 元（10 万亿元）".into(),
        Unit::Count => "超出上限：数值不能超过 10,000,000,000,000（10 万亿）".into(),
    }
}

fn not_a_number(f: &Figure, shown: &str) -> String {
    format!(
        "“{shown}”不是数字：请填写以{}为单位的数值，或填写“清空”清除已有数值",
        f.unit_name
    )
}

/// A whole number of the figure's unit, within ±`MAX_FIGURE`.
fn integer(f: &Figure, d: &Data) -> Result<i64, String> {
    let not_whole = |shown: &str| match f.unit {
        Unit::Yuan => format!("“{shown}”不是整数：金额以元为单位，请填写整数"),
        _ => format!("“{shown}”不是整数：{}应填写整数", f.header),
    };
    let v = match d {
        Data::Int(i) => *i,
        Data::Float(x) if !x.is_finite() => return Err(not_a_number(f, &x.to_string())),
        Data::Float(x) if x.fract() != 0.0 => return Err(not_whole(&number_text(*x))),
        Data::Float(x) if x.abs() > MAX_FIGURE as f64 => return Err(too_large(f)),
        Data::Float(x) => *x as i64,
        Data::String(s) => {
            let shown = s.trim();
            let Some(n) = decimal(shown, f) else {
                return Err(not_a_number(f, shown));
            };
            if !n.frac.is_empty() {
                return Err(not_whole(shown));
            }
            // More digits than 10^13 has is too large (and could overflow).
            if n.int.len() > 14 {
                return Err(too_large(f));
            }
            let v = n.int.parse::<i64>().unwrap_or(0);
            if n.negative { -v } else { v }
        }
        d => return Err(not_a_number(f, &cell_text(d).unwrap_or_default())),
    };
    if v.unsigned_abs() > MAX_FIGURE as u64 {
        return Err(too_large(f));
    }
    Ok(v)
}

/// 亩 with up to 3 decimals as thousandths of a mu, within ±`MAX_MILLIMU`. A
/// number cell is read from the shortest text that gives back the same f64,
/// never by multiplying.
fn millimu(f: &Figure, d: &Data) -> Result<i64, String> {
    let s = match d {
        Data::Int(i) => i.to_string(),
        Data::Float(x) if x.is_finite() => format!("{x}"),
        Data::String(s) => s.trim().to_string(),
        d => return Err(not_a_number(f, &cell_text(d).unwrap_or_default())),
    };
    let Some(n) = decimal(&s, f) else {
        return Err(not_a_number(f, &s));
    };
    if n.frac.len() > 3 {
        return Err(format!("“{s}”最多只能有 3 位小数（精确到 0.001 亩）"));
    }
    // A million mu has 7 digits: more is too large (and could overflow).
    if n.int.len() > 7 {
        return Err(too_large(f));
    }
    let int: i64 = n.int.parse().unwrap_or(0);
    let frac: i64 = format!("{:0<3}", n.frac).parse().unwrap_or(0);
    let v = int * 1000 + frac;
    if v > MAX_MILLIMU {
        return Err(too_large(f));
    }
    Ok(if n.negative { -v } else { v })
}

/// A decimal as written: its sign, its integer digits without leading zeros
/// and its fraction digits without trailing zeros.
struct Decimal {
    negative: bool,
    int: String,
    frac: String,
}

/// Reads "1,234", "-12.50", "12.5 亩" or "100元" (thousands separators,
/// spaces and the figure's unit ignored); `None` if not a number.
fn decimal(s: &str, f: &Figure) -> Option<Decimal> {
    let t: String = s
        .chars()
        .filter(|c| !matches!(c, ',' | '，') && !c.is_whitespace())
        .collect();
    let t = t.strip_suffix(f.unit_name).unwrap_or(&t);
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
    Some(Decimal {
        negative,
        int: if int.is_empty() { "0" } else { int }.to_string(),
        frac: frac.trim_end_matches('0').to_string(),
    })
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
#[path = "per_mu_tests.rs"]
mod tests;
