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
//!
//! Group commit: when others are already waiting for the connection, a finished
//! transaction does not `COMMIT` at once. It hands the connection on with its SQLite
//! transaction (a *group*) still open; the next transaction runs inside it as a
//! savepoint, and whoever finds nobody waiting commits the group for everyone in it.
//! Why: under concurrent writes a commit's fixed work (the WAL frames of the pages every
//! transaction touches — the collection row, the change log's and the tables' last
//! leaves — and the checkpoint check SQLite runs at every commit) is shared by the
//! group instead of paid by each transaction. Nobody is answered before the `COMMIT`
//! that holds their change: `commit` returns only then, and a group that fails fails
//! for every member. A member that gives up leaves only its own savepoint rolled back.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use kairos_store::{StoreError, StoreResult};
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use crate::checkpoint::{Checkpointer, WRITER_CEILING_PAGES};
use crate::direct::{DirectReads, direct_err, is_busy};

/// Statements the writer keeps prepared: every statement text a transaction uses.
const STATEMENT_CACHE: usize = 128;

/// At most this many transactions share one `COMMIT`, so the first of a group is not
/// kept waiting behind an endless stream of later ones.
const GROUP_MAX: usize = 32;

/// The one writing connection of a SQLite database file.
#[derive(Debug)]
pub(crate) struct DirectWriter {
    shared: Arc<Shared>,
}

/// What the writer and its open transactions share.
#[derive(Debug)]
struct Shared {
    conn: Arc<Mutex<Writing>>,
    /// Callers of `begin` waiting for the connection: while there are any, a finished
    /// transaction leaves its group open for them.
    waiting: AtomicUsize,
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

/// The connection and the group transaction open on it.
#[derive(Debug)]
struct Writing {
    conn: Connection,
    /// The SQLite transaction open on `conn`, if any.
    group: Option<Group>,
    /// The id the next group gets.
    next_group: u64,
}

/// One SQLite transaction holding the changes of finished transactions.
struct Group {
    id: u64,
    /// How the group ended, for its members.
    outcome: watch::Sender<Option<StoreResult<()>>>,
    /// One entry per finished transaction in it: what it asked to run once its change is
    /// committed. Whoever commits runs them, so a member whose caller stopped waiting is
    /// still announced.
    after_commit: Vec<AfterCommit>,
}

impl Group {
    /// Finished transactions in it, waiting for its `COMMIT`.
    fn released(&self) -> usize {
        self.after_commit.len()
    }
}

/// Work to run once a transaction's change is committed.
type AfterCommit = Box<dyn FnOnce() + Send>;

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group")
            .field("id", &self.id)
            .field("released", &self.released())
            .finish_non_exhaustive()
    }
}

/// Counts a caller of `begin` as waiting until it has the connection or gives up.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(count: &'a AtomicUsize) -> Waiting<'a> {
        count.fetch_add(1, Ordering::SeqCst);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
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
        // The same settings as the pooled connections (see `pool::sqlite_options`) but
        // for `temp_store`: a transaction joining a group is a savepoint, and SQLite copies
        // each page a savepoint changes into a sub-journal, kept all in memory under
        // `temp_store = MEMORY`. Measured on the `medium` upload: peak RSS 97 MB that
        // way, 66 MB with `FILE` (sub-journals past 64 KiB go to an unlinked temporary
        // file), with PUT throughput within the noise.
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = FILE;",
        )
        .map_err(direct_err)?;
        // Checkpoints run on their own thread (see `checkpoint`); inline only past this.
        conn.execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = {WRITER_CEILING_PAGES}"
        ))
        .map_err(direct_err)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let checkpointer = Arc::new(Checkpointer::start(path, Arc::clone(&readers))?);
        let writing = Writing {
            conn,
            group: None,
            next_group: 0,
        };
        Ok(DirectWriter {
            shared: Arc::new(Shared {
                conn: Arc::new(Mutex::new(writing)),
                waiting: AtomicUsize::new(0),
                closed: AtomicBool::new(false),
                acquire_timeout,
                busy_timeout,
                checkpointer,
                readers,
            }),
        })
    }

    /// Begins a write transaction: a savepoint in the open group, or in a new one
    /// (`BEGIN IMMEDIATE`: the write lock is taken now).
    pub(crate) async fn begin(&self) -> StoreResult<DirectTx> {
        let shared = &self.shared;
        let mut guard = {
            let _waiting = Waiting::new(&shared.waiting);
            tokio::time::timeout(
                shared.acquire_timeout,
                Arc::clone(&shared.conn).lock_owned(),
            )
            .await
            .map_err(|_| StoreError::Busy("timed out waiting for the SQLite writer".into()))?
        };
        if shared.closed.load(Ordering::SeqCst) {
            return Err(StoreError::Backend("the store is closed".into()));
        }
        if guard.group.is_none() {
            guard = match guard.conn.execute_batch("BEGIN IMMEDIATE") {
                Ok(()) => guard,
                Err(e) if is_busy(&e) => {
                    let wait = shared.busy_timeout;
                    tokio::task::spawn_blocking(move || begin_waiting(guard, wait))
                        .await
                        .map_err(|e| StoreError::Backend(format!("writer thread: {e}")))??
                }
                Err(e) => return Err(direct_err(e)),
            };
            let id = guard.next_group;
            guard.next_group += 1;
            guard.group = Some(Group {
                id,
                outcome: watch::Sender::new(None),
                after_commit: Vec::new(),
            });
        }
        // Only a transaction joining finished ones needs a savepoint, to be undone without
        // them; the first of a group is undone with the whole SQLite transaction, and so
        // pays nothing for grouping (a lone writer never takes one).
        let savepoint = guard.group.as_ref().is_some_and(|g| g.released() > 0);
        if savepoint {
            guard
                .conn
                .execute_batch("SAVEPOINT member")
                .map_err(direct_err)?;
        }
        Ok(DirectTx {
            guard,
            open: true,
            savepoint,
            shared: Arc::clone(shared),
        })
    }

    /// Lets the running transaction (if any) end, commits the open group, refuses new
    /// transactions and stops the checkpoint thread (its last checkpoint finished).
    pub(crate) async fn close(&self) {
        let mut writing = self.shared.conn.lock().await;
        if writing.group.is_some() {
            // Its members are waiting for it; an error is theirs to report.
            let _ = commit_group(&mut writing, &self.shared);
        }
        self.shared.closed.store(true, Ordering::SeqCst);
        drop(writing);
        let checkpointer = Arc::clone(&self.shared.checkpointer);
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
    guard: OwnedMutexGuard<Writing>,
    wait: Duration,
) -> StoreResult<OwnedMutexGuard<Writing>> {
    let conn = &guard.conn;
    conn.busy_timeout(wait).map_err(direct_err)?;
    let begun = conn.execute_batch("BEGIN IMMEDIATE");
    conn.busy_timeout(Duration::ZERO).map_err(direct_err)?;
    begun.map_err(direct_err)?;
    Ok(guard)
}

/// Commits the open group and tells its members; returns how it went.
fn commit_group(writing: &mut Writing, shared: &Shared) -> StoreResult<()> {
    let result = writing.conn.execute_batch("COMMIT").map_err(direct_err);
    if result.is_ok() {
        let released = writing.group.as_ref().map_or(0, Group::released);
        // Before anyone is answered: readers must not keep a snapshot from before it.
        shared.readers.committed();
        shared
            .checkpointer
            .committed(u32::try_from(released).unwrap_or(u32::MAX));
    } else if !writing.conn.is_autocommit() {
        // A failed COMMIT leaves the transaction open.
        if let Err(e) = writing.conn.execute_batch("ROLLBACK") {
            tracing::error!(error = %e, "rolling back a failed SQLite commit failed");
        }
    }
    end_group(writing, result.clone());
    result
}

/// Ends the open group (already committed or rolled back): runs its after-commit work
/// if it committed and gives its members the outcome.
fn end_group(writing: &mut Writing, outcome: StoreResult<()>) {
    let Some(group) = writing.group.take() else {
        return;
    };
    if outcome.is_ok() {
        for after in group.after_commit {
            after();
        }
    }
    group.outcome.send_replace(Some(outcome));
}

/// An open transaction of the [`DirectWriter`], inside its group; rolled back when
/// dropped uncommitted.
pub(crate) struct DirectTx {
    guard: OwnedMutexGuard<Writing>,
    /// Whether the transaction has not yet been released into its group or rolled back.
    open: bool,
    /// Whether it is a savepoint (it joined finished transactions) rather than the
    /// group's SQLite transaction itself.
    savepoint: bool,
    shared: Arc<Shared>,
}

impl DirectTx {
    /// The connection, inside the transaction.
    pub(crate) fn conn(&mut self) -> &mut Connection {
        &mut self.guard.conn
    }

    /// Commits, with its group: returns once the change is durable in the WAL (or the
    /// group failed). `after_commit` runs once the change is committed, even if the
    /// caller has stopped waiting by then.
    pub(crate) async fn commit(
        mut self,
        after_commit: impl FnOnce() + Send + 'static,
    ) -> StoreResult<()> {
        if self.savepoint {
            // A failed RELEASE leaves the savepoint open: Drop rolls it back.
            self.guard
                .conn
                .execute_batch("RELEASE member")
                .map_err(direct_err)?;
        }
        let shared = Arc::clone(&self.shared);
        // Never without a group (begin opens one); if it were, Drop rolls back.
        let Some(group) = self.guard.group.as_mut() else {
            return Err(StoreError::Backend(
                "the SQLite writer lost its transaction".into(),
            ));
        };
        self.open = false;
        group.after_commit.push(Box::new(after_commit));
        if shared.waiting.load(Ordering::SeqCst) == 0 || group.released() >= GROUP_MAX {
            return commit_group(&mut self.guard, &shared);
        }
        let id = group.id;
        let outcome = group.outcome.subscribe();
        drop(self);
        wait_for_group(shared, id, outcome).await
    }
}

/// Waits until the group `id` has ended. Also queues for the connection: a member that
/// gets it while its group is still open (everyone who was waiting has finished or
/// given up) commits the group itself, so no group is ever left open with nobody to
/// commit it.
async fn wait_for_group(
    shared: Arc<Shared>,
    id: u64,
    mut outcome: watch::Receiver<Option<StoreResult<()>>>,
) -> StoreResult<()> {
    loop {
        tokio::select! {
            biased;
            ended = outcome.wait_for(Option::is_some) => {
                return match ended {
                    // `wait_for` returns only once the outcome is there.
                    Ok(ended) => (*ended).clone().unwrap_or_else(|| Err(went_away())),
                    Err(_) => Err(went_away()),
                };
            }
            mut writing = Arc::clone(&shared.conn).lock_owned() => {
                if writing.group.as_ref().is_some_and(|g| g.id == id) {
                    return commit_group(&mut writing, &shared);
                }
                // The group has ended meanwhile: its outcome is there to read.
            }
        }
    }
}

impl Drop for DirectTx {
    fn drop(&mut self) {
        if !self.open {
            return;
        }
        let writing = &mut *self.guard;
        if self.savepoint {
            let undone = writing
                .conn
                .execute_batch("ROLLBACK TO member; RELEASE member");
            if writing.conn.is_autocommit() {
                // SQLite ended the whole transaction itself (after some errors it does):
                // the finished members' changes went with it, and they must hear so.
                end_group(writing, Err(rolled_back()));
                return;
            }
            match undone {
                // The group stays open for its finished members.
                Ok(()) => return,
                Err(e) => tracing::error!(error = %e, "rolling back a SQLite savepoint failed"),
            }
        }
        if !writing.conn.is_autocommit()
            && let Err(e) = writing.conn.execute_batch("ROLLBACK")
        {
            tracing::error!(error = %e, "rolling back a SQLite write transaction failed");
        }
        end_group(writing, Err(rolled_back()));
    }
}

/// What a member is told when its group ended without an outcome.
fn went_away() -> StoreError {
    StoreError::Backend("the SQLite writer went away before committing".into())
}

/// What the members of a group rolled back are told.
fn rolled_back() -> StoreError {
    StoreError::Backend("the SQLite transaction was rolled back".into())
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
        tx.commit(|| ()).await.unwrap();
        assert_eq!(count(&path), 1);

        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, "b").await.unwrap();
        drop(tx);
        assert_eq!(count(&path), 1, "an uncommitted transaction is rolled back");
        // and the writer is usable again
        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, "c").await.unwrap();
        tx.commit(|| ()).await.unwrap();
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
        tx.commit(|| ()).await.unwrap();
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

    /// Waits until `n` callers of `begin` are queued for the connection.
    async fn queued(w: &DirectWriter, n: usize) {
        while w.shared.waiting.load(Ordering::SeqCst) < n {
            tokio::task::yield_now().await;
        }
    }

    /// Lets every other task run until it blocks.
    async fn settle() {
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
    }

    /// Begins `a` (one row written), queues `b` (one row written once it has the
    /// connection) and lets `a` commit into a group left open for `b`.
    async fn two_members(
        w: &Arc<DirectWriter>,
        after_a: impl FnOnce() + Send + 'static,
    ) -> (
        tokio::task::JoinHandle<StoreResult<()>>,
        tokio::task::JoinHandle<DirectTx>,
    ) {
        let mut a = w.begin().await.unwrap();
        insert(&mut a, "a").await.unwrap();
        let w2 = Arc::clone(w);
        let b = tokio::spawn(async move {
            let mut tx = w2.begin().await.unwrap();
            insert(&mut tx, "b").await.unwrap();
            tx
        });
        queued(w, 1).await;
        let a_commit = tokio::spawn(a.commit(after_a));
        (a_commit, b)
    }

    #[tokio::test]
    async fn waiting_writers_share_one_commit_and_nobody_is_answered_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(dir.path());
        let w = Arc::new(writer(&path));
        let (a_commit, b) = two_members(&w, || ()).await;
        let b = b.await.unwrap();
        settle().await;
        assert!(
            !a_commit.is_finished(),
            "a is answered only after the group commits"
        );
        assert_eq!(
            count(&path),
            0,
            "nothing of the group is visible before its COMMIT"
        );
        b.commit(|| ()).await.unwrap();
        a_commit.await.unwrap().unwrap();
        assert_eq!(count(&path), 2);
    }

    #[tokio::test]
    async fn a_member_that_gives_up_takes_only_its_own_change_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(dir.path());
        let w = Arc::new(writer(&path));
        let (a_commit, b) = two_members(&w, || ()).await;
        drop(b.await.unwrap());
        // Nobody else is waiting: a commits its group itself.
        a_commit.await.unwrap().unwrap();
        assert_eq!(count(&path), 1);
        let conn = Connection::open(&path).unwrap();
        let keys: String = conn
            .query_row("SELECT group_concat(k) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(keys, "a");
    }

    #[tokio::test]
    async fn after_commit_work_runs_even_when_its_caller_stopped_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(dir.path());
        let w = Arc::new(writer(&path));
        let told = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&told);
        let (a_commit, b) = two_members(&w, move || flag.store(true, Ordering::SeqCst)).await;
        let b = b.await.unwrap();
        a_commit.abort();
        assert!(a_commit.await.unwrap_err().is_cancelled());
        assert!(!told.load(Ordering::SeqCst));
        b.commit(|| ()).await.unwrap();
        assert!(
            told.load(Ordering::SeqCst),
            "a's change committed, so it is announced"
        );
        assert_eq!(count(&path), 2);
    }

    #[tokio::test]
    async fn when_sqlite_ends_the_transaction_every_finished_member_hears_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = database(dir.path());
        let w = Arc::new(writer(&path));
        let (a_commit, b) = two_members(&w, || ()).await;
        let mut b = b.await.unwrap();
        // As SQLite itself does after some errors (a full disk, for one).
        b.conn().execute_batch("ROLLBACK").unwrap();
        drop(b);
        let a = a_commit.await.unwrap();
        assert!(matches!(a, Err(StoreError::Backend(_))), "{a:?}");
        assert_eq!(count(&path), 0);
        // and the writer goes on
        let mut tx = w.begin().await.unwrap();
        insert(&mut tx, "c").await.unwrap();
        tx.commit(|| ()).await.unwrap();
        assert_eq!(count(&path), 1);
    }
}
