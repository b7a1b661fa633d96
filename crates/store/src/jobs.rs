//! Background jobs and change signals: the queue workers claim from, and the notices one
//! node gives the others when something changed.

use crate::{CollectionId, JobId, Timestamp};

/// A job to put on the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewJob {
    /// What to do: the name a worker's handler is registered under.
    pub kind: String,
    /// Handler input, as the handler wrote it (JSON by convention).
    pub payload: String,
    /// Not before this time.
    pub run_at: Timestamp,
    /// Runs (first one included) before the job is given up as dead.
    pub max_attempts: u32,
    /// At most one job ever carries a given key: enqueueing a second is a no-op. Periodic
    /// work uses it so that a fleet of workers schedules each period once.
    pub dedupe_key: Option<String>,
}

/// A job a worker has claimed and now holds a lease on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedJob {
    /// The job.
    pub id: JobId,
    /// Handler name.
    pub kind: String,
    /// Handler input.
    pub payload: String,
    /// This run's number, 1 for the first.
    pub attempt: u32,
    /// Runs allowed in all.
    pub max_attempts: u32,
    /// Proof of this claim: finishing with another lease (an older claim whose lease ran
    /// out and was taken over) changes nothing.
    pub lease: String,
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for its `run_at`, or for a worker.
    Queued,
    /// Claimed; the lease runs until `locked_until`.
    Running,
    /// Finished successfully.
    Done,
    /// Failed its last attempt (or its lease ran out on the last one): kept for an
    /// operator to look at, never retried by itself.
    Dead,
}

/// What happened to a claimed job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    /// It succeeded.
    Done,
    /// It failed and runs again at `at`.
    Retry {
        /// When to run again.
        at: Timestamp,
        /// Why it failed.
        error: String,
    },
    /// It failed for good.
    Dead {
        /// Why it failed.
        error: String,
    },
}

/// A job as stored (for operators and tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRecord {
    /// The job.
    pub id: JobId,
    /// Handler name.
    pub kind: String,
    /// State.
    pub state: JobState,
    /// Runs started so far.
    pub attempts: u32,
    /// Runs allowed.
    pub max_attempts: u32,
    /// Next run (queued) or when it was last scheduled.
    pub run_at: Timestamp,
    /// The last failure, if any.
    pub last_error: Option<String>,
}

/// How many jobs are in each open state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueDepth {
    /// Waiting (due or not).
    pub queued: u64,
    /// Claimed by a worker.
    pub running: u64,
    /// Given up.
    pub dead: u64,
}

/// A notice that something changed, delivered to every node (PostgreSQL LISTEN/NOTIFY)
/// or every task of the one process (SQLite) after the change committed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signal {
    /// A collection (or one of its members) changed; its sequence is now `seq`.
    Changed {
        /// The collection.
        collection: CollectionId,
        /// Its sequence after the change.
        seq: i64,
    },
    /// A job was enqueued.
    JobQueued,
    /// Signals may have been lost (a listener fell behind or reconnected): whoever relies
    /// on them should look at the database again.
    Missed,
}
