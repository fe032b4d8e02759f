use super::*;
use chrono::NaiveDate;
use domain::enterprises::input::Stat;
use domain::projects::{Dates, Milestone, ProjectKind, ProjectStatus};
use rust_xlsxwriter::{ExcelDateTime, Format};

/// A cell of a test workbook.
enum V {
    T(&'static str),
    N(f64),
    D(u16, u8, u8),
    B,
}
use V::*;

fn book(sheets: &[(&str, Vec<Vec<V>>)]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    T(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    N(f) => {
                        ws.write_number(r, c, *f).unwrap();
                    }
                    D(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_datetime_with_format(r, c, dt, &date).unwrap();
                    }
                    B => {}
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The records read, each with its row (what was sent is checked elsewhere).
fn recs<T: Clone>(v: &[(usize, Patch<T>)]) -> Vec<(usize, T)> {
    v.iter().map(|(r, p)| (*r, p.record.clone())).collect()
}

fn headers(hs: &[&'static str]) -> Vec<V> {
    hs.iter().map(|h| T(h)).collect()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn project(code: &str, name: &str, township: &str, kind: ProjectKind) -> Project {
    Project {
        code: code.into(),
        national_code: String::new(),
        name: name.into(),
        enterprise_credit_code: String::new(),
        enterprise_name: String::new(),
        township_code: township.into(),
        kind,
        key_project: false,
        planned_investment_yuan: 0,
        land_area_millimu: 0,
        responsible_unit_code: String::new(),
        responsible_person: String::new(),
        responsible_phone: String::new(),
        pre_phase_funding_yuan: 0,
        notes: String::new(),
        dates: Dates::default(),
        variance_note: String::new(),
        planned_completion_year: None,
        status: ProjectStatus::Active,
        status_on: None,
        status_reason: String::new(),
    }
}

const PROGRESS_HEADERS: &[&str] = &["项目编号*", "月份*", "当月完成投资（元）*", "进展说明"];
const PARCEL_HEADERS: &[&str] = &[
    "地块编号*",
    "所在镇街*",
    "面积（亩）*",
    "征收日期",
    "供地日期",
    "供地项目编号",
    "备注",
];

#[test]
fn date_cells_and_numbers() {
    let bytes = book(&[
        ("填写说明", vec![vec![T("随便写点什么"), N(1.0)]]),
        (
            "项目",
            vec![
                headers(&[
                    "项目名称*",
                    " 项目编号 * ",
                    "所在镇街",
                    "项目类型*",
                    "重点项目",
                    "计划总投资(元)",
                    "用地面积（亩）",
                    "联系电话",
                    "入库日期",
                    "立项日期",
                    "供地日期",
                    "计划开工日期",
                    "计划竣工年度",
                ]),
                vec![
                    T("龙湾阀门扩产项目"),
                    T("LW2006-001"),
                    T(" 沙城镇 "),
                    T("工业项目"),
                    T("是"),
                    N(50_000_000.0),
                    N(1455.739),
                    N(13805770001.0),
                    D(2005, 3, 1),
                    D(2005, 5, 10),
                    D(2005, 12, 20),
                    D(2006, 3, 1),
                    N(2006.0),
                ],
                vec![T("  "), B, B],
                vec![
                    T("技改项目甲"),
                    N(2006002.0),
                    T("永中街道"),
                    T("技改项目"),
                    B,
                    B,
                    N(0.001),
                ],
            ],
        ),
        (
            "月度进展",
            vec![
                headers(PROGRESS_HEADERS),
                vec![
                    T("LW2006-001"),
                    D(2006, 3, 15),
                    N(1_200_000.0),
                    T("厂房主体施工"),
                ],
            ],
        ),
        (
            "地块",
            vec![
                headers(PARCEL_HEADERS),
                vec![
                    T("DK-01"),
                    T("沙城镇"),
                    N(1550.0),
                    D(2005, 6, 1),
                    D(2005, 12, 20),
                    T("LW2006-001"),
                ],
            ],
        ),
    ]);
    // The date cells reach the reader as Excel dates, not bare numbers.
    let mut raw = open_workbook_auto_from_rs(Cursor::new(&bytes[..])).unwrap();
    let range = raw.worksheet_range("项目").unwrap();
    assert!(matches!(range.get_value((1, 8)), Some(Data::DateTime(_))));
    let wb = read(&bytes).unwrap();

    let mut a = project(
        "LW2006-001",
        "龙湾阀门扩产项目",
        "沙城镇",
        ProjectKind::Industrial,
    );
    a.key_project = true;
    a.planned_investment_yuan = 50_000_000;
    a.land_area_millimu = 1_455_739;
    a.responsible_phone = "13805770001".into();
    a.dates.actual[Milestone::Reserved.index()] = Some(day(2005, 3, 1));
    a.dates.actual[Milestone::Approved.index()] = Some(day(2005, 5, 10));
    a.dates.actual[Milestone::LandSupplied.index()] = Some(day(2005, 12, 20));
    a.dates.planned[Milestone::Started.index()] = Some(day(2006, 3, 1));
    a.planned_completion_year = Some(2006);
    let mut b = project(
        "2006002",
        "技改项目甲",
        "永中街道",
        ProjectKind::TechRenovation,
    );
    b.land_area_millimu = 1;
    assert_eq!(recs(&wb.projects), vec![(2, a), (4, b)]);

    assert_eq!(
        wb.progress,
        vec![(
            2,
            ProgressInput {
                project_code: "LW2006-001".into(),
                period: Period {
                    year: 2006,
                    month: 3
                },
                investment_yuan: 1_200_000,
                note: "厂房主体施工".into(),
            }
        )]
    );
    assert_eq!(
        recs(&wb.parcels),
        vec![(
            2,
            Parcel {
                code: "DK-01".into(),
                township_code: "沙城镇".into(),
                area_millimu: 1_550_000,
                expropriated_on: Some(day(2005, 6, 1)),
                supplied_on: Some(day(2005, 12, 20)),
                project_code: "LW2006-001".into(),
                notes: String::new(),
            }
        )]
    );
}

#[test]
fn everything_as_text() {
    let bytes = book(&[
        (
            "项目",
            vec![
                headers(&[
                    "项目编号*",
                    "项目名称*",
                    "所在镇街*",
                    "项目类型*",
                    "重点项目",
                    "计划总投资（元）",
                    "用地面积（亩）",
                    "责任单位",
                    "联系电话",
                    "立项日期",
                    "开工日期",
                    "计划开工日期",
                    "延误原因",
                    "状态",
                    "状态日期",
                    "状态原因",
                ]),
                vec![
                    T("LW-2"),
                    T("汽摩配项目"),
                    T("shacheng"),
                    T("industrial"),
                    T("Y"),
                    T("50,000,000"),
                    T("1455.739"),
                    T("区经贸(交通)局"),
                    T("0577-86888888"),
                    T("2006/3/5"),
                    T("2006年5月10日"),
                    T("2006-04-30"),
                    T("审批延迟"),
                    T("暂缓"),
                    T("2006-06-01"),
                    T("资金未到位"),
                ],
            ],
        ),
        (
            "月度进展",
            vec![
                headers(PROGRESS_HEADERS),
                vec![T("LW-2"), T("2006-03"), T("1,200,000"), B],
                vec![T("LW-2"), T("2006年4月"), T("0"), T("停工")],
            ],
        ),
        (
            "地块",
            vec![
                headers(PARCEL_HEADERS),
                vec![
                    T("DK-2"),
                    T("永中街道"),
                    T("0.001"),
                    T("2005-06-01"),
                    B,
                    B,
                    T("零星地块"),
                ],
            ],
        ),
    ]);
    let wb = read(&bytes).unwrap();
    let mut p = project("LW-2", "汽摩配项目", "shacheng", ProjectKind::Industrial);
    p.key_project = true;
    p.planned_investment_yuan = 50_000_000;
    p.land_area_millimu = 1_455_739;
    p.responsible_unit_code = "区经贸(交通)局".into();
    p.responsible_phone = "0577-86888888".into();
    p.dates.actual[Milestone::Approved.index()] = Some(day(2006, 3, 5));
    p.dates.actual[Milestone::Started.index()] = Some(day(2006, 5, 10));
    p.dates.planned[Milestone::Started.index()] = Some(day(2006, 4, 30));
    p.variance_note = "审批延迟".into();
    p.status = ProjectStatus::Suspended;
    p.status_on = Some(day(2006, 6, 1));
    p.status_reason = "资金未到位".into();
    assert_eq!(recs(&wb.projects), vec![(2, p)]);
    let got: Vec<(usize, String, i64, &str)> = wb
        .progress
        .iter()
        .map(|(r, e)| (*r, e.period.to_string(), e.investment_yuan, e.note.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "2006-03".to_string(), 1_200_000, ""),
            (3, "2006-04".to_string(), 0, "停工")
        ]
    );
    assert_eq!(wb.parcels.len(), 1);
    assert_eq!(wb.parcels[0].1.record.area_millimu, 1);
    assert_eq!(
        wb.parcels[0].1.record.expropriated_on,
        Some(day(2005, 6, 1))
    );
    assert_eq!(wb.parcels[0].1.record.notes, "零星地块");
}

#[test]
fn every_problem_is_reported_with_its_place() {
    let bytes = book(&[
        (
            "地块",
            vec![
                headers(&["地块编号*", "所在镇街*", "供地日期"]),
                vec![T("DK-1"), T("沙城镇"), T("2006-13-01")],
            ],
        ),
        (
            "项目",
            vec![
                headers(&[
                    "项目编号*",
                    "项目名称*",
                    "所在镇街*",
                    "项目类型*",
                    "计划总投资（元）",
                    "用地面积（亩）",
                    "立项日期",
                    "开工日期",
                    "负责人电话",
                ]),
                vec![
                    T("P-1"),
                    T("甲"),
                    T("沙城镇"),
                    T("工业项目"),
                    B,
                    B,
                    T("2006-05-01"),
                    T("2006-04-01"),
                    T("x"),
                ],
                vec![T("P-2"), T("乙"), T("沙城镇"), T("工厂"), B, T("-5")],
                vec![T("P-1"), T("丙"), T("沙城镇"), T("技改项目"), N(12.5)],
                vec![T("P-3"), B, T("沙城镇"), T("技改项目")],
            ],
        ),
        (
            "月度进展",
            vec![
                headers(&["项目编号", "月份", "当月完成投资（元）"]),
                vec![T("P-1"), T("2006-03"), N(12.5)],
                vec![T("P-1"), D(2006, 3, 20), N(100.0)],
            ],
        ),
    ]);
    let errs = read(&bytes).unwrap_err();
    let got: Vec<(&str, usize, &str)> = errs
        .iter()
        .map(|e| (e.sheet.as_str(), e.row, e.column.as_str()))
        .collect();
    // Rules of the whole record (dates in order, no negative area, a new
    // project's name) are checked on the merged record by the store; the
    // reader reports what a row shows alone. 面积 is not a key column: a
    // sheet without it may update stored parcels.
    assert_eq!(
        got,
        vec![
            ("项目", 1, "负责人电话"),
            ("项目", 3, "项目类型"),
            ("项目", 4, "项目编号"),
            ("项目", 4, "计划总投资（元）"),
            ("月度进展", 2, "当月完成投资（元）"),
            ("月度进展", 3, "月份"),
            ("地块", 2, "供地日期"),
        ],
        "{errs:#?}"
    );
    let msg = |i: usize| errs[i].message.as_str();
    assert!(msg(0).contains("未知的列"), "{}", msg(0));
    assert!(msg(1).contains("工厂"), "{}", msg(1));
    assert!(msg(2).contains("与第 2 行重复"), "{}", msg(2));
    assert!(msg(3).contains("12.5"), "{}", msg(3));
    assert!(msg(5).contains("与第 2 行重复"), "{}", msg(5));
    assert!(msg(6).contains("2006-13-01"), "{}", msg(6));
}

#[test]
fn files_without_import_sheets_or_not_excel() {
    // A sheet under another name (项目（6月）) is refused by name, and no
    // expected sheet is found.
    let errs = read(&book(&[("项目（6月）", vec![headers(&["项目编号"])])])).unwrap_err();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!((errs[0].sheet.as_str(), errs[0].row), ("项目（6月）", 0));
    assert!(
        errs[0].message.contains("“项目（6月）”不是可导入的工作表"),
        "{}",
        errs[0].message
    );
    assert_eq!((errs[1].sheet.as_str(), errs[1].row), ("", 0));
    for name in ["项目", "月度进展", "地块"] {
        assert!(errs[1].message.contains(name), "{}", errs[1].message);
    }
    let errs = read(b"not a spreadsheet").unwrap_err();
    assert!(errs[0].message.contains("无法读取"));
}

#[test]
fn header_must_be_row_one_and_empty_sheets_are_skipped() {
    let errs = read(&book(&[(
        "项目",
        vec![vec![], headers(&["项目编号*", "项目名称*"])],
    )]))
    .unwrap_err();
    assert_eq!((errs[0].row, errs[0].column.as_str()), (1, ""));
    let wb = read(&book(&[
        ("地块", vec![]),
        ("月度进展", vec![headers(PROGRESS_HEADERS)]),
    ]))
    .unwrap();
    assert_eq!(wb, Workbook::default());
}

#[test]
fn template_round_trips() {
    let bytes = template();
    assert_eq!(read(&bytes), Ok(Workbook::default()));
    let mut book = open_workbook_auto_from_rs(Cursor::new(&bytes[..])).unwrap();
    assert_eq!(book.sheet_names(), ["项目", "月度进展", "地块", "填写说明"]);
    let range = book.worksheet_range("项目").unwrap();
    let first: Vec<String> = (0..4)
        .map(|c| range.get_value((0, c)).unwrap().to_string())
        .collect();
    assert_eq!(
        first,
        [
            "项目编号*",
            "全国项目代码",
            "项目名称*",
            "企业统一社会信用代码"
        ]
    );
    let help = book.worksheet_range("填写说明").unwrap();
    let text: String = help.cells().map(|(_, _, d)| d.to_string()).collect();
    for needle in [
        "计划总投资（元）",
        "亩",
        "2006年3月5日",
        "组织单位",
        "不会导入",
        "重复导入",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
}

#[test]
fn columns_by_field() {
    assert_eq!(column_for(Sheet::Projects, "started_on"), "开工日期");
    assert_eq!(
        column_for(Sheet::Projects, "planned_started_on"),
        "计划开工日期"
    );
    assert_eq!(column_for(Sheet::Projects, "township_code"), "所在镇街");
    assert_eq!(
        column_for(Sheet::Projects, "land_area_millimu"),
        "用地面积（亩）"
    );
    assert_eq!(column_for(Sheet::Projects, "variance_note"), "延误原因");
    assert_eq!(column_for(Sheet::Projects, "code"), "项目编号");
    assert_eq!(
        column_for(Sheet::Progress, "investment_completed_yuan"),
        "当月完成投资（元）"
    );
    assert_eq!(
        column_for(Sheet::Progress, "investment_yuan"),
        "当月完成投资（元）"
    );
    assert_eq!(column_for(Sheet::Progress, "project_code"), "项目编号");
    assert_eq!(column_for(Sheet::Progress, "period"), "月份");
    assert_eq!(column_for(Sheet::Parcels, "area_millimu"), "面积（亩）");
    assert_eq!(column_for(Sheet::Parcels, "code"), "地块编号");
    assert_eq!(column_for(Sheet::Parcels, "project_code"), "供地项目编号");
    assert_eq!(column_for(Sheet::Parcels, "nonsense"), "");
    assert_eq!(Sheet::Progress.name(), "月度进展");
}

// ---- 月度统计 (read_stats) ----

const STATS_HEADERS: &[&str] = &[
    "统一社会信用代码*",
    "企业名称",
    "月份*",
    "工业总产值（元）*",
    "销售产值（元）*",
    "用电量（千瓦时）",
    "综合能耗（千克标准煤）",
    "税收（元）",
    "从业人员（人）",
    "用地面积（亩）",
];

fn month(year: i32, month: u32) -> Period {
    Period { year, month }
}

fn stat(code: &str, period: Period, output: i64, sales: i64) -> Stat {
    Stat {
        credit_code: domain::enterprises::CreditCode::parse(code).unwrap(),
        period,
        output_value_yuan: output,
        sales_value_yuan: sales,
        electricity_kwh: 0,
        energy_kgce: 0,
        tax_yuan: 0,
        employees: 0,
        land_millimu: 0,
    }
}

#[test]
fn stats_with_numbers_text_and_date_cells() {
    let bytes = book(&[
        ("填写说明", vec![vec![T("说明"), N(1.0)]]),
        (
            "月度统计",
            vec![
                headers(&[
                    "月份 *",
                    "统一社会信用代码",
                    "企业名称",
                    "工业总产值(元)*",
                    "销售产值（元）＊",
                    "用电量(千瓦时)",
                    "综合能耗（千克标准煤）",
                    "税收（元）",
                    "从业人员（人）",
                    "用地面积(亩)",
                ]),
                vec![
                    T("2006-03"),
                    T("91350100M000100Y43"),
                    T("某阀门有限公司"),
                    N(12_000_000.0),
                    N(11_500_000.0),
                    N(350_000.0),
                    N(42_000.0),
                    N(600_000.0),
                    N(120.0),
                    N(1455.739),
                ],
                vec![T(" "), B, T("")],
                vec![
                    D(2006, 4, 15),
                    T(" 91330000142916567n "),
                    B,
                    T("12,000,000"),
                    T("11500000.00"),
                    T("350，000"),
                    B,
                    T("0"),
                    T("120"),
                    T("0.001"),
                ],
                vec![T("2006年3月"), T("D2143569-X"), T("旧企业"), N(0.0), N(0.0)],
                // The same enterprise, another month.
                vec![T("2006/4"), T("91350100M000100Y43"), B, N(1.0), N(2.0)],
            ],
        ),
    ]);
    let mut a = stat("91350100M000100Y43", month(2006, 3), 12_000_000, 11_500_000);
    a.electricity_kwh = 350_000;
    a.energy_kgce = 42_000;
    a.tax_yuan = 600_000;
    a.employees = 120;
    a.land_millimu = 1_455_739;
    let mut b = stat("91330000142916567N", month(2006, 4), 12_000_000, 11_500_000);
    b.electricity_kwh = 350_000;
    b.employees = 120;
    b.land_millimu = 1;
    let c = stat("D2143569X", month(2006, 3), 0, 0);
    let d = stat("91350100M000100Y43", month(2006, 4), 1, 2);
    assert_eq!(
        read_stats(&bytes).map(|b| recs(&b.rows)),
        Ok(vec![(2, a), (4, b), (5, c), (6, d)])
    );
    // The project workbook reader does not take a 月度统计 sheet.
    let errs = read(&bytes).unwrap_err();
    assert_eq!((errs.len(), errs[0].row), (2, 0), "{errs:?}");
}

#[test]
fn stats_every_problem_is_reported_with_its_place() {
    let bytes = book(&[(
        "月度统计",
        vec![
            headers(&[
                "统一社会信用代码*",
                "企业名称",
                "月份*",
                "工业总产值（元）*",
                "用电量（千瓦时）",
                "用地面积（亩）",
                "备注",
            ]),
            vec![T("91350100M000100Y44"), T("甲"), T("2006-03"), N(100.0)],
            vec![T("91350100M000100Y43"), B, T("2006-13"), N(100.0)],
            vec![T("91350100M000100Y43"), B, T("2006-03"), N(-5.0), N(12.5)],
            vec![
                T("91350100M000100Y43"),
                B,
                D(2006, 3, 31),
                N(100.0),
                B,
                T("-1.5"),
            ],
            vec![B, T("乙"), T("2006-05"), N(1.0)],
            // A bad code is not also a duplicate of row 2.
            vec![T("91350100M000100Y44"), B, T("2006-03"), N(1.0)],
            vec![T("91350100M000100Y43"), B, T("2006-06"), T("100.5")],
        ],
    )]);
    let errs = read_stats(&bytes).unwrap_err();
    let got: Vec<(&str, usize, &str)> = errs
        .iter()
        .map(|e| (e.sheet.as_str(), e.row, e.column.as_str()))
        .collect();
    let s = "月度统计";
    assert_eq!(
        got,
        vec![
            (s, 1, "备注"),
            (s, 2, "统一社会信用代码"),
            (s, 3, "月份"),
            (s, 4, "工业总产值（元）"),
            (s, 4, "用电量（千瓦时）"),
            (s, 5, "月份"),
            (s, 5, "用地面积（亩）"),
            (s, 6, "统一社会信用代码"),
            (s, 7, "统一社会信用代码"),
            (s, 8, "工业总产值（元）"),
        ],
        "{errs:#?}"
    );
    let msg = |i: usize| errs[i].message.as_str();
    assert!(msg(0).contains("未知的列“备注”"), "{}", msg(0));
    assert!(msg(1).contains("校验位错误（应为“3”）"), "{}", msg(1));
    assert!(msg(2).contains("2006-13"), "{}", msg(2));
    assert_eq!(msg(3), "不能为负数");
    assert_eq!(msg(4), "“12.5”不是整数（应填写整数）");
    assert_eq!(msg(5), "企业“91350100M000100Y43”2006-03的统计与第 4 行重复");
    assert_eq!(msg(6), "不能为负数");
    assert_eq!(msg(7), "统一社会信用代码不能为空");
    assert!(msg(8).contains("校验位错误"), "{}", msg(8));
    assert!(msg(9).contains("100.5"), "{}", msg(9));
}

#[test]
fn stats_sheet_choice() {
    let rows = || {
        vec![
            headers(&[
                "统一社会信用代码",
                "月份",
                "工业总产值（元）",
                "销售产值（元）",
            ]),
            vec![T("D2143569X"), T("2006-03"), N(1.0), T("x")],
        ]
    };
    // The only sheet is read whatever its name, and problems name it.
    let errs = read_stats(&book(&[(" Sheet1 ", rows())])).unwrap_err();
    assert_eq!(
        (errs[0].sheet.as_str(), errs[0].row, errs[0].column.as_str()),
        ("Sheet1", 2, "销售产值（元）")
    );
    // Several sheets, none named 月度统计: a whole-file problem.
    let errs = read_stats(&book(&[("Sheet1", rows()), ("Sheet2", vec![])])).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].sheet.as_str(), errs[0].row), ("", 0));
    assert!(
        errs[0].message.contains("“月度统计”"),
        "{}",
        errs[0].message
    );
    // 月度统计 is found among others; another sheet holding data is refused.
    let errs = read_stats(&book(&[
        ("月度进展", vec![headers(PROGRESS_HEADERS)]),
        ("月度统计", rows()),
    ]))
    .unwrap_err();
    assert_eq!(errs[0].sheet, "月度进展");
    assert!(
        errs[0].message.contains("不是可导入的工作表"),
        "{}",
        errs[0].message
    );
    assert_eq!(errs[1].sheet, "月度统计");
    let errs = read_stats(b"not a spreadsheet").unwrap_err();
    assert!(errs[0].message.contains("无法读取"));
    assert_eq!(column_for(Sheet::Stats, "land_millimu"), "用地面积（亩）");
    assert_eq!(column_for(Sheet::Stats, "credit_code"), "统一社会信用代码");
    assert!(!Sheet::ALL.contains(&Sheet::Stats));
}

#[test]
fn stats_template_round_trips() {
    let bytes = stats_template();
    assert_eq!(read_stats(&bytes).map(|b| b.rows), Ok(vec![]));
    // Not a project workbook.
    assert!(read(&bytes).is_err());
    let mut book = open_workbook_auto_from_rs(Cursor::new(&bytes[..])).unwrap();
    assert_eq!(book.sheet_names(), ["月度统计", "填写说明"]);
    let range = book.worksheet_range("月度统计").unwrap();
    let header: Vec<String> = (0..STATS_HEADERS.len() as u32)
        .map(|c| range.get_value((0, c)).unwrap().to_string())
        .collect();
    assert_eq!(header, STATS_HEADERS);
    let help = book.worksheet_range("填写说明").unwrap();
    let text: String = help.cells().map(|(_, _, d)| d.to_string()).collect();
    for needle in [
        "元",
        "千瓦时",
        "千克标准煤",
        "亩",
        "3 位小数",
        "YYYY-MM",
        "每家企业每个月填写一行",
        "新修订版本",
        "以最新导入的为准",
        "整个文件都不会导入",
        "重复导入不会产生任何变化",
        "综合能耗（千克标准煤）",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
}

/// A valid USCC for `n`: the check character found by trial.
fn uscc(n: u32) -> String {
    let body = format!("9133030{n:010}");
    "0123456789ABCDEFGHJKLMNPQRTUWXY"
        .chars()
        .map(|c| format!("{body}{c}"))
        .find(|c| domain::enterprises::CreditCode::parse(c).is_ok())
        .unwrap()
}

/// A 月度统计 workbook of `rows` rows: 20 months for each enterprise; with
/// `all`, every column (else only the required ones and 用地面积).
fn stats_book(rows: u32, all: bool) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("月度统计").unwrap();
    let hs: Vec<&str> = if all {
        STATS_HEADERS.to_vec()
    } else {
        vec![
            "统一社会信用代码*",
            "月份*",
            "工业总产值（元）*",
            "销售产值（元）*",
            "用地面积（亩）",
        ]
    };
    for (c, h) in hs.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let mut code = String::new();
    for i in 0..rows {
        let r = i + 1;
        if i % 20 == 0 {
            code = uscc(i / 20);
        }
        let period = format!("{}-{:02}", 2005 + i % 20 / 12, i % 12 + 1);
        let mut c = 0u16..;
        ws.write_string(r, c.next().unwrap(), &code).unwrap();
        if all {
            ws.write_string(r, c.next().unwrap(), "某某机械制造有限公司")
                .unwrap();
        }
        ws.write_string(r, c.next().unwrap(), &period).unwrap();
        let mut numbers = vec![f64::from(i) * 1000.0, f64::from(i) * 900.0];
        if all {
            numbers.extend([350_000.0, 42_000.0, 600_000.0, 120.0]);
        }
        numbers.push(f64::from(i % 1000) + 0.125);
        for v in numbers {
            ws.write_number(r, c.next().unwrap(), v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn stats_many_rows() {
    let bytes = stats_book(20_000, false);
    let start = std::time::Instant::now();
    let stats = recs(&read_stats(&bytes).unwrap().rows);
    eprintln!("read_stats, 20,000 rows: {:?}", start.elapsed());
    assert_eq!(stats.len(), 20_000);
    let (row, s) = &stats[19_999];
    assert_eq!(*row, 20_001);
    assert_eq!(s.credit_code.as_str(), uscc(999));
    assert_eq!(s.period, month(2006, 8));
    assert_eq!(
        (s.output_value_yuan, s.sales_value_yuan),
        (19_999_000, 17_999_100)
    );
    assert_eq!(s.land_millimu, 999_125);
    let (row, s) = &stats[12];
    assert_eq!(*row, 14);
    assert_eq!(
        (s.credit_code.as_str(), s.period),
        (uscc(0).as_str(), month(2006, 1))
    );
    assert_eq!(s.land_millimu, 12_125);
}

/// Timing only: `cargo test -p office --release -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_read_stats_100k() {
    let bytes = stats_book(100_000, true);
    let start = std::time::Instant::now();
    let stats = recs(&read_stats(&bytes).unwrap().rows);
    println!(
        "read_stats, 100,000 rows x 10 columns ({} KB): {:?}",
        bytes.len() / 1024,
        start.elapsed()
    );
    assert_eq!(stats.len(), 100_000);
}
