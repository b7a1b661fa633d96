//! Schema migrations: one portable set for both engines, embedded at compile time.

use kairos_store::{StoreError, StoreResult};
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::{AnyPool, Connection, Executor};

use crate::config::Engine;
use crate::error::db_err;

/// The migrations under `crates/store-sql/migrations/`.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// Brings the schema up to date; a no-op when it already is. Safe when several nodes or
/// processes start at once:
///
/// - PostgreSQL: sqlx's migrator holds `pg_advisory_lock` (keyed by the database name) for
///   the whole run on the connection it migrates with, so the others wait, then find
///   nothing to do. That lock is session-scoped and sqlx does not release it when a
///   migration fails, so on failure the connection is closed instead of going back to
///   the pool, which ends the session and frees the lock for the next node.
/// - SQLite: the migrator takes no lock, and two processes would both find the schema
///   missing and both apply it. So the whole run happens inside one `BEGIN IMMEDIATE`
///   transaction (each migration becomes a savepoint in it): the first process holds the
///   write lock, the others wait for it (`busy_timeout`) and then see the migrations
///   applied. Either everything commits or nothing does.
///
/// On PostgreSQL the migrating connection runs without the pool's `statement_timeout`
/// (building an index on a big table may take longer) and is closed afterwards rather
/// than pooled, so no request ever runs without the timeout.
pub(crate) async fn run(pool: &AnyPool, engine: Engine) -> StoreResult<()> {
    let conn = pool.acquire().await.map_err(db_err)?;
    let result = match engine {
        Engine::Postgres => {
            let mut conn = conn.detach();
            let result = match conn.execute("SET statement_timeout = 0").await {
                Ok(_) => MIGRATOR.run_direct(&mut conn).await,
                Err(e) => Err(MigrateError::Execute(e)),
            };
            // Also ends the session's advisory lock, even when sqlx left it held after a
            // failed migration.
            let _ = conn.close().await;
            result
        }
        Engine::Sqlite => {
            let mut conn = conn;
            let result = sqlite_locked(&mut conn).await;
            if result.is_err() {
                let _ = conn.detach().close().await;
            }
            result
        }
    };
    result.map_err(|err| StoreError::Backend(format!("migration failed: {err}")))
}

async fn sqlite_locked(conn: &mut sqlx::AnyConnection) -> Result<(), MigrateError> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    MIGRATOR.run_direct(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
