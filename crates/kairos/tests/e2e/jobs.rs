//! Background jobs end to end: handlers run by the worker loop over the real store, with
//! retries, dead letters, wake-ups by signal and fleet-wide periodic work.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use common::*;
use kairos_core::{JobFailure, JobHandler, JobHandlers, Kairos, WorkerConfig};
use kairos_store::{JobState, NewJob};
use kairos_store_sql::{SqlStore, StoreConfig};
use tokio::sync::watch;

/// Counts its runs; fails transiently for the first `fail_first` of them, or always
/// permanently.
#[derive(Clone, Default)]
struct Counter {
    runs: Arc<AtomicUsize>,
    fail_first: usize,
    permanent: bool,
}

#[async_trait]
impl JobHandler for Counter {
    async fn run(&self, _: &Kairos, payload: &str) -> Result<(), JobFailure> {
        let n = self.runs.fetch_add(1, Ordering::SeqCst);
        if self.permanent {
            return Err(JobFailure::Permanent(format!("bad payload {payload}")));
        }
        if n < self.fail_first {
            return Err(JobFailure::Transient("not yet".into()));
        }
        Ok(())
    }
}

fn new_job(kind: &str) -> NewJob {
    NewJob {
        kind: kind.into(),
        payload: "{}".into(),
        run_at: 0,
        max_attempts: 3,
        dedupe_key: None,
    }
}

/// A second node on the harness's database, with quick retries and a slow poll (so only
/// a signal can wake it soon).
async fn node(h: &Harness) -> Arc<Kairos> {
    let store = SqlStore::connect(&StoreConfig::new(h.database_url()))
        .await
        .unwrap();
    let mut config = h.settings.core();
    config.worker = WorkerConfig {
        backoff_base: Duration::ZERO,
        poll: Duration::from_secs(600),
        ..WorkerConfig::default()
    };
    Arc::new(Kairos::new(Arc::new(store), config))
}

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn handlers_run_retry_and_die() {
    let h = Harness::new().await;
    let core = node(&h).await;
    let ok = Counter::default();
    let flaky = Counter {
        fail_first: 1,
        ..Counter::default()
    };
    let broken = Counter {
        permanent: true,
        ..Counter::default()
    };
    let handlers = JobHandlers::new()
        .register("ok", ok.clone())
        .register("flaky", flaky.clone())
        .register("broken", broken.clone());
    let ok_id = core.enqueue_job(new_job("ok")).await.unwrap().unwrap();
    let flaky_id = core.enqueue_job(new_job("flaky")).await.unwrap().unwrap();
    let broken_id = core.enqueue_job(new_job("broken")).await.unwrap().unwrap();
    let unknown_id = core.enqueue_job(new_job("nobody")).await.unwrap().unwrap();

    assert_eq!(core.run_due_jobs(&handlers).await.unwrap(), 4);
    // The flaky job failed once and is queued again (zero backoff): the next round runs it.
    assert_eq!(core.run_due_jobs(&handlers).await.unwrap(), 1);
    assert_eq!(core.run_due_jobs(&handlers).await.unwrap(), 0);

    let state = async |id| core.job(id).await.unwrap().unwrap();
    assert_eq!(state(ok_id).await.state, JobState::Done);
    let flaky_record = state(flaky_id).await;
    assert_eq!(
        (flaky_record.state, flaky_record.attempts),
        (JobState::Done, 2)
    );
    let broken_record = state(broken_id).await;
    assert_eq!(
        broken_record.state,
        JobState::Dead,
        "permanent failures are not retried"
    );
    assert_eq!(broken_record.attempts, 1);
    assert!(broken_record.last_error.unwrap().contains("bad payload"));
    let unknown = state(unknown_id).await;
    assert_eq!(unknown.state, JobState::Dead);
    assert!(unknown.last_error.unwrap().contains("no handler"));
    assert_eq!(
        (
            ok.runs.load(Ordering::SeqCst),
            flaky.runs.load(Ordering::SeqCst)
        ),
        (1, 2)
    );
    assert_eq!(core.queue_depth().await.unwrap().dead, 2);
}

#[tokio::test]
async fn transient_failures_stop_at_max_attempts() {
    let h = Harness::new().await;
    let core = node(&h).await;
    let always = Counter {
        fail_first: usize::MAX,
        ..Counter::default()
    };
    let handlers = JobHandlers::new().register("always", always.clone());
    let id = core.enqueue_job(new_job("always")).await.unwrap().unwrap();
    while core.run_due_jobs(&handlers).await.unwrap() > 0 {}
    let record = core.job(id).await.unwrap().unwrap();
    assert_eq!((record.state, record.attempts), (JobState::Dead, 3));
    assert_eq!(always.runs.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_enqueued_on_one_node_wakes_the_worker_on_another() {
    let h = Harness::new().await;
    let worker_node = node(&h).await;
    let counter = Counter::default();
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = {
        let handlers = JobHandlers::new().register("ping", counter.clone());
        let core = worker_node.clone();
        tokio::spawn(async move { core.run_worker(handlers, stop_rx).await })
    };
    // Let the worker look at the empty queue and go to sleep (poll: 10 minutes).
    tokio::time::sleep(Duration::from_millis(500)).await;
    h.core.enqueue_job(new_job("ping")).await.unwrap();
    eventually("the worker to run the job", async || {
        counter.runs.load(Ordering::SeqCst) == 1
    })
    .await;
    stop_tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), worker)
        .await
        .expect("worker stops when told")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn periodic_work_runs_once_per_period_across_workers() {
    let h = Harness::new().await;
    let counter = Counter::default();
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut workers = Vec::new();
    for _ in 0..3 {
        let core = node(&h).await;
        let handlers = JobHandlers::new()
            .register("tick", counter.clone())
            // A period long enough that no boundary falls inside the test.
            .every("tick", Duration::from_secs(365 * 86_400));
        let stop = stop_rx.clone();
        workers.push(tokio::spawn(async move {
            core.run_worker(handlers, stop).await
        }));
    }
    eventually("the periodic job to run", async || {
        counter.runs.load(Ordering::SeqCst) >= 1
    })
    .await;
    // Give the other workers time to schedule (and wrongly run) it again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(counter.runs.load(Ordering::SeqCst), 1);
    stop_tx.send(true).unwrap();
    for w in workers {
        w.await.unwrap();
    }
}
