//! Connection settings and database URL helpers.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use kairos_store::{StoreError, StoreResult};

/// The file name of the embedded SQLite database inside the data directory.
pub const SQLITE_FILE_NAME: &str = "kairos.db";

/// Which database engine a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite (`sqlite:` URLs).
    Sqlite,
    /// PostgreSQL (`postgres:` or `postgresql:` URLs).
    Postgres,
}

impl Engine {
    /// The engine a database URL names, from its scheme.
    pub fn from_url(url: &str) -> StoreResult<Engine> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Engine::Sqlite),
            "postgres" | "postgresql" => Ok(Engine::Postgres),
            _ => Err(StoreError::Backend(format!(
                "unsupported database URL scheme {scheme:?} (expected sqlite: or postgres:)"
            ))),
        }
    }
}

/// How to reach and size the database.
#[derive(Clone)]
pub struct StoreConfig {
    /// `sqlite://PATH?mode=rwc` (see [`sqlite_url_for_dir`]) or `postgres://…`.
    pub url: String,
    /// Upper bound of pooled connections. On SQLite this sizes the reader pool; writes
    /// always go through a single connection.
    pub max_connections: u32,
    /// PostgreSQL `statement_timeout` per connection; ignored on SQLite, which has no
    /// server-side equivalent (see `busy_timeout`).
    pub statement_timeout: Option<Duration>,
    /// How long a caller waits for a pooled connection before getting
    /// [`StoreError::Busy`]. On SQLite write transactions queue on this.
    pub acquire_timeout: Duration,
    /// SQLite `busy_timeout`: how long a connection waits for a lock held by another
    /// process (for example the admin CLI) before failing with [`StoreError::Busy`].
    pub busy_timeout: Duration,
}

impl StoreConfig {
    /// Settings for `url` with the [`Default`] tuning.
    pub fn new(url: impl Into<String>) -> StoreConfig {
        StoreConfig {
            url: url.into(),
            ..StoreConfig::default()
        }
    }

    /// The engine the URL names.
    pub fn engine(&self) -> StoreResult<Engine> {
        Engine::from_url(&self.url)
    }
}

/// Defaults sized for a small server; `url` is empty and must be set.
impl Default for StoreConfig {
    fn default() -> StoreConfig {
        StoreConfig {
            url: String::new(),
            max_connections: 10,
            statement_timeout: None,
            acquire_timeout: Duration::from_secs(30),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

// Hand-written so a password in the URL never reaches logs.
impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreConfig")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .field("statement_timeout", &self.statement_timeout)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("busy_timeout", &self.busy_timeout)
            .finish()
    }
}

/// `url` with the password of its user-info part (if any) replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else {
        return url.to_owned();
    };
    format!(
        "{}{}:***{}",
        &url[..scheme_end + 3],
        &userinfo[..colon],
        &rest[at..]
    )
}

/// The SQLite URL for the database file inside `dir`, creating `dir` if needed.
///
/// The path is made absolute so the URL does not depend on the working directory, and
/// `%`, `?` and `#` are percent-encoded because the driver decodes the path and splits
/// the query at `?`. Fails with [`StoreError::Backend`] if the directory cannot be
/// created.
pub fn sqlite_url_for_dir(dir: &Path) -> StoreResult<String> {
    std::fs::create_dir_all(dir).map_err(|e| {
        StoreError::Backend(format!(
            "cannot create data directory {}: {e}",
            dir.display()
        ))
    })?;
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let file = dir.join(SQLITE_FILE_NAME);
    let mut encoded = String::new();
    for c in file.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => encoded.push_str(&format!("%{:02X}", u32::from(c))),
            // Windows separators: the driver only understands `/` inside a URL.
            '\\' => encoded.push('/'),
            c => encoded.push(c),
        }
    }
    // An absolute Unix path already starts with `/`, giving `sqlite:///abs/path`.
    if encoded.starts_with('/') {
        Ok(format!("sqlite://{encoded}?mode=rwc"))
    } else {
        Ok(format!("sqlite:///{encoded}?mode=rwc"))
    }
}

/// Whether a SQLite URL names an in-memory database (which must live on one connection,
/// because every connection would otherwise see its own empty database).
pub(crate) fn is_sqlite_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn engines() {
        assert_eq!(Engine::from_url("sqlite://x.db").ok(), Some(Engine::Sqlite));
        assert_eq!(
            Engine::from_url("sqlite::memory:").ok(),
            Some(Engine::Sqlite)
        );
        assert_eq!(
            Engine::from_url("postgres://u@h/db").ok(),
            Some(Engine::Postgres)
        );
        assert_eq!(
            Engine::from_url("PostgreSQL://u@h/db").ok(),
            Some(Engine::Postgres)
        );
        assert!(Engine::from_url("mysql://x").is_err());
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://kairos:s3cr@t@db:5432/k?sslmode=require"),
            "postgres://kairos:***@db:5432/k?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://kairos@db/k"),
            "postgres://kairos@db/k"
        );
        assert_eq!(
            redact_url("sqlite:///a/b.db?mode=rwc"),
            "sqlite:///a/b.db?mode=rwc"
        );
        let cfg = StoreConfig::new("postgres://u:pw@h/d");
        assert!(!format!("{cfg:?}").contains("pw"));
    }

    #[test]
    fn sqlite_url_escapes_and_creates() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("we?ird#50%");
        let url = sqlite_url_for_dir(&dir).unwrap();
        assert!(dir.is_dir());
        assert!(url.starts_with("sqlite:///"));
        assert!(
            url.ends_with("/we%3Fird%2350%25/kairos.db?mode=rwc"),
            "{url}"
        );
    }
}
