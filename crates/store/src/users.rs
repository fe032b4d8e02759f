//! Accounts, login with lock-out, and sessions (web cookies and API bearer
//! tokens share one table; only a SHA-256 of each token is stored).

use crate::audit::{self, Actor};
use crate::{Result, Store, StoreError, conflict_on_unique, now_text, timestamp_text};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use base64::Engine;
use chrono::{Duration, Utc};
use domain::users::{FieldError, NewUser, Role, check_password, lockout_seconds};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A user account (never carries the password hash).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    pub enterprise_code: Option<String>,
    pub active: bool,
    pub last_login_at: Option<String>,
}

impl User {
    /// This user as the author of changes.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.id),
            name: format!("{}（{}）", self.display_name, self.username),
        }
    }
}

/// Why a login failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError {
    /// Unknown user or wrong password (not told apart, on purpose).
    BadCredentials,
    /// Too many failures; locked until this time (UTC, RFC 3339).
    Locked { until: String },
    /// The account was disabled.
    Inactive,
}

/// Whether a session came from the web login or the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
    fn lifetime(self) -> Duration {
        match self {
            SessionKind::Web => Duration::hours(12),
            SessionKind::Api => Duration::days(30),
        }
    }
}

macro_rules! user_columns {
    () => {
        "us.id, us.username, us.display_name, us.role, o.code AS unit_code, o.name AS unit_name, \
     us.enterprise_code, us.active, us.last_login_at"
    };
}

fn user_from_row(r: &AnyRow) -> Result<User> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Conflict(format!("未知角色“{role}”")))?,
        unit_code: r.try_get("unit_code")?,
        unit_name: r.try_get("unit_name")?,
        enterprise_code: r.try_get("enterprise_code")?,
        active: r.try_get::<i64, _>("active")? != 0,
        last_login_at: r.try_get("last_login_at")?,
    })
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("argon2 hashing with default parameters")
        .to_string()
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A new random secret: 32 bytes, URL-safe base64.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// A readable random password for generated accounts.
pub fn random_password() -> String {
    random_token()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(16)
        .collect()
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Failures in a row after which an account is locked (`lockout_seconds`).
const LOCK_AFTER: i64 = 5;

impl Store {
    /// Every user, by username.
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users us LEFT JOIN org_units o ON o.id = us.unit_id ORDER BY us.username"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// One user by id.
    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users us LEFT JOIN org_units o ON o.id = us.unit_id WHERE us.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Creates a user; the unit must exist; the username must be free.
    pub async fn create_user(&self, actor: &Actor, u: &NewUser, password: &str) -> Result<User> {
        let mut errs = Vec::new();
        if let Err(m) = check_password(password) {
            errs.push(FieldError::new("password", m));
        }
        let unit_id: Option<i64> = match &u.unit_code {
            Some(code) => match self.unit(code).await? {
                Some(unit) => Some(unit.id),
                None => {
                    errs.push(FieldError::new(
                        "unit_code",
                        format!("没有代码为“{code}”的单位"),
                    ));
                    None
                }
            },
            None => None,
        };
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let hash = {
            let p = password.to_string();
            tokio::task::spawn_blocking(move || hash_password(&p))
                .await
                .expect("hashing task")
        };
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO users (username, display_name, role, unit_id, enterprise_code, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(u.role.as_str())
        .bind(unit_id)
        .bind(u.enterprise_code.clone())
        .bind(hash)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match conflict_on_unique(e, "") {
            StoreError::Conflict(_) => StoreError::Invalid(vec![FieldError::new("username", format!("用户名“{}”已被使用", u.username))]),
            other => other,
        })?
        .try_get("id")?;
        audit::record(
            &mut tx,
            actor,
            "user",
            &u.username,
            "create",
            None,
            Some(&serde_json::json!({"username": u.username, "display_name": u.display_name, "role": u.role.as_str(), "unit": u.unit_code, "enterprise": u.enterprise_code})),
        )
        .await?;
        tx.commit().await?;
        self.user(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("新建的用户".into()))
    }

    /// Enables or disables an account; disabling also ends its sessions.
    pub async fn set_user_active(&self, actor: &Actor, id: i64, active: bool) -> Result<()> {
        let u = self
            .user(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("该用户".into()))?;
        if actor.user_id == Some(id) && !active {
            return Err(StoreError::Conflict("不能停用自己的账号".into()));
        }
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
            .bind(active as i64)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut tx,
            actor,
            "user",
            &u.username,
            if active { "enable" } else { "disable" },
            Some(&serde_json::json!({"active": u.active})),
            Some(&serde_json::json!({"active": active})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password, clears any lock-out and ends the user's sessions.
    pub async fn set_password(&self, actor: &Actor, id: i64, password: &str) -> Result<()> {
        check_password(password)
            .map_err(|m| StoreError::Invalid(vec![FieldError::new("password", m)]))?;
        let u = self
            .user(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("该用户".into()))?;
        let hash = {
            let p = password.to_string();
            tokio::task::spawn_blocking(move || hash_password(&p))
                .await
                .expect("hashing task")
        };
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "user",
            &u.username,
            "set_password",
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a username and password. Consecutive failures lock the account
    /// for a growing while; success resets the count.
    pub async fn authenticate(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Result<User, LoginError>> {
        // The attempt is counted before the password is checked, in one
        // statement that also sets the lock when this attempt reaches the
        // limit: parallel guesses are counted one by one, exactly as
        // sequential ones, and none is checked once the account is locked.
        let now_t = Utc::now();
        let now = timestamp_text(now_t);
        let lock_at =
            |failures: i64| timestamp_text(now_t + Duration::seconds(lockout_seconds(failures)));
        let row = sqlx::query(
            "UPDATE users SET failed_logins = failed_logins + 1, locked_until = CASE \
             WHEN failed_logins + 1 < $3 THEN locked_until \
             WHEN failed_logins + 1 = $3 THEN $4 WHEN failed_logins + 1 = $3 + 1 THEN $5 \
             WHEN failed_logins + 1 = $3 + 2 THEN $6 WHEN failed_logins + 1 = $3 + 3 THEN $7 \
             WHEN failed_logins + 1 = $3 + 4 THEN $8 WHEN failed_logins + 1 = $3 + 5 THEN $9 ELSE $10 END \
             WHERE username = $1 AND (locked_until IS NULL OR locked_until <= $2) \
             RETURNING id, password_hash, active, failed_logins",
        )
        .bind(username.trim())
        .bind(&now)
        .bind(LOCK_AFTER)
        .bind(lock_at(LOCK_AFTER))
        .bind(lock_at(LOCK_AFTER + 1))
        .bind(lock_at(LOCK_AFTER + 2))
        .bind(lock_at(LOCK_AFTER + 3))
        .bind(lock_at(LOCK_AFTER + 4))
        .bind(lock_at(LOCK_AFTER + 5))
        .bind(lock_at(LOCK_AFTER + 6))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            // Unknown, or locked: spend the same effort as a real check so
            // timing does not tell which usernames exist.
            let p = password.to_string();
            let _ = tokio::task::spawn_blocking(move || verify_password(&p, DUMMY_HASH)).await;
            let locked: Option<String> = sqlx::query_scalar(
                "SELECT locked_until FROM users WHERE username = $1 AND locked_until > $2",
            )
            .bind(username.trim())
            .bind(&now)
            .fetch_optional(self.pool())
            .await?;
            return Ok(Err(match locked {
                Some(until) => LoginError::Locked { until },
                None => LoginError::BadCredentials,
            }));
        };
        let id: i64 = row.try_get("id")?;
        let hash: String = row.try_get("password_hash")?;
        let p = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(&p, &hash))
            .await
            .unwrap_or(false);
        if !ok {
            let failures = row.try_get::<i64, _>("failed_logins")?;
            return Ok(Err(if failures >= LOCK_AFTER {
                LoginError::Locked {
                    until: lock_at(failures),
                }
            } else {
                LoginError::BadCredentials
            }));
        }
        if row.try_get::<i64, _>("active")? == 0 {
            return Ok(Err(LoginError::Inactive));
        }
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(self.user(id).await?.ok_or(LoginError::BadCredentials))
    }

    /// How many failed logins in a row an account has (reset by a success),
    /// counted only while it is not locked.
    pub async fn failed_logins(&self, username: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT failed_logins FROM users WHERE username = $1")
                .bind(username)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// Starts a session and returns its secret token.
    pub async fn create_session(&self, user_id: i64, kind: SessionKind) -> Result<String> {
        let token = random_token();
        let now = Utc::now();
        sqlx::query("INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash(&token))
            .bind(user_id)
            .bind(kind.as_str())
            .bind(timestamp_text(now))
            .bind(timestamp_text(now + kind.lifetime()))
            .execute(self.pool())
            .await?;
        Ok(token)
    }

    /// The active user behind a session token, if the session is live.
    pub async fn session_user(&self, token: &str) -> Result<Option<User>> {
        let row = sqlx::query(concat!("SELECT ", user_columns!(), " FROM sessions s JOIN users us ON us.id = s.user_id LEFT JOIN org_units o ON o.id = us.unit_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND us.active = 1"))
        .bind(token_hash(token))
        .bind(now_text())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Ends a session.
    pub async fn delete_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now_text())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// On a database with no administrator (a new one, or the demo's, which
    /// holds only its assessment experts at that point), creates `admin`
    /// with the given password or a generated one. Returns the password and
    /// whether it was generated here.
    pub async fn ensure_admin(&self, password: Option<&str>) -> Result<Option<(String, bool)>> {
        let admins: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin'")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        if admins > 0 {
            return Ok(None);
        }
        let (pw, generated) = match password {
            Some(p) => (p.to_string(), false),
            None => (random_password(), true),
        };
        let nu = NewUser {
            username: "admin".into(),
            display_name: "活动办公室管理员".into(),
            role: Role::Admin,
            unit_code: None,
            enterprise_code: None,
        };
        self.create_user(&Actor::system("首次启动"), &nu, &pw)
            .await?;
        Ok(Some((pw, generated)))
    }
}

/// An argon2id hash of a random string, checked against when the username is
/// unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Nb0Zk3LhKZ8lY3f8nZxkqQ8rWnqTRVqgS3q0oRk8vJQ";
