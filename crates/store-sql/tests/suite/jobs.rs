//! The job queue and change signals, on the engine `DATABASE_URL` selects.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use kairos_store::{
    CollectionKind, JobOutcome, JobState, NewJob, QueueDepth, Signal, Store, Timestamp,
};
use kairos_store_sql::SqlStore;

use crate::common::*;

fn job(kind: &str, run_at: Timestamp, dedupe: Option<&str>) -> NewJob {
    NewJob {
        kind: kind.to_owned(),
        payload: format!("{{\"k\":\"{kind}\"}}"),
        run_at,
        max_attempts: 2,
        dedupe_key: dedupe.map(str::to_owned),
    }
}

async fn enqueue(store: &Arc<dyn Store>, job: &NewJob) -> Option<kairos_store::JobId> {
    let mut tx = store.begin().await.unwrap();
    let id = tx.enqueue_job(job, T0).await.unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn due_jobs_are_claimed_once_and_finished() {
    let db = setup().await;
    let a = enqueue(&db.store, &job("mail", T0, None)).await.unwrap();
    let later = enqueue(&db.store, &job("mail", T0 + 60_000, None))
        .await
        .unwrap();

    let claimed = db.store.claim_jobs(10, 1000, T0).await.unwrap();
    assert_eq!(claimed.len(), 1, "only the due job");
    assert_eq!(claimed[0].id, a);
    assert_eq!(claimed[0].attempt, 1);
    assert_eq!(claimed[0].payload, "{\"k\":\"mail\"}");
    // Claimed and under lease: nobody else gets it.
    assert!(
        db.store
            .claim_jobs(10, 1000, T0 + 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.store.queue_depth().await.unwrap(),
        QueueDepth {
            queued: 1,
            running: 1,
            dead: 0
        }
    );
    assert!(
        db.store
            .finish_job(&claimed[0], &JobOutcome::Done, T0 + 20)
            .await
            .unwrap()
    );
    assert_eq!(
        db.store.job(a).await.unwrap().unwrap().state,
        JobState::Done
    );
    // Finishing twice changes nothing.
    assert!(
        !db.store
            .finish_job(&claimed[0], &JobOutcome::Done, T0 + 30)
            .await
            .unwrap()
    );
    let second = db.store.claim_jobs(10, 1000, T0 + 60_000).await.unwrap();
    assert_eq!(second.iter().map(|j| j.id).collect::<Vec<_>>(), [later]);
}

#[tokio::test]
async fn failures_retry_then_die() {
    let db = setup().await;
    let id = enqueue(&db.store, &job("sync", T0, None)).await.unwrap();
    let first = db.store.claim_jobs(1, 1000, T0).await.unwrap().remove(0);
    let retry = JobOutcome::Retry {
        at: T0 + 5000,
        error: "peer down".into(),
    };
    assert!(db.store.finish_job(&first, &retry, T0 + 1).await.unwrap());
    let record = db.store.job(id).await.unwrap().unwrap();
    assert_eq!(record.state, JobState::Queued);
    assert_eq!(record.run_at, T0 + 5000);
    assert_eq!(record.last_error.as_deref(), Some("peer down"));
    assert!(
        db.store
            .claim_jobs(1, 1000, T0 + 4999)
            .await
            .unwrap()
            .is_empty()
    );
    let second = db
        .store
        .claim_jobs(1, 1000, T0 + 5000)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(second.attempt, 2);
    let dead = JobOutcome::Dead {
        error: "still down".into(),
    };
    assert!(
        db.store
            .finish_job(&second, &dead, T0 + 5001)
            .await
            .unwrap()
    );
    let record = db.store.job(id).await.unwrap().unwrap();
    assert_eq!((record.state, record.attempts), (JobState::Dead, 2));
    assert_eq!(db.store.queue_depth().await.unwrap().dead, 1);
    assert!(
        db.store
            .claim_jobs(1, 1000, T0 + 99_999_999)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_dead_workers_job_is_taken_over_and_its_late_finish_ignored() {
    let db = setup().await;
    let id = enqueue(&db.store, &job("push", T0, None)).await.unwrap();
    let lost = db.store.claim_jobs(1, 1000, T0).await.unwrap().remove(0);
    // The lease runs out: another worker takes the job over.
    let taken = db
        .store
        .claim_jobs(1, 1000, T0 + 1001)
        .await
        .unwrap()
        .remove(0);
    assert_eq!((taken.id, taken.attempt), (id, 2));
    // The first worker comes back late: its outcome must not override the new claim.
    assert!(
        !db.store
            .finish_job(&lost, &JobOutcome::Done, T0 + 1002)
            .await
            .unwrap()
    );
    assert_eq!(
        db.store.job(id).await.unwrap().unwrap().state,
        JobState::Running
    );
    // The second claim was the last attempt allowed; its lease runs out too: dead, not
    // run a third time.
    assert!(
        db.store
            .claim_jobs(1, 1000, T0 + 5000)
            .await
            .unwrap()
            .is_empty()
    );
    let record = db.store.job(id).await.unwrap().unwrap();
    assert_eq!(record.state, JobState::Dead);
    assert!(record.last_error.unwrap().contains("lease"));
}

#[tokio::test]
async fn dedupe_keys_admit_one_job() {
    let db = setup().await;
    assert!(
        enqueue(&db.store, &job("prune", T0, Some("prune@1")))
            .await
            .is_some()
    );
    assert!(
        enqueue(&db.store, &job("prune", T0, Some("prune@1")))
            .await
            .is_none()
    );
    assert!(
        enqueue(&db.store, &job("prune", T0, Some("prune@2")))
            .await
            .is_some()
    );
    // No key: no limit.
    assert!(enqueue(&db.store, &job("mail", T0, None)).await.is_some());
    assert!(enqueue(&db.store, &job("mail", T0, None)).await.is_some());
    assert_eq!(db.store.queue_depth().await.unwrap().queued, 4);
}

#[tokio::test]
async fn pruning_forgets_finished_jobs_only() {
    let db = setup().await;
    let done = enqueue(&db.store, &job("a", T0, None)).await.unwrap();
    let open = enqueue(&db.store, &job("b", T0 + 10, None)).await.unwrap();
    let claimed = db.store.claim_jobs(1, 1000, T0).await.unwrap().remove(0);
    db.store
        .finish_job(&claimed, &JobOutcome::Done, T0 + 1)
        .await
        .unwrap();
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.prune_jobs(T0 + 2).await.unwrap(), 1);
    tx.commit().await.unwrap();
    assert!(db.store.job(done).await.unwrap().is_none());
    assert!(db.store.job(open).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claimers_never_share_a_job() {
    let db = setup().await;
    let mut all = HashSet::new();
    let mut tx = db.store.begin().await.unwrap();
    for _ in 0..200 {
        all.insert(
            tx.enqueue_job(&job("x", T0, None), T0)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    // Separate stores (pools) stand for separate nodes.
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let node: Arc<dyn Store> = Arc::new(SqlStore::connect(&db.config).await.unwrap());
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = node.claim_jobs(7, 60_000, T0).await.unwrap();
                if batch.is_empty() {
                    return mine;
                }
                mine.extend(batch.into_iter().map(|j| j.id));
            }
        }));
    }
    let mut seen = HashSet::new();
    for t in tasks {
        for id in t.await.unwrap() {
            assert!(seen.insert(id), "job {id} claimed twice");
        }
    }
    assert_eq!(seen, all);
}

async fn next_signal(rx: &mut tokio::sync::broadcast::Receiver<Signal>) -> Signal {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a signal within 10 s")
        .expect("signal channel open")
}

#[tokio::test]
async fn committed_changes_are_signalled_to_other_nodes() {
    let db = setup().await;
    let (_, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;
    // Another node on the same database: LISTEN/NOTIFY on PostgreSQL; on SQLite the
    // stores of one process share their signals.
    let other: Arc<dyn Store> = Arc::new(SqlStore::connect(&db.config).await.unwrap());
    let mut rx = other.signals().await.unwrap();

    // A rolled-back transaction says nothing.
    let mut tx = db.store.begin().await.unwrap();
    tx.bump_seq(cal.id, T0).await.unwrap();
    drop(tx);

    let mut tx = db.store.begin().await.unwrap();
    let seq = tx.bump_seq(cal.id, T0).await.unwrap();
    tx.put_object(cal.id, &event("a.ics", "a"), T0)
        .await
        .unwrap();
    tx.record_change(cal.id, "a.ics", seq, false, T0)
        .await
        .unwrap();
    tx.enqueue_job(&job("mail", T0, None), T0).await.unwrap();
    tx.commit().await.unwrap();

    let mut got = vec![next_signal(&mut rx).await, next_signal(&mut rx).await];
    got.sort_by_key(|s| matches!(s, Signal::JobQueued));
    assert_eq!(
        got,
        [
            Signal::Changed {
                collection: cal.id,
                seq
            },
            Signal::JobQueued
        ]
    );
    assert!(rx.try_recv().is_err(), "nothing else: {:?}", rx.try_recv());
}
