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

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
///
/// Each keeps its read transaction (its WAL snapshot) open between reads. Why: beginning
/// and ending one per statement took the WAL's shared-memory locks each time (`fcntl`
/// and futex wake-ups under contention), about a tenth of the server's CPU in a `perf`
/// profile of GET under load. Keeping them: GET 13.1k → 14.2k req/s, principal discovery
/// 14.3k → 15.5k (`medium`, c = 16, three interleaved rounds on one machine). A snapshot ends when this process commits ([`Self::committed`]),
/// when it is [`MAX_SNAPSHOT_AGE`] old (for other processes' commits), after a failed
/// read, and when the checkpointer asks ([`Self::release_snapshots`]), so that an idle
/// reader never keeps the WAL from being copied back and restarted.
///
/// Other `kairos` processes on the same file (more front nodes, the admin CLI) say that
/// they committed through the [`CommitMark`]: a read that finds the mark moved since its
/// snapshot began takes a new one, so a write answered by one node is seen by the next
/// read on any node. Only writers that do not keep the mark (an `sqlite3` shell) wait
/// for [`MAX_SNAPSHOT_AGE`].
#[derive(Debug)]
pub(crate) struct DirectReads {
    path: PathBuf,
    idle: Mutex<Vec<Reader>>,
    /// Bumped after every commit of this process: snapshots begun before it are stale.
    generation: AtomicU64,
    /// The last commit of any process, where the file could be opened.
    mark: Option<CommitMark>,
    /// Set by [`DirectReads::close`]: no connection is opened or kept after it.
    closed: AtomicBool,
    /// Many-row reads running at once. More than the cores only add connections (each
    /// with its own page cache) and threads, not throughput.
    blocking: Semaphore,
}

/// How long a reader may go on reading one snapshot: the most by which a commit of a
/// process that keeps no [`CommitMark`] can be missed. Commits of this process, and
/// marked commits of others, end every older snapshot at once.
pub(crate) const MAX_SNAPSHOT_AGE: Duration = Duration::from_millis(2);

/// Eight bytes in a file beside the database (`<file>-commit`) that every `kairos`
/// process rewrites after each commit with a value never written before.
///
/// Why a value never used before rather than a counter: writers rewrite it after their
/// commit, outside SQLite's write lock, so two processes may race and one count be lost.
/// A fresh value cannot be lost that way: whatever a reader finds after a commit differs
/// from what it read before beginning its snapshot. A torn read only costs a needless
/// new snapshot. One `pread` per read; no lock is taken.
#[derive(Debug)]
struct CommitMark {
    file: File,
    /// This process's own random prefix; each commit adds one.
    next: AtomicU64,
}

impl CommitMark {
    /// The mark of the database at `db`, created if missing; `None` when the file cannot
    /// be opened (a read-only directory): readers then rely on the age bound.
    fn open(db: &Path) -> Option<CommitMark> {
        let mut name = db.as_os_str().to_owned();
        name.push("-commit");
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(PathBuf::from(name))
            .map_err(|e| tracing::warn!(error = %e, "commit mark not opened"))
            .ok()?;
        Some(CommitMark {
            file,
            // The low half of a v7 UUID: 62 random bits.
            next: AtomicU64::new(uuid::Uuid::now_v7().as_u64_pair().1),
        })
    }

    /// The value now in the file.
    fn read(&self) -> u64 {
        let mut bytes = [0u8; 8];
        match self.file.read_exact_at(&mut bytes, 0) {
            Ok(()) => u64::from_le_bytes(bytes),
            // Empty (nobody committed yet) or unreadable: a value no writer uses.
            Err(_) => 0,
        }
    }

    /// Writes a value never written before.
    fn moved(&self) {
        let value = self.next.fetch_add(1, Ordering::SeqCst).max(1);
        if let Err(e) = self.file.write_all_at(&value.to_le_bytes(), 0) {
            tracing::warn!(error = %e, "commit mark not written");
        }
    }
}

/// One reading connection and the read transaction it holds, if any.
#[derive(Debug)]
struct Reader {
    conn: Connection,
    snapshot: Option<Snapshot>,
}

/// An open read transaction: the generation and commit mark it began under, and when.
#[derive(Clone, Copy, Debug)]
struct Snapshot {
    generation: u64,
    mark: u64,
    began: Instant,
}

/// Where the commits stand as a reader is taken: this process's generation and the
/// commit mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Commits {
    generation: u64,
    mark: u64,
}

impl Reader {
    /// Ends the read transaction, if one is open. `false` when that failed and the
    /// connection should be dropped.
    fn end_snapshot(&mut self) -> bool {
        self.snapshot = None;
        self.conn.is_autocommit() || self.conn.execute_batch("ROLLBACK").is_ok()
    }

    /// Whether its snapshot began before `now` (a commit since) or has grown too old.
    fn stale(&self, now: Commits) -> bool {
        self.snapshot.is_some_and(|s| {
            s.generation != now.generation
                || s.mark != now.mark
                || s.began.elapsed() > MAX_SNAPSHOT_AGE
        })
    }
}

/// What a direct read gives: the answer, or `None` when it could not run (the database
/// was busy or a connection could not be opened) and the pooled path should answer.
pub(crate) type Attempt<T> = Option<StoreResult<T>>;

impl DirectReads {
    /// Direct reads of the SQLite file at `path`.
    pub(crate) fn new(path: PathBuf) -> Arc<DirectReads> {
        Arc::new(DirectReads {
            mark: CommitMark::open(&path),
            path,
            idle: Mutex::new(Vec::new()),
            generation: AtomicU64::new(0),
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

    /// This process committed a write: every read that starts from now on, in this
    /// process or another, sees it. Called after the commit, before the writer answers
    /// its client.
    pub(crate) fn committed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(mark) = &self.mark {
            mark.moved();
        }
    }

    /// Where the commits stand now.
    fn commits(&self) -> Commits {
        Commits {
            generation: self.generation.load(Ordering::SeqCst),
            mark: self.mark.as_ref().map_or(0, CommitMark::read),
        }
    }

    /// Ends the snapshots of the idle readers, so that none keeps the WAL from being
    /// checkpointed or restarted; readers at work end theirs when they are given back.
    pub(crate) fn release_snapshots(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut idle) = self.idle.lock() {
            idle.retain_mut(Reader::end_snapshot);
        }
    }

    fn take(&self) -> Option<Reader> {
        if self.closed.load(Ordering::SeqCst) {
            return None;
        }
        let now = self.commits();
        let mut reader = match self.idle.lock().ok()?.pop() {
            Some(reader) => reader,
            None => self.open()?,
        };
        if reader.stale(now) && !reader.end_snapshot() {
            return None;
        }
        if reader.snapshot.is_none() {
            // Deferred: the snapshot is taken by the first statement, after the
            // generation and the mark were read, so it is never older than the commits
            // it is labelled with.
            reader.conn.execute_batch("BEGIN").ok()?;
            reader.snapshot = Some(Snapshot {
                generation: now.generation,
                mark: now.mark,
                began: Instant::now(),
            });
        }
        Some(reader)
    }

    fn open(&self) -> Option<Reader> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)
            .map_err(|e| tracing::warn!(error = %e, "direct SQLite reader not opened"))
            .ok()?;
        // Opened read-write so that WAL's shared memory works whatever the file's
        // directory allows; `query_only` makes it a reader all the same.
        conn.pragma_update(None, "query_only", true).ok()?;
        conn.busy_timeout(Duration::ZERO).ok()?;
        conn.set_prepared_statement_cache_capacity(32);
        Some(Reader {
            conn,
            snapshot: None,
        })
    }

    fn give_back(&self, mut reader: Reader) {
        // A commit while it read: end the snapshot now rather than keep the WAL pinned
        // until it is next taken. (This process's commits only: reading the mark here
        // too would double the reads of its file.)
        let now = Commits {
            mark: reader.snapshot.map_or(0, |s| s.mark),
            generation: self.generation.load(Ordering::SeqCst),
        };
        if reader.stale(now) && !reader.end_snapshot() {
            return;
        }
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE
            && !self.closed.load(Ordering::SeqCst)
        {
            idle.push(reader);
        }
    }

    /// Runs `read` on this thread. For statements that return a handful of rows.
    pub(crate) fn run<T>(&self, read: impl FnOnce(&Connection) -> StoreResult<T>) -> Attempt<T> {
        let mut reader = self.take()?;
        let result = read(&reader.conn);
        // After a failure the transaction's state is not worth trusting: start afresh.
        if result.is_ok() || reader.end_snapshot() {
            self.give_back(reader);
        }
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

/// `$1` … `$16`: bound by name without formatting one for every parameter of every read.
const PARAMETER_NAMES: [&str; 16] = [
    "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15",
    "$16",
];

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
        let name = PARAMETER_NAMES
            .get(i)
            .map_or_else(|| Cow::Owned(format!("${}", i + 1)), |n| Cow::Borrowed(*n));
        if let Some(index) = statement.parameter_index(&name).map_err(direct_err)? {
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
    let names = column_names(&statement, sql);
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(direct_err)? {
        out.push(decode(&Row::direct(row, &names))?);
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
    let names = column_names(&statement, sql);
    let mut rows = statement.raw_query();
    rows.next()
        .map_err(direct_err)?
        .map(|row| decode(&Row::direct(row, &names)))
        .transpose()
}

/// The names of a statement's result columns, shared by its rows.
pub(crate) type ColumnNames = Arc<[Box<str>]>;

/// Statement texts kept per thread in [`COLUMN_NAMES`] before it is emptied: far more
/// than the fixed statements, so that only texts built at run time (`IN` lists) churn.
const MAX_KNOWN_STATEMENTS: usize = 256;

/// The longest statement text kept: above every fixed statement, below the long `IN`
/// lists built at run time, which would otherwise hold up to 256 copies of several
/// kilobytes on every thread.
const MAX_KNOWN_TEXT: usize = 4096;

/// Statement texts with their column names, by the text's address and length.
type KnownStatements = HashMap<(usize, usize), (Box<str>, ColumnNames)>;

thread_local! {
    /// This thread's [`KnownStatements`].
    static COLUMN_NAMES: RefCell<KnownStatements> = RefCell::new(HashMap::new());
}

/// The column names of `statement`, prepared from `sql`.
///
/// Why kept: asking SQLite for them on every read copied each name into a new `String`
/// (26 allocations, `strlen`s and UTF-8 checks for a GET's one row): 3 % of the server's
/// CPU in a `perf` profile of GET under load. A hit costs a hash of the text's address
/// and a comparison with the text itself, so a text built at run time that reuses a
/// freed address is never given another statement's names. The schema only changes by
/// migrations, before any read, so a text's columns never change under it.
fn column_names(statement: &rusqlite::Statement<'_>, sql: &str) -> ColumnNames {
    let key = (sql.as_ptr().addr(), sql.len());
    COLUMN_NAMES.with_borrow_mut(|known| {
        if let Some((text, names)) = known.get(&key)
            && **text == *sql
            && names.len() == statement.column_count()
        {
            return Arc::clone(names);
        }
        let names: ColumnNames = statement
            .column_names()
            .into_iter()
            .map(Box::from)
            .collect();
        if sql.len() <= MAX_KNOWN_TEXT {
            if known.len() >= MAX_KNOWN_STATEMENTS {
                known.clear();
            }
            known.insert(key, (Box::from(sql), Arc::clone(&names)));
        }
        names
    })
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A WAL database that never checkpoints by itself, one row in its WAL, and the
    /// connection that wrote it (standing for another process).
    fn wal_database(dir: &std::path::Path) -> (PathBuf, Connection) {
        let path = dir.join("r.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; \
             CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);",
        )
        .unwrap();
        (path, conn)
    }

    fn count(reads: &DirectReads) -> i64 {
        reads
            .run(|c| {
                c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                    .map_err(direct_err)
            })
            .unwrap()
            .unwrap()
    }

    #[test]
    fn this_process_commits_end_snapshots_and_others_are_seen_within_the_age_bound() {
        let dir = tempfile::tempdir().unwrap();
        let (path, other) = wal_database(dir.path());
        let reads = DirectReads::new(path);
        assert_eq!(count(&reads), 1);
        other.execute("INSERT INTO t VALUES (2)", []).unwrap();
        // Told of the commit (as the direct writer tells it): the next read sees it.
        reads.committed();
        assert_eq!(count(&reads), 2);
        // Not told (a writer that keeps no mark): seen once the snapshot is too old.
        other.execute("INSERT INTO t VALUES (3)", []).unwrap();
        std::thread::sleep(MAX_SNAPSHOT_AGE + Duration::from_millis(1));
        assert_eq!(count(&reads), 3);
    }

    #[test]
    fn another_process_marked_commit_is_seen_by_the_next_read() {
        let dir = tempfile::tempdir().unwrap();
        let (path, other) = wal_database(dir.path());
        // Two processes' readers: they share nothing but the files.
        let here = DirectReads::new(path.clone());
        let there = DirectReads::new(path);
        for round in 2..40 {
            // Ten reads keep one snapshot well within the age bound.
            for _ in 0..10 {
                assert_eq!(count(&here), round - 1);
            }
            other.execute("INSERT INTO t VALUES (0)", []).unwrap();
            there.committed();
            assert_eq!(count(&here), round, "round {round}: at once, no waiting");
        }
    }

    #[test]
    fn commit_marks_never_repeat_across_processes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let (a, b) = (
            CommitMark::open(&path).unwrap(),
            CommitMark::open(&path).unwrap(),
        );
        let mut seen = std::collections::HashSet::new();
        for _ in 0..100 {
            a.moved();
            assert!(seen.insert(b.read()));
            b.moved();
            assert!(seen.insert(a.read()));
        }
    }

    /// `wal_checkpoint(TRUNCATE)` from another connection: whether it was refused
    /// because a reader still uses the WAL.
    fn truncate_refused(conn: &Connection) -> bool {
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
            == 1
    }

    #[test]
    fn released_idle_readers_no_longer_hold_the_wal() {
        let dir = tempfile::tempdir().unwrap();
        let (path, other) = wal_database(dir.path());
        other.busy_timeout(Duration::ZERO).unwrap();
        let reads = DirectReads::new(path);
        // The idle reader keeps a snapshot that reads the row from the WAL.
        assert_eq!(count(&reads), 1);
        assert!(truncate_refused(&other), "an idle snapshot holds the WAL");
        reads.release_snapshots();
        assert!(!truncate_refused(&other), "released, the WAL can be reset");
        // And the next read begins a snapshot of its own, seeing the same data.
        assert_eq!(count(&reads), 1);
    }

    fn names_of(conn: &Connection, sql: &str) -> Vec<String> {
        let statement = conn.prepare(sql).unwrap();
        column_names(&statement, sql)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn column_names_follow_the_text_not_its_address() {
        let conn = Connection::open_in_memory().unwrap();
        let mut sql = String::from("SELECT 1 AS a, 2 AS b");
        assert_eq!(names_of(&conn, &sql), ["a", "b"]);
        // The same buffer, address and length, now another statement.
        sql.replace_range(12..13, "x");
        assert_eq!(sql, "SELECT 1 AS x, 2 AS b");
        assert_eq!(names_of(&conn, &sql), ["x", "b"]);
        // And a statement read through `optional` decodes by the right names.
        let got = optional(&conn, &sql, &[], |r| crate::row::get::<i64>(r, "b")).unwrap();
        assert_eq!(got, Some(2));
    }

    #[test]
    fn long_statement_texts_are_named_but_not_kept() {
        let conn = Connection::open_in_memory().unwrap();
        let long = format!("SELECT 1 AS a /* {} */", "x".repeat(MAX_KNOWN_TEXT));
        assert_eq!(names_of(&conn, &long), ["a"]);
        let key = (long.as_ptr().addr(), long.len());
        assert!(COLUMN_NAMES.with_borrow(|known| !known.contains_key(&key)));
    }
}
