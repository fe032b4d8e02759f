//! Configuration: defaults, then a TOML file, then `TUIJIN_*` environment,
//! then flags (clap reads the last two). `tuijin config example` prints the file.

use anyhow::Context;
use serde::Deserialize;
use std::path::Path;

/// The settings a deployment may change.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub secure_cookies: Option<bool>,
    pub log: Option<String>,
}

/// The documented example configuration file.
pub const EXAMPLE: &str = r#"# tuijin.toml — Tuijin's configuration. Every setting is optional.
# Order of precedence: this file < TUIJIN_* environment variables < command-line flags.
# Pass the file with --config FILE or TUIJIN_CONFIG=FILE.

# Address to serve on (TUIJIN_LISTEN, --listen).
listen = "127.0.0.1:8080"

# Database (TUIJIN_DATABASE_URL, --database-url).
#   SQLite (default, embedded, created if missing): "sqlite://tuijin.db"
#   PostgreSQL: "postgres://user:password@host:5432/tuijin"
database_url = "sqlite://tuijin.db"

# Mark cookies Secure: set to true when Tuijin is served over HTTPS
# (TUIJIN_SECURE_COOKIES, --secure-cookies).
secure_cookies = false

# Log filter (TUIJIN_LOG), e.g. "info" or "tuijin=debug,web=debug".
log = "info"

# The first admin's password on an empty database comes from the environment
# variable TUIJIN_ADMIN_PASSWORD (never from this file); without it a password
# is generated and printed once.
"#;

/// Reads the configuration file, if one is named.
pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
    match path {
        None => Ok(FileConfig::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("无法读取配置文件 {}", p.display()))?;
            toml::from_str(&text).map_err(|e| {
                let line = e
                    .span()
                    .map(|s| text[..s.start].lines().count().max(1))
                    .unwrap_or(1);
                anyhow::anyhow!(
                    "配置文件 {} 格式错误（第 {line} 行）：{}",
                    p.display(),
                    e.message().trim()
                )
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_parses() {
        let c: FileConfig = toml::from_str(EXAMPLE).unwrap();
        assert_eq!(c.listen.as_deref(), Some("127.0.0.1:8080"));
        assert_eq!(c.database_url.as_deref(), Some("sqlite://tuijin.db"));
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<FileConfig>("port = 1").is_err());
    }
}
