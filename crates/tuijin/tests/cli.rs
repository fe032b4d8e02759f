//! The binary as an operator meets it: clear one-line errors and non-zero
//! exits for bad URLs, unreachable databases and busy ports; init, user add
//! and import.

use std::process::{Command, Output};

fn tuijin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuijin"))
        .args(args)
        .env_remove("TUIJIN_DATABASE_URL")
        .env_remove("TUIJIN_CONFIG")
        .env_remove("TUIJIN_LISTEN")
        .env_remove("TUIJIN_NEW_PASSWORD")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_clean_failure(o: &Output, expected: &str) {
    let e = stderr(o);
    assert!(!o.status.success(), "should fail: {e}");
    assert!(e.contains(expected), "stderr should say {expected:?}: {e}");
    assert!(!e.contains("panicked"), "no panic: {e}");
    assert_eq!(e.trim().lines().count(), 1, "one line: {e}");
}

#[test]
fn unknown_scheme_is_refused() {
    let o = tuijin(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        "mysql://root@localhost/x",
    ]);
    assert_clean_failure(&o, "不支持的数据库地址");
}

#[test]
fn unreachable_database_is_reported() {
    let o = tuijin(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        "postgres://postgres:secret@127.0.0.1:1/none",
    ]);
    assert_clean_failure(&o, "无法连接数据库");
    assert!(!stderr(&o).contains("secret"), "passwords are not printed");
}

#[test]
fn port_in_use_is_reported() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let o = tuijin(&[
        "serve",
        "--listen",
        &addr,
        "--database-url",
        "sqlite::memory:",
    ]);
    assert_clean_failure(&o, "端口已被占用");
}

#[test]
fn init_loads_the_template_once_and_user_add_creates_users() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let o = tuijin(&["init", "--template", "longwan-2006", "--database-url", &url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("5 个工作小组") && out.contains("11 项目标"),
        "{out}"
    );
    assert_clean_failure(
        &tuijin(&["init", "--template", "longwan-2006", "--database-url", &url]),
        "已有活动",
    );
    assert_clean_failure(
        &tuijin(&[
            "init",
            "--template",
            "shanghai-1990",
            "--database-url",
            &url,
        ]),
        "没有名为“shanghai-1990”的内置模板",
    );

    let o = tuijin(&[
        "user",
        "add",
        "--database-url",
        &url,
        "--username",
        "wang.jm",
        "--name",
        "王",
        "--role",
        "unit",
        "--unit",
        "economy",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("初始密码："));
    let o = tuijin(&[
        "user",
        "add",
        "--database-url",
        &url,
        "--username",
        "li.x",
        "--name",
        "李",
        "--role",
        "unit",
        "--unit",
        "mars",
    ]);
    assert_clean_failure(&o, "没有代码为“mars”的单位");
    let o = tuijin(&["migrate", "--database-url", &url]);
    assert!(o.status.success());
}

#[test]
fn config_example_is_valid_toml() {
    let o = tuijin(&["config", "example"]);
    assert!(o.status.success());
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tuijin.toml");
    std::fs::write(&p, &o.stdout).unwrap();
    let o = tuijin(&[
        "--config",
        p.to_str().unwrap(),
        "migrate",
        "--database-url",
        &format!("sqlite://{}", dir.path().join("x.db").display()),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(&p, "colour = \"red\"").unwrap();
    assert_clean_failure(
        &tuijin(&["--config", p.to_str().unwrap(), "migrate"]),
        "格式错误",
    );
}

/// A workbook with a 项目 sheet (code, name, township, kind, area, unit, land
/// date, start date) and a 月度进展 sheet (code, month, yuan).
fn workbook(projects: &[[&str; 8]], progress: &[(&str, &str, f64)]) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("项目").unwrap();
    for (c, h) in [
        "项目编号*",
        "项目名称*",
        "所在镇街*",
        "项目类型*",
        "用地面积（亩）",
        "责任单位",
        "供地日期",
        "开工日期",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in projects.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            if v.is_empty() {
                continue;
            }
            if c == 4 {
                ws.write_number(r, c, v.parse::<f64>().unwrap()).unwrap();
            } else if c == 6 && v.len() == 10 && v.as_bytes()[4] == b'-' {
                // A real date cell.
                let p = |i: std::ops::Range<usize>| v[i].parse::<u16>().unwrap();
                let dt = ExcelDateTime::from_ymd(p(0..4), p(5..7) as u8, p(8..10) as u8).unwrap();
                ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
            } else {
                ws.write_string(r, c, *v).unwrap();
            }
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("月度进展").unwrap();
    for (c, h) in ["项目编号*", "月份*", "当月完成投资（元）*"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (code, month, yuan)) in progress.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *code).unwrap();
        ws.write_string(r, 1, *month).unwrap();
        ws.write_number(r, 2, *yuan).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn import_writes_a_good_workbook_once_and_refuses_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let o = tuijin(&["init", "--template", "longwan-2006", "--database-url", &url]);
    assert!(o.status.success(), "{}", stderr(&o));

    let good = dir.path().join("good.xlsx");
    std::fs::write(
        &good,
        workbook(
            &[
                [
                    "CLI-1",
                    "永中泵阀",
                    "永中街道",
                    "工业项目",
                    "12.345",
                    "区发改局",
                    "2006-02-01",
                    "2006/3/5",
                ],
                [
                    "CLI-2",
                    "沙城技改",
                    "shacheng",
                    "技改项目",
                    "",
                    "land",
                    "",
                    "",
                ],
            ],
            &[("CLI-1", "2006-03", 1_000_000.0)],
        ),
    )
    .unwrap();
    let good = good.to_str().unwrap();
    let o = tuijin(&["import", good, "--database-url", &url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        out.contains("导入完成")
            && out.contains("项目 新建 2 更新 0 未变 0")
            && out.contains("月度进展 新建 1 更新 0 未变 0"),
        "{out}"
    );
    let o = tuijin(&["import", good, "--database-url", &url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        out.contains("导入完成")
            && out.contains("项目 新建 0 更新 0 未变 2")
            && out.contains("月度进展 新建 0 更新 0 未变 1")
            && out.contains("地块 新建 0 更新 0 未变 0"),
        "the same file again changes nothing: {out}"
    );

    let bad = dir.path().join("bad.xlsx");
    std::fs::write(
        &bad,
        workbook(
            &[
                // Row 2: fine.
                ["CLI-3", "新项目", "永中街道", "工业项目", "", "drc", "", ""],
                // Row 3: started before the land was supplied.
                [
                    "CLI-4",
                    "抢跑",
                    "shacheng",
                    "工业项目",
                    "5",
                    "land",
                    "2006-03-01",
                    "2006/2/1",
                ],
                // Row 4: a negative area.
                [
                    "CLI-5",
                    "负面积",
                    "shacheng",
                    "工业项目",
                    "-5",
                    "land",
                    "",
                    "",
                ],
            ],
            // Row 2: 12.5 yuan.
            &[("CLI-1", "2006-04", 12.5)],
        ),
    )
    .unwrap();
    let o = tuijin(&["import", bad.to_str().unwrap(), "--database-url", &url]);
    let e = stderr(&o);
    assert!(!o.status.success(), "a bad workbook fails: {e}");
    assert!(!e.contains("panicked"), "{e}");
    for line in [
        "工作表“项目”第 3 行“开工日期”列：",
        "工作表“项目”第 4 行“用地面积（亩）”列：",
        "工作表“月度进展”第 2 行“当月完成投资（元）”列：",
    ] {
        assert!(
            e.lines().any(|l| l.starts_with(line)),
            "stderr names {line}: {e}"
        );
    }
    let lines: Vec<&str> = e.trim().lines().collect();
    assert_eq!(lines.len(), 4, "three errors and the summary: {e}");
    assert!(
        lines.last().unwrap().contains("未导入任何数据")
            && lines.last().unwrap().contains("3 处错误"),
        "ends with the summary: {e}"
    );

    // Nothing of the bad file was written, not even its good row.
    let fixed = dir.path().join("fixed.xlsx");
    std::fs::write(
        &fixed,
        workbook(
            &[["CLI-3", "新项目", "永中街道", "工业项目", "", "drc", "", ""]],
            &[],
        ),
    )
    .unwrap();
    let o = tuijin(&["import", fixed.to_str().unwrap(), "--database-url", &url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.contains("项目 新建 1 更新 0 未变 0"), "{out}");
}
