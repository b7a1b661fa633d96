//! Reads on file-backed SQLite through rusqlite, without sqlx's connection threads.
//!
//! Why: sqlx runs every SQLite connection on a thread of its own and hands each
//! statement and its rows across threads. A `perf` profile of GET under load (wrk, 16
//! connections, 2 cores) put 44 % of the server's CPU in futex wake-ups and context
//! switches around a query SQLite answers in a few microseconds. Point reads therefore run
//! here on the calling thread; reads that hand back many rows run on one blocking-pool
//! thread for the whole statement. The SQL text is the same as on the pooled path, and
//! every read falls back to the pool when this path is unavailable or the database is
//! busy (the pool's connections wait out a lock; these do not, so that no async worker
//! thread ever sleeps here).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use kairos_store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags, ToSql};
use tokio::sync::Semaphore;

use crate::row::Row;

/// Idle connections kept for reuse; more are opened when several threads read at once
/// and closed again when this many already wait.
const MAX_IDLE: usize = 8;

/// A bound parameter, for either driver.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    /// TEXT.
    Text(String),
    /// BIGINT.
    Int(i64),
    /// INTEGER (PostgreSQL picks functions such as `substr` by this width).
    Int32(i32),
    /// SMALLINT.
    Small(i16),
    /// BYTEA / BLOB.
    Blob(Vec<u8>),
    /// NULL of a column type (PostgreSQL needs the type of a parameter).
    Null(NullOf),
}

/// The declared type of a NULL parameter.
#[derive(Clone, Copy, Debug)]
pub(crate) enum NullOf {
    Text,
    Int,
    Small,
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_owned())
    }
}

impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(v.clone())
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(v)
    }
}

impl From<i32> for Arg {
    fn from(v: i32) -> Arg {
        Arg::Int32(v)
    }
}

impl From<i16> for Arg {
    fn from(v: i16) -> Arg {
        Arg::Small(v)
    }
}

impl From<&[u8]> for Arg {
    fn from(v: &[u8]) -> Arg {
        Arg::Blob(v.to_vec())
    }
}

impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Arg {
        v.map_or(Arg::Null(NullOf::Text), Arg::from)
    }
}

impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Arg {
        v.map_or(Arg::Null(NullOf::Text), Arg::Text)
    }
}

impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Arg {
        v.map_or(Arg::Null(NullOf::Int), Arg::Int)
    }
}

impl From<Option<i16>> for Arg {
    fn from(v: Option<i16>) -> Arg {
        v.map_or(Arg::Null(NullOf::Small), Arg::Small)
    }
}

impl ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Arg::Text(s) => s.to_sql(),
            Arg::Int(i) => i.to_sql(),
            Arg::Int32(i) => i.to_sql(),
            Arg::Small(i) => i.to_sql(),
            Arg::Blob(b) => b.to_sql(),
            Arg::Null(_) => Ok(rusqlite::types::ToSqlOutput::Owned(
                rusqlite::types::Value::Null,
            )),
        }
    }
}

/// Read-only rusqlite connections to one database file.
#[derive(Debug)]
pub(crate) struct DirectReads {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Set by [`DirectReads::close`]: no connection is opened or kept after it.
    closed: AtomicBool,
    /// Many-row reads running at once. More than the cores only add connections (each
    /// with its own page cache) and threads, not throughput.
    blocking: Semaphore,
}

/// What a direct read gives: the answer, or `None` when it could not run (the database
/// was busy or a connection could not be opened) and the pooled path should answer.
pub(crate) type Attempt<T> = Option<StoreResult<T>>;

impl DirectReads {
    /// Direct reads of the SQLite file at `path`.
    pub(crate) fn new(path: PathBuf) -> Arc<DirectReads> {
        Arc::new(DirectReads {
            path,
            idle: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
            blocking: Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
            ),
        })
    }

    /// Closes the idle connections and stops opening new ones (reads then go to the
    /// pool), so that the store's shutdown leaves no connection open.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }

    fn take(&self) -> Option<Connection> {
        if self.closed.load(Ordering::SeqCst) {
            return None;
        }
        if let Some(conn) = self.idle.lock().ok()?.pop() {
            return Some(conn);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)
            .map_err(|e| tracing::warn!(error = %e, "direct SQLite reader not opened"))
            .ok()?;
        // Opened read-write so that WAL's shared memory works whatever the file's
        // directory allows; `query_only` makes it a reader all the same.
        conn.pragma_update(None, "query_only", true).ok()?;
        conn.busy_timeout(std::time::Duration::ZERO).ok()?;
        conn.set_prepared_statement_cache_capacity(32);
        Some(conn)
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE
            && !self.closed.load(Ordering::SeqCst)
        {
            idle.push(conn);
        }
    }

    /// Runs `read` on this thread. For statements that return a handful of rows.
    pub(crate) fn run<T>(&self, read: impl FnOnce(&Connection) -> StoreResult<T>) -> Attempt<T> {
        let conn = self.take()?;
        let result = read(&conn);
        self.give_back(conn);
        match result {
            Err(StoreError::Busy(_)) => None,
            other => Some(other),
        }
    }

    /// Runs `read` on a blocking-pool thread. For statements that return many rows: one
    /// thread hand-off for the statement instead of several per batch of rows.
    pub(crate) async fn run_blocking<T: Send + 'static>(
        self: &Arc<Self>,
        read: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> Attempt<T> {
        let permit = self.blocking.acquire().await.ok()?;
        let me = Arc::clone(self);
        let answer = tokio::task::spawn_blocking(move || me.run(read))
            .await
            .ok()
            .flatten();
        drop(permit);
        answer
    }
}

/// `sql` prepared (from the connection's cache) with `args` bound to `$1`, `$2`, …
///
/// By name, not by position: SQLite numbers `$N` parameters in order of first appearance
/// in the text, which is not `N` when a statement uses `$3` before `$1`.
pub(crate) fn bound<'c>(
    conn: &'c Connection,
    sql: &str,
    args: &[Arg],
) -> StoreResult<rusqlite::CachedStatement<'c>> {
    let mut statement = conn.prepare_cached(sql).map_err(direct_err)?;
    for (i, arg) in args.iter().enumerate() {
        if let Some(index) = statement
            .parameter_index(&format!("${}", i + 1))
            .map_err(direct_err)?
        {
            statement
                .raw_bind_parameter(index, arg)
                .map_err(direct_err)?;
        }
    }
    Ok(statement)
}

/// The rows of `sql` with `args`, each turned into a value by `decode`.
pub(crate) fn all<T>(
    conn: &Connection,
    sql: &str,
    args: &[Arg],
    decode: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut statement = bound(conn, sql, args)?;
    let names = column_names(&statement);
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(direct_err)? {
        out.push(decode(&Row::Direct { row, names: &names })?);
    }
    Ok(out)
}

/// The first row of `sql` with `args`, turned into a value by `decode`.
pub(crate) fn optional<T>(
    conn: &Connection,
    sql: &str,
    args: &[Arg],
    decode: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Option<T>> {
    let mut statement = bound(conn, sql, args)?;
    let names = column_names(&statement);
    let mut rows = statement.raw_query();
    rows.next()
        .map_err(direct_err)?
        .map(|row| decode(&Row::Direct { row, names: &names }))
        .transpose()
}

fn column_names(statement: &rusqlite::Statement<'_>) -> Vec<String> {
    statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Whether another connection holds the lock `err` was refused for.
pub(crate) fn is_busy(err: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode;
    matches!(err, rusqlite::Error::SqliteFailure(e, _)
        if matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// Maps a rusqlite error onto the store's error kinds, as `db_err` does for sqlx.
pub(crate) fn direct_err(err: rusqlite::Error) -> StoreError {
    match &err {
        e if is_busy(e) => StoreError::Busy(err.to_string()),
        // As sqlx reports them: a taken unique key (primary or not) is a conflict.
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            StoreError::Conflict(err.to_string())
        }
        rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::InvalidColumnName(_)
        | rusqlite::Error::InvalidColumnIndex(_)
        | rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::Utf8Error(_) => StoreError::Corrupt(err.to_string()),
        _ => StoreError::Backend(err.to_string()),
    }
}
