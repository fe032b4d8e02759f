//! Backup and restore as an operator runs them: the district demo is backed
//! up, restored into a database of the kind under test (`TEST_DATABASE_URL`),
//! backed up from there and restored into SQLite again; every table's rows
//! and values are compared at each step.

use std::process::{Command, Output};

fn tuijin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuijin"))
        .args(args)
        .env_remove("TUIJIN_DATABASE_URL")
        .env_remove("TUIJIN_CONFIG")
        .env("TUIJIN_NEW_PASSWORD", "demo-password-1")
        .output()
        .unwrap()
}

fn ok(o: Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// The per-table lines (table, rows, hash) a backup or restore prints.
fn sums(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.split('\t').count() == 3)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_demo_round_trips_through_a_backup_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let source = format!("sqlite://{}", path("source.db"));
    ok(tuijin(&[
        "demo",
        "--scale",
        "district",
        "--database-url",
        &source,
    ]));
    // An issued bulletin: a .docx kept as bytes (BLOB / BYTEA).
    ok(tuijin(&[
        "bulletin",
        "--as-of",
        "2006-06-30",
        "--issue",
        "--out",
        &path("b.docx"),
        "--database-url",
        &source,
    ]));

    let first = sums(&ok(tuijin(&[
        "backup",
        "--database-url",
        &source,
        "--out",
        &path("a.bak"),
    ])));
    assert!(first.len() > 30, "every table: {first:?}");
    let rows = |name: &str| -> u64 {
        let line = first
            .iter()
            .find(|l| l.starts_with(&format!("{name}\t")))
            .unwrap();
        line.split('\t').nth(1).unwrap().parse().unwrap()
    };
    assert!(rows("requests") > 100 && rows("users") >= 5);
    // The demo's bulletin, the 通报 of its final evaluation round and the
    // results document of the final 2005 per-mu evaluation.
    assert_eq!(rows("bulletins"), 3);
    assert_eq!(rows("per_mu_evaluations"), 2);
    assert!(rows("per_mu_results") > 80, "{first:?}");
    assert_eq!(rows("evaluation_rounds"), 2);
    assert!(rows("evaluation_ballots") > 300, "{first:?}");

    // A backup never overwrites a file.
    let again = tuijin(&["backup", "--database-url", &source, "--out", &path("a.bak")]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("已存在"));

    // Into the kind of database under test, and back out of it.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let target = rt.block_on(store::testing::fresh_database_url());
    let restored = sums(&ok(tuijin(&[
        "restore",
        "--database-url",
        &target,
        &path("a.bak"),
    ])));
    assert_eq!(restored, first);
    let second = sums(&ok(tuijin(&[
        "backup",
        "--database-url",
        &target,
        "--out",
        &path("b.bak"),
    ])));
    assert_eq!(second, first);
    let back = format!("sqlite://{}", path("back.db"));
    let last = sums(&ok(tuijin(&[
        "restore",
        "--database-url",
        &back,
        &path("b.bak"),
    ])));
    assert_eq!(last, first);

    // Only into an empty database.
    let twice = tuijin(&["restore", "--database-url", &target, &path("a.bak")]);
    assert!(!twice.status.success());
    assert!(String::from_utf8_lossy(&twice.stderr).contains("只能恢复到空数据库"));
}
