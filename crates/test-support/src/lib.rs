//! Throwaway databases for test suites: the engine comes from `DATABASE_URL` (a
//! `postgres://` URL selects PostgreSQL, anything else or nothing SQLite), so every store
//! and end-to-end suite runs unchanged on both engines.
// Test scaffolding: failing loudly is the point.
#![allow(clippy::expect_used)]

use sqlx::Connection;

/// The PostgreSQL server URL to test against, if `DATABASE_URL` names one.
pub fn postgres_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres:") || u.starts_with("postgresql:"))
}

/// A fresh, empty database for one test; removed when dropped (even after a panic).
pub struct TestDatabase {
    /// Connection URL (`sqlite://…` in a temporary directory, or a fresh PostgreSQL
    /// database).
    pub url: String,
    /// The temporary directory (SQLite file, or a data dir for tests that want one).
    pub dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

impl TestDatabase {
    /// A database on the engine `DATABASE_URL` selects. `sqlite_url` turns the temporary
    /// directory into a SQLite URL (the store crate's own helper).
    pub async fn new(sqlite_url: impl Fn(&std::path::Path) -> String) -> TestDatabase {
        match postgres_url() {
            Some(admin) => Self::postgres(&admin).await,
            None => Self::sqlite(sqlite_url),
        }
    }

    /// A SQLite database whatever `DATABASE_URL` says.
    pub fn sqlite(sqlite_url: impl Fn(&std::path::Path) -> String) -> TestDatabase {
        let dir = tempfile::tempdir().expect("tempdir");
        TestDatabase {
            url: sqlite_url(dir.path()),
            dir,
            _pg: None,
        }
    }

    /// A fresh database on the PostgreSQL server at `admin`.
    pub async fn postgres(admin: &str) -> TestDatabase {
        let pg = PgDatabase::create(admin).await;
        TestDatabase {
            url: pg.url.clone(),
            dir: tempfile::tempdir().expect("tempdir"),
            _pg: Some(pg),
        }
    }

    /// Whether this database is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self._pg.is_some()
    }
}

/// A throwaway PostgreSQL database, dropped (WITH FORCE) with the value.
pub struct PgDatabase {
    admin: String,
    name: String,
    /// Its connection URL.
    pub url: String,
}

impl PgDatabase {
    /// Creates `kairos_test_<random>` on the server at `admin`, with an ICU collation when
    /// the server has one, so suites prove their orderings do not depend on the database
    /// collation.
    pub async fn create(admin: &str) -> PgDatabase {
        let name = format!("kairos_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(admin)
            .await
            .expect("connect to DATABASE_URL");
        let icu = format!(
            "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' \
             LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
        );
        if sqlx::raw_sql(&icu).execute(&mut conn).await.is_err() {
            sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
        }
        let _ = conn.close().await;
        PgDatabase {
            url: with_database(admin, &name),
            admin: admin.to_owned(),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime: do the async cleanup on a thread of its own.
        let admin = self.admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::raw_sql(&sql).execute(&mut conn).await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// `url` with its database (path) replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
