//! Write transactions on file-backed SQLite through one rusqlite connection, run on the
//! thread of the task that holds the transaction.
//!
//! Why: SQLite takes one writer at a time, so the time a transaction holds the write
//! lock bounds write throughput. Through sqlx every statement is a round trip to the
//! connection's own thread and back through the async scheduler; a PUT is about a dozen
//! statements, and under load (wrk, 16 connections, 2 cores) the lock was held mostly
//! waiting for those hand-offs (a `perf` profile put a quarter of the CPU in context
//! switches). Here the statements run inline, so the lock is held for the time SQLite
//! itself takes. Taking the connection is the only await; a lock held by another process
//! (the admin CLI) is waited out on a blocking thread, never on an async worker.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use kairos_store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::checkpoint::{Checkpointer, WRITER_CEILING_PAGES};
use crate::direct::{DirectReads, direct_err, is_busy};

/// Statements the writer keeps prepared: every statement text a transaction uses.
const STATEMENT_CACHE: usize = 128;

/// The one writing connection of a SQLite database file.
#[derive(Debug)]
pub(crate) struct DirectWriter {
    conn: Arc<Mutex<Connection>>,
    /// Set by [`DirectWriter::close`]: no transaction begins after it.
    closed: AtomicBool,
    /// How long a transaction waits for the connection (as the pool's acquire timeout).
    acquire_timeout: Duration,
    /// How long `BEGIN` waits for another process's lock.
    busy_timeout: Duration,
    /// Copies the WAL into the database file off the write path; told of every commit.
    checkpointer: Arc<Checkpointer>,
    /// This process's readers, whose snapshots every commit makes stale.
    readers: Arc<DirectReads>,
}

impl DirectWriter {
    /// Opens the writer of the database at `path`, which must exist (in WAL mode).
    pub(crate) fn open(
        path: &Path,
        acquire_timeout: Duration,
        busy_timeout: Duration,
        readers: Arc<DirectReads>,
    ) -> StoreResult<DirectWriter> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(direct_err)?;
        // Statements inside a transaction never wait: the transaction already holds the
        // write lock, and WAL readers do not block a writer.
        conn.busy_timeout(Duration::ZERO).map_err(direct_err)?;
        // The same settings as the pooled connections (see `pool::sqlite_options`).
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
        )
        .map_err(direct_err)?;
        // Checkpoints run on their own thread (see `checkpoint`); inline only past this.
        conn.execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = {WRITER_CEILING_PAGES}"
        ))
        .map_err(direct_err)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let checkpointer = Arc::new(Checkpointer::start(path, Arc::clone(&readers))?);
        Ok(DirectWriter {
            conn: Arc::new(Mutex::new(conn)),
            closed: AtomicBool::new(false),
            acquire_timeout,
            busy_timeout,
            checkpointer,
            readers,
        })
    }

    /// Begins a write transaction (`BEGIN IMMEDIATE`: the write lock is taken now).
    pub(crate) async fn begin(&self) -> StoreResult<DirectTx> {
        let guard = tokio::time::timeout(self.acquire_timeout, Arc::clone(&self.conn).lock_owned())
            .await
            .map_err(|_| StoreError::Busy("timed out waiting for the SQLite writer".into()))?;
        if self.closed.load(Ordering::SeqCst) {
            return Err(StoreError::Backend("the store is closed".into()));
        }
        let guard = match guard.execute_batch("BEGIN IMMEDIATE") {
            Ok(()) => guard,
            Err(e) if is_busy(&e) => {
                let wait = self.busy_timeout;
                tokio::task::spawn_blocking(move || begin_waiting(guard, wait))
                    .await
                    .map_err(|e| StoreError::Backend(format!("writer thread: {e}")))??
            }
            Err(e) => return Err(direct_err(e)),
        };
        Ok(DirectTx {
            guard,
            open: true,
            checkpointer: Arc::clone(&self.checkpointer),
            readers: Arc::clone(&self.readers),
        })
    }

    /// Lets the running transaction (if any) end, refuses new ones and stops the
    /// checkpoint thread (its last checkpoint finished).
    pub(crate) async fn close(&self) {
        let _ended = self.conn.lock().await;
        self.closed.store(true, Ordering::SeqCst);
        let checkpointer = Arc::clone(&self.checkpointer);
        if tokio::task::spawn_blocking(move || checkpointer.stop())
            .await
            .is_err()
        {
            tracing::error!("stopping the WAL checkpoint thread failed");
        }
    }
}

/// `BEGIN IMMEDIATE`, waiting up to `wait` for another process's lock (blocking).
fn begin_waiting(
    guard: OwnedMutexGuard<Connection>,
    wait: Duration,
) -> StoreResult<OwnedMutexGuard<Connection>> {
    let conn = &*guard;
    conn.busy_timeout(wait).map_err(direct_err)?;
    let begun = conn.execute_batch("BEGIN IMMEDIATE");
    conn.busy_timeout(Duration::ZERO).map_err(direct_err)?;
    begun.map_err(direct_err)?;
    Ok(guard)
}

/// An open transaction of the [`DirectWriter`]; rolled back when dropped uncommitted.
pub(crate) struct DirectTx {
    guard: OwnedMutexGuard<Connection>,
    /// Whether `BEGIN` has not yet been ended by `COMMIT` or `ROLLBACK`.
    open: bool,
    /// Told of the commit.
    checkpointer: Arc<Checkpointer>,
    /// Told of the commit, before the caller can answer anyone.
    readers: Arc<DirectReads>,
}

impl DirectTx {
    /// The connection, inside the transaction.
    pub(crate) fn conn(&mut self) -> &mut Connection {
        &mut self.guard
    }

    /// Commits.
    pub(crate) fn commit(mut self) -> StoreResult<()> {
        let result = self.guard.execute_batch("COMMIT").map_err(direct_err);
        // A failed COMMIT leaves the transaction open: Drop rolls it back.
        if result.is_ok() {
            self.open = false;
            self.readers.committed();
            self.checkpointer.committed();
        }
        result
    }
}

impl Drop for DirectTx {
    fn drop(&mut self) {
        if self.open
            && let Err(e) = self.guard.execute_batch("ROLLBACK")
        {
            // SQLite may already have rolled back (after some errors it does so itself).
            if self.guard.is_autocommit() {
                return;
            }
            tracing::error!(error = %e, "rolling back a SQLite write transaction failed");
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::conn::{Conn, query};
    use crate::row::get;

    fn database(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("w.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER);",
        )
        .unwrap();
        path
    }

    fn count(path: &Path) -> i64 {
        let conn = Connection::open(path).unwrap();
        conn.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap()
    }

    fn writer(path: &Path) -> DirectWriter {
        let readers = DirectReads::new(path.to_owned());
        DirectWriter::open(
            path,
            Duration::from_secs(5),
            Duration::from_secs(5),
            readers,
        )
        .unwrap()
    }

    async fn insert(tx: &mut DirectTx, k: &str) -> StoreResult<u64> {
        query("INSERT INTO t (k, v) VALUES ($1, $2)")
            .bind(k)
            .bind(1_i64)
            .execute(&mut Conn::Direct(tx.conn()))
            .await
    }

    #[tokio::test]
    async fn commits_are_seen_and_dropped_transactions_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(dir.path());
        let w = writer(&path);
        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, "a").await.unwrap();
        let row = query("SELECT v FROM t WHERE k = $1")
            .bind("a")
            .fetch_one(&mut Conn::Direct(tx.conn()))
            .await
            .unwrap();
        assert_eq!(get::<i64>(&row, "v").unwrap(), 1);
        tx.commit().unwrap();
        assert_eq!(count(&path), 1);

        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, "b").await.unwrap();
        drop(tx);
        assert_eq!(count(&path), 1, "an uncommitted transaction is rolled back");
        // and the writer is usable again
        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, "c").await.unwrap();
        tx.commit().unwrap();
        assert_eq!(count(&path), 2);
    }

    #[tokio::test]
    async fn a_taken_key_is_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let w = writer(&database(dir.path()));
        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, "a").await.unwrap();
        let again = insert(&mut tx, "a").await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    }

    #[tokio::test]
    async fn begin_waits_out_another_process_lock_off_the_async_threads() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(dir.path());
        let w = writer(&path);
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            other.execute_batch("COMMIT").unwrap();
        });
        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, "a").await.unwrap();
        tx.commit().unwrap();
        release.join().unwrap();
        assert_eq!(count(&path), 1);
    }

    #[tokio::test]
    async fn a_lock_held_too_long_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(dir.path());
        let w = DirectWriter::open(
            &path,
            Duration::from_secs(5),
            Duration::from_millis(100),
            DirectReads::new(path.clone()),
        )
        .unwrap();
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let refused = w.begin().await;
        assert!(
            matches!(refused, Err(StoreError::Busy(_))),
            "{:?}",
            refused.err()
        );
        other.execute_batch("ROLLBACK").unwrap();
        assert!(w.begin().await.is_ok());
    }

    #[tokio::test]
    async fn no_transaction_begins_after_close() {
        let dir = tempfile::tempdir().unwrap();
        let w = writer(&database(dir.path()));
        w.close().await;
        assert!(w.begin().await.is_err());
    }
}
