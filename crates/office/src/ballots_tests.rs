//! The ballots template and reader: round trip, every refusal with its row and
//! column, the accepted spellings, blank rows.

use super::*;
use rust_xlsxwriter::Workbook;

const HEAD: &[&str] = &["评议组别*", "评议人*", "被评议单位*", "评价等级*", "意见"];

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

/// One 评议票 sheet with the template's headers and `rows`.
fn ballots(rows: &[&[&str]]) -> Vec<u8> {
    let all: Vec<&[&str]> = std::iter::once(HEAD).chain(rows.iter().copied()).collect();
    book(&[(SHEET, &all)])
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

#[test]
fn template_round_trip() {
    let units = vec![
        ("economy".to_string(), "区经贸(交通)局".to_string()),
        ("finance".to_string(), "区财政局".to_string()),
    ];
    let bytes = template(&units).unwrap();
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(wb.sheet_names(), [SHEET, HELP_SHEET]);
    let head = wb.worksheet_range(SHEET).unwrap();
    let head: Vec<String> = head
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(head, HEAD);
    let help = wb.worksheet_range(HELP_SHEET).unwrap();
    let help: Vec<Vec<String>> = help
        .rows()
        .map(|r| r.iter().map(|d| d.to_string()).collect())
        .collect();
    assert!(help.contains(&vec![
        "被评议单位".into(),
        "economy".into(),
        "区经贸(交通)局".into()
    ]));
    for l in Level::ALL {
        assert!(help.contains(&vec!["评价等级".into(), l.label().into(), String::new()]));
    }
    // The empty template reads as no data.
    assert_eq!(
        errors(&bytes),
        [(0, String::new(), "没有评议票数据".to_string())]
    );

    // Filled in the template's own sheets: the 填写说明 sheet is ignored.
    let help_rows: Vec<Vec<&str>> = help
        .iter()
        .map(|r| r.iter().map(|s| s.as_str()).collect())
        .collect();
    let help_rows: Vec<&[&str]> = help_rows.iter().map(|r| r.as_slice()).collect();
    let filled = book(&[
        (
            SHEET,
            &[
                HEAD,
                &[
                    "企业",
                    "91330100MA2B000001",
                    "economy",
                    "非常满意",
                    "  服务周到  ",
                ],
                &["基层", "城关镇", "区财政局", "基本满意", ""],
            ],
        ),
        (HELP_SHEET, &help_rows),
    ]);
    let rows = read(&filled).unwrap();
    assert_eq!(
        rows,
        [
            BallotRow {
                row: 2,
                group: Group::Enterprise,
                respondent: "91330100MA2B000001".into(),
                unit: "economy".into(),
                level: Level::VerySatisfied,
                comment: "服务周到".into(),
            },
            BallotRow {
                row: 3,
                group: Group::Grassroots,
                respondent: "城关镇".into(),
                unit: "区财政局".into(),
                level: Level::Basic,
                comment: String::new(),
            },
        ]
    );
}

#[test]
fn chinese_and_key_forms_of_group_and_level() {
    let bytes = ballots(&[
        &["企业", "a", "u", "非常满意"],
        &["enterprise", "b", "u", "satisfied"],
        &["Enterprise", "c", "u", "Very_Dissatisfied"],
        &["基层", "d", "u", "基本满意"],
        &["镇街", "e", "u", "不满意"],
        &["grassroots", "f", "u", "非常不满意"],
        &["基层", "g", "u", "very_satisfied"],
        &["企业", "h", "u", "basic"],
        &["企业", "i", "u", "dissatisfied"],
    ]);
    let got: Vec<(Group, Level)> = read(&bytes)
        .unwrap()
        .iter()
        .map(|b| (b.group, b.level))
        .collect();
    use Group::*;
    use Level::*;
    assert_eq!(
        got,
        [
            (Enterprise, VerySatisfied),
            (Enterprise, Satisfied),
            (Enterprise, VeryDissatisfied),
            (Grassroots, Basic),
            (Grassroots, Dissatisfied),
            (Grassroots, VeryDissatisfied),
            (Grassroots, VerySatisfied),
            (Enterprise, Basic),
            (Enterprise, Dissatisfied),
        ]
    );
}

#[test]
fn blank_rows_skipped_and_columns_in_any_order() {
    let bytes = book(&[(
        "Sheet1",
        &[
            &[
                "序号",
                " 意见 ",
                "评价等级",
                "被评议单位 *",
                "评议人",
                "评议组别",
            ],
            &["1", "", "满意", "u", "a", "企业"],
            &["2", "   "],
            &[],
            &["4", "好", "满意", "u", "b", "企业"],
        ],
    )]);
    let rows = read(&bytes).unwrap();
    assert_eq!(rows.iter().map(|b| b.row).collect::<Vec<_>>(), [2, 5]);
    assert_eq!(rows[1].respondent, "b");
    assert_eq!(rows[1].comment, "好");
}

#[test]
fn numbers_read_as_whole_numbers() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEAD.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "基层").unwrap();
    ws.write_number(1, 1, 330102001.0).unwrap();
    ws.write_number(1, 2, 12.0).unwrap();
    ws.write_string(1, 3, "满意").unwrap();
    let rows = read(&wb.save_to_buffer().unwrap()).unwrap();
    assert_eq!(
        (rows[0].respondent.as_str(), rows[0].unit.as_str()),
        ("330102001", "12")
    );
}

#[test]
fn missing_required_columns() {
    let bytes = book(&[(
        SHEET,
        &[&["评议组别", "被评议单位", "意见"], &["企业", "u", ""]],
    )]);
    assert_eq!(
        errors(&bytes),
        [
            (1, "评议人".into(), "缺少必填列“评议人”，请使用模板".into()),
            (
                1,
                "评价等级".into(),
                "缺少必填列“评价等级”，请使用模板".into()
            ),
        ]
    );
    let bytes = book(&[(
        SHEET,
        &[&["评议组别", "评议人", "评议人", "被评议单位", "评价等级"]],
    )]);
    assert_eq!(places(&bytes), [at(1, "评议人")]);
}

#[test]
fn empty_required_cells() {
    let bytes = ballots(&[&["企业", "", "u", "满意", "意见"], &["", "a", "u", ""]]);
    assert_eq!(
        errors(&bytes),
        [
            (2, "评议人".into(), "必须填写".into()),
            (3, "评议组别".into(), "必须填写".into()),
            (3, "评价等级".into(), "必须填写".into()),
        ]
    );
}

#[test]
fn bad_group_and_level() {
    let bytes = ballots(&[&["个人", "a", "u", "还行"]]);
    assert_eq!(
        errors(&bytes),
        [
            (
                2,
                "评议组别".into(),
                "“个人”不是有效的评议组别：应为“企业”或“基层”（也可填“镇街”）".into()
            ),
            (
                2,
                "评价等级".into(),
                "“还行”不是有效的评价等级：应为 非常满意、满意、基本满意、不满意、非常不满意 之一"
                    .into()
            ),
        ]
    );
}

#[test]
fn comment_too_long() {
    let ok = "好".repeat(MAX_COMMENT);
    let long = "好".repeat(MAX_COMMENT + 1);
    let bytes = ballots(&[
        &["企业", "a", "u", "满意", &ok],
        &["企业", "b", "u", "满意", &long],
    ]);
    assert_eq!(
        errors(&bytes),
        [(
            3,
            "意见".into(),
            "意见不能超过 500 字（现有 501 字）".into()
        )]
    );
}

#[test]
fn control_characters() {
    let bytes = ballots(&[
        &["企业", "a\u{1}b", "u", "满意", ""],
        &["企业", "b", "u", "满意", "第一行\n第二行\t完"],
        &["企业", "c", "u\u{0}", "满意", "坏\u{7}"],
    ]);
    assert_eq!(
        places(&bytes),
        [at(2, "评议人"), at(4, "被评议单位"), at(4, "意见")]
    );
    assert!(errors(&bytes)[0].2.contains("控制字符"));
}

#[test]
fn the_same_ballot_twice() {
    let bytes = ballots(&[
        &["企业", "a", "u", "满意"],
        &["基层", "a", "u", "满意"],
        &["企业", "a", "v", "满意"],
        &["enterprise", " a ", "u", "不满意"],
    ]);
    assert_eq!(
        errors(&bytes),
        [(
            5,
            String::new(),
            "与第 2 行重复：同一评议人对同一被评议单位只能有一张评议票".into()
        )]
    );
}

#[test]
fn every_problem_in_row_order() {
    let bytes = ballots(&[
        &["企业", "a", "u", "好"],
        &["企业", "a", "u", "满意"],
        &["企业", "a", "u", "满意"],
        &["", "", "", "", "x"],
    ]);
    assert_eq!(
        places(&bytes),
        [
            at(2, "评价等级"),
            at(3, ""),
            at(4, ""),
            at(5, "评议组别"),
            at(5, "评议人"),
            at(5, "被评议单位"),
            at(5, "评价等级"),
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
    let help_only = book(&[(HELP_SHEET, &[HEAD, &["企业", "a", "u", "满意"]])]);
    assert!(whole(&help_only).message.contains("“评议票”"));
    // A sheet without rows, or with only blank ones, holds no ballots.
    let empty = book(&[(SHEET, &[])]);
    let blank = ballots(&[&["", "  "]]);
    for b in [empty, blank] {
        let e = read(&b).unwrap_err();
        assert_eq!((e[0].sheet.as_str(), e[0].row), (SHEET, 0));
        assert_eq!(e[0].message, "没有评议票数据");
    }
}
