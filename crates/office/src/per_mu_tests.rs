//! The per-mu data template and reader: round trip, patches (keep, clear,
//! set), every refusal with its row and column, whole-file problems.

use super::*;
use rust_xlsxwriter::Workbook;

const HEAD: &[&str] = &[
    "统一社会信用代码*",
    "年度*",
    "企业名称",
    "用地面积（亩）",
    "实缴税金（元）",
    "工业增加值（元）",
    "综合能耗（千克标准煤）",
    "主要污染物排放当量（千克）",
    "年平均职工人数（人）",
    "研发经费支出（元）",
    "主营业务收入（元）",
    "用电量（千瓦时）",
];

const A: &str = "91330100MA2B000001";
const B: &str = "91330100MA2B000002";

use Value::{Clear, Keep, Set};

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

/// One 亩均数据 sheet with the template's headers and `rows`.
fn data(rows: &[&[&str]]) -> Vec<u8> {
    let all: Vec<&[&str]> = std::iter::once(HEAD).chain(rows.iter().copied()).collect();
    book(&[(SHEET, &all)])
}

/// A 亩均数据 sheet with the headers `head` and what `put` writes (typed
/// cells: numbers, booleans).
fn typed(head: &[&str], put: impl Fn(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
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

/// The values of the only row of a sheet.
fn values(bytes: &[u8]) -> [Value; 9] {
    let rows = read(bytes).unwrap();
    assert_eq!(rows.len(), 1);
    rows[0].values
}

#[test]
fn fields_and_headers() {
    let fields: Vec<&str> = FIGURES.iter().map(|f| f.field).collect();
    assert_eq!(fields, FIELDS);
    let headers: Vec<&str> = FIELDS.iter().map(|f| header(f)).collect();
    assert_eq!(headers, HEAD[3..]);
    assert_eq!(header("tax_yuan"), "实缴税金（元）");
    assert_eq!(header("land_millimu"), "用地面积（亩）");
    assert_eq!(header("nothing"), "");
}

#[test]
fn template_round_trip() {
    let rows = [
        TemplateRow {
            credit_code: A.into(),
            name: "甲公司".into(),
            values: [
                Some(12_500),
                Some(-3_000),
                Some(5_000_000),
                Some(1_000),
                None,
                Some(25),
                None,
                Some(9_999_999_999_999),
                Some(0),
            ],
        },
        TemplateRow {
            credit_code: "913301000000000003".into(),
            name: String::new(),
            values: [
                Some(1_455_739),
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        },
    ];
    let bytes = template(2024, &rows).unwrap();
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(wb.sheet_names(), [SHEET, HELP_SHEET]);
    let sheet = wb.worksheet_range(SHEET).unwrap();
    let head: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(head, HEAD);
    // Land is a number of mu, the code text (all digits kept).
    assert_eq!(sheet.get_value((1, 3)), Some(&Data::Float(12.5)));
    assert_eq!(
        sheet.get_value((2, 0)),
        Some(&Data::String("913301000000000003".into()))
    );
    let help = wb.worksheet_range(HELP_SHEET).unwrap();
    let help: Vec<String> = help
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    for h in HEAD {
        assert!(help.iter().any(|l| l.starts_with(&format!("{h}|"))), "{h}");
    }
    let all = help.join("\n");
    for needle in [
        "清空",
        "保留",
        "负数",
        "整个文件都不会导入",
        "千克标准煤",
        "2024",
    ] {
        assert!(all.contains(needle), "{needle}");
    }

    let read_back = read(&bytes).unwrap();
    assert_eq!(
        read_back,
        [
            DataRow {
                row: 2,
                credit_code: A.into(),
                name: "甲公司".into(),
                year: 2024,
                values: [
                    Set(12_500),
                    Set(-3_000),
                    Set(5_000_000),
                    Set(1_000),
                    Keep,
                    Set(25),
                    Keep,
                    Set(9_999_999_999_999),
                    Set(0),
                ],
            },
            DataRow {
                row: 3,
                credit_code: "913301000000000003".into(),
                name: String::new(),
                year: 2024,
                values: [
                    Set(1_455_739),
                    Keep,
                    Keep,
                    Keep,
                    Keep,
                    Keep,
                    Keep,
                    Keep,
                    Keep
                ],
            },
        ]
    );

    // The empty template reads as no data.
    assert_eq!(
        errors(&template(2024, &[]).unwrap()),
        [err(0, "", "没有数据")]
    );
}

#[test]
fn clear_keep_and_set() {
    let bytes = data(&[&[
        A, "2024", "甲", "清空", " 清空 ", "", "1,234", "0", "清空", "", "", "",
    ]]);
    assert_eq!(
        values(&bytes),
        [
            Clear,
            Clear,
            Keep,
            Set(1234),
            Set(0),
            Clear,
            Keep,
            Keep,
            Keep
        ]
    );
}

#[test]
fn missing_optional_columns_keep_their_fields() {
    let bytes = book(&[(
        SHEET,
        &[
            &["年度", "实缴税金(元)", "统一社会信用代码"],
            &["2023年", "-100", &format!("  {A}  ")],
        ],
    )]);
    let rows = read(&bytes).unwrap();
    assert_eq!(
        rows,
        [DataRow {
            row: 2,
            credit_code: A.into(),
            name: String::new(),
            year: 2023,
            values: [Keep, Set(-100), Keep, Keep, Keep, Keep, Keep, Keep, Keep],
        }]
    );
}

#[test]
fn blank_rows_skipped_and_columns_in_any_order() {
    let bytes = book(&[(
        "Sheet1",
        &[
            &[
                "序号",
                " 年 度 ",
                "用电量（千瓦时） *",
                "统一社会信用代码＊",
            ],
            &["1", "2024", "100", A],
            &["2", "", "  "],
            &[],
            &["4", "2024", "", B],
        ],
    )]);
    let rows = read(&bytes).unwrap();
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 5]);
    assert_eq!(rows[0].values[8], Set(100));
    assert_eq!(rows[1].credit_code, B);
    assert_eq!(rows[1].values, [Keep; 9]);
}

#[test]
fn negative_tax_accepted_negative_energy_refused() {
    let bytes = data(&[&[A, "2024", "", "", "-5,000", "-1"]]);
    assert_eq!(values(&bytes)[..3], [Keep, Set(-5000), Set(-1)]);
    let bytes = data(&[&[
        A, "2024", "", "-1", "", "", "-10", "-1", "-1", "-1", "-1", "-1",
    ]]);
    let negative = |c: &str| err(2, c, "不能为负数");
    assert_eq!(
        errors(&bytes),
        [
            negative("用地面积（亩）"),
            negative("综合能耗（千克标准煤）"),
            negative("主要污染物排放当量（千克）"),
            negative("年平均职工人数（人）"),
            negative("研发经费支出（元）"),
            negative("主营业务收入（元）"),
            negative("用电量（千瓦时）"),
        ]
    );
    // A number cell too.
    let bytes = typed(HEAD, |ws| {
        ws.write_string(1, 0, A).unwrap();
        ws.write_number(1, 1, 2024.0).unwrap();
        ws.write_number(1, 4, -12.0).unwrap();
        ws.write_number(1, 6, -12.0).unwrap();
    });
    assert_eq!(
        errors(&bytes),
        [err(2, "综合能耗（千克标准煤）", "不能为负数")]
    );
}

#[test]
fn whole_numbers_only_but_land() {
    let bytes = data(&[&[
        A, "2024", "", "", "12.5", "1234.00", "", "", "7.0", "100元", "1，000", "",
    ]]);
    assert_eq!(
        errors(&bytes),
        [err(
            2,
            "实缴税金（元）",
            "“12.5”不是整数：金额以元为单位，请填写整数"
        )]
    );
    let bytes = typed(HEAD, |ws| {
        ws.write_string(1, 0, A).unwrap();
        ws.write_number(1, 1, 2024.0).unwrap();
        ws.write_number(1, 5, 0.5).unwrap();
        ws.write_number(1, 8, 3.25).unwrap();
        ws.write_number(1, 10, 1e6).unwrap();
    });
    assert_eq!(
        errors(&bytes),
        [
            err(
                2,
                "工业增加值（元）",
                "“0.5”不是整数：金额以元为单位，请填写整数"
            ),
            err(
                2,
                "年平均职工人数（人）",
                "“3.25”不是整数：年平均职工人数（人）应填写整数"
            ),
        ]
    );
    let bytes = data(&[&[
        A, "2024", "", "", "", "1234.00", "", "", "7.0", "100元", "1，000", "",
    ]]);
    assert_eq!(
        values(&bytes),
        [
            Keep,
            Keep,
            Set(1234),
            Keep,
            Keep,
            Set(7),
            Set(100),
            Set(1000),
            Keep
        ]
    );
}

#[test]
fn land_in_thousandths_of_a_mu() {
    let land = |cell: &str| values(&data(&[&[A, "2024", "", cell]]))[0];
    assert_eq!(land("12.5"), Set(12_500));
    assert_eq!(land("1,455.739"), Set(1_455_739));
    assert_eq!(land("0.001"), Set(1));
    assert_eq!(land("12.5000"), Set(12_500));
    assert_eq!(land("30 亩"), Set(30_000));
    assert_eq!(land("1000000"), Set(1_000_000_000));
    let bytes = typed(HEAD, |ws| {
        ws.write_string(1, 0, A).unwrap();
        ws.write_number(1, 1, 2024.0).unwrap();
        ws.write_number(1, 3, 1455.739).unwrap();
    });
    assert_eq!(values(&bytes)[0], Set(1_455_739));

    let bytes = data(&[&[A, "2024", "", "1.2345"], &[B, "2024", "", "1000000.001"]]);
    assert_eq!(
        errors(&bytes),
        [
            err(
                2,
                "用地面积（亩）",
                "“1.2345”最多只能有 3 位小数（精确到 0.001 亩）"
            ),
            err(
                3,
                "用地面积（亩）",
                "超出上限：用地面积不能超过 1,000,000 亩"
            ),
        ]
    );
    // A number cell with more decimals than a mu has thousandths.
    let bytes = typed(HEAD, |ws| {
        ws.write_string(1, 0, A).unwrap();
        ws.write_number(1, 1, 2024.0).unwrap();
        ws.write_number(1, 3, 0.1 + 0.2).unwrap();
    });
    assert_eq!(places(&bytes), [at(2, "用地面积（亩）")]);
}

#[test]
fn too_large() {
    let bytes = data(&[
        &[A, "2024", "", "", "10000000000000", "-10000000000000"],
        &[
            B,
            "2024",
            "",
            "",
            "10000000000001",
            "-10000000000001",
            "99999999999999999999",
        ],
    ]);
    assert_eq!(
        errors(&bytes),
        [
            err(
                3,
                "实缴税金（元）",
                "超出上限：金额不能超过 10,000,000,000,000 元（10 万亿元）"
            ),
            err(
                3,
                "工业增加值（元）",
                "超出上限：金额不能超过 10,000,000,000,000 元（10 万亿元）"
            ),
            err(
                3,
                "综合能耗（千克标准煤）",
                "超出上限：数值不能超过 10,000,000,000,000（10 万亿）"
            ),
        ]
    );
    let bytes = typed(HEAD, |ws| {
        ws.write_string(1, 0, A).unwrap();
        ws.write_number(1, 1, 2024.0).unwrap();
        ws.write_number(1, 11, 1e20).unwrap();
    });
    assert_eq!(
        errors(&bytes),
        [err(
            2,
            "用电量（千瓦时）",
            "超出上限：数值不能超过 10,000,000,000,000（10 万亿）"
        )]
    );
}

#[test]
fn not_numbers() {
    let bytes = data(&[&[
        A, "2024", "", "十亩", "5万元", "", "", "", "", "", "", "n/a",
    ]]);
    assert_eq!(
        errors(&bytes),
        [
            err(
                2,
                "用地面积（亩）",
                "“十亩”不是数字：请填写以亩为单位的数值，或填写“清空”清除已有数值"
            ),
            err(
                2,
                "实缴税金（元）",
                "“5万元”不是数字：请填写以元为单位的数值，或填写“清空”清除已有数值"
            ),
            err(
                2,
                "用电量（千瓦时）",
                "“n/a”不是数字：请填写以千瓦时为单位的数值，或填写“清空”清除已有数值"
            ),
        ]
    );
    let bytes = typed(HEAD, |ws| {
        ws.write_string(1, 0, A).unwrap();
        ws.write_number(1, 1, 2024.0).unwrap();
        ws.write_boolean(1, 4, true).unwrap();
    });
    assert_eq!(places(&bytes), [at(2, "实缴税金（元）")]);
}

#[test]
fn required_cells_codes_and_years() {
    let bytes = data(&[
        &["", "", "甲", "1"],
        &["91330100MA2B00000", "1999"],
        &[A, "2101"],
        &[A, "明年"],
        &[A, "2024.5"],
        &[B, "2100年"],
        &[A, "2000"],
    ]);
    let bad_year =
        |y: &str| format!("“{y}”不是有效的年度：应为 2000 至 2100 之间的四位年份，如 2024");
    assert_eq!(
        errors(&bytes),
        [
            err(2, "统一社会信用代码", "必须填写"),
            err(2, "年度", "必须填写"),
            err(
                3,
                "统一社会信用代码",
                "统一社会信用代码应为 18 位（现为 17 位）"
            ),
            err(3, "年度", &bad_year("1999")),
            err(4, "年度", &bad_year("2101")),
            err(5, "年度", &bad_year("明年")),
            err(6, "年度", &bad_year("2024.5")),
        ]
    );
    // A code typed as a number has lost its last digits.
    let bytes = typed(HEAD, |ws| {
        ws.write_number(1, 0, 913301000000000003.0).unwrap();
        ws.write_number(1, 1, 2024.0).unwrap();
    });
    let e = errors(&bytes);
    assert_eq!((e[0].0, e[0].1.as_str()), (2, "统一社会信用代码"));
    assert!(e[0].2.contains("文本格式"));
}

#[test]
fn control_characters() {
    let bytes = data(&[
        &["91330100MA2B00000\u{1}", "2024"],
        &[A, "2024", "名称\u{7}不查", "1\u{0}"],
    ]);
    assert_eq!(
        places(&bytes),
        [at(2, "统一社会信用代码"), at(3, "用地面积（亩）")]
    );
    assert!(errors(&bytes).iter().all(|e| e.2.contains("控制字符")));
}

#[test]
fn the_same_enterprise_and_year_twice() {
    let bytes = data(&[
        &[A, "2024"],
        &[A, "2023"],
        &[B, "2024"],
        &[A, "2024年", "", "1"],
        &[&A.to_lowercase(), "2023"],
    ]);
    assert_eq!(
        errors(&bytes),
        [
            err(
                5,
                "统一社会信用代码",
                "与第 2 行重复：同一企业同一年度只能填写一行"
            ),
            err(
                6,
                "统一社会信用代码",
                "与第 3 行重复：同一企业同一年度只能填写一行"
            ),
        ]
    );
}

#[test]
fn missing_and_repeated_columns() {
    let bytes = book(&[(SHEET, &[&["企业名称", "实缴税金（元）"], &["甲", "1"]])]);
    assert_eq!(
        errors(&bytes),
        [
            err(
                1,
                "统一社会信用代码",
                "缺少必填列“统一社会信用代码”，请使用模板"
            ),
            err(1, "年度", "缺少必填列“年度”，请使用模板"),
        ]
    );
    let bytes = book(&[(
        SHEET,
        &[
            &[
                "统一社会信用代码",
                "年度",
                "用电量（千瓦时）",
                "用电量(千瓦时)",
            ],
            &[A, "2024", "1", "2"],
        ],
    )]);
    assert_eq!(
        errors(&bytes),
        [err(1, "用电量（千瓦时）", "列“用电量（千瓦时）”重复")]
    );
}

#[test]
fn every_problem_in_row_order() {
    let bytes = data(&[
        &[A, "2024", "", "1.5", "2.5"],
        &["", "2024", "乙", "", "", "", "x"],
        &[A, "24", "", "", "", "", "", "", "-3"],
        &[A, "2024"],
        &[B, "2024", "丙", "清空", "清空"],
    ]);
    assert_eq!(
        errors(&bytes),
        [
            err(
                2,
                "实缴税金（元）",
                "“2.5”不是整数：金额以元为单位，请填写整数"
            ),
            err(3, "统一社会信用代码", "必须填写"),
            err(
                3,
                "综合能耗（千克标准煤）",
                "“x”不是数字：请填写以千克标准煤为单位的数值，或填写“清空”清除已有数值"
            ),
            err(
                4,
                "年度",
                "“24”不是有效的年度：应为 2000 至 2100 之间的四位年份，如 2024"
            ),
            err(4, "年平均职工人数（人）", "不能为负数"),
            err(
                5,
                "统一社会信用代码",
                "与第 2 行重复：同一企业同一年度只能填写一行"
            ),
        ]
    );
    // Problems read left to right as the columns stand in the sheet.
    let bytes = book(&[(
        SHEET,
        &[
            &[
                "用电量（千瓦时）",
                "年度",
                "统一社会信用代码",
                "实缴税金（元）",
            ],
            &["-1", "", "", "0.5"],
        ],
    )]);
    assert_eq!(
        places(&bytes),
        [
            at(2, "用电量（千瓦时）"),
            at(2, "年度"),
            at(2, "统一社会信用代码"),
            at(2, "实缴税金（元）"),
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
    let two = book(&[("Sheet1", &[HEAD]), ("Sheet2", &[HEAD])]);
    assert!(whole(&two).message.contains("模板"));
    let help_only = book(&[(HELP_SHEET, &[HEAD, &[A, "2024"]])]);
    assert!(whole(&help_only).message.contains("“亩均数据”"));
    // The named sheet is read even beside others.
    let named = book(&[("Sheet1", &[HEAD]), (SHEET, &[HEAD, &[A, "2024"]])]);
    assert_eq!(read(&named).unwrap().len(), 1);
    // A sheet without rows, or with only blank ones, holds no data.
    let empty = book(&[(SHEET, &[])]);
    let blank = data(&[&["", "  "]]);
    for b in [empty, blank] {
        let e = read(&b).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].sheet.as_str(), e[0].row), (SHEET, 0));
        assert_eq!(e[0].message, "没有数据");
    }
}
