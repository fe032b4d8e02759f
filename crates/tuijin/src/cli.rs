//! Commands: serve, init, migrate, user add, config example.

use crate::config;
use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use domain::campaign::template;
use std::path::PathBuf;
use store::{Actor, Store};

#[derive(Parser)]
#[command(
    name = "tuijin",
    version,
    about = "推进 Tuijin — 工业项目推进与企业服务平台"
)]
struct Cli {
    /// Configuration file (TOML); see `tuijin config example`.
    #[arg(long, env = "TUIJIN_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Db {
    /// Database URL: sqlite://FILE (default sqlite://tuijin.db) or postgres://...
    #[arg(long, env = "TUIJIN_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application.
    Serve {
        #[command(flatten)]
        db: Db,
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "TUIJIN_LISTEN")]
        listen: Option<String>,
        /// Use a fresh throwaway database with the 2006 Longwan campaign loaded.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (when served over HTTPS).
        #[arg(long, env = "TUIJIN_SECURE_COOKIES")]
        secure_cookies: Option<bool>,
    },
    /// Load a built-in campaign template into the database.
    Init {
        #[command(flatten)]
        db: Db,
        /// Template code, e.g. longwan-2006.
        #[arg(long)]
        template: String,
    },
    /// Import projects, monthly progress and parcels from an Excel file
    /// (the template's sheets 项目, 月度进展, 地块): all rows or none.
    Import {
        #[command(flatten)]
        db: Db,
        /// The .xlsx/.xls/.ods file.
        file: PathBuf,
        /// The file holds enterprise monthly statistics (sheet 月度统计).
        #[arg(long)]
        stats: bool,
    },
    /// Write the bulletin (通报) at a date as .docx: a draft, or with --issue
    /// numbered and stored like one issued on the bulletins page.
    Bulletin {
        #[command(flatten)]
        db: Db,
        /// The as-of date, YYYY-MM-DD (clamped to the campaign year).
        #[arg(long)]
        as_of: String,
        /// The date the bulletin bears (default: the as-of date).
        #[arg(long)]
        issued_on: Option<String>,
        /// Where to write the .docx (default: bulletin-<as-of>.docx).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Number and store it (it can then never change).
        #[arg(long)]
        issue: bool,
    },
    /// Fill a database with generated data for benchmarks (loads the
    /// longwan-2006 template first when the database has no campaign).
    Demo {
        #[command(flatten)]
        db: Db,
        /// province (200,000 enterprises, 4.8 million monthly rows, 100,000
        /// projects, 20,000 parcels), small, or district: the demo that
        /// `serve --demo` shows (with its users; password from
        /// TUIJIN_NEW_PASSWORD or generated and printed).
        #[arg(long, default_value = "province")]
        scale: String,
    },
    /// Measure the dashboard on the database: loading the facts, the
    /// reference engine, the aggregates and the dashboard from them (every
    /// target with its breakdowns); prints medians.
    Bench {
        #[command(flatten)]
        db: Db,
        /// How many runs to take the median of.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// How many times to load the facts from the database (slow).
        #[arg(long, default_value_t = 1)]
        load_runs: usize,
        /// Also run the same KPIs as SQL in DuckDB (python3 with duckdb) on
        /// the same data exported as CSV, check its figures and print the ratio.
        #[arg(long)]
        duckdb: bool,
        /// Also write a month of statistics for every enterprise (the next
        /// January) and revise one figure, timing the next dashboard reads.
        /// Changes the database: use a copy.
        #[arg(long)]
        write: bool,
    },
    /// Write a consistent backup of the whole database, also while the
    /// server runs: an SQLite file with every table, restorable into SQLite
    /// or PostgreSQL.
    Backup {
        #[command(flatten)]
        db: Db,
        /// The backup file to write (must not exist).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restore a backup into an empty database (SQLite or PostgreSQL), all
    /// tables or none.
    Restore {
        #[command(flatten)]
        db: Db,
        /// The backup file written by `tuijin backup`.
        file: std::path::PathBuf,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: Db,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password comes from TUIJIN_NEW_PASSWORD or is generated and printed.
    Add {
        #[command(flatten)]
        db: Db,
        #[arg(long)]
        username: String,
        /// Display name (姓名).
        #[arg(long)]
        name: String,
        /// admin, unit, leader, enterprise or expert (评审专家, scores fiscal-support applications).
        #[arg(long)]
        role: String,
        /// Org unit code, for role unit.
        #[arg(long)]
        unit: Option<String>,
        /// Unified social credit code, for role enterprise.
        #[arg(long)]
        enterprise: Option<String>,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print a documented example configuration file.
    Example,
}

fn init_logging(filter: Option<&str>) {
    let filter = std::env::var("TUIJIN_LOG")
        .ok()
        .or(filter.map(str::to_string))
        .unwrap_or_else(|| "info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&filter).unwrap_or_else(|_| "info".into()),
        )
        .with_target(false)
        .try_init();
}

/// One line per table: name, rows and the hash of its values, so that a
/// backup and its restore can be compared.
fn print_sums(sums: &[store::backup::TableSum]) {
    for t in sums {
        println!("{}\t{}\t{}", t.table, t.rows, t.hash);
    }
}

/// Runs the command line.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let file = config::load(cli.config.as_deref())?;
    let db_url = |db: &Db| {
        db.database_url
            .clone()
            .or(file.database_url.clone())
            .unwrap_or_else(|| "sqlite://tuijin.db".into())
    };
    match cli.command {
        Command::Config {
            command: ConfigCommand::Example,
        } => {
            print!("{}", config::EXAMPLE);
            Ok(())
        }
        Command::Import { db, file, stats } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("无法读取文件 {}", file.display()))?;
            let s = Store::connect(&db_url(&db)).await?;
            let actor = Actor::system(&format!("tuijin import {}", file.display()));
            if stats {
                let started = std::time::Instant::now();
                return match web::imports::import_stats(&s, &actor, &bytes).await {
                    Ok(done) => {
                        let r = done.report;
                        for n in &done.notices {
                            println!("提示：{n}");
                        }
                        println!(
                            "导入完成（{:.1} 秒）：月度统计 新增 {} 修订 {} 未变 {}",
                            started.elapsed().as_secs_f64(),
                            r.created,
                            r.updated,
                            r.unchanged
                        );
                        Ok(())
                    }
                    Err(
                        web::imports::ImportError::Cells(errs)
                        | web::imports::ImportError::Denied(errs),
                    ) => {
                        for e in &errs {
                            eprintln!(
                                "工作表“{}”第 {} 行“{}”列：{}",
                                e.sheet, e.row, e.column, e.message
                            );
                        }
                        bail!(
                            "{} 有 {} 处错误，未导入任何数据",
                            file.display(),
                            errs.len()
                        )
                    }
                    Err(web::imports::ImportError::Store(e)) => Err(e.into()),
                };
            }
            match web::imports::import_workbook(&s, &actor, &domain::users::Scope::All, &bytes)
                .await
            {
                Ok(done) => {
                    let r = done.report;
                    for n in &done.notices {
                        println!("提示：{n}");
                    }
                    println!(
                        "导入完成：项目 新建 {} 更新 {} 未变 {}；月度进展 新建 {} 更新 {} 未变 {}；地块 新建 {} 更新 {} 未变 {}",
                        r.projects.created,
                        r.projects.updated,
                        r.projects.unchanged,
                        r.progress.created,
                        r.progress.updated,
                        r.progress.unchanged,
                        r.parcels.created,
                        r.parcels.updated,
                        r.parcels.unchanged
                    );
                    Ok(())
                }
                Err(
                    web::imports::ImportError::Cells(errs)
                    | web::imports::ImportError::Denied(errs),
                ) => {
                    for e in &errs {
                        let place = if e.row > 0 {
                            format!("工作表“{}”第 {} 行", e.sheet, e.row)
                        } else {
                            format!("工作表“{}”", e.sheet)
                        };
                        let col = if e.column.is_empty() {
                            String::new()
                        } else {
                            format!("“{}”列", e.column)
                        };
                        eprintln!("{place}{col}：{}", e.message);
                    }
                    bail!(
                        "{} 有 {} 处错误，未导入任何数据",
                        file.display(),
                        errs.len()
                    )
                }
                Err(web::imports::ImportError::Store(e)) => Err(e.into()),
            }
        }
        Command::Bulletin {
            db,
            as_of,
            issued_on,
            out,
            issue,
        } => {
            let s = Store::connect(&db_url(&db)).await?;
            let c = s
                .current_campaign()
                .await?
                .context("数据库中没有活动：请先运行 tuijin init --template longwan-2006")?;
            let as_of_date = domain::projects::parse_date(&as_of).map_err(anyhow::Error::msg)?;
            let as_of_date = as_of_date.clamp(
                chrono::NaiveDate::from_ymd_opt(c.year, 1, 1).context("年度")?,
                chrono::NaiveDate::from_ymd_opt(c.year, 12, 31).context("年度")?,
            );
            let issued = match issued_on {
                Some(d) => domain::projects::parse_date(&d).map_err(anyhow::Error::msg)?,
                None => as_of_date,
            };
            let out = out.unwrap_or_else(|| PathBuf::from(format!("bulletin-{as_of_date}.docx")));
            let (bytes, number) = if issue {
                let b = web::bulletins::issue_bulletin(
                    &s,
                    &Actor::system("tuijin bulletin"),
                    &c,
                    as_of_date,
                    issued,
                    "",
                    "",
                )
                .await
                .map_err(|e| anyhow::anyhow!(e.message()))?;
                (
                    s.bulletin_docx(b.id).await?.context("通报文件")?,
                    b.doc_number,
                )
            } else {
                let doc = web::bulletins::compose(&s, &c, as_of_date, issued, "", "")
                    .await
                    .map_err(|e| anyhow::anyhow!(e.message()))?;
                (office_docx(&doc)?, "草稿（未编号）".to_string())
            };
            std::fs::write(&out, &bytes).with_context(|| format!("无法写入 {}", out.display()))?;
            println!(
                "已写出通报 {}：{}（截至 {as_of_date}，{} 字节）",
                number,
                out.display(),
                bytes.len()
            );
            Ok(())
        }
        Command::Demo { db, scale } if scale == "district" => {
            let s = Store::connect(&db_url(&db)).await?;
            if s.current_campaign().await?.is_some() {
                bail!("数据库中已有活动：演示数据只能载入空数据库");
            }
            let t = template::builtin("longwan-2006").map_err(anyhow::Error::msg)?;
            s.load_template(&Actor::system("演示"), &t).await?;
            crate::demo::load(&s).await?;
            let (pw, generated) = match std::env::var("TUIJIN_NEW_PASSWORD") {
                Ok(pw) => (pw, false),
                Err(_) => (store::users::random_token()[..12].to_string(), true),
            };
            s.ensure_admin(Some(&pw)).await?;
            crate::demo::create_users(&s, &pw).await?;
            if generated {
                println!(
                    "演示账号 admin、leader、jingmao、guotu、zhenjie、yinhang、qiye、zhuanjia 的密码：{pw}"
                );
            }
            Ok(())
        }
        Command::Backup { db, out } => {
            let s = Store::connect(&db_url(&db)).await?;
            let started = std::time::Instant::now();
            let sums = s.backup_to(&out).await?;
            print_sums(&sums);
            println!(
                "已备份到 {}：{} 张表，{} 行，{} 字节，用时 {:.1} 秒",
                out.display(),
                sums.len(),
                sums.iter().map(|t| t.rows).sum::<u64>(),
                std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Restore { db, file } => {
            let s = Store::connect(&db_url(&db)).await?;
            let started = std::time::Instant::now();
            let sums = s.restore_from(&file).await?;
            print_sums(&sums);
            println!(
                "已从 {} 恢复：{} 张表，{} 行，用时 {:.1} 秒",
                file.display(),
                sums.len(),
                sums.iter().map(|t| t.rows).sum::<u64>(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Demo { db, scale } => {
            let scale = match scale.as_str() {
                "province" => store::province::Scale::PROVINCE,
                "small" => store::province::Scale::SMALL,
                other => bail!("未知的规模“{other}”：可选 province、small 或 district"),
            };
            let s = Store::connect(&db_url(&db)).await?;
            if s.current_campaign().await?.is_none() {
                let t = template::builtin("longwan-2006").map_err(anyhow::Error::msg)?;
                s.load_template(&Actor::system("tuijin demo"), &t).await?;
            }
            let started = std::time::Instant::now();
            let g = s
                .generate_province(&Actor::system("tuijin demo --scale"), scale, &|m| {
                    eprintln!("  {m}（{:.0} 秒）", started.elapsed().as_secs_f64())
                })
                .await?;
            println!(
                "已生成：{} 家企业，{} 条月度统计，{} 个项目，{} 条月度投资，{} 宗地块；用时 {:.1} 秒",
                g.enterprises,
                g.stats,
                g.projects,
                g.progress,
                g.parcels,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Bench {
            db,
            runs,
            load_runs,
            duckdb,
            write,
        } => {
            let s = Store::connect(&db_url(&db)).await?;
            crate::bench::run(
                &s,
                crate::bench::Options {
                    runs,
                    load_runs,
                    duckdb,
                    write,
                },
            )
            .await
        }
        Command::Migrate { db } => {
            let url = db_url(&db);
            Store::connect(&url).await?;
            println!("数据库已是最新结构：{}", store::redact(&url));
            Ok(())
        }
        Command::Init { db, template } => {
            let t = template::builtin(&template).map_err(anyhow::Error::msg)?;
            let s = Store::connect(&db_url(&db)).await?;
            if s.current_campaign().await?.is_some() {
                bail!("数据库中已有活动；`tuijin init` 只用于空数据库");
            }
            let id = s.load_template(&Actor::system("tuijin init"), &t).await?;
            println!(
                "已载入模板 {template}：活动编号 {id}，{} 个单位，{} 个工作小组，{} 项目标",
                t.units.len(),
                t.working_groups.len(),
                t.targets.len()
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    username,
                    name,
                    role,
                    unit,
                    enterprise,
                },
        } => {
            let s = Store::connect(&db_url(&db)).await?;
            let nu = domain::users::parse_new_user(
                &username,
                &name,
                &role,
                unit.as_deref(),
                enterprise.as_deref(),
            )
            .map_err(|errs| {
                anyhow::anyhow!(
                    errs.iter()
                        .map(|e| format!("{}：{}", e.field, e.message))
                        .collect::<Vec<_>>()
                        .join("；")
                )
            })?;
            let (pw, generated) = match std::env::var("TUIJIN_NEW_PASSWORD") {
                Ok(p) => (p, false),
                Err(_) => (store::users::random_password(), true),
            };
            let u = s
                .create_user(&Actor::system("tuijin user add"), &nu, &pw)
                .await?;
            println!("已创建用户 {}（{}）", u.username, u.role.label());
            if generated {
                println!("初始密码：{pw}");
            }
            Ok(())
        }
        Command::Serve {
            db,
            listen,
            demo,
            secure_cookies,
        } => {
            init_logging(file.log.as_deref());
            let listen = listen
                .or(file.listen.clone())
                .unwrap_or_else(|| "127.0.0.1:8080".into());
            let secure_cookies = secure_cookies.or(file.secure_cookies).unwrap_or(false);
            // Bind first: a port in use is reported before any database work.
            let listener =
                tokio::net::TcpListener::bind(&listen)
                    .await
                    .map_err(|e| match e.kind() {
                        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
                            "无法监听 {listen}：端口已被占用（可用 --listen 换一个地址）"
                        ),
                        _ => anyhow::anyhow!("无法监听 {listen}：{e}"),
                    })?;
            let (url, demo_dir) = if demo {
                let dir = std::env::temp_dir().join(format!("tuijin-demo-{}", std::process::id()));
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("无法创建演示目录 {}", dir.display()))?;
                let path = dir.join("demo.db");
                let _ = std::fs::remove_file(&path);
                (format!("sqlite://{}", path.display()), Some(dir))
            } else {
                (db_url(&db), None)
            };
            let s = Store::connect(&url).await?;
            if demo {
                let t = template::builtin("longwan-2006").map_err(anyhow::Error::msg)?;
                s.load_template(&Actor::system("演示"), &t).await?;
                crate::demo::load(&s).await?;
            }
            let admin_pw = std::env::var("TUIJIN_ADMIN_PASSWORD").ok();
            if let Some((pw, generated)) = s.ensure_admin(admin_pw.as_deref()).await? {
                if demo {
                    crate::demo::create_users(&s, &pw).await?;
                }
                println!("已创建管理员账号：用户名 admin");
                if generated {
                    println!("初始密码：{pw}    （只显示这一次，请妥善保存）");
                } else {
                    println!("密码：取自环境变量 TUIJIN_ADMIN_PASSWORD");
                }
                if demo {
                    println!(
                        "演示账号（密码相同）：leader（领导，只读）、jingmao（区经贸(交通)局）、guotu（区国土资源分局）、zhenjie（永中街道）、yinhang（工商银行龙湾支行）、qiye（企业）、zhuanjia（评审专家）"
                    );
                }
            }
            println!(
                "推进 Tuijin 已启动：http://{}/  数据库：{}",
                listener.local_addr()?,
                store::redact(&url)
            );
            if s.current_campaign().await?.is_none() {
                println!(
                    "提示：数据库中还没有活动，可运行 `tuijin init --template longwan-2006` 载入 2006 年龙湾区“两个年”活动。"
                );
            }
            // Load the facts the dashboard reads in the background, so the
            // first reader does not wait for it (writes are applied to them).
            let warm = s.clone();
            tokio::spawn(async move {
                let t = std::time::Instant::now();
                match warm.kpi_facts_cached().await {
                    Ok(_) => {
                        tracing::info!("已载入看板所需数据（{:.1} 秒）", t.elapsed().as_secs_f64())
                    }
                    Err(e) => tracing::warn!("载入看板所需数据失败：{e}"),
                }
            });
            let state = web::AppState {
                store: s.clone(),
                secure_cookies,
            };
            web::serve(listener, state).await.context("服务异常退出")?;
            s.close().await;
            if let Some(dir) = demo_dir {
                let _ = std::fs::remove_dir_all(dir);
            }
            Ok(())
        }
    }
}

fn office_docx(doc: &web::bulletins::OfficialDoc) -> anyhow::Result<Vec<u8>> {
    web::bulletins::render(doc).map_err(anyhow::Error::msg)
}
