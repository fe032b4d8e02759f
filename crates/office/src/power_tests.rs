//! The power accounts template and reader: round trip, the power company's
//! other headers, the yes/no forms, every refusal with its row and column,
//! whole-file problems.

use super::*;
use rust_xlsxwriter::{Workbook, Worksheet};
use std::io::Read;

const HEAD: &[&str] = &[
    "用户编号*",
    "统一社会信用代码*",
    "线路",
    "合同容量（千瓦）*",
    "典型负荷（千瓦）*",
    "保安负荷（千瓦）",
    "重要用户",
    "限制类",
];

const A: &str = "91330100MA2B000001";
const B: &str = "91330100MA2B000002";

/// A workbook of text cells (empty strings left blank).
fn book(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut wb = Workbook::new();
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
    }
    wb.save_to_buffer().unwrap()
}

/// One 用电户 sheet with the template's headers and `rows`.
fn accounts(rows: &[&[&str]]) -> Vec<u8> {
    let all: Vec<&[&str]> = std::iter::once(HEAD).chain(rows.iter().copied()).collect();
    book(&[(SHEET, &all)])
}

/// A 用电户 sheet with the headers `head` and what `put` writes (typed
/// cells: numbers, booleans).
fn typed(head: &[&str], put: impl Fn(&mut Worksheet)) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET).unwrap();
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    put(ws);
    wb.save_to_buffer().unwrap()
}

/// The problems as (row, column, message).
fn errors(bytes: &[u8]) -> Vec<(usize, String, String)> {
    read(bytes)
        .unwrap_err()
        .into_iter()
        .map(|e| (e.row, e.column, e.message))
        .collect()
}

/// The problems as (row, column).
fn places(bytes: &[u8]) -> Vec<(usize, String)> {
    errors(bytes).into_iter().map(|(r, c, _)| (r, c)).collect()
}

fn at(row: usize, column: &str) -> (usize, String) {
    (row, column.to_string())
}

fn err(row: usize, column: &str, message: &str) -> (usize, String, String) {
    (row, column.to_string(), message.to_string())
}

/// The accounts read, without their rows.
fn read_accounts(bytes: &[u8]) -> Vec<Account> {
    read(bytes)
        .unwrap()
        .into_iter()
        .map(|r| r.account)
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn account(
    no: &str,
    code: &str,
    feeder: &str,
    contract: i64,
    peak: i64,
    security: i64,
    protected: bool,
    restricted: bool,
) -> Account {
    Account {
        account_no: no.into(),
        credit_code: code.into(),
        feeder: feeder.into(),
        contract_kw: contract,
        peak_kw: peak,
        security_kw: security,
        protected,
        restricted,
    }
}

/// A file of the template as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn template_round_trip() {
    let bytes = template().unwrap();
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(wb.sheet_names(), [SHEET, HELP_SHEET]);
    let range = wb.worksheet_range(SHEET).unwrap();
    let head: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(head, HEAD);
    assert_eq!(range.height(), 1, "headers only");
    let help = wb.worksheet_range(HELP_SHEET).unwrap();
    let help: Vec<Vec<String>> = help
        .rows()
        .map(|r| r.iter().map(|d| d.to_string()).collect())
        .collect();
    // One line per column, then the rules.
    for h in HEAD {
        assert!(help.iter().any(|l| l[0] == *h), "{h} explained");
    }
    let all = help.concat().join("\n");
    for needle in [
        "保安负荷 ≤ 典型负荷 ≤ 合同容量",
        "按用户编号更新",
        "整个文件都不会导入",
        "“户号”",
        "“合同容量（kW）”",
        "Y/N、1/0、true/false",
        "留空按 0 计",
    ] {
        assert!(all.contains(needle), "{needle} in 填写说明");
    }
    // The account number and credit code columns are text ("@"), and every
    // column has a width.
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    let styles = part(&bytes, "xl/styles.xml");
    let text_id = styles
        .split("<numFmt ")
        .find(|f| f.contains(r#"formatCode="@""#))
        .and_then(|f| f.split('"').nth(1))
        .unwrap()
        .to_string();
    let cell_xfs = styles.split("<cellXfs").nth(1).unwrap();
    let text_xf = cell_xfs
        .split("<xf ")
        .skip(1)
        .position(|x| x.starts_with(&format!(r#"numFmtId="{text_id}""#)))
        .unwrap();
    let text_col = format!(r#"style="{text_xf}""#);
    let cols: Vec<&str> = sheet.split("<col ").skip(1).collect();
    assert!(
        cols[0].starts_with(r#"min="1" max="1" width="20"#),
        "{sheet}"
    );
    assert!(cols[0].contains(&text_col), "{sheet}");
    assert!(
        cols[1].starts_with(r#"min="2" max="2" width="22"#),
        "{sheet}"
    );
    assert!(cols[1].contains(&text_col), "{sheet}");
    let last = cols.last().unwrap();
    assert!(last.contains(r#"max="8""#) && last.contains("customWidth"));
    // The empty template reads as no data.
    assert_eq!(
        errors(&bytes),
        [(0, String::new(), "没有用电户数据".to_string())]
    );

    // Two rows filled in the template's own sheets (typed as Excel stores
    // them): the 填写说明 sheet is ignored.
    let mut out = Workbook::new();
    let ws = out.add_worksheet();
    ws.set_name(SHEET).unwrap();
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    ws.write_number(1, 0, 3301234567.0).unwrap();
    ws.write_string(1, 1, A).unwrap();
    ws.write_string(1, 2, "城东 10kV 线").unwrap();
    ws.write_number(1, 3, 1250.0).unwrap();
    ws.write_number(1, 4, 800.0).unwrap();
    ws.write_number(1, 5, 120.0).unwrap();
    ws.write_string(1, 6, "是").unwrap();
    ws.write_string(1, 7, "否").unwrap();
    ws.write_string(2, 0, "0330-0007").unwrap();
    ws.write_string(2, 1, format!("  {B}  ")).unwrap();
    ws.write_string(2, 3, "2,000").unwrap();
    ws.write_string(2, 4, "1500").unwrap();
    ws.write_boolean(2, 7, true).unwrap();
    let ws = out.add_worksheet();
    ws.set_name(HELP_SHEET).unwrap();
    for (r, line) in help.iter().enumerate() {
        for (c, v) in line.iter().enumerate() {
            ws.write_string(r as u32, c as u16, v).unwrap();
        }
    }
    let rows = read(&out.save_to_buffer().unwrap()).unwrap();
    assert_eq!(
        rows,
        [
            AccountRow {
                row: 2,
                account: account("3301234567", A, "城东 10kV 线", 1250, 800, 120, true, false),
            },
            AccountRow {
                row: 3,
                account: account("0330-0007", B, "", 2000, 1500, 0, false, true),
            },
        ]
    );
}

#[test]
fn alternative_headers_in_any_order() {
    let bytes = book(&[(
        "Sheet1",
        &[
            &[
                "备注",
                "户号",
                "最大负荷(千瓦)",
                "统一社会信用代码",
                "合同容量(kW)",
                "供电线路",
                "保安负荷",
                "保护",
                "高耗能",
            ],
            &["x", "1001", "80", A, "100", "甲线", "10", "Y", "N"],
        ],
    )]);
    assert_eq!(
        read_accounts(&bytes),
        [account("1001", A, "甲线", 100, 80, 10, true, false)]
    );
    let bytes = book(&[(
        SHEET,
        &[
            &[
                " 户号 *",
                "统一社会信用代码＊",
                "馈线",
                "合同容量 (KW)",
                "典型负荷",
                "不参与错峰",
                "限制淘汰类",
            ],
            &["1002", A, "乙线", "100", "90", "否", "是"],
        ],
    )]);
    assert_eq!(
        read_accounts(&bytes),
        [account("1002", A, "乙线", 100, 90, 0, false, true)]
    );
    let bytes = book(&[(
        SHEET,
        &[&["户号", "统一社会信用代码", "合同容量", "典型负荷"]],
    )]);
    assert_eq!(errors(&bytes), [err(0, "", "没有用电户数据")]);
    // Problems name the column as written in the file.
    let bytes = book(&[(
        SHEET,
        &[
            &[
                "户号*",
                "统一社会信用代码",
                "合同容量(kW)",
                "最大负荷（千瓦）",
            ],
            &["", A, "100", "200"],
        ],
    )]);
    assert_eq!(
        errors(&bytes),
        [
            err(2, "户号", "必须填写"),
            err(2, "最大负荷（千瓦）", "典型负荷不能大于合同容量"),
        ]
    );
}

#[test]
fn yes_no_forms() {
    let forms = [
        ("是", true),
        ("否", false),
        ("Y", true),
        ("n", false),
        ("yes", true),
        ("No", false),
        ("1", true),
        ("0", false),
        ("TRUE", true),
        ("false", false),
        ("", false),
        (" 是 ", true),
    ];
    let rows: Vec<Vec<String>> = forms
        .iter()
        .enumerate()
        .map(|(i, (p, _))| {
            let r = forms[forms.len() - 1 - i].0;
            let no = format!("{}", 100 + i);
            vec![
                no,
                A.into(),
                "".into(),
                "10".into(),
                "5".into(),
                "".into(),
                p.to_string(),
                r.into(),
            ]
        })
        .collect();
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    let read = read_accounts(&accounts(&rows));
    assert_eq!(read.len(), forms.len());
    for (i, a) in read.iter().enumerate() {
        assert_eq!(a.protected, forms[i].1, "{}", forms[i].0);
        assert_eq!(a.restricted, forms[forms.len() - 1 - i].1);
    }
    // Booleans and numbers as Excel stores them.
    let bytes = typed(HEAD, |ws| {
        ws.write_string(1, 0, "200").unwrap();
        ws.write_string(1, 1, A).unwrap();
        ws.write_number(1, 3, 10.0).unwrap();
        ws.write_number(1, 4, 5.0).unwrap();
        ws.write_boolean(1, 6, true).unwrap();
        ws.write_number(1, 7, 1.0).unwrap();
        ws.write_string(2, 0, "201").unwrap();
        ws.write_string(2, 1, A).unwrap();
        ws.write_number(2, 3, 10.0).unwrap();
        ws.write_number(2, 4, 5.0).unwrap();
        ws.write_boolean(2, 6, false).unwrap();
        ws.write_number(2, 7, 0.0).unwrap();
    });
    let read = read_accounts(&bytes);
    assert_eq!(
        read.iter()
            .map(|a| (a.protected, a.restricted))
            .collect::<Vec<_>>(),
        [(true, true), (false, false)]
    );
    let bytes = accounts(&[&["300", A, "", "10", "5", "", "重要", "2"]]);
    let forms = "填“是”或“否”（也可填 Y/N、1/0、true/false），留空视为“否”";
    assert_eq!(
        errors(&bytes),
        [
            err(2, "重要用户", &format!("“重要”无法识别：{forms}")),
            err(2, "限制类", &format!("“2”无法识别：{forms}")),
        ]
    );
}

#[test]
fn empty_security_is_zero_and_optional_columns_may_be_left_out() {
    let bytes = accounts(&[
        &["1", A, "", "100", "80", "  "],
        &["2", A, "", "100", "80", "0"],
    ]);
    let read = read_accounts(&bytes);
    assert_eq!(read[0], account("1", A, "", 100, 80, 0, false, false));
    assert_eq!(read[1], account("2", A, "", 100, 80, 0, false, false));
    let bytes = book(&[(
        SHEET,
        &[
            &[
                "用户编号",
                "统一社会信用代码",
                "合同容量（千瓦）",
                "典型负荷（千瓦）",
            ],
            &["3", A, "100", "100"],
        ],
    )]);
    assert_eq!(
        read_accounts(&bytes),
        [account("3", A, "", 100, 100, 0, false, false)]
    );
}

#[test]
fn loads_checked_at_their_columns() {
    let bytes = accounts(&[
        &["1", A, "", "100", "120"],
        &["2", A, "", "100", "80", "90"],
        &["3", A, "", "100", "100", "100"],
        &["4", A, "", "0", "0", "0"],
        &["5", A, "", "100", "120", "130"],
    ]);
    assert_eq!(
        errors(&bytes),
        [
            err(2, "典型负荷（千瓦）", "典型负荷不能大于合同容量"),
            err(3, "保安负荷（千瓦）", "保安负荷不能大于典型负荷"),
            err(6, "典型负荷（千瓦）", "典型负荷不能大于合同容量"),
            err(6, "保安负荷（千瓦）", "保安负荷不能大于典型负荷"),
        ]
    );
    // An unreadable load is reported once, with no comparison against it.
    let bytes = accounts(&[
        &["1", A, "", "x", "120", "10"],
        &["2", A, "", "100", "x", "90"],
        &["3", A, "", "100", "80", "x"],
        &["4", A, "", "", "", ""],
    ]);
    assert_eq!(
        places(&bytes),
        [
            at(2, "合同容量（千瓦）"),
            at(3, "典型负荷（千瓦）"),
            at(4, "保安负荷（千瓦）"),
            at(5, "合同容量（千瓦）"),
            at(5, "典型负荷（千瓦）"),
        ]
    );
}

#[test]
fn whole_kilowatts_only() {
    let bytes = accounts(&[
        &["1", A, "", "100.5", "80", "0.5"],
        &["2", A, "", "一百", "-3", ""],
        &["3", A, "", "10000001", "123456789012345678901", ""],
        &["4", A, "", "1,250千瓦", "800 kW", "12.0"],
    ]);
    assert_eq!(
        errors(&bytes),
        [
            err(
                2,
                "合同容量（千瓦）",
                "“100.5”不是整数：请填写以千瓦为单位的整数"
            ),
            err(
                2,
                "保安负荷（千瓦）",
                "“0.5”不是整数：请填写以千瓦为单位的整数"
            ),
            err(
                3,
                "合同容量（千瓦）",
                "“一百”不是数字：请填写以千瓦为单位的整数"
            ),
            err(3, "典型负荷（千瓦）", "不能为负数"),
            err(4, "合同容量（千瓦）", "超出上限：不能超过 10000000 千瓦"),
            err(4, "典型负荷（千瓦）", "超出上限：不能超过 10000000 千瓦"),
        ]
    );
    // Typed numbers.
    let bytes = typed(HEAD, |ws| {
        for (r, (contract, peak)) in [(100.0, 99.5), (-1.0, 0.0), (1e7, 1e7), (2e7, 1.0)]
            .into_iter()
            .enumerate()
        {
            let r = r as u32 + 1;
            ws.write_string(r, 0, format!("{r}")).unwrap();
            ws.write_string(r, 1, A).unwrap();
            ws.write_number(r, 3, contract).unwrap();
            ws.write_number(r, 4, peak).unwrap();
        }
        ws.write_boolean(5, 0, true).unwrap();
        ws.write_string(5, 1, A).unwrap();
        ws.write_boolean(5, 3, true).unwrap();
        ws.write_number(5, 4, 1.0).unwrap();
    });
    assert_eq!(
        errors(&bytes),
        [
            err(
                2,
                "典型负荷（千瓦）",
                "“99.5”不是整数：请填写以千瓦为单位的整数"
            ),
            err(3, "合同容量（千瓦）", "不能为负数"),
            err(5, "合同容量（千瓦）", "超出上限：不能超过 10000000 千瓦"),
            err(6, "用户编号", "用户编号应为 1 到 40 位字母、数字或“-”"),
            err(
                6,
                "合同容量（千瓦）",
                "“是”不是数字：请填写以千瓦为单位的整数"
            ),
        ]
    );
    let ok = accounts(&[&["4", A, "", "1,250千瓦", "800 kW", "12.0"]]);
    assert_eq!(
        read_accounts(&ok),
        [account("4", A, "", 1250, 800, 12, false, false)]
    );
}

#[test]
fn account_numbers_and_credit_codes() {
    let bytes = typed(HEAD, |ws| {
        let rows: [(f64, &str); 3] = [(330100000001.0, A), (1e15, A), (12.5, "9133")];
        for (r, (no, code)) in rows.into_iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_number(r, 0, no).unwrap();
            ws.write_string(r, 1, code).unwrap();
            ws.write_number(r, 3, 10.0).unwrap();
            ws.write_number(r, 4, 5.0).unwrap();
        }
        ws.write_string(4, 0, "AB 12").unwrap();
        ws.write_number(4, 1, 913301001234567890.0).unwrap();
        ws.write_number(4, 3, 10.0).unwrap();
        ws.write_number(4, 4, 5.0).unwrap();
        ws.write_string(5, 0, "A\u{7}1").unwrap();
        ws.write_string(5, 2, "长".repeat(101)).unwrap();
        ws.write_number(5, 3, 10.0).unwrap();
        ws.write_number(5, 4, 5.0).unwrap();
    });
    assert_eq!(
        errors(&bytes),
        [
            err(
                3,
                "用户编号",
                "用户编号被存成了数字，末几位可能已丢失：请将该列设为文本格式后重新填写"
            ),
            err(4, "用户编号", "用户编号应为 1 到 40 位字母、数字或“-”"),
            err(
                4,
                "统一社会信用代码",
                "统一社会信用代码应为 18 位（现为 4 位）"
            ),
            err(5, "用户编号", "用户编号应为 1 到 40 位字母、数字或“-”"),
            err(
                5,
                "统一社会信用代码",
                "统一社会信用代码被存成了数字，末几位可能已丢失：请将该列设为文本格式后重新填写"
            ),
            err(
                6,
                "用户编号",
                "含有控制字符（不可见的特殊字符），请删除后重新填写"
            ),
            err(6, "统一社会信用代码", "必须填写"),
            err(6, "线路", "线路名称不能超过 100 个字"),
        ]
    );
    let bytes = typed(HEAD, |ws| {
        ws.write_number(1, 0, 330100000001.0).unwrap();
        ws.write_string(1, 1, A).unwrap();
        ws.write_number(1, 3, 10.0).unwrap();
        ws.write_number(1, 4, 5.0).unwrap();
    });
    assert_eq!(read_accounts(&bytes)[0].account_no, "330100000001");
}

#[test]
fn the_same_account_twice() {
    let bytes = accounts(&[
        &["1001", A, "", "10", "5"],
        &["1002", A, "", "10", "5"],
        &[" 1001 ", B, "", "10", "5"],
        &["1002", B, "", "10", "50"],
        &["1001", B, "", "10", "5"],
    ]);
    assert_eq!(
        errors(&bytes),
        [
            err(4, "用户编号", "与第 2 行重复：同一用户编号只能填写一行"),
            err(5, "用户编号", "与第 3 行重复：同一用户编号只能填写一行"),
            err(5, "典型负荷（千瓦）", "典型负荷不能大于合同容量"),
            err(6, "用户编号", "与第 2 行重复：同一用户编号只能填写一行"),
        ]
    );
}

#[test]
fn missing_and_repeated_columns() {
    let bytes = book(&[(
        SHEET,
        &[&["线路", "保安负荷", "重要用户"], &["甲", "1", "是"]],
    )]);
    assert_eq!(
        errors(&bytes),
        [
            err(
                1,
                "用户编号",
                "缺少必填列“用户编号”（也可写作“户号”），请使用模板"
            ),
            err(
                1,
                "统一社会信用代码",
                "缺少必填列“统一社会信用代码”，请使用模板"
            ),
            err(
                1,
                "合同容量（千瓦）",
                "缺少必填列“合同容量（千瓦）”（也可写作“合同容量”、“合同容量（kW）”），请使用模板"
            ),
            err(
                1,
                "典型负荷（千瓦）",
                "缺少必填列“典型负荷（千瓦）”（也可写作“最大负荷（千瓦）”、“典型负荷”），请使用模板"
            ),
        ]
    );
    let bytes = book(&[(
        SHEET,
        &[
            &[
                "用户编号",
                "统一社会信用代码",
                "合同容量（千瓦）",
                "典型负荷（千瓦）",
                "户号",
                "合同容量(千瓦)",
            ],
            &["1", A, "10", "5", "1", "10"],
        ],
    )]);
    assert_eq!(
        errors(&bytes),
        [
            err(1, "户号", "列“户号”与列“用户编号”重复：只能保留一列"),
            err(1, "合同容量(千瓦)", "列“合同容量(千瓦)”重复"),
        ]
    );
}

#[test]
fn every_problem_in_row_order() {
    let bytes = accounts(&[
        &["1", A, "", "100", "80", "10", "是", "否"],
        &[],
        &["", "", "", "", "", "", "也许"],
        &["2", "913301", "", "50", "60", "0.5", "", "x"],
        &["  ", "  "],
        &["1", B, "", "100", "80"],
        &["3", A],
    ]);
    assert_eq!(
        errors(&bytes),
        [
            err(4, "用户编号", "必须填写"),
            err(4, "统一社会信用代码", "必须填写"),
            err(4, "合同容量（千瓦）", "必须填写"),
            err(4, "典型负荷（千瓦）", "必须填写"),
            err(
                4,
                "重要用户",
                "“也许”无法识别：填“是”或“否”（也可填 Y/N、1/0、true/false），留空视为“否”"
            ),
            err(
                5,
                "统一社会信用代码",
                "统一社会信用代码应为 18 位（现为 6 位）"
            ),
            err(5, "典型负荷（千瓦）", "典型负荷不能大于合同容量"),
            err(
                5,
                "保安负荷（千瓦）",
                "“0.5”不是整数：请填写以千瓦为单位的整数"
            ),
            err(
                5,
                "限制类",
                "“x”无法识别：填“是”或“否”（也可填 Y/N、1/0、true/false），留空视为“否”"
            ),
            err(7, "用户编号", "与第 2 行重复：同一用户编号只能填写一行"),
            err(8, "合同容量（千瓦）", "必须填写"),
            err(8, "典型负荷（千瓦）", "必须填写"),
        ]
    );
    // Problems read left to right as the columns stand in the sheet.
    let bytes = book(&[(
        SHEET,
        &[
            &[
                "限制类",
                "典型负荷（千瓦）",
                "统一社会信用代码",
                "合同容量（千瓦）",
                "用户编号",
            ],
            &["?", "20", "", "1.5", "a b"],
        ],
    )]);
    assert_eq!(
        places(&bytes),
        [
            at(2, "限制类"),
            at(2, "统一社会信用代码"),
            at(2, "合同容量（千瓦）"),
            at(2, "用户编号"),
        ]
    );
}

#[test]
fn whole_file_problems() {
    let whole = |bytes: &[u8]| -> CellError {
        let e = read(bytes).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].sheet.as_str(), e[0].row, e[0].column.as_str()),
            ("", 0, "")
        );
        e[0].clone()
    };
    assert_eq!(
        whole(b"not a spreadsheet").message,
        "无法读取文件：请上传 Excel 文件（.xlsx、.xls）或 .ods 文件"
    );
    let row: &[&str] = &["1", A, "", "10", "5"];
    let two = book(&[("Sheet1", &[HEAD]), ("Sheet2", &[HEAD])]);
    assert!(whole(&two).message.contains("模板"));
    let help_only = book(&[(HELP_SHEET, &[HEAD, row])]);
    assert!(whole(&help_only).message.contains("“用电户”"));
    // The named sheet is read even beside others; the only other sheet
    // whatever its name.
    let named = book(&[("Sheet1", &[HEAD]), (SHEET, &[HEAD, row])]);
    assert_eq!(read(&named).unwrap().len(), 1);
    let other = book(&[("用电户清单", &[HEAD, row]), (HELP_SHEET, &[HEAD])]);
    let e = read(&other).map(|r| r.len());
    assert_eq!(e, Ok(1));
    // A sheet without rows, or with only blank ones, holds no data.
    let empty = book(&[(SHEET, &[])]);
    let blank = accounts(&[&["", "  "], &[]]);
    for b in [empty, blank] {
        let e = read(&b).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].sheet.as_str(), e[0].row), (SHEET, 0));
        assert_eq!(e[0].message, "没有用电户数据");
    }
}

// The filled plan (错峰安排) read back for its actual loads.

/// The plan's headers as the product downloads them.
const PLAN_HEAD: &[&str] = &[
    "日期",
    "时段",
    "预警等级",
    "用户编号",
    "线路",
    "统一社会信用代码",
    "企业名称",
    "类别",
    "限制类",
    "错峰负荷（千瓦）",
    "实际负荷（千瓦）",
];

/// One 错峰安排 sheet of text cells: the plan's headers, then rows of
/// (时段, 用户编号, 实际负荷) with the other columns filled as the plan has
/// them.
fn plan(rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|(slot, no, kw)| {
            vec![
                "2025-07-21",
                slot,
                "橙色",
                no,
                "城东线",
                A,
                "甲公司",
                "一类",
                "",
                "100",
                kw,
            ]
        })
        .collect();
    let all: Vec<&[&str]> = std::iter::once(PLAN_HEAD)
        .chain(rows.iter().map(Vec::as_slice))
        .collect();
    book(&[(ACTUALS_SHEET, &all)])
}

/// A 错峰安排 sheet with the headers `head` and what `put` writes.
fn typed_plan(head: &[&str], put: impl Fn(&mut Worksheet)) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(ACTUALS_SHEET).unwrap();
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    put(ws);
    wb.save_to_buffer().unwrap()
}

/// The actuals' problems as (row, column, message).
fn actual_errors(bytes: &[u8]) -> Vec<(usize, String, String)> {
    read_actuals(bytes)
        .unwrap_err()
        .into_iter()
        .map(|e| (e.row, e.column, e.message))
        .collect()
}

fn actual(row: usize, no: &str, start: i64, end: i64, kw: i64) -> ActualRow {
    ActualRow {
        row,
        account_no: no.into(),
        start,
        end,
        actual_kw: kw,
    }
}

#[test]
fn actuals_round_trip() {
    use crate::xlsx::{Cell, Sheet, write};
    // Exactly as the plan page downloads it (crates/web power::pages::export):
    // text cells, 时段 with an en dash, loads as numbers, an actual not yet
    // recorded left blank; then filled in as Excel stores typed cells.
    let row = |slot: &str, no: &str, restricted: &str, shed: i64, actual: Option<i64>| {
        vec![
            Cell::from("2025-07-21"),
            slot.into(),
            "橙色".into(),
            no.into(),
            "城东 10kV 线".into(),
            A.into(),
            "甲公司".into(),
            "一类".into(),
            restricted.into(),
            Cell::Int(shed),
            actual.map_or_else(|| Cell::from(""), Cell::Int),
        ]
    };
    let exported = write(&[Sheet {
        name: ACTUALS_SHEET.into(),
        headers: PLAN_HEAD.iter().map(|h| h.to_string()).collect(),
        rows: vec![
            row("09:00–11:30", "0330-0007", "是", 300, Some(450)),
            row("09:00–11:30", "3301234567", "", 120, None),
            row("09:00–11:30", "3301234568", "", 80, Some(0)),
            row("14:00–17:00", "0330-0007", "是", 300, None),
            row("21:00–24:00", "3301234567", "", 120, Some(10_000_000)),
        ],
    }])
    .unwrap();
    assert_eq!(
        read_actuals(&exported).unwrap(),
        [
            actual(2, "0330-0007", 540, 690, 450),
            actual(4, "3301234568", 540, 690, 0),
            actual(6, "3301234567", 1260, 1440, 10_000_000),
        ]
    );

    // The same layout written with rust_xlsxwriter directly, bold frozen
    // headers, and filled by the office: numbers typed, one as text with a
    // thousands separator, the rest left empty (skipped, not errors).
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(ACTUALS_SHEET).unwrap();
    let bold = Format::new().set_bold();
    for (c, h) in PLAN_HEAD.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold).unwrap();
    }
    ws.set_freeze_panes(1, 0).unwrap();
    let rows: [(&str, &str, f64); 4] = [
        ("09:00–11:30", "0330-0007", 300.0),
        ("09:00–11:30", "3301234567", 120.0),
        ("14:00–17:00", "0330-0007", 300.0),
        ("14:00–17:00", "3301234567", 120.0),
    ];
    for (r, (slot, no, shed)) in rows.into_iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, "2025-07-21").unwrap();
        ws.write_string(r, 1, slot).unwrap();
        ws.write_string(r, 2, "橙色").unwrap();
        ws.write_string(r, 3, no).unwrap();
        ws.write_string(r, 4, "城东 10kV 线").unwrap();
        ws.write_string(r, 5, A).unwrap();
        ws.write_string(r, 6, "甲公司").unwrap();
        ws.write_string(r, 7, "一类").unwrap();
        ws.write_number(r, 9, shed).unwrap();
    }
    ws.write_number(1, 10, 1180.0).unwrap();
    ws.write_string(3, 10, " 1,250 ").unwrap();
    ws.write_string(4, 10, "   ").unwrap();
    let filled = wb.save_to_buffer().unwrap();
    assert_eq!(
        read_actuals(&filled).unwrap(),
        [
            actual(2, "0330-0007", 540, 690, 1180),
            actual(4, "0330-0007", 840, 1020, 1250),
        ]
    );
}

#[test]
fn actuals_slot_dashes() {
    let slots = [
        "09:00–11:30",
        "09:00-11:30",
        "09:00~11:30",
        "9:00—11:30",
        " 09:00 – 11:30 ",
        "9:00 - 11:30",
        "09:00～11:30",
    ];
    let nos: Vec<String> = (0..slots.len()).map(|i| format!("10{i}")).collect();
    let rows: Vec<(&str, &str, &str)> = slots
        .iter()
        .zip(&nos)
        .map(|(s, no)| (*s, no.as_str(), "50"))
        .collect();
    let read = read_actuals(&plan(&rows)).unwrap();
    assert_eq!(read.len(), slots.len());
    for (r, s) in read.iter().zip(slots) {
        assert_eq!((r.start, r.end), (540, 690), "{s}");
    }
}

#[test]
fn actuals_bad_times() {
    let bytes = plan(&[
        ("09:00", "1", "10"),
        ("9点–11点", "2", "10"),
        ("11:30–09:00", "3", "10"),
        ("10:00–10:00", "4", "10"),
        ("09:60–10:00", "5", "10"),
        ("23:00–24:30", "6", "10"),
        ("09:00–11:30–12:00", "7", "10"),
        ("09:00/11:30", "8", "10"),
        ("", "9", "10"),
        ("00:00–24:00", "10", "10"),
    ]);
    let bad = |t: &str| format!("“{t}”不是时段：请按“09:00–11:30”的格式填写开始和结束时间");
    assert_eq!(
        actual_errors(&bytes),
        [
            err(2, "时段", &bad("09:00")),
            err(3, "时段", &bad("9点–11点")),
            err(4, "时段", "“11:30–09:00”的结束时间应晚于开始时间"),
            err(5, "时段", "“10:00–10:00”的结束时间应晚于开始时间"),
            err(6, "时段", &bad("09:60–10:00")),
            err(7, "时段", &bad("23:00–24:30")),
            err(8, "时段", &bad("09:00–11:30–12:00")),
            err(9, "时段", &bad("09:00/11:30")),
            err(10, "时段", "必须填写"),
        ]
    );
    // A bad slot on a row without an actual load is not looked at.
    let bytes = plan(&[("9点", "1", ""), ("00:00–24:00", "2", "5")]);
    assert_eq!(read_actuals(&bytes).unwrap(), [actual(3, "2", 0, 1440, 5)]);
}

#[test]
fn actuals_bad_loads() {
    let bytes = plan(&[
        ("09:00–11:30", "1", "12.5"),
        ("09:00–11:30", "2", "一百"),
        ("09:00–11:30", "3", "-3"),
        ("09:00–11:30", "4", "10000001"),
        ("09:00–11:30", "5", "800 kW"),
        ("09:00–11:30", "6", "12.0"),
    ]);
    let col = "实际负荷（千瓦）";
    assert_eq!(
        actual_errors(&bytes),
        [
            err(2, col, "“12.5”不是整数：请填写以千瓦为单位的整数"),
            err(3, col, "“一百”不是数字：请填写以千瓦为单位的整数"),
            err(4, col, "不能为负数"),
            err(5, col, "超出上限：不能超过 10000000 千瓦"),
        ]
    );
    // Typed cells: decimals, negatives, too large, a boolean, an error value.
    let bytes = typed_plan(PLAN_HEAD, |ws| {
        for (r, kw) in [99.5, -1.0, 1e7 + 1.0, 0.0, 1e7].into_iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_string(r, 1, "09:00–11:30").unwrap();
            ws.write_string(r, 3, format!("{r}")).unwrap();
            ws.write_number(r, 10, kw).unwrap();
        }
        ws.write_string(6, 1, "09:00–11:30").unwrap();
        ws.write_string(6, 3, "6").unwrap();
        ws.write_boolean(6, 10, true).unwrap();
    });
    assert_eq!(
        actual_errors(&bytes),
        [
            err(2, col, "“99.5”不是整数：请填写以千瓦为单位的整数"),
            err(3, col, "不能为负数"),
            err(4, col, "超出上限：不能超过 10000000 千瓦"),
            err(7, col, "“是”不是数字：请填写以千瓦为单位的整数"),
        ]
    );
    let bytes = typed_plan(PLAN_HEAD, |ws| {
        for (r, kw) in [0.0, 1e7].into_iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_string(r, 1, "09:00–11:30").unwrap();
            ws.write_string(r, 3, format!("{r}")).unwrap();
            ws.write_number(r, 10, kw).unwrap();
        }
    });
    assert_eq!(
        read_actuals(&bytes).unwrap(),
        [
            actual(2, "1", 540, 690, 0),
            actual(3, "2", 540, 690, 10_000_000)
        ]
    );
}

#[test]
fn actuals_account_numbers() {
    let bytes = typed_plan(PLAN_HEAD, |ws| {
        ws.write_string(1, 1, "09:00–11:30").unwrap();
        ws.write_number(1, 3, 330100000001.0).unwrap();
        ws.write_number(1, 10, 5.0).unwrap();
        ws.write_string(2, 1, "09:00–11:30").unwrap();
        ws.write_number(2, 3, 1e15).unwrap();
        ws.write_number(2, 10, 5.0).unwrap();
        ws.write_string(3, 1, "09:00–11:30").unwrap();
        ws.write_string(3, 3, "AB 12").unwrap();
        ws.write_number(3, 10, 5.0).unwrap();
        ws.write_string(4, 1, "09:00–11:30").unwrap();
        ws.write_number(4, 10, 5.0).unwrap();
    });
    assert_eq!(
        actual_errors(&bytes),
        [
            err(
                3,
                "用户编号",
                "用户编号被存成了数字，末几位可能已丢失：请将该列设为文本格式后重新填写"
            ),
            err(4, "用户编号", "用户编号应为 1 到 40 位字母、数字或“-”"),
            err(5, "用户编号", "必须填写"),
        ]
    );
}

#[test]
fn actuals_the_same_account_and_slot_twice() {
    let bytes = plan(&[
        ("09:00–11:30", "1001", "10"),
        ("14:00–17:00", "1001", "10"),
        ("09:00–11:30", "1002", "10"),
        ("9:00-11:30", " 1001 ", "20"),
        ("09:00–11:30", "1002", ""),
        ("14:00–17:00", "1001", "x"),
        ("09:00–11:30", "1001", "30"),
    ]);
    let dup = |n: usize| format!("与第 {n} 行重复：同一用户编号在同一时段只能填写一行");
    assert_eq!(
        actual_errors(&bytes),
        [
            err(5, "用户编号", &dup(2)),
            err(7, "用户编号", &dup(3)),
            err(
                7,
                "实际负荷（千瓦）",
                "“x”不是数字：请填写以千瓦为单位的整数"
            ),
            err(8, "用户编号", &dup(2)),
        ]
    );
    // The same account in different slots, and an empty actual beside a
    // filled one, are fine.
    let bytes = plan(&[
        ("09:00–11:30", "1001", "10"),
        ("14:00–17:00", "1001", "10"),
        ("09:00–11:30", "1001", ""),
    ]);
    assert_eq!(
        read_actuals(&bytes).unwrap(),
        [
            actual(2, "1001", 540, 690, 10),
            actual(3, "1001", 840, 1020, 10)
        ]
    );
}

#[test]
fn actuals_columns() {
    // Only 时段, 用户编号 and 实际负荷 are needed, in any order, with the
    // other accepted headers.
    let bytes = book(&[(
        ACTUALS_SHEET,
        &[
            &["实际负荷(kW)", "备注", " 户号 ", "时段"],
            &["12", "x", "1001", "09:00-11:30"],
        ],
    )]);
    assert_eq!(
        read_actuals(&bytes).unwrap(),
        [actual(2, "1001", 540, 690, 12)]
    );
    // Missing columns stop the read before any row is looked at.
    let bytes = book(&[(
        ACTUALS_SHEET,
        &[
            &["日期", "用户编号", "错峰负荷（千瓦）"],
            &["2025-07-21", "1001", "x"],
        ],
    )]);
    assert_eq!(
        actual_errors(&bytes),
        [
            err(
                1,
                "时段",
                "缺少必填列“时段”，请使用从方案页面下载的错峰安排"
            ),
            err(
                1,
                "实际负荷（千瓦）",
                "缺少必填列“实际负荷（千瓦）”（也可写作“实际负荷”、“实际负荷（kW）”），请使用从方案页面下载的错峰安排"
            ),
        ]
    );
    // A repeated column.
    let bytes = book(&[(
        ACTUALS_SHEET,
        &[
            &["时段", "用户编号", "实际负荷（千瓦）", "实际负荷"],
            &["09:00–11:30", "1001", "1", "2"],
        ],
    )]);
    assert_eq!(
        actual_errors(&bytes),
        [err(
            1,
            "实际负荷",
            "列“实际负荷”与列“实际负荷（千瓦）”重复：只能保留一列"
        )]
    );
    // Problems read left to right as the columns stand in the sheet.
    let bytes = book(&[(
        ACTUALS_SHEET,
        &[
            &["实际负荷（千瓦）", "用户编号", "时段"],
            &["1.5", "a b", "9点"],
        ],
    )]);
    let cols: Vec<String> = actual_errors(&bytes).into_iter().map(|e| e.1).collect();
    assert_eq!(cols, ["实际负荷（千瓦）", "用户编号", "时段"]);
}

#[test]
fn actuals_whole_file_problems() {
    let e = read_actuals(b"not a spreadsheet").unwrap_err();
    assert_eq!(
        e,
        [CellError {
            sheet: String::new(),
            row: 0,
            column: String::new(),
            message: "无法读取文件：请上传 Excel 文件（.xlsx、.xls）或 .ods 文件".into(),
        }]
    );
    let row: &[&str] = &["", "09:00–11:30", "", "1001", "", "", "", "", "", "", "5"];
    let two = book(&[("Sheet1", &[PLAN_HEAD, row]), ("Sheet2", &[PLAN_HEAD, row])]);
    let e = read_actuals(&two).unwrap_err();
    assert_eq!((e.len(), e[0].row), (1, 0));
    assert!(e[0].message.contains("“错峰安排”"), "{}", e[0].message);
    // The named sheet beside others; the only sheet whatever its name.
    let named = book(&[("Sheet1", &[PLAN_HEAD]), (ACTUALS_SHEET, &[PLAN_HEAD, row])]);
    assert_eq!(read_actuals(&named).unwrap().len(), 1);
    let other = book(&[("7月21日", &[PLAN_HEAD, row])]);
    assert_eq!(read_actuals(&other).unwrap().len(), 1);
    // Nothing filled: an empty sheet, headers only, or no actual load.
    let empty = book(&[(ACTUALS_SHEET, &[])]);
    let headers = plan(&[]);
    let unfilled = plan(&[("09:00–11:30", "1001", ""), ("14:00–17:00", "1001", " ")]);
    for b in [empty, headers, unfilled] {
        assert_eq!(
            read_actuals(&b).unwrap_err(),
            [CellError {
                sheet: ACTUALS_SHEET.into(),
                row: 0,
                column: String::new(),
                message: "没有填写实际负荷".into(),
            }]
        );
    }
}
