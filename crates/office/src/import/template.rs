//! The downloadable import templates: the project workbook's three sheets, or
//! the statistics workbook's 月度统计 sheet, with their headers (required ones
//! marked "*"), and a 填写说明 sheet explaining every column.

use super::Sheet;
use super::columns::{self, FLAGS, Kind};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, Workbook, Worksheet,
    XlsxError,
};

/// Rows a hint or a drop-down list applies to (all but the header).
const LAST_ROW: u32 = 1_048_575;

/// What every import follows, whatever the sheet.
const GENERAL: &[&str] = &[
    "1. 本模板含“项目”“月度进展”“地块”三张工作表，可只填写其中一部分（不用的表可删除）；本说明工作表导入时忽略。请勿添加其他名称的工作表（如“项目（6月）”），也不要隐藏工作表：这样的文件会被拒绝。",
    "2. 请勿修改工作表名称和第 1 行的列名；列的顺序可以调整，不用的列可以删除；不要合并表头单元格，也不要在没有列名的列中填写数据。列名带“*”的为必填列（新增记录时必填）。每行一条记录，空行会被跳过；隐藏的行照常导入，并在导入结果中列出。",
    "3. 金额以“元”为单位，填写整数（如 50000000 即 5000 万元，可带千分位逗号）；面积以“亩”为单位，最多 3 位小数（如 1455.739）。",
    "4. 日期可填写为 Excel 日期，或文字 2006-03-05、2006/3/5、2006年3月5日；月份填写 2006-03，也可填该月任一日期。",
    "5. 是否类的列填写“是”或“否”（也可填 Y/N、1/0），不填为“否”。",
    "6. 项目类型填写“工业项目”或“技改项目”；状态填写“正常推进”“暂缓”或“已取消”，不填为正常推进。",
    "7. “所在镇街”和“责任单位”填写单位的名称或代码，须与系统“组织单位”中显示的一致。",
    "8. 导入前会检查全部数据：只要有任何一行有错，整个文件都不会导入，并列出每个错误所在的工作表、行号和列；改正后重新导入即可。",
    "9. 项目、地块按编号识别，月度进展按项目编号加月份识别：已有的记录被更新，没有的新增。更新已有的项目、地块时，只改动填写了内容的单元格：删掉的列和空白单元格保留系统中原有的值；要清除某项已有内容，请在该单元格填写“清空”（必填项不能清空）。同一文件重复导入不会产生任何变化。",
];

/// What every statistics import follows.
const STATS_GENERAL: &[&str] = &[
    "1. 本模板用于导入企业月度统计数据，数据填写在“月度统计”工作表中，请勿修改工作表名称；本说明工作表导入时忽略，其他名称的工作表或隐藏的工作表会使文件被拒绝。",
    "2. 请勿修改第 1 行的列名；列的顺序可以调整，不用的非必填列可以删除。列名带“*”的为必填列。每家企业每个月填写一行，空行会被跳过。",
    "3. 统一社会信用代码填写 18 位代码（老企业可填 9 位组织机构代码），导入时检查校验位；企业名称仅供核对，导入时不使用。",
    "4. 月份填写为 YYYY-MM（如 2006-03），也可填该月的任一日期。同一文件中同一企业同一月份只能有一行。",
    "5. 产值、税收以“元”为单位，用电量以“千瓦时”为单位，综合能耗以“千克标准煤”为单位，从业人员以“人”为单位，均填写不为负数的整数（可带千分位逗号）；用地面积以“亩”为单位，最多 3 位小数（如 12.5）。新增的企业月份中非必填列不填为 0。",
    "6. 已导入过的企业月份再次导入且数据不同时，记为该月的新修订版本，以最新导入的为准；原有版本保留备查。再次导入时只改动填写了的数值：删掉的列和空白单元格保留该月最新版本中的数值，要将某项改为 0 可填写 0 或“清空”。",
    "7. 导入前会检查全部数据：只要有任何一行有错，整个文件都不会导入，并列出每个错误所在的工作表、行号和列；改正后重新导入即可。",
    "8. 同一文件重复导入不会产生任何变化。",
];

/// The template as .xlsx bytes.
pub fn template() -> Vec<u8> {
    build(&Sheet::ALL, "导入模板填写说明", GENERAL).expect("the import template is well formed")
}

/// The statistics template (sheet 月度统计) as .xlsx bytes.
pub fn stats_template() -> Vec<u8> {
    build(
        &[Sheet::Stats],
        "企业月度统计导入模板填写说明",
        STATS_GENERAL,
    )
    .expect("the statistics template is well formed")
}

fn build(sheets: &[Sheet], title: &str, general: &[&str]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    for &sheet in sheets {
        data_sheet(wb.add_worksheet(), sheet)?;
    }
    help_sheet(wb.add_worksheet(), sheets, title, general)?;
    wb.save_to_buffer()
}

/// Display width of a header: CJK characters count double.
fn width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

use columns::header_text;

fn data_sheet(ws: &mut Worksheet, sheet: Sheet) -> Result<(), XlsxError> {
    ws.set_name(sheet.name())?;
    let bold = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0xDDEBF7));
    let required = bold.clone().set_background_color(Color::RGB(0xFFE699));
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (i, c) in columns::columns(sheet).iter().enumerate() {
        let col = i as u16;
        let h = header_text(c);
        ws.write_string_with_format(0, col, &h, if c.required { &required } else { &bold })?;
        let base = match c.kind {
            Kind::Text(n) if n >= 200 => 30.0,
            Kind::Text(_) => 16.0,
            Kind::Date | Kind::Year | Kind::Mu | Kind::Count => 14.0,
            Kind::Money => 18.0,
            Kind::Month | Kind::Choice(_) => 12.0,
            Kind::Flag => 10.0,
        };
        ws.set_column_width(col, f64::max(base, width(&h) + 2.0))?;
        match c.kind {
            Kind::Text(_) | Kind::Month => {
                ws.set_column_format(col, &text)?;
            }
            Kind::Date => {
                ws.set_column_format(col, &date)?;
            }
            _ => {}
        }
        let hint = match c.kind {
            Kind::Text(_) => None,
            Kind::Choice(list) => Some(
                DataValidation::new()
                    .allow_list_strings(list)?
                    .set_error_style(DataValidationErrorStyle::Warning),
            ),
            Kind::Flag => Some(
                DataValidation::new()
                    .allow_list_strings(FLAGS)?
                    .set_error_style(DataValidationErrorStyle::Warning),
            ),
            _ => Some(DataValidation::new().allow_any_value()),
        };
        if let Some(v) = hint {
            let v = v.set_input_title(c.header)?.set_input_message(c.help)?;
            ws.add_data_validation(1, col, LAST_ROW, col, &v)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn help_sheet(
    ws: &mut Worksheet,
    sheets: &[Sheet],
    title_text: &str,
    general: &[&str],
) -> Result<(), XlsxError> {
    ws.set_name("填写说明")?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7));
    let wrap = Format::new().set_text_wrap();
    ws.write_string_with_format(0, 0, title_text, &title)?;
    for (i, line) in general.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, *line)?;
    }
    let mut r = general.len() as u32 + 2;
    for (c, h) in ["工作表", "列名", "必填", "填写说明"].iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &bold)?;
    }
    for &sheet in sheets {
        for c in columns::columns(sheet) {
            r += 1;
            ws.write_string(r, 0, sheet.name())?;
            ws.write_string(r, 1, header_text(c))?;
            ws.write_string(r, 2, if c.required { "是" } else { "" })?;
            ws.write_string_with_format(r, 3, c.help, &wrap)?;
        }
    }
    for (c, w) in [12.0, 24.0, 8.0, 90.0].into_iter().enumerate() {
        ws.set_column_width(c as u16, w)?;
    }
    Ok(())
}
