//! `tuijin bench`: the whole dashboard (every target with its breakdowns by
//! township and unit) at the campaign's last day, timed as medians over
//! several runs: loading the facts, the reference engine, building the
//! aggregates, the dashboard from them; with `--duckdb` the same KPIs written
//! as SQL in DuckDB on the same data (exported as CSV), side by side, checked
//! figure by figure; with `--write` a month of statistics for every
//! enterprise written through the store and the next dashboard read.

use anyhow::{Context, bail};
use domain::campaign::Formula;
use domain::targets::fast::Aggregates;
use domain::targets::{Actual, Dimension, Facts, Outcome, Part, breakdown, evaluate};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;
use store::campaigns::Target;
use store::{Actor, Store};

/// The DuckDB side, run by python3.
const DUCKDB_SCRIPT: &str = include_str!("../../../bench/duckdb_kpis.py");

pub struct Options {
    pub runs: usize,
    pub load_runs: usize,
    pub duckdb: bool,
    pub write: bool,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[v.len() / 2]
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Times `f` `runs` times; the median in ms and the last result.
fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut v = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        last = Some(std::hint::black_box(f()));
        v.push(ms(t));
    }
    (median(v), last.expect("one run"))
}

pub async fn run(s: &Store, o: Options) -> anyhow::Result<()> {
    let c = s.current_campaign().await?.context("数据库中没有活动")?;
    let targets = s.targets(c.id).await?;
    let formulas: Vec<Formula> = targets.iter().map(|t| t.formula.clone()).collect();
    let year = c.year;
    let as_of = chrono::NaiveDate::from_ymd_opt(year, 12, 31).context("年度")?;
    println!(
        "数据库：{:?}；活动 {}（{} 年），{} 项目标，截至 {as_of}",
        s.backend(),
        c.code,
        year,
        targets.len()
    );

    // 1. Loading the facts from the database (what start-up costs).
    let mut load = Vec::new();
    let mut raw = None;
    for _ in 0..o.load_runs.max(1) {
        let t = Instant::now();
        raw = Some(s.kpi_facts().await?);
        load.push(ms(t));
    }
    let mut facts = raw.context("facts")?;
    println!(
        "数据：{} 个项目，{} 宗地块，{} 条月度投资，{} 家企业，{} 条企业月度统计",
        facts.projects.len(),
        facts.parcels.len(),
        facts.investments.len(),
        facts.enterprises.len(),
        facts.stats.len()
    );
    let export = if o.duckdb {
        Some(export_csv(&facts)?)
    } else {
        None
    };
    let t = Instant::now();
    facts.fold_and_drop_rows();
    let fold = ms(t);

    // 2. The reference engine over the facts in memory.
    let (reference_ms, _) = timed(o.runs, || {
        for t in &targets {
            std::hint::black_box(evaluate(&t.formula, t.value, year, as_of, &facts));
            for dim in [Dimension::Township, Dimension::Unit] {
                std::hint::black_box(breakdown(&t.formula, t.value, year, as_of, &facts, dim));
            }
        }
    });

    // 3. The fast path: aggregates once per version of the facts, then the
    // dashboard at any date from them.
    let (build_ms, agg) = timed(o.runs, || Aggregates::build(&facts, year, &formulas));
    let fast_runs = o.runs.max(20);
    let (dash_ms, _) = timed(fast_runs, || dashboard_figures(&agg, &targets, as_of));
    let (json_ms, body) = timed(fast_runs, || {
        serde_json::to_vec(&web::targets::dashboard(&agg, targets.clone(), year, as_of))
            .map(|v| v.len())
    });

    // The fast path must give the reference engine's figures, all of them.
    for t in &targets {
        let want = evaluate(&t.formula, t.value, year, as_of, &facts);
        let got = agg.outcome(&t.formula, t.value, as_of);
        if figures_of(&got) != figures_of(&want) {
            bail!("目标 {} 的快速计算与参考引擎不一致", t.code);
        }
        for dim in [Dimension::Township, Dimension::Unit] {
            if agg.breakdown(&t.formula, t.value, as_of, dim)
                != breakdown(&t.formula, t.value, year, as_of, &facts, dim)
            {
                bail!("目标 {} 的分解与参考引擎不一致", t.code);
            }
        }
    }

    println!(
        "从数据库载入全部事实（冷）                 中位数 {:>10.1} ms（{} 次）",
        median(load),
        o.load_runs.max(1)
    );
    println!("按企业、年度汇总月度统计（载入后一次）     {fold:>10.1} ms");
    println!(
        "参考引擎：{} 项目标及按镇街、单位分解      中位数 {:>10.1} ms（{} 次）",
        targets.len(),
        reference_ms,
        o.runs
    );
    println!(
        "建立看板汇总（每次写入后一次）             中位数 {:>10.2} ms（{} 次）",
        build_ms, o.runs
    );
    println!(
        "看板：{} 项目标及按镇街、单位分解          中位数 {:>10.3} ms（{} 次）",
        targets.len(),
        dash_ms,
        fast_runs
    );
    println!(
        "看板含 JSON（{} 字节）                  中位数 {:>10.3} ms（{} 次）",
        body.unwrap_or(0),
        json_ms,
        fast_runs
    );
    println!("快速计算与参考引擎逐项一致（总数与全部分解）");
    // The demo's 2006 pipeline is generated at every `serve --demo`.
    let demo_ms = median(
        (0..o.runs.max(1))
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(domain::demo::longwan_2006());
                ms(t)
            })
            .collect(),
    );
    println!("生成演示项目数据（longwan_2006）            中位数 {demo_ms:>10.2} ms");
    {
        use std::hash::{Hash, Hasher};
        // The same on every backend when the figures are (compare the runs).
        let text = our_figures(&agg, &targets, as_of).to_string();
        let mut h = std::hash::DefaultHasher::new();
        text.hash(&mut h);
        println!("看板数字指纹（各后端应相同）：{:016x}", h.finish());
    }

    if let Some(dir) = export {
        duckdb_side_by_side(&dir, &agg, &targets, year, as_of, o.runs, dash_ms, build_ms)?;
        let _ = std::fs::remove_dir_all(&dir);
    }

    if o.write {
        write_then_read(s, &targets, &formulas, year, as_of).await?;
    }
    Ok(())
}

/// Every target and both breakdowns from the aggregates.
fn dashboard_figures(
    agg: &Aggregates,
    targets: &[Target],
    as_of: chrono::NaiveDate,
) -> Vec<(Outcome, Vec<Part>, Vec<Part>)> {
    targets
        .iter()
        .map(|t| {
            (
                agg.outcome(&t.formula, t.value, as_of),
                agg.breakdown(&t.formula, t.value, as_of, Dimension::Township),
                agg.breakdown(&t.formula, t.value, as_of, Dimension::Unit),
            )
        })
        .collect()
}

/// An outcome's figures without the record lists.
fn figures_of(o: &Outcome) -> String {
    let mut o = o.clone();
    o.members.clear();
    o.reached.clear();
    format!("{o:?}")
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Writes the facts as CSV files for DuckDB into a fresh temporary folder.
fn export_csv(f: &Facts) -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("tuijin-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let t = Instant::now();
    let file = |name: &str, header: &str| -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
        let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join(name))?);
        writeln!(w, "{header}")?;
        Ok(w)
    };
    // Codes are letters and digits; quoted anyway so "" stays an empty code.
    let mut w = file("stats.csv", "enterprise_id,year,month,output,sales")?;
    for r in &f.stats {
        writeln!(
            w,
            "{},{},{},{},{}",
            r.enterprise_id, r.period.year, r.period.month, r.output_value_yuan, r.sales_value_yuan
        )?;
    }
    w.flush()?;
    let mut w = file("enterprises.csv", "id,township")?;
    let mut a = file("above.csv", "enterprise_id,year")?;
    for e in &f.enterprises {
        writeln!(w, "{},\"{}\"", e.id, e.township)?;
        for y in &e.above_scale_years {
            writeln!(a, "{},{y}", e.id)?;
        }
    }
    w.flush()?;
    a.flush()?;
    let mut w = file(
        "projects.csv",
        "id,kind,key_project,area,reserved_on,approved_on,land_supplied_on,started_on,in_production_on,planned_year,township,unit",
    )?;
    for p in &f.projects {
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},\"{}\",\"{}\"",
            p.id,
            p.kind.map(|k| k.as_str()).unwrap_or(""),
            i32::from(p.key_project),
            p.land_area_millimu,
            date(p.reserved_on),
            date(p.approved_on),
            date(p.land_supplied_on),
            date(p.started_on),
            date(p.in_production_on),
            p.planned_completion_year
                .map(|y| y.to_string())
                .unwrap_or_default(),
            p.township,
            p.unit
        )?;
    }
    w.flush()?;
    let mut w = file("investments.csv", "project_id,year,month,yuan")?;
    for i in &f.investments {
        writeln!(
            w,
            "{},{},{},{}",
            i.project_id, i.period.year, i.period.month, i.yuan
        )?;
    }
    w.flush()?;
    let mut w = file(
        "parcels.csv",
        "id,area,expropriated_on,supplied_on,township",
    )?;
    for p in &f.parcels {
        writeln!(
            w,
            "{},{},{},{},\"{}\"",
            p.id,
            p.area_millimu,
            date(p.expropriated_on),
            date(p.supplied_on),
            p.township
        )?;
    }
    w.flush()?;
    let mut w = file("brands.csv", "id,level,status,granted_on")?;
    for b in &f.brands {
        writeln!(
            w,
            "{},{},{},{}",
            b.id,
            b.level.as_str(),
            b.status.as_str(),
            date(b.granted_on)
        )?;
    }
    w.flush()?;
    std::fs::write(dir.join("duckdb_kpis.py"), DUCKDB_SCRIPT)?;
    println!(
        "已导出 CSV 供 DuckDB 使用：{}（{:.1} 秒）",
        dir.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(dir)
}

/// Our figures in the DuckDB script's shape.
fn our_figures(agg: &Aggregates, targets: &[Target], as_of: chrono::NaiveDate) -> Value {
    let mut out = serde_json::Map::new();
    for t in targets {
        let o = agg.outcome(&t.formula, t.value, as_of);
        let total: Vec<i64> = match (&t.formula, o.actual) {
            (Formula::Growth { .. }, _) | (Formula::CohortRate { .. }, _) => {
                let mut v = vec![o.numerator.unwrap_or(0), o.denominator.unwrap_or(0)];
                if let (Some(n), Some(d)) = (o.area_numerator_millimu, o.area_denominator_millimu) {
                    v.extend([n, d]);
                }
                v
            }
            (_, Some(Actual::Yuan(v) | Actual::Count(v))) => vec![v],
            _ => vec![],
        };
        let parts = |dim| -> BTreeMap<String, Vec<i64>> {
            agg.breakdown(&t.formula, t.value, as_of, dim)
                .into_iter()
                .map(|p| {
                    let v = match (p.numerator, p.denominator, p.actual) {
                        (Some(n), Some(d), _) => vec![n, d],
                        (_, _, Some(Actual::Yuan(v) | Actual::Count(v))) => vec![v],
                        _ => vec![],
                    };
                    (p.group, v)
                })
                .collect()
        };
        out.insert(
            t.code.clone(),
            json!({"total": total, "township": parts(Dimension::Township), "unit": parts(Dimension::Unit)}),
        );
    }
    Value::Object(out)
}

#[allow(clippy::too_many_arguments)]
fn duckdb_side_by_side(
    dir: &std::path::Path,
    agg: &Aggregates,
    targets: &[Target],
    year: i32,
    as_of: chrono::NaiveDate,
    runs: usize,
    dash_ms: f64,
    build_ms: f64,
) -> anyhow::Result<()> {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import duckdb"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        println!("DuckDB：未运行（需要 python3 与 duckdb：pip install duckdb）");
        return Ok(());
    }
    let out = std::process::Command::new("python3")
        .arg(dir.join("duckdb_kpis.py"))
        .arg(dir)
        .arg(year.to_string())
        .arg(as_of.to_string())
        .arg(runs.max(1).to_string())
        .output()
        .context("运行 python3")?;
    if !out.status.success() {
        bail!("DuckDB 脚本失败：{}", String::from_utf8_lossy(&out.stderr));
    }
    let v: Value = serde_json::from_slice(&out.stdout).context("DuckDB 脚本的输出")?;
    let duck_ms = v["median_ms"].as_f64().context("median_ms")?;
    let theirs = &v["figures"];
    let ours = our_figures(agg, targets, as_of);
    let mut differ = Vec::new();
    for t in targets {
        let (a, b) = (&ours[&t.code], &theirs[&t.code]);
        for k in ["total", "township", "unit"] {
            // DuckDB's figures are checked where the script computes them.
            if b[k] != a[k] && !(k == "unit" && b[k].as_object().is_some_and(|m| m.is_empty())) {
                differ.push(format!("{}.{k}", t.code));
            }
        }
    }
    println!(
        "DuckDB {}（同一数据，同样的指标写成 SQL，表已载入）中位数 {:>10.1} ms（{} 次）",
        v["duckdb"].as_str().unwrap_or("?"),
        duck_ms,
        runs.max(1)
    );
    println!(
        "本系统看板 / DuckDB = {:.5}（{:.3} ms / {:.1} ms）；含重建汇总 = {:.4}（{:.2} ms）",
        dash_ms / duck_ms,
        dash_ms,
        duck_ms,
        (dash_ms + build_ms) / duck_ms,
        dash_ms + build_ms
    );
    if let Some(per) = v["per_query_ms"].as_object() {
        let parts: Vec<String> = per
            .iter()
            .map(|(k, v)| format!("{k} {:.1}", v.as_f64().unwrap_or(0.0)))
            .collect();
        println!("  DuckDB 各查询中位数（ms）：{}", parts.join("，"));
    }
    if differ.is_empty() {
        println!("DuckDB 的数字与本系统逐项一致（11 项总数与按镇街、单位分解）");
        Ok(())
    } else {
        bail!("DuckDB 的数字与本系统不一致：{}", differ.join("，"))
    }
}

/// A month of statistics for every enterprise through the store, then the
/// next dashboard read; then one revised figure and the read that shows it.
async fn write_then_read(
    s: &Store,
    targets: &[Target],
    formulas: &[Formula],
    year: i32,
    as_of: chrono::NaiveDate,
) -> anyhow::Result<()> {
    use domain::enterprises::CreditCode;
    use domain::enterprises::input::Stat;
    use domain::projects::Period;
    let t = Instant::now();
    let facts = s.kpi_facts_cached().await?;
    println!(
        "写入测试：先载入内存中的事实（启动时一次）  {:>10.1} ms",
        ms(t)
    );
    let enterprises = s.enterprises().await?;
    let jan = |e: i64| -> (i64, i64) {
        let y = facts.enterprise_years();
        y.binary_search_by_key(&(e, year), |r| (r.enterprise_id, r.year))
            .map(|i| (y[i].output[0], y[i].sales[0]))
            .unwrap_or((0, 0))
    };
    let stat = |code: &str, period: Period, output: i64, sales: i64| -> anyhow::Result<Stat> {
        Ok(Stat {
            credit_code: CreditCode::parse(code).map_err(anyhow::Error::msg)?,
            period,
            output_value_yuan: output,
            sales_value_yuan: sales,
            electricity_kwh: 0,
            energy_kgce: 0,
            tax_yuan: 0,
            employees: 0,
            land_millimu: 0,
        })
    };
    // The next January, with this January's figures.
    let next = Period {
        year: year + 1,
        month: 1,
    };
    let rows = enterprises
        .iter()
        .map(|e| {
            let (o, sv) = jan(e.id);
            stat(&e.credit_code, next, o, sv)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    drop(facts);
    let actor = Actor::system("tuijin bench --write");
    let t = Instant::now();
    let r = s.upsert_stats(&actor, &rows).await?;
    println!(
        "写入 {next} 月度统计 {} 家企业（新增 {}，修订 {}，未变 {}）   {:>10.1} ms",
        rows.len(),
        r.created,
        r.updated,
        r.unchanged,
        ms(t)
    );
    let read = |label: &'static str| async move {
        let t = Instant::now();
        let agg = s.kpi_aggregates(year, formulas).await?;
        let d = dashboard_figures(&agg, targets, as_of);
        println!("{label}{:>10.1} ms", ms(t));
        anyhow::Ok(d)
    };
    read("写入后第一次读取看板（重建汇总 + 计算）       ").await?;
    read("再次读取看板（汇总已在）                       ").await?;

    // One enterprise's December revised: the dashboard shows it at once.
    let e = enterprises.first().context("没有企业")?;
    let before = read("修订前读取看板                                 ").await?;
    let dec = Period { year, month: 12 };
    let f = s.kpi_facts_cached().await?;
    let (o, sv) = {
        let y = f.enterprise_years();
        y.binary_search_by_key(&(e.id, year), |r| (r.enterprise_id, r.year))
            .map(|i| (y[i].output[11], y[i].sales[11]))
            .unwrap_or((0, 0))
    };
    drop(f);
    let t = Instant::now();
    s.upsert_stats(&actor, &[stat(&e.credit_code, dec, o + 1_000, sv)?])
        .await?;
    println!(
        "修订一家企业 {dec} 的产值（+1000 元）              {:>10.1} ms",
        ms(t)
    );
    let after = read("修订后第一次读取看板                           ").await?;
    let total = |d: &[(Outcome, Vec<Part>, Vec<Part>)]| {
        d.iter()
            .zip(targets)
            .find(|(_, t)| t.code == "total_output_growth")
            .and_then(|(o, _)| o.0.numerator)
    };
    let (b, a) = (total(&before), total(&after));
    println!(
        "总产值（本年累计）修订前 {:?}，修订后 {:?}：{}",
        b,
        a,
        if a.zip(b).map(|(a, b)| a - b) == Some(1_000) {
            "看板已反映这次写入"
        } else {
            "未反映！"
        }
    );
    // Put the figure back, so the bench can run again on the same data.
    s.upsert_stats(&actor, &[stat(&e.credit_code, dec, o, sv)?])
        .await?;
    Ok(())
}
