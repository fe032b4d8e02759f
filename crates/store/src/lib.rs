//! Tuijin's one storage layer. SQLite (embedded, the default) and PostgreSQL
//! share one code path through sqlx's `Any` driver: SQL is written once with
//! `$1` placeholders; only the migrations are split per dialect.
//!
//! Modules are sized to use cases: `org` (units, working groups),
//! `campaigns` (campaigns, targets, awards, loading a template),
//! `users` (accounts, login, sessions), `audit` (the audit trail).

pub mod approvals;
pub mod audit;
pub mod backup;
pub mod batch;
pub mod bulletins;
pub mod campaigns;
pub mod enterprises;
pub mod evaluations;
pub mod financing;
pub mod fiscal;
pub mod land;
pub mod meetings;
pub mod org;
pub mod per_mu;
pub mod policies;
pub mod power;
pub mod projects;
pub mod province;
pub mod requests;
pub mod targets;
pub mod users;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

pub use audit::{Actor, AuditEntry};
pub use sqlx::Error as SqlxError;

/// The database behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::UnknownScheme(redact(url))),
        }
    }
}

/// Errors of the storage layer. Messages are for people, in Chinese; the web
/// layer decides what an end user sees.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("不支持的数据库地址“{0}”：只支持 sqlite:// 与 postgres:// 开头的地址")]
    UnknownScheme(String),
    #[error("无法连接数据库 {url}：{cause}")]
    Unreachable { url: String, cause: String },
    #[error("数据库迁移失败：{0}")]
    Migrate(String),
    #[error("找不到{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The user may not do this (in Chinese, for the user).
    #[error("无权操作：{0}")]
    Forbidden(String),
    #[error("输入有误：{}", .0.iter().map(|e| format!("{}：{}", e.field, e.message)).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<domain::users::FieldError>),
    #[error("有 {} 处数据错误，未写入任何数据：{}", .0.len(), .0.iter().map(|e| format!("第 {} 条 {}：{}", e.row + 1, e.field, e.message)).collect::<Vec<_>>().join("；"))]
    InvalidRows(Vec<projects::RowError>),
    #[error("无权修改：{}", .0.iter().map(|e| format!("第 {} 条：{}", e.row + 1, e.message)).collect::<Vec<_>>().join("；"))]
    OutOfScope(Vec<projects::RowError>),
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
}

/// Result of a store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Hides the password in a database URL so it can be logged and shown.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((userinfo, host)) = rest.split_once('@')
        && let Some((user, _)) = userinfo.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_string()
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A connection pool on one backend, with the migrations applied.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Bumped by every write the targets read, so cached facts are never stale
    /// (within this process; writes of other processes are followed through
    /// the `data_version` row, see `targets::KpiCache`).
    generation: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The facts the targets read, kept in memory and updated by each write.
    kpi: std::sync::Arc<targets::KpiCache>,
    derived: DerivedCache,
}

/// Results computed from the facts (e.g. a dashboard's JSON), by key, for one
/// generation of the facts.
type DerivedCache = std::sync::Arc<
    std::sync::Mutex<(
        u64,
        std::collections::HashMap<String, std::sync::Arc<Vec<u8>>>,
    )>,
>;

impl Store {
    /// Connects to `url` (creating an SQLite file if missing) and runs the
    /// migrations.
    pub async fn connect(url: &str) -> Result<Store> {
        let backend = Backend::from_url(url)?;
        install_default_drivers();
        let mut url = url.to_string();
        if backend == Backend::Sqlite && !url.contains("mode=") && !url.contains(":memory:") {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("mode=rwc");
        }
        let mut opts = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            // In-memory databases live per connection: keep exactly one.
            let max = if url.contains(":memory:") { 1 } else { 8 };
            opts = opts
                .max_connections(max)
                .min_connections(if max == 1 { 1 } else { 0 });
            opts = opts.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            });
        } else {
            opts = opts.max_connections(16);
        }
        let pool = opts
            .connect(&url)
            .await
            .map_err(|e| StoreError::Unreachable {
                url: redact(&url),
                cause: e.to_string(),
            })?;
        let store = Store {
            pool,
            backend,
            generation: Default::default(),
            kpi: Default::default(),
            derived: Default::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        let m = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        m.run(&self.pool)
            .await
            .map_err(|e| StoreError::Migrate(e.to_string()))
    }

    /// Which database this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Makes writers that read before they write (imports, corrections) take
    /// turns: on SQLite the transaction holds the write lock already; on
    /// PostgreSQL this holds the `data_version` row until commit.
    pub(crate) async fn take_turn(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<()> {
        sqlx::query("UPDATE data_version SET version = version WHERE id = 1")
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead
    /// of one failing when it upgrades a read; PostgreSQL's row locks and the
    /// checked `UPDATE … WHERE` of each write do the same there.
    pub(crate) async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Which version of the facts the targets read: changes with every write
    /// they depend on, so results computed from them can be cached by it.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// A result computed from the facts of the current generation, if kept.
    pub fn derived(&self, key: &str) -> Option<std::sync::Arc<Vec<u8>>> {
        let d = self.derived.lock().expect("derived cache");
        (d.0 == self.generation())
            .then(|| d.1.get(key).cloned())
            .flatten()
    }

    /// Keeps a result computed from the facts of generation `generation`
    /// (dropped if a write happened meanwhile).
    pub fn keep_derived(
        &self,
        generation: u64,
        key: String,
        value: Vec<u8>,
    ) -> std::sync::Arc<Vec<u8>> {
        let value = std::sync::Arc::new(value);
        let mut d = self.derived.lock().expect("derived cache");
        if d.0 != generation {
            *d = (generation, Default::default());
        }
        if generation == self.generation() {
            d.1.insert(key, value.clone());
        }
        value
    }

    /// Marks what the dashboard shows as changed (targets, or facts already
    /// applied by `changed`).
    pub(crate) fn touched(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// The current time as stored: UTC, RFC 3339, whole seconds.
pub fn now_text() -> String {
    timestamp_text(chrono::Utc::now())
}

/// A time as stored.
pub fn timestamp_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The answer to a checked write (`UPDATE … WHERE id = $1 AND <the state it
/// was decided on>`): one row written, or a conflict telling the user that
/// someone else changed the record first.
pub(crate) fn one_row_or_conflict(rows: u64, message: &str) -> Result<()> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(message.into()))
    }
}

/// Turns a unique-constraint violation into a conflict with a message.
pub(crate) fn conflict_on_unique(e: sqlx::Error, message: impl Into<String>) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(message.into()),
        _ => StoreError::Db(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_from_scheme() {
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
        let e = Backend::from_url("mysql://root:secret@h/db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("mysql://root:***@h/db"), "{e}");
        assert!(!e.contains("secret"));
    }

    #[test]
    fn redaction() {
        assert_eq!(
            redact("postgres://u:pw@h:5432/d"),
            "postgres://u:***@h:5432/d"
        );
        assert_eq!(redact("postgres://u@h/d"), "postgres://u@h/d");
        assert_eq!(redact("sqlite://tuijin.db"), "sqlite://tuijin.db");
    }
}

pub mod testing {
    //! Fresh databases for tests: `TEST_DATABASE_URL` picks the backend
    //! (default: a temporary SQLite file); on PostgreSQL each call creates a
    //! new database so tests never share state.

    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    static COUNTER: AtomicU64 = AtomicU64::new(0);

    /// The URL of a new, empty database on the backend under test.
    /// Panics with a clear message when PostgreSQL is asked for and missing:
    /// a storage test must fail, never skip.
    pub async fn fresh_database_url() -> String {
        let base = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "sqlite".into());
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let stamp = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0);
        let name = format!(
            "tuijin_test_{}_{}_{}",
            std::process::id(),
            n,
            stamp % 1_000_000_000
        );
        if base.starts_with("postgres") {
            install_default_drivers();
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "TEST_DATABASE_URL={} 无法连接 PostgreSQL：{e}",
                        redact(&base)
                    )
                });
            conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .expect("create test database");
            let (prefix, _) = base
                .rsplit_once('/')
                .expect("postgres URL with a database name");
            format!("{prefix}/{name}")
        } else {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            format!("sqlite://{}", path.display())
        }
    }

    /// A store on a fresh database.
    pub async fn fresh_store() -> Store {
        let url = fresh_database_url().await;
        Store::connect(&url).await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// A store on a fresh database with the longwan-2006 campaign and the
    /// given enterprises, both loaded as `Actor::system("测试")`.
    pub async fn store_with_enterprises(
        enterprises: &[domain::enterprises::input::Enterprise],
    ) -> Store {
        let store = fresh_store().await;
        let sys = Actor::system("测试");
        let template = domain::campaign::template::builtin("longwan-2006").unwrap();
        store.load_template(&sys, &template).await.unwrap();
        store.upsert_enterprises(&sys, enterprises).await.unwrap();
        store
    }

    /// The credit code of test enterprise A (see [`enterprise_a`]).
    pub const A: &str = "91350100M000100Y43";
    /// The credit code of test enterprise B (see [`enterprise_b`]).
    pub const B: &str = "91330000142916567N";

    /// A date written `YYYY-MM-DD`.
    pub fn d(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    /// An enterprise as imported: industry 3443, above-size in no year, no contact.
    pub fn enterprise(
        code: &str,
        name: &str,
        town: &str,
    ) -> domain::enterprises::input::Enterprise {
        domain::enterprises::input::Enterprise {
            credit_code: domain::enterprises::CreditCode::parse(code).unwrap(),
            name: name.into(),
            former_names: vec![],
            township_code: town.into(),
            industry_code: "3443".into(),
            address: String::new(),
            contact_person: String::new(),
            contact_phone: String::new(),
            established_on: None,
            above_scale_years: Some(vec![]),
        }
    }

    /// Enterprise A: 温州甲阀门有限公司 in yongzhong.
    pub fn enterprise_a() -> domain::enterprises::input::Enterprise {
        enterprise(A, "温州甲阀门有限公司", "yongzhong")
    }

    /// Enterprise B: 温州乙泵业有限公司 in haibin.
    pub fn enterprise_b() -> domain::enterprises::input::Enterprise {
        enterprise(B, "温州乙泵业有限公司", "haibin")
    }

    /// A viewer with no user behind it, its actor named after the role.
    pub fn viewer(
        role: domain::users::Role,
        unit: Option<&str>,
        enterprise: Option<&str>,
    ) -> requests::Viewer {
        requests::Viewer {
            role,
            unit_code: unit.map(Into::into),
            enterprise_code: enterprise.map(Into::into),
            actor: Actor {
                user_id: None,
                name: format!("{role:?}"),
            },
        }
    }

    /// An active industrial project in Yongzhong, led by the DRC: 50 million
    /// yuan on 12.5 mu, no dates yet.
    pub fn project(code: &str) -> domain::projects::Project {
        use domain::projects::{Dates, Project, ProjectKind, ProjectStatus};
        Project {
            code: code.into(),
            national_code: String::new(),
            name: format!("测试项目{code}"),
            enterprise_credit_code: String::new(),
            enterprise_name: String::new(),
            township_code: "yongzhong".into(),
            kind: ProjectKind::Industrial,
            key_project: false,
            planned_investment_yuan: 50_000_000,
            land_area_millimu: 12_500,
            responsible_unit_code: "drc".into(),
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

    /// An action on a request with a note and nothing else.
    pub fn act(action: &str, note: &str) -> requests::write::ActInput {
        requests::write::ActInput {
            action: action.into(),
            note: note.into(),
            ..requests::write::ActInput::default()
        }
    }
}
