//! Background jobs: the queue every node shares and the worker that runs it.
//!
//! A job is a row in the store's queue. Workers (nodes in the `worker` or `all` role)
//! claim due jobs under a lease, run the handler registered for the job's kind and record
//! the outcome: done, retried later with exponential backoff, or dead after its last
//! attempt (kept for an operator). A worker killed mid-job loses nothing: the lease runs
//! out and another worker claims the job again, so handlers must be idempotent.
//!
//! Workers wake when a job is enqueued anywhere (a store signal: LISTEN/NOTIFY on
//! PostgreSQL) and otherwise poll, so a lost signal only delays work. Periodic upkeep
//! (pruning sync history, re-indexing recurrences, forgetting finished jobs) is scheduled
//! as jobs too, one per period fleet-wide through a dedupe key.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use kairos_store::{ClaimedJob, JobId, JobOutcome, NewJob, Signal};
use tokio::sync::watch;

use crate::{CoreResult, Kairos, now_ms};

/// Why a job run failed.
#[derive(Debug, thiserror::Error)]
pub enum JobFailure {
    /// Worth retrying (a peer was down, the database was busy).
    #[error("{0}")]
    Transient(String),
    /// Retrying cannot help (bad payload): the job goes dead at once.
    #[error("{0}")]
    Permanent(String),
}

impl From<crate::CoreError> for JobFailure {
    fn from(e: crate::CoreError) -> Self {
        JobFailure::Transient(e.to_string())
    }
}

/// One kind of background work.
#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// Does the work for one job. Must be idempotent: a job whose worker died is run again.
    async fn run(&self, core: &Kairos, payload: &str) -> Result<(), JobFailure>;
}

/// Work that recurs: one job per period across the whole fleet.
#[derive(Clone, Debug)]
pub struct Periodic {
    /// The handler kind.
    pub kind: &'static str,
    /// How often.
    pub every: Duration,
    /// Also once whenever a worker starts.
    pub at_start: bool,
}

impl Periodic {
    /// This kind's job due at `run_at`; `occasion` makes it one per period (or start).
    fn job(&self, run_at: i64, occasion: String) -> NewJob {
        NewJob {
            kind: self.kind.to_owned(),
            payload: String::new(),
            run_at,
            max_attempts: 3,
            dedupe_key: Some(format!("{}@{occasion}", self.kind)),
        }
    }
}

/// How a worker behaves.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Jobs claimed and run at once.
    pub batch: u32,
    /// How long a claim lasts before another worker may take the job over.
    pub lease: Duration,
    /// Longest sleep between looks at the queue when no signal arrives.
    pub poll: Duration,
    /// Delay before the first retry; doubled for each further attempt.
    pub backoff_base: Duration,
    /// Longest delay between attempts.
    pub backoff_max: Duration,
    /// Finished jobs are forgotten after this long.
    pub keep_finished: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            batch: 8,
            lease: Duration::from_secs(300),
            poll: Duration::from_secs(5),
            backoff_base: Duration::from_secs(10),
            backoff_max: Duration::from_secs(3600),
            keep_finished: Duration::from_secs(7 * 86_400),
        }
    }
}

/// The handlers a worker runs, by kind, and the periodic work it schedules.
#[derive(Clone, Default)]
pub struct JobHandlers {
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
    periodic: Vec<Periodic>,
}

impl JobHandlers {
    /// No handlers.
    pub fn new() -> Self {
        JobHandlers::default()
    }

    /// The upkeep every deployment runs (pruning and re-indexing), hourly.
    pub fn standard() -> Self {
        let hourly = Duration::from_secs(3600);
        JobHandlers::new()
            .register(PRUNE_SYNC_HISTORY, PruneSyncHistory)
            .register(REFRESH_TIME_INDEX, RefreshTimeIndex)
            .register(PRUNE_JOBS, PruneJobs)
            .every(PRUNE_SYNC_HISTORY, hourly)
            // Also at start: a migration that changes the index marks every object due,
            // and until it is re-indexed its queries take the slower evaluating path.
            .every_and_at_start(REFRESH_TIME_INDEX, hourly)
            .every(PRUNE_JOBS, hourly)
    }

    /// Adds (or replaces) the handler of `kind`.
    pub fn register(mut self, kind: &'static str, handler: impl JobHandler) -> Self {
        self.handlers.insert(kind, Arc::new(handler));
        self
    }

    /// Schedules a job of `kind` (empty payload) once per `every`.
    pub fn every(self, kind: &'static str, every: Duration) -> Self {
        self.periodic(kind, every, false)
    }

    /// Like [`JobHandlers::every`], and once more whenever a worker starts.
    pub fn every_and_at_start(self, kind: &'static str, every: Duration) -> Self {
        self.periodic(kind, every, true)
    }

    fn periodic(mut self, kind: &'static str, every: Duration, at_start: bool) -> Self {
        self.periodic.push(Periodic {
            kind,
            every,
            at_start,
        });
        self
    }
}

/// Kind of the job that forgets old sync deletions.
pub const PRUNE_SYNC_HISTORY: &str = "prune-sync-history";
/// Kind of the job that re-indexes objects whose index horizon comes near.
pub const REFRESH_TIME_INDEX: &str = "refresh-time-index";
/// Kind of the job that forgets finished jobs.
pub const PRUNE_JOBS: &str = "prune-jobs";

struct PruneSyncHistory;

#[async_trait]
impl JobHandler for PruneSyncHistory {
    async fn run(&self, core: &Kairos, _: &str) -> Result<(), JobFailure> {
        let dropped = core
            .prune_sync_history(core.config().sync_retention)
            .await?;
        if dropped > 0 {
            tracing::info!(dropped, "pruned old sync deletions");
        }
        Ok(())
    }
}

struct RefreshTimeIndex;

#[async_trait]
impl JobHandler for RefreshTimeIndex {
    async fn run(&self, core: &Kairos, _: &str) -> Result<(), JobFailure> {
        // Small batches, so writers never wait long behind the re-indexing.
        let mut total = 0;
        loop {
            match core.refresh_time_index(200).await? {
                0 => break,
                n => total += n,
            }
        }
        if total > 0 {
            tracing::info!(objects = total, "re-indexed calendar objects");
        }
        Ok(())
    }
}

struct PruneJobs;

#[async_trait]
impl JobHandler for PruneJobs {
    async fn run(&self, core: &Kairos, _: &str) -> Result<(), JobFailure> {
        let keep = i64::try_from(core.config().worker.keep_finished.as_millis()).unwrap_or(0);
        let mut tx = core.store.begin().await.map_err(crate::CoreError::from)?;
        let dropped = tx
            .prune_jobs(now_ms().saturating_sub(keep))
            .await
            .map_err(crate::CoreError::from)?;
        tx.commit().await.map_err(crate::CoreError::from)?;
        if dropped > 0 {
            tracing::debug!(dropped, "forgot finished jobs");
        }
        Ok(())
    }
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The delay before attempt `attempt + 1`, after `attempt` failed runs.
fn backoff(config: &WorkerConfig, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
    config
        .backoff_base
        .saturating_mul(factor)
        .min(config.backoff_max)
}

impl Kairos {
    /// Puts a job on the queue; `None` when its dedupe key was already used.
    pub async fn enqueue_job(&self, job: NewJob) -> CoreResult<Option<JobId>> {
        let mut tx = self.store.begin().await?;
        let id = tx.enqueue_job(&job, now_ms()).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Enqueues the start-up run of the periodic kinds that ask for one.
    async fn schedule_start(&self, handlers: &JobHandlers) -> CoreResult<()> {
        let now = now_ms();
        for p in handlers.periodic.iter().filter(|p| p.at_start) {
            self.enqueue_job(p.job(now, format!("start-{now}"))).await?;
        }
        Ok(())
    }

    /// Enqueues this period's job of every periodic kind not yet scheduled (by any node).
    async fn schedule_periodic(&self, handlers: &JobHandlers) -> CoreResult<()> {
        let now = now_ms();
        for p in &handlers.periodic {
            let every = millis(p.every).max(1);
            let period = now.div_euclid(every);
            self.enqueue_job(p.job(period * every, period.to_string()))
                .await?;
        }
        Ok(())
    }

    /// Claims one batch of due jobs, runs them side by side and records their outcomes.
    /// Returns how many ran.
    pub async fn run_due_jobs(&self, handlers: &JobHandlers) -> CoreResult<usize> {
        let config = &self.config.worker;
        let claimed = self
            .store
            .claim_jobs(config.batch.max(1), millis(config.lease), now_ms())
            .await?;
        let count = claimed.len();
        // Jobs of one batch are independent: run side by side, not one after another.
        let runs = claimed
            .into_iter()
            .map(|job| self.run_claimed(handlers, job));
        for result in futures::future::join_all(runs).await {
            result?;
        }
        Ok(count)
    }

    async fn run_claimed(&self, handlers: &JobHandlers, job: ClaimedJob) -> CoreResult<()> {
        let config = &self.config.worker;
        let result = match handlers.handlers.get(job.kind.as_str()) {
            Some(handler) => handler.run(self, &job.payload).await,
            None => Err(JobFailure::Permanent(format!(
                "no handler for job kind {:?}",
                job.kind
            ))),
        };
        let outcome = match result {
            Ok(()) => JobOutcome::Done,
            Err(JobFailure::Transient(error)) if job.attempt < job.max_attempts => {
                let at = now_ms().saturating_add(millis(backoff(config, job.attempt)));
                JobOutcome::Retry { at, error }
            }
            Err(JobFailure::Transient(error) | JobFailure::Permanent(error)) => {
                JobOutcome::Dead { error }
            }
        };
        match &outcome {
            JobOutcome::Done => tracing::debug!(kind = %job.kind, id = %job.id, "job done"),
            JobOutcome::Retry { error, .. } => {
                tracing::warn!(kind = %job.kind, id = %job.id, attempt = job.attempt, %error, "job failed; will retry");
            }
            JobOutcome::Dead { error } => {
                tracing::error!(kind = %job.kind, id = %job.id, attempt = job.attempt, %error, "job failed for good");
            }
        }
        if !self.store.finish_job(&job, &outcome, now_ms()).await? {
            tracing::warn!(kind = %job.kind, id = %job.id, "job lease was taken over before it finished");
        }
        Ok(())
    }

    /// Runs the queue until `stop` turns true: claims due jobs, sleeps until a job is
    /// enqueued somewhere (or `poll` passes), schedules periodic work. Jobs already
    /// running when `stop` turns true are finished first.
    pub async fn run_worker(&self, handlers: JobHandlers, mut stop: watch::Receiver<bool>) {
        let poll = self.config.worker.poll;
        let mut signals = None;
        let mut last_schedule: Option<tokio::time::Instant> = None;
        if let Err(e) = self.schedule_start(&handlers).await {
            tracing::warn!(error = %e, "scheduling start-up jobs failed");
        }
        while !*stop.borrow() {
            if signals.is_none() {
                // Until the listener connects (again), polling alone finds the work.
                match self.store.signals().await {
                    Ok(rx) => signals = Some(rx),
                    Err(e) => tracing::warn!(error = %e, "no job signals yet; polling"),
                }
            }
            if last_schedule.is_none_or(|t| t.elapsed() >= poll.max(Duration::from_secs(30))) {
                if let Err(e) = self.schedule_periodic(&handlers).await {
                    tracing::warn!(error = %e, "scheduling periodic jobs failed");
                }
                last_schedule = Some(tokio::time::Instant::now());
            }
            match self.run_due_jobs(&handlers).await {
                Ok(0) => {}
                Ok(_) => continue,
                Err(e) => tracing::warn!(error = %e, "claiming jobs failed"),
            }
            let woken = async {
                match signals.as_mut() {
                    Some(rx) => loop {
                        match rx.recv().await {
                            Ok(Signal::JobQueued | Signal::Missed)
                            | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                            Ok(Signal::Changed { .. }) => {}
                            Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                                std::future::pending::<()>().await;
                            }
                        }
                    },
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                changed = stop.changed() => {
                    // The sender is gone: nobody can ask us to go on, or to stop later.
                    if changed.is_err() {
                        break;
                    }
                }
                () = woken => {}
                () = tokio::time::sleep(poll) => {}
            }
        }
    }

    /// Jobs per open state (for metrics).
    pub async fn queue_depth(&self) -> CoreResult<kairos_store::QueueDepth> {
        Ok(self.store.queue_depth().await?)
    }

    /// One job as stored (for operators and tests).
    pub async fn job(&self, id: JobId) -> CoreResult<Option<kairos_store::JobRecord>> {
        Ok(self.store.job(id).await?)
    }

    /// Signals of changes committed from now on by any node (for live views).
    pub async fn change_signals(&self) -> CoreResult<tokio::sync::broadcast::Receiver<Signal>> {
        Ok(self.store.signals().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let config = WorkerConfig {
            backoff_base: Duration::from_secs(10),
            backoff_max: Duration::from_secs(60),
            ..WorkerConfig::default()
        };
        assert_eq!(backoff(&config, 1), Duration::from_secs(10));
        assert_eq!(backoff(&config, 2), Duration::from_secs(20));
        assert_eq!(backoff(&config, 3), Duration::from_secs(40));
        assert_eq!(backoff(&config, 4), Duration::from_secs(60));
        assert_eq!(backoff(&config, 40), Duration::from_secs(60));
    }
}
