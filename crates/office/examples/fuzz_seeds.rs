//! Writes seed workbooks for the reader's fuzz target (see docs/fuzzing.md):
//! `cargo run -p office --example fuzz_seeds -- DIR`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).ok_or("usage: fuzz_seeds DIR")?);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("template.xlsx"), office::import::template())?;
    std::fs::write(
        dir.join("stats-template.xlsx"),
        office::import::stats_template(),
    )?;
    let rows = vec![
        vec![
            "LW-1".into(),
            "".into(),
            "阀门".into(),
            office::xlsx::Cell::Int(5),
            office::xlsx::Cell::Number(1455.739),
            office::xlsx::Cell::Date(chrono::NaiveDate::from_ymd_opt(2006, 3, 5).ok_or("date")?),
            "清空".into(),
        ],
        vec!["LW-2".into()],
    ];
    let sheet = |name: &str| office::xlsx::Sheet {
        name: name.into(),
        headers: [
            "项目编号*",
            "",
            "项目名称",
            "计划总投资（元）",
            "用地面积（亩）",
            "开工日期",
            "备注",
        ]
        .map(String::from)
        .to_vec(),
        rows: rows.clone(),
    };
    std::fs::write(
        dir.join("partial.xlsx"),
        office::xlsx::write(&[sheet("项目"), sheet("项目（6月）")])?,
    )?;
    Ok(())
}
