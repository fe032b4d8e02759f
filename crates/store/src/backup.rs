//! Backup and restore of the whole database, with one portable format: a
//! backup is an SQLite database file holding this version's schema and every
//! row, so it opens with any SQLite tool and restores into an empty database
//! of either kind (a district can move from SQLite to PostgreSQL this way).
//!
//! - From SQLite, `VACUUM INTO` writes a consistent copy of the live file.
//! - From PostgreSQL, every table is read in one `REPEATABLE READ`
//!   transaction (one snapshot) into a new SQLite file.
//! - A restore first brings an older backup's schema up to date (the
//!   migrations run on a temporary copy), then copies every table in one
//!   transaction, parents before children, into a database that holds no
//!   data yet; on PostgreSQL the identity sequences continue after the
//!   restored ids.
//!
//! `fingerprint` gives per table the number of rows and a hash of their
//! values, so a backup and its restore can be compared table by table.

use crate::{Backend, Result, Store, StoreError};
use sha2::Digest;
use sqlx::any::AnyRow;
use sqlx::{Any, Row};
use std::path::Path;

/// One table of the schema, as SQLite declares it.
#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
    /// Tables this one references (other than itself).
    parents: Vec<String>,
}

/// How a column's values are carried between the backends.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Text,
    Blob,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
}

/// Per table: its name, number of rows and a hash of every value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSum {
    pub table: String,
    pub rows: u64,
    pub hash: String,
}

/// Rows sent to the other database per INSERT.
const ROWS_PER_INSERT: usize = 200;

/// Tables that must be empty for a database to count as empty (the
/// migrations themselves fill only settings such as request categories).
const DATA_TABLES: [&str; 5] = ["users", "campaigns", "enterprises", "projects", "requests"];

impl Store {
    /// Writes a consistent backup of the whole database to `out`, which must
    /// not exist yet. Returns the fingerprint of what was written.
    pub async fn backup_to(&self, out: &Path) -> Result<Vec<TableSum>> {
        if out.exists() {
            return Err(StoreError::Conflict(format!(
                "备份文件 {} 已存在：请换一个文件名，备份不会覆盖已有文件",
                out.display()
            )));
        }
        match self.backend {
            Backend::Sqlite => {
                let path = out
                    .to_str()
                    .ok_or_else(|| StoreError::Conflict("备份文件的路径须为 UTF-8 字符".into()))?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "VACUUM INTO '{}'",
                    path.replace('\'', "''")
                )))
                .execute(self.pool())
                .await?;
            }
            Backend::Postgres => {
                let file = open_file(out).await?;
                let tables = file.tables().await?;
                let mut dst = file.begin().await?;
                clear(&mut dst, &tables).await?;
                let mut src = self
                    .pool()
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?;
                for t in &tables {
                    copy_table(&mut src, &mut dst, t).await?;
                }
                src.commit().await?;
                dst.commit().await?;
                close_file(&file).await?;
            }
        }
        let file = open_file(out).await?;
        let sums = file.fingerprint().await?;
        close_file(&file).await?;
        Ok(sums)
    }

    /// Restores a backup into this database, which must hold no data yet:
    /// all tables or none. Returns the fingerprint of what was restored.
    pub async fn restore_from(&self, backup: &Path) -> Result<Vec<TableSum>> {
        if !backup.is_file() {
            return Err(StoreError::NotFound(format!(
                "备份文件 {}",
                backup.display()
            )));
        }
        for t in DATA_TABLES {
            let n: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}")))
                    .fetch_one(self.pool())
                    .await?;
            if n > 0 {
                return Err(StoreError::Conflict(format!(
                    "目标数据库已有数据（{t} 表 {n} 行）：只能恢复到空数据库，请新建一个数据库再恢复"
                )));
            }
        }
        // Work on a copy: the migrations bring an older backup up to date
        // and the original file is never changed.
        let dir = tempfile::tempdir().map_err(|e| io(&e))?;
        let copy = dir.path().join("restore.db");
        std::fs::copy(backup, &copy).map_err(|e| io(&e))?;
        let file = open_file(&copy).await.map_err(|e| {
            StoreError::Conflict(format!("{} 不是 Tuijin 的备份文件：{e}", backup.display()))
        })?;
        let tables = file.tables().await?;
        let mut dst = self.begin().await?;
        clear(&mut dst, &tables).await?;
        let mut src = file.pool().begin().await?;
        for t in &tables {
            copy_table(&mut src, &mut dst, t).await?;
        }
        if self.backend == Backend::Postgres {
            for t in tables
                .iter()
                .filter(|t| t.columns.iter().any(|(c, _)| c == "id"))
            {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {0}), false)",
                    t.name
                )))
                .execute(&mut *dst)
                .await?;
            }
        }
        src.rollback().await?;
        dst.commit().await?;
        close_file(&file).await?;
        self.changed(vec![crate::targets::Change::Everything]).await;
        self.fingerprint().await
    }

    /// Per table, in name order: the number of rows and a hash of their
    /// values in key order, equal on SQLite and PostgreSQL for equal data.
    /// `data_version` is left out: it counts writes (a restore is one).
    pub async fn fingerprint(&self) -> Result<Vec<TableSum>> {
        let mut tables = self.schema_tables().await?;
        tables.retain(|t| t.name != "data_version");
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        let mut out = vec![];
        for t in &tables {
            let order: Vec<String> = (1..=t.columns.len()).map(|i| i.to_string()).collect();
            let sql = format!("{} ORDER BY {}", select_all(t), order.join(", "));
            let mut hasher = sha2::Sha256::new();
            let mut rows = 0u64;
            let mut stream = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(self.pool());
            use futures_util::TryStreamExt;
            while let Some(row) = stream.try_next().await? {
                for v in values(&row, t)? {
                    match v {
                        Value::Int(x) => hasher.update(format!("i{x:?};")),
                        Value::Text(x) => hasher.update(format!("t{x:?};")),
                        Value::Blob(x) => {
                            hasher
                                .update(format!("b{};", x.as_ref().map_or(-1, |b| b.len() as i64)));
                            hasher.update(x.unwrap_or_default());
                        }
                    }
                }
                rows += 1;
            }
            let hash: String = hasher
                .finalize()
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect();
            out.push(TableSum {
                table: t.name.clone(),
                rows,
                hash,
            });
        }
        Ok(out)
    }

    /// The schema's tables (from a backup file, or this store's own schema
    /// read from a fresh SQLite copy of it), parents before children.
    async fn tables(&self) -> Result<Vec<Table>> {
        let tables = self.schema_tables().await?;
        order_parents_first(tables)
    }

    /// The tables this version's migrations create, with their columns in
    /// order and their parents. Read from SQLite's catalogue; for PostgreSQL
    /// from a scratch in-memory SQLite database with the same migrations.
    async fn schema_tables(&self) -> Result<Vec<Table>> {
        if self.backend == Backend::Postgres {
            let scratch = Store::connect("sqlite::memory:").await?;
            let t = sqlite_tables(&scratch).await;
            scratch.close().await;
            return t;
        }
        sqlite_tables(self).await
    }
}

/// The tables of an SQLite store, from its catalogue.
async fn sqlite_tables(store: &Store) -> Result<Vec<Table>> {
    {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
        )
        .fetch_all(store.pool())
        .await?;
        let mut out = vec![];
        for name in names {
            let columns = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT name, type FROM pragma_table_info('{name}') ORDER BY cid"
            )))
            .fetch_all(store.pool())
            .await?
            .iter()
            .map(|r| {
                let ty: String = r.try_get("type")?;
                let ty = ty.to_ascii_uppercase();
                let kind = if ty.contains("INT") {
                    Kind::Int
                } else if ty.contains("BLOB") || ty.contains("BYTEA") {
                    Kind::Blob
                } else {
                    Kind::Text
                };
                Ok((r.try_get::<String, _>("name")?, kind))
            })
            .collect::<Result<Vec<_>>>()?;
            let mut parents: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list('{name}')"
            )))
            .fetch_all(store.pool())
            .await?;
            parents.retain(|p| *p != name);
            out.push(Table {
                name,
                columns,
                parents,
            });
        }
        Ok(out)
    }
}

fn io(e: &std::io::Error) -> StoreError {
    StoreError::Conflict(format!("读写备份文件失败：{e}"))
}

async fn open_file(path: &Path) -> Result<Store> {
    Store::connect(&format!("sqlite://{}", path.display())).await
}

/// Leaves the file whole and alone: the write-ahead log folded in, then
/// closed.
async fn close_file(file: &Store) -> Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(file.pool())
        .await?;
    file.close().await;
    Ok(())
}

fn order_parents_first(mut rest: Vec<Table>) -> Result<Vec<Table>> {
    let mut out: Vec<Table> = vec![];
    while !rest.is_empty() {
        let before = rest.len();
        let mut i = 0;
        while i < rest.len() {
            if rest[i]
                .parents
                .iter()
                .all(|p| out.iter().any(|t| &t.name == p))
            {
                out.push(rest.remove(i));
            } else {
                i += 1;
            }
        }
        if rest.len() == before {
            return Err(StoreError::Conflict(format!(
                "数据表之间的引用成环，无法排定恢复顺序：{}",
                rest.iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            )));
        }
    }
    Ok(out)
}

fn select_all(t: &Table) -> String {
    let cols: Vec<&str> = t.columns.iter().map(|(c, _)| c.as_str()).collect();
    format!("SELECT {} FROM {}", cols.join(", "), t.name)
}

fn values(row: &AnyRow, t: &Table) -> Result<Vec<Value>> {
    t.columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| {
            Ok(match kind {
                Kind::Int => Value::Int(row.try_get(i)?),
                Kind::Text => Value::Text(row.try_get(i)?),
                Kind::Blob => Value::Blob(row.try_get(i)?),
            })
        })
        .collect()
}

/// Empties every table, children first (the migrations' own settings rows
/// make way for the backup's).
async fn clear(tx: &mut sqlx::Transaction<'_, Any>, tables: &[Table]) -> Result<()> {
    for t in tables.iter().rev() {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {}", t.name)))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Streams one table from `src` into `dst` in key order, a few hundred rows
/// per INSERT.
async fn copy_table(
    src: &mut sqlx::Transaction<'_, Any>,
    dst: &mut sqlx::Transaction<'_, Any>,
    t: &Table,
) -> Result<()> {
    use futures_util::TryStreamExt;
    let sql = format!("{} ORDER BY 1", select_all(t));
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(ROWS_PER_INSERT);
    let mut stream = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut **src);
    while let Some(row) = stream.try_next().await? {
        batch.push(values(&row, t)?);
        if batch.len() == ROWS_PER_INSERT {
            insert(dst, t, &batch).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        insert(dst, t, &batch).await?;
    }
    Ok(())
}

async fn insert(
    dst: &mut sqlx::Transaction<'_, Any>,
    t: &Table,
    rows: &[Vec<Value>],
) -> Result<()> {
    let cols: Vec<&str> = t.columns.iter().map(|(c, _)| c.as_str()).collect();
    let n = cols.len();
    let tuples: Vec<String> = (0..rows.len())
        .map(|r| {
            let ps: Vec<String> = (1..=n).map(|c| format!("${}", r * n + c)).collect();
            format!("({})", ps.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES {}",
        t.name,
        cols.join(", "),
        tuples.join(", ")
    );
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        for v in row {
            q = match v {
                Value::Int(x) => q.bind(*x),
                Value::Text(x) => q.bind(x.clone()),
                Value::Blob(x) => q.bind(x.clone()),
            };
        }
    }
    q.execute(&mut **dst).await?;
    Ok(())
}
