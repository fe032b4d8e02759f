//! The reader's refusals and notices (sheet names, blank and merged headers,
//! hidden sheets and rows) and what a partial row sends.

use super::*;
use rust_xlsxwriter::{Format, Workbook as Book, Worksheet};

/// A workbook of text cells; `edit` may change each sheet after it is filled.
fn book(sheets: &[(&str, &[&[&str]])], edit: impl Fn(&str, &mut Worksheet)) -> Vec<u8> {
    let mut wb = Book::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
        }
        edit(name, ws);
    }
    wb.save_to_buffer().unwrap()
}

const HEAD: &[&str] = &[
    "项目编号*",
    "项目名称*",
    "计划总投资（元）",
    "备注",
    "开工日期",
];

#[test]
fn a_row_sends_only_its_filled_cells() {
    let bytes = book(
        &[(
            "项目",
            &[
                &[
                    "项目编号",
                    "计划总投资（元）",
                    "备注",
                    "开工日期",
                    "项目名称",
                ],
                &["LW-1", "41000000", "清空", "", ""],
            ],
        )],
        |_, _| {},
    );
    let wb = read(&bytes).unwrap();
    let (row, p) = &wb.projects[0];
    assert_eq!(*row, 2);
    assert_eq!(p.record.planned_investment_yuan, 41_000_000);
    assert!(p.sent.has("code") && p.sent.has("planned_investment_yuan") && p.sent.has("notes"));
    // Empty cells and columns left out are not sent: the stored value stays.
    for kept in ["started_on", "name", "township_code", "kind", "approved_on"] {
        assert!(!p.sent.has(kept), "{kept}");
    }
    assert_eq!(p.cleared.iter().collect::<Vec<_>>(), ["notes"]);
}

#[test]
fn a_key_cell_must_be_filled_and_a_required_cell_not_cleared() {
    let bytes = book(
        &[("项目", &[HEAD, &["", "甲", "1"], &["LW-2", "清空"]])],
        |_, _| {},
    );
    let errs = read(&bytes).unwrap_err();
    let got: Vec<(usize, &str, &str)> = errs
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (2, "项目编号", "项目编号不能为空"),
            (3, "项目名称", "项目名称是必填项，不能清空")
        ]
    );
    // Without the key column nothing can be matched.
    let errs = read(&book(&[("项目", &[&["项目名称"], &["甲"]])], |_, _| {})).unwrap_err();
    assert_eq!(errs[0].message, "缺少必填列“项目编号”");
}

#[test]
fn amounts_and_areas_have_limits() {
    let bytes = book(
        &[(
            "项目",
            &[
                &["项目编号", "计划总投资（元）", "用地面积（亩）"],
                &["LW-1", "10000000000001", "1000000.001"],
                &["LW-2", "10000000000000", "1000000"],
            ],
        )],
        |_, _| {},
    );
    let errs = read(&bytes).unwrap_err();
    let got: Vec<(usize, &str)> = errs.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(got, [(2, "计划总投资（元）"), (2, "用地面积（亩）")]);
    assert!(
        errs[0].message.starts_with("计划总投资（元）超出上限"),
        "{}",
        errs[0].message
    );
    assert!(
        errs[1].message.starts_with("用地面积（亩）超出上限"),
        "{}",
        errs[1].message
    );
}

#[test]
fn data_under_a_blank_header_is_refused() {
    let bytes = book(
        &[(
            "项目",
            &[
                &["项目编号", "", "备注"],
                &["LW-1", "", "a"],
                &["LW-2", "漏掉的", "b"],
            ],
        )],
        |_, _| {},
    );
    let errs = read(&bytes).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].sheet.as_str(), errs[0].row), ("项目", 1));
    assert!(
        errs[0].message.contains("第 B 列没有列名"),
        "{}",
        errs[0].message
    );
    assert!(errs[0].message.contains("第 3 行"), "{}", errs[0].message);
    // A blank header over an empty column is harmless.
    let ok = book(
        &[("项目", &[&["项目编号", "", "备注"], &["LW-1", "", "a"]])],
        |_, _| {},
    );
    assert_eq!(read(&ok).unwrap().projects.len(), 1);
}

#[test]
fn a_merged_header_is_refused() {
    let bytes = book(
        &[(
            "项目",
            &[&["项目编号", "", "", "备注"], &["LW-1", "1", "2", "a"]],
        )],
        |_, ws| {
            ws.merge_range(0, 1, 0, 2, "计划总投资（元）", &Format::new())
                .unwrap();
        },
    );
    let errs = read(&bytes).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].sheet.as_str(), errs[0].row), ("项目", 1));
    assert!(
        errs[0].message.contains("B1:C1 是合并单元格"),
        "{}",
        errs[0].message
    );
}

#[test]
fn hidden_sheets_are_refused_and_hidden_rows_reported() {
    let rows: &[&[&str]] = &[
        &["项目编号", "备注"],
        &["LW-1", "a"],
        &["LW-2", "b"],
        &["LW-3", "c"],
    ];
    let bytes = book(
        &[("项目", rows), ("地块", &[&["地块编号"], &["DK-1"]])],
        |name, ws| {
            if name == "地块" {
                ws.set_hidden(true);
            }
        },
    );
    let errs = read(&bytes).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].sheet, "地块");
    assert!(
        errs[0].message.contains("隐藏的工作表"),
        "{}",
        errs[0].message
    );

    let bytes = book(&[("项目", rows)], |_, ws| {
        ws.set_row_hidden(1).unwrap();
        ws.set_row_hidden(3).unwrap();
    });
    let wb = read(&bytes).unwrap();
    assert_eq!(wb.projects.len(), 3);
    assert_eq!(
        wb.notices,
        ["“项目”工作表的第 2、4 行是隐藏行，已照常导入，请核对"]
    );
    let stats = book(
        &[(
            "月度统计",
            &[
                &["统一社会信用代码", "月份", "税收（元）"],
                &["D2143569X", "2006-03", "5"],
            ],
        )],
        |_, ws| {
            ws.set_row_hidden(1).unwrap();
        },
    );
    let s = read_stats(&stats).unwrap();
    assert_eq!(s.rows.len(), 1);
    assert!(s.rows[0].1.sent.has("tax_yuan") && !s.rows[0].1.sent.has("output_value_yuan"));
    assert_eq!(
        s.notices,
        ["“月度统计”工作表的第 2 行是隐藏行，已照常导入，请核对"]
    );
}

#[test]
fn an_empty_sheet_of_another_name_is_ignored() {
    let bytes = book(
        &[("项目", &[&["项目编号"], &["LW-1"]]), ("Sheet2", &[])],
        |_, _| {},
    );
    assert_eq!(read(&bytes).unwrap().projects.len(), 1);
}

#[test]
fn column_letters() {
    let v: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
        .into_iter()
        .map(column_letter)
        .collect();
    assert_eq!(v, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
}
