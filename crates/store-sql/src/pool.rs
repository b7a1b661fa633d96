//! Connection pools: one code path for both engines through `sqlx::Any`.
//!
//! SQLite allows one writer at a time. Letting several pooled connections race for the
//! write lock makes them spin on `SQLITE_BUSY`, so writes queue in-process for one
//! connection: on a file, the direct writer ([`crate::writer`]) for transactions and a
//! pool of exactly one sqlx connection for migrations and job bookkeeping, while reads
//! use a reader pool (WAL lets them run alongside the writer). On PostgreSQL both roles
//! share one pool: row locks serialize writers to the same collection and everything else
//! runs in parallel.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use kairos_store::StoreResult;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool, Executor};

use crate::config::{Engine, StoreConfig, is_sqlite_memory};
use crate::direct::DirectReads;
use crate::error::db_err;
use crate::writer::DirectWriter;

/// The pools of one store.
#[derive(Clone, Debug)]
pub(crate) struct Pools {
    pub(crate) engine: Engine,
    /// Reads outside a transaction.
    pub(crate) reader: AnyPool,
    /// Write transactions (one connection on SQLite; the reader pool on PostgreSQL).
    pub(crate) writer: AnyPool,
    /// Whether `writer` is a pool of its own (file-backed SQLite).
    pub(crate) separate_writer: bool,
    /// Reads without sqlx's connection threads (file-backed SQLite).
    pub(crate) direct: Option<Arc<DirectReads>>,
    /// Write transactions without them (file-backed SQLite).
    pub(crate) direct_writer: Option<Arc<DirectWriter>>,
}

impl Pools {
    /// What `write` (through the sqlx `writer`, which the direct writer does not see)
    /// gives, once this process's direct readers know it may have committed.
    pub(crate) async fn written<T>(
        &self,
        write: impl Future<Output = StoreResult<T>>,
    ) -> StoreResult<T> {
        let result = write.await;
        if let Some(direct) = &self.direct {
            direct.committed();
        }
        result
    }
}

/// Opens the pools described by `config`.
pub(crate) async fn open(config: &StoreConfig) -> StoreResult<Pools> {
    sqlx::any::install_default_drivers();
    let engine = config.engine()?;
    let options: AnyConnectOptions = config.url.parse().map_err(db_err)?;
    match engine {
        Engine::Postgres => {
            let pool = postgres_options(config)
                .connect_with(options)
                .await
                .map_err(db_err)?;
            Ok(Pools {
                engine,
                reader: pool.clone(),
                writer: pool,
                separate_writer: false,
                direct: None,
                direct_writer: None,
            })
        }
        Engine::Sqlite if is_sqlite_memory(&config.url) => {
            // Every connection to `:memory:` would be its own database: keep one, forever.
            let pool = sqlite_options(config, true)
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await
                .map_err(db_err)?;
            Ok(Pools {
                engine,
                reader: pool.clone(),
                writer: pool,
                separate_writer: false,
                direct: None,
                direct_writer: None,
            })
        }
        Engine::Sqlite => {
            // The writer connects first: it switches the file to WAL before any reader
            // exists, because that switch needs an exclusive lock which `busy_timeout`
            // does not wait for.
            let writer = sqlite_options(config, true)
                .max_connections(1)
                .connect_with(options.clone())
                .await
                .map_err(db_err)?;
            let file = SqliteConnectOptions::from_str(&config.url)
                .map_err(db_err)?
                .get_filename()
                .to_owned();
            let reader = sqlite_options(config, false)
                .max_connections(config.max_connections.max(1))
                .connect_with(options)
                .await
                .map_err(db_err)?;
            let direct = DirectReads::new(file.clone());
            let direct_writer = DirectWriter::open(
                &file,
                config.acquire_timeout,
                config.busy_timeout,
                Arc::clone(&direct),
            )?;
            Ok(Pools {
                engine,
                reader,
                writer,
                separate_writer: true,
                direct: Some(direct),
                direct_writer: Some(Arc::new(direct_writer)),
            })
        }
    }
}

fn postgres_options(config: &StoreConfig) -> AnyPoolOptions {
    let statement_timeout = config.statement_timeout;
    AnyPoolOptions::new()
        .max_connections(config.max_connections.max(1))
        .acquire_timeout(config.acquire_timeout)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if let Some(timeout) = statement_timeout {
                    set_statement_timeout(conn, timeout).await?;
                }
                Ok(())
            })
        })
}

async fn set_statement_timeout(conn: &mut AnyConnection, timeout: Duration) -> sqlx::Result<()> {
    // SET takes no bind parameters; the value is an integer we produce, not user input.
    let millis = timeout.as_millis().max(1);
    conn.execute(format!("SET statement_timeout = {millis}").as_str())
        .await?;
    Ok(())
}

fn sqlite_options(config: &StoreConfig, writer: bool) -> AnyPoolOptions {
    let busy_ms = config.busy_timeout.as_millis();
    AnyPoolOptions::new()
        .acquire_timeout(config.acquire_timeout)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                // busy_timeout first: the pragmas below may need to wait for a lock.
                conn.execute(format!("PRAGMA busy_timeout = {busy_ms}").as_str())
                    .await?;
                if writer {
                    // WAL is persistent in the file; readers do not block the writer and
                    // the writer does not block readers.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                }
                // NORMAL in WAL mode is durable against a process crash; only an OS crash
                // or power loss can lose the last transactions (never corrupt the file).
                conn.execute("PRAGMA synchronous = NORMAL").await?;
                // sqlx turns this on already; restated because cascades depend on it.
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA temp_store = MEMORY").await?;
                Ok(())
            })
        })
}
