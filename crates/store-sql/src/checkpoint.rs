//! WAL checkpoints off the write path: a thread with its own connection copies the WAL
//! back into the database file while the writer goes on committing.
//!
//! Why: SQLite checkpoints inside the COMMIT that takes the WAL past
//! `wal_autocheckpoint` pages, on the one writer connection, so every write queued
//! behind that commit waits for the copy and its fsync. A PUT dirties about thirty
//! pages (most of them leaves of the search-word index, at random places), so with the
//! default of 1,000 pages one PUT in thirty stopped all writing for a copy and an fsync.
//! Here PASSIVE checkpoints, which never wait for or block the writer or readers, run
//! every [`COMMITS_PER_CHECKPOINT`] commits and after a pause in writing, on the other
//! core; the writer's own automatic checkpoint stays as a ceiling
//! ([`WRITER_CEILING_PAGES`]) for when this thread cannot keep up. Measured with
//! `put_new` on `small` (c = 16, this 2-core machine, three interleaved rounds): 1,075
//! PUT/s, p50 14.4 ms, 0.82 ms of CPU per PUT inline; 1,690 PUT/s, p50 8.7 ms, 0.73 ms
//! here, p99 unchanged (21–22 ms).

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use kairos_store::StoreResult;
use rusqlite::{Connection, OpenFlags};

use crate::direct::{DirectReads, direct_err};

/// Commits between two background checkpoints (about 1,000 WAL pages of PUTs). Tried
/// 10 to 600: bigger checkpoints raised the p99 of PUT (to 73 ms at 600) and saved no
/// CPU, the copy competing with the writer for the two cores.
pub(crate) const COMMITS_PER_CHECKPOINT: u32 = 32;

/// WAL size (pages) at which the writer checkpoints inline after all.
pub(crate) const WRITER_CEILING_PAGES: u32 = 20_000;

/// How long writing must pause before the commits since the last checkpoint are copied.
const IDLE: Duration = Duration::from_secs(1);

/// The checkpointing thread of one database file, and the writer's side of it.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    /// Commits since the last request; shared with the thread, which takes it after a
    /// pause in writing.
    since_last: Arc<AtomicU32>,
    /// The only sender: when the writer and its transactions are gone, the thread sees
    /// the channel closed and ends.
    wake: SyncSender<Wake>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

enum Wake {
    Checkpoint,
    Stop,
}

impl Checkpointer {
    /// Opens a connection to `path` (in WAL mode) and starts the thread.
    pub(crate) fn start(path: &Path, readers: Arc<DirectReads>) -> StoreResult<Checkpointer> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(direct_err)?;
        // A checkpoint that meets a lock skips what it cannot copy; it never waits.
        conn.busy_timeout(Duration::ZERO).map_err(direct_err)?;
        let (wake, waits) = std::sync::mpsc::sync_channel(1);
        let since_last = Arc::new(AtomicU32::new(0));
        let pending = Arc::clone(&since_last);
        let thread = std::thread::Builder::new()
            .name("kairos-wal-checkpoint".into())
            .spawn(move || run(&conn, &readers, &pending, &waits))
            .map_err(|e| kairos_store::StoreError::Backend(format!("checkpoint thread: {e}")))?;
        Ok(Checkpointer {
            since_last,
            wake,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Notes `transactions` committed (together, by one group commit of the writer);
    /// every [`COMMITS_PER_CHECKPOINT`]th transaction wakes the thread.
    pub(crate) fn committed(&self, transactions: u32) {
        let n = self.since_last.fetch_add(transactions, Ordering::Relaxed) + transactions;
        if n >= COMMITS_PER_CHECKPOINT {
            self.since_last.store(0, Ordering::Relaxed);
            // Full means a wake-up is already pending: this commit is covered by it.
            if let Err(TrySendError::Disconnected(_)) = self.wake.try_send(Wake::Checkpoint) {
                tracing::debug!("WAL checkpoint thread has stopped");
            }
        }
    }

    /// Stops the thread after its current checkpoint and waits for it (blocking: call
    /// off the async workers). Its connection closes with it.
    pub(crate) fn stop(&self) {
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            // Blocks until the thread takes the message if one is pending: it will.
            let _ = self.wake.send(Wake::Stop);
            if thread.join().is_err() {
                tracing::error!("WAL checkpoint thread panicked");
            }
        }
    }
}

fn run(conn: &Connection, readers: &DirectReads, pending: &AtomicU32, waits: &Receiver<Wake>) {
    loop {
        match waits.recv_timeout(IDLE) {
            Ok(Wake::Checkpoint) => checkpoint(conn, readers),
            Err(RecvTimeoutError::Timeout) => {
                if pending.swap(0, Ordering::Relaxed) > 0 {
                    checkpoint(conn, readers);
                }
            }
            Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// One PASSIVE checkpoint: copies what no reader still needs, waits for nobody. The
/// idle readers' snapshots end before it, so that they do not hold back the copy, and
/// after it, so that they begin anew past the copied WAL and let the writer restart it.
fn checkpoint(conn: &Connection, readers: &DirectReads) {
    readers.release_snapshots();
    let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
    });
    match done {
        Ok((wal_pages, copied)) => tracing::trace!(wal_pages, copied, "WAL checkpoint"),
        Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed"),
    }
    readers.release_snapshots();
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A WAL database whose connection never checkpoints by itself, and its file.
    fn wal_database(dir: &Path) -> (std::path::PathBuf, Connection) {
        let path = dir.join("c.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; \
             CREATE TABLE t (v INTEGER);",
        )
        .unwrap();
        (path, conn)
    }

    /// Size of the database file proper: it grows only when a checkpoint copies the WAL
    /// (the table and its rows are still only in the WAL before).
    fn file_len(path: &Path) -> u64 {
        std::fs::metadata(path).unwrap().len()
    }

    #[test]
    fn enough_commits_are_copied_into_the_database_file() {
        let dir = tempfile::tempdir().unwrap();
        let (path, writer) = wal_database(dir.path());
        let before = file_len(&path);
        let checkpointer = Checkpointer::start(&path, DirectReads::new(path.clone())).unwrap();
        for v in 0..COMMITS_PER_CHECKPOINT {
            writer.execute("INSERT INTO t VALUES (?1)", [v]).unwrap();
            checkpointer.committed(1);
        }
        assert_eq!(
            file_len(&path),
            before,
            "nothing but the thread checkpoints"
        );
        // The stop queues behind the pending request: the checkpoint has run when it returns.
        checkpointer.stop();
        assert!(file_len(&path) > before, "the WAL was not copied");
    }

    #[test]
    fn a_pause_in_writing_copies_the_few_commits_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let (path, writer) = wal_database(dir.path());
        let before = file_len(&path);
        let checkpointer = Checkpointer::start(&path, DirectReads::new(path.clone())).unwrap();
        writer.execute("INSERT INTO t VALUES (1)", []).unwrap();
        checkpointer.committed(1);
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while file_len(&path) == before && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        checkpointer.stop();
        assert!(
            file_len(&path) > before,
            "the WAL was not copied after the pause"
        );
    }
}
