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
