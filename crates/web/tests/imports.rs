//! Excel import through the page: the template, a good workbook (names and
//! codes, date cells and dates as text, exact mu), idempotent re-import, a bad
//! workbook reported cell by cell with nothing written, and scoping.

mod common;

use chrono::NaiveDate;
use common::{TestApp, spawn_app};
use domain::projects::Milestone;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use store::audit::AuditFilter;

/// One cell of a test workbook.
enum C {
    /// Text.
    S(&'static str),
    /// A number cell.
    N(f64),
    /// A real Excel date cell.
    D(u16, u8, u8),
    /// Nothing.
    E,
}

use C::{D, E, N, S};

/// A sheet: its name, the header row, the data rows.
type SheetDef = (&'static str, Vec<&'static str>, Vec<Vec<C>>);

fn xlsx(sheets: Vec<SheetDef>) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, header, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    S(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    D(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                    }
                    E => {}
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

const PROJECT_HEADER: [&str; 10] = [
    "项目编号*",
    "项目名称*",
    "所在镇街*",
    "项目类型*",
    "用地面积（亩）",
    "责任单位",
    "供地日期",
    "开工日期",
    "计划竣工年度",
    "备注",
];
const PROGRESS_HEADER: [&str; 4] = ["项目编号*", "月份*", "当月完成投资（元）*", "进展说明"];
// Without the "*": the reader ignores it either way.
const PARCEL_HEADER: [&str; 6] = [
    "地块编号",
    "所在镇街",
    "面积（亩）",
    "征收日期",
    "供地日期",
    "供地项目编号",
];

/// Three projects, three progress rows, two parcels (one supplied to IMP-1).
fn good_workbook() -> Vec<u8> {
    xlsx(vec![
        (
            "项目",
            PROJECT_HEADER.to_vec(),
            vec![
                vec![
                    S("IMP-1"),
                    S("龙湾泵阀产业园"),
                    S("永中街道"),
                    S("工业项目"),
                    N(12.345),
                    S("区发改局"),
                    D(2006, 2, 1),
                    S("2006/3/5"),
                    N(2006.0),
                    S("按名称填写镇街和单位"),
                ],
                vec![
                    S("IMP-2"),
                    S("沙城电机厂房"),
                    S("shacheng"),
                    S("industrial"),
                    S("5"),
                    S("land"),
                    S("2006/1/10"),
                    D(2006, 4, 1),
                    E,
                    E,
                ],
                vec![
                    S("IMP-3"),
                    S("瑶溪技改"),
                    S("瑶溪镇"),
                    S("技改项目"),
                    E,
                    S("区经贸(交通)局"),
                    E,
                    E,
                    S("2006年"),
                    E,
                ],
            ],
        ),
        (
            "月度进展",
            PROGRESS_HEADER.to_vec(),
            vec![
                vec![S("IMP-1"), S("2006-03"), N(1_000_000.0), E],
                vec![S("IMP-1"), S("2006年4月"), S("1,200,000"), S("设备进场")],
                vec![S("IMP-2"), D(2006, 4, 15), N(500_000.0), E],
            ],
        ),
        (
            "地块",
            PARCEL_HEADER.to_vec(),
            vec![
                vec![
                    S("DK-1"),
                    S("永中街道"),
                    N(1455.739),
                    D(2005, 5, 1),
                    S("2006/2/1"),
                    S("IMP-1"),
                ],
                vec![S("DK-2"), S("shacheng"), S("20"), S("2005-08-01"), E, E],
            ],
        ),
    ])
}

/// Uploads a file through the import form; gives the status and the page.
async fn upload(c: &reqwest::Client, app: &TestApp, csrf: &str, bytes: Vec<u8>) -> (u16, String) {
    upload_to(c, app, "/import", csrf, bytes).await
}

/// Uploads a file through an import form at `path`.
async fn upload_to(
    c: &reqwest::Client,
    app: &TestApp,
    path: &str,
    csrf: &str,
    bytes: Vec<u8>,
) -> (u16, String) {
    let boundary = "tuijin-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"book.xlsx\"\r\n\
         Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = c
        .post(app.url(&format!("{path}?csrf={csrf}")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The rows of the error table: sheet, row, column, message.
fn error_rows(html: &str) -> Vec<[String; 4]> {
    let Some(i) = html.find("id=\"error-table\"") else {
        return vec![];
    };
    let table = &html[i..html[i..].find("</table>").map_or(html.len(), |j| i + j)];
    let body = table.split("<tbody>").nth(1).unwrap_or("");
    body.split("<tr>")
        .skip(1)
        .map(|tr| {
            let cells: Vec<String> = tr
                .split("<td>")
                .skip(1)
                .map(|td| td.split("</td>").next().unwrap().trim().to_string())
                .collect();
            assert_eq!(cells.len(), 4, "four cells in {tr}");
            [
                cells[0].clone(),
                cells[1].clone(),
                cells[2].clone(),
                cells[3].clone(),
            ]
        })
        .collect()
}

/// Whether an error for this sheet, row and column whose message contains
/// `needle` is listed.
fn listed(rows: &[[String; 4]], sheet: &str, row: usize, column: &str, needle: &str) -> bool {
    rows.iter().any(|r| {
        r[0] == sheet && r[1] == row.to_string() && r[2] == column && r[3].contains(needle)
    })
}

async fn audit_total(app: &TestApp) -> i64 {
    app.store
        .audit_log(&AuditFilter::default(), 0, 1)
        .await
        .unwrap()
        .1
}

async fn counts(app: &TestApp) -> (usize, usize) {
    (
        app.store.projects().await.unwrap().len(),
        app.store.parcels().await.unwrap().len(),
    )
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[tokio::test]
async fn the_template_downloads_and_imports_nothing() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let r = c
        .get(app.url("/import/template.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"),
        "an xlsx content type"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    assert_eq!(&bytes[..2], b"PK", "a zip (xlsx) file");

    let page = c.get(app.url("/import")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("/import/template.xlsx"));

    let before = audit_total(&app).await;
    let (s, html) = upload(&c, &app, &csrf, bytes).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("导入成功"), "{html}");
    assert!(
        html.contains("项目：新建 0，更新 0，未变 0")
            && html.contains("月度进展：新建 0，更新 0，未变 0")
            && html.contains("地块：新建 0，更新 0，未变 0"),
        "{html}"
    );
    assert_eq!(counts(&app).await, (0, 0));
    assert_eq!(audit_total(&app).await, before);
}

#[tokio::test]
async fn a_good_workbook_imports_exactly_and_reimporting_changes_nothing() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let book = good_workbook();
    let (s, html) = upload(&c, &app, &csrf, book.clone()).await;
    assert_eq!(s, 200, "{html}");
    assert!(error_rows(&html).is_empty(), "{:?}", error_rows(&html));
    assert!(html.contains("book.xlsx 导入成功"), "{html}");
    assert!(html.contains("项目：新建 3，更新 0，未变 0"), "{html}");
    assert!(html.contains("月度进展：新建 3，更新 0，未变 0"), "{html}");
    assert!(html.contains("地块：新建 2，更新 0，未变 0"), "{html}");

    // Names became codes, dates from date cells and from text, mu exact.
    let p1 = app.store.project("IMP-1").await.unwrap().unwrap();
    assert_eq!(p1.project.township_code, "yongzhong");
    assert_eq!(p1.project.responsible_unit_code, "drc");
    assert_eq!(
        p1.project.land_area_millimu, 12_345,
        "12.345 mu kept exactly"
    );
    assert_eq!(
        p1.project.dates.actual(Milestone::LandSupplied),
        day(2006, 2, 1)
    );
    assert_eq!(p1.project.dates.actual(Milestone::Started), day(2006, 3, 5));
    assert_eq!(p1.project.planned_completion_year, Some(2006));
    assert_eq!(p1.project.notes, "按名称填写镇街和单位");
    let p2 = app.store.project("IMP-2").await.unwrap().unwrap();
    assert_eq!(
        (
            p2.project.township_code.as_str(),
            p2.project.responsible_unit_code.as_str()
        ),
        ("shacheng", "land")
    );
    assert_eq!(p2.project.land_area_millimu, 5_000);
    assert_eq!(
        p2.project.dates.actual(Milestone::LandSupplied),
        day(2006, 1, 10)
    );
    assert_eq!(p2.project.dates.actual(Milestone::Started), day(2006, 4, 1));
    let p3 = app.store.project("IMP-3").await.unwrap().unwrap();
    assert_eq!(
        (
            p3.project.township_code.as_str(),
            p3.project.responsible_unit_code.as_str(),
            p3.project.kind.as_str()
        ),
        ("yaoxi", "economy", "tech_renovation")
    );

    let parcels = app.store.parcels().await.unwrap();
    assert_eq!(parcels.len(), 2);
    let d1 = &parcels[0].parcel;
    assert_eq!(
        (
            d1.code.as_str(),
            d1.township_code.as_str(),
            d1.area_millimu,
            d1.project_code.as_str()
        ),
        ("DK-1", "yongzhong", 1_455_739, "IMP-1")
    );
    assert_eq!(
        (d1.expropriated_on, d1.supplied_on),
        (day(2005, 5, 1), day(2006, 2, 1))
    );
    let d2 = &parcels[1].parcel;
    assert_eq!(
        (d2.code.as_str(), d2.area_millimu, d2.supplied_on),
        ("DK-2", 20_000, None)
    );

    let progress: Vec<(String, i64, String)> = app
        .store
        .progress(p1.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.period, r.investment_yuan, r.note))
        .collect();
    assert_eq!(
        progress,
        [
            ("2006-03".to_string(), 1_000_000, String::new()),
            ("2006-04".to_string(), 1_200_000, "设备进场".to_string())
        ]
    );
    let progress = app.store.progress(p2.id).await.unwrap();
    assert_eq!(
        (progress[0].period.as_str(), progress[0].investment_yuan),
        ("2006-04", 500_000),
        "a date cell in 月份 counts for its month"
    );

    // The same bytes again: nothing changes, nothing is logged.
    let before = audit_total(&app).await;
    let (s, html) = upload(&c, &app, &csrf, book).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("项目：新建 0，更新 0，未变 3"), "{html}");
    assert!(html.contains("月度进展：新建 0，更新 0，未变 3"), "{html}");
    assert!(html.contains("地块：新建 0，更新 0，未变 2"), "{html}");
    assert_eq!(
        audit_total(&app).await,
        before,
        "no audit rows on a re-import"
    );
    assert_eq!(counts(&app).await, (3, 2));
}

/// Every kind of problem at once, each in a known cell.
fn bad_workbook() -> Vec<u8> {
    xlsx(vec![
        (
            "项目",
            PROJECT_HEADER.to_vec(),
            vec![
                // Row 2: fine on its own.
                vec![
                    S("BAD-1"),
                    S("好项目"),
                    S("永中街道"),
                    S("工业项目"),
                    N(3.0),
                    S("区发改局"),
                    D(2006, 2, 1),
                    E,
                    E,
                    E,
                ],
                // Row 3: unknown township.
                vec![
                    S("BAD-2"),
                    S("火星项目"),
                    S("火星镇"),
                    S("工业项目"),
                    E,
                    S("区发改局"),
                    E,
                    E,
                    E,
                    E,
                ],
                // Row 4: started before the land was supplied.
                vec![
                    S("BAD-3"),
                    S("抢跑项目"),
                    S("shacheng"),
                    S("工业项目"),
                    N(5.0),
                    S("land"),
                    S("2006/3/1"),
                    D(2006, 2, 1),
                    E,
                    E,
                ],
                // Row 5: a negative area.
                vec![
                    S("BAD-4"),
                    S("负面积"),
                    S("shacheng"),
                    S("工业项目"),
                    N(-5.0),
                    S("land"),
                    E,
                    E,
                    E,
                    E,
                ],
                // Row 6: the code of row 2 again.
                vec![
                    S("BAD-1"),
                    S("重复编号"),
                    S("永中街道"),
                    S("工业项目"),
                    E,
                    S("drc"),
                    E,
                    E,
                    E,
                    E,
                ],
            ],
        ),
        (
            "月度进展",
            PROGRESS_HEADER.to_vec(),
            vec![
                // Row 2: a project that exists nowhere.
                vec![S("NOWHERE-9"), S("2006-03"), N(100.0), E],
                // Row 3: 12.5 yuan.
                vec![S("BAD-1"), S("2006-04"), N(12.5), E],
            ],
        ),
        (
            "地块",
            PARCEL_HEADER.to_vec(),
            vec![vec![S("DK-BAD"), S("永中街道"), N(-1.0), E, E, E]],
        ),
    ])
}

#[tokio::test]
async fn a_bad_workbook_lists_every_error_and_writes_nothing() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let before = (counts(&app).await, audit_total(&app).await);
    let (s, html) = upload(&c, &app, &csrf, bad_workbook()).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("未导入任何数据"), "{html}");
    let rows = error_rows(&html);
    for (sheet, row, column, needle) in [
        ("项目", 4, "开工日期", "早于供地日期"),
        ("项目", 5, "用地面积（亩）", "不能为负数"),
        ("项目", 6, "项目编号", "与第 2 行重复"),
        ("月度进展", 3, "当月完成投资（元）", "12.5"),
        ("地块", 2, "面积（亩）", "大于 0"),
    ] {
        assert!(
            listed(&rows, sheet, row, column, needle),
            "{sheet} row {row} {column}: {needle} in {rows:#?}"
        );
    }
    assert_eq!(
        (counts(&app).await, audit_total(&app).await),
        before,
        "nothing written"
    );
    // Problems found against the database (unknown names, missing projects)
    // belong in the same list as the problems of the cells themselves.
    let missing: Vec<&str> = [
        ("项目", 3, "所在镇街", "火星镇"),
        ("月度进展", 2, "项目编号", "NOWHERE-9"),
    ]
    .into_iter()
    .filter(|(sheet, row, column, needle)| !listed(&rows, sheet, *row, column, needle))
    .map(|(_, _, _, needle)| needle)
    .collect();
    assert!(
        missing.is_empty(),
        "every error in one list, also {missing:?}: {rows:#?}"
    );
}

#[tokio::test]
async fn reference_errors_are_shown_by_sheet_row_and_column() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    // Only problems the database can tell: the cells themselves are fine.
    let book = xlsx(vec![
        (
            "项目",
            PROJECT_HEADER.to_vec(),
            vec![
                vec![
                    S("REF-1"),
                    S("好项目"),
                    S("永中街道"),
                    S("工业项目"),
                    E,
                    S("区发改局"),
                    E,
                    E,
                    E,
                    E,
                ],
                vec![
                    S("REF-2"),
                    S("火星项目"),
                    S("火星镇"),
                    S("工业项目"),
                    E,
                    S("区月球局"),
                    E,
                    E,
                    E,
                    E,
                ],
            ],
        ),
        (
            "月度进展",
            PROGRESS_HEADER.to_vec(),
            vec![
                vec![S("REF-1"), S("2006-03"), N(100.0), E],
                vec![S("NOWHERE-9"), S("2006-03"), N(100.0), E],
            ],
        ),
        (
            "地块",
            PARCEL_HEADER.to_vec(),
            vec![
                vec![S("DK-R1"), S("永中街道"), N(1.0), E, E, E],
                vec![
                    S("DK-R2"),
                    S("永中街道"),
                    N(1.0),
                    E,
                    D(2006, 1, 1),
                    S("NOWHERE-8"),
                ],
            ],
        ),
    ]);
    let (s, html) = upload(&c, &app, &csrf, book).await;
    assert_eq!(s, 422, "{html}");
    let rows = error_rows(&html);
    for (sheet, row, column, needle) in [
        ("项目", 3, "所在镇街", "火星镇"),
        ("项目", 3, "责任单位", "区月球局"),
        ("月度进展", 3, "项目编号", "NOWHERE-9"),
        ("地块", 3, "供地项目编号", "NOWHERE-8"),
    ] {
        assert!(
            listed(&rows, sheet, row, column, needle),
            "{sheet} row {row} {column}: {needle} in {rows:#?}"
        );
    }
    assert_eq!(rows.len(), 4, "only the bad cells: {rows:#?}");
    assert_eq!(counts(&app).await, (0, 0), "nothing written");
}

#[tokio::test]
async fn unit_users_import_only_their_own_rows_and_leaders_not_at_all() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("tudi").await; // unit `land`
    let own = vec![
        S("LAND-1"),
        S("国土项目"),
        S("shacheng"),
        S("工业项目"),
        E,
        S("区国土资源分局"),
        E,
        E,
        E,
        E,
    ];
    let foreign = vec![
        S("DRC-1"),
        S("发改项目"),
        S("永中街道"),
        S("工业项目"),
        E,
        S("区发改局"),
        E,
        E,
        E,
        E,
    ];
    let book = xlsx(vec![("项目", PROJECT_HEADER.to_vec(), vec![own, foreign])]);
    let before = (counts(&app).await, audit_total(&app).await);
    let (s, html) = upload(&c, &app, &csrf, book).await;
    assert_eq!(s, 403, "{html}");
    let rows = error_rows(&html);
    assert!(
        rows.iter().any(|r| r[0] == "项目" && r[1] == "3"),
        "the foreign row is named: {rows:#?}"
    );
    assert!(
        !rows.iter().any(|r| r[1] == "2"),
        "the own row is fine: {rows:#?}"
    );
    assert_eq!(
        (counts(&app).await, audit_total(&app).await),
        before,
        "nothing written, not even the unit's own row"
    );

    // Their own rows alone are imported.
    let own_only = xlsx(vec![(
        "项目",
        PROJECT_HEADER.to_vec(),
        vec![vec![
            S("LAND-1"),
            S("国土项目"),
            S("shacheng"),
            S("工业项目"),
            E,
            S("区国土资源分局"),
            E,
            E,
            E,
            E,
        ]],
    )]);
    let (s, html) = upload(&c, &app, &csrf, own_only).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("项目：新建 1"), "{html}");

    let (leader, leader_csrf) = app.login("leader").await;
    assert_eq!(
        leader
            .get(app.url("/import"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let (s, _) = upload(&leader, &app, &leader_csrf, good_workbook()).await;
    assert_eq!(s, 403, "leaders import nothing");
    assert_eq!(counts(&app).await, (1, 0));
}

/// A 月度统计 workbook: (credit code, month, output, sales).
fn stats_book(rows: &[(&str, &str, i64, i64)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("月度统计").unwrap();
    for (i, h) in [
        "统一社会信用代码",
        "企业名称",
        "月份",
        "工业总产值（元）",
        "销售产值（元）",
        "从业人员（人）",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    for (r, (code, month, output, sales)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *code).unwrap();
        ws.write_string(r, 1, "某企业").unwrap();
        ws.write_string(r, 2, *month).unwrap();
        ws.write_number(r, 3, *output as f64).unwrap();
        ws.write_number(r, 4, *sales as f64).unwrap();
        ws.write_number(r, 5, 30.0).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn enterprise_statistics_import_all_or_nothing_with_revisions() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/enterprises"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"credit_code": "91350100M000100Y43", "name": "甲", "township_code": "yongzhong", "industry_code": "3443"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (c, csrf) = app.login("admin").await;
    let t = c
        .get(app.url("/enterprises/import/template.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(&t.bytes().await.unwrap()[..2], b"PK");

    let good = stats_book(&[
        ("91350100M000100Y43", "2006-01", 1000, 900),
        ("91350100M000100Y43", "2006-02", 1100, 1000),
    ]);
    let (s, html) = upload_to(&c, &app, "/enterprises/import", &csrf, good.clone()).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("新增 2 条，修订 0 条，未变 0 条"), "{html}");
    let (s, html) = upload_to(&c, &app, "/enterprises/import", &csrf, good).await;
    assert_eq!(s, 200);
    assert!(
        html.contains("新增 0 条，修订 0 条，未变 2 条"),
        "idempotent: {html}"
    );
    let revised = stats_book(&[
        ("91350100M000100Y43", "2006-01", 1000, 900),
        ("91350100M000100Y43", "2006-02", 1200, 1000),
    ]);
    let (_, html) = upload_to(&c, &app, "/enterprises/import", &csrf, revised).await;
    assert!(html.contains("修订 1 条"), "{html}");

    let bad = stats_book(&[
        ("91350100M000100Y44", "2006-03", 1, 1),
        ("91330000142916567N", "2006-03", 1, 1),
        ("91350100M000100Y43", "2006-13", 1, 1),
    ]);
    let (s, html) = upload_to(&c, &app, "/enterprises/import", &csrf, bad).await;
    assert_eq!(s, 422);
    assert!(html.contains("校验位错误"), "{html}");
    assert!(html.contains("2006-13"), "{html}");
    // The cell errors come first; an unregistered enterprise is found once the cells are right.
    let unknown = stats_book(&[("91330000142916567N", "2006-03", 1, 1)]);
    let (s, html) = upload_to(&c, &app, "/enterprises/import", &csrf, unknown).await;
    assert_eq!(s, 422);
    assert!(html.contains("尚未登记"), "{html}");
    let e = app
        .store
        .enterprise("91350100M000100Y43")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.store.stats_of(e.id).await.unwrap().len(),
        2,
        "nothing else written"
    );
    let (leader, leader_csrf) = app.login("leader").await;
    assert_eq!(
        upload_to(
            &leader,
            &app,
            "/enterprises/import",
            &leader_csrf,
            stats_book(&[])
        )
        .await
        .0,
        403
    );
}

/// A project as stored, by code.
async fn project(app: &TestApp, code: &str) -> domain::projects::Project {
    app.store.project(code).await.unwrap().unwrap().project
}

#[tokio::test]
async fn a_partial_sheet_changes_only_the_cells_it_fills() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let (s, html) = upload(&c, &app, &csrf, good_workbook()).await;
    assert_eq!(s, 200, "{html}");
    let (one, two) = (project(&app, "IMP-1").await, project(&app, "IMP-2").await);

    // Only 项目编号, 备注 and 开工日期: IMP-1 clears its start date, IMP-2 gets a
    // note; every other field (area, unit, dates, year ...) stays.
    let partial = xlsx(vec![(
        "项目",
        vec!["项目编号", "备注", "开工日期"],
        vec![
            vec![S("IMP-1"), E, S("清空")],
            vec![S("IMP-2"), S("补充说明"), E],
        ],
    )]);
    let (s, html) = upload(&c, &app, &csrf, partial).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("项目：新建 0，更新 2，未变 0"), "{html}");
    let mut want_one = one.clone();
    want_one.dates.actual[Milestone::Started.index()] = None;
    assert_eq!(project(&app, "IMP-1").await, want_one);
    let mut want_two = two.clone();
    want_two.notes = "补充说明".into();
    assert_eq!(project(&app, "IMP-2").await, want_two);

    // A new project still needs its required fields, named by column; a
    // required field cannot be cleared.
    let bad = xlsx(vec![(
        "项目",
        vec!["项目编号", "项目名称", "备注"],
        vec![
            vec![S("IMP-9"), E, S("只有备注")],
            vec![S("IMP-1"), S("清空"), E],
        ],
    )]);
    let (s, html) = upload(&c, &app, &csrf, bad).await;
    assert_eq!(s, 422, "{html}");
    let rows = error_rows(&html);
    assert!(
        listed(&rows, "项目", 2, "项目名称", "新项目须填写项目名称"),
        "{rows:?}"
    );
    assert!(
        listed(&rows, "项目", 2, "所在镇街", "新项目须填写所在镇街"),
        "{rows:?}"
    );
    assert!(listed(&rows, "项目", 3, "项目名称", "不能清空"), "{rows:?}");
    assert_eq!(project(&app, "IMP-1").await, want_one, "nothing written");

    // A parcel sheet without 面积 updates a stored parcel's note only.
    let before = app.store.parcel("DK-2").await.unwrap().unwrap().parcel;
    let parcels = xlsx(vec![(
        "地块",
        vec!["地块编号", "备注"],
        vec![vec![S("DK-2"), S("已复核")]],
    )]);
    let (s, html) = upload(&c, &app, &csrf, parcels).await;
    assert_eq!(s, 200, "{html}");
    let after = app.store.parcel("DK-2").await.unwrap().unwrap().parcel;
    assert_eq!(after.area_millimu, before.area_millimu);
    assert_eq!(after.expropriated_on, before.expropriated_on);
    assert_eq!(after.notes, "已复核");
}

#[tokio::test]
async fn misnamed_sheets_and_headers_are_refused_by_name() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let misnamed = xlsx(vec![(
        "项目（6月）",
        PROJECT_HEADER.to_vec(),
        vec![vec![S("IMP-1"), S("甲"), S("永中街道"), S("工业项目")]],
    )]);
    let (s, html) = upload(&c, &app, &csrf, misnamed).await;
    assert_eq!(s, 422, "{html}");
    assert!(
        html.contains("工作表“项目（6月）”不是可导入的工作表"),
        "{html}"
    );
    assert!(html.contains("文件中没有可导入的工作表"), "{html}");
    let blank_header = xlsx(vec![(
        "项目",
        vec!["项目编号", "项目名称", "所在镇街", "项目类型", ""],
        vec![vec![
            S("IMP-1"),
            S("甲"),
            S("永中街道"),
            S("工业项目"),
            S("丢失的数据"),
        ]],
    )]);
    let (s, html) = upload(&c, &app, &csrf, blank_header).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("第 E 列没有列名"), "{html}");
    assert_eq!(counts(&app).await, (0, 0));
}

/// A 月度统计 workbook of one enterprise and month with only these columns.
fn stats_cells(header: &[&str], row: Vec<C>) -> Vec<u8> {
    let mut h = vec!["统一社会信用代码", "月份"];
    h.extend_from_slice(header);
    let h: Vec<&'static str> = h
        .into_iter()
        .map(|s| &*Box::leak(s.to_string().into_boxed_str()))
        .collect();
    let mut cells = vec![S("91350100M000100Y43"), S("2006-03")];
    cells.extend(row);
    xlsx(vec![("月度统计", h, vec![cells])])
}

#[tokio::test]
async fn a_statistics_correction_keeps_the_figures_it_leaves_out() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/enterprises"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"credit_code": "91350100M000100Y43", "name": "甲", "township_code": "yongzhong", "industry_code": "3443"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (c, csrf) = app.login("admin").await;
    let full = stats_cells(
        &[
            "工业总产值（元）",
            "销售产值（元）",
            "用电量（千瓦时）",
            "税收（元）",
            "从业人员（人）",
        ],
        vec![N(1000.0), N(900.0), N(50.0), N(30.0), N(12.0)],
    );
    let (s, html) = upload_to(&c, &app, "/enterprises/import", &csrf, full).await;
    assert_eq!(s, 200, "{html}");
    // Only the output value corrected; the empty tax cell keeps its figure.
    let fix = stats_cells(&["工业总产值（元）", "税收（元）"], vec![N(1200.0), E]);
    let (s, html) = upload_to(&c, &app, "/enterprises/import", &csrf, fix).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("修订 1 条"), "{html}");
    let e = app
        .store
        .enterprise("91350100M000100Y43")
        .await
        .unwrap()
        .unwrap();
    let m = &app.store.stats_of(e.id).await.unwrap()[0];
    assert_eq!(
        (
            m.output_value_yuan,
            m.sales_value_yuan,
            m.electricity_kwh,
            m.tax_yuan,
            m.employees,
            m.revision
        ),
        (1200, 900, 50, 30, 12, 2)
    );
    // 清空 sets an optional figure to 0; a required one cannot be cleared.
    let clear = stats_cells(&["用电量（千瓦时）"], vec![S("清空")]);
    let (s, html) = upload_to(&c, &app, "/enterprises/import", &csrf, clear).await;
    assert_eq!(s, 200, "{html}");
    let m = &app.store.stats_of(e.id).await.unwrap()[0];
    assert_eq!((m.electricity_kwh, m.tax_yuan, m.revision), (0, 30, 3));
    let bad = stats_cells(&["销售产值（元）"], vec![S("清空")]);
    let (s, html) = upload_to(&c, &app, "/enterprises/import", &csrf, bad).await;
    assert_eq!(s, 422, "{html}");
    assert!(
        html.contains("销售产值是必填项，不能清空")
            || html.contains("销售产值（元）是必填项，不能清空"),
        "{html}"
    );
    // A new month needs both output values.
    let new_month = xlsx(vec![(
        "月度统计",
        vec!["统一社会信用代码", "月份", "税收（元）"],
        vec![vec![S("91350100M000100Y43"), S("2006-04"), N(5.0)]],
    )]);
    let (s, html) = upload_to(&c, &app, "/enterprises/import", &csrf, new_month).await;
    assert_eq!(s, 422, "{html}");
    assert!(html.contains("新月度统计须填写工业总产值"), "{html}");

    // The API merges the same way: null clears, absent keeps.
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/enterprise-stats"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"credit_code": "91350100M000100Y43", "period": "2006-03", "sales_value_yuan": 950, "tax_yuan": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let m = &app.store.stats_of(e.id).await.unwrap()[0];
    assert_eq!(
        (
            m.output_value_yuan,
            m.sales_value_yuan,
            m.tax_yuan,
            m.employees,
            m.revision
        ),
        (1200, 950, 0, 12, 4)
    );
}

#[tokio::test]
async fn a_partial_api_upsert_keeps_the_fields_it_leaves_out() {
    let app = spawn_app().await;
    let token = app.token("admin").await;
    let c = reqwest::Client::new();
    let post = |body: serde_json::Value| {
        let c = c.clone();
        let url = app.url("/api/v1/projects");
        let token = token.clone();
        async move {
            let r = c
                .post(url)
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (s, b) = post(serde_json::json!({
        "code": "API-1", "name": "阀门项目", "township_code": "yongzhong", "kind": "industrial",
        "planned_investment_yuan": 39_800_000, "land_area_millimu": 12_500, "notes": "原备注",
        "reserved_on": "2006-01-05", "approved_on": "2006-02-01", "planned_started_on": "2006-06-01"
    }))
    .await;
    assert_eq!(s, 200, "{b}");
    let before = project(&app, "API-1").await;
    let (s, b) = post(serde_json::json!({"code": "API-1", "responsible_person": "张三"})).await;
    assert_eq!(s, 200, "{b}");
    assert!(b.contains("\"updated\":1"), "{b}");
    let mut want = before.clone();
    want.responsible_person = "张三".into();
    assert_eq!(project(&app, "API-1").await, want, "nothing else changed");
    // null clears an optional field; a required one cannot be cleared.
    let (s, b) =
        post(serde_json::json!({"code": "API-1", "notes": null, "planned_started_on": null})).await;
    assert_eq!(s, 200, "{b}");
    want.notes.clear();
    want.dates.planned[Milestone::Started.index()] = None;
    assert_eq!(project(&app, "API-1").await, want);
    let (s, b) = post(serde_json::json!({"code": "API-1", "name": null})).await;
    assert_eq!(s, 422, "{b}");
    assert!(b.contains("项目名称是必填项，不能清空"), "{b}");
    // A new project needs its required fields.
    let (s, b) = post(serde_json::json!({"code": "API-2", "notes": "x"})).await;
    assert_eq!(s, 422, "{b}");
    assert!(b.contains("新项目须填写项目名称"), "{b}");
    // The limits: more than 10^13 yuan is refused, naming the field.
    let (s, b) = post(
        serde_json::json!({"code": "API-1", "planned_investment_yuan": 10_000_000_000_001i64}),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(b.contains("计划总投资超出上限"), "{b}");

    // Parcels merge the same way.
    let pc = |body: serde_json::Value| {
        let c = c.clone();
        let url = app.url("/api/v1/land-parcels");
        let token = token.clone();
        async move {
            let r = c
                .post(url)
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (s, b) = pc(serde_json::json!({"code": "DK-9", "township_code": "yongzhong", "area_millimu": 1500, "notes": "a"})).await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = pc(serde_json::json!({"code": "DK-9", "notes": "b"})).await;
    assert_eq!(s, 200, "{b}");
    let p = app.store.parcel("DK-9").await.unwrap().unwrap().parcel;
    assert_eq!((p.area_millimu, p.notes.as_str()), (1500, "b"));
}

/// Downloads a file.
async fn download(c: &reqwest::Client, app: &TestApp, path: &str) -> Vec<u8> {
    let r = c.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn exports_import_back_without_any_change() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let (s, html) = upload(&c, &app, &csrf, good_workbook()).await;
    assert_eq!(s, 200, "{html}");
    let projects = app.store.projects().await.unwrap();
    let parcels = app.store.parcels().await.unwrap();

    // The exports carry the template's headers, numbers and date cells.
    let xp = download(&c, &app, "/projects/export.xlsx").await;
    let book = office::import::read(&xp).unwrap();
    assert_eq!(book.projects.len(), 3);
    let xl = download(&c, &app, "/land-parcels/export.xlsx").await;
    assert_eq!(office::import::read(&xl).unwrap().parcels.len(), 2);
    let audit = audit_total(&app).await;
    let (s, html) = upload(&c, &app, &csrf, xp).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("项目：新建 0，更新 0，未变 3"), "{html}");
    let (s, html) = upload(&c, &app, &csrf, xl).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("地块：新建 0，更新 0，未变 2"), "{html}");
    assert_eq!(audit_total(&app).await, audit, "nothing written");
    let same = |a: &[store::projects::ProjectRecord], b: &[store::projects::ProjectRecord]| {
        a.iter()
            .map(|r| &r.project)
            .eq(b.iter().map(|r| &r.project))
    };
    assert!(same(&projects, &app.store.projects().await.unwrap()));
    assert!(
        parcels.iter().map(|r| &r.parcel).eq(app
            .store
            .parcels()
            .await
            .unwrap()
            .iter()
            .map(|r| &r.parcel))
    );

    // Statistics: export, import back, nothing changes; filters apply.
    let token = app.token("admin").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/enterprises"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"credit_code": "91350100M000100Y43", "name": "甲", "township_code": "yongzhong", "industry_code": "3443"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let months = stats_book(&[
        ("91350100M000100Y43", "2006-01", 1000, 900),
        ("91350100M000100Y43", "2006-02", 1100, 1000),
    ]);
    let (s, html) = upload_to(&c, &app, "/enterprises/import", &csrf, months).await;
    assert_eq!(s, 200, "{html}");
    let xs = download(&c, &app, "/enterprises/stats/export.xlsx").await;
    let rows = office::import::read_stats(&xs).unwrap().rows;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].1.record.output_value_yuan, 1100);
    assert_eq!(rows[1].1.record.employees, 30);
    let (s, html) = upload_to(&c, &app, "/enterprises/import", &csrf, xs).await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("新增 0 条，修订 0 条，未变 2 条"), "{html}");
    let feb = download(
        &c,
        &app,
        "/enterprises/stats/export.xlsx?from=2006-02&township=yongzhong",
    )
    .await;
    assert_eq!(office::import::read_stats(&feb).unwrap().rows.len(), 1);
    let none = download(&c, &app, "/enterprises/stats/export.xlsx?township=shacheng").await;
    assert_eq!(office::import::read_stats(&none).unwrap().rows.len(), 0);
    let r = c
        .get(app.url("/enterprises/stats/export.xlsx?from=2006-13"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (leader, _) = app.login("leader").await;
    let r = leader
        .get(app.url("/enterprises/stats/export.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
